//! Reconciliation rules as data (`rules/*.toml`), plus the column identities the table
//! grammars declare (`[[identity]]`).
//!
//! A rule file names a `family` (the grammar family whose tables it speaks about) and holds:
//! `[[hierarchy]]` (which table kinds carry a code or outline hierarchy), `[[identity]]`
//! (column identities for kinds without a grammar), `[[equal]]` and `[[sum]]` (cells across
//! tables), `[[match_rows]]` (rows of one table against rows of others, by name or code),
//! `[[row_sum]]` (a column's rows against a total printed elsewhere), `[[share]]` (printed
//! percentage columns), `[[phrase]]` and `[[narrative_rows]]` (what the
//! narrative's subjects refer to).
use crate::grammar::line_of;

use crate::grammar::GrammarSet;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// A rule file that cannot be loaded: names the file and line.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
#[error("rules {file}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct RuleError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

/// How a table's rows nest.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum HierarchyKind {
    /// Parent = Σ children by code prefix (206 = Σ 206xx, 20607 = Σ 20607xx, 320 = Σ 320xxx);
    /// the total row (level 0) = Σ top-level coded rows.
    Code,
    /// Label rows in printed order, per section: a row = Σ the following rows one level
    /// deeper; a total row (level 0) = the previous total row + the level-1 rows since it.
    Outline,
}

/// Which table kind carries which hierarchy.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HierarchyRule {
    pub table: String,
    pub kind: HierarchyKind,
    /// Only rows of these sections (all when empty).
    #[serde(default)]
    pub sections: Vec<String>,
    #[serde(skip)]
    pub family: Option<String>,
}

/// A column identity: in every row, `total` = Σ `parts` − Σ `minus`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityRule {
    pub table: String,
    pub total: String,
    pub parts: Vec<String>,
    /// Columns subtracted (年末结转 = 年初结转 + 收入 − 支出).
    #[serde(default)]
    pub minus: Vec<String>,
    /// Parts a table may not print (counted as nothing when its column is absent).
    #[serde(default)]
    pub optional: Vec<String>,
    #[serde(skip)]
    pub family: Option<String>,
    /// Where the identity was declared (grammar or rule file).
    #[serde(skip)]
    pub source: String,
}

/// One cell: a table kind, a row selector and a column id.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct CellSel {
    pub table: String,
    pub column: String,
    /// Row side in two-sided tables ("收入" / "支出").
    #[serde(default)]
    pub section: Option<String>,
    /// Row name, compared without white space, ordinal prefix ("一、", "（一）") or quotes.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub name_contains: Option<String>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub level: Option<u8>,
    /// The row must follow a row of this name (normalized) at a lower level.
    #[serde(default)]
    pub under: Option<String>,
    /// The row must come after a row of this name (normalized) in its section, at any level.
    #[serde(default)]
    pub after: Option<String>,
    /// A cell that may be absent (no finding when it is).
    #[serde(default)]
    pub optional: bool,
}

/// All cells must hold the same amount.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EqualRule {
    pub id: String,
    #[serde(default)]
    pub sentence: Option<String>,
    pub cells: Vec<CellSel>,
    /// Check each table number on its own (表12-1, 表12-2 …), cells within that number.
    #[serde(default)]
    pub same_number: bool,
    #[serde(skip)]
    pub family: Option<String>,
}

/// `total` = Σ `parts`, cells anywhere in the document.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SumRule {
    pub id: String,
    #[serde(default)]
    pub sentence: Option<String>,
    pub total: CellSel,
    pub parts: Vec<CellSel>,
    /// Check each table number on its own (表12-1, 表12-2 …), cells within that number.
    #[serde(default)]
    pub same_number: bool,
    #[serde(skip)]
    pub family: Option<String>,
}

/// `total` = Σ `rows` (a column over the selected rows of one table). With `column = "*"` in
/// both, every amount column of the rows' table, the total cell in the same column.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowSumRule {
    pub id: String,
    #[serde(default)]
    pub sentence: Option<String>,
    pub rows: RowsSel,
    pub total: CellSel,
    #[serde(skip)]
    pub family: Option<String>,
}

