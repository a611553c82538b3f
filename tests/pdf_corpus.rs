//! Walks every page of every real budget PDF in the shared corpus (skipped with a
//! notice when the corpus is absent): no errors, no undecodable characters, known
//! lines (read off `pdftotext -layout`) come out whole, and when poppler's
//! `pdftotext` is installed every page's characters equal poppler's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use budget_tables::pdf::{Glyph, PageSink, PdfFile, Ruling, TextLines};

const CORPUS: &str = "/work/shared/corpus";

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

fn corpus() -> Option<Vec<PathBuf>> {
    // $BUDGET_CORPUS, else the shared folder beside the checkout (as CI lays it
    // out), else the developer machines' /work/shared/corpus
    let candidates: Vec<PathBuf> = std::env::var_os("BUDGET_CORPUS")
        .map(PathBuf::from)
        .into_iter()
        .chain([
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
            PathBuf::from(CORPUS),
        ])
        .collect();
    let Some((dir, rd)) = candidates
        .iter()
        .find_map(|d| std::fs::read_dir(d).ok().map(|rd| (d.clone(), rd)))
    else {
        println!("notice: corpus absent (looked in {candidates:?}); corpus walk skipped");
        return None;
    };
    println!("corpus: {}", dir.display());
    let mut v: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .collect();
    v.sort();
    Some(v)
}

/// One file walked: per page, its text (lines joined by '\n') and its glyphs.
struct Walked {
    texts: Vec<String>,
    glyphs: Vec<Vec<(String, f64, f64)>>,
}

fn walk(path: &Path) -> Walked {
    let t0 = Instant::now();
    let pdf = PdfFile::open(path).unwrap_or_else(|e| panic!("{e}"));
    let mut sink = Both::default();
    let mut pages = Vec::new();
    let mut glyphs = Vec::new();
    let mut undecodable = 0;
    for i in 1..=pdf.page_count() {
        let rep = pdf
            .walk_page(i, &mut sink)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            rep.undecodable,
            0,
            "{}: page {i}: undecodable characters",
            pdf.name()
        );
        assert!(!rep.scanned, "{}: page {i} looks scanned", pdf.name());
        undecodable += rep.undecodable;
        pages.push(sink.lines.text());
        glyphs.push(std::mem::take(&mut sink.page_glyphs));
    }
    println!(
        "{:<56} pages {:>3} glyphs {:>6} rulings {:>5} undecodable {} {:>7.1} ms",
        path.file_name().unwrap_or_default().to_string_lossy(),
        pdf.page_count(),
        sink.glyphs,
        sink.rulings,
        undecodable,
        t0.elapsed().as_secs_f64() * 1000.0
    );
    Walked {
        texts: pages,
        glyphs,
    }
}

fn char_counts(s: &str) -> BTreeMap<char, usize> {
    let mut m = BTreeMap::new();
    for c in s.chars().filter(|c| !c.is_whitespace()) {
        *m.entry(c).or_insert(0) += 1;
    }
    m
}

#[test]
fn corpus_walk_matches_poppler() {
    let Some(files) = corpus() else { return };
    let have_poppler = std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_ok();
    if !have_poppler {
        println!("notice: pdftotext not installed; character comparison skipped");
    }
    for f in &files {
        let walked = walk(f);
        let pages = &walked.texts;
        if have_poppler {
            check_word_boxes(f, &walked.glyphs);
            let out = std::process::Command::new("pdftotext")
                .arg("-layout")
                .arg(f)
                .arg("-")
                .output()
                .expect("pdftotext runs");
            let text = String::from_utf8_lossy(&out.stdout);
            let theirs: Vec<&str> = text.split('\x0c').collect();
            for (i, ours) in pages.iter().enumerate() {
                assert_eq!(
                    char_counts(ours),
                    char_counts(theirs.get(i).copied().unwrap_or("")),
                    "{}: page {} characters differ from pdftotext",
                    f.display(),
                    i + 1
                );
            }
        }
    }
}

/// Lines as `pdftotext -layout` prints them (whitespace runs collapsed to one space).
#[test]
fn corpus_known_lines() {
    let Some(files) = corpus() else { return };
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
        let Some(path) = files.iter().find(|p| p.ends_with(name)) else {
            println!("notice: {name} absent; skipped");
            continue;
        };
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
/// positions and advance widths agree with an independent implementation.
fn check_word_boxes(f: &Path, glyphs: &[Vec<(String, f64, f64)>]) {
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
        let ours = &glyphs[i];
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
            assert!(
                starts && ends,
                "{}: page {}: poppler word {text:?} at x {x0}..{x1} has no matching glyphs",
                f.display(),
                i + 1
            );
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
    let Some(files) = corpus() else { return };
    let mut checked = 0;
    for f in &files {
        let Some(dir) = f.parent() else { continue };
        let stem = f.file_stem().unwrap_or_default().to_string_lossy();
        let key = dir.join("truth").join(format!("{stem}.json"));
        let Ok(json) = std::fs::read_to_string(&key) else {
            println!("notice: no answer key {}", key.display());
            continue;
        };
        let truth: serde_json::Value = serde_json::from_str(&json).unwrap();
        let Some(pages) = truth["amounts_by_page"].as_object() else {
            continue;
        };
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
            for (a, n) in need {
                let have = runs.get(a).copied().unwrap_or(0);
                assert!(
                    have >= n,
                    "{stem} p{page}: amount {a} printed {n}× but found as a run {have}×"
                );
                checked += n;
            }
        }
    }
    println!("amounts checked against answer keys: {checked}");
}
