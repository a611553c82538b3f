//! Fonts: how a shown string splits into codes, each code's Unicode text and advance width.
//!
//! A [`Font`] is built once per font dictionary (the document caches it by object
//! id) and never fails: what cannot be decoded is reported per character.

use std::collections::HashMap;

use lopdf::{Dictionary, Document, Object};

use super::cmap::{code_value, CidMap, CodeSpace, Predefined, ToUnicode};
use super::encoding::{acceptable, glyph_name_to_unicode, BaseEncoding};

/// A decoded font: code splitting, text per code, widths.
#[derive(Debug)]
pub struct Font {
    /// The BaseFont name, decoded as UTF-8 or else GBK (names can be raw GBK bytes).
    pub name: String,
    codespace: CodeSpace,
    to_unicode: Option<ToUnicode>,
    kind: Kind,
    /// Glyph space to text space factor for widths (0.001, or FontMatrix\[0\] for Type3).
    width_scale: f64,
    /// Vertical writing mode (Identity-V and other -V CMaps).
    pub vertical: bool,
    /// Vertical metrics (DW2): origin height v_y and advance w1_y, per 1000 units.
    /// Per-CID W2 entries are not read.
    pub dw2: [f64; 2],
    /// Set when a work limit cut the font short (ToUnicode or /W too large):
    /// some of its text or widths are missing.
    pub limited: Option<String>,
}

#[derive(Debug)]
enum Kind {
    Simple {
        /// Text per byte code (ToUnicode, else /Differences, else base encoding).
        text: Vec<Option<Box<str>>>,
        widths: Vec<f64>,
    },
    Composite {
        predefined: Option<Predefined>,
        dw: f64,
        widths: HashMap<u32, f64>,
        /// Last resort without ToUnicode: GID → Unicode from the embedded font's cmap.
        by_glyph: Option<GlyphMap>,
        /// Code → CID of an embedded encoding CMap (else CID = code for Identity).
        cids: Option<CidMap>,
    },
}

/// CID → GID (CIDToGIDMap; `None` is Identity) and GID → Unicode (embedded cmap).
#[derive(Debug)]
struct GlyphMap {
    cid_to_gid: Option<Vec<u16>>,
    unicode: HashMap<u16, char>,
}

impl GlyphMap {
    fn get(&self, cid: u32) -> Option<char> {
        let gid = match &self.cid_to_gid {
            None => u16::try_from(cid).ok()?,
            Some(v) => *v.get(cid as usize)?,
        };
        self.unicode.get(&gid).copied()
    }
}

/// Reads the embedded TrueType/OpenType program of a CID font and its CIDToGIDMap.
fn glyph_map(doc: &Document, desc: &Dictionary) -> Option<GlyphMap> {
    let fd = get(doc, desc, b"FontDescriptor")?.as_dict().ok()?;
    let file = get(doc, fd, b"FontFile2").or_else(|| {
        let f3 = get(doc, fd, b"FontFile3")?;
        let st = f3.as_stream().ok()?;
        (st.dict.get(b"Subtype").ok()?.as_name().ok()? == b"OpenType").then_some(f3)
    })?;
    let bytes = deref(doc, file)
        .as_stream()
        .ok()?
        .get_plain_content_with_limit(MAX_FONT_BYTES)
        .ok()?;
    let unicode = super::truetype::glyph_to_unicode(&bytes);
    if unicode.is_empty() {
        return None;
    }
    let cid_to_gid = match get(doc, desc, b"CIDToGIDMap") {
        Some(o @ Object::Stream(_)) => {
            let b = stream_bytes(doc, o)?;
            Some(
                b.chunks_exact(2)
                    .map(|c| u16::from_be_bytes([c[0], c[1]]))
                    .collect(),
            )
        }
        _ => None,
    };
    Some(GlyphMap {
        cid_to_gid,
        unicode,
    })
}

/// Size limit for an embedded font program read for its cmap.
pub const MAX_FONT_BYTES: usize = 64 << 20;

