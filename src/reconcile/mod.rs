//! Reconciliation: checks every total a document carries, with exact interval arithmetic
//! for rounding, against rules kept as data (`rules/*.toml` and the grammars' identities).
//!
//! [`reconcile`] runs the table rules; [`reconcile_with_narrative`] adds the statements of the
//! explanation (情况说明). A check whose figures agree exactly passes; one whose difference
//! rounding of the printed figures can explain is a `rounding` note; otherwise a `mismatch`.

mod checks;
pub mod interval;
pub mod narrative;
pub mod rules;
mod select;

#[cfg(test)]
mod tests;

pub use narrative::{check_narrative, explanation_lines, explanation_section};
pub use rules::{RuleError, RuleSet};
pub use select::norm_name;

pub use crate::model::findings::{
    CellRef, Counts, Coverage, Finding, NarrativeSummary, Reconciliation, Role, Severity, Suspect,
};
use crate::model::{Converted, Document, Table, Unit};
use interval::{check_ratio, check_sum, Outcome, Printed};
use rust_decimal::Decimal;
use select::Addr;
use std::collections::HashSet;

/// A table as messages name it: its printed number and title.
fn table_label(t: &crate::model::Table) -> String {
    match &t.number {
        Some(n) => format!("{n} {}", t.title),
        None => t.title.clone(),
    }
}

/// Warning codes that make a page's reading doubtful, so its tables are unverified.
pub const DOUBTFUL_PAGE_CODES: &[&str] = &["stream_damaged", "reference_cycle", "page_limit"];

/// The explanation (情况说明) of a document, as text with its first source line.
#[derive(Debug, Clone, Copy)]
pub struct Narrative<'a> {
    pub text: &'a str,
    pub first_line: u32,
}

/// Checks a document's tables against the rules.
pub fn reconcile(doc: &Document, rules: &RuleSet) -> Reconciliation {
    reconcile_with_narrative(doc, rules, None)
}

/// Checks a document's tables and, when given, the statements of its explanation.
pub fn reconcile_with_narrative(
    doc: &Document,
    rules: &RuleSet,
    narrative: Option<Narrative<'_>>,
) -> Reconciliation {
    let lines = narrative.map(|n| narrative::numbered(n.text, n.first_line));
    let (e, summary) = run(doc, rules, lines.as_deref());
    e.finish(summary)
}

/// Checks a converted document: its tables and the explanation (第三部分 …情况说明) among
/// its narrative lines.
pub fn reconcile_converted(c: &Converted, rules: &RuleSet) -> Reconciliation {
    let lines: Vec<(u32, &str)> = c.narrative.iter().map(|(n, l)| (*n, l.as_str())).collect();
    let explanation = narrative::explanation_lines(&lines);
    let narrative = (!explanation.is_empty()).then_some(explanation.as_slice());
    let by_page = c.document.source.format == crate::model::SourceFormat::Pdf;
    let (e, summary) = run_located(&c.document, rules, narrative, by_page);
    e.finish(summary)
}

/// Runs the table checks, then the narrative's when given.
fn run<'a>(
    doc: &'a Document,
    rules: &'a RuleSet,
    narrative: Option<&[(u32, &str)]>,
) -> (Engine<'a>, Option<NarrativeSummary>) {
    run_located(doc, rules, narrative, false)
}

/// [`run`], saying whether the narrative's numbers are pages (PDF) or lines (text dump).
fn run_located<'a>(
    doc: &'a Document,
    rules: &'a RuleSet,
    narrative: Option<&[(u32, &str)]>,
    by_page: bool,
) -> (Engine<'a>, Option<NarrativeSummary>) {
    let mut e = Engine::new(doc, rules);
    e.narrative_by_page = by_page;
    e.run_tables();
    let summary = narrative.map(|lines| narrative::run(&mut e, lines));
    (e, summary)
}

/// Reconciles and returns the log of passing sums too (for the mutation tests).
#[cfg(test)]
pub(crate) fn reconcile_logged(doc: &Document, rules: &RuleSet) -> (Reconciliation, Vec<CheckLog>) {
    let (mut e, summary) = run(doc, rules, None);
    let log = std::mem::take(&mut e.log);
    (e.finish(summary), log)
}

