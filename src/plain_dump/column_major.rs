//! Column-major pages of a plain dump: the page's codes, then its names, then its amounts
//! column by column, blank cells left out (Fuzhou's 一般公共预算拨款支出预算表: 合计 for every
//! row, then the 基本支出 printed, then the 项目支出 printed).
//!
//! For a table of three columns where the first is the total of the other two
//! (合计 = 基本支出 + 项目支出): the first column has one amount per row; the amounts after
//! them are the second column's printed cells, then the third's, in row order. Which rows
//! print which is the one placement under which every row's total is the sum of its printed
//! parts, and which the subject tree the codes print agrees with; a page where none or more
//! than one fits is reported.

use super::{join_wrapped, Group, PlainRow};
use crate::grammar::Grammar;
use crate::token::Token;
use rust_decimal::Decimal;

/// Warning: a plain dump's table printed column by column was rebuilt by its row identities.
pub const PLAIN_COLUMN_MAJOR: &str = "plain_column_major_by_identities";

/// Most placement states tried per split of a page's parts (rows × cells × cells), so that a
/// long page cannot make a table slow.
const MAX_STATES: usize = 200_000;

/// The grammar's columns (indexes) of a total and its two parts, in the grammar's order:
/// an identity whose required parts are exactly two (合计 = 基本支出 + 项目支出, its optional
/// parts not printed).
pub(super) fn triple(g: &Grammar) -> Option<[usize; 3]> {
    let index = |id: &String| g.columns.iter().position(|c| &c.id == id);
    g.identities.iter().find_map(|i| {
        let [a, b] = i.parts.as_slice() else {
            return None;
        };
        let (t, a, b) = (index(&i.total)?, index(a)?, index(b)?);
        Some(if a < b { [t, a, b] } else { [t, b, a] })
    })
}

/// Whether a page prints its keys before all its amounts (one group of keys, the rest
/// amounts only), with at least two rows.
pub(super) fn is_column_major(groups: &[Group]) -> bool {
    let keyed: Vec<usize> = (0..groups.len())
        .filter(|&k| !groups[k].codes.is_empty() || !groups[k].names.is_empty())
        .collect();
    keyed == [0]
        && groups[0].names.len() >= 2
        && groups.iter().all(|g| g.percents == 0)
        && groups[0].amounts.len() > groups[0].names.len()
}

/// The rows of a table's column-major pages (each page's groups): its names, wrapped ones
/// joined at the name cell's `width` until there are as many as codes and rows that carry
/// none (`uncoded`), take the codes in order; then [`rows`].
pub(super) fn read_pages(
    pages: &[&Vec<Group>],
    uncoded: &dyn Fn(&str) -> bool,
    width: usize,
) -> Result<Vec<PlainRow>, String> {
    let mut out = Vec::new();
    for gs in pages {
        let keyed = &gs[0];
        let target = (!keyed.codes.is_empty())
            .then(|| keyed.codes.len() + keyed.names.iter().filter(|t| uncoded(&t.text)).count());
        let names = join_wrapped(&keyed.names, target, width);
        let coded = names.iter().filter(|t| !uncoded(&t.text)).count();
        if coded != keyed.codes.len() && !keyed.codes.is_empty() {
            return Err(format!(
                "{} codes and {coded} names that take one",
                keyed.codes.len()
            ));
        }
        let mut codes = keyed.codes.iter().cloned();
        let keys: Vec<(Option<Token>, Token)> = names
            .into_iter()
            .map(|t| (if uncoded(&t.text) { None } else { codes.next() }, t))
            .collect();
        let amounts: Vec<Token> = gs.iter().flat_map(|g| g.amounts.iter().cloned()).collect();
        out.extend(rows(keys, &amounts)?);
    }
    Ok(out)
}