/// One code of a shown string, as decoded by [`Font::decode`].
#[derive(Debug, Clone, Copy)]
pub struct Code {
    /// Number of bytes of the code.
    pub len: usize,
    /// Horizontal advance in text space units per unit font size (width/1000).
    pub advance: f64,
    /// True when this is the single-byte code 32 (word spacing applies).
    pub is_space: bool,
    /// False when no Unicode text could be found for the code.
    pub decoded: bool,
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).map(|(_, o)| o).unwrap_or(o)
}

fn get<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    d.get(key).ok().map(|o| deref(doc, o))
}

fn num(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(*r as f64),
        _ => None,
    }
}

/// Decodes a PDF name or string that might be UTF-8 or GBK.
pub fn lossless_name(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GBK
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// Size limit for a decoded ToUnicode or encoding CMap stream (a full 65,536-code
/// map is about a megabyte).
pub const MAX_CMAP_BYTES: usize = 4 << 20;
/// Elements of a CID font's /W array read; the rest are ignored.
pub const MAX_W_ITEMS: usize = 1 << 20;
/// CID widths one font may define (CIDs are 0–65,535).
pub const MAX_W_ENTRIES: usize = 1 << 16;

fn stream_bytes(doc: &Document, o: &Object) -> Option<Vec<u8>> {
    stream_bytes_limited(doc, o, &mut None)
}

/// A CMap stream's bytes; a stream over [`MAX_CMAP_BYTES`] sets `limited`.
fn stream_bytes_limited(
    doc: &Document,
    o: &Object,
    limited: &mut Option<String>,
) -> Option<Vec<u8>> {
    let s = deref(doc, o).as_stream().ok()?;
    // CMaps are small; a huge one is a decompression bomb, not a font.
    match s.get_plain_content_with_limit(MAX_CMAP_BYTES) {
        Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => {
            *limited = Some(format!(
                "CMap stream larger than {} MiB not read",
                MAX_CMAP_BYTES >> 20
            ));
            None
        }
        r => r.ok(),
    }
}

impl Font {
    /// Builds a font from its dictionary. Never fails; unknown parts decode to nothing.
    pub fn load(doc: &Document, d: &Dictionary) -> Font {
        let name = get(doc, d, b"BaseFont")
            .and_then(|o| o.as_name().ok())
            .map(lossless_name)
            .unwrap_or_default();
        let subtype = get(doc, d, b"Subtype")
            .and_then(|o| o.as_name().ok())
            .unwrap_or(b"");
        let mut limited = None;
        let to_unicode = get(doc, d, b"ToUnicode")
            .and_then(|o| stream_bytes_limited(doc, o, &mut limited))
            .map(|b| ToUnicode::parse(&b));
        if to_unicode.as_ref().is_some_and(|t| t.truncated) {
            limited = Some(format!(
                "ToUnicode map defines more than {} codes; the rest are dropped",
                super::cmap::MAX_TOUNICODE_ENTRIES
            ));
        }
        let to_unicode = to_unicode.filter(|t| !t.is_empty());
        let mut font = if subtype == b"Type0" {
            Self::load_type0(doc, d, name, to_unicode)
        } else {
            Self::load_simple(doc, d, name, subtype, to_unicode)
        };
        if font.limited.is_none() {
            font.limited = limited;
        }
        font
    }

    fn load_type0(doc: &Document, d: &Dictionary, name: String, tu: Option<ToUnicode>) -> Font {
        let enc = get(doc, d, b"Encoding");
        let mut predefined = None;
        let mut vertical = false;
        let mut cids: Option<CidMap> = None;
        let codespace = match enc {
            Some(Object::Name(n)) => {
                vertical = n.ends_with(b"-V");
                predefined = Predefined::from_name(n);
                match predefined {
                    Some(p) => p.codespace(),
                    None => tu
                        .as_ref()
                        .filter(|t| !t.codespace.is_empty())
                        .map(|t| CodeSpace::Ranges(t.codespace.clone()))
                        .unwrap_or(CodeSpace::Fixed(2)),
                }
            }
            Some(o @ Object::Stream(s)) => {
                vertical = s.dict.get(b"WMode").ok().and_then(num) == Some(1.0);
                // an embedded CMap: it may name a predefined parent via UseCMap
                if let Ok(Object::Name(n)) = s.dict.get(b"UseCMap") {
                    predefined = Predefined::from_name(n);
                }
                let map = stream_bytes(doc, o)
                    .map(|b| CidMap::parse(&b))
                    .unwrap_or_default();
                let ranges = map.codespace.clone();
                cids = Some(map);
                if !ranges.is_empty() {
                    CodeSpace::Ranges(ranges)
                } else if let Some(p) = predefined {
                    p.codespace()
                } else {
                    CodeSpace::Fixed(2)
                }
            }
            _ => CodeSpace::Fixed(2),
        };
        let desc = get(doc, d, b"DescendantFonts")
            .and_then(|o| o.as_array().ok())
            .and_then(|a| a.first())
            .map(|o| deref(doc, o))
            .and_then(|o| o.as_dict().ok());
        let mut dw = 1000.0;
        let mut widths = HashMap::new();
        let mut by_glyph = None;
        let mut dw2 = [880.0, -1000.0];
        let mut limited = None;
        if let Some(desc) = desc {
            if let Some(a) = get(doc, desc, b"DW2").and_then(|o| o.as_array().ok()) {
                if let (Some(v), Some(w)) = (
                    a.first().and_then(|o| num(deref(doc, o))),
                    a.get(1).and_then(|o| num(deref(doc, o))),
                ) {
                    dw2 = [v, w];
                }
            }
            if tu.is_none() && matches!(predefined, Some(Predefined::Identity) | None) {
                by_glyph = glyph_map(doc, desc);
            }
            if let Some(v) = get(doc, desc, b"DW").and_then(num) {
                dw = v;
            }
            if let Some(w) = get(doc, desc, b"W").and_then(|o| o.as_array().ok()) {
                if !parse_w(doc, w, &mut widths) {
                    limited = Some(format!(
                        "/W array over {MAX_W_ITEMS} elements or {MAX_W_ENTRIES} widths; the rest are ignored"
                    ));
                }
            }
        }
        Font {
            name,
            codespace,
            to_unicode: tu,
            kind: Kind::Composite {
                predefined,
                dw,
                widths,
                by_glyph,
                cids,
            },
            width_scale: 0.001,
            vertical,
            dw2,
            limited,
        }
    }

    fn load_simple(
        doc: &Document,
        d: &Dictionary,
        name: String,
        subtype: &[u8],
        tu: Option<ToUnicode>,
    ) -> Font {
        // base encoding: explicit, else WinAnsi for TrueType, Standard otherwise
        let default_base = if subtype == b"TrueType" {
            BaseEncoding::WinAnsi
        } else {
            BaseEncoding::Standard
        };
        let mut base = default_base;
        let mut diffs: Vec<(u8, Vec<u8>)> = Vec::new();
        match get(doc, d, b"Encoding") {
            Some(Object::Name(n)) => base = BaseEncoding::from_name(n).unwrap_or(default_base),
            Some(Object::Dictionary(ed)) => {
                if let Some(n) = get(doc, ed, b"BaseEncoding").and_then(|o| o.as_name().ok()) {
                    base = BaseEncoding::from_name(n).unwrap_or(default_base);
                }
                if let Some(arr) = get(doc, ed, b"Differences").and_then(|o| o.as_array().ok()) {
                    let mut code: i64 = 0;
                    for item in arr {
                        match deref(doc, item) {
                            Object::Integer(i) => code = *i,
                            Object::Name(n) => {
                                if (0..256).contains(&code) {
                                    diffs.push((code as u8, n.clone()));
                                }
                                code = code.saturating_add(1);
                            }
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
        let mut text: Vec<Option<Box<str>>> = (0..=255u8)
            .map(|c| base.decode(c).map(|ch| ch.to_string().into_boxed_str()))
            .collect();
        for (code, gname) in diffs {
            text[code as usize] = glyph_name_to_unicode(&gname).map(String::into_boxed_str);
        }
        if let Some(t) = &tu {
            for (c, slot) in text.iter_mut().enumerate() {
                if let Some(s) = t.get_lenient(1, c as u32).filter(|s| acceptable(s)) {
                    *slot = Some(s.into());
                }
            }
        }
        for slot in text.iter_mut() {
            if slot.as_deref().is_some_and(|s| !acceptable(s)) {
                *slot = None;
            }
        }
        // widths
        let first = get(doc, d, b"FirstChar").and_then(num).unwrap_or(0.0) as i64;
        let missing = get(doc, d, b"FontDescriptor")
            .and_then(|o| o.as_dict().ok())
            .and_then(|fd| get(doc, fd, b"MissingWidth"))
            .and_then(num);
        let warr = get(doc, d, b"Widths").and_then(|o| o.as_array().ok());
        // Without Widths (standard 14 fonts) we have no metrics: use half an em.
        let fallback = missing.unwrap_or(if warr.is_some() { 0.0 } else { 500.0 });
        let mut widths = vec![fallback; 256];
        if let Some(w) = warr {
            for (i, o) in w.iter().enumerate() {
                let c = first.saturating_add(i as i64);
                if (0..256).contains(&c) {
                    if let Some(v) = num(deref(doc, o)) {
                        widths[c as usize] = v;
                    }
                }
            }
        }
        let width_scale = if subtype == b"Type3" {
            get(doc, d, b"FontMatrix")
                .and_then(|o| o.as_array().ok())
                .and_then(|a| a.first())
                .and_then(|o| num(deref(doc, o)))
                .unwrap_or(0.001)
        } else {
            0.001
        };
        Font {
            name,
            codespace: CodeSpace::Fixed(1),
            to_unicode: None,
            kind: Kind::Simple { text, widths },
            width_scale,
            vertical: false,
            dw2: [880.0, -1000.0],
            limited: None,
        }
    }

    /// Decodes the code at the start of `bytes`, writing its text (if any) into `out`.
    pub fn decode(&self, bytes: &[u8], out: &mut String) -> Code {
        out.clear();
        if bytes.is_empty() {
            return Code {
                len: 1,
                advance: 0.0,
                is_space: false,
                decoded: false,
            };
        }
        let len = self.codespace.code_len(bytes);
        let code_bytes = &bytes[..len];
        let code = code_value(code_bytes);
        match &self.kind {
            Kind::Simple { text, widths } => {
                let c = code_bytes[0] as usize;
                let decoded = match &text[c] {
                    Some(s) => {
                        out.push_str(s);
                        true
                    }
                    None => false,
                };
                Code {
                    len,
                    advance: widths[c] * self.width_scale,
                    is_space: c == 32,
                    decoded,
                }
            }
            Kind::Composite {
                predefined,
                dw,
                widths,
                by_glyph,
                cids,
            } => {
                let cid = match cids {
                    Some(m) => m.get(len, code).unwrap_or(code),
                    None => code,
                };
                let mut decoded = false;
                if let Some(s) = self
                    .to_unicode
                    .as_ref()
                    .and_then(|t| t.get_lenient(len, code))
                    .filter(|s| acceptable(s))
                {
                    out.push_str(s);
                    decoded = true;
                } else if let Some(s) = predefined
                    .and_then(|p| p.decode(code_bytes))
                    .filter(|s| acceptable(s))
                {
                    out.push_str(&s);
                    decoded = true;
                } else if let Some(c) = by_glyph
                    .as_ref()
                    .and_then(|g| g.get(cid))
                    .filter(|c| acceptable(c.encode_utf8(&mut [0; 4])))
                {
                    out.push(c);
                    decoded = true;
                }
                // Widths: an embedded CMap gives the CID; Identity (or unknown)
                // CMaps have CID = code. For the GB CMaps the ASCII range maps to
                // Adobe-GB1 CIDs 1–95 (half width); other codes take DW.
                let w = match predefined {
                    _ if cids.is_some() => widths.get(&cid).copied().unwrap_or(*dw),
                    Some(Predefined::Identity) | None => widths.get(&cid).copied().unwrap_or(*dw),
                    _ if (0x20..=0x7e).contains(&code) => {
                        widths.get(&(code - 31)).copied().unwrap_or(500.0)
                    }
                    _ => *dw,
                };
                Code {
                    len,
                    advance: w * self.width_scale,
                    is_space: len == 1 && code == 32,
                    decoded,
                }
            }
        }
    }
}

/// Parses a CID font W array: `c [w1 w2 …]` and `c_first c_last w` forms. Reads at
/// most [`MAX_W_ITEMS`] elements and keeps at most [`MAX_W_ENTRIES`] widths; false
/// when it stopped at a limit.
fn parse_w(doc: &Document, w: &[Object], out: &mut HashMap<u32, f64>) -> bool {
    let put = |out: &mut HashMap<u32, f64>, c: u32, v: f64| {
        if out.len() < MAX_W_ENTRIES || out.contains_key(&c) {
            out.insert(c, v);
            true
        } else {
            false
        }
    };
    if w.len() > MAX_W_ITEMS {
        parse_w(doc, &w[..MAX_W_ITEMS], out);
        return false;
    }
    let mut i = 0;
    while i < w.len() {
        let Some(first) = num(deref(doc, &w[i])) else {
            i += 1;
            continue;
        };
        match w.get(i + 1).map(|o| deref(doc, o)) {
            Some(Object::Array(ws)) => {
                for (k, o) in ws.iter().enumerate().take(MAX_W_ENTRIES) {
                    if let Some(v) = num(deref(doc, o)) {
                        if !put(out, (first as u32).wrapping_add(k as u32), v) {
                            return false;
                        }
                    }
                }
                i += 2;
            }
            Some(o) => {
                let (Some(last), Some(v)) = (num(o), w.get(i + 2).and_then(|x| num(deref(doc, x))))
                else {
                    i += 1;
                    continue;
                };
                let (f, l) = (first as u32, last as u32);
                if l >= f && l - f <= 0xffff {
                    for c in f..=l {
                        if !put(out, c, v) {
                            return false;
                        }
                    }
                }
                i += 3;
            }
            None => break,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{dictionary, Stream};

    #[test]
    fn w_array_both_forms() {
        let doc = Document::with_version("1.5");
        let w = vec![
            Object::Integer(1),
            Object::Array(vec![Object::Integer(500), Object::Integer(600)]),
            Object::Integer(10),
            Object::Integer(12),
            Object::Integer(1000),
        ];
        let mut m = HashMap::new();
        parse_w(&doc, &w, &mut m);
        assert_eq!(m.get(&1), Some(&500.0));
        assert_eq!(m.get(&2), Some(&600.0));
        assert_eq!(m.get(&11), Some(&1000.0));
        assert_eq!(m.get(&13), None);
    }

    #[test]
    fn w_array_limits() {
        let doc = Document::with_version("1.5");
        // 70,000 single widths `c [w]`: more CIDs than a font can have
        let mut w = Vec::new();
        for c in 0..70_000i64 {
            w.push(Object::Integer(c));
            w.push(Object::Array(vec![Object::Integer(500)]));
        }
        let mut m = HashMap::new();
        assert!(!parse_w(&doc, &w, &mut m));
        assert_eq!(m.len(), MAX_W_ENTRIES);
        // many ranges over the same CIDs stay one width each: no limit hit
        let w: Vec<Object> = (0..1000)
            .flat_map(|_| {
                [
                    Object::Integer(0),
                    Object::Integer(65_535),
                    Object::Integer(1000),
                ]
            })
            .collect();
        let mut m = HashMap::new();
        assert!(parse_w(&doc, &w, &mut m));
        assert_eq!(m.len(), 65_536);
        // more elements than are read
        let w = vec![Object::Integer(1); MAX_W_ITEMS + 1];
        assert!(!parse_w(&doc, &w, &mut HashMap::new()));
    }

    #[test]
    fn embedded_encoding_cmap_gives_cids_for_widths() {
        let mut doc = Document::with_version("1.5");
        let enc = doc.add_object(Stream::new(
            dictionary! { "Type" => "CMap", "CMapName" => "Test-H" },
            b"1 begincodespacerange <00> <FF> endcodespacerange
1 begincidrange <41> <5A> 100 endcidrange"
                .to_vec(),
        ));
        let tu = doc.add_object(Stream::new(
            dictionary! {},
            b"1 begincodespacerange <00> <FF> endcodespacerange
1 beginbfrange <41> <5A> <0041> endbfrange"
                .to_vec(),
        ));
        let desc = dictionary! {
            "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "X",
            "W" => vec![Object::Integer(100), Object::Array(vec![300.into(), 400.into()])],
        };
        let f = dictionary! {
            "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "X",
            "Encoding" => Object::Reference(enc), "ToUnicode" => Object::Reference(tu),
            "DescendantFonts" => vec![Object::Dictionary(desc)],
        };
        let font = Font::load(&doc, &f);
        let mut s = String::new();
        // one-byte codes (from the CMap's code space), CID 100 and 101
        let c = font.decode(b"AB", &mut s);
        assert_eq!((c.len, s.as_str(), c.advance), (1, "A", 0.3));
        let c = font.decode(b"B", &mut s);
        assert_eq!((s.as_str(), c.advance), ("B", 0.4));
        // not in the W array: DW (1000)
        let c = font.decode(b"C", &mut s);
        assert_eq!(c.advance, 1.0);
    }

    #[test]
    fn hostile_numbers_do_not_panic() {
        let doc = Document::with_version("1.5");
        let enc = dictionary! {
            "Differences" => vec![Object::Integer(i64::MAX), Object::Name(b"A".to_vec()), Object::Name(b"B".to_vec())],
        };
        let f = dictionary! {
            "Subtype" => "TrueType", "FirstChar" => i64::MAX,
            "Widths" => vec![Object::Integer(1), Object::Integer(2)], "Encoding" => enc,
        };
        let font = Font::load(&doc, &f);
        let mut s = String::new();
        assert_eq!(font.decode(b"", &mut s).len, 1);
        let mut m = HashMap::new();
        parse_w(
            &doc,
            &[
                Object::Real(4.0e9),
                Object::Array(vec![1.into(), 2.into()]),
                Object::Integer(-5),
            ],
            &mut m,
        );
    }

    #[test]
    fn simple_font_differences_override_winansi() {
        let mut doc = Document::with_version("1.5");
        let enc = dictionary! {
            "Type" => "Encoding",
            "BaseEncoding" => "WinAnsiEncoding",
            "Differences" => vec![Object::Integer(65), Object::Name(b"uni90E8".to_vec()), Object::Name(b"g7".to_vec())],
        };
        let f = dictionary! {
            "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => Object::Name(b"\xcb\xce\xcc\xe5".to_vec()),
            "FirstChar" => 48, "Widths" => vec![Object::Integer(556)], "Encoding" => enc,
        };
        let _ = doc.add_object(Stream::new(dictionary! {}, vec![]));
        let font = Font::load(&doc, &f);
        assert_eq!(font.name, "宋体");
        let mut s = String::new();
        let c = font.decode(b"A", &mut s);
        assert!(c.decoded);
        assert_eq!(s, "部");
        assert!(!font.decode(b"B", &mut s).decoded);
        let c = font.decode(b"0", &mut s);
        assert_eq!((s.as_str(), c.advance), ("0", 0.556));
    }
}
