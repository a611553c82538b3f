//! Amounts glued to the next cell's text. Where no ruling separates two cells, an amount
//! right-aligned in its column and the text that starts the next column can sit closer than
//! a word gap, and the reader gives them as one run ("0.00转，为信访群众…"). Such a token is
//! cut in two when both the text and the geometry say so: the text is a complete amount
//! followed by a CJK character or a heading ([`glued_amount`]), the amount ends where other
//! amounts of its column end on that page (right-aligned), and the rest starts where other
//! text of that page starts (left-aligned). A name that holds a number ("2.1人员经费") sits
//! in the name zone or does not line up with both, and stays whole.

use super::header::ColumnGeometry;
use super::pages::{is_number, PTok};
use crate::token::glued_amount;

/// How far (points) two edges may lie apart and still count as one column edge.
const ALIGN_TOLERANCE: f64 = 1.5;

/// Cuts the glued tokens of a panel's body lines (page, baseline, tokens) in place.
pub(super) fn split_glued(body: &mut [(u32, f64, Vec<PTok>)], geo: &ColumnGeometry) {
    // Edges of the tokens that stand alone: amounts' right edges by page and column, text's
    // left edges by page.
    let mut amount_ends: Vec<(u32, usize, f64)> = Vec::new();
    let mut text_starts: Vec<(u32, f64)> = Vec::new();
    for (page, _, toks) in body.iter() {
        for t in toks {
            if is_number(&t.text) {
                if let Some(k) = geo.column_at(t.x0, t.x1) {
                    amount_ends.push((*page, k, t.x1));
                }
            } else if glued_amount(&t.text).is_none() {
                text_starts.push((*page, t.x0));
            }
        }
    }
    for (page, _, toks) in body.iter_mut() {
        let mut out = Vec::with_capacity(toks.len());
        for t in toks.drain(..) {
            match cut(&t, *page, geo, &amount_ends, &text_starts) {
                Some((a, b)) => {
                    out.push(a);
                    out.push(b);
                }
                None => out.push(t),
            }
        }
        *toks = out;
    }
}

