//! PDF reading layer: opens a PDF with lopdf and interprets page content streams,
//! reporting what each page draws — glyphs with their decoded text and position,
//! ruling lines, images — to a [`PageSink`]. It knows nothing about tables.
//!
//! Coordinates are display space: PDF user space after the CTM, in points, y up,
//! with the page's /Rotate (90, 180 or 270, inherited through the page tree)
//! applied, so a landscape page stored portrait with /Rotate 90 (as Acrobat
//! Distiller writes A3 tables) reads like any other: its origin is the lower-left
//! corner of the displayed crop box, glyph positions, baseline angles, rulings,
//! image boxes and the [`PageInfo`] boxes are all in that frame, and text the
//! file draws with a rotated text matrix to come out upright has angle 0. An
//! unrotated page keeps the file's own frame (usually origin at the media box's
//! lower-left corner), untouched. A /Rotate that is not a multiple of 90 is
//! ignored with a page warning.
//!
//! What a sink can rely on:
//! - A [`Glyph`]'s text is real text: codes that cannot be decoded (no ToUnicode,
//!   no usable encoding or embedded cmap) are counted in
//!   [`PageReport::undecodable`], never emitted as U+FFFD or private-use junk.
//! - Glyphs whose origin lies outside the crop box are not emitted
//!   ([`PageReport::offpage`]); invisible (render mode 3) ones are, flagged.
//! - Rulings are axis-aligned segments from stroked lines and rectangles and from
//!   filled rectangles thinner than [`THIN_RECT`]; white paint makes none
//!   ([`PageReport::white_paint`]). Duplicates and touching pieces are not merged.
//! - [`PageReport::scanned`]: no visible text, images over a quarter of the page.
//! - Bad files get a typed [`PdfError`] naming the file (and page); no input panics.
//!
//! ```no_run
//! use budget_tables::pdf::{PdfFile, TextLines};
//! let pdf = PdfFile::open("budget.pdf")?;
//! let mut lines = TextLines::default();
//! pdf.walk_page(1, &mut lines)?;
//! for line in lines.lines() { println!("{}", line.text()); }
//! # Ok::<(), budget_tables::pdf::PdfError>(())
//! ```

pub mod cmap;
pub mod content;
pub mod encoding;
mod error;
/// PDF fixtures built in code, for tests and examples only: behind the `fixtures` feature
/// (the crate's own tests and examples turn it on), not in the shipped library.
#[cfg(any(test, feature = "fixtures"))]
pub mod fixture;
pub mod font;
mod interp;
mod lines;
mod stream;
pub mod truetype;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex};

use lopdf::xref::XrefRecovery;
use lopdf::{Dictionary, Document, Object, ObjectId};

pub use content::MAX_ARRAY_ITEMS;
pub use error::PdfError;
pub use font::Font;
pub use font::{MAX_CMAP_BYTES, MAX_W_ENTRIES, MAX_W_ITEMS};
pub use interp::{
    MAX_CONTENT_STREAMS, MAX_GLYPHS_PER_OP, MAX_GLYPHS_PER_PAGE, MAX_INHERIT_DEPTH,
    MAX_OPS_PER_PAGE, MAX_PAGE_BYTES, MAX_XOBJECT_DEPTH,
};
pub use lines::{Line, Run, TextLines};

/// An axis-aligned rectangle in page space (x0 <= x1, y0 <= y1).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rect {
    /// Left.
    pub x0: f64,
    /// Bottom.
    pub y0: f64,
    /// Right.
    pub x1: f64,
    /// Top.
    pub y1: f64,
}

/// What a page is, reported before its content.
#[derive(Debug, Clone, PartialEq)]
pub struct PageInfo {
    /// 1-based page index.
    pub index: usize,
    /// The (inherited) MediaBox, in display space (turned by `rotate`).
    pub media_box: Rect,
    /// The visible area: CropBox clipped to the MediaBox (the MediaBox when absent),
    /// in display space: for a rotated page its lower-left corner is (0, 0).
    pub crop_box: Rect,
    /// The (inherited) /Rotate in degrees clockwise, reduced to 0..360; 90, 180 and
    /// 270 are applied to every position the sink sees, other values ignored.
    pub rotate: i64,
}

