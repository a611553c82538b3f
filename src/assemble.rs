//! Grammar-driven table assembly: a reader's [`RawTable`] (title, unit, header text and body
//! tokens) becomes a [`Table`] of the shared model. Both readers feed this one stage.

use crate::error::TableError;
use crate::grammar::{Grammar, Layout, RowKey};
use crate::model::{CodeKind, Column, Row, Table, Unit};
use crate::token::{
    join_split_numbers, label_ordinal, outline_depth, wrapped_amount_tail, Token, TokenKind,
};
use rust_decimal::Decimal;

/// A table region as a reader found it, before any grammar is applied.
#[derive(Debug, Clone, Default)]
pub struct RawTable {
    /// Table number as printed ("表5-1"), white space removed.
    pub number: Option<String>,
    /// Title as printed, white space removed.
    pub title: String,
    /// Unit from the 单位 line, if printed.
    pub unit: Option<Unit>,
    /// Header text, white space removed.
    pub header: String,
    /// Body lines after the header, in reading order.
    pub lines: Vec<RawLine>,
    /// Notes printed inside the table (备注 / 注：…), white space removed.
    pub note: Option<String>,
    pub first_page: u32,
    pub last_page: u32,
    /// First source line (text dumps).
    pub line: Option<u32>,
    /// Each body line is one printed row whose amount tokens carry their column (PDF).
    pub positioned: bool,
    /// The grammar the layout step read the table with, adapted to the columns its header
    /// prints (`None`: the grammar as the title and header choose it).
    pub grammar: Option<std::sync::Arc<Grammar>>,
    /// Label paths of printed columns the grammar does not know, kept under derived ids.
    pub derived_columns: Vec<String>,
    /// Why the layout step took the printed header's columns over the grammar's labels
    /// located in it (the table's identities hold under them).
    pub columns_by_identities: Option<String>,
    /// Header labels of the percent columns a table prints beside its amounts and its grammar
    /// does not know ("增减(%)"): a body token numbered `n + text columns + 1 + k` is a
    /// percentage under label `k`, kept as a text cell of its row.
    pub percent_labels: Vec<String>,
    /// Coded warnings of the reader about this table (code, message).
    pub warnings: Vec<(&'static str, String)>,
    /// Why the reader could not rebuild the table's rows (reported, never guessed).
    pub failure: Option<String>,
    /// Pages of the table whose rows the reader could not rebuild while it rebuilt the other
    /// pages' (page, why): the table is kept with the rows it has, and the pages reported
    /// (warning `table_page_unparsed`).
    pub pages_unparsed: Vec<(u32, String)>,
}

/// One body line: its tokens in reading order.
#[derive(Debug, Clone, Default)]
pub struct RawLine {
    pub line: u32,
    pub page: u32,
    pub tokens: Vec<Token>,
}

impl RawTable {
    /// Number and title, as a table is named in messages.
    pub fn display_name(&self) -> String {
        match &self.number {
            Some(n) => format!("{n} {}", self.title),
            None => self.title.clone(),
        }
    }

    fn error(&self, line: u32, page: u32, message: impl Into<String>) -> TableError {
        TableError {
            table: self.display_name(),
            line,
            page,
            message: message.into(),
        }
    }

