//! Walks every page of every real budget PDF in the shared corpus (skipped visibly when the
//! corpus is absent, failed when CI=true): no errors, no undecodable characters, known lines
//! (read off `pdftotext -layout`) come out whole, every amount of the answer keys comes out as
//! one run, and when poppler's `pdftotext` is installed every page's characters and word
//! boxes equal poppler's. Pages where the reader is known to differ are listed in
//! `common::POPPLER_GAPS` / `common::RUN_GAPS` with what differs; a listed page that no longer
//! differs fails the test, so the lists are kept honest. The scanned PDF must read as scanned
//! on every page.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use budget_tables::pdf::{Glyph, PageSink, PdfFile, Ruling, TextLines};

/// Counts glyphs and rulings while also collecting lines.
#[derive(Default)]
struct Both {
    lines: TextLines,
    glyphs: usize,
    rulings: usize,
    /// This page's glyphs: (text, x, right edge).
    page_glyphs: Vec<(String, f64, f64)>,
}

impl PageSink for Both {
    fn begin_page(&mut self, p: &budget_tables::pdf::PageInfo) {
        self.lines.begin_page(p);
        self.page_glyphs.clear();
    }
    fn glyph(&mut self, g: &Glyph) {
        self.glyphs += 1;
        self.lines.glyph(g);
        self.page_glyphs
            .push((g.text.to_string(), g.x, g.x + g.width));
    }
    fn ruling(&mut self, _r: &Ruling) {
        self.rulings += 1;
    }
}

/// The PDFs at the top of the corpus folder (not bulk/, which has no answer keys).
fn corpus(test: &str) -> Option<Vec<PathBuf>> {
    let dir = common::corpus_dir(test)?;
    println!("corpus: {}", dir.display());
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "pdf"))
        .collect();
    v.sort();
    assert!(!v.is_empty(), "{}: no PDFs", dir.display());
    Some(v)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}

/// A page that differs from what the test expects: (file name, page, what differs).
type Diff = (String, usize, String);

/// Fails on every difference not on `listed`, and, when `listed_must_differ`, on every listed
/// page of a file that was checked but no longer differs (so it is taken off the list). Known
/// gaps are named in one visible notice per file.
fn check_against_list(
    test: &str,
    diffs: &[Diff],
    listed: &[(&str, usize, &str)],
    checked: &[String],
    listed_must_differ: bool,
) {
    let mut fails = Vec::new();
    let mut known: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (f, p, what) in diffs {
        if listed.iter().any(|(lf, lp, _)| lf == f && lp == p) {
            known.entry(f.as_str()).or_default().push(*p);
        } else {
            fails.push(format!("{f} p{p}: {what}"));
        }
    }
    for (f, mut pages) in known {
        pages.sort_unstable();
        common::notice(&format!(
            "{test}: {f}: known reader gaps on pages {pages:?} (tests/common/mod.rs)"
        ));
    }
    if listed_must_differ {
        for (lf, lp, why) in listed {
            if checked.iter().any(|c| c == lf) && !diffs.iter().any(|(f, p, _)| f == lf && p == lp)
            {
                fails.push(format!(
                    "{lf} p{lp} now passes — remove it from the list in tests/common/mod.rs \
                     (listed because: {why})"
                ));
            }
        }
    }
    assert!(fails.is_empty(), "{test}:\n  {}", fails.join("\n  "));
}

/// One file walked: per page, its text (lines joined by '\n'), its glyphs and its report.
struct Walked {
    texts: Vec<String>,
    glyphs: Vec<Vec<(String, f64, f64)>>,
    reports: Vec<budget_tables::pdf::PageReport>,
}

fn walk(path: &Path) -> Walked {
    let t0 = Instant::now();
    let pdf = PdfFile::open(path).unwrap_or_else(|e| panic!("{e}"));
    let mut sink = Both::default();
    let mut texts = Vec::new();
    let mut glyphs = Vec::new();
    let mut reports = Vec::new();
    for i in 1..=pdf.page_count() {
        let rep = pdf
            .walk_page(i, &mut sink)
            .unwrap_or_else(|e| panic!("{e}"));
        reports.push(rep);
        texts.push(sink.lines.text());
        glyphs.push(std::mem::take(&mut sink.page_glyphs));
    }
    println!(
        "{:<56} pages {:>3} glyphs {:>6} rulings {:>5} undecodable {} {:>7.1} ms",
        file_name(path),
        pdf.page_count(),
        sink.glyphs,
        sink.rulings,
        reports.iter().map(|r| r.undecodable).sum::<usize>(),
        t0.elapsed().as_secs_f64() * 1000.0
    );
    Walked {
        texts,
        glyphs,
        reports,
    }
}

