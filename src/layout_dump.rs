//! Fixed-width text dumps (`pdftotext -layout` and the like) read as positioned text.
//!
//! Such a dump keeps each page's geometry in character cells: a form feed starts a page, a
//! line is a printed line, and a piece's column is its x. Each page becomes a
//! [`PageLayout`] (x = column × [`CELL_WIDTH`]; y falls by [`LINE_HEIGHT`] a line; no
//! rulings), which the layout stage reads exactly as a PDF page without rulings. It knows
//! nothing of budgets.
//!
//! Tools count columns in two ways: `pdftotext -layout` gives every character one column,
//! others (and editors) give CJK characters two, as a terminal shows them. The dump says
//! which: amounts right-aligned in one column end at one column under the right count, so
//! the count under which the amounts' right edges take fewer distinct columns is used.

use crate::layout::PageLayout;
use crate::pdf::{Line, Run};
use crate::token::is_marked_amount;

/// Points per display column.
pub const CELL_WIDTH: f64 = 4.5;
/// Points per line.
pub const LINE_HEIGHT: f64 = 12.0;
/// Font size given to every run (what the layout stage compares sizes with).
const SIZE: f64 = 9.0;
/// y of a page's first line.
const TOP: f64 = 800.0;
/// Spaces that end a piece: two or more separate cells, one separates the words of a cell.
const CELL_GAP: usize = 2;

/// Whether a text dump keeps its layout: at least a fifth of its non-blank lines (and three)
/// hold two pieces separated by two or more spaces (leading and trailing white space aside).
/// Plain (content-order) dumps print one cell or fragment per line, or cells separated by
/// one space.
pub fn is_layout_dump(text: &str) -> bool {
    let mut lines = 0usize;
    let mut spaced = 0usize;
    for l in text.lines() {
        let t = l.trim();
        if t.is_empty() {
            continue;
        }
        lines += 1;
        if t.contains("  ") {
            spaced += 1;
        }
    }
    spaced >= 3 && spaced * 5 >= lines
}

/// How many columns a wide (CJK) character takes in a dump.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Count {
    /// One column per character (`pdftotext -layout`).
    Chars,
    /// Two columns per CJK character (as a terminal shows them).
    Display,
}

impl Count {
    fn width(self, c: char) -> usize {
        match self {
            Count::Chars => 1,
            Count::Display => char_width(c),
        }
    }
}

/// The column count under which the amounts of lines holding wide characters end in the
/// fewest distinct columns (ties: one column per character).
fn column_count(text: &str) -> Count {
    let distinct = |count: Count| {
        let mut edges = std::collections::HashSet::new();
        for l in text
            .lines()
            .filter(|l| l.chars().any(|c| char_width(c) == 2))
        {
            for (col, p) in pieces(l, count) {
                if is_marked_amount(p) {
                    edges.insert(col + p.chars().map(|c| count.width(c)).sum::<usize>());
                }
            }
        }
        edges.len()
    };
    if distinct(Count::Display) < distinct(Count::Chars) {
        Count::Display
    } else {
        Count::Chars
    }
}

/// The pages of a layout dump: form feeds separate pages (a dump without them is one page).
pub fn pages(text: &str) -> Vec<PageLayout> {
    let count = column_count(text);
    let mut out = Vec::new();
    let mut parts: Vec<&str> = text.split('\u{c}').collect();
    // pdftotext ends the last page with a form feed too.
    if parts.len() > 1 && parts.last().is_some_and(|p| p.trim().is_empty()) {
        parts.pop();
    }
    for (k, page) in parts.iter().enumerate() {
        let mut lines = Vec::new();
        for (i, l) in page.lines().enumerate() {
            let y = TOP - LINE_HEIGHT * i as f64;
            let pieces = pieces(l, count);
            let runs: Vec<Run> = pieces
                .iter()
                .enumerate()
                .map(|(k, &(col, text))| {
                    let x0 = col as f64 * CELL_WIDTH;
                    // A piece starts at its column whichever way columns are counted, but
                    // its printed width is its display width (pdftotext gives a CJK
                    // character one column and the next piece its column from its true
                    // x), short of the next piece.
                    let mut x1 = x0 + width(text, Count::Display) as f64 * CELL_WIDTH;
                    if let Some(&(next, _)) = pieces.get(k + 1) {
                        x1 = x1.min((next as f64 - 0.5) * CELL_WIDTH);
                    }
                    Run {
                        x0,
                        x1,
                        y,
                        size: SIZE,
                        text: text.to_string(),
                        glyphs: Vec::new(),
                    }
                })
                .collect();
            if !runs.is_empty() {
                lines.push(Line { y, runs });
            }
        }
        out.push(PageLayout {
            page: k as u32 + 1,
            lines,
            text_grid: true,
            ..Default::default()
        });
    }
    out
}