    fn all_tokens(&self) -> Vec<Token> {
        join_split_numbers(
            self.lines
                .iter()
                .flat_map(|l| l.tokens.iter().cloned())
                .collect(),
        )
    }
}

/// Rebuilds a table with a grammar; the error names the table and the source line.
pub fn assemble(raw: &RawTable, g: &Grammar) -> Result<Table, TableError> {
    let unit = match (raw.unit, g.default_unit.as_deref().and_then(Unit::parse)) {
        (Some(u), _) | (None, Some(u)) => u,
        (None, None) => {
            return Err(raw.error(
                raw.line.unwrap_or(0),
                raw.first_page,
                "no 单位 line and the grammar gives no default unit",
            ))
        }
    };
    // Geometry has located every column label already; a dump's header is checked as text.
    let (_, all) = g.header_score(&raw.header);
    if !all && !raw.positioned {
        let missing: Vec<_> = g
            .header
            .iter()
            .filter(|h| !raw.header.contains(h.as_str()))
            .collect();
        return Err(raw.error(
            raw.line.unwrap_or(0),
            raw.first_page,
            format!(
                "header does not match grammar {}: missing {missing:?} in {:?}",
                g.file, raw.header
            ),
        ));
    }
    let columns: Vec<Column> = g
        .columns
        .iter()
        .map(|c| Column {
            id: c.id.clone(),
            label: c.label.clone(),
            kind: c.kind,
            section: c.section.clone(),
        })
        .collect();
    let mut table = Table {
        number: raw.number.clone(),
        title: raw.title.clone(),
        kind: g.kind.clone(),
        grammar: g.file.clone(),
        unit,
        columns,
        rows: Vec::new(),
        indicators: Vec::new(),
        empty: false,
        note: raw.note.clone(),
        first_page: raw.first_page,
        last_page: raw.last_page,
        line: raw.line,
    };
    let has_numbers = raw
        .lines
        .iter()
        .any(|l| l.tokens.iter().any(|t| t.kind != TokenKind::Text));
    if !has_numbers {
        let marked = raw
            .note
            .as_deref()
            .is_some_and(|n| g.empty_markers.iter().any(|m| n.contains(m.as_str())));
        if marked
            || raw
                .lines
                .iter()
                .all(|l| l.tokens.iter().all(|t| g.total_labels.contains(&t.text)))
        {
            table.empty = true;
            return Ok(table);
        }
    }
    table.rows = match g.layout {
        Layout::TwoSided if raw.positioned => positioned_two_sided(raw, g)?,
        _ if raw.positioned => positioned_rows(raw, g)?,
        Layout::Coded | Layout::Project => coded_rows(raw, g)?,
        Layout::SingleRow => single_row(raw, g)?,
        Layout::TwoSided => two_sided_rows(raw, g)?,
        Layout::Performance => {
            return Err(raw.error(
                raw.line.unwrap_or(0),
                raw.first_page,
                "performance tables are assembled by the performance reader",
            ))
        }
    };
    if table.rows.is_empty() {
        return Err(raw.error(raw.line.unwrap_or(0), raw.first_page, "no rows found"));
    }
    Ok(table)
}

/// 收入 | 支出 from geometry: each token's column gives its side; a side's label and its
/// amounts on one line are one row; a short unnumbered label continues the row above.
fn positioned_two_sided(raw: &RawTable, g: &Grammar) -> Result<Vec<Row>, TableError> {
    let n = g.columns.len();
    let mut sides: Vec<Vec<Row>> = vec![Vec::new(); g.sections.len()];
    // Per section: where each row's label starts and the row's level, in printed order.
    let mut indents: Vec<Vec<(f64, u8)>> = vec![Vec::new(); g.sections.len()];
    // Per section: amounts printed on a line above the side's first label (a cell whose
    // amount is centred higher than its wrapped label: "2,940.05" over
    // "一、一般公共预算财政拨" / "款"), for that label.
    // Also a total's amounts printed on the line above its label ("2,940.05" over
    // "本年收入合计").
    let mut early: Vec<Option<EarlyAmounts>> = vec![None; g.sections.len()];
    let lines: Vec<Vec<SideSegment>> = raw.lines.iter().map(|l| side_segments(l, g, n)).collect();
    let is_total = |label: &str| g.total_labels.iter().any(|t| label.contains(t.as_str()));
    // Per section: the widest label printed on one line, and the last line's label width.
    let mut widest = vec![0usize; g.sections.len()];
    for segs in &lines {
        for (w, seg) in widest.iter_mut().zip(segs) {
            *w = (*w).max(seg.0.chars().count());
        }
    }
    let mut last_chars = vec![0usize; g.sections.len()];
    for (i, (l, segs)) in raw.lines.iter().zip(&lines).enumerate() {
        for (side, (label, amounts, any, present, x0)) in segs.iter().cloned().enumerate() {
            if !present {
                continue;
            }
            let sec = &g.sections[side];
            let rows = &mut sides[side];
            let chars = label.chars().count();
            // The rest of a label wrapped in its cell: a short piece under a line that fills
            // the side's widest label ("十四、资源勘探工业信息等" / "支出").
            let wrapped = chars > 0
                && chars * 2 <= last_chars[side]
                && last_chars[side] + 1 >= widest[side]
                && !is_total(&label);
            let continues = label_ordinal(&label).is_none()
                && (wrapped || (chars <= 2 && !is_row_label(&label, g)));
            // Amounts alone above a total's label are the total's, in columns the total
            // does not print on its own line.
            let total_below = label.is_empty()
                && any
                && lines
                    .get(i + 1)
                    .and_then(|next| next.get(side))
                    .is_some_and(|(next_label, next_amounts, _, _, _)| {
                        is_total(next_label)
                            && amounts
                                .iter()
                                .zip(next_amounts)
                                .all(|(a, b)| a.is_none() || b.is_none())
                    });
            if !label.is_empty() {
                last_chars[side] = chars;
            }
            if total_below && early[side].is_none() {
                early[side] = Some((amounts, l.line, l.page));
                continue;
            }
            match rows.last_mut() {
                Some(prev) if label.is_empty() || (continues && !any) => {
                    prev.name.push_str(&label);
                    if any {
                        if prev.amounts.iter().any(|a| a.is_some()) {
                            return Err(raw.error(
                                l.line,
                                l.page,
                                format!("amounts without a label on the {} side", sec.name),
                            ));
                        }
                        prev.amounts = amounts;
                    }
                }
                None if label.is_empty() => {
                    if early[side].is_some() || !any {
                        return Err(raw.error(l.line, l.page, "amount without a label"));
                    }
                    early[side] = Some((amounts, l.line, l.page));
                }
                _ => {
                    let amounts = match early[side].take() {
                        None => amounts,
                        Some((above, line, page)) => {
                            let mut merged = amounts;
                            for (m, a) in merged.iter_mut().zip(above) {
                                if a.is_some() {
                                    if m.is_some() {
                                        return Err(raw.error(
                                            line,
                                            page,
                                            "amount without a label",
                                        ));
                                    }
                                    *m = a;
                                }
                            }
                            merged
                        }
                    };
                    let level = match label_ordinal(&label) {
                        Some(o) => o.level.min(3),
                        None if g.total_labels.iter().any(|t| label.contains(t.as_str())) => 0,
                        None => indent_level(&indents[side], x0),
                    };
                    if let Some(x) = x0 {
                        indents[side].push((x, level));
                    }
                    rows.push(Row {
                        code: None,
                        code_kind: None,
                        name: label,
                        level,
                        section: Some(sec.name.clone()),
                        unit_name: None,
                        attributes: Default::default(),
                        amounts,
                        page: l.page,
                        lines: None,
                    });
                }
            }
        }
    }
    if let Some((_, line, page)) = early.into_iter().flatten().next() {
        return Err(raw.error(line, page, "amount without a label"));
    }
    Ok(sides.concat())
}

/// Per section of a two-sided grammar: its label, amounts and label start on one line.
fn side_segments(l: &RawLine, g: &Grammar, n: usize) -> Vec<SideSegment> {
    let mut segs: Vec<SideSegment> = Vec::new();
    for sec in &g.sections {
        let in_side = |t: &&Token| {
            t.column
                .and_then(|c| g.columns.get(c))
                .and_then(|c| c.section.as_ref())
                == Some(&sec.name)
        };
        let toks: Vec<&Token> = l.tokens.iter().filter(in_side).collect();
        let label: String = toks
            .iter()
            .filter(|t| t.kind != TokenKind::Number)
            .map(|t| t.text.as_str())
            .collect();
        let mut amounts: Vec<Option<Decimal>> = vec![None; n];
        let mut any = false;
        for t in toks.iter().filter(|t| t.kind == TokenKind::Number) {
            if let Some(c) = t.column.filter(|&c| c < n) {
                amounts[c] = t.amount();
                any = true;
            }
        }
        let x0 = toks
            .iter()
            .find(|t| t.kind != TokenKind::Number)
            .and_then(|t| t.x0);
        segs.push((label, amounts, any, !toks.is_empty(), x0));
    }
    span_labels(&mut segs);
    segs
}

/// Amounts printed on a line above the label they belong to, with that line and page.
type EarlyAmounts = (Vec<Option<Decimal>>, u32, u32);

/// One section's part of a printed line: label, amounts, whether any amount is printed,
/// whether anything is, and where the label starts.
type SideSegment = (String, Vec<Option<Decimal>>, bool, bool, Option<f64>);

/// Points a label must be indented past another to be its child.
const INDENT_STEP: f64 = 3.0;

/// The level of an unnumbered label from its indentation: that of the last row above it that
/// starts where it does, else one deeper than the last row above that starts left of it
/// (a 款 "信访事务" under "一、一般公共服务支出", its 项 "行政运行" further in), looking no
/// further up than the last total row; 1 where nothing tells (text dumps, the first row).
fn indent_level(above: &[(f64, u8)], x0: Option<f64>) -> u8 {
    let Some(x) = x0 else {
        return 1;
    };
    for &(ax, level) in above.iter().rev() {
        if level == 0 {
            // Rows after a total (上年结转 after 本年收入合计) nest under nothing above it.
            return 1;
        }
        if (ax - x).abs() < INDENT_STEP {
            return level;
        }
        if ax < x - INDENT_STEP {
            return (level + 1).min(3);
        }
    }
    1
}

/// A label printed across sections: a label without amounts followed, on the same line, by
/// amounts without a label in the next section ("支出合计" over 功能分类, its amount under
/// 支出用途) is one row, in the section of its amounts.
fn span_labels(segs: &mut [SideSegment]) {
    for k in 1..segs.len() {
        let (left, right) = segs.split_at_mut(k);
        let (a, b) = (&mut left[k - 1], &mut right[0]);
        if !a.0.is_empty() && !a.2 && b.0.is_empty() && b.2 {
            b.0 = std::mem::take(&mut a.0);
            a.3 = false;
        }
    }
}

/// Rows from geometry: each line one row, amounts in the columns their position gives.
fn positioned_rows(raw: &RawTable, g: &Grammar) -> Result<Vec<Row>, TableError> {
    let n = g.columns.len();
    let kind = code_kind(g.row_key);
    let mut rows = Vec::new();
    let mut fill = FillDown::default();
    for l in &raw.lines {
        if l.tokens.is_empty() {
            continue;
        }
        let mut code = String::new();
        let mut name = String::new();
        let mut amounts: Vec<Option<Decimal>> = vec![None; n];
        let mut cells: Vec<String> = vec![String::new(); g.text_columns.len()];
        let mut group: Vec<&str> = Vec::new();
        let mut percents: Vec<(String, String)> = Vec::new();
        for (i, t) in l.tokens.iter().enumerate() {
            match (t.kind, t.column) {
                (TokenKind::Text, Some(c)) if c == n + cells.len() => group.push(&t.text),
                (TokenKind::Text, Some(c)) if c >= n && c - n < cells.len() => {
                    cells[c - n].push_str(&t.text)
                }
                (TokenKind::Text, Some(c)) if c > n + cells.len() => {
                    if let Some(label) = raw.percent_labels.get(c - n - cells.len() - 1) {
                        percents.push((label.clone(), t.text.clone()));
                    }
                }
                (TokenKind::Number, Some(c)) if c < n => {
                    if amounts[c].is_some() {
                        return Err(raw.error(
                            l.line,
                            l.page,
                            format!("two amounts fall in column {:?}", g.columns[c].label),
                        ));
                    }
                    amounts[c] = t.amount();
                }
                (TokenKind::Number, None) if i == 0 && kind.is_some() => code = t.text.clone(),
                _ => name.push_str(&t.text),
            }
        }
        if let Some(prev) = rows.last_mut() {
            if continues_wrapped_amount(&raw.lines, prev, l, &code, &name, n) {
                continue;
            }
        }
        // Text columns: the first printed cell names the row and gives its level.
        let printed = cells.iter().position(|c| !c.is_empty());
        if let Some(prev) = rows
            .last_mut()
            .filter(|_| amounts.iter().all(Option::is_none) && code.is_empty() && name.is_empty())
        {
            if continues_text_cell(g, prev, l.page, &cells) {
                continue;
            }
        }
        if let Some(j) = printed {
            name.push_str(&cells[j]);
        }
        let mut row = keyed_row(raw, g, kind, code, name, amounts, (l.line, l.page), None)?;
        if let Some(j) = printed.filter(|_| row.level > 0) {
            row.level = g.text_columns[j].level;
        }
        row.attributes = fill.row(g, row.level, cells);
        // Lines of one ruled row each carry the group: once is enough.
        group.dedup();
        if let (Some(key), false) = (&g.group_attribute, group.is_empty()) {
            row.attributes.insert(key.clone(), group.concat());
        }
        row.attributes.extend(percents);
        rows.push(row);
    }
    if kind.is_none() && g.text_columns.is_empty() {
        outline_levels(&mut rows);
    }
    Ok(rows)
}

/// Levels of a label-keyed table's rows from their outline numbering (三公: "“三公”经费",
/// "其中：（一）因公出国（境）支出", "（二）公务用车购置及运行维护支出", "1.公务用车购置费"):
/// the numbering styles the table prints, shallowest first, take the levels after those of
/// its unnumbered rows (1, when an unnumbered row other than a total comes before the first
/// numbered one). Total rows keep level 0; a table that numbers no row is left as it is.
fn outline_levels(rows: &mut [Row]) {
    let styles: Vec<Option<u8>> = rows.iter().map(|r| outline_depth(&r.name)).collect();
    let mut present: Vec<u8> = styles.iter().flatten().copied().collect();
    present.sort_unstable();
    present.dedup();
    let Some(first_numbered) = styles.iter().position(Option::is_some) else {
        return;
    };
    let base = if rows[..first_numbered].iter().any(|r| r.level > 0) {
        2
    } else {
        1
    };
    for (r, s) in rows.iter_mut().zip(&styles) {
        if let Some(s) = s {
            if r.level > 0 {
                let rank = present.iter().position(|p| p == s).unwrap_or(0) as u8;
                r.level = base + rank;
            }
        }
    }
}

/// The first line of a new page that prints, beside the rest of a name, only the last digits
/// of an amount is the rest of the row above, whose cell wrapped at the page break ("杭州市机动
/// 14,549.64 … 12,437.3" at the foot of page 21, "车驾驶员考试服务中心 6" at the head of page
/// 22): the digits end that row's amount in their column, the words its name. Only where the
/// row's amount there, so ended, has the decimals the column's other amounts have and it had
/// fewer. Returns whether the line was taken so.
fn continues_wrapped_amount(
    lines: &[RawLine],
    prev: &mut Row,
    l: &RawLine,
    code: &str,
    name: &str,
    n: usize,
) -> bool {
    if prev.page >= l.page || !code.is_empty() {
        return false;
    }
    let first_on_page = lines
        .iter()
        .find(|x| x.page == l.page && !x.tokens.is_empty())
        .is_some_and(|x| std::ptr::eq(x, l));
    let numbers: Vec<&Token> = l
        .tokens
        .iter()
        .filter(|t| t.kind == TokenKind::Number)
        .collect();
    let [tail] = numbers.as_slice() else {
        return false;
    };
    let Some(c) = tail.column.filter(|&c| c < n) else {
        return false;
    };
    let Some(head) = prev.amounts.get(c).copied().flatten() else {
        return false;
    };
    // The decimals the column's amounts print, read from the other amounts of the line above.
    let usual = prev
        .amounts
        .iter()
        .flatten()
        .map(Decimal::scale)
        .max()
        .unwrap_or(0);
    let head_text = head.to_string();
    if !first_on_page || head.scale() >= usual || !wrapped_amount_tail(&head_text, &tail.text) {
        return false;
    }
    let Some(joined) = crate::token::parse_amount(&format!("{head_text}{}", tail.text)) else {
        return false;
    };
    if joined.scale() != usual {
        return false;
    }
    prev.amounts[c] = Some(joined);
    prev.name.push_str(name);
    true
}

/// A line at the top of a new page that prints only the last text column (no name, no
/// amount) is the rest of the row above's cell, split at the page break (a long 绩效目标):
/// appended to it. Returns whether it was.
fn continues_text_cell(g: &Grammar, prev: &mut Row, page: u32, cells: &[String]) -> bool {
    let Some((last, text)) = cells.iter().enumerate().rev().find(|(_, c)| !c.is_empty()) else {
        return false;
    };
    let only_last = last + 1 == cells.len() && cells[..last].iter().all(String::is_empty);
    if !only_last || cells.len() < 2 || prev.page >= page {
        return false;
    }
    match prev.attributes.get_mut(&g.text_columns[last].label) {
        Some(cell) => {
            cell.push_str(text);
            true
        }
        None => false,
    }
}

/// Merged text cells: the last value printed in each text column, for the blank cells below
/// it (a 专项名称 spanning its items).
#[derive(Debug, Default)]
struct FillDown {
    last: Vec<Option<String>>,
}

impl FillDown {
    /// The attributes of a row of `level` with these printed cells (one per text column):
    /// printed cells, and blank `fill_down` cells of a level up to the row's from above. A row
    /// ends the spans of columns deeper than its level.
    fn row(
        &mut self,
        g: &Grammar,
        level: u8,
        cells: Vec<String>,
    ) -> std::collections::BTreeMap<String, String> {
        self.last.resize(g.text_columns.len(), None);
        let mut out = std::collections::BTreeMap::new();
        for (k, (col, cell)) in g.text_columns.iter().zip(cells).enumerate() {
            if col.level > level {
                self.last[k] = None;
            }
            if !cell.is_empty() {
                self.last[k] = Some(cell.clone());
                out.insert(col.label.clone(), cell);
            } else if col.fill_down && col.level <= level {
                if let Some(v) = &self.last[k] {
                    out.insert(col.label.clone(), v.clone());
                }
            }
        }
        out
    }
}

/// A row keyed by a code (level from its length) or a label (合计/总计 rows are level 0).
#[allow(clippy::too_many_arguments)]
fn keyed_row(
    raw: &RawTable,
    g: &Grammar,
    kind: Option<CodeKind>,
    code: String,
    name: String,
    amounts: Vec<Option<Decimal>>,
    (line, page): (u32, u32),
    lines: Option<(u32, u32)>,
) -> Result<Row, TableError> {
    let is_total = name.is_empty()
        || g.total_labels
            .iter()
            .any(|t| name.contains(t.as_str()) && name.chars().count() <= 4);
    // A code printed in the name's cell: "2010101行政运行", "2010101-行政运行", "[30101]基本工资".
    let (code, name) = match (code.is_empty(), kind, fused_code(&name)) {
        (true, Some(CodeKind::Function | CodeKind::Economic), Some((c, rest))) => {
            (c.to_string(), rest.to_string())
        }
        _ => (code, name),
    };
    let (code, code_kind, level) = if code.is_empty() {
        (None, None, if is_total { 0 } else { 1 })
    } else {
        // A code whose 类 is none of the subject classification's, in a subject-keyed table,
        // is a unit's (单位编码 "121", "121001" over the unit's rows: Xi'an's 专项业务经费支出表);
        // one of its 类 with the wrong length ("2060") is a misread subject code.
        let k = match kind.unwrap_or(CodeKind::Function) {
            k @ (CodeKind::Function | CodeKind::Economic) if !subject_class(k, &code) => {
                CodeKind::Unit
            }
            k => k,
        };
        match code_level(k, &code) {
            Some(level) => (Some(code), Some(k), level),
            None => {
                return Err(raw.error(
                    line,
                    page,
                    format!("{code:?} is not a {k:?} code (3, 5 or 7 digits)"),
                ))
            }
        }
    };
    Ok(Row {
        code,
        code_kind,
        name,
        level,
        section: None,
        unit_name: None,
        attributes: Default::default(),
        amounts,
        page,
        lines,
    })
}

/// First three digits of the subject codes of the national classification: function
/// classification 类 201-239 (支出功能分类), economic classification 301-399 (部门) and 501-599
/// (政府预算支出经济分类).
const SUBJECT_CODE_HEADS: [std::ops::RangeInclusive<u16>; 3] = [201..=239, 301..=399, 501..=599];

/// Whether `code` starts with a 类 of the subject classification `kind` (its first three
/// digits).
fn subject_class(kind: CodeKind, code: &str) -> bool {
    let Some(head) = code.get(..3).and_then(|h| h.parse::<u16>().ok()) else {
        return false;
    };
    let heads = match kind {
        CodeKind::Function => &SUBJECT_CODE_HEADS[..1],
        _ => &SUBJECT_CODE_HEADS[1..],
    };
    heads.iter().any(|r| r.contains(&head))
}

/// A subject code fused with its name in one cell, split off: an optionally bracketed code of
/// 3, 5 or 7 digits in the national classification's ranges, an optional separator, then a
/// name that does not start with a digit. `None` for any other name ("2025年…", "100周年…").
fn fused_code(name: &str) -> Option<(&str, &str)> {
    const OPEN: &[char] = &['[', '［', '〔', '【', '(', '（'];
    const CLOSE: &[char] = &[']', '］', '〕', '】', ')', '）'];
    const SEPARATORS: &[char] = &[
        '-', '－', '—', '–', '_', ':', '：', '.', '、', '·', ' ', '　',
    ];
    let (bracketed, rest) = match name.strip_prefix(OPEN) {
        Some(r) => (true, r),
        None => (false, name),
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let (code, mut rest) = rest.split_at(digits);
    if ![3, 5, 7].contains(&digits) {
        return None;
    }
    if !subject_class(CodeKind::Function, code) && !subject_class(CodeKind::Economic, code) {
        return None;
    }
    if bracketed {
        rest = rest.strip_prefix(CLOSE)?;
    }
    let rest = rest.trim_start_matches(SEPARATORS);
    let first = rest.chars().next()?;
    (!first.is_ascii_digit() && !first.is_ascii_punctuation()).then_some((code, rest))
}

fn code_kind(k: RowKey) -> Option<CodeKind> {
    match k {
        RowKey::FunctionCode => Some(CodeKind::Function),
        RowKey::EconomicCode => Some(CodeKind::Economic),
        RowKey::UnitCode => Some(CodeKind::Unit),
        RowKey::Label | RowKey::None => None,
    }
}

/// Hierarchy level of a code: 类 1, 款 2, 项 3 (unit codes: 3 digits 1, longer 2).
fn code_level(kind: CodeKind, code: &str) -> Option<u8> {
    match (kind, code.len()) {
        (CodeKind::Unit, 1..=3) => Some(1),
        (CodeKind::Unit, 4..=12) => Some(2),
        (_, 3) => Some(1),
        (_, 5) => Some(2),
        (_, 7) => Some(3),
        _ => None,
    }
}

/// Rows keyed by a code (or a label), a name, then exactly one amount per column.
fn coded_rows(raw: &RawTable, g: &Grammar) -> Result<Vec<Row>, TableError> {
    let n = g.columns.len();
    let toks = raw.all_tokens();
    let kind = code_kind(g.row_key);
    let mut rows: Vec<Row> = Vec::new();
    let mut decimal_table = false;
    let mut i = 0;
    while i < toks.len() {
        let start = &toks[i];
        if start.kind == TokenKind::NumberFragment {
            return Err(raw.error(
                start.line,
                start.page,
                format!("a split number {:?} could not be joined", start.text),
            ));
        }
        // Key: whole-number pieces before the name (a code may wrap: "3200" + "01").
        let mut code = String::new();
        if kind.is_some() {
            while i < toks.len() && toks[i].is_integer() {
                code.push_str(&toks[i].text);
                i += 1;
            }
        }
        let mut name = String::new();
        while i < toks.len() && toks[i].kind == TokenKind::Text {
            name.push_str(&toks[i].text);
            i += 1;
        }
        if !code.is_empty() && name.is_empty() {
            return Err(raw.error(
                start.line,
                start.page,
                format!("code {code} has no name after it"),
            ));
        }
        let mut amounts = Vec::with_capacity(n);
        while amounts.len() < n && i < toks.len() && toks[i].is_number() {
            // Tables print amounts all with decimals or all whole: in a decimal table a whole
            // number is the next row's code ("206 科学技术支出 635.68 180.64\n208 …").
            if decimal_table && toks[i].is_integer() && kind.is_some() {
                break;
            }
            decimal_table |= toks[i].text.contains('.');
            amounts.push(toks[i].amount());
            i += 1;
        }
        if amounts.len() < n {
            let at = toks.get(i).unwrap_or(start);
            let what = if name.is_empty() {
                code.clone()
            } else {
                name.clone()
            };
            return Err(raw.error(
                at.line,
                at.page,
                format!(
                    "row {what:?} has {} amounts, the grammar expects {n}",
                    amounts.len()
                ),
            ));
        }
        let last_line = toks[i - 1].line;
        rows.push(keyed_row(
            raw,
            g,
            kind,
            code,
            name,
            amounts,
            (start.line, start.page),
            Some((start.line, last_line)),
        )?);
    }
    if g.layout == Layout::Project {
        split_project_units(&mut rows);
    }
    Ok(rows)
}

/// Project rows print the project's unit (项目单位) after its name; the unit is one of the
/// unit rows above it, so a name ending in a known unit name is split there.
fn split_project_units(rows: &mut [Row]) {
    let mut units: Vec<String> = Vec::new();
    for r in rows.iter_mut() {
        let found = units
            .iter()
            .filter(|u| r.name.len() > u.len() && r.name.ends_with(u.as_str()))
            .max_by_key(|u| u.len())
            .cloned();
        match found {
            Some(u) => {
                let cut = r.name.len() - u.len();
                r.name.truncate(cut);
                r.unit_name = Some(u);
            }
            None if !r.name.is_empty() => units.push(r.name.clone()),
            None => {}
        }
    }
}

/// One unlabeled row of amounts (the 三公 table).
fn single_row(raw: &RawTable, g: &Grammar) -> Result<Vec<Row>, TableError> {
    let toks = raw.all_tokens();
    let n = g.columns.len();
    if let Some(t) = toks.iter().find(|t| !t.is_number()) {
        return Err(raw.error(
            t.line,
            t.page,
            format!("unexpected {:?} in a one-row table", t.text),
        ));
    }
    if toks.len() != n {
        let t = toks.first();
        return Err(raw.error(
            t.map_or(0, |t| t.line),
            t.map_or(raw.first_page, |t| t.page),
            format!("{} amounts, the grammar expects {n}", toks.len()),
        ));
    }
    Ok(vec![Row {
        code: None,
        code_kind: None,
        name: String::new(),
        level: 0,
        section: None,
        unit_name: None,
        attributes: Default::default(),
        amounts: toks.iter().map(|t| t.amount()).collect(),
        page: toks[0].page,
        lines: Some((toks[0].line, toks[n - 1].line)),
    }])
}

/// A label and its amount (if printed) on one side of a two-sided table.
#[derive(Debug, Clone)]
struct Segment {
    label: String,
    amount: Option<Decimal>,
    has_label: bool,
    line: u32,
    last_line: u32,
    page: u32,
}

/// Splits one printed line into segments: a number closes a segment, an ordinal opens one.
fn segments(tokens: &[Token]) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut cur: Option<Segment> = None;
    for t in tokens {
        match t.kind {
            TokenKind::Text => {
                let opens = label_ordinal(&t.text).is_some();
                match cur.as_mut() {
                    Some(s) if !opens => s.label.push_str(&t.text),
                    _ => {
                        if let Some(s) = cur.take() {
                            out.push(s);
                        }
                        cur = Some(Segment {
                            label: t.text.clone(),
                            amount: None,
                            has_label: true,
                            line: t.line,
                            last_line: t.line,
                            page: t.page,
                        });
                    }
                }
            }
            _ => {
                let mut s = cur.take().unwrap_or(Segment {
                    label: String::new(),
                    amount: None,
                    has_label: false,
                    line: t.line,
                    last_line: t.line,
                    page: t.page,
                });
                s.amount = t.amount();
                s.last_line = t.line;
                out.push(s);
            }
        }
    }
    out.extend(cur);
    out
}

/// Per side: the last ordinal seen at levels 1 and 2, to tell which side a lone label is on.
#[derive(Debug, Default, Clone, Copy)]
struct OrdinalState {
    level1: u32,
    level2: u32,
}

impl OrdinalState {
    fn accepts(&self, label: &str) -> bool {
        match label_ordinal(label) {
            Some(o) if o.level == 1 => o.n == self.level1 + 1,
            Some(o) if o.level == 2 => o.n == self.level2 + 1,
            _ => false,
        }
    }