/// A figure in a check: a table cell or a narrative figure.
#[derive(Debug, Clone)]
pub(crate) struct Term {
    pub cell: CellRef,
    /// `None` for an empty cell.
    pub printed: Option<Printed>,
    pub addr: Option<Addr>,
    /// The unit the figure is printed in (`None` for percentages).
    pub unit: Option<Unit>,
}

/// Runs checks, collects findings and the cells that passing checks vouch for.
pub(crate) struct Engine<'a> {
    pub doc: &'a Document,
    pub rules: &'a RuleSet,
    pub findings: Vec<Finding>,
    verified: HashSet<Addr>,
    /// Findings that carry table addresses, by index, for the suspect pass.
    finding_addrs: Vec<Vec<Option<Addr>>>,
    pub checks: usize,
    pub passed: usize,
    /// The narrative's numbers are pages (PDF) rather than source lines (text dump).
    pub narrative_by_page: bool,
    /// Tables kept without the rows of some pages (warning `table_page_unparsed`), by index:
    /// which pages, as a sentence.
    pages_lost: std::collections::HashMap<usize, String>,
    /// Tables whose rows the text reader paired with names by guess, by index: whether only
    /// the first row is guessed (warning `plain_unnamed_total`: a first row printed without a
    /// name, read as 合计) or any row may be (`plain_names_displaced`: names printed apart
    /// from their amounts, paired in printed order), with the warning's sentence.
    guessed_rows: std::collections::HashMap<usize, (bool, String)>,
    /// Passing sums (exact or rounding): their table cells, bound and |difference| in 元.
    #[cfg(test)]
    pub log: Vec<CheckLog>,
}

/// A passing sum check, for tests that reason about what a change would break.
#[cfg(test)]
#[derive(Debug, Clone)]
pub(crate) struct CheckLog {
    pub cells: Vec<Addr>,
    pub bound: Decimal,
    pub slack_used: Decimal,
}

