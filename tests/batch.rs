//! Batch runs as a warehouse feeds them: `--jobs`, per-document facts, the manifest,
//! `--resume` (also after kill -9), `--shard`, `--summary-json`. The inputs are the corpus's
//! bulk folder (93 real PDFs: converted ones, failed ones) and the shipped sample.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SAMPLE: &str = "samples/hubei-wuchang-kexie-2025-budget.txt";

/// The sample's amounts as a person read them from the dump (one line each in the hand file).
fn sample_amounts() -> usize {
    let hand = std::fs::read_to_string("samples/hubei-wuchang-kexie-2025-budget.hand.csv")
        .expect("hand-read amounts");
    hand.lines().count() - 1
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_budget-tables"))
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("budget-tables-batch-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("tmp");
    d
}

fn convert(inputs: &[&Path], out: &Path, extra: &[&str]) -> Output {
    let mut c = bin();
    c.arg("convert")
        .args(inputs)
        .arg("--out")
        .arg(out)
        .args(extra);
    c.output().expect("runs")
}

fn printed(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Every file under `dir`, relative path → bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut m = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir) {
        let e = e.expect("walk");
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(dir)
                .expect("under")
                .display()
                .to_string();
            m.insert(rel, std::fs::read(e.path()).expect("read"));
        }
    }
    m
}

/// The manifest's lines without the last field (`seconds`, the only one that depends on
/// the run's timing).
fn manifest_without_seconds(out: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(out.join("manifest.csv")).expect("manifest.csv");
    let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header = r.headers().expect("header").clone();
    assert_eq!(header.get(header.len() - 1), Some("seconds"));
    r.records()
        .map(|rec| {
            let rec = rec.expect("record");
            rec.iter()
                .take(rec.len() - 1)
                .collect::<Vec<_>>()
                .join("\u{1f}")
        })
        .collect()
}

fn manifest(out: &Path) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(out.join("manifest.csv")).expect("manifest.csv");
    let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header = r.headers().expect("header").clone();
    r.records()
        .map(|rec| {
            let rec = rec.expect("record");
            header
                .iter()
                .map(String::from)
                .zip(rec.iter().map(String::from))
                .collect()
        })
        .collect()
}

fn bulk(test: &str) -> Option<PathBuf> {
    common::corpus_dir(test).map(|c| c.join("bulk"))
}

fn temporaries(dir: &Path) -> Vec<String> {
    files(dir)
        .into_keys()
        .filter(|k| k.ends_with(".tmp"))
        .collect()
}

#[test]
fn every_number_of_jobs_writes_the_same_files() {
    let Some(bulk) = bulk("every_number_of_jobs_writes_the_same_files") else {
        return;
    };
    let t = tmp("jobs");
    let runs: Vec<PathBuf> = ["1", "2", "3"]
        .iter()
        .map(|j| {
            let out = t.join(format!("out-{j}"));
            let o = convert(&[&bulk], &out, &["-q", "--jobs", j]);
            assert!(o.status.code().is_some(), "{}", printed(&o));
            out
        })
        .collect();
    let first = files(&runs[0]);
    assert!(
        first.len() > 500,
        "bulk gives hundreds of files: {}",
        first.len()
    );
    for out in &runs[1..] {
        let mut other = files(out);
        // The manifest differs in its seconds column only.
        assert_eq!(
            manifest_without_seconds(&runs[0]),
            manifest_without_seconds(out)
        );
        other.remove("manifest.csv");
        let mut want = first.clone();
        want.remove("manifest.csv");
        assert_eq!(
            want.keys().collect::<Vec<_>>(),
            other.keys().collect::<Vec<_>>()
        );
        for (k, v) in &want {
            assert!(
                other.get(k) == Some(v),
                "{k} differs between --jobs 1 and {}",
                out.display()
            );
        }
    }
}

