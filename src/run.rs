//! Batch runs: collect input files, convert each, write outputs, and report per file. One
//! bad file never stops the batch.
//!
//! Each content is converted once: an input that is the same file as an earlier one, or
//! has the same bytes (same SHA-256), is reported as a [`FileOutcome::Duplicate`] and not
//! written again. Document ids come from each file's own name and content
//! ([`crate::convert::doc_id`]); two different contents with one id (a SHA-256 prefix
//! collision, in this run or with a document already in the output folder) make the second
//! fail rather than overwrite the first.

use crate::convert::{convert_bytes, doc_id, read_input, sha256_hex};
use crate::error::Error;
use crate::grammar::GrammarSet;
use crate::manifest::{manifest_text, parse_manifest, ManifestEntry, Status};
use crate::reconcile::{reconcile_converted, Reconciliation, RuleSet};
use crate::write::parquet::ParquetWriter;
use crate::write::{
    CsvWriter, FactsWriter, FindingsWriter, JsonWriter, OutDir, Output, OutputWriter,
};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Warning codes that make `--strict` fail a document: a table that could not be rebuilt
/// (`table_unparsed`) or a page of one (`table_page_unparsed`) or whose title no grammar knows (`table_unknown`), a damaged PDF
/// stream (`stream_damaged`), a page not read in full because a work limit was reached
/// (`page_limit`), a reference cycle (`reference_cycle`) or a page-tree cycle
/// (`page_tree_cycle`) in the PDF's structure, no table at all (`no_tables`), too many
/// tables (`too_many_tables`).
pub const STRICT_FAILING_WARNINGS: &[&str] = &[
    "table_unparsed",
    crate::convert::TABLE_PAGE_UNPARSED,
    "table_unknown",
    crate::pdf::STREAM_DAMAGED,
    crate::pdf::PAGE_LIMIT,
    crate::pdf::REFERENCE_CYCLE,
    crate::pdf::PAGE_TREE_CYCLE,
    crate::convert::NO_TABLES,
    crate::convert::TOO_MANY_TABLES,
    crate::plain_dump::PLAIN_COLUMNS_UNNAMED,
];

/// An input left out of the run, with the reason.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
}

/// The inputs of a run.
#[derive(Debug, Default)]
pub struct Collected {
    /// Files to convert, in order: each named file as given, then each folder's .pdf/.txt
    /// files sorted by path.
    pub files: Vec<PathBuf>,
    /// Entries of folders that could not be taken: symbolic-link loops, unreadable entries,
    /// .pdf/.txt names that are not regular files (FIFOs, devices, broken links).
    pub skipped: Vec<Skipped>,
    /// Regular files in folders whose names end neither in .pdf nor .txt (not listed one by
    /// one: a folder of downloads holds many).
    pub other_files: usize,
}

fn wanted_extension(p: &Path) -> bool {
    p.extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| x.eq_ignore_ascii_case("pdf") || x.eq_ignore_ascii_case("txt"))
}

