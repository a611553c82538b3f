//! Batch runs: collect input files, convert each, write outputs, and report per file. One
//! bad file never stops the batch.

use crate::convert::{convert_file, Converted};
use crate::error::Error;
use crate::grammar::GrammarSet;
use crate::reconcile::{reconcile_converted, Reconciliation, RuleSet};
use crate::write::{CsvWriter, FactsWriter, FindingsWriter, JsonWriter, Output, OutputWriter};
use std::path::{Path, PathBuf};

/// Input files: each file as given, each folder walked recursively for .pdf and .txt files,
/// sorted so a run is deterministic.
pub fn collect_inputs(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = walkdir::WalkDir::new(p)
                .into_iter()
                .filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_file())
                .map(|e| e.into_path())
                .filter(|f| {
                    f.extension().and_then(|x| x.to_str()).is_some_and(|x| {
                        x.eq_ignore_ascii_case("pdf") || x.eq_ignore_ascii_case("txt")
                    })
                })
                .collect();
            found.sort();
            out.extend(found);
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(Error::Io {
                path: p.clone(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
            });
        }
    }
    Ok(out)
}

/// What happened to one input.
#[derive(Debug)]
pub enum FileOutcome {
    Converted(Box<Converted>, Box<Reconciliation>),
    Failed(Error),
}

/// Converts every input and writes document.json, table CSVs and facts.csv under `out`.
/// `progress` is called after each file with its index, the total and the outcome.
pub fn convert_all(
    inputs: &[PathBuf],
    out: &Path,
    grammars: &GrammarSet,
    rules: &RuleSet,
    mut progress: impl FnMut(usize, usize, &Path, &FileOutcome),
) -> Result<Vec<FileOutcome>, Error> {
    let mut writers: Vec<Box<dyn OutputWriter>> = vec![
        Box::new(JsonWriter {
            out: out.to_path_buf(),
        }),
        Box::new(CsvWriter {
            out: out.to_path_buf(),
        }),
        Box::new(FindingsWriter {
            out: out.to_path_buf(),
        }),
        Box::new(FactsWriter::new(out.to_path_buf())),
    ];
    let mut outcomes = Vec::with_capacity(inputs.len());
    let mut used_ids = std::collections::HashSet::new();
    for (i, path) in inputs.iter().enumerate() {
        let outcome = match convert_file(path, grammars) {
            Ok(mut c) => {
                // Two inputs with one stem get distinct folders.
                if !used_ids.insert(c.document.doc_id.clone()) {
                    c.document.doc_id =
                        format!("{}-{}", c.document.doc_id, &c.document.source.sha256[..8]);
                    used_ids.insert(c.document.doc_id.clone());
                }
                let rec = reconcile_converted(&c, rules);
                let output = Output {
                    document: &c.document,
                    reconciliation: &rec,
                };
                let mut result = Ok(());
                for w in writers.iter_mut() {
                    result = result.and_then(|_| w.write(&output));
                }
                match result {
                    Ok(()) => FileOutcome::Converted(Box::new(c), Box::new(rec)),
                    Err(e) => FileOutcome::Failed(e),
                }
            }
            Err(e) => FileOutcome::Failed(e),
        };
        progress(i, inputs.len(), path, &outcome);
        outcomes.push(outcome);
    }
    for w in writers.iter_mut() {
        w.finish()?;
    }
    Ok(outcomes)
}
