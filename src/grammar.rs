//! Table grammars: table definitions as data files (`grammars/**/*.toml`), one per table kind
//! and family. They know titles, header labels, row keys and columns, never PDF operators.
//!
//! A new regional variant is a new data file: [`GrammarSet::load_dir`] loads every file below
//! a folder and validates it, with errors naming the file and line.

use crate::error::GrammarError;
use crate::model::{ColumnKind, Unit};
use crate::vocabulary::{Vocabulary, VOCABULARY_FILE};
use serde::Deserialize;
use std::path::Path;
use std::sync::Arc;

/// Family of the national grammars (`grammars/national/`): the Ministry of Finance template's
/// tables with the vocabulary's column concepts, read when a document's own family has no
/// grammar that fits.
pub const NATIONAL_FAMILY: &str = "national";

/// How the body of a table is laid out.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// Rows keyed by a code (or a total label), then a name, then one amount per column.
    Coded,
    /// Sections side by side (收入 | 支出, or 收入 | 支出 by function | 支出 by use), each a
    /// label and its amounts; cells may be empty.
    TwoSided,
    /// One unlabeled row of amounts under a multi-level header (三公 table).
    SingleRow,
    /// Rows keyed by a name, followed by a unit name column (项目支出表).
    Project,
    /// Performance targets (绩效目标表): amount blocks and indicator rows.
    Performance,
}

/// What keys the rows of a coded table.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RowKey {
    FunctionCode,
    EconomicCode,
    UnitCode,
    Label,
    None,
}

/// One column definition.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnDef {
    /// Canonical id ("basic_expenditure.personnel").
    pub id: String,
    /// Printed label path ("基本支出/人员经费").
    pub label: String,
    #[serde(default)]
    pub kind: ColumnKind,
    /// Two-sided tables: the section ("收入"/"支出") the column belongs to.
    #[serde(default)]
    pub section: Option<String>,
}

/// A printed text column (a cell that is not an amount), kept as a row attribute under its
/// label: the procurement table's 专项名称, 采购物品名称, 采购组织形式.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TextColumnDef {
    /// Printed header label ("采购物品名称").
    pub label: String,
    /// Level of a row whose first printed text cell is in this column (1 category, 2 project,
    /// 3 item); the row's name is that cell.
    pub level: u8,
    /// A blank cell takes the value above it (a merged cell spanning rows), within the rows
    /// below the last row of a lower level.
    #[serde(default)]
    pub fill_down: bool,
}

/// One side of a two-sided table.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionDef {
    /// "收入" or "支出".
    pub name: String,
    /// Words that put a lone label on this side when ordinals cannot tell.
    pub keywords: Vec<String>,
}

/// A column identity (合计 = 基本支出 + 项目支出) that reconciliation checks.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityDef {
    pub total: String,
    pub parts: Vec<String>,
    /// Parts a table may not print at all (an income source the unit does not have): a
    /// column the table lacks counts as nothing; a printed one takes part as usual.
    #[serde(default)]
    pub optional: Vec<String>,
}

/// An amount block of a performance table: rows between two anchor lines.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlockDef {
    /// Canonical id, appended to the table kind ("funds" → "performance_overall.funds").
    pub id: String,
    /// Printed block title ("总体资金情况").
    pub title: String,
    /// Text (white space removed) of the line that starts the block.
    pub start: String,
    /// Texts that end the block (the first line containing one).
    pub end: Vec<String>,
    /// Section words that head groups of rows ("收入构成").
    #[serde(default)]
    pub sections: Vec<String>,
    /// Header labels of text cells before the amounts (default: one name cell).
    #[serde(default)]
    pub label_columns: Vec<String>,
    /// Header label of a text cell after the amounts (项目主要支出方向和用途).
    #[serde(default)]
    pub trailing_column: Option<String>,
    /// Rows anchored by one of these words right before the amount (支出经济分类 such as
    /// 办公费): the text before it is the row's label cells, free text after it ending in
    /// "。" its trailing cell.
    #[serde(default)]
    pub anchor_words: Vec<String>,
    /// Header label of the anchor word's column.
    #[serde(default)]
    pub anchor_column: Option<String>,
    /// Text of the last header line (the block body starts after it), for anchored blocks.
    #[serde(default)]
    pub header_end: Option<String>,
    /// Labelled figures of a form (项目资金: 资金总额 / 财政拨款 / 上年结转 / 其他资金): a
    /// line whose label ends with one of a field's names gives that field's row, with the
    /// figure printed after the label on the same line; other lines of the block (the frame's
    /// own labels, free text, score columns) are not rows.
    #[serde(default)]
    pub fields: Vec<FieldDef>,
    pub columns: Vec<ColumnDef>,
}

