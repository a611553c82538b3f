//! A tolerant, allocation-light tokenizer for page content streams.
//!
//! lopdf's own content parser rejects a whole stream when an inline image uses a
//! filter, so we lex content ourselves: operands go onto a reusable stack, each
//! operator is returned as a byte slice, inline images (BI … ID … EI) are skipped.

/// One operand of a content-stream operator.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// Integer or real number.
    Num(f64),
    /// A name, without the slash, `#xx` escapes resolved.
    Name(Vec<u8>),
    /// A literal or hex string, escapes resolved.
    Str(Vec<u8>),
    /// An array.
    Array(Vec<Operand>),
    /// A dictionary (only used by marked content and inline images; values kept).
    Dict(Vec<(Vec<u8>, Operand)>),
    /// true/false/null and anything else we don't need.
    Other,
}

impl Operand {
    /// The number, if this operand is one.
    pub fn num(&self) -> Option<f64> {
        match self {
            Operand::Num(n) => Some(*n),
            _ => None,
        }
    }
}

/// Maximum nesting of arrays/dictionaries inside content streams.
pub const MAX_NESTING: usize = 32;
/// Operands beyond this count for one operator are dropped (malformed streams).
pub const MAX_OPERANDS: usize = 4096;
/// Items of one array operand (a TJ array's strings and kerns) kept; the rest are
/// read past and counted in [`Lexer::dropped`], so a hostile array costs time
/// bounded by the stream's size but no memory.
pub const MAX_ARRAY_ITEMS: usize = 100_000;

/// Lexer over one content stream.
pub struct Lexer<'a> {
    buf: &'a [u8],
    pos: usize,
    dropped: usize,
}

fn is_white(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'\0')
}

