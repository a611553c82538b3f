//! Row building: body lines into printed rows with column hints — lines in one ruled band
//! joined, wrapped text attached to its row, split 类/款/项 codes folded into one code, group
//! cells of label-keyed tables spread over the rows they span.

use super::header::ColumnGeometry;
use super::pages::{is_number, PTok, PageLayout};
use crate::assemble::RawLine;
use crate::grammar::{Grammar, Layout};
use crate::token::{Token, TokenKind};

/// Group cells of a label-keyed table: a text cell whose ruled cell (rulings across its own
/// x range) holds lines with text right of it labels those lines ("一般公共预算资金" beside
/// 小计 / 公共财政拨款(补助)资金 / 专项收入). Removes such cells from their line and returns,
/// per line, the group labels it falls under.
pub(super) fn group_cells(
    body: &mut [(u32, f64, Vec<PTok>)],
    pages: &[PageLayout],
) -> Vec<Vec<String>> {
    let mut out = vec![Vec::new(); body.len()];
    let mut remove: Vec<(usize, usize)> = Vec::new();
    for i in 0..body.len() {
        let (page, y) = (body[i].0, body[i].1);
        let rulings = pages
            .iter()
            .find(|p| p.page == page)
            .map_or(&[][..], |p| p.horizontals.as_slice());
        for (k, t) in body[i].2.iter().enumerate() {
            if is_number(&t.text) {
                continue;
            }
            let local = rulings
                .iter()
                .filter(|r| r.1 < t.x1 - 1.0 && r.2 > t.x0 + 1.0 && r.2 - r.1 >= 5.0);
            let upper = local
                .clone()
                .map(|r| r.0)
                .filter(|&ry| ry > y + 0.1)
                .fold(f64::MAX, f64::min);
            let lower = local
                .map(|r| r.0)
                .filter(|&ry| ry < y - 0.1)
                .fold(f64::MIN, f64::max);
            if upper == f64::MAX || lower == f64::MIN {
                continue;
            }
            let labelled: Vec<usize> = (0..body.len())
                .filter(|&j| {
                    body[j].0 == page
                        && body[j].1 > lower
                        && body[j].1 < upper
                        && body[j]
                            .2
                            .iter()
                            .any(|u| !is_number(&u.text) && u.x0 > t.x1 + 2.0)
                })
                .collect();
            if labelled.is_empty() {
                continue;
            }
            for j in labelled {
                out[j].push(t.text.clone());
            }
            remove.push((i, k));
        }
    }
    for (i, k) in remove.into_iter().rev() {
        body[i].2.remove(k);
    }
    out
}

pub(super) use crate::token::wrapped_amount_tail;

/// Joins a line's tokens into the row of its band: the code first, text in reading order,
/// amounts after; the tail of an amount wrapped in its cell joined to it.
fn merge_band_line(row: &mut Vec<Token>, tokens: Vec<Token>) {
    for t in tokens {
        if t.kind == TokenKind::Number && t.column.is_some() {
            if let Some(head) = row
                .iter_mut()
                .find(|x| x.kind == TokenKind::Number && x.column == t.column)
            {
                if wrapped_amount_tail(&head.text, &t.text) {
                    head.text.push_str(&t.text);
                    continue;
                }
            }
        }
        let is_code = t.kind == TokenKind::Number
            && t.column.is_none()
            && t.text.bytes().all(|b| b.is_ascii_digit());
        let row_has_code = row
            .first()
            .is_some_and(|f| f.kind == TokenKind::Number && f.column.is_none());
        if is_code && row_has_code {
            // 款 printed on the line below its 类 in the same band: one code.
            row[0].text.push_str(&t.text);
        } else if is_code {
            row.insert(0, t);
        } else if t.kind == TokenKind::Text {
            let at = row
                .iter()
                .position(|x| x.kind == TokenKind::Number && x.column.is_some())
                .unwrap_or(row.len());
            let at = row[..at]
                .iter()
                .rposition(|x| x.kind == TokenKind::Text)
                .map_or(at, |p| p + 1)
                .min(at);
            let at = at
                .max(usize::from(row.first().is_some_and(|f| {
                    f.kind == TokenKind::Number && f.column.is_none()
                })));
            row.insert(at, t);
        } else {
            row.push(t);
        }
    }
}

