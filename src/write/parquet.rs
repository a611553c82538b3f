//! Parquet output (`convert --format parquet`): the run's facts, documents, tables and
//! findings as typed tables for a lakehouse (Spark, DuckDB, Trino, BigQuery):
//! `OUT/facts.parquet`, `OUT/documents.parquet`, `OUT/tables.parquet`,
//! `OUT/findings.parquet`.
//!
//! Amounts are exact: `DECIMAL(38, 8)` stored as 16-byte two's complement, never floating
//! point; a value with more decimal places than that is an error, not rounded. Pages and
//! counts are integers; strings are dictionary-encoded; absent values are NULL. The files
//! are written when the run ends, from each converted document's document.json and
//! findings.json in input order (one document in memory at a time), so documents an earlier
//! run converted (`--resume`) are included as they were written.

use super::{facts_of, read_output_json, serde_name, OutDir, OutputWriter, PendingFile};
use crate::error::Error;
use crate::model::findings::Reconciliation;
use crate::model::Document;
use parquet::basic::Compression;
use parquet::data_type::{ByteArray, ByteArrayType, FixedLenByteArray, FixedLenByteArrayType};
use parquet::data_type::{Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use rust_decimal::Decimal;
use std::path::Path;
use std::sync::Arc;

/// Decimal places of every DECIMAL column.
pub const DECIMAL_SCALE: u32 = 8;
/// Digits of every DECIMAL column.
pub const DECIMAL_PRECISION: u32 = 38;
/// Rows gathered before a row group is written.
const ROW_GROUP_ROWS: usize = 65_536;

/// The physical and logical type of a column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// UTF-8 string, dictionary-encoded.
    Str,
    I32,
    I64,
    /// DECIMAL(38, 8).
    Dec,
}

/// One column of a Parquet table.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    /// NULL never occurs.
    pub required: bool,
}

const fn f(name: &'static str, kind: Kind, required: bool) -> Field {
    Field {
        name,
        kind,
        required,
    }
}

/// facts.parquet: facts.csv's columns, typed.
pub const FACTS: &[Field] = &[
    f("doc_id", Kind::Str, true),
    f("table_no", Kind::Str, false),
    f("table_kind", Kind::Str, true),
    f("table_title", Kind::Str, true),
    f("page", Kind::I32, true),
    f("row_code", Kind::Str, false),
    f("row_name", Kind::Str, true),
    f("column", Kind::Str, true),
    f("column_label", Kind::Str, true),
    f("value", Kind::Dec, true),
    f("unit", Kind::Str, false),
    f("value_yuan", Kind::Dec, false),
];

/// documents.parquet: one row per converted document.
pub const DOCUMENTS: &[Field] = &[
    f("doc_id", Kind::Str, true),
    f("path", Kind::Str, true),
    f("sha256", Kind::Str, true),
    f("format", Kind::Str, true),
    f("department", Kind::Str, false),
    f("year", Kind::I32, false),
    f("kind", Kind::Str, false),
    f("pages", Kind::I32, true),
    f("tables", Kind::I32, true),
    f("amounts", Kind::I64, true),
    f("warnings", Kind::I32, true),
    f("missing_tables", Kind::I32, true),
    f("checks", Kind::I64, true),
    f("checks_passed", Kind::I64, true),
    f("mismatch", Kind::I32, true),
    f("rounding", Kind::I32, true),
    f("missing", Kind::I32, true),
    f("unparsed", Kind::I32, true),
    f("unverified_amounts", Kind::I64, true),
];

/// tables.parquet: one row per table of a converted document.
pub const TABLES: &[Field] = &[
    f("doc_id", Kind::Str, true),
    f("table_index", Kind::I32, true),
    f("table_no", Kind::Str, false),
    f("table_kind", Kind::Str, true),
    f("table_title", Kind::Str, true),
    f("grammar", Kind::Str, true),
    f("unit", Kind::Str, true),
    f("first_page", Kind::I32, true),
    f("last_page", Kind::I32, true),
    f("rows", Kind::I32, true),
    f("columns", Kind::I32, true),
    f("amounts", Kind::I64, true),
];

/// findings.parquet: one row per reconciliation finding.
pub const FINDINGS: &[Field] = &[
    f("doc_id", Kind::Str, true),
    f("finding_index", Kind::I32, true),
    f("rule", Kind::Str, true),
    f("severity", Kind::Str, true),
    f("message", Kind::Str, true),
    f("table", Kind::Str, false),
    f("page", Kind::I32, false),
    f("stated", Kind::Dec, false),
    f("computed", Kind::Dec, false),
    f("difference", Kind::Dec, false),
    f("tolerance", Kind::Dec, false),
    f("unit", Kind::Str, false),
];

