//! The PDF reader on fixtures built with `pdf::fixture`: every expected text and
//! position below follows from the layout rules and widths the fixture writes
//! (see the module doc of `budget_tables::pdf::fixture`), worked out by hand.

use budget_tables::pdf::fixture::{FontKind, Grid, PdfBuilder, Table, BROKEN_CHAR};
use budget_tables::pdf::{
    Glyph, PageInfo, PageReport, PageSink, PdfError, PdfFile, Rect, Ruling, RulingSource, TextLines,
};

#[derive(Default)]
struct Rec {
    info: Option<PageInfo>,
    glyphs: Vec<(String, f64, f64, f64, f64, String)>,
    rulings: Vec<Ruling>,
    images: Vec<Rect>,
    ended: Option<PageReport>,
}

impl PageSink for Rec {
    fn begin_page(&mut self, p: &PageInfo) {
        *self = Rec::default();
        self.info = Some(p.clone());
    }
    fn glyph(&mut self, g: &Glyph) {
        self.glyphs.push((
            g.text.to_string(),
            g.x,
            g.y,
            g.width,
            g.size,
            g.font.to_string(),
        ));
    }
    fn ruling(&mut self, r: &Ruling) {
        self.rulings.push(*r);
    }
    fn image(&mut self, b: &Rect) {
        self.images.push(*b);
    }
    fn end_page(&mut self, r: &PageReport) {
        self.ended = Some(r.clone());
    }
}

impl Rec {
    fn text(&self) -> String {
        self.glyphs.iter().map(|g| g.0.as_str()).collect()
    }
    fn glyph(&self, t: &str) -> &(String, f64, f64, f64, f64, String) {
        self.glyphs
            .iter()
            .find(|g| g.0 == t)
            .unwrap_or_else(|| panic!("no glyph {t:?} in {:?}", self.text()))
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

fn assert_xy(g: &(String, f64, f64, f64, f64, String), x: f64, y: f64) {
    assert!(
        close(g.1, x) && close(g.2, y),
        "glyph {:?} at ({}, {}), expected ({x}, {y})",
        g.0,
        g.1,
        g.2
    );
}

fn open(b: &PdfBuilder) -> PdfFile {
    PdfFile::from_bytes(&b.build(), "fixture.pdf").expect("fixture opens")
}

fn budget_table<'a>(top: f64, rows: Vec<Vec<&'a str>>, grid: Grid) -> Table<'a> {
    Table {
        x: 50.0,
        top,
        cols: vec![150.0, 100.0, 100.0, 100.0],
        row_height: 20.0,
        size: 10.0,
        fonts: vec![
            FontKind::Identity,
            FontKind::WinAnsi,
            FontKind::WinAnsi,
            FontKind::WinAnsi,
        ],
        header: 1,
        rows,
        grid,
    }
}

/// Title + a 4×4 table with a blank cell, a wrapped name, thin filled rules.
fn table_fixture() -> PdfBuilder {
    let mut b = PdfBuilder::new();
    let p = b.page();
    b.text(
        p,
        FontKind::Identity,
        16.0,
        100.0,
        550.0,
        "部门财务收支预算总表",
    );
    b.table(
        p,
        &budget_table(
            500.0,
            vec![
                vec!["项目", "合计", "基本支出", "项目支出"],
                vec!["一般公共服务支出", "4,545,000.00", "", "4,545,000.00"],
                vec![
                    "机关事业单位基本养老保\n险缴费支出",
                    "1,410,886.00",
                    "1,410,886.00",
                    "",
                ],
                vec!["合计", "5,955,886.00", "1,410,886.00", "4,545,000.00"],
            ],
            Grid::ThinFilled,
        ),
    );
    b
}

#[test]
fn identity_title_text_and_positions() {
    let pdf = open(&table_fixture());
    assert_eq!(pdf.page_count(), 1);
    let mut r = Rec::default();
    let rep = pdf.walk_page(1, &mut r).unwrap();
    let info = r.info.clone().unwrap();
    assert_eq!(info.index, 1);
    assert_eq!((info.media_box.x1, info.media_box.y1), (842.0, 595.0));
    // the title: 10 CJK glyphs, 1000 units wide at 16pt → 16pt apart
    let title: String = r.glyphs[..10].iter().map(|g| g.0.as_str()).collect();
    assert_eq!(title, "部门财务收支预算总表");
    for (i, g) in r.glyphs[..10].iter().enumerate() {
        assert_xy(g, 100.0 + 16.0 * i as f64, 550.0);
        assert!(close(g.3, 16.0) && close(g.4, 16.0));
        assert_eq!(g.5, "ABCDEF+SimSun");
    }
    assert_eq!(rep.undecodable, 0);
    assert_eq!(rep.images, 0);
    assert!(!rep.scanned);
    assert_eq!(r.ended.as_ref(), Some(&rep));
}

#[test]
fn table_lines_runs_blank_and_wrapped_cells() {
    let pdf = open(&table_fixture());
    let mut tl = TextLines::default();
    pdf.walk_page(1, &mut tl).unwrap();
    let lines = tl.lines();
    let texts: Vec<String> = lines.iter().map(|l| l.text()).collect();
    assert_eq!(
        texts,
        vec![
            "部门财务收支预算总表",
            "项目 合计 基本支出 项目支出",
            "一般公共服务支出 4,545,000.00 4,545,000.00",
            "机关事业单位基本养老保 1,410,886.00 1,410,886.00",
            "险缴费支出",
            "合计 5,955,886.00 1,410,886.00 4,545,000.00",
        ]
    );
    // baselines: row top − 12; the wrapped row is 28pt tall
    let ys: Vec<f64> = lines.iter().map(|l| l.y).collect();
    assert_eq!(ys, vec![550.0, 488.0, 468.0, 448.0, 436.0, 420.0]);
    // the blank 基本支出 cell: the second amount starts in the 项目支出 column (x 402)
    let x0s: Vec<f64> = lines[2].runs.iter().map(|r| r.x0).collect();
    assert_eq!(x0s, vec![52.0, 202.0, 402.0]);
    // "4,545,000.00" = 9 digits × 5.56 + 3 × 2.78 = 58.38pt wide at 10pt
    let amount = &lines[2].runs[1];
    assert_eq!(amount.text, "4,545,000.00");
    assert!(close(amount.x1, 202.0 + 58.38), "x1 = {}", amount.x1);
    // the wrapped row: the second amount sits in 基本支出 (x 302), 项目支出 is blank
    let x0s: Vec<f64> = lines[3].runs.iter().map(|r| r.x0).collect();
    assert_eq!(x0s, vec![52.0, 202.0, 302.0]);
}

