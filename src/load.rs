//! Loading a converted output folder into PostgreSQL (`budget-tables load --postgres URL OUT`).
//!
//! The schema (created if absent) holds `documents`, `tables`, `rows`, `facts` and `findings`
//! with primary keys and foreign keys (children are deleted with their document). Each
//! document the folder's manifest.csv lists as converted is loaded in one transaction: the
//! rows of any earlier load of the same content (same SHA-256) or the same document id are
//! deleted, then the document's rows are copied in with `COPY … FROM STDIN`. Loading the same
//! documents again replaces them and leaves the row counts as they were. Amounts are
//! `numeric`: exact.

use crate::error::Error;
use crate::manifest::{parse_manifest, ManifestEntry, Status};
use crate::model::findings::Reconciliation;
use crate::model::Document;
use crate::write::{facts_of, read_output_json, serde_name, Output, OutputWriter};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What a load is asked to do.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// libpq connection string or URL ("host=/run/postgresql dbname=budgets",
    /// "postgresql://user@host/db").
    pub url: String,
    /// Schema the tables live in.
    pub schema: String,
    /// Leave out documents `convert --strict` would fail (manifest column `strict`).
    pub strict: bool,
}

/// What became of one document.
#[derive(Debug)]
pub enum Loaded {
    /// Loaded; `replaced`: an earlier load of it was removed first.
    Done {
        doc_id: String,
        facts: usize,
        replaced: bool,
    },
    /// Left out by `--strict`, with the reasons.
    Gated {
        doc_id: String,
        reasons: String,
    },
    Failed(Error),
}

/// The outcome of a load.
#[derive(Debug)]
pub struct LoadReport {
    pub documents: Vec<Loaded>,
}

/// Whether `name` is a plain SQL identifier (lowercase letters, digits, '_', not starting with
/// a digit, at most 63 bytes): schema names are put into statements, never quoted input.
pub fn is_plain_identifier(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !name.as_bytes()[0].is_ascii_digit()
}

