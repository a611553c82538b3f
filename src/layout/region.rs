//! The region walk: a table's lines from its title up to the next title, following page
//! breaks (dropping page numbers, units, notes and repeated headers), split into header and
//! body; side-by-side panels cut apart; each panel's geometry and rows built.

use super::arithmetic::identity_fit;
use super::columns::{derived_geometry, Reading};
use super::glued::split_glued;
use super::header::{geometry, ColumnGeometry, HeaderTok};
use super::pages::{is_number, line_text, ptoks, PTok, PageLayout};
use super::rows::{group_cells, row_bands, rows};
use super::titles::TitleHit;
use super::TableTrace;
use crate::assemble::RawTable;
use crate::grammar::{Grammar, Layout, RowKey};
use crate::model::Unit;
use crate::pdf::Line;
use crate::text::re;
use regex::Regex;
use std::sync::OnceLock;

/// A unit printed in a line: "单位：元", "单位:万元".
fn unit_in(t: &str) -> Option<Unit> {
    static R: OnceLock<Regex> = OnceLock::new();
    let c = re(&R, r"单位[:：]?(万元|元)").captures(t)?;
    Unit::parse(&c[1])
}

/// A page number or running head: a lone small number line.
fn is_page_number(l: &Line) -> bool {
    let t = line_text(l);
    l.runs.len() == 1
        && (t.len() <= 3 && t.bytes().all(|b| b.is_ascii_digit())
            || re(&PAGE_NO, r"^[-—－]\d+[-—－]$|^第\d+页").is_match(&t))
}

/// Lines closer than this (points, baseline to baseline) may be one wrapped cell.
const WRAP_GAP: f64 = 14.0;

/// Whether a lone number is the tail of an amount wrapped in its cell on the line just above
/// (right or left edges aligned: "1,682.7" over "6"), not a page number.
fn wraps_amount_above(above: &Line, l: &Line) -> bool {
    let Some(run) = l.runs.first() else {
        return false;
    };
    above.y - l.y <= WRAP_GAP
        && ptoks(above).iter().any(|t| {
            ((t.x1 - run.x1).abs() <= 2.0 || (t.x0 - run.x0).abs() <= 2.0)
                && super::rows::wrapped_amount_tail(&t.text, run.text.trim())
        })
}

static PAGE_NO: OnceLock<Regex> = OnceLock::new();
static UNIT_CUT: OnceLock<Regex> = OnceLock::new();

/// Whether a line starts the table body: it holds an amount, or is a code row or total row.
fn body_line(l: &Line) -> bool {
    let toks = ptoks(l);
    toks.iter().any(|t| crate::token::is_marked_amount(&t.text))
        || toks.len() >= 2
            && is_number(&toks[0].text)
            && toks.iter().skip(1).any(|t| is_number(&t.text))
}

/// Whether a line is a row of a code-keyed table printed without amounts: a subject code of
/// 3, 5 or 7 digits, then its name ("31009 土地补偿" on a page that only lists the remaining
/// codes of a 经济分类 table).
fn code_name_line(l: &Line) -> bool {
    let toks = ptoks(l);
    match toks.as_slice() {
        [code, name, ..] => {
            matches!(code.text.len(), 3 | 5 | 7)
                && code.text.bytes().all(|b| b.is_ascii_digit())
                && !is_number(&name.text)
        }
        _ => false,
    }
}

fn is_part_heading(t: &str) -> bool {
    re(&PART, r"^第[一二三四五六七八九十]+部分").is_match(t)
}

static PART: OnceLock<Regex> = OnceLock::new();

