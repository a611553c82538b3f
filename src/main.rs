//! The `budget-tables` command: a thin shell over the library.

use anyhow::Context;
use budget_tables::grammar::GrammarSet;
use budget_tables::reconcile::{Reconciliation, RuleSet, Severity};
use budget_tables::run::{collect, convert_all, FileOutcome, RunOutcome};
use budget_tables::write::OutDir;
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Turns Chinese government budget disclosures (部门预算 / 部门决算: PDFs and text dumps) into
/// exact, normalized tables.
#[derive(Parser)]
#[command(name = "budget-tables", version, about, long_about = None)]
struct Cli {
    /// Grammar folder (table definitions as *.toml); default: the grammars built into the binary.
    #[arg(long, global = true, value_name = "DIR")]
    grammars: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Convert files or folders (walked recursively for .pdf and .txt) into tables.
    ///
    /// Writes OUT/<doc-id>/document.json, OUT/<doc-id>/tables/NN-<kind>.csv and OUT/facts.csv;
    /// <doc-id> is the file name's safe part and the first 12 hex digits of its SHA-256.
    /// A file given twice (or the same bytes under two names) is converted once.
    Convert {
        /// Input files or folders.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<PathBuf>,
        /// Output folder.
        #[arg(long, default_value = "out", value_name = "DIR")]
        out: PathBuf,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
        /// Exit 1 when any file fails or is skipped, or a document has a mismatch, no tables,
        /// a table that could not be rebuilt or a damaged stream (gate a warehouse load on it).
        #[arg(long)]
        strict: bool,
        /// Reconciliation rule folder (*.toml); default: the rules built into the binary.
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
    },
    /// Show what the PDF reader sees on one page: positioned lines, ruling lines, the columns
    /// and cells found, the grammar that matched, and the rebuilt rows.
    Inspect {
        /// A PDF file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// 1-based page index in the file.
        #[arg(long, short)]
        page: u32,
        /// Also write an SVG overlay of text runs, rulings and column centres.
        #[arg(long, value_name = "FILE.svg")]
        svg: Option<PathBuf>,
    },
    /// Convert each sample in DIR that has an expected output beside it
    /// (<name>.expected.json) and report every difference; exit 1 on any.
    Check {
        /// Folder of samples.
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
}

/// Progress and outcome of one file on the terminal.
fn report(quiet: bool, i: usize, n: usize, path: &Path, outcome: &FileOutcome) {
    match outcome {
        FileOutcome::Converted(c, rec) => {
            if quiet {
                return;
            }
            let d = &c.document;
            let amounts: usize = d.tables.iter().map(|t| t.amount_count()).sum();
            eprintln!(
                "[{}/{n}] {}: {} tables, {amounts} amounts, {} warnings",
                i + 1,
                path.display(),
                d.tables.len(),
                d.warnings.len()
            );
            for w in &d.warnings {
                eprintln!("    warning [{}]: {}", w.code, w.message);
            }
            for t in &d.missing_tables {
                eprintln!("    missing: {t} is listed in the contents but not printed");
            }
            eprintln!("    {}", reconcile_summary(rec));
            for f in rec
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Mismatch)
            {
                eprintln!("    mismatch [{}]: {}", f.rule, f.message);
            }
        }
        FileOutcome::Failed(e) => eprintln!("[{}/{n}] error: {e}", i + 1),
        FileOutcome::Duplicate { of, same_file } => {
            if !quiet {
                eprintln!("[{}/{n}] {}", i + 1, duplicate_line(path, of, *same_file));
            }
        }
    }
}

fn duplicate_line(path: &Path, of: &Path, same_file: bool) -> String {
    let what = if same_file {
        "the same file as"
    } else {
        "the same content as"
    };
    format!(
        "{}: duplicate: {what} {}; converted once",
        path.display(),
        of.display()
    )
}

/// The end of a run: one line per file that failed, was a duplicate or was skipped, with
/// its reason, after the per-file lines. With `quiet`, only failures and skips.
fn summary(
    quiet: bool,
    files: &[PathBuf],
    run: &RunOutcome,
    collected: &budget_tables::run::Collected,
    out: &Path,
) {
    let converted = run
        .outcomes
        .iter()
        .filter(|o| matches!(o, FileOutcome::Converted(..)))
        .count();
    let count = |f: fn(&FileOutcome) -> bool| run.outcomes.iter().filter(|o| f(o)).count();
    let failed = count(|o| matches!(o, FileOutcome::Failed(_)));
    let duplicates = count(|o| matches!(o, FileOutcome::Duplicate { .. }));
    if !quiet {
        eprintln!(
            "{converted} of {} files converted, {failed} failed, {duplicates} duplicate(s); output in {}",
            run.outcomes.len(),
            out.display()
        );
    }
    for (path, o) in files.iter().zip(&run.outcomes) {
        match o {
            FileOutcome::Failed(e) => eprintln!("  failed: {e}"),
            FileOutcome::Duplicate { of, same_file } if !quiet => {
                eprintln!("  {}", duplicate_line(path, of, *same_file))
            }
            _ => {}
        }
    }
    for s in &collected.skipped {
        eprintln!("  skipped: {}: {}", s.path.display(), s.reason);
    }
    if collected.other_files > 0 && !quiet {
        eprintln!(
            "  skipped: {} file(s) in the folders whose names end neither in .pdf nor .txt",
            collected.other_files
        );
    }
}