/// The ruled band of each body line (rulings crossing the first amount column), when the
/// rulings separate rows: no band may hold two amounts for one column.
pub(super) fn row_bands(
    pages: &[PageLayout],
    body: &[(u32, f64, Vec<PTok>)],
    geo: &ColumnGeometry,
) -> Option<Vec<usize>> {
    let x = geo.centers.iter().copied().find(|c| c.is_finite())?;
    let mut bands = Vec::with_capacity(body.len());
    let mut seen: std::collections::HashMap<(u32, usize), Vec<(usize, String)>> =
        Default::default();
    for (page, y, toks) in body {
        let p = pages.iter().find(|p| p.page == *page)?;
        let mut ys: Vec<f64> = p
            .horizontals
            .iter()
            .filter(|(_, x0, x1)| *x0 <= x && *x1 >= x)
            .map(|h| h.0)
            .collect();
        if ys.len() < 3 {
            return None;
        }
        ys.sort_by(|a, b| b.total_cmp(a));
        ys.dedup_by(|a, b| (*a - *b).abs() < 1.0);
        let band = ys.iter().filter(|&&r| r > *y).count();
        let key = (*page, band);
        let cols = seen.entry(key).or_default();
        for t in toks {
            if crate::token::classify(&t.text) == TokenKind::Number {
                if let Some(c) = geo.column_at(t.x0, t.x1) {
                    match cols.iter_mut().find(|(k, _)| *k == c) {
                        // The tail of an amount wrapped in its cell is not a second amount.
                        Some((_, head)) if wrapped_amount_tail(head, &t.text) => {
                            head.push_str(&t.text)
                        }
                        Some(_) => return None,
                        None => cols.push((c, t.text.clone())),
                    }
                }
            }
        }
        bands.push(band + (*page as usize) * 10_000);
    }
    Some(bands)
}

/// Width of the code printed in each 类/款/项 column (类 three digits, 款 and 项 two).
const SPLIT_CODE_WIDTHS: [usize; 3] = [3, 2, 2];

/// A code folded from 类/款/项 columns whose first printed piece is not in the 类 column
/// ("01" under 款, the 类 left blank as the row above gives it): the missing leading levels
/// taken from `above`, the code of the last such row. Unchanged when the 类 is printed, when
/// a piece is not the width of its column, or when no code above is long enough.
fn inherit_parent_digits(parts: &[(usize, String)], code: String, above: &str) -> String {
    let Some(&(first_zone, _)) = parts.first() else {
        return code;
    };
    let widths_ok = parts.iter().all(|(z, s)| {
        SPLIT_CODE_WIDTHS
            .get(*z)
            .is_some_and(|&w| s.len() == w || *z > 0 && s.len() == 1)
    });
    if first_zone == 0 || !widths_ok {
        return code;
    }
    // `widths_ok` holds every zone below 3.
    let prefix_len: usize = SPLIT_CODE_WIDTHS[..first_zone].iter().sum();
    match above.get(..prefix_len) {
        Some(prefix) => format!("{prefix}{code}"),
        None => code,
    }
}

