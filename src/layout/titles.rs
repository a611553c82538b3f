//! Title finding: table titles matched against the grammars and the national vocabulary
//! ([`crate::vocabulary`]: wrapped titles, printed labels before, above or after the title,
//! the document's family for titles several families share), contents pages told apart from
//! table pages, and what the titles and the contents page tell about the document:
//! department, year, kind, tables listed but absent.

use super::pages::{line_text, ptoks, PageLayout};
use crate::assemble::RawTable;
use crate::grammar::GrammarSet;
use crate::text::re;
use crate::vocabulary::{is_label_only, kind_of, split_label};
use regex::Regex;
use std::sync::OnceLock;

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
    /// The grammar that reads the table; `None` when no grammar reads its kind (the title
    /// still ends the table before it, and the table is reported as unknown).
    pub grammar: Option<usize>,
    /// Text of the lines below the title (for choosing among grammars by header labels).
    header_guess: String,
    /// The last page (index) on which the title is printed again for the same table: the
    /// table's rows should reach it.
    pub continued_to: usize,
}

/// Lines below a title read as its likely header when choosing a grammar by header labels.
const HEADER_GUESS_LINES: usize = 8;

/// Title-like lines on one page, at least this many, with no amount: a contents page.
const CONTENTS_MIN_TITLES: usize = 3;

/// Words of which a labelled title ("表12 …表") names at least one to be taken as a table
/// title even when the vocabulary does not know its kind.
const BUDGET_WORDS: [&str; 6] = ["预算", "决算", "支出", "收入", "经费", "资金"];

/// Contents pages are looked for among the first pages only (for [`missing_tables`]).
const CONTENTS_PAGES_SEARCHED: usize = 6;

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

/// Whether a line's text holds an amount ("17,981.68", "0.50"): a table row, not a title.
fn amount_in(t: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r"\d\.\d|\d,\d{3}").is_match(t)
}

/// A contents entry: a title followed by dotted leaders and/or a page number.
fn contents_entry(t: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r"表(?:[.．…·。\-—\s]*)\d{1,3}$").is_match(t)
}

/// A contents heading: "目录" (letter-spaced or not), or a title ending in it ("2026年部门预算
/// 目录"); not a header label that ends in it ("指导性目录" over 政府购买服务 categories).
fn contents_heading(t: &str) -> bool {
    t.starts_with("目录")
        || t.ends_with("目录")
            && ["预算", "决算", "部门", "单位"]
                .iter()
                .any(|w| t.contains(w))
}

/// A contents line without its leaders and page number.
fn strip_contents_tail(t: &str) -> &str {
    t.trim_end_matches(|c: char| {
        c.is_ascii_digit()
            || matches!(c, '.' | '．' | '…' | '·' | '。' | '-' | '—')
            || c.is_whitespace()
    })
}

/// Whether a page is a table of contents: "目录" heading, several titles followed by leaders
/// or page numbers, or several titles and no amount on the page.
fn is_contents_page(p: &PageLayout, grammars: &GrammarSet) -> bool {
    let texts: Vec<String> = p.lines.iter().map(line_text).collect();
    // "目录" letter-spaced ("目   录") as most contents pages print it.
    if texts
        .iter()
        .take(4)
        .any(|t| contents_heading(&t.split_whitespace().collect::<String>()))
    {
        return true;
    }
    let entries = texts
        .iter()
        .filter(|t| contents_entry(t) && kind_known(strip_contents_tail(t), grammars))
        .count();
    if entries >= CONTENTS_MIN_TITLES {
        return true;
    }
    let titles = texts
        .iter()
        .filter(|t| title_like(t) && kind_known(t, grammars))
        .count();
    titles >= CONTENTS_MIN_TITLES && !has_amount(p)
}

/// Whether any token of the page is an amount (a number with a decimal point or separator).
fn has_amount(p: &PageLayout) -> bool {
    p.lines.iter().any(|l| {
        ptoks(l)
            .iter()
            .any(|t| crate::token::is_marked_amount(&t.text))
    })
}

