//! A family grammar whose own title is only a piece of a printed title does not read that
//! table when the national vocabulary gives the whole title another kind. 广州's
//! "一般公共预算项目支出情况表（按经济分类科目）" (表7) contains the Hubei project list's title
//! "项目支出情况表", but it is a 一般公共预算 project table coded by economic class
//! ([302]商品和服务支出 over [30205]水费 …): read with the national grammar of that kind, its codes
//! are codes and its rows are checked against their parents. Values read from
//! `pdftotext -layout -f 16 -l 16` of the PDF.

mod common;

use budget_tables::reconcile::{reconcile, RuleSet};

#[test]
fn an_economic_project_table_is_not_read_as_a_project_list() {
    let Some(dir) = common::corpus_dir("an_economic_project_table_is_not_read_as_a_project_list")
    else {
        return;
    };
    // 2026年广州市气象局部门预算.pdf
    let doc = common::bulk_doc(&dir, "005_广州", "232c31967d").document;
    let t = doc
        .tables
        .iter()
        .find(|t| t.number.as_deref() == Some("表7"))
        .expect("表7");
    assert_eq!(t.kind, "general_budget_project_expenditure");
    let row = |code: &str| {
        t.rows
            .iter()
            .find(|r| r.code.as_deref() == Some(code))
            .map(|r| (r.name.as_str(), r.amounts[0].map(|a| a.to_string())))
    };
    assert_eq!(row("302"), Some(("商品和服务支出", Some("1460.03".into()))));
    assert_eq!(row("30205"), Some(("水费", Some("18.50".into()))));
    assert_eq!(row("30206"), Some(("电费", Some("137.00".into()))));
    let total = t.rows.iter().find(|r| r.level == 0).expect("合计");
    assert_eq!(
        total.amounts[0].map(|a| a.to_string()).as_deref(),
        Some("1505.38")
    );
    // Its rows add up to their parents: no finding on this table.
    let r = reconcile(&doc, &RuleSet::builtin());
    assert!(!r
        .findings
        .iter()
        .any(|f| f.cells.iter().any(|c| c.table == "表7")
            && matches!(
                f.severity,
                budget_tables::model::findings::Severity::Mismatch
                    | budget_tables::model::findings::Severity::Missing
            )));
}
