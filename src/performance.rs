//! Performance-target tables (整体支出绩效目标表, 项目支出绩效目标表): amount blocks as rows,
//! indicators (一级 / 二级 / 三级指标, 指标值, 依据) as [`Indicator`]s.

use crate::assemble::RawTable;
use crate::error::TableError;
use crate::grammar::Grammar;
use crate::model::Table;

/// Rebuilds a performance-target table.
pub fn assemble(raw: &RawTable, _g: &Grammar) -> Result<Table, TableError> {
    Err(TableError {
        table: raw.display_name(),
        line: raw.line.unwrap_or(0),
        page: raw.first_page,
        message: "performance tables are not rebuilt yet".into(),
    })
}