/// Whether a printed line (label included) names a table kind, by a grammar or the vocabulary.
fn kind_known(t: &str, grammars: &GrammarSet) -> bool {
    if !t.contains('表') {
        return false;
    }
    let (_, title) = split_label(t);
    best_title(&title, grammars).is_some() || kind_of(&title).is_some()
}

/// What a candidate title names: `Some(Some(g))` a grammar's own title, `Some(None)` a table
/// whose grammar is chosen later or that no grammar reads, `None` not a title.
fn classify(title: &str, labelled: bool, grammars: &GrammarSet) -> Option<Option<usize>> {
    if let Some(g) = best_title(title, grammars) {
        return Some(Some(g));
    }
    if kind_of(title).is_some() {
        return Some(None);
    }
    (labelled && title.ends_with('表') && BUDGET_WORDS.iter().any(|w| title.contains(w)))
        .then_some(None)
}

/// Finds every table title in the document, in reading order.
pub fn find_titles(pages: &[PageLayout], grammars: &GrammarSet) -> Vec<TitleHit> {
    let mut hits = Vec::new();
    for (pi, p) in pages.iter().enumerate() {
        // A contents page lists titles without being them.
        if is_contents_page(p, grammars) {
            continue;
        }
        hits.extend(merge_adjacent(
            page_titles(pi, p, grammars),
            has_amount(p),
            grammars,
        ));
    }
    // A table continued on the next page under its title printed again (same label, same
    // title) is one table: the region walk follows the page break.
    let mut hits = join_repeated(hits, |prev, h| {
        prev.number.is_some() && prev.number == h.number
    });
    // Titles shared by several families ("收入预算总表") take the document's family; titles
    // only the vocabulary names take the grammar of their kind whose header labels fit best.
    let family = title_family(&hits, grammars);
    for h in &mut hits {
        if let Some(g) = best_title_in(&h.title, grammars, family.as_deref()) {
            h.grammar = Some(g);
        } else if h.grammar.is_none() {
            h.grammar = grammars
                .best_for(&h.title, &h.header_guess, family.as_deref())
                .and_then(|g| grammars.grammars.iter().position(|x| std::ptr::eq(x, g)));
        }
    }
    // An unnumbered table read row by row (a list of projects) is joined the same way.
    // Form-style tables (layout `performance`: one project per page, each under the same
    // title) stay apart, and so do pages without amounts (the region walk would not go on
    // through them).
    let amounts = |pi: usize| pages.get(pi).is_some_and(has_amount);
    let is_list = |h: &TitleHit| {
        h.grammar
            .and_then(|g| grammars.grammars.get(g))
            .is_some_and(|g| g.layout != crate::grammar::Layout::Performance)
    };
    join_repeated(hits, |prev, h| {
        prev.number.is_none()
            && h.number.is_none()
            && prev.grammar == h.grammar
            && is_list(prev)
            && amounts(h.page_idx - 1)
            && amounts(h.page_idx)
    })
}

/// Folds a title printed again at the top of the next page into the hit it continues (its
/// `continued_to`), when the titles are the same and `same(kept hit, hit)` says the table is.
fn join_repeated(
    hits: Vec<TitleHit>,
    same: impl Fn(&TitleHit, &TitleHit) -> bool,
) -> Vec<TitleHit> {
    let mut out: Vec<TitleHit> = Vec::with_capacity(hits.len());
    // The page of the previous hit, kept or folded.
    let mut reached = 0;
    for h in hits {
        let repeated = out.last().is_some_and(|prev| {
            reached + 1 == h.page_idx && prev.title == h.title && same(prev, &h)
        });
        reached = h.page_idx;
        match out.last_mut() {
            Some(prev) if repeated => prev.continued_to = h.page_idx,
            _ => out.push(h),
        }
    }
    out
}

