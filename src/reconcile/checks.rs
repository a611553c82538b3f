//! The table rules: hierarchies, column identities, cross-table equalities and sums, rows
//! matched by name, printed shares.

use super::interval::{check_sum, Outcome, Printed};
use super::rules::{HierarchyKind, ShareBase};
use super::select::{self, norm_name, Addr, Resolved};
use super::{Engine, Role, Term};
use crate::model::{Row, Table};
use rust_decimal::Decimal;
use std::collections::HashMap;

fn amount_columns(t: &Table) -> Vec<usize> {
    (0..t.columns.len())
        .filter(|&ci| select::is_amount(t, ci))
        .collect()
}

fn row_label(r: &Row) -> String {
    match &r.code {
        Some(c) => format!("{c} {}", r.name),
        None => r.name.clone(),
    }
}

/// Parent = Σ children in every amount column.
fn check_family(e: &mut Engine, rule: &str, ti: usize, parent: usize, children: &[usize]) {
    let t = &e.doc.tables[ti];
    let label = e.table_label(ti);
    let what_row = row_label(&t.rows[parent]);
    for ci in amount_columns(t) {
        let col = t.columns[ci].label.clone();
        let total = e.term((ti, parent, ci), Role::Stated);
        let parts: Vec<Term> = children
            .iter()
            .map(|&c| e.term((ti, c, ci), Role::Part))
            .collect();
        let what = format!(
            "{label} {what_row} [{col}] against the sum of its {} child rows",
            children.len()
        );
        e.compare_sum(rule, &what, total, parts);
    }
}

/// Code and outline hierarchies of the tables the rules name.
pub fn hierarchies(e: &mut Engine) {
    let rules = e.rules.hierarchy.clone();
    let mut done = std::collections::HashSet::new();
    for h in &rules {
        for ti in e.tables(&h.table, h.family.as_deref()) {
            if !done.insert(ti) || e.doc.tables[ti].empty {
                continue;
            }
            match h.kind {
                HierarchyKind::Code => code_hierarchy(e, ti),
                HierarchyKind::Outline => outline_hierarchy(e, ti, &h.sections),
            }
        }
    }
}

/// Groups of a table printed unit by unit (预算单位: each unit's name row, then its coded rows,
/// the same codes again under the next unit): for each row, the group it is in (`None`: the
/// table repeats no code, so it is one group). A group starts at a name row that a coded row
/// follows.
fn unit_groups(t: &crate::model::Table) -> Option<Vec<usize>> {
    let mut seen = std::collections::HashSet::new();
    let repeats = t.rows.iter().any(|r| match &r.code {
        Some(c) if !c.is_empty() => !seen.insert((r.section.clone(), r.code_kind, c.clone())),
        _ => false,
    });
    if !repeats {
        return None;
    }
    let coded = |i: usize| {
        t.rows
            .get(i)
            .is_some_and(|r| r.code.as_ref().is_some_and(|c| !c.is_empty()))
    };
    let mut group = 0;
    Some(
        (0..t.rows.len())
            .map(|i| {
                if !coded(i) && coded(i + 1) {
                    group += 1;
                }
                group
            })
            .collect(),
    )
}

