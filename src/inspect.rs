//! `inspect`: what the PDF reader (or the layout text dump reader) sees on one page — positioned lines, ruling lines, the
//! columns and cells the layout step found, the grammar that matched, and the rebuilt rows —
//! with an optional SVG overlay. This is how a user debugs a new layout.

use crate::convert::convert_file;
use crate::error::Error;
use crate::grammar::GrammarSet;
use crate::layout::{tables, PageLayout};
use std::fmt::Write as _;
use std::path::Path;

/// The text report for page `page` (1-based) of a PDF or a layout text dump, and the SVG
/// overlay if asked for.
pub fn inspect_page(
    path: &Path,
    page: u32,
    grammars: &GrammarSet,
) -> Result<(String, String), Error> {
    let bytes = crate::convert::read_input(path)?;
    let pages = crate::convert::positioned_pages(path, &bytes)?;
    let Some(p) = pages.iter().find(|p| p.page == page) else {
        return Err(Error::Unsupported {
            path: path.to_path_buf(),
            reason: format!(
                "page {page} does not exist (the file has {} pages)",
                pages.len()
            ),
        });
    };
    let mut out = String::new();
    let _ = writeln!(out, "{} page {page}", path.display());
    if let Some(r) = &p.report {
        let _ = writeln!(
            out,
            "glyphs {}, undecodable {}, images {}, rulings {}{}",
            r.glyphs,
            r.undecodable,
            r.images,
            r.rulings,
            if r.scanned {
                " (no text layer: scanned?)"
            } else {
                ""
            }
        );
    }
    let _ = writeln!(out, "\n== lines (baseline y: [x0-x1 text] ...)");
    for l in &p.lines {
        let runs: Vec<String> = l
            .runs
            .iter()
            .map(|r| format!("[{:.0}-{:.0} {}]", r.x0, r.x1, r.text))
            .collect();
        let _ = writeln!(out, "{:7.1}: {}", l.y, runs.join(" "));
    }
    let mut vx: Vec<f64> = p.verticals.iter().map(|v| v.0).collect();
    vx.sort_by(|a, b| a.total_cmp(b));
    vx.dedup_by(|a, b| (*a - *b).abs() < 1.0);
    let mut hy: Vec<f64> = p.horizontals.iter().map(|h| h.0).collect();
    hy.sort_by(|a, b| b.total_cmp(a));
    hy.dedup_by(|a, b| (*a - *b).abs() < 1.0);
    let _ = writeln!(out, "\n== ruling lines");
    let _ = writeln!(out, "vertical at x = {}", fmt_list(&vx));
    let _ = writeln!(out, "horizontal at y = {}", fmt_list(&hy));
    let regions = tables(&pages, grammars);
    let (traces, failures) = (regions.traces, regions.failures);
    let _ = writeln!(out, "\n== tables starting on this page");
    let mut overlay_cols = Vec::new();
    for t in traces.iter().filter(|t| t.first_page == page) {
        let _ = writeln!(out, "{} — grammar {}", t.title, t.grammar);
        let cols: Vec<String> = t
            .columns
            .iter()
            .map(|(id, x)| format!("{id}@{x:.0}"))
            .collect();
        let _ = writeln!(out, "  columns (label centre): {}", cols.join(", "));
        let _ = writeln!(
            out,
            "  cells from rulings: {}",
            if t.cells.is_empty() {
                "none (label centres used)".into()
            } else {
                fmt_list(&t.cells)
            }
        );
        let _ = writeln!(
            out,
            "  amounts start at x = {:.0}; rows grouped by {}",
            t.name_end.max(0.0),
            if t.banded {
                "ruled bands"
            } else {
                "printed lines"
            }
        );
        overlay_cols.extend(t.columns.iter().map(|c| c.1));
    }
    for (_, f) in &failures {
        let _ = writeln!(out, "not rebuilt: {f}");
    }
    let _ = writeln!(out, "\n== rebuilt rows on this page");
    match convert_file(path, grammars) {
        Ok(c) => {
            for t in &c.document.tables {
                let rows: Vec<_> = t.rows.iter().filter(|r| r.page == page).collect();
                if rows.is_empty() {
                    continue;
                }
                let _ = writeln!(out, "{} [{}] ({})", t.title, t.kind, t.unit.label());
                for r in rows {
                    let cells: Vec<String> = t
                        .columns
                        .iter()
                        .zip(&r.amounts)
                        .filter_map(|(c, a)| a.map(|v| format!("{}={v}", c.id)))
                        .collect();
                    let _ = writeln!(
                        out,
                        "  {}{} {} | {}",
                        r.section
                            .as_deref()
                            .map(|s| format!("[{s}] "))
                            .unwrap_or_default(),
                        r.code.as_deref().unwrap_or("-"),
                        r.name,
                        cells.join("  ")
                    );
                }
            }
            for w in &c.document.warnings {
                let _ = writeln!(out, "warning [{}]: {}", w.code, w.message);
            }
        }
        Err(e) => {
            let _ = writeln!(out, "conversion failed: {e}");
        }
    }
    Ok((out, svg(p, &overlay_cols)))
}

fn fmt_list(xs: &[f64]) -> String {
    if xs.is_empty() {
        return "none".into();
    }
    xs.iter()
        .map(|x| format!("{x:.1}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// An SVG of the page: text runs as boxes with their text, rulings in blue, the located
/// column label centres as dashed red lines.
fn svg(p: &PageLayout, columns: &[f64]) -> String {
    let xs = p
        .lines
        .iter()
        .flat_map(|l| l.runs.iter().map(|r| r.x1))
        .chain(p.verticals.iter().map(|v| v.0))
        .chain(p.horizontals.iter().map(|h| h.2));
    let w = xs.fold(600.0f64, f64::max) + 20.0;
    let h = p
        .lines
        .iter()
        .map(|l| l.y)
        .chain(p.verticals.iter().map(|v| v.2))
        .fold(800.0f64, f64::max)
        + 30.0;
    let y = |v: f64| h - v;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.0} {h:.0}" font-family="sans-serif">"#
    );
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    for v in &p.verticals {
        let _ = writeln!(
            s,
            r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#36c" stroke-width="0.6"/>"##,
            v.0,
            y(v.2),
            v.0,
            y(v.1)
        );
    }
    for hz in &p.horizontals {
        let _ = writeln!(
            s,
            r##"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#36c" stroke-width="0.6"/>"##,
            hz.1,
            y(hz.0),
            hz.2,
            y(hz.0)
        );
    }
    for c in columns {
        let _ = writeln!(
            s,
            r##"<line x1="{c:.1}" y1="0" x2="{c:.1}" y2="{h:.0}" stroke="#d22" stroke-dasharray="4 3" stroke-width="0.8"/>"##
        );
    }
    for l in &p.lines {
        for r in &l.runs {
            let _ = writeln!(
                s,
                r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="#eee" stroke="#999" stroke-width="0.3"/><text x="{:.1}" y="{:.1}" font-size="{:.1}">{}</text>"##,
                r.x0,
                y(l.y + r.size * 0.85),
                (r.x1 - r.x0).max(1.0),
                r.size,
                r.x0,
                y(l.y),
                r.size * 0.8,
                esc(&r.text)
            );
        }
    }
    s.push_str("</svg>\n");
    s
}