#[test]
fn thin_filled_rectangles_become_rulings() {
    let pdf = open(&table_fixture());
    let mut r = Rec::default();
    let rep = pdf.walk_page(1, &mut r).unwrap();
    // 5 row boundaries (500, 480, 460, 432, 412) across x 50..500, 5 column lines
    assert_eq!(rep.rulings, 10);
    let mut hs: Vec<(f64, f64, f64)> = r
        .rulings
        .iter()
        .filter(|x| x.is_horizontal())
        .map(|x| (x.y0, x.x0, x.x1))
        .collect();
    hs.sort_by(|a, b| b.0.total_cmp(&a.0));
    assert_eq!(
        hs,
        vec![
            (500.0, 50.0, 500.0),
            (480.0, 50.0, 500.0),
            (460.0, 50.0, 500.0),
            (432.0, 50.0, 500.0),
            (412.0, 50.0, 500.0)
        ]
    );
    let mut vs: Vec<(f64, f64, f64)> = r
        .rulings
        .iter()
        .filter(|x| !x.is_horizontal())
        .map(|x| (x.x0, x.y0, x.y1))
        .collect();
    vs.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert_eq!(
        vs,
        vec![
            (50.0, 412.0, 500.0),
            (200.0, 412.0, 500.0),
            (300.0, 412.0, 500.0),
            (400.0, 412.0, 500.0),
            (500.0, 412.0, 500.0)
        ]
    );
    assert!(r.rulings.iter().all(|x| x.source == RulingSource::ThinFill));
    assert!(r.rulings.iter().all(|x| x.thickness == 0.5));
}

#[test]
fn stroked_grid_and_stroked_rectangle() {
    let mut b = PdfBuilder::new();
    let p = b.page();
    b.table(
        p,
        &budget_table(300.0, vec![vec!["项目", "合计", "", ""]], Grid::Stroked),
    );
    b.stroke_rect(p, 600.0, 100.0, 200.0, 50.0);
    // a big filled rectangle (a cell background) is not a ruling
    b.fill_rect(p, 600.0, 300.0, 100.0, 20.0);
    // a diagonal stroke is not a ruling
    b.line(p, 0.0, 0.0, 100.0, 100.0);
    let pdf = open(&b);
    let mut r = Rec::default();
    let rep = pdf.walk_page(1, &mut r).unwrap();
    // table: 2 horizontal + 5 vertical; rectangle: 4 edges
    assert_eq!(rep.rulings, 11);
    assert!(r.rulings.iter().all(|x| x.source == RulingSource::Stroke));
    // the grid is drawn with "0.5 w", the rectangle after it inherits that width
    assert!(r.rulings.iter().all(|x| x.thickness == 0.5));
    let rect_edges: Vec<(f64, f64, f64, f64)> = r
        .rulings
        .iter()
        .filter(|x| x.x0 >= 600.0)
        .map(|x| (x.x0, x.y0, x.x1, x.y1))
        .collect();
    assert_eq!(
        rect_edges,
        vec![
            (600.0, 100.0, 800.0, 100.0),
            (800.0, 100.0, 800.0, 150.0),
            (600.0, 150.0, 800.0, 150.0),
            (600.0, 100.0, 600.0, 150.0)
        ]
    );
}

#[test]
fn white_paint_is_not_a_ruling() {
    // Word paints white cell shading as thin rectangles where no border shows
    // (jiangsu-high-court-2018-budget.pdf p11, over 项目名称/金额): not rulings.
    let mut b = PdfBuilder::new();
    let p = b.page();
    b.raw(p, "1 g 100 100 200 0.5 re f");
    b.raw(p, "0 0 0 0 k 100 110 200 0.5 re f");
    b.raw(p, "1 1 1 RG 100 120 m 300 120 l S");
    b.raw(p, "0 g 100 200 200 0.5 re f");
    b.raw(p, "1 0 0 RG 100 210 m 300 210 l S");
    b.raw(p, "q 1 g Q 100 220 200 0.5 re f");
    b.raw(p, "/DeviceRGB cs 1 1 1 sc 100 230 200 0.5 re f");
    let pdf = open(&b);
    let mut r = Rec::default();
    let rep = pdf.walk_page(1, &mut r).unwrap();
    let ys: Vec<f64> = r.rulings.iter().map(|x| x.y0).collect();
    assert_eq!(ys, vec![100.25 + 100.0, 210.0, 220.25]);
    assert_eq!(rep.white_paint, 4);
}

#[test]
fn malformed_tounicode_entry_loses_only_its_character() {
    let mut b = PdfBuilder::new();
    let p = b.page();
    b.text(
        p,
        FontKind::IdentityBrokenMap,
        12.0,
        100.0,
        300.0,
        "收入支出合计",
    );
    let pdf = open(&b);
    let mut r = Rec::default();
    let rep = pdf.walk_page(1, &mut r).unwrap();
    assert_eq!(BROKEN_CHAR, '出');
    assert_eq!(r.text(), "收入支合计");
    assert_eq!(rep.undecodable, 1);
    assert_eq!(rep.glyphs, 5);
    // positions still advance over the undecodable glyph
    assert_xy(r.glyph("支"), 124.0, 300.0);
    assert_xy(r.glyph("合"), 148.0, 300.0);
}

