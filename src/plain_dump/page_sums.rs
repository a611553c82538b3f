//! A page's own code sums, as a test of how its rows were paired.
//!
//! A plain dump prints a page's codes, names and amounts in content order, and the reader
//! pairs them by order. When the order misleads it (a name printed late, two rows' amounts
//! interleaved), amounts land on the wrong rows, and the page's code hierarchy stops adding
//! up: a 类 row no longer equals the sum of its 款 rows. Such a page is not kept (the table
//! keeps its other pages and reports it), rather than handed on as if it were read.

use super::PlainRow;
use crate::token::parse_amount;
use rust_decimal::Decimal;

/// The first parent row on the page whose amounts are not the sum of its direct child rows
/// (a code two digits longer that starts with the parent's), beyond what rounding of the
/// printed figures explains, as a sentence; `None` when every checkable sum holds.
///
/// A row without a code (a total, a unit's row) is the parent of the 类 rows that follow it
/// up to the next row without a code.
///
/// Checked only where the page shows the parent's whole family: its child block ends on the
/// page (a later row that is not its descendant follows), and every deeper descendant sits
/// under a printed child. Columns holding a non-amount (a percentage) are skipped.
pub(super) fn first_broken_sum(rows: &[PlainRow]) -> Option<String> {
    fn code(r: &PlainRow) -> Option<&str> {
        r.code.as_ref().map(|t| t.text.as_str())
    }
    for (i, parent) in rows.iter().enumerate() {
        // A row without a code (a total, a unit of a multi-unit table) is the parent of the
        // 类 rows (three digits) that follow it, up to the next row without a code.
        let pc = code(parent).unwrap_or("");
        let child_len = if pc.is_empty() { 3 } else { pc.len() + 2 };
        let mut children: Vec<&PlainRow> = Vec::new();
        let mut deeper: Vec<&str> = Vec::new();
        let mut closed = false;
        for r in &rows[i + 1..] {
            match code(r) {
                Some(c) if c.len() > pc.len() && c.starts_with(pc) => {
                    if c.len() == child_len {
                        children.push(r);
                    } else {
                        deeper.push(c);
                    }
                }
                _ => {
                    closed = true;
                    break;
                }
            }
        }
        let covered = deeper.iter().all(|d| {
            children
                .iter()
                .filter_map(|c| code(c))
                .any(|c| d.starts_with(c))
        });
        if !closed || children.is_empty() || !covered {
            continue;
        }
        for col in 0..parent.amounts.len() {
            let Some(stated) = parse_amount(&parent.amounts[col].text) else {
                continue;
            };
            let mut sum = Decimal::ZERO;
            let mut slack = half_unit(stated);
            let mut all = true;
            for c in &children {
                match c.amounts.get(col).and_then(|t| parse_amount(&t.text)) {
                    Some(v) => {
                        sum += v;
                        slack += half_unit(v);
                    }
                    None => all = false,
                }
            }
            if all && (stated - sum).abs() > slack {
                let who = match (&parent.code, &parent.name) {
                    (Some(c), _) => c.text.clone(),
                    (None, Some(n)) => n.text.clone(),
                    (None, None) => "an unnamed row".into(),
                };
                return Some(format!(
                    "{who} prints {} in its column {}, its {} child rows sum to {sum}",
                    parent.amounts[col].text,
                    col + 1,
                    children.len()
                ));
            }
        }
    }
    None
}

/// Half a unit of the last printed digit: the most rounding can have moved the figure.
fn half_unit(v: Decimal) -> Decimal {
    Decimal::new(5, v.scale() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::tokenize_line;

    fn row(code: &str, amounts: &[&str]) -> PlainRow {
        let tok = |t: &str| tokenize_line(t, 1, 1).next().expect("a token");
        PlainRow {
            code: (!code.is_empty()).then(|| tok(code)),
            name: None,
            amounts: amounts.iter().map(|a| tok(a)).collect(),
        }
    }

    #[test]
    fn a_family_that_adds_up_passes_and_rounding_is_allowed() {
        // 21011: 7.66 + 24.63 = 32.29, printed 32.28 (the sample's rounding case).
        let rows = [
            row("210", &["32.28", "32.28"]),
            row("21011", &["32.28", "32.28"]),
            row("2101101", &["7.66", "7.66"]),
            row("2101102", &["24.63", "24.63"]),
            row("221", &["5.00", "5.00"]),
        ];
        assert_eq!(first_broken_sum(&rows), None);
    }

    #[test]
    fn amounts_paired_with_the_wrong_rows_break_a_sum() {
        // 206's amounts went to 208 and back: neither family adds up.
        let rows = [
            row("206", &["7.00"]),
            row("20601", &["7.00"]),
            row("208", &["2962.77"]),
            row("20805", &["54195.98"]),
            row("", &["1.00"]),
        ];
        let why = first_broken_sum(&rows).expect("broken");
        assert!(
            why.starts_with("208 prints 2962.77 in its column 1"),
            "{why}"
        );
    }

    #[test]
    fn a_family_running_onto_the_next_page_is_not_judged() {
        // 208's children may continue on the next page: nothing closes the block.
        let rows = [row("208", &["100.00"]), row("20805", &["60.00"])];
        assert_eq!(first_broken_sum(&rows), None);
    }

    #[test]
    fn a_grandchild_without_its_printed_child_is_not_judged() {
        let rows = [
            row("201", &["10.00"]),
            row("20101", &["4.00"]),
            row("2010201", &["6.00"]),
            row("205", &["1.00"]),
        ];
        assert_eq!(first_broken_sum(&rows), None);
    }

    #[test]
    fn percent_columns_are_skipped() {
        let rows = [
            row("201", &["10.00", "5.00%"]),
            row("20101", &["10.00", "7.00%"]),
            row("205", &["1.00", "1.00%"]),
        ];
        assert_eq!(first_broken_sum(&rows), None);
    }
}
