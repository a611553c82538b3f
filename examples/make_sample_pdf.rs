//! Writes samples/fixture-expenditure-summary.pdf: a two-page 部门支出预算总表 built by the
//! project's own PDF builder (mixed font encodings, a blank cell, a wrapped name, a page break
//! under a repeated header). `cargo run --example make_sample_pdf` regenerates it.

use budget_tables::pdf::fixture::{FontKind, Grid, PdfBuilder, Table};

const HEADER: [&str; 5] = ["科目编码", "科目名称", "合计", "基本支出", "项目支出"];

fn table<'a>(top: f64, rows: Vec<Vec<&'a str>>) -> Table<'a> {
    Table {
        x: 40.0,
        top,
        cols: vec![80.0, 200.0, 110.0, 110.0, 110.0],
        row_height: 20.0,
        size: 10.0,
        fonts: vec![
            FontKind::WinAnsi,
            FontKind::Gbk,
            FontKind::WinAnsi,
            FontKind::Identity,
            FontKind::Ucs2,
        ],
        header: 1,
        rows,
        grid: Grid::ThinFilled,
    }
}

fn main() -> std::io::Result<()> {
    let mut b = PdfBuilder::new();
    let p1 = b.page();
    b.text(
        p1,
        FontKind::Identity,
        16.0,
        300.0,
        560.0,
        "2025年部门支出预算总表",
    );
    b.text(
        p1,
        FontKind::Identity,
        10.0,
        40.0,
        535.0,
        "编制部门：示例局",
    );
    b.text(p1, FontKind::Identity, 10.0, 700.0, 535.0, "单位：元");
    b.table(
        p1,
        &table(
            520.0,
            vec![
                HEADER.to_vec(),
                vec![
                    "201",
                    "一般公共服务支出",
                    "5,955,886.00",
                    "1,410,886.00",
                    "4,545,000.00",
                ],
                vec![
                    "20113",
                    "商贸事务",
                    "5,955,886.00",
                    "1,410,886.00",
                    "4,545,000.00",
                ],
                vec![
                    "2011302",
                    "一般行政管理事务",
                    "4,545,000.00",
                    "",
                    "4,545,000.00",
                ],
                vec![
                    "2011305",
                    "机关事业单位基本养老保\n险缴费支出",
                    "1,410,886.00",
                    "1,410,886.00",
                    "",
                ],
            ],
        ),
    );
    let p2 = b.page();
    b.table(
        p2,
        &table(
            560.0,
            vec![
                HEADER.to_vec(),
                vec!["", "合计", "5,955,886.00", "1,410,886.00", "4,545,000.00"],
            ],
        ),
    );
    std::fs::write("samples/fixture-expenditure-summary.pdf", b.build())
}