#[test]
fn identity_without_tounicode_uses_the_embedded_cmap_or_counts_undecodable() {
    let mut b = PdfBuilder::new();
    let p = b.page();
    b.text(
        p,
        FontKind::IdentityEmbedded,
        10.0,
        100.0,
        200.0,
        "部门预算2025",
    );
    b.text(p, FontKind::IdentityBare, 10.0, 100.0, 100.0, "收支总表");
    let pdf = open(&b);
    let mut r = Rec::default();
    let rep = pdf.walk_page(1, &mut r).unwrap();
    assert_eq!(r.text(), "部门预算2025");
    assert_xy(r.glyph("2"), 140.0, 200.0);
    assert_xy(r.glyph("0"), 145.0, 200.0);
    // the bare font's four characters: counted, never emitted as junk
    assert_eq!(rep.undecodable, 4);
    assert_eq!(rep.glyphs, 8);
}

#[test]
fn vertical_writing_advances_downwards() {
    let mut b = PdfBuilder::new();
    let p = b.page();
    // text position (100, 500), 10pt, default DW2 [880 -1000]: each glyph's
    // horizontal origin is 5pt left and 8.8pt below its vertical origin, and the
    // position moves 10pt down per glyph (plus Tc = 2 going up: 8pt net)
    b.raw(p, "q 2 Tc Q");
    b.text(p, FontKind::IdentityVertical, 10.0, 100.0, 500.0, "项目");
    b.raw(p, "q 2 Tc");
    b.text(p, FontKind::IdentityVertical, 10.0, 200.0, 500.0, "合计");
    b.raw(p, "Q");
    let pdf = open(&b);
    let mut r = Rec::default();
    pdf.walk_page(1, &mut r).unwrap();
    assert_eq!(r.text(), "项目合计");
    assert_xy(r.glyph("项"), 95.0, 491.2);
    assert_xy(r.glyph("目"), 95.0, 481.2);
    assert_xy(r.glyph("合"), 195.0, 491.2);
    assert_xy(r.glyph("计"), 195.0, 483.2);
}

#[test]
fn gbk_euc_font_without_tounicode_and_gbk_font_name() {
    let mut b = PdfBuilder::new();
    let p = b.page();
    b.text(p, FontKind::Gbk, 10.0, 100.0, 200.0, "支出合计 123.45");
    let pdf = open(&b);
    let mut r = Rec::default();
    let rep = pdf.walk_page(1, &mut r).unwrap();
    assert_eq!(r.text(), "支出合计 123.45");
    assert_eq!(rep.undecodable, 0);
    // CJK 2-byte codes take DW 1000 (10pt); ASCII 1-byte codes 500 (5pt)
    assert_xy(r.glyph("计"), 130.0, 200.0);
    assert_xy(r.glyph("1"), 145.0, 200.0);
    assert_xy(r.glyph("."), 160.0, 200.0);
    assert_eq!(r.glyph("支").5, "宋体");
}

#[test]
fn ucs2_font_without_tounicode() {
    let mut b = PdfBuilder::new();
    let p = b.page();
    b.text(p, FontKind::Ucs2, 10.0, 100.0, 200.0, "部门预算2025");
    let pdf = open(&b);
    let mut r = Rec::default();
    let rep = pdf.walk_page(1, &mut r).unwrap();
    assert_eq!(r.text(), "部门预算2025");
    assert_eq!(rep.undecodable, 0);
    assert_xy(r.glyph("2"), 140.0, 200.0);
    assert_xy(r.glyph("0"), 145.0, 200.0);
}

#[test]
fn winansi_digits_without_tounicode() {
    let mut b = PdfBuilder::new();
    let p = b.page();
    b.text(p, FontKind::WinAnsi, 10.0, 100.0, 100.0, "-1,234.50");
    let pdf = open(&b);
    let mut r = Rec::default();
    pdf.walk_page(1, &mut r).unwrap();
    assert_eq!(r.text(), "-1,234.50");
    // hyphen 3.33, digit 5.56, comma 2.78
    assert_xy(r.glyph("1"), 103.33, 100.0);
    assert_xy(r.glyph(","), 108.89, 100.0);
    assert_xy(r.glyph("2"), 111.67, 100.0);
    assert!(close(r.glyph("2").3, 5.56));
}

#[test]
fn table_over_a_page_break() {
    let mut b = PdfBuilder::new();
    let p1 = b.page();
    let p2 = b.page();
    b.table(
        p1,
        &budget_table(
            100.0,
            vec![
                vec!["项目", "合计", "基本支出", "项目支出"],
                vec!["科学技术支出", "17,200,000.00", "", "17,200,000.00"],
            ],
            Grid::ThinFilled,
        ),
    );
    b.table(
        p2,
        &budget_table(
            560.0,
            vec![
                vec!["项目", "合计", "基本支出", "项目支出"],
                vec!["社会保障和就业支出", "3,808,085.00", "3,808,085.00", ""],
            ],
            Grid::ThinFilled,
        ),
    );
    let pdf = open(&b);
    assert_eq!(pdf.page_count(), 2);
    let mut tl = TextLines::default();
    let reps = pdf.walk_all(&mut tl).unwrap();
    assert_eq!(reps.len(), 2);
    assert_eq!(reps[1].page, 2);
    // TextLines holds the last page walked
    let texts: Vec<String> = tl.lines().iter().map(|l| l.text()).collect();
    assert_eq!(
        texts,
        vec![
            "项目 合计 基本支出 项目支出",
            "社会保障和就业支出 3,808,085.00 3,808,085.00"
        ]
    );
    pdf.walk_page(1, &mut tl).unwrap();
    let texts: Vec<String> = tl.lines().iter().map(|l| l.text()).collect();
    assert_eq!(texts[1], "科学技术支出 17,200,000.00 17,200,000.00");
    assert_eq!(tl.lines()[1].y, 68.0);
}

