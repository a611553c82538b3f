//! The plain-dump reader: text in content order (plain `pdftotext`, no `-layout`), where a
//! table's cells come one per line or block, a row's name may stand apart from its amounts and
//! nothing but their order tells columns apart.
//!
//! # Steps, per table
//! 1. Pages from form feeds; printed page numbers ("- 12 -") dropped.
//! 2. Titles from the national title vocabulary (or a grammar's own titles), on one line or
//!    after a label line ("表1" over "收支总表"), followed within a few lines by a 单位 line.
//!    A page repeating the title continues the table.
//! 3. The region: from the title to the next title, a part heading or narrative text. The
//!    header is the text before the first code or amount on each page that prints the title;
//!    a header line the dump prints again among the rows is not a row.
//! 4. Rows (`groups`, `pair_rows`): the body is a stream of row keys (codes and name lines)
//!    and amounts. Amounts come in runs of the table's column count `n` (the run length most
//!    often printed after a single name); a key directly before a run names its first row;
//!    rows printed without a key take, in order, the keys the page prints without amounts
//!    (the dump moved a block of names away from its amounts), when the counts agree.
//!    Wrapped names are joined (`join_wrapped`).
//! 5. Columns (`choose_columns`): a grammar of the title's kind with `n` columns whose header
//!    labels the header prints, else one under which the rows' identities hold, else the
//!    labels the header prints in order mapped onto the grammar, else `n` derived columns.
//!    Every choice but the first is a coded warning on the table.
//!
//! Two-sided summaries (收支总表) are read by `two_sided`: items paired with the amounts
//! printed after them, totals and carry-overs placed by their identities. Pages printed
//! column by column with blank cells left out are read by `column_major` (three-column
//! tables whose first column is the total of the others).
//!
//! Tables this reader cannot rebuild (runs that are not a multiple of `n`, percent columns,
//! blank cells omitted, two-sided tables whose totals no placement fits) are reported with
//! the reason, never guessed.

use crate::assemble::{RawLine, RawTable};
use crate::grammar::{ColumnDef, Grammar, GrammarSet, Layout, TitleQuery};
use crate::model::Unit;
use crate::text::{is_part_heading, re, squash, DumpLine, TextReading};
use crate::token::{
    is_percent, join_split_numbers, label_ordinal, tokenize_line, Token, TokenKind,
};
use crate::vocabulary::titles::{is_label_only, kind_of, split_label};
use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, OnceLock};

mod column_major;
mod page_sums;
mod two_sided;
pub use two_sided::PLAIN_TWO_SIDED;

/// Warning: a plain dump's columns were read by the identities that hold under them.
pub const PLAIN_COLUMNS_BY_IDENTITIES: &str = "plain_columns_by_identities";
/// Warning: a plain dump's columns were read from the header labels in printed order.
pub const PLAIN_COLUMNS_BY_HEADER_ORDER: &str = "plain_columns_by_header_order";
/// Warning: a plain dump's columns could not be named: kept as printed, in order.
pub const PLAIN_COLUMNS_UNNAMED: &str = "plain_columns_unnamed";
/// Warning: names the dump printed apart from their amounts were paired with them by order.
pub const PLAIN_NAMES_DISPLACED: &str = "plain_names_displaced";
/// Warning: a table's first row is printed without a name; it is read as the total.
pub const PLAIN_UNNAMED_TOTAL: &str = "plain_unnamed_total";

/// How many lines after a title its 单位 line may come.
const UNIT_LINE_WITHIN: usize = 4;
/// Longest title, in characters (a sentence mentioning a table is not a title).
const MAX_TITLE_CHARS: usize = 48;

/// One non-blank line of the dump with its page.
#[derive(Debug, Clone)]
struct Line<'a> {
    no: u32,
    page: u32,
    text: &'a str,
    squashed: String,
    page_number: bool,
}

/// A table title found at a line: label, title, and how many lines it takes.
#[derive(Debug, Clone)]
struct TitleAt {
    label: Option<String>,
    title: String,
    lines: usize,
}

/// Whether a dump is plain (content order) text with pages: form feeds, no layout.
pub fn is_plain_dump(text: &str) -> bool {
    text.contains('\u{c}') && !crate::layout_dump::is_layout_dump(text)
}

/// Reads the tables and narrative of a plain dump.
pub fn read<'a>(text: &'a str, grammars: &GrammarSet) -> TextReading<'a> {
    let lines = lines_of(text);
    let mut reading = TextReading {
        pages: text.split('\u{c}').count() as u32,
        ..Default::default()
    };
    let dump_lines: Vec<DumpLine<'a>> = lines.iter().map(dump_line).collect();
    crate::text::read_identity(&dump_lines, &mut reading);
    reading.department = lines.iter().find_map(|l| {
        l.squashed
            .strip_prefix("部门名称")
            .or_else(|| l.squashed.strip_prefix("单位名称"))
            .map(|d| d.trim_start_matches([':', '：']).to_string())
            .filter(|d| !d.is_empty())
    });
    let body: Vec<&Line<'a>> = lines.iter().filter(|l| !l.page_number).collect();
    // Table starts: (index into body, title); a title repeated at the top of a later page
    // continues its table.
    let mut starts: Vec<(usize, TitleAt)> = Vec::new();
    let mut repeats: HashSet<usize> = HashSet::new();
    let mut i = 0;
    while i < body.len() {
        let Some(t) = title_at(&body, i, grammars) else {
            i += 1;
            continue;
        };
        let at = i;
        i += t.lines;
        let top_of_page = at == 0 || body[at - 1].page != body[at].page;
        if let Some((_, prev)) = starts.last() {
            if top_of_page && prev.title == t.title && prev.label == t.label {
                repeats.insert(at);
                continue;
            }
        }
        starts.push((at, t));
    }
    let mut in_table = vec![false; body.len()];
    for (k, (s, t)) in starts.iter().enumerate() {
        let limit = starts.get(k + 1).map_or(body.len(), |(n, _)| *n);
        // A note's own sentences (its wrapped lines, up to the next line with a figure) do
        // not end the table: plain pdftotext may print cells of the table after them.
        let mut in_note = false;
        let end = (s + t.lines..limit)
            .find(|&i| {
                let l = body[i];
                if is_note(&l.squashed) {
                    in_note = true;
                } else if tokenize_line(l.text, 0, 0).any(|t| t.kind != TokenKind::Text) {
                    in_note = false;
                }
                is_part_heading(l.text) || (!in_note && is_narrative(&l.squashed))
            })
            .unwrap_or(limit);
        for flag in &mut in_table[*s..end] {
            *flag = true;
        }
        reading.tables.push(region(
            &body[*s..end],
            t,
            &repeats,
            *s,
            reading.department.as_deref(),
            grammars,
        ));
    }
    reading.narrative = body
        .iter()
        .zip(in_table)
        .filter(|(_, t)| !t)
        .map(|(l, _)| dump_line(l))
        .collect();
    reading
}

fn dump_line<'a>(l: &Line<'a>) -> DumpLine<'a> {
    DumpLine {
        no: l.no,
        page: l.page,
        text: l.text,
        page_number: l.page_number,
    }
}

