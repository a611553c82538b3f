//! Columns from the printed header itself, for a table whose grammar's labels are not all
//! printed the way the grammar lists them (another region's template: 小计 for 合计, an extra
//! 其中 column, a column the grammar does not know, a source the document does not have).
//!
//! Steps:
//! 1. [`printed_columns`]: the amount columns the body holds, from ruled cells where the page
//!    draws them, else from the alignment of the amounts (right edges, then overlap);
//! 2. each column's label path from the header text above it: pieces over one column are its
//!    label (wrapped pieces joined top to bottom, the longest tail the vocabulary knows taken
//!    as the leaf), pieces over several columns are their parents;
//! 3. [`adapt`]: each printed column matched to a grammar column through the vocabulary
//!    (printed label, then synonyms; parents break ties), the grammar's columns the header
//!    does not print left out, and a printed column no grammar column names kept under a
//!    derived id (`printed.<label path>`), never dropped.

use super::header::{body_rulings, code_zone, normalized_header_with, ColumnGeometry, HeaderTok};
use super::pages::PTok;
use crate::grammar::{ColumnDef, Grammar, Layout};
use crate::model::ColumnKind;
use crate::token::TokenKind;
use crate::vocabulary::{normalize_label, Vocabulary};

/// An amount column as printed: its extent on the page and its header label path.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct PrintedColumn {
    /// Left and right edge of the column (ruled cell, or the amounts' span widened to half
    /// the gap to each neighbour).
    pub(super) x0: f64,
    pub(super) x1: f64,
    /// The column's own label, normalised ("基本支出"); empty when nothing is printed above it.
    pub(super) leaf: String,
    /// Labels of the cells above it, top first ("财政拨款收入").
    pub(super) parents: Vec<String>,
    /// Labels printed over every column of the table (a banner: "2026年预算数"), top first:
    /// part of the label path, but no help in telling columns apart.
    pub(super) banners: Vec<String>,
}

impl PrintedColumn {
    pub(super) fn center(&self) -> f64 {
        (self.x0 + self.x1) / 2.0
    }

    /// The label path as printed: banners, parents and leaf joined by "/".
    pub(super) fn path(&self) -> String {
        let mut parts: Vec<&str> = self.banners.iter().map(String::as_str).collect();
        parts.extend(self.parents.iter().map(String::as_str));
        if !self.leaf.is_empty() {
            parts.push(&self.leaf);
        }
        parts.join("/")
    }

    /// The path that tells the column apart (no banners): what a derived id is made of.
    fn distinct_path(&self) -> String {
        let mut parts: Vec<&str> = self.parents.iter().map(String::as_str).collect();
        if !self.leaf.is_empty() {
            parts.push(&self.leaf);
        }
        parts.join("/")
    }
}

/// The vocabulary's concept of a total column (合计/总计/小计).
const TOTAL_CONCEPT: &str = "total";
/// The vocabulary's concept of a lone amount column (金额/预算数).
const AMOUNT_CONCEPT: &str = "amount";

/// Right edges closer than this (points) are one column of right-aligned amounts.
const RIGHT_EDGE_SLACK: f64 = 2.5;
/// Share of a column's width a header piece must cover to count as over that column.
const COVER_SHARE: f64 = 0.5;

/// Whether a body token is an amount: a number with a decimal part or thousands separators,
/// or (in a table that prints whole numbers only) a whole number after the row's name.
fn amount_like(t: &PTok, after_text: bool, whole_numbers: bool) -> bool {
    crate::token::classify(&t.text) == TokenKind::Number
        && (t.text.contains(['.', ',']) || whole_numbers && after_text)
}

/// The amount tokens of each body line (x extents), codes before the name left out.
fn amount_spans(body: &[(u32, f64, Vec<PTok>)]) -> Vec<Vec<(f64, f64)>> {
    let decimals = body
        .iter()
        .flat_map(|(_, _, toks)| toks)
        .any(|t| crate::token::classify(&t.text) == TokenKind::Number && t.text.contains('.'));
    body.iter()
        .map(|(_, _, toks)| {
            let mut after_text = false;
            let mut out = Vec::new();
            for t in toks {
                if amount_like(t, after_text, !decimals) {
                    out.push((t.x0, t.x1));
                } else if crate::token::classify(&t.text) == TokenKind::Text {
                    after_text = true;
                }
            }
            out
        })
        .collect()
}

/// Amount columns of an unruled body: spans grouped by right edge, then groups that overlap
/// merged unless one line has an amount in both (centred or left-aligned columns).
fn aligned_columns(lines: &[Vec<(f64, f64)>]) -> Vec<(f64, f64)> {
    // (x0, x1, lines holding it)
    let mut groups: Vec<(f64, f64, Vec<usize>)> = Vec::new();
    let mut spans: Vec<(usize, f64, f64)> = lines
        .iter()
        .enumerate()
        .flat_map(|(i, l)| l.iter().map(move |&(a, b)| (i, a, b)))
        .collect();
    spans.sort_by(|a, b| a.2.total_cmp(&b.2));
    for (line, a, b) in spans {
        match groups.last_mut() {
            Some(g) if (b - g.1).abs() <= RIGHT_EDGE_SLACK && !g.2.contains(&line) => {
                g.0 = g.0.min(a);
                g.1 = g.1.max(b);
                g.2.push(line);
            }
            _ => groups.push((a, b, vec![line])),
        }
    }
    groups.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut merged: Vec<(f64, f64, Vec<usize>)> = Vec::new();
    for g in groups {
        match merged.last_mut() {
            Some(m) if g.0 < m.1 && !g.2.iter().any(|l| m.2.contains(l)) => {
                m.1 = m.1.max(g.1);
                m.0 = m.0.min(g.0);
                m.2.extend(g.2);
            }
            _ => merged.push(g),
        }
    }
    merged.into_iter().map(|(a, b, _)| (a, b)).collect()
}

