//! Statements of the explanation (情况说明): amounts, shares and year-on-year changes in prose,
//! checked against the tables and against each other.
//!
//! Lines are joined without white space first (the prose wraps mid-number and mid-word:
//! "基本支出 252.79 万\n\n元"); page numbers (lines of digits only) are dropped and headings
//! ("三、支出预算安排情况") end a sentence. A statement is "`<subject> <amount> 万元`", optionally
//! followed by "，占(比) P%" or "，比 2024 年(预算)增加/减少 X(万元)，增长/下降 P%". Subjects are
//! tied to table cells by the rule files' `[[phrase]]` and `[[narrative_rows]]`; a subject
//! that ties to nothing is skipped and counted, never guessed.

use super::interval::Printed;
use super::select::{self, norm_name, Addr, Resolved};
use super::{CellRef, Engine, Finding, Narrative, Role, RuleSet, Term};
use crate::model::findings::NarrativeSummary;
use crate::model::{Document, Unit};
use regex::Regex;
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::LazyLock;

/// A number of the prose the checks can take (see [`super::interval::printable`]).
fn readable(s: &str) -> Option<Decimal> {
    Decimal::from_str(&s.replace(',', ""))
        .ok()
        .filter(|v| super::interval::printable(*v))
}

fn re(s: &str) -> Regex {
    Regex::new(s).unwrap_or_else(|e| unreachable!("static regex {s}: {e}"))
}

/// An amount of the prose with its unit: "707.83万元", "211,000.00元" (thousands separators).
static AMOUNT: LazyLock<Regex> =
    LazyLock::new(|| re(r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(万元|元)"));
static SHARE: LazyLock<Regex> = LazyLock::new(|| re(r"^[，,]?占比?(\d+(?:\.\d+)?)%"));
static YOY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^[，,]?比(\d{4})年(?:预算)?(增加|减少)(\d+(?:\.\d+)?)(万元|元)?(?:[，,]?(增长|下降|降低|减少)(\d+(?:\.\d+)?)%)?",
    )
});
static ORDINAL_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d+[.、．]\D)")
});
static TOP_HEADING: LazyLock<Regex> = LazyLock::new(|| re(r"^[一二三四五六七八九十]+、"));
static PAGE_NUMBER: LazyLock<Regex> = LazyLock::new(|| re(r"^\d{1,4}$"));
static YEAR_PREFIX: LazyLock<Regex> = LazyLock::new(|| re(r"^\d{4}年(?:度)?"));
static YEAR_SUFFIX: LazyLock<Regex> = LazyLock::new(|| re(r"(?:\d{4}年(?:度)?)?(?:预算数)?$"));
/// A heading's reference to the tables it explains: "（详见表1-3）", "(详见附表4)", "见表 5".
static TABLE_REF: LazyLock<Regex> =
    LazyLock::new(|| re(r"见(?:附)?表(\d{1,2})(?:[-—－~～至到](?:表)?(\d{1,2}))?"));
static PATH: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(.+?)\(类\)(?:(.+?)\(款\))?(?:(.+?)\(项\))?"));

/// One `<subject> <amount>` statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// Subject as printed (joined, white space removed).
    pub subject: String,
    pub amount: Decimal,
    pub unit: Unit,
    pub line: u32,
    /// Printed share ("占比 36%").
    pub share: Option<Decimal>,
    pub change: Option<Change>,
    /// Whether "其中" follows the statement (it heads a breakdown).
    pub heads_breakdown: bool,
    /// Index of the top-level section (一、二、…) the statement is in.
    pub section: usize,
    /// The open headings' text above the statement, outermost first, white space removed.
    pub headings: String,
    /// Numbers of the tables the statement's heading refers to ("（三）支出预算情况说明（详见
    /// 表1-3）" → 1, 2, 3), the deepest heading's that names any; empty where none does.
    pub tables: Vec<u32>,
}

/// A year-on-year change: "比 2024 年预算增加 3.23 万元，增长 0.46%".
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub year: u16,
    /// +1 for 增加, −1 for 减少.
    pub sign: i8,
    pub amount: Decimal,
    pub percent: Option<Decimal>,
}

