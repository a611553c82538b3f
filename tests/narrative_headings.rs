//! The narrative's figures are checked against the tables its headings name: "（三）支出预算
//! 情况说明（详见表1-3）" lists every fund's spending (表3), "（四）…（详见表4）" the
//! 财政拨款 spending, so the same 类 name means a different figure in each; and under "（五）
//! 项目支出 …，具体包括：" the numbered items are the project list's categories, not the function
//! subjects of the same name. Before, both were tied to the first row of that name anywhere and
//! reported as the document's mismatches. Bulk corpus documents; figures read off the PDFs
//! with `pdftotext -layout`.

mod common;

use budget_tables::model::findings::Severity;
use budget_tables::reconcile::{reconcile_converted, Reconciliation, RuleSet};
use std::path::Path;

/// A bulk document converted and reconciled with its narrative, as `convert` does.
fn reconciled(dir: &Path, folder: &str, id: &str) -> Reconciliation {
    reconcile_converted(&common::bulk_doc(dir, folder, id), &RuleSet::builtin())
}

fn narrative_mismatches(r: &Reconciliation) -> Vec<String> {
    r.findings
        .iter()
        .filter(|f| f.severity == Severity::Mismatch && f.rule == "narrative.amount")
        .map(|f| f.message.clone())
        .collect()
}

#[test]
fn a_heading_that_names_its_tables_ties_its_figures_to_them() {
    let Some(dir) = common::corpus_dir("a_heading_that_names_its_tables_ties_its_figures_to_them")
    else {
        return;
    };
    // 2026年杭州市交通运输局部门预算.pdf page 5: under "（三）支出预算情况说明（详见表1-3）",
    // 教育支出 24,310.26 万元 (表3, all funds); page 6, under "（四）…（详见表4）", 教育支出
    // 22,262.08 万元 (表4, 财政拨款). Both agree with their tables.
    let r = reconciled(&dir, "008_杭州", "e488d33151");
    let m = narrative_mismatches(&r);
    assert!(
        !m.iter()
            .any(|s| s.contains("教育支出") || s.contains("城乡社区支出")),
        "{m:?}"
    );
}

#[test]
fn numbered_items_under_project_expenditure_are_the_project_lists() {
    let Some(dir) =
        common::corpus_dir("numbered_items_under_project_expenditure_are_the_project_lists")
    else {
        return;
    };
    // 2026年深圳市退役军人事务局部门预算.pdf page 9: under "（五）项目支出 52,660.55 万元", "2.退役
    // 安置 170.68 万元" is the 项目支出表's 退役安置 (170.68), not the function 款 退役安置
    // (48,521.97 in the 一般公共预算支出表).
    let r = reconciled(&dir, "003_深圳", "c9051f274e");
    let m = narrative_mismatches(&r);
    assert!(!m.iter().any(|s| s.contains("退役安置")), "{m:?}");
    let tied = r.narrative.as_ref().map_or(0, |n| n.tied);
    assert!(tied >= 4, "{tied} statements tied");
    // 2026年深圳市统计局部门预算.pdf pages 7-8: 1.统计管理 352.27, 3.专项普查活动 110.00, 4.专项统计
    // 业务 844.03 万元, as the 项目支出表 (page 24) prints them.
    let r = reconciled(&dir, "003_深圳", "1269469c03");
    assert!(
        narrative_mismatches(&r).is_empty(),
        "{:?}",
        narrative_mismatches(&r)
    );
}

#[test]
fn a_share_is_of_an_amount_under_the_same_heading() {
    let Some(dir) = common::corpus_dir("a_share_is_of_an_amount_under_the_same_heading") else {
        return;
    };
    // 2026年杭州市公安局部门预算.pdf page 12, under "（八）政府性基金预算支出情况说明（详见表
    // 8）": "城乡社区（类）支出 7,600.00 万元，占 100.0%" is a share of the 政府性基金 当年拨款
    // (7,600.00), not of the 一般公共预算基本支出 (293,191.86) named under "（六）…（详见表6）".
    // No amount of its heading says 其中, so the share is reported unchecked, not as a mismatch.
    let r = reconciled(&dir, "008_杭州", "c0afe4e6bf");
    let shares: Vec<(Severity, &str)> = r
        .findings
        .iter()
        .filter(|f| f.rule == "narrative.share" && f.message.contains("城乡社区（类）支出"))
        .map(|f| (f.severity, f.message.as_str()))
        .collect();
    assert!(
        shares.iter().all(|(s, _)| *s == Severity::Unparsed),
        "{shares:?}"
    );
}
