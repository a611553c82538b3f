//! Two-sided summaries (收支总体情况表, 财政拨款收支总体情况表) in plain `pdftotext` dumps of
//! Guangzhou budgets, made at test time from the bulk corpus PDFs. Plain pdftotext prints a
//! row's 收入 amount and the 支出 item beside it on one line ("174,177.85 一、一般公共服务支
//! 出"), that item's own amount on the next line or after a run of later labels, and the
//! totals' amounts after the table's note. Every expected value below was read by a person
//! from `pdftotext -layout` of the same pages (the PDF's own layout), not from the program.
//!
//! Skipped visibly without the corpus or without pdftotext; with CI=true both are failures.

mod common;

use budget_tables::convert::convert_bytes;
use budget_tables::grammar::GrammarSet;
use budget_tables::model::{Document, Table};
use std::path::Path;
use std::process::Command;

/// The plain dump of pages `first..=last` of a bulk PDF, or `None` (with a notice) when
/// pdftotext is not installed.
fn plain_dump(test: &str, pdf: &Path, first: u32, last: u32) -> Option<String> {
    if !common::pdftotext_available(test) {
        return None;
    }
    let out = Command::new("pdftotext")
        .args(["-f", &first.to_string(), "-l", &last.to_string()])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(out.status.success(), "pdftotext {}", pdf.display());
    Some(String::from_utf8(out.stdout).expect("UTF-8 dump"))
}

fn convert(text: &str) -> Document {
    convert_bytes(
        Path::new("dump.txt"),
        text.as_bytes(),
        &GrammarSet::builtin(),
    )
    .expect("the dump converts")
    .document
}

fn table<'d>(doc: &'d Document, kind: &str) -> &'d Table {
    doc.tables
        .iter()
        .find(|t| t.kind == kind)
        .unwrap_or_else(|| {
            panic!(
                "no {kind} table; warnings: {:?}",
                doc.warnings
                    .iter()
                    .map(|w| w.message.as_str())
                    .collect::<Vec<_>>()
            )
        })
}

/// The amount of the row named `name` on side `section` (收入 / 支出), as printed.
fn amount(t: &Table, section: &str, name: &str) -> Option<String> {
    let row = t
        .rows
        .iter()
        .find(|r| r.section.as_deref() == Some(section) && r.name == name)
        .unwrap_or_else(|| panic!("{}: no row {section} {name}", t.title));
    row.amounts.iter().flatten().next().map(|a| a.to_string())
}

/// Each (side, row name, amount) of `want` is the table's.
fn assert_amounts(t: &Table, want: &[(&str, &str, &str)]) {
    for &(section, name, value) in want {
        assert_eq!(
            amount(t, section, name).as_deref(),
            Some(value),
            "{section} {name}"
        );
    }
}

/// 广州市司法局 表1 收支总体情况表 (pages 7-8): 支出 items printed beside the 收入 amounts,
/// four of their amounts printed together after 七、文化旅游体育与传媒支出.
#[test]
fn guangzhou_justice_overview_from_a_plain_dump() {
    let test = "guangzhou_justice_overview_from_a_plain_dump";
    let Some(corpus) = common::corpus_dir(test) else {
        return;
    };
    let pdf = common::bulk_file(&corpus, "005_广州", "015554f21f");
    let Some(text) = plain_dump(test, &pdf, 7, 8) else {
        return;
    };
    let doc = convert(&text);
    let t = table(&doc, "overview");
    let want = [
        ("收入", "一、预算拨款", "174177.85"),
        ("收入", "二、财政专户拨款", "0.00"),
        ("收入", "七、附属单位上缴收入", "0.00"),
        ("收入", "本年收入合计", "174177.85"),
        ("收入", "上年结转结余", "0.00"),
        ("收入", "收入总计", "174177.85"),
        ("支出", "一、一般公共服务支出", "1075.58"),
        ("支出", "二、外交支出", "0.00"),
        ("支出", "三、国防支出", "0.00"),
        ("支出", "四、公共安全支出", "103761.37"),
        ("支出", "五、教育支出", "0.00"),
        ("支出", "六、科学技术支出", "3538.72"),
        ("支出", "七、文化旅游体育与传媒支出", "0.00"),
        ("支出", "八、社会保障和就业支出", "21380.99"),
        ("支出", "九、卫生健康支出", "1172.57"),
        ("支出", "十九、住房保障支出", "43248.62"),
        ("支出", "二十八、转移性支出", "0.00"),
        ("支出", "本年支出合计", "174177.85"),
        ("支出", "结转结余下年", "0.00"),
        ("支出", "支出总计", "174177.85"),
    ];
    assert_amounts(t, &want);
    // Seven 收入 items and 28 支出 items, each side's three totals and carry-overs.
    assert_eq!(t.rows.len(), 7 + 28 + 6);
}