/// The dump's non-blank lines with their pages (form feeds) and page numbers marked.
fn lines_of(text: &str) -> Vec<Line<'_>> {
    static DASHED: OnceLock<regex::Regex> = OnceLock::new();
    let dashed = re(
        &DASHED,
        r"^(?:[-－—–]\s*\d{1,4}\s*[-－—–]|第\s*\d{1,4}\s*页(?:\s*共\s*\d+\s*页)?)$",
    );
    let mut out = Vec::new();
    let mut no = 0u32;
    for (p, page) in text.split('\u{c}').enumerate() {
        for l in page.lines() {
            no += 1;
            let t = l.trim();
            if t.is_empty() {
                continue;
            }
            out.push(Line {
                no,
                page: p as u32 + 1,
                text: l,
                squashed: squash(t),
                page_number: dashed.is_match(t),
            });
        }
        // The line break the form feed sat on is counted by `lines()` of the next part.
        no = no.saturating_sub(u32::from(!page.ends_with('\n') && !page.is_empty()));
    }
    out
}

/// The lines (by number) of `lines` that spell column labels one after another, at least
/// two of them, with nothing else: a header the dump prints among the rows ("合计", "基本支
/// 出", "项目支出", "对附属单位补助支", "出", "上缴上级支出"; a label may wrap over lines).
/// Each run of lines without figures is read from its end: the lines before the labels start
/// stay rows ("科学技术支出").
fn label_runs(lines: &[&Line<'_>], labels: &HashSet<String>) -> Vec<u32> {
    let spells = |run: &[&Line<'_>]| -> bool {
        let mut found = 0;
        let mut acc = String::new();
        for l in run {
            acc.push_str(&l.squashed);
            if labels.contains(&acc) {
                found += 1;
                acc.clear();
            } else if !labels.iter().any(|x| x.starts_with(acc.as_str())) {
                return false;
            }
        }
        acc.is_empty() && found >= 2
    };
    let mut out = Vec::new();
    let mut k = 0;
    while k < lines.len() {
        let text_only =
            |l: &Line<'_>| tokenize_line(l.text, 0, 0).all(|t| t.kind == TokenKind::Text);
        if !text_only(lines[k]) {
            k += 1;
            continue;
        }
        let end = (k..lines.len())
            .find(|&e| !text_only(lines[e]))
            .unwrap_or(lines.len());
        if let Some(start) = (k..end).find(|&s| spells(&lines[s..end])) {
            out.extend(lines[start..end].iter().map(|l| l.no));
        }
        k = end;
    }
    out
}

/// The lines (by number) of the notes among `lines`: a note's first line ("注：…") and the
/// sentences that continue it, up to the next line that prints a figure.
fn note_lines<'l, 'a: 'l>(lines: impl Iterator<Item = &'l Line<'a>>) -> HashSet<u32> {
    let mut out = HashSet::new();
    let mut in_note = false;
    for l in lines {
        if is_note(&l.squashed) {
            in_note = true;
        } else if tokenize_line(l.text, 0, 0).any(|t| t.kind != TokenKind::Text)
            || !l.squashed.contains('。')
        {
            in_note = false;
        }
        if in_note {
            out.insert(l.no);
        }
    }
    out
}

/// A sentence of narrative (情况说明), which ends a table: a full stop outside a note.
fn is_narrative(squashed: &str) -> bool {
    squashed.contains('。') && !is_note(squashed)
}

fn is_note(squashed: &str) -> bool {
    ["注：", "注:", "备注", "说明："]
        .iter()
        .any(|p| squashed.starts_with(p))
}

/// A 单位 line ("单位：万元", "金额单位：元") or the department line beside it.
fn is_unit_line(squashed: &str) -> bool {
    squashed.starts_with("单位")
        || squashed.contains("单位：")
        || squashed.contains("单位:")
        || squashed.starts_with("部门名称")
        || squashed.starts_with("单位名称")
        || squashed.starts_with("编制单位")
}

fn unit_of(squashed: &str) -> Option<Unit> {
    let i = squashed.rfind("单位")?;
    let rest = squashed[i + "单位".len()..].trim_start_matches([':', '：']);
    Unit::parse(rest)
}

