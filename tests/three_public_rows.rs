//! "三公" tables printed as rows: their outline numbering gives the rows' levels, and each row is
//! checked against the rows one level deeper (Guangzhou's 行政经费及“三公”经费预算表, Fuzhou's
//! 三公 table with its 合计 first); a multi-unit 三公 table whose 合计 is printed first is
//! checked against its units (Hangzhou's 表7, where the document's own figures disagree).
//! Documents of the bulk corpus; figures read off the PDFs with `pdftotext -layout`.

mod common;

use budget_tables::model::findings::Severity;
use budget_tables::model::{Document, Table};
use budget_tables::reconcile::{reconcile, Reconciliation, RuleSet};
use common::bulk_doc;

fn three_public(doc: &Document) -> &Table {
    doc.tables
        .iter()
        .find(|t| t.kind == "three_public_expenses")
        .expect("三公 table")
}

/// Findings of the 三公 table's outline checks (hierarchy.*), by severity.
fn outline_findings(r: &Reconciliation, severity: Severity) -> Vec<String> {
    r.findings
        .iter()
        .filter(|f| f.severity == severity && f.rule.starts_with("hierarchy."))
        .filter(|f| {
            f.cells
                .iter()
                .any(|c| c.table_kind == "three_public_expenses")
        })
        .map(|f| f.message.clone())
        .collect()
}

#[test]
fn fuzhou_three_public_rows_nest_under_their_total() {
    let Some(dir) = common::corpus_dir("fuzhou_three_public_rows_nest_under_their_total") else {
        return;
    };
    // 2026年福州市商务局部门预算.pdf page 24: 合计 84.10; 1、因公出国（境）费用 70.00;
    // 2、公务接待费 6.10; 3、公务用车购置及运行费 8.00; 其中：（1）公务用车购置费 0.00;
    // （2）公务用车运行费 8.00. 84.10 = 70.00 + 6.10 + 8.00 and 8.00 = 0.00 + 8.00.
    let doc = bulk_doc(&dir, "017_福州", "17f2ee926e").document;
    let t = three_public(&doc);
    let got: Vec<(u8, &str)> = t.rows.iter().map(|r| (r.level, r.name.as_str())).collect();
    assert_eq!(
        got,
        [
            (0, "合计"),
            (1, "1、因公出国（境）费用"),
            (1, "2、公务接待费"),
            (1, "3、公务用车购置及运行费"),
            (2, "其中：（1）公务用车购置费"),
            (2, "（2）公务用车运行费"),
        ]
    );
    let r = reconcile(&doc, &RuleSet::builtin());
    assert!(outline_findings(&r, Severity::Mismatch).is_empty());
    // Two checks, both exact: none of them is even a rounding note.
    assert!(outline_findings(&r, Severity::Rounding).is_empty());
}

#[test]
fn guangzhou_three_public_parts_are_checked_in_every_column() {
    let Some(dir) = common::corpus_dir("guangzhou_three_public_parts_are_checked_in_every_column")
    else {
        return;
    };
    // 2026年广州市应急管理局部门预算.pdf page 18: “三公”经费 51.75 = （一）0.00 + （二）44.75 +
    // （三）7.00, and （二）44.75 = 1.公务用车购置费 0.00 + 2.公务用车运行维护费 44.75.
    let doc = bulk_doc(&dir, "005_广州", "9a1eb357ba").document;
    let t = three_public(&doc);
    let level = |name: &str| {
        t.rows
            .iter()
            .find(|r| r.name == name)
            .map(|r| r.level)
            .unwrap_or_else(|| panic!("row {name}"))
    };
    assert_eq!(level("“三公”经费"), 1);
    assert_eq!(level("其中：（一）因公出国（境）支出"), 2);
    assert_eq!(level("1.公务用车购置费"), 3);
    let r = reconcile(&doc, &RuleSet::builtin());
    assert!(outline_findings(&r, Severity::Mismatch).is_empty());
}

#[test]
fn a_unit_missing_from_a_three_public_table_is_a_mismatch() {
    let Some(dir) = common::corpus_dir("a_unit_missing_from_a_three_public_table_is_a_mismatch")
    else {
        return;
    };
    // 2026年杭州市公安局部门预算.pdf, 表7 (page 29): 合计 “三公”经费合计 4,112.82, but its nine
    // units add up to 3,968.82 (887.56 + 1,960.35 + 534.40 + 140.04 + 140.94 + 127.50 + 11.07
    // + 42.72 + 124.24), 144.00 short, and so are 小计 (4,011.89) and 运行维护费 (2,987.20).
    let doc = bulk_doc(&dir, "008_杭州", "c0afe4e6bf").document;
    let r = reconcile(&doc, &RuleSet::builtin());
    let m = outline_findings(&r, Severity::Mismatch);
    assert_eq!(m.len(), 3, "{m:?}");
    assert!(
        m.iter()
            .any(|s| s.contains("printed 4112.82") && s.contains("3968.82")),
        "{m:?}"
    );
}
