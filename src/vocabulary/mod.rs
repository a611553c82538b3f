//! The national vocabulary, as data shipped in `grammars/`: the column concepts a header
//! label names ([`columns`], `grammars/vocabulary.toml`) and the table kinds a title names
//! ([`titles`], `grammars/vocabulary-titles.toml`). Family grammars add to both; neither file
//! is a grammar.

pub mod columns;
pub mod titles;

pub use columns::*;
pub use titles::*;

/// The shipped title vocabulary's file name inside `grammars/` (compiled in; never a grammar).
pub const TITLES_FILE: &str = "vocabulary-titles.toml";

/// True for the vocabulary files of a grammar folder, which the grammar loader skips.
pub fn is_vocabulary_file(name: &str) -> bool {
    name == VOCABULARY_FILE || name == TITLES_FILE
}