/// Input files: each file as given (whatever its name; it is refused when read if it is not
/// a regular file), each folder walked recursively for .pdf and .txt files, following
/// symbolic links (a link loop is a [`Skipped`] entry, not an error), sorted so a run is
/// deterministic. A named input that does not exist is an error.
pub fn collect(paths: &[PathBuf]) -> Result<Collected, Error> {
    let mut c = Collected::default();
    for p in paths {
        if p.is_dir() {
            let mut found = Vec::new();
            for entry in walkdir::WalkDir::new(p).follow_links(true) {
                let e = match entry {
                    Ok(e) => e,
                    Err(err) => {
                        let path = err.path().unwrap_or(p).to_path_buf();
                        let reason = match err.loop_ancestor() {
                            Some(a) => format!(
                                "symbolic link loop (leads back to {}); not followed",
                                a.display()
                            ),
                            None => match err.io_error() {
                                Some(io) => format!("cannot read: {io}"),
                                None => err.to_string(),
                            },
                        };
                        c.skipped.push(Skipped { path, reason });
                        continue;
                    }
                };
                let t = e.file_type();
                if t.is_dir() {
                    continue;
                }
                if !wanted_extension(e.path()) {
                    if t.is_file() {
                        c.other_files += 1;
                    }
                    continue;
                }
                if t.is_file() {
                    found.push(e.into_path());
                } else {
                    c.skipped.push(Skipped {
                        path: e.into_path(),
                        reason: "not a regular file (FIFO, device or socket)".into(),
                    });
                }
            }
            found.sort();
            c.files.extend(found);
        } else if p.exists() {
            c.files.push(p.clone());
        } else {
            return Err(Error::Io {
                path: p.clone(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
            });
        }
    }
    c.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(c)
}

/// The files of [`collect`], without the report of what was left out.
pub fn collect_inputs(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    collect(paths).map(|c| c.files)
}

/// Document ids claimed in one run, with the content (SHA-256) and file each stands for.
#[derive(Debug, Default)]
pub struct IdRegistry {
    ids: HashMap<String, (String, PathBuf)>,
}

impl IdRegistry {
    /// Claims `id` for the content `sha256` of `path`; an id already claimed by a different
    /// content is an [`Error::IdCollision`].
    pub fn claim(&mut self, id: &str, sha256: &str, path: &Path) -> Result<(), Error> {
        match self.ids.get(id) {
            Some((sha, other)) if sha != sha256 => Err(Error::IdCollision {
                path: path.to_path_buf(),
                doc_id: id.to_string(),
                other: other.display().to_string(),
            }),
            Some(_) => Ok(()),
            None => {
                self.ids
                    .insert(id.to_string(), (sha256.to_string(), path.to_path_buf()));
                Ok(())
            }
        }
    }
}

/// The SHA-256 and source path of the document already in `OUT/<id>/document.json` from an
/// earlier run, if there is one that can be read.
fn existing_document(out: &OutDir, id: &str) -> Option<(String, String)> {
    let text = std::fs::read_to_string(out.root().join(id).join("document.json")).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    let source = v.get("source")?;
    Some((
        source.get("sha256")?.as_str()?.to_string(),
        source.get("path")?.as_str()?.to_string(),
    ))
}

/// How a batch runs.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Documents converted at once; 0: one per core.
    pub jobs: usize,
    /// Leave alone the inputs that the output folder's manifest.csv records as converted
    /// from the same bytes (SHA-256) under the same document id, by the same tool version,
    /// grammars and rules, whose files are still there.
    pub resume: bool,
    /// Convert only the inputs of one shard.
    pub shard: Option<Shard>,
    /// Start table CSVs and the run's facts.csv with a UTF-8 byte order mark, for Excel.
    pub csv_bom: bool,
    pub formats: Formats,
}

/// Which of the run's outputs to write besides each document's document.json and
/// findings.json (always written: `--resume` and the Parquet tables are made from them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    /// Table CSVs, each document's facts.csv and the run's facts.csv.
    pub csv: bool,
    /// facts, documents, tables and findings as Parquet ([`crate::write::parquet`]).
    pub parquet: bool,
}

impl Default for Formats {
    fn default() -> Formats {
        Formats {
            csv: true,
            parquet: false,
        }
    }
}

/// Shard `index` of `count` (1-based): the inputs whose SHA-256, read as a number from its
/// first 16 hex digits, is `index - 1` modulo `count`. Machines that each take one shard of
/// one collection split it without talking to each other, and every copy of a content
/// lands in the same shard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl std::str::FromStr for Shard {
    type Err = String;

    /// "K/N" with 1 ≤ K ≤ N.
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("--shard {s:?}: give K/N with 1 <= K <= N, such as 1/4");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u64 = k.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// Whether the content with this SHA-256 (hex) belongs to the shard.
    pub fn holds(&self, sha256_hex: &str) -> bool {
        let n = sha256_hex
            .get(..16)
            .and_then(|h| u64::from_str_radix(h, 16).ok())
            .unwrap_or(0);
        n % self.count == self.index - 1
    }
}

/// What became of one input: its manifest line, and what the terminal needs besides.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub input: PathBuf,
    pub entry: ManifestEntry,
    /// Converted by an earlier run and left as it was (`--resume`).
    pub resumed: bool,
    /// For a duplicate: the earlier input, and whether it is the very same file.
    pub duplicate_of: Option<(PathBuf, bool)>,
    /// For a failure: its kind ([`Error::reason`]).
    pub reason: Option<&'static str>,
}