/// Joined prose with a map from byte offsets back to source lines.
struct Joined {
    text: String,
    /// (byte offset where a source line's text starts, line number).
    starts: Vec<(usize, u32)>,
    /// Byte offsets where a top-level section heading starts.
    headings: Vec<usize>,
    /// (byte offset where a heading starts, the table numbers in force from there on, the
    /// open headings' text).
    table_refs: Vec<(usize, Vec<u32>, String)>,
    /// Open headings while joining: (outline depth, the tables the heading names, its text).
    open: Vec<(u8, Vec<u32>, String)>,
}

impl Joined {
    fn line_at(&self, off: usize) -> u32 {
        let i = self.starts.partition_point(|&(o, _)| o <= off);
        self.starts.get(i.saturating_sub(1)).map_or(0, |&(_, l)| l)
    }
    fn section_at(&self, off: usize) -> usize {
        self.headings.partition_point(|&o| o <= off)
    }
    /// The tables referred to and the open headings' text at an offset.
    fn context_at(&self, off: usize) -> (Vec<u32>, String) {
        let i = self.table_refs.partition_point(|&(o, _, _)| o <= off);
        i.checked_sub(1).map_or_else(Default::default, |i| {
            (self.table_refs[i].1.clone(), self.table_refs[i].2.clone())
        })
    }
    /// A heading of outline depth `depth` starts at the current end of the text: it closes the
    /// headings as deep or deeper, and the tables it names (else those of the headings above
    /// it) are in force until the next heading.
    fn open_heading(&mut self, depth: u8, line: &str) {
        self.open.retain(|(d, _, _)| *d < depth);
        // The heading proper: up to its first sentence end (a heading may run on into prose).
        let heading = line.split(['。', '；']).next().unwrap_or(line).to_string();
        self.open.push((depth, table_refs(line), heading));
        let tables = self
            .open
            .iter()
            .rev()
            .find(|(_, t, _)| !t.is_empty())
            .map_or_else(Vec::new, |(_, t, _)| t.clone());
        let text: String = self.open.iter().map(|(_, _, h)| h.as_str()).collect();
        self.table_refs.push((self.text.len(), tables, text));
    }
}

/// Outline depth of a heading line ([`crate::token::outline_depth`]: 一、 1, （一） 2, 1. 3,
/// （1） 4); 1 for an ordinal line of no other style.
fn heading_depth(t: &str) -> u8 {
    crate::token::outline_depth(t).unwrap_or(1)
}

/// Table numbers a line refers to: "详见表1-3" → 1, 2, 3; "详见表4" → 4.
fn table_refs(line: &str) -> Vec<u32> {
    let mut out = Vec::new();
    for c in TABLE_REF.captures_iter(line) {
        let from: u32 = c.get(1).and_then(|m| m.as_str().parse().ok()).unwrap_or(0);
        let to: u32 = c
            .get(2)
            .and_then(|m| m.as_str().parse().ok())
            .unwrap_or(from);
        if from > 0 && to >= from && to - from < 20 {
            out.extend(from..=to);
        }
    }
    out
}

/// Numbered lines of a text whose first line is `first_line`.
pub fn numbered(text: &str, first_line: u32) -> Vec<(u32, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (first_line + i as u32, l))
        .collect()
}

fn join(lines: &[(u32, &str)]) -> Joined {
    let mut j = Joined {
        text: String::new(),
        starts: Vec::new(),
        headings: Vec::new(),
        table_refs: Vec::new(),
        open: Vec::new(),
    };
    for &(no, line) in lines {
        let t: String = line.chars().filter(|c| !c.is_whitespace()).collect();
        if t.is_empty() || PAGE_NUMBER.is_match(&t) {
            continue;
        }
        let ordinal = ORDINAL_LINE.is_match(&t);
        if ordinal {
            j.text.push('。');
            if TOP_HEADING.is_match(&t) {
                j.headings.push(j.text.len());
            }
            j.open_heading(heading_depth(&t), &t);
        }
        j.starts.push((j.text.len(), no));
        j.text.push_str(&t);
        // A heading line (an ordinal and no punctuation) ends its own sentence.
        if ordinal && !t.contains(['，', '。', '；', '：', ',', ';', ':']) {
            j.text.push('。');
        }
    }
    j
}

