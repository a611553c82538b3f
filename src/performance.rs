//! Performance-target tables (整体支出绩效目标表, 项目支出绩效目标表): amount blocks become
//! tables of rows, indicators (一级 / 二级 / 三级指标, 指标值, 依据) become [`Indicator`]s.
//! Anchors and vocabularies come from the grammar's `[[block]]` and `[indicators]`.

use crate::assemble::{RawLine, RawTable};
use crate::error::TableError;
use crate::grammar::{BlockDef, FieldDef, Grammar, IndicatorDef};
use crate::model::{Column, Indicator, Row, Table, Unit};
use crate::token::{join_split_numbers, parse_amount, Token};
use rust_decimal::Decimal;
use std::str::FromStr;

fn line_text(l: &RawLine) -> String {
    l.tokens.iter().map(|t| t.text.as_str()).collect()
}

/// Rebuilds a performance-target table: the first block is the table itself, further blocks
/// become tables of their own (same number, kind `<kind>.<block id>`); indicators go to the first.
pub fn assemble_all(raw: &RawTable, g: &Grammar) -> Result<Vec<Table>, TableError> {
    let unit = raw
        .unit
        .or_else(|| g.default_unit.as_deref().and_then(Unit::parse))
        .unwrap_or(Unit::WanYuan);
    // Header and body lines together: performance tables have no single header.
    let lines: &[RawLine] = &raw.lines;
    let mut tables = Vec::new();
    for b in &g.blocks {
        let Some(start) = lines.iter().position(|l| line_text(l).contains(&b.start)) else {
            continue;
        };
        let end = lines[start + 1..]
            .iter()
            .position(|l| b.end.iter().any(|e| line_text(l).contains(e.as_str())))
            .map_or(lines.len(), |p| start + 1 + p);
        let rows = block_rows(raw, b, &lines[start..end])?;
        let first = &lines[start];
        tables.push(Table {
            number: raw.number.clone(),
            title: format!("{}/{}", raw.title, b.title),
            kind: format!("{}.{}", g.kind, b.id),
            grammar: g.file.clone(),
            unit,
            columns: b
                .columns
                .iter()
                .map(|c| Column {
                    id: c.id.clone(),
                    label: with_years(&c.label, &printed_years(&lines[start..end])),
                    kind: c.kind,
                    section: c.section.clone(),
                })
                .collect(),
            rows,
            indicators: Vec::new(),
            empty: false,
            note: None,
            first_page: first.page,
            last_page: lines[end - 1].page,
            line: Some(first.line),
        });
    }
    let indicators = match &g.indicators {
        Some(def) => indicators(lines, def),
        None => Vec::new(),
    };
    if tables.is_empty() {
        if indicators.is_empty() {
            return Err(TableError {
                table: raw.display_name(),
                line: raw.line.unwrap_or(0),
                page: raw.first_page,
                message: "none of the grammar's blocks or indicators was found".into(),
            });
        }
        tables.push(Table {
            number: raw.number.clone(),
            title: raw.title.clone(),
            kind: g.kind.clone(),
            grammar: g.file.clone(),
            unit,
            columns: Vec::new(),
            rows: Vec::new(),
            indicators: Vec::new(),
            empty: false,
            note: None,
            first_page: raw.first_page,
            last_page: raw.last_page,
            line: raw.line,
        });
    }
    tables[0].indicators = indicators;
    Ok(tables)
}

/// Years printed in a block's header lines ("2023 年 2024 年" → ["2023", "2024"]).
fn printed_years(lines: &[RawLine]) -> Vec<String> {
    let mut out = Vec::new();
    for l in lines {
        for (i, t) in l.tokens.iter().enumerate() {
            if is_year(t, l.tokens.get(i + 1)) && !out.contains(&t.text) {
                out.push(t.text.clone());
            }
        }
    }
    out
}