/// A `--rules`/`--grammars` folder must exist, be a folder and hold at least one *.toml
/// file; otherwise the run would silently use fewer rules or grammars.
fn toml_folder(flag: &str, dir: &Path) -> anyhow::Result<()> {
    let m = match std::fs::metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            anyhow::bail!("{flag} {}: no such folder", dir.display())
        }
        Err(e) => anyhow::bail!("{flag} {}: {e}", dir.display()),
    };
    if !m.is_dir() {
        anyhow::bail!("{flag} {} is not a folder", dir.display());
    }
    let has_toml = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .any(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "toml"));
    if !has_toml {
        anyhow::bail!("{flag} {}: no *.toml files in the folder", dir.display());
    }
    Ok(())
}

/// The reconciliation line of the terminal summary; a clean document says so.
fn reconcile_summary(rec: &Reconciliation) -> String {
    if rec.findings.is_empty() {
        format!("reconciliation: all {} checks pass; {}", rec.checks, rec)
    } else {
        format!("reconciliation: {rec}")
    }
}

fn load_grammars(dir: Option<&Path>) -> anyhow::Result<GrammarSet> {
    Ok(match dir {
        Some(d) => {
            toml_folder("--grammars", d)?;
            GrammarSet::load_dir(d)?
        }
        None => GrammarSet::builtin(),
    })
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let grammars = load_grammars(cli.grammars.as_deref())?;
    match cli.command {
        Command::Convert {
            inputs,
            out,
            quiet,
            strict,
            rules,
        } => {
            let rules = match (rules, cli.grammars.is_some()) {
                (Some(dir), _) => {
                    toml_folder("--rules", &dir)?;
                    RuleSet::load_dir(&dir, &grammars)?
                }
                (None, true) => RuleSet::from_grammars(&grammars),
                (None, false) => RuleSet::builtin(),
            };
            let collected = collect(&inputs)?;
            if collected.files.is_empty() {
                eprintln!("error: no .pdf or .txt files found in the inputs");
                for s in &collected.skipped {
                    eprintln!("  skipped: {}: {}", s.path.display(), s.reason);
                }
                return Ok(ExitCode::from(2));
            }
            let out_dir = OutDir::create(&out)?;
            let files = &collected.files;
            let run = convert_all(files, &out_dir, &grammars, &rules, |i, n, path, outcome| {
                report(quiet, i, n, path, outcome)
            });
            summary(quiet, files, &run, &collected, &out);
            if let Err(e) = &run.finish {
                eprintln!("error: the run's facts.csv could not be written: {e}");
                return Ok(ExitCode::from(1));
            }
            let failed = run
                .outcomes
                .iter()
                .filter(|o| matches!(o, FileOutcome::Failed(_)))
                .count();
            if strict {
                let gated: Vec<(String, Vec<String>)> = files
                    .iter()
                    .zip(&run.outcomes)
                    .filter(|(_, o)| matches!(o, FileOutcome::Converted(..)))
                    .map(|(p, o)| (p.display().to_string(), o.strict_reasons()))
                    .filter(|(_, r)| !r.is_empty())
                    .collect();
                if !gated.is_empty() || failed > 0 || !collected.skipped.is_empty() {
                    eprintln!(
                        "--strict: {} document(s) fail the gate, {failed} file(s) failed, {} skipped; see document.json and findings.json",
                        gated.len(),
                        collected.skipped.len()
                    );
                    for (p, reasons) in &gated {
                        eprintln!("  {p}: {}", reasons.join(", "));
                    }
                    return Ok(ExitCode::from(1));
                }
            }
            Ok(ExitCode::from(if failed > 0 { 1 } else { 0 }))
        }
        Command::Inspect { file, page, svg } => {
            let (report, overlay) = budget_tables::inspect::inspect_page(&file, page, &grammars)?;
            print!("{report}");
            if let Some(svg) = svg {
                std::fs::write(&svg, overlay)
                    .with_context(|| format!("writing {}", svg.display()))?;
                eprintln!("overlay written to {}", svg.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { dir } => {
            let report = budget_tables::samples::check_dir(&dir, &grammars)?;
            for line in &report.lines {
                println!("{line}");
            }
            println!(
                "{} samples checked, {} differences, {} failed to convert",
                report.samples, report.differences, report.failures
            );
            Ok(ExitCode::from(
                if report.differences + report.failures > 0 {
                    1
                } else {
                    0
                },
            ))
        }
    }
}