/// Finds the statements of a narrative text whose first line is `first_line`.
pub fn statements(text: &str, first_line: u32) -> Vec<Statement> {
    statements_of(&numbered(text, first_line))
}

/// Finds the statements of numbered narrative lines.
pub fn statements_of(lines: &[(u32, &str)]) -> Vec<Statement> {
    let j = join(lines);
    let s = &j.text;
    let mut out: Vec<Statement> = Vec::new();
    let mut pos = 0;
    while let Some(m) = AMOUNT.captures_at(s, pos) {
        let (Some(whole), Some(num), Some(unit)) = (m.get(0), m.get(1), m.get(2)) else {
            break;
        };
        pos = whole.end();
        let Some(amount) = readable(num.as_str()) else {
            continue;
        };
        let unit = if unit.as_str() == "万元" {
            Unit::WanYuan
        } else {
            Unit::Yuan
        };
        // The subject runs back to the previous clause delimiter.
        let before = &s[..num.start()];
        let from = before
            .char_indices()
            .rev()
            .find(|(_, c)| matches!(c, '，' | '。' | '；' | '：' | '、' | ',' | ';' | ':'))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let subject = before[from..].to_string();
        let (tables, headings) = j.context_at(num.start());
        let mut st = Statement {
            subject,
            amount,
            unit,
            line: j.line_at(num.start()),
            share: None,
            change: None,
            heads_breakdown: false,
            section: j.section_at(num.start()),
            tables,
            headings,
        };
        if let Some(c) = SHARE.captures(&s[pos..]) {
            st.share = c.get(1).and_then(|p| readable(p.as_str()));
            pos += c.get(0).map_or(0, |m| m.end());
        }
        if let Some(c) = YOY.captures(&s[pos..]) {
            let sign = if c.get(2).is_some_and(|m| m.as_str() == "增加") {
                1
            } else {
                -1
            };
            let year = c.get(1).and_then(|y| y.as_str().parse().ok()).unwrap_or(0);
            let amt = c.get(3).and_then(|a| readable(a.as_str()));
            let pct = c.get(6).and_then(|p| readable(p.as_str()));
            if let Some(amount) = amt {
                st.change = Some(Change {
                    year,
                    sign,
                    amount,
                    percent: pct,
                });
            }
            pos += c.get(0).map_or(0, |m| m.end());
        }
        // "其中" right after the statement (allowing "，占 36%" before it) heads a breakdown.
        let rest = &s[pos..];
        let next = rest.find(['，', '。', '；']).map_or(rest.len(), |i| i);
        let after: String = rest.chars().take(4).collect();
        st.heads_breakdown = after
            .trim_start_matches(['，', '。', '；'])
            .starts_with("其中")
            || rest[..next].contains("其中");
        out.push(st);
    }
    out
}

/// A subject as the rules compare it: normalized, leading year and trailing "预算数" removed.
fn norm_subject(s: &str) -> String {
    let n = norm_name(s);
    let n = n
        .strip_prefix("其中")
        .map_or(n.as_str(), |r| r.trim_start_matches(':'));
    let n = norm_name(&YEAR_PREFIX.replace(n, ""));
    YEAR_SUFFIX.replace(&n, "").to_string()
}

