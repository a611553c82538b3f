//! The national vocabulary of table titles (`grammars/vocabulary-titles.toml`, compiled in): which
//! table kind a printed title names, in any region's wording. Titles are normalised first
//! ([`normalise_title`]) and their printed label split off ([`split_label`]).
//!
//! Family grammars add their own exact titles on top ([`crate::grammar::Grammar::matches_title`]);
//! a title the vocabulary knows but no grammar reads is still a table boundary and is reported.

use crate::text::re;
use regex::Regex;
use serde::Deserialize;
use std::sync::OnceLock;

/// The shipped vocabulary file.
const TITLES_TOML: &str = include_str!("../../grammars/vocabulary-titles.toml");

/// One vocabulary entry: a table kind and the title shapes that name it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TitleEntry {
    pub kind: String,
    /// Grammar kinds that can read a table of this kind (default: `kind` itself).
    #[serde(default)]
    pub grammars: Vec<String>,
    /// The normalised title ends with one of these.
    #[serde(default)]
    pub ends: Vec<String>,
    /// The normalised title contains all of these and ends with "表".
    #[serde(default)]
    pub contains: Vec<String>,
    /// Words the title must contain.
    #[serde(default)]
    pub require: Vec<String>,
    /// Words the title must not contain.
    #[serde(default)]
    pub forbid: Vec<String>,
}

impl TitleEntry {
    /// Whether this entry's grammar kinds include `kind`.
    pub fn read_by(&self, kind: &str) -> bool {
        if self.grammars.is_empty() {
            self.kind == kind
        } else {
            self.grammars.iter().any(|g| g == kind)
        }
    }

    fn matches(&self, full: &str, base: &str) -> bool {
        let ends = !self.ends.is_empty() && self.ends.iter().any(|e| base.ends_with(e.as_str()));
        let contains = !self.contains.is_empty()
            && base.ends_with('表')
            && self.contains.iter().all(|c| base.contains(c.as_str()));
        (ends || contains)
            && self.require.iter().all(|w| full.contains(w.as_str()))
            && !self.forbid.iter().any(|w| full.contains(w.as_str()))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TitlesFile {
    entry: Vec<TitleEntry>,
}

/// The vocabulary, loaded once. Its entries are normalised like titles.
pub fn entries() -> &'static [TitleEntry] {
    static V: OnceLock<Vec<TitleEntry>> = OnceLock::new();
    V.get_or_init(|| {
        // The shipped file is tested to load (see tests below); a broken one is a bug.
        let file: TitlesFile = match toml::from_str(TITLES_TOML) {
            Ok(f) => f,
            Err(e) => panic!("grammars/vocabulary-titles.toml does not load: {e}"),
        };
        file.entry
            .into_iter()
            .map(|mut e| {
                for list in [&mut e.ends, &mut e.contains, &mut e.require, &mut e.forbid] {
                    for w in list.iter_mut() {
                        *w = normalise_title(w);
                    }
                }
                e
            })
            .collect()
    })
}

/// A title as compared: white space (letter-spacing) removed, full-width ASCII forms made
/// half-width, every bracket form made "()", quotes removed, "情况表" read as "表".
pub fn normalise_title(t: &str) -> String {
    let mut s = String::with_capacity(t.len());
    for c in t.chars() {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '〔' | '【' | '〈' | '《' => '(',
            '〕' | '】' | '〉' | '》' => ')',
            _ => c,
        };
        match c {
            '[' => s.push('('),
            ']' => s.push(')'),
            '“' | '”' | '‘' | '’' | '"' | '\'' | '「' | '」' | '『' | '』' | '〝' | '〞' =>
                {}
            c if c.is_whitespace() => {}
            c => s.push(c),
        }
    }
    s.replace("情况表", "表")
}

