//! `budget-tables load --postgres` against a real PostgreSQL server: the one `.ci/run` starts
//! (initdb in a temporary folder, a Unix socket) and names in BUDGET_TABLES_TEST_POSTGRES.
//! Without it the tests are skipped with a notice, and fail when CI=true.

mod common;

use rust_decimal::Decimal;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SAMPLE: &str = "samples/hubei-wuchang-kexie-2025-budget.txt";
const FIXTURE: &str = "samples/fixture-expenditure-summary.pdf";
const ENV: &str = "BUDGET_TABLES_TEST_POSTGRES";

fn server(test: &str) -> Option<String> {
    match std::env::var(ENV) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{test}: {ENV} is not set, and CI=true makes that a failure (.ci/run starts the server)")
        }
        _ => {
            common::notice(&format!(
                "{test} SKIPPED: no PostgreSQL server ({ENV} unset; .ci/run starts one)"
            ));
            None
        }
    }
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_budget-tables"))
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("budget-tables-pg-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("tmp");
    d
}

fn printed(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn convert(inputs: &[&Path], out: &Path) {
    let o = bin()
        .arg("convert")
        .args(inputs)
        .arg("--out")
        .arg(out)
        .arg("-q")
        .output()
        .expect("runs");
    assert!(o.status.code().is_some(), "{}", printed(&o));
}

fn load(url: &str, schema: &str, out: &Path, extra: &[&str]) -> Output {
    bin()
        .args(["load", "--postgres", url, "--schema", schema])
        .args(extra)
        .arg(out)
        .output()
        .expect("runs")
}

/// A schema of its own for each test, dropped first.
fn fresh_schema(client: &mut postgres::Client, name: &str) -> String {
    let schema = format!("bt_test_{name}_{}", std::process::id());
    client
        .batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .expect("drop schema");
    schema
}

fn counts(client: &mut postgres::Client, schema: &str) -> [i64; 5] {
    let mut c = [0; 5];
    for (i, t) in ["documents", "tables", "rows", "facts", "findings"]
        .iter()
        .enumerate()
    {
        c[i] = client
            .query_one(&format!("SELECT count(*) FROM {schema}.{t}"), &[])
            .expect("count")
            .get(0);
    }
    c
}

/// The exact sum of value_yuan, as the server computes it (numeric).
fn server_sum(client: &mut postgres::Client, schema: &str) -> Decimal {
    let sum: String = client
        .query_one(
            &format!("SELECT sum(value_yuan)::text FROM {schema}.facts"),
            &[],
        )
        .expect("sum")
        .get(0);
    Decimal::from_str_exact(&sum).expect("decimal")
}

/// facts.csv of an output folder: (value_yuan sum, line count), exact.
fn csv_facts(out: &Path) -> (Decimal, usize) {
    let text = std::fs::read_to_string(out.join("facts.csv")).expect("facts.csv");
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let mut sum = Decimal::ZERO;
    let mut n = 0;
    for rec in r.records() {
        let rec = rec.expect("record");
        n += 1;
        if let Some(y) = rec.get(11).filter(|y| !y.is_empty()) {
            sum += Decimal::from_str_exact(y).expect("decimal");
        }
    }
    (sum, n)
}

#[test]
fn a_load_creates_the_schema_copies_every_fact_exactly_and_loading_again_replaces() {
    let Some(url) = server("a_load_creates_the_schema") else {
        return;
    };
    let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
    let schema = fresh_schema(&mut client, "load");
    let t = tmp("load");
    let out = t.join("out");
    convert(&[Path::new(SAMPLE), Path::new(FIXTURE)], &out);
    let o = load(&url, &schema, &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", printed(&o));
    assert!(
        printed(&o).contains("2 document(s) loaded"),
        "{}",
        printed(&o)
    );
    let first = counts(&mut client, &schema);
    let (sum, facts) = csv_facts(&out);
    assert_eq!(first[0], 2);
    assert_eq!(first[3], facts as i64, "one facts row per facts.csv line");
    // Exact: numeric, summed by the server, equals the exact sum of facts.csv.
    assert_eq!(server_sum(&mut client, &schema), sum);
    // The sample's 表3 合计 as a person reads it (dump lines 455-463): 707.83 万元.
    let total: String = client
        .query_one(
            &format!(
                "SELECT f.value::text FROM {schema}.facts f JOIN {schema}.tables t USING (doc_id, table_index)
                 JOIN {schema}.rows r USING (doc_id, table_index, row_index)
                 WHERE t.table_no = '表3' AND r.name = '合计' AND f.column_label = '合计'"
            ),
            &[],
        )
        .expect("表3 合计")
        .get(0);
    assert_eq!(total, "707.83");
    // Findings: as many as the document's findings.json holds.
    let manifest = std::fs::read_to_string(out.join("manifest.csv")).expect("manifest");
    let doc = manifest
        .lines()
        .nth(1)
        .expect("line")
        .split(',')
        .nth(3)
        .expect("doc_id");
    let f: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join(doc).join("findings.json")).expect("findings"),
    )
    .expect("json");
    let n: i64 = client
        .query_one(
            &format!("SELECT count(*) FROM {schema}.findings WHERE doc_id = $1"),
            &[&doc],
        )
        .expect("findings")
        .get(0);
    assert_eq!(n as usize, f["findings"].as_array().expect("array").len());
    // Keys: a primary key on each table, foreign keys on the four children.
    let keys: Vec<(String, String)> = client
        .query(
            "SELECT table_name::text, constraint_type::text FROM information_schema.table_constraints
             WHERE table_schema = $1 AND constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY') ORDER BY 1, 2",
            &[&schema],
        )
        .expect("constraints")
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    for t in ["documents", "tables", "rows", "facts", "findings"] {
        assert!(
            keys.contains(&(t.into(), "PRIMARY KEY".into())),
            "{t}: {keys:?}"
        );
        if t != "documents" {
            assert!(
                keys.contains(&(t.into(), "FOREIGN KEY".into())),
                "{t}: {keys:?}"
            );
        }
    }
    // Again, and from a second conversion of the same files into another folder: the same
    // documents by SHA-256 are replaced, counts unchanged.
    let o = load(&url, &schema, &out, &[]);
    assert!(
        printed(&o).contains("2 replaced an earlier load"),
        "{}",
        printed(&o)
    );
    assert_eq!(counts(&mut client, &schema), first);
    let other = t.join("other");
    convert(&[Path::new(SAMPLE), Path::new(FIXTURE)], &other);
    assert_eq!(load(&url, &schema, &other, &[]).status.code(), Some(0));
    assert_eq!(counts(&mut client, &schema), first);
    client
        .batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
        .expect("clean up");
}