pub(super) fn region(
    pages: &[PageLayout],
    h: &TitleHit,
    end: (usize, usize),
    g: &Grammar,
    alternatives: &[&Grammar],
    traces: &mut Vec<TableTrace>,
) -> Result<RawTable, String> {
    let mut raw = RawTable {
        positioned: true,
        number: h.number.clone(),
        title: h.title.clone(),
        first_page: pages[h.page_idx].page,
        last_page: pages[h.page_idx].page,
        ..Default::default()
    };
    if g.layout == Layout::Performance {
        return Ok(form_region(pages, h, end, raw));
    }
    // Lines of the region, page by page.
    let mut header: Vec<HeaderTok> = Vec::new();
    let mut geo_at: Option<(usize, f64, f64)> = None;
    let mut body: Vec<(u32, f64, Vec<PTok>)> = Vec::new();
    let mut header_line = 0usize;
    let mut pi = h.page_idx;
    let mut li = h.line_idx + h.lines;
    let mut in_body = false;
    let mut first_page = true;
    let mut wan_open = false;
    let mut note_open = false;
    // Header lines of the first page as read (page, y, pieces, header text): a list whose text
    // cells are centred on their row prints the first row's text above its amounts, among
    // what reads as header.
    let mut header_lines: Vec<(u32, f64, Vec<PTok>, String)> = Vec::new();
    'pages: while pi < pages.len() && (pi, li) < end {
        let p = &pages[pi];
        let mut page_started = false;
        while li < p.lines.len() && (pi, li) < end {
            let l = &p.lines[li];
            li += 1;
            let t = line_text(l);
            if is_part_heading(&t) || t.contains("情况说明") && !in_body && !first_page {
                break 'pages;
            }
            // A page number sits first or last on its page; a lone code inside is a cell.
            if is_page_number(l)
                && (li <= 1 || li >= p.lines.len())
                && !(li >= 2 && wraps_amount_above(&p.lines[li - 2], l))
            {
                continue;
            }
            if let Some(u) = unit_in(&t) {
                raw.unit.get_or_insert(u);
                continue;
            }
            // "单位：万" with its "元" wrapped onto the next line (a narrow unit cell).
            if re(&UNIT_CUT, r"单位[:：]?万$").is_match(&t) {
                wan_open = true;
                continue;
            }
            if std::mem::take(&mut wan_open) && ptoks(l).iter().any(|k| k.text == "元") {
                raw.unit.get_or_insert(Unit::WanYuan);
            }
            if t.starts_with("编制部门") || t.starts_with("编制单位") || t.starts_with("部门：")
            {
                continue;
            }
            if is_note_start(&t) || t.contains("本表为空表") || t.contains("无数据") {
                raw.note.get_or_insert_with(String::new).push_str(&t);
                note_open = in_body && g.text_columns.is_empty();
                continue;
            }
            // A note under the rows runs on over its wrapped lines ("注：一、行政经费是指…" and
            // the lines after it), up to a line with an amount.
            if note_open && !body_line(l) {
                raw.note.get_or_insert_with(String::new).push_str(&t);
                continue;
            }
            note_open = false;
            if !in_body {
                if body_line(l) {
                    in_body = true;
                    // Some producers print the 类/款/项 labels in the first data row's band.
                    for tok in ptoks(l) {
                        if matches!(tok.text.as_str(), "类" | "款" | "项") {
                            header.push(HeaderTok {
                                line: header_line + 1,
                                y: l.y,
                                tok,
                            });
                        }
                    }
                    let ys: Vec<f64> = p.lines.iter().map(|l| l.y).collect();
                    let lo = ys.iter().copied().fold(f64::MAX, f64::min);
                    geo_at = Some((pi, lo, l.y + 1.0));
                    for (page, y, toks) in first_row_text_above(g, &mut header_lines) {
                        header.retain(|h| h.y != y);
                        body.push((page, y, toks));
                    }
                    raw.header = header_lines
                        .iter()
                        .map(|(_, _, _, text)| text.as_str())
                        .collect();
                } else {
                    let toks = ptoks(l);
                    header_lines.push((p.page, l.y, toks.clone(), t.clone()));
                    raw.header.push_str(&t);
                    header_line += 1;
                    for tok in toks {
                        header.push(HeaderTok {
                            line: header_line,
                            y: l.y,
                            tok,
                        });
                    }
                    continue;
                }
            } else if !page_started
                && !first_page
                && !body_line(l)
                && (header_repeat(&t, &raw.header) || title_repeat(&t, &raw))
            {
                // A header (or the table's label and title) repeated on a continuation page.
                continue;
            }
            page_started = true;
            // The 类/款/项 labels moved to the header come off the first body line only: a
            // lone "款" further down is the tail of a wrapped name ("…财政拨" + "款").
            let first_body_line = body.is_empty();
            let toks: Vec<PTok> = ptoks(l)
                .into_iter()
                .filter(|t| !(first_body_line && matches!(t.text.as_str(), "类" | "款" | "项")))
                .collect();
            if toks.is_empty() {
                continue;
            }
            body.push((p.page, l.y, toks));
            raw.last_page = p.page;
        }
        // Next page: continue only if it goes on with table rows.
        pi += 1;
        li = 0;
        first_page = false;
        if pi < pages.len() && (pi, 0) < end {
            let next = &pages[pi];
            // The next page goes on with this table when table rows come before any prose:
            // wrapped labels of a two-sided table may fill its first lines.
            let lines: Vec<&Line> = next.lines.iter().filter(|l| !is_page_number(l)).collect();
            let coded = g.layout == Layout::Coded
                && matches!(g.row_key, RowKey::FunctionCode | RowKey::EconomicCode);
            // A list with text columns (projects and their targets): a row may print dozens
            // of wrapped text lines before its amounts.
            let list = !g.text_columns.is_empty();
            let goes_on = lines
                .iter()
                .position(|l| body_line(l) || coded && code_name_line(l))
                .is_some_and(|k| {
                    (k < 25 || list && k < 80)
                        && lines[..k].iter().all(|l| {
                            let t = line_text(l);
                            // Short lines (a wrapped label, the unit), the header or title
                            // printed again, or, in a list, the wrapped text cells of its
                            // next row.
                            !is_part_heading(&t)
                                && (t.chars().count() <= 30
                                    || header_repeat(&t, &raw.header)
                                    || title_repeat(&t, &raw)
                                    || list)
                        })
                });
            // A header that runs onto the next page (its column labels not all found yet)
            // goes on too; a complete header without rows is an empty table.
            let header_open = !in_body && geometry(g, &header, &[], (0.0, 0.0)).is_err();
            if !goes_on || !(in_body || header_open) {
                // A page with ruled grid but no text after the rows is the table's empty
                // spill-over row: it belongs to the table's pages.
                if in_body && lines.is_empty() && !next.horizontals.is_empty() {
                    raw.last_page = next.page;
                }
                break;
            }
        }
    }
    // Pages that print the table's title again but that the walk did not reach (their rows
    // did not read as this table's going on): reported, not dropped.
    if let Some(to) = pages.get(h.continued_to).map(|p| p.page) {
        for page in raw.last_page + 1..=to {
            raw.pages_unparsed.push((
                page,
                "the table's title is printed again on this page, but its rows were not read as the table going on".into(),
            ));
        }
    }
    if !in_body {
        // Header only: an empty table (its note, if any, says so).
        return Ok(raw);
    }
    trailing_sentences_to_note(&mut body, &mut raw.note);
    let (gp, lo, hi) = geo_at.ok_or("no column geometry")?;
    let verticals = &pages[gp].verticals;
    if pages[gp].text_grid && verticals.is_empty() {
        super::align::align_continuation_pages(&mut body);
    }
    // Panels side by side repeat the columns: each is read as its own table, then joined.
    let starts: Vec<f64> = if g.panels > 1 {
        let mut xs: Vec<f64> = header
            .iter()
            .filter(|h| h.tok.text == "类")
            .map(|h| h.tok.x0 - 8.0)
            .collect();
        if xs.len() != g.panels {
            xs = repeated_label_starts(&header, g.panels);
        }
        xs.sort_by(|a, b| a.total_cmp(b));
        if xs.len() != g.panels {
            return Err(format!(
                "{}: expected {} side-by-side panels, found {}",
                raw.display_name(),
                g.panels,
                xs.len()
            ));
        }
        xs[0] = f64::MIN;
        xs
    } else {
        vec![f64::MIN]
    };
    let mut lines = Vec::new();
    for (k, &x0) in starts.iter().enumerate() {
        let x1 = starts.get(k + 1).copied().unwrap_or(f64::MAX);
        let inside = |t: &PTok| t.center() >= x0 && t.center() < x1;
        let panel_header: Vec<HeaderTok> = header
            .iter()
            .filter(|h| inside(&h.tok))
            .map(|h| HeaderTok {
                line: h.line,
                y: h.y,
                tok: h.tok.clone(),
            })
            .collect();
        let mut panel_body: Vec<(u32, f64, Vec<PTok>)> = body
            .iter()
            .map(|(p, y, toks)| {
                (
                    *p,
                    *y,
                    toks.iter()
                        .filter(|t| inside(t))
                        .cloned()
                        .collect::<Vec<_>>(),
                )
            })
            .filter(|(_, _, toks)| !toks.is_empty())
            .collect();
        let panel = Panel {
            header: &panel_header,
            body: &panel_body,
            verticals,
            y_range: (lo, hi),
        };
        let read = read_columns(g, alternatives, &panel)
            .map_err(|e| format!("{}: {e}", raw.display_name()))?;
        let geo = read.geometry;
        // Located labels as the header prints them ("总计" where the grammar says 合计),
        // under the banner printed over the whole table ("2026年预算数").
        let banners = if g.layout == Layout::TwoSided || geo.printed_leaves.is_empty() {
            Vec::new()
        } else {
            super::columns::banners(&panel_header, verticals, &geo.centers)
        };
        let relabel = |mut located: Grammar| {
            for (k, c) in located.columns.iter_mut().enumerate() {
                if let Some(Some(leaf)) = geo.printed_leaves.get(k) {
                    c.label = match c.label.rsplit_once('/') {
                        Some((parents, _)) => format!("{parents}/{leaf}"),
                        None => leaf.clone(),
                    };
                }
                let printed = geo.centers.get(k).is_some_and(|x| x.is_finite());
                for b in banners.iter().rev() {
                    let normalised = crate::vocabulary::normalize_label(&c.label);
                    if printed && !normalised.starts_with(b.as_str()) {
                        c.label = format!("{b}/{}", c.label);
                    }
                }
            }
            located
        };
        if let Some(adapted) = read.grammar {
            raw.derived_columns = read.derived;
            raw.grammar = Some(std::sync::Arc::new(relabel(adapted)));
        } else if raw.grammar.is_none() {
            // The columns are located for this grammar: assembling must use it, not another
            // the title and header might choose (their indexes would not match).
            raw.grammar = Some(std::sync::Arc::new(relabel(g.clone())));
        }
        if let Some(why) = read.by_identities {
            raw.columns_by_identities.get_or_insert(why);
        }
        let g = raw.grammar.as_deref().unwrap_or(g);
        split_glued(&mut panel_body, &geo);
        let groups = if g.group_attribute.is_some() {
            group_cells(&mut panel_body, pages)
        } else {
            vec![Vec::new(); panel_body.len()]
        };
        let bands = row_bands(pages, &panel_body, &geo);
        traces.push(TableTrace {
            title: raw.title.clone(),
            grammar: g.file.clone(),
            first_page: raw.first_page,
            columns: g
                .columns
                .iter()
                .map(|c| c.id.clone())
                .zip(geo.centers.iter().copied())
                .collect(),
            cells: geo.cells.clone(),
            name_end: geo.name_end,
            banded: bands.is_some(),
        });
        // Percent columns the grammar does not know (增减(%) beside 增减额): their header
        // labels, so that their cells are kept under them instead of joining row names.
        let mut percents: Vec<(f64, f64, usize)> = Vec::new();
        if g.layout != Layout::TwoSided
            && !g
                .columns
                .iter()
                .any(|c| c.kind == crate::model::ColumnKind::Percent)
        {
            for h in panel_header
                .iter()
                .filter(|h| h.tok.text.contains(['%', '％']))
            {
                let mut label = crate::vocabulary::normalize_label(&h.tok.text);
                let mut n = 2;
                while raw.percent_labels.contains(&label) {
                    label = format!("{}.{n}", crate::vocabulary::normalize_label(&h.tok.text));
                    n += 1;
                }
                percents.push((h.tok.x0, h.tok.x1, raw.percent_labels.len()));
                raw.percent_labels.push(label);
            }
        }
        lines.extend(rows(
            &panel_body,
            bands.as_deref(),
            &groups,
            pages,
            &geo,
            g,
            &percents,
        ));
    }
    raw.lines = lines;
    Ok(raw)
}

