//! Reconciliation of the Hubei sample (hubei-wuchang-kexie-2025-budget.txt), with tables
//! built in code from figures read in the sample text (line numbers cited), and mutation
//! tests that change digits and swap amounts.

use super::*;
use crate::model::{ColumnKind, Document, Row, Table};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::str::FromStr;

const FAMILY: &str = "hubei-district-budget";

/// Rows are built through serde so that fields added later with `#[serde(default)]` keep this
/// code compiling.
fn row(
    code: Option<&str>,
    name: &str,
    level: u8,
    section: Option<&str>,
    amounts: &[&str],
    line: u32,
) -> Row {
    let kind = code.map(|c| {
        if c.starts_with("30") && c.len() <= 5 {
            "economic"
        } else if c.starts_with("320") {
            "unit"
        } else {
            "function"
        }
    });
    let amounts: Vec<Option<String>> = amounts
        .iter()
        .map(|a| (!a.is_empty()).then(|| a.to_string()))
        .collect();
    serde_json::from_value(json!({
        "code": code, "code_kind": kind, "name": name, "level": level, "section": section,
        "amounts": amounts, "page": 0, "lines": [line, line],
    }))
    .expect("test row")
}

fn coded(code: &str, name: &str, amounts: &[&str], line: u32) -> Row {
    let level = match code.len() {
        3 => 1,
        5 | 6 => 2,
        _ => 3,
    };
    row(Some(code), name, level, None, amounts, line)
}

fn total(name: &str, amounts: &[&str], line: u32) -> Row {
    row(None, name, 0, None, amounts, line)
}

fn side(section: &str, name: &str, level: u8, amount: &str, line: u32) -> Row {
    let amounts = if section == "收入" {
        [amount, ""]
    } else {
        ["", amount]
    };
    row(None, name, level, Some(section), &amounts, line)
}

fn table(
    number: &str,
    kind: &str,
    grammar: &str,
    columns: &[(&str, &str)],
    rows: Vec<Row>,
) -> Table {
    let columns: Vec<serde_json::Value> = columns
        .iter()
        .map(|(id, label)| {
            let mut c = json!({"id": id, "label": label});
            if id.ends_with("share") {
                c["kind"] = json!("percent");
            }
            if id.starts_with("income.") {
                c["section"] = json!("收入");
            }
            if id.starts_with("expenditure.") {
                c["section"] = json!("支出");
            }
            c
        })
        .collect();
    let line = rows.first().and_then(|r| r.lines).map_or(0, |l| l.0);
    serde_json::from_value(json!({
        "number": number, "title": number, "kind": kind,
        "grammar": format!("{FAMILY}/{grammar}"), "unit": "万元", "columns": columns,
        "rows": rows, "empty": false, "first_page": 0, "last_page": 0, "line": line,
    }))
    .expect("test table")
}

const TWO_SIDED: &[(&str, &str)] = &[
    ("income.budget", "收入/预算数"),
    ("expenditure.budget", "支出/预算数"),
];
const SUMMARY: &[(&str, &str)] = &[
    ("total", "合计"),
    ("basic_expenditure", "基本支出"),
    ("project_expenditure", "项目支出"),
];
const GENERAL: &[(&str, &str)] = &[
    ("total", "合计"),
    ("basic_expenditure", "基本支出/小计"),
    ("basic_expenditure.personnel", "基本支出/人员经费"),
    ("basic_expenditure.public", "基本支出/公用经费"),
    ("project_expenditure", "项目支出"),
];

/// 表1 部门收支总表, lines 75-142.
fn table1() -> Table {
    let mut rows = vec![
        side("收入", "一、一般公共预算拨款收入", 1, "707.83", 79),
        side("收入", "二、政府性基金预算拨款收入", 1, "0.00", 81),
        side("收入", "三、国有资本经营预算拨款收入", 1, "0.00", 83),
        side("收入", "四、财政专户管理资金收入", 1, "0.00", 85),
        side("收入", "五、事业收入", 1, "0.00", 87),
        side("收入", "六、事业单位经营收入", 1, "0.00", 89),
        side("收入", "七、上级补助收入", 1, "0.00", 91),
        side("收入", "八、附属单位上缴收入", 1, "0.00", 93),
        side("收入", "九、其他收入", 1, "0.00", 95),
        side("收入", "本年收入合计", 0, "707.83", 138),
        side("收入", "上年结转结余", 1, "0.00", 140),
        side("收入", "收入总计", 0, "707.83", 142),
    ];
    let spending = [
        ("一、一般公共服务支出", "0.00", 79),
        ("二、国防支出", "0.00", 81),
        ("三、公共安全支出", "0.00", 83),
        ("四、教育支出", "0.00", 85),
        ("五、科学技术支出", "635.68", 87),
        ("六、文化旅游体育与传媒支出", "0.00", 89),
        ("七、社会保障和就业支出", "16.63", 91),
        ("八、卫生健康支出", "32.28", 93),
        ("九、节能环保支出", "0.00", 95),
        ("十、城乡社区支出", "0.00", 97),
        ("十一、农林水支出", "0.00", 99),
        ("十二、交通运输支出", "0.00", 101),
        ("十三、资源勘探工业信息等支出", "0.00", 103),
        ("十四、商业服务业等支出", "0.00", 108),
        ("十五、金融支出", "0.00", 110),
        ("十六、援助其他地区支出", "0.00", 112),
        ("十七、自然资源海洋气象等支出", "0.00", 114),
        ("十八、住房保障支出", "23.24", 119),
        ("十九、粮油物资储备支出", "0.00", 121),
        ("二十、国有资本经营预算支出", "0.00", 123),
        ("廿一、灾害防治及应急管理支出", "0.00", 125),
        ("廿二、其他支出", "0.00", 130),
        ("廿三、债务还本支出", "0.00", 132),
        ("廿四、债务付息支出", "0.00", 134),
        ("廿五、债务发行费用支出", "0.00", 136),
    ];
    for (name, v, line) in spending {
        rows.push(side("支出", name, 1, v, line));
    }
    rows.push(side("支出", "本年支出合计", 0, "707.83", 138));
    rows.push(side("支出", "年终结转结余", 1, "0.00", 140));
    rows.push(side("支出", "支出总计", 0, "707.83", 142));
    table("表1", "overview", "01-overview.toml", TWO_SIDED, rows)
}

/// 表2 部门收入总表, lines 301-454 (values split across lines: "707\n.83", "0.\n00").
fn table2() -> Table {
    let v = [
        "707.83", "707.83", "707.83", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00",
        "0.00", "0.00",
    ];
    let cols: &[(&str, &str)] = &[
        ("total", "合计"),
        ("current_income", "本年收入/小计"),
        (
            "current_income.general_public_budget",
            "本年收入/一般公共预算",
        ),
        ("current_income.government_fund", "本年收入/政府性基金预算"),
        ("current_income.state_capital", "本年收入/国有资本经营预算"),
        (
            "current_income.fiscal_special_account",
            "本年收入/财政专户管理资金",
        ),
        ("current_income.business", "本年收入/事业收入"),
        (
            "current_income.business_operation",
            "本年收入/事业单位经营收入",
        ),
        (
            "current_income.higher_level_subsidy",
            "本年收入/上级补助收入",
        ),
        (
            "current_income.affiliated_remittance",
            "本年收入/附属单位上缴收入",
        ),
        ("current_income.other", "本年收入/其他收入"),
        ("carryover", "上年结转结余"),
    ];
    table(
        "表2",
        "income_summary",
        "02-income_summary.toml",
        cols,
        vec![
            total("合计", &v, 301),
            coded("320", "武昌区科学技术协会", &v, 349),
            coded("320001", "武昌区科学技术协会本级", &v, 401),
        ],
    )
}

/// 表3 部门支出总表, lines 461-497.
fn table3() -> Table {
    table(
        "表3",
        "expenditure_summary",
        "03-expenditure_summary.toml",
        SUMMARY,
        vec![
            total("合计", &["707.83", "252.79", "455.04"], 463),
            coded("206", "科学技术支出", &["635.68", "180.64", "455.04"], 465),
            coded(
                "20607",
                "科学技术普及",
                &["635.68", "180.64", "455.04"],
                467,
            ),
            coded("2060701", "机构运行", &["180.64", "180.64", "0.00"], 469),
            coded("2060702", "科普活动", &["455.04", "0.00", "455.04"], 471),
            coded(
                "208",
                "社会保障和就业支出",
                &["16.63", "16.63", "0.00"],
                473,
            ),
            coded(
                "20805",
                "行政事业单位养老支出",
                &["16.63", "16.63", "0.00"],
                475,
            ),
            coded("2080501", "行政单位离退休", &["1.32", "1.32", "0.00"], 477),
            coded(
                "2080505",
                "机关事业单位基本养老保险缴费支出",
                &["15.31", "15.31", "0.00"],
                479,
            ),
            coded("210", "卫生健康支出", &["32.28", "32.28", "0.00"], 481),
            coded(
                "21011",
                "行政事业单位医疗",
                &["32.28", "32.28", "0.00"],
                483,
            ),
            coded("2101101", "行政单位医疗", &["7.66", "7.66", "0.00"], 485),
            coded(
                "2101103",
                "公务员医疗补助",
                &["24.63", "24.63", "0.00"],
                487,
            ),
            coded("221", "住房保障支出", &["23.24", "23.24", "0.00"], 489),
            coded("22102", "住房改革支出", &["23.24", "23.24", "0.00"], 491),
            coded("2210201", "住房公积金", &["17.91", "17.91", "0.00"], 493),
            coded("2210202", "提租补贴", &["3.76", "3.76", "0.00"], 495),
            coded("2210203", "购房补贴", &["1.56", "1.56", "0.00"], 497),
        ],
    )
}