#[test]
fn the_run_facts_are_the_documents_facts_in_input_order_and_the_manifest_says_what_became_of_each_input(
) {
    let Some(bulk) = bulk("the_run_facts_are_the_documents_facts") else {
        return;
    };
    let t = tmp("manifest");
    let out = t.join("out");
    let sample = Path::new(SAMPLE);
    // The sample twice (a duplicate), a folder of real budgets (some fail).
    let o = convert(&[sample, &bulk, sample], &out, &["-q"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "bulk holds files that are not budgets: {}",
        printed(&o)
    );
    let m = manifest(&out);
    let inputs = 2 + walkdir::WalkDir::new(&bulk)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "pdf"))
        .count();
    assert_eq!(m.len(), inputs, "one line per input");
    assert_eq!(m[0]["path"], SAMPLE);
    assert_eq!(m[0]["status"], "converted");
    assert_eq!(m[0]["amounts"], sample_amounts().to_string());
    assert_eq!(
        m[0]["size"],
        std::fs::metadata(SAMPLE).expect("sample").len().to_string()
    );
    let dup = m.last().expect("last");
    assert_eq!(dup["status"], "duplicate");
    assert_eq!(
        (&dup["sha256"], &dup["size"]),
        (&m[0]["sha256"], &m[0]["size"])
    );
    let failed: Vec<_> = m.iter().filter(|e| e["status"] == "failed").collect();
    assert!(!failed.is_empty() && failed.iter().all(|e| !e["error"].is_empty()));
    for e in &m {
        assert_eq!(e["sha256"].len(), 64, "{e:?}");
        assert!(!e["grammars_sha256"].is_empty() && !e["rules_sha256"].is_empty());
        assert_eq!(e["tool_version"], env!("CARGO_PKG_VERSION"));
    }
    // OUT/facts.csv is the header, then each converted document's own facts.csv in input order.
    let mut want = String::new();
    for (i, e) in m.iter().filter(|e| e["status"] == "converted").enumerate() {
        let own = std::fs::read_to_string(out.join(&e["doc_id"]).join("facts.csv")).expect("own");
        let (header, rows) = own.split_once('\n').expect("header line");
        if i == 0 {
            want.push_str(header);
            want.push('\n');
        }
        assert!(
            rows.lines().all(|l| l.starts_with(&e["doc_id"])),
            "{}",
            e["doc_id"]
        );
        assert_eq!(
            rows.lines().count().to_string(),
            e["amounts"],
            "{}: one fact per amount",
            e["doc_id"]
        );
        want.push_str(rows);
    }
    assert_eq!(
        std::fs::read_to_string(out.join("facts.csv")).expect("facts"),
        want
    );
}

#[test]
fn resume_leaves_converted_documents_alone_and_reconverts_when_the_rules_change() {
    let t = tmp("resume");
    let out = t.join("out");
    let inp = t.join("in");
    std::fs::create_dir_all(&inp).expect("in");
    std::fs::copy(SAMPLE, inp.join("a.txt")).expect("copy");
    std::fs::write(inp.join("b.txt"), "not a budget at all\n").expect("write");
    let first = convert(&[&inp], &out, &[]);
    assert_eq!(first.status.code(), Some(1), "{}", printed(&first));
    let before = files(&out);
    let o = convert(&[&inp], &out, &["--resume"]);
    let text = printed(&o);
    assert_eq!(
        o.status.code(),
        Some(1),
        "b.txt is tried again and fails again: {text}"
    );
    assert!(
        text.contains("1 converted by an earlier run and left as they were"),
        "{text}"
    );
    let after = files(&out);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    for (k, v) in &before {
        if k != "manifest.csv" {
            assert!(after.get(k) == Some(v), "{k} changed");
        }
    }
    // The resumed document's line is the earlier run's, seconds and all.
    let line = |out: &Path| {
        std::fs::read_to_string(out.join("manifest.csv"))
            .expect("manifest")
            .lines()
            .find(|l| l.contains("a.txt"))
            .map(String::from)
    };
    let earlier = String::from_utf8(before["manifest.csv"].clone()).expect("utf-8");
    assert_eq!(
        line(&out).as_deref(),
        earlier.lines().find(|l| l.contains("a.txt"))
    );
    // Other rules: the document is converted again.
    let rules = t.join("rules");
    std::fs::create_dir_all(&rules).expect("rules");
    for e in std::fs::read_dir("rules").expect("rules") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "toml") {
            std::fs::copy(&p, rules.join(p.file_name().expect("name"))).expect("copy");
        }
    }
    std::fs::write(
        rules.join("zz-extra.toml"),
        "# a comment changes the rules' hash\n",
    )
    .expect("write");
    let o = convert(
        &[&inp],
        &out,
        &["--resume", "--rules", rules.to_str().expect("utf-8")],
    );
    let text = printed(&o);
    assert!(!text.contains("converted by an earlier run"), "{text}");
    assert!(text.contains("1 of 2 files converted"), "{text}");
}