/// One labelled figure of a form-style block.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// Label endings that name the field ("资金总额" for "年度资金总额："), white space removed.
    pub names: Vec<String>,
    /// Outline level of the row: a field = Σ the following fields one level deeper.
    pub level: u8,
}

/// Words of indicator rows (绩效指标) in a performance table.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct IndicatorDef {
    /// Texts that start a goal block ("长期目标", "年度目标").
    pub goal_markers: Vec<String>,
    /// Texts that end the indicators of a goal (other than the next goal or header).
    #[serde(default)]
    pub end: Vec<String>,
    /// 一级指标 names.
    pub level1: Vec<String>,
    /// 二级指标 names.
    pub level2: Vec<String>,
    /// 指标值确定依据 values.
    pub basis: Vec<String>,
    /// Characters a value's unit fragment may start with ("次", "万").
    pub unit_starts: String,
}

/// A table grammar, loaded from one data file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grammar {
    /// File the grammar came from, relative to the grammar folder (filled in by the loader).
    #[serde(skip)]
    pub file: String,
    /// Canonical table kind ("expenditure_summary").
    pub kind: String,
    /// Family of documents the grammar was written for ("hubei-district-budget").
    pub family: String,
    /// Printed titles (white space removed); a table matches when its title contains one.
    pub titles: Vec<String>,
    /// `titles` normalised ([`crate::vocabulary::normalise_title`]) once, at load: title
    /// matching runs for every title-like line of every page against every grammar.
    #[serde(skip)]
    normalised_titles: Vec<(String, usize)>,
    pub layout: Layout,
    #[serde(default = "default_row_key")]
    pub row_key: RowKey,
    /// Labels that must all appear in the header text (white space removed).
    #[serde(default)]
    pub header: Vec<String>,
    /// The unit when the table prints none.
    #[serde(default)]
    pub default_unit: Option<String>,
    #[serde(default)]
    pub columns: Vec<ColumnDef>,
    /// Text columns, left to right (layout `coded` with `row_key = "label"`).
    #[serde(default)]
    pub text_columns: Vec<TextColumnDef>,
    /// Label-keyed tables: a text cell merged over several rows beside their labels (收入预算总表
    /// "一般公共预算资金") is kept as this attribute of those rows, not in their names.
    #[serde(default)]
    pub group_attribute: Option<String>,
    #[serde(default)]
    pub sections: Vec<SectionDef>,
    /// Phrases that mark a table printed without amounts.
    #[serde(default)]
    pub empty_markers: Vec<String>,
    /// Side-by-side panels repeating the same columns (two-column 基本支出 tables).
    #[serde(default = "one")]
    pub panels: usize,
    /// Labels of total rows (level 0).
    #[serde(default = "default_total_labels")]
    pub total_labels: Vec<String>,
    /// Amount blocks (performance tables).
    #[serde(default, rename = "block")]
    pub blocks: Vec<BlockDef>,
    /// Indicator vocabulary (performance tables).
    #[serde(default)]
    pub indicators: Option<IndicatorDef>,
    /// Column identities that reconciliation checks.
    #[serde(default, rename = "identity")]
    pub identities: Vec<IdentityDef>,
    /// Column concepts and their printed synonyms (filled in by the loader: the national
    /// vocabulary, plus the grammar folder's own `vocabulary.toml`).
    #[serde(skip, default = "Vocabulary::national")]
    pub vocabulary: Arc<Vocabulary>,
}

fn one() -> usize {
    1
}

fn default_row_key() -> RowKey {
    RowKey::None
}

fn default_total_labels() -> Vec<String> {
    vec!["合计".into(), "总计".into()]
}

impl Grammar {
    /// The labels a column may be printed under: its label path's leaf ("基本支出/人员经费" →
    /// "人员经费") and that leaf's synonyms in the grammar's vocabulary, normalised.
    pub fn column_variants(&self, c: &ColumnDef) -> Vec<String> {
        self.vocabulary
            .variants(c.label.rsplit('/').next().unwrap_or(&c.label))
    }

    /// Parses and validates one grammar from TOML text; `file` names it in errors.
    pub fn from_toml(file: &str, text: &str) -> Result<Grammar, GrammarError> {
        let mut g: Grammar = toml::from_str(text).map_err(|e| GrammarError {
            file: file.to_string(),
            line: e.span().map(|s| line_of(text, s.start)),
            message: e.message().to_string(),
        })?;
        g.file = file.to_string();
        g.normalised_titles = g
            .titles
            .iter()
            .map(|t| (crate::vocabulary::normalise_title(t), t.chars().count()))
            .collect();
        g.validate(text)?;
        Ok(g)
    }