/// 表4 财政拨款收支总表, lines 509-573 (blank cells stay empty).
fn table4() -> Table {
    let mut rows = vec![
        side("收入", "一、本年收入", 1, "707.83", 513),
        side("收入", "（一）一般公共预算拨款", 2, "707.83", 515),
        side("收入", "（二）政府性基金预算拨款", 2, "", 517),
        side("收入", "（三）国有资本经营预算拨款", 2, "", 519),
        side("收入", "二、上年结转", 1, "", 521),
        side("收入", "（一）一般公共预算拨款", 2, "", 523),
        side("收入", "（二）政府性基金预算拨款", 2, "", 525),
        side("收入", "（三）国有资本经营预算拨款", 2, "", 527),
        side("收入", "收入总计", 0, "707.83", 573),
        side("支出", "一、本年支出", 1, "707.83", 513),
    ];
    let spending = [
        ("（一）一般公共服务支出", "", 515),
        ("（二）国防支出", "", 517),
        ("（三）公共安全支出", "", 519),
        ("（四）教育支出", "", 521),
        ("（五）科学技术支出", "635.68", 523),
        ("（六）文化旅游体育与传媒支出", "", 525),
        ("（七）社会保障和就业支出", "16.63", 527),
        ("（八）卫生健康支出", "32.28", 529),
        ("（九）节能环保支出", "", 531),
        ("（十）城乡社区支出", "", 533),
        ("（十一）农林水支出", "", 535),
        ("（十二）交通运输支出", "", 537),
        ("（十三）资源勘探工业信息等支出", "", 539),
        ("（十四）商业服务业等支出", "", 543),
        ("（十五）金融支出", "", 545),
        ("（十六）援助其他地区支出", "", 547),
        ("（十七）自然资源海洋气象等支出", "", 549),
        ("（十八）住房保障支出", "23.24", 553),
        ("（十九）粮油物资储备支出", "", 555),
        ("（二十）国有资本经营预算支出", "", 557),
        ("（廿一）灾害防治及应急管理支出", "", 559),
        ("（廿二）其他支出", "", 563),
        ("（廿三）债务还本支出", "", 565),
        ("（廿四）债务付息支出", "", 567),
        ("（廿五）债务发行费用支出", "", 569),
    ];
    for (name, v, line) in spending {
        rows.push(side("支出", name, 2, v, line));
    }
    rows.push(side("支出", "二、年终结转结余", 1, "", 571));
    rows.push(side("支出", "支出总计", 0, "707.83", 573));
    table(
        "表4",
        "fiscal_overview",
        "04-fiscal_overview.toml",
        TWO_SIDED,
        rows,
    )
}

/// 表5-1 一般公共预算支出表(分功能科目), lines 594-632.
fn table5_1() -> Table {
    table(
        "表5-1",
        "general_budget_expenditure_by_function",
        "05-1-general_budget_by_function.toml",
        GENERAL,
        vec![
            total(
                "合计",
                &["707.83", "252.79", "210.44", "42.35", "455.04"],
                594,
            ),
            coded(
                "206",
                "科学技术支出",
                &["635.68", "180.64", "139.60", "41.03", "455.04"],
                596,
            ),
            coded(
                "20607",
                "科学技术普及",
                &["635.68", "180.64", "139.60", "41.03", "455.04"],
                598,
            ),
            coded(
                "2060701",
                "机构运行",
                &["180.64", "180.64", "139.60", "41.03", "0.00"],
                600,
            ),
            coded(
                "2060702",
                "科普活动",
                &["455.04", "0.00", "0.00", "0.00", "455.04"],
                602,
            ),
            coded(
                "208",
                "社会保障和就业支出",
                &["16.63", "16.63", "15.31", "1.32", "0.00"],
                604,
            ),
            coded(
                "20805",
                "行政事业单位养老支出",
                &["16.63", "16.63", "15.31", "1.32", "0.00"],
                606,
            ),
            coded(
                "2080501",
                "行政单位离退休",
                &["1.32", "1.32", "0.00", "1.32", "0.00"],
                608,
            ),
            coded(
                "2080505",
                "机关事业单位基本养老保险缴费支出",
                &["15.31", "15.31", "15.31", "0.00", "0.00"],
                610,
            ),
            coded(
                "210",
                "卫生健康支出",
                &["32.28", "32.28", "32.28", "0.00", "0.00"],
                616,
            ),
            coded(
                "21011",
                "行政事业单位医疗",
                &["32.28", "32.28", "32.28", "0.00", "0.00"],
                618,
            ),
            coded(
                "2101101",
                "行政单位医疗",
                &["7.66", "7.66", "7.66", "0.00", "0.00"],
                620,
            ),
            coded(
                "2101103",
                "公务员医疗补助",
                &["24.63", "24.63", "24.63", "0.00", "0.00"],
                622,
            ),
            coded(
                "221",
                "住房保障支出",
                &["23.24", "23.24", "23.24", "0.00", "0.00"],
                624,
            ),
            coded(
                "22102",
                "住房改革支出",
                &["23.24", "23.24", "23.24", "0.00", "0.00"],
                626,
            ),
            coded(
                "2210201",
                "住房公积金",
                &["17.91", "17.91", "17.91", "0.00", "0.00"],
                628,
            ),
            coded(
                "2210202",
                "提租补贴",
                &["3.76", "3.76", "3.76", "0.00", "0.00"],
                630,
            ),
            coded(
                "2210203",
                "购房补贴",
                &["1.56", "1.56", "1.56", "0.00", "0.00"],
                632,
            ),
        ],
    )
}

/// 表5-2 一般公共预算支出表(分单位), lines 659-667.
fn table5_2() -> Table {
    let v = ["707.83", "252.79", "210.44", "42.35", "455.04"];
    table(
        "表5-2",
        "general_budget_expenditure_by_unit",
        "05-2-general_budget_by_unit.toml",
        GENERAL,
        vec![
            total("合计", &v, 659),
            coded("320", "武昌区科学技术协会", &v, 661),
            coded("320001", "武昌区科学技术协会本级", &v, 663),
        ],
    )
}

/// 表6 一般公共预算基本支出表, lines 678-720.
fn table6() -> Table {
    table(
        "表6",
        "general_budget_basic_expenditure",
        "06-general_budget_basic.toml",
        &[
            ("total", "合计"),
            ("personnel", "人员经费"),
            ("public", "公用经费"),
        ],
        vec![
            total("合计", &["252.79", "210.44", "42.35"], 678),
            coded("301", "工资福利支出", &["198.37", "198.37", "0.00"], 680),
            coded("30101", "基本工资", &["36.39", "36.39", "0.00"], 682),
            coded("30102", "津贴补贴", &["33.46", "33.46", "0.00"], 684),
            coded("30103", "奖金", &["74.40", "74.40", "0.00"], 686),
            coded(
                "30108",
                "机关事业单位基本养老保险缴费",
                &["15.31", "15.31", "0.00"],
                688,
            ),
            coded(
                "30110",
                "职工基本医疗保险缴费",
                &["7.66", "7.66", "0.00"],
                690,
            ),
            coded(
                "30111",
                "公务员医疗补助缴费",
                &["12.56", "12.56", "0.00"],
                692,
            ),
            coded("30112", "其他社会保障缴费", &["0.67", "0.67", "0.00"], 694),
            coded("30113", "住房公积金", &["17.91", "17.91", "0.00"], 696),
            coded("302", "商品和服务支出", &["42.35", "0.00", "42.35"], 698),
            coded("30201", "办公费", &["17.76", "0.00", "17.76"], 700),
            coded("30216", "培训费", &["1.12", "0.00", "1.12"], 702),
            coded("30217", "公务接待费", &["0.18", "0.00", "0.18"], 704),
            coded("30226", "劳务费", &["10.80", "0.00", "10.80"], 706),
            coded("30227", "委托业务费", &["0.65", "0.00", "0.65"], 708),
            coded("30228", "工会经费", &["2.10", "0.00", "2.10"], 710),
            coded("30229", "福利费", &["1.87", "0.00", "1.87"], 712),
            coded("30239", "其他交通费用", &["6.55", "0.00", "6.55"], 714),
            coded(
                "30299",
                "其他商品和服务支出",
                &["1.32", "0.00", "1.32"],
                716,
            ),
            coded(
                "303",
                "对个人和家庭的补助",
                &["12.07", "12.07", "0.00"],
                718,
            ),
            coded("30307", "医疗费补助", &["12.07", "12.07", "0.00"], 720),
        ],
    )
}

/// 表7 "三公"经费支出表, line 741: one row of six amounts.
fn table7() -> Table {
    table(
        "表7",
        "three_public_expenses",
        "07-three_public.toml",
        &[
            ("total", "“三公”经费合计"),
            ("outbound_travel", "因公出国（境）费"),
            ("official_vehicles", "公务用车购置及运行费/小计"),
            (
                "official_vehicles.purchase",
                "公务用车购置及运行费/公务用车购置费",
            ),
            (
                "official_vehicles.operation",
                "公务用车购置及运行费/公务用车运行费",
            ),
            ("official_reception", "公务接待费"),
        ],
        vec![total(
            "",
            &["0.18", "0.00", "0.00", "0.00", "0.00", "0.18"],
            741,
        )],
    )
}

/// 表8 / 表9, lines 743-767: printed empty with a 备注.
fn empty_table(number: &str, kind: &str, grammar: &str, line: u32) -> Table {
    let mut t = table(number, kind, grammar, SUMMARY, Vec::new());
    t.empty = true;
    t.line = Some(line);
    t
}

