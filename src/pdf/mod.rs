//! PDF reading layer: opens a PDF with lopdf and interprets page content streams,
//! reporting what each page draws — glyphs with their decoded text and position,
//! ruling lines, images — to a [`PageSink`]. It knows nothing about tables.
//!
//! Coordinates are PDF user space after the CTM: points, y up, origin at the
//! media box's lower-left corner as the file defines it (page rotation is
//! reported in [`PageInfo::rotate`], not applied).
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
pub mod fixture;
pub mod font;
mod interp;
mod lines;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use lopdf::{Document, Object, ObjectId};

pub use error::PdfError;
pub use font::Font;
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
    /// The (inherited) MediaBox.
    pub media_box: Rect,
    /// The visible area: CropBox clipped to the MediaBox (the MediaBox when absent).
    pub crop_box: Rect,
    /// /Rotate in degrees (0, 90, 180, 270).
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
    /// True for text render mode 3 (invisible, e.g. an OCR layer).
    pub invisible: bool,
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
    /// Character codes that could not be decoded (not emitted).
    pub undecodable: usize,
    /// Glyphs whose origin lies outside the crop box (invisible; not emitted).
    pub offpage: usize,
    /// Image XObjects and inline images drawn.
    pub images: usize,
    /// Ruling lines emitted.
    pub rulings: usize,
    /// Images but no visible glyph: probably a scanned page without a text layer.
    pub scanned: bool,
    /// Non-fatal problems (missing font or XObject, undecodable stream, ...).
    pub warnings: Vec<String>,
}

/// Receives what a page draws, in page space (PDF user space after CTM, y up, points).
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
        // lopdf should not panic on bad input, but a batch must go on if it does.
        let loaded = std::panic::catch_unwind(|| Document::load_mem(bytes)).map_err(|_| {
            PdfError::Corrupt {
                file: file.clone(),
                detail: "the PDF parser gave up (internal panic)".into(),
            }
        })?;
        let doc = loaded.map_err(|e| PdfError::Corrupt {
            file: file.clone(),
            detail: e.to_string(),
        })?;
        // lopdf decrypts files whose user password is empty while loading; for
        // any other password it leaves the document encrypted and unreadable.
        if doc.is_encrypted() && doc.encryption_state.is_none() {
            return Err(PdfError::Encrypted { file });
        }
        let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
        if pages.is_empty() {
            return Err(PdfError::Corrupt {
                file,
                detail: "no pages found (page tree missing or unreadable)".into(),
            });
        }
        Ok(PdfFile {
            name: file,
            doc,
            pages,
            fonts: Mutex::new(HashMap::new()),
        })
    }

    /// The name given at opening (path or label), used in errors.
    pub fn name(&self) -> &str {
        &self.name
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
        interp::walk(self, index, page_id, sink)
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
