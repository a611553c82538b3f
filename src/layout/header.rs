//! Header geometry: where each grammar column's label sits in the header zone (labels
//! stacked over several lines included), and the cells the page's vertical rulings draw, so
//! that a token's x position names its column.

use super::pages::PTok;
use crate::grammar::{Grammar, Layout};
use crate::text::squash;

/// Where each column of the grammar sits on the page: x centre of its header label, and the
/// cell boundaries from vertical rulings (empty where the page has none).
#[derive(Debug, Clone)]
pub(super) struct ColumnGeometry {
    pub(super) centers: Vec<f64>,
    pub(super) cells: Vec<f64>,
    /// Right edge of the code zone (类/款/项 or 科目编码), if located.
    pub(super) code_zone: Option<Vec<(f64, f64)>>,
    /// Boundary between the name zone and the first amount column.
    pub(super) name_end: f64,
    /// x centres of the grammar's text columns' labels (procurement: 专项名称, 采购物品名称 …).
    pub(super) text_centers: Vec<f64>,
}

impl ColumnGeometry {
    /// The grammar column a token at `x` (centre) falls in.
    pub(super) fn column_at(&self, x0: f64, x1: f64) -> Option<usize> {
        let x = (x0 + x1) / 2.0;
        if x < self.name_end {
            return None;
        }
        if self.cells.len() >= 2 {
            // The cell holding the token; the column whose label centre is in that cell.
            let cell = self.cells.windows(2).position(|w| x >= w[0] && x <= w[1])?;
            let (a, b) = (self.cells[cell], self.cells[cell + 1]);
            let inside: Vec<usize> = (0..self.centers.len())
                .filter(|&i| self.centers[i] >= a && self.centers[i] <= b)
                .collect();
            if inside.len() == 1 {
                return Some(inside[0]);
            }
        }
        nearest(&self.centers, x)
    }

    /// The grammar text column a text token falls in: the one whose label centre is in the
    /// token's ruled cell, else the nearest label centre. `None` without text columns.
    pub(super) fn text_column_at(&self, x0: f64, x1: f64) -> Option<usize> {
        let x = (x0 + x1) / 2.0;
        if let Some(cell) = self.cells.windows(2).find(|w| x >= w[0] && x <= w[1]) {
            let inside: Vec<usize> = (0..self.text_centers.len())
                .filter(|&i| self.text_centers[i] >= cell[0] && self.text_centers[i] <= cell[1])
                .collect();
            if inside.len() == 1 {
                return Some(inside[0]);
            }
        }
        nearest(&self.text_centers, x)
    }
}

/// Index of the centre nearest to `x`.
fn nearest(centers: &[f64], x: f64) -> Option<usize> {
    (0..centers.len()).min_by(|&i, &j| (centers[i] - x).abs().total_cmp(&(centers[j] - x).abs()))
}

/// Header tokens with the line they are on.
pub(super) struct HeaderTok {
    pub(super) line: usize,
    pub(super) tok: PTok,
}

/// Locates a label in the header: a token equal to it, a token containing it, or tokens
/// stacked in one cell whose text joins to it ("事业单位" over "经营收入").
fn locate(label: &str, header: &[HeaderTok], after: f64) -> Option<(f64, f64)> {
    let mut best: Option<(u8, f64, f64)> = None;
    let mut consider = |rank: u8, x0: f64, x1: f64| {
        let c = (x0 + x1) / 2.0;
        if c <= after {
            return;
        }
        let better = match best {
            None => true,
            Some((r, b0, b1)) => rank < r || (rank == r && c < (b0 + b1) / 2.0),
        };
        if better {
            best = Some((rank, x0, x1));
        }
    };
    for (i, h) in header.iter().enumerate() {
        let t = squash(&h.tok.text);
        if t == label {
            consider(0, h.tok.x0, h.tok.x1);
            continue;
        } else if t.contains(label) {
            consider(2, h.tok.x0, h.tok.x1);
            continue;
        }
        // Stack the tokens below it in the same cell (overlapping x, next lines).
        let mut acc = t.clone();
        let (mut x0, mut x1) = (h.tok.x0, h.tok.x1);
        let mut line = h.line;
        for h2 in header.iter().skip(i + 1) {
            if h2.line <= line || h2.line > line + 3 {
                continue;
            }
            let c2 = h2.tok.center();
            if c2 < x0 - 4.0 || c2 > x1 + 4.0 {
                continue;
            }
            acc.push_str(&squash(&h2.tok.text));
            x0 = x0.min(h2.tok.x0);
            x1 = x1.max(h2.tok.x1);
            line = h2.line;
            if acc == label {
                consider(1, x0, x1);
                break;
            }
            if acc.contains(label) {
                consider(3, x0, x1);
                break;
            }
            if line > h.line + 8 {
                break;
            }
        }
    }
    best.map(|(_, a, b)| (a, b))
}

