//! The plain (content-order) text dumps in the corpus (`<name>.txt` beside a keyed
//! `<name>.pdf`), converted and scored against that PDF's answer key as
//! `../shared/tools/score-corpus` scores text dumps: as whole documents, the multiset of the
//! amounts of the key's table pages (绩效 pages left out) against every amount the dump's
//! conversion reports. Recall = key amounts found; precision = amounts found that the key
//! holds.
//!
//! Issue 9 asks ≥ 97% recall and ≥ 99% precision for each. A dump not there yet has a floor
//! (`FLOORS`, the count measured, with what is not read yet): the test fails when a dump
//! falls below its floor or, without one, below 97%, and when a dump reaches 97% while its
//! floor says it has not (take it off). Precision is held at 99% for every dump. A second test holds cells of the Shenzhen dump that a person read from the
//! PDF (`pdftotext -layout -f 15 -l 27` of it), wrapped names, page breaks and the
//! interleaved two-sided 收支总表 included.
//!
//! Skipped visibly without the corpus; with CI=true that is a failure.

mod common;

use budget_tables::convert::convert_file;
use budget_tables::grammar::GrammarSet;
use budget_tables::model::{Document, Table};
use rust_decimal::Decimal;
use std::str::FromStr;

/// (dump, key amounts it must find at least, what is not read yet). Dumps not listed must
/// reach 97% recall.
const FLOORS: &[(&str, usize, &str)] = &[(
    "central-petition-bureau-2026-budget.txt",
    9,
    "column-major: codes, names and amounts in separate blocks with blank cells omitted; \
         most tables are reported table_unparsed",
)];

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
    for want in common::key_amounts(key, &perf_pages).values() {
        wanted += want.len();
        matched += common::take_matches(&mut have, want);
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
    // Every text dump beside a keyed PDF.
    let mut dumps: Vec<String> = std::fs::read_dir(&corpus)
        .expect("corpus")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|f| f.ends_with(".txt"))
        .filter(|f| {
            corpus
                .join("truth")
                .join(f.replace(".txt", ".json"))
                .is_file()
        })
        .collect();
    dumps.sort();
    assert!(dumps.len() >= 2, "the corpus's plain dumps: {dumps:?}");
    for dump in &dumps {
        let floor = FLOORS.iter().find(|(f, _, _)| f == dump);
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
        let reaches = (matched as u64) * 100 >= RECALL * wanted as u64;
        match floor {
            None if !reaches => failures.push(format!(
                "{dump}: recall {matched}/{wanted} is below {RECALL}%"
            )),
            Some((_, floor, why)) if matched < *floor => failures.push(format!(
                "{dump}: recall {matched}/{wanted} fell below its floor {floor} ({why})"
            )),
            Some(_) if reaches => failures.push(format!(
                "{dump}: recall {matched}/{wanted} reaches {RECALL}%: take it off FLOORS"
            )),
            _ => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(scored, dumps.len());
    for (f, _, _) in FLOORS {
        assert!(
            dumps.contains(&f.to_string()),
            "FLOORS names {f}, not a keyed dump"
        );
    }
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

    // 表1 收支总表 (PDF pages 15-16), printed interleaved: the two sides' items paired with
    // their amounts, the totals placed by their identities.
    let t1 = table(&doc, "表1");
    let side = |name: &str, section: &str| -> (Option<Decimal>, u32) {
        let r = t1
            .rows
            .iter()
            .find(|r| r.name == name && r.section.as_deref() == Some(section))
            .unwrap_or_else(|| panic!("表1: no {section} row {name}"));
        (r.amounts.iter().flatten().next().copied(), r.page)
    };
    assert_eq!(side("一、财政拨款", "收入"), (d("4676.96"), 15));
    assert_eq!(side("一、一般公共服务支出", "支出"), (d("3459.13"), 15));
    assert_eq!(side("住房公积金", "支出"), (d("199.91"), 16));
    assert_eq!(side("本年收入合计", "收入"), (d("4676.96"), 16));
    assert_eq!(side("上年结余、结转", "收入"), (d("7.34"), 16));
    assert_eq!(side("2.非财政拨款结余、结转", "收入"), (d("0.00"), 16));
    assert_eq!(side("收入总计", "收入"), (d("4684.30"), 16));
    assert_eq!(side("本年支出合计", "支出"), (d("4684.30"), 16));
    assert_eq!(side("结转下年", "支出"), (d("0.00"), 16));
    assert_eq!(side("支出总计", "支出"), (d("4684.30"), 16));
    assert_eq!(t1.rows.len(), 38);
    assert!(
        doc.warnings
            .iter()
            .any(|w| w.code == "plain_two_sided_by_identities"
                && w.table.as_deref() == Some("表1 收支总表")),
        "{:#?}",
        doc.warnings
    );
}