fn char_counts(s: &str) -> BTreeMap<char, usize> {
    let mut m = BTreeMap::new();
    for c in s.chars().filter(|c| !c.is_whitespace()) {
        *m.entry(c).or_insert(0) += 1;
    }
    m
}

/// What differs between two character multisets, briefly: characters (with counts) only
/// ours has more of, and only theirs has more of.
fn describe_char_diff(ours: &BTreeMap<char, usize>, theirs: &BTreeMap<char, usize>) -> String {
    let more = |a: &BTreeMap<char, usize>, b: &BTreeMap<char, usize>| -> String {
        a.iter()
            .filter_map(|(c, n)| {
                let m = b.get(c).copied().unwrap_or(0);
                (*n > m).then(|| format!("{c:?}×{}", n - m))
            })
            .take(12)
            .collect::<Vec<_>>()
            .join(" ")
    };
    format!(
        "characters differ from pdftotext: ours has more [{}], poppler more [{}]",
        more(ours, theirs),
        more(theirs, ours)
    )
}

#[test]
fn corpus_walk_matches_poppler() {
    let test = "corpus_walk_matches_poppler";
    let Some(files) = corpus(test) else { return };
    let have_poppler = std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_ok();
    if !have_poppler {
        common::notice(&format!(
            "{test}: pdftotext (poppler-utils) not installed; character and word-box \
             comparison skipped"
        ));
    }
    let mut diffs: Vec<Diff> = Vec::new();
    let mut checked = Vec::new();
    for f in &files {
        let name = file_name(f);
        let walked = walk(f);
        if name == common::SCANNED.0 {
            // No text layer: every page reads as scanned and draws no glyph.
            assert_eq!(
                walked.reports.len(),
                common::SCANNED.1 as usize,
                "{name}: pages"
            );
            for r in &walked.reports {
                assert!(
                    r.scanned && r.glyphs == 0,
                    "{name}: page {} not read as scanned: {r:?}",
                    r.page
                );
            }
            continue;
        }
        checked.push(name.clone());
        for r in &walked.reports {
            if r.undecodable > 0 {
                diffs.push((
                    name.clone(),
                    r.page,
                    format!("{} undecodable characters", r.undecodable),
                ));
            }
            if r.scanned {
                diffs.push((name.clone(), r.page, "page looks scanned".into()));
            }
        }
        if have_poppler {
            check_word_boxes(f, &walked.glyphs, &mut diffs);
            let out = std::process::Command::new("pdftotext")
                .arg("-layout")
                .arg(f)
                .arg("-")
                .output()
                .expect("pdftotext runs");
            let text = String::from_utf8_lossy(&out.stdout);
            let theirs: Vec<&str> = text.split('\x0c').collect();
            for (i, ours) in walked.texts.iter().enumerate() {
                let (a, b) = (
                    char_counts(ours),
                    char_counts(theirs.get(i).copied().unwrap_or("")),
                );
                if a != b {
                    diffs.push((name.clone(), i + 1, describe_char_diff(&a, &b)));
                }
            }
        }
    }
    // The listed gaps are differences from poppler: without it they cannot be seen.
    check_against_list(test, &diffs, common::POPPLER_GAPS, &checked, have_poppler);
}

