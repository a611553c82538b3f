//! Continuation pages laid out on a grid of their own.
//!
//! A PDF prints a table's columns at the same x on every page. A layout text dump does not:
//! `pdftotext -layout` maps each page's x positions to character columns page by page, so
//! the amounts of page 2 may sit several columns left of page 1's, under no header label.
//! In a layout dump's table (no rulings), a continuation page's amounts are moved onto the first
//! page's columns, matched by their right edges (amounts are right-aligned): in order when
//! the page prints as many columns, else by the shift that puts all of them nearest to
//! some of the first page's.

use super::pages::PTok;
use crate::token::{classify, TokenKind};

/// Right edges closer than this (points) are one column: a layout dump rounds each edge to
/// a character cell (4.5 points), so the amounts of one column end a cell or two apart.
const EDGE_SLACK: f64 = 10.0;
/// Edges differing by less than this need no moving.
const SAME_EDGE: f64 = 1.5;

/// Moves continuation pages' amounts onto the first page's columns (see the module doc).
pub(super) fn align_continuation_pages(body: &mut [(u32, f64, Vec<PTok>)]) {
    let Some(first_page) = body.first().map(|l| l.0) else {
        return;
    };
    let Some(reference) = edges(body.iter().filter(|l| l.0 == first_page)) else {
        return;
    };
    let mut pages: Vec<u32> = body
        .iter()
        .map(|l| l.0)
        .filter(|&p| p != first_page)
        .collect();
    pages.dedup();
    for page in pages {
        let Some(here) = edges(body.iter().filter(|l| l.0 == page)) else {
            continue;
        };
        let Some(target) = matching(&here, &reference) else {
            continue;
        };
        if here
            .iter()
            .zip(&target)
            .all(|(a, b)| (a - b).abs() < SAME_EDGE)
        {
            continue;
        }
        for (_, _, toks) in body.iter_mut().filter(|l| l.0 == page) {
            // What lies right of the page's first amount column moves with the columns, on a
            // line without amounts too: the labels of a two-sided table's right side.
            let start = first_amount(toks)
                .into_iter()
                .chain(toks.iter().position(|t| t.x0 > here[0]))
                .min();
            let Some(start) = start else {
                continue;
            };
            for t in &mut toks[start..] {
                let Some(k) = column_of(t, &here) else {
                    continue;
                };
                let shift = target[k] - here[k];
                t.x0 += shift;
                t.x1 += shift;
                for g in &mut t.glyphs {
                    g.1 += shift;
                    g.2 += shift;
                }
            }
        }
    }
}

/// The first page's column edge for each of a continuation page's (`here`, left to right):
/// in order, one to one, when the page prints as many columns; when it prints fewer (a
/// column empty on that page), the run of the first page's columns that a shift of the
/// whole page puts them nearest to, each within [`SHIFTED_EDGE`], else the [`scaled`] fit
/// that keeps its first column on the first page's. `None` when none fits.
fn matching(here: &[f64], reference: &[f64]) -> Option<Vec<f64>> {
    if !here.windows(2).all(|w| w[0] < w[1]) {
        return None;
    }
    if here.len() == reference.len() {
        return Some(reference.to_vec());
    }
    // One column gives no evidence of which of the first page's it is.
    if here.len() > reference.len() || here.len() < 2 {
        return None;
    }
    // The shift that puts the page's first column on each of the first page's in turn.
    let best = (0..reference.len())
        .filter_map(|j| place(here, reference, j, |x| x + reference[j] - here[0]))
        .min_by(|a, b| a.0.total_cmp(&b.0));
    // No shift fits (the page's grid is scaled as well): its first column is the first page's
    // first (a table's 合计, printed on every row), and one scale maps the others onto first-
    // page columns in order, skipping those the page leaves empty (a 日常公用支出 no row of
    // the page spends); the fit nearest overall.
    best.map(|(_, t)| t).or_else(|| scaled(here, reference))
}

/// [`matching`] for a page whose grid is scaled: `here[0]` on `reference[0]`, and for each
/// first-page column the page's last one may be, the scale that puts it there, the others
/// each on the nearest later first-page column within [`SHIFTED_EDGE`].
fn scaled(here: &[f64], reference: &[f64]) -> Option<Vec<f64>> {
    let last = here.len() - 1;
    let span = here[last] - here[0];
    if span <= 0.0 {
        return None;
    }
    (last..reference.len())
        .filter_map(|k| {
            let scale = (reference[k] - reference[0]) / span;
            (0.5..2.0)
                .contains(&scale)
                .then(|| place(here, reference, 0, |x| reference[0] + (x - here[0]) * scale))?
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, t)| t)
}