fn code_hierarchy(e: &mut Engine, ti: usize) {
    let t = &e.doc.tables[ti];
    let coded: Vec<usize> = (0..t.rows.len())
        .filter(|&i| t.rows[i].code.as_ref().is_some_and(|c| !c.is_empty()))
        .collect();
    let groups = unit_groups(t);
    let same_group = |i: usize, j: usize| groups.as_ref().is_none_or(|g| g[i] == g[j]);
    // Parent of a coded row: the coded row (same section and code kind) whose code is the
    // longest proper prefix of its code.
    let mut children: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut top: Vec<usize> = Vec::new();
    for &i in &coded {
        let r = &t.rows[i];
        let code = r.code.as_deref().unwrap_or_default();
        let parent = coded
            .iter()
            .copied()
            .filter(|&j| j != i && same_group(i, j))
            .filter(|&j| {
                let p = &t.rows[j];
                p.section == r.section
                    && p.code_kind == r.code_kind
                    && p.code
                        .as_deref()
                        .is_some_and(|pc| pc.len() < code.len() && code.starts_with(pc))
            })
            .max_by_key(|&j| t.rows[j].code.as_ref().map_or(0, |c| c.len()));
        match parent {
            Some(p) => children.entry(p).or_default().push(i),
            None => top.push(i),
        }
    }
    let totals: Vec<usize> = (0..t.rows.len())
        .filter(|&i| t.rows[i].level == 0 && t.rows[i].code.is_none())
        .collect();
    let mut parents: Vec<_> = children.into_iter().collect();
    parents.sort();
    for (p, kids) in parents {
        check_family(e, "hierarchy.code", ti, p, &kids);
    }
    if let Some(groups) = groups {
        // Each unit's name row = Σ its top-level codes; a name row heading no codes of its own
        // (the department's, above its units) = Σ the unit rows below it.
        let heads: Vec<usize> = (0..groups.len())
            .filter(|&i| !coded.contains(&i) && coded.contains(&(i + 1)))
            .collect();
        for &h in &heads {
            let kids: Vec<usize> = top
                .iter()
                .copied()
                .filter(|&i| groups[i] == groups[h])
                .collect();
            check_family(e, "hierarchy.unit", ti, h, &kids);
        }
        if let Some(first) = (0..groups.len()).find(|i| !coded.contains(i)) {
            if !heads.contains(&first) && heads.len() >= 2 {
                check_family(e, "hierarchy.unit", ti, first, &heads);
            }
        }
        return;
    }
    for tot in totals {
        let section = e.doc.tables[ti].rows[tot].section.clone();
        let kids: Vec<usize> = top
            .iter()
            .copied()
            .filter(|&i| e.doc.tables[ti].rows[i].section == section)
            .collect();
        if !kids.is_empty() {
            check_family(e, "hierarchy.total", ti, tot, &kids);
        }
    }
}

fn outline_hierarchy(e: &mut Engine, ti: usize, only: &[String]) {
    let t = &e.doc.tables[ti];
    let mut sections: Vec<Option<String>> = Vec::new();
    for r in &t.rows {
        let wanted = only.is_empty() || r.section.as_ref().is_some_and(|s| only.contains(s));
        if wanted && !sections.contains(&r.section) {
            sections.push(r.section.clone());
        }
    }
    let mut families: Vec<(usize, Vec<usize>)> = Vec::new();
    for s in &sections {
        let idx: Vec<usize> = (0..t.rows.len())
            .filter(|&i| &t.rows[i].section == s)
            .collect();
        let mut prev_total: Option<usize> = None;
        let mut since: Vec<usize> = Vec::new();
        for (k, &i) in idx.iter().enumerate() {
            let level = t.rows[i].level;
            if level == 0 {
                let mut parts: Vec<usize> = prev_total.into_iter().collect();
                parts.append(&mut since);
                if parts.is_empty() {
                    // A total printed first (合计 over "1、因公出国（境）费用", "2、…"): the
                    // top-level rows after it, up to the next total.
                    parts = idx[k + 1..]
                        .iter()
                        .copied()
                        .take_while(|&j| t.rows[j].level > 0)
                        .filter(|&j| t.rows[j].level == 1)
                        .collect();
                }
                if !parts.is_empty() {
                    families.push((i, parts));
                }
                prev_total = Some(i);
                continue;
            }
            if level == 1 {
                since.push(i);
            }
            // Children: the following deeper rows at the next level present (a reader may
            // skip a level: "一、财政拨款收入" then "1.一般公共预算资金").
            let deeper: Vec<usize> = idx[k + 1..]
                .iter()
                .copied()
                .take_while(|&j| t.rows[j].level > level)
                .collect();
            let next = deeper.iter().map(|&j| t.rows[j].level).min();
            let kids: Vec<usize> = deeper
                .into_iter()
                .filter(|&j| Some(t.rows[j].level) == next)
                .collect();
            if !kids.is_empty() {
                families.push((i, kids));
            }
        }
    }
    for (p, kids) in families {
        let rule = if e.doc.tables[ti].rows[p].level == 0 {
            "hierarchy.total"
        } else {
            "hierarchy.outline"
        };
        check_family(e, rule, ti, p, &kids);
    }
}

