//! In-process mutation fuzzing on stable Rust (no afl, no cargo-fuzz).
//!
//! ```text
//! cargo run --release --example fuzz -- <pdf|text|cmap|loaders> --iterations N
//!     [--seed S] [--start I] [--out DIR] [--jobs 1]
//! ```
//!
//! Prints executions, executions per second, crashes and hangs. Crashes (panics) and hangs
//! (an execution over 2 s) are saved as `DIR/<target>/crash-<hash>` / `hang-<hash>` (DIR
//! defaults to `out/fuzz`); crashes are minimised first.
//!
//! The fuzzing runs in a child process: an input that kills it (a stack overflow aborts, it
//! cannot be caught) is found again by replaying the executions since the last checkpoint
//! with each input written to `DIR/<target>/current` first, saved as `crash-<hash>`, and the
//! run resumes after it. Inputs depend only on (seed, execution index), so replay is exact.
//! `fuzz replay <target> FILE...` runs saved inputs and prints how each ended and its time.
//! `--jobs` is accepted for symmetry with other fuzzers; only 1 is supported.

#[path = "../tests/fuzz_support/mod.rs"]
mod fuzz_support;

use fuzz_support::{fuzz, hash, Options, Target};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Executions between the checkpoints a child reports.
const CHECKPOINT: u64 = 1_000;
/// Seconds between status lines of the supervisor.
const STATUS_EVERY: Duration = Duration::from_secs(15);

struct Args {
    target: Target,
    iterations: u64,
    seed: u64,
    start: u64,
    out: PathBuf,
    child: bool,
    trace: bool,
}

fn usage() -> ! {
    eprintln!(
        "usage: fuzz <pdf|text|cmap|loaders> --iterations N [--seed S] [--start I] [--out DIR] [--jobs 1]"
    );
    std::process::exit(2)
}

fn parse() -> Args {
    let mut it = std::env::args().skip(1);
    let target = it
        .next()
        .and_then(|t| Target::from_name(&t))
        .unwrap_or_else(|| usage());
    let mut a = Args {
        target,
        iterations: 10_000,
        seed: 1,
        start: 0,
        out: PathBuf::from("out/fuzz"),
        child: false,
        trace: false,
    };
    while let Some(flag) = it.next() {
        let mut num = || {
            it.next()
                .and_then(|v| v.replace('_', "").parse::<u64>().ok())
                .unwrap_or_else(|| usage())
        };
        match flag.as_str() {
            "--iterations" => a.iterations = num(),
            "--seed" => a.seed = num(),
            "--start" => a.start = num(),
            "--jobs" => {
                if num() != 1 {
                    eprintln!("fuzz: only --jobs 1 is supported (one core)");
                    std::process::exit(2);
                }
            }
            "--out" => a.out = it.next().map(PathBuf::from).unwrap_or_else(|| usage()),
            "--child" => a.child = true,
            "--trace" => a.trace = true,
            _ => usage(),
        }
    }
    a
}

fn main() {
    // `fuzz replay <target> FILE...`: runs saved inputs, prints how each ended and its time.
    let argv: Vec<String> = std::env::args().collect();
    if argv.get(1).map(String::as_str) == Some("replay") {
        let target = argv
            .get(2)
            .and_then(|t| Target::from_name(t))
            .unwrap_or_else(|| usage());
        let inputs = argv[3..]
            .iter()
            .map(|f| {
                (
                    f.clone(),
                    std::fs::read(f).unwrap_or_else(|e| panic!("{f}: {e}")),
                )
            })
            .collect();
        for (name, outcome, took) in fuzz_support::replay(target, inputs) {
            println!("{name}: {outcome:?} in {took:?}");
        }
        return;
    }
    let a = parse();
    if a.child {
        return child(&a);
    }
    supervise(&a);
}

/// Runs the executions in this process; prints checkpoints and a summary on stdout.
fn child(a: &Args) {
    let r = fuzz(&Options {
        target: a.target,
        seed: a.seed,
        start: a.start,
        iterations: a.iterations,
        out: Some(a.out.clone()),
        trace: a.trace,
        progress_every: if a.trace { 1 } else { CHECKPOINT },
    });
    for (m, n, input) in &r.caught {
        eprintln!(
            "fuzz {}: {n} panics caught by the code itself, e.g. {m} (input {:016x}, {} bytes)",
            a.target.name(),
            hash(input),
            input.len()
        );
        fuzz_support::save(&a.out, a.target, "caught", input);
    }
    println!(
        "summary {} {} {} {} {} {} {}",
        r.executions,
        r.elapsed.as_secs_f64(),
        r.crashes.len(),
        r.hangs.len(),
        r.caught.iter().map(|c| c.1).sum::<u64>(),
        r.slowest.as_secs_f64(),
        r.through
    );
}