impl FileReport {
    /// Why `--strict` fails this input, empty when it passes: a failed conversion, or (for a
    /// converted document) mismatches, no tables, unverified tables, or warnings with a code
    /// in [`STRICT_FAILING_WARNINGS`]. A duplicate passes (its first copy is judged).
    pub fn strict_reasons(&self) -> Vec<String> {
        match self.entry.status {
            Status::Failed | Status::Skipped => vec![self.entry.error.clone()],
            Status::Duplicate => Vec::new(),
            Status::Converted if self.entry.strict.is_empty() => Vec::new(),
            Status::Converted => self.entry.strict.split("; ").map(String::from).collect(),
        }
    }
}

/// Why `--strict` fails a converted document (see [`FileReport::strict_reasons`]).
pub fn strict_reasons(d: &crate::model::Document, rec: &Reconciliation) -> Vec<String> {
    let mut out = Vec::new();
    if rec.has_mismatch() {
        out.push(format!("{} mismatch(es)", rec.counts.mismatch));
    }
    if rec.has_unverified_tables() {
        out.push(format!(
            "{} table(s) on damaged pages, unverified",
            rec.unverified_tables.len()
        ));
    }
    let no_tables_warned = d
        .warnings
        .iter()
        .any(|w| w.code == crate::convert::NO_TABLES);
    if d.tables.is_empty() && !no_tables_warned {
        out.push("no tables".into());
    }
    for code in STRICT_FAILING_WARNINGS {
        let n = d.warnings.iter().filter(|w| w.code == *code).count();
        if n > 0 {
            out.push(format!("{n} {code} warning(s)"));
        }
    }
    out
}

/// The outcome of a run.
#[derive(Debug)]
pub struct RunOutcome {
    /// One report per input in input order (inputs of other shards left out), then one per
    /// entry left out of the folders (link loops, FIFOs).
    pub reports: Vec<FileReport>,
    /// Inputs left to other shards (`--shard`).
    pub other_shards: usize,
    /// Temporary files of an earlier, killed run that were removed.
    pub stale_temporaries: usize,
    /// Whether the run's own files (facts.csv, manifest.csv) were written.
    pub finish: Result<(), Error>,
    pub seconds: f64,
}

/// Counts of a run, for its last lines and `--summary-json`.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RunSummary {
    pub inputs: usize,
    pub converted: usize,
    /// Of the converted: left as an earlier run wrote them (`--resume`).
    pub resumed: usize,
    pub failed: usize,
    /// Failures by kind ([`Error::reason`]).
    pub failed_by_reason: std::collections::BTreeMap<String, usize>,
    pub duplicates: usize,
    pub skipped: usize,
    pub other_shards: usize,
    pub documents_with_mismatch: usize,
    pub mismatches: usize,
    pub unverified_amounts: usize,
    pub tables: usize,
    pub amounts: usize,
    /// Pages of the documents converted in this run (not resumed ones).
    pub pages: u64,
    pub seconds: f64,
    pub pages_per_second: f64,
}

impl RunOutcome {
    pub fn summary(&self) -> RunSummary {
        let mut s = RunSummary {
            other_shards: self.other_shards,
            seconds: self.seconds,
            ..Default::default()
        };
        for r in &self.reports {
            let e = &r.entry;
            match e.status {
                Status::Skipped => {
                    s.skipped += 1;
                    continue;
                }
                Status::Duplicate => s.duplicates += 1,
                Status::Failed => {
                    s.failed += 1;
                    *s.failed_by_reason
                        .entry(r.reason.unwrap_or("other").to_string())
                        .or_default() += 1;
                }
                Status::Converted => {
                    s.converted += 1;
                    if r.resumed {
                        s.resumed += 1;
                    } else {
                        s.pages += u64::from(e.pages);
                    }
                    s.documents_with_mismatch += usize::from(e.mismatch > 0);
                    s.mismatches += e.mismatch;
                    s.unverified_amounts += e.unverified;
                    s.tables += e.tables;
                    s.amounts += e.amounts;
                }
            }
            s.inputs += 1;
        }
        if self.seconds > 0.0 {
            s.pages_per_second = s.pages as f64 / self.seconds;
        }
        s
    }
}

