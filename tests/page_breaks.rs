//! A row whose cells wrap over a page break. 杭州市公安局's 表2 收入预算总表 prints, at the foot
//! of page 21, "杭州市机动  14,549.64  14,549.64  …  12,437.3  …  2,112.28" and at the head of
//! page 22 "车驾驶员考试  …  6" over "服务中心" (`pdftotext -layout -f 21 -l 22`): one row,
//! 杭州市机动车驾驶员考试服务中心, whose 事业收入 is 12,437.36 (14,549.64 = 12,437.36 +
//! 2,112.28). It used to give a row "车驾驶员考试服务中心" with 6 as its only figure and a
//! `missing` finding on its empty total.

mod common;

use budget_tables::model::findings::Severity;
use budget_tables::reconcile::{reconcile, RuleSet};

#[test]
fn an_amount_wrapped_over_a_page_break_ends_the_row_above() {
    let Some(dir) = common::corpus_dir("an_amount_wrapped_over_a_page_break_ends_the_row_above")
    else {
        return;
    };
    // 2026年杭州市公安局部门预算.pdf
    let doc = common::bulk_doc(&dir, "008_杭州", "c0afe4e6bf").document;
    let t = doc
        .tables
        .iter()
        .find(|t| t.kind == "income_summary")
        .expect("表2");
    let business = t.column_index("income.business").expect("事业收入");
    let row = t
        .rows
        .iter()
        .find(|r| r.name == "杭州市机动车驾驶员考试服务中心")
        .expect("the row, its name joined over the page break");
    assert_eq!(
        row.amounts[0].map(|a| a.to_string()).as_deref(),
        Some("14549.64")
    );
    assert_eq!(
        row.amounts[business].map(|a| a.to_string()).as_deref(),
        Some("12437.36")
    );
    assert!(!t.rows.iter().any(|r| r.name == "车驾驶员考试服务中心"));
    let r = reconcile(&doc, &RuleSet::builtin());
    assert!(!r
        .findings
        .iter()
        .any(|f| f.rule == "identity.income_summary.total"
            && matches!(f.severity, Severity::Missing | Severity::Mismatch)));
}