/// The schema's statements, idempotent.
pub fn schema_sql(schema: &str) -> String {
    format!(
        "CREATE SCHEMA IF NOT EXISTS {s};
CREATE TABLE IF NOT EXISTS {s}.documents (
    doc_id text PRIMARY KEY,
    sha256 text NOT NULL UNIQUE,
    path text NOT NULL,
    format text NOT NULL,
    department text,
    year integer,
    kind text,
    pages integer NOT NULL,
    tables integer NOT NULL,
    amounts integer NOT NULL,
    warnings integer NOT NULL,
    checks integer NOT NULL,
    checks_passed integer NOT NULL,
    mismatch integer NOT NULL,
    rounding integer NOT NULL,
    missing integer NOT NULL,
    unparsed integer NOT NULL,
    unverified_amounts integer NOT NULL,
    strict text NOT NULL,
    tool_version text NOT NULL,
    loaded_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS {s}.tables (
    doc_id text NOT NULL REFERENCES {s}.documents (doc_id) ON DELETE CASCADE,
    table_index integer NOT NULL,
    table_no text,
    kind text NOT NULL,
    title text NOT NULL,
    grammar text NOT NULL,
    unit text NOT NULL,
    first_page integer NOT NULL,
    last_page integer NOT NULL,
    PRIMARY KEY (doc_id, table_index)
);
CREATE TABLE IF NOT EXISTS {s}.rows (
    doc_id text NOT NULL,
    table_index integer NOT NULL,
    row_index integer NOT NULL,
    section text,
    code text,
    name text NOT NULL,
    level integer NOT NULL,
    page integer NOT NULL,
    PRIMARY KEY (doc_id, table_index, row_index),
    FOREIGN KEY (doc_id, table_index) REFERENCES {s}.tables (doc_id, table_index) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS {s}.facts (
    doc_id text NOT NULL,
    table_index integer NOT NULL,
    row_index integer NOT NULL,
    column_index integer NOT NULL,
    column_id text NOT NULL,
    column_label text NOT NULL,
    value numeric NOT NULL,
    unit text,
    value_yuan numeric,
    PRIMARY KEY (doc_id, table_index, row_index, column_index),
    FOREIGN KEY (doc_id, table_index, row_index)
        REFERENCES {s}.rows (doc_id, table_index, row_index) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS {s}.findings (
    doc_id text NOT NULL REFERENCES {s}.documents (doc_id) ON DELETE CASCADE,
    finding_index integer NOT NULL,
    rule text NOT NULL,
    severity text NOT NULL,
    message text NOT NULL,
    table_label text,
    page integer,
    stated numeric,
    computed numeric,
    difference numeric,
    tolerance numeric,
    unit text,
    PRIMARY KEY (doc_id, finding_index)
);
",
        s = schema
    )
}

/// One line of `COPY … (FORMAT csv)`: NULL is an empty unquoted field, every value is quoted
/// (so an empty string stays an empty string).
fn copy_line(buf: &mut String, fields: &[Option<&str>]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            buf.push(',');
        }
        if let Some(v) = f {
            buf.push('"');
            buf.push_str(&v.replace('"', "\"\""));
            buf.push('"');
        }
    }
    buf.push('\n');
}

/// The COPY text of a document's five tables.
struct CopyText {
    documents: String,
    tables: String,
    rows: String,
    facts: String,
    findings: String,
    facts_count: usize,
}

fn copy_text(doc: &Document, rec: &Reconciliation, strict: &str) -> CopyText {
    let id = doc.doc_id.as_str();
    let n = |x: usize| x.to_string();
    let mut t = CopyText {
        documents: String::new(),
        tables: String::new(),
        rows: String::new(),
        facts: String::new(),
        findings: String::new(),
        facts_count: 0,
    };
    let amounts: usize = doc.tables.iter().map(|t| t.amount_count()).sum();
    let c = &rec.counts;
    let year = doc.year.map(|y| y.to_string());
    let kind = doc.kind.map(|k| serde_name(&k));
    copy_line(
        &mut t.documents,
        &[
            Some(id),
            Some(&doc.source.sha256),
            Some(&doc.source.path),
            Some(&serde_name(&doc.source.format)),
            doc.department.as_deref(),
            year.as_deref(),
            kind.as_deref(),
            Some(&doc.source.pages.to_string()),
            Some(&n(doc.tables.len())),
            Some(&n(amounts)),
            Some(&n(doc.warnings.len())),
            Some(&n(rec.checks)),
            Some(&n(rec.checks_passed)),
            Some(&n(c.mismatch)),
            Some(&n(c.rounding)),
            Some(&n(c.missing)),
            Some(&n(c.unparsed)),
            Some(&n(rec.coverage.unverified)),
            Some(strict),
            Some(env!("CARGO_PKG_VERSION")),
        ],
    );
    for (ti, table) in doc.tables.iter().enumerate() {
        let ti_s = n(ti + 1);
        copy_line(
            &mut t.tables,
            &[
                Some(id),
                Some(&ti_s),
                table.number.as_deref(),
                Some(&table.kind),
                Some(&table.title),
                Some(&table.grammar),
                Some(table.unit.label()),
                Some(&table.first_page.to_string()),
                Some(&table.last_page.to_string()),
            ],
        );
        for (ri, row) in table.rows.iter().enumerate() {
            let ri_s = n(ri + 1);
            copy_line(
                &mut t.rows,
                &[
                    Some(id),
                    Some(&ti_s),
                    Some(&ri_s),
                    row.section.as_deref(),
                    row.code.as_deref(),
                    Some(&row.name),
                    Some(&row.level.to_string()),
                    Some(&row.page.to_string()),
                ],
            );
        }
    }
    for f in facts_of(doc) {
        let yuan = f.value_yuan.map(|y| y.to_string());
        copy_line(
            &mut t.facts,
            &[
                Some(id),
                Some(&n(f.table_index + 1)),
                Some(&n(f.row_index + 1)),
                Some(&n(f.column_index + 1)),
                Some(&f.column.id),
                Some(&f.column.printed_header()),
                Some(&f.value.to_string()),
                (!f.unit.is_empty()).then_some(f.unit),
                yuan.as_deref(),
            ],
        );
        t.facts_count += 1;
    }
    for (fi, f) in rec.findings.iter().enumerate() {
        let first = f.cells.first();
        let dec = |d: Option<rust_decimal::Decimal>| d.map(|d| d.to_string());
        let (stated, computed, difference, tolerance) = (
            dec(f.stated),
            dec(f.computed),
            dec(f.difference),
            dec(f.tolerance),
        );
        let page = first.and_then(|c| c.page).map(|p| p.to_string());
        copy_line(
            &mut t.findings,
            &[
                Some(id),
                Some(&n(fi + 1)),
                Some(&f.rule),
                Some(&serde_name(&f.severity)),
                Some(&f.message),
                first.map(|c| c.table.as_str()),
                page.as_deref(),
                stated.as_deref(),
                computed.as_deref(),
                difference.as_deref(),
                tolerance.as_deref(),
                (!f.unit.is_empty()).then_some(f.unit.as_str()),
            ],
        );
    }
    t
}

fn db_err(path: &Path) -> impl Fn(postgres::Error) -> Error + '_ {
    move |e| Error::Database {
        path: path.to_path_buf(),
        // The server's own message (constraint, column) is in the source.
        what: match e.as_db_error() {
            Some(db) => format!("{}: {}", db.code().code(), db.message()),
            None => e.to_string(),
        },
    }
}

/// Loads documents into PostgreSQL as they come: the database writer of a run
/// (`convert --postgres`) and of `load`. One connection, one transaction per document.
pub struct PostgresWriter {
    client: Mutex<postgres::Client>,
    schema: String,
}

impl PostgresWriter {
    /// Connects and creates the schema if absent.
    pub fn connect(url: &str, schema: &str) -> Result<PostgresWriter, Error> {
        if !is_plain_identifier(schema) {
            return Err(Error::Database {
                path: PathBuf::from(schema),
                what:
                    "--schema must be lowercase letters, digits and '_', not starting with a digit"
                        .into(),
            });
        }
        let server = PathBuf::from("postgres");
        let mut client =
            postgres::Client::connect(url, postgres::NoTls).map_err(db_err(&server))?;
        client
            .batch_execute(&schema_sql(schema))
            .map_err(db_err(&server))?;
        Ok(PostgresWriter {
            client: Mutex::new(client),
            schema: schema.to_string(),
        })
    }