/// Ties a subject to a table cell: phrase rules first, then row names and 类/款/项 paths.
fn tie(e: &Engine, subject: &str, referred: &[u32], headings: &str) -> Option<Addr> {
    let mut subj = norm_subject(subject);
    // "上海市普陀区财政局2024年度收入支出总计": the department and year open the subject.
    if let Some(rest) = e
        .doc
        .department
        .as_deref()
        .map(norm_name)
        .and_then(|d| subj.strip_prefix(d.as_str()).map(str::to_string))
    {
        subj = norm_subject(&rest);
    }
    if subj.is_empty() {
        return None;
    }
    // A subject a phrase rule names means that rule's cell: when a table of the rule's kind is
    // printed (in any family) but that cell is not found, the subject ties to nothing rather
    // than to a row of the same name elsewhere (公务接待费 of the 三公 table is not the 30217
    // row of the basic-expenditure table, a part of it).
    let mut claimed = false;
    for p in &e.rules.phrases {
        if p.phrases.iter().any(|ph| norm_name(ph) == subj) {
            claimed |= !e.tables(&p.cell.table, None).is_empty();
            let tables = e.tables(&p.cell.table, p.family.as_deref());
            if let Resolved::Cell(a) = select::resolve_cell(e.doc, &tables, &p.cell, e.rules) {
                return Some(a);
            }
        }
    }
    if claimed {
        return None;
    }
    // "科学技术支出(类)科学技术普及(款)机构运行(项)2025年预算数": the deepest name, checked
    // against its ancestors' names.
    let path: Option<Vec<String>> = PATH.captures(&subj).map(|c| {
        (1..=3)
            .filter_map(|i| c.get(i).map(|m| norm_name(m.as_str())))
            .collect()
    });
    // The tables the statement's heading refers to ("详见表1-3"), when the document numbers
    // its tables so: a figure of 表1-3 (all funds) is not the same-named row of 表4 (财政拨款).
    let numbered = |ti: usize| table_number(&e.doc.tables[ti]);
    let restrict = !referred.is_empty()
        && (0..e.doc.tables.len()).any(|ti| numbered(ti).is_some_and(|n| referred.contains(&n)));
    // Rules for the statement's heading ("项目支出") first, then the general ones. They take
    // the heading's numbered items ("2.退役安置 170.68 万元"), not figures named inside an
    // item's sentences (a part of an item, or of another unit's).
    let item = crate::token::label_ordinal(subject.trim_start()).is_some();
    let under_heading = e.rules.narrative_rows.iter().filter(|nr| {
        item && nr
            .heading
            .as_ref()
            .is_some_and(|h| headings.contains(h.as_str()))
    });
    // Under such a heading a figure is that table's or nothing's, not a function subject of
    // the same name ("行政运行 85.04 万元" inside an item is a part of a project).
    let under_rule_heading = e.rules.narrative_rows.iter().any(|nr| {
        nr.heading
            .as_ref()
            .is_some_and(|h| headings.contains(h.as_str()))
    });
    let general = e
        .rules
        .narrative_rows
        .iter()
        .filter(|nr| nr.heading.is_none() && !under_rule_heading);
    for nr in under_heading.chain(general) {
        for ti in e.tables(&nr.table, nr.family.as_deref()) {
            if restrict && !numbered(ti).is_some_and(|n| referred.contains(&n)) {
                continue;
            }
            let t = &e.doc.tables[ti];
            let Some(ci) = t.column_index(&nr.column) else {
                continue;
            };
            let found = match &path {
                Some(names) => (0..t.rows.len()).find(|&ri| path_matches(t, ri, names)),
                // A name several rows carry (a category under each unit of a multi-unit
                // list) is ambiguous under a heading's rule: not tied, not guessed.
                None if nr.heading.is_some() => {
                    let mut named =
                        (0..t.rows.len()).filter(|&ri| norm_name(&t.rows[ri].name) == subj);
                    match (named.next(), named.next()) {
                        (Some(ri), None) => Some(ri),
                        _ => None,
                    }
                }
                None => (0..t.rows.len()).find(|&ri| norm_name(&t.rows[ri].name) == subj),
            };
            if let Some(ri) = found {
                return Some((ti, ri, ci));
            }
        }
    }
    None
}

/// The number a narrative would call a table by: the first number of its label ("表3：" 3,
/// "部门公开表5" 5, "公开01表" 1, "表12-1" 12), or its Chinese ordinal ("四、" 4).
fn table_number(t: &crate::model::Table) -> Option<u32> {
    let label = t.number.as_deref()?;
    let digits: String = label
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    match digits.parse() {
        Ok(n) => Some(n),
        Err(_) => crate::token::label_ordinal(label)
            .filter(|o| o.level == 1)
            .map(|o| o.n),
    }
}

