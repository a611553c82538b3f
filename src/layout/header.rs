//! Header geometry: where each grammar column's label sits in the header zone (labels
//! stacked over several lines included), and the cells the page's vertical rulings draw, so
//! that a token's x position names its column.

use super::pages::PTok;
use crate::grammar::{Grammar, Layout};
use crate::text::squash;
use crate::token::TokenKind;
use crate::vocabulary::normalize_label;

/// Where each column of the grammar sits on the page: x centre of its header label, and the
/// cell boundaries from vertical rulings (empty where the page has none).
#[derive(Debug, Clone)]
pub(super) struct ColumnGeometry {
    pub(super) centers: Vec<f64>,
    pub(super) cells: Vec<f64>,
    /// Right edge of the code zone (类/款/项 or 科目编码), if located.
    pub(super) code_zone: Option<Vec<(f64, f64)>>,
    /// Boundary between the name zone and the first amount column.
    pub(super) name_end: f64,
    /// x centres of the grammar's text columns' labels (procurement: 专项名称, 采购物品名称 …).
    pub(super) text_centers: Vec<f64>,
    /// Leaf labels of grammar columns the header does not print (their centre is NaN).
    pub(super) unprinted: Vec<String>,
    /// Per grammar column located by labels: the synonym the header prints for its label
    /// ("总计" for 合计), `None` where it prints the grammar's own label (or is not located
    /// by labels). Empty for columns read from the printed header, which carry their path.
    pub(super) printed_leaves: Vec<Option<String>>,
}

impl ColumnGeometry {
    /// The grammar column a token at `x` (centre) falls in.
    pub(super) fn column_at(&self, x0: f64, x1: f64) -> Option<usize> {
        let x = (x0 + x1) / 2.0;
        if x < self.name_end {
            return None;
        }
        if self.cells.len() >= 2 {
            // The cell holding the token; the column whose label centre is in that cell.
            let cell = self.cells.windows(2).position(|w| x >= w[0] && x <= w[1])?;
            let (a, b) = (self.cells[cell], self.cells[cell + 1]);
            let inside: Vec<usize> = (0..self.centers.len())
                .filter(|&i| self.centers[i] >= a && self.centers[i] <= b)
                .collect();
            if inside.len() == 1 {
                return Some(inside[0]);
            }
            // A number printed in the ruled cell of a text column ("PM2.5" with its subscript
            // set apart, in a 绩效指标 cell) is text, not the nearest column's amount.
            if inside.is_empty() && self.text_centers.iter().any(|&c| c >= a && c <= b) {
                return None;
            }
        }
        nearest(&self.centers, x)
    }

    /// The grammar text column a text token falls in: the one whose label centre is in the
    /// token's ruled cell, else the nearest label centre. `None` without text columns.
    pub(super) fn text_column_at(&self, x0: f64, x1: f64) -> Option<usize> {
        let x = (x0 + x1) / 2.0;
        if let Some(cell) = self.cells.windows(2).find(|w| x >= w[0] && x <= w[1]) {
            let inside: Vec<usize> = (0..self.text_centers.len())
                .filter(|&i| self.text_centers[i] >= cell[0] && self.text_centers[i] <= cell[1])
                .collect();
            if inside.len() == 1 {
                return Some(inside[0]);
            }
        }
        nearest(&self.text_centers, x)
    }
}

/// Fewest located amount columns for a table to be read with some grammar columns unprinted.
const MIN_PRINTED_COLUMNS: usize = 2;

impl ColumnGeometry {
    /// With grammar columns unprinted, every amount of the body must sit in a ruled cell that
    /// holds exactly one located label: an amount under a printed column the grammar does
    /// not know (or under a label not located) would otherwise go to a neighbour's column.
    pub(super) fn check_unprinted(&self, body: &[(u32, f64, Vec<PTok>)]) -> Result<(), String> {
        if self.unprinted.is_empty() {
            return Ok(());
        }
        for (page, _, toks) in body {
            for t in toks {
                let x = t.center();
                if x < self.name_end || crate::token::classify(&t.text) != TokenKind::Number {
                    continue;
                }
                let Some(cell) = self.cells.windows(2).find(|w| x >= w[0] && x <= w[1]) else {
                    return Err(self.unprinted_error(&t.text, *page));
                };
                let inside = self
                    .centers
                    .iter()
                    .filter(|&&c| c >= cell[0] && c <= cell[1])
                    .count();
                if inside != 1 {
                    return Err(self.unprinted_error(&t.text, *page));
                }
            }
        }
        Ok(())
    }

