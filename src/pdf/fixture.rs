//! Test fixtures: a small PDF builder (over lopdf) that lays out text, rulings,
//! tables and images with chosen font encodings, so tests know exactly what
//! each page holds and where.
//!
//! Fonts are not embedded (text extraction needs no glyph programs); each font
//! dictionary carries its widths, so positions are predictable:
//! - [`FontKind::Identity`]: Type0, Identity-H, CID per character in order of first
//!   use, ToUnicode map; W gives 1000 for non-ASCII, 500 for ASCII.
//! - [`FontKind::IdentityBrokenMap`]: the same, but its ToUnicode has a malformed
//!   entry for [`BROKEN_CHAR`] and a malformed bfrange; everything else maps.
//! - [`FontKind::IdentityEmbedded`]: Identity-H, no ToUnicode, an embedded TrueType
//!   holding only a cmap (char → GID = CID).
//! - [`FontKind::IdentityBare`]: Identity-H, no ToUnicode, no font program: its
//!   text cannot be decoded.
//! - [`FontKind::Gbk`]: Type0, GBK-EUC-H, no ToUnicode; W \[1 95 500\], DW 1000;
//!   its BaseFont is raw GBK bytes ("宋体").
//! - [`FontKind::Ucs2`]: Type0, UniGB-UCS2-H, no ToUnicode; same widths as Gbk.
//! - [`FontKind::WinAnsi`]: TrueType, WinAnsiEncoding, no ToUnicode (a Word
//!   export's digit subset): digits 556, space/comma/period 278, hyphen 333,
//!   other ASCII 500.

use std::collections::BTreeMap;

use lopdf::{dictionary, Dictionary, Document, Object, ObjectId, Stream, StringFormat};

/// The character whose entry is malformed in [`FontKind::IdentityBrokenMap`]'s ToUnicode.
pub const BROKEN_CHAR: char = '出';

/// Page width of fixture pages (A4 landscape), points.
pub const PAGE_W: f64 = 842.0;
/// Page height of fixture pages (A4 landscape), points.
pub const PAGE_H: f64 = 595.0;

/// The font encodings a fixture can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FontKind {
    /// Type0 Identity-H with a ToUnicode map.
    Identity,
    /// Type0 Identity-H whose ToUnicode map has malformed entries.
    IdentityBrokenMap,
    /// Type0 Identity-H without ToUnicode, with an embedded TrueType whose cmap
    /// maps characters to glyphs (GID = CID).
    IdentityEmbedded,
    /// Type0 Identity-H without ToUnicode and without an embedded font: undecodable.
    IdentityBare,
    /// Type0 Identity-V (vertical writing) with a ToUnicode map; default DW2.
    IdentityVertical,
    /// Type0 GBK-EUC-H without ToUnicode.
    Gbk,
    /// Type0 UniGB-UCS2-H without ToUnicode.
    Ucs2,
    /// Simple TrueType, WinAnsiEncoding, without ToUnicode.
    WinAnsi,
}

impl FontKind {
    fn res_name(self) -> &'static str {
        match self {
            FontKind::Identity => "FId",
            FontKind::IdentityBrokenMap => "FBad",
            FontKind::IdentityEmbedded => "FEmb",
            FontKind::IdentityBare => "FBare",
            FontKind::IdentityVertical => "FVert",
            FontKind::Gbk => "FGbk",
            FontKind::Ucs2 => "FUcs",
            FontKind::WinAnsi => "FWin",
        }
    }

    /// Advance of `c` in this font, per 1000 units of font size (the widths the fixture writes).
    pub fn width(self, c: char) -> f64 {
        match self {
            FontKind::WinAnsi => match c {
                '0'..='9' => 556.0,
                ' ' | ',' | '.' => 278.0,
                '-' => 333.0,
                _ => 500.0,
            },
            _ => {
                if c.is_ascii() {
                    500.0
                } else {
                    1000.0
                }
            }
        }
    }
}

/// How a table's grid is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grid {
    /// Stroked lines (m/l/S).
    Stroked,
    /// Thin filled rectangles 0.5pt wide (re f), as WPS and Excel exports do.
    ThinFilled,
    /// No grid.
    None,
}