#[test]
fn text_state_operators() {
    let mut b = PdfBuilder::new();
    let p = b.page();
    // Text state is part of the graphics state: each case runs inside q … Q.
    // TJ offset −1000 at 10pt moves 10pt right
    b.raw(p, "q BT /FWin 10 Tf 100 100 Td [(1) -1000 (2)] TJ ET Q");
    // Tc adds 2pt after each glyph
    b.raw(p, "q BT /FWin 10 Tf 2 Tc 100 80 Td (34) Tj ET Q");
    // Tw adds 3pt after the space only
    b.raw(p, "q BT /FWin 10 Tf 3 Tw 100 60 Td (5 6) Tj ET Q");
    // Tz 50 halves advances and widths
    b.raw(p, "q BT /FWin 10 Tf 50 Tz 100 40 Td (78) Tj ET Q");
    // TL / T* / ' / "
    b.raw(
        p,
        "q BT /FWin 10 Tf 12 TL 300 100 Td (a) Tj T* (b) Tj (c) ' 5 1 (d) \" ET Q",
    );
    // Tm scales the font; cm scales everything
    b.raw(p, "q BT /FWin 1 Tf 10 0 0 10 400 100 Tm (e) Tj ET Q");
    b.raw(
        p,
        "q 2 0 0 2 0 0 cm BT /FWin 10 Tf 1 0 0 1 250 20 Tm (f) Tj ET Q",
    );
    // after Q the CTM is back to identity
    b.raw(p, "q BT /FWin 10 Tf 1 0 0 1 250 20 Tm (g) Tj ET Q");
    // TD sets TL = −ty; Ts raises the baseline
    b.raw(p, "q BT /FWin 10 Tf 600 20 TD (h) Tj T* 4 Ts (i) Tj ET Q");
    // without q/Q, Tc set in one text object still applies in the next (BT resets only Tm)
    b.raw(p, "BT /FWin 10 Tf 1 Tc ET BT 700 300 Td (jk) Tj ET");
    let pdf = open(&b);
    let mut r = Rec::default();
    pdf.walk_page(1, &mut r).unwrap();
    assert_xy(r.glyph("1"), 100.0, 100.0);
    assert_xy(r.glyph("2"), 115.56, 100.0);
    assert_xy(r.glyph("4"), 107.56, 80.0);
    assert_xy(r.glyph(" "), 105.56, 60.0);
    assert_xy(r.glyph("6"), 111.34, 60.0);
    assert_xy(r.glyph("8"), 102.78, 40.0);
    assert!(close(r.glyph("8").3, 2.78));
    assert_xy(r.glyph("a"), 300.0, 100.0);
    assert_xy(r.glyph("b"), 300.0, 88.0);
    assert_xy(r.glyph("c"), 300.0, 76.0);
    assert_xy(r.glyph("d"), 300.0, 64.0);
    assert!(close(r.glyph("e").4, 10.0) && close(r.glyph("e").3, 5.0));
    assert_xy(r.glyph("f"), 500.0, 40.0);
    assert!(close(r.glyph("f").4, 20.0));
    assert_xy(r.glyph("g"), 250.0, 20.0);
    assert_xy(r.glyph("h"), 600.0, 20.0);
    assert_xy(r.glyph("i"), 600.0, 44.0);
    assert_xy(r.glyph("k"), 706.0, 300.0);
}

#[test]
fn form_xobjects_inline_images_and_missing_fonts() {
    let mut b = PdfBuilder::new();
    b.form(
        "Fm1",
        "BT /FWin 10 Tf 1 0 0 1 10 10 Tm (42) Tj ET 0 0 100 0.5 re f",
    );
    b.self_referencing_form();
    let p = b.page();
    b.raw(p, "q 1 0 0 1 100 200 cm /Fm1 Do Q");
    b.raw(p, "q /Loop Do Q");
    b.raw(
        p,
        "q 20 0 0 20 5 5 cm BI /W 2 /H 2 /BPC 8 /CS /G /F /AHx ID 00FF00FF> EI Q",
    );
    b.raw(p, "BT /Nope 10 Tf 1 0 0 1 5 5 Tm (ab) Tj ET");
    b.raw(p, "BT /FWin 10 Tf 1 0 0 1 5 500 Tm (9) Tj ET");
    let pdf = open(&b);
    let mut r = Rec::default();
    let rep = pdf.walk_page(1, &mut r).unwrap();
    assert_xy(r.glyph("4"), 110.0, 210.0);
    assert_xy(r.glyph("9"), 5.0, 500.0);
    // the form's thin rectangle, then /Loop's once (its self-call is refused)
    assert_eq!(rep.rulings, 2);
    assert_eq!(r.rulings[0].y0, 200.25);
    assert!(rep.warnings.iter().any(|w| w.contains("draws itself")));
    // the inline image is skipped safely and counted
    assert_eq!(rep.images, 1);
    assert_eq!(
        r.images[0],
        Rect {
            x0: 5.0,
            y0: 5.0,
            x1: 25.0,
            y1: 25.0
        }
    );
    assert_eq!(rep.undecodable, 2);
    assert!(rep.warnings.iter().any(|w| w.contains("/Nope")));
    assert_eq!(r.text(), "429");
}