    fn unprinted_error(&self, amount: &str, page: u32) -> String {
        format!(
            "header labels not found: {:?}, and the amount {amount} on page {page} is in no \
             located column",
            self.unprinted
        )
    }
}

/// Index of the centre nearest to `x`.
fn nearest(centers: &[f64], x: f64) -> Option<usize> {
    (0..centers.len()).min_by(|&i, &j| (centers[i] - x).abs().total_cmp(&(centers[j] - x).abs()))
}

/// Header tokens with the line they are on.
pub(super) struct HeaderTok {
    pub(super) line: usize,
    /// Baseline of its printed line (page points, y up).
    pub(super) y: f64,
    pub(super) tok: PTok,
}

/// Lines a label stacked in one cell may skip between two of its pieces (lines of the
/// neighbouring cells printed in between: "因公出" … "国（境）" … "费" in a narrow cell).
const STACK_LINE_GAP: usize = 6;
/// Lines a stacked label may span in all (one character per line: "公/务/接/待/费").
const STACK_LINES: usize = 12;
/// Horizontal slack (points) for a piece's centre to count as inside the cell above.
const STACK_SLACK: f64 = 4.0;
/// Gap between two letter-spaced characters of one label, in character widths ("金   额").
const LETTER_GAP: f64 = 2.5;
/// Rank added to a synonym's match: any print of the grammar's own label wins over it.
const SYNONYM_RANK: u8 = 4;

/// Whether a piece (x0, x1) on a lower line belongs to the cell spanning (a0, a1) above:
/// its centre is inside (with slack) or it overlaps at least half of the narrower one.
fn same_cell(x0: f64, x1: f64, a0: f64, a1: f64) -> bool {
    let c = (x0 + x1) / 2.0;
    if c >= a0 - STACK_SLACK && c <= a1 + STACK_SLACK {
        return true;
    }
    let overlap = x1.min(a1) - x0.max(a0);
    overlap > 0.0 && overlap >= 0.5 * (x1 - x0).min(a1 - a0)
}

/// Whether `s` ends with the start of `label` (a stack of pieces that may go on to it).
fn opens(s: &str, label: &str) -> bool {
    s.char_indices().any(|(k, _)| label.starts_with(&s[k..]))
}

/// Locates a label in the header: a token equal to it, a token containing it, or tokens
/// stacked in one cell whose text joins to it ("事业单位" over "经营收入"). Labels and
/// header tokens are normalised ([`normalize_label`]). Only matches centred right of
/// `after` count, and none centred where a column was already placed (`used`).
fn locate(label: &str, header: &[HeaderTok], after: f64, used: &[f64]) -> Option<(u8, f64, f64)> {
    let mut best: Option<(u8, f64, f64)> = None;
    let mut consider = |rank: u8, x0: f64, x1: f64| {
        let c = (x0 + x1) / 2.0;
        if c <= after || used.iter().any(|u| (u - c).abs() < 1.0) {
            return;
        }
        let better = match best {
            None => true,
            Some((r, b0, b1)) => rank < r || (rank == r && c < (b0 + b1) / 2.0),
        };
        if better {
            best = Some((rank, x0, x1));
        }
    };
    for (i, h) in header.iter().enumerate() {
        let t = &h.tok.text;
        if t == label {
            consider(0, h.tok.x0, h.tok.x1);
            continue;
        } else if t.contains(label) {
            consider(2, h.tok.x0, h.tok.x1);
            continue;
        }
        if !opens(t, label) {
            continue;
        }
        // Stack the tokens below it in the same cell (overlapping x, next lines).
        let mut acc = t.clone();
        let (mut x0, mut x1) = (h.tok.x0, h.tok.x1);
        let mut line = h.line;
        for h2 in header.iter().skip(i + 1) {
            if h2.line <= line || h2.line > line + STACK_LINE_GAP {
                continue;
            }
            if !same_cell(h2.tok.x0, h2.tok.x1, x0, x1) {
                continue;
            }
            let joined = format!("{acc}{}", h2.tok.text);
            if !opens(&joined, label) && !joined.contains(label) {
                continue;
            }
            acc = joined;
            x0 = x0.min(h2.tok.x0);
            x1 = x1.max(h2.tok.x1);
            line = h2.line;
            if acc == label {
                consider(1, x0, x1);
                break;
            }
            if acc.contains(label) {
                consider(3, x0, x1);
                break;
            }
            if line > h.line + STACK_LINES {
                break;
            }
        }
    }
    best
}

