//! [`TextLines`]: a debugging sink that groups glyphs into baseline lines and runs.

use super::{Glyph, PageInfo, PageSink};

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

/// Collects one page's glyphs (cleared at each `begin_page`) and groups them into lines.
#[derive(Debug, Clone)]
pub struct TextLines {
    glyphs: Vec<Kept>,
    /// A gap wider than this many ems (of the glyph size) splits a run. Default 0.3.
    pub gap: f64,
    /// Also keep invisible (render mode 3) glyphs. Default false.
    pub keep_invisible: bool,
}

impl Default for TextLines {
    fn default() -> Self {
        TextLines {
            glyphs: Vec::new(),
            gap: 0.3,
            keep_invisible: false,
        }
    }
}

impl PageSink for TextLines {
    fn begin_page(&mut self, _page: &PageInfo) {
        self.glyphs.clear();
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
    /// Lines of the last page walked, top to bottom; runs left to right.
    pub fn lines(&self) -> Vec<Line> {
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
                        (Some(r), Some(_)) => g.x - r.x1 > self.gap * g.size.max(r.size),
                        _ => true,
                    };
                    if split {
                        runs.push(Run {
                            x0: g.x,
                            x1: g.x + g.w,
                            y: g.y,
                            size: g.size,
                            text: g.text.clone(),
                        });
                    } else if let Some(r) = runs.last_mut() {
                        r.x1 = r.x1.max(g.x + g.w);
                        r.size = r.size.max(g.size);
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