/// What a run tells its caller as it goes (from any worker thread).
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// Inputs read and hashed so far, of all: the first pass, before any conversion
    /// (duplicates, shards and resumable documents are told from the hashes).
    Hashed { done: usize, total: usize },
    /// An input is done: its report and, for a document converted now, its model and
    /// reconciliation.
    Done(&'a FileReport, Option<&'a Output<'a>>),
}

/// Receives a run's [`Event`]s.
pub type Progress<'a> = dyn Fn(Event<'_>) + Sync + 'a;

/// What a run's workers share.
struct Context<'a> {
    out: &'a OutDir,
    grammars: &'a GrammarSet,
    rules: &'a RuleSet,
    writers: Vec<Box<dyn OutputWriter>>,
    /// manifest.csv, open for appending: one line per input as it is done.
    journal: Mutex<Option<std::fs::File>>,
    progress: &'a Progress<'a>,
}

impl Context<'_> {
    fn entry(&self, path: &Path) -> ManifestEntry {
        ManifestEntry {
            path: path.display().to_string(),
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            grammars_sha256: self.grammars.fingerprint.clone(),
            rules_sha256: self.rules.fingerprint.clone(),
            ..Default::default()
        }
    }

    /// Appends the input's line to the journal, then tells the caller.
    fn done(&self, report: &FileReport, output: Option<&Output>) -> Result<(), Error> {
        let appended = self.append(&report.entry);
        (self.progress)(Event::Done(report, output));
        appended
    }

    fn append(&self, entry: &ManifestEntry) -> Result<(), Error> {
        let rel = Path::new(MANIFEST);
        let line = crate::write::csv_lines([entry.record()]).map_err(|e| Error::Write {
            path: rel.to_path_buf(),
            source: std::io::Error::other(e),
        })?;
        let mut journal = self.journal.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(f) = journal.as_mut() {
            std::io::Write::write_all(f, line.as_bytes()).map_err(|source| Error::Write {
                path: self.out.root().join(rel),
                source,
            })?;
        }
        Ok(())
    }

    fn failed(&self, path: &Path, e: Error) -> FileReport {
        let mut entry = self.entry(path);
        entry.status = Status::Failed;
        entry.error = e.to_string();
        FileReport {
            input: path.to_path_buf(),
            entry,
            resumed: false,
            duplicate_of: None,
            reason: Some(e.reason()),
        }
    }
}

/// The run's manifest, at the root of the output folder.
pub const MANIFEST: &str = "manifest.csv";

/// An input read once to learn what it is: its canonical path, and its SHA-256 and size.
struct Hashed {
    canon: Option<PathBuf>,
    content: Result<(String, u64), Error>,
}

fn hash_input(path: &Path) -> Hashed {
    Hashed {
        canon: std::fs::canonicalize(path).ok(),
        content: read_input(path).map(|b| (sha256_hex(&b), b.len() as u64)),
    }
}

/// What the run does with one input, decided in input order before any conversion.
enum Plan {
    Convert { sha: String, size: u64, id: String },
    Done(Box<FileReport>),
    OtherShard,
}

/// Entries of the output folder's manifest an input may be resumed from: converted ones
/// whose files are still there, by SHA-256.
fn resumable(out: &OutDir, formats: Formats) -> HashMap<String, ManifestEntry> {
    let mut needed = vec!["document.json", "findings.json"];
    if formats.csv {
        needed.push("facts.csv");
    }
    let Ok(text) = std::fs::read_to_string(out.root().join(MANIFEST)) else {
        return HashMap::new();
    };
    parse_manifest(&text)
        .into_iter()
        .filter(|e| e.status == Status::Converted)
        .filter(|e| {
            let dir = out.root().join(&e.doc_id);
            !e.doc_id.is_empty() && needed.iter().all(|f| dir.join(f).is_file())
        })
        .map(|e| (e.sha256.clone(), e))
        .collect()
}

