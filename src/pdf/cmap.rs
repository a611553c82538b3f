//! CMaps: lenient ToUnicode parsing, code-space splitting, predefined Chinese CMaps.
//!
//! A ToUnicode map is read entry by entry with a tolerant tokenizer: an entry
//! that does not parse (bad hex, wrong arity, absurd range) is skipped and
//! counted, the rest of the map survives.

use std::collections::HashMap;

/// A code-space range: codes of `len` bytes whose every byte lies in `lo[i]..=hi[i]`.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeRange {
    /// Number of bytes of codes in this range (1–4).
    pub len: usize,
    lo: [u8; 4],
    hi: [u8; 4],
}

impl CodeRange {
    /// A range from its low and high code bytes (same length, 1–4 bytes).
    pub fn new(lo: &[u8], hi: &[u8]) -> Option<CodeRange> {
        if lo.len() != hi.len() || lo.is_empty() || lo.len() > 4 {
            return None;
        }
        let mut r = CodeRange {
            len: lo.len(),
            lo: [0; 4],
            hi: [0; 4],
        };
        r.lo[..lo.len()].copy_from_slice(lo);
        r.hi[..hi.len()].copy_from_slice(hi);
        Some(r)
    }

    fn matches(&self, bytes: &[u8]) -> bool {
        bytes.len() >= self.len
            && (0..self.len).all(|i| bytes[i] >= self.lo[i] && bytes[i] <= self.hi[i])
    }
}

/// How a byte string splits into character codes.
#[derive(Debug, Clone, PartialEq)]
pub enum CodeSpace {
    /// Every code has this many bytes (1 for simple fonts, 2 for Identity-H).
    Fixed(usize),
    /// Explicit code-space ranges (from a CMap).
    Ranges(Vec<CodeRange>),
    /// GBK / GB2312 EUC: a lead byte 0x81–0xFE starts a 2-byte code, else 1 byte.
    Euc,
    /// UTF-16BE: 2 bytes, 4 for a surrogate pair.
    Utf16,
}

impl CodeSpace {
    /// Length in bytes of the code starting at `bytes[0]` (at least 1, at most
    /// `bytes.len()`; 0 for empty input).
    pub fn code_len(&self, bytes: &[u8]) -> usize {
        if bytes.is_empty() {
            return 0;
        }
        let n = match self {
            CodeSpace::Fixed(n) => *n,
            CodeSpace::Euc => {
                if bytes[0] >= 0x81 && bytes[0] != 0xff {
                    2
                } else {
                    1
                }
            }
            CodeSpace::Utf16 => {
                if (0xd8..=0xdb).contains(&bytes[0]) {
                    4
                } else {
                    2
                }
            }
            CodeSpace::Ranges(rs) => {
                let mut best = None;
                for r in rs {
                    if r.matches(bytes) {
                        best = Some(r.len);
                        break;
                    }
                }
                // No range matches: the spec says to use the shortest range length
                // with a matching first byte, else the shortest overall.
                best.unwrap_or_else(|| {
                    rs.iter()
                        .filter(|r| bytes[0] >= r.lo[0] && bytes[0] <= r.hi[0])
                        .map(|r| r.len)
                        .min()
                        .or_else(|| rs.iter().map(|r| r.len).min())
                        .unwrap_or(1)
                })
            }
        };
        n.clamp(1, bytes.len())
    }
}

/// The integer value of a big-endian code.
pub fn code_value(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0u32, |a, &b| (a << 8) | b as u32)
}

fn key(len: usize, code: u32) -> u64 {
    ((len as u64) << 32) | code as u64
}

/// Code entries one ToUnicode map may define (each code of a bfrange counts, also
/// when it redefines one): four times the 65,536 two-byte codes a CID font can use.
/// Entries beyond it are not kept ([`ToUnicode::truncated`]), so a map of a million
/// full-range bfranges costs bounded memory and time.
pub const MAX_TOUNICODE_ENTRIES: usize = 1 << 18;