/// Titles printed on consecutive lines: a heading naming the same table as the title below
/// it ("一、收支预算总表" over "2026年度收支预算总表") becomes that title's label; a run of
/// [`CONTENTS_MIN_TITLES`] or more titles, or of two on a page without amounts, is a list of
/// tables (contents), not tables.
fn merge_adjacent(
    page_hits: Vec<TitleHit>,
    page_has_amount: bool,
    grammars: &GrammarSet,
) -> Vec<TitleHit> {
    let mut runs: Vec<Vec<TitleHit>> = Vec::new();
    for h in page_hits {
        match runs.last_mut() {
            Some(run)
                if run.last().is_some_and(|p| {
                    p.line_idx + p.lines == h.line_idx - h.above.min(h.line_idx)
                }) =>
            {
                run.push(h)
            }
            _ => runs.push(vec![h]),
        }
    }
    let mut out = Vec::new();
    for mut run in runs {
        if run.len() >= CONTENTS_MIN_TITLES {
            continue;
        }
        let same_kind = run.len() == 2
            && kind_name(&run[0].title, grammars).is_some()
            && kind_name(&run[0].title, grammars) == kind_name(&run[1].title, grammars);
        // Two tables' titles with nothing between them, on a page without amounts: the end
        // of a contents list that ran over a page break.
        if run.len() == 2 && !same_kind && !page_has_amount {
            continue;
        }
        if run.len() == 2
            && kind_name(&run[0].title, grammars).is_some()
            && kind_name(&run[0].title, grammars) == kind_name(&run[1].title, grammars)
        {
            let (first, mut second) = (run.remove(0), run.remove(0));
            second.above += first.above + first.lines;
            second.number = second.number.or(first.number);
            out.push(second);
            continue;
        }
        out.extend(run);
    }
    out
}

