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
    /// Narrative lines outside the tables: (source line of a text dump, or page of a PDF, text).
    pub narrative: Vec<(u32, String)>,
}

/// Converts one file (a .txt dump or a .pdf) into the table model.
pub fn convert_file(path: &Path, grammars: &GrammarSet) -> Result<Converted, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    convert_loaded(path, &bytes, grammars)
}

/// Converts a file already in memory; `name` stands for its path (in errors, the doc id and
/// the source record). The bytes-level entry of the fuzz harness (`examples/fuzz.rs`).
pub fn convert_bytes(name: &str, bytes: &[u8], grammars: &GrammarSet) -> Result<Converted, Error> {
    convert_loaded(Path::new(name), bytes, grammars)
}

/// Picks the reader for bytes read from `path`: PDF by signature or extension, else text.
fn convert_loaded(path: &Path, bytes: &[u8], grammars: &GrammarSet) -> Result<Converted, Error> {
    let looks_pdf = bytes.starts_with(b"%PDF")
        || path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
    if looks_pdf {
        return convert_pdf(path, bytes, grammars);
    }
    let text = decode_text(bytes).ok_or_else(|| Error::Unsupported {
        path: path.to_path_buf(),
        reason: "not UTF-8 or GBK text (binary data?)".into(),
    })?;
    convert_text(path, bytes, &text, grammars)
}

/// Reads a PDF: positioned lines and rulings per page, tables from geometry, then the same
/// grammar-driven assembly as text dumps. Bad files get their specific error.
fn convert_pdf(path: &Path, bytes: &[u8], grammars: &GrammarSet) -> Result<Converted, Error> {
    let name = path.display().to_string();
    let pdf_err = |e: crate::pdf::PdfError| Error::Pdf {
        path: path.to_path_buf(),
        source: Box::new(e),
    };
    let pdf = crate::pdf::PdfFile::from_bytes(bytes, &name).map_err(pdf_err)?;
    let pages = crate::layout::read_pages(&pdf).map_err(pdf_err)?;
    let glyphs: usize = pages
        .iter()
        .filter_map(|p| p.report.as_ref())
        .map(|r| r.glyphs)
        .sum();
    if glyphs == 0 {
        return Err(Error::Unsupported {
            path: path.to_path_buf(),
            reason: format!(
                "no text layer on any of its {} pages (scanned images?); run OCR first",
                pages.len()
            ),
        });
    }
    let mut warnings = Vec::new();
    for p in &pages {
        if let Some(r) = &p.report {
            if r.scanned {
                warnings.push(Warning {
                    code: "page_no_text".into(),
                    message: format!("page {} has images but no text layer (scanned?)", p.page),
                    page: Some(p.page),
                    line: None,
                    table: None,
                });
            }
            if r.undecodable > 0 {
                warnings.push(Warning {
                    code: "undecodable_chars".into(),
                    message: format!(
                        "page {}: {} characters could not be decoded",
                        p.page, r.undecodable
                    ),
                    page: Some(p.page),
                    line: None,
                    table: None,
                });
            }
        }
    }
    let (raws, failures) = crate::layout::tables(&pages, grammars);
    for (_, e) in failures {
        warnings.push(Warning {
            code: "table_unparsed".into(),
            message: e,
            page: None,
            line: None,
            table: None,
        });
    }
    if raws.is_empty() {
        return Err(Error::NotBudget {
            path: path.to_path_buf(),
            reason: format!("no budget table title found on its {} pages", pages.len()),
        });
    }
    let all_text: String = pages
        .iter()
        .take(3)
        .flat_map(|p| p.lines.iter().map(|l| l.text()))
        .collect();
    let meta = crate::layout::identity(&pages);
    let mut doc = Document {
        doc_id: doc_id(path),
        source: SourceFile {
            path: path.display().to_string(),
            sha256: sha256_hex(bytes),
            format: SourceFormat::Pdf,
            pages: pages.len() as u32,
        },
        department: meta
            .0
            .or_else(|| crate::layout::department_from_titles(&raws, grammars)),
        year: meta.1,
        kind: meta.2.or_else(|| {
            if all_text.contains("决算") {
                Some(crate::model::DocKind::FinalAccounts)
            } else if all_text.contains("预算") {
                Some(crate::model::DocKind::Budget)
            } else {
                None
            }
        }),
        tables: Vec::new(),
        missing_tables: crate::layout::missing_tables(&pages, &raws, grammars),
        warnings,
    };
    assemble_all(&raws, grammars, &mut doc);
    // Narrative: the text of pages that hold no table, and on a page shared with a table the
    // lines from an explanation part's heading on ("第三部分 …情况说明" after the last table);
    // each line numbered by its page.
    let narrative = pages
        .iter()
        .flat_map(|p| {
            let has_table = raws
                .iter()
                .any(|t| (t.first_page..=t.last_page).contains(&p.page));
            let from = if has_table {
                p.lines
                    .iter()
                    .enumerate()
                    .position(|(i, l)| {
                        // The heading may wrap: "第三部分 …2018" + "年度预算安排情况说明".
                        let t = crate::text::squash(&l.text());
                        let next = p
                            .lines
                            .get(i + 1)
                            .map(|n| crate::text::squash(&n.text()))
                            .unwrap_or_default();
                        crate::text::is_part_heading(&t)
                            && (t.contains("说明") || next.contains("说明"))
                    })
                    .unwrap_or(p.lines.len())
            } else {
                0
            };
            p.lines[from..].iter().map(move |l| (p.page, l.text()))
        })
        .collect();
    Ok(Converted {
        document: doc,
        narrative,
    })
}

/// Applies the best grammar to each raw table; failures become coded warnings.
fn assemble_all(raws: &[crate::assemble::RawTable], grammars: &GrammarSet, doc: &mut Document) {
    let family = majority_family(raws, grammars);
    for raw in raws {
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
    assemble_all(&reading.tables, grammars, &mut doc);
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