/// A parsed ToUnicode map.
#[derive(Debug, Default, Clone)]
pub struct ToUnicode {
    /// Code-space ranges declared by the map (may be empty).
    pub codespace: Vec<CodeRange>,
    map: HashMap<u64, Box<str>>,
    /// Entries that could not be parsed and were skipped.
    pub skipped: usize,
    /// The map defines more than [`MAX_TOUNICODE_ENTRIES`] codes; the rest are dropped.
    pub truncated: bool,
    /// Entries defined so far (redefinitions included).
    defined: usize,
}

impl ToUnicode {
    /// The Unicode text for a code of `len` bytes.
    pub fn get(&self, len: usize, code: u32) -> Option<&str> {
        self.map.get(&key(len, code)).map(|s| &**s)
    }

    /// Like [`ToUnicode::get`], but when no entry has the code's byte length, takes
    /// one with the same value at another length: some producers write `<20>`
    /// entries for 2-byte Identity-H codes, or `<0031>` for 1-byte simple-font codes.
    pub fn get_lenient(&self, len: usize, code: u32) -> Option<&str> {
        self.get(len, code).or_else(|| {
            (1..=4usize)
                .filter(|&l| l != len && (l >= 4 || code < (1u32 << (8 * l))))
                .find_map(|l| self.get(l, code))
        })
    }

    /// Number of mapped codes.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when nothing is mapped.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    fn insert(&mut self, len: usize, code: u32, s: String) {
        if self.defined >= MAX_TOUNICODE_ENTRIES {
            self.truncated = true;
            return;
        }
        self.defined += 1;
        self.map.insert(key(len, code), s.into_boxed_str());
    }

    /// Parses a ToUnicode CMap stream's decoded bytes, skipping malformed entries.
    pub fn parse(data: &[u8]) -> ToUnicode {
        let toks = tokenize(data);
        let mut tu = ToUnicode::default();
        let mut i = 0;
        while i < toks.len() {
            match &toks[i] {
                CTok::Kw(k) if k == b"begincodespacerange" => {
                    let end = section_end(&toks, i + 1, b"endcodespacerange");
                    let mut j = i + 1;
                    while j + 1 < end {
                        match (&toks[j], &toks[j + 1]) {
                            (CTok::Hex(Some(lo)), CTok::Hex(Some(hi))) => {
                                match CodeRange::new(lo, hi) {
                                    Some(r) => tu.codespace.push(r),
                                    None => tu.skipped += 1,
                                }
                                j += 2;
                            }
                            _ => {
                                tu.skipped += 1;
                                j += 1;
                            }
                        }
                    }
                    i = end + 1;
                }
                CTok::Kw(k) if k == b"beginbfchar" => {
                    let end = section_end(&toks, i + 1, b"endbfchar");
                    let mut j = i + 1;
                    while j < end {
                        match (&toks[j], toks.get(j + 1).filter(|_| j + 1 < end)) {
                            (CTok::Hex(Some(src)), Some(CTok::Hex(Some(dst))))
                                if (1..=4).contains(&src.len()) =>
                            {
                                match utf16_text(dst) {
                                    Some(s) => tu.insert(src.len(), code_value(src), s),
                                    None => tu.skipped += 1,
                                }
                                j += 2;
                            }
                            (CTok::Hex(Some(src)), Some(CTok::Name(n)))
                                if (1..=4).contains(&src.len()) =>
                            {
                                match crate::pdf::encoding::glyph_name_to_unicode(n) {
                                    Some(s) => tu.insert(src.len(), code_value(src), s),
                                    None => tu.skipped += 1,
                                }
                                j += 2;
                            }
                            _ => {
                                tu.skipped += 1;
                                // skip this token and the one after it if it is a
                                // destination-looking token (a broken pair)
                                j += if matches!(toks.get(j + 1), Some(CTok::Hex(_)))
                                    && matches!(toks[j], CTok::Hex(_))
                                {
                                    2
                                } else {
                                    1
                                };
                            }
                        }
                    }
                    i = end + 1;
                }
                CTok::Kw(k) if k == b"beginbfrange" => {
                    let end = section_end(&toks, i + 1, b"endbfrange");
                    let mut j = i + 1;
                    while j < end {
                        let third = toks.get(j + 2).filter(|_| j + 2 < end);
                        match (&toks[j], toks.get(j + 1), third) {
                            (CTok::Hex(Some(lo)), Some(CTok::Hex(Some(hi))), Some(dst))
                                if lo.len() == hi.len()
                                    && (1..=4).contains(&lo.len())
                                    && code_value(hi) >= code_value(lo)
                                    && code_value(hi) - code_value(lo) <= 0xffff =>
                            {
                                let (l, h) = (code_value(lo), code_value(hi));
                                let n = lo.len();
                                match dst {
                                    _ if tu.truncated => {}
                                    CTok::Hex(Some(d)) => match utf16_units(d) {
                                        Some(units) if !units.is_empty() => {
                                            for c in l..=h {
                                                let mut u = units.clone();
                                                let last = u.len() - 1;
                                                u[last] = u[last].wrapping_add((c - l) as u16);
                                                match String::from_utf16(&u) {
                                                    Ok(s) => tu.insert(n, c, s),
                                                    Err(_) => tu.skipped += 1,
                                                }
                                            }
                                        }
                                        _ => tu.skipped += 1,
                                    },
                                    CTok::Array(items) => {
                                        for (k, item) in items.iter().enumerate() {
                                            let c = l + k as u32;
                                            if c > h {
                                                break;
                                            }
                                            match item.as_deref().and_then(utf16_text) {
                                                Some(s) => tu.insert(n, c, s),
                                                None => tu.skipped += 1,
                                            }
                                        }
                                    }
                                    _ => tu.skipped += 1,
                                }
                                j += 3;
                            }
                            // right shape, wrong values: drop the whole triple
                            (
                                CTok::Hex(_),
                                Some(CTok::Hex(_)),
                                Some(CTok::Hex(_) | CTok::Array(_)),
                            ) => {
                                tu.skipped += 1;
                                j += 3;
                            }
                            _ => {
                                tu.skipped += 1;
                                j += 1;
                            }
                        }
                    }
                    i = end + 1;
                }
                _ => i += 1,
            }
        }
        tu
    }
}