/// Splits a printed label off a title, before it ("表1", "表 5-1：", "公开01表", "部门公开表1",
/// "预算01表", "一、", "（一）", "1、") or after it ("（预算表1）"): (label, title). The title
/// keeps its printed characters; the label is returned as printed, white space removed.
pub fn split_label(t: &str) -> (Option<String>, String) {
    static PRE: OnceLock<Regex> = OnceLock::new();
    static POST: OnceLock<Regex> = OnceLock::new();
    let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    let pre = re(
        &PRE,
        r"^((?:附表|部门公开表|公开|预算表?|表)(?:\d+|[一二三四五六七八九十]+)(?:[-—－]\d+)?表?[.．、:：]?|[一二三四五六七八九十]+、|[(（](?:[一二三四五六七八九十]+|\d{1,2})[)）]|\d{1,2}[、.．])(.+)$",
    );
    let post = re(
        &POST,
        r"^(.+表)([(（](?:部门公开|公开|预算)?表?(?:\d+|[一二三四五六七八九十]+)(?:[-—－]\d+)?表?[)）])$",
    );
    let (mut label, mut title) = match pre.captures(&t) {
        // "1." before a digit is a decimal number, not a label.
        Some(c)
            if !(c[1].ends_with(['.', '．']) && c[2].starts_with(|d: char| d.is_ascii_digit())) =>
        {
            (Some(c[1].to_string()), c[2].to_string())
        }
        _ => (None, t.clone()),
    };
    if let Some(c) = post.captures(&title.clone()) {
        label.get_or_insert_with(|| c[2].to_string());
        title = c[1].to_string();
    }
    (label, title)
}

/// Whether a whole line is a label alone ("表1", "表 10", "公开01表", "预算01表", "部门公开表1"),
/// printed on the line before its title.
pub fn is_label_only(t: &str) -> bool {
    static R: OnceLock<Regex> = OnceLock::new();
    let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    re(
        &R,
        r"^(?:附表|部门公开表|公开|预算表?|表)(?:\d+|[一二三四五六七八九十]+)(?:[-—－]\d+)?表?[.．:：]?$",
    )
    .is_match(&t)
}

/// A trailing classification qualifier "（按功能分类科目）", "(分单位)".
fn strip_qualifier(t: &str) -> &str {
    match t.rfind('(') {
        Some(i) if t.ends_with(')') && i > 0 => &t[..i],
        _ => t,
    }
}

