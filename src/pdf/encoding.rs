//! Simple-font encodings (WinAnsi, Standard, MacRoman, /Differences) and glyph names.

/// A base encoding of a simple font.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseEncoding {
    /// WinAnsiEncoding (Windows-1252).
    WinAnsi,
    /// StandardEncoding (Adobe standard Latin).
    Standard,
    /// MacRomanEncoding.
    MacRoman,
}

impl BaseEncoding {
    /// Recognises an encoding name.
    pub fn from_name(name: &[u8]) -> Option<BaseEncoding> {
        match name {
            b"WinAnsiEncoding" => Some(BaseEncoding::WinAnsi),
            b"StandardEncoding" => Some(BaseEncoding::Standard),
            b"MacRomanEncoding" => Some(BaseEncoding::MacRoman),
            _ => None,
        }
    }

    /// The character of a byte code, if this encoding defines one.
    pub fn decode(self, code: u8) -> Option<char> {
        match self {
            BaseEncoding::WinAnsi => {
                if code < 0x20 {
                    return None;
                }
                let b = [code];
                let (s, _, bad) = encoding_rs::WINDOWS_1252.decode(&b);
                let c = s.chars().next()?;
                // bytes Windows-1252 leaves undefined come back as C1 controls
                (!bad && !c.is_control()).then_some(c)
            }
            BaseEncoding::MacRoman => {
                if code < 0x20 || code == 0x7f {
                    return None;
                }
                let b = [code];
                let (s, _, bad) = encoding_rs::MACINTOSH.decode(&b);
                let c = s.chars().next()?;
                (!bad && !c.is_control()).then_some(c)
            }
            BaseEncoding::Standard => standard(code),
        }
    }
}

fn standard(code: u8) -> Option<char> {
    Some(match code {
        0x27 => '\u{2019}',
        0x60 => '\u{2018}',
        0x20..=0x7e => code as char,
        0xa1 => '¡',
        0xa2 => '¢',
        0xa3 => '£',
        0xa4 => '⁄',
        0xa5 => '¥',
        0xa6 => 'ƒ',
        0xa7 => '§',
        0xa8 => '¤',
        0xa9 => '\'',
        0xaa => '“',
        0xab => '«',
        0xac => '‹',
        0xad => '›',
        0xae => 'ﬁ',
        0xaf => 'ﬂ',
        0xb1 => '–',
        0xb2 => '†',
        0xb3 => '‡',
        0xb4 => '·',
        0xb6 => '¶',
        0xb7 => '•',
        0xb8 => '‚',
        0xb9 => '„',
        0xba => '”',
        0xbb => '»',
        0xbc => '…',
        0xbd => '‰',
        0xbf => '¿',
        0xc1 => '`',
        0xc2 => '´',
        0xc3 => 'ˆ',
        0xc4 => '˜',
        0xc5 => '¯',
        0xc6 => '˘',
        0xc7 => '˙',
        0xc8 => '¨',
        0xca => '˚',
        0xcb => '¸',
        0xcd => '˝',
        0xce => '˛',
        0xcf => 'ˇ',
        0xd0 => '—',
        0xe1 => 'Æ',
        0xe3 => 'ª',
        0xe8 => 'Ł',
        0xe9 => 'Ø',
        0xea => 'Œ',
        0xeb => 'º',
        0xf1 => 'æ',
        0xf5 => 'ı',
        0xf8 => 'ł',
        0xf9 => 'ø',
        0xfa => 'œ',
        0xfb => 'ß',
        _ => return None,
    })
}