/// Code → CID mapping of an embedded encoding CMap (cidchar / cidrange).
#[derive(Debug, Default, Clone)]
pub struct CidMap {
    /// Code-space ranges declared by the CMap.
    pub codespace: Vec<CodeRange>,
    /// (code length, low, high, first CID), sorted.
    ranges: Vec<(usize, u32, u32, u32)>,
}

impl CidMap {
    /// Parses cidchar and cidrange sections, skipping malformed entries.
    pub fn parse(data: &[u8]) -> CidMap {
        let toks = tokenize(data);
        let mut m = CidMap::default();
        let mut i = 0;
        while i < toks.len() {
            match &toks[i] {
                CTok::Kw(k) if k == b"begincodespacerange" => {
                    let end = section_end(&toks, i + 1, b"endcodespacerange");
                    for w in toks[i + 1..end].chunks(2) {
                        if let [CTok::Hex(Some(lo)), CTok::Hex(Some(hi))] = w {
                            m.codespace.extend(CodeRange::new(lo, hi));
                        }
                    }
                    i = end + 1;
                }
                CTok::Kw(k) if k == b"begincidchar" || k == b"begincidrange" => {
                    let range = k == b"begincidrange";
                    let end = section_end(&toks, i + 1, b"end");
                    let n = if range { 3 } else { 2 };
                    let mut j = i + 1;
                    while j + n <= end {
                        let entry = if range {
                            match (&toks[j], &toks[j + 1], &toks[j + 2]) {
                                (CTok::Hex(Some(lo)), CTok::Hex(Some(hi)), CTok::Num(cid))
                                    if lo.len() == hi.len() && (1..=4).contains(&lo.len()) =>
                                {
                                    Some((lo.len(), code_value(lo), code_value(hi), *cid))
                                }
                                _ => None,
                            }
                        } else {
                            match (&toks[j], &toks[j + 1]) {
                                (CTok::Hex(Some(c)), CTok::Num(cid))
                                    if (1..=4).contains(&c.len()) =>
                                {
                                    Some((c.len(), code_value(c), code_value(c), *cid))
                                }
                                _ => None,
                            }
                        };
                        match entry {
                            Some(e) if e.2 >= e.1 => {
                                m.ranges.push(e);
                                j += n;
                            }
                            _ => j += 1,
                        }
                    }
                    i = end + 1;
                }
                _ => i += 1,
            }
        }
        m.ranges.sort();
        m
    }