/// 广州市气象局 表1 (pages 5-6): its 支出 items add up to 7,651.72 against the printed
/// 本年支出合计 7,651.71 (rounding), the note's second sentence ("本套报表金额单位转换时可能
/// 存在尾数误差。") is printed before the totals' last amounts, and the carry-over into next
/// year is 结转结余下年. 表4 财政拨款收支总体情况表 (pages 10-11) names its 收入 items
/// 一、一般公共预算 … and numbers its carry-over "二十七、结转下年".
#[test]
fn guangzhou_meteorology_overviews_from_a_plain_dump() {
    let test = "guangzhou_meteorology_overviews_from_a_plain_dump";
    let Some(corpus) = common::corpus_dir(test) else {
        return;
    };
    let pdf = common::bulk_file(&corpus, "005_广州", "232c31967d");
    let Some(text) = plain_dump(test, &pdf, 5, 6) else {
        return;
    };
    let doc = convert(&text);
    let t = table(&doc, "overview");
    let want = [
        ("收入", "一、预算拨款", "7651.71"),
        ("收入", "本年收入合计", "7651.71"),
        ("收入", "上年结转结余", "0.00"),
        ("收入", "收入总计", "7651.71"),
        ("支出", "六、科学技术支出", "53.44"),
        ("支出", "八、社会保障和就业支出", "768.66"),
        ("支出", "九、卫生健康支出", "6.71"),
        ("支出", "十八、自然资源海洋气象等支出", "5111.87"),
        ("支出", "十九、住房保障支出", "1711.04"),
        ("支出", "本年支出合计", "7651.71"),
        ("支出", "结转结余下年", "0.00"),
        ("支出", "支出总计", "7651.71"),
    ];
    assert_amounts(t, &want);
    assert!(
        t.note.as_deref().is_some_and(|n| n.contains("尾数误差")),
        "the note keeps its second sentence: {:?}",
        t.note
    );
    let Some(text) = plain_dump(test, &pdf, 10, 11) else {
        return;
    };
    let doc = convert(&text);
    let t = table(&doc, "fiscal_overview");
    let want = [
        ("收入", "一、一般公共预算", "7651.71"),
        ("收入", "二、政府性基金预算", "0.00"),
        ("收入", "三、国有资本经营预算", "0.00"),
        ("收入", "本年收入合计", "7651.71"),
        ("收入", "收入总计", "7651.71"),
        ("支出", "十八、自然资源海洋气象等支出", "5111.87"),
        ("支出", "二十六、转移性支出", "0.00"),
        ("支出", "本年支出合计", "7651.71"),
        ("支出", "二十七、结转下年", "0.00"),
        ("支出", "支出总计", "7651.71"),
    ];
    assert_amounts(t, &want);
}

/// 广州市气象局 表3 本年支出总体情况表 (pages 8-9): plain pdftotext prints the column labels
/// one per line after the first row's code and name ("206", "科学技术支出", "合计", "基本支出",
/// "项目支出", "事业单位经营支出", "对附属单位补助支", "出", "上缴上级支出"). They are the header,
/// not rows, and they give the columns' order, which differs from the national grammar's
/// (事业单位经营支出 and 对附属单位补助支出 before 上缴上级支出, as `pdftotext -layout` of page 8
/// shows). Page 8's rows are printed column by column and stay reported; page 9's are read.
#[test]
fn guangzhou_meteorology_expenditure_summary_header_among_rows() {
    let test = "guangzhou_meteorology_expenditure_summary_header_among_rows";
    let Some(corpus) = common::corpus_dir(test) else {
        return;
    };
    let pdf = common::bulk_file(&corpus, "005_广州", "232c31967d");
    let Some(text) = plain_dump(test, &pdf, 8, 9) else {
        return;
    };
    let doc = convert(&text);
    let t = table(&doc, "expenditure_summary");
    let ids: Vec<&str> = t.columns.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "total",
            "basic_expenditure",
            "project_expenditure",
            "business_operation_expenditure",
            "subsidy_to_affiliated",
            "payment_to_superior"
        ]
    );
    let row = |code: &str| {
        t.rows
            .iter()
            .find(|r| r.code.as_deref() == Some(code))
            .map(|r| {
                r.amounts
                    .iter()
                    .map(|a| a.map(|a| a.to_string()).unwrap_or_default())
                    .collect::<Vec<_>>()
            })
    };
    let want = |v: [&str; 6]| Some(v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    assert_eq!(
        row("221"),
        want(["1711.04", "1711.04", "0.00", "0.00", "0.00", "0.00"])
    );
    assert_eq!(
        row("2210201"),
        want(["453.68", "453.68", "0.00", "0.00", "0.00", "0.00"])
    );
    assert_eq!(
        row("2210203"),
        want(["1257.35", "1257.35", "0.00", "0.00", "0.00", "0.00"])
    );
    assert!(
        t.rows.iter().all(|r| !r.name.contains("基本支出")),
        "a header label read as a row: {:?}",
        t.rows.iter().map(|r| &r.name).collect::<Vec<_>>()
    );
    assert!(
        doc.warnings
            .iter()
            .any(|w| w.code == "table_page_unparsed" && w.page == Some(1)),
        "page 8 (column by column; the dump's first page) is reported"
    );
}