/// 表10 项目支出表, lines 834-863.
fn table10() -> Table {
    let v = [
        "455.04", "455.04", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00",
    ];
    let cols: &[(&str, &str)] = &[
        ("total", "合计"),
        (
            "current_appropriation.general_public_budget",
            "本年拨款/一般公共预算",
        ),
        (
            "current_appropriation.government_fund",
            "本年拨款/政府性基金预算",
        ),
        (
            "current_appropriation.state_capital",
            "本年拨款/国有资本经营预算",
        ),
        (
            "carryover.general_public_budget",
            "财政拨款结转结余/一般公共预算",
        ),
        (
            "carryover.government_fund",
            "财政拨款结转结余/政府性基金预算",
        ),
        (
            "carryover.state_capital",
            "财政拨款结转结余/国有资本经营预算",
        ),
        ("fiscal_special_account", "财政专户管理资金"),
        ("unit_funds", "单位资金"),
    ];
    table(
        "表10",
        "project_expenditure",
        "10-project_expenditure.toml",
        cols,
        vec![
            total("合计", &v, 834),
            row(None, "武昌区科学技术协会", 1, None, &v, 839),
            row(None, "武昌区科学技术协会本级", 1, None, &v, 844),
            row(None, "本级支出项目", 1, None, &v, 849),
            {
                let mut r = row(None, "科普活动经费", 1, None, &v, 863);
                r.unit_name = Some("武昌区科学技术协会本级".into());
                r
            },
        ],
    )
}

/// 表11 整体支出绩效目标表, funds block, lines 881-911: 当年金额, 占比, 2023 年, 2024 年.
fn table11() -> Table {
    let cols: &[(&str, &str)] = &[
        ("current", "当年金额"),
        ("share", "占比"),
        ("year_before_last", "近两年收支金额/前年"),
        ("last_year", "近两年收支金额/上年"),
    ];
    let r = |s: &str, name: &str, level: u8, v: &[&str], line: u32| {
        row(None, name, level, Some(s), v, line)
    };
    let mut t = table(
        "表11",
        "performance_overall.funds",
        "11-performance_overall.toml",
        cols,
        vec![
            r(
                "收入构成",
                "财政拨款",
                1,
                &["707.83", "100", "915.66", "858.29"],
                890,
            ),
            r(
                "收入构成",
                "财政专户管理资金",
                1,
                &["0", "0", "0", "0"],
                892,
            ),
            r("收入构成", "单位资金", 1, &["0", "0", "0", "0"], 894),
            r(
                "收入构成",
                "合计",
                0,
                &["707.83", "100", "915.66", "858.29"],
                896,
            ),
            r(
                "支出构成",
                "人员类项目支出",
                1,
                &["210.44", "26", "303.18", "244.14"],
                902,
            ),
            r(
                "支出构成",
                "运转类项目支出",
                1,
                &["42.35", "5", "40.98", "35.30"],
                904,
            ),
            r(
                "支出构成",
                "特定目标类项目支出",
                1,
                &["455.04", "69", "571.5", "578.85"],
                906,
            ),
            r(
                "支出构成",
                "合计",
                0,
                &["707.83", "100", "915.66", "858.29"],
                911,
            ),
        ],
    );
    assert_eq!(t.columns[1].kind, ColumnKind::Percent);
    t.line = Some(881);
    t
}

/// The sample document as tables built in code.
pub(super) fn sample_doc() -> Document {
    let tables = vec![
        table1(),
        table2(),
        table3(),
        table4(),
        table5_1(),
        table5_2(),
        table6(),
        table7(),
        empty_table(
            "表8",
            "government_fund_expenditure",
            "08-government_fund.toml",
            743,
        ),
        empty_table(
            "表9",
            "state_capital_expenditure",
            "09-state_capital.toml",
            755,
        ),
        table10(),
        table11(),
    ];
    serde_json::from_value(json!({
        "doc_id": "hubei-wuchang-kexie-2025-budget",
        "source": {"path": "hubei-wuchang-kexie-2025-budget.txt", "sha256": "", "format": "text", "pages": 0},
        "department": "武昌区科学技术协会", "year": 2025, "kind": "budget",
        "tables": tables, "missing_tables": [], "warnings": [],
    }))
    .expect("test document")
}

