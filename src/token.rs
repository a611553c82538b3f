//! Cell tokens: the small nom parsers that classify a printed piece of table text as an
//! amount, a code or a label, and join numbers a line break split ("707" + ".83").

use nom::{
    branch::alt,
    bytes::complete::{tag, take_while1, take_while_m_n},
    character::complete::{char, digit1, one_of},
    combinator::{all_consuming, opt, recognize},
    multi::many1,
    sequence::{pair, preceded, tuple},
    IResult,
};
use rust_decimal::Decimal;
use std::str::FromStr;

/// One printed piece of table text with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub text: String,
    pub kind: TokenKind,
    pub line: u32,
    pub page: u32,
    /// Column index from geometry, where the reader knows it (PDF); `None` for text dumps.
    pub column: Option<usize>,
    /// Left edge on the page (PDF points), where the reader knows it; `None` for text dumps.
    pub x0: Option<f64>,
}

/// What a piece of text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Digits with an optional decimal part and thousands separators: "4,545,000.00", "25".
    Number,
    /// A fragment of a number split by a line break: "707" is not one, ".83" and "0." are.
    NumberFragment,
    /// Anything else: names, labels, units.
    Text,
}

impl Token {
    pub fn is_number(&self) -> bool {
        self.kind == TokenKind::Number
    }

    /// Digits only (no decimal point or separator): a candidate code or whole-yuan amount.
    pub fn is_integer(&self) -> bool {
        self.kind == TokenKind::Number && self.text.bytes().all(|b| b.is_ascii_digit())
    }

    /// The exact decimal value of a number token (thousands separators removed).
    pub fn amount(&self) -> Option<Decimal> {
        parse_amount(&self.text)
    }
}

/// "1,234,567" or "1234567": digits, optionally grouped by commas.
fn integer_part(i: &str) -> IResult<&str, &str> {
    recognize(pair(
        take_while_m_n(1, 3, |c: char| c.is_ascii_digit()),
        alt((
            recognize(many1(preceded(
                char(','),
                take_while_m_n(3, 3, |c: char| c.is_ascii_digit()),
            ))),
            recognize(opt(digit1)),
        )),
    ))(i)
}

/// Minus signs as printed before a negative amount (增减 columns): ASCII, full width, the
/// typographic minus.
const MINUS: [char; 3] = ['-', '－', '−'];

/// A complete printed amount: "707.83", "4,545,000.00", "25", "0.5", "-118.90".
fn amount(i: &str) -> IResult<&str, &str> {
    all_consuming(recognize(pair(
        opt(one_of(&MINUS[..])),
        pair(integer_part, opt(pair(char('.'), digit1))),
    )))(i)
}

/// A number broken by a line: "0." (digits and a dangling point) or ".83".
fn fragment(i: &str) -> IResult<&str, &str> {
    all_consuming(alt((
        recognize(pair(integer_part, char('.'))),
        recognize(pair(char('.'), digit1)),
    )))(i)
}

/// Classifies one white-space-free piece of text.
pub fn classify(piece: &str) -> TokenKind {
    if amount(piece).is_ok() {
        TokenKind::Number
    } else if fragment(piece).is_ok() {
        TokenKind::NumberFragment
    } else {
        TokenKind::Text
    }
}

/// An amount glued to the text after it: the byte length of the leading amount when `text`
/// is an amount that looks complete — digits with a decimal part ("0.00", "16,474.82") or
/// grouped by thousands separators ("91,016,775") — directly followed by a CJK character or
/// a bracketed ordinal heading ("（一）"); `None` otherwise. "一、" headings start with a CJK
/// character. Whole numbers without separators ("2014001行政运行"), text before the digits
/// ("第1季度", "（2）") and a dangling point ("1.一般公共预算") are never glued amounts.
///
/// This is only what the text says; names like "2.1人员经费" have the same shape, so the
/// caller must also check where the pieces sit (an amount column, then a text column).
pub fn glued_amount(text: &str) -> Option<usize> {
    let (rest, lead) = recognize(pair(integer_part, opt(pair(char('.'), digit1))))(text).ok()?;
    if !lead.contains(['.', ',']) || rest.is_empty() {
        return None;
    }
    let first = rest.chars().next()?;
    let heading = label_ordinal(rest).is_some_and(|o| o.level == 2);
    (is_cjk(first) || heading).then_some(lead.len())
}

