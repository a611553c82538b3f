//! The command line: exit codes, specific errors for bad inputs, and a batch that goes on.

use std::path::PathBuf;
use std::process::Command;

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
        out.join("d-budget/document.json").exists(),
        "the good file still converts"
    );
    assert!(out.join("facts.csv").exists());
    assert!(
        !out.join("a-empty").exists(),
        "nothing written for a failed file"
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
    for f in [
        "facts.csv",
        "hubei-wuchang-kexie-2025-budget/document.json",
        "hubei-wuchang-kexie-2025-budget/tables/03-expenditure_summary.csv",
    ] {
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
    let findings = std::fs::read_to_string(d.join("hubei-wuchang-kexie-2025-budget/findings.json"))
        .expect("findings.json");
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