/// Extents of unruled columns: each span widened to half the gap to its neighbours (the
/// outer ones by the same half gap on their open side).
fn widen(spans: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let n = spans.len();
    let gap = |k: usize| (spans[k + 1].0 - spans[k].1).max(0.0) / 2.0;
    (0..n)
        .map(|k| {
            let left = if k > 0 {
                gap(k - 1)
            } else if n > 1 {
                gap(0)
            } else {
                10.0
            };
            let right = if k + 1 < n {
                gap(k)
            } else if n > 1 {
                gap(n - 2)
            } else {
                10.0
            };
            (spans[k].0 - left, spans[k].1 + right)
        })
        .collect()
}

/// Ruled cells (between vertical rulings) that hold amounts, left to right.
fn ruled_columns(lines: &[Vec<(f64, f64)>], xs: &[f64]) -> Vec<(f64, f64)> {
    let mut used = vec![false; xs.len().saturating_sub(1)];
    for &(a, b) in lines.iter().flatten() {
        let c = (a + b) / 2.0;
        if let Some(k) = xs.windows(2).position(|w| c >= w[0] && c <= w[1]) {
            used[k] = true;
        }
    }
    xs.windows(2)
        .zip(used)
        .filter(|(_, u)| *u)
        .map(|(w, _)| (w[0], w[1]))
        .collect()
}

/// How far above its baseline a header label's middle sits (points), to find the ruled cell
/// it is printed in.
const BASELINE_TO_MIDDLE: f64 = 3.0;

/// The left and right rulings of the cell a header label is printed in: the nearest vertical
/// rulings crossing its line on either side.
fn ruled_cell(verticals: &[(f64, f64, f64)], h: &HeaderTok) -> Option<(f64, f64)> {
    let y = h.y + BASELINE_TO_MIDDLE;
    let crossing = verticals
        .iter()
        .filter(|v| v.1 - 1.0 <= y && y <= v.2 + 1.0)
        .map(|v| v.0);
    let l = crossing
        .clone()
        .filter(|&x| x <= h.tok.x0 + 1.0)
        .max_by(f64::total_cmp)?;
    let r = crossing
        .filter(|&x| x >= h.tok.x1 - 1.0)
        .min_by(f64::total_cmp)?;
    Some((l, r))
}

/// Where the row names end: the right edge of the text printed before each body line's
/// first amount (codes before the name included), the farthest (`max`) and the typical one
/// (the median over the lines).
#[derive(Debug, Clone, Copy, PartialEq)]
struct NameZone {
    max: f64,
    median: f64,
}

fn name_zone(body: &[(u32, f64, Vec<PTok>)]) -> NameZone {
    let mut ends: Vec<f64> = body
        .iter()
        .filter_map(|(_, _, toks)| {
            toks.iter()
                .take_while(|t| !amount_like(t, true, false))
                .map(|t| t.x1)
                .reduce(f64::max)
        })
        .collect();
    ends.sort_by(f64::total_cmp);
    NameZone {
        max: ends.last().copied().unwrap_or(f64::MIN),
        median: ends.get(ends.len() / 2).copied().unwrap_or(f64::MIN),
    }
}