/// One decoded character (or a ToUnicode string such as a ligature) drawn on a page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Glyph<'a> {
    /// Decoded text; never empty, never U+FFFD or private-use characters.
    pub text: &'a str,
    /// Baseline origin, page space.
    pub x: f64,
    /// Baseline origin, page space.
    pub y: f64,
    /// Glyph width (from font metrics) in page space, without Tc/Tw spacing.
    pub width: f64,
    /// Effective font size in page space (after Tm and CTM).
    pub size: f64,
    /// The font's BaseFont name.
    pub font: &'a str,
    /// True for text render modes 3 and 7 (nothing painted, e.g. an OCR layer).
    pub invisible: bool,
    /// Direction of the baseline in degrees, counter-clockwise (0 = normal
    /// left-to-right text, 90 = rotated to run bottom to top).
    pub angle: f64,
    /// Vertical writing mode (an Identity-V or other -V CMap): glyphs advance
    /// downwards; `x, y` is still the glyph's lower-left (horizontal) origin.
    pub vertical: bool,
}

/// Where a ruling line came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RulingSource {
    /// A stroked path segment or a stroked rectangle's edge.
    Stroke,
    /// A thin filled rectangle (width or height below [`THIN_RECT`]).
    ThinFill,
}

/// A horizontal or vertical line segment (x0 <= x1, y0 <= y1; one axis is constant).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ruling {
    /// Start x.
    pub x0: f64,
    /// Start y.
    pub y0: f64,
    /// End x.
    pub x1: f64,
    /// End y.
    pub y1: f64,
    /// Line width in page space (stroke width, or the thin side of a filled rectangle).
    pub thickness: f64,
    /// How it was drawn.
    pub source: RulingSource,
}

impl Ruling {
    /// True when the line is horizontal (y0 == y1).
    pub fn is_horizontal(&self) -> bool {
        self.y0 == self.y1
    }
}

/// Filled rectangles thinner than this (points) count as ruling lines.
pub const THIN_RECT: f64 = 2.0;

/// Per-page counts, returned by [`PdfFile::walk_page`] and passed to [`PageSink::end_page`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageReport {
    /// 1-based page index.
    pub page: usize,
    /// Glyphs emitted.
    pub glyphs: usize,
    /// Content operators interpreted (form XObjects included).
    pub ops: usize,
    /// Character codes that could not be decoded (not emitted).
    pub undecodable: usize,
    /// Glyphs whose origin lies outside the crop box (invisible; not emitted).
    pub offpage: usize,
    /// Image XObjects and inline images drawn.
    pub images: usize,
    /// Ruling lines emitted.
    pub rulings: usize,
    /// Paths painted white (stroke or fill), whose lines are not emitted as rulings.
    pub white_paint: usize,
    /// No visible glyph and images covering at least a quarter of the page:
    /// a scanned page without a text layer.
    pub scanned: bool,
    /// Non-fatal problems (missing font or XObject, undecodable stream, ...).
    pub warnings: Vec<String>,
    /// Coded problems that make the page's reading doubtful: damaged streams
    /// ([`STREAM_DAMAGED`]), reference and /Parent cycles, limits hit.
    pub issues: Vec<Issue>,
}

/// A content or form stream whose data is damaged (bad Flate checksum, cut-off or
/// corrupt data, unknown filter): what the page shows may be wrong or missing.
pub const STREAM_DAMAGED: &str = "stream_damaged";
/// The page tree lists a node again (itself, an ancestor, or a node seen before),
/// or a page's /Parent chain loops; each page object is read once.
pub const PAGE_TREE_CYCLE: &str = "page_tree_cycle";
/// An object reference resolves to itself through other references.
pub const REFERENCE_CYCLE: &str = "reference_cycle";
/// A work limit (content streams, bytes, operators, glyphs, CMap or /W size,
/// XObject nesting) was reached on a page: the page is not read in full.
pub const PAGE_LIMIT: &str = "page_limit";

/// Elements (tokens) one array or dictionary written in the file may have; a file
/// with a larger one is refused before lopdf parses it. Real arrays (a CID font's
/// /W, a /Kids or /Contents list) stay far below.
pub const MAX_FILE_ARRAY_ELEMENTS: usize = 1 << 20;

/// Page-tree nodes nested deeper than this are not followed (lopdf's own limit).
pub const MAX_PAGE_TREE_DEPTH: usize = 256;

/// A coded problem found while reading: page tree, a page's streams, a limit.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    /// One of [`STREAM_DAMAGED`], [`PAGE_TREE_CYCLE`], [`REFERENCE_CYCLE`], [`PAGE_LIMIT`].
    pub code: &'static str,
    /// 1-based page, when the problem belongs to one.
    pub page: Option<usize>,
    /// The object concerned (object number, generation).
    pub object: Option<ObjectId>,
    /// What is wrong, in a sentence that names page and object.
    pub message: String,
}

