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
    /// A budget's explanation whose contents list tables it does not print (published as a
    /// separate file).
    #[error(
        "{path}: budget without its tables: the contents list {listed} tables ({first}…) but \
         none is printed on its {pages} pages; they are likely published as a separate file: \
         convert that file"
    )]
    TablesNotPrinted {
        path: PathBuf,
        listed: usize,
        first: String,
        pages: usize,
    },
    /// A budget's explanation ("2026 部门预算情况的说明") with no contents listing tables and
    /// no table printed: not "not a budget", its tables are elsewhere.
    #[error(
        "{path}: budget without its tables: it opens as a budget's explanation (\"{heading}\") \
         but no budget table is printed on its {pages} pages; they are likely published as a \
         separate file: convert that file"
    )]
    ExplanationWithoutTables {
        path: PathBuf,
        heading: String,
        pages: usize,
    },
    #[error("{path}: unsupported input: {reason}")]
    Unsupported { path: PathBuf, reason: String },
    #[error(transparent)]
    Grammar(#[from] GrammarError),
    /// The PDF layer's error; its message already names the file, so it is shown once.
    #[error("{path}: {}", without_file_prefix(path, source.as_ref()))]
    Pdf {
        path: PathBuf,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Not a regular file (FIFO, device, socket, folder): refused before it is opened.
    #[error("{path}: not a regular file ({kind}); only regular .pdf/.txt files are read")]
    NotRegularFile { path: PathBuf, kind: &'static str },
    /// A work limit (file size, lines, tables) was hit; `what` says which, with the limit.
    #[error("{path}: too large: {what}")]
    Limit { path: PathBuf, what: String },
    #[error("{path}: cannot write output: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A write that would land outside the output folder (or on one of its reserved names).
    #[error("{path}: refused to write: {reason}")]
    UnsafeOutput { path: PathBuf, reason: String },
    /// Another run holds the output folder.
    #[error("--out {path}: another budget-tables run is writing into this folder; wait for it to end or give another --out")]
    OutBusy { path: PathBuf },
    /// `--out` names something that is not a folder.
    #[error("--out {path} is a file, not a folder")]
    OutNotFolder { path: PathBuf },
    /// Two different contents map to one document id (a SHA-256 prefix collision): the second
    /// is refused so that it never overwrites the first.
    #[error(
        "{path}: document id {doc_id} is already used by {other} (a different file \
         with the same SHA-256 prefix); not written"
    )]
    IdCollision {
        path: PathBuf,
        doc_id: String,
        other: String,
    },
    /// A PDF gave no usable text or tables and its structure says why: damaged
    /// streams, page-tree or reference cycles, work limits reached.
    #[error("{path}: damaged PDF: {reason}")]
    Damaged { path: PathBuf, reason: String },
    /// A database load that failed: `path` is the document's output folder (or the database
    /// URL's host for a connection error), `what` the server's message.
    #[error("{path}: database load failed: {what}")]
    Database { path: PathBuf, what: String },
}

impl Error {
    /// A short code for the kind of failure, for the end-of-run summary ("failed with each
    /// reason") and for scripts.
    pub fn reason(&self) -> &'static str {
        match self {
            Error::Io { .. } => "cannot_read",
            Error::NotBudget { .. } => "not_budget",
            Error::TablesNotPrinted { .. } | Error::ExplanationWithoutTables { .. } => {
                "tables_not_printed"
            }
            Error::Unsupported { .. } => "unsupported",
            Error::Grammar(_) => "grammar",
            Error::Pdf { .. } => "pdf",
            Error::NotRegularFile { .. } => "not_regular_file",
            Error::Limit { .. } => "too_large",
            Error::Write { .. } => "cannot_write",
            Error::UnsafeOutput { .. } => "unsafe_output",
            Error::OutNotFolder { .. } => "out_not_folder",
            Error::OutBusy { .. } => "out_busy",
            Error::IdCollision { .. } => "id_collision",
            Error::Damaged { .. } => "damaged_pdf",
            Error::Database { .. } => "database",
        }
    }
}

/// The message of `source` without a leading "`path`: " (the PDF layer names its file in
/// every message; [`Error::Pdf`] names it already).
fn without_file_prefix(
    path: &std::path::Path,
    source: &(dyn std::error::Error + Send + Sync),
) -> String {
    let msg = source.to_string();
    let prefix = format!("{}: ", path.display());
    match msg.strip_prefix(&prefix) {
        Some(rest) => rest.to_string(),
        None => msg,
    }
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