#[derive(Default)]
struct Totals {
    executions: u64,
    busy: f64,
    crashes: u64,
    hangs: u64,
    caught: u64,
    slowest: f64,
    through: u64,
}

/// Runs children over the range until it is done, recovering inputs that kill a child.
fn supervise(a: &Args) {
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("no current exe: {e}"));
    let end = a.start + a.iterations;
    let mut next = a.start;
    let mut t = Totals::default();
    let t0 = Instant::now();
    let mut last_status = Instant::now();
    while next < end {
        let (ok, reached) = run_child(
            &exe,
            a,
            next,
            end - next,
            false,
            &mut t,
            t0,
            &mut last_status,
        );
        if ok {
            break;
        }
        // The child died between `reached` and the next checkpoint: replay that stretch with
        // each input written down first.
        eprintln!(
            "fuzz {}: the worker died after execution {reached}; replaying",
            a.target.name()
        );
        let n = CHECKPOINT.min(end - reached);
        let (ok, _) = run_child(&exe, a, reached, n, true, &mut t, t0, &mut last_status);
        let dir = a.out.join(a.target.name());
        let index: Option<u64> = std::fs::read_to_string(dir.join("current-index"))
            .ok()
            .and_then(|s| s.trim().parse().ok());
        match (ok, index) {
            (false, Some(i)) => {
                let input = std::fs::read(dir.join("current")).unwrap_or_default();
                let saved = fuzz_support::save(&a.out, a.target, "crash", &input);
                eprintln!(
                    "fuzz {}: crash (process killed) at execution {i} ({} bytes){}",
                    a.target.name(),
                    input.len(),
                    saved
                        .map(|p| format!(", saved as {}", p.display()))
                        .unwrap_or_default()
                );
                t.crashes += 1;
                next = i + 1;
            }
            _ => {
                eprintln!(
                    "fuzz {}: the replay did not die again; skipping the stretch",
                    a.target.name()
                );
                next = reached + n;
            }
        }
    }
    let wall = t0.elapsed().as_secs_f64();
    println!(
        "{}: {} executions in {:.1} s, {:.0} exec/s (busy {:.0} exec/s), {} crashes, {} hangs, {} caught panics, slowest {:.3} s, {} went all the way through",
        a.target.name(),
        t.executions,
        wall,
        t.executions as f64 / wall,
        t.executions as f64 / t.busy.max(1e-9),
        t.crashes,
        t.hangs,
        t.caught,
        t.slowest,
        t.through
    );
    if t.crashes + t.hangs > 0 {
        std::process::exit(1);
    }
}

/// One child over `start..start+n`: (finished normally, last checkpoint reached).
#[allow(clippy::too_many_arguments)]
fn run_child(
    exe: &std::path::Path,
    a: &Args,
    start: u64,
    n: u64,
    trace: bool,
    t: &mut Totals,
    t0: Instant,
    last_status: &mut Instant,
) -> (bool, u64) {
    let mut cmd = Command::new(exe);
    cmd.arg(a.target.name())
        .args([
            "--child",
            "--seed",
            &a.seed.to_string(),
            "--start",
            &start.to_string(),
        ])
        .args(["--iterations", &n.to_string(), "--out"])
        .arg(&a.out)
        .stdout(Stdio::piped());
    if trace {
        cmd.arg("--trace");
    }
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start the worker: {e}"));
    let mut reached = start;
    let mut done = 0u64;
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let f: Vec<&str> = line.split_whitespace().collect();
            match f.first() {
                Some(&"progress") => {
                    reached = f.get(1).and_then(|v| v.parse().ok()).unwrap_or(reached);
                    done = f.get(2).and_then(|v| v.parse().ok()).unwrap_or(done);
                    if last_status.elapsed() > STATUS_EVERY && !trace {
                        *last_status = Instant::now();
                        let total = t.executions + done;
                        eprintln!(
                            "fuzz {}: {total} executions, {:.0}/s, crashes {} hangs {}",
                            a.target.name(),
                            total as f64 / t0.elapsed().as_secs_f64(),
                            t.crashes + f.get(6).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0),
                            t.hangs + f.get(8).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0),
                        );
                    }
                }
                Some(&"summary") => {
                    let num =
                        |k: usize| f.get(k).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
                    t.executions += num(1) as u64;
                    t.busy += num(2);
                    t.crashes += num(3) as u64;
                    t.hangs += num(4) as u64;
                    t.caught += num(5) as u64;
                    t.slowest = t.slowest.max(num(6));
                    t.through += num(7) as u64;
                    done = 0;
                }
                _ => {}
            }
        }
    }
    let status = child.wait().unwrap_or_else(|e| panic!("worker lost: {e}"));
    if !status.success() {
        // Count what the dead child did up to its last checkpoint.
        t.executions += done;
    }
    (status.success(), reached)
}
