//! The text-dump reader: a PDF-to-text dump's lines become pages, table regions
//! ([`RawTable`]) and narrative, ready for grammar-driven assembly.
//!
//! What it undoes: page numbers and page starts inside tables, headers printed one
//! character per line, units split over lines ("单位：万" + "元"), notes (备注) inside tables.
//! Wrapped cells and split numbers are joined later, by the assembler's tokens.

use crate::assemble::{RawLine, RawTable};
use crate::grammar::{GrammarSet, Layout};
use crate::model::{DocKind, Unit};
use crate::token::{tokenize_line, TokenKind};
use regex::Regex;
use std::sync::OnceLock;

/// One line of the dump with its page.
#[derive(Debug, Clone, PartialEq)]
pub struct DumpLine<'a> {
    /// 1-based line number in the file.
    pub no: u32,
    /// 1-based page in the dump (pages counted from page starts, not printed numbers).
    pub page: u32,
    pub text: &'a str,
    /// A printed page number (dropped from table text).
    pub page_number: bool,
}

/// What the text reader found in a dump.
#[derive(Debug, Clone, Default)]
pub struct TextReading<'a> {
    pub pages: u32,
    pub tables: Vec<RawTable>,
    /// Lines outside tables (情况说明 and the rest), for narrative checks.
    pub narrative: Vec<DumpLine<'a>>,
    pub department: Option<String>,
    pub year: Option<u16>,
    pub kind: Option<DocKind>,
}

/// A built-in regex, compiled once.
pub(crate) fn re(cell: &'static OnceLock<Regex>, pat: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pat).unwrap_or_else(|e| panic!("bad built-in regex {pat}: {e}")))
}

/// "表 5-1.一般公共预算支出表(分功能科目)" → ("表5-1", "一般公共预算支出表(分功能科目)").
pub fn table_label(line: &str) -> Option<(String, String)> {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = re(&R, r"^表\s*(\d+(?:\s*-\s*\d+)?)\s*[.．、:：]?\s*(\S.*)$");
    let c = r.captures(line.trim())?;
    let no: String = c[1].chars().filter(|c| !c.is_whitespace()).collect();
    let title: String = c[2].chars().filter(|c| !c.is_whitespace()).collect();
    Some((format!("表{no}"), title))
}

/// A part heading such as "第三部分 …情况说明" ends the tables before it.
pub(crate) fn is_part_heading(line: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r"^第[一二三四五六七八九十]+部分").is_match(line.trim())
}

/// Splits the dump into lines with pages. A line that starts with white space starts a page;
/// a lone number closing a page (before a page start, a table label or the end) is a page number.
pub fn split_pages(text: &str) -> Vec<DumpLine<'_>> {
    let raw: Vec<&str> = text.lines().collect();
    let mut out = Vec::with_capacity(raw.len());
    let mut page = 1u32;
    let mut after_number = false;
    // The last non-blank line before this one (kept as we go: a backward search per line
    // made a long run of blank lines quadratic).
    let mut prev_nonblank: Option<&str> = None;
    for (i, l) in raw.iter().enumerate() {
        let t = l.trim();
        let starts_page =
            i > 0 && (l.starts_with(' ') || l.starts_with('\u{3000}')) && !t.is_empty();
        if !t.is_empty() && (starts_page || after_number) {
            page += 1;
            after_number = false;
        }
        let mut page_number = false;
        // A page number has no leading zero and does not complete a split number ("0." + "00").
        let prev_dangles = prev_nonblank.is_some_and(|p| p.trim_end().ends_with('.'));
        if !t.is_empty() {
            prev_nonblank = Some(l);
        }
        if !t.is_empty()
            && t.len() <= 3
            && t.bytes().all(|b| b.is_ascii_digit())
            && !t.starts_with('0')
            && !prev_dangles
        {
            let next = raw[i + 1..].iter().find(|n| !n.trim().is_empty());
            page_number = match next {
                None => true,
                Some(n) => n.starts_with(' ') || table_label(n).is_some() || is_part_heading(n),
            };
            // A page number followed by a line that starts a page itself: that line counts it.
            after_number = page_number && next.is_some_and(|n| !n.starts_with(' '));
        }
        out.push(DumpLine {
            no: i as u32 + 1,
            page,
            text: l,
            page_number,
        });
    }
    out
}