/// Locates a grammar column: under its own label first, then under the synonyms the
/// vocabulary gives for it (ranked after any print of the label itself).
fn locate_column(
    variants: &[String],
    header: &[HeaderTok],
    after: f64,
    used: &[f64],
) -> Option<(f64, f64)> {
    locate_variant(variants, header, after, used).map(|(a, b, _)| (a, b))
}

/// [`locate_column`], with the index of the variant found (0: the grammar's own label).
fn locate_variant(
    variants: &[String],
    header: &[HeaderTok],
    after: f64,
    used: &[f64],
) -> Option<(f64, f64, usize)> {
    let mut best: Option<(u8, f64, f64, usize)> = None;
    for (k, v) in variants.iter().enumerate() {
        let Some((rank, x0, x1)) = locate(v, header, after, used) else {
            continue;
        };
        let rank = if k == 0 { rank } else { rank + SYNONYM_RANK };
        if best.is_none_or(|(r, _, _, _)| rank < r) {
            best = Some((rank, x0, x1, k));
        }
    }
    best.map(|(_, a, b, k)| (a, b, k))
}

/// The leaf of a label path ("基本支出/人员经费" → "人员经费").
fn leaf(label: &str) -> &str {
    label.rsplit('/').next().unwrap_or(label)
}

/// Whether a header line is a column-number row ("栏次", "1 2 3 …", "* *"): never a label.
fn column_number_line(toks: &[&HeaderTok]) -> bool {
    !toks.is_empty()
        && toks.iter().all(|h| {
            let t = normalize_label(&h.tok.text);
            t.contains("栏次")
                || !t.is_empty()
                    && t.chars()
                        .all(|c| c.is_ascii_digit() || c == '*' || c == '※')
        })
}

/// Whether a vertical ruling crosses the gap between x0 and x1.
fn ruled_between(verticals: &[(f64, f64, f64)], x0: f64, x1: f64) -> bool {
    verticals.iter().any(|v| v.0 > x0 && v.0 < x1)
}

/// The header as matching sees it: tokens normalised, column-number rows dropped, and
/// letter-spaced labels of one cell ("金   额", "合 计") joined into an extra token (the
/// pieces are kept too).
fn normalized_header(header: &[HeaderTok], verticals: &[(f64, f64, f64)]) -> Vec<HeaderTok> {
    normalized_header_with(header, verticals, true)
}

/// [`normalized_header`]; without `keep_pieces` a letter-spaced label replaces its pieces
/// (every piece of the header then appears once).
pub(super) fn normalized_header_with(
    header: &[HeaderTok],
    verticals: &[(f64, f64, f64)],
    keep_pieces: bool,
) -> Vec<HeaderTok> {
    let mut out: Vec<HeaderTok> = Vec::with_capacity(header.len());
    let mut lines: Vec<usize> = header.iter().map(|h| h.line).collect();
    lines.dedup();
    for line in lines {
        let mut toks: Vec<&HeaderTok> = header.iter().filter(|h| h.line == line).collect();
        if column_number_line(&toks) {
            continue;
        }
        let y = toks.first().map_or(0.0, |h| h.y);
        toks.sort_by(|a, b| a.tok.x0.total_cmp(&b.tok.x0));
        let mut norm: Vec<PTok> = toks
            .iter()
            .map(|h| PTok {
                text: normalize_label(&h.tok.text),
                x0: h.tok.x0,
                x1: h.tok.x1,
                glyphs: Vec::new(),
            })
            .filter(|t| !t.text.is_empty())
            .collect();
        // Runs of single characters close together, with no ruling between them.
        let mut k = 0;
        while k < norm.len() {
            let mut j = k;
            while j + 1 < norm.len() {
                let (a, b) = (&norm[j], &norm[j + 1]);
                let single = a.text.chars().count() == 1 && b.text.chars().count() == 1;
                let width = (a.x1 - a.x0).max(b.x1 - b.x0);
                if single
                    && b.x0 - a.x1 <= LETTER_GAP * width
                    && !ruled_between(verticals, a.x1, b.x0)
                {
                    j += 1;
                } else {
                    break;
                }
            }
            if j > k {
                out.push(HeaderTok {
                    line,
                    y,
                    tok: PTok {
                        text: norm[k..=j].iter().map(|t| t.text.as_str()).collect(),
                        x0: norm[k].x0,
                        x1: norm[j].x1,
                        glyphs: Vec::new(),
                    },
                });
                if !keep_pieces {
                    norm[k..=j].iter_mut().for_each(|t| t.text.clear());
                }
            }
            k = j + 1;
        }
        out.extend(
            norm.into_iter()
                .filter(|t| !t.text.is_empty())
                .map(|tok| HeaderTok { line, y, tok }),
        );
    }
    out
}

