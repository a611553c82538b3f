//! The command line: exit codes, specific errors for bad inputs, and a batch that goes on.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Command;

const SAMPLE: &str = "samples/hubei-wuchang-kexie-2025-budget.txt";

/// The document id of a file: its stem and the first 12 hex digits of its SHA-256.
fn doc_id(stem: &str, file: &Path) -> String {
    let d = Sha256::digest(std::fs::read(file).expect("read"));
    let hex: String = d.iter().map(|b| format!("{b:02x}")).collect();
    format!("{stem}-{}", &hex[..12])
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_budget-tables"))
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("budget-tables-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

#[test]
fn usage_error_exits_2() {
    let o = bin().args(["convert"]).output().expect("runs");
    assert_eq!(o.status.code(), Some(2));
    let o = bin().args(["frobnicate"]).output().expect("runs");
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn help_names_the_commands() {
    let o = bin().arg("--help").output().expect("runs");
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(s.contains("convert") && s.contains("check"), "{s}");
}

#[test]
fn bad_inputs_get_specific_errors_and_the_batch_goes_on() {
    let d = tmp("bad");
    let inputs = d.join("in");
    std::fs::create_dir_all(&inputs).expect("dir");
    std::fs::write(inputs.join("a-empty.txt"), "").expect("write");
    std::fs::write(inputs.join("b-binary.txt"), [0u8, 159, 146, 150, 0, 1]).expect("write");
    std::fs::write(inputs.join("c-novel.txt"), "从前有座山，山里有座庙。\n").expect("write");
    std::fs::copy(
        "samples/hubei-wuchang-kexie-2025-budget.txt",
        inputs.join("d-budget.txt"),
    )
    .expect("copy");
    let out = d.join("out");
    let o = bin()
        .arg("convert")
        .arg(&inputs)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "some inputs failed: {err}");
    assert!(err.contains("a-empty.txt: not a budget document"), "{err}");
    assert!(err.contains("b-binary.txt: unsupported input"), "{err}");
    assert!(err.contains("c-novel.txt: not a budget document"), "{err}");
    assert!(
        out.join(doc_id("d-budget", &inputs.join("d-budget.txt")))
            .join("document.json")
            .exists(),
        "the good file still converts"
    );
    assert!(out.join("facts.csv").exists());
    assert_eq!(
        std::fs::read_dir(&out).expect("out").count(),
        3,
        "nothing written for a failed file: only facts.csv, manifest.csv and d-budget's folder"
    );
    // The manifest records each input, the failures with their reason.
    let manifest = std::fs::read_to_string(out.join("manifest.csv")).expect("manifest");
    assert_eq!(manifest.lines().count(), 5, "{manifest}");
    assert_eq!(manifest.matches(",failed,").count(), 3, "{manifest}");
    assert!(
        manifest.contains("a-empty.txt: not a budget document"),
        "{manifest}"
    );
    // The end of the run lists each failure once more, with its reason.
    assert!(
        err.contains("  failed: ") && err.contains("a-empty.txt: not a budget document"),
        "{err}"
    );
}

#[test]
fn missing_input_is_a_usage_error() {
    let o = bin()
        .args(["convert", "/no/such/file.txt", "--out"])
        .arg(tmp("missing"))
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/no/such/file.txt"));
}

#[test]
fn output_is_byte_identical_across_runs() {
    let d = tmp("det");
    for run in ["a", "b"] {
        let o = bin()
            .args([
                "convert",
                "samples/hubei-wuchang-kexie-2025-budget.txt",
                "-q",
                "--out",
            ])
            .arg(d.join(run))
            .output()
            .expect("runs");
        assert!(o.status.success());
    }
    let id = doc_id("hubei-wuchang-kexie-2025-budget", Path::new(SAMPLE));
    for f in [
        "facts.csv".to_string(),
        format!("{id}/document.json"),
        format!("{id}/tables/03-expenditure_summary.csv"),
    ] {
        let f = f.as_str();
        let a = std::fs::read(d.join("a").join(f)).expect("a");
        let b = std::fs::read(d.join("b").join(f)).expect("b");
        assert_eq!(a, b, "{f} differs between runs");
    }
}

#[test]
fn a_grammar_folder_with_a_broken_file_names_file_and_line() {
    let d = tmp("grammar");
    std::fs::write(
        d.join("x.toml"),
        "kind = \"x\"\nfamily = \"f\"\ntitles = [\"t\"]\nlayout = \"sideways\"\n",
    )
    .expect("write");
    let o = bin()
        .arg("--grammars")
        .arg(&d)
        .args(["convert", "samples/hubei-wuchang-kexie-2025-budget.txt"])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("x.toml:4"), "{err}");
}

#[test]
fn strict_fails_on_the_samples_mismatches_and_findings_are_written() {
    let d = tmp("strict");
    let o = bin()
        .args([
            "convert",
            "samples/hubei-wuchang-kexie-2025-budget.txt",
            "--strict",
            "--out",
        ])
        .arg(&d)
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&o.stderr);
    // 表11 prints shares 26% / 5% / 69% for 210.44 / 42.35 / 455.04 of 707.83.
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("3 mismatch"), "{err}");
    assert!(err.contains("printed 26%"), "{err}");
    let id = doc_id("hubei-wuchang-kexie-2025-budget", Path::new(SAMPLE));
    let findings =
        std::fs::read_to_string(d.join(id).join("findings.json")).expect("findings.json");
    let v: serde_json::Value = serde_json::from_str(&findings).expect("json");
    assert_eq!(v["counts"]["mismatch"], 3);
    // Without --strict the same run succeeds: mismatches are reported, not fatal.
    let o = bin()
        .args([
            "convert",
            "samples/hubei-wuchang-kexie-2025-budget.txt",
            "-q",
            "--out",
        ])
        .arg(d.join("lenient"))
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn out_naming_a_file_is_a_usage_error() {
    let d = tmp("out-file");
    let f = d.join("plain.txt");
    std::fs::write(&f, "x").expect("write");
    let o = bin()
        .args(["convert", SAMPLE, "--out"])
        .arg(&f)
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("--out {} is a file, not a folder", f.display())),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&f).expect("kept"), "x");
}