/// The Parquet schema (message type) of a table.
pub fn message_type(name: &str, fields: &[Field]) -> String {
    let mut s = format!("message {name} {{\n");
    for fl in fields {
        let rep = if fl.required { "required" } else { "optional" };
        let ty = match fl.kind {
            Kind::Str => "binary".to_string(),
            Kind::I32 => "int32".to_string(),
            Kind::I64 => "int64".to_string(),
            Kind::Dec => "fixed_len_byte_array(16)".to_string(),
        };
        let logical = match fl.kind {
            Kind::Str => " (UTF8)".to_string(),
            Kind::Dec => format!(" (DECIMAL({DECIMAL_PRECISION},{DECIMAL_SCALE}))"),
            Kind::I32 | Kind::I64 => String::new(),
        };
        s.push_str(&format!("  {rep} {ty} {}{logical};\n", fl.name));
    }
    s.push('}');
    s
}

/// One value of a row.
#[derive(Debug, Clone)]
pub enum Cell<'a> {
    Str(Option<&'a str>),
    Int(Option<i64>),
    Dec(Option<Decimal>),
}

/// The column buffers of the rows not yet written.
enum Values {
    Str(Vec<ByteArray>),
    I32(Vec<i32>),
    I64(Vec<i64>),
    Dec(Vec<FixedLenByteArray>),
}

/// A DECIMAL(38, 8) value as 16 bytes, big-endian two's complement; `None` when the value
/// has more than 8 decimal places (it cannot be stored exactly).
pub fn decimal_bytes(v: Decimal) -> Option<[u8; 16]> {
    if v.scale() > DECIMAL_SCALE {
        return None;
    }
    let mut d = v;
    d.rescale(DECIMAL_SCALE);
    // Exact: the scale only grew. |mantissa| < 2^96 < 10^38.
    Some(d.mantissa().to_be_bytes())
}

/// One Parquet file being written, row group by row group.
struct TableFile {
    name: &'static str,
    fields: &'static [Field],
    values: Vec<Values>,
    /// Definition levels per column (1 present, 0 NULL); used for optional columns.
    defs: Vec<Vec<i16>>,
    rows: usize,
    writer: SerializedFileWriter<PendingWriter>,
}

/// The pending file a Parquet writer writes into (it needs `Write + Send`).
struct PendingWriter(PendingFile);

impl std::io::Write for PendingWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.writer().write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.writer().flush()
    }
}

fn parquet_err(path: &Path) -> impl Fn(parquet::errors::ParquetError) -> Error + '_ {
    move |e| Error::Write {
        path: path.to_path_buf(),
        source: std::io::Error::other(e),
    }
}

impl TableFile {
    fn create(out: &OutDir, name: &'static str, fields: &'static [Field]) -> Result<Self, Error> {
        let file_name = format!("{name}.parquet");
        let rel = Path::new(&file_name);
        let err = parquet_err(rel);
        let schema = parquet::schema::parser::parse_message_type(&message_type(name, fields))
            .map_err(&err)?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_dictionary_enabled(true)
            .set_created_by(format!("budget-tables {}", env!("CARGO_PKG_VERSION")))
            .build();
        let pending = out.pending(rel)?;
        let writer =
            SerializedFileWriter::new(PendingWriter(pending), Arc::new(schema), Arc::new(props))
                .map_err(&err)?;
        let values = fields
            .iter()
            .map(|fl| match fl.kind {
                Kind::Str => Values::Str(Vec::new()),
                Kind::I32 => Values::I32(Vec::new()),
                Kind::I64 => Values::I64(Vec::new()),
                Kind::Dec => Values::Dec(Vec::new()),
            })
            .collect();
        Ok(TableFile {
            name,
            fields,
            values,
            defs: vec![Vec::new(); fields.len()],
            rows: 0,
            writer,
        })
    }

    fn path(&self) -> String {
        format!("{}.parquet", self.name)
    }