/// An amount as only amounts are printed: a number with a decimal point or a thousands
/// separator ("16,474.82", "0.00", "1,633,000"), never a code, a year or a count.
pub fn is_marked_amount(text: &str) -> bool {
    text.contains(['.', ',']) && classify(text) == TokenKind::Number
}

/// A printed percentage ("-60.86%", "1009.71%", "0.00％"): a signed number with a percent
/// sign and nothing else.
pub fn is_percent(text: &str) -> bool {
    let Some(number) = text.strip_suffix(['%', '％']) else {
        return false;
    };
    let digits = number.strip_prefix(['-', '−', '－']).unwrap_or(number);
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let frac = parts.next();
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// A CJK ideograph (the unified block and extension A).
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

/// Parses a printed amount exactly, keeping its printed scale ("0.00" stays two places).
pub fn parse_amount(text: &str) -> Option<Decimal> {
    amount(text).ok()?;
    Decimal::from_str(&text.replace(',', "").replace(&MINUS[1..], "-")).ok()
}

/// Splits a line into tokens at white space.
pub fn tokenize_line(text: &str, line: u32, page: u32) -> impl Iterator<Item = Token> + '_ {
    text.split_whitespace().map(move |p| Token {
        text: p.to_string(),
        kind: classify(p),
        line,
        page,
        column: None,
        x0: None,
    })
}

/// Whether `tail` is the rest of the amount `head`, wrapped onto the next line of its cell
/// ("811,669.9" over "7", "1682." over "76"): digits only, and the two together an amount.
pub fn wrapped_amount_tail(head: &str, tail: &str) -> bool {
    !tail.is_empty()
        && tail.len() <= 4
        && tail.bytes().all(|b| b.is_ascii_digit())
        && (head.contains('.') || head.contains(','))
        && classify(&format!("{head}{tail}")) == TokenKind::Number
}

/// Whether a printed total is the sum of printed `parts` within their rounding: half a unit
/// of the last printed place per figure, the total's own included.
pub fn adds_up(printed: Decimal, parts: &[Decimal]) -> bool {
    let sum: Decimal = parts.iter().sum();
    let scale = parts
        .iter()
        .map(Decimal::scale)
        .fold(printed.scale(), u32::max);
    let tolerance = Decimal::new(5, scale + 1) * Decimal::from(parts.len() + 1);
    (printed - sum).abs() <= tolerance
}

/// Joins numbers that a line break split: "707" + ".83" → "707.83", "0." + "00" → "0.00".
/// A fragment that cannot be joined stays a fragment, for the caller to report.
pub fn join_split_numbers(tokens: Vec<Token>) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    for t in tokens {
        if let Some(prev) = out.last_mut() {
            let joinable = match (prev.kind, t.kind) {
                // "707" + ".83"
                (TokenKind::Number, TokenKind::NumberFragment) => {
                    t.text.starts_with('.') && !prev.text.contains('.')
                }
                // "0." + "00"
                (TokenKind::NumberFragment, TokenKind::Number) => {
                    prev.text.ends_with('.') && t.is_integer()
                }
                _ => false,
            };
            if joinable && prev.line != t.line {
                let joined = format!("{}{}", prev.text, t.text);
                if classify(&joined) == TokenKind::Number {
                    prev.text = joined;
                    prev.kind = TokenKind::Number;
                    continue;
                }
            }
        }
        out.push(t);
    }
    out
}

/// An ordinal label prefix: 一、 (level 1), （一） or (一) (level 2), 1. or 1、 (level 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ordinal {
    pub level: u8,
    pub n: u32,
}

fn chinese_numeral(i: &str) -> IResult<&str, u32> {
    let (rest, s) = take_while1(|c: char| "一二三四五六七八九十廿".contains(c))(i)?;
    match chinese_value(s) {
        Some(n) => Ok((rest, n)),
        None => Err(nom::Err::Error(nom::error::Error::new(
            i,
            nom::error::ErrorKind::Verify,
        ))),
    }
}

