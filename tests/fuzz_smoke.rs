//! A short fuzz run of every target (fixed seed, a few thousand inputs in all) and the
//! inputs earlier fuzz runs found, kept in `tests/fuzz_regressions/<target>/`.
//! Long runs: `cargo run --release --example fuzz -- <target> --iterations N`.

#[path = "fuzz_support/mod.rs"]
mod fuzz_support;

use fuzz_support::{fuzz, hang_limit, Options, Outcome, Target};
use std::time::Instant;

fn smoke(target: Target, iterations: u64) {
    let r = fuzz(&Options {
        target,
        seed: 7,
        start: 0,
        iterations,
        out: None,
        trace: false,
        progress_every: 0,
    });
    eprintln!(
        "fuzz smoke {}: {} executions, {:.0}/s, slowest {:?}",
        target.name(),
        r.executions,
        r.rate(),
        r.slowest
    );
    assert_eq!(r.executions, iterations);
    let show = |f: &fuzz_support::Finding| format!("execution {}: {}", f.execution, f.message);
    assert!(
        r.crashes.is_empty(),
        "crashes: {:?}",
        r.crashes.iter().map(show).collect::<Vec<_>>()
    );
    assert!(
        r.hangs.is_empty(),
        "hangs: {:?}",
        r.hangs.iter().map(show).collect::<Vec<_>>()
    );
}

#[test]
fn fuzz_smoke_cmap() {
    smoke(Target::Cmap, 5_000);
}

#[test]
fn fuzz_smoke_loaders() {
    smoke(Target::Loaders, 2_000);
}

#[test]
fn fuzz_smoke_text() {
    smoke(Target::Text, 2_000);
}

#[test]
fn fuzz_smoke_pdf() {
    smoke(Target::Pdf, 1_500);
}

/// Every saved input of `tests/fuzz_regressions/<target>/<sub>` runs without a panic and
/// within the hang limit.
fn regressions(target: Target, sub: &str) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_regressions")
        .join(target.name())
        .join(sub);
    let inputs = fuzz_support::inputs_in(&dir);
    let t = Instant::now();
    let mut bad = Vec::new();
    for (name, outcome, took) in fuzz_support::replay(target, inputs.clone()) {
        if let Outcome::Crash(m) = outcome {
            bad.push(format!("{name}: panic {m}"));
        }
        if took > hang_limit() {
            bad.push(format!("{name}: took {took:?}"));
        }
    }
    eprintln!(
        "{} regression inputs of {} in {:?}",
        inputs.len(),
        dir.display(),
        t.elapsed()
    );
    assert!(bad.is_empty(), "{bad:#?}");
}

#[test]
fn fuzz_regressions_pdf() {
    regressions(Target::Pdf, "");
}

#[test]
fn fuzz_regressions_text() {
    regressions(Target::Text, "");
}

#[test]
fn fuzz_regressions_cmap() {
    regressions(Target::Cmap, "");
}

#[test]
fn fuzz_regressions_loaders() {
    regressions(Target::Loaders, "");
}

/// Found by fuzzing: `ToUnicode::parse` used to expand every bfrange of up to 65,536 codes
/// with no limit on the total work (11–12 KB maps of 110–225 ranges expanded 2.4–4.8 million
/// times, ~0.45 s each in release, ~6 s in debug). `MAX_TOUNICODE_ENTRIES` now bounds the
/// definitions of one map: each reproducer is cut off there (`truncated`), which bounds its
/// work whatever the machine's speed (no timing asserted beyond the hang limit).
#[test]
fn fuzz_cmap_tounicode_bombs_are_cut_at_the_entry_limit() {
    use budget_tables::pdf::cmap::{ToUnicode, MAX_TOUNICODE_ENTRIES};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions/cmap");
    let inputs = fuzz_support::inputs_in(&dir);
    assert!(!inputs.is_empty(), "no reproducers in {}", dir.display());
    for (name, bytes) in &inputs {
        let t = ToUnicode::parse(bytes);
        assert!(t.truncated, "{name}: expected to reach the entry limit");
        assert!(
            t.len() <= MAX_TOUNICODE_ENTRIES,
            "{name}: {} entries",
            t.len()
        );
    }
    regressions(Target::Cmap, "");
}
