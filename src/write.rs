//! Writers: document.json, one CSV per table, and the run's facts.csv. Each implements
//! [`OutputWriter`]; files are written to a temporary name and renamed, so nothing is
//! half-written.

use crate::error::Error;
use crate::model::{ColumnKind, Document, Table};
use crate::reconcile::Reconciliation;
use std::path::{Path, PathBuf};

/// One finished document: the model and what reconciliation found in it.
#[derive(Debug, Clone, Copy)]
pub struct Output<'a> {
    pub document: &'a Document,
    pub reconciliation: &'a Reconciliation,
}

/// Receives converted documents in input order, then `finish` once.
pub trait OutputWriter {
    fn write(&mut self, out: &Output) -> Result<(), Error>;
    fn finish(&mut self) -> Result<(), Error> {
        Ok(())
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let err = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    let tmp = path.with_extension("tmp~");
    std::fs::write(&tmp, bytes).map_err(err)?;
    std::fs::rename(&tmp, path).map_err(err)
}

/// `out/<doc-id>/document.json`: the whole model.
pub struct JsonWriter {
    pub out: PathBuf,
}

impl OutputWriter for JsonWriter {
    fn write(&mut self, out: &Output) -> Result<(), Error> {
        let doc = out.document;
        let path = self.out.join(&doc.doc_id).join("document.json");
        let mut text = serde_json::to_string_pretty(doc).map_err(|e| Error::Write {
            path: path.clone(),
            source: std::io::Error::other(e),
        })?;
        text.push('\n');
        write_atomic(&path, text.as_bytes())
    }
}

/// `out/<doc-id>/tables/<NN>-<kind>.csv`: code, name, then one column per canonical id.
pub struct CsvWriter {
    pub out: PathBuf,
}

/// The per-table CSV text.
pub fn table_csv(t: &Table) -> String {
    let two_sided = t.rows.iter().any(|r| r.section.is_some());
    let has_unit = t.rows.iter().any(|r| r.unit_name.is_some());
    // Text cells (attributes) by label, in order of first appearance.
    let mut attrs: Vec<&str> = Vec::new();
    for r in &t.rows {
        for k in r.attributes.keys() {
            if !attrs.contains(&k.as_str()) {
                attrs.push(k);
            }
        }
    }
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let mut head: Vec<&str> = Vec::new();
    if two_sided {
        head.push("section");
    }
    head.extend(["code", "name"]);
    if has_unit {
        head.push("unit_name");
    }
    head.extend(attrs.iter().copied());
    head.extend(t.columns.iter().map(|c| c.id.as_str()));
    let _ = w.write_record(&head);
    for r in &t.rows {
        let mut rec: Vec<String> = Vec::new();
        if two_sided {
            rec.push(r.section.clone().unwrap_or_default());
        }
        rec.push(r.code.clone().unwrap_or_default());
        rec.push(r.name.clone());
        if has_unit {
            rec.push(r.unit_name.clone().unwrap_or_default());
        }
        rec.extend(
            attrs
                .iter()
                .map(|k| r.attributes.get(*k).cloned().unwrap_or_default()),
        );
        rec.extend(
            r.amounts
                .iter()
                .map(|a| a.map(|d| d.to_string()).unwrap_or_default()),
        );
        let _ = w.write_record(&rec);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// File name of a table's CSV: its position in the document and its kind.
pub fn table_file_name(index: usize, t: &Table) -> String {
    format!("{:02}-{}.csv", index + 1, t.kind)
}

impl OutputWriter for CsvWriter {
    fn write(&mut self, out: &Output) -> Result<(), Error> {
        let doc = out.document;
        let dir = self.out.join(&doc.doc_id).join("tables");
        // Tables of an earlier run of this document may have other names: start clean.
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|source| Error::Write {
                path: dir.clone(),
                source,
            })?;
        }
        for (i, t) in doc.tables.iter().enumerate() {
            write_atomic(&dir.join(table_file_name(i, t)), table_csv(t).as_bytes())?;
        }
        Ok(())
    }
}

/// out/facts.csv: one line per amount of every document of the run.
pub struct FactsWriter {
    pub out: PathBuf,
    rows: csv::Writer<Vec<u8>>,
}

/// The columns of facts.csv, in order.
pub const FACTS_COLUMNS: [&str; 12] = [
    "doc_id",
    "table_no",
    "table_kind",
    "table_title",
    "page",
    "row_code",
    "row_name",
    "column",
    "column_label",
    "value",
    "unit",
    "value_yuan",
];

impl FactsWriter {
    pub fn new(out: PathBuf) -> FactsWriter {
        let mut rows = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        let _ = rows.write_record(FACTS_COLUMNS);
        FactsWriter { out, rows }
    }
}

/// The facts lines of one document.
pub fn facts(doc: &Document) -> Vec<[String; 12]> {
    let mut out = Vec::new();
    for t in &doc.tables {
        for r in &t.rows {
            for (c, a) in t.columns.iter().zip(&r.amounts) {
                let Some(v) = a else { continue };
                let (unit, yuan) = match c.kind {
                    ColumnKind::Amount => {
                        // Exact, printed with the value's own decimal places ("0.00" → "0.00").
                        let mut yuan = v * t.unit.yuan_factor();
                        yuan.rescale(v.scale());
                        (t.unit.label().to_string(), yuan.to_string())
                    }
                    ColumnKind::Percent => ("%".to_string(), String::new()),
                    ColumnKind::Count => (String::new(), String::new()),
                };
                out.push([
                    doc.doc_id.clone(),
                    t.number.clone().unwrap_or_default(),
                    t.kind.clone(),
                    t.title.clone(),
                    r.page.to_string(),
                    r.code.clone().unwrap_or_default(),
                    r.name.clone(),
                    c.id.clone(),
                    c.label.clone(),
                    v.to_string(),
                    unit,
                    yuan,
                ]);
            }
        }
    }
    out
}

impl OutputWriter for FactsWriter {
    fn write(&mut self, out: &Output) -> Result<(), Error> {
        for rec in facts(out.document) {
            let _ = self.rows.write_record(&rec);
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), Error> {
        let rows = std::mem::replace(&mut self.rows, csv::Writer::from_writer(Vec::new()));
        let bytes = rows.into_inner().unwrap_or_default();
        write_atomic(&self.out.join("facts.csv"), &bytes)
    }
}

/// `out/<doc-id>/findings.json`: every finding, counts per severity, checks and coverage.
pub struct FindingsWriter {
    pub out: PathBuf,
}

impl OutputWriter for FindingsWriter {
    fn write(&mut self, out: &Output) -> Result<(), Error> {
        let path = self.out.join(&out.document.doc_id).join("findings.json");
        let mut text =
            serde_json::to_string_pretty(out.reconciliation).map_err(|e| Error::Write {
                path: path.clone(),
                source: std::io::Error::other(e),
            })?;
        text.push('\n');
        write_atomic(&path, text.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Column, ColumnKind, Row, Unit};

    #[test]
    fn table_csv_prints_text_cells_after_the_name() {
        let row = |name: &str, attrs: &[(&str, &str)], v: &str| Row {
            code: None,
            code_kind: None,
            name: name.into(),
            level: 3,
            section: None,
            unit_name: None,
            attributes: attrs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            amounts: vec![crate::token::parse_amount(v)],
            page: 1,
            lines: None,
        };
        let t = Table {
            number: None,
            title: "政府采购预算表".into(),
            kind: "procurement".into(),
            grammar: "g".into(),
            unit: Unit::WanYuan,
            columns: vec![Column {
                id: "amount".into(),
                label: "总计".into(),
                kind: ColumnKind::Amount,
                section: None,
            }],
            rows: vec![
                row("合计", &[], "3.00"),
                row(
                    "复印机",
                    &[("采购物品名称", "复印机"), ("专项名称", "办公")],
                    "3.00",
                ),
            ],
            indicators: Vec::new(),
            empty: false,
            note: None,
            first_page: 1,
            last_page: 1,
            line: None,
        };
        assert_eq!(
            table_csv(&t),
            "code,name,专项名称,采购物品名称,amount\n,合计,,,3.00\n,复印机,办公,复印机,3.00\n"
        );
    }
}