#[test]
fn strict_leaves_out_documents_the_gate_fails_and_a_bad_document_does_not_stop_the_load() {
    let Some(url) = server("strict_leaves_out_documents") else {
        return;
    };
    let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
    let schema = fresh_schema(&mut client, "strict");
    let t = tmp("strict");
    let out = t.join("out");
    convert(&[Path::new(SAMPLE), Path::new(FIXTURE)], &out);
    // The sample prints figures that do not add up (its findings.json has mismatches), so
    // --strict leaves it out; the fixture PDF adds up and is loaded.
    let o = load(&url, &schema, &out, &["--strict"]);
    let text = printed(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(
        text.contains("1 document(s) loaded") && text.contains("1 left out by --strict"),
        "{text}"
    );
    assert_eq!(counts(&mut client, &schema)[0], 1);
    // A document whose files are damaged fails alone.
    let manifest = std::fs::read_to_string(out.join("manifest.csv")).expect("manifest");
    let doc = manifest
        .lines()
        .nth(2)
        .expect("line")
        .split(',')
        .nth(3)
        .expect("doc_id")
        .to_string();
    std::fs::write(out.join(&doc).join("document.json"), "{ not json").expect("damage");
    let o = load(&url, &schema, &out, &[]);
    let text = printed(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(
        text.contains("failed: ") && text.contains("document.json"),
        "{text}"
    );
    assert!(text.contains("1 document(s) loaded"), "{text}");
    // A bad schema name is refused before anything is sent.
    let o = load(&url, "Robert'); DROP TABLE x;--", &out, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", printed(&o));
    client
        .batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
        .expect("clean up");
}

#[test]
fn a_folder_without_a_manifest_or_a_server_that_is_not_there_is_a_clear_error() {
    let t = tmp("errors");
    let o = load("host=/nonexistent-socket-dir user=x dbname=x", "s", &t, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        printed(&o).contains("manifest.csv") && printed(&o).contains("convert"),
        "{}",
        printed(&o)
    );
    std::fs::write(t.join("manifest.csv"), "path\n").expect("write");
    let o = load("host=/nonexistent-socket-dir user=x dbname=x", "s", &t, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        printed(&o).contains("database load failed"),
        "{}",
        printed(&o)
    );
}

#[test]
fn convert_with_postgres_loads_each_document_as_it_is_converted() {
    let Some(url) = server("convert_with_postgres") else {
        return;
    };
    let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
    let schema = fresh_schema(&mut client, "convert");
    let t = tmp("convert");
    let out = t.join("out");
    let o = bin()
        .args(["convert", SAMPLE, FIXTURE, "--out"])
        .arg(&out)
        .args(["-q", "--jobs", "2", "--postgres", &url, "--schema", &schema])
        .output()
        .expect("runs");
    assert!(o.status.code().is_some(), "{}", printed(&o));
    let loaded = counts(&mut client, &schema);
    let (sum, facts) = csv_facts(&out);
    assert_eq!(loaded[0], 2);
    assert_eq!(loaded[3], facts as i64);
    assert_eq!(server_sum(&mut client, &schema), sum);
    // `load` of the same folder afterwards replaces them: the same rows.
    assert_eq!(load(&url, &schema, &out, &[]).status.code(), Some(0));
    assert_eq!(counts(&mut client, &schema), loaded);
    client
        .batch_execute(&format!("DROP SCHEMA {schema} CASCADE"))
        .expect("clean up");
}