/// Column identities (合计 = 基本支出 + 项目支出; 年末 = 年初 + 收入 − 支出) in every row.
pub fn identities(e: &mut Engine) {
    let rules = e.rules.identities.clone();
    for id in &rules {
        for ti in e.tables(&id.table, id.family.as_deref()) {
            let t = &e.doc.tables[ti];
            let Some(tc) = t.column_index(&id.total) else {
                continue;
            };
            // A column the table lacks ends the check, unless the identity calls it optional.
            let cols = |ids: &[String]| {
                ids.iter()
                    .filter(|p| !id.optional.contains(p) || t.column_index(p).is_some())
                    .map(|p| t.column_index(p))
                    .collect::<Option<Vec<usize>>>()
            };
            let (Some(pcs), Some(mcs)) = (cols(&id.parts), cols(&id.minus)) else {
                continue;
            };
            // An identity of columns the table has none of (the by-source variant's 合计 =
            // Σ sources, on a table read without sources) does not apply to it.
            if pcs.is_empty() && mcs.is_empty() {
                continue;
            }
            let pcs = through_sub_columns(t, &rules, id, pcs);
            let label = e.table_label(ti);
            // Nothing to check, said once instead of a mismatch or a missing total on every
            // row: a table printing none of the parts (one 预算数 column read under a grammar
            // that also knows 人员经费/公用经费), or printing the total in no row (a header
            // over its parts with no column of its own: Hangzhou's 财政拨款收入 over
            // 一般公共预算 and 政府性基金). A table printing neither is not reported.
            let labels = |cs: Vec<usize>| -> Vec<String> {
                cs.into_iter().map(|c| t.columns[c].label.clone()).collect()
            };
            let all_parts: Vec<usize> = pcs.iter().chain(&mcs).copied().collect();
            let printed_parts: Vec<usize> = all_parts
                .iter()
                .copied()
                .filter(|&c| column_printed(t, c))
                .collect();
            let unchecked = match (printed_parts.is_empty(), column_printed(t, tc)) {
                (false, true) => None,
                (true, false) => continue,
                (true, true) => Some(format!(
                    "{label} prints no figure under {}, so its {} column is not checked against them",
                    labels(all_parts).join(", "),
                    t.columns[tc].label
                )),
                (false, false) => Some(format!(
                    "{label} prints no figure under {} in any row, so it is not checked against {}",
                    t.columns[tc].label,
                    labels(printed_parts).join(", ")
                )),
            };
            if let Some(message) = unchecked {
                let (table, kind, page) = (label.clone(), t.kind.clone(), t.first_page);
                e.table_finding(
                    &format!("identity.{}.{}", id.table, id.total),
                    super::Severity::Unparsed,
                    message,
                    (table, kind),
                    Some(page),
                    None,
                );
                continue;
            }
            let t = &e.doc.tables[ti];
            let mut names: Vec<String> = pcs.iter().map(|&c| t.columns[c].label.clone()).collect();
            names.extend(mcs.iter().map(|&c| format!("− {}", t.columns[c].label)));
            let total_label = t.columns[tc].label.clone();
            let rule = format!("identity.{}.{}", id.table, id.total);
            for ri in 0..t.rows.len() {
                let what = format!(
                    "{label} {} [{total_label}] against {}",
                    row_label(&e.doc.tables[ti].rows[ri]),
                    names.join(" + ")
                );
                let total = e.term((ti, ri, tc), Role::Stated);
                let mut parts: Vec<Term> = pcs
                    .iter()
                    .map(|&c| e.term((ti, ri, c), Role::Part))
                    .collect();
                for &c in &mcs {
                    let mut m = e.term((ti, ri, c), Role::Part);
                    if let Some(p) = m.printed.as_mut() {
                        p.value = -p.value;
                    }
                    parts.push(m);
                }
                e.compare_sum(&rule, &what, total, parts);
            }
        }
    }
}

/// Whether any row of `t` prints a figure in column `c`.
fn column_printed(t: &Table, c: usize) -> bool {
    t.rows
        .iter()
        .any(|r| r.amounts.get(c).is_some_and(|a| a.is_some()))
}

