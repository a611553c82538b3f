//! Page collection: each page's positioned lines and ruling lines, as [`crate::pdf`] emits
//! them, and the positioned tokens of a line that every later step works on.

use crate::pdf::{
    Issue, Line, PageInfo, PageReport, PageSink, PdfError, PdfFile, Ruling, TextLines, PAGE_LIMIT,
};
use crate::text::squash;
use crate::token::TokenKind;

/// One page as the layout step sees it.
#[derive(Debug, Clone, Default)]
pub struct PageLayout {
    /// 1-based index of the page in the file.
    pub page: u32,
    /// Lines top to bottom (y down the page decreases).
    pub lines: Vec<Line>,
    /// Vertical ruling lines: (x, y0, y1).
    pub verticals: Vec<(f64, f64, f64)>,
    /// Horizontal ruling lines: (y, x0, x1).
    pub horizontals: Vec<(f64, f64, f64)>,
    pub report: Option<PageReport>,
    /// Positions are the character cells of a layout text dump, laid out page by page on a
    /// grid of the page's own (a continuation page's columns may sit elsewhere).
    pub text_grid: bool,
}

/// A sink that keeps a page's lines and vertical rulings.
#[derive(Default)]
struct Collector {
    text: TextLines,
    verticals: Vec<(f64, f64, f64)>,
    horizontals: Vec<(f64, f64, f64)>,
}

impl PageSink for Collector {
    fn begin_page(&mut self, p: &PageInfo) {
        self.text.begin_page(p);
        self.verticals.clear();
        self.horizontals.clear();
    }
    fn glyph(&mut self, g: &crate::pdf::Glyph) {
        self.text.glyph(g);
    }
    fn ruling(&mut self, r: &Ruling) {
        // Runs end at vertical rulings too.
        self.text.ruling(r);
        if (r.x0 - r.x1).abs() < 0.5 {
            self.verticals.push((r.x0, r.y0.min(r.y1), r.y0.max(r.y1)));
        } else if (r.y0 - r.y1).abs() < 0.5 {
            self.horizontals
                .push((r.y0, r.x0.min(r.x1), r.x0.max(r.x1)));
        }
    }
}

/// Reads every page's lines and rulings. A page that reaches a work limit
/// ([`PdfError::Limit`]) is kept empty, with a [`PAGE_LIMIT`] issue naming the page
/// and the limit in its report, and the next page is read; other errors stop.
pub fn read_pages(pdf: &PdfFile) -> Result<Vec<PageLayout>, PdfError> {
    let mut out = Vec::with_capacity(pdf.page_count());
    let mut c = Collector::default();
    for i in 1..=pdf.page_count() {
        let report = match pdf.walk_page(i, &mut c) {
            Ok(r) => r,
            Err(e @ PdfError::Limit { .. }) => {
                c = Collector::default();
                let message = match &e {
                    PdfError::Limit { what, .. } => {
                        format!("page {i}: limit reached: {what}; the page is not read")
                    }
                    _ => e.to_string(),
                };
                out.push(PageLayout {
                    page: i as u32,
                    report: Some(PageReport {
                        page: i,
                        warnings: vec![message.clone()],
                        issues: vec![Issue {
                            code: PAGE_LIMIT,
                            page: Some(i),
                            object: None,
                            message,
                        }],
                        ..Default::default()
                    }),
                    ..Default::default()
                });
                continue;
            }
            Err(e) => return Err(e),
        };
        out.push(PageLayout {
            page: i as u32,
            lines: c
                .text
                .lines()
                .into_iter()
                .filter(|l| !is_page_number(&line_text(l)))
                .collect(),
            verticals: std::mem::take(&mut c.verticals),
            horizontals: std::mem::take(&mut c.horizontals),
            report: Some(report),
            text_grid: false,
        });
    }
    Ok(out)
}

/// A printed page number on a line of its own: "- 14 -", "—3—", "第 5 页", "第5页共30页".
/// Such a footer is no part of a table (read as a row it became the amount 14 under a row
/// named "--"), so its line is left out of the page.
pub(super) fn is_page_number(squashed: &str) -> bool {
    const DASHES: &[char] = &['-', '—', '–', '－', '‐', '−'];
    let digits = |s: &str| (1..=4).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(inner) = squashed
        .strip_prefix(DASHES)
        .and_then(|s| s.strip_suffix(DASHES))
    {
        return digits(inner.trim_matches(DASHES));
    }
    if let Some(rest) = squashed.strip_prefix('第') {
        let (n, tail) = rest.split_once('页').unwrap_or((rest, "x"));
        return digits(n)
            && (tail.is_empty()
                || tail
                    .strip_prefix('共')
                    .and_then(|t| t.strip_suffix('页'))
                    .is_some_and(digits));
    }
    false
}

pub(super) fn line_text(l: &Line) -> String {
    squash(&l.text())
}

/// A positioned token: text with its x range.
#[derive(Debug, Clone)]
pub(super) struct PTok {
    pub(super) text: String,
    pub(super) x0: f64,
    pub(super) x1: f64,
    /// Its glyphs as the run gave them (byte offset in `text`, left and right edge), where
    /// known: a token from a run without white space. Empty otherwise.
    pub(super) glyphs: Vec<(usize, f64, f64)>,
}

impl PTok {
    pub(super) fn center(&self) -> f64 {
        (self.x0 + self.x1) / 2.0
    }

    /// A token without glyph positions, for tests.
    #[cfg(test)]
    pub(super) fn at(text: &str, x0: f64, x1: f64) -> PTok {
        PTok {
            text: text.into(),
            x0,
            x1,
            glyphs: Vec::new(),
        }
    }
}

pub(super) fn ptoks(l: &Line) -> Vec<PTok> {
    let mut out = Vec::new();
    for r in &l.runs {
        let parts: Vec<&str> = r.text.split_whitespace().collect();
        if let [only] = parts[..] {
            if only.len() == r.text.len() {
                out.push(PTok {
                    text: r.text.clone(),
                    x0: r.x0,
                    x1: r.x1,
                    glyphs: r.glyphs.clone(),
                });
                continue;
            }
        }
        let n = parts.len().max(1) as f64;
        let w = (r.x1 - r.x0) / n;
        for (i, p) in parts.iter().enumerate() {
            out.push(PTok {
                text: p.to_string(),
                x0: r.x0 + w * i as f64,
                x1: r.x0 + w * (i + 1) as f64,
                glyphs: Vec::new(),
            });
        }
    }
    out
}

pub(super) fn is_number(s: &str) -> bool {
    crate::token::classify(s) == TokenKind::Number
}

#[cfg(test)]
mod tests {
    use super::is_page_number;

    #[test]
    fn page_number_footers_and_what_is_not_one() {
        for footer in ["-14-", "—3—", "－29－", "--7--", "第5页", "第5页共30页"] {
            assert!(is_page_number(footer), "{footer}");
        }
        for not in [
            "14",
            "-14",
            "14-",
            "-1234.56-",
            "-12345-",
            "--",
            "第一部分",
            "第5页说明",
            "-一-",
            "2014001",
            "0.00",
            "第5页共页",
        ] {
            assert!(!is_page_number(not), "{not}");
        }
    }
}