/// The two pieces of a glued token, if it is one.
fn cut(
    t: &PTok,
    page: u32,
    geo: &ColumnGeometry,
    amount_ends: &[(u32, usize, f64)],
    text_starts: &[(u32, f64)],
) -> Option<(PTok, PTok)> {
    let n = glued_amount(&t.text)?;
    // The cut falls between two glyphs whose positions the run gave.
    let i = t.glyphs.iter().position(|g| g.0 == n)?;
    let (_, _, a_end) = *t.glyphs.get(i.checked_sub(1)?)?;
    let (_, b_start, _) = *t.glyphs.get(i)?;
    let k = geo.column_at(t.x0, a_end)?;
    let near = |a: f64, b: f64| (a - b).abs() <= ALIGN_TOLERANCE;
    let right_aligned = amount_ends
        .iter()
        .any(|&(p, c, x)| p == page && c == k && near(x, a_end));
    let starts_text = text_starts
        .iter()
        .any(|&(p, x)| p == page && near(x, b_start));
    if !(right_aligned && starts_text) {
        return None;
    }
    let (text_a, text_b) = (t.text.get(..n)?, t.text.get(n..)?);
    let a = PTok {
        text: text_a.to_string(),
        x0: t.x0,
        x1: a_end,
        glyphs: t.glyphs.get(..i)?.to_vec(),
    };
    let b = PTok {
        text: text_b.to_string(),
        x0: b_start,
        x1: t.x1,
        glyphs: t
            .glyphs
            .get(i..)?
            .iter()
            .map(|&(o, x0, x1)| (o - n, x0, x1))
            .collect(),
    };
    Some((a, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A token of `text` from x0 whose ASCII glyphs are 5pt and others 10pt wide.
    fn tok(text: &str, x0: f64) -> PTok {
        let mut glyphs = Vec::new();
        let mut x = x0;
        for (o, c) in text.char_indices() {
            let w = if c.is_ascii() { 5.0 } else { 10.0 };
            glyphs.push((o, x, x + w));
            x += w;
        }
        PTok {
            text: text.into(),
            x0,
            x1: x,
            glyphs,
        }
    }

    /// Name zone up to 150, amount columns centred at 200 and 300 (right edges 220, 320).
    fn geo() -> ColumnGeometry {
        ColumnGeometry {
            centers: vec![200.0, 300.0],
            cells: Vec::new(),
            code_zone: None,
            name_end: 150.0,
            text_centers: Vec::new(),
            unprinted: Vec::new(),
            printed_leaves: Vec::new(),
        }
    }

    fn texts(body: &[(u32, f64, Vec<PTok>)]) -> Vec<Vec<String>> {
        body.iter()
            .map(|(_, _, t)| t.iter().map(|t| t.text.clone()).collect())
            .collect()
    }

    #[test]
    fn an_amount_glued_to_the_next_columns_text_is_cut_at_its_glyph() {
        // Amounts right-aligned at 220 (first column); the second column holds text from
        // 221 on ("说明" a line below); "0.00" ends at 220 and "转为" follows at 221.
        let mut body = vec![
            (
                1,
                100.0,
                vec![
                    tok("行政运行", 40.0),
                    tok("12.00", 195.0),
                    tok("说明", 221.0),
                ],
            ),
            (1, 90.0, vec![tok("机关服务", 40.0), tok("0.00转为", 200.0)]),
        ];
        // The glued token's second glyph run starts at 220 in `tok`; move it one point on,
        // as a producer that places each glyph does.
        let g = &mut body[1].2[1];
        for gl in g.glyphs.iter_mut().skip(4) {
            gl.1 += 1.0;
            gl.2 += 1.0;
        }
        g.x1 += 1.0;
        split_glued(&mut body, &geo());
        assert_eq!(texts(&body)[1], ["机关服务", "0.00", "转为"]);
        let (a, b) = (&body[1].2[1], &body[1].2[2]);
        assert_eq!((a.x0, a.x1, b.x0, b.x1), (200.0, 220.0, 221.0, 241.0));
        assert_eq!(b.glyphs, vec![(0, 221.0, 231.0), (3, 231.0, 241.0)]);
    }

    #[test]
    fn names_holding_numbers_and_unaligned_pieces_stay_whole() {
        // Amounts of the first column end at 220; text of the page starts at 40, 215 and 260.
        let mut body = vec![
            (
                1,
                100.0,
                vec![tok("合计", 40.0), tok("12.00", 195.0), tok("说明", 260.0)],
            ),
            (1, 95.0, vec![tok("附注", 215.0)]),
            // In the name zone: no amount column.
            (1, 90.0, vec![tok("2.1人员经费", 40.0), tok("3.00", 200.0)]),
            // In an amount column, the rest where text starts (215), but the number ends at
            // 215, not where the column's amounts end.
            (1, 80.0, vec![tok("公用", 40.0), tok("1.5万元以下", 200.0)]),
            // Ends where the amounts end (220), but no text of the page starts at 220.
            (1, 70.0, vec![tok("差旅", 40.0), tok("9.00注", 200.0)]),
            // Codes, bracketed numbers and numbered names are never glued amounts.
            (
                1,
                60.0,
                vec![tok("2014001行政运行", 40.0), tok("0.00", 200.0)],
            ),
            (1, 50.0, vec![tok("第1季度", 40.0), tok("（2）", 215.0)]),
        ];
        let before = texts(&body);
        split_glued(&mut body, &geo());
        assert_eq!(texts(&body), before);
    }

    #[test]
    fn a_glued_token_on_another_page_has_no_evidence_there() {
        let mut body = vec![
            (
                1,
                100.0,
                vec![tok("合计", 40.0), tok("12.00", 195.0), tok("说明", 220.0)],
            ),
            (2, 100.0, vec![tok("其他", 40.0), tok("0.00转为", 200.0)]),
        ];
        split_glued(&mut body, &geo());
        assert_eq!(texts(&body)[1], ["其他", "0.00转为"]);
    }
}