#[test]
fn resume_after_kill_9_gives_the_facts_of_one_uninterrupted_run_and_no_temporary_file() {
    let Some(bulk) = bulk("resume_after_kill_9") else {
        return;
    };
    let t = tmp("kill");
    let whole = t.join("whole");
    let o = convert(&[&bulk], &whole, &["-q"]);
    assert!(o.status.code().is_some());
    let want = std::fs::read(whole.join("facts.csv")).expect("facts");
    let want_manifest = manifest_without_seconds(&whole);
    for (k, delay_ms) in [30u64, 150, 400, 700, 1000].into_iter().enumerate() {
        let out = t.join(format!("killed-{k}"));
        let mut child = bin()
            .arg("convert")
            .arg(&bulk)
            .arg("--out")
            .arg(&out)
            .arg("-q")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        // SIGKILL (Child::kill), as kill -9 does: no clean-up runs.
        let _ = child.kill();
        let _ = child.wait();
        let o = convert(&[&bulk], &out, &["-q", "--resume"]);
        assert!(o.status.code().is_some(), "{}", printed(&o));
        assert!(
            std::fs::read(out.join("facts.csv")).expect("facts") == want,
            "killed after {delay_ms} ms, then resumed: facts.csv differs from one uninterrupted run"
        );
        // The same inputs with the same outcomes (resumed lines keep their earlier seconds).
        assert_eq!(
            manifest_without_seconds(&out),
            want_manifest,
            "after {delay_ms} ms"
        );
        assert_eq!(
            temporaries(&out),
            Vec::<String>::new(),
            "after {delay_ms} ms"
        );
    }
}

#[test]
fn a_run_removes_the_temporary_files_a_killed_run_left_and_nothing_else() {
    let t = tmp("stale");
    let out = t.join("out");
    let doc = out.join("x-0123456789ab");
    std::fs::create_dir_all(doc.join("tables")).expect("dirs");
    for f in [
        doc.join(".document.json.4242.0.tmp"),
        doc.join("tables").join(".01-overview.csv.4242.7.tmp"),
        out.join(".facts.csv.4242.9.tmp"),
    ] {
        std::fs::write(&f, "half").expect("write");
    }
    // Not this tool's temporary names: left alone.
    std::fs::write(doc.join("notes.tmp"), "mine").expect("write");
    std::fs::write(doc.join(".hidden.tmp"), "mine").expect("write");
    let o = convert(&[Path::new(SAMPLE)], &out, &[]);
    let text = printed(&o);
    assert!(text.contains("removed 3 temporary file(s)"), "{text}");
    assert_eq!(
        temporaries(&out),
        ["x-0123456789ab/.hidden.tmp", "x-0123456789ab/notes.tmp"]
    );
}