/// The lines of a list's first row printed above its amounts, taken out of `header_lines`:
/// in a table with text columns (项目名称, 绩效目标), the header lines after the last one that
/// prints a label of the grammar's columns, when they are body text (a line of more than
/// [`ROW_TEXT_CHARS`] characters among them: no header label is that long).
fn first_row_text_above(
    g: &Grammar,
    header_lines: &mut Vec<(u32, f64, Vec<PTok>, String)>,
) -> Vec<(u32, f64, Vec<PTok>)> {
    if g.text_columns.is_empty() {
        return Vec::new();
    }
    let labels: Vec<String> = g
        .columns
        .iter()
        .flat_map(|c| c.label.split('/'))
        .chain(g.text_columns.iter().map(|c| c.label.as_str()))
        .map(crate::vocabulary::normalize_label)
        .filter(|l| !l.is_empty())
        .collect();
    let Some(last_label) = header_lines.iter().rposition(|(_, _, _, text)| {
        let text = crate::vocabulary::normalize_label(text);
        labels.iter().any(|l| text.contains(l.as_str()))
    }) else {
        return Vec::new();
    };
    let after = &header_lines[last_label + 1..];
    if !after
        .iter()
        .any(|(_, _, _, text)| text.chars().count() > ROW_TEXT_CHARS)
    {
        return Vec::new();
    }
    header_lines
        .drain(last_label + 1..)
        .map(|(page, y, toks, _)| (page, y, toks))
        .collect()
}