/// Receives what a page draws, in page space: display space (PDF user space after the CTM and /Rotate, y up, points).
pub trait PageSink {
    /// Called before a page's content.
    fn begin_page(&mut self, _page: &PageInfo) {}
    /// One decoded character; undecodable ones are counted, not emitted.
    fn glyph(&mut self, _g: &Glyph) {}
    /// A horizontal or vertical ruling line.
    fn ruling(&mut self, _r: &Ruling) {}
    /// An image drawn (XObject or inline), with its bounding box.
    fn image(&mut self, _bbox: &Rect) {}
    /// Called after a page's content with its counts.
    fn end_page(&mut self, _report: &PageReport) {}
}

/// A sink that ignores everything (for counting).
impl PageSink for () {}

/// An opened PDF document.
pub struct PdfFile {
    name: String,
    doc: Document,
    pages: Vec<ObjectId>,
    /// Per page, its ancestors in the page tree (root first), as the walk found them.
    tree_paths: Vec<Vec<ObjectId>>,
    issues: Vec<Issue>,
    repaired: Option<String>,
    fonts: Mutex<HashMap<ObjectId, Arc<Font>>>,
}

impl std::fmt::Debug for PdfFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PdfFile")
            .field("name", &self.name)
            .field("pages", &self.pages.len())
            .finish()
    }
}

impl PdfFile {
    /// Opens a PDF from disk.
    pub fn open(path: impl AsRef<Path>) -> Result<PdfFile, PdfError> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| PdfError::Io {
            file: name.clone(),
            source,
        })?;
        Self::from_bytes(&bytes, &name)
    }

    /// Opens a PDF held in memory; `name` is used in errors.
    pub fn from_bytes(bytes: &[u8], name: &str) -> Result<PdfFile, PdfError> {
        let file = name.to_string();
        if bytes.is_empty() {
            return Err(PdfError::Empty { file });
        }
        let head = &bytes[..bytes.len().min(1024)];
        if !head.windows(5).any(|w| w == b"%PDF-") {
            return Err(PdfError::NotPdf { file });
        }
        // A file cut short has no %%EOF near its end. lopdf (lenient mode) rebuilds a
        // damaged cross-reference table by scanning, which on a truncated file
        // silently loses pages or objects: such a file is refused, not half read.
        let tail = &bytes[bytes.len().saturating_sub(1024)..];
        let has_eof = tail.windows(5).any(|w| w == b"%%EOF");
        // lopdf parses every object into memory, ~128 bytes per array element: a
        // 20 MB file holding one 10-million-element /W array would take 1.2 GB.
        if let Some((offset, n)) = oversized_array(bytes) {
            return Err(PdfError::FileLimit {
                file,
                what: format!(
                    "an array or dictionary at byte {offset} has more than {MAX_FILE_ARRAY_ELEMENTS} elements ({n} counted)"
                ),
            });
        }
        // lopdf should not panic on bad input, but a batch must go on if it does.
        let loaded = std::panic::catch_unwind(|| Document::load_mem(bytes)).map_err(|_| {
            PdfError::Corrupt {
                file: file.clone(),
                detail: "the PDF parser gave up (internal panic)".into(),
            }
        })?;
        let doc = match loaded {
            Ok(doc) => doc,
            Err(lopdf::Error::InvalidPassword | lopdf::Error::Decryption(_)) => {
                return Err(PdfError::Encrypted { file })
            }
            Err(e) if !has_eof => {
                return Err(PdfError::Truncated {
                    file,
                    detail: e.to_string(),
                })
            }
            Err(e) => {
                return Err(PdfError::Corrupt {
                    file,
                    detail: e.to_string(),
                })
            }
        };
        let repaired = match doc.xref_recovery {
            Some(XrefRecovery::Reconstructed) if !has_eof => {
                return Err(PdfError::Truncated {
                    file,
                    detail: "cross-reference table had to be rebuilt by scanning".into(),
                })
            }
            Some(XrefRecovery::Reconstructed) => {
                Some("cross-reference table rebuilt by scanning the file".to_string())
            }
            Some(XrefRecovery::OffsetCorrected) => {
                Some("cross-reference offset corrected".to_string())
            }
            Some(_) => Some("cross-reference data repaired".to_string()),
            None => None,
        };
        // lopdf decrypts files whose user password is empty while loading; for
        // any other password it leaves the document encrypted and unreadable.
        if doc.is_encrypted() && doc.encryption_state.is_none() {
            return Err(PdfError::Encrypted { file });
        }
        let (found, issues) = page_tree(&doc);
        if found.is_empty() {
            if let Some(i) = issues.first() {
                return Err(PdfError::PageTree {
                    file,
                    detail: format!("{} and no page remains", i.message),
                });
            }
            return Err(PdfError::Corrupt {
                file,
                detail: "no pages found (page tree missing or unreadable)".into(),
            });
        }
        let (pages, tree_paths) = found.into_iter().unzip();
        Ok(PdfFile {
            name: file,
            doc,
            pages,
            tree_paths,
            issues,
            repaired,
            fonts: Mutex::new(HashMap::new()),
        })
    }

    /// The name given at opening (path or label), used in errors.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Set when lopdf had to repair the file's cross-reference data while loading
    /// (the file is complete, but its structure was damaged).
    pub fn repaired(&self) -> Option<&str> {
        self.repaired.as_deref()
    }

    /// Coded problems of the document's structure (page-tree cycles and repeats).
    pub fn issues(&self) -> &[Issue] {
        &self.issues
    }

    /// Number of pages.
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// The underlying lopdf document (for metadata look-ups).
    pub fn document(&self) -> &Document {
        &self.doc
    }

    /// Interprets page `index` (1-based), sending what it draws to `sink`.
    pub fn walk_page(
        &self,
        index: usize,
        sink: &mut impl PageSink,
    ) -> Result<PageReport, PdfError> {
        let Some(&page_id) = index.checked_sub(1).and_then(|i| self.pages.get(i)) else {
            return Err(PdfError::NoSuchPage {
                file: self.name.clone(),
                page: index,
                count: self.pages.len(),
            });
        };
        let path = self
            .tree_paths
            .get(index - 1)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        interp::walk(self, index, page_id, path, sink)
    }

    /// Interprets every page in order; stops at the first error.
    pub fn walk_all(&self, sink: &mut impl PageSink) -> Result<Vec<PageReport>, PdfError> {
        (1..=self.pages.len())
            .map(|i| self.walk_page(i, sink))
            .collect()
    }

    /// The font of a font dictionary object, decoded once per document.
    fn font(&self, id: ObjectId) -> Option<Arc<Font>> {
        let mut cache = self.fonts.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(f) = cache.get(&id) {
            return Some(f.clone());
        }
        let dict = self.doc.get_object(id).ok()?.as_dict().ok()?;
        let f = Arc::new(Font::load(&self.doc, dict));
        cache.insert(id, f.clone());
        Some(f)
    }

    fn deref<'a>(&'a self, o: &'a Object) -> &'a Object {
        self.doc.dereference(o).map(|(_, o)| o).unwrap_or(o)
    }
}

