//! budget-tables: Chinese government budget disclosures (部门预算 / 部门决算) in, exact,
//! reconciled tables out.
//!
//! # Steps
//! 1. Read: [`text`] rebuilds a text dump's lines into pages and table regions (the PDF
//!    reader, `pdf`, produces positioned glyphs and ruling lines for the same purpose).
//! 2. Assemble: [`grammar`] holds table definitions as data; the reader's table regions are
//!    matched to a grammar and rebuilt into the [`model`]: [`model::Document`] →
//!    [`model::Table`] → [`model::Row`].
//! 3. Reconcile: every total the document carries is checked (`reconcile`).
//! 4. Write: [`write`] turns documents into document.json, per-table CSV and facts.csv.
//!
//! [`convert`] runs the steps for one input file; the CLI (`src/main.rs`) is a thin shell.

pub mod assemble;
pub mod check;
pub mod convert;
pub mod error;
pub mod grammar;
pub mod inspect;
pub mod layout;
pub mod model;
pub mod pdf;
pub mod performance;
pub mod reconcile;
pub mod run;
pub mod samples;
pub mod text;
pub mod token;
pub mod write;
