//! 项目支出绩效目标表 printed as a form, one project per page (项目名称, 主管部门, the project's
//! funds: 资金总额 = 财政拨款 + 上年结转 + 其他资金, then the indicators), as the central
//! departments and Fuzhou print it; and the Zhejiang list of projects with one amount and a
//! centred 绩效目标 text cell. Before, every such form was "could not be rebuilt" (or, titled by
//! its project alone, "no grammar matches"). Expected figures were read off the PDFs with
//! `pdftotext -layout -f N -l N`, not off the program's output.

mod common;

use budget_tables::convert::convert_file;
use budget_tables::grammar::GrammarSet;
use budget_tables::model::{Document, Table};
use rust_decimal::Decimal;
use std::path::Path;
use std::str::FromStr;

fn d(s: &str) -> Option<Decimal> {
    Some(Decimal::from_str(s).expect("test decimal"))
}

fn convert(path: &Path) -> Document {
    convert_file(path, &GrammarSet::builtin())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .document
}

/// The funds block of the form titled `title`: (row name, amount) in printed order.
fn funds(doc: &Document, title: &str) -> Vec<(String, Option<Decimal>)> {
    let t: &Table = doc
        .tables
        .iter()
        .find(|t| t.kind == "performance_project.funds" && t.title.starts_with(title))
        .unwrap_or_else(|| panic!("funds of {title}"));
    t.rows
        .iter()
        .map(|r| (r.name.clone(), r.amounts[0]))
        .collect()
}

fn rows(pairs: &[(&str, Option<Decimal>)]) -> Vec<(String, Option<Decimal>)> {
    pairs.iter().map(|(n, v)| (n.to_string(), *v)).collect()
}

#[test]
fn central_forms_read_their_funds_with_score_columns_beside_them() {
    let Some(dir) =
        common::corpus_dir("central_forms_read_their_funds_with_score_columns_beside_them")
    else {
        return;
    };
    let doc = convert(&dir.join("central-petition-bureau-2026-budget.pdf"));
    // Page 30, titled by its project alone: 年度资金总额： 2,134.87; 其中：财政拨款 1,384.87
    // (执行率 beside it); （万元） 上年结转 750.00 （10）; 其他资金 "-".
    assert_eq!(
        funds(&doc, "信息化运行维护绩效目标表"),
        rows(&[
            ("年度资金总额", d("2134.87")),
            ("财政拨款", d("1384.87")),
            ("上年结转", d("750.00")),
            ("其他资金", None),
        ])
    );
    // Page 31: 2,706.79 = 2,616.79 + 90.00 + 0.00.
    assert_eq!(
        funds(&doc, "信访综合保障经费绩效目标表"),
        rows(&[
            ("年度资金总额", d("2706.79")),
            ("财政拨款", d("2616.79")),
            ("上年结转", d("90.00")),
            ("其他资金", d("0.00")),
        ])
    );
    let t = doc
        .tables
        .iter()
        .find(|t| t.title.starts_with("信访综合保障经费绩效目标表"))
        .expect("table");
    assert_eq!(
        (t.first_page, t.unit),
        (31, budget_tables::model::Unit::WanYuan)
    );
}

#[test]
fn fuzhou_forms_are_each_a_table_and_their_funds_add_up() {
    let Some(dir) = common::corpus_dir("fuzhou_forms_are_each_a_table_and_their_funds_add_up")
    else {
        return;
    };
    // 2026年福州市民政局部门预算.pdf: 25 forms, pages 28-52.
    let doc = common::bulk_doc(&dir, "017_福州", "968213e4b8").document;
    // Page 33: 资金总额 300.00, 财政拨款 300.00, 其他资金 0.00, in a frame labelled
    // 专项资金情 / 况（万元） whose pieces share the lines of the figures.
    assert_eq!(
        funds(&doc, "福蕾行动计划项目资金项目绩效目标表"),
        rows(&[
            ("资金总额", d("300.00")),
            ("财政拨款", d("300.00")),
            ("其他资金", d("0.00")),
        ])
    );
    let forms = doc
        .tables
        .iter()
        .filter(|t| t.kind == "performance_project.funds")
        .count();
    assert_eq!(forms, 25, "one table per form");
    assert!(
        !doc.warnings
            .iter()
            .any(|w| w.code == "table_unparsed" && w.message.contains("绩效目标表")),
        "no form left unread: {:?}",
        doc.warnings
    );
    // Reconciliation checks each form's 资金总额 against its sources, and they agree.
    let r =
        budget_tables::reconcile::reconcile(&doc, &budget_tables::reconcile::RuleSet::builtin());
    let funds_findings: Vec<_> = r
        .findings
        .iter()
        .filter(|f| {
            f.cells
                .iter()
                .any(|c| c.table_kind == "performance_project.funds")
        })
        .collect();
    assert!(funds_findings.is_empty(), "{funds_findings:?}");
}

#[test]
fn zhejiang_project_list_keeps_the_first_rows_centred_text_and_page_breaks() {
    let Some(dir) = common::corpus_dir(
        "zhejiang_project_list_keeps_the_first_rows_centred_text_and_page_breaks",
    ) else {
        return;
    };
    // 2026年杭州市交通运输局部门预算.pdf, 表11 2026年市级部门项目支出绩效表, pages 39-41.
    let doc = common::bulk_doc(&dir, "008_杭州", "e488d33151").document;
    let t = doc
        .tables
        .iter()
        .find(|t| t.kind == "performance_project")
        .expect("表11");
    assert_eq!((t.first_page, t.last_page), (39, 41));
    let first = &t.rows[0];
    assert_eq!(first.amounts, [d("64.90")]);
    assert_eq!(
        first.attributes.get("项目名称").map(String::as_str),
        Some("日常保障运行")
    );
    // Its 绩效目标 is centred on the row: the first of its two lines is printed above the
    // amount, right under the header.
    assert_eq!(
        first.attributes.get("绩效目标").map(String::as_str),
        Some("推进干部教育培训事业持续健康发展，提升干部履职能力，提高党员干部塑造变革和推进现代化建设新能力。")
    );
    let r = t
        .rows
        .iter()
        .find(|r| r.amounts == [d("504000.00")])
        .expect("行业内相关政府补偿 504,000.00");
    assert_eq!(
        r.attributes.get("项目名称").map(String::as_str),
        Some("行业内相关政府补偿")
    );
    assert_eq!(
        r.attributes.get("单位名称").map(String::as_str),
        Some("杭州市交通运输局")
    );
    // Every row has its amount: no row made of a 绩效目标 tail.
    assert!(t.rows.iter().all(|r| r.amounts[0].is_some()));
}

#[test]
fn a_goal_split_by_a_page_break_stays_one_cell() {
    let Some(dir) = common::corpus_dir("a_goal_split_by_a_page_break_stays_one_cell") else {
        return;
    };
    // 2026年杭州市公安局部门预算.pdf, 表11 pages 34-37: three 绩效目标 cells run over a page
    // break; page 37 opens with "业务技能，介绍推广新的检验技术和实战技能，承担科研项目课题的
    // 研究。", the end of the row above's cell.
    let doc = common::bulk_doc(&dir, "008_杭州", "c0afe4e6bf").document;
    let t = doc
        .tables
        .iter()
        .find(|t| t.kind == "performance_project")
        .expect("表11");
    assert!(t.rows.iter().all(|r| r.amounts[0].is_some()));
    assert!(t.rows.iter().any(|r| r
        .attributes
        .get("绩效目标")
        .is_some_and(|g| g.ends_with("承担科研项目课题的研究。") && r.page == 36)));
}
