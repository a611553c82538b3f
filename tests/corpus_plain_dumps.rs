//! The plain (content-order) text dumps in the corpus (`<name>.txt` beside a keyed
//! `<name>.pdf`), converted and scored against that PDF's answer key as
//! `../shared/tools/score-corpus` scores text dumps: as whole documents, the multiset of the
//! amounts of the key's table pages (绩效 pages left out) against every amount the dump's
//! conversion reports. Recall = key amounts found; precision = amounts found that the key
//! holds.
//!
//! Issue 9 asks ≥ 97% recall and ≥ 99% precision for each. Not all dumps are there yet, so
//! each has a floor (`FLOORS`, from the counts measured when the plain reader landed, with
//! what is not read yet): the test fails when a dump falls below its floor, and when a dump
//! reaches 97% while its floor says it has not (take it off). Precision is held at 99% for
//! every dump now. A second test holds cells of the Shenzhen dump that a person read from the
//! PDF (`pdftotext -layout -f 18 -l 27` of it), wrapped names and page breaks included.
//!
//! Skipped visibly without the corpus; with CI=true that is a failure.

mod common;

use budget_tables::convert::convert_file;
use budget_tables::grammar::GrammarSet;
use budget_tables::model::{Document, Table};
use rust_decimal::Decimal;
use std::str::FromStr;

/// (dump, key amounts it must find at least, what is not read yet).
const FLOORS: &[(&str, usize, &str)] = &[
    (
        "shenzhen-petition-bureau-2026-budget.txt",
        811,
        "表1 收支总表 and 表6 财政拨款收支总表 are two-sided and printed in content order \
         (table_unparsed); 表9 三公 columns are kept unnamed",
    ),
    (
        "central-petition-bureau-2026-budget.txt",
        5,
        "column-major: codes, names and amounts in separate blocks with blank cells omitted; \
         most tables are reported table_unparsed",
    ),
];

const RECALL: u64 = 97;
const PRECISION: u64 = 99;

/// (key amounts found, key amounts, amounts found), whole document.
fn score(doc: &Document, key: &serde_json::Value) -> (usize, usize, usize) {
    let perf_pages = common::performance_pages(key);
    let mut have: Vec<Decimal> = doc
        .tables
        .iter()
        .flat_map(|t| t.rows.iter())
        .flat_map(|r| r.amounts.iter().flatten().copied())
        .collect();
    let found = have.len();
    let (mut matched, mut wanted) = (0, 0);
    for (page, vals) in key["amounts_by_page"].as_object().expect("amounts") {
        let page: u32 = page.parse().expect("page");
        if perf_pages.contains(&page) {
            continue;
        }
        for v in vals.as_array().expect("vals") {
            let want = Decimal::from_str(v.as_str().expect("s")).expect("dec");
            wanted += 1;
            if let Some(i) = have.iter().position(|h| *h == want) {
                have.swap_remove(i);
                matched += 1;
            }
        }
    }
    (matched, wanted, found)
}

