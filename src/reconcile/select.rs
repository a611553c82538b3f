//! Finding rows and cells by table kind, row selector and column id; name normalization.

use super::rules::{CellSel, RowsSel, RuleSet};
use crate::model::{CodeKind, ColumnKind, Document, Row, Table};
use regex::Regex;
use std::sync::LazyLock;

/// (table, row, column) indices into a document.
pub type Addr = (usize, usize, usize);

static ORDINAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\([一二三四五六七八九十廿百\d]+\)|[一二三四五六七八九十廿百]+[、.．]|\d+[、.．](?:\D|$))")
        .unwrap_or_else(|e| unreachable!("static regex: {e}"))
});

/// A name as compared by rules: no white space, quotes or ordinal prefix; ASCII brackets
/// and colons ("（一）一般公共预算拨款" → "一般公共预算拨款").
pub fn norm_name(s: &str) -> String {
    let t: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '“' | '”' | '"' | '‘' | '’' | '\''))
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '：' => ':',
            '，' => ',',
            c => c,
        })
        .collect();
    match ORDINAL.find(&t) {
        // "1.工资" keeps its first char after the dot: cut only the ordinal itself.
        Some(m) => {
            let cut = t[..m.end()]
                .char_indices()
                .rev()
                .find(|(_, c)| matches!(c, ')' | '、' | '.' | '．'))
                .map(|(i, c)| i + c.len_utf8())
                .unwrap_or(m.end());
            t[cut..].to_string()
        }
        None => t,
    }
}

/// Where a selector led.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    Cell(Addr),
    /// The document has no table of this kind (the rule does not apply).
    NoTable,
    /// The table is printed empty ("本表为空表"): its cells count as empty.
    EmptyTable(usize),
    /// The table is there but the row or column is not.
    NotFound {
        table: usize,
        what: String,
    },
}

/// The document's tables of `kind` that belong to `family` (or any family when `None`).
pub fn tables_of<'d>(
    doc: &'d Document,
    kind: &str,
    family: Option<&str>,
    family_of: &dyn Fn(&Table) -> Option<String>,
) -> Vec<usize> {
    doc.tables
        .iter()
        .enumerate()
        .filter(|(_, t)| t.kind == kind)
        .filter(|(_, t)| family.is_none_or(|f| family_of(t).as_deref() == Some(f)))
        .map(|(i, _)| i)
        .collect()
}

fn row_matches(
    t: &Table,
    ri: usize,
    section: &Option<String>,
    level: Option<u8>,
    under: &Option<String>,
) -> bool {
    let r = &t.rows[ri];
    if section.is_some() && r.section.as_deref() != section.as_deref() {
        return false;
    }
    if level.is_some_and(|l| l != r.level) {
        return false;
    }
    if let Some(u) = under {
        // The nearest earlier row of the same section at a lower level must be named `u`.
        let parent = t.rows[..ri]
            .iter()
            .rev()
            .filter(|p| p.section == r.section)
            .find(|p| p.level < r.level);
        if parent.is_none_or(|p| norm_name(&p.name) != norm_name(u)) {
            return false;
        }
    }
    true
}

fn cell_row_matches(t: &Table, ri: usize, sel: &CellSel, rules: &RuleSet) -> bool {
    let r: &Row = &t.rows[ri];
    if !row_matches(t, ri, &sel.section, sel.level, &sel.under) {
        return false;
    }
    if let Some(a) = &sel.after {
        let a = norm_name(a);
        let seen = t.rows[..ri]
            .iter()
            .any(|p| p.section == r.section && norm_name(&p.name) == a);
        if !seen {
            return false;
        }
    }
    if let Some(c) = &sel.code {
        if r.code.as_deref() != Some(c.as_str()) {
            return false;
        }
    }
    let name = norm_name(&r.name);
    if sel
        .name
        .as_ref()
        .is_some_and(|n| !rules.same_row_name(&norm_name(n), &name))
    {
        return false;
    }
    if sel
        .name_contains
        .as_ref()
        .is_some_and(|n| !name.contains(&norm_name(n)))
    {
        return false;
    }
    true
}

/// Resolves a cell selector in the first table of its kind.
pub fn resolve_cell(doc: &Document, tables: &[usize], sel: &CellSel, rules: &RuleSet) -> Resolved {
    let Some(&ti) = tables.first() else {
        return Resolved::NoTable;
    };
    let t = &doc.tables[ti];
    if t.empty {
        return Resolved::EmptyTable(ti);
    }
    let Some(ci) = t.column_index(&sel.column) else {
        return Resolved::NotFound {
            table: ti,
            what: format!("column {:?}", sel.column),
        };
    };
    match (0..t.rows.len()).find(|&ri| cell_row_matches(t, ri, sel, rules)) {
        Some(ri) => Resolved::Cell((ti, ri, ci)),
        None => Resolved::NotFound {
            table: ti,
            what: describe_sel(sel),
        },
    }
}