/// The title printed at `body[i]`, if any: on the line itself (label split off), or after a
/// label line, possibly wrapped over two lines; a 单位 line must follow it closely.
fn title_at(body: &[&Line<'_>], i: usize, grammars: &GrammarSet) -> Option<TitleAt> {
    let here = &body[i];
    let same_page = |k: usize| body.get(k).filter(|l| l.page == here.page);
    let mut candidates: Vec<(Option<String>, String, usize)> = Vec::new();
    if is_label_only(&here.squashed) {
        if let Some(next) = same_page(i + 1) {
            candidates.push((Some(here.squashed.clone()), next.squashed.clone(), 2));
            if let Some(more) = same_page(i + 2) {
                candidates.push((
                    Some(here.squashed.clone()),
                    format!("{}{}", next.squashed, more.squashed),
                    3,
                ));
            }
        }
    } else {
        let (label, title) = split_label(&here.squashed);
        // A heading naming the table over its full title ("一、 收支预算总表" over
        // "2026年度收支预算总表"): the heading is the label.
        if let Some(next) = same_page(i + 1) {
            let kind = kind_of(&title).map(|e| &e.kind);
            if kind.is_some()
                && kind_of(&next.squashed).map(|e| &e.kind) == kind
                && next.squashed != title
            {
                candidates.push((Some(here.squashed.clone()), next.squashed.clone(), 2));
            }
        }
        candidates.push((label.clone(), title.clone(), 1));
        if let Some(next) = same_page(i + 1) {
            candidates.push((label, format!("{title}{}", next.squashed), 2));
        }
    }
    candidates.into_iter().find_map(|(label, title, lines)| {
        let known = kind_of(&title).is_some() || grammars.best_for(&title, "", None).is_some();
        let plain = title.chars().count() <= MAX_TITLE_CHARS
            && !title.contains(['。', '，', ',', '；'])
            && !is_unit_line(&title);
        let unit_follows = (i + lines..i + lines + UNIT_LINE_WITHIN)
            .filter_map(same_page)
            .any(|l| is_unit_line(&l.squashed));
        (known && plain && unit_follows).then_some(TitleAt {
            label,
            title,
            lines,
        })
    })
}

/// What a body token is.
#[derive(Debug, Clone)]
enum Item {
    Code(Token),
    Name(Token),
    Amount(Token),
    Percent,
}

/// Keys printed together, then the amounts printed after them.
#[derive(Debug, Clone, Default)]
struct Group {
    codes: Vec<Token>,
    names: Vec<Token>,
    amounts: Vec<Token>,
    percents: usize,
}

/// A subject code as printed alone before its name: 类 (3 digits), 款 (5) or 项 (7).
fn is_code(t: &Token) -> bool {
    t.is_integer() && matches!(t.text.len(), 3 | 5 | 7)
}

/// The items of one page's body lines, split numbers joined.
fn items(lines: &[&Line<'_>], integers_are_amounts: bool) -> Vec<Item> {
    let mut tokens: Vec<Token> = Vec::new();
    for l in lines {
        tokens.extend(tokenize_line(l.text, l.no, l.page));
    }
    let tokens = join_split_numbers(tokens);
    let mut line_tokens: BTreeMap<u32, usize> = BTreeMap::new();
    for t in &tokens {
        *line_tokens.entry(t.line).or_default() += 1;
    }
    let mut out: Vec<Item> = Vec::new();
    let mut prev_line = 0;
    for t in tokens {
        let first_on_line = t.line != prev_line;
        prev_line = t.line;
        // A short number alone on its line in a table of decimal amounts is a page number
        // printed among the cells (never an amount there).
        let alone = first_on_line && tokens_on_line(t.line, &line_tokens) == 1;
        if !integers_are_amounts && alone && t.is_integer() && t.text.len() <= 2 {
            continue;
        }
        let item = match t.kind {
            TokenKind::Number if crate::token::is_marked_amount(&t.text) => Item::Amount(t),
            TokenKind::Number if first_on_line && is_code(&t) => Item::Code(t),
            TokenKind::Number if integers_are_amounts => Item::Amount(t),
            _ if is_percent(&t.text) => Item::Percent,
            _ => Item::Name(t),
        };
        // Text pieces of one line are one name ("2026 年" is text here, never an amount).
        if let (Item::Name(t), Some(Item::Name(prev))) = (&item, out.last_mut()) {
            if prev.line == t.line {
                prev.text.push_str(&t.text);
                continue;
            }
        }
        if let (Item::Name(t), Some(Item::Amount(prev))) = (&item, out.last()) {
            // An integer between text on one line is part of the name ("2026年").
            if prev.line == t.line && prev.is_integer() && !integers_are_amounts {
                let Some(Item::Amount(prev)) = out.pop() else {
                    unreachable!()
                };
                out.push(Item::Name(Token {
                    text: format!("{}{}", prev.text, t.text),
                    ..t.clone()
                }));
                continue;
            }
        }
        out.push(item);
    }
    out
}

/// How many tokens line `line` holds.
fn tokens_on_line(line: u32, counts: &BTreeMap<u32, usize>) -> usize {
    counts.get(&line).copied().unwrap_or(0)
}

/// The stream of items as groups: keys, then the amounts after them.
fn groups(items: Vec<Item>) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    let mut cur = Group::default();
    for item in items {
        let is_key = matches!(item, Item::Code(_) | Item::Name(_));
        if is_key && (!cur.amounts.is_empty() || cur.percents > 0) {
            out.push(std::mem::take(&mut cur));
        }
        match item {
            Item::Code(t) => cur.codes.push(t),
            Item::Name(t) => cur.names.push(t),
            Item::Amount(t) => cur.amounts.push(t),
            Item::Percent => cur.percents += 1,
        }
    }
    if !cur.codes.is_empty() || !cur.names.is_empty() || !cur.amounts.is_empty() {
        out.push(cur);
    }
    out
}

/// The table's column count: the run length most often printed after a single name (else after
/// anything); ties to the shorter run (a longer one may be several rows).
fn column_count(groups: &[Group]) -> Option<usize> {
    let mode = |single: bool| {
        let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
        for g in groups.iter().filter(|g| !g.amounts.is_empty()) {
            if !single || (g.names.len() == 1 && g.codes.len() <= 1) {
                *counts.entry(g.amounts.len()).or_default() += 1;
            }
        }
        counts
            .into_iter()
            .max_by_key(|&(len, n)| (n, std::cmp::Reverse(len)))
            .map(|(len, _)| len)
    };
    mode(true).or_else(|| mode(false))
}

/// Name lines joined where a name wraps: after a line as long as the table's longest name
/// line (`width`, the cell's), a line of one character, or a line closing a bracket the one
/// before opened. With `target`, lines are joined no further than that many names.
fn join_wrapped(names: &[Token], target: Option<usize>, width: usize) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    for (i, t) in names.iter().enumerate() {
        let joins = out.last().is_some_and(|prev: &Token| {
            let len = prev.text.chars().count();
            let opens =
                prev.text.matches(['（', '(']).count() > prev.text.matches(['）', ')']).count();
            label_ordinal(&t.text).is_none()
                && (names.len() > 1 && len == width && width >= 6
                    || t.text.chars().count() == 1
                    || opens)
        });
        // Names left if this line is not joined: those kept so far and the lines from here.
        let left = out.len() + names.len() - i;
        match out.last_mut() {
            Some(prev) if joins && target.is_none_or(|n| left > n) => prev.text.push_str(&t.text),
            _ => out.push(t.clone()),
        }
    }
    out
}

/// One rebuilt row: its code and name tokens (either may be missing) and its `n` amounts.
#[derive(Debug, Clone)]
struct PlainRow {
    code: Option<Token>,
    name: Option<Token>,
    amounts: Vec<Token>,
}

/// Rows from one page's groups: runs cut into rows of `n`, keys paired with the rows they
/// precede; rows without a key take the page's keys without amounts, in order. A group's codes
/// beyond its names wait for the next names printed without a code, in order ("30228" whose
/// 工会经费 follows the amounts), except the names of rows that carry none (`uncoded`). On
/// the table's first page, leading rows printed before any name take the names in
/// `leading` (the total's or the units' names the header holds), in order. Returns the
/// rows, how many were paired by order and how many leading rows were named (for the
/// warnings).
fn pair_rows(
    groups: &[Group],
    n: usize,
    first_page_of_table: bool,
    leading: &[String],
    uncoded: &dyn Fn(&str) -> bool,
    width: usize,
) -> Result<(Vec<PlainRow>, usize, usize), String> {
    let mut rows: Vec<PlainRow> = Vec::new();
    let mut waiting_codes: std::collections::VecDeque<Token> = Default::default();
    let mut orphan_rows: Vec<usize> = Vec::new();
    let mut orphan_keys: Vec<(Option<Token>, Option<Token>)> = Vec::new();
    for g in groups {
        if g.percents > 0 {
            return Err(format!(
                "percent cells among the amounts near line {}: their columns cannot be told from a plain dump",
                g.amounts.first().map_or(0, |t| t.line)
            ));
        }
        if g.amounts.len() % n != 0 {
            return Err(format!(
                "{} amounts printed together at line {} are not rows of the table's {n} columns",
                g.amounts.len(),
                g.amounts.first().map_or(0, |t| t.line)
            ));
        }
        let r = g.amounts.len() / n;
        let keys: Vec<(Option<Token>, Option<Token>)> = if g.codes.is_empty() {
            join_wrapped(&g.names, None, width)
                .into_iter()
                .map(|t| {
                    let code = if uncoded(&t.text) {
                        None
                    } else {
                        waiting_codes.pop_front()
                    };
                    (code, Some(t))
                })
                .collect()
        } else {
            let mut names = join_wrapped(&g.names, Some(g.codes.len()), width);
            join_to(&mut names, g.codes.len());
            // A unit's or total's name among coded rows' names is an earlier row's, printed
            // after its amounts ("8,236.21 … 深圳市建筑工务署工程管理中心 205 教育支出").
            while names.len() > g.codes.len() {
                let Some(i) = names.iter().position(|t| uncoded(&t.text)) else {
                    break;
                };
                orphan_keys.push((None, Some(names.remove(i))));
            }
            if names.len() > g.codes.len() {
                return Err(format!(
                    "{} codes and {} names printed together at line {}",
                    g.codes.len(),
                    names.len(),
                    g.codes[0].line
                ));
            }
            // Codes printed before the names of earlier codes: the last ones wait.
            let named = g.codes.len().min(names.len().max(r));
            waiting_codes.extend(g.codes[named..].iter().cloned());
            g.codes[..named]
                .iter()
                .enumerate()
                .map(|(k, c)| (Some(c.clone()), names.get(k).cloned()))
                .collect()
        };
        // Keys beyond the rows printed after them belong to rows printed earlier.
        let own = keys.len().min(r);
        let (early, mine) = keys.split_at(keys.len() - own);
        orphan_keys.extend(early.iter().cloned());
        for (k, chunk) in g.amounts.chunks(n).enumerate() {
            let (code, name) = mine.get(k).cloned().unwrap_or((None, None));
            if code.is_none() && name.is_none() {
                orphan_rows.push(rows.len());
            }
            rows.push(PlainRow {
                code,
                name,
                amounts: chunk.to_vec(),
            });
        }
    }
    if orphan_keys.len() > orphan_rows.len() {
        join_orphan_names(&mut orphan_keys, orphan_rows.len());
    }
    // The table's first rows printed without names: the total or unit rows whose names the
    // header holds (`leading`), in order.
    let mut unnamed_total = 0;
    let unnamed = orphan_rows.len().saturating_sub(orphan_keys.len());
    if first_page_of_table
        && unnamed > 0
        && unnamed <= leading.len()
        && orphan_rows.iter().take(unnamed).copied().eq(0..unnamed)
    {
        for (row, name) in rows.iter_mut().zip(&leading[..unnamed]) {
            row.name = Some(Token {
                text: name.clone(),
                kind: TokenKind::Text,
                ..row.amounts[0].clone()
            });
        }
        orphan_rows.drain(..unnamed);
        unnamed_total = unnamed;
    }
    if orphan_rows.len() != orphan_keys.len() {
        let at = |t: Option<&Token>| {
            t.map_or_else(String::new, |t| format!(" (the first at line {})", t.line))
        };
        let first_row = at(orphan_rows.first().and_then(|&r| rows[r].amounts.first()));
        let first_key = at(orphan_keys
            .first()
            .and_then(|(c, n)| n.as_ref().or(c.as_ref())));
        return Err(format!(
            "{} rows printed without a name{first_row} and {} names without amounts{first_key} on the page: they cannot be paired",
            orphan_rows.len(),
            orphan_keys.len()
        ));
    }
    let displaced = orphan_rows.len();
    for (r, (code, name)) in orphan_rows.into_iter().zip(orphan_keys) {
        rows[r].code = code;
        rows[r].name = name;
    }
    Ok((rows, displaced, unnamed_total))
}