/// Whether row `ri` and its code ancestors carry the names of a 类/款/项 path.
fn path_matches(t: &crate::model::Table, ri: usize, names: &[String]) -> bool {
    let Some(last) = names.last() else {
        return false;
    };
    let r = &t.rows[ri];
    if &norm_name(&r.name) != last {
        return false;
    }
    let Some(code) = &r.code else {
        return names.len() == 1;
    };
    let mut ancestors: Vec<&crate::model::Row> = t
        .rows
        .iter()
        .filter(|p| {
            p.code
                .as_ref()
                .is_some_and(|c| c.len() < code.len() && code.starts_with(c.as_str()))
        })
        .collect();
    ancestors.sort_by_key(|p| p.code.as_ref().map_or(0, |c| c.len()));
    let want = &names[..names.len() - 1];
    ancestors.len() >= want.len()
        && want
            .iter()
            .zip(&ancestors)
            .all(|(n, p)| &norm_name(&p.name) == n)
}

fn narrative_term(by_page: bool, st: &Statement, value: Decimal, unit: Unit, what: &str) -> Term {
    Term {
        cell: CellRef {
            table: "narrative".into(),
            table_kind: String::new(),
            row: format!("{what}{}", st.subject),
            column: None,
            value: Some(value),
            unit: unit.label().into(),
            role: Role::Stated,
            page: by_page.then_some(st.line),
            lines: (!by_page).then_some((st.line, st.line)),
        },
        printed: Some(Printed::new(value, unit)),
        addr: None,
        unit: Some(unit),
    }
}

fn pct_term(by_page: bool, st: &Statement, pct: Decimal) -> Term {
    Term {
        cell: CellRef {
            table: "narrative".into(),
            table_kind: String::new(),
            row: st.subject.clone(),
            column: None,
            value: Some(pct),
            unit: "%".into(),
            role: Role::Share,
            page: by_page.then_some(st.line),
            lines: (!by_page).then_some((st.line, st.line)),
        },
        printed: Some(Printed::plain(pct)),
        addr: None,
        unit: None,
    }
}