/// Parts of an identity that a table prints only through their own parts (Hangzhou prints
/// 基本支出 as a header over 人员支出 and 日常公用支出, with no column of its own): each such
/// part replaced by the columns of the identity that sums it (the family's own, else the
/// national one), when the table prints those.
fn through_sub_columns(
    t: &Table,
    rules: &[super::rules::IdentityRule],
    id: &super::rules::IdentityRule,
    parts: Vec<usize>,
) -> Vec<usize> {
    let national = Some(crate::grammar::NATIONAL_FAMILY.to_string());
    let mut out = Vec::with_capacity(parts.len());
    for c in parts {
        let sub = if column_printed(t, c) {
            None
        } else {
            [&id.family, &national].into_iter().find_map(|family| {
                rules
                    .iter()
                    .filter(|r| {
                        r.table == id.table
                            && r.family == *family
                            && r.total == t.columns[c].id
                            && r.minus.is_empty()
                    })
                    .find_map(|r| {
                        let cols: Option<Vec<usize>> =
                            r.parts.iter().map(|p| t.column_index(p)).collect();
                        cols.filter(|cs| cs.iter().any(|&s| column_printed(t, s)))
                    })
            })
        };
        match sub {
            Some(cs) => out.extend(cs),
            None => out.push(c),
        }
    }
    out
}

/// What a selector resolves to: a term, nothing to check, or a missing figure.
enum Got {
    Term(Box<Term>),
    Skip,
    Missing(String),
}

fn get(
    e: &Engine,
    sel: &super::rules::CellSel,
    family: &Option<String>,
    number: Option<&str>,
) -> Got {
    let mut tables = e.tables(&sel.table, family.as_deref());
    if let Some(n) = number {
        tables.retain(|&ti| e.doc.tables[ti].number.as_deref() == Some(n));
    }
    match select::resolve_cell(e.doc, &tables, sel, e.rules) {
        Resolved::Cell(a) => Got::Term(Box::new(e.term(a, Role::Part))),
        Resolved::NoTable => Got::Skip,
        // A table printed empty ("本表为空表") says the figure is nothing: an empty cell.
        Resolved::EmptyTable(ti) => Got::Term(Box::new(Term {
            cell: super::CellRef {
                table: e.table_label(ti),
                table_kind: e.doc.tables[ti].kind.clone(),
                row: "(table printed empty)".into(),
                column: Some(sel.column.clone()),
                value: None,
                unit: e.doc.tables[ti].unit.label().into(),
                role: Role::Part,
                page: Some(e.doc.tables[ti].first_page),
                lines: e.doc.tables[ti].line.map(|l| (l, l)),
            },
            printed: None,
            addr: None,
            unit: Some(e.doc.tables[ti].unit),
        })),
        Resolved::NotFound { .. } if sel.optional => Got::Skip,
        Resolved::NotFound { table, what } => {
            Got::Missing(format!("{} has no {what}", e.table_label(table)))
        }
    }
}

/// Resolves a rule's cells; `None` when the rule does not apply or a figure is missing (then a
/// finding is recorded). Whether the rule applies is decided from the tables first: a row
/// missing from one table is reported only when the rule would otherwise apply, whatever the
/// order of its cells (a check that could not be made for want of another table is no check).
fn get_all(
    e: &mut Engine,
    rule: &str,
    sels: &[&super::rules::CellSel],
    family: &Option<String>,
    number: Option<&str>,
) -> Option<Vec<Option<Term>>> {
    let got: Vec<Got> = sels.iter().map(|s| get(e, s, family, number)).collect();
    if sels
        .iter()
        .zip(&got)
        .any(|(s, g)| matches!(g, Got::Skip) && !s.optional)
    {
        return None;
    }
    let mut out = Vec::new();
    for g in got {
        match g {
            Got::Term(t) => out.push(Some(*t)),
            Got::Skip => out.push(None),
            Got::Missing(m) => {
                e.missing(rule, format!("{m}, which rule {rule} needs"), Vec::new());
                return None;
            }
        }
    }
    Some(out)
}

