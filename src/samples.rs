//! Sample sets: each sample file with `<name>.expected.json` beside it is converted again and
//! compared with that checked expectation (`budget-tables check DIR`).

use crate::check::compare;
use crate::convert::convert_file;
use crate::error::Error;
use crate::grammar::GrammarSet;
use crate::model::Document;
use std::path::{Path, PathBuf};

/// The outcome of checking a folder of samples.
#[derive(Debug, Default)]
pub struct CheckReport {
    pub samples: usize,
    pub differences: usize,
    pub failures: usize,
    /// One printable line per difference or failure.
    pub lines: Vec<String>,
}

/// The expected-output file of a sample: `x.txt` → `x.expected.json`.
pub fn expected_path(sample: &Path) -> PathBuf {
    let stem = sample
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    sample.with_file_name(format!("{stem}.expected.json"))
}

/// Checks every sample in `dir` that has an expected output.
pub fn check_dir(dir: &Path, grammars: &GrammarSet) -> Result<CheckReport, Error> {
    let inputs = crate::run::collect_inputs(&[dir.to_path_buf()])?;
    let mut report = CheckReport::default();
    for sample in inputs {
        let exp_path = expected_path(&sample);
        if !exp_path.exists() {
            continue;
        }
        report.samples += 1;
        let text = std::fs::read_to_string(&exp_path).map_err(|source| Error::Io {
            path: exp_path.clone(),
            source,
        })?;
        let expected: Document = match serde_json::from_str(&text) {
            Ok(d) => d,
            Err(e) => {
                report.failures += 1;
                report.lines.push(format!(
                    "{}: line {}: not a document.json: {e}",
                    exp_path.display(),
                    e.line()
                ));
                continue;
            }
        };
        match convert_file(&sample, grammars) {
            Ok(c) => {
                let diffs = compare(&expected, &c.document);
                report.differences += diffs.len();
                report.lines.extend(diffs.iter().map(|d| d.to_string()));
            }
            Err(e) => {
                report.failures += 1;
                report.lines.push(e.to_string());
            }
        }
    }
    Ok(report)
}