fn sample_text() -> Option<String> {
    let p = crate::corpus_support::corpus_dir("reconcile test on the Hubei text dump")?
        .join("hubei-wuchang-kexie-2025-budget.txt");
    Some(std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

/// (table, first row text, column) of each finding, for assertions.
fn keyed(r: &Reconciliation, sev: Severity) -> Vec<(String, String, String)> {
    r.findings
        .iter()
        .filter(|f| f.severity == sev)
        .map(|f| {
            let c = &f.cells[0];
            (
                c.table.clone(),
                c.row.clone(),
                c.column.clone().unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn sample_tables_reconcile_as_read_by_hand() {
    let doc = sample_doc();
    let r = reconcile(&doc, &RuleSet::builtin());
    for f in &r.findings {
        println!("{:?} {}: {}", f.severity, f.rule, f.message);
    }
    println!(
        "checks {} passed {} coverage {}/{} ({})",
        r.checks, r.checks_passed, r.coverage.verified, r.coverage.amounts, r.coverage.share
    );
    assert_sample_findings(&r);
    // Every amount of the sample takes part in some passing check.
    assert_eq!(
        r.coverage.unverified, 0,
        "{:#?}",
        r.coverage.unverified_cells
    );
    println!("{r}");
    assert!(r
        .to_string()
        .contains("3 mismatch, 16 rounding, 0 missing, 0 unparsed"));
    let json = serde_json::to_string_pretty(&r).expect("serializes");
    if std::env::var_os("SHOW_FINDINGS").is_some() {
        println!("{json}");
    }
    assert!(json.contains("\"mismatch\""));
}

/// What a person reading the sample expects of its tables (see the comments for the lines).
fn assert_sample_findings(r: &Reconciliation) {
    // The three printed shares of 表11 (lines 902-909) are the only mismatches.
    let mut mism = keyed(r, Severity::Mismatch);
    mism.sort();
    assert_eq!(
        mism,
        vec![
            ("表11".into(), "人员类项目支出".into(), "share".into()),
            ("表11".into(), "特定目标类项目支出".into(), "share".into()),
            ("表11".into(), "运转类项目支出".into(), "share".into()),
        ]
    );
    for f in r
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Mismatch)
    {
        let s = f
            .suspect
            .as_ref()
            .expect("表11: the printed share is suspect");
        assert_eq!(s.cells, vec![0], "{}", f.message);
    }
    // Rounding gaps read by hand: 21011 (7.66 + 24.63 = 32.29 vs 32.28), 22102 (17.91 +
    // 3.76 + 1.56 = 23.23 vs 23.24) in 表3 and 表5-1; 表5-1 206/20607/2060701 基本支出
    // 180.64 vs 139.60 + 41.03; 表5-1 合计 人员经费 210.44 vs 139.60 + 15.31 + 32.28 + 23.24;
    // 表6 301 198.37 vs the eight 款 (198.36).
    let mut rounding = keyed(r, Severity::Rounding);
    rounding.sort();
    let mut want: Vec<(String, String, String)> = [
        ("表3", "21011 行政事业单位医疗", "total"),
        ("表3", "21011 行政事业单位医疗", "basic_expenditure"),
        ("表3", "22102 住房改革支出", "total"),
        ("表3", "22102 住房改革支出", "basic_expenditure"),
        ("表5-1", "21011 行政事业单位医疗", "total"),
        ("表5-1", "21011 行政事业单位医疗", "basic_expenditure"),
        (
            "表5-1",
            "21011 行政事业单位医疗",
            "basic_expenditure.personnel",
        ),
        ("表5-1", "22102 住房改革支出", "total"),
        ("表5-1", "22102 住房改革支出", "basic_expenditure"),
        ("表5-1", "22102 住房改革支出", "basic_expenditure.personnel"),
        ("表5-1", "合计", "basic_expenditure.personnel"),
        ("表5-1", "206 科学技术支出", "basic_expenditure"),
        ("表5-1", "20607 科学技术普及", "basic_expenditure"),
        ("表5-1", "2060701 机构运行", "basic_expenditure"),
        ("表6", "301 工资福利支出", "total"),
        ("表6", "301 工资福利支出", "personnel"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    want.sort();
    assert_eq!(rounding, want);
    assert_eq!(r.counts.missing, 0, "{:#?}", keyed(r, Severity::Missing));
    assert_eq!(r.counts.unparsed, 0);
    assert!(r.has_mismatch());
    // The 21011 note carries the figures.
    let f = r
        .findings
        .iter()
        .find(|f| f.cells[0].table == "表3" && f.cells[0].row.starts_with("21011"))
        .expect("21011 note");
    assert_eq!(f.stated, Some(d("32.28")));
    assert_eq!(f.computed, Some(d("32.29")));
    assert_eq!(f.difference, Some(d("-0.01")));
    assert_eq!(f.tolerance, Some(d("0.015")));
    assert_eq!(f.unit, "万元");
    assert_eq!(f.cells[0].lines, Some((483, 483)));
}

#[test]
fn units_mix_in_one_document() {
    // 表6 printed in whole 元 (documents mix units): its cross checks against the 万元 tables
    // are made in 元 and still hold; its own 301 gap of 100 元 is now far beyond the rounding
    // of whole 元 (9 × 0.5 元), so it becomes a mismatch.
    let mut doc = sample_doc();
    let t6 = doc
        .tables
        .iter_mut()
        .find(|t| t.number.as_deref() == Some("表6"))
        .expect("表6");
    t6.unit = Unit::Yuan;
    for r in &mut t6.rows {
        for a in r.amounts.iter_mut().flatten() {
            *a = (*a * Decimal::from(10_000)).trunc();
        }
    }
    let r = reconcile(&doc, &RuleSet::builtin());
    assert!(r.findings.iter().all(|f| !f.rule.starts_with("cross.")));
    let m: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Mismatch && f.cells[0].table == "表6")
        .collect();
    assert_eq!(m.len(), 2, "301 合计 and 人员经费");
    for f in m {
        assert!(f.cells[0].row.starts_with("301"));
        assert_eq!(f.unit, "元");
        assert_eq!(f.difference, Some(d("100")));
        assert_eq!(f.tolerance, Some(d("4.5")));
    }
}

/// The sample with 表3's 210 卫生健康支出 total printed as 32.38 instead of 32.28.
fn sample_with_wrong_210() -> Document {
    let mut doc = sample_doc();
    let t3 = &mut doc.tables[2];
    let ri = t3
        .rows
        .iter()
        .position(|r| r.code.as_deref() == Some("210"))
        .expect("210");
    t3.rows[ri].amounts[0] = Some(d("32.38"));
    doc
}

#[test]
fn a_wrong_total_is_a_mismatch_with_its_parts_vouched_for() {
    let doc = sample_with_wrong_210();
    let r = reconcile(&doc, &RuleSet::builtin());
    let hits: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| {
            f.severity == Severity::Mismatch && f.cells.iter().any(|c| c.row.starts_with("210 "))
        })
        .collect();
    assert!(!hits.is_empty());
    // The hierarchy 210 = 21011: 210 is the suspect, 21011 agrees elsewhere.
    let h = hits
        .iter()
        .find(|f| f.rule == "hierarchy.code")
        .expect("hierarchy finding");
    assert_eq!(h.difference, Some(d("0.1")));
    let s = h.suspect.as_ref().expect("suspect");
    assert_eq!(s.cells, vec![0]);
}

#[test]
fn narrative_of_the_sample_checks_out() {
    let Some(text) = sample_text() else { return };
    let (first, section) = explanation_section(&text).expect("第三部分");
    assert_eq!(first, 1647);
    let doc = sample_doc();
    let r = reconcile_with_narrative(
        &doc,
        &RuleSet::builtin(),
        Some(Narrative {
            text: &section,
            first_line: first,
        }),
    );
    let n = r.narrative.as_ref().expect("summary");
    println!("narrative: {n:#?}");
    let narr: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("narrative"))
        .collect();
    for f in &narr {
        println!("{:?} {}: {}", f.severity, f.rule, f.message);
    }
    // Everything the prose says agrees with the tables; two year-on-year percentages need the
    // rounding of their inputs: 机构运行 "增加 18.42 万元，增长 11.36%" (lines 1710-1712:
    // 18.42 / 162.22 = 11.355%) and 住房公积金 "减少 1.15，下降 6.04%" (lines 1745-1747:
    // 1.15 / 19.06 = 6.034%).
    assert!(
        narr.iter().all(|f| f.severity == Severity::Rounding),
        "{narr:#?}"
    );
    let mut stated: Vec<(String, Option<Decimal>)> =
        narr.iter().map(|f| (f.rule.clone(), f.stated)).collect();
    stated.sort();
    assert_eq!(
        stated,
        vec![
            ("narrative.change".to_string(), Some(d("6.04"))),
            ("narrative.change".to_string(), Some(d("11.36"))),
        ]
    );
    // Statements tied to tables (read by hand in lines 1663-1878): 部门收支总预算, 部门预算收入,
    // 一般公共预算财政拨款收入, 部门预算支出, 基本支出, 项目支出, 财政拨款收支总预算,
    // 一般公共预算财政拨款本年收入, four 类, 一般公共预算拨款, 基本支出, 人员经费, 公用经费,
    // 项目支出, nine 项 paths, 一般公共预算基本支出, 人员经费, 工资福利支出, 对个人和家庭的补助,
    // 公用经费, the six 三公 figures, 项目支出, 一般公共预算本年拨款, 预算支出.
    assert!(n.tied >= 40, "tied {}", n.tied);
    // Shares: 100%, 36%, 64%, 36%, 64%; changes: 0.46% twice, 11.36%, 2.67%, 6.04%, 49.65%,
    // 18.69%.
    assert_eq!(n.shares_checked, 5);
    assert_eq!(n.changes_checked, 7);
    let skipped: Vec<&str> = n.skipped.iter().map(|(_, s)| s.as_str()).collect();
    assert!(
        skipped.iter().any(|s| s.contains("机关运行经费")),
        "{skipped:?}"
    );
    assert!(
        !skipped.iter().any(|s| s.contains("科学技术支出")),
        "{skipped:?}"
    );
}

#[test]
fn a_table_the_reader_could_not_rebuild_is_reported() {
    let mut doc = sample_doc();
    doc.warnings.push(
        serde_json::from_value(json!({
            "code": "table_unparsed", "message": "a split number could not be joined",
            "page": 9, "line": 580, "table": "表5-1 一般公共预算支出表(分功能科目)",
        }))
        .expect("warning"),
    );
    let r = reconcile(&doc, &RuleSet::builtin());
    assert_eq!(r.counts.unparsed, 1);
    let f = r
        .findings
        .iter()
        .find(|f| f.severity == Severity::Unparsed)
        .expect("finding");
    assert_eq!(f.cells[0].lines, Some((580, 580)));
}

#[test]
fn an_empty_table_counts_as_nothing_spent() {
    // 表7 printed empty while 表6 30217 公务接待费 says 0.18 (line 704).
    let mut doc = sample_doc();
    let t7 = doc
        .tables
        .iter_mut()
        .find(|t| t.kind == "three_public_expenses")
        .expect("表7");
    t7.empty = true;
    t7.rows.clear();
    let r = reconcile(&doc, &RuleSet::builtin());
    let f: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.rule == "cross.reception_30217")
        .collect();
    assert_eq!(f.len(), 1, "{:#?}", r.findings);
    assert_eq!(f[0].severity, Severity::Missing);
    assert_eq!(f[0].cells[1].value, Some(d("0.18")));
}

/// Guangzhou 商务局 (bulk), read from its plain dump (regression): the 三公 table is read with a
/// grammar whose columns are fund sources, so the 公务接待费 phrase finds no cell there; the
/// narrative's 公务接待费 44.9 must not fall back to the basic-expenditure row 30217 公务接待费
/// (3.40, only the basic part) and be reported as the document's mismatch.
#[test]
fn a_phrase_subject_does_not_fall_back_to_a_row_of_the_same_name() {
    let text = "公务接待费 5.00 万元。";
    // With the 三公 table read by the family's grammar, the phrase ties to its cell: 0.18.
    let f = check_narrative(text, 1, &sample_doc());
    let tied: Vec<&Finding> = f.iter().filter(|f| f.rule == "narrative.amount").collect();
    assert_eq!(tied.len(), 1, "{f:#?}");
    assert_eq!(tied[0].cells[1].table, "表7");
    // The same table read by another family's grammar: the phrase's cell is not found there,
    // and 30217 of 表6 is not taken in its place.
    let mut doc = sample_doc();
    let t7 = doc
        .tables
        .iter_mut()
        .find(|t| t.kind == "three_public_expenses")
        .expect("表7");
    t7.grammar = "national/13-three_public_by_budget.toml".into();
    let f = check_narrative(text, 1, &doc);
    assert!(f.iter().all(|f| f.severity != Severity::Mismatch), "{f:#?}");
    assert!(
        f.iter().all(|f| f.cells.iter().all(|c| c.table != "表6")),
        "{f:#?}"
    );
}

#[test]
fn a_share_without_its_whole_is_unparsed() {
    let f = check_narrative("基本支出 252.79 万元，占比 36%。", 1, &sample_doc());
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].severity, Severity::Unparsed);
}

#[test]
fn narrative_catches_a_wrong_figure_and_blames_the_prose() {
    let doc = sample_doc();
    let text = "三、支出预算安排情况\n部门预算支出 707.83 万元。其中：基本支出 252.97 万\n\n元，占比 36%；项目支出 455.04 万元，占比 64%。";
    let f = check_narrative(text, 1673, &doc);
    let bad: Vec<&Finding> = f
        .iter()
        .filter(|f| f.severity == Severity::Mismatch)
        .collect();
    assert_eq!(bad.len(), 1, "{f:#?}");
    assert_eq!(bad[0].rule, "narrative.amount");
    assert_eq!(bad[0].cells[0].lines, Some((1674, 1674)));
    let s = bad[0].suspect.as_ref().expect("the prose is suspect");
    assert_eq!(s.cells, vec![0]);
}

// ------------------------------------------------------------------ mutation tests

/// Per cell, the change (in 元) beyond which some passing check must fail: for a check with
/// bound B whose figures already differ by D, a change of more than B + D breaks it.
fn thresholds(log: &[CheckLog], exclude: Option<Addr>) -> HashMap<Addr, Decimal> {
    let mut t: HashMap<Addr, Decimal> = HashMap::new();
    for c in log {
        if exclude.is_some_and(|x| c.cells.contains(&x)) {
            continue;
        }
        let need = c.bound + c.slack_used;
        for &a in &c.cells {
            let e = t.entry(a).or_insert(need);
            if need < *e {
                *e = need;
            }
        }
    }
    t
}

fn failures(r: &Reconciliation) -> HashSet<String> {
    r.findings
        .iter()
        .filter(|f| matches!(f.severity, Severity::Mismatch | Severity::Missing))
        .map(|f| format!("{} {}", f.rule, f.message))
        .collect()
}

/// Digit mutations of a printed value: each digit d → d+1 and d+5 (mod 10), scale kept.
fn digit_mutations(v: Decimal) -> Vec<Decimal> {
    let s = v.to_string();
    let mut out = Vec::new();
    for (i, ch) in s.char_indices() {
        let Some(dg) = ch.to_digit(10) else { continue };
        for step in [1, 5] {
            let nd = (dg + step) % 10;
            let mut m = s.clone();
            m.replace_range(i..i + 1, &nd.to_string());
            if let Ok(x) = Decimal::from_str(&m) {
                if x != v {
                    out.push(x);
                }
            }
        }
    }
    out
}

fn set(doc: &mut Document, (ti, ri, ci): Addr, v: Option<Decimal>) {
    doc.tables[ti].rows[ri].amounts[ci] = v;
}

fn get(doc: &Document, (ti, ri, ci): Addr) -> Option<Decimal> {
    doc.tables
        .get(ti)?
        .rows
        .get(ri)?
        .amounts
        .get(ci)
        .copied()
        .flatten()
}

#[test]
fn mutations_of_parsed_tables_are_caught() {
    let doc = sample_doc();
    let rules = RuleSet::builtin();
    let (base, log) = reconcile_logged(&doc, &rules);
    let base_fail = failures(&base);
    let limit = thresholds(&log, None);
    let cells: Vec<Addr> = {
        let mut v: Vec<Addr> = limit.keys().copied().collect();
        v.sort();
        v
    };
    let factor = |a: Addr| doc.tables[a.0].unit.yuan_factor();
    let (mut total, mut caught, mut must, mut must_caught) = (0, 0, 0, 0);
    let mut escaped = Vec::new();
    for &a in &cells {
        let Some(v) = get(&doc, a) else { continue };
        for m in digit_mutations(v) {
            let mut md = doc.clone();
            set(&mut md, a, Some(m));
            let (r, _) = reconcile_logged(&md, &rules);
            let hit = failures(&r).difference(&base_fail).next().is_some();
            total += 1;
            caught += hit as usize;
            if ((m - v) * factor(a)).abs() > limit[&a] {
                must += 1;
                must_caught += hit as usize;
                if !hit {
                    escaped.push(format!("{a:?} {v} → {m}"));
                }
            }
        }
    }
    // Swaps: neighbours in a row and in a column with different values.
    let (mut stotal, mut scaught, mut smust, mut smust_caught) = (0, 0, 0, 0);
    for &a in &cells {
        for b in [(a.0, a.1, a.2 + 1), (a.0, a.1 + 1, a.2)] {
            let (Some(va), Some(vb)) = (get(&doc, a), get(&doc, b)) else {
                continue;
            };
            if va == vb || !limit.contains_key(&b) {
                continue;
            }
            let mut md = doc.clone();
            set(&mut md, a, Some(vb));
            set(&mut md, b, Some(va));
            let (r, _) = reconcile_logged(&md, &rules);
            let hit = failures(&r).difference(&base_fail).next().is_some();
            stotal += 1;
            scaught += hit as usize;
            // Guaranteed when a check holding one cell but not the other breaks.
            let delta = ((va - vb) * factor(a)).abs();
            let la = thresholds(&log, Some(b));
            let lb = thresholds(&log, Some(a));
            if la.get(&a).is_some_and(|l| delta > *l) || lb.get(&b).is_some_and(|l| delta > *l) {
                smust += 1;
                smust_caught += hit as usize;
                if !hit {
                    escaped.push(format!("swap {a:?} {va} ↔ {b:?} {vb}"));
                }
            }
        }
    }
    println!(
        "table mutations: digits {caught}/{total} caught ({must_caught}/{must} beyond rounding), swaps {scaught}/{stotal} caught ({smust_caught}/{smust} beyond rounding)"
    );
    assert!(total > 500 && stotal > 100, "{total} {stotal}");
    assert!(escaped.is_empty(), "{escaped:#?}");
    assert!(must * 10 >= total * 8, "most mutations are beyond rounding");
}

// ------------------------------------------------------------------ the text reader's output

fn converted(text: &str) -> Option<crate::convert::Converted> {
    let p = std::path::Path::new("hubei-wuchang-kexie-2025-budget.txt");
    crate::convert::convert_text(
        p,
        text.as_bytes(),
        text,
        &crate::grammar::GrammarSet::builtin(),
    )
    .ok()
}

#[test]
fn parsed_sample_reconciles() {
    let Some(text) = sample_text() else { return };
    let c = converted(&text).expect("the sample converts");
    let r = reconcile_converted(&c, &RuleSet::builtin());
    for f in &r.findings {
        println!("{:?} {}: {}", f.severity, f.rule, f.message);
    }
    println!(
        "checks {} passed {} coverage {}/{} ({}), narrative {:?}",
        r.checks,
        r.checks_passed,
        r.coverage.verified,
        r.coverage.amounts,
        r.coverage.share,
        r.narrative
    );
    // The reader's tables give what the hand-built ones give, plus the two narrative notes.
    let tables_only = Reconciliation {
        findings: r
            .findings
            .iter()
            .filter(|f| !f.rule.starts_with("narrative."))
            .cloned()
            .collect(),
        ..r.clone()
    };
    assert_sample_findings(&tables_only);
    assert_eq!(r.counts.rounding, 18);
    // Unverified: 表11's 项目总预算 (a multi-year total) and 表12-1's 项目总预算 and its
    // procurement line (lines 1374 and the 项目采购 block): no identity ties them.
    let mut unverified: Vec<String> = r
        .coverage
        .unverified_cells
        .iter()
        .map(|u| {
            format!(
                "{} {} {}",
                u.table,
                u.row,
                u.column.as_deref().unwrap_or("")
            )
        })
        .collect();
    unverified.sort();
    assert_eq!(
        unverified,
        vec![
            "表11 科普活动 project_total_budget",
            "表12-1 科普活动经费 amount",
            "表12-1 项目总预算 amount",
        ]
    );
    let n = r.narrative.as_ref().expect("the explanation is found");
    assert_eq!(
        (n.statements, n.tied, n.shares_checked, n.changes_checked),
        (50, 40, 5, 7)
    );
}

/// Runs of digits and dots in a line (numbers and their split halves: "707", ".83").
fn number_tokens(line: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        let num = c.is_ascii_digit() || c == '.';
        match (num, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, line.len()));
    }
    out.into_iter()
        .filter(|&(a, b)| line[a..b].chars().any(|c| c.is_ascii_digit()))
        .collect()
}