/// Characters of a line that is a text cell's content, not a header label.
const ROW_TEXT_CHARS: usize = 24;

/// Whether a line starts a note: "注：…", "注1：…", "备注…" (not a cell that starts with the
/// character, "注册用户总数").
fn is_note_start(t: &str) -> bool {
    if t.starts_with("备注") {
        return true;
    }
    let Some(rest) = t.strip_prefix('注') else {
        return false;
    };
    let rest = rest.trim_start();
    rest.is_empty()
        || rest.starts_with(['：', ':', '①', '（', '('])
        || rest.starts_with(|c: char| c.is_ascii_digit())
}

/// Sentences printed under the last row ("本套报表金额单位转换时可能存在尾数误差。") are the
/// table's note, not rows: lines without an amount ending in "。" after the last line that
/// has one, printed as one piece from the table's left edge (a long text cell's last wrapped
/// line also ends in "。", but inside its column or beside the other cells' lines).
fn trailing_sentences_to_note(body: &mut Vec<(u32, f64, Vec<PTok>)>, note: &mut Option<String>) {
    let text = |toks: &[PTok]| -> String { toks.iter().map(|t| t.text.as_str()).collect() };
    let left = body
        .iter()
        .filter_map(|(_, _, toks)| toks.first().map(|t| t.x0))
        .fold(f64::MAX, f64::min);
    let mut tail = Vec::new();
    while let Some((_, _, toks)) = body.last() {
        let t = text(toks);
        let amount = toks.iter().any(|k| crate::token::is_marked_amount(&k.text));
        // One piece from the left edge: a wrapped cell's line (a project's name and its
        // description) holds a piece per cell.
        let one_piece_at_left = matches!(toks.as_slice(), [k] if k.x0 <= left + 2.0);
        if amount || !one_piece_at_left || !t.ends_with('。') {
            break;
        }
        tail.push(t);
        body.pop();
    }
    for t in tail.into_iter().rev() {
        note.get_or_insert_with(String::new).push_str(&t);
    }
}