/// Groups body lines into printed rows with column hints. A line with amounts or a code is a
/// row; a text-only line is a wrapped cell and joins the nearer row on its page.
pub(super) fn rows(
    body: &[(u32, f64, Vec<PTok>)],
    bands: Option<&[usize]>,
    groups: &[Vec<String>],
    pages: &[PageLayout],
    geo: &ColumnGeometry,
    g: &Grammar,
    percents: &[(f64, f64, usize)],
) -> Vec<RawLine> {
    let mut out: Vec<(u32, f64, Vec<Token>, bool)> = Vec::new();
    let two_sided = g.layout == Layout::TwoSided;
    // Per row of `out`: the code pieces of its lines by 类/款/项 column.
    let mut split_parts: Vec<Vec<(usize, String)>> = Vec::new();
    for (n, (page, y, toks)) in body.iter().enumerate() {
        let line_no = n as u32 + 1;
        let mut tokens = Vec::new();
        let mut has_data = false;
        let mut code_parts: Vec<(usize, String)> = Vec::new();
        // This line's code pieces by 类/款/项 column, when the code is folded from them.
        let mut line_code_parts: Vec<(usize, String)> = Vec::new();
        // Group labels: numbered one past the text columns.
        let group = geo.centers.len() + g.text_columns.len();
        for label in groups.get(n).into_iter().flatten() {
            tokens.push(Token {
                text: label.clone(),
                kind: TokenKind::Text,
                line: line_no,
                page: *page,
                column: Some(group),
                x0: None,
            });
        }
        for t in toks {
            let kind = crate::token::classify(&t.text);
            let col = geo.column_at(t.x0, t.x1);
            if kind == TokenKind::Number && (col.is_some() || two_sided) {
                has_data = true;
                tokens.push(Token {
                    text: t.text.clone(),
                    kind,
                    line: line_no,
                    page: *page,
                    column: col,
                    x0: Some(t.x0),
                });
            } else if kind == TokenKind::Number
                && t.text.bytes().all(|b| b.is_ascii_digit())
                && (tokens.iter().all(|x: &Token| x.kind != TokenKind::Text)
                    || geo.code_zone.as_ref().is_some_and(|z| {
                        z.iter()
                            .any(|(a, b)| t.center() >= a - 12.0 && t.center() <= b + 12.0)
                    }))
            {
                // A code piece; in 类/款/项 columns 款 and 项 are two digits ("2" is printed for 02).
                has_data = true;
                let zone = geo.code_zone.as_ref().and_then(|z| {
                    z.iter()
                        .position(|(a, b)| t.center() >= a - 12.0 && t.center() <= b + 12.0)
                });
                code_parts.push((zone.unwrap_or(code_parts.len()), t.text.clone()));
            } else {
                let column = if two_sided {
                    // A label belongs to the side of the first amount column right of its
                    // ruled cell (a label merged across sections: "支出合计"), else right of it.
                    let verticals = pages
                        .iter()
                        .find(|p| p.page == *page)
                        .map_or(&[][..], |p| p.verticals.as_slice());
                    let edge = cell_right_edge(verticals, t, *y).unwrap_or(t.center());
                    geo.centers.iter().position(|&c| c > edge)
                } else {
                    // Text columns are numbered after the amount columns, then the group,
                    // then the percent columns the grammar does not know.
                    geo.text_column_at(t.x0, t.x1)
                        .map(|j| geo.centers.len() + j)
                        .or_else(|| {
                            percent_column(percents, t, geo.name_end)
                                .map(|k| geo.centers.len() + g.text_columns.len() + 1 + k)
                        })
                };
                tokens.push(Token {
                    text: t.text.clone(),
                    kind: TokenKind::Text,
                    line: line_no,
                    page: *page,
                    column,
                    x0: Some(t.x0),
                });
            }
        }
        if !code_parts.is_empty() {
            let split = geo.code_zone.is_some() && code_parts.len() <= 3;
            let code: String = code_parts
                .iter()
                .map(|(z, s)| {
                    if split && *z > 0 && s.len() == 1 {
                        format!("0{s}")
                    } else {
                        s.clone()
                    }
                })
                .collect();
            if split {
                line_code_parts = code_parts;
            }
            tokens.insert(
                0,
                Token {
                    text: code,
                    kind: TokenKind::Number,
                    line: line_no,
                    page: *page,
                    column: None,
                    x0: None,
                },
            );
        }
        // Lines in one ruled band are one row (cells may be top-aligned at different heights).
        let same_band = match (bands, out.last()) {
            (Some(b), Some(_)) => n > 0 && b[n] == b[n - 1],
            _ => false,
        };
        match out.last_mut() {
            Some(prev) if same_band => {
                merge_band_line(&mut prev.2, tokens);
                prev.3 |= has_data;
                if let Some(parts) = split_parts.last_mut() {
                    parts.extend(line_code_parts);
                }
            }
            _ => {
                out.push((*page, *y, tokens, has_data));
                split_parts.push(line_code_parts);
            }
        }
    }
    // A 款 or 项 printed without its parent's digits takes them from the row above (once a
    // ruled band's lines are one row: its 类 may sit on another line of the band).
    if g.panels <= 1 {
        let mut last_code = String::new();
        for (row, parts) in out.iter_mut().zip(&mut split_parts) {
            let Some(code) = row
                .2
                .first_mut()
                .filter(|t| t.kind == TokenKind::Number && t.column.is_none())
            else {
                continue;
            };
            if !parts.is_empty() {
                parts.sort_by_key(|(z, _)| *z);
                code.text =
                    inherit_parent_digits(parts, std::mem::take(&mut code.text), &last_code);
            }
            last_code = code.text.clone();
        }
    }
    if !two_sided {
        // Text-only lines join the nearer data line on the same page; in label-keyed tables
        // whose rows are ruled, a ruled row without amounts is a row of its own.
        if bands.is_some() && g.row_key == crate::grammar::RowKey::Label {
            for r in out.iter_mut().filter(|r| !r.2.is_empty()) {
                r.3 = true;
            }
        }
        let data: Vec<usize> = (0..out.len()).filter(|&i| out[i].3).collect();
        let mut merged: Vec<(u32, f64, Vec<Token>, bool)> = Vec::new();
        let mut attach: Vec<Vec<(usize, Vec<Token>)>> = vec![Vec::new(); out.len()];
        for i in 0..out.len() {
            if out[i].3 {
                continue;
            }
            let prev = data
                .iter()
                .rev()
                .find(|&&d| d < i && out[d].0 == out[i].0)
                .copied();
            let next = data
                .iter()
                .find(|&&d| d > i && out[d].0 == out[i].0)
                .copied();
            let target = match (prev, next) {
                (Some(p), Some(n)) => {
                    let (dp, dn) = ((out[p].1 - out[i].1).abs(), (out[n].1 - out[i].1).abs());
                    // Halfway between, the line goes to a row printed without a name on its
                    // own line: its name is wrapped around it (a cell centred on the code
                    // line: "国有土地使用权出让收入安排的" / "21208 … 10.00" / "支出").
                    let nameless = |r: usize| !out[r].2.iter().any(|t| t.kind == TokenKind::Text);
                    let to_next = nameless(n) && !nameless(p);
                    if dp < dn || dp == dn && !to_next {
                        p
                    } else {
                        n
                    }
                }
                (Some(p), None) => p,
                (None, Some(n)) => n,
                (None, None) => continue,
            };
            attach[target].push((i, out[i].2.clone()));
        }
        for (i, row) in out.iter().enumerate() {
            if !row.3 {
                continue;
            }
            let mut tokens = row.2.clone();
            // Wrapped name parts go where the name is: before the amounts, in line order.
            let mut before: Vec<Token> = Vec::new();
            let mut after: Vec<Token> = Vec::new();
            for (j, toks) in &attach[i] {
                if *j < i {
                    before.extend(toks.iter().cloned())
                } else {
                    after.extend(toks.iter().cloned())
                }
            }
            let name_end = tokens
                .iter()
                .rposition(|t| t.kind == TokenKind::Text)
                .map_or(
                    tokens
                        .iter()
                        .position(|t| t.column.is_some())
                        .unwrap_or(tokens.len()),
                    |p| p + 1,
                );
            let code_len = usize::from(
                tokens
                    .first()
                    .is_some_and(|t| t.kind == TokenKind::Number && t.column.is_none()),
            );
            let name_start = code_len.min(name_end);
            let mut new = tokens[..name_start].to_vec();
            new.extend(before);
            new.extend(tokens[name_start..name_end].iter().cloned());
            new.extend(after);
            new.extend(tokens.drain(name_end..));
            merged.push((row.0, row.1, new, true));
        }
        out = merged;
    }
    out.into_iter()
        .filter(|r| !r.2.is_empty())
        .map(|(page, _, tokens, _)| RawLine {
            line: tokens[0].line,
            page,
            tokens,
        })
        .collect()
}