/// A table to lay out: cell text starts 2pt right of the cell's left edge, the
/// first line's baseline `size + 2` below the row top, further lines (`\n`)
/// every `size + 2` points. A row is as tall as `row_height` or its lines need.
#[derive(Debug, Clone)]
pub struct Table<'a> {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub top: f64,
    /// Column widths.
    pub cols: Vec<f64>,
    /// Minimum row height.
    pub row_height: f64,
    /// Font size.
    pub size: f64,
    /// Font per column (body rows).
    pub fonts: Vec<FontKind>,
    /// The first `header` rows use [`FontKind::Identity`] in every column.
    pub header: usize,
    /// Rows of cells; "" is a blank cell.
    pub rows: Vec<Vec<&'a str>>,
    /// Grid style.
    pub grid: Grid,
}

#[derive(Default)]
struct PageSpec {
    content: Vec<u8>,
    rotate: i64,
    /// Set by [`PdfBuilder::turned`]: the matrix [a b c d e f] from display
    /// coordinates to the stored frame, and the stored page's width and height.
    frame: Option<([f64; 6], f64, f64)>,
}

/// Builds small PDFs for tests.
#[derive(Default)]
pub struct PdfBuilder {
    pages: Vec<PageSpec>,
    tree_rotate: i64,
    cids: BTreeMap<FontKind, BTreeMap<char, u16>>,
    forms: Vec<(String, Vec<u8>)>,
    self_form: bool,
}