/// The table numbers a rule runs for: every number of the first cell's tables when the rule
/// is `same_number` (each 表12-N on its own), else once over the whole document.
fn instances(
    e: &Engine,
    first: &super::rules::CellSel,
    family: &Option<String>,
    same_number: bool,
) -> Vec<Option<String>> {
    if !same_number {
        return vec![None];
    }
    let mut out: Vec<Option<String>> = Vec::new();
    for ti in e.tables(&first.table, family.as_deref()) {
        let n = e.doc.tables[ti].number.clone();
        if n.is_some() && !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

/// Cells that must hold the same figure.
pub fn equalities(e: &mut Engine) {
    let rules = e.rules.equal.clone();
    for r in &rules {
        let Some(first) = r.cells.first() else {
            continue;
        };
        for number in instances(e, first, &r.family, r.same_number) {
            equality(e, r, number.as_deref());
        }
    }
}

fn equality(e: &mut Engine, r: &super::rules::EqualRule, number: Option<&str>) {
    let sels: Vec<_> = r.cells.iter().collect();
    let Some(terms) = get_all(e, &r.id, &sels, &r.family, number) else {
        return;
    };
    // Optional cells that are absent drop out; empty tables count as empty cells.
    let present: Vec<Term> = terms.into_iter().flatten().collect();
    let Some((first, rest)) = present.split_first() else {
        return;
    };
    let what = r.sentence.clone().unwrap_or_else(|| r.id.clone());
    for other in rest {
        e.compare_sum(&r.id, &what, first.clone(), vec![other.clone()]);
    }
}

/// total = Σ parts, cells anywhere in the document.
pub fn sums(e: &mut Engine) {
    let rules = e.rules.sums.clone();
    for r in &rules {
        for number in instances(e, &r.total, &r.family, r.same_number) {
            let sels: Vec<_> = std::iter::once(&r.total).chain(r.parts.iter()).collect();
            let Some(mut terms) = get_all(e, &r.id, &sels, &r.family, number.as_deref()) else {
                continue;
            };
            let Some(total) = terms.remove(0) else {
                continue;
            };
            let parts: Vec<Term> = terms.into_iter().flatten().collect();
            let what = r.sentence.clone().unwrap_or_else(|| r.id.clone());
            e.compare_sum(&r.id, &what, total, parts);
        }
    }
}

/// total = Σ a column over selected rows of a table (a list whose total is printed elsewhere,
/// or, with column "*", the table's own total row in every amount column).
pub fn row_sums(e: &mut Engine) {
    let rules = e.rules.row_sums.clone();
    for r in &rules {
        let Some(&ti) = e.tables(&r.rows.table, r.family.as_deref()).first() else {
            continue;
        };
        if e.doc.tables[ti].empty {
            continue;
        }
        let t = &e.doc.tables[ti];
        let columns: Vec<(usize, String)> = if r.rows.column == "*" {
            amount_columns(t)
                .into_iter()
                .map(|ci| (ci, t.columns[ci].id.clone()))
                .collect()
        } else {
            t.column_index(&r.rows.column)
                .map(|ci| (ci, r.rows.column.clone()))
                .into_iter()
                .collect()
        };
        for (ci, id) in columns {
            let Some(addrs) = select::resolve_rows_in(&e.doc.tables[ti], ti, &r.rows, ci, e.rules)
            else {
                continue;
            };
            let mut total_sel = r.total.clone();
            if total_sel.column == "*" {
                total_sel.column = id;
            }
            let Some(Some(total)) =
                get_all(e, &r.id, &[&total_sel], &r.family, None).map(|mut v| v.remove(0))
            else {
                continue;
            };
            let parts: Vec<Term> = addrs.iter().map(|&a| e.term(a, Role::Part)).collect();
            if parts.is_empty() {
                continue;
            }
            let what = r.sentence.clone().unwrap_or_else(|| r.id.clone());
            e.compare_sum(&r.id, &what, total, parts);
        }
    }
}

/// Rows of one table against the rows of the same name in others.
pub fn matched_rows(e: &mut Engine) {
    let rules = e.rules.match_rows.clone();
    for r in &rules {
        let Some(&lt) = e.tables(&r.left.table, r.family.as_deref()).first() else {
            continue;
        };
        if e.doc.tables[lt].empty {
            continue;
        }
        let Some(left) = select::resolve_rows(&e.doc.tables[lt], lt, &r.left, e.rules) else {
            continue;
        };
        let mut right: HashMap<String, Vec<Addr>> = HashMap::new();
        let mut right_order: Vec<String> = Vec::new();
        let mut any_right = false;
        // A right-hand table kept without some pages' rows: a line without a partner may have
        // its row on those pages.
        let mut right_lost: Option<String> = None;
        // How each key is shown in a finding: a row's name (its code when printed without).
        let mut shown: HashMap<String, String> = HashMap::new();
        for rs in &r.right {
            for ti in right_tables(e, rs, r.family.as_deref()) {
                any_right = true;
                if right_lost.is_none() {
                    right_lost = e.pages_lost_of(ti).map(str::to_string);
                }
                let t = &e.doc.tables[ti];
                if t.empty {
                    continue;
                }
                for a in select::resolve_rows(t, ti, rs, e.rules).unwrap_or_default() {
                    let key = match_key(&t.rows[a.1], e.rules);
                    if !right.contains_key(&key) {
                        right_order.push(key.clone());
                    }
                    shown
                        .entry(key.clone())
                        .or_insert_with(|| shown_name(&t.rows[a.1]));
                    right.entry(key).or_default().push(a);
                }
            }
        }
        if !any_right {
            continue;
        }
        let what = r.sentence.clone().unwrap_or_else(|| r.id.clone());
        if let Some(note) = narrower_scope(e, lt, &left, &right) {
            let terms = left.iter().map(|&a| e.term(a, Role::Stated)).collect();
            e.unparsed(
                &r.id,
                format!("{what}: lines not compared one by one: {note}"),
                terms,
            );
            continue;
        }
        let is_zero = |e: &Engine, a: Addr| {
            e.doc.tables[a.0].rows[a.1]
                .amounts
                .get(a.2)
                .copied()
                .flatten()
                .is_none_or(|v| v.is_zero())
        };
        let mut left_keys = std::collections::HashSet::new();
        for a in left {
            let key = match_key(&e.doc.tables[lt].rows[a.1], e.rules);
            left_keys.insert(key.clone());
            let name = shown_name(&e.doc.tables[lt].rows[a.1]);
            match right.get(&key) {
                Some(addrs) => {
                    let total = e.term(a, Role::Stated);
                    let parts = addrs.iter().map(|&b| e.term(b, Role::Part)).collect();
                    e.compare_sum(&r.id, &format!("{what} ({name})"), total, parts);
                }
                None if is_zero(e, a) => {}
                None => {
                    let t = e.term(a, Role::Stated);
                    let message = format!("{what}: {name} is printed in {} but has no row of that name in the other table", t.cell.table);
                    match &right_lost {
                        Some(why) => e.unparsed(
                            &r.id,
                            format!("{message}; not blamed on the document: {why}"),
                            vec![t],
                        ),
                        None => e.missing(&r.id, message, vec![t]),
                    }
                }
            }
        }
        for key in right_order {
            if left_keys.contains(&key) {
                continue;
            }
            let addrs = &right[&key];
            if addrs.iter().all(|&a| is_zero(e, a)) {
                continue;
            }
            let terms: Vec<Term> = addrs.iter().map(|&a| e.term(a, Role::Part)).collect();
            let left_label = e.table_label(lt);
            let message = format!(
                "{what}: {} has no line in {left_label}",
                shown.get(&key).map_or(key.as_str(), String::as_str)
            );
            // The left table lost pages (the line may be there), or the right rows' own table
            // did (its rows were read around a page not rebuilt).
            let lost = std::iter::once(lt)
                .chain(addrs.iter().map(|a| a.0))
                .find_map(|ti| e.pages_lost_of(ti).map(str::to_string));
            match lost {
                Some(why) => e.unparsed(
                    &r.id,
                    format!("{message}; not blamed on the document: {why}"),
                    terms,
                ),
                None => e.missing(&r.id, message, terms),
            }
        }
    }
}

/// What pairs a row with rows of other tables in a `match_rows` rule: its 类 code (printed, or
/// the code of its name in `[[function_class]]`), so that 类 rows pair whatever name variant a
/// template prints or when a reader lost the name (a plain dump's "223" without
/// "国有资本经营预算支出"); else its name.
fn match_key(row: &crate::model::Row, rules: &super::rules::RuleSet) -> String {
    let name = norm_name(&row.name);
    let class = rules.function_class_codes.get(&name);
    match (&row.code, class) {
        // A 类 name (the rule's rows are 类 rows, whatever code is printed beside it).
        (_, Some(c)) => c.clone(),
        // A 3-digit code printed without its name.
        (Some(code), None) if name.is_empty() && code.len() == 3 => code.clone(),
        _ => name,
    }
}

/// A row as a finding names it: its name, or its code when it is printed without one.
fn shown_name(row: &crate::model::Row) -> String {
    let name = norm_name(&row.name);
    match &row.code {
        Some(c) if name.is_empty() => c.clone(),
        _ => name,
    }
}

/// Why the right-hand rows of a `match_rows` rule cover other money than the left lines, if
/// they do: their sum misses the lines' sum, and the left table prints, on its other side,
/// both that sum and the difference. The central template's 一般公共预算支出表 holds this
/// year's appropriation (the 本年收入 of the 财政拨款收支总表) while the 总表's 类 lines also
/// spend the 上年结转: every line differs by its share of the carry-over, and blaming each on
/// the document would be wrong. A wrong line leaves no such figure for the difference.
fn narrower_scope(
    e: &Engine,
    lt: usize,
    left: &[Addr],
    right: &HashMap<String, Vec<Addr>>,
) -> Option<String> {
    let printed = |a: Addr| e.term(a, Role::Part).printed;
    let sum = |v: &mut dyn Iterator<Item = Printed>| {
        v.fold(Printed::exact(Decimal::ZERO), |s, p| Printed {
            value: s.value + p.value,
            half: s.half + p.half,
        })
    };
    let lines = sum(&mut left.iter().filter_map(|&a| printed(a)));
    let parts = sum(&mut right.values().flatten().filter_map(|&a| printed(a)));
    if check_sum(lines, &[parts]).outcome != Outcome::Mismatch {
        return None;
    }
    let gap = Printed {
        value: lines.value - parts.value,
        half: lines.half + parts.half,
    };
    let t = &e.doc.tables[lt];
    let side = &t.rows[left.first()?.1].section;
    // Nonzero figures of the other side, with their row names.
    let other: Vec<(&str, Printed)> = t
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| &r.section != side)
        .flat_map(|(ri, r)| {
            (0..t.columns.len())
                .filter(move |&ci| select::is_amount(t, ci))
                .filter_map(move |ci| printed((lt, ri, ci)))
                .filter(|p| !p.value.is_zero())
                .map(move |p| (r.name.as_str(), p))
        })
        .collect();
    let find = |want: Printed| {
        other
            .iter()
            .find(|(_, p)| check_sum(*p, &[want]).outcome != Outcome::Mismatch)
            .map(|(name, _)| *name)
    };
    let (covered, rest) = (find(parts)?, find(gap)?);
    let in_unit = |p: Printed| (p.value / t.unit.yuan_factor()).normalize();
    Some(format!(
        "the 类 rows of the other tables add up to {} {unit}, the {covered} line of {table}, and the lines to {} {unit}, which adds the {rest} line: the tables cover other money",
        in_unit(parts),
        in_unit(lines),
        unit = t.unit.label(),
        table = e.table_label(lt),
    ))
}

/// The tables a right-hand row set of a `match_rows` rule sums over: those of its kind in the
/// rule's family, or, where the document prints that kind only through another family's
/// grammar (tables are read one by one with whichever grammar fits), those that have the
/// column the rule names. A 类 total must not miss the 政府性基金 part because that table
/// happened to match another family's grammar.
fn right_tables(e: &Engine, rs: &super::rules::RowsSel, family: Option<&str>) -> Vec<usize> {
    let own = e.tables(&rs.table, family);
    if !own.is_empty() || family.is_none() {
        return own;
    }
    e.tables(&rs.table, None)
        .into_iter()
        .filter(|&ti| e.doc.tables[ti].column_index(&rs.column).is_some())
        .collect()
}

/// Printed percentages (表11 占比) against the amounts they are shares of.
pub fn shares(e: &mut Engine) {
    let rules = e.rules.shares.clone();
    for r in &rules {
        for ti in e.tables(&r.table, r.family.as_deref()) {
            let t = &e.doc.tables[ti];
            let (Some(pc), Some(oc)) = (t.column_index(&r.column), t.column_index(&r.of)) else {
                continue;
            };
            let label = e.table_label(ti);
            for ri in 0..t.rows.len() {
                let t = &e.doc.tables[ti];
                let row = &t.rows[ri];
                if row.amounts.get(pc).copied().flatten().is_none() {
                    continue;
                }
                let base = (0..t.rows.len()).find(|&b| {
                    t.rows[b].level == 0
                        && (r.base == ShareBase::TableTotal || t.rows[b].section == row.section)
                });
                let Some(base) = base else {
                    continue;
                };
                let what = format!(
                    "{label} {}{} share",
                    row.section
                        .as_ref()
                        .map(|s| format!("{s} "))
                        .unwrap_or_default(),
                    row.name
                );
                let share = e.term((ti, ri, pc), Role::Share);
                let part = e.term((ti, ri, oc), Role::Part);
                let whole = e.term((ti, base, oc), Role::Whole);
                e.compare_share(&r.id, &what, share, part, whole);
            }
        }
    }
}