#[test]
fn shards_split_the_inputs_and_their_union_is_one_run() {
    let Some(bulk) = bulk("shards_split_the_inputs") else {
        return;
    };
    let t = tmp("shards");
    let whole = t.join("whole");
    convert(&[&bulk], &whole, &["-q"]);
    let sorted_facts = |dirs: &[PathBuf]| {
        let mut lines: Vec<String> = Vec::new();
        for d in dirs {
            let text = std::fs::read_to_string(d.join("facts.csv")).expect("facts");
            lines.extend(text.lines().skip(1).map(String::from));
        }
        lines.sort();
        lines
    };
    let mut shard_dirs = Vec::new();
    let mut manifest_lines = 0;
    let mut docs: Vec<String> = Vec::new();
    for k in 1..=3 {
        let out = t.join(format!("shard-{k}"));
        let o = convert(&[&bulk], &out, &["-q", "--shard", &format!("{k}/3")]);
        assert!(o.status.code().is_some(), "{}", printed(&o));
        let m = manifest(&out);
        assert!(!m.is_empty(), "every shard of 93 inputs gets some");
        manifest_lines += m.len();
        docs.extend(
            m.iter()
                .filter(|e| e["status"] == "converted")
                .map(|e| e["doc_id"].clone()),
        );
        shard_dirs.push(out);
    }
    assert_eq!(
        manifest_lines,
        manifest(&whole).len(),
        "each input in exactly one shard"
    );
    docs.sort();
    let mut want: Vec<String> = manifest(&whole)
        .iter()
        .filter(|e| e["status"] == "converted")
        .map(|e| e["doc_id"].clone())
        .collect();
    want.sort();
    assert_eq!(docs, want);
    assert_eq!(sorted_facts(&shard_dirs), sorted_facts(&[whole]));
    for bad in ["0/3", "4/3", "1", "a/b", "1/0"] {
        let o = convert(&[Path::new(SAMPLE)], &t.join("bad"), &["--shard", bad]);
        assert_eq!(o.status.code(), Some(2), "--shard {bad}: {}", printed(&o));
        assert!(printed(&o).contains("1 <= K <= N"), "{}", printed(&o));
    }
}

#[test]
fn the_summary_is_printed_on_stdout_and_written_as_json() {
    let t = tmp("summary");
    let out = t.join("out");
    let json = t.join("summary.json");
    let bad = t.join("bad.txt");
    std::fs::write(&bad, "预算 but nothing else\n").expect("write");
    let o = convert(
        &[Path::new(SAMPLE), &bad],
        &out,
        &["--summary-json", json.to_str().expect("utf-8")],
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.starts_with("1 of 2 files converted, 1 failed, 0 duplicate(s)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("failed by reason: not_budget 1"),
        "{stdout}"
    );
    // The summary adds up what the document's findings.json says.
    let doc = &manifest(&out)[0]["doc_id"];
    let findings: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join(doc).join("findings.json")).expect("findings"),
    )
    .expect("parses");
    let mismatches = findings["counts"]["mismatch"].as_u64().expect("count");
    assert!(
        mismatches > 0,
        "the sample prints figures that do not add up"
    );
    assert!(
        stdout.contains(&format!(
            "1 document(s) with a mismatch ({mismatches} mismatches)"
        )),
        "{stdout}"
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("json")).expect("parses");
    assert_eq!(v["converted"], 1);
    assert_eq!(v["failed"], 1);
    assert_eq!(v["failed_by_reason"]["not_budget"], 1);
    assert_eq!(v["mismatches"], mismatches);
    assert_eq!(v["amounts"], sample_amounts());
    // -q: nothing on stdout.
    let o = convert(&[Path::new(SAMPLE)], &t.join("quiet"), &["-q"]);
    assert!(o.stdout.is_empty(), "{}", printed(&o));
}

