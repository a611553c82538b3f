//! budget-tables: Chinese government budget disclosures (部门预算 / 部门决算) in, exact,
//! reconciled tables out.
//!
//! # Steps
//! 1. Read positioned text.
//!    - PDF: [`pdf`] interprets each page's content stream and emits glyphs and ruling lines
//!      to a [`pdf::PageSink`]; it knows nothing of tables. [`layout`] turns them into table
//!      regions: titles matched against the grammars, header labels located, cells from
//!      ruling lines, one row per ruled band or printed line. A form-style table (a project's
//!      绩效目标表: labelled figures, no columns) hands on its lines as they are.
//!    - Layout dump (`pdftotext -layout`): [`layout_dump`] turns each form-feed page into
//!      positioned text for the same [`layout`] stage as a PDF page.
//!    - Plain dump with form feeds (plain `pdftotext`): [`plain_dump`] finds titles by the
//!      national vocabulary, rebuilds rows from runs of the column count and places the
//!      amount columns by the table's identities.
//!    - Other text dumps: [`text`] finds pages, table labels, units and headers; [`token`]
//!      holds the small parsers that classify cells and join numbers split by a line break.
//! 2. Assemble: both readers hand an [`assemble::RawTable`] to [`assemble::assemble`] (or
//!    [`performance`] for 绩效目标 tables, their blocks and labelled fields), which applies a
//!    [`grammar`] — table definitions as
//!    data — and builds the [`model`]: [`model::Document`] → [`model::Table`] → [`model::Row`].
//! 3. Reconcile: [`reconcile`] checks every total the document carries (hierarchies, column
//!    identities, balances, cross-table equalities, shares, narrative statements) with exact
//!    interval arithmetic for rounding, and returns findings and coverage
//!    ([`model::findings::Reconciliation`], part of the model: writers need nothing else).
//! 4. Write: [`mod@write`] writers (document.json, per-table CSV, findings.json, facts.csv,
//!    Parquet) share one trait, [`write::OutputWriter`].
//!
//! 5. Load (optional): [`load`] copies an output folder's documents into PostgreSQL, one
//!    transaction per document, replacing earlier loads of the same content.
//!
//! [`convert`] runs steps 1–2 for one file, [`run`] runs a batch through all four on worker
//! threads and keeps its [`manifest`] (what became of each input, for `--resume`); the CLI
//! (`src/main.rs`) is a thin shell. [`check`] and [`samples`] compare a conversion with a
//! checked expected output; [`inspect`] shows what the PDF reader sees on a page.

pub mod assemble;
pub mod check;
pub mod convert;
pub mod error;
pub mod grammar;
pub mod inspect;
pub mod layout;
pub mod layout_dump;
pub mod load;
pub mod manifest;
pub mod model;
pub mod pdf;
pub mod performance;
pub mod plain_dump;
pub mod reconcile;
pub mod run;
pub mod samples;
pub mod text;
pub mod token;
pub mod vocabulary;
pub mod write;

// The corpus helper names the crate as the integration tests do (`budget_tables::…`).
#[cfg(test)]
extern crate self as budget_tables;

/// The corpus helper of the integration tests, shared with the unit tests that read the corpus.
#[cfg(test)]
#[path = "../tests/common/mod.rs"]
mod corpus_support;