/// Rows (with the column) a rows selector picks in one table; `None` if the column is absent.
pub fn resolve_rows(t: &Table, ti: usize, sel: &RowsSel, rules: &RuleSet) -> Option<Vec<Addr>> {
    resolve_rows_in(t, ti, sel, t.column_index(&sel.column)?, rules)
}

/// The rows of `t` that are 类 of the function classification: a 3-digit subject code (not a
/// unit or economic code), or, printed without code, a 类 name the rule files list at the
/// shallowest level such names take in their section (a 款 or 项 may bear a 类's name:
/// 229 其他支出 > 22999 其他支出 > 2299999 其他支出).
pub fn function_class_rows(t: &Table, rules: &RuleSet) -> Vec<bool> {
    let named = |r: &Row| {
        r.code.is_none()
            && r.unit_name.is_none()
            && r.level > 0
            && rules.function_classes.contains(&norm_name(&r.name))
    };
    let mut shallowest: Vec<(&Option<String>, u8)> = Vec::new();
    for r in t.rows.iter().filter(|r| named(r)) {
        match shallowest.iter_mut().find(|(s, _)| *s == &r.section) {
            Some((_, l)) => *l = (*l).min(r.level),
            None => shallowest.push((&r.section, r.level)),
        }
    }
    t.rows
        .iter()
        .map(|r| match &r.code {
            Some(c) => {
                c.len() == 3
                    && !matches!(r.code_kind, Some(CodeKind::Unit) | Some(CodeKind::Economic))
            }
            None => {
                named(r)
                    && shallowest
                        .iter()
                        .any(|(s, l)| *s == &r.section && *l == r.level)
            }
        })
        .collect()
}

/// Rows a rows selector picks in one table, in column `ci`.
pub fn resolve_rows_in(
    t: &Table,
    ti: usize,
    sel: &RowsSel,
    ci: usize,
    rules: &RuleSet,
) -> Option<Vec<Addr>> {
    let classes = sel.function_class.then(|| function_class_rows(t, rules));
    Some(
        (0..t.rows.len())
            .filter(|&ri| row_matches(t, ri, &sel.section, sel.level, &sel.under))
            .filter(|&ri| classes.as_ref().is_none_or(|c| c[ri]))
            .filter(|&ri| {
                sel.has_unit_name
                    .is_none_or(|want| t.rows[ri].unit_name.is_some() == want)
            })
            .filter(|&ri| {
                sel.before.as_ref().is_none_or(|b| {
                    let b = norm_name(b);
                    let r = &t.rows[ri];
                    t.rows[ri..]
                        .iter()
                        .any(|n| n.section == r.section && norm_name(&n.name) == b)
                })
            })
            .map(|ri| (ti, ri, ci))
            .collect(),
    )
}

/// A selector in words, for findings ("row 收入总计 (收入)").
pub fn describe_sel(sel: &CellSel) -> String {
    let mut parts = Vec::new();
    if let Some(c) = &sel.code {
        parts.push(format!("code {c}"));
    }
    if let Some(n) = &sel.name {
        parts.push(n.clone());
    }
    if let Some(n) = &sel.name_contains {
        parts.push(format!("…{n}…"));
    }
    if let Some(l) = sel.level {
        parts.push(if l == 0 {
            "total row".to_string()
        } else {
            format!("level {l}")
        });
    }
    if let Some(s) = &sel.section {
        parts.push(format!("({s})"));
    }
    if let Some(u) = &sel.under {
        parts.push(format!("under {u}"));
    }
    if let Some(a) = &sel.after {
        parts.push(format!("after {a}"));
    }
    if parts.is_empty() {
        parts.push("first row".into());
    }
    format!("row {}", parts.join(" "))
}

/// Whether a column holds money.
pub fn is_amount(t: &Table, ci: usize) -> bool {
    t.columns
        .get(ci)
        .is_some_and(|c| c.kind == ColumnKind::Amount)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_ordinals_space_and_quotes() {
        assert_eq!(
            norm_name("一、一般公共预算拨款收入"),
            "一般公共预算拨款收入"
        );
        assert_eq!(norm_name("（一）一般公共预算拨款"), "一般公共预算拨款");
        assert_eq!(
            norm_name("廿一、灾害防治及应急管理支出"),
            "灾害防治及应急管理支出"
        );
        assert_eq!(norm_name("收 入 总 计"), "收入总计");
        assert_eq!(norm_name("1.工资福利支出"), "工资福利支出");
        assert_eq!(norm_name("(1)公务用车购置费"), "公务用车购置费");
        assert_eq!(norm_name("“三公”经费支出"), "三公经费支出");
        assert_eq!(norm_name("因公出国（境）费"), "因公出国(境)费");
        // A leading year is not an ordinal.
        assert_eq!(norm_name("2025年预算"), "2025年预算");
    }
}