/// Walks the page tree from the catalog's /Pages, each node once: a /Pages node that
/// lists itself or an ancestor (a cycle), or any node listed a second time, is not
/// followed again and is reported. Returns the pages in order, each with its
/// ancestors (root first), and the problems found.
///
/// Otherwise it reads what lopdf's `get_pages` reads: a kid that does not load as a
/// typed dictionary stands in for a (blank) page; other types are ignored.
fn page_tree(doc: &Document) -> (Vec<(ObjectId, Vec<ObjectId>)>, Vec<Issue>) {
    let mut pages = Vec::new();
    let mut issues = Vec::new();
    let Ok(root) = doc
        .catalog()
        .and_then(|c| c.get(b"Pages"))
        .and_then(Object::as_reference)
    else {
        return (pages, issues);
    };
    let kids_of = |id: ObjectId| -> &[Object] {
        doc.get_dictionary(id)
            .and_then(|d| d.get_deref(b"Kids", doc))
            .and_then(Object::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    };
    let mut seen: HashSet<ObjectId> = HashSet::from([root]);
    let mut path = vec![root];
    let mut stack: Vec<(&[Object], usize)> = vec![(kids_of(root), 0)];
    let repeat = |kid: ObjectId, parent: ObjectId, what: &str| Issue {
        code: PAGE_TREE_CYCLE,
        page: None,
        object: Some(kid),
        message: format!(
            "page tree cycle: /Kids of object {} {} lists {what} {} {} again; read once",
            parent.0, parent.1, kid.0, kid.1
        ),
    };
    while let Some((kids, i)) = stack.last_mut() {
        let Some(kid) = kids.get(*i) else {
            stack.pop();
            path.pop();
            continue;
        };
        *i += 1;
        let Ok(kid_id) = kid.as_reference() else {
            continue;
        };
        let parent = path.last().copied().unwrap_or(root);
        match doc.get_dictionary(kid_id).and_then(Dictionary::get_type) {
            Ok(b"Pages") => {
                if path.contains(&kid_id) {
                    issues.push(repeat(kid_id, parent, "its ancestor /Pages node"));
                } else if !seen.insert(kid_id) {
                    issues.push(repeat(kid_id, parent, "/Pages node"));
                } else if path.len() >= MAX_PAGE_TREE_DEPTH {
                    issues.push(Issue {
                        code: PAGE_LIMIT,
                        page: None,
                        object: Some(kid_id),
                        message: format!(
                            "page tree deeper than {MAX_PAGE_TREE_DEPTH} levels at object {} {}: its pages are not read",
                            kid_id.0, kid_id.1
                        ),
                    });
                } else {
                    path.push(kid_id);
                    stack.push((kids_of(kid_id), 0));
                }
            }
            Ok(b"Page") | Err(_) => {
                if seen.insert(kid_id) {
                    pages.push((kid_id, path.clone()));
                } else {
                    issues.push(repeat(kid_id, parent, "page"));
                }
            }
            Ok(_) => {}
        }
    }
    (pages, issues)
}

/// The first array or dictionary of the file's object syntax (stream data is
/// skipped) with more than [`MAX_FILE_ARRAY_ELEMENTS`] tokens: its byte offset and
/// the count reached. Tokens are counted roughly (a reference `1 0 R` counts 2).
fn oversized_array(bytes: &[u8]) -> Option<(usize, usize)> {
    let n = bytes.len();
    let mut open: Vec<(usize, usize)> = Vec::new(); // (offset, elements)
    let mut i = 0;
    let regular = |b: u8| {
        !matches!(
            b,
            b' ' | b'\t'
                | b'\r'
                | b'\n'
                | b'\x0c'
                | b'\0'
                | b'('
                | b')'
                | b'<'
                | b'>'
                | b'['
                | b']'
                | b'{'
                | b'}'
                | b'/'
                | b'%'
        )
    };
    while i < n {
        let b = bytes[i];
        let mut element = true;
        match b {
            b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0' => {
                i += 1;
                continue;
            }
            b'%' => {
                while i < n && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
                continue;
            }
            b'(' => {
                let mut depth = 0usize;
                while i < n {
                    match bytes[i] {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                i += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
            }
            b'<' if bytes.get(i + 1) == Some(&b'<') => {
                if let Some(top) = open.last_mut() {
                    top.1 += 1;
                }
                open.push((i, 0));
                i += 2;
                continue;
            }
            b'<' => {
                while i < n && bytes[i] != b'>' {
                    i += 1;
                }
                i += 1;
            }
            b'[' => {
                if let Some(top) = open.last_mut() {
                    top.1 += 1;
                }
                open.push((i, 0));
                i += 1;
                continue;
            }
            b']' | b'>' => {
                open.pop();
                i += if b == b'>' && bytes.get(i + 1) == Some(&b'>') {
                    2
                } else {
                    1
                };
                continue;
            }
            b'/' => {
                i += 1;
                while i < n && regular(bytes[i]) {
                    i += 1;
                }
            }
            _ => {
                let start = i;
                while i < n && regular(bytes[i]) {
                    i += 1;
                }
                if i == start {
                    i += 1;
                }
                match &bytes[start..i] {
                    b"stream" => {
                        // skip the data up to "endstream"
                        open.clear();
                        element = false;
                        while i < n && !bytes[i..].starts_with(b"endstream") {
                            i += 1;
                        }
                        i += 9;
                    }
                    b"R" => element = false,
                    b"obj" | b"endobj" => {
                        open.clear();
                        element = false;
                    }
                    _ => {}
                }
            }
        }
        if element {
            if let Some(top) = open.last_mut() {
                top.1 += 1;
                if top.1 > MAX_FILE_ARRAY_ELEMENTS {
                    return Some(*top);
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oversized_arrays_are_found_outside_streams_only() {
        let mut f = b"1 0 obj << /W [ 1 [500 600] 3 0 R ] >> endobj".to_vec();
        assert_eq!(oversized_array(&f), None);
        let mut big = b"2 0 obj [".to_vec();
        big.extend(b"0 ".repeat(MAX_FILE_ARRAY_ELEMENTS + 1));
        big.extend(b"] endobj");
        let mut in_stream = b"3 0 obj << /Length 9 >> stream\n".to_vec();
        in_stream.extend(&big);
        in_stream.extend(b"\nendstream endobj");
        assert_eq!(oversized_array(&in_stream), None);
        f.extend(&big);
        assert_eq!(
            oversized_array(&f).map(|(_, n)| n),
            Some(MAX_FILE_ARRAY_ELEMENTS + 1)
        );
        // a reference counts once per number, strings and names once
        let mut refs = b"[".to_vec();
        refs.extend(b"(x) /N 1 0 R ".repeat(MAX_FILE_ARRAY_ELEMENTS / 4));
        refs.extend(b"]");
        assert_eq!(oversized_array(&refs), None);
    }
}
