//! Batch runs: collect input files, convert each, write outputs, and report per file. One
//! bad file never stops the batch.
//!
//! Each content is converted once: an input that is the same file as an earlier one, or
//! has the same bytes (same SHA-256), is reported as a [`FileOutcome::Duplicate`] and not
//! written again. Document ids come from each file's own name and content
//! ([`crate::convert::doc_id`]); two different contents with one id (a SHA-256 prefix
//! collision, in this run or with a document already in the output folder) make the second
//! fail rather than overwrite the first.

use crate::convert::{convert_bytes, doc_id, read_input, sha256_hex, Converted};
use crate::error::Error;
use crate::grammar::GrammarSet;
use crate::reconcile::{reconcile_converted, Reconciliation, RuleSet};
use crate::write::{
    CsvWriter, FactsWriter, FindingsWriter, JsonWriter, OutDir, Output, OutputWriter,
};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Warning codes that make `--strict` fail a document: a table that could not be rebuilt
/// (`table_unparsed`) or whose title no grammar knows (`table_unknown`), a damaged PDF
/// stream (`stream_damaged`), a page not read in full because a work limit was reached
/// (`page_limit`), a reference cycle (`reference_cycle`) or a page-tree cycle
/// (`page_tree_cycle`) in the PDF's structure, no table at all (`no_tables`), too many
/// tables (`too_many_tables`).
pub const STRICT_FAILING_WARNINGS: &[&str] = &[
    "table_unparsed",
    "table_unknown",
    crate::pdf::STREAM_DAMAGED,
    crate::pdf::PAGE_LIMIT,
    crate::pdf::REFERENCE_CYCLE,
    crate::pdf::PAGE_TREE_CYCLE,
    crate::convert::NO_TABLES,
    crate::convert::TOO_MANY_TABLES,
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

/// What happened to one input.
#[derive(Debug)]
pub enum FileOutcome {
    Converted(Box<Converted>, Box<Reconciliation>),
    Failed(Error),
    /// The same file as, or the same bytes as, an earlier input `of`: not converted or
    /// written again.
    Duplicate {
        of: PathBuf,
        same_file: bool,
    },
}

impl FileOutcome {
    /// Why `--strict` fails this input, empty when it passes: a failed conversion, mismatches,
    /// no tables, or warnings with a code in [`STRICT_FAILING_WARNINGS`]. A duplicate passes
    /// (its first copy is judged).
    pub fn strict_reasons(&self) -> Vec<String> {
        match self {
            FileOutcome::Failed(e) => vec![e.to_string()],
            FileOutcome::Duplicate { .. } => Vec::new(),
            FileOutcome::Converted(c, rec) => {
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
                let d = &c.document;
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
        }
    }
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

/// The outcomes of a run, and whether the run's own file (facts.csv) was written.
#[derive(Debug)]
pub struct RunOutcome {
    pub outcomes: Vec<FileOutcome>,
    pub finish: Result<(), Error>,
}

/// State of a run across its inputs: what was seen, which ids are taken.
struct Seen {
    /// Canonical path → the input converted for it, and whether that input is this very file
    /// (or a copy of its content).
    by_file: HashMap<PathBuf, (usize, bool)>,
    by_content: HashMap<String, usize>,
    ids: IdRegistry,
}

/// Converts every input and writes document.json, table CSVs and facts.csv under `out`.
/// `progress` is called after each file with its index, the total and the outcome.
pub fn convert_all(
    inputs: &[PathBuf],
    out: &OutDir,
    grammars: &GrammarSet,
    rules: &RuleSet,
    mut progress: impl FnMut(usize, usize, &Path, &FileOutcome),
) -> RunOutcome {
    let mut writers: Vec<Box<dyn OutputWriter>> = vec![
        Box::new(JsonWriter { out: out.clone() }),
        Box::new(CsvWriter { out: out.clone() }),
        Box::new(FindingsWriter { out: out.clone() }),
        // Last: a document's facts are added only when its other files are written.
        Box::new(FactsWriter::new(out.clone())),
    ];
    let mut outcomes = Vec::with_capacity(inputs.len());
    let mut seen = Seen {
        by_file: HashMap::new(),
        by_content: HashMap::new(),
        ids: IdRegistry::default(),
    };
    for (i, path) in inputs.iter().enumerate() {
        let outcome = convert_one(i, inputs, out, grammars, rules, &mut seen, &mut writers);
        progress(i, inputs.len(), path, &outcome);
        outcomes.push(outcome);
    }
    let mut finish = Ok(());
    for w in writers.iter_mut() {
        if let Err(e) = w.finish() {
            finish = Err(e);
            break;
        }
    }
    RunOutcome { outcomes, finish }
}

fn convert_one(
    i: usize,
    inputs: &[PathBuf],
    out: &OutDir,
    grammars: &GrammarSet,
    rules: &RuleSet,
    seen: &mut Seen,
    writers: &mut [Box<dyn OutputWriter>],
) -> FileOutcome {
    let Some(path) = inputs.get(i) else {
        return FileOutcome::Failed(Error::Io {
            path: PathBuf::new(),
            source: std::io::Error::other("input index out of range"),
        });
    };
    let earlier = |j: usize| inputs.get(j).cloned().unwrap_or_default();
    let canon = std::fs::canonicalize(path).ok();
    if let Some(&(j, same_file)) = canon.as_ref().and_then(|c| seen.by_file.get(c)) {
        return FileOutcome::Duplicate {
            of: earlier(j),
            same_file,
        };
    }
    let bytes = match read_input(path) {
        Ok(b) => b,
        Err(e) => return FileOutcome::Failed(e),
    };
    let sha = sha256_hex(&bytes);
    if let Some(&j) = seen.by_content.get(&sha) {
        if let Some(c) = canon {
            seen.by_file.insert(c, (j, false));
        }
        return FileOutcome::Duplicate {
            of: earlier(j),
            same_file: false,
        };
    }
    seen.by_content.insert(sha.clone(), i);
    if let Some(c) = canon {
        seen.by_file.insert(c, (i, true));
    }
    let id = doc_id(path, &sha);
    if let Err(e) = seen.ids.claim(&id, &sha, path) {
        return FileOutcome::Failed(e);
    }
    if let Some((old_sha, old_path)) = existing_document(out, &id) {
        if old_sha != sha {
            return FileOutcome::Failed(Error::IdCollision {
                path: path.clone(),
                doc_id: id,
                other: format!("{old_path} (in the output folder from an earlier run)"),
            });
        }
    }
    let mut c = match convert_bytes(path, &bytes, grammars) {
        Ok(c) => c,
        Err(e) => return FileOutcome::Failed(e),
    };
    c.document.doc_id = id;
    let rec = reconcile_converted(&c, rules);
    let output = Output {
        document: &c.document,
        reconciliation: &rec,
    };
    for w in writers.iter_mut() {
        if let Err(e) = w.write(&output) {
            return FileOutcome::Failed(e);
        }
    }
    FileOutcome::Converted(Box::new(c), Box::new(rec))
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