/// In an unruled table, a header piece over no amount column, right of the row names, labels
/// the nearest column that has no label of its own ("预算" centred over a wide column whose
/// amounts sit at its right edge). A piece is right of the row names when it starts after
/// the longest name; a label the vocabulary knows as an amount column may also start inside
/// the name zone when its centre is right of the typical name (a text grid where one long
/// name runs under the header of the only amount column: Jiangsu 2019 公开08表's 基本支出).
fn place_beside<'a>(
    pieces: &mut [Vec<&'a HeaderTok>],
    extents: &[(f64, f64)],
    unplaced: &[&'a HeaderTok],
    names: NameZone,
    amount_label: impl Fn(&str) -> bool,
) {
    let bare: Vec<bool> = pieces.iter().map(Vec::is_empty).collect();
    let beside = |h: &&&HeaderTok| {
        h.tok.x0 > names.max || (h.tok.center() > names.median && amount_label(&h.tok.text))
    };
    for h in unplaced.iter().filter(beside) {
        let c = h.tok.center();
        let nearest = (0..extents.len()).min_by(|&a, &b| {
            let d = |k: usize| (c - (extents[k].0 + extents[k].1) / 2.0).abs();
            d(a).total_cmp(&d(b))
        });
        if let Some(k) = nearest.filter(|&k| bare[k]) {
            pieces[k].push(h);
        }
    }
}

/// The header pieces of an unruled column widened over its neighbours' empty columns: when
/// pieces stand side by side on one line (labels of several printed columns, only one of
/// which has amounts), those over the amounts themselves and the pieces stacked with them
/// (the caller takes them when they name a known column).
/// The central template's 部门收入总表 prints amounts under 合计, 上年结转, 一般公共预算拨款
/// 收入 and 其他收入 only: the last column's widened span also holds 事业收入, 事业单位经营
/// 收入, 上级补助收入 and 附属单位上缴收入.
fn over_the_amounts(own: Vec<&HeaderTok>, (a0, a1): (f64, f64)) -> Vec<&HeaderTok> {
    // Two spans overlap by at least half of the narrower.
    let overlap = |(x0, x1): (f64, f64), (y0, y1): (f64, f64)| {
        x1.min(y1) - x0.max(y0) >= 0.5 * (x1 - x0).min(y1 - y0)
    };
    let span = |h: &HeaderTok| (h.tok.x0, h.tok.x1);
    let side_by_side = own.iter().any(|a| {
        own.iter()
            .any(|b| a.line == b.line && (a.tok.x1 <= b.tok.x0 || b.tok.x1 <= a.tok.x0))
    });
    if !side_by_side {
        return own;
    }
    let over: Vec<&HeaderTok> = own
        .iter()
        .copied()
        .filter(|h| overlap(span(h), (a0, a1)))
        .collect();
    if over.is_empty() {
        return own;
    }
    own.into_iter()
        .filter(|h| over.iter().any(|o| overlap(span(h), span(o))))
        .collect()
}

/// Strips the "其中:" that marks a column as part of the one before it.
fn strip_of_which(s: &str) -> &str {
    s.strip_prefix("其中:")
        .or_else(|| s.strip_prefix("其中"))
        .unwrap_or(s)
}

/// Whether a label names something the vocabulary or the grammar knows.
fn known(label: &str, vocabulary: &Vocabulary, g: &Grammar) -> bool {
    !vocabulary.concepts_of(label).is_empty()
        || g.columns
            .iter()
            .any(|c| normalize_label(leaf(&c.label)) == label)
}

fn leaf(label: &str) -> &str {
    label.rsplit('/').next().unwrap_or(label)
}

/// The amount columns of a table body with the header labels above each. `verticals` are the
/// rulings crossing the body (sorted x, deduplicated; fewer than two: unruled); header pieces
/// are normalised tokens (column-number rows dropped, letter-spaced labels joined).
pub(super) fn printed_columns(
    g: &Grammar,
    header: &[HeaderTok],
    body: &[(u32, f64, Vec<PTok>)],
    xs: &[f64],
    verticals: &[(f64, f64, f64)],
) -> Vec<PrintedColumn> {
    let lines = amount_spans(body);
    // Unruled: where each column's amounts are printed (`core`), widened to the gaps between.
    let core = (xs.len() < 2).then(|| aligned_columns(&lines));
    let extents = match &core {
        None => ruled_columns(&lines, xs),
        Some(core) => widen(core),
    };
    let mut pieces: Vec<Vec<&HeaderTok>> = vec![Vec::new(); extents.len()];
    let mut parents: Vec<Vec<&HeaderTok>> = vec![Vec::new(); extents.len()];
    // Header pieces over no column (a label centred over a wide unruled column).
    let mut unplaced: Vec<&HeaderTok> = Vec::new();
    let mut banner_pieces: Vec<&HeaderTok> = Vec::new();
    for h in header {
        let (a, b) = (h.tok.x0, h.tok.x1);
        let c = (a + b) / 2.0;
        let mut over: Vec<usize> = (0..extents.len())
            .filter(|&k| {
                let (e0, e1) = extents[k];
                let overlap = b.min(e1) - a.max(e0);
                (c >= e0 && c <= e1) || overlap >= COVER_SHARE * (e1 - e0)
            })
            .collect();
        // In a ruled header a label spans the columns of the cell it is printed in, however
        // narrow its text ("总计" centred over its three budgets).
        if xs.len() >= 2 {
            if let Some((l, r)) = ruled_cell(verticals, h) {
                let inside: Vec<usize> = (0..extents.len())
                    .filter(|&k| {
                        let m = (extents[k].0 + extents[k].1) / 2.0;
                        m > l && m < r
                    })
                    .collect();
                if inside.len() > over.len() && over.iter().all(|k| inside.contains(k)) {
                    over = inside;
                }
            }
        }
        match over.as_slice() {
            [] => unplaced.push(h),
            [k] => pieces[*k].push(h),
            // A banner over every column ("2026年预算数") tells none of them apart: it
            // heads every column's path.
            many if many.len() == extents.len() && extents.len() > 2 => banner_pieces.push(h),
            many => many.iter().for_each(|&k| parents[k].push(h)),
        }
    }
    if xs.len() < 2 {
        let vocabulary = &g.vocabulary;
        place_beside(&mut pieces, &extents, &unplaced, name_zone(body), |label| {
            known(strip_of_which(label), vocabulary, g)
        });
    }
    let vocabulary = &g.vocabulary;
    let banners = joined_labels(banner_pieces);
    extents
        .iter()
        .enumerate()
        .map(|(k, &(x0, x1))| {
            let mut own = pieces[k].clone();
            if let Some(&span) = core.as_ref().and_then(|c| c.get(k)) {
                // Taken only when what is over the amounts names a known column.
                let mut kept = over_the_amounts(own.clone(), span);
                kept.sort_by(|a, b| a.line.cmp(&b.line).then(a.tok.x0.total_cmp(&b.tok.x0)));
                let text: String = kept.iter().map(|h| h.tok.text.as_str()).collect();
                if kept.len() < own.len() && known(strip_of_which(&text), vocabulary, g) {
                    own = kept;
                }
            }
            own.sort_by(|a, b| a.line.cmp(&b.line).then(a.tok.x0.total_cmp(&b.tok.x0)));
            let texts: Vec<&str> = own.iter().map(|h| h.tok.text.as_str()).collect();
            // The longest tail of the pieces that names a known column is the leaf; the
            // pieces before it are labels of cells above (a parent narrower than its span).
            let split = (0..texts.len())
                .find(|&s| known(strip_of_which(&texts[s..].concat()), vocabulary, g))
                .unwrap_or(0);
            let mut path = joined_labels(parents[k].clone());
            if split > 0 {
                path.push(texts[..split].concat());
            }
            PrintedColumn {
                x0,
                x1,
                leaf: strip_of_which(&texts[split..].concat()).to_string(),
                parents: path,
                banners: banners.clone(),
            }
        })
        .collect()
}

/// Banners of a ruled header whose columns were located by the grammar's labels: labels
/// printed in a ruled cell spanning every located column (`centers`, NaN where unprinted),
/// alone on their line, top first ("2026年预算数" over the whole 三公 table). None without
/// rulings or with fewer than three located columns.
pub(super) fn banners(
    header: &[HeaderTok],
    verticals: &[(f64, f64, f64)],
    centers: &[f64],
) -> Vec<String> {
    let located: Vec<f64> = centers.iter().copied().filter(|c| c.is_finite()).collect();
    if located.len() < 3 || verticals.is_empty() {
        return Vec::new();
    }
    let lo = located.iter().copied().fold(f64::MAX, f64::min);
    let hi = located.iter().copied().fold(f64::MIN, f64::max);
    let pieces: Vec<&HeaderTok> = header
        .iter()
        .filter(|h| {
            ruled_cell(verticals, h).is_some_and(|(l, r)| {
                l <= lo
                    && r >= hi
                    && !header.iter().any(|o| {
                        o.line == h.line && !std::ptr::eq(o, *h) && o.tok.x0 >= l && o.tok.x1 <= r
                    })
            })
        })
        .collect();
    joined_labels(pieces)
}

/// Header pieces above a column as labels, top first: pieces of one spanning label on
/// consecutive lines join ("一般公共预" + "算").
fn joined_labels(mut above: Vec<&HeaderTok>) -> Vec<String> {
    above.sort_by(|a, b| a.line.cmp(&b.line).then(a.tok.x0.total_cmp(&b.tok.x0)));
    let mut path: Vec<String> = Vec::new();
    let mut last_line = None;
    for h in above {
        match path.last_mut() {
            Some(p) if last_line.is_some_and(|l: usize| h.line == l + 1) => p.push_str(&h.tok.text),
            _ => path.push(h.tok.text.clone()),
        }
        last_line = Some(h.line);
    }
    path
}

/// How well a printed column fits a grammar column: `None` when its label is not one the
/// grammar column goes by; higher is better.
fn fit(p: &PrintedColumn, c: &ColumnDef, vocabulary: &Vocabulary) -> Option<(u8, usize)> {
    if p.leaf.is_empty() {
        return None;
    }
    let variants = vocabulary.variants(leaf(&c.label));
    // A 小计/合计 printed under a parent is that parent's subtotal: only a grammar column
    // with a parent of its own can be it.
    let is_total = |l: &str| vocabulary.concepts_of(l).contains(&TOTAL_CONCEPT);
    if is_total(&p.leaf) && !p.parents.is_empty() && !c.label.contains('/') {
        return None;
    }
    let exact = variants.iter().position(|v| *v == p.leaf);
    let rank = match exact {
        Some(0) => 3,
        Some(_) => 2,
        None if vocabulary.concepts_of(&p.leaf).is_empty()
            && variants
                .iter()
                .any(|v| v.chars().count() >= 2 && p.leaf.contains(v.as_str())) =>
        {
            1
        }
        None => return None,
    };
    // 总计 is the outermost total (总计 ⊇ 合计 ⊇ 小计): printed without a parent it is the
    // grammar's grand total whatever label the grammar prints it by, so a 合计 beside it is a
    // subtotal (Guangzhou's 总计 beside 财政拨款 合计).
    let rank = if p.leaf == "总计"
        && p.parents.is_empty()
        && !c.label.contains('/')
        && is_total(&normalize_label(&c.label))
    {
        4
    } else {
        rank
    };
    // Parents the grammar names and the header prints (either containing the other).
    let printed = p.parents.concat();
    let grammar_parents: Vec<String> = c
        .label
        .split('/')
        .rev()
        .skip(1)
        .map(normalize_label)
        .collect();
    let parent_hits = grammar_parents
        .iter()
        .filter(|gp| {
            !gp.is_empty()
                && (printed.contains(gp.as_str()) || gp.contains(&printed) && !printed.is_empty())
        })
        .count();
    Some((rank, parent_hits))
}

/// A printed column read under the grammar: the grammar column it is, or a derived one.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Reading {
    Grammar(usize),
    Derived(String),
}

