//! The 收支总表 read with the national grammar is checked as an outline, per side: a 类 line
//! against its 款 lines, 本年支出合计 against the 类 lines. Hangzhou's 交通运输局 prints
//! 一般公共服务支出 6,651.38 over 社会工作事务 1.98 and 其他一般公共服务支出 6,700.00 (page 22,
//! `pdftotext -layout`): 6,701.98, 50.60 more, the same gap as its 本年支出合计 665,964.37
//! against the 类 lines. A document error, found only since the national rules check this table.

mod common;

use budget_tables::model::findings::Severity;
use budget_tables::reconcile::{reconcile, RuleSet};

#[test]
fn a_class_line_that_misses_its_parts_in_the_summary_is_found() {
    let Some(dir) =
        common::corpus_dir("a_class_line_that_misses_its_parts_in_the_summary_is_found")
    else {
        return;
    };
    // 2026年杭州市交通运输局部门预算.pdf
    let doc = common::bulk_doc(&dir, "008_杭州", "e488d33151").document;
    let r = reconcile(&doc, &RuleSet::builtin());
    let outline: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Mismatch && f.rule.starts_with("hierarchy."))
        .filter(|f| f.cells.iter().any(|c| c.table_kind == "overview"))
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(outline.len(), 2, "{outline:?}");
    assert!(outline
        .iter()
        .any(|m| m.contains("一般公共服务支出") && m.contains("6651.38") && m.contains("6701.98")));
    assert!(outline
        .iter()
        .any(|m| m.contains("本年支出合计") && m.contains("665964.37")));
}