impl<'a> Engine<'a> {
    /// How the narrative's numbers are read in messages: "page" (PDF) or "line" (text dump).
    pub fn where_word(&self) -> &'static str {
        if self.narrative_by_page {
            "page"
        } else {
            "line"
        }
    }

    fn new(doc: &'a Document, rules: &'a RuleSet) -> Engine<'a> {
        Engine {
            doc,
            rules,
            findings: Vec::new(),
            verified: HashSet::new(),
            finding_addrs: Vec::new(),
            checks: 0,
            passed: 0,
            narrative_by_page: false,
            pages_lost: pages_lost(doc),
            guessed_rows: guessed_rows(doc),
            #[cfg(test)]
            log: Vec::new(),
        }
    }

    /// The family a table belongs to (from its grammar file).
    pub fn family_of(&self, t: &Table) -> Option<String> {
        self.rules
            .grammar_family
            .get(&t.grammar)
            .cloned()
            .or_else(|| t.grammar.split('/').next().map(str::to_string))
    }

    /// Tables of `kind` in `family`.
    pub fn tables(&self, kind: &str, family: Option<&str>) -> Vec<usize> {
        select::tables_of(self.doc, kind, family, &|t| self.family_of(t))
    }

    /// "表3" or the title.
    pub fn table_label(&self, ti: usize) -> String {
        let t = &self.doc.tables[ti];
        t.number.clone().unwrap_or_else(|| t.title.clone())
    }

    /// A table cell as a term.
    pub fn term(&self, (ti, ri, ci): Addr, role: Role) -> Term {
        let t = &self.doc.tables[ti];
        let r = &t.rows[ri];
        let value = r.amounts.get(ci).copied().flatten();
        let amount = select::is_amount(t, ci);
        let row = match &r.code {
            Some(c) => format!("{c} {}", r.name),
            None => r.name.clone(),
        };
        Term {
            cell: CellRef {
                table: self.table_label(ti),
                table_kind: t.kind.clone(),
                row,
                column: t.columns.get(ci).map(|c| c.id.clone()),
                value,
                unit: if amount {
                    t.unit.label().to_string()
                } else {
                    "%".to_string()
                },
                role,
                page: Some(r.page),
                lines: r.lines,
            },
            // A figure the checks cannot take (see `interval::printable`) counts as unread.
            printed: value.filter(|v| interval::printable(*v)).map(|v| {
                if amount {
                    Printed::new(v, t.unit)
                } else {
                    Printed::plain(v)
                }
            }),
            addr: Some((ti, ri, ci)),
            unit: amount.then_some(t.unit),
        }
    }

    fn vouch(&mut self, terms: &[&Term]) {
        for t in terms {
            if let (Some(a), Some(_)) = (t.addr, t.printed) {
                if select::is_amount(&self.doc.tables[a.0], a.2) {
                    self.verified.insert(a);
                }
            }
        }
    }

    /// Records a finding with the table addresses of its terms. A mismatch that involves a
    /// table with pages not rebuilt is not laid at the document's door: it may be the rows
    /// lost there, so it is reported as unparsed. So is one that involves rows the text
    /// reader named by guess ("行政经费" taken for a header piece, the amounts paired with the
    /// names after it): the guess may be what does not add up.
    pub fn push(&mut self, mut f: Finding, addrs: Vec<Option<Addr>>) {
        if f.severity == Severity::Mismatch {
            let guessed = addrs.iter().flatten().find_map(|a| {
                self.guessed_rows
                    .get(&a.0)
                    .filter(|(first_only, _)| !first_only || a.1 == 0)
                    .map(|(_, why)| why.as_str())
            });
            let lost: Vec<&str> = addrs
                .iter()
                .flatten()
                .filter_map(|a| self.pages_lost.get(&a.0).map(String::as_str))
                .chain(guessed)
                .collect();
            if let Some(lost) = lost.first() {
                f.severity = Severity::Unparsed;
                f.message
                    .push_str(&format!("; not blamed on the document: {lost}"));
            }
        }
        self.finding_addrs.push(addrs);
        self.findings.push(f);
    }

    /// Why the rows of table `ti` may be incomplete: some of its pages were not rebuilt
    /// (warning `table_page_unparsed`), as a sentence.
    pub fn pages_lost_of(&self, ti: usize) -> Option<&str> {
        self.pages_lost.get(&ti).map(String::as_str)
    }

    /// A figure a rule needs is absent.
    pub fn missing(&mut self, rule: &str, message: String, terms: Vec<Term>) {
        self.checks += 1;
        self.unvalued(Severity::Missing, rule, message, terms);
    }

    /// A finding without figures to compare (a missing or unreadable figure).
    fn unvalued(&mut self, severity: Severity, rule: &str, message: String, terms: Vec<Term>) {
        let addrs = terms.iter().map(|t| t.addr).collect();
        let unit = terms
            .first()
            .map(|t| t.cell.unit.clone())
            .unwrap_or_default();
        self.push(
            Finding {
                rule: rule.to_string(),
                severity,
                message,
                cells: terms.into_iter().map(|t| t.cell).collect(),
                stated: None,
                computed: None,
                difference: None,
                tolerance: None,
                unit,
                suspect: None,
            },
            addrs,
        );
    }

    /// Compares `total` with Σ `parts` (empty parts count as zero); `what` describes the
    /// check for the finding's sentence. Returns the outcome, or `None` when nothing is printed.
    pub fn compare_sum(
        &mut self,
        rule: &str,
        what: &str,
        mut total: Term,
        mut parts: Vec<Term>,
    ) -> Option<Outcome> {
        total.cell.role = Role::Stated;
        for p in &mut parts {
            p.cell.role = Role::Part;
        }
        let Some(tp) = total.printed else {
            let any = parts
                .iter()
                .any(|p| p.printed.is_some_and(|v| !v.value.is_zero()));
            if any {
                let mut terms = vec![total];
                terms.extend(parts);
                self.missing(
                    rule,
                    format!("{what}: the total is printed empty while its parts are not zero"),
                    terms,
                );
            }
            return None;
        };
        let pp: Vec<Printed> = parts
            .iter()
            .map(|p| p.printed.unwrap_or(Printed::exact(Decimal::ZERO)))
            .collect();
        let mut c = check_sum(tp, &pp);
        // One figure restated at a coarser precision (9,389,913 元 as 938.99 万元) is exact
        // when it rounds to the printed one: nothing is lost but digits.
        if let [p] = pp.as_slice() {
            if p.half < tp.half && (p.value - tp.value).abs() <= tp.half {
                c.outcome = Outcome::Ok;
            }
        }
        self.checks += 1;
        let refs: Vec<&Term> = std::iter::once(&total).chain(parts.iter()).collect();
        #[cfg(test)]
        if c.outcome != Outcome::Mismatch {
            self.log.push(CheckLog {
                cells: refs.iter().filter_map(|t| t.addr).collect(),
                bound: c.bound,
                slack_used: c.difference.abs(),
            });
        }
        match c.outcome {
            Outcome::Ok => {
                self.passed += 1;
                self.vouch(&refs);
                return Some(Outcome::Ok);
            }
            Outcome::Rounding => self.vouch(&refs),
            Outcome::Mismatch => {}
        }
        // Report in the total's unit.
        let f = total.unit.map(Unit::yuan_factor).unwrap_or(Decimal::ONE);
        let conv = |v: Decimal| (v / f).normalize();
        let severity = if c.outcome == Outcome::Rounding {
            Severity::Rounding
        } else {
            Severity::Mismatch
        };
        let unit = total.cell.unit.clone();
        let stated = total.cell.value;
        let message = match c.outcome {
            Outcome::Rounding => format!(
                "{what}: printed {} {unit}, the parts give {} (difference {}), within the rounding of the printed figures (≤ {})",
                fmt_opt(stated),
                conv(c.computed),
                conv(c.difference),
                conv(c.bound)
            ),
            _ => format!(
                "{what}: printed {} {unit}, the parts give {} (difference {}), more than rounding explains (≤ {})",
                fmt_opt(stated),
                conv(c.computed),
                conv(c.difference),
                conv(c.bound)
            ),
        };
        let addrs = refs.iter().map(|t| t.addr).collect();
        let mut cells = vec![total.cell];
        cells.extend(parts.into_iter().map(|p| p.cell));
        self.push(
            Finding {
                rule: rule.to_string(),
                severity,
                message,
                cells,
                stated,
                computed: Some(conv(c.computed)),
                difference: Some(conv(c.difference)),
                tolerance: Some(conv(c.bound)),
                unit,
                suspect: None,
            },
            addrs,
        );
        Some(c.outcome)
    }

    /// Compares a printed percentage with 100 × part / whole.
    pub fn compare_share(
        &mut self,
        rule: &str,
        what: &str,
        mut share: Term,
        mut part: Term,
        mut whole: Term,
    ) -> Option<Outcome> {
        share.cell.role = Role::Share;
        part.cell.role = Role::Part;
        whole.cell.role = Role::Whole;
        let pct = share.cell.value?;
        let wp = whole.printed?;
        let pp = part.printed.unwrap_or(Printed::exact(Decimal::ZERO));
        let c = check_ratio(pp, wp, pct)?;
        self.checks += 1;
        let refs = [&part, &whole];
        match c.outcome {
            Outcome::Ok => {
                self.passed += 1;
                self.vouch(&refs);
                return Some(Outcome::Ok);
            }
            Outcome::Rounding => self.vouch(&refs),
            Outcome::Mismatch => {}
        }
        let severity = if c.outcome == Outcome::Rounding {
            Severity::Rounding
        } else {
            Severity::Mismatch
        };
        let explain = if severity == Severity::Rounding {
            "only rounding of the amounts explains it"
        } else {
            "no rounding of the amounts explains it"
        };
        let message = format!(
            "{what}: printed {pct}%, but {} / {} = {}% (the printed amounts allow {}%–{}%); {explain}",
            fmt_opt(part.cell.value),
            fmt_opt(whole.cell.value),
            c.computed.normalize(),
            c.range.0.normalize(),
            c.range.1.normalize()
        );
        let addrs = vec![share.addr, part.addr, whole.addr];
        self.push(
            Finding {
                rule: rule.to_string(),
                severity,
                message,
                cells: vec![share.cell, part.cell, whole.cell],
                stated: Some(pct),
                computed: Some(c.computed.normalize()),
                difference: Some(c.difference.normalize()),
                tolerance: None,
                unit: "%".into(),
                suspect: None,
            },
            addrs,
        );
        Some(c.outcome)
    }

    fn run_tables(&mut self) {
        self.unparsed_tables();
        checks::hierarchies(self);
        checks::identities(self);
        checks::equalities(self);
        checks::sums(self);
        checks::row_sums(self);
        checks::matched_rows(self);
        checks::shares(self);
    }

    /// Tables the reader could not rebuild, the contents list but the body lacks, or that
    /// stand on a page that could not be read reliably: their figures go unchecked, say so.
    fn unparsed_tables(&mut self) {
        let doc = self.doc;
        for name in &doc.missing_tables {
            self.table_finding(
                "missing.table",
                Severity::Missing,
                format!(
                    "{name} is listed in the contents but not printed, so none of its figures is checked"
                ),
                (name.clone(), String::new()),
                None,
                None,
            );
        }
        for w in &doc.warnings {
            let Some(page) = w
                .page
                .filter(|_| DOUBTFUL_PAGE_CODES.contains(&w.code.as_str()))
            else {
                continue;
            };
            for t in doc.tables.iter() {
                if !(t.first_page..=t.last_page).contains(&page) {
                    continue;
                }
                let table = table_label(t);
                self.table_finding(
                    "damaged.page",
                    Severity::Unparsed,
                    format!(
                        "{table} is printed on page {page}, which could not be read reliably ({}), so none of its figures is verified: {}",
                        w.code, w.message
                    ),
                    (table, t.kind.clone()),
                    Some(page),
                    None,
                );
            }
        }
        for w in doc
            .warnings
            .iter()
            .filter(|w| w.code == crate::convert::TABLE_PAGE_UNPARSED)
        {
            let table = w.table.clone().unwrap_or_else(|| "(table)".into());
            self.table_finding(
                "unparsed.page",
                Severity::Unparsed,
                format!(
                    "{table}: page {} could not be rebuilt, so its rows are missing; a total that misses them is reported as unparsed, not as a mismatch of the document: {}",
                    w.page.map_or("?".into(), |p| p.to_string()),
                    w.message
                ),
                (table, String::new()),
                w.page,
                None,
            );
        }
        for w in &doc.warnings {
            if w.code != "table_unparsed" {
                continue;
            }
            let table = w.table.clone().unwrap_or_else(|| "(table)".into());
            self.table_finding(
                "unparsed.table",
                Severity::Unparsed,
                format!(
                    "{table} could not be rebuilt, so none of its totals is checked: {}",
                    w.message
                ),
                (table, String::new()),
                w.page,
                w.line.map(|l| (l, l)),
            );
        }
    }

    /// A finding about a whole table (no figure to value): `table` is its label and kind.
    fn table_finding(
        &mut self,
        rule: &str,
        severity: Severity,
        message: String,
        (table, table_kind): (String, String),
        page: Option<u32>,
        lines: Option<(u32, u32)>,
    ) {
        self.findings.push(Finding {
            rule: rule.into(),
            severity,
            message,
            cells: vec![CellRef {
                table,
                table_kind,
                row: String::new(),
                column: None,
                value: None,
                unit: String::new(),
                role: Role::Stated,
                page,
                lines,
            }],
            stated: None,
            computed: None,
            difference: None,
            tolerance: None,
            unit: String::new(),
            suspect: None,
        });
        self.finding_addrs.push(Vec::new());
    }

    /// A figure that cannot be checked for want of what it refers to.
    pub fn unparsed(&mut self, rule: &str, message: String, terms: Vec<Term>) {
        self.unvalued(Severity::Unparsed, rule, message, terms);
    }

    fn finish(mut self, narrative: Option<NarrativeSummary>) -> Reconciliation {
        // Suspects: in a mismatch, the figures no passing check vouches for, when others are.
        for (f, addrs) in self.findings.iter_mut().zip(&self.finding_addrs) {
            if f.severity != Severity::Mismatch {
                continue;
            }
            let vouched: Vec<bool> = addrs
                .iter()
                .map(|a| a.is_some_and(|a| self.verified.contains(&a)))
                .collect();
            let doubtful: Vec<usize> = (0..vouched.len()).filter(|&i| !vouched[i]).collect();
            if !doubtful.is_empty() && doubtful.len() < vouched.len() {
                let names: Vec<String> = doubtful
                    .iter()
                    .filter_map(|&i| f.cells.get(i))
                    .map(|c| {
                        format!(
                            "{} {}{}",
                            c.table,
                            c.row,
                            c.column
                                .as_ref()
                                .map(|c| format!(" [{c}]"))
                                .unwrap_or_default()
                        )
                    })
                    .collect();
                f.suspect = Some(Suspect {
                    cells: doubtful,
                    reason: format!(
                        "the other figures agree with other checks; suspect: {}",
                        names.join(", ")
                    ),
                });
            }
        }
        let mut counts = Counts::default();
        for f in &self.findings {
            match f.severity {
                Severity::Rounding => counts.rounding += 1,
                Severity::Mismatch => counts.mismatch += 1,
                Severity::Missing => counts.missing += 1,
                Severity::Unparsed => counts.unparsed += 1,
            }
        }
        let doubtful: Vec<u32> = self
            .doc
            .warnings
            .iter()
            .filter(|w| DOUBTFUL_PAGE_CODES.contains(&w.code.as_str()))
            .filter_map(|w| w.page)
            .collect();
        let is_doubtful = |t: &crate::model::Table| {
            doubtful
                .iter()
                .any(|p| (t.first_page..=t.last_page).contains(p))
        };
        let mut unverified_tables = Vec::new();
        for (ti, t) in self.doc.tables.iter().enumerate() {
            if is_doubtful(t) {
                unverified_tables.push(table_label(t));
                self.verified.retain(|a| a.0 != ti);
            }
        }
        let mut coverage = Coverage::default();
        for (ti, t) in self.doc.tables.iter().enumerate() {
            for (ri, r) in t.rows.iter().enumerate() {
                for (ci, v) in r.amounts.iter().enumerate() {
                    if v.is_none() || !select::is_amount(t, ci) {
                        continue;
                    }
                    coverage.amounts += 1;
                    if self.verified.contains(&(ti, ri, ci)) {
                        coverage.verified += 1;
                    } else {
                        coverage
                            .unverified_cells
                            .push(self.term((ti, ri, ci), Role::Stated).cell);
                    }
                }
            }
        }
        coverage.unverified = coverage.amounts - coverage.verified;
        coverage.share = if coverage.amounts == 0 {
            Decimal::ONE
        } else {
            (Decimal::from(coverage.verified) / Decimal::from(coverage.amounts)).round_dp(4)
        };
        Reconciliation {
            doc_id: self.doc.doc_id.clone(),
            findings: self.findings,
            counts,
            checks: self.checks,
            checks_passed: self.passed,
            coverage,
            narrative,
            unverified_tables,
        }
    }
}