#[test]
fn nested_forms_within_and_beyond_the_limit() {
    // F0 draws F1 … draws F{n-1}, each shifting 10pt right; the last shows "7"
    let chain = |n: usize| {
        let mut b = PdfBuilder::new();
        for i in 0..n {
            if i + 1 < n {
                b.form(&format!("F{i}"), &format!("1 0 0 1 10 0 cm /F{} Do", i + 1));
            } else {
                b.form(
                    &format!("F{i}"),
                    "BT /FWin 10 Tf 1 0 0 1 0 100 Tm (7) Tj ET",
                );
            }
        }
        let p = b.page();
        b.raw(p, "/F0 Do");
        open(&b)
    };
    let mut r = Rec::default();
    chain(10).walk_page(1, &mut r).unwrap();
    assert_xy(r.glyph("7"), 90.0, 100.0);
    let e = chain(40).walk_page(1, &mut r).unwrap_err();
    assert!(matches!(e, PdfError::Limit { page: 1, .. }), "{e}");
    // a form that draws itself through the shared XObject dictionary
    let mut b = PdfBuilder::new();
    b.form("Fm1", "0 0 10 0.5 re f /Fm1 Do");
    let p = b.page();
    b.raw(p, "/Fm1 Do");
    let rep = open(&b).walk_page(1, &mut r).unwrap();
    assert_eq!(rep.rulings, 1);
}

#[test]
fn garbage_content_does_not_panic_or_stop_the_page() {
    let mut b = PdfBuilder::new();
    let p = b.page();
    b.raw(
        p,
        "Tf Tj TJ cm re Do 1 2 Tm /X Tf (x) 5 Tj [1 (a) /N] TJ ] >> } { ) q q Q Q Q Q",
    );
    b.raw(p, "BT /FWin Tf (1) Tj /FWin (2) Tj 10 /FWin Tf ET");
    b.raw(p, "(unterminated [ << /A [1 2");
    b.raw(p, "BT /FWin 10 Tf 1 0 0 1 50 50 Tm (3) Tj ET");
    let pdf = open(&b);
    let mut r = Rec::default();
    pdf.walk_page(1, &mut r).unwrap();
    // the last text object sits inside the unterminated string, so it is not drawn;
    // the page still ends normally
    assert!(!r.text().contains('3'), "{:?}", r.text());
    assert!(r.ended.is_some());
}

#[test]
fn random_operator_soup_never_panics() {
    // grammar-shaped junk: real operators with operands of any type and count
    const WORDS: &[&str] = &[
        "q",
        "Q",
        "cm",
        "BT",
        "ET",
        "Tf",
        "Tj",
        "TJ",
        "'",
        "\"",
        "Td",
        "TD",
        "Tm",
        "T*",
        "Tc",
        "Tw",
        "Tz",
        "TL",
        "Ts",
        "Tr",
        "m",
        "l",
        "c",
        "v",
        "y",
        "h",
        "re",
        "S",
        "s",
        "f",
        "F",
        "f*",
        "B",
        "b",
        "n",
        "W",
        "g",
        "rg",
        "k",
        "G",
        "RG",
        "K",
        "sc",
        "scn",
        "cs",
        "w",
        "Do",
        "BI",
        "ID",
        "EI",
        "/FId",
        "/FWin",
        "/FGbk",
        "/FBad",
        "/Im1",
        "/Nope",
        "0",
        "1",
        "-1",
        "1e308",
        "99999999999",
        "-0.0001",
        "0.5",
        "(12)",
        "<00>",
        "<FFFF>",
        "<4E2D",
        "[",
        "]",
        "<<",
        ">>",
        "[(1) -99999 (2)]",
        "NaN",
        "%",
        "\n",
    ];
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..150 {
        let mut src = String::new();
        for _ in 0..60 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            src.push_str(WORDS[(x % WORDS.len() as u64) as usize]);
            src.push(' ');
        }
        let mut b = PdfBuilder::new();
        let p = b.page();
        b.raw(p, &src);
        let pdf = open(&b);
        let _ = pdf.walk_page(1, &mut TextLines::default());
    }
}

#[test]
fn rotated_text_reports_its_angle() {
    let mut b = PdfBuilder::new();
    let p = b.page();
    b.raw(p, "BT /FWin 10 Tf 0 1 -1 0 100 100 Tm (12) Tj ET");
    let pdf = open(&b);
    let mut r = Rec::default();
    pdf.walk_page(1, &mut r).unwrap();
    // rotated 90°: the second digit sits 5.56pt above the first
    assert_xy(r.glyph("1"), 100.0, 100.0);
    assert_xy(r.glyph("2"), 100.0, 105.56);
    let mut a = AngleSink::default();
    pdf.walk_page(1, &mut a).unwrap();
    assert_eq!(a.0, vec![90.0, 90.0]);
}