/// Fills `{year:N|fallback}` in a grammar label with the N-th printed year ("2023年"), or the
/// fallback where the header prints fewer years.
fn with_years(label: &str, years: &[String]) -> String {
    let mut out = String::new();
    let mut rest = label;
    while let Some(open) = rest.find("{year:") {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        out.push_str(&rest[..open]);
        let spec = &rest[open + 6..open + close];
        let (n, fallback) = spec.split_once('|').unwrap_or((spec, ""));
        match n.parse::<usize>().ok().and_then(|n| years.get(n)) {
            Some(y) => {
                out.push_str(y);
                out.push('年');
            }
            None => out.push_str(fallback),
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// A year in a header ("2023 年"): not a value.
fn is_year(t: &Token, next: Option<&Token>) -> bool {
    t.is_integer() && t.text.len() == 4 && next.is_some_and(|n| n.text.starts_with('年'))
}

/// A value cell of a block: an amount, or a percentage for percent columns ("26%").
fn block_value(t: &Token) -> Option<Decimal> {
    if t.is_number() {
        return t.amount();
    }
    let p = t.text.strip_suffix('%')?;
    parse_amount(p).or_else(|| Decimal::from_str(p).ok())
}

/// Rows of an anchored block (项目支出明细测算): each row is its label lines, then a line with
/// an anchor word (the 支出经济分类) and the amount; free text ending in "。" after a row is
/// its trailing cell. The first label column (项目活动) is the narrower one: its lines run
/// while they fill the column's width, the widest first line of any row.
fn anchored_rows(b: &BlockDef, lines: &[RawLine]) -> Vec<Row> {
    let body_start = b
        .header_end
        .as_ref()
        .and_then(|h| lines.iter().position(|l| line_text(l).contains(h.as_str())))
        .map_or(0, |p| p + 1);
    let body = &lines[body_start.min(lines.len())..];
    // (line index, token index of the anchor word)
    let anchors: Vec<(usize, usize)> = body
        .iter()
        .enumerate()
        .filter_map(|(li, l)| {
            let k = l
                .tokens
                .iter()
                .position(|t| b.anchor_words.contains(&t.text))?;
            l.tokens
                .get(k + 1)
                .filter(|t| t.is_number())
                .map(|_| (li, k))
        })
        .collect();
    let text_of = |l: &RawLine| -> String { l.tokens.iter().map(|t| t.text.as_str()).collect() };
    // Label lines and trailing text of each row.
    let mut parts: Vec<(Vec<String>, String)> = Vec::new();
    let mut from = 0;
    for (k, &(li, _)) in anchors.iter().enumerate() {
        let between: Vec<String> = body[from..li].iter().map(text_of).collect();
        // Text after the previous row's anchor, up to its last sentence end, is that row's.
        let cut = if k == 0 {
            0
        } else {
            between
                .iter()
                .rposition(|t| t.ends_with('。'))
                .map_or(0, |p| p + 1)
        };
        if let Some(prev) = parts.last_mut() {
            prev.1 = between[..cut].concat();
        }
        parts.push((between[cut..].to_vec(), String::new()));
        from = li + 1;
    }
    if let Some(prev) = parts.last_mut() {
        let tail: Vec<String> = body[from..].iter().map(text_of).collect();
        let cut = tail
            .iter()
            .rposition(|t| t.ends_with('。'))
            .map_or(0, |p| p + 1);
        prev.1 = tail[..cut].concat();
    }
    let width = parts
        .iter()
        .filter_map(|(l, _)| l.first())
        .map(|t| t.chars().count())
        .max()
        .unwrap_or(0);
    let mut rows = Vec::new();
    for ((label_lines, trailing), &(li, k)) in parts.into_iter().zip(&anchors) {
        let l = &body[li];
        let mut n = 0;
        while n < label_lines.len() && (n == 0 || label_lines[n - 1].chars().count() >= width) {
            n += 1;
        }
        let name = label_lines[..n].concat();
        let before_anchor: String = l.tokens[..k].iter().map(|t| t.text.as_str()).collect();
        let content = label_lines[n..].concat() + &before_anchor;
        let mut attributes = std::collections::BTreeMap::new();
        if let (Some(h), false) = (b.label_columns.get(1), content.is_empty()) {
            attributes.insert(h.clone(), content);
        }
        if let Some(h) = &b.anchor_column {
            attributes.insert(h.clone(), l.tokens[k].text.clone());
        }
        if let (Some(h), false) = (&b.trailing_column, trailing.is_empty()) {
            attributes.insert(h.clone(), trailing);
        }
        let mut amounts = vec![l.tokens[k + 1].amount()];
        amounts.resize(b.columns.len(), None);
        rows.push(Row {
            code: None,
            code_kind: None,
            name,
            level: 1,
            section: None,
            unit_name: None,
            attributes,
            amounts,
            page: l.page,
            lines: Some((l.line, l.line)),
        });
    }
    rows
}

fn block_rows(raw: &RawTable, b: &BlockDef, lines: &[RawLine]) -> Result<Vec<Row>, TableError> {
    if !b.anchor_words.is_empty() {
        return Ok(anchored_rows(b, lines));
    }
    if !b.fields.is_empty() {
        return Ok(field_rows(&b.fields, b.columns.len(), lines));
    }
    let n = b.columns.len();
    // Header lines: until the first with a value or a section word.
    let is_section_start = |l: &RawLine| {
        let t = line_text(l);
        !t.is_empty()
            && b.sections
                .iter()
                .any(|s| s.starts_with(&t) || t.starts_with(s.as_str()))
    };
    let body_start = lines
        .iter()
        .position(|l| {
            let toks = &l.tokens;
            is_section_start(l)
                || toks
                    .iter()
                    .enumerate()
                    .any(|(i, t)| block_value(t).is_some() && !is_year(t, toks.get(i + 1)))
        })
        .unwrap_or(lines.len());
    let toks = join_split_numbers(
        lines[body_start..]
            .iter()
            .flat_map(|l| l.tokens.iter().cloned())
            .collect(),
    );
    let mut rows: Vec<Row> = Vec::new();
    let mut section: Option<String> = None;
    let mut i = 0;
    let label_cells = b.label_columns.len().max(1);
    while i < toks.len() {
        let start = &toks[i];
        let mut label: Vec<&Token> = Vec::new();
        while i < toks.len() && block_value(&toks[i]).is_none() {
            // A label on a new line starts a new row, unless it is a short wrapped tail ("出").
            let new_line = label.last().is_some_and(|l| l.line != toks[i].line);
            if new_line && toks[i].text.chars().count() > 2 {
                break;
            }
            label.push(&toks[i]);
            i += 1;
        }
        let mut values: Vec<Option<Decimal>> = Vec::new();
        let mut last_line = start.line;
        while values.len() < n && i < toks.len() {
            match block_value(&toks[i]) {
                Some(v) => {
                    values.push(Some(v));
                    last_line = toks[i].line;
                    i += 1;
                }
                None => break,
            }
        }
        // Trailing text (项目主要支出方向和用途) runs to the label of the next row.
        let mut trailing = String::new();
        if b.trailing_column.is_some() && !values.is_empty() {
            let mut j = i;
            while j < toks.len() && block_value(&toks[j]).is_none() {
                j += 1;
            }
            let keep = if j < toks.len() {
                j.saturating_sub(label_cells).max(i)
            } else {
                j
            };
            trailing = toks[i..keep].iter().map(|t| t.text.as_str()).collect();
            i = keep;
        }
        if !values.is_empty() && values.len() < n {
            return Err(TableError {
                table: raw.display_name(),
                line: start.line,
                page: start.page,
                message: format!(
                    "block {}: a row has {} values, {n} expected",
                    b.title,
                    values.len()
                ),
            });
        }
        let mut name: String = label.iter().map(|t| t.text.as_str()).collect();
        if let Some(s) = b.sections.iter().find(|s| name.starts_with(s.as_str())) {
            section = Some(s.clone());
            name = name[s.len()..].to_string();
        }
        if name.is_empty() && values.is_empty() {
            continue;
        }
        let mut attributes = std::collections::BTreeMap::new();
        if b.label_columns.len() > 1 && label.len() == b.label_columns.len() {
            name = label[0].text.clone();
            for (h, t) in b.label_columns.iter().zip(&label).skip(1) {
                attributes.insert(h.clone(), t.text.clone());
            }
        }
        if let (Some(h), false) = (&b.trailing_column, trailing.is_empty()) {
            attributes.insert(h.clone(), trailing);
        }
        values.resize(n, None);
        let level = if name == "合计" || name == "总计" {
            0
        } else {
            1
        };
        rows.push(Row {
            code: None,
            code_kind: None,
            name,
            level,
            section: section.clone(),
            unit_name: None,
            attributes,
            amounts: values,
            page: start.page,
            lines: Some((start.line, last_line)),
        });
    }
    Ok(rows)
}

/// A printed label made comparable with a field's names: white space and the colon after it
/// removed, and "其中：" before it ("其中：财政拨款" is the 财政拨款 field).
fn field_label(text: &str) -> String {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.trim_end_matches([':', '：']);
    let t = t.strip_prefix("其中").unwrap_or(t);
    t.trim_start_matches([':', '：']).to_string()
}

/// Whether a cell is printed as "nothing here" ("-", "—", "/").
fn is_blank_mark(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| matches!(c, '-' | '－' | '—' | '–' | '/' | '／'))
}

/// Rows of a form's labelled figures ([`FieldDef`]): each field once, at the first line whose
/// label before the figure ends with one of its names; the figure is the first value after
/// the label on that line, empty when the cell is blank or printed "-". Frame labels printed
/// on the same line before the field's ("（万元） 上年结转 750.00") are not part of its name.
fn field_rows(fields: &[FieldDef], ncols: usize, lines: &[RawLine]) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut taken = vec![false; fields.len()];
    for l in lines {
        let toks = &l.tokens;
        let first_value = toks
            .iter()
            .position(|t| block_value(t).is_some() || is_blank_mark(&t.text))
            .unwrap_or(toks.len());
        // The label: the last text piece before the figure, or all of them when the label
        // itself was split into pieces.
        let Some(last) = toks[..first_value].last() else {
            continue;
        };
        let whole: String = toks[..first_value]
            .iter()
            .map(|t| t.text.as_str())
            .collect();
        let found = [field_label(&last.text), field_label(&whole)]
            .into_iter()
            .find_map(|label| {
                let k = fields.iter().enumerate().position(|(k, f)| {
                    !taken[k] && f.names.iter().any(|n| label.ends_with(n.as_str()))
                })?;
                Some((k, label))
            });
        let Some((k, name)) = found else {
            continue;
        };
        taken[k] = true;
        let mut amounts = vec![toks.get(first_value).and_then(block_value)];
        amounts.resize(ncols.max(1), None);
        rows.push(Row {
            code: None,
            code_kind: None,
            name,
            level: fields[k].level,
            section: None,
            unit_name: None,
            attributes: Default::default(),
            amounts,
            page: l.page,
            lines: Some((l.line, l.line)),
        });
    }
    rows
}

/// Whether a piece starts a value: a comparison, a digit, or "/" (not applicable).
fn starts_value(s: &str) -> bool {
    s.starts_with(['≥', '≤', '>', '<', '=', '＞', '＜', '/'])
        || s.starts_with(|c: char| c.is_ascii_digit())
}

/// Indicator rows of every goal block: a goal marker or block label, a header naming the
/// indicator levels, then rows of level words, the indicator, its values and basis.
fn indicators(lines: &[RawLine], def: &IndicatorDef) -> Vec<Indicator> {
    let mut out = Vec::new();
    let mut goal = String::new();
    let mut i = 0;
    while i < lines.len() {
        let text = line_text(&lines[i]);
        if let Some(m) = def
            .goal_markers
            .iter()
            .find(|m| text.starts_with(m.as_str()))
        {
            // "长期目标 1：" or "长期目标" + "2：" on the next line.
            let mut g = text.clone();
            if g == *m {
                if let Some(next) = lines.get(i + 1) {
                    g.push_str(&line_text(next));
                }
            }
            let cut = g.find(['：', ':']).map_or(g.len(), |p| p);
            // "长期绩效目标表" names its goal block too.
            goal = g[..cut].trim_end_matches('表').to_string();
            i += 1;
            continue;
        }
        if !text.contains("二级指标") {
            i += 1;
            continue;
        }
        // Header: up to the first line that holds a level-1 word (or its first part).
        let mut header = String::new();
        let mut j = i;
        while j < lines.len() {
            let t = line_text(&lines[j]);
            if def
                .level1
                .iter()
                .any(|w| t.contains(w.as_str()) || (t.len() >= 6 && w.starts_with(&t)))
                || t.starts_with("产出")
            {
                break;
            }
            header.push_str(&t);
            j += 1;
        }
        let years = header.contains("近两年") || header.contains("上年");
        // Body: until a goal marker, another header or an end text.
        let mut k = j;
        while k < lines.len() {
            let t = line_text(&lines[k]);
            if k > j
                && (def.goal_markers.iter().any(|m| t.starts_with(m.as_str()))
                    || t.contains("二级指标")
                    || def.end.iter().any(|e| t.contains(e.as_str())))
            {
                break;
            }
            k += 1;
        }
        out.extend(indicator_rows(&lines[j..k], def, &goal, years));
        i = k;
    }
    out
}

fn indicator_rows(
    lines: &[RawLine],
    def: &IndicatorDef,
    goal: &str,
    years: bool,
) -> Vec<Indicator> {
    let toks: Vec<&Token> = lines.iter().flat_map(|l| l.tokens.iter()).collect();
    let mut out = Vec::new();
    let (mut level1, mut level2) = (String::new(), String::new());
    let mut goal_name = goal.to_string();
    let mut pending = String::new();
    let mut goal_prefix = String::new();
    let mut chunk: Vec<&Token> = Vec::new();
    let mut level2_fresh = false;
    for t in toks {
        let piece = t.text.as_str();
        if chunk.is_empty() {
            let cand = format!("{pending}{piece}");
            if def.level1.contains(&cand) {
                if level1.is_empty() && !goal_prefix.is_empty() {
                    goal_name = std::mem::take(&mut goal_prefix);
                }
                level1 = cand;
                pending.clear();
                continue;
            }
            if def.level2.contains(&cand) && !(level2_fresh && level2 == cand) {
                level2 = cand;
                pending.clear();
                level2_fresh = true;
                continue;
            }
            let is_prefix = def
                .level1
                .iter()
                .chain(&def.level2)
                .any(|w| w.starts_with(&cand) && *w != cand);
            if is_prefix && !(level2_fresh && level2.starts_with(&cand)) {
                pending = cand;
                continue;
            }
            if level1.is_empty() {
                // Text before the first level word: the goal's name (目标名称 column).
                goal_prefix.push_str(&cand);
                pending.clear();
                continue;
            }
        }
        if def.basis.iter().any(|b| b == piece) {
            out.push(make_indicator(
                &goal_name, &level1, &level2, &pending, &chunk, piece, t, def, years,
            ));
            pending.clear();
            chunk.clear();
            level2_fresh = false;
            continue;
        }
        chunk.push(t);
    }
    if !chunk.is_empty() {
        let last = chunk[chunk.len() - 1];
        out.push(make_indicator(
            &goal_name, &level1, &level2, &pending, &chunk, "", last, def, years,
        ));
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn make_indicator(
    goal: &str,
    level1: &str,
    level2: &str,
    prefix: &str,
    chunk: &[&Token],
    basis: &str,
    last: &Token,
    def: &IndicatorDef,
    years: bool,
) -> Indicator {
    // The indicator name runs to the first value-looking piece (or is the first piece).
    let k = chunk
        .iter()
        .position(|t| starts_value(&t.text))
        .filter(|&k| k > 0)
        .unwrap_or(1.min(chunk.len()));
    let level3 = format!(
        "{prefix}{}",
        chunk[..k]
            .iter()
            .map(|t| t.text.as_str())
            .collect::<String>()
    );
    let mut values: Vec<String> = Vec::new();
    for t in &chunk[k..] {
        let s = t.text.as_str();
        let unit_fragment = !starts_value(s)
            && s.chars().count() <= 4
            && s.starts_with(|c: char| def.unit_starts.contains(c));
        match values.last_mut() {
            Some(v) if unit_fragment => v.push_str(s),
            _ => values.push(s.to_string()),
        }
    }
    let value = if years {
        values.pop().unwrap_or_default()
    } else {
        values.join("")
    };
    let first = chunk.first().copied().unwrap_or(last);
    Indicator {
        goal: goal.to_string(),
        level1: level1.to_string(),
        level2: level2.to_string(),
        level3,
        value,
        prior_values: if years { values } else { Vec::new() },
        basis: basis.to_string(),
        page: first.page,
        lines: Some((first.line, last.line)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A line of pieces as a reader hands them over (kinds classified as readers do).
    fn line(n: u32, pieces: &[&str]) -> RawLine {
        RawLine {
            line: n,
            page: 1,
            tokens: pieces
                .iter()
                .map(|p| Token {
                    text: p.to_string(),
                    kind: crate::token::classify(p),
                    line: n,
                    page: 1,
                    column: None,
                    x0: None,
                })
                .collect(),
        }
    }

    fn field(names: &[&str], level: u8) -> FieldDef {
        FieldDef {
            names: names.iter().map(|n| n.to_string()).collect(),
            level,
        }
    }

    #[test]
    fn form_fields_take_the_figure_after_their_label() {
        let fields = [
            field(&["资金总额"], 1),
            field(&["财政拨款"], 2),
            field(&["上年结转"], 2),
            field(&["其他资金"], 2),
        ];
        // The central form: frame labels and score columns on the figures' lines.
        let lines = [
            line(1, &["年度资金总额：", "2,134.87"]),
            line(2, &["其中：财政拨款", "1,384.87", "执行率"]),
            line(3, &["项目资金", "分值"]),
            line(4, &["（万元）", "上年结转", "750.00", "（10）"]),
            line(5, &["其他资金", "-"]),
            line(6, &["1.加强对信访信息系统应用工作的指导"]),
        ];
        let rows = field_rows(&fields, 1, &lines);
        let got: Vec<(&str, u8, Option<Decimal>)> = rows
            .iter()
            .map(|r| (r.name.as_str(), r.level, r.amounts[0]))
            .collect();
        let d = |s: &str| Decimal::from_str(s).ok();
        assert_eq!(
            got,
            [
                ("年度资金总额", 1, d("2134.87")),
                ("财政拨款", 2, d("1384.87")),
                ("上年结转", 2, d("750.00")),
                ("其他资金", 2, None),
            ]
        );
        assert_eq!(rows[3].lines, Some((5, 5)));
    }

    #[test]
    fn a_field_is_read_once_and_unknown_labels_are_not_rows() {
        let fields = [field(&["资金总额"], 1), field(&["财政拨款"], 2)];
        let lines = [
            line(1, &["专项资金情况"]),
            line(2, &["资金总额", "25.89"]),
            line(3, &["财政拨款", "25.89"]),
            // Free text later in the block that happens to end with a field's name.
            line(4, &["其中：财政拨款", "3.00"]),
            line(5, &["绩效目标", "12"]),
        ];
        let rows = field_rows(&fields, 1, &lines);
        let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["资金总额", "财政拨款"]);
        assert_eq!(rows[1].amounts, [Decimal::from_str("25.89").ok()]);
    }

    #[test]
    fn field_labels_lose_colons_and_qizhong() {
        assert_eq!(field_label("其中：财政拨款"), "财政拨款");
        assert_eq!(field_label("年度资金总额："), "年度资金总额");
        assert_eq!(field_label("资金 总额:"), "资金总额");
        assert!(is_blank_mark("-") && is_blank_mark("—") && !is_blank_mark("0.00"));
    }

    #[test]
    fn year_placeholders_take_the_printed_years() {
        let years = vec!["2023".to_string(), "2024".to_string()];
        assert_eq!(
            with_years("近两年收支金额/{year:0|前年}", &years),
            "近两年收支金额/2023年"
        );
        assert_eq!(
            with_years("近两年收支金额/{year:1|上年}", &years),
            "近两年收支金额/2024年"
        );
        assert_eq!(
            with_years("近两年收支金额/{year:1|上年}", &years[..1]),
            "近两年收支金额/上年"
        );
        assert_eq!(with_years("当年金额", &years), "当年金额");
        assert_eq!(
            with_years("broken {year:0", &years),
            "broken {year:0",
            "malformed: left as is"
        );
    }
}