/// The tables kept without the rows of some of their pages (warnings `table_page_unparsed`
/// naming the table, on a page it spans), with those pages as a sentence.
fn pages_lost(doc: &Document) -> std::collections::HashMap<usize, String> {
    let mut out = std::collections::HashMap::new();
    for (ti, t) in doc.tables.iter().enumerate() {
        let label = table_label(t);
        let pages: Vec<String> = doc
            .warnings
            .iter()
            .filter(|w| w.code == crate::convert::TABLE_PAGE_UNPARSED)
            .filter(|w| w.table.as_deref() == Some(label.as_str()))
            .filter_map(|w| w.page)
            .filter(|p| (t.first_page..=t.last_page).contains(p))
            .map(|p| p.to_string())
            .collect();
        if !pages.is_empty() {
            out.insert(
                ti,
                format!(
                    "{label} could not be rebuilt on page(s) {}, whose rows are missing",
                    pages.join(", ")
                ),
            );
        }
    }
    out
}

/// The tables whose rows the text reader paired with names or nested by guess (warnings
/// `plain_unnamed_total`, `plain_names_displaced`, `plain_two_sided_by_identities` naming the
/// table): whether the first row only, and the warning as a sentence.
fn guessed_rows(doc: &Document) -> std::collections::HashMap<usize, (bool, String)> {
    use crate::plain_dump::{PLAIN_NAMES_DISPLACED, PLAIN_TWO_SIDED, PLAIN_UNNAMED_TOTAL};
    let mut out = std::collections::HashMap::new();
    for (ti, t) in doc.tables.iter().enumerate() {
        let label = table_label(t);
        let of_table = |code: &str| {
            doc.warnings
                .iter()
                .find(|w| w.code == code && w.table.as_deref() == Some(label.as_str()))
        };
        // A two-sided summary rebuilt from a plain dump has its sides' lines in printed order,
        // without the indentation that nests 款 and 项 under their 类: its outline is a guess.
        let whole_table = of_table(PLAIN_NAMES_DISPLACED).or(of_table(PLAIN_TWO_SIDED));
        let guess = match (whole_table, of_table(PLAIN_UNNAMED_TOTAL)) {
            (Some(w), _) => (false, w),
            (None, Some(w)) => (true, w),
            (None, None) => continue,
        };
        out.insert(
            ti,
            (
                guess.0,
                format!(
                    "{label}: the text reader's guess ({}): {}",
                    guess.1.code, guess.1.message
                ),
            ),
        );
    }
    out
}

fn fmt_opt(v: Option<Decimal>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "(empty)".into())
}