/// Value of a Chinese numeral up to 99: 一 1, 十 10, 十三 13, 二十 20, 廿一 21.
fn chinese_value(s: &str) -> Option<u32> {
    let digit = |c: char| "一二三四五六七八九".find(c).map(|p| p as u32 / 3 + 1);
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [c] if *c == '十' => Some(10),
        [c] if *c == '廿' => Some(20),
        [c] => digit(*c),
        ['十', d] => Some(10 + digit(*d)?),
        ['廿', d] => Some(20 + digit(*d)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', d] => Some(digit(*t)? * 10 + digit(*d)?),
        _ => None,
    }
}

fn ordinal_level1(i: &str) -> IResult<&str, Ordinal> {
    let (r, (n, _)) = pair(chinese_numeral, alt((tag("、"), tag("."), tag("．"))))(i)?;
    Ok((r, Ordinal { level: 1, n }))
}

fn ordinal_level2(i: &str) -> IResult<&str, Ordinal> {
    let (r, (_, n, _)) = tuple((
        alt((tag("（"), tag("("))),
        chinese_numeral,
        alt((tag("）"), tag(")"))),
    ))(i)?;
    Ok((r, Ordinal { level: 2, n }))
}

fn ordinal_level3(i: &str) -> IResult<&str, Ordinal> {
    let (r, (d, _)) = pair(digit1, alt((tag("、"), tag("．"), tag("."))))(i)?;
    let n = d
        .parse::<u32>()
        .map_err(|_| nom::Err::Error(nom::error::Error::new(i, nom::error::ErrorKind::Digit)))?;
    Ok((r, Ordinal { level: 3, n }))
}

/// Reads an ordinal prefix at the start of a label.
pub fn ordinal(i: &str) -> IResult<&str, Ordinal> {
    alt((ordinal_level1, ordinal_level2, ordinal_level3))(i)
}

/// The ordinal a label starts with, if any.
pub fn label_ordinal(label: &str) -> Option<Ordinal> {
    ordinal(label).ok().map(|(_, o)| o)
}

