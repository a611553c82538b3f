//! [`TextLines`]: a sink that groups glyphs into baseline lines and runs.
//!
//! A run ends where the gap to the next glyph is wider than [`TextLines::gap`] ems, or where
//! a vertical ruling line crosses the gap between two glyphs: a drawn line between two
//! characters separates them however close they sit (text right-aligned against a cell
//! border and the next cell's text).

use super::{Glyph, PageInfo, PageSink, Ruling};

/// A glyph kept by [`TextLines`].
#[derive(Debug, Clone, PartialEq)]
struct Kept {
    text: String,
    x: f64,
    y: f64,
    w: f64,
    size: f64,
}

/// A run of glyphs on one baseline with no gap wider than the split threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// Left edge of the first glyph.
    pub x0: f64,
    /// Right edge of the last glyph.
    pub x1: f64,
    /// Baseline.
    pub y: f64,
    /// Largest font size in the run.
    pub size: f64,
    /// The run's text.
    pub text: String,
    /// Each glyph of the run: the byte offset in `text` where its text starts, and its left
    /// and right edges. Lets a later step cut a run between two glyphs at their true x.
    pub glyphs: Vec<(usize, f64, f64)>,
}

/// Runs sharing a baseline, left to right.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Baseline (of the line's first glyph).
    pub y: f64,
    /// Runs, sorted by x0.
    pub runs: Vec<Run>,
}

impl Line {
    /// The runs' texts joined with a single space.
    pub fn text(&self) -> String {
        let v: Vec<&str> = self.runs.iter().map(|r| r.text.as_str()).collect();
        v.join(" ")
    }
}

/// A ruling whose ends differ by less than this in x (points) is vertical.
const VERTICAL_SLACK: f64 = 0.5;

/// How far (in ems of the glyph size) a vertical ruling may reach into the glyph on either
/// side of a gap and still separate them: glyph boxes are advance widths, and a
/// right-aligned digit's advance may end a hair past the cell border it stops at.
const RULING_OVERLAP: f64 = 0.1;

/// Height above the baseline (in ems) where a vertical ruling must pass to separate two
/// glyphs of a line: about the middle of a CJK glyph, so that a cell border of the row above
/// or below, ending at the row's ruling, does not count.
const RULING_MID_HEIGHT: f64 = 0.35;

/// Collects one page's glyphs (cleared at each `begin_page`) and groups them into lines.
#[derive(Debug, Clone)]
pub struct TextLines {
    glyphs: Vec<Kept>,
    /// Vertical rulings of the page: (x, y0, y1), sorted by x when lines are built.
    verticals: Vec<(f64, f64, f64)>,
    /// A gap wider than this many ems (of the glyph size) splits a run. Default 0.3.
    pub gap: f64,
    /// Also keep invisible (render mode 3) glyphs. Default false.
    pub keep_invisible: bool,
}

impl Default for TextLines {
    fn default() -> Self {
        TextLines {
            glyphs: Vec::new(),
            verticals: Vec::new(),
            gap: 0.3,
            keep_invisible: false,
        }
    }
}

impl PageSink for TextLines {
    fn begin_page(&mut self, _page: &PageInfo) {
        self.glyphs.clear();
        self.verticals.clear();
    }

    fn ruling(&mut self, r: &Ruling) {
        if (r.x0 - r.x1).abs() < VERTICAL_SLACK {
            self.verticals
                .push(((r.x0 + r.x1) / 2.0, r.y0.min(r.y1), r.y0.max(r.y1)));
        }
    }

    fn glyph(&mut self, g: &Glyph) {
        if g.invisible && !self.keep_invisible {
            return;
        }
        if g.text.trim().is_empty() {
            return; // spaces only show as gaps
        }
        self.glyphs.push(Kept {
            text: g.text.to_string(),
            x: g.x,
            y: g.y,
            w: g.width,
            size: g.size,
        });
    }
}

