//! Tables from PDF geometry: positioned lines and ruling lines (from [`crate::pdf`]) become
//! table regions ([`RawTable`]) whose tokens carry the column the geometry puts them in.
//!
//! Steps: lines per page → table titles (matched against the grammars) → region up to the
//! next title (following page breaks, dropping repeated headers and page numbers) → header
//! zone, where each grammar column's label is located → cells from vertical rulings (or
//! label centres where a page has none) → one [`RawLine`] per printed row, wrapped text
//! joined to its row, split 类/款/项 codes folded into one code.

use crate::assemble::{RawLine, RawTable};
use crate::grammar::{Grammar, GrammarSet, Layout};
use crate::model::Unit;
use crate::pdf::{Line, PageInfo, PageReport, PageSink, PdfError, PdfFile, Ruling, TextLines};
use crate::text::{re, squash};
use crate::token::{Token, TokenKind};
use regex::Regex;
use std::sync::OnceLock;

/// One page as the layout step sees it.
#[derive(Debug, Clone, Default)]
pub struct PageLayout {
    /// 1-based index of the page in the file.
    pub page: u32,
    /// Lines top to bottom (y down the page decreases).
    pub lines: Vec<Line>,
    /// Vertical ruling lines: (x, y0, y1).
    pub verticals: Vec<(f64, f64, f64)>,
    /// Horizontal ruling lines: (y, x0, x1).
    pub horizontals: Vec<(f64, f64, f64)>,
    pub report: Option<PageReport>,
}

/// A sink that keeps a page's lines and vertical rulings.
#[derive(Default)]
struct Collector {
    text: TextLines,
    verticals: Vec<(f64, f64, f64)>,
    horizontals: Vec<(f64, f64, f64)>,
}

impl PageSink for Collector {
    fn begin_page(&mut self, p: &PageInfo) {
        self.text.begin_page(p);
        self.verticals.clear();
        self.horizontals.clear();
    }
    fn glyph(&mut self, g: &crate::pdf::Glyph) {
        self.text.glyph(g);
    }
    fn ruling(&mut self, r: &Ruling) {
        if (r.x0 - r.x1).abs() < 0.5 {
            self.verticals.push((r.x0, r.y0.min(r.y1), r.y0.max(r.y1)));
        } else if (r.y0 - r.y1).abs() < 0.5 {
            self.horizontals
                .push((r.y0, r.x0.min(r.x1), r.x0.max(r.x1)));
        }
    }
}

/// Reads every page's lines and rulings.
pub fn read_pages(pdf: &PdfFile) -> Result<Vec<PageLayout>, PdfError> {
    let mut out = Vec::with_capacity(pdf.page_count());
    let mut c = Collector::default();
    for i in 1..=pdf.page_count() {
        let report = pdf.walk_page(i, &mut c)?;
        out.push(PageLayout {
            page: i as u32,
            lines: c.text.lines(),
            verticals: std::mem::take(&mut c.verticals),
            horizontals: std::mem::take(&mut c.horizontals),
            report: Some(report),
        });
    }
    Ok(out)
}

fn line_text(l: &Line) -> String {
    squash(&l.text())
}

/// A table title found on a page.
#[derive(Debug, Clone)]
pub struct TitleHit {
    pub page_idx: usize,
    pub line_idx: usize,
    /// Lines the title occupies (a wrapped title takes two).
    pub lines: usize,
    /// Lines above the title that belong to it (a "公开01表" label line).
    pub above: usize,
    pub number: Option<String>,
    pub title: String,
    pub grammar: usize,
}

/// Splits a printed label off a title: "一、2018年度…" → ("一、", "2018年度…"), "表5-1…", "公开01表".
fn split_label(t: &str) -> (Option<String>, String) {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = re(
        &R,
        r"^(公开\d+表|表[一二三四五六七八九十\d]+(?:-\d+)?[.．、]?|[一二三四五六七八九十]+、)(.*)$",
    );
    match r.captures(t) {
        Some(c) => (Some(c[1].to_string()), c[2].to_string()),
        None => (None, t.to_string()),
    }
}

/// Whether a line reads as a title: short, not prose, not a contents entry.
fn title_like(t: &str) -> bool {
    let n = t.chars().count();
    (4..=60).contains(&n)
        && !t.ends_with('。')
        && !t.ends_with('，')
        && !t.contains("……")
        && !t.contains("...")
        && !t.contains("详见")
        && !t.contains("说明")
        && !t.ends_with(|c: char| c.is_ascii_digit())
}

