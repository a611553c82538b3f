//! One input file in, one [`Document`] out: picks the reader, applies the grammars, and
//! collects what could not be rebuilt as coded warnings.

use crate::assemble::assemble;
use crate::error::Error;
use crate::grammar::GrammarSet;
use crate::model::{Document, SourceFile, SourceFormat, Warning};
use sha2::{Digest, Sha256};
use std::path::Path;

/// A converted document with its narrative lines (for reconciliation of prose).
#[derive(Debug, Clone)]
pub struct Converted {
    pub document: Document,
    /// Narrative lines outside the tables: (line or page, text).
    pub narrative: Vec<(u32, String)>,
}

/// Converts one file (a .txt dump or a .pdf) into the table model.
pub fn convert_file(path: &Path, grammars: &GrammarSet) -> Result<Converted, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let looks_pdf = bytes.starts_with(b"%PDF")
        || path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
    if looks_pdf {
        return Err(read_pdf(path, &bytes));
    }
    let text = decode_text(&bytes).ok_or_else(|| Error::Unsupported {
        path: path.to_path_buf(),
        reason: "not UTF-8 or GBK text (binary data?)".into(),
    })?;
    convert_text(path, &bytes, &text, grammars)
}

/// Opens a PDF and walks every page, so a bad file gets its specific error (not a PDF,
/// truncated, encrypted, scanned); table assembly from PDF geometry is not built yet
/// (issue 3), which is reported as such for a readable PDF.
fn read_pdf(path: &Path, bytes: &[u8]) -> Error {
    let name = path.display().to_string();
    let pdf_err = |e: crate::pdf::PdfError| Error::Pdf {
        path: path.to_path_buf(),
        source: Box::new(e),
    };
    let pdf = match crate::pdf::PdfFile::from_bytes(bytes, &name) {
        Ok(p) => p,
        Err(e) => return pdf_err(e),
    };
    let mut sink = crate::pdf::TextLines::default();
    let reports = match pdf.walk_all(&mut sink) {
        Ok(r) => r,
        Err(e) => return pdf_err(e),
    };
    let glyphs: usize = reports.iter().map(|r| r.glyphs).sum();
    let scanned: Vec<String> = reports
        .iter()
        .filter(|r| r.scanned)
        .map(|r| r.page.to_string())
        .collect();
    if glyphs == 0 {
        return Error::Unsupported {
            path: path.to_path_buf(),
            reason: format!(
                "no text layer on any of its {} pages (scanned images?); run OCR first",
                reports.len()
            ),
        };
    }
    Error::Unsupported {
        path: path.to_path_buf(),
        reason: format!(
            "PDF read ({} pages, {glyphs} glyphs{}), but table assembly from PDF geometry is not built yet; convert a text dump instead",
            reports.len(),
            if scanned.is_empty() { String::new() } else { format!(", pages without text: {}", scanned.join(",")) }
        ),
    }
}

/// Text dumps come as UTF-8 (with or without BOM) or GBK.
fn decode_text(bytes: &[u8]) -> Option<String> {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if b.contains(&0) {
        return None;
    }
    match std::str::from_utf8(b) {
        Ok(s) => Some(s.to_string()),
        Err(_) => {
            let (s, _, bad) = encoding_rs::GBK.decode(b);
            (!bad).then(|| s.into_owned())
        }
    }
}

/// Converts the text of a dump; `path` and `bytes` identify the source.
pub fn convert_text(
    path: &Path,
    bytes: &[u8],
    text: &str,
    grammars: &GrammarSet,
) -> Result<Converted, Error> {
    let reading = crate::text::read(text, grammars);
    if reading.tables.is_empty() {
        let reason = if reading.kind.is_some() {
            "it mentions 预算/决算 but no table label (表 N.…) was found".to_string()
        } else {
            "no budget table and no 预算/决算 found in the text".to_string()
        };
        return Err(Error::NotBudget {
            path: path.to_path_buf(),
            reason,
        });
    }
    let mut doc = Document {
        doc_id: doc_id(path),
        source: SourceFile {
            path: path.display().to_string(),
            sha256: sha256_hex(bytes),
            format: SourceFormat::Text,
            pages: reading.pages,
        },
        department: reading.department.clone(),
        year: reading.year,
        kind: reading.kind,
        tables: Vec::new(),
        missing_tables: Vec::new(),
        warnings: Vec::new(),
    };
    // A family is the one most titles agree on; it breaks ties between regional variants.
    let family = majority_family(&reading.tables, grammars);
    for raw in &reading.tables {
        let Some(g) = grammars.best_for(&raw.title, &raw.header, family.as_deref()) else {
            doc.warnings.push(Warning {
                code: "table_unknown".into(),
                message: format!("no grammar matches the title {:?}", raw.title),
                page: Some(raw.first_page),
                line: raw.line,
                table: Some(raw.display_name()),
            });
            continue;
        };
        let result = if g.layout == crate::grammar::Layout::Performance {
            crate::performance::assemble_all(raw, g)
        } else {
            assemble(raw, g).map(|t| vec![t])
        };
        match result {
            Ok(t) => doc.tables.extend(t),
            Err(e) => doc.warnings.push(Warning {
                code: "table_unparsed".into(),
                message: e.to_string(),
                page: Some(e.page),
                line: Some(e.line),
                table: Some(e.table.clone()),
            }),
        }
    }
    let narrative = reading
        .narrative
        .iter()
        .map(|l| (l.no, l.text.to_string()))
        .collect();
    Ok(Converted {
        document: doc,
        narrative,
    })
}

fn majority_family(tables: &[crate::assemble::RawTable], grammars: &GrammarSet) -> Option<String> {
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for t in tables {
        if let Some(g) = grammars.best_for(&t.title, &t.header, None) {
            *counts.entry(g.family.as_str()).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|(f, n)| (*n, std::cmp::Reverse(*f)))
        .map(|(f, _)| f.to_string())
}

/// The document id: the file stem with characters unsafe in folder names replaced.
pub fn doc_id(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let id: String = stem
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if id.is_empty() {
        "document".into()
    } else {
        id
    }
}

/// Lower-case hex SHA-256 of the input bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}
