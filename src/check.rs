//! Regression check: a document converted now against an expected document.json a person
//! checked. Every difference is reported by document, table, row and column.

use crate::model::{Document, Row, Table};
use std::fmt;

/// One difference between the expected and the converted document.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    pub doc_id: String,
    /// Table number and title, or "-" for document-level differences.
    pub table: String,
    /// Row key (section, code, name), or "-".
    pub row: String,
    /// Column id, or "-".
    pub column: String,
    pub expected: String,
    pub actual: String,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: table {} row {} column {}: expected {}, got {}",
            self.doc_id, self.table, self.row, self.column, self.expected, self.actual
        )
    }
}

fn table_name(t: &Table) -> String {
    format!("{} {}", t.number.as_deref().unwrap_or(""), t.title)
        .trim()
        .to_string()
}

fn row_key(r: &Row) -> String {
    let mut k = String::new();
    if let Some(s) = &r.section {
        k.push_str(s);
        k.push(':');
    }
    if let Some(c) = &r.code {
        k.push_str(c);
        k.push(' ');
    }
    k.push_str(&r.name);
    if let Some(u) = &r.unit_name {
        k.push_str(" @");
        k.push_str(u);
    }
    k
}

fn show<T: fmt::Debug>(v: &T) -> String {
    format!("{v:?}")
}

/// Compares two documents table by table (matched by number and kind), row by row (matched
/// by section, code and name, in order) and cell by cell.
pub fn compare(expected: &Document, actual: &Document) -> Vec<Difference> {
    let mut out = Vec::new();
    let diff = |table: &str, row: &str, column: &str, e: String, a: String| Difference {
        doc_id: expected.doc_id.clone(),
        table: table.to_string(),
        row: row.to_string(),
        column: column.to_string(),
        expected: e,
        actual: a,
    };
    for (what, e, a) in [
        (
            "department",
            show(&expected.department),
            show(&actual.department),
        ),
        ("year", show(&expected.year), show(&actual.year)),
        ("kind", show(&expected.kind), show(&actual.kind)),
        (
            "missing_tables",
            show(&expected.missing_tables),
            show(&actual.missing_tables),
        ),
    ] {
        if e != a {
            out.push(diff("-", "-", what, e, a));
        }
    }
    let key = |t: &Table| (t.number.clone(), t.kind.clone());
    for et in &expected.tables {
        let name = table_name(et);
        let Some(at) = actual.tables.iter().find(|t| key(t) == key(et)) else {
            out.push(diff(
                &name,
                "-",
                "-",
                "table present".into(),
                "table missing".into(),
            ));
            continue;
        };
        for (what, e, a) in [
            ("title", show(&et.title), show(&at.title)),
            ("unit", show(&et.unit), show(&at.unit)),
            ("empty", show(&et.empty), show(&at.empty)),
            ("columns", show(&et.columns), show(&at.columns)),
            (
                "pages",
                show(&(et.first_page, et.last_page)),
                show(&(at.first_page, at.last_page)),
            ),
            ("note", show(&et.note), show(&at.note)),
        ] {
            if e != a {
                out.push(diff(&name, "-", what, e, a));
            }
        }
        let n = et.rows.len().max(at.rows.len());
        for i in 0..n {
            match (et.rows.get(i), at.rows.get(i)) {
                (Some(er), Some(ar)) => {
                    let k = row_key(er);
                    if k != row_key(ar) || er.level != ar.level {
                        out.push(diff(
                            &name,
                            &format!("#{}", i + 1),
                            "key",
                            format!("{k} (level {})", er.level),
                            format!("{} (level {})", row_key(ar), ar.level),
                        ));
                        continue;
                    }
                    for (c, col) in et.columns.iter().enumerate() {
                        let (e, a) = (
                            er.amounts.get(c).copied().flatten(),
                            ar.amounts.get(c).copied().flatten(),
                        );
                        // Compare printed text: "0.00" and "0" are different prints.
                        let (es, as_) = (e.map(|d| d.to_string()), a.map(|d| d.to_string()));
                        if es != as_ {
                            out.push(diff(
                                &name,
                                &k,
                                &col.id,
                                es.unwrap_or("(empty)".into()),
                                as_.unwrap_or("(empty)".into()),
                            ));
                        }
                    }
                    if er.page != ar.page {
                        out.push(diff(
                            &name,
                            &k,
                            "page",
                            er.page.to_string(),
                            ar.page.to_string(),
                        ));
                    }
                }
                (Some(er), None) => out.push(diff(
                    &name,
                    &row_key(er),
                    "-",
                    "row present".into(),
                    "row missing".into(),
                )),
                (None, Some(ar)) => out.push(diff(
                    &name,
                    &row_key(ar),
                    "-",
                    "no such row".into(),
                    "extra row".into(),
                )),
                (None, None) => {}
            }
        }
        if show(&et.indicators) != show(&at.indicators) {
            let n = et.indicators.len().max(at.indicators.len());
            for i in 0..n {
                let (e, a) = (et.indicators.get(i), at.indicators.get(i));
                if e != a {
                    out.push(diff(
                        &name,
                        &format!("indicator #{}", i + 1),
                        "-",
                        show(&e),
                        show(&a),
                    ));
                }
            }
        }
    }
    for at in &actual.tables {
        if !expected.tables.iter().any(|t| key(t) == key(at)) {
            out.push(diff(
                &table_name(at),
                "-",
                "-",
                "no such table".into(),
                "extra table".into(),
            ));
        }
    }
    out
}
