//! The content-stream interpreter: graphics and text state, paths, XObjects.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

use lopdf::{Dictionary, Object, ObjectId};

use super::content::{Lexer, Operand, MAX_ARRAY_ITEMS};
use super::font::Font;
use super::stream::{decode, Decoded};
use super::{
    Glyph, Issue, PageInfo, PageReport, PageSink, PdfError, PdfFile, Rect, Ruling, RulingSource,
    PAGE_LIMIT, PAGE_TREE_CYCLE, REFERENCE_CYCLE, STREAM_DAMAGED, THIN_RECT,
};

// Work limits of one page. Reaching one stops the page with `PdfError::Limit`
// (`layout::read_pages` turns that into a `page_limit` warning and goes on with
// the next page): a small hostile file must not demand unbounded time or memory.

/// Form XObjects nested deeper than this are an error (lopdf limits reference chains to 128).
pub const MAX_XOBJECT_DEPTH: usize = 16;
/// Decoded bytes per page: content streams (each repetition counted) plus form
/// XObject streams. Real budget pages decode to well under a megabyte.
pub const MAX_PAGE_BYTES: usize = 64 << 20;
/// Entries of a page's /Contents array (a stream listed twice counts twice).
pub const MAX_CONTENT_STREAMS: usize = 10_000;
/// Operator count limit per page, XObjects included (the corpus's busiest page,
/// of 4,339, has 58,939).
pub const MAX_OPS_PER_PAGE: usize = 2_000_000;
/// Character codes one text-showing operator (Tj, TJ, ', ") may show.
pub const MAX_GLYPHS_PER_OP: usize = 100_000;
/// Character codes shown per page, XObjects included (the corpus's densest page
/// shows 3,986).
pub const MAX_GLYPHS_PER_PAGE: usize = 200_000;
/// Glyph origins this far (points) outside the crop box still count as on the page.
/// Zero: a Word export's overflow line with its baseline 0.95pt below the page
/// edge is repeated on the next page, and poppler drops it too.
pub const OFFPAGE_TOLERANCE: f64 = 0.0;
/// Paint lighter than this is white: its lines are not emitted as rulings.
pub const WHITE_LIGHTNESS: f64 = 0.95;
/// A page without visible text is reported scanned when its images cover at
/// least this share of the crop box.
pub const SCANNED_MIN_COVER: f64 = 0.25;
/// Deeper `q` nesting is ignored (its `Q` too).
pub const MAX_GSTATE_DEPTH: usize = 1024;

/// An affine matrix [a b c d e f].
#[derive(Debug, Clone, Copy, PartialEq)]
struct M([f64; 6]);

