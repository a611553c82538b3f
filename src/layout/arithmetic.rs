//! Arithmetic as a parser aid: how well one reading of a table's columns fits the grammar's
//! column identities (合计 = 基本支出 + 项目支出 …), line by line, so that of two readings of
//! an ambiguous header the one under which the table adds up is taken.

use super::header::ColumnGeometry;
use super::pages::PTok;
use crate::grammar::Grammar;
use crate::token::{classify, parse_amount, TokenKind};
use rust_decimal::Decimal;

/// Identity checks over a table's body lines under one reading of its columns.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Fit {
    /// Checks whose total equals its parts (within the rounding of the printed scale).
    pub(crate) holds: usize,
    /// Checks whose total and parts differ by more than rounding.
    pub(crate) fails: usize,
}

impl Fit {
    /// Whether `self` fits the identities clearly better than `other`: fewer failures, at
    /// least as many checks holding, and some holding (a reading under which nothing can be
    /// checked proves nothing).
    pub(crate) fn better_than(self, other: Fit) -> bool {
        self.fails < other.fails && self.holds >= other.holds && self.holds > 0
    }
}

/// The identities of `g` checked on every body line, with each amount in the column `geo`
/// puts it in. An identity counts on a line where its total and at least one part are
/// printed; an unprinted part counts as nothing.
pub(super) fn identity_fit(
    g: &Grammar,
    geo: &ColumnGeometry,
    body: &[(u32, f64, Vec<PTok>)],
) -> Fit {
    let n = g.columns.len();
    let identities = identity_indexes(g);
    if identities.is_empty() {
        return Fit::default();
    }
    let rows = body.iter().map(|(_, _, toks)| {
        let mut amounts: Vec<Option<Decimal>> = vec![None; n];
        for t in toks {
            if classify(&t.text) != TokenKind::Number {
                continue;
            }
            if let (Some(c), Some(a)) = (geo.column_at(t.x0, t.x1), parse_amount(&t.text)) {
                if c < n && amounts[c].is_none() {
                    amounts[c] = Some(a);
                }
            }
        }
        amounts
    });
    fit_of(&identities, rows, false)
}

/// The identities of `g` checked on rows whose amounts are already in their columns (one
/// `Option` per grammar column). A check of a zero total against zero parts holds under any
/// reading and is not counted.
pub(crate) fn rows_fit(g: &Grammar, rows: impl IntoIterator<Item = Vec<Option<Decimal>>>) -> Fit {
    fit_of(&identity_indexes(g), rows, true)
}

/// Each identity of `g` as (total, parts) column indexes; identities naming a column the
/// grammar lacks are skipped.
fn identity_indexes(g: &Grammar) -> Vec<(usize, Vec<usize>)> {
    let index = |id: &str| g.columns.iter().position(|c| c.id == id);
    g.identities
        .iter()
        .filter_map(|id| {
            let total = index(&id.total)?;
            let mut parts = id
                .parts
                .iter()
                .map(|p| index(p))
                .collect::<Option<Vec<usize>>>()?;
            parts.extend(id.optional.iter().filter_map(|p| index(p)));
            (!parts.is_empty()).then_some((total, parts))
        })
        .collect()
}

fn fit_of(
    identities: &[(usize, Vec<usize>)],
    rows: impl IntoIterator<Item = Vec<Option<Decimal>>>,
    skip_zeros: bool,
) -> Fit {
    let mut fit = Fit::default();
    if identities.is_empty() {
        return fit;
    }
    for amounts in rows {
        for (total, parts) in identities {
            let Some(printed) = amounts.get(*total).copied().flatten() else {
                continue;
            };
            let values: Vec<Decimal> = parts
                .iter()
                .filter_map(|&p| amounts.get(p).copied().flatten())
                .collect();
            if values.is_empty()
                || skip_zeros && printed.is_zero() && values.iter().all(Decimal::is_zero)
            {
                continue;
            }
            if crate::token::adds_up(printed, &values) {
                fit.holds += 1;
            } else {
                fit.fails += 1;
            }
        }
    }
    fit
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grammar::GrammarSet;

    fn tok(text: &str, x0: f64, x1: f64) -> PTok {
        PTok::at(text, x0, x1)
    }

    fn geometry(centers: &[f64]) -> ColumnGeometry {
        ColumnGeometry {
            centers: centers.to_vec(),
            cells: Vec::new(),
            code_zone: None,
            name_end: 100.0,
            text_centers: Vec::new(),
            unprinted: Vec::new(),
            printed_leaves: Vec::new(),
        }
    }

    #[test]
    fn the_reading_under_which_the_table_adds_up_fits_better() {
        let g = GrammarSet::builtin()
            .grammars
            .into_iter()
            .find(|g| g.family == "national" && g.kind == "expenditure_summary")
            .expect("national grammar");
        let col = |id: &str| g.columns.iter().position(|c| c.id == id).expect(id);
        // Amounts printed at x 200 (9.00), 300 (4.00), 400 (5.00).
        let body = vec![(
            1,
            500.0,
            vec![
                tok("一般公共服务支出", 20.0, 90.0),
                tok("9.00", 190.0, 210.0),
                tok("4.00", 290.0, 310.0),
                tok("5.00", 390.0, 410.0),
            ],
        )];
        let mut right = vec![f64::NAN; g.columns.len()];
        right[col("total")] = 200.0;
        right[col("basic_expenditure")] = 300.0;
        right[col("project_expenditure")] = 400.0;
        let mut wrong = vec![f64::NAN; g.columns.len()];
        wrong[col("basic_expenditure")] = 200.0;
        wrong[col("total")] = 300.0;
        wrong[col("project_expenditure")] = 400.0;
        let good = identity_fit(&g, &geometry(&right), &body);
        let bad = identity_fit(&g, &geometry(&wrong), &body);
        assert_eq!(good, Fit { holds: 1, fails: 0 });
        assert_eq!(bad, Fit { holds: 0, fails: 1 });
        assert!(good.better_than(bad));
        assert!(!bad.better_than(good));
    }
}
