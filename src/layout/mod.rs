//! Tables from PDF geometry: positioned lines and ruling lines (from [`crate::pdf`]) become
//! table regions ([`RawTable`]) whose tokens carry the column the geometry puts them in.
//!
//! Steps, in order, one submodule each:
//! 1. `pages`: lines and vertical/horizontal rulings per page ([`read_pages`], [`PageLayout`]).
//! 2. `titles`: table titles matched against the grammars and the national vocabulary
//!    ([`crate::vocabulary`]), contents pages skipped ([`find_titles`]); also what the
//!    titles tell about the document ([`identity`], [`department_from_titles`]) and the
//!    tables its contents list but its body lacks ([`missing_tables`]).
//! 3. `region`: each title's region up to the next title, following page breaks (dropping
//!    repeated headers and page numbers), split into header zone and body ([`tables`]
//!    drives it, one [`TableTrace`] per panel, into [`Regions`]).
//! 4. `header`: where each grammar column's label is located in the header zone; cells from
//!    vertical rulings (or label centres where a page has none).
//! 5. `glued`: an amount glued to the next cell's text (no ruling between, closer than a
//!    word gap) cut off it where the column geometry says the two are separate cells.
//! 6. `rows`: one [`RawLine`](crate::assemble::RawLine) per printed row, lines in one ruled
//!    band joined, wrapped text joined to its row, split 类/款/项 codes folded into one code.

mod align;
mod arithmetic;
mod columns;
mod glued;
mod header;
mod pages;
mod region;
mod rows;
mod titles;

pub(crate) use arithmetic::rows_fit;
pub use pages::{read_pages, PageLayout};
pub use titles::{department_from_titles, find_titles, identity, missing_tables, TitleHit};

use crate::assemble::RawTable;
use crate::grammar::GrammarSet;
use region::region;

/// What the layout step decided for one table (panel): for `inspect` and debugging.
#[derive(Debug, Clone)]
pub struct TableTrace {
    pub title: String,
    pub grammar: String,
    pub first_page: u32,
    /// Each grammar column with the x centre of its header label.
    pub columns: Vec<(String, f64)>,
    /// Cell boundaries from vertical rulings (empty: label centres were used).
    pub cells: Vec<f64>,
    /// x where the name zone ends and amount columns begin.
    pub name_end: f64,
    /// Whether rows were grouped by ruled bands (else by printed lines).
    pub banded: bool,
}

/// What the layout step found in a PDF: the raw tables, one per title whose region could be
/// read, with a trace of each panel's geometry, the regions that could not be read (index of
/// the title, why), and every table title printed in the body (read or not).
#[derive(Debug, Default)]
pub struct Regions {
    pub tables: Vec<RawTable>,
    pub traces: Vec<TableTrace>,
    pub failures: Vec<(usize, String)>,
    pub titles: Vec<String>,
}

/// Builds the raw tables of a PDF: one per title found.
pub fn tables(pages: &[PageLayout], grammars: &GrammarSet) -> Regions {
    let hits = find_titles(pages, grammars);
    let mut out = Vec::new();
    let mut traces = Vec::new();
    let mut failures = Vec::new();
    for (k, h) in hits.iter().enumerate() {
        let end = hits
            .get(k + 1)
            .map(|n| (n.page_idx, n.line_idx - n.above.min(n.line_idx)))
            .unwrap_or((pages.len(), 0));
        // A table no grammar reads is kept as a title only: assembling reports it
        // (`table_unknown`) instead of dropping it.
        let Some(g) = h.grammar.and_then(|g| grammars.grammars.get(g)) else {
            out.push(RawTable {
                positioned: true,
                number: h.number.clone(),
                title: h.title.clone(),
                first_page: pages[h.page_idx].page,
                last_page: pages[h.page_idx].page,
                ..Default::default()
            });
            continue;
        };
        // Other grammars of the same kind, or that the title names too (the title vocabulary
        // may give a title several kinds: 一般公共预算拨款支出预算表 is printed with one 金额
        // column or with 合计/基本支出/项目支出), the national ones first, for a header the
        // title's grammar does not fit.
        let title = crate::grammar::TitleQuery::new(&h.title);
        let mut alternatives: Vec<&crate::grammar::Grammar> = grammars
            .grammars
            .iter()
            .filter(|x| !std::ptr::eq(*x, g) && (x.kind == g.kind || x.matches(&title)))
            .collect();
        alternatives.sort_by_key(|x| {
            (
                x.family != crate::grammar::NATIONAL_FAMILY,
                x.kind != g.kind,
            )
        });
        match region(pages, h, end, g, &alternatives, &mut traces) {
            Ok(t) => out.push(t),
            Err(e) => failures.push((k, e)),
        }
    }
    Regions {
        tables: out,
        traces,
        failures,
        titles: hits.into_iter().map(|h| h.title).collect(),
    }
}