const ID: M = M([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

impl M {
    /// self × other (apply self first, then other).
    fn mul(&self, o: &M) -> M {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = o.0;
        M([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }
    fn apply(&self, x: f64, y: f64) -> (f64, f64) {
        let [a, b, c, d, e, f] = self.0;
        (a * x + c * y + e, b * x + d * y + f)
    }
    /// The bounding box of a rectangle's image.
    fn apply_rect(&self, r: &Rect) -> Rect {
        bbox(&[
            self.apply(r.x0, r.y0),
            self.apply(r.x1, r.y0),
            self.apply(r.x0, r.y1),
            self.apply(r.x1, r.y1),
        ])
    }
    fn translate_pre(&mut self, tx: f64, ty: f64) {
        // [1 0 0 1 tx ty] × self
        let [a, b, c, d, e, f] = self.0;
        self.0[4] = tx * a + ty * c + e;
        self.0[5] = tx * b + ty * d + f;
    }
}

/// The matrix from a page's own frame (its content's default user space) to display
/// space, the page as a viewer shows it after turning it clockwise by `rotate` degrees
/// (/Rotate, already reduced to 0..360): origin at the lower-left corner of the turned
/// crop box, x to the right, y up. Rotation 0 keeps the file's frame unchanged (the
/// identity, so unrotated pages read exactly as they are drawn). `None` when `rotate`
/// is not a multiple of 90.
fn display_matrix(rotate: i64, crop: &Rect) -> Option<M> {
    let Rect { x0, y0, x1, y1 } = *crop;
    match rotate {
        0 => Some(ID),
        // the left edge becomes the top: x' = y - y0, y' = x1 - x
        90 => Some(M([0.0, -1.0, 1.0, 0.0, -y0, x1])),
        // upside down: x' = x1 - x, y' = y1 - y
        180 => Some(M([-1.0, 0.0, 0.0, -1.0, x1, y1])),
        // the right edge becomes the top: x' = y1 - y, y' = x - x0
        270 => Some(M([0.0, 1.0, -1.0, 0.0, y1, -x0])),
        _ => None,
    }
}

#[derive(Clone)]
struct GState {
    ctm: M,
    tc: f64,
    tw: f64,
    th: f64,
    tl: f64,
    rise: f64,
    fs: f64,
    render: i64,
    font: Option<Arc<Font>>,
    /// Lightness of the fill and stroke colours, 0 = black … 1 = white.
    fill_light: f64,
    stroke_light: f64,
    line_width: f64,
}

/// Lightness (0 black … 1 white) of a colour given by 1 (gray), 3 (RGB) or 4 (CMYK)
/// components; other counts (patterns, Lab, …) count as dark enough to see.
fn lightness(ops: &[Operand]) -> f64 {
    let v: Vec<f64> = ops.iter().filter_map(Operand::num).collect();
    match v.as_slice() {
        [g] => *g,
        [r, g, b] => 0.3 * r + 0.59 * g + 0.11 * b,
        [c, m, y, k] => 1.0 - (0.3 * c + 0.59 * m + 0.11 * y + k).min(1.0),
        _ => 0.0,
    }
}

struct SubPath {
    pts: Vec<(f64, f64)>,
    closed: bool,
    curved: bool,
}

struct Interp<'a, S: PageSink> {
    pdf: &'a PdfFile,
    sink: &'a mut S,
    page: usize,
    gs: GState,
    stack: Vec<GState>,
    skipped_q: usize,
    tm: M,
    tlm: M,
    path: Vec<SubPath>,
    report: PageReport,
    visible_glyphs: usize,
    /// Sum of image areas, clipped to the crop box.
    image_area: f64,
    ops: usize,
    text: String,
    form_stack: Vec<ObjectId>,
    /// Streams decoded on this page, by object: a stream repeated in /Contents or a
    /// form drawn many times is decoded (and checked) once.
    decoded: HashMap<ObjectId, Rc<Vec<u8>>>,
    /// Decoded bytes so far (each distinct stream once, /Contents repetitions each time).
    bytes: usize,
    /// Character codes shown by the current operator and on the page.
    op_glyphs: usize,
    page_glyphs: usize,
    /// A limit reached inside an operator; the page stops after it.
    limit_hit: Option<String>,
    /// Problems already reported on this page (one issue per font or object).
    noted: HashSet<(&'static str, ObjectId)>,
    /// Crop box grown by a tolerance: glyph origins outside it are off the page.
    visible: Rect,
}

fn nums<const N: usize>(ops: &[Operand]) -> Option<[f64; N]> {
    if ops.len() < N {
        return None;
    }
    let tail = &ops[ops.len() - N..];
    let mut out = [0.0; N];
    for (o, t) in out.iter_mut().zip(tail) {
        *o = t.num()?;
    }
    Some(out)
}

fn rect_of(o: Option<&Object>, pdf: &PdfFile) -> Option<Rect> {
    let a = pdf.deref(o?).as_array().ok()?;
    let v: Vec<f64> = a
        .iter()
        .filter_map(|x| match pdf.deref(x) {
            Object::Integer(i) => Some(*i as f64),
            Object::Real(r) => Some(*r as f64),
            _ => None,
        })
        .collect();
    if v.len() != 4 {
        return None;
    }
    Some(Rect {
        x0: v[0].min(v[2]),
        y0: v[1].min(v[3]),
        x1: v[0].max(v[2]),
        y1: v[1].max(v[3]),
    })
}

/// /Parent links followed when looking up inherited attributes.
pub const MAX_INHERIT_DEPTH: usize = 64;

/// The dictionaries a page inherits from, nearest first: the page, then its /Parent
/// chain. A chain that comes back to a node already in it (a /Parent cycle) is cut
/// there, reported, and continued with the page's ancestors as the page-tree walk
/// found them, so MediaBox and Resources still come from the real tree.
fn ancestry<'a>(
    pdf: &'a PdfFile,
    page_id: ObjectId,
    page: &'a Dictionary,
    tree_path: &[ObjectId],
    index: usize,
) -> (Vec<&'a Dictionary>, Option<Issue>) {
    let mut chain = vec![page];
    let mut ids = vec![page_id];
    let mut d = page;
    let mut issue = None;
    for _ in 0..MAX_INHERIT_DEPTH {
        let Ok(parent) = d.get(b"Parent") else { break };
        let pid = parent.as_reference().ok();
        if let Some(pid) = pid.filter(|p| ids.contains(p)) {
            issue = Some(Issue {
                code: PAGE_TREE_CYCLE,
                page: Some(index),
                object: Some(pid),
                message: format!(
                    "page {index}: page tree cycle: the /Parent chain of page object {} {} comes back to object {} {}; inherited attributes are taken from the page tree instead",
                    page_id.0, page_id.1, pid.0, pid.1
                ),
            });
            break;
        }
        let Ok(next) = pdf.deref(parent).as_dict() else {
            break;
        };
        ids.extend(pid);
        chain.push(next);
        d = next;
    }
    if issue.is_some() {
        for id in tree_path.iter().rev() {
            if !ids.contains(id) {
                if let Ok(dict) = pdf.doc.get_dictionary(*id) {
                    chain.push(dict);
                }
            }
        }
    }
    (chain, issue)
}

/// Looks a key up in the page dictionary or its ancestors (see [`ancestry`]).
fn inherited<'a>(chain: &[&'a Dictionary], key: &[u8]) -> Option<&'a Object> {
    chain.iter().find_map(|d| d.get(key).ok())
}

/// Resolves a reference; `Err` with the first object when the references loop
/// (lopdf stops after 128 hops) or point nowhere.
fn resolve<'a>(pdf: &'a PdfFile, o: &'a Object) -> Result<&'a Object, (ObjectId, bool)> {
    match pdf.doc.dereference(o) {
        Ok((_, o)) => Ok(o),
        Err(e) => {
            let id = o.as_reference().unwrap_or((0, 0));
            Err((
                id,
                matches!(
                    e,
                    lopdf::Error::ReferenceLimit | lopdf::Error::ReferenceCycle(_)
                ),
            ))
        }
    }
}

