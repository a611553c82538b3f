//! One input file in, one [`Document`] out: picks the reader, applies the grammars, and
//! collects what could not be rebuilt as coded warnings.

use crate::assemble::assemble;
use crate::error::Error;
use crate::grammar::GrammarSet;
use crate::model::{Document, SourceFile, SourceFormat, Warning};
use sha2::{Digest, Sha256};
use std::path::Path;

/// Tables a contents page must list for a document without tables to be reported as a budget
/// whose tables are published elsewhere (and how many of them the message names).
const TABLES_LISTED_FOR_A_BUDGET: usize = 3;

pub use crate::model::Converted;

/// Largest text dump read, in bytes (64 MiB; the largest real dump is well under 1 MiB).
/// Checked on the file's size before reading, and on what is read, so a file growing
/// meanwhile is bounded too.
pub const MAX_TEXT_DUMP_BYTES: u64 = 64 << 20;
/// Most lines in a text dump (a real budget dump has a few thousand).
pub const MAX_TEXT_DUMP_LINES: usize = 1_000_000;
/// Largest PDF read, in bytes (512 MiB; real budget PDFs are a few MiB).
pub const MAX_PDF_BYTES: u64 = 512 << 20;
/// Most table regions (titles found) in one document; real documents have at most a few
/// hundred (one 绩效目标 table per project). More means a generated or broken file.
pub const MAX_TABLES_PER_DOCUMENT: usize = 2_000;
/// Longest part of a document id taken from the file name, in bytes, cut on a character
/// boundary: with "-" and [`ID_HASH_HEX`] digits an id stays under the 255-byte name limit
/// of common file systems.
pub const MAX_ID_STEM_BYTES: usize = 200;
/// Hex digits of the file's SHA-256 that end a document id.
pub const ID_HASH_HEX: usize = 12;

/// Converts one file (a .txt dump or a .pdf) into the table model.
pub fn convert_file(path: &Path, grammars: &GrammarSet) -> Result<Converted, Error> {
    let bytes = read_input(path)?;
    convert_bytes(path, &bytes, grammars)
}

/// The positioned pages of an input, as the layout stage reads them: a PDF's, or a layout
/// text dump's. A plain (content-order) dump has no positions: an error says so.
pub fn positioned_pages(
    path: &Path,
    bytes: &[u8],
) -> Result<Vec<crate::layout::PageLayout>, Error> {
    if looks_pdf(path, bytes) {
        let pdf_err = |e: crate::pdf::PdfError| Error::Pdf {
            path: path.to_path_buf(),
            source: Box::new(e),
        };
        let name = path.display().to_string();
        let pdf = crate::pdf::PdfFile::from_bytes(bytes, &name).map_err(pdf_err)?;
        return crate::layout::read_pages(&pdf).map_err(pdf_err);
    }
    let text = decode_text(bytes).ok_or_else(|| Error::Unsupported {
        path: path.to_path_buf(),
        reason: "not UTF-8 or GBK text (binary data?)".into(),
    })?;
    if !crate::layout_dump::is_layout_dump(&text) {
        return Err(Error::Unsupported {
            path: path.to_path_buf(),
            reason: "a plain (content-order) text dump: it has no positions to show".into(),
        });
    }
    Ok(crate::layout_dump::pages(&text))
}

/// Whether `bytes` read from `path` are taken as a PDF: the header, or the file name.
fn looks_pdf(path: &Path, bytes: &[u8]) -> bool {
    bytes.starts_with(b"%PDF")
        || path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
}