/// Pages a form-style table may run over (a project's indicators spill onto the next page);
/// what follows the last form of a document is not read as part of it.
const FORM_PAGES: usize = 3;

/// A form-style table (layout `performance`: 项目名称 / 资金总额 / 指标 laid out as a form,
/// not in columns): every line from the title to the next title or a part heading, at most
/// [`FORM_PAGES`] pages, as pieces in reading order. Which lines are its figures is the
/// performance reader's business (the grammar's blocks), not the column geometry's.
fn form_region(
    pages: &[PageLayout],
    h: &TitleHit,
    end: (usize, usize),
    mut raw: RawTable,
) -> RawTable {
    let mut n = 0u32;
    let mut pi = h.page_idx;
    let mut li = h.line_idx + h.lines;
    'pages: while pi < pages.len() && pi < h.page_idx + FORM_PAGES && (pi, li) < end {
        let p = &pages[pi];
        while li < p.lines.len() && (pi, li) < end {
            let l = &p.lines[li];
            li += 1;
            let t = line_text(l);
            if is_part_heading(&t) {
                break 'pages;
            }
            if is_page_number(l) && (li <= 1 || li >= p.lines.len()) {
                continue;
            }
            if let Some(u) = unit_in(&t) {
                raw.unit.get_or_insert(u);
            }
            n += 1;
            let tokens: Vec<crate::token::Token> = ptoks(l)
                .into_iter()
                .map(|t| crate::token::Token {
                    kind: crate::token::classify(&t.text),
                    text: t.text,
                    line: n,
                    page: p.page,
                    column: None,
                    x0: Some(t.x0),
                })
                .collect();
            raw.last_page = p.page;
            raw.lines.push(crate::assemble::RawLine {
                line: n,
                page: p.page,
                tokens,
            });
        }
        pi += 1;
        li = 0;
    }
    raw
}

/// Where side-by-side panels start when no 类 label marks them: at the header label printed
/// once per panel whose first print is leftmost ("经济分类" over each panel's 科目编码 column,
/// the 7-digit layout of Shanghai's 基本支出决算表). Empty when no label repeats so.
fn repeated_label_starts(header: &[HeaderTok], panels: usize) -> Vec<f64> {
    let mut by_text: std::collections::BTreeMap<String, Vec<f64>> = Default::default();
    // Tokens hold no white space (split at it).
    for h in header.iter().filter(|h| !h.tok.text.is_empty()) {
        by_text
            .entry(h.tok.text.clone())
            .or_default()
            .push(h.tok.x0);
    }
    by_text
        .into_values()
        .filter(|xs| xs.len() == panels)
        .map(|mut xs| {
            xs.sort_by(f64::total_cmp);
            xs
        })
        .filter(|xs| xs.windows(2).all(|w| w[1] - w[0] > 20.0))
        .min_by(|a, b| a[0].total_cmp(&b[0]))
        .map(|xs| xs.into_iter().map(|x| x - 8.0).collect())
        .unwrap_or_default()
}

/// What a panel's columns are read from: its header pieces, its body lines, the page's
/// vertical rulings and the body's y extent.
#[derive(Clone, Copy)]
struct Panel<'a> {
    header: &'a [HeaderTok],
    body: &'a [(u32, f64, Vec<PTok>)],
    verticals: &'a [(f64, f64, f64)],
    y_range: (f64, f64),
}

/// How a panel's columns were read.
struct ColumnReading {
    geometry: ColumnGeometry,
    /// The grammar read with, when it is not the title's own (another grammar of the kind, or
    /// one adapted to the printed columns).
    grammar: Option<Grammar>,
    /// Label paths of printed columns no grammar column names.
    derived: Vec<String>,
    /// Why the printed header's columns were taken over the grammar's labels located in it.
    by_identities: Option<String>,
}