/// Runs the narrative checks inside an engine (so they count for coverage and suspects).
pub(crate) fn run(e: &mut Engine, lines: &[(u32, &str)]) -> NarrativeSummary {
    let sts = statements_of(lines);
    let mut sum = NarrativeSummary {
        statements: sts.len(),
        ..NarrativeSummary::default()
    };
    for (k, st) in sts.iter().enumerate() {
        // 1. The amount against the table figure its subject names.
        match tie(e, &st.subject, &st.tables, &st.headings) {
            // A column the table prints no figure under (a one-column 预算数 table read under a
            // template with 人员经费/公用经费): nothing to compare, not a zero.
            Some((ti, ri, ci))
                if e.doc.tables[ti]
                    .rows
                    .iter()
                    .all(|r| r.amounts.get(ci).copied().flatten().is_none()) =>
            {
                sum.tied += 1;
                let stated = narrative_term(e.narrative_by_page, st, st.amount, st.unit, "");
                let cell = e.term((ti, ri, ci), Role::Part);
                let column = e.doc.tables[ti]
                    .columns
                    .get(ci)
                    .map_or("", |c| c.label.as_str());
                e.unparsed(
                    "narrative.amount",
                    format!(
                        "narrative {} {}: {} names the column {column} of {}, which prints no figure",
                        e.where_word(),
                        st.line,
                        st.subject,
                        e.table_label(ti)
                    ),
                    vec![stated, cell],
                );
            }
            Some(a) => {
                sum.tied += 1;
                let stated = narrative_term(e.narrative_by_page, st, st.amount, st.unit, "");
                let cell = e.term(a, Role::Part);
                let what = format!("narrative {} {}: {}", e.where_word(), st.line, st.subject);
                e.compare_sum("narrative.amount", &what, stated, vec![cell]);
            }
            None => sum.skipped.push((st.line, st.subject.clone())),
        }
        // 2. A share of the amount that heads the breakdown it belongs to, under the same
        // heading when headings name their tables ("（八）政府性基金预算支出情况说明（详见表8）":
        // a share there is not of the 基本支出 of "（六）…（详见表6）").
        if let Some(pct) = st.share {
            let base = sts[..k]
                .iter()
                .rev()
                .take_while(|b| {
                    b.section == st.section && (st.tables.is_empty() || b.tables == st.tables)
                })
                .find(|b| {
                    b.heads_breakdown
                        && b.amount * b.unit.yuan_factor() >= st.amount * st.unit.yuan_factor()
                });
            if let Some(b) = base {
                sum.shares_checked += 1;
                let what = format!(
                    "narrative {} {}: {} as a share of {} ({} {})",
                    e.where_word(),
                    st.line,
                    st.subject,
                    b.subject,
                    e.where_word(),
                    b.line
                );
                e.compare_share(
                    "narrative.share",
                    &what,
                    pct_term(e.narrative_by_page, st, pct),
                    narrative_term(e.narrative_by_page, st, st.amount, st.unit, ""),
                    narrative_term(e.narrative_by_page, b, b.amount, b.unit, ""),
                );
            } else {
                e.unparsed(
                    "narrative.share",
                    format!(
                        "narrative {} {}: {} is said to be {pct}% but no amount before it heads a breakdown (其中) it belongs to",
                        e.where_word(),
                        st.line,
                        st.subject
                    ),
                    vec![pct_term(e.narrative_by_page, st, pct)],
                );
            }
        }
        // 3. A year-on-year change against the amount it changes.
        if let Some(ch) = &st.change {
            let Some(pct) = ch.percent else { continue };
            let cur = Printed::new(st.amount, st.unit);
            let delta = Printed::new(ch.amount, st.unit);
            // Last year's figure = this year's ∓ the change; its rounding adds up.
            let prior_value = if ch.sign > 0 {
                cur.value - delta.value
            } else {
                cur.value + delta.value
            };
            let prior = Printed {
                value: prior_value,
                half: cur.half + delta.half,
            };
            let f = st.unit.yuan_factor();
            let prior_printed = (prior_value / f).normalize();
            let mut whole = narrative_term(
                e.narrative_by_page,
                st,
                prior_printed,
                st.unit,
                &format!("{} ", ch.year),
            );
            whole.printed = Some(prior);
            let part = narrative_term(e.narrative_by_page, st, ch.amount, st.unit, "change of ");
            sum.changes_checked += 1;
            let what = format!(
                "narrative {} {}: {} changed by {} against {} {}",
                e.where_word(),
                st.line,
                st.subject,
                ch.amount,
                ch.year,
                prior_printed
            );
            e.compare_share(
                "narrative.change",
                &what,
                pct_term(e.narrative_by_page, st, pct),
                part,
                whole,
            );
        }
    }
    sum
}

/// Checks the statements of a narrative text (first source line `first_line`) against the
/// document's tables with the shipped rules; returns the narrative's findings only (the table
/// checks run too, to tell which side of a disagreement is suspect).
pub fn check_narrative(text: &str, first_line: u32, doc: &Document) -> Vec<Finding> {
    let rules = RuleSet::builtin();
    let r = super::reconcile_with_narrative(doc, &rules, Some(Narrative { text, first_line }));
    r.findings
        .into_iter()
        .filter(|f| f.rule.starts_with("narrative."))
        .collect()
}

/// The explanation part of numbered narrative lines (from the line holding "第三部分" to the
/// line before "第四部分"); all lines when no "第三部分" is found.
pub fn explanation_lines<'t>(lines: &[(u32, &'t str)]) -> Vec<(u32, &'t str)> {
    let compact = |l: &str| l.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let section = |start: usize| -> Vec<(u32, &'t str)> {
        lines[start..]
            .iter()
            .enumerate()
            .take_while(|(i, (_, l))| *i == 0 || !compact(l).starts_with("第四部分"))
            .map(|(_, x)| *x)
            .collect()
    };
    // A table of contents names the part too: the part itself is the longest such section.
    let best = lines
        .iter()
        .enumerate()
        .filter(|(i, (_, l))| {
            // The heading may wrap: "第三部分 …2018" + "年度预算安排情况说明".
            let t = compact(l)
                + &lines
                    .get(i + 1)
                    .map(|(_, n)| compact(n))
                    .unwrap_or_default();
            compact(l).starts_with("第三部分") && (t.contains("情况") || t.contains("说明"))
        })
        .map(|(i, _)| section(i))
        .max_by_key(|s| s.len());
    best.unwrap_or_else(|| lines.to_vec())
}