/// x of the vertical rulings crossing the body's y range, sorted, near-repeats dropped.
pub(super) fn body_rulings(verticals: &[(f64, f64, f64)], y_range: (f64, f64)) -> Vec<f64> {
    let mut xs: Vec<f64> = verticals
        .iter()
        .filter(|(_, y0, y1)| *y0 <= y_range.1 && *y1 >= y_range.0)
        .map(|v| v.0)
        .collect();
    xs.sort_by(|a, b| a.total_cmp(b));
    xs.dedup_by(|a, b| (*a - *b).abs() < 2.0);
    xs
}

/// The code zone: the 类/款/项 header labels' extents, when at least two are printed.
pub(super) fn code_zone(header: &[HeaderTok]) -> Option<Vec<(f64, f64)>> {
    let zones: Vec<(f64, f64)> = ["类", "款", "项"]
        .iter()
        .filter_map(|l| {
            header
                .iter()
                .find(|h| squash(&h.tok.text) == *l)
                .map(|h| (h.tok.x0, h.tok.x1))
        })
        .collect();
    (zones.len() >= 2).then_some(zones)
}

/// Centre of the rightmost name label (…名称, 项目) left of `first` (the first amount column).
pub(super) fn name_center(header: &[HeaderTok], first: f64) -> Option<f64> {
    header
        .iter()
        .filter(|h| {
            let t = squash(&h.tok.text);
            (t.contains("名称") || t == "项目") && h.tok.center() < first
        })
        .map(|h| h.tok.center())
        .fold(None, |m: Option<f64>, c| Some(m.map_or(c, |m| m.max(c))))
}

