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

/// The national rules compare the summary with the other tables: its 类 lines with the 部门支出总表's
/// 类 rows. Hangzhou 交通运输局's 一般公共服务支出 (6,651.38 on page 22) against 表3's 6,701.98
/// (page 26, `pdftotext -layout`) is the same document error seen from the other table.
#[test]
fn the_summarys_class_lines_are_checked_against_the_expenditure_table() {
    let Some(dir) =
        common::corpus_dir("the_summarys_class_lines_are_checked_against_the_expenditure_table")
    else {
        return;
    };
    let doc = common::bulk_doc(&dir, "008_杭州", "e488d33151").document;
    let r = reconcile(&doc, &RuleSet::builtin());
    let cross: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.rule == "cross.overview_classes" && f.severity == Severity::Mismatch)
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(cross.len(), 1, "{cross:?}");
    assert!(cross[0].contains("一般公共服务支出") && cross[0].contains("6701.98"));
}

/// 福州市民政局 prints its grand totals as 收入合计 / 支出合计 under 本年收入合计 2,219.92 (page
/// 12, `pdftotext -layout`): 2,249.92 on both sides, and its 收入预算总表 合计 is 2,249.92 (page
/// 13). A wrong income
/// table total is caught against the summary's grand total, whichever name it prints.
#[test]
fn the_income_tables_total_is_checked_against_the_grand_total() {
    let Some(dir) =
        common::corpus_dir("the_income_tables_total_is_checked_against_the_grand_total")
    else {
        return;
    };
    let mut doc = common::bulk_doc(&dir, "017_福州", "968213e4b8").document;
    let rules = RuleSet::builtin();
    let before = reconcile(&doc, &rules);
    assert!(
        !before
            .findings
            .iter()
            .any(|f| f.rule == "cross.income_total" || f.rule == "balance.overview"),
        "the document agrees with itself"
    );
    let income = doc
        .tables
        .iter_mut()
        .find(|t| t.kind == "income_summary")
        .expect("an income table");
    let total = income.rows.iter_mut().find(|r| r.level == 0).expect("合计");
    assert_eq!(
        total.amounts[0].map(|a| a.to_string()).as_deref(),
        Some("2249.92")
    );
    total.amounts[0] = Some("2250.92".parse().expect("decimal"));
    let after = reconcile(&doc, &rules);
    assert!(after
        .findings
        .iter()
        .any(|f| f.rule == "cross.income_total" && f.severity == Severity::Mismatch));
}
