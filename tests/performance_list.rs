//! A 项目支出绩效目标表 printed as a list (one row per project: funds by source, then the
//! 绩效目标 and 绩效指标 as tall wrapped text cells) over 140 pages, the title repeated on
//! every page without a table number: 2026年广州市生态环境局部门预算.pdf of the bulk corpus.
//! Expected figures were read off the PDF (`pdftotext -layout -f N -l N`), not off the
//! program's output.

mod common;

use budget_tables::convert::convert_file;
use budget_tables::grammar::GrammarSet;
use budget_tables::model::Table;
use rust_decimal::Decimal;
use std::str::FromStr;

fn d(s: &str) -> Option<Decimal> {
    Some(Decimal::from_str(s).expect("test decimal"))
}

fn table() -> Option<Table> {
    let dir = common::corpus_dir("a_project_list_over_140_pages_is_one_table")?;
    let bulk = dir.join("bulk/005_广州");
    let path = std::fs::read_dir(&bulk)
        .unwrap_or_else(|e| panic!("{}: {e}", bulk.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.to_string_lossy().contains("69435baec9"))
        .expect("69435baec9__2026年广州市生态环境局部门预算.pdf in bulk/005_广州");
    let doc = convert_file(&path, &GrammarSet::builtin())
        .expect("converts")
        .document;
    let mut list: Vec<Table> = doc
        .tables
        .into_iter()
        .filter(|t| t.kind == "performance_project")
        .collect();
    assert_eq!(list.len(), 1, "one list table, not one per page");
    list.pop()
}

#[test]
fn a_project_list_over_140_pages_is_one_table() {
    let Some(t) = table() else { return };
    assert_eq!((t.first_page, t.last_page), (1, 140));
    let ids: Vec<&str> = t.columns.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "total",
            "fiscal_appropriation",
            "income.special_account",
            "income.other"
        ]
    );
    let row = |name: &str| {
        t.rows
            .iter()
            .find(|r| r.name == name)
            .unwrap_or_else(|| panic!("row {name}"))
    };
    // Page 1: 合计： 37,367.86 | 35,790.09 | (blank) | 1,577.77; 广州市生态环境局 12,887.86.
    assert_eq!(
        row("合计：").amounts,
        [d("37367.86"), d("35790.09"), None, d("1577.77")]
    );
    assert_eq!(
        row("广州市生态环境局").amounts,
        [d("12887.86"), d("12887.86"), None, None]
    );
    // Page 1-2: a project name wrapped over two lines, "…监督检查员经费（越秀区）", 238.00.
    let r = row("广州市镇（街）园区环保监督检查员经费（越秀区）");
    assert_eq!(r.amounts, [d("238.00"), d("238.00"), None, None]);
    assert!(r
        .attributes
        .get("绩效目标")
        .is_some_and(|s| s.starts_with("通过开展")));
    // Page 17: "PM2.5" in the 绩效指标 cell, its "2.5" set apart, is text, not 其他资金.
    let r = row("广州市全运会环境空气质量提升保障方案研究");
    assert_eq!(r.page, 17);
    assert_eq!(r.amounts, [d("154.44"), d("154.44"), None, None]);
    // Page 140, the last row: 机构运行辅助经费 14.00.
    let last = t.rows.last().expect("rows");
    assert_eq!((last.name.as_str(), last.page), ("机构运行辅助经费", 140));
    assert_eq!(last.amounts[0], d("14.00"));
    // 总计 = 财政拨款 + 财政专户拨款 + 其他资金 on every row.
    for r in &t.rows {
        let parts: Decimal = r.amounts[1..].iter().flatten().sum();
        assert_eq!(
            r.amounts[0],
            Some(parts),
            "row {} (page {})",
            r.name,
            r.page
        );
    }
}