/// The vocabulary entry a title (label already split off) names, if any.
pub fn kind_of(title: &str) -> Option<&'static TitleEntry> {
    let full = normalise_title(title);
    let base = strip_qualifier(&full);
    entries().iter().find(|e| e.matches(&full, base))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(t: &str) -> Option<&'static str> {
        let (_, title) = split_label(t);
        kind_of(&title).map(|e| e.kind.as_str())
    }

    #[test]
    fn vocabulary_loads() {
        assert!(entries().len() > 10);
        assert!(entries()
            .iter()
            .all(|e| !e.ends.is_empty() || !e.contains.is_empty()));
    }

    #[test]
    fn normalises_width_brackets_quotes_spaces() {
        assert_eq!(
            normalise_title("一般公共预算支出情况表（按功能分类科目）"),
            "一般公共预算支出表(按功能分类科目)"
        );
        assert_eq!(
            normalise_title("财政拨款“三公”经费支出表"),
            "财政拨款三公经费支出表"
        );
        assert_eq!(normalise_title("\"三公\" 经费支出表"), "三公经费支出表");
        assert_eq!(normalise_title("收 支 总 表"), "收支总表");
        assert_eq!(normalise_title("表１：【单位】"), "表1:(单位)");
    }

    #[test]
    fn labels_before_and_after() {
        let cases = [
            ("表1", "收支总表"),
            ("表 5-1：", "某某局收入总表"),
            ("公开01表", "部门收支总表"),
            ("部门公开表3", "部门支出总表"),
            ("预算02表", "收入预算总表"),
            ("三、", "支出预算总表"),
            ("（四）", "财政拨款收支总表"),
            ("表十二.", "项目支出表"),
            ("部门公开表5", "一般公共预算支出表"),
            ("预算表12", "项目支出绩效目标表"),
            ("（7）", "项目绩效目标表"),
            ("2.", "其他一级项目绩效目标表"),
        ];
        for (label, title) in cases {
            let (l, t) = split_label(&format!("{label}{title}"));
            assert_eq!(
                l.as_deref(),
                Some(label.replace(' ', "").as_str()),
                "{label}{title}"
            );
            assert_eq!(t, title);
        }
        let (l, t) = split_label("2026年部门收支总表（预算表 1）");
        assert_eq!(
            (l.as_deref(), t.as_str()),
            (Some("（预算表1）"), "2026年部门收支总表")
        );
        // A qualifier is not a label.
        assert_eq!(split_label("一般公共预算支出表（按功能分类）").0, None);
        assert_eq!(
            split_label("2026年收支总表").0,
            None,
            "a year is not a label"
        );
        assert!(is_label_only("表 10"));
        assert!(is_label_only("公开08表"));
        assert!(!is_label_only("表10 一般公共预算支出表"));
    }

    #[test]
    fn national_title_variants_name_their_kind() {
        let cases = [
            ("表1 收支总体情况表", "overview"),
            ("2026年度某某局部门收支预算总表", "overview"),
            ("2026年部门财务收支预算总表", "overview"),
            ("某某区某某局收入支出决算总表", "overview"),
            ("二、收入总体情况表", "income_summary"),
            ("2026年市级部门收入预算总表", "income_summary"),
            ("三、本年支出总体情况表", "expenditure_summary"),
            ("部门综合预算支出总表", "expenditure_summary"),
            ("四、财政拨款收支总体情况表", "fiscal_overview"),
            ("表4：2026年市级部门财政拨款收支预算总表", "fiscal_overview"),
            (
                "一般公共预算支出情况表（按功能分类科目）",
                "general_budget_expenditure_by_function",
            ),
            (
                "2026 年度一般公共预算拨款支出预算表",
                "general_budget_expenditure_by_function",
            ),
            (
                "一般公共预算支出表（按经济分类）",
                "general_budget_expenditure_by_economic",
            ),
            (
                "一般公共预算支出经济分类情况表",
                "general_budget_expenditure_by_economic",
            ),
            (
                "一般公共预算基本支出情况表（按经济分类科目）",
                "general_budget_basic_expenditure",
            ),
            (
                "部门综合预算一般公共预算基本支出明细表（按支出功能分类科目）",
                "general_budget_basic_by_function",
            ),
            (
                "财政拨款安排的行政经费及“三公”经费预算表",
                "three_public_expenses",
            ),
            (
                "2026年市级部门一般公共预算\"三公\"经费预算表",
                "three_public_expenses",
            ),
            ("一般公共预算‘三公’经费支出预算表", "three_public_expenses"),
            (
                "九、政府性基金预算支出情况表",
                "government_fund_expenditure",
            ),
            ("国有资本经营预算支出表", "state_capital_expenditure"),
            ("表10：2026年市级部门项目支出预算表", "project_expenditure"),
            ("基本支出总表", "basic_expenditure"),
            (
                "部门综合预算政府采购（资产配置、购买服务）预算表",
                "procurement",
            ),
            ("部门专项业务经费绩效目标表", "performance"),
            ("项目支出绩效目标表", "performance_project"),
            ("部门整体支出绩效目标表", "performance_overall"),
            ("（六）财政拨款收支总表", "fiscal_overview"),
        ];
        for (title, want) in cases {
            assert_eq!(kind(title), Some(want), "{title}");
        }
    }

    #[test]
    fn narrative_and_contents_lines_name_no_kind() {
        for t in [
            "收支总表反映了部门全部收入和支出情况",
            "详见表1收支总表，本部门收入增加",
            "一般公共预算支出表说明",
            "财政拨款收支总表…………3",
            "（三）“三公”经费支出情况",
            "第二部分2026年部门预算表",
        ] {
            assert_eq!(kind(t), None, "{t}");
        }
    }
}
