//! Test support shared by every test that reads the corpus of real documents
//! (`../shared/corpus` beside the checkout, see its SOURCES.md and truth/README.md).
//!
//! * [`corpus_dir`] finds it, fails the test when `CI=true` and it is absent, and otherwise
//!   says visibly on stderr that the test was skipped; [`bulk_file`] and [`bulk_doc`] find and
//!   convert a file of its `bulk/` folder.
//! * [`NOT_YET_READ`] lists the keyed documents whose layout the converter does not read yet,
//!   each with the reason; the answer-key test checks them to be *not yet* exact, so the list
//!   must shrink as the reader learns them (issue 6).
//! * [`SCANNED`] is the keyed document without a text layer.
//! * [`POPPLER_GAPS`] and [`RUN_GAPS`] list the pages where the PDF reader itself (below the
//!   converter) differs from poppler or from the answer key.
//! * [`performance_pages`], [`amounts_by_page`], [`key_amounts`] and [`take_matches`] are how
//!   the answer-key tests compare a converted document with its key, as
//!   `../shared/tools/score-corpus` does.

// Each test file uses a part of this module.
#![allow(dead_code)]

use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::PathBuf;

/// Pages of an answer key's 绩效 forms (`kind: "performance_target"`): left out of the
/// amount comparison, as in score-corpus.
pub fn performance_pages(key: &serde_json::Value) -> BTreeSet<u32> {
    let mut pages = BTreeSet::new();
    for w in key["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .filter(|w| w["kind"] == "performance_target")
    {
        let (a, b) = (
            w["first_page"].as_u64().expect("first") as u32,
            w["last_page"].as_u64().expect("last") as u32,
        );
        pages.extend(a..=b);
    }
    pages
}

/// A converted document's amounts by page, pages in `left_out` left out.
pub fn amounts_by_page(
    doc: &budget_tables::model::Document,
    left_out: &BTreeSet<u32>,
) -> BTreeMap<u32, Vec<Decimal>> {
    let mut got: BTreeMap<u32, Vec<Decimal>> = BTreeMap::new();
    for t in &doc.tables {
        for r in &t.rows {
            for a in r.amounts.iter().flatten() {
                got.entry(r.page).or_default().push(*a);
            }
        }
    }
    got.retain(|p, _| !left_out.contains(p));
    got
}

/// An answer key's amounts by page (`amounts_by_page`), the pages in `left_out` left out.
pub fn key_amounts(
    key: &serde_json::Value,
    left_out: &BTreeSet<u32>,
) -> BTreeMap<u32, Vec<Decimal>> {
    let mut out = BTreeMap::new();
    for (page, vals) in key["amounts_by_page"].as_object().expect("amounts") {
        let page: u32 = page.parse().expect("page");
        if left_out.contains(&page) {
            continue;
        }
        let vals = vals
            .as_array()
            .expect("vals")
            .iter()
            .map(|v| v.as_str().expect("s").parse::<Decimal>().expect("dec"))
            .collect();
        out.insert(page, vals);
    }
    out
}

/// How many of `want` are in `have` as a multiset; the matched ones are taken out of `have`.
pub fn take_matches(have: &mut Vec<Decimal>, want: &[Decimal]) -> usize {
    let mut matched = 0;
    for w in want {
        if let Some(i) = have.iter().position(|h| h == w) {
            have.swap_remove(i);
            matched += 1;
        }
    }
    matched
}

/// Environment variable naming the corpus folder, overriding `../shared/corpus`.
pub const CORPUS_ENV: &str = "BUDGET_CORPUS";

/// Writes a notice that `cargo test` shows without `--nocapture`: libtest captures the
/// `print!`/`eprint!` macros of a test, not writes through the process's stderr handle.
pub fn notice(msg: &str) {
    let mut e = std::io::stderr().lock();
    // A notice that cannot be written changes nothing about the test's outcome.
    let _ = writeln!(e, "notice: {msg}");
}

/// Whether `pdftotext` (poppler-utils) can be run. Absent: panics when `CI=true` (.ci/run
/// installs it), otherwise prints a visible skip notice naming `test` and returns false.
#[allow(dead_code)]
pub fn pdftotext_available(test: &str) -> bool {
    if std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_ok()
    {
        return true;
    }
    assert!(
        !std::env::var("CI").is_ok_and(|v| v == "true"),
        "{test}: pdftotext (poppler-utils) is not installed, and CI=true makes that a failure"
    );
    notice(&format!(
        "{test} SKIPPED: pdftotext (poppler-utils) not installed"
    ));
    false
}

/// The corpus folder: `$BUDGET_CORPUS`, else `../shared/corpus` relative to the project root.
/// Absent: panics when `CI=true` (CI lays `shared/` beside the clone, so absence there is a
/// broken setup, not a reason to pass), otherwise prints a visible skip notice naming `test`
/// and returns `None`.
pub fn corpus_dir(test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os(CORPUS_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "{test}: corpus folder {} not found, and CI=true makes that a failure: lay shared/ \
             beside the checkout (../shared/corpus) or set {CORPUS_ENV}",
            dir.display()
        );
    }
    notice(&format!(
        "{test} SKIPPED: corpus folder {} not found (put shared/ beside the checkout or set \
         {CORPUS_ENV}; with CI=true this is a failure)",
        dir.display()
    ));
    None
}

