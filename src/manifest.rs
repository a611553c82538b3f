//! The run manifest, `OUT/manifest.csv`: one line per input of a run, saying what became of
//! it (converted, failed, skipped, duplicate), what it held, what reconciliation found, and
//! which tool, grammars and rules made it.
//!
//! A warehouse gates its load on this file, and `convert --resume` reads it back: a document
//! is complete only when its line says `converted`. During a run, lines are appended as
//! documents finish (in the order they finish, each after the document's files are in
//! place); when the run ends the file is rewritten in input order.

use crate::write::csv_lines;
use std::fmt;

/// The columns of manifest.csv, in order.
pub const MANIFEST_COLUMNS: [&str; 19] = [
    "path",
    "sha256",
    "size",
    "doc_id",
    "status",
    "pages",
    "tables",
    "amounts",
    "mismatch",
    "rounding",
    "missing",
    "unparsed",
    "unverified",
    "strict",
    "error",
    "tool_version",
    "grammars_sha256",
    "rules_sha256",
    "seconds",
];

/// What became of one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Status {
    /// Its files are written under OUT/<doc_id>/.
    #[default]
    Converted,
    /// It could not be read or converted; `error` says why.
    Failed,
    /// Left out before it was read (a link loop, a FIFO, a device); `error` says why.
    Skipped,
    /// The same file, or the same bytes, as an earlier input: converted once.
    Duplicate,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Converted => "converted",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
            Status::Duplicate => "duplicate",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Some(match s {
            "converted" => Status::Converted,
            "failed" => Status::Failed,
            "skipped" => Status::Skipped,
            "duplicate" => Status::Duplicate,
            _ => return None,
        })
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One line of the manifest.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ManifestEntry {
    /// The input's path as given (or as found in a given folder).
    pub path: String,
    /// SHA-256 of its bytes, hex (empty when it could not be read).
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// Its folder under OUT (empty when it has none).
    pub doc_id: String,
    pub status: Status,
    pub pages: u32,
    pub tables: usize,
    pub amounts: usize,
    /// Findings by severity.
    pub mismatch: usize,
    pub rounding: usize,
    pub missing: usize,
    pub unparsed: usize,
    /// Amounts no passing check vouches for.
    pub unverified: usize,
    /// Why `--strict` fails this document, "; "-separated (empty: it passes).
    pub strict: String,
    /// Why it failed, was skipped, or which input it duplicates.
    pub error: String,
    pub tool_version: String,
    /// [`crate::grammar::GrammarSet::fingerprint`] and [`crate::reconcile::RuleSet::fingerprint`].
    pub grammars_sha256: String,
    pub rules_sha256: String,
    /// Wall time spent on this input.
    pub seconds: f64,
}

impl ManifestEntry {
    /// The entry's fields in [`MANIFEST_COLUMNS`] order.
    pub fn record(&self) -> [String; 19] {
        [
            self.path.clone(),
            self.sha256.clone(),
            self.size.to_string(),
            self.doc_id.clone(),
            self.status.to_string(),
            self.pages.to_string(),
            self.tables.to_string(),
            self.amounts.to_string(),
            self.mismatch.to_string(),
            self.rounding.to_string(),
            self.missing.to_string(),
            self.unparsed.to_string(),
            self.unverified.to_string(),
            self.strict.clone(),
            self.error.clone(),
            self.tool_version.clone(),
            self.grammars_sha256.clone(),
            self.rules_sha256.clone(),
            format!("{:.3}", self.seconds),
        ]
    }

    /// Reads a record written by [`ManifestEntry::record`]; `None` for anything else (a line
    /// torn by a killed run, a header, another tool's file).
    pub fn from_record(r: &csv::StringRecord) -> Option<ManifestEntry> {
        if r.len() != MANIFEST_COLUMNS.len() {
            return None;
        }
        let num = |i: usize| r.get(i)?.parse::<usize>().ok();
        Some(ManifestEntry {
            path: r.get(0)?.to_string(),
            sha256: r.get(1)?.to_string(),
            size: r.get(2)?.parse().ok()?,
            doc_id: r.get(3)?.to_string(),
            status: Status::parse(r.get(4)?)?,
            pages: r.get(5)?.parse().ok()?,
            tables: num(6)?,
            amounts: num(7)?,
            mismatch: num(8)?,
            rounding: num(9)?,
            missing: num(10)?,
            unparsed: num(11)?,
            unverified: num(12)?,
            strict: r.get(13)?.to_string(),
            error: r.get(14)?.to_string(),
            tool_version: r.get(15)?.to_string(),
            grammars_sha256: r.get(16)?.to_string(),
            rules_sha256: r.get(17)?.to_string(),
            seconds: r.get(18)?.parse().ok()?,
        })
    }
}

/// The manifest text: header, then `entries` in the order given.
pub fn manifest_text<'a>(
    entries: impl IntoIterator<Item = &'a ManifestEntry>,
) -> Result<String, csv::Error> {
    let mut text = csv_lines([MANIFEST_COLUMNS])?;
    text.push_str(&csv_lines(entries.into_iter().map(|e| e.record()))?);
    Ok(text)
}

/// The entries of a manifest's text: lines that do not parse as entries (a header, a line
/// torn by a killed run) are left out. When one input has several lines (appended by
/// successive runs), the last counts.
pub fn parse_manifest(text: &str) -> Vec<ManifestEntry> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    r.records()
        .filter_map(|rec| rec.ok())
        .filter_map(|rec| ManifestEntry::from_record(&rec))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> ManifestEntry {
        ManifestEntry {
            path: "in/a, \"b\".pdf".into(),
            sha256: "ab".repeat(32),
            size: 1234,
            doc_id: "a-abababababab".into(),
            status: Status::Converted,
            pages: 25,
            tables: 9,
            amounts: 410,
            mismatch: 1,
            rounding: 2,
            missing: 3,
            unparsed: 4,
            unverified: 5,
            strict: "1 mismatch(es)".into(),
            error: String::new(),
            tool_version: "0.1.0".into(),
            grammars_sha256: "cd".repeat(32),
            rules_sha256: "ef".repeat(32),
            seconds: 0.25,
        }
    }

    #[test]
    fn an_entry_reads_back_as_written() {
        let e = entry();
        let text = manifest_text([&e]).expect("csv");
        assert!(
            text.starts_with("path,sha256,size,doc_id,status,"),
            "{text}"
        );
        assert_eq!(parse_manifest(&text), vec![e]);
    }

    #[test]
    fn a_torn_last_line_and_the_header_are_left_out() {
        let e = entry();
        let text = manifest_text([&e, &e]).expect("csv");
        // A run killed in the middle of its second append.
        let torn = &text[..text.len() - 20];
        assert_eq!(parse_manifest(torn), vec![e]);
        assert!(parse_manifest("path,sha256\n").is_empty());
        assert!(parse_manifest("").is_empty());
    }

    #[test]
    fn a_line_with_an_unknown_status_or_a_bad_number_is_not_an_entry() {
        let mut r = entry().record();
        r[4] = "done".into();
        assert!(parse_manifest(&csv_lines([r]).expect("csv")).is_empty());
        let mut r = entry().record();
        r[6] = "nine".into();
        assert!(parse_manifest(&csv_lines([r]).expect("csv")).is_empty());
    }
}
