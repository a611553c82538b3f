//! Converts every file of a folder (default ../shared/corpus) and prints its reconciliation:
//! findings by severity, checks, coverage, and each mismatch.
//!
//!     cargo run --example reconcile_corpus [DIR]

use budget_tables::convert::convert_file;
use budget_tables::grammar::GrammarSet;
use budget_tables::reconcile::{reconcile_converted, RuleSet, Severity};
use std::path::PathBuf;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/corpus"));
    let grammars = GrammarSet::builtin();
    let rules = RuleSet::builtin();
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "pdf" || x == "txt"))
        .collect();
    files.sort();
    for f in files {
        match convert_file(&f, &grammars) {
            Ok(c) => {
                let r = reconcile_converted(&c, &rules);
                println!(
                    "{} ({} tables, {} warnings)\n  {r}",
                    f.display(),
                    c.document.tables.len(),
                    c.document.warnings.len()
                );
                if let Some(n) = &r.narrative {
                    println!(
                        "  narrative: {} statements, {} tied to tables, {} shares, {} changes, {} skipped",
                        n.statements,
                        n.tied,
                        n.shares_checked,
                        n.changes_checked,
                        n.skipped.len()
                    );
                }
                for x in r.findings.iter().filter(|x| {
                    x.severity != Severity::Rounding || std::env::var_os("ALL").is_some()
                }) {
                    println!("  {:?} {}: {}", x.severity, x.rule, x.message);
                }
            }
            Err(e) => println!("{}\n  not converted: {e}", f.display()),
        }
    }
}