/// A landscape page stored portrait (or upside down) with /Rotate, drawn as Distiller does
/// (text on a rotated Tm, rulings at turned coordinates; see `PdfBuilder::turned`):
/// everything comes out where the displayed page shows it, text upright.
fn check_turned_page(b: &PdfBuilder, degrees: i64) {
    let pdf = open(b);
    let mut r = Rec::default();
    let rep = pdf.walk_page(1, &mut r).unwrap();
    let info = r.info.clone().expect("begin_page called");
    assert_eq!(info.rotate, degrees);
    // the displayed page: A4 landscape with its origin at the lower-left corner
    let display = Rect {
        x0: 0.0,
        y0: 0.0,
        x1: 842.0,
        y1: 595.0,
    };
    assert_eq!(
        (info.crop_box, info.media_box),
        (display, display),
        "{degrees}"
    );
    assert_eq!(r.text(), "12", "{degrees}");
    // WinAnsi '1' is 556/1000 wide: at 10pt the '2' starts 5.56pt to the right
    assert_xy(r.glyph("1"), 100.0, 100.0);
    assert_xy(r.glyph("2"), 105.56, 100.0);
    assert!(close(r.glyph("1").3, 5.56) && close(r.glyph("1").4, 10.0));
    assert_eq!(rep.offpage, 0);
    let mut a = AngleSink::default();
    pdf.walk_page(1, &mut a).unwrap();
    assert_eq!(a.0, vec![0.0, 0.0], "{degrees}");
    // the stroked line (display y 300, x 50-400) and the thin filled bar (x 200-200.5,
    // y 50-450) keep their display orientation
    assert_eq!(r.rulings.len(), 2, "{:?}", r.rulings);
    let h = r
        .rulings
        .iter()
        .find(|l| l.is_horizontal())
        .expect("horizontal");
    assert!(
        close(h.y0, 300.0) && close(h.x0, 50.0) && close(h.x1, 400.0),
        "{h:?}"
    );
    assert!(close(h.thickness, 0.5) && h.source == RulingSource::Stroke);
    let v = r
        .rulings
        .iter()
        .find(|l| !l.is_horizontal())
        .expect("vertical");
    assert!(
        close(v.x0, 200.25) && close(v.y0, 50.0) && close(v.y1, 450.0),
        "{v:?}"
    );
    assert!(close(v.thickness, 0.5) && v.source == RulingSource::ThinFill);
    // an image at display (600, 400), 100 × 50
    assert_eq!(r.images.len(), 1);
    let i = r.images[0];
    assert!(close(i.x0, 600.0) && close(i.y0, 400.0) && close(i.x1, 700.0) && close(i.y1, 450.0));
    // lines read across the displayed page
    let mut lines = TextLines::default();
    pdf.walk_page(1, &mut lines).unwrap();
    let texts: Vec<String> = lines.lines().iter().map(|l| l.text()).collect();
    assert_eq!(texts, ["12"], "{degrees}");
}

fn draw_turned(b: &mut PdfBuilder, p: usize) {
    b.text(p, FontKind::WinAnsi, 10.0, 100.0, 100.0, "12");
    b.line(p, 50.0, 300.0, 400.0, 300.0);
    b.fill_rect(p, 200.0, 50.0, 0.5, 400.0);
    b.image(p, 600.0, 400.0, 100.0, 50.0);
}

#[test]
fn rotated_pages_are_read_in_display_space() {
    for degrees in [90, 180, 270] {
        let mut b = PdfBuilder::new();
        let p = b.rotated_page(degrees);
        draw_turned(&mut b, p);
        check_turned_page(&b, degrees);
    }
}

#[test]
fn rotate_is_inherited_from_the_page_tree() {
    for degrees in [90, 180, 270] {
        let mut b = PdfBuilder::new();
        let p = b.page();
        b.turned(p, degrees);
        b.rotate_tree(degrees);
        draw_turned(&mut b, p);
        check_turned_page(&b, degrees);
    }
    // a page's own /Rotate 0 overrides the tree's
    let mut b = PdfBuilder::new();
    let p = b.page();
    b.rotate_tree(90);
    b.rotate(p, 360);
    b.text(p, FontKind::WinAnsi, 10.0, 100.0, 100.0, "1");
    let pdf = open(&b);
    let mut r = Rec::default();
    pdf.walk_page(1, &mut r).unwrap();
    assert_xy(r.glyph("1"), 100.0, 100.0);
    assert_eq!(r.info.map(|i| i.rotate), Some(0));
}

#[test]
fn rotate_not_a_multiple_of_90_is_ignored_with_a_warning() {
    let mut b = PdfBuilder::new();
    let p = b.page();
    b.rotate(p, 45);
    b.text(p, FontKind::WinAnsi, 10.0, 100.0, 100.0, "1");
    let pdf = open(&b);
    let mut r = Rec::default();
    let rep = pdf.walk_page(1, &mut r).unwrap();
    assert_xy(r.glyph("1"), 100.0, 100.0);
    assert_eq!(
        r.info.map(|i| i.crop_box),
        Some(Rect {
            x0: 0.0,
            y0: 0.0,
            x1: 842.0,
            y1: 595.0
        })
    );
    assert!(
        rep.warnings.iter().any(|w| w.contains("/Rotate 45")),
        "{:?}",
        rep.warnings
    );
}

#[derive(Default)]
struct AngleSink(Vec<f64>);
impl PageSink for AngleSink {
    fn glyph(&mut self, g: &Glyph) {
        self.0.push(g.angle);
    }
}

#[test]
fn invisible_render_modes_are_flagged() {
    let mut b = PdfBuilder::new();
    let p = b.page();
    b.raw(
        p,
        "q BT /FWin 10 Tf 3 Tr 1 0 0 1 10 10 Tm (1) Tj 7 Tr (2) Tj 2 Tr (3) Tj ET Q",
    );
    b.image(p, 0.0, 0.0, 842.0, 595.0);
    let pdf = open(&b);
    let mut inv = Vec::new();
    struct S<'a>(&'a mut Vec<(String, bool)>);
    impl PageSink for S<'_> {
        fn glyph(&mut self, g: &Glyph) {
            self.0.push((g.text.to_string(), g.invisible));
        }
    }
    let rep = pdf.walk_page(1, &mut S(&mut inv)).unwrap();
    assert_eq!(
        inv,
        vec![("1".into(), true), ("2".into(), true), ("3".into(), false)]
    );
    assert!(!rep.scanned);
}

#[test]
fn small_logo_alone_is_not_a_scan() {
    let mut b = PdfBuilder::new();
    let p = b.page();
    b.image(p, 10.0, 10.0, 50.0, 50.0);
    let rep = open(&b).walk_page(1, &mut ()).unwrap();
    assert!(!rep.scanned);
    assert!(rep.warnings.iter().any(|w| w.starts_with("no text")));
}

