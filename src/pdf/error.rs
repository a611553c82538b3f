//! Typed errors of the PDF reading layer; each names the file and, where known, the page.

use thiserror::Error;

/// Why a PDF (or one of its pages) could not be read.
#[derive(Debug, Error)]
pub enum PdfError {
    /// The file could not be read from disk.
    #[error("{file}: cannot read file: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    /// The file has zero bytes.
    #[error("{file}: empty file (0 bytes)")]
    Empty { file: String },
    /// No `%PDF-` header in the first 1024 bytes: not a PDF at all.
    #[error("{file}: not a PDF (no %PDF- header)")]
    NotPdf { file: String },
    /// The PDF structure (xref, trailer, objects) could not be loaded: truncated or corrupt.
    #[error("{file}: truncated or corrupt PDF: {detail}")]
    Corrupt { file: String, detail: String },
    /// The file ends early (no `%%EOF` near its end) and its structure is damaged:
    /// pages or objects may be missing, so it is not read.
    #[error("{file}: truncated PDF (no %%EOF at its end; cross-reference data damaged): {detail}")]
    Truncated { file: String, detail: String },
    /// The PDF is encrypted with a non-empty user password, which we do not have.
    #[error("{file}: PDF is encrypted with a user password; cannot read it without the password")]
    Encrypted { file: String },
    /// A page index outside `1..=page_count`.
    #[error("{file}: page {page} does not exist (document has {count} pages)")]
    NoSuchPage {
        file: String,
        page: usize,
        count: usize,
    },
    /// A page whose content could not be interpreted.
    #[error("{file}: page {page}: {detail}")]
    Page {
        file: String,
        page: usize,
        detail: String,
    },
    /// The file demands more work or memory than a limit allows before any page is read.
    #[error("{file}: limit exceeded: {what}")]
    FileLimit { file: String, what: String },
    /// The page tree cannot give any page (it loops on itself, ...).
    #[error("{file}: unreadable page tree: {detail}")]
    PageTree { file: String, detail: String },
    /// A safety limit (content size, operator count, XObject nesting) was exceeded.
    #[error("{file}: page {page}: limit exceeded: {what}")]
    Limit {
        file: String,
        page: usize,
        what: String,
    },
}

impl PdfError {
    /// A short stable code for batch reports (`empty`, `not-pdf`, `corrupt`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            PdfError::Io { .. } => "io",
            PdfError::Empty { .. } => "empty",
            PdfError::NotPdf { .. } => "not-pdf",
            PdfError::Corrupt { .. } => "corrupt",
            PdfError::Truncated { .. } => "truncated",
            PdfError::Encrypted { .. } => "encrypted",
            PdfError::NoSuchPage { .. } => "no-such-page",
            PdfError::Page { .. } => "page",
            PdfError::Limit { .. } => "limit",
            PdfError::PageTree { .. } => "page-tree",
            PdfError::FileLimit { .. } => "limit",
        }
    }
}