    fn note(&mut self, label: &str) {
        match label_ordinal(label) {
            Some(o) if o.level == 1 => {
                self.level1 = o.n;
                self.level2 = 0;
            }
            Some(o) if o.level == 2 => self.level2 = o.n,
            _ => {}
        }
    }
}

/// 收入 | 支出 side by side. Two segments on a line are left and right; a lone label goes to
/// the side whose ordinal sequence it continues, else by keyword; a lone amount or an
/// unnumbered fragment continues the label above it (wrapped cells).
fn two_sided_rows(raw: &RawTable, g: &Grammar) -> Result<Vec<Row>, TableError> {
    let mut sides: [Vec<Segment>; 2] = [Vec::new(), Vec::new()];
    let mut state = [OrdinalState::default(); 2];
    let mut last_side: Option<usize> = None;
    let lines: Vec<Vec<Token>> = raw.lines.iter().map(|l| l.tokens.clone()).collect();
    // Join numbers split across lines: flatten, join, regroup by line.
    let joined = join_split_numbers(lines.concat());
    let mut by_line: Vec<Vec<Token>> = Vec::new();
    for t in joined {
        match by_line.last_mut() {
            Some(v) if v[0].line == t.line => v.push(t),
            _ => by_line.push(vec![t]),
        }
    }
    for toks in &by_line {
        let segs = segments(toks);
        match segs.len() {
            0 => {}
            1 => {
                let Some(s) = segs.into_iter().next() else {
                    continue;
                };
                let pending = last_side.and_then(|side| {
                    let last = sides[side].last()?;
                    (last.amount.is_none()).then_some(side)
                });
                let continues = !s.has_label
                    || (label_ordinal(&s.label).is_none()
                        && !is_row_label(&s.label, g)
                        && pending.is_some());
                if continues {
                    let Some(side) = pending else {
                        return Err(raw.error(
                            s.line,
                            s.page,
                            format!("amount {:?} has no label", s.amount),
                        ));
                    };
                    if let Some(last) = sides[side].last_mut() {
                        last.label.push_str(&s.label);
                        if s.amount.is_some() {
                            last.amount = s.amount;
                        }
                        last.last_line = s.last_line;
                    }
                    continue;
                }
                let side = pick_side(&s.label, &state, g, last_side);
                state[side].note(&s.label);
                last_side = Some(side);
                sides[side].push(s);
            }
            2 => {
                for (side, s) in segs.into_iter().enumerate() {
                    if !s.has_label {
                        return Err(raw.error(s.line, s.page, "amount without a label"));
                    }
                    state[side].note(&s.label);
                    sides[side].push(s);
                }
                last_side = Some(1);
            }
            k => {
                return Err(raw.error(
                    toks[0].line,
                    toks[0].page,
                    format!("{k} label/amount pairs on one line; a two-sided table has 2"),
                ))
            }
        }
    }
    let mut rows = Vec::new();
    for (side, segs) in sides.iter().enumerate() {
        let section = &g.sections[side].name;
        for s in segs {
            let amounts = g
                .columns
                .iter()
                .map(|c| {
                    if c.section.as_ref() == Some(section) {
                        s.amount
                    } else {
                        None
                    }
                })
                .collect();
            let level = match label_ordinal(&s.label) {
                Some(o) => o.level.min(3),
                None if g.total_labels.iter().any(|t| s.label.contains(t.as_str())) => 0,
                None => 1,
            };
            rows.push(Row {
                code: None,
                code_kind: None,
                name: s.label.clone(),
                level,
                section: Some(section.clone()),
                unit_name: None,
                attributes: Default::default(),
                amounts,
                page: s.page,
                lines: (!raw.positioned).then_some((s.line, s.last_line)),
            });
        }
    }
    Ok(rows)
}

/// A label that stands as a row on its own (a total or a side keyword), not a wrapped fragment.
fn is_row_label(label: &str, g: &Grammar) -> bool {
    g.total_labels.iter().any(|t| label.contains(t.as_str()))
        || g.sections
            .iter()
            .any(|s| s.keywords.iter().any(|k| label.contains(k.as_str())))
}

fn pick_side(label: &str, state: &[OrdinalState; 2], g: &Grammar, last: Option<usize>) -> usize {
    match (state[0].accepts(label), state[1].accepts(label)) {
        (true, false) => return 0,
        (false, true) => return 1,
        _ => {}
    }
    // Right-side keywords first: "支出" labels are the common lone ones.
    for side in [1, 0] {
        if g.sections[side]
            .keywords
            .iter()
            .any(|k| label.contains(k.as_str()))
        {
            return side;
        }
    }
    last.unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::GrammarSet;
    use crate::token::tokenize_line;

    fn raw(lines: &[&str]) -> RawTable {
        RawTable {
            number: Some("表X".into()),
            title: "t".into(),
            unit: Some(Unit::WanYuan),
            header: String::new(),
            lines: lines
                .iter()
                .enumerate()
                .map(|(i, l)| RawLine {
                    line: i as u32 + 1,
                    page: 1,
                    tokens: tokenize_line(l, i as u32 + 1, 1).collect(),
                })
                .collect(),
            note: None,
            first_page: 1,
            last_page: 1,
            line: Some(1),
            positioned: false,
            ..Default::default()
        }
    }

    fn grammar(kind: &str) -> Grammar {
        let mut g = GrammarSet::builtin()
            .grammars
            .into_iter()
            .find(|g| g.kind == kind)
            .expect("grammar");
        g.header.clear();
        g
    }

    fn amounts(r: &Row) -> Vec<String> {
        r.amounts
            .iter()
            .map(|a| a.map(|d| d.to_string()).unwrap_or_default())
            .collect()
    }

    #[test]
    fn coded_rows_join_wrapped_codes_names_and_numbers() {
        let g = grammar("income_summary");
        let mut lines = vec!["3200", "01", "武昌区科学", "技术协会本级", "707", ".83"];
        lines.extend(std::iter::repeat_n("0.00", 11));
        let t = assemble(&raw(&lines), &g).expect("rebuilt");
        assert_eq!(t.rows.len(), 1);
        let r = &t.rows[0];
        assert_eq!(r.code.as_deref(), Some("320001"));
        assert_eq!(r.name, "武昌区科学技术协会本级");
        assert_eq!(r.level, 2);
        assert_eq!(amounts(r)[0], "707.83");
        assert_eq!(r.lines, Some((1, 17)));
    }

    #[test]
    fn a_short_row_is_an_error_naming_its_line() {
        let g = grammar("expenditure_summary");
        let e = assemble(
            &raw(&[
                "合计 707.83 252.79 455.04",
                "206 科学技术支出 635.68 180.64",
                "208 社会保障 1.00 1.00 0.00",
            ]),
            &g,
        )
        .expect_err("short row");
        assert_eq!(e.line, 3);
        assert!(
            e.message.contains("科学技术支出") && e.message.contains("2 amounts"),
            "{e}"
        );
    }

    #[test]
    fn a_code_fused_with_its_name_is_split_off() {
        assert_eq!(fused_code("2010101行政运行"), Some(("2010101", "行政运行")));
        assert_eq!(
            fused_code("2010101-行政运行"),
            Some(("2010101", "行政运行"))
        );
        assert_eq!(fused_code("20101 人大事务"), Some(("20101", "人大事务")));
        assert_eq!(fused_code("[30101]基本工资"), Some(("30101", "基本工资")));
        assert_eq!(
            fused_code("【301】工资福利支出"),
            Some(("301", "工资福利支出"))
        );
        assert_eq!(fused_code("50201办公经费"), Some(("50201", "办公经费")));
        // Not codes: a year, a number outside the classification, a wrong length, an
        // unclosed bracket, a code alone, digits running on.
        for name in [
            "2025年预算数",
            "100周年纪念活动",
            "2010一般",
            "[2010101行政运行",
            "2010101",
            "201-",
            "20101012行政运行",
            "一般公共服务支出",
        ] {
            assert_eq!(fused_code(name), None, "{name}");
        }
    }

    #[test]
    fn bad_code_length_is_rejected() {
        let g = grammar("expenditure_summary");
        let e = assemble(&raw(&["2060 x 1.00 1.00 0.00"]), &g).expect_err("4-digit code");
        assert!(e.message.contains("2060"), "{e}");
    }

    fn label_rows(names: &[&str]) -> Vec<Row> {
        names
            .iter()
            .map(|n| Row {
                code: None,
                code_kind: None,
                name: n.to_string(),
                level: if *n == "合计" { 0 } else { 1 },
                section: None,
                unit_name: None,
                attributes: Default::default(),
                amounts: Vec::new(),
                page: 1,
                lines: None,
            })
            .collect()
    }

    fn levels(rows: &[Row]) -> Vec<u8> {
        rows.iter().map(|r| r.level).collect()
    }

    #[test]
    fn outline_numbering_gives_label_rows_their_levels() {
        // Guangzhou's 行政经费及“三公”经费预算表: unnumbered rows first, so the numbered ones
        // nest under them.
        let mut rows = label_rows(&[
            "行政经费",
            "“三公”经费",
            "其中：（一）因公出国（境）支出",
            "（二）公务用车购置及运行维护支出",
            "1.公务用车购置费",
            "2.公务用车运行维护费",
            "（三）公务接待费支出",
        ]);
        outline_levels(&mut rows);
        assert_eq!(levels(&rows), [1, 1, 2, 2, 3, 3, 2]);
        // Fuzhou's 三公 table: the total first, then 1、 items over （1） items.
        let mut rows = label_rows(&[
            "合计",
            "1、因公出国（境）费用",
            "2、公务接待费",
            "3、公务用车购置及运行费",
            "其中：（1）公务用车购置费",
            "（2）公务用车运行费",
        ]);
        outline_levels(&mut rows);
        assert_eq!(levels(&rows), [0, 1, 1, 1, 2, 2]);
        // No numbering: levels stay as read.
        let mut rows = label_rows(&["合计", "杭州市公安局", "杭州市公安局巡特警支队"]);
        outline_levels(&mut rows);
        assert_eq!(levels(&rows), [0, 1, 1]);
        assert_eq!(outline_depth("其中:(12)x"), Some(4));
        assert_eq!(outline_depth("（一）x"), Some(2));
        assert_eq!(outline_depth("2026年"), None);
    }

    #[test]
    fn an_unnumbered_label_takes_its_level_from_its_indentation() {
        // "一、一般公共服务支出" at 543 (level 1 by its ordinal), "信访事务" at 553, "行政运行"
        // and "信访业务" at 563; after a total row nothing nests.
        let mut above = vec![(543.0, 1)];
        assert_eq!(indent_level(&above, Some(553.0)), 2);
        above.push((553.0, 2));
        assert_eq!(indent_level(&above, Some(563.0)), 3);
        above.push((563.0, 3));
        assert_eq!(indent_level(&above, Some(563.5)), 3);
        assert_eq!(indent_level(&above, Some(553.0)), 2);
        above.push((700.0, 0));
        assert_eq!(indent_level(&above, Some(560.0)), 1);
        // Text dumps know no positions.
        assert_eq!(indent_level(&above, None), 1);
    }

    #[test]
    fn a_code_outside_the_subject_classification_is_a_unit_code() {
        let g = grammar("expenditure_summary");
        let t = assemble(
            &raw(&["121 某局 1.00 1.00 0.00", "121001 某局本级 1.00 1.00 0.00"]),
            &g,
        )
        .expect("unit codes");
        let keys: Vec<(Option<&str>, Option<CodeKind>, u8)> = t
            .rows
            .iter()
            .map(|r| (r.code.as_deref(), r.code_kind, r.level))
            .collect();
        assert_eq!(
            keys,
            [
                (Some("121"), Some(CodeKind::Unit), 1),
                (Some("121001"), Some(CodeKind::Unit), 2)
            ]
        );
    }

    #[test]
    fn two_sided_places_lone_labels_and_wrapped_cells() {
        let g = grammar("fiscal_overview");
        let t = assemble(
            &raw(&[
                "一、本年收入 707.83 一、本年支出 707.83",
                "（一）一般公共预算拨款 707.83 （一）一般公共服务支出",
                "（二）政府性基金预算拨款 （二）国防支出",
                "（三）科学技术支出 635.68",
                "（四）资源勘探工业信息等支",
                "出",
                "0.00",
                "收 入 总 计 707.83 支 出 总 计 707.83",
            ]),
            &g,
        )
        .expect("rebuilt");
        let find = |n: &str| {
            t.rows
                .iter()
                .find(|r| r.name == n)
                .unwrap_or_else(|| panic!("{n}"))
        };
        assert_eq!(find("（三）科学技术支出").section.as_deref(), Some("支出"));
        let wrapped = find("（四）资源勘探工业信息等支出");
        assert_eq!(amounts(wrapped), ["", "0.00"]);
        assert_eq!(amounts(find("（二）国防支出")), ["", ""]);
        assert_eq!(amounts(find("（一）一般公共服务支出")), ["", ""]);
        assert_eq!(find("收入总计").level, 0);
        assert_eq!(
            t.rows
                .iter()
                .filter(|r| r.section.as_deref() == Some("收入"))
                .count(),
            4
        );
    }

    #[test]
    fn header_mismatch_is_reported() {
        let g = GrammarSet::builtin()
            .grammars
            .into_iter()
            .find(|g| g.kind == "expenditure_summary")
            .expect("g");
        let mut r = raw(&["合计 1.00 1.00 0.00"]);
        r.header = "科目编码科目名称合计基本支出".into();
        let e = assemble(&r, &g).expect_err("项目支出 missing");
        assert!(e.message.contains("项目支出"), "{e}");
    }

    #[test]
    fn project_rows_split_off_the_unit() {
        let g = grammar("project_expenditure");
        let nine = "455.04 455.04 0.00 0.00 0.00 0.00 0.00 0.00 0.00";
        let a = format!("武昌区科学技术协会本级 {nine}");
        let b = format!("科普活 动经费 武昌区 科学技术协会本级 {nine}");
        let t = assemble(&raw(&[nine, &a, &b]), &g).expect("rebuilt");
        assert_eq!(t.rows[0].level, 0);
        assert_eq!(t.rows[2].name, "科普活动经费");
        assert_eq!(
            t.rows[2].unit_name.as_deref(),
            Some("武昌区科学技术协会本级")
        );
    }

    fn positioned(lines: Vec<Vec<(&str, Option<usize>)>>) -> RawTable {
        RawTable {
            title: "t".into(),
            unit: Some(Unit::WanYuan),
            positioned: true,
            first_page: 1,
            last_page: 1,
            lines: lines
                .into_iter()
                .enumerate()
                .map(|(i, toks)| RawLine {
                    line: i as u32 + 1,
                    page: 1,
                    tokens: toks
                        .into_iter()
                        .map(|(text, column)| Token {
                            text: text.into(),
                            kind: crate::token::classify(text),
                            line: i as u32 + 1,
                            page: 1,
                            column,
                            x0: None,
                        })
                        .collect(),
                })
                .collect(),
            ..Default::default()
        }
    }

    fn jiangsu(kind: &str) -> Grammar {
        GrammarSet::builtin()
            .grammars
            .into_iter()
            .find(|g| g.kind == kind && g.family == "jiangsu-provincial-budget")
            .expect("grammar")
    }

    #[test]
    fn three_sections_and_a_label_spanning_two() {
        let g = jiangsu("overview");
        let t = assemble(
            &positioned(vec![
                vec![
                    ("一、财政拨款", Some(0)),
                    ("10.00", Some(0)),
                    ("一、一般公共服务支出", Some(1)),
                    ("7.00", Some(1)),
                    ("一、基本支出", Some(2)),
                    ("6.00", Some(2)),
                ],
                vec![("结转下年资金", Some(1))],
                // "支出合计" printed over 功能分类, its amount under 支出用途.
                vec![
                    ("收入合计", Some(0)),
                    ("10.00", Some(0)),
                    ("支出合计", Some(1)),
                    ("10.00", Some(2)),
                ],
            ]),
            &g,
        )
        .expect("rebuilt");
        let sections: Vec<(&str, &str)> = t
            .rows
            .iter()
            .map(|r| (r.section.as_deref().unwrap_or(""), r.name.as_str()))
            .collect();
        assert_eq!(
            sections,
            [
                ("收入", "一、财政拨款"),
                ("收入", "收入合计"),
                ("功能分类", "一、一般公共服务支出"),
                ("功能分类", "结转下年资金"),
                ("支出用途", "一、基本支出"),
                ("支出用途", "支出合计"),
            ]
        );
        let total = t.rows.iter().find(|r| r.name == "支出合计").expect("row");
        assert_eq!(amounts(total), ["", "", "10.00"]);
        assert_eq!(total.level, 0);
    }

    /// The layout dump of Putuo finance's 财政拨款收入支出决算总表 (regression): an amount on
    /// the line above the first label, a total's amounts on the line above its label, and
    /// labels wrapped in their cells ("二、政府性基金预算财政拨" / "款",
    /// "十四、资源勘探工业信息等" / "支出") print on lines of their own.
    #[test]
    fn two_sided_amounts_above_their_labels_and_wrapped_labels() {
        let g = GrammarSet::builtin()
            .grammars
            .into_iter()
            .find(|g| g.kind == "overview" && g.family == "national" && g.columns.len() == 2)
            .expect("grammar");
        let t = assemble(
            &positioned(vec![
                vec![("2,940.05", Some(0))],
                vec![
                    ("一、一般公共预算财政拨款", Some(0)),
                    ("一、一般公共服务支出", Some(1)),
                    ("2,106.66", Some(1)),
                ],
                vec![
                    ("二、政府性基金预算财政拨", Some(0)),
                    ("二、外交支出", Some(1)),
                ],
                vec![("款", Some(0))],
                vec![("十四、资源勘探工业信息等", Some(1))],
                vec![("支出", Some(1))],
                vec![("十五、商业服务业等支出", Some(1)), ("833.39", Some(1))],
                vec![("2,940.05", Some(0)), ("2,940.05", Some(1))],
                vec![("本年收入合计", Some(0)), ("本年支出合计", Some(1))],
            ]),
            &g,
        )
        .expect("rebuilt");
        let rows: Vec<(&str, Vec<String>)> = t
            .rows
            .iter()
            .map(|r| (r.name.as_str(), amounts(r)))
            .collect();
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            rows,
            [
                ("一、一般公共预算财政拨款", s(&["2940.05", ""])),
                ("二、政府性基金预算财政拨款", s(&["", ""])),
                ("本年收入合计", s(&["2940.05", ""])),
                ("一、一般公共服务支出", s(&["", "2106.66"])),
                ("二、外交支出", s(&["", ""])),
                ("十四、资源勘探工业信息等支出", s(&["", ""])),
                ("十五、商业服务业等支出", s(&["", "833.39"])),
                ("本年支出合计", s(&["", "2940.05"])),
            ]
        );
    }