/// A set of rows of one table and one column.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowsSel {
    pub table: String,
    pub column: String,
    #[serde(default)]
    pub section: Option<String>,
    #[serde(default)]
    pub level: Option<u8>,
    /// Rows must follow a row of this name at a lower level.
    #[serde(default)]
    pub under: Option<String>,
    /// Only rows that carry (true) or lack (false) a 项目单位 (project rows of 项目支出表).
    #[serde(default)]
    pub has_unit_name: Option<bool>,
    /// Only rows printed before the row of this name (normalized) in their section.
    #[serde(default)]
    pub before: Option<String>,
    /// Only 类 rows of the function classification (功能分类科目): a 3-digit subject code, or,
    /// on a row printed without code, a name of `[[function_class]]`. Unit rows and 款/项
    /// rows drop out whatever their printed level.
    #[serde(default)]
    pub function_class: bool,
}

/// Each selected row of `left` = Σ rows of the same key in the `right` tables.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchRowsRule {
    pub id: String,
    #[serde(default)]
    pub sentence: Option<String>,
    pub left: RowsSel,
    pub right: Vec<RowsSel>,
    #[serde(skip)]
    pub family: Option<String>,
}

/// What a printed share is a share of.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ShareBase {
    /// The total row (level 0) of the row's own section.
    SectionTotal,
    /// The first total row (level 0) of the table.
    TableTotal,
}

/// A percent column: row share = row amount / base amount.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareRule {
    pub id: String,
    pub table: String,
    /// The percent column.
    pub column: String,
    /// The amount column the share is taken of.
    pub of: String,
    pub base: ShareBase,
    #[serde(skip)]
    pub family: Option<String>,
}

/// Narrative subjects (normalized phrases) that name one cell.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhraseRule {
    pub phrases: Vec<String>,
    pub cell: CellSel,
    #[serde(skip)]
    pub family: Option<String>,
}

/// Narrative subjects that name a row of this table (by row name or 类/款/项 path).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NarrativeRowsRule {
    pub table: String,
    pub column: String,
    /// Only for statements under a heading containing this word ("（五）项目支出 52,660.55
    /// 万元，具体包括：" names project categories, not function subjects), and then tried
    /// before the rules without one.
    #[serde(default)]
    pub heading: Option<String>,
    #[serde(skip)]
    pub family: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    family: Option<String>,
    #[serde(default)]
    hierarchy: Vec<HierarchyRule>,
    #[serde(default)]
    identity: Vec<IdentityRule>,
    #[serde(default)]
    equal: Vec<EqualRule>,
    #[serde(default)]
    sum: Vec<SumRule>,
    #[serde(default)]
    match_rows: Vec<MatchRowsRule>,
    #[serde(default)]
    row_sum: Vec<RowSumRule>,
    #[serde(default)]
    share: Vec<ShareRule>,
    #[serde(default)]
    phrase: Vec<PhraseRule>,
    #[serde(default)]
    row_names: Vec<RowNames>,
    #[serde(default)]
    narrative_rows: Vec<NarrativeRowsRule>,
    #[serde(default)]
    function_class: Vec<FunctionClass>,
}

/// One 类 of the function classification of expenditure (支出功能分类科目): its code and
/// the names templates print for it (a name changes now and then: 文化体育与传媒支出 became
/// 文化旅游体育与传媒支出).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionClass {
    pub code: String,
    pub names: Vec<String>,
}

/// Row labels the templates print for one line ("上年结转结余", "上年结余、结转"): a rule
/// naming one finds a row printed under any of them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowNames {
    pub names: Vec<String>,
}

/// All reconciliation rules: rule files plus grammar identities.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub hierarchy: Vec<HierarchyRule>,
    pub identities: Vec<IdentityRule>,
    pub equal: Vec<EqualRule>,
    pub sums: Vec<SumRule>,
    pub row_sums: Vec<RowSumRule>,
    pub match_rows: Vec<MatchRowsRule>,
    pub shares: Vec<ShareRule>,
    pub phrases: Vec<PhraseRule>,
    pub narrative_rows: Vec<NarrativeRowsRule>,
    /// Groups of row labels that name one line, normalised ([`select::norm_name`]).
    pub row_names: Vec<Vec<String>>,
    /// Names (normalised) of the 类 of the function classification, from every rule file.
    pub function_classes: HashSet<String>,
    /// The 3-digit code of each of those names.
    pub function_class_codes: HashMap<String, String>,
    /// Grammar file (relative path) → family, to tell which family a table belongs to.
    pub grammar_family: HashMap<String, String>,
    /// SHA-256 (hex) of the grammars' fingerprint and every rule file added (name and text),
    /// in order: a run's manifest records it, and `--resume` reconverts when it changes.
    pub fingerprint: String,
    /// (family, kind) → column ids the grammar defines, to validate rule files.
    known_columns: HashMap<(String, String), Vec<String>>,
}