impl TextLines {
    /// Whether a vertical ruling crosses the gap between glyph `a` and the glyph `b` right of
    /// it on one baseline. `verticals` is sorted by x.
    fn ruled_between(verticals: &[(f64, f64, f64)], a: &Kept, b: &Kept) -> bool {
        let slack = RULING_OVERLAP * a.size.max(b.size);
        // Past the middle of `a` and short of the middle of `b`, and at most `slack` inside
        // either glyph's box.
        let lo = (a.x + a.w - slack).max(a.x + a.w / 2.0);
        let hi = (b.x + slack).min(b.x + b.w / 2.0);
        if lo >= hi {
            return false;
        }
        let mid = b.y + RULING_MID_HEIGHT * b.size;
        let start = verticals.partition_point(|v| v.0 <= lo);
        verticals[start..]
            .iter()
            .take_while(|v| v.0 < hi)
            .any(|v| v.1 <= mid && v.2 >= mid)
    }

    /// Lines of the last page walked, top to bottom; runs left to right.
    pub fn lines(&self) -> Vec<Line> {
        let mut verticals = self.verticals.clone();
        verticals.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut gs: Vec<&Kept> = self.glyphs.iter().collect();
        gs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
        // cluster by baseline
        let mut clusters: Vec<Vec<&Kept>> = Vec::new();
        for g in gs {
            match clusters.last_mut() {
                Some(c) if (c[0].y - g.y).abs() <= 0.2 * g.size.max(c[0].size).max(1.0) => {
                    c.push(g)
                }
                _ => clusters.push(vec![g]),
            }
        }
        clusters
            .into_iter()
            .map(|mut c| {
                c.sort_by(|a, b| a.x.total_cmp(&b.x));
                let y = c[0].y;
                let mut runs: Vec<Run> = Vec::new();
                let mut last: Option<&Kept> = None;
                for g in c {
                    // fake bold: the same glyph drawn again a hair to the right
                    if let Some(p) = last {
                        if p.text == g.text && (g.x - p.x).abs() < 0.15 * g.size {
                            continue;
                        }
                    }
                    let split = match (runs.last(), last) {
                        (Some(r), Some(p)) => {
                            g.x - r.x1 > self.gap * g.size.max(r.size)
                                || Self::ruled_between(&verticals, p, g)
                        }
                        _ => true,
                    };
                    if split {
                        runs.push(Run {
                            x0: g.x,
                            x1: g.x + g.w,
                            y: g.y,
                            size: g.size,
                            text: g.text.clone(),
                            glyphs: vec![(0, g.x, g.x + g.w)],
                        });
                    } else if let Some(r) = runs.last_mut() {
                        r.x1 = r.x1.max(g.x + g.w);
                        r.size = r.size.max(g.size);
                        r.glyphs.push((r.text.len(), g.x, g.x + g.w));
                        r.text.push_str(&g.text);
                    }
                    last = Some(g);
                }
                Line { y, runs }
            })
            .collect()
    }

    /// The whole page as text: one line per baseline, runs separated by a space.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for l in self.lines() {
            s.push_str(&l.text());
            s.push('\n');
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(tl: &mut TextLines, text: &str, x: f64, y: f64) {
        gw(tl, text, x, y, 5.0)
    }

    fn gw(tl: &mut TextLines, text: &str, x: f64, y: f64, width: f64) {
        tl.glyph(&Glyph {
            text,
            x,
            y,
            width,
            size: 10.0,
            font: "F",
            invisible: false,
            angle: 0.0,
            vertical: false,
        });
    }

    #[test]
    fn gaps_split_runs_and_baselines_split_lines() {
        let mut tl = TextLines::default();
        // "12" touching, then a 2pt gap (0.2 em: same run), then a 4pt gap (new run)
        g(&mut tl, "3", 12.0, 100.0);
        g(&mut tl, "1", 0.0, 100.0);
        g(&mut tl, "2", 5.0, 100.0);
        g(&mut tl, "4", 21.0, 100.0);
        // 1pt lower: same line; 5pt lower: next line
        g(&mut tl, "x", 40.0, 99.0);
        g(&mut tl, "y", 0.0, 95.0);
        g(&mut tl, " ", 30.0, 95.0);
        let lines = tl.lines();
        assert_eq!(lines.len(), 2);
        let runs: Vec<(&str, f64, f64)> = lines[0]
            .runs
            .iter()
            .map(|r| (r.text.as_str(), r.x0, r.x1))
            .collect();
        assert_eq!(
            runs,
            vec![("123", 0.0, 17.0), ("4", 21.0, 26.0), ("x", 40.0, 45.0)]
        );
        assert_eq!(lines[1].text(), "y");
        assert_eq!(tl.text(), "123 4 x\ny\n");
    }

