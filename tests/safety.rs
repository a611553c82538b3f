//! The output folder is never left, documents are never written twice, and hostile inputs
//! (odd names, FIFOs, devices, huge files) get a clear error instead of damage or a hang.
//! Each test runs the command on files it makes; the good input is the shipped sample
//! (405 amounts).

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const SAMPLE: &str = "samples/hubei-wuchang-kexie-2025-budget.txt";
/// Amounts in the sample (tests/sample_text.rs counts them from the source).
const SAMPLE_AMOUNTS: usize = 405;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_budget-tables"))
}

/// A fresh folder for one test.
fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "budget-tables-safety-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// The sample's text, with `n` blank lines appended: a different content (and SHA-256)
/// that converts to the same 405 amounts.
fn sample_variant(n: usize) -> Vec<u8> {
    let mut b = std::fs::read(SAMPLE).expect("sample");
    b.extend(std::iter::repeat_n(b'\n', n));
    b
}

/// The first 12 hex digits of the file's SHA-256, as they end its document id.
fn sha12(path: &Path) -> String {
    let d = Sha256::digest(std::fs::read(path).expect("read"));
    d.iter().map(|b| format!("{b:02x}")).collect::<String>()[..12].to_string()
}

/// Runs the command, failing the test (not hanging it) after 60 s.
fn run(args: &[&std::ffi::OsStr]) -> Output {
    let mut child = bin()
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("budget-tables {args:?} did not finish within 60 s (hangs?)");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn convert(inputs: &[&Path], out: &Path, extra: &[&str]) -> Output {
    let mut args: Vec<&std::ffi::OsStr> = vec!["convert".as_ref()];
    args.extend(inputs.iter().map(|p| p.as_os_str()));
    args.push("--out".as_ref());
    args.push(out.as_os_str());
    args.extend(extra.iter().map(|a| std::ffi::OsStr::new(*a)));
    run(&args)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// What the run printed on stdout (its end-of-run summary) and stderr (progress, failures).
fn printed(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Data lines of OUT/facts.csv (without the header).
fn facts_rows(out: &Path) -> usize {
    let text = std::fs::read_to_string(out.join("facts.csv")).expect("facts.csv is a file");
    text.lines().count() - 1
}

/// Names in a folder, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Every path under `dir`, relative, sorted.
fn tree(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = walk(dir)
        .iter()
        .map(|p| p.strip_prefix(dir).expect("under").display().to_string())
        .collect();
    v.sort();
    v
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("read_dir") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            out.extend(walk(&p));
        }
        out.push(p);
    }
    out
}

/// The output folder is `T/out/sub`, with a marker beside it: nothing may appear or change
/// outside `sub`.
fn out_with_sibling(t: &Path) -> PathBuf {
    let out = t.join("out").join("sub");
    std::fs::create_dir_all(&out).expect("out");
    std::fs::write(t.join("out").join("marker"), "keep").expect("marker");
    out
}

fn assert_nothing_outside(t: &Path, inputs_before: &[String]) {
    assert_eq!(
        names(&t.join("out")),
        ["marker", "sub"],
        "only sub/ was written"
    );
    assert_eq!(
        std::fs::read_to_string(t.join("out").join("marker")).expect("marker"),
        "keep"
    );
    assert_eq!(
        tree(&t.join("in")),
        inputs_before,
        "the inputs are untouched"
    );
}

#[test]
fn dotted_and_reserved_names_stay_inside_the_output_folder() {
    let t = tmp("dots");
    let inp = t.join("in");
    std::fs::create_dir_all(&inp).expect("in");
    // Different contents, so none is a duplicate of another.
    let files = ["...txt", "..txt", "facts.csv.txt"];
    for (i, f) in files.iter().enumerate() {
        std::fs::write(inp.join(f), sample_variant(i)).expect("write");
    }
    let before = tree(&inp);
    let out = out_with_sibling(&t);
    let paths: Vec<PathBuf> = files.iter().map(|f| inp.join(f)).collect();
    let refs: Vec<&Path> = paths.iter().map(|p| p.as_path()).collect();
    let o = convert(&refs, &out, &["-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Stems "..", "." and "facts.csv": dots become '_', leading/trailing '_' go, an empty
    // stem is "document".
    let mut expected = vec![
        format!("document-{}", sha12(&paths[0])),
        format!("document-{}", sha12(&paths[1])),
        format!("facts_csv-{}", sha12(&paths[2])),
        "facts.csv".to_string(),
        "manifest.csv".to_string(),
    ];
    expected.sort();
    assert_eq!(names(&out), expected);
    for id in &expected[..] {
        if !id.ends_with(".csv") {
            assert!(out.join(id).join("document.json").is_file(), "{id}");
        }
    }
    assert_eq!(facts_rows(&out), 3 * SAMPLE_AMOUNTS);
    assert!(
        !tree(&out).iter().any(|p| p.contains("tmp")),
        "no temporary file is left: {:?}",
        tree(&out)
    );
    assert_nothing_outside(&t, &before);
}

#[test]
fn the_same_file_three_times_is_converted_once() {
    let t = tmp("thrice");
    let inp = t.join("in");
    std::fs::create_dir_all(&inp).expect("in");
    let a = inp.join("a.txt");
    std::fs::copy(SAMPLE, &a).expect("copy");
    let before = tree(&inp);
    let out = out_with_sibling(&t);
    let o = convert(&[&a, &a, &a], &out, &[]);
    let err = printed(&o);
    assert_eq!(
        o.status.code(),
        Some(0),
        "duplicates are not failures: {err}"
    );
    assert_eq!(facts_rows(&out), SAMPLE_AMOUNTS, "{err}");
    assert_eq!(
        names(&out),
        [
            format!("a-{}", sha12(&a)),
            "facts.csv".into(),
            "manifest.csv".into()
        ]
    );
    // Two progress lines and two summary lines.
    assert_eq!(
        err.matches("duplicate: the same file as").count(),
        4,
        "{err}"
    );
    assert!(
        err.contains("1 of 3 files converted, 0 failed, 2 duplicate(s)"),
        "{err}"
    );
    assert_nothing_outside(&t, &before);
}

#[test]
fn a_folder_and_a_file_inside_it_are_converted_once() {
    let t = tmp("folder-file");
    let inp = t.join("in");
    std::fs::create_dir_all(&inp).expect("in");
    let a = inp.join("a.txt");
    std::fs::copy(SAMPLE, &a).expect("copy");
    let before = tree(&inp);
    let out = out_with_sibling(&t);
    let o = convert(&[&inp, &a], &out, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert_eq!(facts_rows(&out), SAMPLE_AMOUNTS, "{err}");
    assert!(err.contains("duplicate: the same file as"), "{err}");
    assert_nothing_outside(&t, &before);
}

#[test]
fn two_copies_under_different_names_are_one_document() {
    let t = tmp("copies");
    let inp = t.join("in");
    std::fs::create_dir_all(&inp).expect("in");
    let (x, y) = (inp.join("x.txt"), inp.join("y.txt"));
    std::fs::copy(SAMPLE, &x).expect("copy");
    std::fs::copy(SAMPLE, &y).expect("copy");
    let out = t.join("out");
    let o = convert(&[&x, &y], &out, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert_eq!(facts_rows(&out), SAMPLE_AMOUNTS);
    assert!(
        err.contains("y.txt: duplicate: the same content as"),
        "{err}"
    );
    assert!(!out.join(format!("y-{}", sha12(&y))).exists());
}

#[test]
fn same_named_files_in_two_folders_keep_the_id_each_has_alone() {
    let t = tmp("report");
    let (d1, d2) = (t.join("d1"), t.join("d2"));
    std::fs::create_dir_all(&d1).expect("d1");
    std::fs::create_dir_all(&d2).expect("d2");
    let (r1, r2) = (d1.join("report.txt"), d2.join("report.txt"));
    std::fs::write(&r1, sample_variant(0)).expect("write");
    std::fs::write(&r2, sample_variant(1)).expect("write");
    let alone = t.join("alone");
    assert!(convert(&[&r2], &alone, &["-q"]).status.success());
    let batch = t.join("batch");
    assert!(convert(&[&r1, &r2], &batch, &["-q"]).status.success());
    let (id1, id2) = (
        format!("report-{}", sha12(&r1)),
        format!("report-{}", sha12(&r2)),
    );
    assert_eq!(
        names(&alone),
        ["facts.csv".to_string(), "manifest.csv".into(), id2.clone()]
    );
    let mut both = vec![id1, id2.clone(), "facts.csv".into(), "manifest.csv".into()];
    both.sort();
    assert_eq!(names(&batch), both);
    assert_eq!(
        std::fs::read(alone.join(&id2).join("document.json")).expect("alone"),
        std::fs::read(batch.join(&id2).join("document.json")).expect("batch"),
        "d2/report.txt gives the same document alone and in a batch"
    );
    assert_eq!(facts_rows(&batch), 2 * SAMPLE_AMOUNTS);
}

#[test]
fn an_id_used_by_other_content_in_the_output_folder_is_not_overwritten() {
    let t = tmp("collision");
    let a = t.join("a.txt");
    std::fs::copy(SAMPLE, &a).expect("copy");
    let out = t.join("out");
    let id = format!("a-{}", sha12(&a));
    // A document of an earlier run with this id but other content (a forged SHA-256 stands
    // for a prefix collision, which cannot be made for real).
    let other = format!(
        "{{\"doc_id\": \"{id}\", \"source\": {{\"path\": \"old/a.txt\", \"sha256\": \"{}\"}}}}\n",
        "0".repeat(64)
    );
    std::fs::create_dir_all(out.join(&id)).expect("dir");
    std::fs::write(out.join(&id).join("document.json"), &other).expect("write");
    let o = convert(&[&a], &out, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("document id {id} is already used by old/a.txt")),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join(&id).join("document.json")).expect("kept"),
        other
    );
    assert!(!out.join(&id).join("tables").exists());
    assert_eq!(facts_rows(&out), 0);
}

#[cfg(unix)]
#[test]
fn a_link_inside_the_output_folder_cannot_redirect_a_write() {
    let t = tmp("link-out");
    let a = t.join("a.txt");
    std::fs::copy(SAMPLE, &a).expect("copy");
    let elsewhere = t.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).expect("dir");
    let out = t.join("out");
    std::fs::create_dir_all(&out).expect("out");
    std::os::unix::fs::symlink(&elsewhere, out.join(format!("a-{}", sha12(&a)))).expect("link");
    let o = convert(&[&a], &out, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("refused to write"), "{err}");
    assert!(
        names(&elsewhere).is_empty(),
        "nothing written through the link"
    );
    assert_eq!(facts_rows(&out), 0);
}

#[test]
fn a_document_that_cannot_be_written_fails_and_the_batch_goes_on() {
    let t = tmp("unwritable");
    let (a, b) = (t.join("a.txt"), t.join("b.txt"));
    std::fs::write(&a, sample_variant(0)).expect("write");
    std::fs::write(&b, sample_variant(1)).expect("write");
    let out = t.join("out");
    std::fs::create_dir_all(&out).expect("out");
    // A plain file where a's document folder goes.
    std::fs::write(out.join(format!("a-{}", sha12(&a))), "in the way").expect("write");
    let o = convert(&[&a, &b], &out, &[]);
    let err = printed(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("exists and is not a folder"), "{err}");
    assert!(
        err.contains("1 of 2 files converted, 1 failed, 0 duplicate(s)"),
        "{err}"
    );
    assert!(out
        .join(format!("b-{}", sha12(&b)))
        .join("document.json")
        .is_file());
    assert_eq!(facts_rows(&out), SAMPLE_AMOUNTS, "only b's amounts");
}

#[test]
fn facts_csv_that_cannot_be_written_is_an_error_and_leaves_no_temporary_file() {
    let t = tmp("facts-dir");
    let out = t.join("out");
    std::fs::create_dir_all(out.join("facts.csv")).expect("a folder in the way");
    let o = convert(&[Path::new(SAMPLE)], &out, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("could not be written") && err.contains("facts.csv"),
        "{err}"
    );
    assert!(
        !tree(&out).iter().any(|p| p.contains("tmp")),
        "{:?}",
        tree(&out)
    );
}

// ------------------------------------------------------------------------------ inputs

#[test]
fn a_huge_text_dump_is_refused_quickly() {
    let t = tmp("huge-txt");
    let big = t.join("big.txt");
    let f = std::fs::File::create(&big).expect("create");
    // Sparse: 200 MB of size, no 200 MB written.
    f.set_len(200_000_000).expect("set_len");
    let start = Instant::now();
    let o = convert(&[&big], &t.join("out"), &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "big.txt: too large: text dump of 200000000 bytes; the limit is 67108864 bytes"
        ),
        "{err}"
    );
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn a_huge_pdf_is_refused_quickly() {
    let t = tmp("huge-pdf");
    let big = t.join("big.pdf");
    std::fs::write(&big, b"%PDF-1.4\n").expect("write");
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&big)
        .expect("open");
    f.set_len(600 << 20).expect("set_len");
    let o = convert(&[&big], &t.join("out"), &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("too large: PDF of 629145600 bytes"), "{err}");
}

#[test]
fn a_text_dump_of_too_many_lines_is_refused() {
    let t = tmp("lines");
    let f = t.join("lines.txt");
    // 1,000,001 empty lines: 1 MB, under the size limit, over the line limit.
    std::fs::write(&f, vec![b'\n'; 1_000_001]).expect("write");
    let o = convert(&[&f], &t.join("out"), &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("the limit is 1000000 lines"), "{err}");
}

#[cfg(unix)]
#[test]
fn dev_zero_given_by_name_is_refused_not_read() {
    let t = tmp("devzero");
    let o = convert(&[Path::new("/dev/zero")], &t.join("out"), &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("/dev/zero: not a regular file (a device)"),
        "{err}"
    );
}

/// Makes a FIFO with the `mkfifo` command; None (and a notice) where there is none.
#[cfg(unix)]
fn mkfifo(path: &Path) -> Option<()> {
    match Command::new("mkfifo").arg(path).status() {
        Ok(s) if s.success() => Some(()),
        _ => {
            eprintln!("SKIPPED: no working mkfifo command; FIFO case not run");
            None
        }
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_given_by_name_is_refused_without_blocking() {
    let t = tmp("fifo");
    let fifo = t.join("pipe.txt");
    let Some(()) = mkfifo(&fifo) else { return };
    let good = t.join("good.txt");
    std::fs::copy(SAMPLE, &good).expect("copy");
    let o = convert(&[&fifo, &good], &t.join("out"), &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("pipe.txt: not a regular file (a FIFO)"),
        "{err}"
    );
    assert_eq!(
        facts_rows(&t.join("out")),
        SAMPLE_AMOUNTS,
        "the batch goes on"
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_in_a_folder_is_listed_as_skipped() {
    let t = tmp("fifo-dir");
    let inp = t.join("in");
    std::fs::create_dir_all(&inp).expect("in");
    let Some(()) = mkfifo(&inp.join("pipe.txt")) else {
        return;
    };
    std::fs::copy(SAMPLE, inp.join("good.txt")).expect("copy");
    let o = convert(&[&inp], &t.join("out"), &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("skipped: ") && err.contains("pipe.txt: not a regular file"),
        "{err}"
    );
    // --strict does not pass a run that left an input out.
    let o = convert(&[&inp], &t.join("out2"), &["--strict"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

#[cfg(unix)]
#[test]
fn folder_walks_follow_links_to_files_and_report_link_loops() {
    let t = tmp("links");
    let inp = t.join("in");
    std::fs::create_dir_all(inp.join("sub")).expect("in");
    let target = t.join("real.txt");
    std::fs::copy(SAMPLE, &target).expect("copy");
    std::os::unix::fs::symlink(&target, inp.join("linked.txt")).expect("link");
    // sub/loop → in: a loop.
    std::os::unix::fs::symlink(&inp, inp.join("sub").join("loop")).expect("loop");
    let out = t.join("out");
    let o = convert(&[&inp], &out, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert_eq!(
        facts_rows(&out),
        SAMPLE_AMOUNTS,
        "the linked file is read: {err}"
    );
    assert!(
        out.join(format!("linked-{}", sha12(&target))).is_dir(),
        "{err}"
    );
    assert!(
        err.contains("skipped: ") && err.contains("symbolic link loop"),
        "{err}"
    );
}

#[test]
fn other_files_in_folders_are_counted_and_named_files_are_tried() {
    let t = tmp("others");
    let inp = t.join("in");
    std::fs::create_dir_all(&inp).expect("in");
    std::fs::copy(SAMPLE, inp.join("good.txt")).expect("copy");
    std::fs::write(inp.join("sheet.xlsx"), b"PK\x03\x04").expect("write");
    std::fs::write(inp.join("data.csv"), "a,b\n").expect("write");
    let o = convert(&[&inp], &t.join("out"), &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(
        err.contains("skipped: 2 file(s) in the folders whose names end neither in .pdf nor .txt"),
        "{err}"
    );
    // Named explicitly, a .csv is tried, fails with its reason, and is listed at the end.
    let o = convert(&[&inp.join("data.csv")], &t.join("out2"), &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("  failed: ") && err.contains("data.csv: not a budget document"),
        "{err}"
    );
}

// ------------------------------------------------------------------------------ messages

#[test]
fn a_pdf_error_names_the_file_once() {
    let t = tmp("pdf-msg");
    let bytes = std::fs::read("samples/fixture-expenditure-summary.pdf").expect("pdf");
    let cut = t.join("cut.pdf");
    std::fs::write(&cut, &bytes[..bytes.len() / 3]).expect("write");
    let e =
        budget_tables::convert::convert_file(&cut, &budget_tables::grammar::GrammarSet::builtin())
            .expect_err("a third of a PDF does not convert");
    let msg = e.to_string();
    let name = cut.display().to_string();
    assert_eq!(msg.matches(&name).count(), 1, "{msg}");
    assert!(msg.starts_with(&format!("{name}: ")), "{msg}");
}

#[test]
fn a_text_dump_with_too_many_tables_is_refused() {
    // 2,001 table labels: over the limit of 2,000 tables per document.
    let mut text = String::from("某单位2025年部门预算\n");
    for _ in 0..2001 {
        text.push_str("表 1.部门支出总表\n单位：万元\n科目编码 科目名称 合计\n合计 1.00\n");
    }
    let e = budget_tables::convert::convert_text(
        Path::new("many.txt"),
        text.as_bytes(),
        &text,
        &budget_tables::grammar::GrammarSet::builtin(),
    )
    .expect_err("too many tables");
    assert_eq!(
        e.to_string(),
        "many.txt: too large: 2001 table regions; the limit is 2000 tables per document"
    );
}

#[test]
fn a_layout_text_dump_with_too_many_tables_is_refused() {
    // The same 2,001 tables as a layout dump (cells two spaces apart, a page each).
    let mut text = String::from("某单位2025年部门预算\n");
    for i in 0..2001 {
        text.push_str(&format!(
            "表{i}  部门支出总表\n单位：万元\n科目编码  科目名称  合计\n合计            1.00\n\x0c"
        ));
    }
    assert!(budget_tables::layout_dump::is_layout_dump(&text));
    let e = budget_tables::convert::convert_text(
        Path::new("many-layout.txt"),
        text.as_bytes(),
        &text,
        &budget_tables::grammar::GrammarSet::builtin(),
    )
    .expect_err("too many tables");
    assert_eq!(
        e.to_string(),
        "many-layout.txt: too large: 2001 table regions; the limit is 2000 tables per document"
    );
}

#[test]
fn a_pdf_with_too_many_tables_is_refused() {
    use budget_tables::pdf::fixture::{FontKind, PdfBuilder};
    let mut b = PdfBuilder::new();
    for _ in 0..2001 {
        let p = b.page();
        b.text(
            p,
            FontKind::Identity,
            16.0,
            300.0,
            560.0,
            "2025年部门支出预算总表",
        );
    }
    let t = tmp("many-pdf");
    let path = t.join("many.pdf");
    std::fs::write(&path, b.build()).expect("write");
    let e =
        budget_tables::convert::convert_file(&path, &budget_tables::grammar::GrammarSet::builtin())
            .expect_err("too many tables");
    assert!(
        e.to_string()
            .ends_with("too large: 2001 table regions; the limit is 2000 tables per document"),
        "{e}"
    );
}

#[test]
fn long_runs_of_blank_lines_take_linear_time() {
    // Blank lines before the sample: each line's search back for a non-blank one made this
    // quadratic (20,000 blank lines took 30 s).
    let mut text = "\n".repeat(100_000);
    text.push_str(&std::fs::read_to_string(SAMPLE).expect("sample"));
    let start = Instant::now();
    let c = budget_tables::convert::convert_text(
        Path::new("blank.txt"),
        text.as_bytes(),
        &text,
        &budget_tables::grammar::GrammarSet::builtin(),
    )
    .expect("converts");
    let amounts: usize = c.document.tables.iter().map(|t| t.amount_count()).sum();
    assert_eq!(amounts, SAMPLE_AMOUNTS);
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
}