/// The grammar adapted to the printed columns, left to right: each printed column the grammar
/// column it fits best (highest fit first, ties to the leftmost printed and the first grammar
/// column), the others under derived ids. Fails when fewer than two printed columns are
/// grammar columns: that is not this grammar's table.
pub(super) fn adapt(
    g: &Grammar,
    printed: &[PrintedColumn],
) -> Result<(Grammar, Vec<Reading>), String> {
    let mut pairs: Vec<((u8, usize), usize, usize)> = Vec::new();
    for (pi, p) in printed.iter().enumerate() {
        for (ci, c) in g.columns.iter().enumerate() {
            if let Some(f) = fit(p, c, &g.vocabulary) {
                pairs.push((f, pi, ci));
            }
        }
    }
    // Best fit first: more parents confirmed, then the stronger label match.
    pairs.sort_by(|a, b| {
        (b.0 .1, b.0 .0)
            .cmp(&(a.0 .1, a.0 .0))
            .then(a.1.cmp(&b.1))
            .then(a.2.cmp(&b.2))
    });
    let mut of_printed: Vec<Option<usize>> = vec![None; printed.len()];
    let mut taken = vec![false; g.columns.len()];
    for (_, pi, ci) in pairs {
        if of_printed[pi].is_none() && !taken[ci] {
            of_printed[pi] = Some(ci);
            taken[ci] = true;
        }
    }
    // A table printing one amount column that no grammar column names by its label.
    if let ([p], [None]) = (printed, of_printed.as_slice()) {
        let concepts = g.vocabulary.concepts_of(&p.leaf);
        if !p.leaf.is_empty() && p.parents.is_empty() {
            if g.columns.len() == 1 {
                // A one-column grammar (金额): that column, whatever its label (Jiangsu 2019
                // 公开08表 prints it as 基本支出 under a 基本支出 title).
                of_printed[0] = Some(0);
            } else if concepts.contains(&AMOUNT_CONCEPT) || concepts.contains(&TOTAL_CONCEPT) {
                // 预算数/金额 in a template of several (Fuzhou's 经济分类 and 三公 tables):
                // the template's total.
                of_printed[0] = g.columns.iter().position(|c| {
                    !c.label.contains('/')
                        && g.vocabulary
                            .concepts_of(&normalize_label(&c.label))
                            .contains(&TOTAL_CONCEPT)
                });
            }
        }
    }
    let matched = of_printed.iter().flatten().count();
    if matched < 2.min(g.columns.len()).min(printed.len()) || matched == 0 {
        let paths: Vec<String> = printed.iter().map(PrintedColumn::path).collect();
        return Err(format!(
            "printed columns {paths:?} name too few of the grammar's columns"
        ));
    }
    let mut out = g.clone();
    out.columns.clear();
    let mut readings = Vec::with_capacity(printed.len());
    for (p, m) in printed.iter().zip(&of_printed) {
        match m {
            Some(ci) => {
                // The grammar's id, the label as printed.
                let mut c = g.columns[*ci].clone();
                if !p.leaf.is_empty() {
                    c.label = p.path();
                }
                out.columns.push(c);
                readings.push(Reading::Grammar(*ci));
            }
            None => {
                let path = p.path();
                let distinct = p.distinct_path();
                let base = format!(
                    "printed.{}",
                    if distinct.is_empty() {
                        "column"
                    } else {
                        &distinct
                    }
                );
                let mut id = base.clone();
                let mut n = 2;
                while out.columns.iter().any(|c| c.id == id) {
                    id = format!("{base}.{n}");
                    n += 1;
                }
                out.columns.push(ColumnDef {
                    id: id.clone(),
                    label: path,
                    kind: ColumnKind::default(),
                    section: None,
                });
                readings.push(Reading::Derived(id));
            }
        }
    }
    Ok((out, readings))
}