    fn validate(&self, text: &str) -> Result<(), GrammarError> {
        let err = |needle: &str, message: String| GrammarError {
            file: self.file.clone(),
            line: text.find(needle).map(|p| line_of(text, p)),
            message,
        };
        // National grammars are reached through the title vocabulary's kinds, never by a title
        // of their own (which would vote in the choice of a document's family).
        if self.titles.is_empty() && self.family != NATIONAL_FAMILY {
            return Err(err("titles", "at least one title is needed".into()));
        }
        if let Some(u) = &self.default_unit {
            if Unit::parse(u).is_none() {
                return Err(err(
                    "default_unit",
                    format!("unknown unit {u:?}: use 元 or 万元"),
                ));
            }
        }
        let needs_columns = !matches!(self.layout, Layout::Performance);
        if needs_columns && self.columns.is_empty() {
            return Err(err("layout", "this layout needs [[columns]]".into()));
        }
        let mut seen = std::collections::HashSet::new();
        for c in &self.columns {
            if !seen.insert((c.id.as_str(), c.section.as_deref())) {
                return Err(err(
                    &format!("\"{}\"", c.id),
                    format!("column id {:?} repeated", c.id),
                ));
            }
        }
        if self.layout == Layout::TwoSided {
            if self.sections.len() < 2 {
                return Err(err(
                    "layout",
                    "two_sided needs two or more [[sections]]".into(),
                ));
            }
            for c in &self.columns {
                if !self
                    .sections
                    .iter()
                    .any(|s| Some(&s.name) == c.section.as_ref())
                {
                    return Err(err(
                        &format!("\"{}\"", c.id),
                        format!(
                            "column {:?} needs a section naming one of the [[sections]]",
                            c.id
                        ),
                    ));
                }
            }
        }
        for i in &self.identities {
            for id in std::iter::once(&i.total).chain(&i.parts) {
                if !self.columns.iter().any(|c| &c.id == id) {
                    return Err(err(
                        &format!("\"{id}\""),
                        format!("identity names column {id:?}, which is not defined"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Whether a printed title (white space removed) names this kind of table: it contains
    /// one of the grammar's own titles, or the national vocabulary
    /// ([`crate::vocabulary`]) gives it a kind this grammar reads. Both sides are normalised.
    pub fn matches_title(&self, title: &str) -> bool {
        self.matches(&TitleQuery::new(title))
    }

    /// [`Grammar::matches_title`] for a title prepared once for every grammar.
    pub fn matches(&self, title: &TitleQuery) -> bool {
        self.normalised_title_score(&title.normalised) > 0
            || title.entry.is_some_and(|e| e.read_by(&self.kind))
    }

    /// The longest of this grammar's own titles contained in `title` (a better match is
    /// longer); 0 when only the national vocabulary names it.
    pub fn title_score(&self, title: &str) -> usize {
        self.normalised_title_score(&crate::vocabulary::normalise_title(title))
    }

    /// [`Grammar::title_score`] of a title already normalised.
    pub fn normalised_title_score(&self, title: &str) -> usize {
        self.normalised_titles
            .iter()
            .filter(|(t, _)| title.contains(t.as_str()))
            .map(|(_, n)| *n)
            .max()
            .unwrap_or(0)
    }

    /// How many of the header labels appear in `header` (white space removed), and whether all do.
    pub fn header_score(&self, header: &str) -> (usize, bool) {
        let n = self
            .header
            .iter()
            .filter(|h| header.contains(h.as_str()))
            .count();
        (n, n == self.header.len())
    }
}

/// A printed title prepared once for matching against every grammar (title matching runs for
/// every title-like line of every page): normalised, and its national vocabulary entry.
pub struct TitleQuery {
    normalised: String,
    entry: Option<&'static crate::vocabulary::TitleEntry>,
}

impl TitleQuery {
    pub fn new(title: &str) -> TitleQuery {
        TitleQuery {
            normalised: crate::vocabulary::normalise_title(title),
            entry: crate::vocabulary::kind_of(title),
        }
    }
}

/// All grammars loaded from a folder.
#[derive(Debug, Clone, Default)]
pub struct GrammarSet {
    pub grammars: Vec<Grammar>,
    /// SHA-256 (hex) of the files the set was loaded from, names and texts in load order:
    /// a run's manifest records it, and `--resume` reconverts when it changes.
    pub fingerprint: String,
}

/// SHA-256 (hex) of `(name, text)` entries in order, each name and text ended by a NUL byte.
pub fn sources_fingerprint<'a>(entries: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for (name, text) in entries {
        h.update(name.as_bytes());
        h.update([0]);
        h.update(text.as_bytes());
        h.update([0]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

impl GrammarSet {
    /// Loads every `*.toml` below `dir` (sorted by path, so the order is stable).
    pub fn load_dir(dir: &Path) -> Result<GrammarSet, GrammarError> {
        let files = toml_files(dir);
        if files.is_empty() {
            return Err(GrammarError {
                file: dir.display().to_string(),
                line: None,
                message: "no grammar files (*.toml) found; pass --grammars DIR".into(),
            });
        }
        let mut grammars = Vec::with_capacity(files.len());
        let mut vocabulary = Vocabulary::national();
        let mut sources: Vec<(String, String)> = Vec::with_capacity(files.len());
        for f in files {
            let rel = f.strip_prefix(dir).unwrap_or(&f).display().to_string();
            let text = std::fs::read_to_string(&f).map_err(|e| GrammarError {
                file: rel.clone(),
                line: None,
                message: format!("cannot read: {e}"),
            })?;
            sources.push((rel.clone(), text.clone()));
            if f.file_name().is_some_and(|n| n == VOCABULARY_FILE) {
                // A folder's vocabulary adds to the national one.
                let own = Vocabulary::from_toml(&rel, &text)?;
                vocabulary = Arc::new(vocabulary.extended(own));
                continue;
            }
            if f.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(crate::vocabulary::is_vocabulary_file)
            {
                // The title vocabulary is compiled in (crate::vocabulary::titles).
                continue;
            }
            grammars.push(Grammar::from_toml(&rel, &text)?);
        }
        for g in &mut grammars {
            g.vocabulary = vocabulary.clone();
        }
        // The national vocabularies are compiled in and extended by the folder's: they count.
        let fingerprint = sources_fingerprint(
            BUILTIN
                .iter()
                .filter(|(f, _)| crate::vocabulary::is_vocabulary_file(f))
                .copied()
                .chain(sources.iter().map(|(f, t)| (f.as_str(), t.as_str()))),
        );
        Ok(GrammarSet {
            grammars,
            fingerprint,
        })
    }

    /// Loads the grammars shipped with the crate, compiled in (used when no folder is given).
    pub fn builtin() -> GrammarSet {
        let mut grammars = Vec::new();
        for (file, text) in BUILTIN
            .iter()
            .filter(|(f, _)| !crate::vocabulary::is_vocabulary_file(f))
        {
            // The shipped grammars are tested to load (see tests below); a broken one is a bug.
            match Grammar::from_toml(file, text) {
                Ok(g) => grammars.push(g),
                Err(e) => panic!("shipped grammar does not load: {e}"),
            }
        }
        GrammarSet {
            grammars,
            fingerprint: sources_fingerprint(BUILTIN.iter().copied()),
        }
    }

    /// The grammar that best fits a table: title first, then header labels, within a family
    /// when one is preferred.
    pub fn best_for(&self, title: &str, header: &str, family: Option<&str>) -> Option<&Grammar> {
        let query = TitleQuery::new(title);
        self.grammars
            .iter()
            .filter(|g| g.matches(&query))
            .map(|g| (g, g.normalised_title_score(&query.normalised)))
            .max_by_key(|(g, score)| {
                let (n, all) = g.header_score(header);
                (
                    // A grammar of another kind than the one the national vocabulary gives the
                    // whole title matched a piece of it only (see `layout::titles`).
                    query.entry.is_none_or(|e| e.read_by(&g.kind)),
                    family.is_some_and(|f| f == g.family),
                    // A grammar's own title beats the national vocabulary's kind.
                    *score > 0,
                    all,
                    *score,
                    n,
                )
            })
            .map(|(g, _)| g)
    }
}

/// Every `*.toml` file below `dir`, sorted by path so loading order is stable.
pub(crate) fn toml_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "toml"))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

/// The text of a file shipped in `grammars/` (compiled in), by its path below that folder.
pub(crate) fn builtin_file(name: &str) -> Option<&'static str> {
    BUILTIN.iter().find(|(f, _)| *f == name).map(|(_, t)| *t)
}

/// 1-based line of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .bytes()
        .filter(|&b| b == b'\n')
        .count()
        + 1
}

include!(concat!(env!("OUT_DIR"), "/builtin_grammars.rs"));

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &str = r#"
kind = "expenditure_summary"
family = "test"
titles = ["部门支出总表"]
layout = "coded"
row_key = "function_code"
header = ["科目编码", "合计"]
[[columns]]
id = "total"
label = "合计"
[[columns]]
id = "basic_expenditure"
label = "基本支出"
[[identity]]
total = "total"
parts = ["basic_expenditure"]
"#;

    #[test]
    fn loads_a_valid_grammar() {
        let g = Grammar::from_toml("t.toml", OK).unwrap();
        assert_eq!(g.columns.len(), 2);
        assert!(g.matches_title("2025年部门支出总表"));
        assert_eq!(g.header_score("科目编码科目名称合计"), (2, true));
    }

    #[test]
    fn syntax_error_names_file_and_line() {
        let e = Grammar::from_toml("bad.toml", "kind = \"x\"\nfamily = \n").unwrap_err();
        assert_eq!(e.file, "bad.toml");
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn unknown_field_is_rejected_with_its_line() {
        let text = OK.replace("layout = \"coded\"", "layout = \"coded\"\ncolour = 3");
        let e = Grammar::from_toml("t.toml", &text).unwrap_err();
        assert!(e.message.contains("colour"), "{e}");
        assert_eq!(e.line, Some(6));
    }

    #[test]
    fn identity_with_unknown_column_is_rejected() {
        let text = OK.replace("parts = [\"basic_expenditure\"]", "parts = [\"nope\"]");
        let e = Grammar::from_toml("t.toml", &text).unwrap_err();
        assert!(e.message.contains("nope"), "{e}");
        assert!(e.line.is_some());
    }

    #[test]
    fn bad_unit_is_rejected() {
        let text = OK.replace(
            "layout = \"coded\"",
            "layout = \"coded\"\ndefault_unit = \"美元\"",
        );
        assert!(Grammar::from_toml("t.toml", &text)
            .unwrap_err()
            .message
            .contains("美元"));
    }

    #[test]
    fn a_folder_vocabulary_is_not_a_grammar_and_adds_to_the_national_one() {
        let dir = std::env::temp_dir().join(format!("bt-vocab-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("t.toml"), OK).unwrap();
        std::fs::write(
            dir.join(VOCABULARY_FILE),
            "[[concept]]\nid = \"x\"\nlabels = [\"项目支出\", \"专项支出\"]\n",
        )
        .unwrap();
        let set = GrammarSet::load_dir(&dir).unwrap();
        std::fs::remove_dir_all(&dir).ok();
        assert_eq!(set.grammars.len(), 1);
        let v = &set.grammars[0].vocabulary;
        assert!(v.variants("项目支出").contains(&"专项支出".to_string()));
        assert!(
            v.concepts_of("总计").contains(&"total"),
            "national concepts kept"
        );
        // The shipped vocabulary is not loaded as a grammar either.
        assert!(GrammarSet::builtin()
            .grammars
            .iter()
            .all(|g| g.file != VOCABULARY_FILE));
    }

    #[test]
    fn builtin_grammars_load() {
        let set = GrammarSet::builtin();
        assert!(!set.grammars.is_empty());
    }

    #[test]
    fn two_sided_takes_two_or_more_sections() {
        let base = r#"
kind = "overview"
family = "test"
titles = ["收支预算总表"]
layout = "two_sided"
[[columns]]
id = "a"
label = "收入/金额"
section = "收入"
[[sections]]
name = "收入"
keywords = ["收入"]
"#;
        let e = Grammar::from_toml("t.toml", base).unwrap_err();
        assert!(e.message.contains("two or more"), "{e}");
        let three = format!(
            "{base}[[sections]]\nname = \"功能分类\"\nkeywords = []\n[[sections]]\nname = \"支出用途\"\nkeywords = []\n"
        );
        assert_eq!(
            Grammar::from_toml("t.toml", &three).unwrap().sections.len(),
            3
        );
    }

    #[test]
    fn text_columns_load() {
        let text =
            format!("{OK}[[text_columns]]\nlabel = \"专项名称\"\nlevel = 2\nfill_down = true\n");
        let g = Grammar::from_toml("t.toml", &text).unwrap();
        assert_eq!(g.text_columns.len(), 1);
        assert!(g.text_columns[0].fill_down);
        let bad = text.replace("level = 2\n", "");
        assert!(
            Grammar::from_toml("t.toml", &bad).is_err(),
            "level is required"
        );
    }
}
