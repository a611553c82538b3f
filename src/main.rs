//! The `budget-tables` command: a thin shell over the library.

use anyhow::Context;
use budget_tables::grammar::GrammarSet;
use budget_tables::manifest::Status;
use budget_tables::reconcile::{Reconciliation, RuleSet, Severity};
use budget_tables::run::{
    collect, convert_all, Event, FileReport, Formats, RunOptions, RunOutcome,
};
use budget_tables::write::{OutDir, Output};
use clap::{Parser, Subcommand};
use std::fmt::Write as _;
use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

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
    /// Writes OUT/<doc-id>/document.json, findings.json, facts.csv and tables/NN-<kind>.csv
    /// per document, then OUT/facts.csv (every document's facts, in input order) and
    /// OUT/manifest.csv (one line per input: what became of it); <doc-id> is the file name's
    /// safe part and the first 12 hex digits of its SHA-256. A file given twice (or the same
    /// bytes under two names) is converted once. Example:
    /// budget-tables convert budgets/ --out warehouse/ --jobs 8 --resume --format csv,parquet
    Convert {
        /// Input files or folders.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<PathBuf>,
        /// Output folder.
        #[arg(long, default_value = "out", value_name = "DIR")]
        out: PathBuf,
        /// No progress and no summary: only the list of failures at the end.
        #[arg(long, short)]
        quiet: bool,
        /// Exit 1 when any file fails or is skipped, or a document has a mismatch, no tables,
        /// a table that could not be rebuilt or a damaged stream (gate a warehouse load on it).
        #[arg(long)]
        strict: bool,
        /// Reconciliation rule folder (*.toml); default: the rules built into the binary.
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
        /// Documents converted at once (default: one per core). The output is the same for
        /// every N.
        #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
        jobs: Option<u16>,
        /// Leave alone the inputs OUT/manifest.csv records as converted from the same bytes by
        /// the same tool version, grammars and rules; convert the rest (after an interrupted
        /// run, or to add files to a collection).
        #[arg(long)]
        resume: bool,
        /// Convert only shard K of N: the inputs whose SHA-256 falls in it, so that N machines
        /// split one collection without talking to each other (1 <= K <= N).
        #[arg(long, value_name = "K/N")]
        shard: Option<budget_tables::run::Shard>,
        /// What to write besides each document's document.json and findings.json: csv (table
        /// CSVs and facts.csv), parquet (facts, documents, tables and findings .parquet), or
        /// both: --format csv,parquet.
        #[arg(
            long,
            value_enum,
            value_delimiter = ',',
            default_value = "csv",
            value_name = "FORMAT"
        )]
        format: Vec<OutputFormat>,
        /// Start table CSVs and OUT/facts.csv with a UTF-8 byte order mark, so that Excel
        /// reads them as UTF-8.
        #[arg(long)]
        csv_bom: bool,
        /// Also load each document into this PostgreSQL database as it is converted (see
        /// `load`); a document that cannot be loaded is recorded as failed.
        #[arg(long, value_name = "URL")]
        postgres: Option<String>,
        /// Schema for --postgres.
        #[arg(
            long,
            default_value = "budget_tables",
            value_name = "NAME",
            requires = "postgres"
        )]
        schema: String,
        /// Also write the end-of-run summary as JSON to FILE (for scripts).
        #[arg(long, value_name = "FILE")]
        summary_json: Option<PathBuf>,
    },
    /// Load an output folder into PostgreSQL: creates (if absent) a schema with documents,
    /// tables, rows, facts and findings (primary and foreign keys), and copies in every
    /// document OUT/manifest.csv lists as converted, one transaction each. Loading the same
    /// documents again replaces them (by SHA-256): row counts stay as they were.
    Load {
        /// Connection string or URL: "host=/run/postgresql dbname=budgets" or
        /// "postgresql://user:password@host:5432/budgets".
        #[arg(long, value_name = "URL")]
        postgres: String,
        /// Schema for the tables.
        #[arg(long, default_value = "budget_tables", value_name = "NAME")]
        schema: String,
        /// Leave out the documents `convert --strict` would fail (the manifest's strict
        /// column) and exit 1 if there are any.
        #[arg(long)]
        strict: bool,
        /// Output folder of `convert`.
        #[arg(value_name = "OUT")]
        out: PathBuf,
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

/// The lines of one finished input, for a log (stderr that is not a terminal): its counts,
/// warnings, missing tables, reconciliation and mismatches.
fn report_lines(done: usize, n: usize, r: &FileReport, output: Option<&Output>) -> String {
    let mut s = String::new();
    let e = &r.entry;
    let path = r.input.display();
    match e.status {
        Status::Converted => {
            let _ = write!(
                s,
                "[{done}/{n}] {path}: {} tables, {} amounts",
                e.tables, e.amounts
            );
            if r.resumed {
                let _ = write!(s, "; converted by an earlier run, left as it is");
            }
            if let Some(o) = output {
                let d = o.document;
                let _ = write!(s, ", {} warnings", d.warnings.len());
                for w in &d.warnings {
                    let _ = write!(s, "\n    warning [{}]: {}", w.code, w.message);
                }
                for t in &d.missing_tables {
                    let _ = write!(
                        s,
                        "\n    missing: {t} is listed in the contents but not printed"
                    );
                }
                let rec = o.reconciliation;
                let _ = write!(s, "\n    {}", reconcile_summary(rec));
                for f in rec
                    .findings
                    .iter()
                    .filter(|f| f.severity == Severity::Mismatch)
                {
                    let _ = write!(s, "\n    mismatch [{}]: {}", f.rule, f.message);
                }
            }
        }
        Status::Failed => {
            let _ = write!(s, "[{done}/{n}] error: {}", e.error);
        }
        Status::Duplicate | Status::Skipped => {
            let _ = write!(s, "[{done}/{n}] {}", plain_outcome(r));
        }
    }
    s
}

/// "path: duplicate: the same file as …" and the like, for inputs that were not converted.
fn plain_outcome(r: &FileReport) -> String {
    match (&r.duplicate_of, r.entry.status) {
        (Some((of, same_file)), _) => duplicate_line(&r.input, of, *same_file),
        (None, Status::Failed) => r.entry.error.clone(),
        (None, status) => format!("{}: {status}: {}", r.input.display(), r.entry.error),
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

/// An output format of `convert --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OutputFormat {
    Csv,
    Parquet,
}

/// How the run shows its progress on stderr.
enum Shown {
    /// `-q`: nothing but errors.
    Quiet,
    /// Not a terminal: the lines of each input as it is done.
    Lines,
    /// A terminal: a progress bar; failures and mismatches are printed above it.
    Bar(indicatif::ProgressBar),
}

/// Tells the user, as each input is done, how the run goes.
struct Reporter {
    shown: Shown,
    total: usize,
    done: AtomicUsize,
    pages: AtomicU64,
    start: Instant,
}

impl Reporter {
    fn new(quiet: bool, total: usize) -> Reporter {
        let shown = if quiet {
            Shown::Quiet
        } else if std::io::stderr().is_terminal() {
            let bar = indicatif::ProgressBar::new(total as u64);
            let style = indicatif::ProgressStyle::with_template(
                "{elapsed_precise} [{wide_bar}] {pos}/{len} files, {msg}, ETA {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
            bar.set_style(style);
            Shown::Bar(bar)
        } else {
            Shown::Lines
        };
        Reporter {
            shown,
            total,
            done: AtomicUsize::new(0),
            pages: AtomicU64::new(0),
            start: Instant::now(),
        }
    }

    /// The first pass (reading and hashing every input) on a terminal; in a log, one line
    /// when it ends, for a batch large enough for it to take a while.
    fn hashed(&self, done: usize, total: usize) {
        match &self.shown {
            Shown::Bar(bar) if done.is_multiple_of(64) || done == total => {
                bar.set_message(format!("reading inputs {done}/{total}"))
            }
            Shown::Lines if done == total && total >= 1000 => eprintln!(
                "read and hashed {total} inputs in {:.1} s",
                self.start.elapsed().as_secs_f64()
            ),
            _ => {}
        }
    }

    fn file_done(&self, r: &FileReport, output: Option<&Output>) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if !r.resumed {
            self.pages
                .fetch_add(u64::from(r.entry.pages), Ordering::Relaxed);
        }
        match &self.shown {
            // Failures are listed at the end.
            Shown::Quiet => {}
            Shown::Lines => eprintln!("{}", report_lines(done, self.total, r, output)),
            Shown::Bar(bar) => {
                let mismatches = output.map_or(0, |o| o.reconciliation.counts.mismatch);
                if r.entry.status == Status::Failed {
                    bar.println(format!("error: {}", r.entry.error));
                } else if mismatches > 0 {
                    bar.println(format!("{}: {mismatches} mismatch(es)", r.input.display()));
                }
                let secs = self.start.elapsed().as_secs_f64().max(1e-3);
                let pages = self.pages.load(Ordering::Relaxed);
                bar.set_message(format!("{pages} pages, {:.0} pages/s", pages as f64 / secs));
                bar.inc(1);
            }
        }
    }

    fn finish(&self) {
        if let Shown::Bar(bar) = &self.shown {
            bar.finish_and_clear();
        }
    }
}

/// The end of a run: its counts on stdout (unless `quiet`), then on stderr one line per input
/// that failed, was a duplicate or was skipped, with its reason (with `quiet`, only failures
/// and skips).
fn summary(quiet: bool, run: &RunOutcome, collected: &budget_tables::run::Collected, out: &Path) {
    let s = run.summary();
    if !quiet {
        let reasons: Vec<String> = s
            .failed_by_reason
            .iter()
            .map(|(r, n)| format!("{r} {n}"))
            .collect();
        println!(
            "{} of {} files converted, {} failed, {} duplicate(s); output in {}",
            s.converted,
            s.inputs,
            s.failed,
            s.duplicates,
            out.display()
        );
        if s.resumed > 0 {
            println!(
                "  {} converted by an earlier run and left as they were (--resume)",
                s.resumed
            );
        }
        if !reasons.is_empty() {
            println!("  failed by reason: {}", reasons.join(", "));
        }
        if s.other_shards > 0 {
            println!("  {} input(s) left to other shards", s.other_shards);
        }
        println!(
            "  {} tables, {} amounts; {} document(s) with a mismatch ({} mismatches), {} unverified amounts",
            s.tables, s.amounts, s.documents_with_mismatch, s.mismatches, s.unverified_amounts
        );
        println!(
            "  {} pages in {:.1} s ({:.0} pages/s)",
            s.pages, s.seconds, s.pages_per_second
        );
        if run.stale_temporaries > 0 {
            println!(
                "  removed {} temporary file(s) an interrupted run had left",
                run.stale_temporaries
            );
        }
    }
    for r in &run.reports {
        match r.entry.status {
            Status::Failed => eprintln!("  failed: {}", r.entry.error),
            Status::Duplicate if !quiet => eprintln!("  {}", plain_outcome(r)),
            Status::Skipped => eprintln!("  skipped: {}: {}", r.input.display(), r.entry.error),
            _ => {}
        }
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
            jobs,
            resume,
            shard,
            format,
            csv_bom,
            postgres,
            schema,
            summary_json,
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
            let opts = RunOptions {
                jobs: jobs.map_or(0, usize::from),
                resume,
                shard,
                csv_bom,
                formats: Formats {
                    csv: format.contains(&OutputFormat::Csv),
                    parquet: format.contains(&OutputFormat::Parquet),
                },
            };
            let reporter = Reporter::new(quiet, collected.files.len() + collected.skipped.len());
            let mut extra: Vec<Box<dyn budget_tables::write::OutputWriter>> = Vec::new();
            if let Some(url) = &postgres {
                extra.push(Box::new(budget_tables::load::PostgresWriter::connect(
                    url, &schema,
                )?));
            }
            let run = convert_all(
                &collected,
                &out_dir,
                &grammars,
                &rules,
                &opts,
                extra,
                &|event| match event {
                    Event::Hashed { done, total } => reporter.hashed(done, total),
                    Event::Done(r, o) => reporter.file_done(r, o),
                },
            );
            reporter.finish();
            if let Err(e @ budget_tables::error::Error::OutBusy { .. }) = &run.finish {
                eprintln!("error: {e}");
                return Ok(ExitCode::from(2));
            }
            summary(quiet, &run, &collected, &out);
            if let Some(path) = &summary_json {
                let mut text = serde_json::to_string_pretty(&run.summary())?;
                text.push('\n');
                std::fs::write(path, text)
                    .with_context(|| format!("writing --summary-json {}", path.display()))?;
            }
            if let Err(e) = &run.finish {
                eprintln!("error: the run's facts.csv, Parquet tables or manifest.csv could not be written: {e}");
                return Ok(ExitCode::from(1));
            }
            let failed = run
                .reports
                .iter()
                .filter(|r| r.entry.status == Status::Failed)
                .count();
            if strict {
                let gated: Vec<(String, Vec<String>)> = run
                    .reports
                    .iter()
                    .filter(|r| r.entry.status == Status::Converted)
                    .map(|r| (r.input.display().to_string(), r.strict_reasons()))
                    .filter(|(_, reasons)| !reasons.is_empty())
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
        Command::Load {
            postgres,
            schema,
            strict,
            out,
        } => {
            let opts = budget_tables::load::LoadOptions {
                url: postgres,
                schema,
                strict,
            };
            let report = budget_tables::load::load(&out, &opts)?;
            let (mut loaded, mut replaced, mut facts, mut gated, mut failed) = (0, 0, 0, 0, 0);
            for d in &report.documents {
                match d {
                    budget_tables::load::Loaded::Done {
                        facts: n,
                        replaced: r,
                        ..
                    } => {
                        loaded += 1;
                        facts += n;
                        replaced += usize::from(*r);
                    }
                    budget_tables::load::Loaded::Gated { doc_id, reasons } => {
                        gated += 1;
                        eprintln!("  not loaded (--strict): {doc_id}: {reasons}");
                    }
                    budget_tables::load::Loaded::Failed(e) => {
                        failed += 1;
                        eprintln!("  failed: {e}");
                    }
                }
            }
            println!(
                "{loaded} document(s) loaded into schema {} ({facts} facts; {replaced} replaced an earlier load), {gated} left out by --strict, {failed} failed",
                opts.schema
            );
            Ok(ExitCode::from(if failed + gated > 0 { 1 } else { 0 }))
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