/// The amount cells whose value differs between two documents of the same shape; `None`
/// when the shape (tables, rows, codes, names) differs.
fn changed_cells(a: &Document, b: &Document) -> Option<Vec<Addr>> {
    if a.tables.len() != b.tables.len() {
        return None;
    }
    let mut out = Vec::new();
    for (ti, (ta, tb)) in a.tables.iter().zip(&b.tables).enumerate() {
        if ta.kind != tb.kind || ta.rows.len() != tb.rows.len() {
            return None;
        }
        for (ri, (ra, rb)) in ta.rows.iter().zip(&tb.rows).enumerate() {
            if ra.code != rb.code || ra.name != rb.name || ra.amounts.len() != rb.amounts.len() {
                return None;
            }
            for (ci, (x, y)) in ra.amounts.iter().zip(&rb.amounts).enumerate() {
                if x != y {
                    out.push((ti, ri, ci));
                }
            }
        }
    }
    Some(out)
}

#[test]
fn mutations_of_the_sample_text_are_caught() {
    let Some(text) = sample_text() else { return };
    let rules = RuleSet::builtin();
    let lines: Vec<&str> = text.lines().collect();
    let run = |t: &str| -> Option<(Document, Reconciliation)> {
        let c = converted(t)?;
        let r = reconcile_converted(&c, &rules);
        Some((c.document, r))
    };
    let (doc0, r0) = run(&text).expect("the sample converts");
    let (_, log0) = reconcile_logged(&doc0, &rules);
    let base_fail = failures(&r0);
    let limit = thresholds(&log0, None);
    // Lines that hold table rows, and the explanation's statements tied to a table figure.
    let mut table_lines: Vec<u32> = doc0
        .tables
        .iter()
        .flat_map(|t| t.rows.iter().filter_map(|r| r.lines))
        .flat_map(|(a, b)| a..=b)
        .collect();
    table_lines.sort();
    table_lines.dedup();
    let (first, section) = explanation_section(&text).expect("explanation");
    let skipped = r0
        .narrative
        .as_ref()
        .map(|n| n.skipped.clone())
        .unwrap_or_default();
    // (line, amount as printed) of tied statements; a statement's amount is the first token of
    // that text on its line (its change, "增加 0", comes after it).
    let tied: Vec<(u32, String)> = narrative::statements(&section, first)
        .into_iter()
        .filter(|s| !skipped.contains(&(s.line, s.subject.clone())))
        .map(|s| (s.line, s.amount.to_string()))
        .collect();
    let mut prose_seen: HashMap<(u32, String), usize> = HashMap::new();
    let mutate = |no: u32, a: usize, b: usize, new: &str| -> String {
        let mut out = String::with_capacity(text.len());
        for (i, l) in lines.iter().enumerate() {
            if i as u32 + 1 == no {
                out.push_str(&l[..a]);
                out.push_str(new);
                out.push_str(&l[b..]);
            } else {
                out.push_str(l);
            }
            out.push('\n');
        }
        out
    };
    let (mut amount_runs, mut amount_caught, mut must, mut must_caught) = (0, 0, 0, 0);
    let (mut reshaped, mut narrative_runs, mut narrative_caught) = (0, 0, 0);
    let mut escaped = Vec::new();
    let mut k = 0usize;
    let mut targets: Vec<(u32, bool)> = table_lines.iter().map(|&l| (l, false)).collect();
    targets.extend(tied.iter().map(|(l, _)| (*l, true)));
    targets.dedup();
    for (no, in_prose) in targets {
        let Some(line) = lines.get(no as usize - 1) else {
            continue;
        };
        for (a, b) in number_tokens(line) {
            let tok = &line[a..b];
            if in_prose {
                let key = (no, tok.to_string());
                let want = tied.iter().filter(|t| **t == key).count();
                let seen = prose_seen.entry(key).or_insert(0);
                *seen += 1;
                if *seen > want {
                    continue;
                }
            }
            // One digit per token, rotating through the positions, shifted by 5.
            let digits: Vec<usize> = tok
                .char_indices()
                .filter(|(_, c)| c.is_ascii_digit())
                .map(|(i, _)| i)
                .collect();
            let pos = digits[k % digits.len()];
            k += 1;
            let dg = tok.as_bytes()[pos] - b'0';
            let mut new = tok.to_string();
            new.replace_range(pos..pos + 1, &((dg + 5) % 10).to_string());
            let Some((doc, r)) = run(&mutate(no, a, b, &new)) else {
                reshaped += 1;
                continue;
            };
            let hit = failures(&r).difference(&base_fail).next().is_some();
            if in_prose {
                narrative_runs += 1;
                narrative_caught += hit as usize;
                if !hit {
                    escaped.push(format!("line {no}: {tok} → {new} (prose)"));
                }
                continue;
            }
            match changed_cells(&doc0, &doc).as_deref() {
                Some([cell]) => {
                    amount_runs += 1;
                    amount_caught += hit as usize;
                    let (Some(v0), Some(v1)) = (get(&doc0, *cell), get(&doc, *cell)) else {
                        continue;
                    };
                    let delta = ((v1 - v0) * doc0.tables[cell.0].unit.yuan_factor()).abs();
                    if limit.get(cell).is_some_and(|l| delta > *l) {
                        must += 1;
                        must_caught += hit as usize;
                        if !hit {
                            escaped.push(format!("line {no}: {tok} → {new} ({cell:?})"));
                        }
                    }
                }
                _ => reshaped += 1,
            }
        }
    }
    // Swaps of two neighbouring whole amounts on one table line.
    let (mut swaps, mut swaps_caught, mut swaps_must, mut swaps_must_caught) = (0, 0, 0, 0);
    for &no in &table_lines {
        let line = lines[no as usize - 1];
        let toks: Vec<(usize, usize)> = number_tokens(line)
            .into_iter()
            .filter(|&(a, b)| {
                let t = &line[a..b];
                t.contains('.') && !t.starts_with('.') && !t.ends_with('.')
            })
            .collect();
        for w in toks.windows(2) {
            let ((a1, b1), (a2, b2)) = (w[0], w[1]);
            let (x, y) = (&line[a1..b1], &line[a2..b2]);
            if x == y {
                continue;
            }
            let swapped = format!("{}{y}{}{x}{}", &line[..a1], &line[b1..a2], &line[b2..]);
            let Some((doc, r)) = run(&mutate(no, 0, line.len(), &swapped)) else {
                continue;
            };
            let Some([ca, cb]) = changed_cells(&doc0, &doc)
                .as_deref()
                .map(|c| c.to_vec())
                .as_deref()
                .and_then(|c| <[Addr; 2]>::try_from(c).ok())
            else {
                continue;
            };
            swaps += 1;
            let hit = failures(&r).difference(&base_fail).next().is_some();
            swaps_caught += hit as usize;
            // Guaranteed when a check holding one cell but not the other breaks.
            let (Some(va), Some(vb)) = (get(&doc0, ca), get(&doc0, cb)) else {
                continue;
            };
            let delta = ((va - vb) * doc0.tables[ca.0].unit.yuan_factor()).abs();
            let sure = thresholds(&log0, Some(cb))
                .get(&ca)
                .is_some_and(|l| delta > *l)
                || thresholds(&log0, Some(ca))
                    .get(&cb)
                    .is_some_and(|l| delta > *l);
            if sure {
                swaps_must += 1;
                swaps_must_caught += hit as usize;
                if !hit {
                    escaped.push(format!("line {no}: swap {x} ↔ {y}"));
                }
            }
        }
    }
    println!(
        "text mutations: table amounts {amount_caught}/{amount_runs} caught ({must_caught}/{must} beyond rounding), prose figures {narrative_caught}/{narrative_runs}, swaps {swaps_caught}/{swaps} ({swaps_must_caught}/{swaps_must} beyond rounding), {reshaped} changed the shape or failed to read"
    );
    assert!(amount_runs > 300 && narrative_runs > 30 && swaps > 20);
    assert!(escaped.is_empty(), "{escaped:#?}");
}