/// A missing folder, a file, and a folder without *.toml: each a usage error naming it.
fn bad_folders(d: &Path) -> Vec<(PathBuf, &'static str)> {
    let file = d.join("file.toml");
    std::fs::write(&file, "").expect("write");
    let empty = d.join("empty");
    std::fs::create_dir_all(&empty).expect("dir");
    std::fs::write(empty.join("README.md"), "no rules here").expect("write");
    vec![
        (d.join("no-such-dir"), "no such folder"),
        (file, "is not a folder"),
        (empty, "no *.toml files in the folder"),
    ]
}

#[test]
fn rules_folder_missing_or_empty_is_a_usage_error() {
    let d = tmp("rules-gate");
    for (dir, why) in bad_folders(&d) {
        let o = bin()
            .args(["convert", SAMPLE, "--strict", "--out"])
            .arg(d.join("out"))
            .arg("--rules")
            .arg(&dir)
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{}: {err}", dir.display());
        assert!(err.contains(&format!("--rules {}", dir.display())), "{err}");
        assert!(err.contains(why), "{err}");
    }
}

#[test]
fn grammars_folder_missing_or_empty_is_a_usage_error() {
    let d = tmp("grammars-gate");
    for (dir, why) in bad_folders(&d) {
        let o = bin()
            .arg("--grammars")
            .arg(&dir)
            .args(["convert", SAMPLE, "--out"])
            .arg(d.join("out"))
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{}: {err}", dir.display());
        assert!(
            err.contains(&format!("--grammars {}", dir.display())),
            "{err}"
        );
        assert!(err.contains(why), "{err}");
    }
}

#[test]
fn strict_fails_a_document_without_tables_or_with_an_unknown_table() {
    let d = tmp("strict-tables");
    // A budget with one table label whose title no grammar knows: converted, zero tables.
    let f = d.join("unknown.txt");
    std::fs::write(
        &f,
        "某单位2025年部门预算\n\n表 1.神秘总表\n\n单位：万元\n\n名称 合计\n\n合计 3.00\n",
    )
    .expect("write");
    let o = bin()
        .arg("convert")
        .arg(&f)
        .arg("--strict")
        .arg("--out")
        .arg(d.join("out"))
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("1 table_unknown warning(s)"), "{err}");
    assert!(err.contains("1 no_tables warning(s)"), "{err}");
    let doc = std::fs::read_to_string(
        d.join("out")
            .join(doc_id("unknown", &f))
            .join("document.json"),
    )
    .expect("document.json");
    assert!(doc.contains("\"code\": \"no_tables\""), "{doc}");
    // Without --strict it is a converted document (exit 0) with its warnings.
    let o = bin()
        .arg("convert")
        .arg(&f)
        .arg("--out")
        .arg(d.join("lenient"))
        .output()
        .expect("runs");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