/// Finds every table title in the document, in reading order.
pub fn find_titles(pages: &[PageLayout], grammars: &GrammarSet) -> Vec<TitleHit> {
    let mut hits = Vec::new();
    for (pi, p) in pages.iter().enumerate() {
        // A contents page lists titles without being them.
        if p.lines
            .iter()
            .take(4)
            .any(|l| line_text(l).contains("目录"))
        {
            continue;
        }
        let mut li = 0;
        while li < p.lines.len() {
            let t = line_text(&p.lines[li]);
            let next = p.lines.get(li + 1).map(line_text).unwrap_or_default();
            let mut found = None;
            // A wrapped title ("…支出预" + "算表") is tried first when the next line is short.
            let mut cands = Vec::new();
            if next.chars().count() <= 6 && !next.is_empty() && !next.contains("单位") {
                cands.push((format!("{t}{next}"), 2));
            }
            cands.push((t.clone(), 1));
            for (cand, n) in cands {
                if !title_like(&cand) {
                    continue;
                }
                let (mut number, title) = split_label(&cand);
                if let Some(g) = best_title(&title, grammars) {
                    let mut above = 0;
                    if number.is_none() && li > 0 {
                        let prev = line_text(&p.lines[li - 1]);
                        if re(&LABEL_ONLY, r"^公开\d+表$").is_match(&prev) {
                            number = Some(prev);
                            above = 1;
                        }
                    }
                    found = Some(TitleHit {
                        page_idx: pi,
                        line_idx: li,
                        lines: n,
                        above,
                        number,
                        title,
                        grammar: g,
                    });
                    break;
                }
            }
            match found {
                Some(h) => {
                    li += h.lines;
                    hits.push(h);
                }
                None => li += 1,
            }
        }
    }
    // Titles shared by several families ("收入预算总表") take the document's family.
    if let Some(f) = title_family(&hits, grammars) {
        for h in &mut hits {
            if let Some(g) = best_title_in(&h.title, grammars, Some(&f)) {
                h.grammar = g;
            }
        }
    }
    hits
}

/// The family whose grammars name most of the titles found (with their best title score);
/// `None` on a tie.
fn title_family(hits: &[TitleHit], grammars: &GrammarSet) -> Option<String> {
    let mut votes: std::collections::BTreeMap<&str, usize> = Default::default();
    for h in hits {
        let best = grammars
            .grammars
            .iter()
            .map(|g| g.title_score(&h.title))
            .max()
            .unwrap_or(0);
        let mut fams: Vec<&str> = grammars
            .grammars
            .iter()
            .filter(|g| best > 0 && g.title_score(&h.title) == best)
            .map(|g| g.family.as_str())
            .collect();
        fams.dedup();
        for f in fams {
            *votes.entry(f).or_default() += 1;
        }
    }
    let max = votes.values().copied().max()?;
    let mut top = votes.iter().filter(|(_, n)| **n == max);
    let first = top.next()?;
    top.next().is_none().then(|| first.0.to_string())
}

static LABEL_ONLY: OnceLock<Regex> = OnceLock::new();

fn best_title(title: &str, grammars: &GrammarSet) -> Option<usize> {
    best_title_in(title, grammars, None)
}

/// The grammar whose title fits best, within `family` when given.
fn best_title_in(title: &str, grammars: &GrammarSet, family: Option<&str>) -> Option<usize> {
    grammars
        .grammars
        .iter()
        .enumerate()
        .filter(|(_, g)| g.matches_title(title) && family.is_none_or(|f| g.family == f))
        .max_by_key(|(_, g)| g.title_score(title))
        .map(|(i, _)| i)
}

/// A unit printed in a line: "单位：元", "单位:万元".
fn unit_in(t: &str) -> Option<Unit> {
    static R: OnceLock<Regex> = OnceLock::new();
    let c = re(&R, r"单位[:：]?(万元|元)").captures(t)?;
    Unit::parse(&c[1])
}

/// A positioned token: text with its x range.
#[derive(Debug, Clone)]
struct PTok {
    text: String,
    x0: f64,
    x1: f64,
}

impl PTok {
    fn center(&self) -> f64 {
        (self.x0 + self.x1) / 2.0
    }
}