/// Places the page's columns (`here`), moved by `moved`, each on the nearest first-page column
/// after the previous one's, from `reference[from]` on: the total distance and the columns,
/// or `None` when one lands farther than [`SHIFTED_EDGE`] from any.
fn place(
    here: &[f64],
    reference: &[f64],
    from: usize,
    moved: impl Fn(f64) -> f64,
) -> Option<(f64, Vec<f64>)> {
    let mut target = Vec::with_capacity(here.len());
    let mut cost = 0.0;
    let mut from = from;
    for &x in here {
        let m = moved(x);
        let k = (from..reference.len()).min_by(|&a, &b| {
            (reference[a] - m)
                .abs()
                .total_cmp(&(reference[b] - m).abs())
        })?;
        let off = (reference[k] - m).abs();
        if off > SHIFTED_EDGE {
            return None;
        }
        cost += off;
        target.push(reference[k]);
        from = k + 1;
    }
    Some((cost, target))
}

/// The column of `here` (right edges, left to right) a token moves with: an amount's is the
/// nearest edge; a text's the first column ending right of it (the amount column whose label
/// it is, in a two-sided table), else the nearest.
fn column_of(t: &PTok, here: &[f64]) -> Option<usize> {
    let nearest = || {
        (0..here.len()).min_by(|&i, &j| (here[i] - t.x1).abs().total_cmp(&(here[j] - t.x1).abs()))
    };
    if classify(&t.text) == TokenKind::Number {
        return nearest();
    }
    here.iter()
        .position(|&e| e >= t.x1 - EDGE_SLACK)
        .or_else(nearest)
}

/// How far a shifted column edge may be from the first page's edge it is matched with.
const SHIFTED_EDGE: f64 = 2.0 * EDGE_SLACK;

/// Index of a line's first amount (a number with a decimal point or a thousands separator).
fn first_amount(toks: &[PTok]) -> Option<usize> {
    toks.iter()
        .position(|t| crate::token::is_marked_amount(&t.text))
}