    #[test]
    fn text_columns_fill_merged_cells_down() {
        let g = jiangsu("procurement");
        // Columns: 0 总计; text 1 采购品目大类, 2 专项名称, 3 经济科目, 4 采购物品名称, 5 采购组织形式.
        let t = assemble(
            &positioned(vec![
                vec![("合计", Some(1)), ("30.00", Some(0))],
                vec![("一、货物A", Some(1)), ("30.00", Some(0))],
                vec![
                    ("商品和服务支出", Some(2)),
                    ("会议费", Some(3)),
                    ("20.00", Some(0)),
                ],
                vec![
                    ("住宿服务", Some(4)),
                    ("分散自行组织", Some(5)),
                    ("20.00", Some(0)),
                ],
                vec![("培训费", Some(3)), ("10.00", Some(0))],
                vec![
                    ("餐饮服务", Some(4)),
                    ("分散自行组织", Some(5)),
                    ("10.00", Some(0)),
                ],
            ]),
            &g,
        )
        .expect("rebuilt");
        let levels: Vec<u8> = t.rows.iter().map(|r| r.level).collect();
        assert_eq!(levels, [0, 1, 2, 3, 2, 3]);
        let last = &t.rows[5];
        assert_eq!(last.name, "餐饮服务");
        let attr = |r: &Row, k: &str| r.attributes.get(k).cloned().unwrap_or_default();
        assert_eq!(attr(last, "专项名称"), "商品和服务支出");
        assert_eq!(attr(last, "经济科目"), "培训费");
        assert_eq!(attr(last, "采购品目大类"), "一、货物A");
        assert_eq!(attr(&t.rows[4], "专项名称"), "商品和服务支出");
        assert_eq!(t.rows[4].name, "培训费");
        // The 合计 row ends every span above it: nothing is filled into it.
        assert_eq!(t.rows[0].attributes.len(), 1);
    }
}