#[test]
fn table_csvs_say_their_unit_and_printed_header_and_csv_bom_adds_a_byte_order_mark() {
    let t = tmp("bom");
    let id = {
        let o = convert(&[Path::new(SAMPLE)], &t.join("plain"), &["-q"]);
        assert!(o.status.code().is_some());
        manifest(&t.join("plain"))[0]["doc_id"].clone()
    };
    let table = |out: &Path| {
        std::fs::read_to_string(out.join(&id).join("tables/03-expenditure_summary.csv"))
            .expect("table csv")
    };
    // Sample lines 455-463: "表 3.部门支出总表", "单位：万元",
    // "科目编码 科目名称 合计 基本支出 项目支出", "合计 707.83 252.79 455.04".
    let plain = table(&t.join("plain"));
    let lines: Vec<&str> = plain.lines().take(3).collect();
    assert_eq!(
        lines,
        [
            "code,name,unit,total,basic_expenditure,project_expenditure",
            "编码,名称,单位,合计,基本支出,项目支出",
            ",合计,万元,707.83,252.79,455.04",
        ]
    );
    let o = convert(&[Path::new(SAMPLE)], &t.join("bom"), &["-q", "--csv-bom"]);
    assert!(o.status.code().is_some());
    let bom = table(&t.join("bom"));
    assert_eq!(bom.strip_prefix('\u{feff}'), Some(plain.as_str()));
    let facts = |out: &Path| std::fs::read_to_string(out.join("facts.csv")).expect("facts");
    assert_eq!(
        facts(&t.join("bom")).strip_prefix('\u{feff}'),
        Some(facts(&t.join("plain")).as_str())
    );
    // The document's own facts.csv (what the run's is made of) has none.
    let own = std::fs::read_to_string(t.join("bom").join(&id).join("facts.csv")).expect("own");
    assert!(own.starts_with("doc_id,"));
}

/// The rows of a Parquet file, read back with the parquet crate: field name → value, with
/// decimals exact (rust_decimal) and NULL as `None`.
fn parquet_rows(path: &Path) -> Vec<BTreeMap<String, Option<String>>> {
    use parquet::file::reader::SerializedFileReader;
    use parquet::record::Field;
    let reader = SerializedFileReader::try_from(std::fs::File::open(path).expect("open"))
        .expect("a Parquet file");
    reader
        .into_iter()
        .map(|row| {
            let row = row.expect("row");
            row.get_column_iter()
                .map(|(name, field)| {
                    let v = match field {
                        Field::Null => None,
                        Field::Str(s) => Some(s.clone()),
                        Field::Int(n) => Some(n.to_string()),
                        Field::Long(n) => Some(n.to_string()),
                        Field::Decimal(d) => {
                            let bytes: [u8; 16] = d.data().try_into().expect("16 bytes");
                            let m = i128::from_be_bytes(bytes);
                            let scale = u32::try_from(d.scale()).expect("scale");
                            let dec = rust_decimal::Decimal::try_from_i128_with_scale(m, scale)
                                .expect("fits");
                            Some(dec.normalize().to_string())
                        }
                        other => panic!("{name}: unexpected {other:?}"),
                    };
                    (name.clone(), v)
                })
                .collect()
        })
        .collect()
}