/// The amount columns of some lines by right edge, left to right: right edges of the numbers
/// from each line's first amount on, clustered; a column must be printed on two lines or a
/// tenth of them (on one, where only one or two lines have amounts). `None` without amounts.
fn edges<'a>(lines: impl Iterator<Item = &'a (u32, f64, Vec<PTok>)>) -> Option<Vec<f64>> {
    let mut xs: Vec<f64> = Vec::new();
    let mut n_lines = 0usize;
    for (_, _, toks) in lines {
        let Some(start) = first_amount(toks) else {
            continue;
        };
        n_lines += 1;
        xs.extend(
            toks[start..]
                .iter()
                .filter(|t| classify(&t.text) == TokenKind::Number)
                .map(|t| t.x1),
        );
    }
    xs.sort_by(f64::total_cmp);
    let mut clusters: Vec<(f64, usize)> = Vec::new();
    for x in xs {
        match clusters.last_mut() {
            Some((right, n)) if x - *right <= EDGE_SLACK => {
                *right = x;
                *n += 1;
            }
            _ => clusters.push((x, 1)),
        }
    }
    // A page holding one or two lines of the table (its 合计 row run onto a page of its
    // own) counts every column it prints.
    let min = if n_lines <= 2 { 1 } else { 2.max(n_lines / 10) };
    let out: Vec<f64> = clusters
        .into_iter()
        .filter(|&(_, n)| n >= min)
        .map(|(x, _)| x)
        .collect();
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(page: u32, y: f64, cells: &[(&str, f64, f64)]) -> (u32, f64, Vec<PTok>) {
        (
            page,
            y,
            cells.iter().map(|&(t, a, b)| PTok::at(t, a, b)).collect(),
        )
    }

    #[test]
    fn a_continuation_page_on_its_own_grid_is_moved_onto_the_first_pages_columns() {
        // Page 1: 合计 ends at 225, 基本支出 at 274, 项目支出 at 333; page 2 (pdftotext's grid
        // of that page): 180, 238, 292.
        let mut body = vec![
            line(
                16,
                700.0,
                &[
                    ("201", 0.0, 14.0),
                    ("一般公共服务支出", 72.0, 144.0),
                    ("2,932,700", 184.0, 225.0),
                    ("0", 270.0, 274.0),
                    ("2,932,700", 292.0, 333.0),
                ],
            ),
            line(
                16,
                676.0,
                &[
                    ("201", 0.0, 14.0),
                    ("统计信息事务", 72.0, 126.0),
                    ("257,700", 189.0, 225.0),
                    ("0", 270.0, 274.0),
                    ("257,700", 297.0, 333.0),
                ],
            ),
            line(
                17,
                700.0,
                &[
                    ("208", 0.0, 14.0),
                    ("社会保障和就业支出", 72.0, 153.0),
                    ("19,604,064", 135.0, 180.0),
                    ("13,368,164", 194.0, 238.0),
                    ("6,235,900", 252.0, 292.0),
                ],
            ),
            line(
                17,
                676.0,
                &[
                    ("208", 0.0, 14.0),
                    ("行政事业单位养老支出", 72.0, 162.0),
                    ("7,234,970", 135.0, 180.0),
                    ("7,234,970", 198.0, 238.0),
                    ("0", 288.0, 292.0),
                ],
            ),
        ];
        align_continuation_pages(&mut body);
        let right: Vec<f64> = body[2].2.iter().map(|t| t.x1).collect();
        assert_eq!(right, [14.0, 153.0, 225.0, 274.0, 333.0]);
        // The first page and the codes and names are left alone.
        assert_eq!(body[0].2[2].x1, 225.0);
        assert_eq!(body[3].2[4].x1, 333.0);
    }

    /// Guangzhou's 收支总体情况表 as pdftotext -layout lays it out (regression): page 6 is on a
    /// grid of its own, and most of its lines print the 支出 side only. Its labels move with
    /// the 支出 amounts (or they fall right of every located column and lose their side).
    #[test]
    fn a_continuation_pages_right_side_labels_move_with_their_columns() {
        let mut body = vec![
            line(
                5,
                704.0,
                &[
                    ("一、预算拨款", 0.0, 54.0),
                    ("3,944.08", 112.0, 148.0),
                    ("一、一般公共服务支出", 153.0, 243.0),
                    ("2,570.71", 266.0, 302.0),
                ],
            ),
            line(
                5,
                692.0,
                &[
                    ("二、财政专户拨款", 0.0, 72.0),
                    ("0.00", 122.0, 140.0),
                    ("二、外交支出", 144.0, 198.0),
                    ("0.00", 284.0, 302.0),
                ],
            ),
            line(
                6,
                776.0,
                &[("二十三、其他支出", 216.0, 288.0), ("0.00", 351.0, 369.0)],
            ),
            line(
                6,
                704.0,
                &[
                    ("本年收入合计", 27.0, 81.0),
                    ("3,944.08", 166.0, 202.0),
                    ("本年支出合计", 238.0, 292.0),
                    ("3,944.08", 333.0, 369.0),
                ],
            ),
            line(
                6,
                692.0,
                &[
                    ("上年结转结余", 0.0, 54.0),
                    ("0.00", 184.0, 202.0),
                    ("结转结余下年", 207.0, 261.0),
                    ("0.00", 351.0, 369.0),
                ],
            ),
        ];
        align_continuation_pages(&mut body);
        // 支出 moves by 302 - 369 = -67, 收入 by 148 - 202 = -54.
        let x: Vec<(f64, f64)> = body[2].2.iter().map(|t| (t.x0, t.x1)).collect();
        assert_eq!(x, [(149.0, 221.0), (284.0, 302.0)]);
        let x: Vec<(f64, f64)> = body[4].2.iter().map(|t| (t.x0, t.x1)).collect();
        assert_eq!(
            x,
            [(0.0, 54.0), (130.0, 148.0), (140.0, 194.0), (284.0, 302.0)]
        );
    }

    #[test]
    fn a_page_printing_fewer_columns_is_shifted_onto_the_ones_it_prints() {
        // Page 1: 140, 176, 220; page 2 prints the first two only, 23 points left.
        let mut body = vec![
            line(
                8,
                700.0,
                &[
                    ("201", 0.0, 14.0),
                    ("264.87", 112.0, 140.0),
                    ("62.63", 153.0, 176.0),
                    ("202.24", 194.0, 220.0),
                ],
            ),
            line(
                8,
                676.0,
                &[
                    ("208", 0.0, 14.0),
                    ("10.82", 112.0, 135.0),
                    ("10.82", 153.0, 176.0),
                ],
            ),
            line(
                8,
                652.0,
                &[
                    ("2013999", 0.0, 32.0),
                    ("202.24", 112.0, 140.0),
                    ("202.24", 194.0, 220.0),
                ],
            ),
            line(
                9,
                700.0,
                &[
                    ("2101101", 0.0, 32.0),
                    ("2.22", 94.0, 112.0),
                    ("2.22", 130.0, 148.0),
                ],
            ),
            line(
                9,
                676.0,
                &[
                    ("221", 0.0, 14.0),
                    ("29.42", 94.0, 117.0),
                    ("29.42", 130.0, 153.0),
                ],
            ),
        ];
        align_continuation_pages(&mut body);
        assert_eq!(body[4].2[1].x1, 140.0);
        assert_eq!(body[4].2[2].x1, 176.0);
    }

    #[test]
    fn a_page_on_a_scaled_grid_printing_fewer_columns_takes_the_leftmost() {
        // Page 8: 184, 243, 392; page 9 (a narrower grid) prints 合计 and 财政拨款 only.
        let mut body = vec![
            line(
                8,
                700.0,
                &[
                    ("201", 0.0, 14.0),
                    ("2,112.86", 148.0, 184.0),
                    ("2,106.66", 207.0, 243.0),
                    ("6.20", 374.0, 392.0),
                ],
            ),
            line(
                8,
                676.0,
                &[
                    ("205", 0.0, 14.0),
                    ("2,946.25", 148.0, 184.0),
                    ("2,940.05", 202.0, 243.0),
                    ("6.20", 374.0, 392.0),
                ],
            ),
            line(
                9,
                700.0,
                &[
                    ("221", 0.0, 14.0),
                    ("445.69", 112.0, 140.0),
                    ("445.69", 153.0, 180.0),
                ],
            ),
            line(
                9,
                676.0,
                &[
                    ("210", 0.0, 14.0),
                    ("60.99", 117.0, 140.0),
                    ("60.99", 158.0, 180.0),
                ],
            ),
        ];
        align_continuation_pages(&mut body);
        assert_eq!((body[2].2[1].x1, body[2].2[2].x1), (184.0, 243.0));
    }

    #[test]
    fn a_total_row_alone_on_its_page_is_moved_too() {
        // Wanli's 收入预算总表 ends with its 合计 row alone on a page of its own grid.
        let mut body = vec![
            line(
                11,
                700.0,
                &[
                    ("201", 0.0, 14.0),
                    ("2,932,700", 171.0, 212.0),
                    ("2,932,700", 230.0, 270.0),
                    ("0", 315.0, 320.0),
                ],
            ),
            line(
                11,
                676.0,
                &[
                    ("201", 0.0, 14.0),
                    ("257,700", 180.0, 212.0),
                    ("257,700", 238.0, 270.0),
                    ("0", 315.0, 320.0),
                ],
            ),
            line(
                15,
                700.0,
                &[
                    ("合计", 0.0, 18.0),
                    ("156,211,123", 22.0, 72.0),
                    ("156,211,123", 86.0, 135.0),
                    ("0", 148.0, 153.0),
                ],
            ),
        ];
        align_continuation_pages(&mut body);
        let right: Vec<f64> = body[2].2.iter().map(|t| t.x1).collect();
        assert_eq!(right, [18.0, 212.0, 270.0, 320.0]);
    }

    #[test]
    fn a_scaled_page_skips_the_first_pages_columns_it_leaves_empty() {
        // A continuation page whose grid pdftotext packed tighter, printing 合计, 人员支出 and
        // 项目支出 but no 日常公用支出: the first column on the first page's first, one scale
        // for the others, the empty column skipped.
        let reference = [100.0, 172.0, 234.0, 297.0];
        assert_eq!(
            scaled(&[100.0, 150.0, 230.0], &reference),
            Some(vec![100.0, 172.0, 297.0])
        );
        // The first two columns, at the same scale.
        assert_eq!(scaled(&[60.0, 108.0], &reference), Some(vec![100.0, 172.0]));
        // No single scale puts the columns near the first page's: left alone.
        assert_eq!(scaled(&[100.0, 101.0, 400.0], &reference), None);
    }

    #[test]
    fn a_page_printing_one_column_of_several_is_left_alone() {
        let mut body = vec![
            line(
                1,
                700.0,
                &[
                    ("a", 0.0, 10.0),
                    ("1.00", 100.0, 120.0),
                    ("2.00", 200.0, 220.0),
                ],
            ),
            line(
                1,
                680.0,
                &[
                    ("b", 0.0, 10.0),
                    ("1.00", 100.0, 120.0),
                    ("2.00", 200.0, 220.0),
                ],
            ),
            line(2, 700.0, &[("c", 0.0, 10.0), ("3.00", 150.0, 170.0)]),
            line(2, 680.0, &[("d", 0.0, 10.0), ("3.00", 150.0, 170.0)]),
        ];
        align_continuation_pages(&mut body);
        assert_eq!(body[2].2[1].x1, 170.0);
    }
}