/// The bulk corpus file in `bulk/<folder>` whose name holds `id` (its hash prefix); panics
/// naming both when it is not there.
pub fn bulk_file(dir: &std::path::Path, folder: &str, id: &str) -> PathBuf {
    let bulk = dir.join("bulk").join(folder);
    std::fs::read_dir(&bulk)
        .unwrap_or_else(|e| panic!("{}: {e}", bulk.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.to_string_lossy().contains(id))
        .unwrap_or_else(|| panic!("{id} in {}", bulk.display()))
}

/// The document of the bulk corpus file [`bulk_file`] names, converted with the built-in
/// grammars.
pub fn bulk_doc(dir: &std::path::Path, folder: &str, id: &str) -> budget_tables::model::Converted {
    let path = bulk_file(dir, folder, id);
    budget_tables::convert::convert_file(&path, &budget_tables::grammar::GrammarSet::builtin())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The keyed corpus PDF that has no text layer (page images only), and its page count as
/// `pdfinfo` prints it (and SOURCES.md lists it): 8.
pub const SCANNED: (&str, u32) = ("beijing-government-services-2026-budget-scanned.pdf", 8);

/// Keyed corpus PDFs the converter does not read exactly yet: (file name, why). Reasons come
/// from `budget-tables convert` on the file and from comparing its output with the answer
/// key. Issue 6 is meant to empty this list; the answer-key test fails on a listed file that
/// has become exact, so that it is taken off.
pub const NOT_YET_READ: &[(&str, &str)] = &[
    (
        "jiangsu-high-court-2019-budget.pdf",
        "12 of 12 tables read; p14 政府性基金预算财政拨款支出预算表 prints a lone \"0\" and is \
         read as empty (the key keeps the 0 as an amount)",
    ),
    (
        "xian-petition-bureau-2026-budget.pdf",
        "13 of 14 tables read, 447 of 447 amounts; 表11 财政拨款上年结转资金支出表 (p30, \
         printed empty) has no grammar; the 培训费明细表 (p14-15) also gives its 人数 counts \
         (not amounts in the key); the 三公 table (p32) is read but its wrapped header cells give \
         mixed label paths (因公出国小计(境)费用), so the key total 当年“三公”经费预算小计 is \
         not found with its column",
    ),
];

/// Pages where the PDF reader (`budget_tables::pdf`) differs from poppler 22.12 (undecodable
/// characters, other characters than `pdftotext -layout`, word boxes that do not match):
/// (file name, page, what differs). When `pdftotext` is installed,
/// `corpus_walk_matches_poppler` checks each listed page still to differ.
pub const POPPLER_GAPS: &[(&str, usize, &str)] = &[
    // Page number footer "- N -" in non-embedded Helvetica without /Widths: the reader gives
    // every glyph half an em (6pt at 12pt) where Helvetica's metrics give '-' 333/1000 (4.0pt),
    // so poppler's words "-", "N", "-" end or start elsewhere. Pages 3-25 (p1-2 have none).
    ("guangzhou-petition-bureau-2026-budget.pdf", 3, HELVETICA),
    ("guangzhou-petition-bureau-2026-budget.pdf", 4, HELVETICA),
    ("guangzhou-petition-bureau-2026-budget.pdf", 5, HELVETICA),
    ("guangzhou-petition-bureau-2026-budget.pdf", 6, HELVETICA),
    ("guangzhou-petition-bureau-2026-budget.pdf", 7, HELVETICA),
    ("guangzhou-petition-bureau-2026-budget.pdf", 8, HELVETICA),
    ("guangzhou-petition-bureau-2026-budget.pdf", 9, HELVETICA),
    ("guangzhou-petition-bureau-2026-budget.pdf", 10, HELVETICA),
    ("guangzhou-petition-bureau-2026-budget.pdf", 11, HELVETICA),
    ("guangzhou-petition-bureau-2026-budget.pdf", 12, HELVETICA),
    ("guangzhou-petition-bureau-2026-budget.pdf", 13, HELVETICA),
    ("guangzhou-petition-bureau-2026-budget.pdf", 14, HELVETICA),
    ("guangzhou-petition-bureau-2026-budget.pdf", 15, HELVETICA),
    ("guangzhou-petition-bureau-2026-budget.pdf", 16, HELVETICA),
    ("guangzhou-petition-bureau-2026-budget.pdf", 17, HELVETICA),
    ("guangzhou-petition-bureau-2026-budget.pdf", 18, HELVETICA),
    ("guangzhou-petition-bureau-2026-budget.pdf", 19, HELVETICA),
    ("guangzhou-petition-bureau-2026-budget.pdf", 20, HELVETICA),
    ("guangzhou-petition-bureau-2026-budget.pdf", 21, HELVETICA),
    ("guangzhou-petition-bureau-2026-budget.pdf", 22, HELVETICA),
    ("guangzhou-petition-bureau-2026-budget.pdf", 23, HELVETICA),
    ("guangzhou-petition-bureau-2026-budget.pdf", 24, HELVETICA),
    ("guangzhou-petition-bureau-2026-budget.pdf", 25, HELVETICA),
];

const HELVETICA: &str = "standard-14 Helvetica without /Widths gets half an em per glyph, \
                         not Helvetica's metrics: footer '- N -' positions differ";

/// Pages where an amount of the answer key does not come out of `TextLines` as one run
/// (split, merged or lost): (file name, page, what differs).
/// `corpus_amounts_from_truth_keys` checks each listed page still to differ.
pub const RUN_GAPS: &[(&str, usize, &str)] = &[
    // An amount right-aligned in its column and the next cell's text 0.8pt after it, with no
    // ruling between, become one run; poppler keeps two words. (Where a ruling separates
    // them, `TextLines` ends the run there; without one the layout stage cuts such a run
    // by column geometry, which `TextLines` alone cannot know.)
    (
        "guangzhou-petition-bureau-2026-budget.pdf",
        19,
        "three 0.00 (x 528-548.0) joined with the project description starting at x 548.8 \
         (no vertical ruling): runs '0.00转，为信访…' etc.",
    ),
    (
        "guangzhou-petition-bureau-2026-budget.pdf",
        20,
        "three 0.00 (x 528-548.0) joined with the project description starting at x 548.8 \
         (no vertical ruling): runs '0.00善信访复查…', '0.00能，确保…'",
    ),
];

/// Why `file` is on [`NOT_YET_READ`], if it is.
pub fn not_yet_read(file: &str) -> Option<&'static str> {
    NOT_YET_READ
        .iter()
        .find(|(f, _)| *f == file)
        .map(|(_, why)| *why)
}