/// Reads the tables and narrative of a dump. Which lines are header and which are body depends
/// on the layout, so the grammar set is consulted for each table's title.
pub fn read<'a>(text: &'a str, grammars: &GrammarSet) -> TextReading<'a> {
    let lines = split_pages(text);
    let mut reading = TextReading {
        pages: lines.last().map_or(0, |l| l.page),
        ..Default::default()
    };
    read_identity(&lines, &mut reading);
    let starts: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| table_label(l.text).is_some())
        .map(|(i, _)| i)
        .collect();
    let mut in_table = vec![false; lines.len()];
    for (k, &s) in starts.iter().enumerate() {
        let limit = starts.get(k + 1).copied().unwrap_or(lines.len());
        let end = (s + 1..limit)
            .find(|&i| is_part_heading(lines[i].text))
            .unwrap_or(limit);
        for flag in &mut in_table[s..end] {
            *flag = true;
        }
        reading.tables.push(region(&lines[s..end], grammars));
    }
    reading.narrative = lines
        .into_iter()
        .zip(in_table)
        .filter(|(l, t)| !t && !l.page_number && !l.text.trim().is_empty())
        .map(|(l, _)| l)
        .collect();
    reading
}

/// Department, year and kind from "第二部分 武昌区科学技术协会 2025 年部门预算表".
pub(crate) fn read_identity(lines: &[DumpLine<'_>], reading: &mut TextReading<'_>) {
    static R: OnceLock<Regex> = OnceLock::new();
    let r = re(
        &R,
        r"第[一二三四五六七八九十]+部分\s*(\S+?)\s*(\d{4})\s*年度?\s*(?:部门|单位)?(预算|决算)",
    );
    for l in lines {
        if let Some(c) = r.captures(l.text) {
            reading.department = Some(c[1].to_string());
            reading.year = c[2].parse().ok();
            reading.kind = Some(if &c[3] == "决算" {
                DocKind::FinalAccounts
            } else {
                DocKind::Budget
            });
            return;
        }
    }
    if lines.iter().any(|l| l.text.contains("决算")) {
        reading.kind = Some(DocKind::FinalAccounts);
    } else if lines.iter().any(|l| l.text.contains("预算")) {
        reading.kind = Some(DocKind::Budget);
    }
}

/// Text with all white space removed (how titles, labels and names are compared).
pub(crate) fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Builds the raw table for the lines from a table label to the next label or part heading.
fn region(lines: &[DumpLine<'_>], grammars: &GrammarSet) -> RawTable {
    let (number, label_title) = table_label(lines[0].text).unwrap_or_default();
    let body: Vec<&DumpLine<'_>> = lines[1..]
        .iter()
        .filter(|l| !l.page_number && !l.text.trim().is_empty())
        .collect();
    let mut i = 0;
    // The printed title (may differ from the label: 项目支出表 under "表 10.项目支出情况表").
    let mut title = label_title.clone();
    if let Some(l) = body.first() {
        if !squash(l.text).starts_with("单位") {
            title = squash(l.text);
            i = 1;
        }
    }
    let grammar = grammars
        .best_for(&title, "", None)
        .or_else(|| grammars.best_for(&label_title, "", None));
    if grammars.best_for(&title, "", None).is_none() && grammar.is_some() {
        title = label_title.clone();
    }
    // Unit line: "单位：万元", possibly split ("单位：万" + "元").
    let mut unit = None;
    if let Some(l) = body.get(i) {
        let t = squash(l.text);
        if let Some(rest) = t.strip_prefix("单位") {
            let mut u = rest.trim_start_matches([':', '：']).to_string();
            i += 1;
            if !u.contains('元') {
                if let Some(next) = body.get(i) {
                    u.push_str(&squash(next.text));
                    i += 1;
                }
            }
            unit = Unit::parse(&u);
        }
    }
    let layout = grammar.map(|g| g.layout);
    let mut header = String::new();
    let mut note: Option<String> = None;
    let mut raw_lines: Vec<RawLine> = Vec::new();
    let mut in_body = false;
    for (k, l) in body.iter().enumerate().skip(i) {
        let t = squash(l.text);
        if t.starts_with("备注") || t.starts_with("注：") || t.starts_with("注:") {
            note.get_or_insert_with(String::new).push_str(&t);
            continue;
        }
        if !in_body {
            // Performance tables have no single header: their blocks find their own.
            in_body = layout == Some(Layout::Performance)
                || starts_body(l.text, body.get(k + 1).map(|n| n.text), layout);
        }
        if in_body {
            raw_lines.push(RawLine {
                line: l.no,
                page: l.page,
                tokens: tokenize_line(l.text, l.no, l.page).collect(),
            });
        } else {
            header.push_str(&t);
        }
    }
    let pages = body.iter().map(|l| l.page);
    RawTable {
        positioned: false,
        number: Some(number),
        title,
        unit,
        header,
        lines: raw_lines,
        note,
        first_page: lines[0].page,
        last_page: pages.max().unwrap_or(lines[0].page),
        line: Some(lines[0].no),
        ..Default::default()
    }
}

/// Whether a line is the first of the table body (after the header), for a layout.
fn starts_body(line: &str, next: Option<&str>, layout: Option<Layout>) -> bool {
    let first = tokenize_line(line, 0, 0).next();
    let has_number = tokenize_line(line, 0, 0).any(|t| t.kind != TokenKind::Text);
    let next_starts_with_number = next
        .and_then(|n| tokenize_line(n, 0, 0).next())
        .is_some_and(|t| t.kind != TokenKind::Text);
    let first_text = first.map(|t| t.text).unwrap_or_default();
    match layout {
        Some(Layout::TwoSided) => has_number || crate::token::label_ordinal(&first_text).is_some(),
        _ => {
            has_number
                || (matches!(first_text.as_str(), "合计" | "总计") && next_starts_with_number)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_table_labels() {
        assert_eq!(
            table_label(" 表 5-1.一般公共预算支出表(分功能科目)"),
            Some(("表5-1".into(), "一般公共预算支出表(分功能科目)".into()))
        );
        assert_eq!(
            table_label("表 12-1.项目支出绩效目标表"),
            Some(("表12-1".into(), "项目支出绩效目标表".into()))
        );
        assert_eq!(
            table_label("表 1.部门收支总表"),
            Some(("表1".into(), "部门收支总表".into()))
        );
        assert_eq!(table_label("表示感谢"), None);
        assert_eq!(table_label("本表为空表"), None);
    }

    #[test]
    fn pages_and_page_numbers() {
        let text = "first page\n表 1.x\n1.00\n\n8\n\n表 2.y\n 新页\n12\n 下一页\n";
        let lines = split_pages(text);
        let pn: Vec<_> = lines
            .iter()
            .filter(|l| l.page_number)
            .map(|l| l.no)
            .collect();
        assert_eq!(
            pn,
            [5, 9],
            "8 before a table label and 12 before a page start are page numbers"
        );
        let pages: Vec<_> = lines.iter().map(|l| l.page).collect();
        // line 7 (表 2) follows page number 8: new page; line 8 starts with a space: new page.
        assert_eq!(pages, [1, 1, 1, 1, 1, 1, 2, 3, 3, 4]);
    }

    #[test]
    fn a_number_inside_a_table_is_not_a_page_number() {
        let lines = split_pages("表 1.x\n合计\n707\n\n.83\n");
        assert!(lines.iter().all(|l| !l.page_number));
        // Regression: the last "00" of 表2 before a page start was taken for a page number.
        let lines = split_pages("表 2.x\n0.\n00\n 表 3.y\n");
        assert!(lines.iter().all(|l| !l.page_number));
        let lines = split_pages("表 2.x\n1.00\n05\n 表 3.y\n");
        assert!(lines.iter().all(|l| !l.page_number));
    }

    #[test]
    fn body_starts_at_first_amount_or_total_row() {
        assert!(!starts_body(
            "科目编码 科目名称 合计 基本支出 项目支出",
            None,
            Some(Layout::Coded)
        ));
        assert!(starts_body(
            "合计 707.83 252.79 455.04",
            None,
            Some(Layout::Coded)
        ));
        assert!(starts_body("合计", Some("707"), Some(Layout::Coded)));
        assert!(!starts_body("合", Some("计"), Some(Layout::Coded)));
        assert!(starts_body(
            "（一）一般公共预算拨款 707.83 （一）一般公共服务支出",
            None,
            Some(Layout::TwoSided)
        ));
        assert!(!starts_body(
            "项 目 预算数 项 目 预算数",
            None,
            Some(Layout::TwoSided)
        ));
    }
}