/// The titles of one page, top to bottom.
fn page_titles(pi: usize, p: &PageLayout, grammars: &GrammarSet) -> Vec<TitleHit> {
    let mut hits = Vec::new();
    {
        // Each line's text once: every line is tried as a title and as the next one's head.
        let texts: Vec<String> = p.lines.iter().map(line_text).collect();
        let mut li = 0;
        while li < p.lines.len() {
            let t = texts[li].clone();
            let next = texts.get(li + 1).cloned().unwrap_or_default();
            let mut found = None;
            // A wrapped title ("…支出预" + "算表", "…经费及会议费" + "、培训费支出预算表") is
            // tried first when the next line is short or ends the title.
            let mut cands = Vec::new();
            let next_n = next.chars().count();
            if !next.is_empty()
                && !next.contains("单位")
                && !t.ends_with('表')
                && !t.ends_with('。')
                && !amount_in(&t)
                && split_label(&next).0.is_none()
                && (next_n <= 6 || next_n <= 20 && next.ends_with('表'))
            {
                cands.push((format!("{t}{next}"), 2));
            }
            cands.push((t.clone(), 1));
            for (cand, n) in cands {
                // Every title names a 表; most lines (table rows) are rejected here cheaply.
                if !cand.contains('表') || !title_like(&cand) {
                    continue;
                }
                let (mut number, title) = split_label(&cand);
                let prev_label = (number.is_none() && li > 0)
                    .then(|| texts[li - 1].clone())
                    .filter(|prev| is_label_only(prev));
                let labelled = number.is_some() || prev_label.is_some();
                if let Some(grammar) = classify(&title, labelled, grammars) {
                    let mut above = 0;
                    if let Some(prev) = prev_label {
                        number = Some(prev);
                        above = 1;
                    }
                    let header_guess = p
                        .lines
                        .iter()
                        .skip(li + n)
                        .take(HEADER_GUESS_LINES)
                        .map(line_text)
                        .collect();
                    found = Some(TitleHit {
                        page_idx: pi,
                        line_idx: li,
                        lines: n,
                        above,
                        number,
                        title,
                        grammar,
                        header_guess,
                        continued_to: pi,
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

fn best_title(title: &str, grammars: &GrammarSet) -> Option<usize> {
    best_title_in(title, grammars, None)
}

/// The grammar whose own title fits best (the longest contained), within `family` when given.
/// A grammar of another kind than the one the national vocabulary gives the whole title has
/// matched a piece of it only ("项目支出情况表" in "一般公共预算项目支出情况表（按经济分类科目）",
/// which the vocabulary calls a 一般公共预算 project table, not a project list).
fn best_title_in(title: &str, grammars: &GrammarSet, family: Option<&str>) -> Option<usize> {
    let normalised = crate::vocabulary::normalise_title(title);
    let entry = kind_of(title);
    grammars
        .grammars
        .iter()
        .enumerate()
        .filter(|(_, g)| family.is_none_or(|f| g.family == f))
        .filter(|(_, g)| entry.is_none_or(|e| e.read_by(&g.kind)))
        .map(|(i, g)| (i, g.normalised_title_score(&normalised)))
        .filter(|(_, s)| *s > 0)
        .max_by_key(|(_, s)| *s)
        .map(|(i, _)| i)
}

/// The table kind a title names: its grammar's, else the vocabulary's.
fn kind_name(title: &str, grammars: &GrammarSet) -> Option<String> {
    match best_title(title, grammars) {
        Some(g) => Some(grammars.grammars[g].kind.clone()),
        None => kind_of(title).map(|e| e.kind.clone()),
    }
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

/// Titles listed in the document's contents whose table the body lacks.
pub fn missing_tables(
    pages: &[PageLayout],
    printed_titles: &[String],
    grammars: &GrammarSet,
) -> Vec<String> {
    let mut found_kinds: Option<Vec<String>> = None;
    let mut out = Vec::new();
    for p in pages.iter().take(CONTENTS_PAGES_SEARCHED) {
        if !is_contents_page(p, grammars) {
            continue;
        }
        // A table printed but not read (its header not understood) is not missing: every
        // title found in the body counts.
        let found_kinds = found_kinds.get_or_insert_with(|| {
            printed_titles
                .iter()
                .filter_map(|t| kind_name(t, grammars))
                .collect()
        });
        for l in &p.lines {
            let t = line_text(l);
            let (_, title) = split_label(strip_contents_tail(&t));
            let Some(kind) = kind_name(&title, grammars) else {
                continue;
            };
            if !found_kinds.contains(&kind) && !out.contains(&title) {
                out.push(title);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
            grammar: Some(0),
            header_guess: String::new(),
            continued_to: 0,
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

    /// A page of lines, each a list of (x0, text) runs, 20 points apart.
    fn page(no: u32, lines: &[&[(f64, &str)]]) -> PageLayout {
        use crate::pdf::{Line, Run};
        PageLayout {
            page: no,
            lines: lines
                .iter()
                .enumerate()
                .map(|(i, runs)| Line {
                    y: 800.0 - 20.0 * i as f64,
                    runs: runs
                        .iter()
                        .map(|(x, t)| Run {
                            x0: *x,
                            x1: x + 10.0 * t.chars().count() as f64,
                            y: 800.0 - 20.0 * i as f64,
                            size: 10.0,
                            text: t.to_string(),
                            glyphs: Vec::new(),
                        })
                        .collect(),
                })
                .collect(),
            ..Default::default()
        }
    }

    fn titles(pages: &[PageLayout]) -> Vec<(u32, Option<String>, String)> {
        let set = GrammarSet::builtin();
        find_titles(pages, &set)
            .into_iter()
            .map(|h| (pages[h.page_idx].page, h.number, h.title))
            .collect()
    }

    #[test]
    fn label_above_and_vocabulary_title_found() {
        let p = page(
            5,
            &[
                &[(30.0, "表 4")],
                &[(300.0, "财政拨款收支总体情况表")],
                &[(30.0, "部门名称：某某局"), (900.0, "单位：万元")],
                &[(30.0, "一般公共预算拨款"), (900.0, "1,234.56")],
            ],
        );
        assert_eq!(
            titles(&[p]),
            [(
                5,
                Some("表4".to_string()),
                "财政拨款收支总体情况表".to_string()
            )]
        );
    }

    #[test]
    fn contents_pages_give_no_titles() {
        // No 目录 heading: several titles, no amount on the page.
        let listing = page(
            3,
            &[
                &[(100.0, "二、表格部分")],
                &[(100.0, "（一）收支总表")],
                &[(100.0, "（二）收入总表")],
                &[(100.0, "（三）支出总表")],
                &[(100.0, "（四）财政拨款收支总表")],
            ],
        );
        // Titles with leaders and page numbers, next to an amount in the page's prose.
        let leaders = page(
            2,
            &[
                &[(100.0, "本年收入 1,234.56 万元")],
                &[(100.0, "一、收支预算总表"), (500.0, "...........  8")],
                &[(100.0, "二、收入预算总表"), (500.0, "...........  9")],
                &[(100.0, "三、支出预算总表"), (500.0, "........... 10")],
            ],
        );
        assert!(titles(&[listing, leaders]).is_empty());
    }

    #[test]
    fn run_of_titles_on_a_table_page_is_a_listing() {
        let p = page(
            4,
            &[
                &[(100.0, "表1.2026年市级部门收支预算总表")],
                &[(100.0, "表2.2026年市级部门收入预算总表")],
                &[(100.0, "表3.2026年市级部门支出预算总表")],
                &[(100.0, "合计"), (600.0, "12.50")],
            ],
        );
        assert!(titles(&[p]).is_empty());
    }

    #[test]
    fn contents_tail_over_a_page_break_is_no_title() {
        let p = page(
            2,
            &[
                &[(100.0, "十二、项目支出绩效目标表")],
                &[(100.0, "十三、部门整体支出绩效目标表")],
                &[(100.0, "第一部分 部门概况")],
            ],
        );
        assert!(titles(&[p]).is_empty());
    }

    #[test]
    fn heading_over_title_of_same_table_is_one_title() {
        let p = page(
            7,
            &[
                &[(30.0, "一、收支预算总表")],
                &[(300.0, "2026 年度收支预算总表")],
                &[(30.0, "单位：万元")],
                &[(30.0, "合计"), (600.0, "12.50")],
            ],
        );
        assert_eq!(
            titles(&[p]),
            [(
                7,
                Some("一、".to_string()),
                "2026年度收支预算总表".to_string()
            )]
        );
    }

    #[test]
    fn title_repeated_over_a_page_break_continues_the_table() {
        let part = |no| {
            page(
                no,
                &[
                    &[(30.0, "表1")],
                    &[(300.0, "收支总表")],
                    &[(30.0, "合计"), (600.0, "12.50")],
                ],
            )
        };
        assert_eq!(titles(&[part(15), part(16), part(17)]).len(), 1);
        assert_eq!(titles(&[part(15), part(16), part(17), part(18)]).len(), 1);
    }

    #[test]
    fn a_title_under_a_sentence_is_not_joined_to_it() {
        // Xi'an prints its 培训费明细表 inside the explanation, right under a sentence.
        let p = page(
            14,
            &[
                &[(30.0, "增长的主要原因是：代管项目相关人员专题培训。")],
                &[(300.0, "培训费明细表")],
                &[(30.0, "序号"), (200.0, "培训名称"), (600.0, "金额")],
                &[(30.0, "1"), (200.0, "党务干部培训"), (600.0, "7.28")],
            ],
        );
        let hits = find_titles(std::slice::from_ref(&p), &GrammarSet::builtin());
        let titles: Vec<&str> = hits.iter().map(|h| h.title.as_str()).collect();
        assert_eq!(titles, ["培训费明细表"]);
    }

    #[test]
    fn a_contents_heading_is_not_a_header_label_ending_in_mulu() {
        assert!(contents_heading("目录"));
        assert!(contents_heading("目录："));
        assert!(contents_heading("2026年部门预算目录"));
        assert!(!contents_heading("指导性目录"));
        assert!(!contents_heading("政府采购目录"));
    }

    #[test]
    fn unknown_labelled_title_is_kept_and_narrative_is_not_a_title() {
        let p = page(
            9,
            &[
                &[(30.0, "表12")],
                &[(300.0, "部门预算资产配置及其他资金预算表")],
                &[(30.0, "收支总表反映了部门全部收入和支出情况，详见表1。")],
                &[(30.0, "合计"), (600.0, "12.50")],
            ],
        );
        let set = GrammarSet::builtin();
        let hits = find_titles(std::slice::from_ref(&p), &set);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].title, "部门预算资产配置及其他资金预算表");
        assert_eq!(hits[0].grammar, None, "no grammar reads this kind");
    }
}