fn ptoks(l: &Line) -> Vec<PTok> {
    let mut out = Vec::new();
    for r in &l.runs {
        let parts: Vec<&str> = r.text.split_whitespace().collect();
        let n = parts.len().max(1) as f64;
        let w = (r.x1 - r.x0) / n;
        for (i, p) in parts.iter().enumerate() {
            out.push(PTok {
                text: p.to_string(),
                x0: r.x0 + w * i as f64,
                x1: r.x0 + w * (i + 1) as f64,
            });
        }
    }
    out
}

fn is_number(s: &str) -> bool {
    crate::token::classify(s) == TokenKind::Number
}

/// A page number or running head: a lone small number line.
fn is_page_number(l: &Line) -> bool {
    let t = line_text(l);
    l.runs.len() == 1
        && (t.len() <= 3 && t.bytes().all(|b| b.is_ascii_digit())
            || re(&PAGE_NO, r"^[-—－]\d+[-—－]$|^第\d+页").is_match(&t))
}

static PAGE_NO: OnceLock<Regex> = OnceLock::new();

/// Whether a line starts the table body: it holds an amount, or is a code row or total row.
fn body_line(l: &Line) -> bool {
    let toks = ptoks(l);
    toks.iter()
        .any(|t| is_number(&t.text) && t.text.contains(['.', ',']))
        || toks.len() >= 2
            && is_number(&toks[0].text)
            && toks.iter().skip(1).any(|t| is_number(&t.text))
}

/// Where each column of the grammar sits on the page: x centre of its header label, and the
/// cell boundaries from vertical rulings (empty where the page has none).
#[derive(Debug, Clone)]
struct ColumnGeometry {
    centers: Vec<f64>,
    cells: Vec<f64>,
    /// Right edge of the code zone (类/款/项 or 科目编码), if located.
    code_zone: Option<Vec<(f64, f64)>>,
    /// Boundary between the name zone and the first amount column.
    name_end: f64,
    /// x centres of the grammar's text columns' labels (procurement: 专项名称, 采购物品名称 …).
    text_centers: Vec<f64>,
}