fn fmt(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

impl PdfBuilder {
    /// An empty document.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a page and returns its 1-based index.
    pub fn page(&mut self) -> usize {
        self.pages.push(PageSpec::default());
        self.pages.len()
    }

    /// Sets a page's /Rotate.
    pub fn rotate(&mut self, page: usize, degrees: i64) {
        self.pages[page - 1].rotate = degrees;
    }

    /// Sets /Rotate on the page-tree root, which pages without their own inherit.
    pub fn rotate_tree(&mut self, degrees: i64) {
        self.tree_rotate = degrees;
    }

    /// Makes `page` one that a viewer turns clockwise by `degrees` (90, 180 or 270) to
    /// show an A4 landscape page ([`PAGE_W`] × [`PAGE_H`]), drawn as Acrobat Distiller
    /// draws such pages: the stored page is the unturned one (portrait 595 × 842 for 90
    /// and 270, its own MediaBox) and its content is written in that frame — text on a
    /// rotated text matrix (`0 1 -1 0 x y Tm` for 90), lines and rectangles at turned
    /// coordinates. [`text`](Self::text), [`line`](Self::line), the rectangles,
    /// [`image`](Self::image) and [`table`](Self::table) then take display coordinates
    /// (origin at the displayed page's lower-left corner); [`raw`](Self::raw) content is
    /// written as given. Does not set /Rotate: see [`rotate`](Self::rotate),
    /// [`rotate_tree`](Self::rotate_tree), or [`rotated_page`](Self::rotated_page).
    pub fn turned(&mut self, page: usize, degrees: i64) {
        // display (X, Y) → stored (x, y) = (a X + c Y + e, b X + d Y + f): the inverse of
        // turning the stored page clockwise by `degrees`
        let (m, w, h) = match degrees.rem_euclid(360) {
            0 => ([1.0, 0.0, 0.0, 1.0, 0.0, 0.0], PAGE_W, PAGE_H),
            // x = PAGE_H - Y, y = X
            90 => ([0.0, 1.0, -1.0, 0.0, PAGE_H, 0.0], PAGE_H, PAGE_W),
            // x = PAGE_W - X, y = PAGE_H - Y
            180 => ([-1.0, 0.0, 0.0, -1.0, PAGE_W, PAGE_H], PAGE_W, PAGE_H),
            // x = Y, y = PAGE_W - X
            270 => ([0.0, -1.0, 1.0, 0.0, 0.0, PAGE_W], PAGE_H, PAGE_W),
            d => panic!("fixture: a page turns by a multiple of 90 degrees, not {d}"),
        };
        self.pages[page - 1].frame = Some((m, w, h));
    }

    /// Adds a page turned by `degrees` (see [`turned`](Self::turned)) with that /Rotate;
    /// returns its 1-based index.
    pub fn rotated_page(&mut self, degrees: i64) -> usize {
        let p = self.page();
        self.turned(p, degrees);
        self.rotate(p, degrees);
        p
    }

    /// The display-to-stored matrix of `page` (identity unless [`turned`](Self::turned)).
    fn frame(&self, page: usize) -> [f64; 6] {
        self.pages[page - 1]
            .frame
            .map(|f| f.0)
            .unwrap_or([1.0, 0.0, 0.0, 1.0, 0.0, 0.0])
    }

    /// A display point of `page` in its stored frame.
    fn stored(&self, page: usize, x: f64, y: f64) -> (f64, f64) {
        let [a, b, c, d, e, f] = self.frame(page);
        (a * x + c * y + e, b * x + d * y + f)
    }

    /// A display rectangle of `page` as (x, y, w, h) in its stored frame, w and h positive.
    fn stored_rect(&self, page: usize, x: f64, y: f64, w: f64, h: f64) -> (f64, f64, f64, f64) {
        let (ax, ay) = self.stored(page, x, y);
        let (bx, by) = self.stored(page, x + w, y + h);
        (ax.min(bx), ay.min(by), (ax - bx).abs(), (ay - by).abs())
    }

    /// Appends raw content-stream bytes to a page.
    pub fn raw(&mut self, page: usize, ops: &str) {
        let c = &mut self.pages[page - 1].content;
        c.extend_from_slice(ops.as_bytes());
        c.push(b'\n');
    }

    /// The hex string (with angle brackets) that shows `s` in `font`.
    pub fn encode(&mut self, font: FontKind, s: &str) -> String {
        let bytes: Vec<u8> = match font {
            FontKind::Identity
            | FontKind::IdentityBrokenMap
            | FontKind::IdentityEmbedded
            | FontKind::IdentityBare
            | FontKind::IdentityVertical => {
                let map = self.cids.entry(font).or_default();
                let mut out = Vec::new();
                for c in s.chars() {
                    let next = map.len() as u16 + 1;
                    let cid = *map.entry(c).or_insert(next);
                    out.extend_from_slice(&cid.to_be_bytes());
                }
                out
            }
            FontKind::Gbk => {
                let (b, _, bad) = encoding_rs::GBK.encode(s);
                assert!(!bad, "fixture: {s:?} is not GBK-encodable");
                b.into_owned()
            }
            FontKind::Ucs2 => s.encode_utf16().flat_map(|u| u.to_be_bytes()).collect(),
            FontKind::WinAnsi => {
                assert!(
                    s.bytes().all(|b| (0x20..0x7f).contains(&b)),
                    "fixture: WinAnsi font takes ASCII only, got {s:?}"
                );
                s.as_bytes().to_vec()
            }
        };
        let hex: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
        format!("<{hex}>")
    }

    /// Shows `s` with its baseline origin at (x, y), using Tm and Tj.
    pub fn text(&mut self, page: usize, font: FontKind, size: f64, x: f64, y: f64, s: &str) {
        let hex = self.encode(font, s);
        let [a, b, c, d, _, _] = self.frame(page);
        let (x, y) = self.stored(page, x, y);
        let ops = format!(
            "BT /{} {} Tf {} {} {} {} {} {} Tm {} Tj ET",
            font.res_name(),
            fmt(size),
            fmt(a),
            fmt(b),
            fmt(c),
            fmt(d),
            fmt(x),
            fmt(y),
            hex
        );
        self.raw(page, &ops);
    }

    /// A stroked line.
    pub fn line(&mut self, page: usize, x0: f64, y0: f64, x1: f64, y1: f64) {
        let (x0, y0) = self.stored(page, x0, y0);
        let (x1, y1) = self.stored(page, x1, y1);
        let ops = format!(
            "0.5 w {} {} m {} {} l S",
            fmt(x0),
            fmt(y0),
            fmt(x1),
            fmt(y1)
        );
        self.raw(page, &ops);
    }

    /// A filled rectangle.
    pub fn fill_rect(&mut self, page: usize, x: f64, y: f64, w: f64, h: f64) {
        let (x, y, w, h) = self.stored_rect(page, x, y, w, h);
        let ops = format!("{} {} {} {} re f", fmt(x), fmt(y), fmt(w), fmt(h));
        self.raw(page, &ops);
    }

    /// A stroked rectangle.
    pub fn stroke_rect(&mut self, page: usize, x: f64, y: f64, w: f64, h: f64) {
        let (x, y, w, h) = self.stored_rect(page, x, y, w, h);
        let ops = format!("{} {} {} {} re S", fmt(x), fmt(y), fmt(w), fmt(h));
        self.raw(page, &ops);
    }

    /// Draws the 1×1 image XObject /Im1 scaled to the given box.
    pub fn image(&mut self, page: usize, x: f64, y: f64, w: f64, h: f64) {
        let (x, y, w, h) = self.stored_rect(page, x, y, w, h);
        let ops = format!(
            "q {} 0 0 {} {} {} cm /Im1 Do Q",
            fmt(w),
            fmt(h),
            fmt(x),
            fmt(y)
        );
        self.raw(page, &ops);
    }

    /// Adds a form XObject named `name` with `content`; it shares the page's fonts
    /// and XObjects (so forms can draw forms).
    pub fn form(&mut self, name: &str, content: &str) {
        self.forms
            .push((name.to_string(), content.as_bytes().to_vec()));
    }

    /// Adds a form XObject /Loop whose content draws itself (a cycle).
    pub fn self_referencing_form(&mut self) {
        self.self_form = true;
    }

    /// Lays out a table; returns the y of its bottom edge.
    pub fn table(&mut self, page: usize, t: &Table) -> f64 {
        let line_h = t.size + 2.0;
        let mut y = t.top;
        let mut row_tops = vec![y];
        for (ri, row) in t.rows.iter().enumerate() {
            let lines = row.iter().map(|c| c.split('\n').count()).max().unwrap_or(1);
            let h = t.row_height.max(lines as f64 * line_h + 4.0);
            let mut x = t.x;
            for (ci, cell) in row.iter().enumerate() {
                let font = if ri < t.header {
                    FontKind::Identity
                } else {
                    t.fonts.get(ci).copied().unwrap_or(FontKind::Identity)
                };
                for (li, part) in cell.split('\n').enumerate() {
                    if !part.is_empty() {
                        let base = y - line_h - li as f64 * line_h;
                        self.text(page, font, t.size, x + 2.0, base, part);
                    }
                }
                x += t.cols.get(ci).copied().unwrap_or(0.0);
            }
            y -= h;
            row_tops.push(y);
        }
        let width: f64 = t.cols.iter().sum();
        let mut xs = vec![t.x];
        for w in &t.cols {
            xs.push(xs[xs.len() - 1] + w);
        }
        let (top, bottom) = (t.top, y);
        match t.grid {
            Grid::Stroked => {
                for &ry in &row_tops {
                    self.line(page, t.x, ry, t.x + width, ry);
                }
                for &cx in &xs {
                    self.line(page, cx, bottom, cx, top);
                }
            }
            Grid::ThinFilled => {
                for &ry in &row_tops {
                    self.fill_rect(page, t.x, ry - 0.25, width, 0.5);
                }
                for &cx in &xs {
                    self.fill_rect(page, cx - 0.25, bottom, 0.5, top - bottom);
                }
            }
            Grid::None => {}
        }
        bottom
    }

    fn type0(
        doc: &mut Document,
        base: Object,
        encoding: &str,
        w: Vec<Object>,
        to_unicode: Option<ObjectId>,
        font_file: Option<ObjectId>,
    ) -> ObjectId {
        let mut desc = dictionary! {
            "Type" => "Font",
            "Subtype" => "CIDFontType2",
            "BaseFont" => base.clone(),
            "CIDSystemInfo" => dictionary! {
                "Registry" => Object::string_literal("Adobe"),
                "Ordering" => Object::string_literal(if encoding.starts_with("Identity") { "Identity" } else { "GB1" }),
                "Supplement" => 2,
            },
            "DW" => 1000,
            "W" => w,
        };
        if let Some(ff) = font_file {
            desc.set(
                "FontDescriptor",
                dictionary! {
                    "Type" => "FontDescriptor",
                    "FontName" => base.clone(),
                    "Flags" => 4,
                    "FontFile2" => Object::Reference(ff),
                },
            );
            desc.set("CIDToGIDMap", "Identity");
        }
        let desc = doc.add_object(desc);
        let mut d = dictionary! {
            "Type" => "Font",
            "Subtype" => "Type0",
            "BaseFont" => base,
            "Encoding" => Object::Name(encoding.as_bytes().to_vec()),
            "DescendantFonts" => vec![Object::Reference(desc)],
        };
        if let Some(tu) = to_unicode {
            d.set("ToUnicode", Object::Reference(tu));
        }
        doc.add_object(d)
    }

    fn to_unicode(map: &BTreeMap<char, u16>, broken: bool) -> Vec<u8> {
        let mut s = String::from(
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
             /CMapName /Fixture-UCS def\n/CMapType 2 def\n\
             1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
        );
        s.push_str(&format!("{} beginbfchar\n", map.len()));
        for (c, cid) in map {
            let mut units = [0u16; 2];
            let dst: String = c
                .encode_utf16(&mut units)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            if broken && *c == BROKEN_CHAR {
                // a typo in the source code: not hex
                s.push_str(&format!("<{cid:03X}G> <{dst}>\n"));
            } else {
                s.push_str(&format!("<{cid:04X}> <{dst}>\n"));
            }
        }
        s.push_str("endbfchar\n");
        if broken {
            // a range whose end lies before its start, and a truncated entry
            s.push_str("2 beginbfrange\n<0F00> <0E00> <0041>\n<0F10>\nendbfrange\n");
        }
        s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
        s.into_bytes()
    }

    fn build_doc(&self) -> Document {
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let mut fonts = Dictionary::new();
        for kind in [
            FontKind::Identity,
            FontKind::IdentityBrokenMap,
            FontKind::IdentityEmbedded,
            FontKind::IdentityBare,
            FontKind::IdentityVertical,
        ] {
            let empty = BTreeMap::new();
            let map = self.cids.get(&kind).unwrap_or(&empty);
            let tu = matches!(
                kind,
                FontKind::Identity | FontKind::IdentityBrokenMap | FontKind::IdentityVertical
            )
            .then(|| {
                doc.add_object(Stream::new(
                    dictionary! {},
                    Self::to_unicode(map, kind == FontKind::IdentityBrokenMap),
                ))
            });
            let ff = (kind == FontKind::IdentityEmbedded).then(|| {
                // GID = CID (CIDToGIDMap Identity); the font's cmap maps char → GID
                let pairs: Vec<(char, u16)> = map.iter().map(|(c, g)| (*c, *g)).collect();
                doc.add_object(Stream::new(
                    dictionary! {},
                    crate::pdf::truetype::minimal_font_with_cmap(&pairs),
                ))
            });
            let mut w = Vec::new();
            for (c, cid) in map {
                w.push(Object::Integer(*cid as i64));
                w.push(Object::Array(vec![Object::Integer(kind.width(*c) as i64)]));
            }
            let id = Self::type0(
                &mut doc,
                Object::Name(b"ABCDEF+SimSun".to_vec()),
                if kind == FontKind::IdentityVertical {
                    "Identity-V"
                } else {
                    "Identity-H"
                },
                w,
                tu,
                ff,
            );
            fonts.set(kind.res_name(), Object::Reference(id));
        }
        let gb_w = || {
            vec![
                Object::Integer(1),
                Object::Integer(95),
                Object::Integer(500),
            ]
        };
        let gbk = Self::type0(
            &mut doc,
            Object::Name(b"\xcb\xce\xcc\xe5".to_vec()),
            "GBK-EUC-H",
            gb_w(),
            None,
            None,
        );
        fonts.set(FontKind::Gbk.res_name(), Object::Reference(gbk));
        let ucs = Self::type0(
            &mut doc,
            Object::Name(b"STSong-Light".to_vec()),
            "UniGB-UCS2-H",
            gb_w(),
            None,
            None,
        );
        fonts.set(FontKind::Ucs2.res_name(), Object::Reference(ucs));
        let widths: Vec<Object> = (32u8..127)
            .map(|b| Object::Integer(FontKind::WinAnsi.width(b as char) as i64))
            .collect();
        let win = doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "TrueType",
            "BaseFont" => "TimesNewRomanPSMT",
            "Encoding" => "WinAnsiEncoding",
            "FirstChar" => 32,
            "LastChar" => 126,
            "Widths" => widths,
        });
        fonts.set(FontKind::WinAnsi.res_name(), Object::Reference(win));

        let image = doc.add_object(Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Image", "Width" => 1, "Height" => 1,
                "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
            },
            vec![0x80],
        ));
        let mut xobjects = dictionary! { "Im1" => Object::Reference(image) };
        let fonts_id = doc.add_object(fonts);
        // forms share the page's fonts and XObjects, so they can draw each other
        let xobjects_id = doc.new_object_id();
        for (name, content) in &self.forms {
            let f = doc.add_object(Stream::new(
                dictionary! {
                    "Type" => "XObject", "Subtype" => "Form",
                    "BBox" => vec![0.into(), 0.into(), PAGE_W.into(), PAGE_H.into()],
                    "Resources" => dictionary! {
                        "Font" => Object::Reference(fonts_id),
                        "XObject" => Object::Reference(xobjects_id),
                    },
                },
                content.clone(),
            ));
            xobjects.set(name.as_str(), Object::Reference(f));
        }
        if self.self_form {
            let id = doc.new_object_id();
            let st = Stream::new(
                dictionary! {
                    "Type" => "XObject", "Subtype" => "Form",
                    "BBox" => vec![0.into(), 0.into(), 10.into(), 10.into()],
                    "Resources" => dictionary! {
                        "XObject" => dictionary! { "Loop" => Object::Reference(id) },
                    },
                },
                b"0 0 10 0.5 re f /Loop Do".to_vec(),
            );
            doc.objects.insert(id, Object::Stream(st));
            xobjects.set("Loop", Object::Reference(id));
        }
        doc.objects
            .insert(xobjects_id, Object::Dictionary(xobjects));
        let resources = doc.add_object(dictionary! {
            "Font" => Object::Reference(fonts_id),
            "XObject" => Object::Reference(xobjects_id),
        });
        let mut kids = Vec::new();
        for p in &self.pages {
            let mut st = Stream::new(dictionary! {}, p.content.clone());
            let _ = st.compress();
            let content = doc.add_object(st);
            let mut pd = dictionary! {
                "Type" => "Page",
                "Parent" => Object::Reference(pages_id),
                "Contents" => Object::Reference(content),
            };
            if p.rotate != 0 {
                pd.set("Rotate", p.rotate);
            }
            if let Some((_, w, h)) = p.frame {
                pd.set("MediaBox", vec![0.into(), 0.into(), w.into(), h.into()]);
            }
            kids.push(Object::Reference(doc.add_object(pd)));
        }
        let count = kids.len() as i64;
        let mut root = dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => count,
            "Resources" => Object::Reference(resources),
            "MediaBox" => vec![0.into(), 0.into(), PAGE_W.into(), PAGE_H.into()],
        };
        if self.tree_rotate != 0 {
            root.set("Rotate", self.tree_rotate);
        }
        doc.objects.insert(pages_id, Object::Dictionary(root));
        let catalog = doc.add_object(dictionary! {
            "Type" => "Catalog",
            "Pages" => Object::Reference(pages_id),
        });
        doc.trailer.set("Root", Object::Reference(catalog));
        doc.trailer.set(
            "ID",
            Object::Array(vec![
                Object::String(b"budget-tables-fx01".to_vec(), StringFormat::Literal),
                Object::String(b"budget-tables-fx01".to_vec(), StringFormat::Literal),
            ]),
        );
        doc
    }

    /// The PDF file's bytes.
    pub fn build(&self) -> Vec<u8> {
        let mut doc = self.build_doc();
        let mut out = Vec::new();
        doc.save_to(&mut out).expect("fixture: lopdf save failed");
        out
    }

    /// The PDF encrypted (RC4 128-bit) with the given user and owner passwords.
    pub fn build_encrypted(&self, user: &str, owner: &str) -> Vec<u8> {
        let mut doc = self.build_doc();
        let version = lopdf::EncryptionVersion::V2 {
            document: &doc,
            owner_password: owner,
            user_password: user,
            key_length: 128,
            permissions: lopdf::Permissions::all(),
        };
        let state = lopdf::EncryptionState::try_from(version).expect("fixture: encryption state");
        doc.encrypt(&state).expect("fixture: encrypt");
        let mut out = Vec::new();
        doc.save_to(&mut out).expect("fixture: lopdf save failed");
        out
    }
}