/// Glyph names that are not single letters or `uniXXXX` forms.
const NAMES: &[(&str, char)] = &[
    ("space", ' '),
    ("nbspace", '\u{a0}'),
    ("nonbreakingspace", '\u{a0}'),
    ("exclam", '!'),
    ("quotedbl", '"'),
    ("numbersign", '#'),
    ("dollar", '$'),
    ("percent", '%'),
    ("ampersand", '&'),
    ("quotesingle", '\''),
    ("quoteright", '’'),
    ("quoteleft", '‘'),
    ("quotedblleft", '“'),
    ("quotedblright", '”'),
    ("parenleft", '('),
    ("parenright", ')'),
    ("asterisk", '*'),
    ("plus", '+'),
    ("comma", ','),
    ("hyphen", '-'),
    ("minus", '−'),
    ("period", '.'),
    ("slash", '/'),
    ("zero", '0'),
    ("one", '1'),
    ("two", '2'),
    ("three", '3'),
    ("four", '4'),
    ("five", '5'),
    ("six", '6'),
    ("seven", '7'),
    ("eight", '8'),
    ("nine", '9'),
    ("colon", ':'),
    ("semicolon", ';'),
    ("less", '<'),
    ("equal", '='),
    ("greater", '>'),
    ("question", '?'),
    ("at", '@'),
    ("bracketleft", '['),
    ("backslash", '\\'),
    ("bracketright", ']'),
    ("asciicircum", '^'),
    ("underscore", '_'),
    ("grave", '`'),
    ("braceleft", '{'),
    ("bar", '|'),
    ("braceright", '}'),
    ("asciitilde", '~'),
    ("endash", '–'),
    ("emdash", '—'),
    ("bullet", '•'),
    ("ellipsis", '…'),
    ("periodcentered", '·'),
    ("middot", '·'),
    ("degree", '°'),
    ("multiply", '×'),
    ("divide", '÷'),
    ("yen", '¥'),
    ("sterling", '£'),
    ("cent", '¢'),
    ("section", '§'),
    ("percent", '%'),
    ("perthousand", '‰'),
    ("plusminus", '±'),
    ("fi", 'ﬁ'),
    ("fl", 'ﬂ'),
    ("Euro", '€'),
    ("copyright", '©'),
    ("registered", '®'),
    ("trademark", '™'),
    ("dagger", '†'),
    ("daggerdbl", '‡'),
    ("guillemotleft", '«'),
    ("guillemotright", '»'),
    ("onehalf", '½'),
    ("onequarter", '¼'),
    ("threequarters", '¾'),
];

/// Unicode text of a glyph name: `uni4E00`, `u1F600`, standard names, single letters.
/// Suffixes such as `.tf` or `.sc` are dropped. Returns `None` for unknown names.
pub fn glyph_name_to_unicode(name: &[u8]) -> Option<String> {
    let name = std::str::from_utf8(name).ok()?;
    let base = name.split('.').next().unwrap_or(name);
    if base.is_empty() {
        return None;
    }
    if base.len() == 1 && base.as_bytes()[0].is_ascii_alphabetic() {
        return Some(base.to_string());
    }
    if let Some(hex) = base.strip_prefix("uni") {
        if hex.len() >= 4 && hex.len() % 4 == 0 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            let units: Vec<u16> = (0..hex.len() / 4)
                .filter_map(|i| u16::from_str_radix(&hex[i * 4..i * 4 + 4], 16).ok())
                .collect();
            return String::from_utf16(&units).ok().filter(|s| acceptable(s));
        }
    }
    if let Some(hex) = base.strip_prefix('u') {
        if (4..=6).contains(&hex.len()) && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            let v = u32::from_str_radix(hex, 16).ok()?;
            return char::from_u32(v)
                .map(String::from)
                .filter(|s| acceptable(s));
        }
    }
    NAMES
        .iter()
        .find(|(n, _)| *n == base)
        .map(|(_, c)| c.to_string())
}

/// True when `s` is real text: no U+FFFD, no private-use characters, no control characters.
pub fn acceptable(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| {
            !(c == '\u{fffd}'
                || c.is_control()
                || ('\u{e000}'..='\u{f8ff}').contains(&c)
                || c >= '\u{f0000}')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn winansi_digits_and_specials() {
        let w = BaseEncoding::WinAnsi;
        assert_eq!(w.decode(b'4'), Some('4'));
        assert_eq!(w.decode(b','), Some(','));
        assert_eq!(w.decode(0x96), Some('–'));
        assert_eq!(w.decode(0x80), Some('€'));
        assert_eq!(w.decode(0x81), None);
        assert_eq!(w.decode(0x05), None);
    }

    #[test]
    fn standard_and_macroman() {
        assert_eq!(BaseEncoding::Standard.decode(0x27), Some('’'));
        assert_eq!(BaseEncoding::Standard.decode(b'A'), Some('A'));
        assert_eq!(BaseEncoding::Standard.decode(0xd0), Some('—'));
        assert_eq!(BaseEncoding::MacRoman.decode(0x8e), Some('é'));
    }

    #[test]
    fn glyph_names() {
        assert_eq!(glyph_name_to_unicode(b"uni4E00").as_deref(), Some("一"));
        assert_eq!(glyph_name_to_unicode(b"zero").as_deref(), Some("0"));
        assert_eq!(glyph_name_to_unicode(b"period").as_deref(), Some("."));
        assert_eq!(glyph_name_to_unicode(b"seven.tf").as_deref(), Some("7"));
        assert_eq!(glyph_name_to_unicode(b"A").as_deref(), Some("A"));
        assert_eq!(glyph_name_to_unicode(b"u20AC").as_deref(), Some("€"));
        assert_eq!(glyph_name_to_unicode(b"g123"), None);
        assert_eq!(glyph_name_to_unicode(b"uniE001"), None);
        assert_eq!(glyph_name_to_unicode(b"\xb2\xbf"), None);
    }
}
