//! A plain dump whose table runs over two pages, the second of which cannot be paired (its
//! last row prints two amounts under three columns): the table keeps the first page's rows,
//! the lost page is reported, and a total that misses rows of the lost page is not blamed on
//! the document. The dump is written here by hand, so every expected value is read from it.

use budget_tables::convert::{convert_bytes, TABLE_PAGE_UNPARSED};
use budget_tables::grammar::GrammarSet;
use budget_tables::model::findings::Severity;
use budget_tables::reconcile::{reconcile_converted, rules::RuleSet};
use std::path::Path;

fn dump() -> String {
    let page1 = [
        "2026年某市某局部门预算",
        "表5",
        "一般公共预算支出表",
        "单位：万元",
        "科目编码",
        "科目名称",
        "合计",
        "基本支出",
        "项目支出",
        "30.00",
        "20.00",
        "10.00",
        "201",
        "一般公共服务支出",
        "30.00",
        "20.00",
        "10.00",
        "20101",
        "人大事务",
        "12.00",
        "12.00",
        "0.00",
        "2010101",
        "行政运行",
        "12.00",
        "12.00",
        "0.00",
        "20103",
        "政府办公厅（室）及相关机构事务",
        "18.00",
        "8.00",
        "10.00",
        "2010301",
        "行政运行",
        "8.00",
        "8.00",
        "0.00",
    ];
    let page2 = [
        "表5",
        "一般公共预算支出表",
        "单位：万元",
        "科目编码",
        "科目名称",
        "合计",
        "基本支出",
        "项目支出",
        "2010302",
        "一般行政管理事务",
        "10.00",
        "0.00",
        "10.00",
        "2010303",
        "机关服务",
        "5.00",
        "5.00",
    ];
    format!("{}\n\x0c{}\n\x0c", page1.join("\n\n"), page2.join("\n\n"))
}

#[test]
fn a_page_that_cannot_be_paired_loses_its_rows_not_the_table() {
    let text = dump();
    let c = convert_bytes(
        Path::new("two-pages.txt"),
        text.as_bytes(),
        &GrammarSet::builtin(),
    )
    .expect("converts");
    let doc = &c.document;
    assert_eq!(doc.tables.len(), 1, "{:#?}", doc.warnings);
    let t = &doc.tables[0];
    let rows: Vec<(Option<String>, Option<String>)> = t
        .rows
        .iter()
        .map(|r| (r.code.clone(), r.amounts[0].map(|v| v.to_string())))
        .collect();
    let row = |c: Option<&str>, a: &str| (c.map(String::from), Some(a.to_string()));
    assert_eq!(
        rows,
        [
            row(None, "30.00"),
            row(Some("201"), "30.00"),
            row(Some("20101"), "12.00"),
            row(Some("2010101"), "12.00"),
            row(Some("20103"), "18.00"),
            row(Some("2010301"), "8.00"),
        ]
    );
    let lost: Vec<_> = doc
        .warnings
        .iter()
        .filter(|w| w.code == TABLE_PAGE_UNPARSED)
        .collect();
    assert_eq!(lost.len(), 1, "{:#?}", doc.warnings);
    assert_eq!(lost[0].page, Some(2));
    assert_eq!(lost[0].table.as_deref(), Some("表5 一般公共预算支出表"));

    // 20103 prints 18.00 and only 2010301 (8.00) of its children is kept: not a mismatch of
    // the document, but a total left unchecked for the lost page.
    let rec = reconcile_converted(&c, &RuleSet::builtin());
    assert_eq!(rec.counts.mismatch, 0, "{:#?}", rec.findings);
    let unchecked = rec
        .findings
        .iter()
        .find(|f| f.message.contains("20103") && f.message.contains("18.00"))
        .expect("the 20103 sum is reported");
    assert_eq!(unchecked.severity, Severity::Unparsed);
    assert!(
        unchecked.message.contains("page(s) 2"),
        "{}",
        unchecked.message
    );
    assert!(rec
        .findings
        .iter()
        .any(|f| f.rule == "unparsed.page" && f.severity == Severity::Unparsed));
}