    /// Loads one document in one transaction, replacing an earlier load of the same content
    /// or id. `dir` names the document in errors.
    pub fn load_document(
        &self,
        doc: &Document,
        rec: &Reconciliation,
        dir: &Path,
    ) -> Result<Loaded, Error> {
        let strict = crate::run::strict_reasons(doc, rec).join("; ");
        let copy = copy_text(doc, rec, &strict);
        let schema = &self.schema;
        let err = db_err(dir);
        let mut client = self.client.lock().unwrap_or_else(|p| p.into_inner());
        let mut tx = client.transaction().map_err(&err)?;
        let removed = tx
            .execute(
                &format!("DELETE FROM {schema}.documents WHERE sha256 = $1 OR doc_id = $2"),
                &[&doc.source.sha256, &doc.doc_id],
            )
            .map_err(&err)?;
        for (table, columns, data) in [
            (
                "documents",
                "doc_id, sha256, path, format, department, year, kind, pages, tables, amounts, \
                 warnings, checks, checks_passed, mismatch, rounding, missing, unparsed, \
                 unverified_amounts, strict, tool_version",
                &copy.documents,
            ),
            (
                "tables",
                "doc_id, table_index, table_no, kind, title, grammar, unit, first_page, last_page",
                &copy.tables,
            ),
            (
                "rows",
                "doc_id, table_index, row_index, section, code, name, level, page",
                &copy.rows,
            ),
            (
                "facts",
                "doc_id, table_index, row_index, column_index, column_id, column_label, value, \
                 unit, value_yuan",
                &copy.facts,
            ),
            (
                "findings",
                "doc_id, finding_index, rule, severity, message, table_label, page, stated, \
                 computed, difference, tolerance, unit",
                &copy.findings,
            ),
        ] {
            let mut statement = String::new();
            let _ = write!(
                statement,
                "COPY {schema}.{table} ({columns}) FROM STDIN (FORMAT csv)"
            );
            let mut w = tx.copy_in(&statement).map_err(&err)?;
            w.write_all(data.as_bytes()).map_err(|e| Error::Database {
                path: dir.to_path_buf(),
                what: format!("COPY {table}: {e}"),
            })?;
            w.finish().map_err(&err)?;
        }
        tx.commit().map_err(&err)?;
        Ok(Loaded::Done {
            doc_id: doc.doc_id.clone(),
            facts: copy.facts_count,
            replaced: removed > 0,
        })
    }
}

impl OutputWriter for PostgresWriter {
    fn write(&self, out: &Output) -> Result<(), Error> {
        let dir = PathBuf::from(&out.document.doc_id);
        self.load_document(out.document, out.reconciliation, &dir)
            .map(|_| ())
    }
}

/// Connects, creates the schema if absent, and loads every converted document of `out`.
/// A document that cannot be loaded is reported and the load goes on; a connection or schema
/// failure is an error.
pub fn load(out: &Path, opts: &LoadOptions) -> Result<LoadReport, Error> {
    let manifest_path = out.join(crate::run::MANIFEST);
    let text = std::fs::read_to_string(&manifest_path).map_err(|source| Error::Io {
        path: manifest_path.clone(),
        source: std::io::Error::new(
            source.kind(),
            format!(
                "{source}; run `budget-tables convert … --out {}` first",
                out.display()
            ),
        ),
    })?;
    let writer = PostgresWriter::connect(&opts.url, &opts.schema)?;
    let mut documents = Vec::new();
    let entries: Vec<ManifestEntry> = parse_manifest(&text)
        .into_iter()
        .filter(|e| e.status == Status::Converted)
        .collect();
    for entry in entries {
        if opts.strict && !entry.strict.is_empty() {
            documents.push(Loaded::Gated {
                doc_id: entry.doc_id.clone(),
                reasons: entry.strict.clone(),
            });
            continue;
        }
        let dir = out.join(&entry.doc_id);
        let loaded = read_output_json::<Document>(&dir, "document.json").and_then(|doc| {
            let rec: Reconciliation = read_output_json(&dir, "findings.json")?;
            writer.load_document(&doc, &rec, &dir)
        });
        documents.push(loaded.unwrap_or_else(Loaded::Failed));
    }
    Ok(LoadReport { documents })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_lines_quote_values_and_leave_null_empty() {
        let mut s = String::new();
        copy_line(&mut s, &[Some("a,\"b\""), None, Some("")]);
        assert_eq!(s, "\"a,\"\"b\"\"\",,\"\"\n");
    }

    #[test]
    fn only_plain_identifiers_name_a_schema() {
        assert!(is_plain_identifier("budget_tables"));
        assert!(is_plain_identifier("b2026"));
        for bad in [
            "",
            "2026",
            "Budget",
            "a-b",
            "a;drop",
            "a b",
            &"x".repeat(64),
        ] {
            assert!(!is_plain_identifier(bad), "{bad}");
        }
    }
}
