//! What reconciliation finds in a document: [`Reconciliation`] with its [`Finding`]s, counts
//! per [`Severity`] and [`Coverage`]. Part of the model, so that writers depend on the model
//! alone; [`crate::reconcile`] makes them.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The figures differ by no more than rounding of the printed values explains.
    Rounding,
    /// The figures differ by more than rounding explains.
    Mismatch,
    /// A figure a rule needs is not printed (an empty total, a row the other table lacks).
    Missing,
    /// A statement or cell that could not be read well enough to check.
    Unparsed,
}

/// The part a cell plays in a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The printed total (or the first of equal figures).
    Stated,
    /// A part of the sum (or another printing of the same figure).
    Part,
    /// A printed percentage.
    Share,
    /// The whole a share is taken of.
    Whole,
}

/// One cell (or narrative figure) taking part in a finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellRef {
    /// Table number as printed ("表3"), its title if unnumbered, or "narrative".
    pub table: String,
    /// Canonical table kind ("expenditure_summary"); empty for the narrative.
    pub table_kind: String,
    /// Row code and name ("21011 行政事业单位医疗"), or the narrative's subject.
    pub row: String,
    /// Column id; `None` for the narrative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// The value as printed; `None` for an empty cell.
    pub value: Option<Decimal>,
    /// "元", "万元" or "%".
    pub unit: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Source lines (text dumps and narrative).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines: Option<(u32, u32)>,
}

/// Which figures of a failing check are likely wrong, when one can tell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suspect {
    /// Indices into the finding's `cells`.
    pub cells: Vec<usize>,
    pub reason: String,
}

/// One failed or rounding-only check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Rule id ("hierarchy.code", "identity.expenditure_summary.total", "cross.income_total").
    pub rule: String,
    pub severity: Severity,
    /// One plain sentence saying what disagrees.
    pub message: String,
    pub cells: Vec<CellRef>,
    /// The printed figure under test (total, share or narrative figure).
    pub stated: Option<Decimal>,
    /// What the other figures give.
    pub computed: Option<Decimal>,
    /// stated − computed.
    pub difference: Option<Decimal>,
    /// Rounding explains a difference up to this (the sum of the figures' half-units).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<Decimal>,
    /// Unit of stated / computed / difference ("万元", "元", "%").
    pub unit: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspect: Option<Suspect>,
}

/// Findings per severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub rounding: usize,
    pub mismatch: usize,
    pub missing: usize,
    pub unparsed: usize,
}

/// How much of the document's money some check vouches for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Coverage {
    /// Non-empty cells of amount columns.
    pub amounts: usize,
    /// Of those, the ones that took part in at least one check that passed or only rounded.
    pub verified: usize,
    pub unverified: usize,
    /// verified / amounts, four places (1 when there are no amounts).
    pub share: Decimal,
    /// The unverified cells.
    pub unverified_cells: Vec<CellRef>,
}

/// The result of reconciling one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reconciliation {
    pub doc_id: String,
    pub findings: Vec<Finding>,
    pub counts: Counts,
    /// Checks made (each comparison of a total with its parts, each share, each statement).
    pub checks: usize,
    /// Checks whose figures agree exactly.
    pub checks_passed: usize,
    pub coverage: Coverage,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub narrative: Option<NarrativeSummary>,
    /// Tables printed on a page whose reading is doubtful (a damaged stream, a
    /// reference cycle, a limit reached: warnings `reconcile::DOUBTFUL_PAGE_CODES`): none of
    /// their figures counts as verified, whatever the checks say.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unverified_tables: Vec<String>,
}

/// What the narrative checks came to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NarrativeSummary {
    /// Amount statements found.
    pub statements: usize,
    /// Statements whose amount was checked against a table cell.
    pub tied: usize,
    /// Shares ("占比 36%") and year-on-year changes checked.
    pub shares_checked: usize,
    pub changes_checked: usize,
    /// Subjects that tie to no table figure (skipped, not guessed), with their lines.
    pub skipped: Vec<(u32, String)>,
}

impl Reconciliation {
    /// Whether any finding is a mismatch (`convert --strict` fails on it).
    pub fn has_mismatch(&self) -> bool {
        self.counts.mismatch > 0
    }

    /// Whether some table was read from a doubtful page (`--strict` should fail).
    pub fn has_unverified_tables(&self) -> bool {
        !self.unverified_tables.is_empty()
    }
}

impl std::fmt::Display for Reconciliation {
    /// One line: findings by severity, checks, coverage.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let c = &self.counts;
        write!(
            f,
            "{}: {} mismatch, {} rounding, {} missing, {} unparsed; {} checks, {} exact; coverage {}/{} amounts ({}%), {} unverified",
            self.doc_id,
            c.mismatch,
            c.rounding,
            c.missing,
            c.unparsed,
            self.checks,
            self.checks_passed,
            self.coverage.verified,
            self.coverage.amounts,
            (self.coverage.share * Decimal::ONE_HUNDRED).round_dp(2).normalize(),
            self.coverage.unverified
        )
    }
}