/// The percent column (its number among the table's percent labels) a printed percentage
/// right of the row names falls in: the one whose header label (x extent, number) is
/// nearest its centre.
fn percent_column(percents: &[(f64, f64, usize)], t: &PTok, name_end: f64) -> Option<usize> {
    if !crate::token::is_percent(&t.text) || t.center() < name_end {
        return None;
    }
    let x = t.center();
    let dist = |&(a, b, _): &(f64, f64, usize)| ((a + b) / 2.0 - x).abs();
    percents
        .iter()
        .min_by(|p, q| dist(p).total_cmp(&dist(q)))
        .map(|p| p.2)
}

/// The right edge of the ruled cell holding a token on a line at `y`: the nearest vertical
/// ruling right of the token that crosses the line.
fn cell_right_edge(verticals: &[(f64, f64, f64)], t: &PTok, y: f64) -> Option<f64> {
    verticals
        .iter()
        .filter(|v| v.0 >= t.x1 - 1.0 && v.1 <= y && v.2 >= y)
        .map(|v| v.0)
        .reduce(f64::min)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok(text: &str, x0: f64, x1: f64) -> PTok {
        PTok::at(text, x0, x1)
    }

    fn page(horizontals: &[(f64, f64, f64)]) -> PageLayout {
        PageLayout {
            page: 1,
            horizontals: horizontals.to_vec(),
            ..Default::default()
        }
    }

    #[test]
    fn an_amount_wrapped_in_its_cell_is_joined_and_other_numbers_are_not() {
        assert!(wrapped_amount_tail("811,669.9", "7"));
        assert!(wrapped_amount_tail("1682.7", "6"));
        assert!(wrapped_amount_tail("1682.", "76"));
        assert!(wrapped_amount_tail("18,536.8", "8"));
        // Two amounts, a code, a malformed join.
        assert!(!wrapped_amount_tail("12.00", "3.00"));
        assert!(!wrapped_amount_tail("201", "01"));
        assert!(!wrapped_amount_tail("1,234", "5"));
        assert!(!wrapped_amount_tail("9.5", "12345"));
    }

    #[test]
    fn a_kuan_or_xiang_printed_alone_takes_its_parent_digits_from_above() {
        let parts = |p: &[(usize, &str)]| -> Vec<(usize, String)> {
            p.iter().map(|&(z, s)| (z, s.to_string())).collect()
        };
        // "01" under 款 below 201; "01" then "02" under 项 below 20101.
        assert_eq!(
            inherit_parent_digits(&parts(&[(1, "01")]), "01".into(), "201"),
            "20101"
        );
        assert_eq!(
            inherit_parent_digits(&parts(&[(2, "01")]), "01".into(), "20101"),
            "2010101"
        );
        assert_eq!(
            inherit_parent_digits(&parts(&[(2, "02")]), "02".into(), "2010101"),
            "2010102"
        );
        // 类 printed: nothing inherited; a code printed in full is left alone.
        assert_eq!(
            inherit_parent_digits(&parts(&[(0, "201"), (1, "01")]), "20101".into(), "208"),
            "20101"
        );
        assert_eq!(
            inherit_parent_digits(&parts(&[(1, "20101")]), "20101".into(), "201"),
            "20101"
        );
        // Nothing above to inherit from: the piece as printed (assembly then reports it).
        assert_eq!(
            inherit_parent_digits(&parts(&[(1, "01")]), "01".into(), ""),
            "01"
        );
    }

    #[test]
    fn group_cells_label_the_rows_they_span() {
        // 一般公共预算资金 spans 小计 / 公共财政拨款 / 专项收入 (rulings at 451 and 379 in its
        // column, one ruling per row on the right); 收入总计 is a row of its own.
        let mut body = vec![
            (
                1,
                456.0,
                vec![tok("收入总计", 286.0, 354.0), tok("10.00", 643.0, 688.0)],
            ),
            (1, 431.0, vec![tok("小计", 282.0, 316.0)]),
            (
                1,
                408.0,
                vec![
                    tok("一般公共预算资金", 116.0, 252.0),
                    tok("公共财政拨款", 282.0, 469.0),
                ],
            ),
            (1, 383.0, vec![tok("专项收入", 282.0, 350.0)]),
        ];
        let pages = [page(&[
            (475.0, 88.0, 778.0),
            (451.0, 88.0, 778.0),
            (427.0, 279.9, 778.0),
            (403.0, 279.9, 778.0),
            (379.0, 88.0, 778.0),
        ])];
        let g = group_cells(&mut body, &pages);
        assert!(g[0].is_empty());
        for (i, labels) in g.iter().enumerate().skip(1) {
            assert_eq!(labels, &["一般公共预算资金"], "line {i}");
        }
        assert_eq!(body[2].2.len(), 1, "the group cell leaves its line");
    }
}