    /// Adds one row; `cells` follow the table's fields.
    fn push(&mut self, cells: &[Cell]) -> Result<(), Error> {
        let path = self.path();
        let bad = |what: String| Error::Write {
            path: path.clone().into(),
            source: std::io::Error::other(what),
        };
        if cells.len() != self.fields.len() {
            return Err(bad(format!(
                "{} values for {} columns",
                cells.len(),
                self.fields.len()
            )));
        }
        for (i, (cell, fl)) in cells.iter().zip(self.fields).enumerate() {
            let present = !matches!(cell, Cell::Str(None) | Cell::Int(None) | Cell::Dec(None));
            if !present && fl.required {
                return Err(bad(format!("{} is required but absent", fl.name)));
            }
            self.defs[i].push(i16::from(present));
            match (cell, &mut self.values[i]) {
                (Cell::Str(Some(s)), Values::Str(v)) => {
                    v.push(ByteArray::from(s.as_bytes().to_vec()))
                }
                (Cell::Int(Some(n)), Values::I32(v)) => v.push(
                    i32::try_from(*n)
                        .map_err(|_| bad(format!("{}: {n} exceeds int32", fl.name)))?,
                ),
                (Cell::Int(Some(n)), Values::I64(v)) => v.push(*n),
                (Cell::Dec(Some(d)), Values::Dec(v)) => {
                    let bytes = decimal_bytes(*d).ok_or_else(|| {
                        bad(format!(
                            "{}: {d} has more than {DECIMAL_SCALE} decimal places; DECIMAL({DECIMAL_PRECISION},{DECIMAL_SCALE}) cannot hold it exactly",
                            fl.name
                        ))
                    })?;
                    v.push(FixedLenByteArray::from(bytes.to_vec()));
                }
                (Cell::Str(None) | Cell::Int(None) | Cell::Dec(None), _) => {}
                _ => return Err(bad(format!("{}: value of the wrong type", fl.name))),
            }
        }
        self.rows += 1;
        if self.rows >= ROW_GROUP_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the gathered rows as one row group.
    fn flush(&mut self) -> Result<(), Error> {
        if self.rows == 0 {
            return Ok(());
        }
        let path = self.path();
        let err = parquet_err(Path::new(&path));
        let mut rg = self.writer.next_row_group().map_err(&err)?;
        let mut i = 0;
        while let Some(mut col) = rg.next_column().map_err(&err)? {
            let (Some(values), Some(defs), Some(fl)) =
                (self.values.get_mut(i), self.defs.get(i), self.fields.get(i))
            else {
                break;
            };
            let defs = (!fl.required).then_some(defs.as_slice());
            match values {
                Values::Str(v) => col.typed::<ByteArrayType>().write_batch(v, defs, None),
                Values::I32(v) => col.typed::<Int32Type>().write_batch(v, defs, None),
                Values::I64(v) => col.typed::<Int64Type>().write_batch(v, defs, None),
                Values::Dec(v) => col
                    .typed::<FixedLenByteArrayType>()
                    .write_batch(v, defs, None),
            }
            .map_err(&err)?;
            col.close().map_err(&err)?;
            match values {
                Values::Str(v) => v.clear(),
                Values::I32(v) => v.clear(),
                Values::I64(v) => v.clear(),
                Values::Dec(v) => v.clear(),
            }
            i += 1;
        }
        rg.close().map_err(&err)?;
        for d in &mut self.defs {
            d.clear();
        }
        self.rows = 0;
        Ok(())
    }

    /// Writes what is left and the footer, and renames the file into place.
    fn finish(mut self) -> Result<(), Error> {
        self.flush()?;
        let path = self.path();
        let pending = self
            .writer
            .into_inner()
            .map_err(parquet_err(Path::new(&path)))?;
        pending.0.commit()
    }
}

/// `OUT/{facts,documents,tables,findings}.parquet`, written when the run ends.
pub struct ParquetWriter {
    pub out: OutDir,
}

fn count(n: usize) -> Cell<'static> {
    Cell::Int(i64::try_from(n).ok())
}