/// Column geometry from the printed header (see the module doc), with the grammar adapted to
/// the printed columns and how each was read. Only for tables keyed by rows (coded, project
/// and single-row layouts) without text columns or side-by-side panels.
pub(super) fn derived_geometry(
    g: &Grammar,
    header: &[HeaderTok],
    body: &[(u32, f64, Vec<PTok>)],
    verticals: &[(f64, f64, f64)],
    y_range: (f64, f64),
) -> Result<(Grammar, ColumnGeometry, Vec<Reading>), String> {
    if !matches!(
        g.layout,
        Layout::Coded | Layout::SingleRow | Layout::Project
    ) || !g.text_columns.is_empty()
        || g.panels > 1
    {
        return Err("columns are not read from the header for this layout".into());
    }
    let xs = body_rulings(verticals, y_range);
    let normalized = normalized_header_with(header, verticals, false);
    let printed = printed_columns(g, &normalized, body, &xs, verticals);
    if printed.is_empty() {
        return Err("no amount column found in the body".into());
    }
    let (adapted, readings) = adapt(g, &printed)?;
    let centers: Vec<f64> = printed.iter().map(PrintedColumn::center).collect();
    let cells = if xs.len() >= 2 {
        xs
    } else {
        // Unruled: the columns' extents are the cells; the last reaches to the page edge.
        let mut c: Vec<f64> = printed.iter().map(|p| p.x0).collect();
        c.push(printed.last().map_or(0.0, |p| p.x1) + OPEN_RIGHT_EDGE);
        c
    };
    let name_end = if g.layout == Layout::SingleRow {
        f64::MIN
    } else {
        printed[0].x0
    };
    Ok((
        adapted,
        ColumnGeometry {
            centers,
            cells,
            code_zone: code_zone(header),
            name_end,
            text_centers: Vec::new(),
            unprinted: Vec::new(),
            printed_leaves: Vec::new(),
        },
        readings,
    ))
}