/// The explanation part of a document's text (from the line holding "第三部分" up to the line
/// before "第四部分"), with its first line number (1-based); `None` if there is none.
pub fn explanation_section(text: &str) -> Option<(u32, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| {
        let t: String = l.chars().filter(|c| !c.is_whitespace()).collect();
        t.starts_with("第三部分") && (t.contains("情况") || t.contains("说明"))
    })?;
    let end = lines[start..]
        .iter()
        .position(|l| l.trim_start().starts_with("第四部分"))
        .map_or(lines.len(), |i| start + i);
    Some((start as u32 + 1, lines[start..end].join("\n")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn the_part_is_found_after_a_table_of_contents_naming_it() {
        // Regression: the contents line "第三部分 …情况说明" was taken for the part itself.
        let lines = [
            (2, "第三部分 某局2024年度部门决算情况说明"),
            (2, "第四部分 名词解释"),
            (18, "第三部分 某局2024年度部门决算情况说明"),
            (18, "本年收入合计 2946.25 万元"),
            (18, "本年支出合计 2940.05 万元"),
            (21, "第四部分 名词解释"),
        ];
        let got = explanation_lines(&lines);
        assert_eq!(got.len(), 3);
        assert_eq!(got[1].1, "本年收入合计 2946.25 万元");
    }

    #[test]
    fn amounts_with_thousands_separators_are_whole() {
        // Regression (Hangzhou 交通运输局): "211,000.00万元" was read as 0.00.
        let t = "政府性基金当年拨款221,670.92万元，其中：车辆通行费211,000.00万元，占95.2%；其他10,493.00万元，占4.7%。";
        let s = statements(t, 1);
        let amounts: Vec<Decimal> = s.iter().map(|st| st.amount).collect();
        assert_eq!(amounts, [d("221670.92"), d("211000.00"), d("10493.00")]);
        assert_eq!(s[1].subject, "车辆通行费");
        assert_eq!(s[1].share, Some(d("95.2")));
    }

    #[test]
    fn wrapped_statement_with_share() {
        // Sample lines 1675-1677: the amount's unit wraps ("万\n\n元").
        let t = "部门预算支出 707.83 万元。其中：基本支出 252.79 万\n\n元，占比 36%；项目支出 455.04 万元，占比 64%。";
        let s = statements(t, 1675);
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].subject, "部门预算支出");
        assert!(s[0].heads_breakdown);
        assert_eq!(s[1].subject, "基本支出");
        assert_eq!(s[1].amount, d("252.79"));
        assert_eq!(s[1].share, Some(d("36")));
        assert_eq!(s[1].line, 1675);
        assert_eq!(s[2].line, 1677);
        assert_eq!(s[2].share, Some(d("64")));
    }

    #[test]
    fn headings_name_the_tables_their_statements_explain() {
        // Hangzhou 交通运输局 2026, pages 5-6 (shortened).
        let t = "（三）支出预算情况说明（详见表1-3）\n\
                 1.按支出功能分类，包括教育支出24,310.26万元、\n\
                 社会保障和就业支出9,927.95万元。\n\
                 （四）财政拨款收支预算情况的总体说明（详见表4）\n\
                 支出包括：教育支出22,262.08万元。\n\
                 （五）项目支出 52,660.55 万元，具体包括：\n\
                 2.退役安置 170.68 万元，主要包括安置工作经费 102.69 万元。";
        let s = statements(t, 1);
        let got: Vec<(&str, Vec<u32>)> = s
            .iter()
            .map(|st| (st.subject.as_str(), st.tables.clone()))
            .collect();
        assert_eq!(
            got,
            [
                ("包括教育支出", vec![1, 2, 3]),
                ("社会保障和就业支出", vec![1, 2, 3]),
                ("教育支出", vec![4]),
                ("（五）项目支出", vec![]),
                ("2.退役安置", vec![]),
                ("主要包括安置工作经费", vec![]),
            ]
        );
        assert!(s[4].headings.contains("项目支出"));
        assert!(!s[2].headings.contains("项目支出"));
    }

    #[test]
    fn table_references_and_heading_depths() {
        assert_eq!(table_refs("（三）支出预算情况说明（详见表1-3）"), [1, 2, 3]);
        assert_eq!(table_refs("（详见附表4）"), [4]);
        assert_eq!(table_refs("详见表5至表6"), [5, 6]);
        assert!(table_refs("见下表").is_empty());
        assert_eq!(heading_depth("一、部门职责"), 1);
        assert_eq!(heading_depth("（三）支出"), 2);
        assert_eq!(heading_depth("1.按支出功能分类"), 3);
        assert_eq!(heading_depth("（1）一般公共服务"), 4);
    }

    #[test]
    fn year_on_year_change_split_across_lines() {
        // Sample lines 1663-1665.
        let t = "2025 年部门收支总预算 707.83 万元，比 2024 年预算增\n\n加 3.23 万元，增长 0.46%，主要原因是人员经费略有增加。";
        let s = statements(t, 1663);
        assert_eq!(s.len(), 1, "the change is not a statement of its own");
        let c = s[0].change.as_ref().unwrap();
        assert_eq!(
            (c.year, c.sign, c.amount, c.percent),
            (2024, 1, d("3.23"), Some(d("0.46")))
        );
        assert_eq!(norm_subject(&s[0].subject), "部门收支总预算");
    }

    #[test]
    fn decrease_without_unit_and_path_subject() {
        // Sample lines 1714-1718.
        let t = "科学技术支出(类)科学技术普及(款)科普活动\n\n(项)2025 年预算数 455.04 万元，比 2024 年预算减少 12.46，\n\n下降 2.67%，主要是：2025 年聘用人员工资列支到业务补助";
        let s = statements(t, 1714);
        assert_eq!(s.len(), 1);
        let c = s[0].change.as_ref().unwrap();
        assert_eq!(
            (c.sign, c.amount, c.percent),
            (-1, d("12.46"), Some(d("2.67")))
        );
        let subj = norm_subject(&s[0].subject);
        assert_eq!(subj, "科学技术支出(类)科学技术普及(款)科普活动(项)");
    }

    #[test]
    fn page_numbers_and_headings_do_not_join_sentences() {
        // Sample lines 1783-1791: page number 26 inside the sentence; a heading before it.
        let t = "七、一般公共预算“三公”经费支出安排情况\n\n2025 年一般公共预算“三公”经费支出 0.18 万元，与\n\n26\n\n2024 年预算持平。其中：\n\n1.因公出国(境)经费 0 万元，比 2024 年预算增加 0\n\n万元，主要原因";
        let s = statements(t, 1783);
        assert_eq!(s.len(), 2, "{s:#?}");
        assert_eq!(norm_subject(&s[0].subject), "一般公共预算三公经费支出");
        assert_eq!(norm_subject(&s[1].subject), "因公出国(境)经费");
        assert_eq!(s[1].amount, d("0"));
        assert_eq!(s[1].change.as_ref().unwrap().percent, None);
    }

    #[test]
    fn a_line_starting_with_a_decimal_is_not_an_ordinal() {
        // Sample lines 1730-1732: "15.31万元" opens a line.
        let t =
            "机关事业单位基本养老保险缴费支出(项)2025 年预算数\n\n15.31万元，与 2024 年预算持平。";
        let s = statements(t, 1730);
        assert_eq!(
            norm_subject(&s[0].subject),
            "机关事业单位基本养老保险缴费支出(项)"
        );
    }

    #[test]
    fn explanation_is_found() {
        let t = "x\n 第三部分 某部门 2025 年部门预算情况\n说明\n一、…\n 第四部分 名词解释\ny";
        let (first, s) = explanation_section(t).unwrap();
        assert_eq!(first, 2);
        assert!(s.contains("说明") && !s.contains("名词解释"));
    }
}