/// What a file that is not a regular file is, for the error message.
fn file_kind(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

/// Reads an input file: only a regular file (checked before it is opened, since opening a
/// FIFO blocks), at most [`MAX_PDF_BYTES`] for a PDF and [`MAX_TEXT_DUMP_BYTES`] for a
/// text dump.
pub fn read_input(path: &Path) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    let not_regular = |m: &std::fs::Metadata| Error::NotRegularFile {
        path: path.to_path_buf(),
        kind: file_kind(&m.file_type()),
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    let mut f = std::fs::File::open(path).map_err(io)?;
    // The path may have been replaced between the check and the open.
    let meta = f.metadata().map_err(io)?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    let mut bytes = Vec::new();
    (&mut f).take(4).read_to_end(&mut bytes).map_err(io)?;
    let (limit, what) = if looks_pdf(path, &bytes) {
        (MAX_PDF_BYTES, "PDF")
    } else {
        (MAX_TEXT_DUMP_BYTES, "text dump")
    };
    let over = |size: String| Error::Limit {
        path: path.to_path_buf(),
        what: format!("{what} of {size} bytes; the limit is {limit} bytes"),
    };
    if meta.len() > limit {
        return Err(over(meta.len().to_string()));
    }
    let head = bytes.len() as u64;
    bytes.reserve(usize::try_from(meta.len().saturating_sub(head)).unwrap_or(0));
    f.take(limit + 1 - head)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(over(format!("more than {limit} (it grew while read)")));
    }
    Ok(bytes)
}

/// Converts the bytes of an input file; `path` names it (and its extension picks the reader
/// along with a `%PDF` header).
pub fn convert_bytes(path: &Path, bytes: &[u8], grammars: &GrammarSet) -> Result<Converted, Error> {
    if looks_pdf(path, bytes) {
        return within_limits(path, convert_pdf(path, bytes, grammars)?);
    }
    let text = decode_text(bytes).ok_or_else(|| Error::Unsupported {
        path: path.to_path_buf(),
        reason: "not UTF-8 or GBK text (binary data?)".into(),
    })?;
    convert_text(path, bytes, &text, grammars)
}

/// A positioned document with more table regions than [`MAX_TABLES_PER_DOCUMENT`] is an
/// [`Error::Limit`].
fn within_limits(path: &Path, c: Converted) -> Result<Converted, Error> {
    match c
        .document
        .warnings
        .iter()
        .find(|w| w.code == TOO_MANY_TABLES)
    {
        Some(w) => Err(Error::Limit {
            path: path.to_path_buf(),
            what: w.message.clone(),
        }),
        None => Ok(c),
    }
}

/// Warning code of a document with more table regions than [`MAX_TABLES_PER_DOCUMENT`]
/// (none is assembled; [`convert_bytes`] turns it into an [`Error::Limit`]).
pub const TOO_MANY_TABLES: &str = "too_many_tables";
/// Warning code of a converted document in which no table could be rebuilt.
pub const NO_TABLES: &str = "no_tables";
/// Warning code: a table whose header prints columns its grammar does not know; they are kept
/// under derived ids (`printed.<label path>`), and the rest of the table is read as usual.
pub const COLUMN_NOT_IN_GRAMMAR: &str = "column_not_in_grammar";
/// Warning code: a page of a table whose rows could not be rebuilt while the table's other
/// pages were; the table keeps the rows it has, and reconciliation does not blame the document
/// for a total that misses rows of that page.
pub const TABLE_PAGE_UNPARSED: &str = "table_page_unparsed";
/// Warning code: a table's columns were read from its printed header rather than where the
/// grammar's labels were located, because its identities hold under that reading.
pub const COLUMNS_BY_IDENTITIES: &str = "columns_by_identities";

fn too_many_tables(found: usize) -> String {
    format!("{found} table regions; the limit is {MAX_TABLES_PER_DOCUMENT} tables per document")
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
    // Coded structure problems: the page tree's, then each page's (damaged streams,
    // cycles, limits). When nothing could be read they are the reason, not a guess.
    let issues: Vec<&crate::pdf::Issue> = pdf
        .issues()
        .iter()
        .chain(
            pages
                .iter()
                .filter_map(|p| p.report.as_ref())
                .flat_map(|r| r.issues.iter()),
        )
        .collect();
    let damaged = |what: &str| {
        let mut by_code: std::collections::BTreeMap<&str, usize> = Default::default();
        for i in &issues {
            *by_code.entry(i.code).or_default() += 1;
        }
        let counts: Vec<String> = by_code.iter().map(|(c, n)| format!("{n} {c}")).collect();
        Error::Damaged {
            path: path.to_path_buf(),
            reason: format!(
                "{what} ({}); first: {}",
                counts.join(", "),
                issues.first().map(|i| i.message.as_str()).unwrap_or("")
            ),
        }
    };
    if glyphs == 0 && !issues.is_empty() {
        return Err(damaged(&format!(
            "no text could be read from its {} pages",
            pages.len()
        )));
    }
    if glyphs == 0 {
        return Err(Error::Unsupported {
            path: path.to_path_buf(),
            reason: format!(
                "no text layer on any of its {} pages (scanned images?); run OCR first",
                pages.len()
            ),
        });
    }
    let mut warnings: Vec<Warning> = issues
        .iter()
        .map(|i| Warning {
            code: i.code.into(),
            message: i.message.clone(),
            page: i.page.map(|p| p as u32),
            line: None,
            table: None,
        })
        .collect();
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
    let damaged = |what: &str| (!issues.is_empty()).then(|| damaged(what));
    convert_pages(
        path,
        bytes,
        &pages,
        SourceFormat::Pdf,
        warnings,
        grammars,
        &damaged,
    )
}