/// Lines as `pdftotext -layout` prints them (whitespace runs collapsed to one space).
#[test]
fn corpus_known_lines() {
    let Some(files) = corpus("corpus_known_lines") else {
        return;
    };
    let cases: &[(&str, usize, &str)] = &[
        (
            "shanghai-putuo-commerce-2025-budget.pdf",
            9,
            "2025年部门财务收支预算总表",
        ),
        (
            "shanghai-putuo-commerce-2025-budget.pdf",
            10,
            "201 13 02 一般行政管理事务 4,545,000.00 4,545,000.00",
        ),
        (
            "jiangsu-high-court-2018-budget.pdf",
            10,
            "收入合计 33,172.15 支出合计 33,172.15",
        ),
        (
            "shanghai-putuo-finance-2024-final-accounts-altered.pdf",
            7,
            "本年收入合计 2,946.25 本年支出合计 2,940.05",
        ),
        (
            "jiangsu-cppcc-office-2018-budget-tables.pdf",
            1,
            "收入合计 10,150.48 支出合计 10,150.48",
        ),
    ];
    for (name, page, line) in cases {
        let path = files
            .iter()
            .find(|p| p.ends_with(name))
            .unwrap_or_else(|| panic!("{name} is not in the corpus"));
        let pdf = PdfFile::open(path).unwrap();
        let mut tl = TextLines::default();
        pdf.walk_page(*page, &mut tl).unwrap();
        let texts: Vec<String> = tl.lines().iter().map(|l| l.text()).collect();
        assert!(
            texts.iter().any(|t| t == line),
            "{name} p{page}: no line {line:?} in {texts:#?}"
        );
    }
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Every word poppler finds (`pdftotext -bbox`) must start with one of our glyphs
/// at its xMin and end with one whose right edge is its xMax (within 0.6pt):
/// positions and advance widths agree with an independent implementation. The first word
/// of a page that does not is added to `diffs`.
fn check_word_boxes(f: &Path, glyphs: &[Vec<(String, f64, f64)>], diffs: &mut Vec<Diff>) {
    let out = std::process::Command::new("pdftotext")
        .arg("-bbox")
        .arg(f)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    let html = String::from_utf8_lossy(&out.stdout);
    let word = regex::Regex::new(
        r#"<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</word>"#,
    )
    .unwrap();
    let mut words = 0;
    for (i, page) in html.split("<page ").skip(1).enumerate() {
        let ours = glyphs.get(i).map(Vec::as_slice).unwrap_or_default();
        for c in word.captures_iter(page) {
            let (x0, x1): (f64, f64) = (c[1].parse().unwrap(), c[2].parse().unwrap());
            let text = unescape(&c[3]);
            let (Some(first), Some(last)) = (text.chars().next(), text.chars().last()) else {
                continue;
            };
            words += 1;
            let starts = ours
                .iter()
                .any(|g| g.0.starts_with(first) && (g.1 - x0).abs() < 0.6);
            let ends = ours
                .iter()
                .any(|g| g.0.ends_with(last) && (g.2 - x1).abs() < 0.6);
            if !(starts && ends) {
                diffs.push((
                    file_name(f),
                    i + 1,
                    format!("poppler word {text:?} at x {x0}..{x1} has no matching glyphs"),
                ));
                break;
            }
        }
    }
    assert!(words > 0, "{}: poppler found no words", f.display());
}

/// The corpus answer keys (`truth/*.json`, read off poppler by hand-checked tools)
/// list every amount printed in the tables, page by page. Each must come out of
/// [`TextLines`] as one whole run (commas aside), as often as it is printed:
/// no amount split, merged with a neighbour, or lost.
#[test]
fn corpus_amounts_from_truth_keys() {
    let test = "corpus_amounts_from_truth_keys";
    let Some(files) = corpus(test) else { return };
    let mut checked = 0;
    let mut diffs: Vec<Diff> = Vec::new();
    let mut names = Vec::new();
    for f in &files {
        let name = file_name(f);
        let Some(dir) = f.parent() else { continue };
        let stem = f.file_stem().unwrap_or_default().to_string_lossy();
        let key = dir.join("truth").join(format!("{stem}.json"));
        let Ok(json) = std::fs::read_to_string(&key) else {
            common::notice(&format!("{test}: {name}: no answer key {}", key.display()));
            continue;
        };
        let truth: serde_json::Value = serde_json::from_str(&json).unwrap();
        let pages = truth["amounts_by_page"]
            .as_object()
            .unwrap_or_else(|| panic!("{}: no amounts_by_page", key.display()));
        names.push(name.clone());
        let pdf = PdfFile::open(f).unwrap();
        let mut tl = TextLines::default();
        for (page, amounts) in pages {
            let page: usize = page.parse().unwrap();
            pdf.walk_page(page, &mut tl).unwrap();
            let mut runs: BTreeMap<String, usize> = BTreeMap::new();
            for line in tl.lines() {
                for r in line.runs {
                    *runs.entry(r.text.replace(',', "")).or_insert(0) += 1;
                }
            }
            let mut need: BTreeMap<&str, usize> = BTreeMap::new();
            for a in amounts.as_array().into_iter().flatten() {
                *need.entry(a.as_str().unwrap_or_default()).or_insert(0) += 1;
            }
            let mut short = Vec::new();
            for (a, n) in need {
                let have = runs.get(a).copied().unwrap_or(0);
                if have < n {
                    short.push(format!("{a} printed {n}× but found as a run {have}×"));
                }
                checked += n;
            }
            if !short.is_empty() {
                diffs.push((
                    name.clone(),
                    page,
                    format!("{} amounts: {}", short.len(), short.join("; ")),
                ));
            }
        }
    }
    check_against_list(test, &diffs, common::RUN_GAPS, &names, true);
    println!("amounts checked against answer keys: {checked}");
}