// ------------------------------------------------------------------ the Shanghai PDFs

fn corpus_pdf(name: &str) -> Option<crate::convert::Converted> {
    let p = crate::corpus_support::corpus_dir(&format!("reconcile test on {name}"))?.join(name);
    Some(
        crate::convert::convert_file(&p, &crate::grammar::GrammarSet::builtin()).expect("converts"),
    )
}

/// Stated values of the findings of one severity, sorted, for assertions.
fn stated(r: &Reconciliation, sev: Severity) -> Vec<String> {
    let mut v: Vec<String> = r
        .findings
        .iter()
        .filter(|f| f.severity == sev)
        .map(|f| f.stated.map(|d| d.to_string()).unwrap_or_default())
        .collect();
    v.sort();
    v
}

#[test]
fn shanghai_pdfs_reconcile() {
    let rules = RuleSet::builtin();
    let run = |name: &str| {
        let c = corpus_pdf(name)?;
        let r = reconcile_converted(&c, &rules);
        println!("{r}");
        for f in &r.findings {
            println!("  {:?} {}: {}", f.severity, f.rule, f.message);
        }
        Some(r)
    };
    // The two budgets agree everywhere; only 机关运行经费 (三公 table) is tied to no other figure.
    for name in [
        "shanghai-putuo-commerce-2025-budget.pdf",
        "shanghai-putuo-wanli-street-2024-budget.pdf",
    ] {
        let Some(r) = run(name) else { continue };
        assert!(r.findings.is_empty(), "{name}: {:#?}", r.findings);
        let un: Vec<_> = r
            .coverage
            .unverified_cells
            .iter()
            .map(|c| c.column.clone())
            .collect();
        assert_eq!(un, vec![Some("operating_expenses".to_string())], "{name}");
    }
    // The final accounts' printed rounding inconsistencies, as corpus/truth/README.md lists
    // them: 社会保障和就业支出 326.71 (p6, p12) vs 326.72; the 合计 rows of 收入决算表 (2946.25),
    // 支出决算表 and 一般公共预算财政拨款支出决算表 (2940.05) 0.01 below their 类 rows; 301
    // 2082.85 vs items 2082.86; 302 171.07 vs items 171.09. All are rounding notes. The same
    // 合计 rows' 基本支出 2336.91 (the truth file's key total, p10) is 0.01 below its 类 rows
    // 1503.52 + 326.72 + 60.99 + 445.69 = 2336.92, in both tables; 收入决算表's 财政拨款收入
    // 合计 2940.05 likewise.
    //
    // The narrative (第三部分, p21) is checked too. It prints "2024年度财政拨款收入支出总计0.3
    // 万元" where 财政拨款收入支出决算总表 prints 总计 2,961.68: a real error of the document,
    // a mismatch. Its four "占 71.73%"-style shares follow "主要用于", not a 其中 head, so
    // they are unparsed (not guessed).
    if let Some(r) = run("shanghai-putuo-finance-2024-final-accounts.pdf") {
        assert_eq!((r.counts.missing, r.counts.unparsed), (0, 4));
        assert_eq!(stated(&r, Severity::Mismatch), ["0.3"]);
        assert_eq!(
            stated(&r, Severity::Rounding),
            [
                "171.07", "2082.85", "2336.91", "2336.91", "2940.05", "2940.05", "2940.05",
                "2946.25", "326.71", "326.71", "326.71"
            ]
        );
        assert_eq!(r.coverage.unverified, 0);
    }
    // The altered copy lacks 支出决算表 (listed in its contents): reported as missing; its
    // other tables carry the same figures, so the same notes less the three on 支出决算表.
    // Its narrative was altered too (p18: "2024年度收入支出总计 0 万元" against 总计 2,995.39
    // in 收入支出决算总表): a mismatch.
    if let Some(r) = run("shanghai-putuo-finance-2024-final-accounts-altered.pdf") {
        assert_eq!(r.counts.unparsed, 4);
        assert_eq!(stated(&r, Severity::Mismatch), ["0"]);
        let missing: Vec<&str> = r
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Missing)
            .map(|f| f.rule.as_str())
            .collect();
        assert_eq!(missing, ["missing.table"]);
        assert_eq!(
            stated(&r, Severity::Rounding),
            ["171.07", "2082.85", "2336.91", "2940.05", "2940.05", "2946.25", "326.71", "326.71"]
        );
    }
}

#[test]
fn a_figure_restated_at_coarser_precision_is_exact_when_it_rounds_to_the_print() {
    // 表1 printed in 元 (7,078,313 元 = 707.8313 万元): the narrative's "707.83 万元" loses only
    // digits, so the check is exact; "707.84 万元" is off by 0.0087 万元, beyond the print's
    // half unit (0.005), a mismatch.
    let mut doc = sample_doc();
    let t1 = doc
        .tables
        .iter_mut()
        .find(|t| t.number.as_deref() == Some("表1"))
        .expect("表1");
    t1.unit = Unit::Yuan;
    for r in &mut t1.rows {
        for a in r.amounts.iter_mut().flatten() {
            *a = *a * Decimal::from(10_000) + if a.is_zero() { Decimal::ZERO } else { d("13") };
        }
    }
    let narrative = |text: &'static str| {
        reconcile_with_narrative(
            &doc,
            &RuleSet::builtin(),
            Some(Narrative {
                text,
                first_line: 1,
            }),
        )
        .findings
        .into_iter()
        .filter(|f| f.rule.starts_with("narrative") && f.message.contains("部门收支总预算"))
        .map(|f| f.severity)
        .collect::<Vec<_>>()
    };
    assert_eq!(narrative("2025 年部门收支总预算 707.83 万元。"), []);
    assert_eq!(
        narrative("2025 年部门收支总预算 707.84 万元。"),
        [Severity::Mismatch]
    );
}