/// Names printed apart from their rows, more of them than rows: names wrapped over lines
/// of their own, each under a line shorter than the table's name cell (an indented item
/// wraps sooner: "机关事业单位基本养老保" / "险缴费"). Joins the pieces, as many as there are
/// names too many ([`forced_joins`]); none if there are not enough such pairs.
fn join_orphan_names(keys: &mut Vec<(Option<Token>, Option<Token>)>, rows: usize) {
    let names: Vec<Option<&Token>> = keys.iter().map(|(_, n)| n.as_ref()).collect();
    let coded: Vec<bool> = keys.iter().map(|(c, _)| c.is_some()).collect();
    let Some(chosen) = forced_joins(&names, keys.len() - rows, |k| !coded[k + 1]) else {
        return;
    };
    for k in chosen.into_iter().rev() {
        let (_, next) = keys.remove(k + 1);
        if let (Some(name), Some(next)) = (keys[k].1.as_mut(), next) {
            name.text.push_str(&next.text);
        }
    }
}

/// Name lines joined until there are `target` (a group's codes): see [`forced_joins`].
fn join_to(names: &mut Vec<Token>, target: usize) {
    if names.len() <= target {
        return;
    }
    let refs: Vec<Option<&Token>> = names.iter().map(Some).collect();
    let Some(chosen) = forced_joins(&refs, names.len() - target, |_| true) else {
        return;
    };
    for k in chosen.into_iter().rev() {
        let next = names.remove(k + 1);
        names[k].text.push_str(&next.text);
    }
}

/// Which `excess` name lines to join to the line before (returned as the indexes `k` whose
/// next line joins them, ascending): pairs on consecutive lines of one page whose second is
/// shorter and opens no numbered label (and `joinable(k)`), the longest first lines first.
/// `None` when there are fewer such pairs.
fn forced_joins(
    names: &[Option<&Token>],
    excess: usize,
    joinable: impl Fn(usize) -> bool,
) -> Option<Vec<usize>> {
    let mut pairs: Vec<usize> = (0..names.len().saturating_sub(1))
        .filter(|&k| match (names[k], names[k + 1]) {
            (Some(a), Some(b)) => {
                joinable(k)
                    && b.line == a.line + 1
                    && b.page == a.page
                    && label_ordinal(&b.text).is_none()
                    && b.text.chars().count() < a.text.chars().count()
            }
            _ => false,
        })
        .collect();
    if pairs.len() < excess {
        return None;
    }
    pairs.sort_by_key(|&k| {
        let len = names[k].map_or(0, |t| t.text.chars().count());
        (std::cmp::Reverse(len), k)
    });
    let mut chosen: Vec<usize> = pairs[..excess].to_vec();
    chosen.sort_unstable();
    Some(chosen)
}

