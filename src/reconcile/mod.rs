//! Reconciliation: checks every total a document carries, with exact interval arithmetic
//! for rounding, against rules kept as data (`rules/*.toml` and the grammars' identities).

pub mod interval;
pub mod rules;

pub use rules::{RuleError, RuleSet};