/// Locates a panel's columns: the title's grammar by its labels; else the first other grammar
/// of the same kind whose labels are all printed (`alternatives`, in order of preference);
/// else the columns the header prints, read under whichever of these grammars names most of
/// them (the first on a tie). Where the labels are located but the table's identities fail
/// under them (labels of a header printed in another order, a leaf repeated under several
/// parents, another family's grammar), another grammar of the kind whose labels are all
/// located, or else the printed header's columns, is taken if the identities hold better.
fn read_columns(
    g: &Grammar,
    alternatives: &[&Grammar],
    panel: &Panel,
) -> Result<ColumnReading, String> {
    let Panel {
        header,
        body,
        verticals,
        y_range,
    } = *panel;
    let by_labels = |g: &Grammar| {
        geometry(g, header, verticals, y_range)
            .and_then(|geo| geo.check_unprinted(body).map(|()| geo))
            .and_then(|geo| one_amount_per_cell(&geo, body).map(|()| geo))
            .and_then(|geo| no_amounts_among_names(&geo, body).map(|()| geo))
    };
    // Every label of another grammar located (a family's grammar is tried for another
    // family's table only where it fits the whole header).
    let all_located = |alt: &Grammar| {
        by_labels(alt).and_then(|geo| match geo.unprinted.is_empty() {
            true => Ok(geo),
            false => Err(String::new()),
        })
    };
    // Labels located, unless the identities hold better under another grammar of the kind
    // whose labels are all located, or under the printed header's columns.
    let located = |grammar: &Grammar, geometry: ColumnGeometry, own: bool| {
        let fit = identity_fit(grammar, &geometry, body);
        let mut reading = ColumnReading {
            geometry,
            grammar: (!own).then(|| grammar.clone()),
            derived: Vec::new(),
            by_identities: None,
        };
        if fit.fails == 0 {
            return reading;
        }
        let mut best = fit;
        for alt in alternatives.iter().filter(|a| !std::ptr::eq(**a, grammar)) {
            let Ok(geometry) = all_located(alt) else {
                continue;
            };
            let alt_fit = identity_fit(alt, &geometry, body);
            if alt_fit.better_than(best) {
                best = alt_fit;
                reading = ColumnReading {
                    geometry,
                    grammar: Some((*alt).clone()),
                    derived: Vec::new(),
                    by_identities: Some(format!(
                        "columns located by the labels of grammar {}: where the labels of grammar {} are located, {} identity check(s) fail and {} hold; under {} {} fail and {} hold",
                        alt.file, grammar.file, fit.fails, fit.holds, alt.file, alt_fit.fails, alt_fit.holds
                    )),
                };
            }
        }
        if let Ok(mut printed) = printed_reading(g, alternatives, panel) {
            let adapted = printed.grammar.as_ref().unwrap_or(g);
            let printed_fit = identity_fit(adapted, &printed.geometry, body);
            if printed_fit.better_than(best) {
                printed.by_identities = Some(format!(
                    "columns read from the printed header: where the labels of grammar {} are located, {} identity check(s) fail and {} hold; under the printed columns {} fail and {} hold",
                    grammar.file, fit.fails, fit.holds, printed_fit.fails, printed_fit.holds
                ));
                return printed;
            }
        }
        reading
    };
    let first_error = match by_labels(g) {
        Ok(geometry) => return Ok(located(g, geometry, true)),
        Err(e) => e,
    };
    for alt in alternatives {
        if let Ok(geometry) = all_located(alt) {
            return Ok(located(alt, geometry, false));
        }
    }
    printed_reading(g, alternatives, panel)
        .map_err(|derived_error| format!("{first_error}; {derived_error}"))
}

/// The columns the header prints, read under whichever of the title's grammar and the
/// alternatives names most of them; of those naming as many, the one under which most of
/// the table's identity checks hold (the first on a tie).
fn printed_reading(
    g: &Grammar,
    alternatives: &[&Grammar],
    panel: &Panel,
) -> Result<ColumnReading, String> {
    let Panel {
        header,
        body,
        verticals,
        y_range,
    } = *panel;
    // (columns named, identity checks holding, failing as a negative count)
    let mut best: Option<((usize, usize, i64), ColumnReading)> = None;
    let mut derived_error = String::new();
    for cand in std::iter::once(g).chain(alternatives.iter().copied()) {
        match derived_geometry(cand, header, body, verticals, y_range) {
            Ok((adapted, geometry, readings)) => {
                let named = readings
                    .iter()
                    .filter(|r| matches!(r, Reading::Grammar(_)))
                    .count();
                if best.as_ref().is_some_and(|((n, _, _), _)| *n > named) {
                    continue;
                }
                let fit = identity_fit(&adapted, &geometry, body);
                let rank = (named, fit.holds, -(fit.fails as i64));
                if best.as_ref().is_some_and(|(r, _)| *r >= rank) {
                    continue;
                }
                let derived = adapted
                    .columns
                    .iter()
                    .zip(&readings)
                    .filter(|(_, r)| matches!(r, Reading::Derived(_)))
                    .map(|(c, _)| c.label.clone())
                    .collect();
                best = Some((
                    rank,
                    ColumnReading {
                        geometry,
                        grammar: Some(adapted),
                        derived,
                        by_identities: None,
                    },
                ));
            }
            Err(e) => {
                if std::ptr::eq(cand, g) {
                    derived_error = e
                }
            }
        }
    }
    best.map(|(_, r)| r).ok_or(derived_error)
}