#[test]
fn a_table_printing_none_of_an_identitys_parts_is_reported_once_not_a_mismatch_per_row() {
    // Fuzhou's 基本支出 table prints one 预算数 column: read under a grammar that also knows
    // 人员经费 and 公用经费, those columns are blank throughout. 合计 = 人员经费 + 公用经费 then
    // has nothing to check; it was a mismatch on every row ("the parts give 0").
    let blank = |doc: &mut Document, cols: &[usize]| {
        let t = doc
            .tables
            .iter_mut()
            .find(|t| t.kind == "general_budget_basic_expenditure")
            .expect("表6");
        for r in &mut t.rows {
            for &c in cols {
                r.amounts[c] = None;
            }
        }
    };
    let rule = "identity.general_budget_basic_expenditure.total";
    let mut doc = sample_doc();
    blank(&mut doc, &[1, 2]);
    let r = reconcile(&doc, &RuleSet::builtin());
    let hits: Vec<&Finding> = r.findings.iter().filter(|f| f.rule == rule).collect();
    assert_eq!(hits.len(), 1, "{hits:#?}");
    assert_eq!(hits[0].severity, Severity::Unparsed);
    assert!(hits[0]
        .message
        .contains("prints no figure under 人员经费, 公用经费"));
    // One part still printed: the identity is checked, and the blank part is a mismatch
    // wherever the other part alone does not give the total (301: 198.37 vs 0 public).
    let mut doc = sample_doc();
    blank(&mut doc, &[1]);
    let r = reconcile(&doc, &RuleSet::builtin());
    assert!(r
        .findings
        .iter()
        .any(|f| f.rule == rule && f.severity == Severity::Mismatch));
}

#[test]
fn a_table_printed_unit_by_unit_checks_each_unit_and_the_department() {
    // 预算单位 tables (Hangzhou, Shenzhen bulk): the department's row, then each unit's name row
    // with its own 201/20101 rows; the codes repeat under every unit. A code's parent is found
    // within its unit; a unit row = Σ its top codes; the department row = Σ the unit rows.
    let doc_with = |b_201: &str| {
        let rows = vec![
            total("合计", &["15.00", "15.00", ""], 10),
            total("某某局", &["15.00", "15.00", ""], 11),
            total("某某局本级", &["10.00", "10.00", ""], 12),
            coded("201", "一般公共服务支出", &["10.00", "10.00", ""], 13),
            coded("20101", "人大事务", &["10.00", "10.00", ""], 14),
            total("某某中心", &["5.00", "5.00", ""], 15),
            coded("201", "一般公共服务支出", &[b_201, b_201, ""], 16),
            coded("20101", "人大事务", &["5.00", "5.00", ""], 17),
        ];
        let t = table("表3", "expenditure_summary", "03-x.toml", SUMMARY, rows);
        let mut doc = sample_doc();
        doc.tables = vec![t];
        doc
    };
    let unit_findings = |r: &Reconciliation| -> Vec<(String, Severity)> {
        r.findings
            .iter()
            .filter(|f| f.rule.starts_with("hierarchy."))
            .map(|f| (f.rule.clone(), f.severity))
            .collect()
    };
    let r = reconcile(&doc_with("5.00"), &RuleSet::builtin());
    assert!(
        !r.findings.iter().any(|f| f.severity == Severity::Mismatch),
        "{:#?}",
        r.findings
    );
    // 20101 under each unit's 201 (2), each unit row (2), the department row (1), per column.
    assert!(r.checks_passed >= 5, "{} checks passed", r.checks_passed);
    // Unit B's 201 misprinted: its 20101 no longer adds up to it, nor it to the unit row.
    let r = reconcile(&doc_with("6.00"), &RuleSet::builtin());
    let found = unit_findings(&r);
    assert!(
        found.contains(&("hierarchy.code".into(), Severity::Mismatch)),
        "{found:#?}"
    );
    assert!(
        found.contains(&("hierarchy.unit".into(), Severity::Mismatch)),
        "{found:#?}"
    );
}

#[test]
fn a_part_printed_only_through_its_sub_columns_is_their_sum() {
    // Hangzhou 支出预算总表: 基本支出 is a header over 人员支出 and 日常公用支出 with no column of
    // its own; 合计 = 人员 + 公用 + 项目 (99230.46 = 58486.35 + 12237.94 + 28506.17).
    let cols: &[(&str, &str)] = &[
        ("total", "合计"),
        ("basic_expenditure", "基本支出"),
        ("basic_expenditure.personnel", "基本支出/人员支出"),
        ("basic_expenditure.public", "基本支出/日常公用支出"),
        ("project_expenditure", "项目支出"),
    ];
    let doc_with = |personnel: &str| {
        let rows = vec![
            total(
                "合计",
                &["99230.46", "", personnel, "12237.94", "28506.17"],
                10,
            ),
            coded(
                "201",
                "一般公共服务支出",
                &["12868.19", "", "", "", "12868.19"],
                11,
            ),
        ];
        let t = table(
            "表3",
            "expenditure_summary",
            "national/03-expenditure_summary.toml",
            cols,
            rows,
        );
        let mut doc = sample_doc();
        doc.tables = vec![t];
        doc
    };
    let identity = |r: &Reconciliation| -> Vec<Severity> {
        r.findings
            .iter()
            .filter(|f| f.rule == "identity.expenditure_summary.total")
            .map(|f| f.severity)
            .collect()
    };
    let r = reconcile(&doc_with("58486.35"), &RuleSet::builtin());
    assert!(
        !identity(&r).contains(&Severity::Mismatch),
        "{:#?}",
        r.findings
    );
    // Both rows checked: 合计 through the sub-columns, 201 through 项目支出 alone.
    assert!(r.checks_passed >= 2, "{} checks passed", r.checks_passed);
    // A misprinted 人员支出 breaks the total.
    let r = reconcile(&doc_with("58486.53"), &RuleSet::builtin());
    assert!(
        identity(&r).contains(&Severity::Mismatch),
        "{:#?}",
        r.findings
    );
}

#[test]
fn a_total_column_printed_in_no_row_is_reported_once_not_missing_on_every_row() {
    // Hangzhou 支出预算总表 read under the national grammar: 基本支出 is a header over 人员支出
    // and 日常公用支出 with no column of its own, so 基本支出 = 人员 + 公用 has no total to
    // check. It was a missing total on every row.
    let cols: &[(&str, &str)] = &[
        ("total", "总计"),
        ("basic_expenditure", "基本支出"),
        ("basic_expenditure.personnel", "基本支出/人员支出"),
        ("basic_expenditure.public", "基本支出/日常公用支出"),
        ("project_expenditure", "项目支出"),
    ];
    let rows = vec![
        total(
            "合计",
            &["99230.46", "", "58486.35", "12237.94", "28506.17"],
            10,
        ),
        coded(
            "204",
            "公共安全支出",
            &["76468.81", "", "48594.69", "12236.14", "15637.98"],
            11,
        ),
    ];
    let mut t = table("表3", "expenditure_summary", "x.toml", cols, rows);
    t.grammar = "national/03-expenditure_summary.toml".into();
    let mut doc = sample_doc();
    doc.tables = vec![t];
    let r = reconcile(&doc, &RuleSet::builtin());
    let basic: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.rule == "identity.expenditure_summary.basic_expenditure")
        .collect();
    assert_eq!(basic.len(), 1, "{:#?}", r.findings);
    assert_eq!(basic[0].severity, Severity::Unparsed);
    assert!(
        basic[0]
            .message
            .contains("prints no figure under 基本支出 in any row"),
        "{}",
        basic[0].message
    );
    // 总计 = 人员 + 公用 + 项目 is still checked on both rows, through the sub-columns.
    assert!(
        !r.findings
            .iter()
            .any(|f| f.rule == "identity.expenditure_summary.total"),
        "{:#?}",
        r.findings
    );
    assert!(r.checks_passed >= 2, "{} checks passed", r.checks_passed);
}

/// The severities of `rule`'s findings on `doc` with the shipped rules, in order.
fn severities(doc: &Document, rule: &str) -> Vec<Severity> {
    reconcile(doc, &RuleSet::builtin())
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| f.severity)
        .collect()
}

#[test]
fn a_rule_finds_a_row_printed_under_another_label_of_its_line() {
    // Shenzhen prints 上年结转结余 as "上年结余、结转" and 一般公共预算拨款收入 as
    // "1.一般公共预算拨款": the rules naming the line find it ([[row_names]] in
    // rules/national.toml) instead of reporting it missing.
    let relabel = |doc: &mut Document, from: &str, to: &str| {
        let row = doc.tables[0]
            .rows
            .iter_mut()
            .find(|r| r.name == from)
            .expect(from);
        row.name = to.into();
    };
    let mut doc = sample_doc();
    relabel(&mut doc, "上年结转结余", "上年结余、结转");
    relabel(&mut doc, "一、一般公共预算拨款收入", "1.一般公共预算拨款");
    assert_eq!(severities(&doc, "cross.carryover"), []);
    assert_eq!(severities(&doc, "cross.general_budget_income"), []);
    // Found, so checked: a different figure on that line is a mismatch.
    let row = doc.tables[0]
        .rows
        .iter_mut()
        .find(|r| r.name == "1.一般公共预算拨款")
        .expect("row");
    row.amounts[0] = crate::token::parse_amount("707.93");
    assert!(severities(&doc, "cross.general_budget_income").contains(&Severity::Mismatch));
    // Without the groups the relabelled line is missing.
    let mut bare = RuleSet::builtin();
    bare.row_names.clear();
    let mut doc = sample_doc();
    relabel(&mut doc, "上年结转结余", "上年结余、结转");
    assert!(reconcile(&doc, &bare)
        .findings
        .iter()
        .any(|f| f.rule == "cross.carryover" && f.severity == Severity::Missing));
}

