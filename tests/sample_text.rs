//! End to end on the shipped text sample: every amount and indicator the program rebuilds is
//! compared with what a person read from the dump (samples/*.hand*.csv, written by reading the
//! source only, see samples/*.hand-notes.md), and the golden document.json is checked.

use budget_tables::convert::convert_file;
use budget_tables::grammar::GrammarSet;
use budget_tables::model::Document;
use std::collections::BTreeMap;
use std::path::Path;

const SAMPLE: &str = "samples/hubei-wuchang-kexie-2025-budget.txt";

fn convert() -> Document {
    convert_file(Path::new(SAMPLE), &GrammarSet::builtin())
        .expect("the sample converts")
        .document
}

/// Reads a CSV into records keyed by header name.
fn read_csv(path: &str) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).expect("hand file exists");
    let head = r.headers().expect("header").clone();
    r.records()
        .map(|rec| {
            let rec = rec.expect("record");
            head.iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// The hand file names block columns "<block title>/<label>"; the program keeps the block in
/// the table title. These are the same cells under the two naming schemes.
fn program_label(table_title: &str, column_label: &str) -> String {
    let block = table_title.split_once('/').map(|(_, b)| b);
    match block {
        None | Some("部门总体资金情况") => column_label.to_string(),
        Some(b) => format!("{b}/{column_label}"),
    }
}

#[test]
fn every_amount_matches_the_hand_reading() {
    let doc = convert();
    let mut program: Vec<String> = Vec::new();
    for t in &doc.tables {
        for r in &t.rows {
            for (c, a) in t.columns.iter().zip(&r.amounts) {
                let Some(v) = a else { continue };
                let mut label = program_label(&t.title, &c.label);
                let mut name = r.name.clone();
                // 项目总预算 455.04 / 项目当年预算 455.04 print the label as the column.
                if label.starts_with("项目预算/") {
                    label = name.clone();
                    name.clear();
                }
                program.push(format!(
                    "{}|{}|{}|{}|{}|{}",
                    t.number.as_deref().unwrap_or(""),
                    r.section.as_deref().unwrap_or(""),
                    r.code.as_deref().unwrap_or(""),
                    name,
                    label,
                    v
                ));
            }
        }
    }
    let hand: Vec<String> = read_csv("samples/hubei-wuchang-kexie-2025-budget.hand.csv")
        .iter()
        .map(|h| {
            format!(
                "{}|{}|{}|{}|{}|{}",
                h["table_no"],
                h["section"],
                h["row_code"],
                h["row_name"],
                h["column_label"],
                h["value"]
            )
        })
        .collect();
    let mut missing: Vec<&String> = hand.iter().filter(|h| !program.contains(h)).collect();
    let mut extra: Vec<&String> = program.iter().filter(|p| !hand.contains(p)).collect();
    missing.sort();
    extra.sort();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:#?}\nextra {extra:#?}"
    );
    assert_eq!(
        program.len(),
        hand.len(),
        "one program amount per hand-read amount"
    );
}

#[test]
fn every_indicator_matches_the_hand_reading() {
    let doc = convert();
    let program: Vec<String> = doc
        .tables
        .iter()
        .flat_map(|t| {
            t.indicators.iter().map(move |i| {
                format!(
                    "{}|{}|{}|{}|{}|{}|{}|{}",
                    t.number.as_deref().unwrap_or(""),
                    i.goal,
                    i.level1,
                    i.level2,
                    i.level3,
                    i.value,
                    i.prior_values.join("|"),
                    i.basis
                )
            })
        })
        .collect();
    let hand: Vec<String> = read_csv("samples/hubei-wuchang-kexie-2025-budget.hand-indicators.csv")
        .iter()
        .map(|h| {
            format!(
                "{}|{}|{}|{}|{}|{}|{}|{}",
                h["table_no"],
                h["goal"],
                h["level1"],
                h["level2"],
                h["level3"],
                h["value"],
                h["prior_values"],
                h["basis"]
            )
        })
        .collect();
    let missing: Vec<&String> = hand.iter().filter(|h| !program.contains(h)).collect();
    let extra: Vec<&String> = program.iter().filter(|p| !hand.contains(p)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:#?}\nextra {extra:#?}"
    );
    assert_eq!(program, hand, "same indicators in the same order");
}

#[test]
fn empty_cells_of_the_fiscal_overview_stay_empty() {
    let doc = convert();
    let t = doc
        .tables
        .iter()
        .find(|t| t.number.as_deref() == Some("表4"))
        .expect("表4");
    // Line 517: "（二）政府性基金预算拨款 （二）国防支出": both cells printed blank.
    for name in ["（二）政府性基金预算拨款", "（二）国防支出"] {
        let r = t.rows.iter().find(|r| r.name == name).expect(name);
        assert!(
            r.amounts.iter().all(|a| a.is_none()),
            "{name} must have no amount"
        );
    }
    let r = t
        .rows
        .iter()
        .find(|r| r.name == "（八）卫生健康支出")
        .expect("row");
    assert_eq!(r.section.as_deref(), Some("支出"));
    assert_eq!(
        r.amounts[1].map(|d| d.to_string()).as_deref(),
        Some("32.28")
    );
}

#[test]
fn empty_tables_and_notes() {
    let doc = convert();
    for no in ["表8", "表9"] {
        let t = doc
            .tables
            .iter()
            .find(|t| t.number.as_deref() == Some(no))
            .expect(no);
        assert!(t.empty && t.rows.is_empty(), "{no} is printed empty");
        assert!(
            t.note.as_deref().unwrap_or("").contains("没有使用"),
            "{no} keeps its 备注"
        );
    }
}

#[test]
fn document_identity() {
    let doc = convert();
    assert_eq!(doc.department.as_deref(), Some("武昌区科学技术协会"));
    assert_eq!(doc.year, Some(2025));
    assert_eq!(doc.kind, Some(budget_tables::model::DocKind::Budget));
    assert!(doc.warnings.is_empty(), "{:#?}", doc.warnings);
}

#[test]
fn golden_document_json_matches() {
    let report = budget_tables::samples::check_dir(Path::new("samples"), &GrammarSet::builtin())
        .expect("check runs");
    // The text dump and the PDF the project generates (examples/make_sample_pdf.rs).
    assert_eq!(report.samples, 2, "samples/ has two expected outputs");
    assert_eq!(
        report.differences + report.failures,
        0,
        "{}",
        report.lines.join("\n")
    );
}

#[test]
fn conversion_is_deterministic() {
    let a = serde_json::to_string(&convert()).expect("json");
    let b = serde_json::to_string(&convert()).expect("json");
    assert_eq!(a, b);
}