/// Whether the located columns put at most one amount of a printed line in each column; two
/// in one means the labels were located in the wrong places.
fn one_amount_per_cell(geo: &ColumnGeometry, body: &[(u32, f64, Vec<PTok>)]) -> Result<(), String> {
    for (page, _, toks) in body {
        let mut seen: Vec<usize> = Vec::new();
        for t in toks {
            if !crate::token::is_marked_amount(&t.text) {
                continue;
            }
            if let Some(c) = geo.column_at(t.x0, t.x1) {
                if seen.contains(&c) {
                    return Err(format!(
                        "two amounts of one line on page {page} fall in one located column (the amount {})",
                        t.text
                    ));
                }
                seen.push(c);
            }
        }
    }
    Ok(())
}

/// Located columns that leave two or more amounts of a line left of the first column (where
/// they would be read as part of the row's name) miss columns the page prints: Jiangsu's
/// one-column 收入总表 located by its 金额 on the central template's ten-column 部门收入总表,
/// whose 合计, 上年结转 and 一般公共预算拨款收入 amounts it glued into the name.
fn no_amounts_among_names(
    geo: &ColumnGeometry,
    body: &[(u32, f64, Vec<PTok>)],
) -> Result<(), String> {
    for (page, _, toks) in body {
        let among_names: Vec<&str> = toks
            .iter()
            .filter(|t| crate::token::is_marked_amount(&t.text))
            .filter(|t| (t.x0 + t.x1) / 2.0 < geo.name_end)
            .map(|t| t.text.as_str())
            .collect();
        if among_names.len() >= 2 {
            return Err(format!(
                "amounts {among_names:?} of one line on page {page} lie left of every located column"
            ));
        }
    }
    Ok(())
}

/// Whether a line is part of the table's header (repeated on a continuation page).
fn header_repeat(t: &str, header: &str) -> bool {
    !t.is_empty() && header.contains(t)
}