    /// The CID of a code of `len` bytes, if the CMap maps it.
    pub fn get(&self, len: usize, code: u32) -> Option<u32> {
        let i = self.ranges.partition_point(|r| (r.0, r.1) <= (len, code));
        let r = self.ranges[..i].last()?;
        (r.0 == len && code <= r.2).then(|| r.3.saturating_add(code - r.1))
    }
}

fn section_end(toks: &[CTok], from: usize, end_kw: &[u8]) -> usize {
    let mut j = from;
    while j < toks.len() {
        if let CTok::Kw(k) = &toks[j] {
            if k == end_kw || k.starts_with(b"begin") || k.starts_with(b"end") {
                return j;
            }
        }
        j += 1;
    }
    toks.len()
}

fn utf16_units(d: &[u8]) -> Option<Vec<u16>> {
    if d.is_empty() || !d.len().is_multiple_of(2) {
        // a single byte destination: treat as a Latin-1 code unit
        if d.len() == 1 {
            return Some(vec![d[0] as u16]);
        }
        return None;
    }
    Some(
        d.chunks(2)
            .map(|c| ((c[0] as u16) << 8) | c[1] as u16)
            .collect(),
    )
}

/// UTF-16BE bytes to text; `None` when not valid UTF-16.
pub fn utf16_text(d: &[u8]) -> Option<String> {
    String::from_utf16(&utf16_units(d)?).ok()
}

/// Tokens of a CMap file; `Hex(None)` is a hex string with invalid characters.
#[derive(Debug, Clone, PartialEq)]
enum CTok {
    Hex(Option<Vec<u8>>),
    Array(Vec<Option<Vec<u8>>>),
    Name(Vec<u8>),
    Kw(Vec<u8>),
    /// A non-negative integer (CIDs).
    Num(u32),
    Other,
}

