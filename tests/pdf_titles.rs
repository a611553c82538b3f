//! Title finding end to end on PDFs the project builds: a contents page without a 目录
//! heading gives no (empty) tables, and a labelled title no grammar reads is reported as
//! `table_unknown`, not dropped.

use budget_tables::convert::convert_file;
use budget_tables::grammar::GrammarSet;
use budget_tables::model::Document;
use budget_tables::pdf::fixture::{FontKind, PdfBuilder};

fn convert(bytes: &[u8], name: &str) -> Document {
    let dir = std::env::temp_dir().join(format!("budget-tables-titles-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write fixture");
    convert_file(&path, &GrammarSet::builtin())
        .expect("the fixture converts")
        .document
}

#[test]
fn contents_page_is_no_table_and_unknown_title_is_reported() {
    let mut b = PdfBuilder::new();
    // Page 1: a list of tables in the Shenzhen style, no 目录 heading, no amounts.
    let p1 = b.page();
    b.text(p1, FontKind::Identity, 14.0, 200.0, 550.0, "二、表格部分");
    for (i, t) in [
        "（一）收支总表",
        "（二）收入总表",
        "（三）支出总表",
        "（四）财政拨款收支总表",
    ]
    .iter()
    .enumerate()
    {
        b.text(
            p1,
            FontKind::Identity,
            12.0,
            80.0,
            510.0 - 24.0 * i as f64,
            t,
        );
    }
    // Page 2: a label line, then a title of a kind no shipped grammar reads, then a row.
    let p2 = b.page();
    b.text(p2, FontKind::Identity, 10.0, 40.0, 550.0, "表12");
    b.text(
        p2,
        FontKind::Identity,
        14.0,
        150.0,
        525.0,
        "部门预算资产配置及其他资金预算表",
    );
    b.text(p2, FontKind::Identity, 10.0, 40.0, 490.0, "单位：万元");
    b.text(p2, FontKind::Identity, 10.0, 40.0, 470.0, "合计");
    b.text(p2, FontKind::WinAnsi, 10.0, 400.0, 470.0, "12.50");
    let doc = convert(&b.build(), "titles.pdf");
    assert!(doc.tables.is_empty(), "{:#?}", doc.tables);
    let unknown: Vec<_> = doc
        .warnings
        .iter()
        .filter(|w| w.code == "table_unknown")
        .collect();
    assert_eq!(unknown.len(), 1, "{:#?}", doc.warnings);
    assert!(unknown[0]
        .message
        .contains("部门预算资产配置及其他资金预算表"));
    assert_eq!(unknown[0].page, Some(2));
    // Nothing came from the contents page: no warning names page 1 or its titles.
    assert!(
        doc.warnings
            .iter()
            .all(|w| w.page != Some(1) && !w.message.contains("收入总表")),
        "{:#?}",
        doc.warnings
    );
}