/// Tables from positioned pages (a PDF's, or a layout dump's): regions from geometry, then
/// assembly with the grammars; the narrative from the pages without tables. `damaged` gives
/// the error for a file none of whose tables could be read when its reading had problems.
fn convert_pages(
    path: &Path,
    bytes: &[u8],
    pages: &[crate::layout::PageLayout],
    format: SourceFormat,
    mut warnings: Vec<Warning>,
    grammars: &GrammarSet,
    damaged: &dyn Fn(&str) -> Option<Error>,
) -> Result<Converted, Error> {
    let crate::layout::Regions {
        tables: raws,
        failures,
        titles,
        ..
    } = crate::layout::tables(pages, grammars);
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
        if let Some(e) = damaged(&format!(
            "no budget table could be read from its {} pages",
            pages.len()
        )) {
            return Err(e);
        }
    }
    if raws.is_empty() {
        // A budget's explanation published without its tables (Beijing: "附件：…部门预算报表"
        // in a file of its own) lists them in its contents: say so, not "not a budget".
        let listed = crate::layout::missing_tables(pages, &titles, grammars);
        if listed.len() >= TABLES_LISTED_FOR_A_BUDGET {
            return Err(Error::TablesNotPrinted {
                path: path.to_path_buf(),
                listed: listed.len(),
                first: listed[..TABLES_LISTED_FOR_A_BUDGET].join("、"),
                pages: pages.len(),
            });
        }
        if let Some(heading) = explanation_heading(pages) {
            return Err(Error::ExplanationWithoutTables {
                path: path.to_path_buf(),
                heading,
                pages: pages.len(),
            });
        }
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
    let meta = crate::layout::identity(pages);
    let sha256 = sha256_hex(bytes);
    let mut doc = Document {
        doc_id: doc_id(path, &sha256),
        source: SourceFile {
            path: path.display().to_string(),
            sha256,
            format,
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
        missing_tables: crate::layout::missing_tables(pages, &titles, grammars),
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

/// Applies the best grammar to each raw table; failures become coded warnings. More than
/// [`MAX_TABLES_PER_DOCUMENT`] raw tables: none is assembled, a [`TOO_MANY_TABLES`]
/// warning says so. No table rebuilt: a [`NO_TABLES`] warning.
fn assemble_all(raws: &[crate::assemble::RawTable], grammars: &GrammarSet, doc: &mut Document) {
    if raws.len() > MAX_TABLES_PER_DOCUMENT {
        doc.warnings.push(Warning {
            code: TOO_MANY_TABLES.into(),
            message: too_many_tables(raws.len()),
            page: None,
            line: None,
            table: None,
        });
        return;
    }
    assemble_each(raws, grammars, doc);
    if doc.tables.is_empty() {
        doc.warnings.push(Warning {
            code: NO_TABLES.into(),
            message: format!(
                "none of the {} table titles found gave a table (see the other warnings)",
                raws.len()
            ),
            page: None,
            line: None,
            table: None,
        });
    }
}

fn assemble_each(raws: &[crate::assemble::RawTable], grammars: &GrammarSet, doc: &mut Document) {
    let family = majority_family(raws, grammars);
    for raw in raws {
        // The layout step's own reading (columns adapted to the printed header) comes first.
        let chosen = raw
            .grammar
            .as_deref()
            .or_else(|| grammars.best_for(&raw.title, &raw.header, family.as_deref()));
        for (code, message) in &raw.warnings {
            doc.warnings.push(Warning {
                code: (*code).into(),
                message: message.clone(),
                page: Some(raw.first_page),
                line: raw.line,
                table: Some(raw.display_name()),
            });
        }
        for (page, why) in &raw.pages_unparsed {
            doc.warnings.push(Warning {
                code: TABLE_PAGE_UNPARSED.into(),
                message: format!(
                    "{}: the rows of page {page} could not be rebuilt, the other pages' are kept: {why}",
                    raw.display_name()
                ),
                page: Some(*page),
                line: None,
                table: Some(raw.display_name()),
            });
        }
        if let Some(why) = &raw.failure {
            doc.warnings.push(Warning {
                code: "table_unparsed".into(),
                message: format!("{}: {why}", raw.display_name()),
                page: Some(raw.first_page),
                line: raw.line,
                table: Some(raw.display_name()),
            });
            continue;
        }
        let Some(g) = chosen else {
            doc.warnings.push(Warning {
                code: "table_unknown".into(),
                message: format!("no grammar matches the title {:?}", raw.title),
                page: Some(raw.first_page),
                line: raw.line,
                table: Some(raw.display_name()),
            });
            continue;
        };
        let (g, result) = if g.layout == crate::grammar::Layout::Performance {
            assemble_form(raw, g, grammars, family.as_deref())
        } else {
            (g, assemble(raw, g).map(|t| vec![t]))
        };
        if !raw.derived_columns.is_empty() && result.is_ok() {
            doc.warnings.push(Warning {
                code: COLUMN_NOT_IN_GRAMMAR.into(),
                message: format!(
                    "{}: printed column(s) {:?} are not in grammar {}; kept under derived ids (printed.<label path>)",
                    raw.display_name(),
                    raw.derived_columns,
                    g.file
                ),
                page: Some(raw.first_page),
                line: raw.line,
                table: Some(raw.display_name()),
            });
        }
        if let (Some(why), true) = (&raw.columns_by_identities, result.is_ok()) {
            doc.warnings.push(Warning {
                code: COLUMNS_BY_IDENTITIES.into(),
                message: format!("{}: {why}", raw.display_name()),
                page: Some(raw.first_page),
                line: raw.line,
                table: Some(raw.display_name()),
            });
        }
        match result {
            // A body was found but no row came of it (a form-style table whose header happened
            // to fit a list grammar): reported, not kept as a table that printed nothing.
            Ok(t) if !gave_rows(&t) && !t.is_empty() => doc.warnings.push(Warning {
                code: "table_unparsed".into(),
                message: format!(
                    "{}: read with grammar {}, its body gave no row",
                    raw.display_name(),
                    g.file
                ),
                page: Some(raw.first_page),
                line: raw.line,
                table: Some(raw.display_name()),
            }),
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

/// Whether a reading gave a table: rows, or a table printed empty ("本表为空表"). A body read
/// without a row (a form's blocks not found, a list grammar on a form) is no table.
fn gave_rows(tables: &[crate::model::Table]) -> bool {
    tables.iter().any(|t| !t.rows.is_empty() || t.empty)
}

/// A form-style table (layout `performance`) with the grammar chosen for it, else with the
/// first other performance grammar its title matches (best first, as [`GrammarSet::best_for`]
/// ranks them) that finds its blocks: forms are read from their lines alone, so a
/// family's form (Hubei 项目申报表) does not keep the national one (项目资金 / 资金总额) from a
/// page that prints it. When none reads it, the chosen grammar's error stands.
fn assemble_form<'g>(
    raw: &crate::assemble::RawTable,
    chosen: &'g crate::grammar::Grammar,
    grammars: &'g GrammarSet,
    family: Option<&str>,
) -> (
    &'g crate::grammar::Grammar,
    Result<Vec<crate::model::Table>, crate::error::TableError>,
) {
    // Read: at least one table with rows (indicators alone, or a block found empty, are not:
    // the form's figures were not found).
    let reads = |r: &Result<Vec<crate::model::Table>, _>| r.as_ref().is_ok_and(|t| gave_rows(t));
    let first = crate::performance::assemble_all(raw, chosen);
    if reads(&first) {
        return (chosen, first);
    }
    let query = crate::grammar::TitleQuery::new(&raw.title);
    let mut others: Vec<&crate::grammar::Grammar> = grammars
        .grammars
        .iter()
        .filter(|g| {
            g.layout == crate::grammar::Layout::Performance
                && !std::ptr::eq(*g, chosen)
                && g.matches(&query)
        })
        .collect();
    others.sort_by_key(|g| {
        let (n, all) = g.header_score(&raw.header);
        std::cmp::Reverse((all, n, family.is_some_and(|f| f == g.family)))
    });
    for g in others {
        let r = crate::performance::assemble_all(raw, g);
        if reads(&r) {
            return (g, r);
        }
    }
    (chosen, first)
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
    let lines = text.lines().count();
    if lines > MAX_TEXT_DUMP_LINES {
        return Err(Error::Limit {
            path: path.to_path_buf(),
            what: format!("text dump of {lines} lines; the limit is {MAX_TEXT_DUMP_LINES} lines"),
        });
    }
    if crate::layout_dump::is_layout_dump(text) {
        let pages = crate::layout_dump::pages(text);
        let c = convert_pages(
            path,
            bytes,
            &pages,
            SourceFormat::Text,
            Vec::new(),
            grammars,
            &|_| None,
        )?;
        return within_limits(path, c);
    }
    // Plain dumps with pages (form feeds) are read in content order; the one-cell-per-line
    // reader of dumps without them is the fallback either way.
    let plain = crate::plain_dump::is_plain_dump(text);
    let mut reading = if plain {
        crate::plain_dump::read(text, grammars)
    } else {
        crate::text::read(text, grammars)
    };
    if reading.tables.is_empty() {
        let other = if plain {
            crate::text::read(text, grammars)
        } else {
            crate::plain_dump::read(text, grammars)
        };
        if !other.tables.is_empty() {
            reading = other;
        }
    }
    if reading.tables.len() > MAX_TABLES_PER_DOCUMENT {
        return Err(Error::Limit {
            path: path.to_path_buf(),
            what: too_many_tables(reading.tables.len()),
        });
    }
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
    let sha256 = sha256_hex(bytes);
    let mut doc = Document {
        doc_id: doc_id(path, &sha256),
        source: SourceFile {
            path: path.display().to_string(),
            sha256,
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

/// Lines of the first page a document's own heading stands among.
const HEADING_LINES: usize = 8;

/// The heading of a budget's explanation ("2026 部门预算情况的说明", "…单位决算说明"): a line
/// among the first page's first [`HEADING_LINES`] that names a 部门/单位 预算 or 决算 and says
/// 说明 or 情况. `None` for anything else (a notice, a standard, a report).
fn explanation_heading(pages: &[crate::layout::PageLayout]) -> Option<String> {
    let first = pages.iter().find(|p| !p.lines.is_empty())?;
    first.lines.iter().take(HEADING_LINES).find_map(|l| {
        let t = crate::text::squash(&l.text());
        let budget = ["部门预算", "单位预算", "部门决算", "单位决算"]
            .iter()
            .any(|w| t.contains(w));
        (budget && (t.contains("说明") || t.contains("情况")) && t.chars().count() <= 60)
            .then_some(t)
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

/// The document id: `<safe-stem>-<first 12 hex digits of the SHA-256>`, from the file's own
/// name and content only (never from the rest of the batch), so it is stable across runs.
/// The stem keeps letters and digits of any script, '-' and '_'; every other character
/// ('.', separators, spaces, control characters) becomes '_'; leading and trailing '_'/'-'
/// are dropped (so `...txt` or `..txt` cannot give a dot name), it is cut to
/// [`MAX_ID_STEM_BYTES`] on a character boundary, and an empty stem is "document". An id
/// never contains '.', so it is never one of the run's own file names
/// ([`crate::write::RESERVED_NAMES`]); that is checked again when writing.
pub fn doc_id(path: &Path, sha256_hex: &str) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let safe: String = stem
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let trimmed = safe.trim_matches(['_', '-']);
    let mut stem = String::new();
    for c in trimmed.chars() {
        if stem.len() + c.len_utf8() > MAX_ID_STEM_BYTES {
            break;
        }
        stem.push(c);
    }
    let stem = stem.trim_end_matches(['_', '-']);
    let stem = if stem.is_empty() { "document" } else { stem };
    let hash: String = sha256_hex.chars().take(ID_HASH_HEX).collect();
    let id = format!("{stem}-{hash}");
    if crate::write::RESERVED_NAMES.contains(&id.as_str()) {
        format!("document-{id}")
    } else {
        id
    }
}

/// Lower-case hex SHA-256 of the input bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn id(name: &str) -> String {
        doc_id(Path::new(name), SHA)
    }

    #[test]
    fn doc_ids_are_safe_names_ending_in_the_hash() {
        // Stems "..", "." and "": no dot name, no empty name.
        assert_eq!(id("...txt"), "document-0123456789ab");
        assert_eq!(id("..txt"), "document-0123456789ab");
        // A name starting with '.' has no extension: the stem of ".txt" is ".txt".
        assert_eq!(id(".txt"), "txt-0123456789ab");
        assert_eq!(id("_.txt"), "document-0123456789ab");
        assert_eq!(id("facts.csv.txt"), "facts_csv-0123456789ab");
        assert_eq!(id("manifest.csv.pdf"), "manifest_csv-0123456789ab");
        assert_eq!(id(".hidden.txt"), "hidden-0123456789ab");
        assert_eq!(id("d1/report.txt"), "report-0123456789ab");
        assert_eq!(id("a b\u{7}c\\d:e.txt"), "a_b_c_d_e-0123456789ab");
        assert_eq!(id("-rf.txt"), "rf-0123456789ab");
        // Letters of any script stay.
        assert_eq!(
            id("武昌区科协2025年预算.pdf"),
            "武昌区科协2025年预算-0123456789ab"
        );
        for name in [
            "...txt",
            "..txt",
            "facts.csv.txt",
            "a/b/../c.txt",
            "x..y.txt",
        ] {
            let i = id(name);
            assert!(
                !i.contains('.') && !i.contains('/') && !i.starts_with(['_', '-']),
                "{i}"
            );
            assert!(!crate::write::RESERVED_NAMES.contains(&i.as_str()));
        }
    }

    #[test]
    fn doc_ids_are_bounded_and_cut_on_a_character_boundary() {
        // 100 three-byte characters: 300 bytes, cut to 66 characters (198 bytes).
        let name = format!("{}.txt", "预".repeat(100));
        let i = id(&name);
        assert_eq!(i, format!("{}-0123456789ab", "预".repeat(66)));
        assert!(i.len() <= MAX_ID_STEM_BYTES + 1 + ID_HASH_HEX);
        // A cut that would end in '_' drops it.
        let name = format!("{}.{}.txt", "a".repeat(199), "b".repeat(10));
        assert_eq!(id(&name), format!("{}-0123456789ab", "a".repeat(199)));
    }

    fn raw(title: &str) -> crate::assemble::RawTable {
        crate::assemble::RawTable {
            title: title.into(),
            first_page: 1,
            last_page: 1,
            ..Default::default()
        }
    }

    fn empty_doc() -> Document {
        Document {
            doc_id: "d".into(),
            source: SourceFile {
                path: "d.pdf".into(),
                sha256: SHA.into(),
                format: SourceFormat::Pdf,
                pages: 1,
            },
            department: None,
            year: None,
            kind: None,
            tables: Vec::new(),
            missing_tables: Vec::new(),
            warnings: Vec::new(),
        }
    }

    #[test]
    fn more_tables_than_the_limit_are_not_assembled() {
        let raws = vec![raw("神秘总表"); MAX_TABLES_PER_DOCUMENT + 1];
        let mut doc = empty_doc();
        assemble_all(&raws, &GrammarSet::builtin(), &mut doc);
        let codes: Vec<&str> = doc.warnings.iter().map(|w| w.code.as_str()).collect();
        assert_eq!(codes, [TOO_MANY_TABLES]);
    }

    #[test]
    fn a_document_whose_tables_all_fail_gets_a_no_tables_warning() {
        let mut doc = empty_doc();
        assemble_all(&[raw("神秘总表")], &GrammarSet::builtin(), &mut doc);
        let codes: Vec<&str> = doc.warnings.iter().map(|w| w.code.as_str()).collect();
        assert_eq!(codes, ["table_unknown", NO_TABLES]);
    }
}