#[test]
fn plain_dumps_in_the_corpus_score_against_their_pdfs_keys() {
    let test = "plain_dumps_in_the_corpus_score_against_their_pdfs_keys";
    let Some(corpus) = common::corpus_dir(test) else {
        return;
    };
    let grammars = GrammarSet::builtin();
    let mut failures = Vec::new();
    let mut scored = 0;
    for (dump, floor, why) in FLOORS {
        let key_file = corpus.join("truth").join(dump.replace(".txt", ".json"));
        let key: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(&key_file)
                .unwrap_or_else(|e| panic!("{}: {e}", key_file.display())),
        )
        .expect("json");
        let doc = match convert_file(&corpus.join(dump), &grammars) {
            Ok(c) => c.document,
            Err(e) => {
                failures.push(format!("{dump}: does not convert: {e}"));
                continue;
            }
        };
        scored += 1;
        let (matched, wanted, found) = score(&doc, &key);
        println!("{dump}: recall {matched}/{wanted}, {found} amounts found");
        if found == 0 || (matched as u64) * 100 < PRECISION * found as u64 {
            failures.push(format!(
                "{dump}: precision {matched}/{found} is below {PRECISION}%"
            ));
        }
        if matched < *floor {
            failures.push(format!(
                "{dump}: recall {matched}/{wanted} fell below its floor {floor} ({why})"
            ));
        }
        if (matched as u64) * 100 >= RECALL * wanted as u64 {
            failures.push(format!(
                "{dump}: recall {matched}/{wanted} reaches {RECALL}%: take it off FLOORS"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(scored, FLOORS.len());
}

fn table<'a>(doc: &'a Document, number: &str) -> &'a Table {
    doc.tables
        .iter()
        .find(|t| t.number.as_deref() == Some(number))
        .unwrap_or_else(|| {
            let found: Vec<_> = doc.tables.iter().map(|t| &t.number).collect();
            panic!("no {number}; tables: {found:?}")
        })
}

/// The amount in column `column` of the row keyed `key` (its code, else its name), and the
/// row's page.
fn cell(t: &Table, key: &str, column: &str) -> (Option<Decimal>, u32) {
    let c = t
        .columns
        .iter()
        .position(|c| c.id == column)
        .unwrap_or_else(|| panic!("{}: no column {column}", t.title));
    let r = t
        .rows
        .iter()
        .find(|r| r.code.as_deref() == Some(key) || r.name == key)
        .unwrap_or_else(|| panic!("{}: no row {key}", t.title));
    (r.amounts.get(c).copied().flatten(), r.page)
}

fn d(s: &str) -> Option<Decimal> {
    Some(Decimal::from_str(s).expect("decimal"))
}

#[test]
fn the_shenzhen_plain_dump_gives_the_cells_the_pdf_prints() {
    let test = "the_shenzhen_plain_dump_gives_the_cells_the_pdf_prints";
    let Some(corpus) = common::corpus_dir(test) else {
        return;
    };
    let doc = convert_file(
        &corpus.join("shenzhen-petition-bureau-2026-budget.txt"),
        &GrammarSet::builtin(),
    )
    .expect("converts")
    .document;

    // 表3 支出总表, PDF page 18: the total row is printed as the unit's name.
    let t3 = table(&doc, "表3");
    assert_eq!(t3.title, "支出总表");
    assert_eq!(t3.unit.label(), "万元");
    assert_eq!(cell(t3, "深圳市信访局", "total"), (d("4684.30"), 18));
    assert_eq!(
        cell(t3, "深圳市信访局", "basic_expenditure"),
        (d("3072.01"), 18)
    );
    assert_eq!(
        cell(t3, "深圳市信访局", "project_expenditure"),
        (d("1612.29"), 18)
    );
    // Page 19, after the page break inside the table.
    assert_eq!(cell(t3, "2080505", "total"), (d("201.65"), 19));
    assert_eq!(cell(t3, "2080506", "basic_expenditure"), (d("87.16"), 19));

    // 表4 基本支出总表, economic names without codes, over PDF pages 21-22.
    let t4 = table(&doc, "表4");
    assert_eq!(cell(t4, "奖金", "total"), (d("216.88"), 21));
    // Printed wrapped: "机关事业单位基本养老保险缴" / amounts / "费".
    assert_eq!(
        cell(t4, "机关事业单位基本养老保险缴费", "total"),
        (d("175.00"), 21)
    );
    assert_eq!(
        cell(t4, "机关事业单位基本养老保险缴费", "income.general_budget"),
        (d("175.00"), 21)
    );
    assert_eq!(cell(t4, "维修（护）费", "total"), (d("20.00"), 22));
    assert_eq!(cell(t4, "退休费", "total"), (d("184.15"), 22));
    assert_eq!(
        cell(t4, "生活补助", "fiscal_appropriation"),
        (d("8.40"), 22)
    );
    assert!(
        doc.warnings
            .iter()
            .any(|w| w.code == "plain_names_displaced"
                && w.table.as_deref() == Some("表4 基本支出总表")),
        "表4 prints rows apart from their names: {:#?}",
        doc.warnings
    );

    // 表7 一般公共预算支出表（按功能分类）, PDF pages 26-27.
    let t7 = table(&doc, "表7");
    assert_eq!(cell(t7, "2080505", "total"), (d("201.65"), 26));
    assert_eq!(cell(t7, "2080506", "total"), (d("87.16"), 26));
    assert_eq!(cell(t7, "208", "project_expenditure"), (d("0.00"), 26));

    // The two-sided summaries are reported, not guessed.
    for title in ["表1 收支总表", "表6 财政拨款收支总表"] {
        assert!(
            doc.warnings
                .iter()
                .any(|w| w.code == "table_unparsed" && w.table.as_deref() == Some(title)),
            "{title} is not reported: {:#?}",
            doc.warnings
        );
    }
}