/// A two-page 部门支出预算总表 as budget PDFs print it: title, 编制部门 and 单位：元, then a
/// ruled table whose `rows` fill page 1 and whose `last` row (the 合计) stands on page 2 under
/// a repeated header. Codes are WinAnsi digits and names a GBK-EUC-H font, both without
/// ToUnicode; amounts use WinAnsi, Identity-H and UCS-2 fonts. A "\n" in a cell wraps it.
pub fn expenditure_summary_pdf(
    department: &str,
    rows: &[[&str; 5]],
    last: [&str; 5],
    grid: Grid,
) -> Vec<u8> {
    expenditure_summary_pdf_turned(department, rows, last, grid, 0)
}

/// [`expenditure_summary_pdf`] on pages stored unturned with /Rotate `degrees` (0, 90,
/// 180 or 270), drawn as Acrobat Distiller draws A3 landscape tables (see
/// [`PdfBuilder::turned`]): displayed, both pages look like the unrotated fixture's.
pub fn expenditure_summary_pdf_turned(
    department: &str,
    rows: &[[&str; 5]],
    last: [&str; 5],
    grid: Grid,
    degrees: i64,
) -> Vec<u8> {
    fn new_page(b: &mut PdfBuilder, degrees: i64) -> usize {
        if degrees == 0 {
            b.page()
        } else {
            b.rotated_page(degrees)
        }
    }
    fn layout<'a>(top: f64, rows: Vec<Vec<&'a str>>, grid: Grid) -> Table<'a> {
        Table {
            x: 40.0,
            top,
            cols: vec![80.0, 200.0, 110.0, 110.0, 110.0],
            row_height: 20.0,
            size: 10.0,
            fonts: vec![
                FontKind::WinAnsi,
                FontKind::Gbk,
                FontKind::WinAnsi,
                FontKind::Identity,
                FontKind::Ucs2,
            ],
            header: 1,
            rows,
            grid,
        }
    }
    const HEADER: [&str; 5] = ["科目编码", "科目名称", "合计", "基本支出", "项目支出"];
    let mut b = PdfBuilder::new();
    let p1 = new_page(&mut b, degrees);
    b.text(
        p1,
        FontKind::Identity,
        16.0,
        300.0,
        560.0,
        "2025年部门支出预算总表",
    );
    b.text(
        p1,
        FontKind::Identity,
        10.0,
        40.0,
        535.0,
        &format!("编制部门：{department}"),
    );
    b.text(p1, FontKind::Identity, 10.0, 700.0, 535.0, "单位：元");
    let page1: Vec<Vec<&str>> = std::iter::once(HEADER.to_vec())
        .chain(rows.iter().map(|r| r.to_vec()))
        .collect();
    b.table(p1, &layout(520.0, page1, grid));
    let p2 = new_page(&mut b, degrees);
    b.table(
        p2,
        &layout(560.0, vec![HEADER.to_vec(), last.to_vec()], grid),
    );
    b.build()
}