pub(super) fn walk<S: PageSink>(
    pdf: &PdfFile,
    index: usize,
    page_id: ObjectId,
    tree_path: &[ObjectId],
    sink: &mut S,
) -> Result<PageReport, PdfError> {
    let page_err = |detail: String| PdfError::Page {
        file: pdf.name.clone(),
        page: index,
        detail,
    };
    let page = pdf
        .doc
        .get_dictionary(page_id)
        .map_err(|e| page_err(format!("page object unreadable: {e}")))?;
    let (chain, parent_cycle) = ancestry(pdf, page_id, page, tree_path, index);
    let media_box = rect_of(inherited(&chain, b"MediaBox"), pdf).unwrap_or(Rect {
        x0: 0.0,
        y0: 0.0,
        x1: 612.0,
        y1: 792.0,
    });
    let rotate = inherited(&chain, b"Rotate")
        .and_then(|o| match pdf.deref(o) {
            Object::Integer(i) => Some(*i),
            Object::Real(r) if r.fract() == 0.0 && r.abs() < 1e6 => Some(*r as i64),
            _ => None,
        })
        .unwrap_or(0)
        .rem_euclid(360);
    let crop_box = rect_of(inherited(&chain, b"CropBox"), pdf)
        .map(|c| Rect {
            x0: c.x0.max(media_box.x0),
            y0: c.y0.max(media_box.y0),
            x1: c.x1.min(media_box.x1),
            y1: c.y1.min(media_box.y1),
        })
        .filter(|c| c.x1 > c.x0 && c.y1 > c.y0)
        .unwrap_or(media_box);
    // everything the sink sees is in display space: the page as a viewer shows it
    let (display, rotate_note) = match display_matrix(rotate, &crop_box) {
        Some(m) => (m, None),
        None => (
            ID,
            Some(format!(
                "page {index}: /Rotate {rotate} is not a multiple of 90; the page is read unrotated"
            )),
        ),
    };
    let crop_box = display.apply_rect(&crop_box);
    let info = PageInfo {
        index,
        media_box: display.apply_rect(&media_box),
        crop_box,
        rotate,
    };
    sink.begin_page(&info);

    let resources_entry = inherited(&chain, b"Resources");
    let mut it = Interp {
        pdf,
        sink,
        page: index,
        gs: GState {
            ctm: display,
            tc: 0.0,
            tw: 0.0,
            th: 1.0,
            tl: 0.0,
            rise: 0.0,
            fs: 0.0,
            render: 0,
            font: None,
            fill_light: 0.0,
            stroke_light: 0.0,
            line_width: 1.0,
        },
        stack: Vec::new(),
        skipped_q: 0,
        tm: ID,
        tlm: ID,
        path: Vec::new(),
        report: PageReport {
            page: index,
            issues: parent_cycle.into_iter().collect(),
            warnings: rotate_note.into_iter().collect(),
            ..Default::default()
        },
        visible_glyphs: 0,
        image_area: 0.0,
        ops: 0,
        text: String::new(),
        form_stack: Vec::new(),
        decoded: HashMap::new(),
        bytes: 0,
        op_glyphs: 0,
        page_glyphs: 0,
        limit_hit: None,
        noted: HashSet::new(),
        visible: Rect {
            x0: crop_box.x0 - OFFPAGE_TOLERANCE,
            y0: crop_box.y0 - OFFPAGE_TOLERANCE,
            x1: crop_box.x1 + OFFPAGE_TOLERANCE,
            y1: crop_box.y1 + OFFPAGE_TOLERANCE,
        },
    };

    let resources = resources_entry
        .and_then(|o| it.resolve(o))
        .and_then(|o| o.as_dict().ok());
    // Contents: a stream or an array of streams, concatenated.
    let mut data = Vec::new();
    if let Ok(c) = page.get(b"Contents") {
        let parts: Vec<&Object> = match it.resolve(c) {
            Some(Object::Array(a)) => a.iter().collect(),
            Some(_) => vec![c],
            None => Vec::new(),
        };
        if parts.len() > MAX_CONTENT_STREAMS {
            return Err(it.limit(format!(
                "/Contents lists {} streams, more than {MAX_CONTENT_STREAMS}",
                parts.len()
            )));
        }
        for p in parts {
            match it.resolve(p).map(|o| o.as_stream()) {
                Some(Ok(s)) => {
                    let id = p.as_reference().ok();
                    let b = it.stream_data(id, s, "content stream")?;
                    if data.len() + b.len() > MAX_PAGE_BYTES {
                        return Err(it.limit(format!(
                            "page content decodes to more than {} MiB",
                            MAX_PAGE_BYTES >> 20
                        )));
                    }
                    data.extend_from_slice(&b);
                    data.push(b'\n');
                }
                Some(Err(_)) => it
                    .report
                    .warnings
                    .push("content entry is not a stream".to_string()),
                None => {}
            }
        }
    }
    it.run(&data, resources, 0)?;
    for i in &it.report.issues {
        it.report.warnings.push(i.message.clone());
    }
    it.report.ops = it.ops;
    let mut report = std::mem::take(&mut it.report);
    let page_area = (crop_box.x1 - crop_box.x0) * (crop_box.y1 - crop_box.y0);
    if report.images > 0 && it.visible_glyphs == 0 {
        // a logo alone on an empty page is not a scan: images must cover a good part
        if it.image_area >= SCANNED_MIN_COVER * page_area {
            report.scanned = true;
            report
                .warnings
                .push("scanned: page is an image with no text layer".to_string());
        } else {
            report
                .warnings
                .push("no text: page has only small images".to_string());
        }
    }
    it.sink.end_page(&report);
    Ok(report)
}