pub(super) fn geometry(
    g: &Grammar,
    header: &[HeaderTok],
    verticals: &[(f64, f64, f64)],
    y_range: (f64, f64),
) -> Result<ColumnGeometry, String> {
    let mut centers: Vec<f64> = Vec::with_capacity(g.columns.len());
    let mut after = f64::MIN;
    let mut missing = Vec::new();
    let normalized = normalized_header(header, verticals);
    // Two-sided tables tell sections apart by the order of their columns; other tables may
    // print their columns in another order than the grammar lists them (三公: 公务接待费
    // before or after 公务用车…), found anywhere not yet taken.
    let any_order = g.layout != Layout::TwoSided;
    let mut printed_leaves = Vec::with_capacity(g.columns.len());
    for c in &g.columns {
        let variants = g.vocabulary.variants(leaf(&c.label));
        let found = locate_variant(&variants, &normalized, after, &centers).or_else(|| {
            any_order
                .then(|| locate_variant(&variants, &normalized, f64::MIN, &centers))
                .flatten()
        });
        printed_leaves.push(
            found
                .filter(|&(_, _, k)| k > 0)
                .and_then(|(_, _, k)| variants.get(k).cloned()),
        );
        match found {
            Some((x0, x1, _)) => {
                let center = (x0 + x1) / 2.0;
                centers.push(center);
                after = after.max(center);
            }
            None => {
                // Kept in place so that columns stay numbered as the grammar lists them.
                centers.push(f64::NAN);
                missing.push(leaf(&c.label).to_string());
            }
        }
    }
    let mut text_centers = Vec::with_capacity(g.text_columns.len());
    let mut after = f64::MIN;
    for c in &g.text_columns {
        let variants = g.vocabulary.variants(leaf(&c.label));
        match locate_column(&variants, &normalized, after, &[]) {
            Some((x0, x1)) => {
                after = (x0 + x1) / 2.0;
                text_centers.push(after);
            }
            None => missing.push(leaf(&c.label).to_string()),
        }
    }
    let xs = body_rulings(verticals, y_range);
    // Amount columns a document does not print (a 收入总表 without 财政专户管理资金): allowed
    // only where ruled cells can prove it, once the body is seen ([`ColumnGeometry::check_unprinted`]).
    let unprinted: Vec<String> = g
        .columns
        .iter()
        .zip(&centers)
        .filter(|(_, c)| c.is_nan())
        .map(|(c, _)| leaf(&c.label).to_string())
        .collect();
    let may_omit = matches!(g.layout, Layout::Coded | Layout::SingleRow)
        && xs.len() >= 2
        && missing.len() == unprinted.len()
        && centers.iter().filter(|c| c.is_finite()).count() >= MIN_PRINTED_COLUMNS;
    if !missing.is_empty() && !may_omit {
        let text: String = header.iter().map(|h| h.tok.text.as_str()).collect();
        return Err(format!(
            "header labels not found: {missing:?} (header reads {text:?})"
        ));
    }
    let code_zone = code_zone(header);
    // The first amount column is the leftmost one, whatever the grammar's order.
    let first = centers.iter().copied().reduce(f64::min).unwrap_or(0.0);
    let name_end = match name_center(header, first) {
        Some(n) => (n + first) / 2.0,
        None => first - 40.0,
    };
    Ok(ColumnGeometry {
        centers,
        cells: xs,
        code_zone,
        name_end: if matches!(g.layout, Layout::TwoSided | Layout::SingleRow) {
            f64::MIN
        } else {
            name_end
        },
        text_centers,
        unprinted,
        printed_leaves,
    })
}

/// Header tokens for the layout stage's tests.
#[cfg(test)]
pub(super) mod test_support {
    use super::{HeaderTok, PTok};