#[test]
fn class_lines_match_class_rows_whatever_the_nesting_the_units_and_the_family() {
    // Shenzhen prints the 财政拨款收支总表's 类 lines at level 1 with 款 lines under them and
    // no 本年支出 line, the by-function table unit by unit (a unit-name row at level 1), and
    // that table may be read with another family's grammar than the 财政拨款收支总表. The
    // rule cross.fiscal_overview_classes still matches 类 to 类 (rules/national.toml
    // [[function_class]]), and still catches a wrong figure.
    let rule = "cross.fiscal_overview_classes";
    let mut doc = sample_doc();
    let t4 = &mut doc.tables[3];
    assert_eq!(t4.kind, "fiscal_overview");
    t4.rows.retain(|r| r.name != "一、本年支出");
    for r in t4.rows.iter_mut().filter(|r| r.name.ends_with("支出")) {
        r.level = 1;
    }
    let science = t4
        .rows
        .iter()
        .position(|r| r.name == "（五）科学技术支出")
        .expect("科学技术支出");
    let mut kuan = t4.rows[science].clone();
    kuan.name = "科学技术普及".into();
    kuan.level = 2;
    t4.rows.insert(science + 1, kuan);
    let t5 = &mut doc.tables[4];
    assert_eq!(t5.kind, "general_budget_expenditure_by_function");
    let mut unit = t5.rows[0].clone();
    unit.code = None;
    unit.code_kind = None;
    unit.name = "武昌区科学技术协会".into();
    unit.level = 1;
    t5.rows.insert(1, unit);
    t5.grammar = "national/05-general_budget_expenditure_by_function.toml".into();
    assert_eq!(severities(&doc, rule), []);
    let t4 = &mut doc.tables[3];
    t4.rows[science].amounts[1] = crate::token::parse_amount("636.68");
    assert_eq!(severities(&doc, rule), [Severity::Mismatch]);
}

#[test]
fn class_lines_pair_by_class_code_when_a_reader_lost_the_name() {
    // A plain dump (广州市宣传部) gave the 国有资本经营预算支出表's 类 row its code 223 without
    // its name: the 财政拨款收支总表's line 国有资本经营预算支出 still pairs with it (by the code
    // [[function_class]] gives the name), and a wrong figure is still caught.
    let rule = "cross.fiscal_overview_classes";
    let mut doc = sample_doc();
    let t5 = &mut doc.tables[4];
    assert_eq!(t5.kind, "general_budget_expenditure_by_function");
    let science = t5
        .rows
        .iter()
        .position(|r| r.code.as_deref() == Some("206"))
        .expect("a 206 row");
    t5.rows[science].name = String::new();
    assert_eq!(severities(&doc, rule), []);
    let t5 = &mut doc.tables[4];
    t5.rows[science].amounts[0] = crate::token::parse_amount("1.00");
    assert_eq!(severities(&doc, rule), [Severity::Mismatch]);
}

#[test]
fn rows_without_a_partner_around_pages_not_rebuilt_are_not_blamed_on_the_document() {
    // A 类 row of the 一般公共预算支出表 the 财政拨款收支总表 does not print is `missing`; when the
    // by-function table lost a page (warning table_page_unparsed), its rows are doubtful and
    // the finding is `unparsed` (a plain dump's glued names: "其他计划生育事务支出住房保障支出").
    let rule = "cross.fiscal_overview_classes";
    let mut doc = sample_doc();
    let t5 = &mut doc.tables[4];
    assert_eq!(t5.kind, "general_budget_expenditure_by_function");
    let mut extra = t5
        .rows
        .iter()
        .find(|r| r.code.as_deref() == Some("206"))
        .expect("a 206 row")
        .clone();
    extra.code = Some("299".into());
    extra.name = "科目名称".into();
    t5.rows.push(extra);
    assert_eq!(severities(&doc, rule), [Severity::Missing]);
    let label = super::table_label(&doc.tables[4]);
    let page = doc.tables[4].first_page;
    doc.warnings.push(crate::model::Warning {
        code: crate::convert::TABLE_PAGE_UNPARSED.into(),
        message: "page not rebuilt".into(),
        page: Some(page),
        line: None,
        table: Some(label),
    });
    assert_eq!(severities(&doc, rule), [Severity::Unparsed]);
}

#[test]
fn a_class_name_borne_by_a_kuan_or_xiang_line_is_not_a_class_line() {
    // 229 其他支出 > 22999 其他支出 > 2299999 其他支出, printed without codes in a
    // Shenzhen 财政拨款收支总表: only the shallowest is the 类 line.
    let rows = vec![
        side("支出", "一、一般公共服务支出", 1, "46284.00", 1),
        side("支出", "海关事务", 2, "46284.00", 2),
        side("支出", "二、其他支出", 1, "7647.43", 3),
        side("支出", "其他支出", 2, "7647.43", 4),
        side("支出", "其他支出", 3, "7647.43", 5),
        side("支出", "本年支出合计", 0, "53931.43", 6),
    ];
    let t = table(
        "表6",
        "fiscal_overview",
        "04-fiscal_overview.toml",
        TWO_SIDED,
        rows,
    );
    let picked = select::function_class_rows(&t, &RuleSet::builtin());
    assert_eq!(picked, [true, false, true, false, false, false]);
}

#[test]
fn class_lines_that_also_spend_the_carry_over_are_not_blamed_on_the_document() {
    // The central template: 财政拨款收支总表's 类 lines spend 本年收入 + 上年结转, while the
    // 一般公共预算支出表 holds this year's appropriation only (部门公开表4 and 表5 of
    // central-petition-bureau-2026-budget.pdf: 一般公共服务支出 15,291.30 against 13,144.37).
    // The lines are reported as not compared, not as mismatches.
    let mut doc = sample_doc();
    let t4 = &mut doc.tables[3];
    let set = |t: &mut Table, name: &str, col: usize, v: &str| {
        let r = t.rows.iter_mut().find(|r| r.name == name).expect(name);
        r.amounts[col] = crate::token::parse_amount(v);
    };
    set(t4, "二、上年结转", 0, "100.00");
    set(t4, "（五）科学技术支出", 1, "735.68");
    set(t4, "一、本年支出", 1, "807.83");
    assert_eq!(
        severities(&doc, "cross.fiscal_overview_classes"),
        [Severity::Unparsed]
    );
}

#[test]
fn a_total_printed_first_is_checked_against_the_rows_under_it() {
    // A 三公 table read with a national grammar, its 合计 first (Fujian, Hangzhou 表7): 合计 =
    // the level-1 rows after it; a 1、 row = its （1） rows. 10.00 = 3.00 + 7.00, 7.00 = 2.00 +
    // 5.00; then 合计 printed 11.00 against the same parts.
    let rows = |first: &str| {
        vec![
            row(None, "合计", 0, None, &[first], 1),
            row(None, "1、因公出国（境）费用", 1, None, &["3.00"], 2),
            row(None, "2、公务用车购置及运行费", 1, None, &["7.00"], 3),
            row(None, "（1）公务用车购置费", 2, None, &["2.00"], 4),
            row(None, "（2）公务用车运行费", 2, None, &["5.00"], 5),
        ]
    };
    let doc_with = |first: &str| {
        let mut t = table(
            "表9",
            "three_public_expenses",
            "x.toml",
            &[("total", "合计")],
            rows(first),
        );
        t.grammar = "national/12-three_public.toml".into();
        let mut doc = sample_doc();
        doc.tables = vec![t];
        doc
    };
    let r = reconcile(&doc_with("10.00"), &RuleSet::builtin());
    assert_eq!((r.checks, r.checks_passed), (2, 2), "{:#?}", r.findings);
    let r = reconcile(&doc_with("11.00"), &RuleSet::builtin());
    let m = keyed(&r, Severity::Mismatch);
    assert_eq!(m.len(), 1, "{m:?}");
    assert_eq!(r.checks_passed, 1);
}

#[test]
fn a_missing_row_is_reported_only_where_the_rule_applies() {
    // cross.general_budget_income compares 表1, 表2 and 表4. With 表1's 一般公共预算拨款收入
    // renamed, the row is missing and reported; with 表2 also gone (printed through another
    // family's grammar, or not at all), the comparison cannot be made whatever 表1 prints, so
    // nothing is reported: before, that depended on the order of the rule's cells.
    let mut doc = sample_doc();
    let t1 = &mut doc.tables[0];
    let r = t1
        .rows
        .iter_mut()
        .find(|r| r.name.contains("一般公共预算拨款收入"))
        .expect("表1 一般公共预算拨款收入");
    r.name = "一、预算拨款".into();
    assert_eq!(
        severities(&doc, "cross.general_budget_income"),
        [Severity::Missing]
    );
    doc.tables.retain(|t| t.kind != "income_summary");
    assert_eq!(severities(&doc, "cross.general_budget_income"), []);
}

#[test]
fn a_mismatch_over_rows_the_text_reader_paired_by_guess_is_not_the_documents() {
    // 表3 210 卫生健康支出 printed 32.38 against 21011's 32.28: a mismatch of the document,
    // unless the plain reader paired that table's names with their amounts by guess
    // (plain_names_displaced: "行政经费" taken for a header piece shifts every name by one row).
    let mut doc = sample_with_wrong_210();
    let label = super::table_label(&doc.tables[2]);
    let hierarchy = |doc: &Document| -> Vec<Severity> {
        reconcile(doc, &RuleSet::builtin())
            .findings
            .iter()
            .filter(|f| f.rule == "hierarchy.code" && f.cells[0].row.starts_with("210 "))
            .map(|f| f.severity)
            .collect()
    };
    assert_eq!(hierarchy(&doc), [Severity::Mismatch]);
    doc.warnings.push(crate::model::Warning {
        code: crate::plain_dump::PLAIN_NAMES_DISPLACED.into(),
        message:
            "2 rows on page 3 printed apart from their names were paired with them in printed order"
                .into(),
        page: Some(3),
        line: None,
        table: Some(label),
    });
    assert_eq!(hierarchy(&doc), [Severity::Unparsed]);
}