/// The pieces of a line with their display column: runs of text separated by
/// [`CELL_GAP`] or more spaces; an amount and what one space separates it from are two
/// pieces as well ("707.83 707.83" in a narrow column, "156,211,123 一、一般公共服务支出"
/// across the two sides of a summary).
fn pieces(line: &str, count: Count) -> Vec<(usize, &str)> {
    let line = line.trim_end_matches(['\r', '\n']);
    let mut out: Vec<(usize, &str)> = Vec::new();
    // (display column, byte start, byte end) of each word.
    let mut words: Vec<(usize, usize, usize)> = Vec::new();
    let mut col = 0usize;
    let mut start: Option<(usize, usize)> = None;
    for (i, c) in line.char_indices() {
        if c == ' ' || c == '\t' || c == '\u{3000}' {
            if let Some((sc, sb)) = start.take() {
                words.push((sc, sb, i));
            }
        } else if start.is_none() {
            start = Some((col, i));
        }
        col += match c {
            '\t' => 8 - col % 8,
            c => count.width(c),
        };
    }
    if let Some((sc, sb)) = start {
        words.push((sc, sb, line.len()));
    }
    let mut piece: Option<(usize, usize, usize)> = None;
    for (k, &(wc, wb, we)) in words.iter().enumerate() {
        let joined = piece.and_then(|(pc, pb, pe)| {
            let (prev_c, prev_b, prev_e) = words[k - 1];
            let gap = wc.saturating_sub(prev_c + width(&line[prev_b..prev_e], count));
            let amount = is_marked_amount(&line[prev_b..prev_e]) || is_marked_amount(&line[wb..we]);
            (gap < CELL_GAP && !amount).then_some((pc, pb, pe))
        });
        piece = match joined {
            Some((pc, pb, _)) => Some((pc, pb, we)),
            None => {
                if let Some((pc, pb, pe)) = piece {
                    out.push((pc, &line[pb..pe]));
                }
                Some((wc, wb, we))
            }
        };
    }
    if let Some((pc, pb, pe)) = piece {
        out.push((pc, &line[pb..pe]));
    }
    out
}

/// Columns of a text.
fn width(s: &str, count: Count) -> usize {
    s.chars().map(|c| count.width(c)).sum()
}

/// Display columns of a character: two for CJK ideographs, full-width forms, CJK
/// punctuation and kana; one otherwise.
fn char_width(c: char) -> usize {
    let u = c as u32;
    let wide = (0x1100..=0x115F).contains(&u)
        || (0x2E80..=0x303E).contains(&u)
        || (0x3041..=0x33FF).contains(&u)
        || (0x3400..=0x4DBF).contains(&u)
        || (0x4E00..=0x9FFF).contains(&u)
        || (0xA000..=0xA4CF).contains(&u)
        || (0xAC00..=0xD7A3).contains(&u)
        || (0xF900..=0xFAFF).contains(&u)
        || (0xFE30..=0xFE4F).contains(&u)
        || (0xFF00..=0xFF60).contains(&u)
        || (0xFFE0..=0xFFE6).contains(&u)
        || (0x20000..=0x3FFFD).contains(&u);
    if wide {
        2
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_split_at_two_spaces_and_between_amounts() {
        assert_eq!(
            pieces(
                "221       住房保障支出        1,042.06 1,055.58",
                Count::Display
            ),
            [
                (0, "221"),
                (10, "住房保障支出"),
                (30, "1,042.06"),
                (39, "1,055.58")
            ]
        );
        assert_eq!(
            pieces(
                "一、财政拨款收入   156,211,123 一、一般公共服务支出",
                Count::Chars
            ),
            [
                (0, "一、财政拨款收入"),
                (11, "156,211,123"),
                (23, "一、一般公共服务支出")
            ]
        );
        // One space inside a cell joins its words.
        assert_eq!(
            pieces("  2026 年预算数  合计", Count::Display),
            [(2, "2026 年预算数"), (17, "合计")]
        );
        assert_eq!(
            pieces("  2026 年预算数  合计", Count::Chars),
            [(2, "2026 年预算数"), (13, "合计")]
        );
    }

    #[test]
    fn the_column_count_is_the_one_that_aligns_the_amounts() {
        // pdftotext -layout: one column per character, so the amounts under names of 8 and 6
        // characters end in one column.
        let chars = "201   一般行政管理事务        135,200\n204   公共法律服务          300,000\n";
        assert_eq!(column_count(chars), Count::Chars);
        // The same table as a terminal shows it: names of 16 and 12 columns.
        let display =
            "201   一般行政管理事务        135,200\n204   公共法律服务            300,000\n";
        assert_eq!(column_count(display), Count::Display);
    }

    #[test]
    fn pages_come_from_form_feeds_and_give_positions() {
        let text = "表1  收支总表\n\n项目    金额\n\u{c}表2\n\u{c}";
        let p = pages(text);
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].page, p[1].page), (1, 2));
        let l = &p[0].lines;
        assert_eq!(l.len(), 2, "blank lines give no line");
        assert_eq!(l[0].runs[1].text, "收支总表");
        // No amounts to align: one column per character ("表1" and two spaces).
        assert_eq!(l[0].runs[1].x0, 4.0 * CELL_WIDTH);
        // The blank line still moves y down.
        assert_eq!(l[0].y - l[1].y, 2.0 * LINE_HEIGHT);
    }

    #[test]
    fn layout_dumps_are_told_from_plain_ones() {
        let layout = "表1\n科目编码   科目名称    合计\n201    一般公共服务支出   9.00\n20101  人大事务   9.00\n";
        assert!(is_layout_dump(layout));
        let plain = "表1\n科目编码\n科目名称\n合计\n201\n一般公共服务支出\n9.00\n";
        assert!(!is_layout_dump(plain));
    }
}