/// How far right of the last unruled column its cell reaches (points).
const OPEN_RIGHT_EDGE: f64 = 1000.0;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::GrammarSet;

    use crate::layout::header::test_support::h;

    fn tok(text: &str, x0: f64, x1: f64) -> PTok {
        PTok::at(text, x0, x1)
    }

    /// A body line: code, name, then amounts right-aligned at the given right edges
    /// (6 points per character).
    fn body_line(y: f64, amounts: &[(&str, f64)]) -> (u32, f64, Vec<PTok>) {
        let mut toks = vec![tok("201", 40.0, 58.0), tok("一般公共服务支出", 70.0, 166.0)];
        for &(a, right) in amounts {
            toks.push(tok(a, right - 6.0 * a.len() as f64, right));
        }
        (1, y, toks)
    }

    fn national(kind: &str) -> Grammar {
        GrammarSet::builtin()
            .grammars
            .into_iter()
            .find(|g| g.family == "national" && g.kind == kind)
            .expect("national grammar")
    }

    /// The column ids of an adapted grammar.
    fn ids(g: &Grammar) -> Vec<&str> {
        g.columns.iter().map(|c| c.id.as_str()).collect()
    }

    fn column(x0: f64, x1: f64, parents: &[&str], leaf: &str) -> PrintedColumn {
        PrintedColumn {
            x0,
            x1,
            leaf: leaf.into(),
            parents: parents.iter().map(|p| p.to_string()).collect(),
            banners: Vec::new(),
        }
    }

    #[test]
    fn right_aligned_amounts_of_any_width_are_one_column() {
        // 1,234.50 and 9.00 end at 300; 88.00 and 12,000.00 end at 400.
        let lines = vec![
            vec![(252.0, 300.0), (370.0, 400.0)],
            vec![(276.0, 300.0), (346.0, 400.0)],
        ];
        assert_eq!(aligned_columns(&lines), [(252.0, 300.0), (346.0, 400.0)]);
    }

    #[test]
    fn centred_amounts_that_overlap_merge_unless_one_line_holds_both() {
        // A centred column: right edges 310 and 320 differ, the spans overlap.
        let centred = vec![vec![(280.0, 310.0)], vec![(270.0, 320.0)]];
        assert_eq!(aligned_columns(&centred), [(270.0, 320.0)]);
        // The same spans on one line are two columns, however close.
        let one_line = vec![vec![(280.0, 310.0), (300.0, 330.0)]];
        assert_eq!(aligned_columns(&one_line).len(), 2);
    }

    #[test]
    fn unruled_columns_reach_half_way_to_their_neighbours() {
        assert_eq!(
            widen(&[(100.0, 140.0), (160.0, 200.0), (240.0, 280.0)]),
            [(90.0, 150.0), (150.0, 220.0), (220.0, 300.0)]
        );
        // A lone column has a fixed margin on both sides.
        assert_eq!(widen(&[(100.0, 140.0)]), [(90.0, 150.0)]);
    }

    #[test]
    fn ruled_cells_without_an_amount_are_not_columns() {
        let lines = vec![vec![(210.0, 240.0)], vec![(310.0, 340.0)]];
        assert_eq!(
            ruled_columns(&lines, &[200.0, 250.0, 300.0, 350.0]),
            [(200.0, 250.0), (300.0, 350.0)]
        );
    }

    #[test]
    fn header_cells_give_each_column_its_label_path() {
        let g = national("expenditure_summary");
        // 合计 | 基本支出 (over 人员经费 and 公用经费, the latter wrapped "公用" over "经费")
        // | 其中:项目支出 wrapped after 其中:, all under a banner over every column.
        let header = [
            h(0, "2026年预算数", 200.0, 560.0),
            h(1, "基本支出", 300.0, 476.0),
            h(2, "合计", 210.0, 240.0),
            h(2, "人员经费", 300.0, 348.0),
            h(2, "公用", 410.0, 434.0),
            h(3, "经费", 410.0, 434.0),
            h(2, "其中:", 490.0, 520.0),
            h(3, "项目支出", 490.0, 538.0),
        ];
        let body = vec![
            body_line(
                500.0,
                &[
                    ("9.00", 250.0),
                    ("3.00", 350.0),
                    ("2.00", 450.0),
                    ("4.00", 550.0),
                ],
            ),
            body_line(
                480.0,
                &[
                    ("19.00", 250.0),
                    ("13.00", 350.0),
                    ("2.00", 450.0),
                    ("4.00", 550.0),
                ],
            ),
        ];
        let printed = printed_columns(&g, &header, &body, &[], &[]);
        let paths: Vec<String> = printed.iter().map(PrintedColumn::path).collect();
        // The banner heads every path; it is no parent (which would make 合计 a subtotal).
        assert_eq!(
            paths,
            [
                "2026年预算数/合计",
                "2026年预算数/基本支出/人员经费",
                "2026年预算数/基本支出/公用经费",
                "2026年预算数/项目支出"
            ]
        );
        assert!(printed.iter().all(|p| p.banners == ["2026年预算数"]));
        assert!(printed[0].parents.is_empty());
    }

    #[test]
    fn a_banner_in_a_ruled_cell_over_every_located_column_is_found() {
        // Central 三公 table: "2026年预算数" in one ruled cell over 合计, 因公出国（境）费 and
        // 公务接待费 (the vertical rulings below it do not reach its line).
        let header = [
            h(1, "2026年预算数", 387.0, 451.0),
            h(2, "合计", 73.0, 93.0),
            h(2, "因公出国(境)费", 143.0, 224.0),
            h(2, "公务接待费", 682.0, 732.0),
        ];
        // Line 1's middle is at y 491, line 2's at 479: the outer rulings cross both, the
        // inner ones only line 2.
        let mut verticals = vec![(41.8, 300.0, 500.0), (796.6, 300.0, 500.0)];
        verticals.extend([125.1, 242.8, 617.9].iter().map(|&x| (x, 300.0, 485.0)));
        let centers = [83.0, 184.0, f64::NAN, 707.0];
        assert_eq!(banners(&header, &verticals, &centers), ["2026年预算数"]);
        // A label sharing its line with others is a header row, not a banner.
        let row = [
            h(1, "2026年预算数", 387.0, 451.0),
            h(1, "其他", 700.0, 720.0),
            h(2, "合计", 73.0, 93.0),
        ];
        assert!(banners(&row, &verticals, &centers).is_empty());
        // Without rulings nothing is known to span the table.
        assert!(banners(&header, &[], &centers).is_empty());
    }

    #[test]
    fn an_amount_label_over_a_long_name_still_heads_the_bare_column_beside_it() {
        // Jiangsu 2019 公开08表 in a `pdftotext -layout` dump (inspect --page 13): header
        // 科目编码 36-72, 科目名称 117-151, 基本支出 153-189; amounts end at 225; one name
        // (机关事业单位基本养老保险缴费, 76-187) runs under 基本支出.
        let g = national("general_budget_basic_expenditure");
        let header = [
            h(1, "科目编码", 36.0, 72.0),
            h(1, "科目名称", 117.0, 151.0),
            h(1, "基本支出", 153.0, 189.0),
        ];
        let line = |y: f64, name: &str, x1: f64, amount: &str, a0: f64| {
            (
                1,
                y,
                vec![
                    tok("30101", 0.0, 22.0),
                    tok(name, 76.0, x1),
                    tok(amount, a0, 225.0),
                ],
            )
        };
        let body = vec![
            line(740.0, "工资福利支出", 130.0, "16,324.07", 184.0),
            line(728.0, "基本工资", 112.0, "2,827.41", 189.0),
            line(716.0, "奖金", 94.0, "233.02", 198.0),
            line(
                680.0,
                "机关事业单位基本养老保险缴费",
                187.0,
                "1,384.70",
                189.0,
            ),
            line(668.0, "职业年金缴费", 130.0, "553.89", 198.0),
        ];
        let printed = printed_columns(&g, &header, &body, &[], &[]);
        let leaves: Vec<&str> = printed.iter().map(|p| p.leaf.as_str()).collect();
        assert_eq!(leaves, ["基本支出"]);
        // 科目名称 is no amount label: centred right of the typical name, it still heads
        // nothing.
        let header = [h(1, "科目名称", 117.0, 151.0)];
        let short = vec![
            line(740.0, "奖金", 94.0, "16,324.07", 184.0),
            line(728.0, "工资", 94.0, "2,827.41", 189.0),
            line(
                716.0,
                "机关事业单位基本养老保险缴费",
                187.0,
                "233.02",
                198.0,
            ),
        ];
        let printed = printed_columns(&g, &header, &short, &[], &[]);
        assert!(printed.iter().all(|p| p.leaf.is_empty()), "{printed:?}");
    }

    #[test]
    fn a_widened_unruled_column_takes_the_labels_over_its_amounts() {
        // Central 部门收入总表 in a `pdftotext -layout` dump (inspect --page 6): ten labels,
        // amounts under four of them only.
        let g = national("income_summary");
        let header = [
            h(1, "政府性基金", 162.0, 196.0),
            h(1, "国有资本经", 198.0, 243.0),
            h(1, "事业收入", 256.0, 292.0),
            h(2, "一般公共预", 108.0, 153.0),
            h(2, "事业单位", 302.0, 331.0),
            h(2, "上级补", 333.0, 358.0),
            h(2, "附属单位", 360.0, 396.0),
            h(2, "使用非财政拨", 446.0, 500.0),
            h(3, "合计", 0.0, 18.0),
            h(3, "上年结转", 54.0, 90.0),
            h(3, "预算拨款收", 162.0, 196.0),
            h(3, "营预算拨款", 198.0, 243.0),
            h(3, "其他收入", 392.0, 428.0),
            h(4, "算拨款收入", 108.0, 153.0),
            h(4, "其中:教育", 266.0, 299.0),
            h(4, "经营收入", 302.0, 331.0),
            h(4, "助收入", 333.0, 358.0),
            h(4, "上缴收入", 360.0, 396.0),
            h(4, "款结余", 450.0, 477.0),
            h(5, "入", 171.0, 180.0),
            h(5, "收入", 202.0, 220.0),
            h(5, "金额", 234.0, 252.0),
            h(6, "收费", 270.0, 288.0),
        ];
        let body = vec![(
            6,
            632.0,
            vec![
                tok("50,616.94", 0.0, 40.0),
                tok("2,254.12", 58.0, 94.0),
                tok("16,474.82", 108.0, 148.0),
                tok("31,888.00", 392.0, 432.0),
            ],
        )];
        let printed = printed_columns(&g, &header, &body, &[], &[]);
        let leaves: Vec<&str> = printed.iter().map(|p| p.leaf.as_str()).collect();
        assert_eq!(leaves[3], "其他收入", "{leaves:?}");
        let (adapted, _) = adapt(&g, &printed).expect("adapts");
        assert_eq!(
            ids(&adapted),
            [
                "total",
                "income.carried_over",
                "income.general_budget",
                "income.other"
            ]
        );
    }

    #[test]
    fn printed_columns_take_the_grammar_ids_by_label_and_synonym() {
        let g = national("expenditure_summary");
        let printed = [
            column(200.0, 250.0, &[], "小计"),
            column(250.0, 300.0, &[], "基本支出"),
            column(300.0, 350.0, &["基本支出"], "人员支出"),
            column(350.0, 400.0, &[], "项目支出"),
        ];
        let (adapted, readings) = adapt(&g, &printed).expect("adapts");
        assert_eq!(
            ids(&adapted),
            [
                "total",
                "basic_expenditure",
                "basic_expenditure.personnel",
                "project_expenditure"
            ]
        );
        assert!(readings.iter().all(|r| matches!(r, Reading::Grammar(_))));
        // The label is kept as printed.
        assert_eq!(adapted.columns[0].label, "小计");
    }

    #[test]
    fn a_subtotal_under_a_parent_is_not_the_table_total() {
        // Shenzhen 支出总表: 合计 | 基本支出 | 项目支出 | 政府采购/小计: the last is the
        // 政府采购 subtotal, never the grammar's 合计.
        let g = national("expenditure_summary");
        let printed = [
            column(200.0, 250.0, &[], "基本支出"),
            column(250.0, 300.0, &[], "项目支出"),
            column(300.0, 350.0, &["政府采购"], "小计"),
        ];
        let (adapted, readings) = adapt(&g, &printed).expect("adapts");
        assert_eq!(
            readings[2],
            Reading::Derived("printed.政府采购/小计".into())
        );
        assert!(!adapted.columns.iter().any(|c| c.id == "total"));
    }

    #[test]
    fn an_unknown_printed_column_is_kept_under_a_derived_id() {
        let g = national("expenditure_summary");
        let printed = [
            column(200.0, 250.0, &[], "合计"),
            column(250.0, 300.0, &[], "基本支出"),
            column(300.0, 350.0, &[], "某某支出"),
            column(350.0, 400.0, &[], "某某支出"),
            column(400.0, 450.0, &[], ""),
        ];
        let (adapted, readings) = adapt(&g, &printed).expect("adapts");
        assert_eq!(
            ids(&adapted),
            [
                "total",
                "basic_expenditure",
                "printed.某某支出",
                "printed.某某支出.2",
                "printed.column"
            ]
        );
        assert_eq!(readings[3], Reading::Derived("printed.某某支出.2".into()));
    }

    #[test]
    fn a_label_centred_over_a_wide_unruled_column_labels_it() {
        // "预算" centred over a column whose amounts sit at its right edge, far from the
        // label; the names' own label stays with the names.
        let g = national("general_budget_expenditure_by_economic");
        let header = [
            h(1, "部门预算支出经济科目", 60.0, 160.0),
            h(1, "预算", 420.0, 440.0),
        ];
        let body = vec![
            body_line(500.0, &[("730.00", 600.0)]),
            body_line(480.0, &[("9.02", 600.0)]),
        ];
        let printed = printed_columns(&g, &header, &body, &[], &[]);
        let paths: Vec<String> = printed.iter().map(PrintedColumn::path).collect();
        assert_eq!(paths, ["预算"]);
    }

    #[test]
    fn zongji_is_the_grand_total_beside_a_heji() {
        // Guangzhou: 总计, then 财政拨款's 合计 printed without a parent the reader can see.
        let g = national("project_expenditure");
        let printed = [
            column(200.0, 250.0, &[], "总计"),
            column(250.0, 300.0, &[], "合计"),
            column(300.0, 350.0, &[], "一般公共预算"),
        ];
        let (adapted, _) = adapt(&g, &printed).expect("adapts");
        assert_eq!(
            ids(&adapted),
            ["total", "fiscal_appropriation", "income.general_budget"]
        );
    }

    #[test]
    fn a_lone_amount_column_is_the_templates_total() {
        let g = national("expenditure_summary");
        for label in ["预算数", "金额", "合计"] {
            let (adapted, readings) =
                adapt(&g, &[column(200.0, 250.0, &[], label)]).expect("adapts");
            assert_eq!(adapted.columns[0].id, "total", "{label}");
            assert_eq!(readings, [Reading::Grammar(0)], "{label}");
        }
        // A lone column of another name is not this grammar's.
        assert!(adapt(&g, &[column(200.0, 250.0, &[], "某某支出")]).is_err());
        // In a one-column grammar it is that column.
        let mut one = g.clone();
        one.columns.truncate(1);
        let (adapted, _) = adapt(&one, &[column(200.0, 250.0, &[], "基本支出")]).expect("adapts");
        assert_eq!(adapted.columns[0].id, "total");
        assert_eq!(adapted.columns[0].label, "基本支出");
    }

    #[test]
    fn too_few_grammar_columns_is_not_this_grammars_table() {
        let g = national("expenditure_summary");
        let printed = [
            column(200.0, 250.0, &[], "合计"),
            column(250.0, 300.0, &[], "某某支出"),
        ];
        let e = adapt(&g, &printed).expect_err("one grammar column only");
        assert!(e.contains("name too few"), "{e}");
    }
}
