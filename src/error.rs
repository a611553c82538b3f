//! Typed errors. Each carries where it happened: file, page, line, grammar file and line.

use std::path::PathBuf;

/// An error that stops one document (the batch goes on with the next).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: cannot read the file: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a budget document: {reason}")]
    NotBudget { path: PathBuf, reason: String },
    #[error("{path}: unsupported input: {reason}")]
    Unsupported { path: PathBuf, reason: String },
    #[error(transparent)]
    Grammar(#[from] GrammarError),
    #[error("{path}: {source}")]
    Pdf {
        path: PathBuf,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("{path}: cannot write output: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A PDF gave no usable text or tables and its structure says why: damaged
    /// streams, page-tree or reference cycles, work limits reached.
    #[error("{path}: damaged PDF: {reason}")]
    Damaged { path: PathBuf, reason: String },
}

/// A grammar data file that cannot be loaded: names the file and line.
#[derive(Debug, thiserror::Error)]
#[error("grammar {file}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct GrammarError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

/// A table that could not be rebuilt; the document's other tables still are.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
#[error("table {table}: line {line}: {message}")]
pub struct TableError {
    /// Table number and title as printed.
    pub table: String,
    /// Source line (text dumps) or 0 where unknown.
    pub line: u32,
    pub page: u32,
    pub message: String,
}