/// Whether a line repeats the table's label or title (printed again on a continuation page,
/// "表4" above "基本支出总表").
fn title_repeat(t: &str, raw: &RawTable) -> bool {
    // All three are white space removed already (line text, number and title).
    !t.is_empty() && (raw.number.as_deref() == Some(t) || raw.title.contains(t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::header::test_support::h;

    #[test]
    fn notes_start_with_a_note_mark_not_with_the_character() {
        assert!(is_note_start(
            "注：表中经济分类科目，根据各部门实际预算编制情况编列。"
        ));
        assert!(is_note_start("注1:单位为万元"));
        assert!(is_note_start("备注"));
        assert!(is_note_start("注"));
        assert!(!is_note_start("注册用户总数；实施周期指标值:≧3100万"));
        assert!(!is_note_start("行政经费"));
    }

    #[test]
    fn sentences_under_the_last_row_go_to_the_note() {
        // Guangzhou 收支总体情况表 (page 7): the last row, then a sentence from the left edge.
        let mut body = vec![
            (
                7,
                120.0,
                vec![
                    PTok::at("支出总计", 300.0, 340.0),
                    PTok::at("98,880.78", 500.0, 540.0),
                ],
            ),
            (
                7,
                100.0,
                vec![PTok::at(
                    "本套报表金额单位转换时可能存在尾数误差。",
                    40.0,
                    260.0,
                )],
            ),
            (
                7,
                90.0,
                vec![
                    PTok::at("收入总计", 40.0, 80.0),
                    PTok::at("98,880.78", 200.0, 240.0),
                ],
            ),
        ];
        // A sentence above a row with an amount is a wrapped cell's line, left alone.
        let mut note = None;
        trailing_sentences_to_note(&mut body, &mut note);
        assert_eq!((body.len(), note.as_deref()), (3, None));
        body.pop();
        trailing_sentences_to_note(&mut body, &mut note);
        assert_eq!(body.len(), 1);
        assert_eq!(
            note.as_deref(),
            Some("本套报表金额单位转换时可能存在尾数误差。")
        );
        // The last line of a project's wrapped description, beside its name's last line, is
        // a cell's, not a note.
        let mut body = vec![
            (
                21,
                120.0,
                vec![
                    PTok::at("广州市行政复议中心", 40.0, 120.0),
                    PTok::at("447.00", 500.0, 530.0),
                ],
            ),
            (
                21,
                110.0,
                vec![
                    PTok::at("目购置费", 40.0, 80.0),
                    PTok::at("各项功能提供坚实保障。", 200.0, 300.0),
                ],
            ),
        ];
        let mut note = None;
        trailing_sentences_to_note(&mut body, &mut note);
        assert_eq!((body.len(), note), (2, None));
    }

    #[test]
    fn located_columns_that_leave_amounts_among_the_names_do_not_fit() {
        // Central 部门收入总表 in a `pdftotext -layout` dump (inspect --page 6): a one-column
        // grammar located at x 203 leaves 合计, 上年结转 and 一般公共预算拨款收入 of the line
        // left of it.
        let geo = ColumnGeometry {
            centers: vec![243.0],
            cells: Vec::new(),
            code_zone: None,
            name_end: 203.0,
            text_centers: Vec::new(),
            unprinted: Vec::new(),
            printed_leaves: Vec::new(),
        };
        let line = |toks: Vec<PTok>| vec![(6, 632.0, toks)];
        let glued = line(vec![
            PTok::at("50,616.94", 0.0, 40.0),
            PTok::at("2,254.12", 58.0, 94.0),
            PTok::at("16,474.82", 108.0, 148.0),
            PTok::at("31,888.00", 392.0, 432.0),
        ]);
        let e = no_amounts_among_names(&geo, &glued).expect_err("amounts among the names");
        assert!(e.contains("50,616.94") && e.contains("page 6"), "{e}");
        // A name holding one figure (or a code) is still a name.
        let named = line(vec![
            PTok::at("2010101", 0.0, 30.0),
            PTok::at("1.5万元以下项目", 40.0, 120.0),
            PTok::at("12.00", 220.0, 243.0),
        ]);
        assert!(no_amounts_among_names(&geo, &named).is_ok());
    }

    #[test]
    fn panels_start_at_the_label_each_prints_once() {
        // Two panels of 经济分类科目编码 | 科目名称 | 决算数, no 类 labels.
        let header = [
            h(1, "经济分类", 66.0, 108.0),
            h(1, "经济分类", 305.0, 347.0),
            h(2, "科目名称", 149.0, 190.0),
            h(2, "决算数", 246.0, 277.0),
            h(2, "科目名称", 395.0, 437.0),
            h(2, "决算数", 491.0, 522.0),
        ];
        assert_eq!(repeated_label_starts(&header, 2), [58.0, 297.0]);
        // A label printed once per panel must be printed that many times.
        assert!(repeated_label_starts(&header, 3).is_empty());
    }

    #[test]
    fn labels_whose_identities_fail_give_way_to_another_grammar_of_the_kind() {
        // Hangzhou's 三公 table (p21 of the corpus file), read in a document whose titles
        // vote for Jiangsu's family. Jiangsu's grammar (合计 adding 会议费 and 培训费, and a
        // “三公”经费 小计) locates 合计 in "“三公”经费合计" and its 小计 in the 公务用车 小计:
        // 18.00 against parts giving 24.02. The national grammar locates all its labels and
        // its identities hold (24.02 = 18.00 + 6.02, 18.00 = 18.00).
        let set = crate::grammar::GrammarSet::builtin();
        let grammar = |file: &str| set.grammars.iter().find(|g| g.file == file).expect(file);
        let jiangsu = grammar("jiangsu-provincial-budget/09-three_public.toml");
        let national = grammar("national/12-three_public.toml");
        let header = [
            h(1, "公务用车购置及运行费", 374.0, 474.0),
            h(2, "“三公”经", 211.0, 261.0),
            h(2, "因公出国", 282.0, 322.0),
            h(2, "公务用车", 463.0, 503.0),
            h(2, "公务接", 521.0, 551.0),
            h(3, "单位名称", 101.0, 141.0),
            h(3, "公务用车", 407.0, 447.0),
            h(4, "费合计", 221.0, 251.0),
            h(4, "(境)费用", 282.0, 322.0),
            h(4, "小计", 358.0, 378.0),
            h(4, "运行维护", 463.0, 503.0),
            h(4, "待费", 526.0, 546.0),
            h(5, "购置费", 412.0, 442.0),
            h(6, "费", 478.0, 488.0),
        ];
        let line = |y: f64, cells: &[(&str, f64, f64)]| {
            let toks = cells.iter().map(|&(t, a, b)| PTok::at(t, a, b)).collect();
            (21, y, toks)
        };
        let body = vec![
            line(
                420.0,
                &[
                    ("合计", 45.0, 65.0),
                    ("24.02", 238.0, 263.0),
                    ("18.00", 369.0, 394.0),
                    ("18.00", 482.0, 507.0),
                    ("6.02", 535.0, 555.0),
                ],
            ),
            line(
                404.0,
                &[
                    ("杭州市气象局", 45.0, 105.0),
                    ("13.13", 238.0, 263.0),
                    ("7.20", 374.0, 394.0),
                    ("7.20", 487.0, 507.0),
                    ("5.93", 535.0, 555.0),
                ],
            ),
        ];
        let verticals: Vec<(f64, f64, f64)> =
            [39.5, 203.0, 268.8, 335.2, 399.8, 454.1, 512.4, 560.5]
                .iter()
                .map(|&x| (x, 390.0, 500.0))
                .collect();
        let panel = Panel {
            header: &header,
            body: &body,
            verticals: &verticals,
            y_range: (390.0, 430.0),
        };
        let read = read_columns(jiangsu, &[national], &panel).expect("columns read");
        let taken = read.grammar.as_ref().map(|g| g.file.as_str());
        assert_eq!(taken, Some("national/12-three_public.toml"));
        assert!(
            read.by_identities
                .as_deref()
                .is_some_and(|why| why.contains("jiangsu-provincial-budget/09-three_public.toml")),
            "{:?}",
            read.by_identities
        );
    }
}