/// The writers of a run, in the order they get each document: the JSON files first, a
/// document's facts last (only when its other files are written).
fn writers(out: &OutDir, opts: &RunOptions) -> Vec<Box<dyn OutputWriter>> {
    let mut w: Vec<Box<dyn OutputWriter>> = vec![
        Box::new(JsonWriter { out: out.clone() }),
        Box::new(FindingsWriter { out: out.clone() }),
    ];
    if opts.formats.csv {
        w.push(Box::new(CsvWriter {
            out: out.clone(),
            bom: opts.csv_bom,
        }));
        w.push(Box::new(FactsWriter {
            out: out.clone(),
            bom: opts.csv_bom,
        }));
    }
    if opts.formats.parquet {
        w.push(Box::new(ParquetWriter { out: out.clone() }));
    }
    w
}

/// Converts every input and writes, per document, document.json, table CSVs,
/// findings.json and facts.csv under `out/<doc-id>/`; then the run's facts.csv (every
/// converted document's facts in input order) and manifest.csv. Documents are converted
/// on `opts.jobs` threads; what is written does not depend on their number (bar the
/// manifest's `seconds`). `extra_writers` (a database) get each document after the
/// files are written; a document is complete, and recorded as converted, only when every
/// writer took it. `progress` hears of the first pass and of each input as it is done.
pub fn convert_all(
    collected: &Collected,
    out: &OutDir,
    grammars: &GrammarSet,
    rules: &RuleSet,
    opts: &RunOptions,
    extra_writers: Vec<Box<dyn OutputWriter>>,
    progress: &Progress,
) -> RunOutcome {
    let start = std::time::Instant::now();
    let _lock = match out.lock() {
        Ok(l) => l,
        Err(e) => {
            return RunOutcome {
                reports: Vec::new(),
                other_shards: 0,
                stale_temporaries: 0,
                finish: Err(e),
                seconds: 0.0,
            }
        }
    };
    let mut all_writers = writers(out, opts);
    all_writers.extend(extra_writers);
    let stale_temporaries = out.remove_stale_temporaries();
    let ctx = Context {
        out,
        grammars,
        rules,
        writers: all_writers,
        journal: Mutex::new(None),
        progress,
    };
    let finished = |reports, other_shards, finish| RunOutcome {
        reports,
        other_shards,
        stale_temporaries,
        finish,
        seconds: start.elapsed().as_secs_f64(),
    };
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs)
        .build()
    {
        Ok(p) => p,
        Err(e) => {
            let err = Error::Write {
                path: out.root().to_path_buf(),
                source: std::io::Error::other(format!("cannot start worker threads: {e}")),
            };
            return finished(Vec::new(), 0, Err(err));
        }
    };
    let previous = if opts.resume {
        resumable(out, opts.formats)
    } else {
        HashMap::new()
    };
    let inputs = &collected.files;
    let read = std::sync::atomic::AtomicUsize::new(0);
    let hashed: Vec<Hashed> = pool.install(|| {
        inputs
            .par_iter()
            .map(|p| {
                let h = hash_input(p);
                let done = read.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                progress(Event::Hashed {
                    done,
                    total: inputs.len(),
                });
                h
            })
            .collect()
    });
    let (plans, other_shards) = plan(inputs, hashed, out, opts, &previous, &ctx);

    // The journal starts with what earlier runs did that this one keeps.
    let kept: Vec<&ManifestEntry> = plans
        .iter()
        .filter_map(|p| match p {
            Plan::Done(r) if r.resumed => Some(&r.entry),
            _ => None,
        })
        .collect();
    let started = manifest_text(kept)
        .map_err(|e| Error::Write {
            path: PathBuf::from(MANIFEST),
            source: std::io::Error::other(e),
        })
        .and_then(|text| out.write(Path::new(MANIFEST), text.as_bytes()))
        .and_then(|()| out.append(Path::new(MANIFEST)));
    match started {
        Ok(f) => *ctx.journal.lock().unwrap_or_else(|p| p.into_inner()) = Some(f),
        Err(e) => return finished(Vec::new(), other_shards, Err(e)),
    }
    for p in &plans {
        if let Plan::Done(r) = p {
            // A failure to append shows at the end, when the manifest is rewritten.
            let _ = ctx.done(r, None);
        }
    }

    let reports: Vec<FileReport> = pool.install(|| {
        plans
            .into_par_iter()
            .zip(inputs.par_iter())
            .filter_map(|(plan, path)| match plan {
                Plan::Convert { sha, size, id } => Some(convert_one(path, sha, size, id, &ctx)),
                Plan::Done(r) => Some(*r),
                Plan::OtherShard => None,
            })
            .collect()
    });
    drop(ctx.journal.lock().unwrap_or_else(|p| p.into_inner()).take());

    let mut reports = reports;
    for s in &collected.skipped {
        let mut entry = ctx.entry(&s.path);
        entry.status = Status::Skipped;
        entry.error = s.reason.clone();
        reports.push(FileReport {
            input: s.path.clone(),
            entry,
            resumed: false,
            duplicate_of: None,
            reason: None,
        });
    }
    let converted: Vec<String> = reports
        .iter()
        .filter(|r| r.entry.status == Status::Converted)
        .map(|r| r.entry.doc_id.clone())
        .collect();
    let finish = ctx
        .writers
        .iter()
        .try_for_each(|w| w.finish(&converted))
        .and_then(|()| {
            let text =
                manifest_text(reports.iter().map(|r| &r.entry)).map_err(|e| Error::Write {
                    path: PathBuf::from(MANIFEST),
                    source: std::io::Error::other(e),
                })?;
            out.write(Path::new(MANIFEST), text.as_bytes())
        });
    finished(reports, other_shards, finish)
}