impl<'a, S: PageSink> Interp<'a, S> {
    /// Resolves a reference, reporting a reference cycle (once per object).
    fn resolve(&mut self, o: &'a Object) -> Option<&'a Object> {
        match resolve(self.pdf, o) {
            Ok(o) => Some(o),
            Err((id, true)) => {
                if self.noted.insert((REFERENCE_CYCLE, id)) {
                    let page = self.page;
                    self.report.issues.push(Issue {
                        code: REFERENCE_CYCLE,
                        page: Some(page),
                        object: Some(id),
                        message: format!(
                            "page {page}: reference cycle: object {} {} refers to itself through other references; not read",
                            id.0, id.1
                        ),
                    });
                }
                None
            }
            Err(_) => None,
        }
    }

    /// A stream's decoded bytes (decoded once per page), reporting damage.
    fn stream_data(
        &mut self,
        id: Option<ObjectId>,
        s: &lopdf::Stream,
        what: &str,
    ) -> Result<Rc<Vec<u8>>, PdfError> {
        if let Some(b) = id.and_then(|id| self.decoded.get(&id)) {
            return Ok(b.clone());
        }
        let left = MAX_PAGE_BYTES.saturating_sub(self.bytes);
        let too_large = || {
            format!(
                "page streams decode to more than {} MiB",
                MAX_PAGE_BYTES >> 20
            )
        };
        let bytes = match decode(s, left) {
            Decoded::TooLarge => return Err(self.limit(too_large())),
            Decoded::Bytes(b, damage) => {
                if let Some(why) = damage {
                    let page = self.page;
                    let obj = id
                        .map(|i| format!("object {} {}", i.0, i.1))
                        .unwrap_or_else(|| "a direct object".into());
                    self.report.issues.push(Issue {
                        code: STREAM_DAMAGED,
                        page: Some(page),
                        object: id,
                        message: format!(
                            "page {page}: {what} {obj} is damaged: {why}; what the page shows may be wrong or missing"
                        ),
                    });
                }
                Rc::new(b)
            }
        };
        self.bytes += bytes.len();
        if self.bytes > MAX_PAGE_BYTES {
            return Err(self.limit(too_large()));
        }
        if let Some(id) = id {
            self.decoded.insert(id, bytes.clone());
        }
        Ok(bytes)
    }

    fn limit(&self, what: String) -> PdfError {
        PdfError::Limit {
            file: self.pdf.name.clone(),
            page: self.page,
            what,
        }
    }

    fn run(
        &mut self,
        data: &[u8],
        resources: Option<&'a Dictionary>,
        depth: usize,
    ) -> Result<(), PdfError> {
        let mut lx = Lexer::new(data);
        let mut ops: Vec<Operand> = Vec::with_capacity(16);
        while let Some(op) = lx.next_op(&mut ops) {
            self.ops += 1;
            if self.ops > MAX_OPS_PER_PAGE {
                return Err(self.limit(format!(
                    "more than {MAX_OPS_PER_PAGE} operators on one page"
                )));
            }
            if lx.dropped() > 0 {
                return Err(self.limit(format!(
                    "an array operand with more than {MAX_ARRAY_ITEMS} items"
                )));
            }
            self.op_glyphs = 0;
            self.op(op, &ops, resources, depth)?;
            if let Some(what) = self.limit_hit.take() {
                return Err(self.limit(what));
            }
        }
        Ok(())
    }

    fn op(
        &mut self,
        op: &[u8],
        ops: &[Operand],
        res: Option<&'a Dictionary>,
        depth: usize,
    ) -> Result<(), PdfError> {
        match op {
            // graphics state
            b"q" => {
                if self.stack.len() < MAX_GSTATE_DEPTH {
                    self.stack.push(self.gs.clone());
                } else {
                    self.skipped_q += 1;
                }
            }
            b"Q" => {
                if self.skipped_q > 0 {
                    self.skipped_q -= 1;
                } else if let Some(g) = self.stack.pop() {
                    self.gs = g;
                }
            }
            b"cm" => {
                if let Some(m) = nums::<6>(ops) {
                    self.gs.ctm = M(m).mul(&self.gs.ctm);
                }
            }
            // colours (only their lightness matters: white rules are invisible)
            b"g" | b"rg" | b"k" | b"sc" | b"scn" => self.gs.fill_light = lightness(ops),
            b"G" | b"RG" | b"K" | b"SC" | b"SCN" => self.gs.stroke_light = lightness(ops),
            b"w" => {
                if let Some([v]) = nums::<1>(ops) {
                    self.gs.line_width = v.abs();
                }
            }
            b"cs" => self.gs.fill_light = 0.0,
            b"CS" => self.gs.stroke_light = 0.0,
            // text objects and state
            b"BT" => {
                self.tm = ID;
                self.tlm = ID;
            }
            b"ET" => {}
            b"Tc" => {
                if let Some([v]) = nums::<1>(ops) {
                    self.gs.tc = v;
                }
            }
            b"Tw" => {
                if let Some([v]) = nums::<1>(ops) {
                    self.gs.tw = v;
                }
            }
            b"Tz" => {
                if let Some([v]) = nums::<1>(ops) {
                    self.gs.th = v / 100.0;
                }
            }
            b"TL" => {
                if let Some([v]) = nums::<1>(ops) {
                    self.gs.tl = v;
                }
            }
            b"Ts" => {
                if let Some([v]) = nums::<1>(ops) {
                    self.gs.rise = v;
                }
            }
            b"Tr" => {
                if let Some([v]) = nums::<1>(ops) {
                    self.gs.render = v as i64;
                }
            }
            b"Tf" => {
                if let [.., Operand::Name(n), Operand::Num(size)] = ops {
                    self.gs.fs = *size;
                    self.gs.font = self.lookup_font(res, n);
                }
            }
            b"Td" => {
                if let Some([tx, ty]) = nums::<2>(ops) {
                    self.tlm.translate_pre(tx, ty);
                    self.tm = self.tlm;
                }
            }
            b"TD" => {
                if let Some([tx, ty]) = nums::<2>(ops) {
                    self.gs.tl = -ty;
                    self.tlm.translate_pre(tx, ty);
                    self.tm = self.tlm;
                }
            }
            b"Tm" => {
                if let Some(m) = nums::<6>(ops) {
                    self.tm = M(m);
                    self.tlm = self.tm;
                }
            }
            b"T*" => self.next_line(),
            b"Tj" => {
                if let Some(Operand::Str(s)) = ops.last() {
                    self.show(s);
                }
            }
            b"'" => {
                self.next_line();
                if let Some(Operand::Str(s)) = ops.last() {
                    self.show(s);
                }
            }
            b"\"" => {
                if let [.., Operand::Num(aw), Operand::Num(ac), Operand::Str(s)] = ops {
                    self.gs.tw = *aw;
                    self.gs.tc = *ac;
                    self.next_line();
                    self.show(s);
                }
            }
            b"TJ" => {
                if let Some(Operand::Array(items)) = ops.last() {
                    for item in items {
                        if self.limit_hit.is_some() {
                            break;
                        }
                        match item {
                            Operand::Str(s) => self.show(s),
                            Operand::Num(n) => {
                                let adj = -n / 1000.0 * self.gs.fs;
                                if self.gs.font.as_ref().is_some_and(|f| f.vertical) {
                                    self.tm.translate_pre(0.0, adj);
                                } else {
                                    self.tm.translate_pre(adj * self.gs.th, 0.0);
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            // paths
            b"m" => {
                if let Some([x, y]) = nums::<2>(ops) {
                    let p = self.gs.ctm.apply(x, y);
                    self.path.push(SubPath {
                        pts: vec![p],
                        closed: false,
                        curved: false,
                    });
                }
            }
            b"l" => {
                if let Some([x, y]) = nums::<2>(ops) {
                    let p = self.gs.ctm.apply(x, y);
                    match self.path.last_mut() {
                        Some(sp) if !sp.closed => sp.pts.push(p),
                        _ => self.path.push(SubPath {
                            pts: vec![p],
                            closed: false,
                            curved: false,
                        }),
                    }
                }
            }
            b"c" | b"v" | b"y" => {
                let n = if op == b"c" { 6 } else { 4 };
                if ops.len() >= n {
                    let x = ops[ops.len() - 2].num().unwrap_or(0.0);
                    let y = ops[ops.len() - 1].num().unwrap_or(0.0);
                    let p = self.gs.ctm.apply(x, y);
                    if let Some(sp) = self.path.last_mut() {
                        sp.curved = true;
                        sp.pts.push(p);
                    }
                }
            }
            b"h" => {
                if let Some(sp) = self.path.last_mut() {
                    sp.closed = true;
                }
            }
            b"re" => {
                if let Some([x, y, w, h]) = nums::<4>(ops) {
                    let c = &self.gs.ctm;
                    self.path.push(SubPath {
                        pts: vec![
                            c.apply(x, y),
                            c.apply(x + w, y),
                            c.apply(x + w, y + h),
                            c.apply(x, y + h),
                        ],
                        closed: true,
                        curved: false,
                    });
                }
            }
            b"S" => self.paint(true, false),
            b"s" => {
                if let Some(sp) = self.path.last_mut() {
                    sp.closed = true;
                }
                self.paint(true, false)
            }
            b"f" | b"F" | b"f*" => self.paint(false, true),
            b"B" | b"B*" => self.paint(true, true),
            b"b" | b"b*" => {
                if let Some(sp) = self.path.last_mut() {
                    sp.closed = true;
                }
                self.paint(true, true)
            }
            b"n" => self.path.clear(),
            // images and forms
            b"BI" => {
                self.draw_image();
            }
            b"Do" => {
                if let Some(Operand::Name(n)) = ops.last() {
                    self.do_xobject(res, n, depth)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn next_line(&mut self) {
        self.tlm.translate_pre(0.0, -self.gs.tl);
        self.tm = self.tlm;
    }

    fn lookup_font(&mut self, res: Option<&'a Dictionary>, key: &[u8]) -> Option<Arc<Font>> {
        let fonts = res
            .and_then(|r| r.get(b"Font").ok())
            .and_then(|o| self.resolve(o))
            .and_then(|o| o.as_dict().ok());
        let entry = fonts.and_then(|f| f.get(key).ok());
        let font = match entry {
            Some(o @ Object::Reference(id)) => {
                self.resolve(o)?;
                self.pdf.font(*id)
            }
            Some(Object::Dictionary(d)) => Some(Arc::new(Font::load(&self.pdf.doc, d))),
            _ => None,
        };
        if let (Some(f), Some(Object::Reference(id))) = (&font, entry) {
            if let Some(why) = &f.limited {
                if self.noted.insert((PAGE_LIMIT, *id)) {
                    let page = self.page;
                    self.report.issues.push(Issue {
                        code: PAGE_LIMIT,
                        page: Some(page),
                        object: Some(*id),
                        message: format!(
                            "page {page}: limit reached in font /{} (object {} {}): {why}; its text may be incomplete",
                            String::from_utf8_lossy(key),
                            id.0,
                            id.1
                        ),
                    });
                }
            }
        }
        if font.is_none() {
            self.report.warnings.push(format!(
                "font /{} not found in resources",
                String::from_utf8_lossy(key)
            ));
        }
        font
    }

    fn show(&mut self, s: &[u8]) {
        let Some(font) = self.gs.font.clone() else {
            // no usable font: every byte is an undecodable character
            self.report.undecodable += s.len();
            return;
        };
        let fs = self.gs.fs;
        let th = self.gs.th;
        // 3: neither fill nor stroke; 7: clip only — both draw nothing
        let invisible = matches!(self.gs.render, 3 | 7);
        let mut i = 0;
        while i < s.len() {
            if self.limit_hit.is_some() {
                return;
            }
            self.op_glyphs += 1;
            self.page_glyphs += 1;
            if self.op_glyphs > MAX_GLYPHS_PER_OP {
                self.limit_hit = Some(format!(
                    "one text operator shows more than {MAX_GLYPHS_PER_OP} characters"
                ));
                return;
            }
            if self.page_glyphs > MAX_GLYPHS_PER_PAGE {
                self.limit_hit = Some(format!(
                    "more than {MAX_GLYPHS_PER_PAGE} characters on one page"
                ));
                return;
            }
            let code = font.decode(&s[i..], &mut self.text);
            i += code.len;
            let trm = self.tm.mul(&self.gs.ctm);
            let [a, b, c, d, _, _] = trm.0;
            // vertical writing: the text position is the glyph's vertical origin,
            // (w0/2, v_y) above-right of its horizontal origin, which we report
            let (x, y) = if font.vertical {
                trm.apply(-code.advance * fs / 2.0, -font.dw2[0] / 1000.0 * fs)
            } else {
                trm.apply(0.0, self.gs.rise)
            };
            let v = &self.visible;
            if !(x >= v.x0 && x <= v.x1 && y >= v.y0 && y <= v.y1) {
                // drawn outside the visible page (overflow of a Word export, ...)
                self.report.offpage += 1;
            } else if code.decoded {
                let g = Glyph {
                    text: &self.text,
                    x,
                    y,
                    width: code.advance * fs * th * a.hypot(b),
                    size: (fs * c.hypot(d)).abs(),
                    font: &font.name,
                    invisible,
                    angle: b.atan2(a).to_degrees(),
                    vertical: font.vertical,
                };
                self.sink.glyph(&g);
                self.report.glyphs += 1;
                if !invisible {
                    self.visible_glyphs += 1;
                }
            } else {
                self.report.undecodable += 1;
            }
            let spacing = self.gs.tc + if code.is_space { self.gs.tw } else { 0.0 };
            if font.vertical {
                // ty = w1_y × Tfs + Tc + Tw (w1_y is negative: downwards)
                self.tm
                    .translate_pre(0.0, font.dw2[1] / 1000.0 * fs + spacing);
            } else {
                self.tm
                    .translate_pre((code.advance * fs + spacing) * th, 0.0);
            }
        }
    }

    fn draw_image(&mut self) {
        let bbox = self.unit_square();
        let v = &self.visible;
        let w = (bbox.x1.min(v.x1) - bbox.x0.max(v.x0)).max(0.0);
        let h = (bbox.y1.min(v.y1) - bbox.y0.max(v.y0)).max(0.0);
        self.image_area += w * h;
        self.report.images += 1;
        self.sink.image(&bbox);
    }

    fn unit_square(&self) -> Rect {
        let c = &self.gs.ctm;
        let pts = [
            c.apply(0.0, 0.0),
            c.apply(1.0, 0.0),
            c.apply(0.0, 1.0),
            c.apply(1.0, 1.0),
        ];
        bbox(&pts)
    }

    /// True when paint of this lightness is visible; counts white paint otherwise.
    fn white_check(&mut self, light: f64) -> bool {
        if light > WHITE_LIGHTNESS {
            self.report.white_paint += 1;
            false
        } else {
            true
        }
    }

    fn emit(&mut self, a: (f64, f64), b: (f64, f64), source: RulingSource, thickness: f64) {
        const EPS: f64 = 0.5;
        let (dx, dy) = ((a.0 - b.0).abs(), (a.1 - b.1).abs());
        let r = if dy < EPS && dx >= EPS {
            let y = (a.1 + b.1) / 2.0;
            Ruling {
                x0: a.0.min(b.0),
                y0: y,
                x1: a.0.max(b.0),
                y1: y,
                thickness,
                source,
            }
        } else if dx < EPS && dy >= EPS {
            let x = (a.0 + b.0) / 2.0;
            Ruling {
                x0: x,
                y0: a.1.min(b.1),
                x1: x,
                y1: a.1.max(b.1),
                thickness,
                source,
            }
        } else {
            return;
        };
        self.report.rulings += 1;
        self.sink.ruling(&r);
    }

    fn paint(&mut self, stroke: bool, fill: bool) {
        let path = std::mem::take(&mut self.path);
        // white on (presumably) white paper: not a visible rule
        let (stroke, fill) = (
            stroke && self.white_check(self.gs.stroke_light),
            fill && self.white_check(self.gs.fill_light),
        );
        // line width in page space (the CTM's mean scale)
        let [a, b, c, d, _, _] = self.gs.ctm.0;
        let lw = self.gs.line_width * (a * d - b * c).abs().sqrt();
        for sp in &path {
            if stroke && !sp.curved {
                for w in sp.pts.windows(2) {
                    self.emit(w[0], w[1], RulingSource::Stroke, lw);
                }
                if sp.closed && sp.pts.len() > 2 {
                    self.emit(
                        sp.pts[sp.pts.len() - 1],
                        sp.pts[0],
                        RulingSource::Stroke,
                        lw,
                    );
                }
            }
            if fill && !sp.curved {
                if let Some(r) = axis_rect(&sp.pts) {
                    let (w, h) = (r.x1 - r.x0, r.y1 - r.y0);
                    if h < THIN_RECT && w >= h {
                        let y = (r.y0 + r.y1) / 2.0;
                        self.emit((r.x0, y), (r.x1, y), RulingSource::ThinFill, h);
                    } else if w < THIN_RECT && h > w {
                        let x = (r.x0 + r.x1) / 2.0;
                        self.emit((x, r.y0), (x, r.y1), RulingSource::ThinFill, w);
                    }
                }
            }
        }
    }

    fn do_xobject(
        &mut self,
        res: Option<&'a Dictionary>,
        name: &[u8],
        depth: usize,
    ) -> Result<(), PdfError> {
        let pdf = self.pdf;
        let entry = res
            .and_then(|r| r.get(b"XObject").ok())
            .and_then(|o| self.resolve(o))
            .and_then(|o| o.as_dict().ok())
            .and_then(|x| x.get(name).ok());
        let Some(entry) = entry else {
            self.report.warnings.push(format!(
                "XObject /{} not found",
                String::from_utf8_lossy(name)
            ));
            return Ok(());
        };
        let id = entry.as_reference().ok();
        let Some(Ok(stream)) = self.resolve(entry).map(|o| o.as_stream()) else {
            return Ok(());
        };
        let subtype = stream
            .dict
            .get(b"Subtype")
            .ok()
            .and_then(|o| pdf.deref(o).as_name().ok())
            .unwrap_or(b"");
        match subtype {
            b"Image" => {
                self.draw_image();
            }
            b"Form" => {
                if depth + 1 > MAX_XOBJECT_DEPTH {
                    return Err(self.limit(format!(
                        "form XObjects nested deeper than {MAX_XOBJECT_DEPTH}"
                    )));
                }
                if let Some(id) = id {
                    if self.form_stack.contains(&id) {
                        self.report.warnings.push(format!(
                            "form XObject {} {} draws itself; skipped",
                            id.0, id.1
                        ));
                        return Ok(());
                    }
                    self.form_stack.push(id);
                }
                let data = match self.stream_data(id, stream, "form XObject") {
                    Ok(d) => d,
                    Err(e) => {
                        if id.is_some() {
                            self.form_stack.pop();
                        }
                        return Err(e);
                    }
                };
                let saved = (self.gs.clone(), self.tm, self.tlm, self.stack.len());
                if let Some(m) = stream
                    .dict
                    .get(b"Matrix")
                    .ok()
                    .and_then(|o| pdf.deref(o).as_array().ok())
                {
                    let v: Vec<f64> = m
                        .iter()
                        .filter_map(|x| match pdf.deref(x) {
                            Object::Integer(i) => Some(*i as f64),
                            Object::Real(r) => Some(*r as f64),
                            _ => None,
                        })
                        .collect();
                    if v.len() == 6 {
                        self.gs.ctm = M([v[0], v[1], v[2], v[3], v[4], v[5]]).mul(&self.gs.ctm);
                    }
                }
                let form_res = stream
                    .dict
                    .get(b"Resources")
                    .ok()
                    .and_then(|o| pdf.deref(o).as_dict().ok())
                    .or(res);
                let saved_path = std::mem::take(&mut self.path);
                let r = self.run(&data, form_res, depth + 1);
                self.path = saved_path;
                self.gs = saved.0;
                self.tm = saved.1;
                self.tlm = saved.2;
                self.stack.truncate(saved.3);
                if id.is_some() {
                    self.form_stack.pop();
                }
                r?;
            }
            _ => {}
        }
        Ok(())
    }
}

fn bbox(pts: &[(f64, f64)]) -> Rect {
    let mut r = Rect {
        x0: f64::INFINITY,
        y0: f64::INFINITY,
        x1: f64::NEG_INFINITY,
        y1: f64::NEG_INFINITY,
    };
    for &(x, y) in pts {
        r.x0 = r.x0.min(x);
        r.y0 = r.y0.min(y);
        r.x1 = r.x1.max(x);
        r.y1 = r.y1.max(y);
    }
    r
}

/// The rectangle a subpath outlines, if it is an axis-aligned rectangle
/// (4 corners, optionally repeating the first point at the end).
fn axis_rect(pts: &[(f64, f64)]) -> Option<Rect> {
    const EPS: f64 = 0.01;
    let close = |a: (f64, f64), b: (f64, f64)| (a.0 - b.0).abs() < EPS && (a.1 - b.1).abs() < EPS;
    let pts = if pts.len() == 5 && close(pts[0], pts[4]) {
        &pts[..4]
    } else {
        pts
    };
    if pts.len() != 4 {
        return None;
    }
    let r = bbox(pts);
    let on_corner = |&(x, y): &(f64, f64)| {
        ((x - r.x0).abs() < EPS || (x - r.x1).abs() < EPS)
            && ((y - r.y0).abs() < EPS || (y - r.y1).abs() < EPS)
    };
    // consecutive points must differ in exactly one coordinate (no diagonals)
    let sides_ok = (0..4).all(|i| {
        let (a, b) = (pts[i], pts[(i + 1) % 4]);
        (a.0 - b.0).abs() < EPS || (a.1 - b.1).abs() < EPS
    });
    (pts.iter().all(on_corner) && sides_ok).then_some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix_mul_order() {
        // scale then translate
        let s = M([2.0, 0.0, 0.0, 2.0, 0.0, 0.0]);
        let t = M([1.0, 0.0, 0.0, 1.0, 10.0, 20.0]);
        assert_eq!(s.mul(&t).apply(1.0, 1.0), (12.0, 22.0));
        assert_eq!(t.mul(&s).apply(1.0, 1.0), (22.0, 42.0));
        let mut m = s;
        m.translate_pre(1.0, 0.0);
        assert_eq!(m.apply(0.0, 0.0), (2.0, 0.0));
    }

    #[test]
    fn display_matrix_turns_the_crop_box_clockwise() {
        // a portrait crop box not at the origin: 200 wide, 300 tall
        let crop = Rect {
            x0: 10.0,
            y0: 20.0,
            x1: 210.0,
            y1: 320.0,
        };
        let at = |rot: i64, x: f64, y: f64| display_matrix(rot, &crop).map(|m| m.apply(x, y));
        assert_eq!(display_matrix(0, &crop), Some(ID));
        // 90° clockwise: the lower-left corner goes to the top-left, the upper-left to
        // the top-right; the displayed page is 300 wide and 200 tall
        assert_eq!(at(90, 10.0, 20.0), Some((0.0, 200.0)));
        assert_eq!(at(90, 10.0, 320.0), Some((300.0, 200.0)));
        assert_eq!(at(90, 210.0, 20.0), Some((0.0, 0.0)));
        // 180°: the upper-right corner becomes the origin
        assert_eq!(at(180, 210.0, 320.0), Some((0.0, 0.0)));
        assert_eq!(at(180, 10.0, 20.0), Some((200.0, 300.0)));
        // 270° (90° counter-clockwise): the upper-left corner becomes the origin
        assert_eq!(at(270, 10.0, 320.0), Some((0.0, 0.0)));
        assert_eq!(at(270, 210.0, 320.0), Some((0.0, 200.0)));
        assert_eq!(at(270, 10.0, 20.0), Some((300.0, 0.0)));
        let boxed = |rot: i64| display_matrix(rot, &crop).map(|m| m.apply_rect(&crop));
        let landscape = Rect {
            x0: 0.0,
            y0: 0.0,
            x1: 300.0,
            y1: 200.0,
        };
        assert_eq!(boxed(90), Some(landscape));
        assert_eq!(boxed(270), Some(landscape));
        assert_eq!(
            boxed(180),
            Some(Rect {
                x0: 0.0,
                y0: 0.0,
                x1: 200.0,
                y1: 300.0
            })
        );
        assert_eq!(display_matrix(45, &crop), None);
        // text drawn running up the stored page (Tm [0 1 -1 0]), as Distiller writes a
        // landscape table, runs left to right on a page turned 90°: angle 0
        let up = M([0.0, 1.0, -1.0, 0.0, 50.0, 60.0]);
        let trm = up.mul(&display_matrix(90, &crop).unwrap_or(ID));
        let [a, b, ..] = trm.0;
        assert_eq!(b.atan2(a).to_degrees(), 0.0);
        // and down the stored page (Tm [0 -1 1 0]) on a page turned 270°
        let down = M([0.0, -1.0, 1.0, 0.0, 50.0, 60.0]);
        let trm = down.mul(&display_matrix(270, &crop).unwrap_or(ID));
        let [a, b, ..] = trm.0;
        assert_eq!(b.atan2(a).to_degrees(), 0.0);
    }

    #[test]
    fn axis_rect_detection() {
        let sq = [(0.0, 0.0), (10.0, 0.0), (10.0, 0.5), (0.0, 0.5)];
        assert_eq!(axis_rect(&sq).map(|r| r.y1), Some(0.5));
        let closed = [(0.0, 0.0), (10.0, 0.0), (10.0, 0.5), (0.0, 0.5), (0.0, 0.0)];
        assert!(axis_rect(&closed).is_some());
        let diamond = [(0.0, 0.0), (10.0, 0.5), (0.0, 0.5), (10.0, 0.0)];
        assert!(axis_rect(&diamond).is_none());
    }
}