fn tokenize(data: &[u8]) -> Vec<CTok> {
    let mut out = Vec::new();
    let mut i = 0;
    let n = data.len();
    while i < n {
        let c = data[i];
        match c {
            b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0' => i += 1,
            b'%' => {
                while i < n && data[i] != b'\n' && data[i] != b'\r' {
                    i += 1;
                }
            }
            b'<' if data.get(i + 1) == Some(&b'<') => {
                i += 2;
                out.push(CTok::Other);
            }
            b'>' => {
                i += 1;
                out.push(CTok::Other);
            }
            b'<' => {
                let (h, ni) = hex_token(data, i + 1);
                out.push(CTok::Hex(h));
                i = ni;
            }
            b'[' => {
                i += 1;
                let mut items = Vec::new();
                while i < n && data[i] != b']' {
                    if data[i] == b'<' {
                        let (h, ni) = hex_token(data, i + 1);
                        items.push(h);
                        i = ni;
                    } else if matches!(data[i], b' ' | b'\t' | b'\r' | b'\n') {
                        i += 1;
                    } else {
                        // junk in array: an unmappable slot
                        items.push(None);
                        while i < n
                            && !matches!(data[i], b' ' | b'\t' | b'\r' | b'\n' | b'<' | b']')
                        {
                            i += 1;
                        }
                    }
                }
                i += 1;
                out.push(CTok::Array(items));
            }
            b'(' => {
                // literal strings only occur in headers; skip balanced
                let mut depth = 0;
                while i < n {
                    match data[i] {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                i += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                out.push(CTok::Other);
            }
            b'/' => {
                let s = i + 1;
                i += 1;
                while i < n && !is_cmap_delim(data[i]) {
                    i += 1;
                }
                out.push(CTok::Name(data[s..i].to_vec()));
            }
            b']' | b'{' | b'}' | b')' => {
                i += 1;
                out.push(CTok::Other);
            }
            _ => {
                let s = i;
                while i < n && !is_cmap_delim(data[i]) {
                    i += 1;
                }
                if i == s {
                    i += 1;
                }
                let w = &data[s..i];
                if w.first().is_some_and(|b| b.is_ascii_alphabetic()) {
                    out.push(CTok::Kw(w.to_vec()));
                } else if let Some(n) = std::str::from_utf8(w).ok().and_then(|t| t.parse().ok()) {
                    out.push(CTok::Num(n));
                } else {
                    out.push(CTok::Other);
                }
            }
        }
    }
    out
}

fn is_cmap_delim(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t'
            | b'\r'
            | b'\n'
            | b'\x0c'
            | b'\0'
            | b'<'
            | b'>'
            | b'['
            | b']'
            | b'('
            | b')'
            | b'/'
            | b'%'
            | b'{'
            | b'}'
    )
}

/// Reads hex digits up to '>' starting at `i`; returns `None` content on bad characters.
fn hex_token(data: &[u8], mut i: usize) -> (Option<Vec<u8>>, usize) {
    let mut out = Vec::new();
    let mut hi: Option<u8> = None;
    let mut bad = false;
    while i < data.len() {
        let c = data[i];
        i += 1;
        let v = match c {
            b'>' => {
                if let Some(h) = hi {
                    out.push(h << 4);
                }
                return (if bad { None } else { Some(out) }, i);
            }
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            b' ' | b'\t' | b'\r' | b'\n' => continue,
            b'<' | b'[' | b']' => {
                // runaway string: stop before the next token
                return (None, i - 1);
            }
            _ => {
                bad = true;
                continue;
            }
        };
        match hi.take() {
            Some(h) => out.push((h << 4) | v),
            None => hi = Some(v),
        }
    }
    (None, i)
}

/// Predefined (named) CMaps we can decode without a ToUnicode map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Predefined {
    /// Identity-H / Identity-V: 2-byte codes equal to CIDs; text needs ToUnicode.
    Identity,
    /// UniGB-UCS2-H/V: codes are UCS-2 big endian.
    Ucs2,
    /// UniGB-UTF16-H/V: codes are UTF-16 big endian.
    Utf16,
    /// GBK-EUC-H/V, GBKp-EUC-H, GBK2K-H: bytes are GBK.
    Gbk,
    /// GB-EUC-H/V: bytes are GB2312 (decoded as GBK, a superset).
    Gb,
}

impl Predefined {
    /// Recognises a predefined CMap name.
    pub fn from_name(name: &[u8]) -> Option<Predefined> {
        Some(match name {
            b"Identity-H" | b"Identity-V" => Predefined::Identity,
            b"UniGB-UCS2-H" | b"UniGB-UCS2-V" => Predefined::Ucs2,
            b"UniGB-UTF16-H" | b"UniGB-UTF16-V" => Predefined::Utf16,
            b"GBK-EUC-H" | b"GBK-EUC-V" | b"GBKp-EUC-H" | b"GBKp-EUC-V" | b"GBK2K-H"
            | b"GBK2K-V" => Predefined::Gbk,
            b"GB-EUC-H" | b"GB-EUC-V" | b"GBpc-EUC-H" | b"GBpc-EUC-V" => Predefined::Gb,
            _ => return None,
        })
    }