/// Builds the raw table of one region (the title's lines first).
fn region(
    lines: &[&Line<'_>],
    title: &TitleAt,
    repeats: &HashSet<usize>,
    offset: usize,
    department: Option<&str>,
    grammars: &GrammarSet,
) -> RawTable {
    let first = lines[0];
    let mut raw = RawTable {
        positioned: true,
        number: title.label.clone(),
        title: title.title.clone(),
        first_page: first.page,
        last_page: lines.last().map_or(first.page, |l| l.page),
        line: Some(first.no),
        ..Default::default()
    };
    // Pages of the region, each with whether it prints the title (and so a header).
    let mut pages: Vec<(u32, bool, Vec<&Line<'_>>)> = Vec::new();
    let mut skip = 0;
    for (k, l) in lines.iter().enumerate() {
        let titled = k == 0 || repeats.contains(&(offset + k));
        if titled {
            skip = title.lines;
        }
        if pages.last().is_none_or(|(page, _, _)| *page != l.page) {
            pages.push((l.page, titled, Vec::new()));
        }
        if skip > 0 {
            skip -= 1;
            continue;
        }
        if let Some((_, _, p)) = pages.last_mut() {
            p.push(l);
        }
    }
    // Column labels (and their synonyms) of the title's grammar, for keyed tables: a row is
    // never named by one of them.
    let labels: HashSet<String> = title_grammar(&raw, grammars)
        .filter(|g| {
            matches!(
                g.layout,
                Layout::Coded | Layout::Project | Layout::SingleRow
            )
        })
        .map(|g| {
            g.columns
                .iter()
                .flat_map(|c| g.column_variants(c))
                .filter(|l| !g.total_labels.contains(l))
                .collect()
        })
        .unwrap_or_default();
    let total_labels: Vec<String> = title_grammar(&raw, grammars)
        .map(|g| g.total_labels.clone())
        .unwrap_or_default();
    // Header lines (until the first code or amount of a titled page), notes and unit lines
    // are set apart from the body.
    let mut header_lines: HashSet<String> = HashSet::new();
    let mut header_order: Vec<String> = Vec::new();
    let mut bodies: Vec<Vec<&Line<'_>>> = Vec::new();
    let mut header = String::new();
    // Header cells printed among the rows: evidence of the columns, not rows.
    let mut late_header = String::new();
    // The late header lines that spell column labels in turn: the columns' printed order.
    let mut label_run = String::new();
    let mut note: Option<String> = None;
    let notes = note_lines(pages.iter().flat_map(|(_, _, p)| p.iter().copied()));
    // Runs of lines that spell the header's column labels in turn, printed among the rows.
    // The header is not read yet: the labels of every coded grammar of the title's kind.
    let header_runs: HashSet<u32> = title_grammar(&raw, grammars)
        .filter(|g| g.layout == Layout::Coded)
        .map(|title| {
            let all_labels: HashSet<String> = grammars
                .grammars
                .iter()
                .filter(|g| g.kind == title.kind && g.layout == Layout::Coded)
                .flat_map(|g| g.columns.iter().flat_map(|c| g.column_variants(c)))
                .collect();
            pages
                .iter()
                .flat_map(|(_, _, p)| label_runs(p, &all_labels))
                .collect()
        })
        .unwrap_or_default();
    for (k, (_, titled, page)) in pages.iter().enumerate() {
        let mut in_header = *titled;
        let mut body = Vec::new();
        let mut pending: Vec<&Line<'_>> = Vec::new();
        for l in page {
            if notes.contains(&l.no) {
                note.get_or_insert_with(String::new).push_str(&l.squashed);
                continue;
            }
            if is_unit_line(&l.squashed) {
                if raw.unit.is_none() {
                    raw.unit = unit_of(&l.squashed);
                }
                continue;
            }
            if in_header {
                let starts_body = tokenize_line(l.text, 0, 0).any(|t| {
                    crate::token::is_marked_amount(&t.text) || (is_code(&t) && t.is_integer())
                }) && !l.squashed.contains('年');
                if !starts_body {
                    if k == 0 {
                        header.push_str(&l.squashed);
                        header_lines.insert(l.squashed.clone());
                        header_order.push(l.squashed.clone());
                    } else {
                        pending.push(*l);
                    }
                    continue;
                }
                in_header = false;
                // A repeated header prints the first page's labels: what else it holds
                // before the first amount is the first row's name.
                body.extend(
                    pending
                        .drain(..)
                        .filter(|p| !header_lines.contains(&p.squashed)),
                );
            }
            // A header cell the dump prints late, among the rows: a line of the header, or a
            // column label of the title's grammar (or a piece of one: "算拨款") alone on its
            // line. A total's or the unit's name is a row, wherever else it is printed.
            let text_only = tokenize_line(l.text, 0, 0).all(|t| t.kind == TokenKind::Text);
            let row_name =
                total_labels.contains(&l.squashed) || Some(l.squashed.as_str()) == department;
            let label_piece =
                |p: &str| p.chars().count() >= 2 && labels.iter().any(|x| x.contains(p));
            if header_runs.contains(&l.no)
                || text_only
                    && !row_name
                    && (header_lines.contains(&l.squashed)
                        || l.text.split_whitespace().all(label_piece))
            {
                late_header.push_str(&l.squashed);
                if header_runs.contains(&l.no) {
                    label_run.push_str(&l.squashed);
                }
                continue;
            }
            body.push(*l);
        }
        bodies.push(body);
    }
    raw.header = header;
    raw.header.push_str(&late_header);
    raw.note = note;
    let marked = bodies
        .iter()
        .flatten()
        .any(|l| tokenize_line(l.text, 0, 0).any(|t| crate::token::is_marked_amount(&t.text)));
    let page_groups: Vec<Vec<Group>> = bodies.iter().map(|b| groups(items(b, !marked))).collect();
    let all: Vec<Group> = page_groups.iter().flatten().cloned().collect();
    if all.iter().all(|g| g.amounts.is_empty()) {
        // Printed without amounts: the assembler decides whether it is an empty table.
        raw.lines = bodies
            .iter()
            .flatten()
            .map(|l| RawLine {
                line: l.no,
                page: l.page,
                tokens: tokenize_line(l.text, l.no, l.page).collect(),
            })
            .collect();
        return raw;
    }
    let Some(g) = title_grammar(&raw, grammars) else {
        return raw;
    };
    if g.layout == Layout::TwoSided && g.panels <= 1 {
        let Some(two) = two_sided::grammar(&g.kind, grammars) else {
            raw.failure = Some(format!("no two-column grammar of kind {} reads it", g.kind));
            return raw;
        };
        let by_page: Vec<(u32, Vec<&Line<'_>>)> = pages
            .iter()
            .map(|(p, _, l)| {
                let kept = l.iter().copied().filter(|l| !notes.contains(&l.no));
                (*p, kept.collect())
            })
            .collect();
        match two_sided::read(&by_page, two, &mut raw) {
            Ok(()) => raw.warnings.push((
                two_sided::PLAIN_TWO_SIDED,
                format!(
                    "{}: items paired with the amounts printed after them, totals and carry-overs placed by their identities (grammar {})",
                    raw.display_name(),
                    two.file
                ),
            )),
            Err(e) => {
                raw.failure = Some(format!(
                    "a two-sided table printed in content order: {e} (grammar {})",
                    two.file
                ))
            }
        }
        return raw;
    }
    if !matches!(
        g.layout,
        Layout::Coded | Layout::Project | Layout::SingleRow
    ) || !g.text_columns.is_empty()
        || g.panels > 1
    {
        raw.failure = Some(format!(
            "a {:?} table printed in content order cannot be rebuilt from a plain dump (grammar {})",
            g.layout, g.file
        ));
        return raw;
    }
    // A first row printed without a name: the unit row when the header holds the unit's
    // name (the department of the 部门名称 line), else the table's total.
    let total_label = department
        .filter(|d| header_lines.contains(*d))
        .or(g.total_labels.first().map(String::as_str))
        .unwrap_or("合计");
    // The names of leading rows printed without one: the units' names the header holds (the
    // department's, then its units': "深圳市建筑工务署", "深圳市建筑工务署（本级）"), else the
    // total's.
    let mut leading: Vec<String> = header_order
        .iter()
        .filter(|l| Some(l.as_str()) == department || is_unit_name(l))
        .cloned()
        .collect();
    leading.dedup();
    if leading.is_empty() {
        leading.push(total_label.to_string());
    }
    // Rows that carry no code in a coded table: totals, the unit's and other units' rows.
    let uncoded = |name: &str| {
        name == total_label
            || g.total_labels.iter().any(|t| t == name)
            || Some(name) == department
            || header_lines.contains(name)
            || is_unit_name(name)
    };
    // The name cell's width: the table's longest name line.
    let width = all
        .iter()
        .flat_map(|g| &g.names)
        .map(|t| t.text.chars().count())
        .max()
        .unwrap_or(0);
    let mut rows: Vec<PlainRow> = Vec::new();
    let with_amounts: Vec<&Vec<Group>> = page_groups
        .iter()
        .filter(|gs| gs.iter().any(|g| !g.amounts.is_empty()))
        .collect();
    let triple = column_major::triple(g).filter(|_| {
        with_amounts
            .iter()
            .all(|gs| column_major::is_column_major(gs))
    });
    if let Some(triple) = triple {
        match column_major::read_pages(&with_amounts, &uncoded, width) {
            Ok(r) => rows.extend(r),
            Err(e) => {
                raw.failure = Some(format!("a page printed column by column: {e}"));
                return raw;
            }
        }
        raw.warnings.push((
            column_major::PLAIN_COLUMN_MAJOR,
            format!(
                "{}: printed column by column, blank cells left out; the parts' cells placed where every row's total is their sum (grammar {})",
                raw.display_name(),
                g.file
            ),
        ));
        let mut placed = g.clone();
        placed.columns = triple.iter().map(|&c| g.columns[c].clone()).collect();
        raw.grammar = Some(Arc::new(placed));
        raw.lines = plain_lines(rows);
        return raw;
    }
    let Some(n) = column_count(&all) else {
        return raw;
    };
    for (k, groups) in page_groups.iter().enumerate() {
        let paired = pair_rows(groups, n, k == 0, &leading, &uncoded, width).and_then(|p| {
            match page_sums::first_broken_sum(&p.0) {
                Some(why) => Err(format!(
                    "its rows, paired in printed order, do not add up: {why}"
                )),
                None => Ok(p),
            }
        });
        match paired {
            Ok((r, displaced, unnamed_total)) => {
                if displaced > 0 {
                    raw.warnings.push((
                        PLAIN_NAMES_DISPLACED,
                        format!(
                            "{} rows on page {} printed apart from their names were paired with them in printed order",
                            displaced,
                            r.first().and_then(|r| r.amounts.first()).map_or(0, |t| t.page)
                        ),
                    ));
                }
                if unnamed_total > 0 {
                    let names = leading[..unnamed_total].join("、");
                    raw.warnings.push((
                        PLAIN_UNNAMED_TOTAL,
                        if unnamed_total == 1 {
                            format!("the first row is printed without a name beside it; read as {names}")
                        } else {
                            format!("the first {unnamed_total} rows are printed without a name beside them; read as the header's {names}")
                        },
                    ));
                }
                rows.extend(r);
            }
            Err(e) => raw.pages_unparsed.push((pages[k].0, e)),
        }
    }
    // A page that cannot be paired loses its rows, not the table's other pages; a table none
    // of whose pages pairs is not rebuilt.
    if rows.is_empty() && !raw.pages_unparsed.is_empty() {
        raw.failure = raw.pages_unparsed.drain(..).next().map(|(_, e)| e);
        return raw;
    }
    let (grammar, warning) = choose_columns(g, &raw, &label_run, &rows, n, grammars);
    if let Some(w) = warning {
        raw.warnings.push(w);
    }
    raw.grammar = Some(Arc::new(grammar));
    raw.lines = plain_lines(rows);
    raw
}

/// Rebuilt rows as positioned lines: code, name, then each amount in its column (the one it
/// carries, else its place).
fn plain_lines(rows: Vec<PlainRow>) -> Vec<RawLine> {
    rows.into_iter()
        .map(|r| {
            let at = r.amounts[0].clone();
            let mut tokens = Vec::with_capacity(r.amounts.len() + 2);
            tokens.extend(r.code);
            tokens.extend(r.name);
            tokens.extend(r.amounts.into_iter().enumerate().map(|(c, mut t)| {
                t.column = t.column.or(Some(c));
                t
            }));
            RawLine {
                line: tokens.first().map_or(at.line, |t| t.line),
                page: at.page,
                tokens,
            }
        })
        .collect()
}

/// Whether a row name is a budget unit's (a 预算单位 row of a multi-unit table): it ends as
/// unit names do ("（本级）", "局", "中心", "委员会", …). Subject names do not.
fn is_unit_name(name: &str) -> bool {
    const ENDINGS: &[&str] = &[
        "（本级）",
        "(本级)",
        "本级",
        "局",
        "中心",
        "委员会",
        "办公室",
        "办公厅",
        "院",
        "所",
        "站",
        "队",
        "馆",
        "学校",
        "大学",
        "学院",
        "医院",
        "协会",
        "联合会",
        "研究会",
        "厅",
        "署",
        "处",
    ];
    name.chars().count() >= 4 && ENDINGS.iter().any(|e| name.ends_with(e))
}

/// The grammar the title names (best title score, the header's labels breaking ties).
fn title_grammar<'g>(raw: &RawTable, grammars: &'g GrammarSet) -> Option<&'g Grammar> {
    grammars.best_for(&raw.title, &raw.header, None)
}

/// A reading of a plain table's columns: the first `named.len()` printed columns are these
/// grammar columns (in printed order), the rest derived.
#[derive(Debug, Clone, PartialEq)]
struct Placement {
    named: Vec<usize>,
    fails: usize,
    holds: usize,
    /// How many of the named columns the header prints a label of.
    in_header: usize,
    /// How many pairs of successive named columns with printed labels are printed in that
    /// order in the header text.
    in_order: usize,
}

impl Placement {
    /// Fewer failing identities first, then more identities holding (arithmetic the rows
    /// prove; a content-order header's text is a weaker hint), then more labels printed,
    /// printed in order, and more columns named.
    fn rank(&self) -> (std::cmp::Reverse<usize>, usize, usize, usize, usize) {
        (
            std::cmp::Reverse(self.fails),
            self.holds,
            self.in_header,
            self.in_order,
            self.named.len(),
        )
    }
}

/// Most placements tried per grammar (subsets of its columns), so that a wide grammar cannot
/// make a table slow.
const MAX_PLACEMENTS: usize = 20_000;

/// The best placement of `n` printed columns under grammar `g`: each ordered choice of the
/// grammar's columns for the first `k` printed ones (`k` from `n` down to half of it), the
/// rest derived, ranked by [`Placement::rank`].
fn best_placement(
    g: &Grammar,
    header: &str,
    label_run: &str,
    rows: &[PlainRow],
    n: usize,
) -> Option<Placement> {
    let m = g.columns.len();
    let positions = |text: &str| -> Vec<Option<usize>> {
        let text = crate::vocabulary::normalize_label(text);
        g.columns
            .iter()
            .map(|c| {
                g.column_variants(c)
                    .iter()
                    .find_map(|v| label_position(&text, v))
            })
            .collect()
    };
    let printed = positions(header);
    // Where the labels are printed one per line in turn among the rows: their order there.
    let in_run = positions(label_run);
    // Each row's amounts parsed once, not once per subset tried.
    let values: Vec<Vec<Option<rust_decimal::Decimal>>> = rows
        .iter()
        .map(|r| r.amounts.iter().map(Token::amount).collect())
        .collect();
    let mut best: Option<Placement> = None;
    let mut tried = 0usize;
    for k in (n.div_ceil(2).max(1)..=n.min(m)).rev() {
        let mut subset: Vec<usize> = (0..k).collect();
        loop {
            tried += 1;
            if tried > MAX_PLACEMENTS {
                return best;
            }
            // The subset in the grammar's order, and in the order of a run of labels printed
            // one per line where the run spells every label of it ("事业单位经营支出" before
            // "上缴上级支出"): identities that add columns up cannot tell such columns apart.
            // (A content-order header's text is too mixed to order columns by.)
            let run_orders = subset.iter().all(|&c| in_run[c].is_some());
            let order_of = if run_orders { &in_run } else { &printed };
            let mut orders = vec![subset.clone()];
            if run_orders {
                let mut by_run = subset.clone();
                by_run.sort_by_key(|&c| in_run[c]);
                if by_run != subset {
                    orders.push(by_run);
                }
            }
            for order in orders {
                let amounts = values.iter().map(|r| {
                    let mut a = vec![None; m];
                    for (slot, v) in order.iter().zip(r) {
                        a[*slot] = *v;
                    }
                    a
                });
                let fit = crate::layout::rows_fit(g, amounts);
                let p = Placement {
                    fails: fit.fails,
                    holds: fit.holds,
                    in_header: order.iter().filter(|&&c| printed[c].is_some()).count(),
                    in_order: order
                        .iter()
                        .filter_map(|&c| order_of[c])
                        .collect::<Vec<_>>()
                        .windows(2)
                        .filter(|w| w[0] < w[1])
                        .count(),
                    named: order,
                };
                if best.as_ref().is_none_or(|b| p.rank() > b.rank()) {
                    best = Some(p);
                }
            }
            if !next_subset(&mut subset, m) {
                break;
            }
        }
    }
    best
}

/// Where the header prints a column label: the label whole, or its two halves where the
/// cell wraps it (a plain dump prints "事业单位" and "经营支出" as two lines, other labels
/// between them), each half at least two characters; the byte offset of its start.
fn label_position(header: &str, label: &str) -> Option<usize> {
    if label.chars().count() < 2 {
        return None;
    }
    if let Some(i) = header.find(label) {
        return Some(i);
    }
    let cuts: Vec<usize> = label.char_indices().map(|(i, _)| i).skip(2).collect();
    cuts.into_iter()
        .filter(|&i| label[i..].chars().count() >= 2)
        .find_map(|i| {
            let head = header.find(&label[..i])?;
            header[head + i..].contains(&label[i..]).then_some(head)
        })
}

/// The next k-subset of 0..m in lexicographic order; false after the last.
fn next_subset(s: &mut [usize], m: usize) -> bool {
    let k = s.len();
    for i in (0..k).rev() {
        if s[i] < m - k + i {
            s[i] += 1;
            for j in i + 1..k {
                s[j] = s[j - 1] + 1;
            }
            return true;
        }
    }
    false
}

/// The grammar the rows are read under (see the module doc, step 5) and the warning that says
/// how its columns were told.
fn choose_columns(
    g: &Grammar,
    raw: &RawTable,
    label_run: &str,
    rows: &[PlainRow],
    n: usize,
    grammars: &GrammarSet,
) -> (Grammar, Option<(&'static str, String)>) {
    let query = TitleQuery::new(&raw.title);
    let candidates = std::iter::once(g).chain(
        grammars
            .grammars
            .iter()
            .filter(|x| !std::ptr::eq(*x, g) && (x.kind == g.kind || x.matches(&query))),
    );
    let best = candidates
        .filter(|x| x.layout == g.layout && x.text_columns.is_empty() && x.panels == 1)
        .filter_map(|x| best_placement(x, &raw.header, label_run, rows, n).map(|p| (x, p)))
        .max_by(|(x, a), (y, b)| {
            a.rank()
                .cmp(&b.rank())
                // Ties: the title's own grammar, then the national one.
                .then((std::ptr::eq(*x, g)).cmp(&std::ptr::eq(*y, g)))
                .then(
                    (x.family == crate::grammar::NATIONAL_FAMILY)
                        .cmp(&(y.family == crate::grammar::NATIONAL_FAMILY)),
                )
        });
    let proven = |p: &Placement| p.holds > 0 && p.fails * 20 <= p.holds;
    let by_header = |p: &Placement| p.fails == 0 && p.in_header == n && p.named.len() == n;
    if let Some((x, p)) = best.filter(|(_, p)| proven(p) || by_header(p)) {
        let mut placed = x.clone();
        placed.columns = p.named.iter().map(|&c| x.columns[c].clone()).collect();
        for k in p.named.len() + 1..=n {
            placed.columns.push(derived_column(k));
        }
        let ids: Vec<String> = placed.columns.iter().map(|c| c.id.clone()).collect();
        let (code, how) = if proven(&p) {
            (
                PLAIN_COLUMNS_BY_IDENTITIES,
                format!("identities: {} checks hold, {} fail", p.holds, p.fails),
            )
        } else {
            (
                PLAIN_COLUMNS_BY_HEADER_ORDER,
                "the header prints their labels; no identity to check them by".to_string(),
            )
        };
        return (
            placed,
            Some((
                code,
                format!(
                    "{}: the dump's {n} amount columns read, in printed order, as {ids:?} of grammar {} ({how}; {} of them labelled in the header)",
                    raw.display_name(),
                    x.file,
                    p.in_header
                ),
            )),
        );
    }
    let mut unnamed = g.clone();
    unnamed.columns = (1..=n).map(derived_column).collect();
    unnamed.identities.clear();
    (
        unnamed,
        Some((
            PLAIN_COLUMNS_UNNAMED,
            format!(
                "{}: no grammar of the kind places the table's {n} amount columns so that its identities hold; amounts kept in printed order under printed.column.1..{n}, unchecked",
                raw.display_name()
            ),
        )),
    )
}

/// The `k`-th printed column (1-based) that no grammar column names.
fn derived_column(k: usize) -> ColumnDef {
    ColumnDef {
        id: format!("printed.column.{k}"),
        label: format!("第{k}列"),
        kind: Default::default(),
        section: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tok(text: &str, line: u32) -> Token {
        tokenize_line(text, line, 1).next().expect("a token")
    }

    /// One token per line, numbered from 1, sorted into amounts, codes and names as the
    /// reader sorts them.
    fn items_of(lines: &[&str]) -> Vec<Item> {
        lines
            .iter()
            .enumerate()
            .map(|(k, text)| {
                let t = tok(text, k as u32 + 1);
                if crate::token::is_marked_amount(&t.text) {
                    Item::Amount(t)
                } else if is_code(&t) {
                    Item::Code(t)
                } else {
                    Item::Name(t)
                }
            })
            .collect()
    }

    /// Each paired row as (code, name, first amount), empty text where a part is absent.
    fn first_amounts(rows: &[PlainRow]) -> Vec<(String, String, String)> {
        rows.iter()
            .map(|r| {
                (
                    r.code.as_ref().map(|t| t.text.clone()).unwrap_or_default(),
                    r.name.as_ref().map(|t| t.text.clone()).unwrap_or_default(),
                    r.amounts[0].text.clone(),
                )
            })
            .collect()
    }

    fn k(code: &str, name: &str, amount: &str) -> (String, String, String) {
        (code.to_string(), name.to_string(), amount.to_string())
    }

    #[test]
    fn wrapped_names_are_joined_at_the_cell_width() {
        // Shenzhen 支出总表 p19: three codes, five name lines (two names wrapped).
        let names: Vec<Token> = [
            "行政单位离退休",
            "机关事业单位基本养老",
            "保险缴费支出",
            "机关事业单位职业年金",
            "缴费支出",
        ]
        .iter()
        .enumerate()
        .map(|(k, t)| tok(t, k as u32))
        .collect();
        let joined: Vec<String> = join_wrapped(&names, Some(3), 10)
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(
            joined,
            [
                "行政单位离退休",
                "机关事业单位基本养老保险缴费支出",
                "机关事业单位职业年金缴费支出"
            ]
        );
    }

    #[test]
    fn rows_printed_apart_from_their_names_take_them_in_order() {
        // A run of three rows after one name, and two names at the page's end.
        let line = |k: u32, texts: &[&str]| -> Vec<Item> {
            texts
                .iter()
                .map(|t| {
                    let t = tok(t, k);
                    if crate::token::is_marked_amount(&t.text) {
                        Item::Amount(t)
                    } else {
                        Item::Name(t)
                    }
                })
                .collect()
        };
        let mut stream = Vec::new();
        stream.extend(line(1, &["3.00", "3.00"]));
        stream.extend(line(2, &["基本工资"]));
        stream.extend(line(3, &["0.50", "0.50"]));
        stream.extend(line(4, &["津贴补贴"]));
        stream.extend(line(5, &["1.00", "1.00", "1.50", "1.50", "0.50", "0.50"]));
        stream.extend(line(6, &["奖金"]));
        stream.extend(line(7, &["机关事业单位基本养老保险缴"]));
        stream.extend(line(8, &["费"]));
        let gs = groups(stream);
        assert_eq!(column_count(&gs), Some(2));
        let (rows, displaced, total) =
            pair_rows(&gs, 2, true, &["合计".to_string()], &|_| false, 13).expect("paired");
        let names: Vec<String> = rows
            .iter()
            .map(|r| r.name.as_ref().map(|t| t.text.clone()).unwrap_or_default())
            .collect();
        assert_eq!(
            names,
            [
                "合计",
                "基本工资",
                "津贴补贴",
                "奖金",
                "机关事业单位基本养老保险缴费"
            ]
        );
        assert_eq!((displaced, total), (2, 1));
        assert_eq!(rows[3].amounts[0].text, "1.50");
        assert_eq!(rows[4].amounts[0].text, "0.50");
    }

    /// Shenzhen 退役军人事务局 基本支出总表 p26 (regression): two displaced names, the first
    /// the longer of the two but shorter than the table's name cell, are two names.
    #[test]
    fn whole_names_printed_together_are_not_joined() {
        let names = [tok("对个人和家庭的补助", 1), tok("资本性支出", 2)];
        assert_eq!(join_wrapped(&names, None, 13).len(), 2);
        // At the cell's width the first line is wrapped.
        assert_eq!(join_wrapped(&names, None, 9).len(), 1);
    }

    /// Shenzhen 退役军人事务局 一般公共预算支出表（按经济分类） p34 (regression): the code 30228
    /// is printed with the two codes before it, its name 工会经费 after the amounts.
    #[test]
    fn a_code_printed_before_the_names_of_earlier_codes_waits_for_its_name() {
        let stream = items_of(&[
            "30226",
            "劳务费",
            "30227",
            "委托业务费",
            "30228",
            "1.80",
            "0.00",
            "1,463.27",
            "0.00",
            "工会经费",
            "28.82",
            "28.82",
        ]);
        let (rows, _, _) = pair_rows(
            &groups(stream),
            2,
            false,
            &["合计".to_string()],
            &|_| false,
            5,
        )
        .expect("paired");
        assert_eq!(
            first_amounts(&rows),
            [
                k("30226", "劳务费", "1.80"),
                k("30227", "委托业务费", "1,463.27"),
                k("30228", "工会经费", "28.82"),
            ]
        );
    }

    /// Shenzhen 建筑工务署 一般公共预算支出表（按功能分类） p41 (regression): the department's
    /// and its own unit's rows lead, their names in the header; a sub-unit's name is printed
    /// after its amounts, among the coded rows' codes and names.
    #[test]
    fn leading_unit_rows_and_a_unit_name_after_its_amounts() {
        let stream = items_of(&[
            "30.00",
            "20.00",
            "10.00",
            "20.00",
            "15.00",
            "5.00",
            "205",
            "教育支出",
            "1.00",
            "1.00",
            "0.00",
            "10.00",
            "5.00",
            "5.00",
            "深圳市建筑工务署工程管理中心",
            "208",
            "社会保障和就业支出",
            "10.00",
            "5.00",
            "5.00",
        ]);
        let leading = [
            "深圳市建筑工务署".to_string(),
            "深圳市建筑工务署（本级）".to_string(),
        ];
        let uncoded = |n: &str| is_unit_name(n) || leading.iter().any(|l| l == n);
        let (rows, displaced, named) =
            pair_rows(&groups(stream), 3, true, &leading, &uncoded, 20).expect("paired");
        assert_eq!(
            first_amounts(&rows),
            [
                k("", "深圳市建筑工务署", "30.00"),
                k("", "深圳市建筑工务署（本级）", "20.00"),
                k("205", "教育支出", "1.00"),
                k("", "深圳市建筑工务署工程管理中心", "10.00"),
                k("208", "社会保障和就业支出", "10.00"),
            ]
        );
        assert_eq!((displaced, named), (1, 2));
    }

    #[test]
    fn a_run_that_is_not_whole_rows_is_an_error() {
        let stream = vec![
            Item::Name(tok("一般公共服务支出", 1)),
            Item::Amount(tok("1.00", 2)),
            Item::Amount(tok("1.00", 2)),
            Item::Amount(tok("1.00", 2)),
        ];
        assert!(pair_rows(
            &groups(stream),
            2,
            true,
            &["合计".to_string()],
            &|_| false,
            8
        )
        .is_err());
    }

    #[test]
    fn a_wrapped_label_is_found_by_its_halves() {
        let header = "支出总计基本支出项目支出事业单位对附属单位经营支出补助支出上缴上级支出";
        assert_eq!(label_position(header, "支出总计"), Some(0));
        let business = label_position(header, "事业单位经营支出").expect("found");
        let affiliated = label_position(header, "对附属单位补助支出").expect("found");
        let superior = label_position(header, "上缴上级支出").expect("found");
        assert!(business < affiliated && affiliated < superior);
        assert_eq!(label_position(header, "其他收入"), None);
    }

    /// Fuzhou 单位预算 (regression): a heading naming the table over its full title is the
    /// title's label, not a table of its own.
    #[test]
    fn a_heading_over_the_full_title_is_its_label() {
        let lines = lines_of("一、 收支预算总表\n2026 年度收支预算总表\n单位：万元\n项目\n");
        let body: Vec<&Line<'_>> = lines.iter().collect();
        let at = title_at(&body, 0, &GrammarSet::builtin()).expect("a title");
        assert_eq!(at.title, "2026年度收支预算总表");
        assert_eq!(at.label.as_deref(), Some("一、收支预算总表"));
        assert_eq!(at.lines, 2);
    }

    /// Column labels printed one per line among the rows (a label wrapped over two lines
    /// included) are found from the end of their run; the row name before them is not one.
    #[test]
    fn a_run_of_column_labels_among_the_rows() {
        let labels: HashSet<String> = ["合计", "基本支出", "项目支出", "对附属单位补助支出"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let text = "206\n科学技术支出\n合计\n基本支出\n对附属单位补助支\n出\n7.00\n";
        let lines = lines_of(text);
        let refs: Vec<&Line<'_>> = lines.iter().collect();
        let run = label_runs(&refs, &labels);
        let numbers: Vec<u32> = lines[2..6].iter().map(|l| l.no).collect();
        assert_eq!(run, numbers);
        // One label alone, or words that are no label, are not a run.
        let text = "206\n合计\n7.00\n科学技术支出\n基本支出\n行政运行\n";
        let lines = lines_of(text);
        let refs: Vec<&Line<'_>> = lines.iter().collect();
        assert!(label_runs(&refs, &labels).is_empty());
    }

    #[test]
    fn page_numbers_and_pages() {
        let lines = lines_of("表1\n收支总表\n单位：万元\n- 12 -\n\u{c}第二页\n");
        assert_eq!(lines.iter().filter(|l| l.page_number).count(), 1);
        assert_eq!(lines.last().map(|l| (l.page, l.no)), Some((2, 5)));
    }
}