/// The rule files shipped with the crate: (path relative to `rules/`, text).
const BUILTIN: &[(&str, &str)] = &[
    (
        "hubei-district-budget.toml",
        include_str!("../../rules/hubei-district-budget.toml"),
    ),
    (
        "shanghai-district-budget.toml",
        include_str!("../../rules/shanghai-district-budget.toml"),
    ),
    (
        "shanghai-district-final-accounts.toml",
        include_str!("../../rules/shanghai-district-final-accounts.toml"),
    ),
    (
        "jiangsu-provincial-budget.toml",
        include_str!("../../rules/jiangsu-provincial-budget.toml"),
    ),
    ("national.toml", include_str!("../../rules/national.toml")),
];

impl RuleSet {
    /// Identities and families from the grammars, no rule files yet.
    pub fn from_grammars(grammars: &GrammarSet) -> RuleSet {
        let mut set = RuleSet {
            fingerprint: crate::grammar::sources_fingerprint([(
                "grammars",
                grammars.fingerprint.as_str(),
            )]),
            ..RuleSet::default()
        };
        for g in &grammars.grammars {
            set.grammar_family.insert(g.file.clone(), g.family.clone());
            set.known_columns.insert(
                (g.family.clone(), g.kind.clone()),
                g.columns.iter().map(|c| c.id.clone()).collect(),
            );
            // Blocks of performance tables are tables of kind "<kind>.<block id>".
            for b in &g.blocks {
                set.known_columns.insert(
                    (g.family.clone(), format!("{}.{}", g.kind, b.id)),
                    b.columns.iter().map(|c| c.id.clone()).collect(),
                );
            }
            for i in &g.identities {
                set.identities.push(IdentityRule {
                    table: g.kind.clone(),
                    total: i.total.clone(),
                    parts: i.parts.iter().chain(&i.optional).cloned().collect(),
                    minus: Vec::new(),
                    optional: i.optional.clone(),
                    family: Some(g.family.clone()),
                    source: format!("grammar {}", g.file),
                });
            }
        }
        set
    }

    /// Whether two normalised row names name one line: equal, or in one `row_names` group.
    pub fn same_row_name(&self, a: &str, b: &str) -> bool {
        a == b
            || self
                .row_names
                .iter()
                .any(|g| g.iter().any(|n| n == a) && g.iter().any(|n| n == b))
    }

    /// The shipped grammars and rule files, compiled in.
    pub fn builtin() -> RuleSet {
        let mut set = RuleSet::from_grammars(&GrammarSet::builtin());
        for (file, text) in BUILTIN {
            // The shipped rules are tested to load (see tests below); a broken one is a bug.
            if let Err(e) = set.add_toml(file, text) {
                panic!("shipped rule file does not load: {e}");
            }
        }
        set
    }

    /// Grammar identities plus every `*.toml` below `dir` (sorted by path).
    pub fn load_dir(dir: &Path, grammars: &GrammarSet) -> Result<RuleSet, RuleError> {
        let mut set = RuleSet::from_grammars(grammars);
        let files = crate::grammar::toml_files(dir);
        for f in files {
            let rel = f.strip_prefix(dir).unwrap_or(&f).display().to_string();
            let text = std::fs::read_to_string(&f).map_err(|e| RuleError {
                file: rel.clone(),
                line: None,
                message: format!("cannot read: {e}"),
            })?;
            set.add_toml(&rel, &text)?;
        }
        Ok(set)
    }