#[test]
fn scanned_page_is_reported() {
    let mut b = PdfBuilder::new();
    let p1 = b.page();
    b.image(p1, 0.0, 0.0, 842.0, 595.0);
    let p2 = b.page();
    b.image(p2, 0.0, 0.0, 100.0, 100.0);
    b.text(p2, FontKind::WinAnsi, 10.0, 200.0, 200.0, "1");
    let pdf = open(&b);
    let mut r = Rec::default();
    let rep = pdf.walk_page(1, &mut r).unwrap();
    assert!(rep.scanned);
    assert_eq!((rep.images, rep.glyphs), (1, 0));
    assert!(rep.warnings.iter().any(|w| w.starts_with("scanned")));
    assert_eq!(r.images[0].x1, 842.0);
    let rep = pdf.walk_page(2, &mut r).unwrap();
    assert!(!rep.scanned);
}

#[test]
fn glyphs_outside_the_crop_box_are_counted_not_emitted() {
    let mut b = PdfBuilder::new();
    let p = b.page();
    b.text(p, FontKind::WinAnsi, 10.0, 100.0, 10.0, "1");
    b.text(p, FontKind::WinAnsi, 10.0, 100.0, -0.95, "2");
    b.text(p, FontKind::WinAnsi, 10.0, 900.0, 10.0, "3");
    let pdf = open(&b);
    let mut r = Rec::default();
    let rep = pdf.walk_page(1, &mut r).unwrap();
    assert_eq!(r.text(), "1");
    assert_eq!(rep.offpage, 2);
}

// ---- bad input: each has its own error ----

fn err(bytes: &[u8]) -> PdfError {
    PdfFile::from_bytes(bytes, "bad.pdf").expect_err("must fail")
}

#[test]
fn empty_file() {
    let e = err(b"");
    assert!(matches!(e, PdfError::Empty { .. }), "{e}");
    assert_eq!(e.code(), "empty");
    assert!(e.to_string().contains("bad.pdf"));
}

#[test]
fn random_bytes_and_text_files_are_not_pdf() {
    // a fixed xorshift sequence: "random" but reproducible
    let mut x: u32 = 0x9e37_79b9;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    assert!(matches!(err(&bytes), PdfError::NotPdf { .. }));
    let e = err("部门预算说明\nThis is a text file, not a PDF.\n".as_bytes());
    assert!(matches!(e, PdfError::NotPdf { .. }), "{e}");
}

#[test]
fn truncated_pdf_is_refused() {
    // lopdf could rebuild the cross-reference table of a cut file by scanning and
    // return fewer pages or glyphs; a cut file must be refused instead.
    let full = table_fixture().build();
    for cut in [
        full.len() / 4,
        full.len() / 2,
        full.len() * 9 / 10,
        full.len() - 8,
    ] {
        let e = err(&full[..cut]);
        assert!(matches!(e, PdfError::Truncated { .. }), "cut at {cut}: {e}");
        assert_eq!(e.code(), "truncated");
    }
    let e = err(b"%PDF-1.7\n%%EOF\n");
    assert!(matches!(e, PdfError::Corrupt { .. }), "{e}");
}

#[test]
fn broken_xref_offsets_of_a_complete_file_are_repaired() {
    // Shift every byte after the header by inserting a comment line: all xref
    // offsets now point 21 bytes early, but the file is whole.
    let full = table_fixture().build();
    let nl = full.iter().position(|&b| b == b'\n').unwrap() + 1;
    let mut moved = full[..nl].to_vec();
    moved.extend_from_slice(b"% inserted 21 bytes\n\n");
    moved.extend_from_slice(&full[nl..]);
    let pdf = PdfFile::from_bytes(&moved, "moved.pdf").unwrap();
    assert!(pdf.repaired().is_some());
    let mut tl = TextLines::default();
    pdf.walk_page(1, &mut tl).unwrap();
    assert_eq!(tl.lines()[0].text(), "部门财务收支预算总表");
    let pdf = open(&table_fixture());
    assert_eq!(pdf.repaired(), None);
}

#[test]
fn damaged_bytes_never_panic() {
    let full = table_fixture().build();
    for i in (0..full.len()).step_by(37) {
        let mut b = full.clone();
        b[i] ^= 0x5a;
        if let Ok(pdf) = PdfFile::from_bytes(&b, "damaged.pdf") {
            for p in 1..=pdf.page_count() {
                let _ = pdf.walk_page(p, &mut TextLines::default());
            }
        }
    }
}

#[test]
fn encrypted_with_user_password_is_refused() {
    let bytes = table_fixture().build_encrypted("secret", "owner");
    let e = err(&bytes);
    assert!(matches!(e, PdfError::Encrypted { .. }), "{e}");
    assert!(e.to_string().contains("password"));
}

#[test]
fn encrypted_with_empty_user_password_is_read() {
    let bytes = table_fixture().build_encrypted("", "owner");
    assert!(bytes.windows(8).any(|w| w == b"/Encrypt"));
    let pdf = PdfFile::from_bytes(&bytes, "enc.pdf").unwrap();
    let mut tl = TextLines::default();
    let rep = pdf.walk_page(1, &mut tl).unwrap();
    assert_eq!(rep.undecodable, 0);
    assert_eq!(
        tl.lines()[2].text(),
        "一般公共服务支出 4,545,000.00 4,545,000.00"
    );
}

#[test]
fn missing_page_and_missing_file() {
    let pdf = open(&table_fixture());
    for i in [0, 2] {
        let e = pdf.walk_page(i, &mut ()).unwrap_err();
        assert!(matches!(e, PdfError::NoSuchPage { page, count: 1, .. } if page == i));
    }
    let e = PdfFile::open("/nonexistent/dir/x.pdf").unwrap_err();
    assert!(matches!(e, PdfError::Io { .. }));
}