/// The rows of a column-major page: `keys` (code and name per row, in order) and the page's
/// amounts in printed order.
fn rows(keys: Vec<(Option<Token>, Token)>, amounts: &[Token]) -> Result<Vec<PlainRow>, String> {
    let r = keys.len();
    let values: Option<Vec<Decimal>> = amounts.iter().map(Token::amount).collect();
    let Some(values) = values else {
        return Err("an amount that is not a number".into());
    };
    if values.len() < r {
        return Err(format!(
            "{} rows but {} amounts: the first column is not complete",
            r,
            values.len()
        ));
    }
    let (totals, rest) = values.split_at(r);
    if (r + 1) * (rest.len() + 1) * (rest.len() + 1) > MAX_STATES {
        return Err(format!(
            "{r} rows and {} cells of parts: too many to place",
            rest.len()
        ));
    }
    let mut found: Option<(usize, Placed)> = None;
    let mut count = 0usize;
    for split in 0..=rest.len() {
        let (b, p) = rest.split_at(split);
        let (ways, placement) = place(totals, b, p);
        count += ways;
        if ways == 1 && found.is_none() {
            found = placement.map(|pl| (split, pl));
        }
        if count > 1 {
            break;
        }
    }
    let (split, placement) = match (count, found) {
        (1, Some(f)) => f,
        (0, _) => {
            return Err(
                "no placement of the parts' printed cells makes every row's total their sum".into(),
            )
        }
        _ => return Err(
            "more than one placement of the parts' printed cells makes every row's total their sum"
                .into(),
        ),
    };
    // The parts' columns as placed, for the subject tree's check.
    let mut columns: Vec<[Option<Decimal>; 3]> = Vec::with_capacity(r);
    for (k, (bi, pi)) in placement.iter().enumerate() {
        columns.push([
            Some(totals[k]),
            bi.map(|i| rest[i]),
            pi.map(|j| rest[split + j]),
        ]);
    }
    let codes: Vec<Option<&str>> = keys
        .iter()
        .map(|(c, _)| c.as_ref().map(|t| t.text.as_str()))
        .collect();
    check_tree(&codes, &columns)?;
    let mut out = Vec::with_capacity(r);
    for (k, ((code, name), (bi, pi))) in keys.into_iter().zip(placement).enumerate() {
        let mut cells = vec![with_column(&amounts[k], 0)];
        if let Some(i) = bi {
            cells.push(with_column(&amounts[r + i], 1));
        }
        if let Some(j) = pi {
            cells.push(with_column(&amounts[r + split + j], 2));
        }
        out.push(PlainRow {
            code,
            name: Some(name),
            amounts: cells,
        });
    }
    Ok(out)
}

/// Every subject with sub-subjects on the page (类 over 款, 款 over 项) is their sum in every
/// column, and a leading row without a code (合计) the sum of the 类 rows: the placement must
/// agree with the tree the codes print, not only with each row's total. Blank cells are 0.
fn check_tree(codes: &[Option<&str>], columns: &[[Option<Decimal>; 3]]) -> Result<(), String> {
    let value = |k: usize, c: usize| columns[k][c].unwrap_or_default();
    for (k, code) in codes.iter().enumerate() {
        let children: Vec<usize> = match code {
            Some(code) if code.len() < 7 => (k + 1..codes.len())
                .take_while(|&j| {
                    codes[j].is_some_and(|x| x.starts_with(code) && x.len() > code.len())
                })
                .filter(|&j| codes[j].is_some_and(|x| x.len() == code.len() + 2))
                .collect(),
            None if k == 0 => (1..codes.len())
                .filter(|&j| codes[j].is_some_and(|x| x.len() == 3))
                .collect(),
            _ => continue,
        };
        if children.is_empty() {
            continue;
        }
        for c in 0..3 {
            let sum: Decimal = children.iter().map(|&j| value(j, c)).sum();
            if sum != value(k, c) {
                return Err(format!(
                    "{} is {} in column {}, its sub-subjects sum to {sum}: the placement does not fit the subject tree",
                    code.unwrap_or("the total row"),
                    value(k, c),
                    c + 1
                ));
            }
        }
    }
    Ok(())
}

/// Per row: the index of its second-column cell and of its third-column cell, if printed.
type Placed = Vec<(Option<usize>, Option<usize>)>;

fn with_column(t: &Token, c: usize) -> Token {
    Token {
        column: Some(c),
        ..t.clone()
    }
}