/// Decides, in input order, what to do with each input: duplicates, id collisions, other
/// shards and resumable documents are settled here, so that the parallel conversion that
/// follows depends on nothing but each document.
fn plan(
    inputs: &[PathBuf],
    hashed: Vec<Hashed>,
    out: &OutDir,
    opts: &RunOptions,
    previous: &HashMap<String, ManifestEntry>,
    ctx: &Context<'_>,
) -> (Vec<Plan>, usize) {
    // Canonical path → the input converted for it, and whether that input is this very file.
    let mut by_file: HashMap<PathBuf, (usize, bool)> = HashMap::new();
    let mut by_content: HashMap<String, usize> = HashMap::new();
    let mut ids = IdRegistry::default();
    let mut other_shards = 0;
    let mut plans = Vec::with_capacity(inputs.len());
    for (i, (path, h)) in inputs.iter().zip(hashed).enumerate() {
        let duplicate = |of: usize, same_file: bool, sha: &str, size: u64| {
            let of = inputs.get(of).cloned().unwrap_or_default();
            let mut entry = ctx.entry(path);
            entry.status = Status::Duplicate;
            entry.sha256 = sha.to_string();
            entry.size = size;
            entry.error = format!(
                "the same {} as {}; converted once",
                if same_file { "file" } else { "content" },
                of.display()
            );
            Plan::Done(Box::new(FileReport {
                input: path.clone(),
                entry,
                resumed: false,
                duplicate_of: Some((of, same_file)),
                reason: None,
            }))
        };
        let (sha, size) = match h.content {
            Ok(c) => c,
            Err(e) => {
                plans.push(Plan::Done(Box::new(ctx.failed(path, e))));
                continue;
            }
        };
        if opts.shard.is_some_and(|s| !s.holds(&sha)) {
            other_shards += 1;
            plans.push(Plan::OtherShard);
            continue;
        }
        if let Some(&(j, same_file)) = h.canon.as_ref().and_then(|c| by_file.get(c)) {
            plans.push(duplicate(j, same_file, &sha, size));
            continue;
        }
        if let Some(&j) = by_content.get(&sha) {
            if let Some(c) = h.canon {
                by_file.insert(c, (j, false));
            }
            plans.push(duplicate(j, false, &sha, size));
            continue;
        }
        by_content.insert(sha.clone(), i);
        if let Some(c) = h.canon {
            by_file.insert(c, (i, true));
        }
        let id = doc_id(path, &sha);
        let failed = |e: Error| {
            let mut r = ctx.failed(path, e);
            r.entry.sha256 = sha.clone();
            r.entry.size = size;
            Plan::Done(Box::new(r))
        };
        if let Err(e) = ids.claim(&id, &sha, path) {
            plans.push(failed(e));
            continue;
        }
        // Resumable: the manifest says this content was converted to this folder (its
        // document.json need not be read to tell).
        let fresh = ctx.entry(path);
        if let Some(old) = previous.get(&sha).filter(|e| {
            e.doc_id == id
                && e.tool_version == fresh.tool_version
                && e.grammars_sha256 == fresh.grammars_sha256
                && e.rules_sha256 == fresh.rules_sha256
        }) {
            let mut entry = old.clone();
            entry.path = fresh.path;
            plans.push(Plan::Done(Box::new(FileReport {
                input: path.clone(),
                entry,
                resumed: true,
                duplicate_of: None,
                reason: None,
            })));
            continue;
        }
        if let Some((old_sha, old_path)) = existing_document(out, &id) {
            if old_sha != sha {
                let e = Error::IdCollision {
                    path: path.clone(),
                    doc_id: id,
                    other: format!("{old_path} (in the output folder from an earlier run)"),
                };
                plans.push(failed(e));
                continue;
            }
        }
        plans.push(Plan::Convert { sha, size, id });
    }
    (plans, other_shards)
}