fn opt_str(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

impl ParquetWriter {
    fn add_document(
        &self,
        files: &mut [TableFile; 4],
        doc: &Document,
        rec: &Reconciliation,
    ) -> Result<(), Error> {
        let [facts, documents, tables, findings] = files;
        for f in facts_of(doc) {
            let t = f.table;
            facts.push(&[
                Cell::Str(Some(&doc.doc_id)),
                Cell::Str(t.number.as_deref().and_then(opt_str)),
                Cell::Str(Some(&t.kind)),
                Cell::Str(Some(&t.title)),
                Cell::Int(Some(i64::from(f.row.page))),
                Cell::Str(f.row.code.as_deref().and_then(opt_str)),
                Cell::Str(Some(&f.row.name)),
                Cell::Str(Some(&f.column.id)),
                Cell::Str(Some(&f.column.printed_header())),
                Cell::Dec(Some(f.value)),
                Cell::Str(opt_str(f.unit)),
                Cell::Dec(f.value_yuan),
            ])?;
        }
        let amounts: usize = doc.tables.iter().map(|t| t.amount_count()).sum();
        let format = serde_name(&doc.source.format);
        let kind = doc.kind.map(|k| serde_name(&k));
        let c = &rec.counts;
        documents.push(&[
            Cell::Str(Some(&doc.doc_id)),
            Cell::Str(Some(&doc.source.path)),
            Cell::Str(Some(&doc.source.sha256)),
            Cell::Str(Some(&format)),
            Cell::Str(doc.department.as_deref()),
            Cell::Int(doc.year.map(i64::from)),
            Cell::Str(kind.as_deref()),
            Cell::Int(Some(i64::from(doc.source.pages))),
            count(doc.tables.len()),
            count(amounts),
            count(doc.warnings.len()),
            count(doc.missing_tables.len()),
            count(rec.checks),
            count(rec.checks_passed),
            count(c.mismatch),
            count(c.rounding),
            count(c.missing),
            count(c.unparsed),
            count(rec.coverage.unverified),
        ])?;
        for (i, t) in doc.tables.iter().enumerate() {
            tables.push(&[
                Cell::Str(Some(&doc.doc_id)),
                count(i + 1),
                Cell::Str(t.number.as_deref()),
                Cell::Str(Some(&t.kind)),
                Cell::Str(Some(&t.title)),
                Cell::Str(Some(&t.grammar)),
                Cell::Str(Some(t.unit.label())),
                Cell::Int(Some(i64::from(t.first_page))),
                Cell::Int(Some(i64::from(t.last_page))),
                count(t.rows.len()),
                count(t.columns.len()),
                count(t.amount_count()),
            ])?;
        }
        for (i, fd) in rec.findings.iter().enumerate() {
            let first = fd.cells.first();
            let severity = serde_name(&fd.severity);
            findings.push(&[
                Cell::Str(Some(&doc.doc_id)),
                count(i + 1),
                Cell::Str(Some(&fd.rule)),
                Cell::Str(Some(&severity)),
                Cell::Str(Some(&fd.message)),
                Cell::Str(first.map(|c| c.table.as_str())),
                Cell::Int(first.and_then(|c| c.page).map(i64::from)),
                Cell::Dec(fd.stated),
                Cell::Dec(fd.computed),
                Cell::Dec(fd.difference),
                Cell::Dec(fd.tolerance),
                Cell::Str(opt_str(&fd.unit)),
            ])?;
        }
        Ok(())
    }
}

impl OutputWriter for ParquetWriter {
    /// Nothing per document: the files are made at the end, from the documents' JSON.
    fn write(&self, _out: &super::Output) -> Result<(), Error> {
        Ok(())
    }

    fn finish(&self, doc_ids: &[String]) -> Result<(), Error> {
        let mut files = [
            TableFile::create(&self.out, "facts", FACTS)?,
            TableFile::create(&self.out, "documents", DOCUMENTS)?,
            TableFile::create(&self.out, "tables", TABLES)?,
            TableFile::create(&self.out, "findings", FINDINGS)?,
        ];
        for id in doc_ids {
            let dir = self.out.root().join(id);
            let doc: Document = read_output_json(&dir, "document.json")?;
            let rec: Reconciliation = read_output_json(&dir, "findings.json")?;
            self.add_document(&mut files, &doc, &rec)?;
        }
        for f in files {
            f.finish()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_16_byte_twos_complement_at_scale_8() {
        let d = |s: &str| Decimal::from_str_exact(s).expect("decimal");
        // 707.83 at scale 8 is 70_783_000_000.
        assert_eq!(
            i128::from_be_bytes(decimal_bytes(d("707.83")).expect("fits")),
            70_783_000_000
        );
        assert_eq!(
            i128::from_be_bytes(decimal_bytes(d("-0.01")).expect("fits")),
            -1_000_000
        );
        assert_eq!(
            decimal_bytes(d("0.000000001")),
            None,
            "nine places do not fit"
        );
    }

    #[test]
    fn the_schema_names_every_field_with_its_type() {
        let m = message_type("facts", FACTS);
        assert!(
            m.contains("required fixed_len_byte_array(16) value (DECIMAL(38,8));"),
            "{m}"
        );
        assert!(m.contains("optional binary row_code (UTF8);"), "{m}");
        assert!(m.contains("required int32 page;"), "{m}");
        parquet::schema::parser::parse_message_type(&m).expect("parses");
        for (name, fields) in [
            ("documents", DOCUMENTS),
            ("tables", TABLES),
            ("findings", FINDINGS),
        ] {
            parquet::schema::parser::parse_message_type(&message_type(name, fields))
                .expect("parses");
        }
    }
}
