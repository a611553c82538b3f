//! Title finding: table titles matched against the grammars (wrapped titles, printed labels,
//! the document's family for titles several families share), and what the titles and the
//! contents page tell about the document: department, year, kind, tables listed but absent.

use super::pages::{line_text, PageLayout};
use crate::assemble::RawTable;
use crate::grammar::GrammarSet;
use crate::text::re;
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
