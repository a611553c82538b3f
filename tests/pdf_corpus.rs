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
}

impl PageSink for Both {
    fn begin_page(&mut self, p: &budget_tables::pdf::PageInfo) {
        self.lines.begin_page(p);
    }
    fn glyph(&mut self, g: &Glyph) {
        self.glyphs += 1;
        self.lines.glyph(g);
    }
    fn ruling(&mut self, _r: &Ruling) {
        self.rulings += 1;
    }
}

fn corpus() -> Option<Vec<PathBuf>> {
    let dir = std::env::var("BUDGET_CORPUS").unwrap_or_else(|_| CORPUS.to_string());
    let Ok(rd) = std::fs::read_dir(&dir) else {
        println!("notice: corpus {dir} absent; corpus walk skipped");
        return None;
    };
    let mut v: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .collect();
    v.sort();
    Some(v)
}

/// Page texts (lines joined by '\n') of one file.
fn walk(path: &Path) -> Vec<String> {
    let t0 = Instant::now();
    let pdf = PdfFile::open(path).unwrap_or_else(|e| panic!("{e}"));
    let mut sink = Both::default();
    let mut pages = Vec::new();
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
    pages
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
        let pages = walk(f);
        if have_poppler {
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
