//! The table model every reader produces and every later stage consumes:
//! [`Document`] → [`Table`] → [`Row`], with amounts as exact decimals.

pub mod findings;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A document as a reader hands it on: the model and the narrative lines outside its tables
/// (情况说明 and the rest: source line of a text dump, or page of a PDF, and text), which
/// reconciliation checks against the tables.
#[derive(Debug, Clone)]
pub struct Converted {
    pub document: Document,
    pub narrative: Vec<(u32, String)>,
}

/// One converted budget document (a PDF or a text dump of one).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Document {
    /// Stable id used for output folders: file stem plus a short hash of the content.
    pub doc_id: String,
    pub source: SourceFile,
    /// Department (部门) as printed, e.g. "武昌区科学技术协会".
    pub department: Option<String>,
    pub year: Option<u16>,
    pub kind: Option<DocKind>,
    pub tables: Vec<Table>,
    /// Tables the document's contents list but its body lacks.
    pub missing_tables: Vec<String>,
    /// Non-fatal problems found while reading, in document order.
    pub warnings: Vec<Warning>,
}

/// Where a document came from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SourceFile {
    pub path: String,
    pub sha256: String,
    pub format: SourceFormat,
    /// Pages in the file (for a text dump: pages detected in the dump).
    pub pages: u32,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    Pdf,
    Text,
}

/// 部门预算 (budget) or 部门决算 (final accounts).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    /// 预算
    Budget,
    /// 决算
    FinalAccounts,
}

/// The unit an amount is printed in (单位：元 / 单位：万元).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Unit {
    #[serde(rename = "元")]
    Yuan,
    #[serde(rename = "万元")]
    WanYuan,
}

impl Unit {
    /// The unit as printed.
    pub fn label(self) -> &'static str {
        match self {
            Unit::Yuan => "元",
            Unit::WanYuan => "万元",
        }
    }

    /// How many 元 one of this unit is.
    pub fn yuan_factor(self) -> Decimal {
        match self {
            Unit::Yuan => Decimal::ONE,
            Unit::WanYuan => Decimal::from(10_000),
        }
    }

    /// Parses a unit as printed after 单位：("万元", "元", "万 元").
    pub fn parse(text: &str) -> Option<Unit> {
        let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if t.starts_with("万元") {
            Some(Unit::WanYuan)
        } else if t.starts_with('元') {
            Some(Unit::Yuan)
        } else {
            None
        }
    }
}

/// One table as printed, rebuilt.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Table {
    /// The table number as printed: "表5-1", "公开01表", "一、"; `None` if none.
    pub number: Option<String>,
    /// Title as printed, white space removed.
    pub title: String,
    /// Canonical kind from the grammar, e.g. "expenditure_summary".
    pub kind: String,
    /// Grammar file that rebuilt this table, relative to the grammar folder.
    pub grammar: String,
    pub unit: Unit,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Indicator rows of performance-target tables (绩效目标表).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indicators: Vec<Indicator>,
    /// Printed without any amount ("本表为空表", "本单位…没有…支出").
    pub empty: bool,
    /// A note printed with the table (备注 / 注：…), white space removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub first_page: u32,
    pub last_page: u32,
    /// First source line of the table (text dumps only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

/// What a column holds.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum ColumnKind {
    /// Money in the table's unit.
    #[default]
    Amount,
    /// A printed percentage ("26%"), stored as the number before the sign.
    Percent,
    /// A count (数量).
    Count,
}

/// One amount column of a table.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Column {
    /// Canonical id, e.g. "basic_expenditure.personnel".
    pub id: String,
    /// Printed label path, e.g. "基本支出/人员经费".
    pub label: String,
    #[serde(default, skip_serializing_if = "is_amount")]
    pub kind: ColumnKind,
    /// For two-sided tables (收入 | 支出): the side this column belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
}

impl Column {
    /// The printed header of the column read top-down, its levels separated by one space
    /// ("基本支出 人员经费"): what facts.csv calls `column_label`. Printed labels hold no white
    /// space of their own (it is removed when they are normalised), so removing the spaces gives
    /// back the header text as printed ("基本支出人员经费").
    pub fn printed_header(&self) -> String {
        self.label.replace('/', " ")
    }
}

fn is_amount(k: &ColumnKind) -> bool {
    *k == ColumnKind::Amount
}

/// What keys a row.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum CodeKind {
    /// 功能分类科目 (206 / 20607 / 2060701).
    Function,
    /// 经济分类科目 (301 / 30101).
    Economic,
    /// 单位编码 (320 / 320001).
    Unit,
}

/// One table row.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Row {
    /// Subject or unit code, digits only ("2060701"); `None` for label rows.
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_kind: Option<CodeKind>,
    /// Name or label as printed, white space removed ("科学技术支出", "合计").
    pub name: String,
    /// Level in the hierarchy: 0 for total rows (合计/总计), 1 类, 2 款, 3 项; label rows 1.
    pub level: u8,
    /// For two-sided tables: "收入" or "支出".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// 项目单位: the unit a project row belongs to (项目支出表).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_name: Option<String>,
    /// Other printed text cells of the row by header label (支出项目类别, 用途 …).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub attributes: std::collections::BTreeMap<String, String>,
    /// Amounts aligned with the table's columns; `None` is an empty cell.
    pub amounts: Vec<Option<Decimal>>,
    pub page: u32,
    /// Source lines (text dumps): first and last line the row was rebuilt from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines: Option<(u32, u32)>,
}

/// A performance indicator row (绩效指标): 一级 / 二级 / 三级指标, 指标值, 依据.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Indicator {
    /// The goal block the indicator belongs to ("长期目标1", "年度目标2"), as printed.
    pub goal: String,
    pub level1: String,
    pub level2: String,
    pub level3: String,
    /// 指标值 (the target), or 预期当年实现值 where years are printed.
    pub value: String,
    /// Values for earlier years where printed (前年, 上年), in printed order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prior_values: Vec<String>,
    /// 指标值确定依据.
    pub basis: String,
    pub page: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines: Option<(u32, u32)>,
}

/// A coded, non-fatal problem found while reading; it reaches document.json.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Warning {
    /// Stable code, e.g. "table_unparsed", "page_no_text".
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
}

impl Table {
    /// Index of the column with this canonical id.
    pub fn column_index(&self, id: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.id == id)
    }

    /// Number of amounts (non-empty cells) in the table.
    pub fn amount_count(&self) -> usize {
        self.rows
            .iter()
            .map(|r| r.amounts.iter().filter(|a| a.is_some()).count())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_printed_header_separates_its_levels_with_a_space() {
        let column = |label: &str| Column {
            id: "x".into(),
            label: label.into(),
            kind: ColumnKind::Amount,
            section: None,
        };
        assert_eq!(
            column("基本支出/人员经费").printed_header(),
            "基本支出 人员经费"
        );
        assert_eq!(
            column("2026年预算数/年初预算数/小计").printed_header(),
            "2026年预算数 年初预算数 小计"
        );
        assert_eq!(column("合计").printed_header(), "合计");
    }
}