fn is_delim(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

enum Tok<'a> {
    Operand(Operand),
    ArrayEnd,
    DictEnd,
    Keyword(&'a [u8]),
}

impl<'a> Lexer<'a> {
    /// Starts lexing `buf` from its beginning.
    pub fn new(buf: &'a [u8]) -> Self {
        Lexer {
            buf,
            pos: 0,
            dropped: 0,
        }
    }

    /// Array items dropped so far because an array had more than [`MAX_ARRAY_ITEMS`].
    pub fn dropped(&self) -> usize {
        self.dropped
    }

    /// Reads operands into `operands` (cleared first) and returns the next operator,
    /// or `None` at the end of the stream. Inline images come back as `BI` with no operands.
    pub fn next_op(&mut self, operands: &mut Vec<Operand>) -> Option<&'a [u8]> {
        operands.clear();
        loop {
            let tok = self.token(0)?;
            match tok {
                Tok::Operand(o) => {
                    if operands.len() < MAX_OPERANDS {
                        operands.push(o);
                    }
                }
                Tok::ArrayEnd | Tok::DictEnd => {} // stray closer: ignore
                Tok::Keyword(k) => match k {
                    b"true" | b"false" | b"null" => operands.push(Operand::Other),
                    b"BI" => {
                        self.skip_inline_image();
                        operands.clear();
                        return Some(b"BI");
                    }
                    _ => return Some(k),
                },
            }
        }
    }

    fn skip_ws(&mut self) {
        while self.pos < self.buf.len() {
            let b = self.buf[self.pos];
            if is_white(b) {
                self.pos += 1;
            } else if b == b'%' {
                while self.pos < self.buf.len() && !matches!(self.buf[self.pos], b'\r' | b'\n') {
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    fn token(&mut self, depth: usize) -> Option<Tok<'a>> {
        self.skip_ws();
        let b = *self.buf.get(self.pos)?;
        match b {
            b'/' => {
                self.pos += 1;
                Some(Tok::Operand(Operand::Name(self.name())))
            }
            b'(' => {
                self.pos += 1;
                Some(Tok::Operand(Operand::Str(self.literal())))
            }
            b'<' => {
                if self.buf.get(self.pos + 1) == Some(&b'<') {
                    self.pos += 2;
                    Some(Tok::Operand(self.dict(depth)))
                } else {
                    self.pos += 1;
                    Some(Tok::Operand(Operand::Str(self.hex())))
                }
            }
            b'>' => {
                self.pos += 1;
                if self.buf.get(self.pos) == Some(&b'>') {
                    self.pos += 1;
                }
                Some(Tok::DictEnd)
            }
            b'[' => {
                self.pos += 1;
                Some(Tok::Operand(self.array(depth)))
            }
            b']' => {
                self.pos += 1;
                Some(Tok::ArrayEnd)
            }
            b'{' | b'}' | b')' => {
                self.pos += 1;
                Some(Tok::Keyword(&self.buf[self.pos - 1..self.pos]))
            }
            b'+' | b'-' | b'.' | b'0'..=b'9' => Some(Tok::Operand(self.number())),
            _ => {
                let start = self.pos;
                while self.pos < self.buf.len()
                    && !is_white(self.buf[self.pos])
                    && !is_delim(self.buf[self.pos])
                {
                    self.pos += 1;
                }
                Some(Tok::Keyword(&self.buf[start..self.pos]))
            }
        }
    }

    fn number(&mut self) -> Operand {
        let start = self.pos;
        let mut neg = false;
        if matches!(self.buf[self.pos], b'+' | b'-') {
            neg = self.buf[self.pos] == b'-';
            self.pos += 1;
        }
        let mut int: f64 = 0.0;
        let mut frac: f64 = 0.0;
        let mut scale = 1.0;
        let mut seen_dot = false;
        let mut digits = 0;
        while let Some(&c) = self.buf.get(self.pos) {
            match c {
                b'0'..=b'9' => {
                    digits += 1;
                    if seen_dot {
                        scale /= 10.0;
                        frac += (c - b'0') as f64 * scale;
                    } else {
                        int = int * 10.0 + (c - b'0') as f64;
                    }
                }
                b'.' if !seen_dot => seen_dot = true,
                // "--5" or "1-2" style junk: stop here, rest becomes a keyword
                _ => break,
            }
            self.pos += 1;
        }
        if digits == 0 {
            // lone sign or dot: consume one byte, treat as 0
            if self.pos == start {
                self.pos += 1;
            }
            return Operand::Num(0.0);
        }
        let v = int + frac;
        Operand::Num(if neg { -v } else { v })
    }

    fn name(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        while let Some(&c) = self.buf.get(self.pos) {
            if is_white(c) || is_delim(c) {
                break;
            }
            if c == b'#' {
                if let (Some(h), Some(l)) = (
                    self.buf.get(self.pos + 1).and_then(|&x| hex_val(x)),
                    self.buf.get(self.pos + 2).and_then(|&x| hex_val(x)),
                ) {
                    out.push(h * 16 + l);
                    self.pos += 3;
                    continue;
                }
            }
            out.push(c);
            self.pos += 1;
        }
        out
    }

    fn literal(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut depth = 1usize;
        while let Some(&c) = self.buf.get(self.pos) {
            self.pos += 1;
            match c {
                b'(' => {
                    depth += 1;
                    out.push(c);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return out;
                    }
                    out.push(c);
                }
                b'\\' => {
                    let Some(&e) = self.buf.get(self.pos) else {
                        break;
                    };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'0'..=b'7' => {
                            let mut v: u32 = (e - b'0') as u32;
                            for _ in 0..2 {
                                match self.buf.get(self.pos) {
                                    Some(&d @ b'0'..=b'7') => {
                                        v = v * 8 + (d - b'0') as u32;
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push((v & 0xff) as u8);
                        }
                        b'\r' => {
                            if self.buf.get(self.pos) == Some(&b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        other => out.push(other),
                    }
                }
                _ => out.push(c),
            }
        }
        out
    }

    fn hex(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut hi: Option<u8> = None;
        while let Some(&c) = self.buf.get(self.pos) {
            self.pos += 1;
            if c == b'>' {
                break;
            }
            if let Some(v) = hex_val(c) {
                match hi.take() {
                    Some(h) => out.push(h * 16 + v),
                    None => hi = Some(v),
                }
            }
        }
        if let Some(h) = hi {
            out.push(h * 16);
        }
        out
    }

    fn array(&mut self, depth: usize) -> Operand {
        let mut items = Vec::new();
        if depth >= MAX_NESTING {
            self.skip_balanced(b'[', b']');
            return Operand::Other;
        }
        loop {
            let item = match self.token(depth + 1) {
                None | Some(Tok::ArrayEnd) => break,
                Some(Tok::Operand(o)) => o,
                Some(Tok::DictEnd) => continue,
                Some(Tok::Keyword(_)) => Operand::Other,
            };
            if items.len() < MAX_ARRAY_ITEMS {
                items.push(item);
            } else {
                self.dropped += 1;
            }
        }
        Operand::Array(items)
    }

    fn dict(&mut self, depth: usize) -> Operand {
        let mut items = Vec::new();
        if depth >= MAX_NESTING {
            self.skip_balanced(b'<', b'>');
            return Operand::Other;
        }
        let mut key: Option<Vec<u8>> = None;
        loop {
            match self.token(depth + 1) {
                None | Some(Tok::DictEnd) => break,
                Some(Tok::ArrayEnd) => {}
                Some(Tok::Operand(Operand::Name(n))) if key.is_none() => key = Some(n),
                Some(Tok::Operand(o)) => {
                    if let Some(k) = key.take() {
                        items.push((k, o));
                    }
                }
                Some(Tok::Keyword(_)) => {
                    if let Some(k) = key.take() {
                        items.push((k, Operand::Other));
                    }
                }
            }
        }
        Operand::Dict(items)
    }

    fn skip_balanced(&mut self, open: u8, close: u8) {
        let mut depth = 1usize;
        while let Some(&c) = self.buf.get(self.pos) {
            self.pos += 1;
            if c == open {
                depth += 1;
            } else if c == close {
                depth -= 1;
                if depth == 0 {
                    return;
                }
            }
        }
    }

    /// Skips an inline image: its dictionary up to `ID`, then binary data up to an
    /// `EI` that stands between white space (or the end of the stream).
    fn skip_inline_image(&mut self) {
        // dictionary entries up to the ID keyword
        loop {
            match self.token(0) {
                None => return,
                Some(Tok::Keyword(b"ID")) => break,
                Some(Tok::Keyword(b"EI")) => return,
                _ => {}
            }
        }
        // one white-space byte after ID, then data
        self.pos += 1;
        let buf = self.buf;
        let mut i = self.pos;
        while i + 1 < buf.len() {
            if buf[i] == b'E'
                && buf[i + 1] == b'I'
                && (i == 0 || is_white(buf[i - 1]))
                && buf.get(i + 2).is_none_or(|&c| is_white(c))
            {
                self.pos = i + 2;
                return;
            }
            i += 1;
        }
        self.pos = buf.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(src: &[u8]) -> Vec<(String, Vec<Operand>)> {
        let mut lx = Lexer::new(src);
        let mut v = Vec::new();
        let mut out = Vec::new();
        while let Some(op) = lx.next_op(&mut v) {
            out.push((String::from_utf8_lossy(op).into_owned(), v.clone()));
        }
        out
    }

    #[test]
    fn numbers_names_strings() {
        let r = ops(b"1 -2.5 .5 /F#201 12 Tf (a\\(b\\)\\101\\\n) Tj <4E2D 4> Tj");
        assert_eq!(r[0].0, "Tf");
        assert_eq!(
            r[0].1,
            vec![
                Operand::Num(1.0),
                Operand::Num(-2.5),
                Operand::Num(0.5),
                Operand::Name(b"F 1".to_vec()),
                Operand::Num(12.0)
            ]
        );
        assert_eq!(r[1].1, vec![Operand::Str(b"a(b)A".to_vec())]);
        assert_eq!(r[2].1, vec![Operand::Str(vec![0x4e, 0x2d, 0x40])]);
    }

    #[test]
    fn tj_array_and_comments() {
        let r = ops(b"% comment\n[(A) -120 (B)] TJ");
        assert_eq!(r.len(), 1);
        assert_eq!(
            r[0].1,
            vec![Operand::Array(vec![
                Operand::Str(b"A".to_vec()),
                Operand::Num(-120.0),
                Operand::Str(b"B".to_vec())
            ])]
        );
    }

    #[test]
    fn inline_image_skipped_even_with_filter_and_ei_in_data() {
        let src = b"q BI /W 2 /H 2 /F /Fl /BPC 8 ID \x01EI\xffEIx EI Q (t) Tj";
        let r = ops(src);
        let names: Vec<&str> = r.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(names, vec!["q", "BI", "Q", "Tj"]);
    }

    #[test]
    fn unterminated_input_does_not_panic() {
        for src in [
            &b"(abc"[..],
            b"<4E",
            b"[1 2",
            b"<< /A",
            b"BI /W 1 ID xx",
            b"/",
            b"-",
        ] {
            let _ = ops(src);
        }
    }

    #[test]
    fn huge_arrays_keep_a_bounded_prefix() {
        let mut s = b"[".to_vec();
        for _ in 0..MAX_ARRAY_ITEMS + 5 {
            s.extend_from_slice(b"(a)");
        }
        s.extend_from_slice(b"] TJ (b) Tj");
        let mut lx = Lexer::new(&s);
        let mut v = Vec::new();
        assert_eq!(lx.next_op(&mut v), Some(&b"TJ"[..]));
        assert!(matches!(&v[0], Operand::Array(a) if a.len() == MAX_ARRAY_ITEMS));
        assert_eq!(lx.dropped(), 5);
        // the stream goes on after the array
        assert_eq!(lx.next_op(&mut v), Some(&b"Tj"[..]));
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let mut s = vec![b'['; 10_000];
        s.extend_from_slice(b" 1 ");
        s.extend(vec![b']'; 10_000]);
        s.extend_from_slice(b" TJ");
        let r = ops(&s);
        assert_eq!(r.last().map(|x| x.0.as_str()), Some("TJ"));
    }
}