    fn vertical(tl: &mut TextLines, x: f64, y0: f64, y1: f64) {
        tl.ruling(&Ruling {
            x0: x,
            y0,
            x1: x,
            y1,
            thickness: 0.5,
            source: crate::pdf::RulingSource::Stroke,
        });
    }

    #[test]
    fn a_vertical_ruling_in_a_gap_splits_the_run() {
        let mut tl = TextLines::default();
        // "12" ends at 10, the border at 10.8, "ab" from 11.5: a 1.5pt gap (0.15 em) that
        // alone keeps one run.
        g(&mut tl, "1", 0.0, 100.0);
        g(&mut tl, "2", 5.0, 100.0);
        g(&mut tl, "a", 11.5, 100.0);
        g(&mut tl, "b", 16.5, 100.0);
        // Same gap on the next line, whose row the border does not cross (it stops at 90).
        g(&mut tl, "3", 5.0, 80.0);
        g(&mut tl, "c", 11.5, 80.0);
        vertical(&mut tl, 10.8, 90.0, 110.0);
        let lines = tl.lines();
        let runs: Vec<(&str, f64, f64)> = lines[0]
            .runs
            .iter()
            .map(|r| (r.text.as_str(), r.x0, r.x1))
            .collect();
        assert_eq!(runs, vec![("12", 0.0, 10.0), ("ab", 11.5, 21.5)]);
        assert_eq!(
            lines[0].runs[1].glyphs,
            vec![(0, 11.5, 16.5), (1, 16.5, 21.5)]
        );
        assert_eq!(
            lines[1].text(),
            "3c",
            "a border ending above the row splits nothing"
        );
        // A ruling through the middle of a glyph is not between glyphs; a horizontal
        // ruling never splits; a new page forgets the old page's rulings.
        tl.begin_page(&PageInfo {
            index: 2,
            media_box: Default::default(),
            crop_box: Default::default(),
            rotate: 0,
        });
        g(&mut tl, "1", 0.0, 100.0);
        g(&mut tl, "2", 5.0, 100.0);
        vertical(&mut tl, 2.5, 90.0, 110.0);
        tl.ruling(&Ruling {
            x0: 0.0,
            y0: 103.0,
            x1: 20.0,
            y1: 103.0,
            thickness: 0.5,
            source: crate::pdf::RulingSource::Stroke,
        });
        assert_eq!(tl.text(), "12\n");
        tl.begin_page(&PageInfo {
            index: 3,
            media_box: Default::default(),
            crop_box: Default::default(),
            rotate: 0,
        });
        g(&mut tl, "2", 5.0, 100.0);
        g(&mut tl, "a", 11.5, 100.0);
        assert_eq!(tl.text(), "2a\n");
    }

    #[test]
    fn fake_bold_duplicates_collapse() {
        let mut tl = TextLines::default();
        // each CJK glyph 10pt wide, drawn twice 0.5pt apart
        gw(&mut tl, "合", 0.0, 50.0, 10.0);
        gw(&mut tl, "合", 0.5, 50.0, 10.0);
        gw(&mut tl, "计", 10.0, 50.0, 10.0);
        gw(&mut tl, "计", 10.5, 50.0, 10.0);
        let lines = tl.lines();
        assert_eq!(lines[0].text(), "合计");
        assert_eq!(lines[0].runs[0].x1, 20.0);
    }

    #[test]
    fn invisible_glyphs_are_dropped_unless_asked() {
        let mut tl = TextLines::default();
        tl.glyph(&Glyph {
            text: "z",
            x: 0.0,
            y: 0.0,
            width: 5.0,
            size: 10.0,
            font: "F",
            invisible: true,
            angle: 0.0,
            vertical: false,
        });
        assert_eq!(tl.text(), "");
        tl.keep_invisible = true;
        tl.begin_page(&PageInfo {
            index: 1,
            media_box: Default::default(),
            crop_box: Default::default(),
            rotate: 0,
        });
        assert_eq!(tl.text(), "");
    }
}