/// Converts, reconciles and writes one document, then records it in the journal.
fn convert_one(path: &Path, sha: String, size: u64, id: String, ctx: &Context<'_>) -> FileReport {
    let start = std::time::Instant::now();
    let result = (|| -> Result<FileReport, Error> {
        let bytes = read_input(path)?;
        if sha256_hex(&bytes) != sha {
            return Err(Error::Io {
                path: path.to_path_buf(),
                source: std::io::Error::other(
                    "the file changed while the run was reading it; convert it again",
                ),
            });
        }
        let mut c = convert_bytes(path, &bytes, ctx.grammars)?;
        drop(bytes);
        c.document.doc_id = id.clone();
        let rec = reconcile_converted(&c, ctx.rules);
        let output = Output {
            document: &c.document,
            reconciliation: &rec,
        };
        for w in &ctx.writers {
            w.write(&output)?;
        }
        let d = &c.document;
        let mut entry = ctx.entry(path);
        entry.sha256 = sha.clone();
        entry.size = size;
        entry.doc_id = id.clone();
        entry.pages = d.source.pages;
        entry.tables = d.tables.len();
        entry.amounts = d.tables.iter().map(|t| t.amount_count()).sum();
        entry.mismatch = rec.counts.mismatch;
        entry.rounding = rec.counts.rounding;
        entry.missing = rec.counts.missing;
        entry.unparsed = rec.counts.unparsed;
        entry.unverified = rec.coverage.unverified;
        entry.strict = strict_reasons(&c.document, &rec).join("; ");
        entry.seconds = start.elapsed().as_secs_f64();
        let report = FileReport {
            input: path.to_path_buf(),
            entry,
            resumed: false,
            duplicate_of: None,
            reason: None,
        };
        // The document is complete once its line is in the journal.
        ctx.done(&report, Some(&output))?;
        Ok(report)
    })();
    result.unwrap_or_else(|e| {
        let mut r = ctx.failed(path, e);
        r.entry.sha256 = sha;
        r.entry.size = size;
        r.entry.doc_id = id;
        r.entry.seconds = start.elapsed().as_secs_f64();
        let _ = ctx.done(&r, None);
        r
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_taken_by_other_content_is_refused_and_the_same_content_is_not() {
        let mut ids = IdRegistry::default();
        let a = "a".repeat(64);
        let b = format!("{}b", "a".repeat(63));
        ids.claim("report-aaaaaaaaaaaa", &a, Path::new("d1/report.txt"))
            .expect("first claim");
        ids.claim("report-aaaaaaaaaaaa", &a, Path::new("d1/report.txt"))
            .expect("same content again");
        let e = ids
            .claim("report-aaaaaaaaaaaa", &b, Path::new("d2/report.txt"))
            .expect_err("other content, same id");
        let msg = e.to_string();
        assert!(matches!(e, Error::IdCollision { .. }), "{msg}");
        assert!(
            msg.starts_with("d2/report.txt: ") && msg.contains("d1/report.txt"),
            "{msg}"
        );
    }
}