/// A two-sided 部门收支总表 (收入 | 支出, each 项目 and 预算数; columns 40-240-340-540-640)
/// whose amounts are right-aligned 0.5pt short of their column's right edge and whose
/// 支出 labels start 1pt right of the 收入 amount column: where a row has both, the 收入
/// amount ends at 339.5 and the label starts at 341, a 1.5pt gap (0.15 em at 10pt), closer
/// than a word gap. `ruled`: cell borders drawn (verticals at each column edge, a
/// horizontal at each row edge), else no ruling at all.
fn glued_overview(ruled: bool) -> PdfBuilder {
    const SIZE: f64 = 10.0;
    let font = FontKind::Identity;
    let right = |s: &str, edge: f64| {
        edge - 0.5 - s.chars().map(|c| font.width(c)).sum::<f64>() * SIZE / 1000.0
    };
    let mut b = PdfBuilder::new();
    let p = b.page();
    b.text(p, font, 16.0, 360.0, 540.0, "部门收支总表");
    b.text(p, font, SIZE, 580.0, 515.0, "单位：万元");
    b.text(p, font, SIZE, 180.0, 488.0, "收入");
    b.text(p, font, SIZE, 480.0, 488.0, "支出");
    for x in [42.0, 342.0] {
        b.text(p, font, SIZE, x, 468.0, "项目");
    }
    for x in [275.0, 575.0] {
        b.text(p, font, SIZE, x, 468.0, "预算数");
    }
    let rows: [[&str; 4]; 4] = [
        [
            "一、一般公共预算拨款收入",
            "16,474.82",
            "一、一般公共服务支出",
            "47,179.30",
        ],
        ["二、事业收入", "", "二、教育支出", "1,183.52"],
        ["三、其他收入", "31,888.00", "", ""],
        ["本年收入合计", "48,362.82", "本年支出合计", "48,362.82"],
    ];
    for (i, r) in rows.iter().enumerate() {
        let y = 448.0 - 20.0 * i as f64;
        b.text(p, font, SIZE, 42.0, y, r[0]);
        if !r[1].is_empty() {
            b.text(p, font, SIZE, right(r[1], 340.0), y, r[1]);
        }
        if !r[2].is_empty() {
            b.text(p, font, SIZE, 341.0, y, r[2]);
        }
        if !r[3].is_empty() {
            b.text(p, font, SIZE, right(r[3], 640.0), y, r[3]);
        }
    }
    if ruled {
        for k in 0..=6 {
            let y = 500.0 - 20.0 * k as f64;
            b.line(p, 40.0, y, 640.0, y);
        }
        for x in [40.0, 240.0, 340.0, 540.0, 640.0] {
            b.line(p, x, 380.0, x, 500.0);
        }
    }
    b
}

fn convert_fixture(b: &PdfBuilder, name: &str) -> budget_tables::model::Document {
    budget_tables::convert::convert_bytes(
        std::path::Path::new(name),
        &b.build(),
        &budget_tables::grammar::GrammarSet::builtin(),
    )
    .expect("the fixture converts")
    .document
}

/// Rows as "section|name|amounts" with "-" for an empty cell.
fn section_rows(doc: &budget_tables::model::Document) -> Vec<String> {
    doc.tables[0]
        .rows
        .iter()
        .map(|r| {
            let a: Vec<String> = r
                .amounts
                .iter()
                .map(|a| a.map(|d| d.to_string()).unwrap_or_else(|| "-".into()))
                .collect();
            format!(
                "{}|{}|{}",
                r.section.as_deref().unwrap_or(""),
                r.name,
                a.join(" ")
            )
        })
        .collect()
}

/// The rows both fixtures must give: every amount on its own side, every label whole.
const GLUED_ROWS: [&str; 7] = [
    "收入|一、一般公共预算拨款收入|16474.82 -",
    "收入|二、事业收入|- -",
    "收入|三、其他收入|31888.00 -",
    "收入|本年收入合计|48362.82 -",
    "支出|一、一般公共服务支出|- 47179.30",
    "支出|二、教育支出|- 1183.52",
    "支出|本年支出合计|- 48362.82",
];

/// The runs of the fixture's first body row (baseline 448).
fn first_row_runs(b: &PdfBuilder) -> Vec<String> {
    let pdf = open(b);
    let mut tl = TextLines::default();
    pdf.walk_page(1, &mut tl).unwrap();
    let lines = tl.lines();
    let row = lines
        .iter()
        .find(|l| close(l.y, 448.0))
        .expect("row at 448");
    row.runs.iter().map(|r| r.text.clone()).collect()
}

fn assert_glued_rows(doc: &budget_tables::model::Document) {
    assert_eq!(doc.tables.len(), 1, "{:#?}", doc.warnings);
    let mut rows = section_rows(doc);
    rows.sort();
    let mut want = GLUED_ROWS.to_vec();
    want.sort();
    assert_eq!(rows, want);
}

#[test]
fn amount_glued_to_the_next_cell_is_split_at_a_ruling() {
    let b = glued_overview(true);
    // The reader itself ends the run at the border at x 340.
    assert_eq!(
        first_row_runs(&b),
        [
            "一、一般公共预算拨款收入",
            "16,474.82",
            "一、一般公共服务支出",
            "47,179.30"
        ]
    );
    assert_glued_rows(&convert_fixture(&b, "glued-ruled.pdf"));
}

#[test]
fn amount_glued_to_the_next_cell_is_split_by_column_geometry_without_rulings() {
    let b = glued_overview(false);
    // Without a ruling the reader keeps one run: the gap is narrower than a word gap.
    assert_eq!(
        first_row_runs(&b),
        [
            "一、一般公共预算拨款收入",
            "16,474.82一、一般公共服务支出",
            "47,179.30"
        ]
    );
    // The layout stage cuts it (and "48,362.82本年支出合计"): the amount ends where the
    // column's standalone 31,888.00 ends, and the label starts where 二、教育支出 starts.
    assert_glued_rows(&convert_fixture(&b, "glued-unruled.pdf"));
}
