//! Writes samples/fixture-expenditure-summary.pdf: a two-page 部门支出预算总表 built by the
//! project's own PDF builder (mixed font encodings, a blank cell, a wrapped name, a page break
//! under a repeated header). `cargo run --example make_sample_pdf` regenerates it.

use budget_tables::pdf::fixture::{expenditure_summary_pdf, Grid};

fn main() -> std::io::Result<()> {
    let pdf = expenditure_summary_pdf(
        "示例局",
        &[
            [
                "201",
                "一般公共服务支出",
                "5,955,886.00",
                "1,410,886.00",
                "4,545,000.00",
            ],
            [
                "20113",
                "商贸事务",
                "5,955,886.00",
                "1,410,886.00",
                "4,545,000.00",
            ],
            [
                "2011302",
                "一般行政管理事务",
                "4,545,000.00",
                "",
                "4,545,000.00",
            ],
            [
                "2011305",
                "机关事业单位基本养老保\n险缴费支出",
                "1,410,886.00",
                "1,410,886.00",
                "",
            ],
        ],
        ["", "合计", "5,955,886.00", "1,410,886.00", "4,545,000.00"],
        Grid::ThinFilled,
    );
    std::fs::write("samples/fixture-expenditure-summary.pdf", pdf)
}
