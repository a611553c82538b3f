//! A `pdftotext -layout` dump whose name cell is centred on its code line, wrapped above and
//! below it ("国有土地使用权出让收入安排的" / "21208 … 10.00" / "支出"): the line halfway
//! between two rows goes to the row printed without a name on its own line, not to the row
//! above (which made "城乡社区支出国有土地使用权出让收入安排的" and a false mismatch in the
//! 财政拨款收支总表 check on a Shenzhen budget). The dump is written here by hand after that
//! budget's 表10, so every expected value is read from it.

use budget_tables::convert::convert_bytes;
use budget_tables::grammar::GrammarSet;
use std::path::Path;

fn dump() -> String {
    [
        "2026年某市某局部门预算",
        "",
        "表 10",
        "",
        "                                                 政府性基金预算支出表",
        "部门名称：某市某局                                                                                            单位：万元",
        "",
        "",
        "            预算单位                     科目编码         科目名称          支出总计           基本支出          项目支出",
        "",
        "",
        "某市某局                                                                               10.00          0.00          10.00",
        "",
        "                           212              城乡社区支出                     10.00          0.00          10.00",
        "                                            国有土地使用权出让收入安排的",
        "                           21208                                       10.00          0.00          10.00",
        "                                            支出",
        "                           2120806          土地出让业务支出                   10.00          0.00          10.00",
        "",
    ]
    .join("\n")
}

#[test]
fn a_name_wrapped_around_its_code_line_stays_with_its_row() {
    let text = dump();
    let c = convert_bytes(
        Path::new("wrapped-around.txt"),
        text.as_bytes(),
        &GrammarSet::builtin(),
    )
    .expect("converts");
    let t = c
        .document
        .tables
        .iter()
        .find(|t| t.kind == "government_fund_expenditure")
        .expect("表10 read");
    let names: Vec<(Option<&str>, &str)> = t
        .rows
        .iter()
        .map(|r| (r.code.as_deref(), r.name.as_str()))
        .collect();
    assert!(names.contains(&(Some("212"), "城乡社区支出")), "{names:?}");
    assert!(
        names.contains(&(Some("21208"), "国有土地使用权出让收入安排的支出")),
        "{names:?}"
    );
    assert!(
        names.contains(&(Some("2120806"), "土地出让业务支出")),
        "{names:?}"
    );
}