/// How deep an outline numbering style goes: 一、 1, （一） 2, 1. / 1、 3, （1） 4, after an
/// optional "其中：" ("其中：（一）因公出国（境）支出"); `None` for a label without one.
pub fn outline_depth(label: &str) -> Option<u8> {
    let label = label.strip_prefix("其中").unwrap_or(label);
    let label = label.trim_start_matches([':', '：']);
    if let Some(o) = label_ordinal(label) {
        return Some(o.level);
    }
    let inner = label.strip_prefix(['（', '('])?;
    let digits = inner.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0 && inner[digits..].starts_with(['）', ')'])).then_some(4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(lines: &[&str]) -> Vec<Token> {
        lines
            .iter()
            .enumerate()
            .flat_map(|(i, l)| tokenize_line(l, i as u32 + 1, 1).collect::<Vec<_>>())
            .collect()
    }

    #[test]
    fn classifies_amounts_fragments_and_text() {
        assert_eq!(classify("707.83"), TokenKind::Number);
        assert_eq!(classify("4,545,000.00"), TokenKind::Number);
        assert_eq!(classify("25"), TokenKind::Number);
        assert_eq!(classify("0."), TokenKind::NumberFragment);
        assert_eq!(classify(".83"), TokenKind::NumberFragment);
        assert_eq!(classify("科学技术支出"), TokenKind::Text);
        assert_eq!(classify("26%"), TokenKind::Text);
        assert_eq!(classify("2025年"), TokenKind::Text);
        // Malformed grouping is not an amount.
        assert_eq!(classify("4,54,000.00"), TokenKind::Text);
        assert_eq!(classify("1,2"), TokenKind::Text);
        assert_eq!(classify("."), TokenKind::Text);
        assert_eq!(classify("1.2.3"), TokenKind::Text);
        // Signed amounts (增减 columns); a sign alone is a placeholder.
        assert_eq!(classify("-118.90"), TokenKind::Number);
        assert_eq!(classify("－20,442.30"), TokenKind::Number);
        assert_eq!(classify("−0.40"), TokenKind::Number);
        assert_eq!(classify("-"), TokenKind::Text);
        assert_eq!(classify("--1.00"), TokenKind::Text);
        assert_eq!(
            parse_amount("－20,442.30").unwrap().to_string(),
            "-20442.30"
        );
        assert_eq!(parse_amount("−0.40").unwrap().to_string(), "-0.40");
    }

    #[test]
    fn glued_amounts_and_what_is_not_one() {
        assert_eq!(glued_amount("16,474.82一、一般公共服务支出"), Some(9));
        assert_eq!(glued_amount("91,016,775.35一、一般公共服务支出"), Some(13));
        assert_eq!(glued_amount("0.00转，为信访群众"), Some(4));
        assert_eq!(glued_amount("1682.76本年支出合计"), Some(7));
        assert_eq!(glued_amount("1,234,567项目支出"), Some(9));
        assert_eq!(glued_amount("12.50（一）基本支出"), Some(5));
        // Codes and names that hold numbers.
        for text in [
            "2014001行政运行",
            "2014001",
            "（2）",
            "（2）公务接待费",
            "第1季度",
            "1.一般公共预算财政拨款",
            "1、工资福利支出",
            "30227因公出国",
            "16,474.82",
            "0.00",
            "0.00%",
            "0.00 万元",
            "0.00-",
            "12.5.3条",
            "4,54,000.00一",
            "2025年预算",
            "一、16,474.82",
        ] {
            assert_eq!(glued_amount(text), None, "{text}");
        }
    }

    #[test]
    fn amounts_keep_their_printed_scale() {
        assert_eq!(parse_amount("0.00").unwrap().to_string(), "0.00");
        assert_eq!(
            parse_amount("4,545,000.00").unwrap().to_string(),
            "4545000.00"
        );
        assert_eq!(parse_amount("571.5").unwrap().to_string(), "571.5");
        assert!(parse_amount("12a").is_none());
    }

    #[test]
    fn joins_numbers_split_over_lines() {
        let t = join_split_numbers(toks(&["707", ".83", "0.", "00", "0.", "00"]));
        let texts: Vec<_> = t.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, ["707.83", "0.00", "0.00"]);
        assert!(t.iter().all(|t| t.kind == TokenKind::Number));
        assert_eq!(t[0].line, 1);
    }

    #[test]
    fn does_not_join_numbers_on_one_line_or_two_whole_numbers() {
        let t = join_split_numbers(toks(&["3200", "01"]));
        assert_eq!(t.len(), 2, "codes are joined by the row parser, not here");
        let t = join_split_numbers(toks(&["707 .83"]));
        assert_eq!(t.len(), 2);
        assert_eq!(t[1].kind, TokenKind::NumberFragment);
        let t = join_split_numbers(toks(&["1.5", ".83"]));
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn reads_ordinals() {
        assert_eq!(
            label_ordinal("一、本年收入"),
            Some(Ordinal { level: 1, n: 1 })
        );
        assert_eq!(
            label_ordinal("十三、资源勘探"),
            Some(Ordinal { level: 1, n: 13 })
        );
        assert_eq!(
            label_ordinal("廿五、债务发行费用支出"),
            Some(Ordinal { level: 1, n: 25 })
        );
        assert_eq!(
            label_ordinal("二十、国有资本"),
            Some(Ordinal { level: 1, n: 20 })
        );
        assert_eq!(
            label_ordinal("（十九）粮油"),
            Some(Ordinal { level: 2, n: 19 })
        );
        assert_eq!(label_ordinal("(三)国有"), Some(Ordinal { level: 2, n: 3 }));
        assert_eq!(
            label_ordinal("1.一般公共预算财政拨款"),
            Some(Ordinal { level: 3, n: 1 })
        );
        assert_eq!(label_ordinal("本年收入合计"), None);
        assert_eq!(label_ordinal("十十、x"), None);
        assert_eq!(label_ordinal("出"), None);
    }

    #[test]
    fn percentages_are_told_from_amounts_and_text() {
        for t in ["-60.86%", "1009.71%", "0.00%", "30.86%", "5％", "−5.22%"] {
            assert!(is_percent(t), "{t}");
        }
        for t in ["60.86", "%", "-%", "1.2.3%", "增减(%)", "26%以上", "1.%"] {
            assert!(!is_percent(t), "{t}");
        }
    }
}
