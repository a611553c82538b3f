//! The `pdftotext -layout` dump of every keyed corpus PDF, made at test time, converted as a
//! text dump and scored against that PDF's answer key as `../shared/tools/score-corpus`
//! scores a PDF: per page, the multiset of amounts found against the key's (绩效 pages left
//! out); recall = key amounts found, precision = amounts found that the page prints; and
//! each hand-verified key total found on its page with its column, as score-corpus checks a
//! PDF's.
//!
//! Issue 9 asks ≥ 99% recall and precision for every file, and every file reaches it now.
//! A file that cannot (a new corpus file) goes on `FLOORS` with its count and the reason:
//! the test fails when a file falls below its floor, and when a file reaches 99% while its
//! floor says it has not (take it off). Skipped visibly without the corpus or
//! without pdftotext; with CI=true both are failures.

mod common;

use budget_tables::convert::convert_file;
use budget_tables::grammar::GrammarSet;
use rust_decimal::Decimal;
use std::path::Path;
use std::process::Command;
use std::str::FromStr;

/// (file, key amounts its dump must find at least): files whose dump is not yet read to
/// 99% recall, with the reason. Files not listed must reach 99% recall.
const FLOORS: &[(&str, usize, &str)] = &[];

/// Key totals a dump's conversion does not give with the key's column: (file, page, the
/// key's column, why). The test fails when one is found (take it off).
const KEY_TOTAL_GAPS: &[(&str, u32, &str, &str)] = &[
    (
        "central-petition-bureau-2026-budget.pdf",
        11,
        "2026年预算数小计",
        "as in the PDF's reading, the path printed is 2026年预算数/年初预算数/小计 (the dump \
         gives 小计 alone: no rulings to span the banners over it)",
    ),
    (
        "central-petition-bureau-2026-budget.pdf",
        16,
        "2026年预算数合计",
        "the banner 2026年预算数 over the whole 三公 table is found from rulings only; the dump \
         has none, so the column is 合计",
    ),
    (
        "xian-petition-bureau-2026-budget.pdf",
        32,
        "当年“三公”经费预算小计",
        "as in the PDF's reading (common::NOT_YET_READ): wrapped header cells give mixed label \
         paths",
    ),
];

/// Recall every file not on `FLOORS` reaches, and precision every file reaches (percent).
const RECALL: u64 = 99;
const PRECISION: u64 = 99;

/// (key amounts found, key amounts, amounts found) for one converted dump.
fn score(doc: &budget_tables::model::Document, key: &serde_json::Value) -> (usize, usize, usize) {
    let perf_pages = common::performance_pages(key);
    let mut got = common::amounts_by_page(doc, &perf_pages);
    let found_total: usize = got.values().map(Vec::len).sum();
    let (mut matched, mut wanted) = (0, 0);
    for (page, want) in common::key_amounts(key, &perf_pages) {
        let mut have = got.remove(&page).unwrap_or_default();
        wanted += want.len();
        matched += common::take_matches(&mut have, &want);
    }
    (matched, wanted, found_total)
}

/// Whether a hand-verified key total (`{"page", "label", "value", "column"?}`) is a cell of
/// the document on its page and, where the key names the column (only where the label alone
/// is ambiguous), in a column whose printed header or id holds it: as score-corpus checks
/// a PDF's.
fn key_total_found(doc: &budget_tables::model::Document, k: &serde_json::Value) -> bool {
    let squash = |s: &str| s.split_whitespace().collect::<String>();
    let page = k["page"].as_u64().expect("page") as u32;
    let want = Decimal::from_str(k["value"].as_str().expect("value")).expect("dec");
    let column = k["column"].as_str().map(squash);
    budget_tables::write::facts_of(doc).any(|f| {
        f.row.page == page
            && f.value == want
            && column.as_ref().is_none_or(|c| {
                format!("{}{}", squash(&f.column.printed_header()), f.column.id).contains(c)
            })
    })
}

#[test]
fn layout_dumps_of_the_corpus_pdfs_score_against_their_keys() {
    let test = "layout_dumps_of_the_corpus_pdfs_score_against_their_keys";
    let Some(corpus) = common::corpus_dir(test) else {
        return;
    };
    if !common::pdftotext_available(test) {
        return;
    }
    let tmp =
        std::env::temp_dir().join(format!("budget-tables-layout-dumps-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).expect("temp dir");
    let grammars = GrammarSet::builtin();
    let mut keys: Vec<_> = std::fs::read_dir(corpus.join("truth"))
        .expect("truth")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    keys.sort();
    let mut failures = Vec::new();
    let (mut all_matched, mut all_wanted, mut all_found) = (0, 0, 0);
    for kf in keys {
        let key: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&kf).expect("read")).expect("json");
        let file = key["file"].as_str().expect("file");
        if file == common::SCANNED.0 {
            continue; // no text layer: its dump is empty
        }
        let dump = tmp.join(format!("{file}.txt"));
        let status = Command::new("pdftotext")
            .arg("-layout")
            .arg(corpus.join(file))
            .arg(&dump)
            .status()
            .expect("pdftotext runs");
        assert!(status.success(), "pdftotext -layout {file} failed");
        let doc = match convert_file(&dump, &grammars) {
            Ok(c) => c.document,
            Err(e) => {
                failures.push(format!("{file}: its dump does not convert: {e}"));
                continue;
            }
        };
        let (matched, wanted, found) = score(&doc, &key);
        for k in key["key_totals"].as_array().into_iter().flatten() {
            let gap = KEY_TOTAL_GAPS.iter().find(|(f, page, column, _)| {
                *f == file && k["page"] == *page && k["column"].as_str() == Some(column)
            });
            match (key_total_found(&doc, k), gap) {
                (false, None) => {
                    failures.push(format!("{file}: key total not found with its column: {k}"))
                }
                (true, Some(_)) => failures.push(format!(
                    "{file}: key total {k} is found: take it off KEY_TOTAL_GAPS"
                )),
                _ => {}
            }
        }
        all_matched += matched;
        all_wanted += wanted;
        all_found += found;
        println!("{file}: recall {matched}/{wanted}, {found} amounts found");
        if found > 0 && (matched as u64) * 100 < PRECISION * found as u64 {
            failures.push(format!(
                "{file}: precision {matched}/{found} is below {PRECISION}%"
            ));
        }
        let reaches = (matched as u64) * 100 >= RECALL * wanted as u64;
        match FLOORS.iter().find(|(f, _, _)| *f == file) {
            None if !reaches => failures.push(format!(
                "{file}: recall {matched}/{wanted} is below {RECALL}%"
            )),
            Some((_, floor, why)) if matched < *floor => failures.push(format!(
                "{file}: recall {matched}/{wanted} fell below its floor {floor} ({why})"
            )),
            Some(_) if reaches => failures.push(format!(
                "{file}: recall {matched}/{wanted} reaches {RECALL}%: take it off FLOORS"
            )),
            _ => {}
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    println!("all dumps: recall {all_matched}/{all_wanted}, {all_found} amounts found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every keyed PDF with text was dumped and scored.
    assert!(all_wanted >= 4800, "only {all_wanted} key amounts scored");
}

#[test]
fn the_floors_name_keyed_files() {
    let Some(corpus) = common::corpus_dir("the_floors_name_keyed_files") else {
        return;
    };
    for (f, _, _) in FLOORS {
        assert!(
            Path::new(&corpus.join(f)).is_file(),
            "FLOORS names {f}, not in the corpus"
        );
    }
}