    /// A header token: `line` (top to bottom), text and x extent.
    pub(in crate::layout) fn h(line: usize, text: &str, x0: f64, x1: f64) -> HeaderTok {
        HeaderTok {
            line,
            y: 500.0 - 12.0 * line as f64,
            tok: PTok::at(text, x0, x1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::test_support::h;

    fn find(label: &str, header: &[HeaderTok]) -> Option<(f64, f64)> {
        let n = normalized_header(header, &[]);
        locate(&normalize_label(label), &n, f64::MIN, &[]).map(|(_, a, b)| (a, b))
    }

    #[test]
    fn a_number_in_a_text_columns_ruled_cell_is_not_an_amount() {
        // Guangzhou 项目支出绩效目标表: 总计 … 其他资金 then the 绩效目标 and 绩效指标 cells;
        // "PM2.5" in a 绩效指标 cell prints its "2.5" apart (a subscript). Rulings and label
        // centres from page 17 of 2026年广州市生态环境局部门预算.pdf (`inspect --page 17`).
        let geo = ColumnGeometry {
            centers: vec![189.0, 241.0, 301.0, 360.0],
            cells: vec![54.0, 167.3, 210.6, 270.4, 330.1, 389.9, 574.9, 781.1],
            code_zone: None,
            name_end: 150.0,
            text_centers: vec![110.0, 480.0, 678.0],
            unprinted: Vec::new(),
            printed_leaves: Vec::new(),
        };
        assert_eq!(geo.column_at(598.0, 605.0), None);
        assert_eq!(geo.column_at(345.0, 375.0), Some(3));
        assert_eq!(geo.column_at(175.0, 205.0), Some(0));
        // Without text columns, a stray number still goes to the nearest column.
        let bare = ColumnGeometry {
            text_centers: Vec::new(),
            ..geo
        };
        assert_eq!(bare.column_at(598.0, 605.0), Some(3));
    }

    #[test]
    fn a_label_stacked_in_a_narrow_cell_skips_the_lines_of_other_cells() {
        // Jiangsu 2019 三公: "因公出" … "国（境）" … "费", four lines of neighbouring cells
        // printed between the last two pieces.
        let header = [
            h(1, "因公出", 193.0, 223.0),
            h(2, "合计", 82.0, 102.0),
            h(3, "公务接", 416.0, 446.0),
            h(4, "国（境）", 188.0, 228.0),
            h(5, "公务用车购", 289.0, 339.0),
            h(6, "待费", 421.0, 441.0),
            h(7, "小计", 247.0, 268.0),
            h(8, "费", 203.0, 213.0),
        ];
        assert_eq!(find("因公出国(境)费", &header), Some((188.0, 228.0)));
        assert_eq!(find("公务接待费", &header), Some((416.0, 446.0)));
    }

    #[test]
    fn a_label_wrapped_after_its_first_character_joins_left_aligned_pieces() {
        // "基" over "本支出", both starting at the cell's left edge.
        let header = [h(1, "基", 352.0, 362.0), h(2, "本支出", 352.0, 382.0)];
        assert_eq!(find("基本支出", &header), Some((352.0, 382.0)));
        // One character per line.
        let header: Vec<HeaderTok> = "公务接待费"
            .chars()
            .enumerate()
            .map(|(i, c)| h(i + 1, &c.to_string(), 100.0, 110.0))
            .collect();
        assert_eq!(find("公务接待费", &header), Some((100.0, 110.0)));
    }

    #[test]
    fn a_stack_takes_only_the_pieces_that_continue_the_label() {
        // A spanning label above ("公务用车购置及运行费") is not a piece of 购置费's cell.
        let header = [
            h(1, "公务用车", 300.0, 340.0),
            h(2, "合计", 305.0, 325.0),
            h(3, "购置费", 300.0, 330.0),
        ];
        assert_eq!(find("公务用车购置费", &header), Some((300.0, 340.0)));
        // Pieces of another column's cell are never joined.
        let header = [h(1, "公务用车", 300.0, 340.0), h(2, "购置费", 400.0, 430.0)];
        assert_eq!(find("公务用车购置费", &header), None);
    }

    #[test]
    fn letter_spaced_characters_join_unless_a_ruling_separates_them() {
        let header = [h(1, "金", 442.0, 452.0), h(1, "额", 467.0, 477.0)];
        assert_eq!(find("金额", &header), Some((442.0, 477.0)));
        let n = normalized_header(&header, &[(460.0, 0.0, 600.0)]);
        assert!(n.iter().all(|t| t.tok.text != "金额"));
        // Far apart: two cells.
        let header = [h(1, "类", 40.0, 50.0), h(1, "款", 90.0, 100.0)];
        assert_eq!(find("类款", &header), None);
    }

    #[test]
    fn column_number_rows_are_not_labels() {
        let header = [
            h(1, "合计", 100.0, 120.0),
            h(2, "1", 108.0, 112.0),
            h(2, "2", 158.0, 162.0),
            h(3, "栏次", 20.0, 40.0),
            h(3, "**", 60.0, 70.0),
        ];
        let n = normalized_header(&header, &[]);
        let texts: Vec<&str> = n.iter().map(|t| t.tok.text.as_str()).collect();
        assert_eq!(texts, ["合计"]);
    }

    #[test]
    fn synonyms_rank_after_the_printed_label() {
        let v = crate::vocabulary::Vocabulary::national();
        // 公务用车运行维护费 is found for the grammar's 公务用车运行费 …
        let header = normalized_header(&[h(1, "公务用车运行维护费", 200.0, 290.0)], &[]);
        let variants = v.variants("公务用车运行费");
        assert_eq!(
            locate_column(&variants, &header, f64::MIN, &[]),
            Some((200.0, 290.0))
        );
        // … but where 合计 is printed, 合计 wins over its synonym 小计 printed left of it.
        let header = normalized_header(
            &[h(1, "小计", 100.0, 120.0), h(1, "合计", 200.0, 220.0)],
            &[],
        );
        assert_eq!(
            locate_column(&v.variants("合计"), &header, f64::MIN, &[]),
            Some((200.0, 220.0))
        );
    }
}
