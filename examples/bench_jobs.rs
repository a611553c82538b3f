//! Benchmark of `convert --jobs`: converts a folder (default ../shared/corpus/bulk) with one
//! worker and with N (default: every core), several rounds each, interleaved, and prints the
//! wall times, the ratio (the target on 2 cores is at most 0.6) and whether the two runs
//! wrote the same files (they must: the output does not depend on N).
//!
//!     cargo run --release --example bench_jobs [DIR] [ROUNDS]

use budget_tables::grammar::GrammarSet;
use budget_tables::reconcile::RuleSet;
use budget_tables::run::{collect, convert_all, RunOptions};
use budget_tables::write::OutDir;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Every file under `dir` but manifest.csv (its seconds column differs), relative path → bytes.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file() && e.file_name() != "manifest.csv")
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).ok()?.to_path_buf();
            Some((rel, std::fs::read(e.path()).ok()?))
        })
        .collect()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/corpus/bulk"));
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(3);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let grammars = GrammarSet::builtin();
    let rules = RuleSet::builtin();
    let collected = match collect(std::slice::from_ref(&dir)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let base = std::env::temp_dir().join(format!("budget-tables-bench-{}", std::process::id()));
    let mut times: BTreeMap<usize, Vec<f64>> = BTreeMap::new();
    for round in 0..rounds {
        for jobs in [1, cores] {
            let out_path = base.join(format!("jobs-{jobs}"));
            let _ = std::fs::remove_dir_all(&out_path);
            let out = match OutDir::create(&out_path) {
                Ok(o) => o,
                Err(e) => {
                    eprintln!("{e}");
                    std::process::exit(2);
                }
            };
            let opts = RunOptions {
                jobs,
                ..Default::default()
            };
            let start = Instant::now();
            let run = convert_all(
                &collected,
                &out,
                &grammars,
                &rules,
                &opts,
                Vec::new(),
                &|_| {},
            );
            let secs = start.elapsed().as_secs_f64();
            if let Err(e) = run.finish {
                eprintln!("{e}");
            }
            println!("round {} --jobs {jobs}: {secs:.2} s", round + 1);
            times.entry(jobs).or_default().push(secs);
        }
    }
    let median = |v: &[f64]| {
        let mut v = v.to_vec();
        v.sort_by(|a, b| a.total_cmp(b));
        v[v.len() / 2]
    };
    let one = median(&times[&1]);
    let many = median(&times[&cores]);
    println!(
        "{} files: median --jobs 1 {one:.2} s, --jobs {cores} {many:.2} s, ratio {:.2}",
        collected.files.len(),
        many / one
    );
    let same = files(&base.join("jobs-1")) == files(&base.join(format!("jobs-{cores}")));
    println!("outputs identical (but manifest.csv's seconds): {same}");
    let _ = std::fs::remove_dir_all(&base);
}
