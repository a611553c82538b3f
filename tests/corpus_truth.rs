//! Every corpus PDF against its hand-checked answer key (../shared/corpus/truth/*.json): each
//! table found with its pages, unit and emptiness, the tables the contents list but the body
//! lacks, and the multiset of amounts printed on every table page. Skips with a notice when
//! the corpus is absent.

use budget_tables::convert::convert_file;
use budget_tables::grammar::GrammarSet;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

/// A title as the answer keys compare titles: no spaces or quotes, no label, no year.
fn norm_title(s: &str) -> String {
    let s: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && !"“”\"'「」".contains(*c))
        .collect();
    let label = regex::Regex::new(
        r"^(公开\d+表|表[一二三四五六七八九十\d]+(-\d+)?[.．、]?|[一二三四五六七八九十]+、)",
    )
    .expect("regex");
    let s = label.replace(&s, "").to_string();
    regex::Regex::new(r"^\d{4}年(度)?")
        .expect("regex")
        .replace(&s, "")
        .to_string()
}

#[test]
fn every_corpus_pdf_matches_its_answer_key() {
    let truth_dir = Path::new("../shared/corpus/truth");
    if !truth_dir.exists() {
        println!("notice: ../shared/corpus absent, answer-key test skipped");
        return;
    }
    let grammars = GrammarSet::builtin();
    let mut files: Vec<_> = std::fs::read_dir(truth_dir)
        .expect("truth dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let (mut tables, mut amounts) = (0, 0);
    for tf in files {
        let key: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&tf).expect("read")).expect("json");
        let file = key["file"].as_str().expect("file");
        let doc = convert_file(&Path::new("../shared/corpus").join(file), &grammars)
            .expect("converts")
            .document;
        // Tables: pages, unit, empty, in document order.
        let want = key["tables"].as_array().expect("tables");
        assert_eq!(
            doc.tables.iter().filter(|t| !t.kind.contains('.')).count(),
            want.len(),
            "{file}: table count"
        );
        for w in want {
            let title = norm_title(w["title"].as_str().expect("title"));
            let t = doc
                .tables
                .iter()
                .find(|t| norm_title(&t.title) == title || norm_title(&t.title).contains(&title))
                .unwrap_or_else(|| panic!("{file}: table {title} not found"));
            let got = (t.first_page, t.last_page, t.unit.label(), t.empty);
            let exp = (
                w["first_page"].as_u64().expect("first") as u32,
                w["last_page"].as_u64().expect("last") as u32,
                w["unit"].as_str().expect("unit"),
                w["empty"].as_bool().expect("empty"),
            );
            assert_eq!(
                got, exp,
                "{file}: {title} (first page, last page, unit, empty)"
            );
            tables += 1;
        }
        let missing: Vec<String> = key["missing_tables"]
            .as_array()
            .map(|v| {
                v.iter()
                    .map(|x| norm_title(x.as_str().unwrap_or("")))
                    .collect()
            })
            .unwrap_or_default();
        let got_missing: Vec<String> = doc.missing_tables.iter().map(|m| norm_title(m)).collect();
        assert_eq!(got_missing, missing, "{file}: missing tables");
        // Amounts per page, as multisets of exact decimals (performance tables aside: none here).
        let mut got: BTreeMap<u32, Vec<Decimal>> = BTreeMap::new();
        for t in &doc.tables {
            for r in &t.rows {
                for a in r.amounts.iter().flatten() {
                    got.entry(r.page).or_default().push(*a);
                }
            }
        }
        let by_page = key["amounts_by_page"].as_object().expect("amounts");
        for (page, vals) in by_page {
            let page: u32 = page.parse().expect("page");
            let mut want: Vec<Decimal> = vals
                .as_array()
                .expect("vals")
                .iter()
                .map(|v| Decimal::from_str(v.as_str().expect("s")).expect("dec"))
                .collect();
            let mut have = got.remove(&page).unwrap_or_default();
            want.sort();
            have.sort();
            assert_eq!(have, want, "{file}: amounts on page {page}");
            amounts += want.len();
        }
        assert!(
            got.is_empty(),
            "{file}: amounts on pages the key has no table on: {:?}",
            got.keys().collect::<Vec<_>>()
        );
    }
    println!("answer keys: {tables} tables and {amounts} amounts match");
    assert_eq!((tables, amounts), (71, 2071));
}