#[test]
fn parquet_tables_hold_the_facts_exactly_with_typed_columns() {
    let t = tmp("parquet");
    let out = t.join("out");
    let pdf = Path::new("samples/fixture-expenditure-summary.pdf");
    let o = convert(
        &[Path::new(SAMPLE), pdf],
        &out,
        &["-q", "--format", "csv,parquet"],
    );
    assert!(o.status.code().is_some(), "{}", printed(&o));
    let facts = parquet_rows(&out.join("facts.parquet"));
    let text = std::fs::read_to_string(out.join("facts.csv")).expect("facts.csv");
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().expect("header").clone();
    let csv_rows: Vec<csv::StringRecord> = r.records().map(|x| x.expect("record")).collect();
    assert!(
        csv_rows.len() > sample_amounts(),
        "the sample's facts and the fixture's"
    );
    assert_eq!(facts.len(), csv_rows.len());
    let norm = |s: &str| {
        rust_decimal::Decimal::from_str_exact(s)
            .expect("decimal")
            .normalize()
            .to_string()
    };
    for (p, c) in facts.iter().zip(&csv_rows) {
        for (name, v) in header.iter().zip(c.iter()) {
            let optional = ["table_no", "row_code", "unit", "value_yuan"].contains(&name);
            let want = match (name, v) {
                (_, "") if optional => None,
                ("value" | "value_yuan", v) => Some(norm(v)),
                (_, v) => Some(v.to_string()),
            };
            assert_eq!(p.get(name), Some(&want), "{name} of {c:?}");
        }
    }
    let docs = parquet_rows(&out.join("documents.parquet"));
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0]["amounts"], Some(sample_amounts().to_string()));
    let tables = parquet_rows(&out.join("tables.parquet"));
    let m = manifest(&out);
    let table_count: usize = m
        .iter()
        .map(|e| e["tables"].parse::<usize>().expect("n"))
        .sum();
    assert_eq!(tables.len(), table_count);
    let findings = parquet_rows(&out.join("findings.parquet"));
    let doc = &m[0]["doc_id"];
    let f: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join(doc).join("findings.json")).expect("findings"),
    )
    .expect("json");
    let n = f["findings"].as_array().expect("findings").len();
    assert_eq!(
        findings
            .iter()
            .filter(|x| x["doc_id"].as_deref() == Some(doc))
            .count(),
        n
    );
    // --format parquet alone: no CSV.
    let only = t.join("only");
    convert(&[Path::new(SAMPLE)], &only, &["-q", "--format", "parquet"]);
    assert!(only.join("facts.parquet").is_file());
    assert!(!only.join("facts.csv").exists());
    assert_eq!(
        parquet_rows(&only.join("facts.parquet")).len(),
        sample_amounts()
    );
    // Checked by a second reader where one is installed (pyarrow).
    let py = Command::new("python3")
        .args(["-c", "import pyarrow.parquet as pq, sys; t = pq.read_table(sys.argv[1]); print(t.num_rows, t.schema.field('value').type)"])
        .arg(out.join("facts.parquet"))
        .output();
    match py {
        Ok(o) if o.status.success() => assert_eq!(
            String::from_utf8_lossy(&o.stdout).trim(),
            format!("{} decimal128(38, 8)", csv_rows.len())
        ),
        _ => common::notice(
            "pyarrow not installed: facts.parquet read back with the parquet crate only",
        ),
    }
}

#[test]
fn without_a_terminal_each_file_gets_its_lines_as_it_is_done() {
    let t = tmp("lines");
    let o = convert(&[Path::new(SAMPLE)], &t.join("out"), &[]);
    let err = String::from_utf8_lossy(&o.stderr);
    let line = format!("[1/1] {SAMPLE}: ");
    assert!(err.contains(&line), "{err}");
    assert!(
        err.contains(&format!("{} amounts", sample_amounts())),
        "{err}"
    );
    assert!(err.contains("reconciliation: "), "{err}");
}

#[test]
fn a_second_run_into_a_busy_output_folder_is_refused_and_a_killed_run_does_not_block() {
    let Some(bulk) = bulk("a_second_run_into_a_busy_output_folder") else {
        return;
    };
    let t = tmp("busy");
    let out = t.join("out");
    let mut first = bin()
        .arg("convert")
        .arg(&bulk)
        .arg("--out")
        .arg(&out)
        .args(["-q", "--jobs", "1"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    // Wait until the first run holds the folder (its lock file is there).
    let lock = out.join(".budget-tables.lock");
    for _ in 0..200 {
        if lock.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let o = convert(&[Path::new(SAMPLE)], &out, &["-q"]);
    let text = printed(&o);
    let _ = first.kill();
    let _ = first.wait();
    assert_eq!(o.status.code(), Some(2), "{text}");
    assert!(
        text.contains("another budget-tables run is writing into this folder"),
        "{text}"
    );
    // The first run was killed (kill -9): its lock does not outlive it.
    let o = convert(&[Path::new(SAMPLE)], &out, &["-q", "--resume"]);
    assert!(
        o.status.code() == Some(0) || o.status.code() == Some(1),
        "{}",
        printed(&o)
    );
    assert!(!lock.exists(), "a run that ends removes its lock file");
}