/// Ways (0, 1 or 2 for more) to give each row of `totals` its parts from `b` and `p` in order
/// (each printed or blank; both blank only for a zero total), consuming both; the placement
/// (per row: index into `b`, index into `p`) when there is exactly one.
fn place(totals: &[Decimal], b: &[Decimal], p: &[Decimal]) -> (usize, Option<Placed>) {
    let (nb, np) = (b.len(), p.len());
    let at = |r: usize, i: usize, j: usize| (r * (nb + 1) + i) * (np + 1) + j;
    // ways[r][i][j]: placements of rows r.. given i of b and j of p used, capped at 2.
    let mut ways = vec![0u8; (totals.len() + 1) * (nb + 1) * (np + 1)];
    ways[at(totals.len(), nb, np)] = 1;
    let moves = |r: usize, i: usize, j: usize| {
        let t = totals[r];
        let mut m: Vec<(usize, usize, Option<usize>, Option<usize>)> = Vec::new();
        if t.is_zero() {
            m.push((i, j, None, None));
        }
        if i < nb && b[i] == t {
            m.push((i + 1, j, Some(i), None));
        }
        if j < np && p[j] == t {
            m.push((i, j + 1, None, Some(j)));
        }
        if i < nb && j < np && b[i] + p[j] == t {
            m.push((i + 1, j + 1, Some(i), Some(j)));
        }
        m
    };
    for r in (0..totals.len()).rev() {
        for i in 0..=nb {
            for j in 0..=np {
                let w: u8 = moves(r, i, j)
                    .iter()
                    .map(|&(ni, nj, _, _)| ways[at(r + 1, ni, nj)])
                    .fold(0u8, |a, x| a.saturating_add(x).min(2));
                ways[at(r, i, j)] = w;
            }
        }
    }
    let total = ways[at(0, 0, 0)] as usize;
    if total != 1 {
        return (total, None);
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(totals.len());
    for r in 0..totals.len() {
        let Some(&(ni, nj, bi, pj)) = moves(r, i, j)
            .iter()
            .find(|&&(ni, nj, _, _)| ways[at(r + 1, ni, nj)] == 1)
        else {
            return (0, None);
        };
        out.push((bi, pj));
        i = ni;
        j = nj;
    }
    (1, Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(v: &[&str]) -> Vec<Decimal> {
        v.iter()
            .map(|s| Decimal::from_str(s).expect("decimal"))
            .collect()
    }

    /// Fuzhou 一般公共预算拨款支出预算表 (the shape of p15): 合计 for every row, then the
    /// 基本支出 cells printed, then the 项目支出 cells printed.
    #[test]
    fn parts_printed_column_by_column_find_their_rows() {
        let totals = d(&["100.00", "60.00", "40.00", "25.00"]);
        // Row 1 is 基本支出 only, row 2 项目支出 only, row 3 both.
        let b = d(&["45.00", "60.00", "5.00"]);
        let p = d(&["55.00", "40.00", "20.00"]);
        let (ways, placement) = place(&totals, &b, &p);
        assert_eq!(ways, 1);
        assert_eq!(
            placement.expect("one"),
            [
                (Some(0), Some(0)),
                (Some(1), None),
                (None, Some(1)),
                (Some(2), Some(2)),
            ]
        );
    }

    /// Fuzhou 一般公共预算拨款支出预算表 (regression): a placement every row's total agrees
    /// with, but not the subject tree (合计's 基本支出 is not its 类 rows' sum), is refused.
    #[test]
    fn a_placement_against_the_subject_tree_is_refused() {
        let v = |s: &str| Some(Decimal::from_str(s).expect("decimal"));
        let codes = [None, Some("206"), Some("208")];
        let fits = [
            [v("30.00"), v("12.00"), v("18.00")],
            [v("20.00"), v("2.00"), v("18.00")],
            [v("10.00"), v("10.00"), None],
        ];
        assert!(check_tree(&codes, &fits).is_ok());
        let against = [
            [v("30.00"), v("12.00"), v("18.00")],
            [v("20.00"), v("2.00"), v("18.00")],
            [v("10.00"), None, v("10.00")],
        ];
        assert!(check_tree(&codes, &against).is_err());
    }

    /// Equal totals whose parts could go either way are not guessed.
    #[test]
    fn a_placement_that_is_not_unique_is_refused() {
        let totals = d(&["10.00", "10.00"]);
        let b = d(&["10.00"]);
        let p = d(&["10.00"]);
        assert_eq!(place(&totals, &b, &p).0, 2);
    }
}