    /// Parses, validates and adds one rule file; `file` names it in errors.
    pub fn add_toml(&mut self, file: &str, text: &str) -> Result<(), RuleError> {
        let rf: RuleFile = toml::from_str(text).map_err(|e| RuleError {
            file: file.to_string(),
            line: e.span().map(|s| line_of(text, s.start)),
            message: e.message().to_string(),
        })?;
        self.fingerprint = crate::grammar::sources_fingerprint([
            ("previous", self.fingerprint.as_str()),
            (file, text),
        ]);
        let err = |needle: &str, message: String| RuleError {
            file: file.to_string(),
            line: text.find(needle).map(|p| line_of(text, p)),
            message,
        };
        let fam = rf.family.clone();
        let mut ids = HashSet::new();
        let all_ids = rf
            .equal
            .iter()
            .map(|r| &r.id)
            .chain(rf.sum.iter().map(|r| &r.id))
            .chain(rf.match_rows.iter().map(|r| &r.id))
            .chain(rf.row_sum.iter().map(|r| &r.id))
            .chain(rf.share.iter().map(|r| &r.id));
        for id in all_ids {
            if id.is_empty() {
                return Err(err("id = \"\"", "empty rule id".into()));
            }
            if !ids.insert(id.clone()) {
                return Err(err(
                    &format!("\"{id}\""),
                    format!("rule id {id:?} repeated"),
                ));
            }
        }
        // Column ids must exist where the family's grammar defines the table kind.
        let check_col = |table: &str, column: &str| -> Result<(), RuleError> {
            let Some(f) = &fam else { return Ok(()) };
            match self.known_columns.get(&(f.clone(), table.to_string())) {
                Some(cols) if !cols.iter().any(|c| c == column) => Err(err(
                    &format!("\"{column}\""),
                    format!("table {table:?} has no column {column:?} in its grammar"),
                )),
                _ => Ok(()),
            }
        };
        for r in &rf.identity {
            if r.parts.is_empty() {
                return Err(err(&r.total, "identity needs parts".into()));
            }
            for c in std::iter::once(&r.total).chain(&r.parts).chain(&r.minus) {
                check_col(&r.table, c)?;
            }
        }
        for r in &rf.equal {
            if r.cells.len() < 2 {
                return Err(err(&r.id, "equal needs at least two cells".into()));
            }
            for c in &r.cells {
                check_col(&c.table, &c.column)?;
            }
        }
        for r in &rf.sum {
            if r.parts.is_empty() {
                return Err(err(&r.id, "sum needs parts".into()));
            }
            for c in std::iter::once(&r.total).chain(&r.parts) {
                check_col(&c.table, &c.column)?;
            }
        }
        for r in &rf.match_rows {
            if r.right.is_empty() {
                return Err(err(&r.id, "match_rows needs a right side".into()));
            }
            for s in std::iter::once(&r.left).chain(&r.right) {
                check_col(&s.table, &s.column)?;
            }
        }
        for r in &rf.row_sum {
            if (r.rows.column == "*") != (r.total.column == "*") {
                return Err(err(
                    &r.id,
                    "row_sum: column \"*\" must be used in rows and total together".into(),
                ));
            }
            if r.rows.column != "*" {
                check_col(&r.rows.table, &r.rows.column)?;
                check_col(&r.total.table, &r.total.column)?;
            }
        }
        for r in &rf.share {
            check_col(&r.table, &r.column)?;
            check_col(&r.table, &r.of)?;
        }
        for r in &rf.phrase {
            if r.phrases.is_empty() {
                return Err(err("phrases", "phrase rule needs phrases".into()));
            }
            check_col(&r.cell.table, &r.cell.column)?;
        }
        for r in &rf.narrative_rows {
            check_col(&r.table, &r.column)?;
        }
        for r in &rf.row_names {
            if r.names.len() < 2 {
                return Err(err(
                    "[[row_names]]",
                    "a row_names group needs two or more names".into(),
                ));
            }
            self.row_names.push(
                r.names
                    .iter()
                    .map(|n| super::select::norm_name(n))
                    .collect(),
            );
        }
        for c in &rf.function_class {
            if c.code.len() != 3
                || !c.code.bytes().all(|b| b.is_ascii_digit())
                || c.names.is_empty()
            {
                return Err(err(
                    &format!("\"{}\"", c.code),
                    "a function_class needs a 3-digit code and at least one name".into(),
                ));
            }
            for n in &c.names {
                let n = super::select::norm_name(n);
                self.function_class_codes.insert(n.clone(), c.code.clone());
                self.function_classes.insert(n);
            }
        }
        self.hierarchy.extend(rf.hierarchy.into_iter().map(|mut r| {
            r.family = fam.clone();
            r
        }));
        self.identities.extend(rf.identity.into_iter().map(|mut r| {
            r.family = fam.clone();
            r.source = format!("rules {file}");
            r
        }));
        self.equal.extend(rf.equal.into_iter().map(|mut r| {
            r.family = fam.clone();
            r
        }));
        self.sums.extend(rf.sum.into_iter().map(|mut r| {
            r.family = fam.clone();
            r
        }));
        self.match_rows
            .extend(rf.match_rows.into_iter().map(|mut r| {
                r.family = fam.clone();
                r
            }));
        self.row_sums.extend(rf.row_sum.into_iter().map(|mut r| {
            r.family = fam.clone();
            r
        }));
        self.shares.extend(rf.share.into_iter().map(|mut r| {
            r.family = fam.clone();
            r
        }));
        self.phrases.extend(rf.phrase.into_iter().map(|mut r| {
            r.family = fam.clone();
            r
        }));
        self.narrative_rows
            .extend(rf.narrative_rows.into_iter().map(|mut r| {
                r.family = fam.clone();
                r
            }));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_load() {
        let r = RuleSet::builtin();
        assert!(!r.hierarchy.is_empty());
        assert!(!r.equal.is_empty());
        // Grammar identities come along: 表3 合计 = 基本支出 + 项目支出.
        assert!(r
            .identities
            .iter()
            .any(|i| i.table == "expenditure_summary" && i.total == "total"));
    }

    #[test]
    fn syntax_error_names_file_and_line() {
        let mut r = RuleSet::default();
        let e = r
            .add_toml("bad.toml", "family = \"x\"\n[[equal]]\nid = \n")
            .unwrap_err();
        assert_eq!(e.file, "bad.toml");
        assert_eq!(e.line, Some(3));
    }

    #[test]
    fn unknown_field_is_rejected() {
        let mut r = RuleSet::default();
        let e = r
            .add_toml(
                "t.toml",
                "[[hierarchy]]\ntable = \"x\"\nkind = \"code\"\ncolour = 1\n",
            )
            .unwrap_err();
        assert!(e.message.contains("colour"), "{e}");
        assert_eq!(e.line, Some(4));
    }

    #[test]
    fn unknown_column_of_a_grammar_table_is_rejected_with_its_line() {
        let mut r = RuleSet::from_grammars(&GrammarSet::builtin());
        let text = "family = \"hubei-district-budget\"\n[[equal]]\nid = \"a\"\ncells = [\n  { table = \"expenditure_summary\", level = 0, column = \"total\" },\n  { table = \"expenditure_summary\", level = 0, column = \"totl\" },\n]\n";
        let e = r.add_toml("t.toml", text).unwrap_err();
        assert!(e.message.contains("totl"), "{e}");
        assert_eq!(e.line, Some(6));
    }

    #[test]
    fn repeated_rule_id_is_rejected() {
        let mut r = RuleSet::default();
        let cell = "{ table = \"t\", column = \"c\" }";
        let text = format!(
            "[[equal]]\nid = \"a\"\ncells = [{cell}, {cell}]\n[[equal]]\nid = \"a\"\ncells = [{cell}, {cell}]\n"
        );
        assert!(r
            .add_toml("t.toml", &text)
            .unwrap_err()
            .message
            .contains("repeated"));
    }

    #[test]
    fn row_name_groups_join_labels_and_need_two_names() {
        let set = RuleSet::builtin();
        let n = super::super::select::norm_name;
        assert!(set.same_row_name(&n("上年结余、结转"), &n("上年结转结余")));
        assert!(set.same_row_name(&n("1.一般公共预算拨款"), &n("一般公共预算拨款收入")));
        assert!(!set.same_row_name(&n("上年结转结余"), &n("一般公共预算拨款收入")));
        let mut r = RuleSet::default();
        let e = r
            .add_toml("t.toml", "[[row_names]]\nnames = [\"甲\"]\n")
            .unwrap_err();
        assert!(e.message.contains("two or more"), "{e:?}");
    }
}