/// The leaf of a label path ("基本支出/人员经费" → "人员经费"), with variants stripped of
/// brackets' width differences.
fn leaf(label: &str) -> String {
    label
        .rsplit('/')
        .next()
        .unwrap_or(label)
        .replace('（', "(")
        .replace('）', ")")
}

pub(super) fn geometry(
    g: &Grammar,
    header: &[HeaderTok],
    verticals: &[(f64, f64, f64)],
    y_range: (f64, f64),
) -> Result<ColumnGeometry, String> {
    let mut centers = Vec::with_capacity(g.columns.len());
    let mut after = f64::MIN;
    let mut missing = Vec::new();
    let normalized: Vec<HeaderTok> = header
        .iter()
        .map(|h| HeaderTok {
            line: h.line,
            tok: PTok {
                text: h.tok.text.replace('（', "(").replace('）', ")"),
                x0: h.tok.x0,
                x1: h.tok.x1,
                glyphs: Vec::new(),
            },
        })
        .collect();
    for c in &g.columns {
        let l = leaf(&c.label);
        match locate(&l, &normalized, after) {
            Some((x0, x1)) => {
                let center = (x0 + x1) / 2.0;
                centers.push(center);
                after = center;
            }
            None => missing.push(l),
        }
    }
    let mut text_centers = Vec::with_capacity(g.text_columns.len());
    let mut after = f64::MIN;
    for c in &g.text_columns {
        let l = leaf(&c.label);
        match locate(&l, &normalized, after) {
            Some((x0, x1)) => {
                after = (x0 + x1) / 2.0;
                text_centers.push(after);
            }
            None => missing.push(l),
        }
    }
    if !missing.is_empty() {
        let text: String = header.iter().map(|h| h.tok.text.as_str()).collect();
        return Err(format!(
            "header labels not found: {missing:?} (header reads {text:?})"
        ));
    }
    // Vertical rulings crossing the body's y range.
    let mut xs: Vec<f64> = verticals
        .iter()
        .filter(|(_, y0, y1)| *y0 <= y_range.1 && *y1 >= y_range.0)
        .map(|v| v.0)
        .collect();
    xs.sort_by(|a, b| a.total_cmp(b));
    xs.dedup_by(|a, b| (*a - *b).abs() < 2.0);
    // Code zone: 类/款/项 headers, else the 编码/代码 label.
    let zones: Vec<(f64, f64)> = ["类", "款", "项"]
        .iter()
        .filter_map(|l| {
            header
                .iter()
                .find(|h| squash(&h.tok.text) == *l)
                .map(|h| (h.tok.x0, h.tok.x1))
        })
        .collect();
    let code_zone = (zones.len() >= 2).then_some(zones);
    let first = centers.first().copied().unwrap_or(0.0);
    let name_center = header
        .iter()
        .filter(|h| {
            let t = squash(&h.tok.text);
            (t.contains("名称") || t == "项目") && h.tok.center() < first
        })
        .map(|h| h.tok.center())
        .fold(None, |m: Option<f64>, c| Some(m.map_or(c, |m| m.max(c))));
    let name_end = match name_center {
        Some(n) => (n + first) / 2.0,
        None => first - 40.0,
    };
    Ok(ColumnGeometry {
        centers,
        cells: xs,
        code_zone,
        name_end: if matches!(g.layout, Layout::TwoSided | Layout::SingleRow) {
            f64::MIN
        } else {
            name_end
        },
        text_centers,
    })
}