impl ColumnGeometry {
    /// The grammar column a token at `x` (centre) falls in.
    fn column_at(&self, x0: f64, x1: f64) -> Option<usize> {
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
        }
        nearest(&self.centers, x)
    }

    /// The grammar text column a text token falls in: the one whose label centre is in the
    /// token's ruled cell, else the nearest label centre. `None` without text columns.
    fn text_column_at(&self, x0: f64, x1: f64) -> Option<usize> {
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

/// Index of the centre nearest to `x`.
fn nearest(centers: &[f64], x: f64) -> Option<usize> {
    (0..centers.len()).min_by(|&i, &j| (centers[i] - x).abs().total_cmp(&(centers[j] - x).abs()))
}

/// Header tokens with the line they are on.
struct HeaderTok {
    line: usize,
    tok: PTok,
}

/// Locates a label in the header: a token equal to it, a token containing it, or tokens
/// stacked in one cell whose text joins to it ("事业单位" over "经营收入").
fn locate(label: &str, header: &[HeaderTok], after: f64) -> Option<(f64, f64)> {
    let mut best: Option<(u8, f64, f64)> = None;
    let mut consider = |rank: u8, x0: f64, x1: f64| {
        let c = (x0 + x1) / 2.0;
        if c <= after {
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
        let t = squash(&h.tok.text);
        if t == label {
            consider(0, h.tok.x0, h.tok.x1);
            continue;
        } else if t.contains(label) {
            consider(2, h.tok.x0, h.tok.x1);
            continue;
        }
        // Stack the tokens below it in the same cell (overlapping x, next lines).
        let mut acc = t.clone();
        let (mut x0, mut x1) = (h.tok.x0, h.tok.x1);
        let mut line = h.line;
        for h2 in header.iter().skip(i + 1) {
            if h2.line <= line || h2.line > line + 3 {
                continue;
            }
            let c2 = h2.tok.center();
            if c2 < x0 - 4.0 || c2 > x1 + 4.0 {
                continue;
            }
            acc.push_str(&squash(&h2.tok.text));
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
            if line > h.line + 8 {
                break;
            }
        }
    }
    best.map(|(_, a, b)| (a, b))
}

/// The leaf of a label path ("基本支出/人员经费" → "人员经费"), with variants stripped of
/// brackets' width differences.
fn leaf(label: &str) -> String {
    label
        .rsplit('/')
        .next()
        .unwrap_or(label)
        .replace('（', "(")
        .replace('）', ")")
}

fn geometry(
    g: &Grammar,
    header: &[HeaderTok],
    verticals: &[(f64, f64, f64)],
    y_range: (f64, f64),
) -> Result<ColumnGeometry, String> {
    let mut centers = Vec::with_capacity(g.columns.len());
    let mut after = f64::MIN;
    let mut missing = Vec::new();
    let normalized: Vec<HeaderTok> = header
        .iter()
        .map(|h| HeaderTok {
            line: h.line,
            tok: PTok {
                text: h.tok.text.replace('（', "(").replace('）', ")"),
                x0: h.tok.x0,
                x1: h.tok.x1,
            },
        })
        .collect();
    for c in &g.columns {
        let l = leaf(&c.label);
        match locate(&l, &normalized, after) {
            Some((x0, x1)) => {
                let center = (x0 + x1) / 2.0;
                centers.push(center);
                after = center;
            }
            None => missing.push(l),
        }
    }
    let mut text_centers = Vec::with_capacity(g.text_columns.len());
    let mut after = f64::MIN;
    for c in &g.text_columns {
        let l = leaf(&c.label);
        match locate(&l, &normalized, after) {
            Some((x0, x1)) => {
                after = (x0 + x1) / 2.0;
                text_centers.push(after);
            }
            None => missing.push(l),
        }
    }
    if !missing.is_empty() {
        let text: String = header.iter().map(|h| h.tok.text.as_str()).collect();
        return Err(format!(
            "header labels not found: {missing:?} (header reads {text:?})"
        ));
    }
    // Vertical rulings crossing the body's y range.
    let mut xs: Vec<f64> = verticals
        .iter()
        .filter(|(_, y0, y1)| *y0 <= y_range.1 && *y1 >= y_range.0)
        .map(|v| v.0)
        .collect();
    xs.sort_by(|a, b| a.total_cmp(b));
    xs.dedup_by(|a, b| (*a - *b).abs() < 2.0);
    // Code zone: 类/款/项 headers, else the 编码/代码 label.
    let zones: Vec<(f64, f64)> = ["类", "款", "项"]
        .iter()
        .filter_map(|l| {
            header
                .iter()
                .find(|h| squash(&h.tok.text) == *l)
                .map(|h| (h.tok.x0, h.tok.x1))
        })
        .collect();
    let code_zone = (zones.len() >= 2).then_some(zones);
    let first = centers.first().copied().unwrap_or(0.0);
    let name_center = header
        .iter()
        .filter(|h| {
            let t = squash(&h.tok.text);
            (t.contains("名称") || t == "项目") && h.tok.center() < first
        })
        .map(|h| h.tok.center())
        .fold(None, |m: Option<f64>, c| Some(m.map_or(c, |m| m.max(c))));
    let name_end = match name_center {
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
    })
}

/// What the layout step decided for one table (panel): for `inspect` and debugging.
#[derive(Debug, Clone)]
pub struct TableTrace {
    pub title: String,
    pub grammar: String,
    pub first_page: u32,
    /// Each grammar column with the x centre of its header label.
    pub columns: Vec<(String, f64)>,
    /// Cell boundaries from vertical rulings (empty: label centres were used).
    pub cells: Vec<f64>,
    /// x where the name zone ends and amount columns begin.
    pub name_end: f64,
    /// Whether rows were grouped by ruled bands (else by printed lines).
    pub banded: bool,
}

/// Builds the raw tables of a PDF: one per title found.
pub fn tables(
    pages: &[PageLayout],
    grammars: &GrammarSet,
) -> (Vec<RawTable>, Vec<(usize, String)>) {
    let (raws, _, failures) = tables_traced(pages, grammars);
    (raws, failures)
}

/// [`tables`], with a trace of each table's geometry.
pub fn tables_traced(
    pages: &[PageLayout],
    grammars: &GrammarSet,
) -> (Vec<RawTable>, Vec<TableTrace>, Vec<(usize, String)>) {
    let hits = find_titles(pages, grammars);
    let mut out = Vec::new();
    let mut traces = Vec::new();
    let mut failures = Vec::new();
    for (k, h) in hits.iter().enumerate() {
        let g = &grammars.grammars[h.grammar];
        let end = hits
            .get(k + 1)
            .map(|n| (n.page_idx, n.line_idx - n.above.min(n.line_idx)))
            .unwrap_or((pages.len(), 0));
        match region(pages, h, end, g, &mut traces) {
            Ok(t) => out.push(t),
            Err(e) => failures.push((k, e)),
        }
    }
    (out, traces, failures)
}

fn is_part_heading(t: &str) -> bool {
    re(&PART, r"^第[一二三四五六七八九十]+部分").is_match(t)
}

static PART: OnceLock<Regex> = OnceLock::new();

fn region(
    pages: &[PageLayout],
    h: &TitleHit,
    end: (usize, usize),
    g: &Grammar,
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
    // Lines of the region, page by page.
    let mut header: Vec<HeaderTok> = Vec::new();
    let mut geo_at: Option<(usize, f64, f64)> = None;
    let mut body: Vec<(u32, f64, Vec<PTok>)> = Vec::new();
    let mut header_line = 0usize;
    let mut pi = h.page_idx;
    let mut li = h.line_idx + h.lines;
    let mut in_body = false;
    let mut first_page = true;
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
            if is_page_number(l) && (li <= 1 || li >= p.lines.len()) {
                continue;
            }
            if let Some(u) = unit_in(&t) {
                raw.unit.get_or_insert(u);
                continue;
            }
            if t.starts_with("编制部门") || t.starts_with("编制单位") || t.starts_with("部门：")
            {
                continue;
            }
            if t.starts_with("注")
                || t.starts_with("备注")
                || t.contains("本表为空表")
                || t.contains("无数据")
            {
                raw.note.get_or_insert_with(String::new).push_str(&t);
                continue;
            }
            if !in_body {
                if body_line(l) {
                    in_body = true;
                    // Some producers print the 类/款/项 labels in the first data row's band.
                    for tok in ptoks(l) {
                        if matches!(tok.text.as_str(), "类" | "款" | "项") {
                            header.push(HeaderTok {
                                line: header_line + 1,
                                tok,
                            });
                        }
                    }
                    let ys: Vec<f64> = p.lines.iter().map(|l| l.y).collect();
                    let lo = ys.iter().copied().fold(f64::MAX, f64::min);
                    geo_at = Some((pi, lo, l.y + 1.0));
                } else {
                    raw.header.push_str(&t);
                    header_line += 1;
                    for tok in ptoks(l) {
                        header.push(HeaderTok {
                            line: header_line,
                            tok,
                        });
                    }
                    continue;
                }
            } else if !page_started
                && !first_page
                && !body_line(l)
                && header_repeat(&t, &raw.header)
            {
                // A header repeated on a continuation page.
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
            let goes_on = lines.iter().position(|l| body_line(l)).is_some_and(|k| {
                k < 25
                    && lines[..k].iter().all(|l| {
                        let t = line_text(l);
                        !is_part_heading(&t) && t.chars().count() <= 30
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
    if !in_body {
        // Header only: an empty table (its note, if any, says so).
        return Ok(raw);
    }
    let (gp, lo, hi) = geo_at.ok_or("no column geometry")?;
    let verticals = &pages[gp].verticals;
    // Panels side by side repeat the columns: each is read as its own table, then joined.
    let starts: Vec<f64> = if g.panels > 1 {
        let mut xs: Vec<f64> = header
            .iter()
            .filter(|h| h.tok.text == "类")
            .map(|h| h.tok.x0 - 8.0)
            .collect();
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
        let geo = geometry(g, &panel_header, verticals, (lo, hi))
            .map_err(|e| format!("{}: {e}", raw.display_name()))?;
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
        lines.extend(rows(&panel_body, bands.as_deref(), &groups, pages, &geo, g));
    }
    raw.lines = lines;
    Ok(raw)
}

/// Group cells of a label-keyed table: a text cell whose ruled cell (rulings across its own
/// x range) holds lines with text right of it labels those lines ("一般公共预算资金" beside
/// 小计 / 公共财政拨款(补助)资金 / 专项收入). Removes such cells from their line and returns,
/// per line, the group labels it falls under.
fn group_cells(body: &mut [(u32, f64, Vec<PTok>)], pages: &[PageLayout]) -> Vec<Vec<String>> {
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

/// Joins a line's tokens into the row of its band: the code first, text in reading order,
/// amounts after.
fn merge_band_line(row: &mut Vec<Token>, tokens: Vec<Token>) {
    for t in tokens {
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
fn row_bands(
    pages: &[PageLayout],
    body: &[(u32, f64, Vec<PTok>)],
    geo: &ColumnGeometry,
) -> Option<Vec<usize>> {
    let x = *geo.centers.first()?;
    let mut bands = Vec::with_capacity(body.len());
    let mut seen: std::collections::HashMap<(u32, usize), Vec<usize>> = Default::default();
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
                    if cols.contains(&c) {
                        return None;
                    }
                    cols.push(c);
                }
            }
        }
        bands.push(band + (*page as usize) * 10_000);
    }
    Some(bands)
}

/// Whether a line is part of the table's header (repeated on a continuation page).
fn header_repeat(t: &str, header: &str) -> bool {
    !t.is_empty() && header.contains(t)
}

/// Groups body lines into printed rows with column hints. A line with amounts or a code is a
/// row; a text-only line is a wrapped cell and joins the nearer row on its page.
fn rows(
    body: &[(u32, f64, Vec<PTok>)],
    bands: Option<&[usize]>,
    groups: &[Vec<String>],
    pages: &[PageLayout],
    geo: &ColumnGeometry,
    g: &Grammar,
) -> Vec<RawLine> {
    let mut out: Vec<(u32, f64, Vec<Token>, bool)> = Vec::new();
    let two_sided = g.layout == Layout::TwoSided;
    for (n, (page, y, toks)) in body.iter().enumerate() {
        let line_no = n as u32 + 1;
        let mut tokens = Vec::new();
        let mut has_data = false;
        let mut code_parts: Vec<(usize, String)> = Vec::new();
        // Group labels: numbered one past the text columns.
        let group = geo.centers.len() + g.text_columns.len();
        for label in groups.get(n).into_iter().flatten() {
            tokens.push(Token {
                text: label.clone(),
                kind: TokenKind::Text,
                line: line_no,
                page: *page,
                column: Some(group),
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
                    // Text columns are numbered after the amount columns.
                    geo.text_column_at(t.x0, t.x1)
                        .map(|j| geo.centers.len() + j)
                };
                tokens.push(Token {
                    text: t.text.clone(),
                    kind: TokenKind::Text,
                    line: line_no,
                    page: *page,
                    column,
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
            tokens.insert(
                0,
                Token {
                    text: code,
                    kind: TokenKind::Number,
                    line: line_no,
                    page: *page,
                    column: None,
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
            }
            _ => out.push((*page, *y, tokens, has_data)),
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
                    if (out[p].1 - out[i].1).abs() <= (out[n].1 - out[i].1).abs() {
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

/// The right edge of the ruled cell holding a token on a line at `y`: the nearest vertical
/// ruling right of the token that crosses the line.
fn cell_right_edge(verticals: &[(f64, f64, f64)], t: &PTok, y: f64) -> Option<f64> {
    verticals
        .iter()
        .filter(|v| v.0 >= t.x1 - 1.0 && v.1 <= y && v.2 >= y)
        .map(|v| v.0)
        .reduce(f64::min)
}

/// Department, year and kind from the first table's 编制部门 line and title.
pub fn identity(
    pages: &[PageLayout],
) -> (Option<String>, Option<u16>, Option<crate::model::DocKind>) {
    static DEPT: OnceLock<Regex> = OnceLock::new();
    static YEAR: OnceLock<Regex> = OnceLock::new();
    let dept_re = re(
        &DEPT,
        r"(?:编制部门|编制单位|部门)[:：](\S+?)(?:单位[:：]|$)",
    );
    let year_re = re(&YEAR, r"((?:19|20)\d\d)年度?(?:部门|单位)?.*?(预算|决算)");
    static PART_TITLE: OnceLock<Regex> = OnceLock::new();
    let part_re = re(
        &PART_TITLE,
        r"^第[一二三四五六七八九十]+部分(\S+?)((?:19|20)\d\d)年度?(?:部门|单位)(预算|决算)",
    );
    let (mut dept, mut year, mut kind) = (None, None, None);
    for p in pages {
        for l in &p.lines {
            if let Some(c) = part_re.captures(&line_text(l)) {
                dept = Some(c[1].to_string());
            }
        }
        if dept.is_some() {
            break;
        }
    }
    for p in pages {
        for l in &p.lines {
            let t = line_text(l);
            if dept.is_none() {
                if let Some(c) = dept_re.captures(&t) {
                    dept = Some(c[1].to_string());
                }
            }
            if year.is_none() && t.chars().count() <= 60 {
                if let Some(c) = year_re.captures(&t) {
                    year = c[1].parse().ok();
                    kind = Some(if &c[2] == "决算" {
                        crate::model::DocKind::FinalAccounts
                    } else {
                        crate::model::DocKind::Budget
                    });
                }
            }
        }
        if dept.is_some() && year.is_some() {
            break;
        }
    }
    (dept, year, kind)
}

/// The department named in a table title between its year and the table's own title
/// ("2018年度江苏省高级人民法院收支预算总表" → "江苏省高级人民法院"), for documents whose tables
/// print no 部门 line.
pub fn department_from_titles(found: &[RawTable], grammars: &GrammarSet) -> Option<String> {
    static YEAR: OnceLock<Regex> = OnceLock::new();
    let year_re = re(&YEAR, r"^(?:19|20)\d\d年度?(.+)$");
    found.iter().find_map(|f| {
        let rest = year_re.captures(&f.title)?.get(1)?.as_str();
        let g = &grammars.grammars[best_title(rest, grammars)?];
        let title = g
            .titles
            .iter()
            .filter(|t| rest.ends_with(t.as_str()))
            .max_by_key(|t| t.len())?;
        let dept = rest[..rest.len() - title.len()].trim_end_matches("部门");
        (dept.chars().count() >= 2).then(|| dept.to_string())
    })
}

/// Titles listed in the document's contents (目录) whose table the body lacks.
pub fn missing_tables(
    pages: &[PageLayout],
    found: &[RawTable],
    grammars: &GrammarSet,
) -> Vec<String> {
    let mut out = Vec::new();
    for p in pages.iter().take(6) {
        if !p
            .lines
            .iter()
            .take(4)
            .any(|l| line_text(l).contains("目录"))
        {
            continue;
        }
        for l in &p.lines {
            let t = line_text(l);
            let t = t
                .trim_end_matches(|c: char| c.is_ascii_digit() || c == '.' || c == '…' || c == '·');
            let (_, title) = split_label(t);
            let Some(g) = best_title(&title, grammars) else {
                continue;
            };
            let kind = &grammars.grammars[g].kind;
            let present = found.iter().any(|f| {
                best_title(&f.title, grammars).is_some_and(|fg| &grammars.grammars[fg].kind == kind)
            });
            if !present && !out.contains(&title) {
                out.push(title);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok(text: &str, x0: f64, x1: f64) -> PTok {
        PTok {
            text: text.into(),
            x0,
            x1,
        }
    }

    fn page(horizontals: &[(f64, f64, f64)]) -> PageLayout {
        PageLayout {
            page: 1,
            horizontals: horizontals.to_vec(),
            ..Default::default()
        }
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

    #[test]
    fn department_between_year_and_title() {
        let set = GrammarSet::builtin();
        let raw = |title: &str| RawTable {
            title: title.into(),
            ..Default::default()
        };
        assert_eq!(
            department_from_titles(&[raw("2018年度江苏省高级人民法院收支预算总表")], &set)
                .as_deref(),
            Some("江苏省高级人民法院")
        );
        assert_eq!(
            department_from_titles(
                &[raw("收支预算总表"), raw("2025年部门财务收支预算总表")],
                &set
            ),
            None
        );
    }

    #[test]
    fn title_family_is_the_one_naming_most_titles() {
        let set = GrammarSet::builtin();
        let hit = |title: &str| TitleHit {
            page_idx: 0,
            line_idx: 0,
            lines: 1,
            above: 0,
            number: None,
            title: title.into(),
            grammar: 0,
        };
        // 收入预算总表 is shared; 机关运行经费 and 政府采购 are Jiangsu's only.
        let hits = [
            hit("收入预算总表"),
            hit("一般公共预算机关运行经费支出预算表"),
            hit("政府采购预算表"),
        ];
        assert_eq!(
            title_family(&hits, &set).as_deref(),
            Some("jiangsu-provincial-budget")
        );
        let shanghai = [hit("2025年部门财务收支预算总表"), hit("部门收入预算总表")];
        assert_eq!(
            title_family(&shanghai, &set).as_deref(),
            Some("shanghai-district-budget")
        );
        assert!(!title_like("一、收支预算总表情况说明"));
    }
}