    /// How codes of this CMap split.
    pub fn codespace(self) -> CodeSpace {
        match self {
            Predefined::Identity | Predefined::Ucs2 => CodeSpace::Fixed(2),
            Predefined::Utf16 => CodeSpace::Utf16,
            Predefined::Gbk | Predefined::Gb => CodeSpace::Euc,
        }
    }

    /// Unicode text of one code, when the CMap itself defines it.
    pub fn decode(self, code: &[u8]) -> Option<String> {
        match self {
            Predefined::Identity => None,
            Predefined::Ucs2 | Predefined::Utf16 => utf16_text(code),
            Predefined::Gbk | Predefined::Gb => {
                let (s, had_errors) = encoding_rs::GBK.decode_without_bom_handling(code);
                if had_errors {
                    None
                } else {
                    Some(s.into_owned())
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bfchar_and_both_bfrange_forms() {
        let src = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap
1 begincodespacerange <0000> <FFFF> endcodespacerange
2 beginbfchar <0003> <0020> <0010> <90E8> endbfchar
2 beginbfrange <0020> <0022> <0030> <0100> <0101> [<652F> <51FA>] endbfrange
endcmap";
        let tu = ToUnicode::parse(src);
        assert_eq!(tu.codespace.len(), 1);
        assert_eq!(tu.get(2, 3), Some(" "));
        assert_eq!(tu.get(2, 0x10), Some("部"));
        assert_eq!(tu.get(2, 0x20), Some("0"));
        assert_eq!(tu.get(2, 0x22), Some("2"));
        assert_eq!(tu.get(2, 0x100), Some("支"));
        assert_eq!(tu.get(2, 0x101), Some("出"));
        assert_eq!(tu.skipped, 0);
    }

    #[test]
    fn one_malformed_entry_does_not_lose_the_map() {
        let src = b"3 beginbfchar <0001> <90E8> <00G2> <95E8> <0003> <6536> endbfchar
2 beginbfrange <0010> <0005> <0030> <0020> <0021> <0041> endbfrange
1 beginbfchar <0004> endbfchar
1 beginbfchar <0005> <652F> endbfchar";
        let tu = ToUnicode::parse(src);
        assert_eq!(tu.get(2, 1), Some("部"));
        assert_eq!(tu.get(2, 3), Some("收"));
        assert_eq!(tu.get(2, 0x21), Some("B"));
        assert_eq!(tu.get(2, 5), Some("支"));
        assert_eq!(tu.get(2, 2), None);
        assert!(tu.skipped >= 3, "skipped {}", tu.skipped);
    }

    #[test]
    fn lenient_lookup_across_code_lengths() {
        let tu = ToUnicode::parse(b"beginbfchar <20> <0041> <0031> <0042> endbfchar");
        assert_eq!(tu.get(2, 0x20), None);
        assert_eq!(tu.get_lenient(2, 0x20), Some("A"));
        assert_eq!(tu.get_lenient(1, 0x31), Some("B"));
        assert_eq!(tu.get_lenient(2, 0x0120), None);
    }

    #[test]
    fn ligature_and_surrogates() {
        let tu = ToUnicode::parse(b"beginbfchar <01> <00660069> <02> <D840DC00> endbfchar");
        assert_eq!(tu.get(1, 1), Some("fi"));
        assert_eq!(tu.get(1, 2), Some("\u{20000}"));
    }

    #[test]
    fn cid_ranges_and_chars() {
        let m = CidMap::parse(
            b"1 begincodespacerange <00> <FF> endcodespacerange
2 begincidrange <41> <5A> 100 <G1> <G2> 5 <61> <7A> 200 endcidrange
1 begincidchar <20> 1 endcidchar",
        );
        assert_eq!(m.codespace.len(), 1);
        assert_eq!(m.get(1, 0x41), Some(100));
        assert_eq!(m.get(1, 0x42), Some(101));
        assert_eq!(m.get(1, 0x5a), Some(125));
        assert_eq!(m.get(1, 0x5b), None);
        assert_eq!(m.get(1, 0x62), Some(201));
        assert_eq!(m.get(1, 0x20), Some(1));
        assert_eq!(m.get(2, 0x41), None);
    }

    #[test]
    fn junk_never_panics() {
        let mut x: u32 = 12345;
        for len in [0usize, 1, 7, 100, 3000] {
            let junk: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    b"<>[]()0123456789abcdefABCDEF beginbfchar endbfchar beginbfrange endbfrange /%\n"
                        [(x % 70) as usize]
                })
                .collect();
            let _ = ToUnicode::parse(&junk);
        }
        let t = ToUnicode::parse(b"beginbfrange <0000> <FFFFFFFF> <0041> endbfrange");
        assert!(t.is_empty());
    }

    #[test]
    fn tounicode_bomb_is_capped() {
        // 64 full two-byte ranges over the same codes = 4,194,304 entries, 16 times
        // the cap. Range k maps code c to U+4E00+k+c (mod 2^16); the 2,048 codes that
        // land on surrogates are skipped. The cap stops 8,192 entries into range 4
        // (4 × 63,488 + 8,192 = 2^18), and the codes no range 0–3 could map — those
        // with all of U+4E00+c..U+4E03+c surrogates, 2,045 — stay unmapped.
        let mut src = b"64 beginbfrange\n".to_vec();
        for i in 0..64u32 {
            src.extend_from_slice(format!("<0000> <FFFF> <{:04X}>\n", 0x4e00 + i).as_bytes());
        }
        src.extend_from_slice(b"endbfrange");
        let t0 = std::time::Instant::now();
        let t = ToUnicode::parse(&src);
        assert!(t.truncated);
        assert_eq!(t.len(), 65_536 - 2_045);
        assert!(t0.elapsed().as_secs() < 5);
        // distinct codes beyond the cap: 5 ranges of 65,536 one-, two-, three-byte codes
        let mut src = b"5 beginbfrange\n".to_vec();
        for lo in ["000000", "010000", "020000", "030000", "040000"] {
            let hi = format!("{}FFFF", &lo[..2]);
            src.extend_from_slice(format!("<{lo}> <{hi}> <0041>\n").as_bytes());
        }
        src.extend_from_slice(b"endbfrange");
        let t = ToUnicode::parse(&src);
        assert_eq!(t.len(), MAX_TOUNICODE_ENTRIES);
        assert!(t.truncated);
        let small = ToUnicode::parse(b"1 beginbfrange <0000> <FFFF> <0041> endbfrange");
        assert!(!small.truncated);
    }

    #[test]
    fn codespace_splits_mixed_lengths() {
        let cs = CodeSpace::Ranges(vec![
            CodeRange::new(&[0x00], &[0x80]).unwrap(),
            CodeRange::new(&[0x81, 0x40], &[0xfe, 0xfe]).unwrap(),
        ]);
        assert_eq!(cs.code_len(&[0x41, 0x42]), 1);
        assert_eq!(cs.code_len(&[0xb2, 0xbf, 0x41]), 2);
        assert_eq!(CodeSpace::Euc.code_len(&[0xb2, 0xbf]), 2);
        assert_eq!(CodeSpace::Euc.code_len(&[0x31, 0xbf]), 1);
        assert_eq!(CodeSpace::Fixed(2).code_len(&[0x31]), 1);
    }

    #[test]
    fn predefined_gbk_and_ucs2() {
        let g = Predefined::from_name(b"GBK-EUC-H").unwrap();
        assert_eq!(g.decode(&[0xb2, 0xbf]).as_deref(), Some("部"));
        assert_eq!(g.decode(b"5").as_deref(), Some("5"));
        let u = Predefined::from_name(b"UniGB-UCS2-H").unwrap();
        assert_eq!(u.decode(&[0x90, 0xe8]).as_deref(), Some("部"));
        assert_eq!(Predefined::Identity.decode(&[0, 1]), None);
    }
}
