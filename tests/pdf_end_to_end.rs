//! The PDF path end to end on PDFs the project builds itself (no corpus needed): a budget
//! table with mixed font encodings, blank cells, a wrapped name and a page break is converted
//! and every cell is checked against what the fixture printed.

use budget_tables::convert::convert_file;
use budget_tables::grammar::GrammarSet;
use budget_tables::model::Document;
use budget_tables::pdf::fixture::{
    expenditure_summary_pdf, expenditure_summary_pdf_turned, FontKind, Grid, PdfBuilder, Table,
};

/// Two pages: title, department and unit, then a table that continues on page 2 under a
/// repeated header; a blank cell in each of two rows and a wrapped name.
fn budget_pdf(grid: Grid) -> Vec<u8> {
    expenditure_summary_pdf(
        "测试局",
        &[
            [
                "201",
                "一般公共服务支出",
                "21,601,733.00",
                "12,291,733.00",
                "9,310,000.00",
            ],
            [
                "2011302",
                "一般行政管理事务",
                "4,545,000.00",
                "",
                "4,545,000.00",
            ],
            [
                "2080505",
                "机关事业单位基本养老保\n险缴费支出",
                "1,410,886.00",
                "1,410,886.00",
                "",
            ],
        ],
        ["", "合计", "23,012,619.00", "13,702,619.00", "9,310,000.00"],
        grid,
    )
}

fn convert(bytes: &[u8], name: &str) -> Document {
    let dir = std::env::temp_dir().join(format!("budget-tables-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write fixture");
    convert_file(&path, &GrammarSet::builtin())
        .expect("the fixture converts")
        .document
}

fn cells(doc: &Document) -> Vec<String> {
    let t = &doc.tables[0];
    t.rows
        .iter()
        .map(|r| {
            let a: Vec<String> = r
                .amounts
                .iter()
                .map(|a| a.map(|d| d.to_string()).unwrap_or_else(|| "-".into()))
                .collect();
            format!(
                "{}|{}|{}|p{}",
                r.code.as_deref().unwrap_or(""),
                r.name,
                a.join(" "),
                r.page
            )
        })
        .collect()
}

fn check(grid: Grid, name: &str) {
    let doc = convert(&budget_pdf(grid), name);
    assert_eq!(doc.tables.len(), 1, "{:#?}", doc.warnings);
    let t = &doc.tables[0];
    assert_eq!(t.title, "2025年部门支出预算总表");
    assert_eq!(t.kind, "expenditure_summary");
    assert_eq!(t.unit.label(), "元");
    assert_eq!((t.first_page, t.last_page), (1, 2));
    assert_eq!(doc.department.as_deref(), Some("测试局"));
    assert_eq!(doc.year, Some(2025));
    assert_eq!(
        cells(&doc),
        [
            "201|一般公共服务支出|21601733.00 12291733.00 9310000.00|p1",
            "2011302|一般行政管理事务|4545000.00 - 4545000.00|p1",
            "2080505|机关事业单位基本养老保险缴费支出|1410886.00 1410886.00 -|p1",
            "|合计|23012619.00 13702619.00 9310000.00|p2",
        ],
        "grid {grid:?}"
    );
    assert!(doc.warnings.is_empty(), "{:#?}", doc.warnings);
}

#[test]
fn ruled_table_with_blank_and_wrapped_cells_over_a_page_break() {
    check(Grid::ThinFilled, "ruled.pdf");
}

#[test]
fn stroked_grid() {
    check(Grid::Stroked, "stroked.pdf");
}

#[test]
fn table_without_rulings_uses_label_positions() {
    check(Grid::None, "unruled.pdf");
}

/// The two-page table on pages stored unturned with /Rotate (Acrobat Distiller's A3
/// landscape: portrait MediaBox, text on a rotated Tm): read as the displayed page shows it.
/// 201 is the sum of its two 项; 合计 = 201; each row's 合计 = 基本 + 项目.
fn check_turned(degrees: i64, grid: Grid) {
    let bytes = expenditure_summary_pdf_turned(
        "旋转测试局",
        &[
            [
                "201",
                "一般公共服务支出",
                "5,300,000.00",
                "3,200,000.00",
                "2,100,000.00",
            ],
            [
                "2010301",
                "行政运行机关\n本级经费",
                "3,200,000.00",
                "3,200,000.00",
                "",
            ],
            ["2010350", "事业运行", "2,100,000.00", "", "2,100,000.00"],
        ],
        ["", "合计", "5,300,000.00", "3,200,000.00", "2,100,000.00"],
        grid,
        degrees,
    );
    let doc = convert(&bytes, &format!("turned-{degrees}-{grid:?}.pdf"));
    assert_eq!(
        doc.tables.len(),
        1,
        "/Rotate {degrees}: {:#?}",
        doc.warnings
    );
    let t = &doc.tables[0];
    assert_eq!(t.title, "2025年部门支出预算总表");
    assert_eq!(t.kind, "expenditure_summary");
    assert_eq!((t.first_page, t.last_page), (1, 2));
    assert_eq!(doc.department.as_deref(), Some("旋转测试局"));
    assert_eq!(
        cells(&doc),
        [
            "201|一般公共服务支出|5300000.00 3200000.00 2100000.00|p1",
            "2010301|行政运行机关本级经费|3200000.00 3200000.00 -|p1",
            "2010350|事业运行|2100000.00 - 2100000.00|p1",
            "|合计|5300000.00 3200000.00 2100000.00|p2",
        ],
        "/Rotate {degrees}, grid {grid:?}"
    );
    assert!(doc.warnings.is_empty(), "{:#?}", doc.warnings);
}

#[test]
fn table_on_pages_rotated_90() {
    check_turned(90, Grid::ThinFilled);
    check_turned(90, Grid::None);
}

#[test]
fn table_on_pages_rotated_180() {
    check_turned(180, Grid::Stroked);
}

#[test]
fn table_on_pages_rotated_270() {
    check_turned(270, Grid::ThinFilled);
    check_turned(270, Grid::None);
}

#[test]
fn the_turned_fixture_unrotated_reads_the_same() {
    // the same table on ordinary pages: the expectation does not depend on the rotation
    check_turned(0, Grid::ThinFilled);
}

#[test]
fn encrypted_pdf_with_a_password_is_a_specific_error() {
    let mut b = PdfBuilder::new();
    let p = b.page();
    b.text(
        p,
        FontKind::Identity,
        16.0,
        300.0,
        560.0,
        "2025年部门支出预算总表",
    );
    let dir = std::env::temp_dir().join(format!("budget-tables-e2e-enc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("locked.pdf");
    std::fs::write(&path, b.build_encrypted("secret", "owner")).expect("write");
    let e = convert_file(&path, &GrammarSet::builtin()).expect_err("needs a password");
    assert!(e.to_string().contains("password"), "{e}");
}

#[test]
fn scanned_pdf_is_a_specific_error() {
    let mut b = PdfBuilder::new();
    let p = b.page();
    b.image(p, 0.0, 0.0, 800.0, 500.0);
    let dir = std::env::temp_dir().join(format!("budget-tables-e2e-scan-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("scan.pdf");
    std::fs::write(&path, b.build()).expect("write");
    let e = convert_file(&path, &GrammarSet::builtin()).expect_err("no text");
    assert!(e.to_string().contains("no text layer"), "{e}");
}

#[test]
fn a_pdf_that_is_not_a_budget_says_so() {
    let mut b = PdfBuilder::new();
    let p = b.page();
    b.text(p, FontKind::Identity, 12.0, 100.0, 500.0, "会议纪要");
    let dir = std::env::temp_dir().join(format!("budget-tables-e2e-nb-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("minutes.pdf");
    std::fs::write(&path, b.build()).expect("write");
    let e = convert_file(&path, &GrammarSet::builtin()).expect_err("not a budget");
    assert!(e.to_string().contains("not a budget"), "{e}");
}

/// A PDF of text pages: each page's lines at x 100, 20 points apart from y 540 down.
fn text_pages_pdf(pages: &[&[&str]]) -> Vec<u8> {
    let mut b = PdfBuilder::new();
    for lines in pages {
        let p = b.page();
        for (i, l) in lines.iter().enumerate() {
            b.text(
                p,
                FontKind::Identity,
                12.0,
                100.0,
                540.0 - 20.0 * i as f64,
                l,
            );
        }
    }
    b.build()
}

/// The error converting `bytes` written as `name` in a folder of this test run gives.
fn conversion_error(name: &str, bytes: Vec<u8>) -> budget_tables::error::Error {
    let dir = std::env::temp_dir().join(format!("budget-tables-e2e-err-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    match convert_file(&path, &GrammarSet::builtin()) {
        Ok(_) => panic!("{name}: converted, an error was expected"),
        Err(e) => e,
    }
}

/// A budget's explanation whose tables are published as a separate file (Beijing 2026: the
/// contents list 第二部分 …报表, the body says "附件：…部门预算报表"): reported as such, not as
/// "not a budget".
#[test]
fn a_budget_whose_contents_list_tables_it_does_not_print_says_so() {
    let e = conversion_error(
        "explanation-only.pdf",
        text_pages_pdf(&[
            &[
                "目 录",
                "第一部分 2026年度部门预算情况说明",
                "第二部分 2026年度部门预算报表",
                "一、收支总表",
                "二、收入总表",
                "三、支出总表",
                "四、财政拨款收支总表",
            ],
            &["附件：测试局2026年度部门预算报表"],
        ]),
    );
    let msg = e.to_string();
    assert!(
        msg.contains("budget without its tables")
            && msg.contains("the contents list 4 tables (收支总表、收入总表、支出总表…)")
            && msg.contains("on its 2 pages"),
        "{msg}"
    );
}

/// A budget's explanation without contents and without tables (Beijing 2026 国资委: "北京市人
/// 民政府国有资产监督管理委员会" / "2026 部门预算情况的说明" over prose): its tables are
/// elsewhere, so it is not "not a budget"; a notice whose text only mentions 预算 still is.
#[test]
fn a_budget_explanation_without_contents_or_tables_says_its_tables_are_elsewhere() {
    let e = conversion_error(
        "explanation.pdf",
        text_pages_pdf(&[&[
            "测试市国有资产监督管理委员会",
            "2026 部门预算情况的说明",
            "一、部门情况说明",
            "（一）本部门职责情况",
        ]]),
    );
    assert_eq!(e.reason(), "tables_not_printed", "{e}");
    assert!(
        e.to_string().contains("(\"2026部门预算情况的说明\")")
            && e.to_string().contains("on its 1 pages"),
        "{e}"
    );
    let e = conversion_error(
        "notice.pdf",
        text_pages_pdf(&[&[
            "测试市人民政府办公厅文件",
            "关于做好消防安全工作的通知",
            "各部门编制预算时应安排经费。",
        ]]),
    );
    assert_eq!(e.reason(), "not_budget", "{e}");
}

/// A one-page table with a one-row header whose labels wrap inside narrow cells, as regional
/// offices print them: `header` cells (a "\n" starts the next printed line of the cell),
/// then `body` rows, under `title`, 编制部门 and 单位：万元 (its 元 on the next line when
/// `wrapped_unit`).
fn wrapped_header_pdf(
    wrapped_unit: bool,
    title: &str,
    cols: &[f64],
    header: &[&str],
    body: &[Vec<&str>],
    grid: Grid,
) -> Vec<u8> {
    let mut b = PdfBuilder::new();
    table_page(&mut b, wrapped_unit, title, cols, header, body, grid);
    b.build()
}

/// One page of [`wrapped_header_pdf`] added to `b`.
fn table_page(
    b: &mut PdfBuilder,
    wrapped_unit: bool,
    title: &str,
    cols: &[f64],
    header: &[&str],
    body: &[Vec<&str>],
    grid: Grid,
) {
    let p = b.page();
    b.text(p, FontKind::Identity, 16.0, 250.0, 560.0, title);
    b.text(p, FontKind::Identity, 10.0, 40.0, 535.0, "编制部门：测试局");
    if wrapped_unit {
        // "单位：万" with its "元" on the next line, as a narrow unit cell wraps it.
        b.text(p, FontKind::Identity, 10.0, 700.0, 547.0, "单位：万");
        b.text(p, FontKind::Identity, 10.0, 700.0, 535.0, "元");
    } else {
        b.text(p, FontKind::Identity, 10.0, 700.0, 535.0, "单位：万元");
    }
    let rows: Vec<Vec<&str>> = std::iter::once(header.to_vec())
        .chain(body.iter().cloned())
        .collect();
    b.table(
        p,
        &Table {
            x: 40.0,
            top: 520.0,
            cols: cols.to_vec(),
            row_height: 20.0,
            size: 10.0,
            fonts: vec![FontKind::Identity; cols.len()],
            header: 1,
            rows,
            grid,
        },
    );
}

fn amounts(doc: &Document) -> Vec<Vec<String>> {
    doc.tables[0]
        .rows
        .iter()
        .map(|r| {
            r.amounts
                .iter()
                .map(|a| a.map(|d| d.to_string()).unwrap_or_else(|| "-".into()))
                .collect()
        })
        .collect()
}

/// A 三公 table whose header cells wrap: 合计 one character per line, "因公出国" over
/// "（境）费", 公务接待费 one character per line and printed before the vehicle columns,
/// "公务用车" over "运行维" over "护费" (运行维护费, the vocabulary's synonym of the
/// grammar's 公务用车运行费). Amounts: 10.50 = 2.00 + 6.00 + 2.50 and 6.00 = 4.00 + 2.00,
/// so each must land in its own column for the identities to hold.
fn check_wrapped_three_public(grid: Grid, name: &str) {
    let bytes = wrapped_header_pdf(
        false,
        "2025年一般公共预算“三公”经费支出表",
        &[60.0; 6],
        &[
            "合\n计",
            "因公出国\n（境）费",
            "公\n务\n接\n待\n费",
            "小计",
            "公务用车\n购置费",
            "公务用车\n运行维\n护费",
        ],
        &[vec!["10.50", "2.00", "2.50", "6.00", "4.00", "2.00"]],
        grid,
    );
    let doc = convert(&bytes, name);
    assert_eq!(doc.tables.len(), 1, "{:#?}", doc.warnings);
    let t = &doc.tables[0];
    assert_eq!(t.kind, "three_public_expenses");
    assert_eq!(t.unit.label(), "万元");
    let ids: Vec<&str> = t.columns.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "total",
            "outbound_travel",
            "official_vehicles",
            "official_vehicles.purchase",
            "official_vehicles.operation",
            "official_reception"
        ]
    );
    // In the grammar's column order: total, outbound, vehicles, purchase, operation, reception.
    assert_eq!(
        amounts(&doc),
        [["10.50", "2.00", "6.00", "4.00", "2.00", "2.50"]],
        "grid {grid:?}"
    );
    assert!(doc.warnings.is_empty(), "{:#?}", doc.warnings);
}

#[test]
fn three_public_header_wrapped_in_narrow_ruled_cells() {
    check_wrapped_three_public(Grid::ThinFilled, "wrapped-3p-ruled.pdf");
}

#[test]
fn three_public_header_wrapped_in_narrow_unruled_cells() {
    check_wrapped_three_public(Grid::None, "wrapped-3p-unruled.pdf");
}

/// A 部门支出总表 whose 基本支出 label is "基" over "本支出" and 合计 letter-spaced one
/// character per line; each row's 合计 = 基本支出 + 项目支出.
#[test]
fn expenditure_header_with_a_label_wrapped_after_one_character() {
    let bytes = wrapped_header_pdf(
        false,
        "2025年部门支出总表",
        &[80.0, 200.0, 45.0, 45.0, 45.0],
        &["科目编码", "科目名称", "合\n计", "基\n本支出", "项目\n支出"],
        &[
            vec!["201", "一般公共服务支出", "9.00", "5.00", "4.00"],
            vec!["", "合计", "9.00", "5.00", "4.00"],
        ],
        Grid::ThinFilled,
    );
    let doc = convert(&bytes, "wrapped-basic.pdf");
    assert_eq!(doc.tables.len(), 1, "{:#?}", doc.warnings);
    assert_eq!(doc.tables[0].kind, "expenditure_summary");
    assert_eq!(
        amounts(&doc),
        [["9.00", "5.00", "4.00"], ["9.00", "5.00", "4.00"]]
    );
    assert!(doc.warnings.is_empty(), "{:#?}", doc.warnings);
}

/// A 部门支出总表 printed without a 项目支出 column (an office with no project spending), or
/// with a column the grammar does not know (上缴上级支出) in its place.
fn expenditure_without_projects_pdf(header: &[&str], body: &[Vec<&str>], grid: Grid) -> Vec<u8> {
    let cols = [80.0, 200.0, 80.0, 80.0, 80.0];
    let cols = cols.get(..header.len()).unwrap_or(&cols);
    wrapped_header_pdf(false, "2025年部门支出总表", cols, header, body, grid)
}

#[test]
fn a_ruled_table_may_leave_out_a_grammar_column() {
    let bytes = expenditure_without_projects_pdf(
        &["科目编码", "科目名称", "合计", "基本支出"],
        &[
            vec!["201", "一般公共服务支出", "9.00", "9.00"],
            vec!["", "合计", "9.00", "9.00"],
        ],
        Grid::ThinFilled,
    );
    let doc = convert(&bytes, "no-projects.pdf");
    assert_eq!(doc.tables.len(), 1, "{:#?}", doc.warnings);
    // 项目支出 is not printed: blank in every row, 合计 = 基本支出 holds.
    assert_eq!(
        amounts(&doc),
        [["9.00", "9.00", "-"], ["9.00", "9.00", "-"]]
    );
}

/// The ids and labels of the first table's columns.
fn columns(doc: &Document) -> Vec<(String, String)> {
    doc.tables[0]
        .columns
        .iter()
        .map(|c| (c.id.clone(), c.label.clone()))
        .collect()
}

#[test]
fn an_amount_under_a_column_the_family_grammar_lacks_stays_under_its_own_label() {
    // 上缴上级支出 is not in the Hubei grammar of 部门支出总表 but is an optional column of the
    // national one: 4.00 must land under 上缴上级支出, never under 项目支出 (which is not
    // printed) or any other column; 9.00 = 5.00 + 4.00 then holds.
    let bytes = expenditure_without_projects_pdf(
        &["科目编码", "科目名称", "合计", "基本支出", "上缴上级支出"],
        &[
            vec!["201", "一般公共服务支出", "9.00", "5.00", "4.00"],
            vec!["", "合计", "9.00", "5.00", "4.00"],
        ],
        Grid::ThinFilled,
    );
    let doc = convert(&bytes, "payment-to-superior.pdf");
    assert_eq!(doc.tables.len(), 1, "{:#?}", doc.warnings);
    assert_eq!(doc.tables[0].kind, "expenditure_summary");
    let cols = columns(&doc);
    assert_eq!(
        cols.iter().map(|(_, l)| l.as_str()).collect::<Vec<_>>(),
        ["合计", "基本支出", "上缴上级支出"]
    );
    assert!(
        !cols.iter().any(|(id, _)| id == "project_expenditure"),
        "{cols:?}"
    );
    assert_eq!(
        amounts(&doc),
        [["9.00", "5.00", "4.00"], ["9.00", "5.00", "4.00"]]
    );
    // Without rulings the header's two printed amount labels are the table's columns:
    // nothing is invented for 项目支出.
    let bytes = expenditure_without_projects_pdf(
        &["科目编码", "科目名称", "合计", "基本支出"],
        &[vec!["201", "一般公共服务支出", "9.00", "9.00"]],
        Grid::None,
    );
    let doc = convert(&bytes, "unruled-two-columns.pdf");
    assert_eq!(doc.tables.len(), 1, "{:#?}", doc.warnings);
    assert_eq!(
        columns(&doc)
            .iter()
            .map(|(_, l)| l.as_str())
            .collect::<Vec<_>>(),
        ["合计", "基本支出"]
    );
    assert_eq!(amounts(&doc), [["9.00", "9.00"]]);
}

/// A Jiangsu 财政拨款支出预算表 (no default unit in its grammar) whose lone amount column is
/// letter-spaced "金   额" and whose unit wraps "单位：万" over "元".
#[test]
fn letter_spaced_label_and_a_unit_wrapped_over_two_lines() {
    let bytes = wrapped_header_pdf(
        true,
        "2025年财政拨款支出预算表",
        &[100.0, 200.0, 100.0],
        &["功能科目代码", "功能科目名称", "金   额"],
        &[
            vec!["201", "一般公共服务支出", "9.00"],
            vec!["", "合计", "9.00"],
        ],
        Grid::ThinFilled,
    );
    let doc = convert(&bytes, "letter-spaced.pdf");
    assert_eq!(doc.tables.len(), 1, "{:#?}", doc.warnings);
    let t = &doc.tables[0];
    assert_eq!(t.kind, "fiscal_expenditure");
    assert_eq!(t.unit.label(), "万元");
    assert_eq!(amounts(&doc), [["9.00"], ["9.00"]]);
}

/// Codes and names of the first table's rows.
fn keys(doc: &Document) -> Vec<(Option<String>, String, u8)> {
    doc.tables[0]
        .rows
        .iter()
        .map(|r| (r.code.clone(), r.name.clone(), r.level))
        .collect()
}

/// A printed code form: its name, the key columns' header labels and widths, the body rows.
type CodeForm = (
    &'static str,
    Vec<&'static str>,
    Vec<f64>,
    Vec<Vec<&'static str>>,
);

/// Each printed form of a function code gives the same rows: one code column, codes fused
/// with their names (with or without a separator), bracketed codes, 类/款/项 columns with
/// and without the parent's digits.
#[test]
fn every_printed_code_form_gives_the_same_codes() {
    let amounts = ["9.00", "5.00", "4.00"];
    let row = |cells: &[&'static str]| -> Vec<&'static str> {
        cells.iter().copied().chain(amounts).collect()
    };
    let amount_labels = ["合计", "基本支出", "项目支出"];
    let forms: Vec<CodeForm> = vec![
        (
            "one code column",
            vec!["科目编码", "科目名称"],
            vec![80.0, 200.0],
            vec![
                row(&["201", "一般公共服务支出"]),
                row(&["20101", "人大事务"]),
                row(&["2010101", "行政运行"]),
                row(&["", "合计"]),
            ],
        ),
        (
            "fused",
            vec!["功能分类科目"],
            vec![200.0],
            vec![
                row(&["201一般公共服务支出"]),
                row(&["20101 人大事务"]),
                row(&["2010101-行政运行"]),
                row(&["合计"]),
            ],
        ),
        (
            "bracketed",
            vec!["科目编码", "科目名称"],
            vec![80.0, 200.0],
            vec![
                row(&["[201]", "一般公共服务支出"]),
                row(&["[20101]", "人大事务"]),
                row(&["[2010101]", "行政运行"]),
                row(&["", "合计"]),
            ],
        ),
        (
            "类/款/项 with the parent's digits",
            vec!["类", "款", "项", "科目名称"],
            vec![40.0, 40.0, 40.0, 200.0],
            vec![
                row(&["201", "", "", "一般公共服务支出"]),
                row(&["201", "01", "", "人大事务"]),
                row(&["201", "01", "01", "行政运行"]),
                row(&["", "", "", "合计"]),
            ],
        ),
        (
            "类/款/项 without the parent's digits",
            vec!["类", "款", "项", "科目名称"],
            vec![40.0, 40.0, 40.0, 200.0],
            vec![
                row(&["201", "", "", "一般公共服务支出"]),
                row(&["", "01", "", "人大事务"]),
                row(&["", "", "01", "行政运行"]),
                row(&["", "", "", "合计"]),
            ],
        ),
    ];
    let expected = [
        (Some("201".to_string()), "一般公共服务支出".to_string(), 1),
        (Some("20101".into()), "人大事务".into(), 2),
        (Some("2010101".into()), "行政运行".into(), 3),
        (None, "合计".into(), 0),
    ];
    for (form, keys_header, widths, body) in forms {
        let header: Vec<&str> = keys_header.iter().copied().chain(amount_labels).collect();
        let cols: Vec<f64> = widths.into_iter().chain([80.0; 3]).collect();
        let bytes = wrapped_header_pdf(
            false,
            "2025年部门支出总表",
            &cols,
            &header,
            &body,
            Grid::ThinFilled,
        );
        let doc = convert(&bytes, "code-form.pdf");
        assert_eq!(doc.tables.len(), 1, "{form}: {:#?}", doc.warnings);
        assert_eq!(keys(&doc), expected, "{form}");
        assert_eq!(
            self::amounts(&doc),
            vec![amounts.map(String::from).to_vec(); 4],
            "{form}"
        );
    }
}

/// Fuzhou/Hangzhou print 一般公共预算拨款支出预算表 with 小计/基本支出/项目支出 where the Jiangsu
/// grammar the title also names has one 金额 column: the title's other kinds are tried.
#[test]
fn a_title_printed_with_another_templates_columns_is_read_by_that_template() {
    // The document's other titles are Jiangsu's (its family), whose grammar for this title
    // has one 金额 column.
    let mut b = PdfBuilder::new();
    for title in ["2026年度财政拨款支出预算表", "2026年度财政拨款收支预算总表"]
    {
        table_page(
            &mut b,
            false,
            title,
            &[100.0, 200.0, 100.0],
            &["功能科目代码", "功能科目名称", "金额"],
            &[
                vec!["201", "一般公共服务支出", "9.00"],
                vec!["", "合计", "9.00"],
            ],
            Grid::ThinFilled,
        );
    }
    table_page(
        &mut b,
        false,
        "2026年度一般公共预算拨款支出预算表",
        &[80.0, 200.0, 80.0, 80.0, 80.0],
        &["科目编码", "科目名称", "小计", "基本支出", "项目支出"],
        &[
            vec!["201", "一般公共服务支出", "9.00", "5.00", "4.00"],
            vec!["", "合计", "9.00", "5.00", "4.00"],
        ],
        Grid::ThinFilled,
    );
    let doc = convert(&b.build(), "general-budget.pdf");
    let t = doc
        .tables
        .iter()
        .find(|t| t.title.contains("一般公共预算"))
        .unwrap_or_else(|| panic!("{:#?}", doc.warnings));
    assert_eq!(
        t.kind, "general_budget_expenditure_by_function",
        "{}",
        t.grammar
    );
    // Each printed amount under its column; the template's columns the table does not print
    // stay blank.
    assert_eq!(t.rows.len(), 2);
    for row in &t.rows {
        for (id, a) in t.columns.iter().map(|c| &c.id).zip(&row.amounts) {
            let expected = match id.as_str() {
                "total" => Some("9.00"),
                "basic_expenditure" => Some("5.00"),
                "project_expenditure" => Some("4.00"),
                _ => None,
            };
            assert_eq!(a.map(|d| d.to_string()).as_deref(), expected, "{id}");
        }
    }
}

#[test]
fn a_basic_expenditure_table_printed_by_funding_source_over_two_pages() {
    // Shenzhen prints its 基本支出总表 by source (总计, 财政拨款 小计 and its budgets, the
    // unit's own funds), names only, and prints the label and title again on the next page.
    let header = [
        "支出项目类别",
        "总计",
        "财政拨款\n小计",
        "一般公共\n预算拨款",
        "政府性基金\n预算拨款",
        "事业收入",
    ];
    let cols = [140.0, 70.0, 70.0, 70.0, 70.0, 70.0];
    let mut b = PdfBuilder::new();
    let pages: [&[Vec<&str>]; 2] = [
        &[
            vec!["测试局", "12.00", "10.00", "9.00", "1.00", "2.00"],
            vec!["工资福利支出", "7.00", "5.00", "5.00", "0.00", "2.00"],
        ],
        &[vec![
            "商品和服务支出",
            "5.00",
            "5.00",
            "4.00",
            "1.00",
            "0.00",
        ]],
    ];
    for (p, body) in (1..).zip(pages) {
        table_page(
            &mut b,
            false,
            "基本支出总表",
            &cols,
            &header,
            body,
            Grid::ThinFilled,
        );
        b.text(p, FontKind::Identity, 10.0, 40.0, 575.0, "表4");
    }
    let doc = convert(&b.build(), "basic-by-source.pdf");
    let t = doc
        .tables
        .iter()
        .find(|t| t.kind == "basic_expenditure")
        .unwrap_or_else(|| panic!("{:#?}", doc.warnings));
    let names: Vec<&str> = t.rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["测试局", "工资福利支出", "商品和服务支出"]);
    // Each printed amount under its source; sources the table does not print stay empty.
    let row: Vec<(&str, Option<String>)> = t
        .columns
        .iter()
        .zip(&t.rows[2].amounts)
        .filter_map(|(c, a)| a.map(|d| (c.id.as_str(), Some(d.to_string()))))
        .collect();
    let some = |s: &str| Some(s.to_string());
    assert_eq!(
        row,
        [
            ("total", some("5.00")),
            ("fiscal_appropriation", some("5.00")),
            ("income.general_budget", some("4.00")),
            ("income.government_fund", some("1.00")),
            ("income.business", some("0.00"))
        ],
        "{:#?}",
        doc.warnings
    );
    assert_eq!((t.first_page, t.last_page), (1, 2));
}

#[test]
fn a_ruled_header_tree_gives_each_column_its_parents_and_signed_amounts_are_read() {
    // Shenzhen's 三公 table: each part split into three budgets. A part's label is printed
    // narrow, centred in a ruled cell spanning its budgets' columns (公务用车购置及运行维护费
    // over three parts); the 增减 row is signed.
    let mut b = PdfBuilder::new();
    let p = b.page();
    let f = FontKind::Identity;
    b.text(p, f, 14.0, 300.0, 560.0, "财政拨款“三公”经费支出表");
    b.text(p, f, 8.0, 30.0, 540.0, "部门名称：测试局");
    b.text(p, f, 8.0, 740.0, 540.0, "单位：万元");
    let (x0, name_w, w) = (30.0, 90.0, 40.0);
    let parts = [
        "总计",
        "因公出国(境)费",
        "公务接待费",
        "小计",
        "公务用车购置费",
        "公务用车运行维护费",
    ];
    // Wrapped in their narrow cells, as Shenzhen prints them.
    let budgets = [
        ("一般公共预", "算"),
        ("政府性基金", "预算"),
        ("国有资本经", "营预算"),
    ];
    // Header bands (top to bottom): 530-510 vehicles banner, 510-490 parts, 490-470 budgets.
    let (top, band1, band2, body_top) = (530.0, 510.0, 490.0, 470.0);
    let right = x0 + name_w + w * 18.0;
    let col = |k: usize| x0 + name_w + w * k as f64;
    b.text(p, f, 7.0, x0 + 20.0, 495.0, "预算单位");
    for (i, part) in parts.iter().enumerate() {
        // Centred in its span of three columns, narrower than one of them.
        let width = 6.0 * part.chars().count() as f64;
        let y = if i < 3 { 505.0 } else { 497.0 };
        b.text(p, f, 6.0, col(3 * i) + 60.0 - width / 2.0, y, part);
        for (j, (first, rest)) in budgets.iter().enumerate() {
            b.text(p, f, 6.0, col(3 * i + j) + 4.0, 482.0, first);
            b.text(p, f, 6.0, col(3 * i + j) + 14.0, 474.0, rest);
        }
    }
    b.text(p, f, 6.0, col(9) + 84.0, 517.0, "公务用车购置及运行维护费");
    // Per row, per part: 一般公共预算, 政府性基金预算, 国有资本经营预算.
    let rows: [(&str, [[&str; 3]; 6]); 2] = [
        (
            "测试局",
            [
                ["5.58", "3.00", "0.00"],
                ["0.00", "1.00", "0.00"],
                ["2.98", "1.00", "0.00"],
                ["2.60", "1.00", "0.00"],
                ["0.00", "0.50", "0.00"],
                ["2.60", "0.50", "0.00"],
            ],
        ),
        (
            "增减变化金额",
            [
                ["-0.40", "0.00", "0.00"],
                ["0.00", "0.00", "0.00"],
                ["-0.40", "0.00", "0.00"],
                ["0.00", "0.00", "0.00"],
                ["0.00", "0.00", "0.00"],
                ["0.00", "0.00", "0.00"],
            ],
        ),
    ];
    let mut y = body_top;
    for (name, amounts) in rows {
        b.text(p, f, 7.0, x0 + 2.0, y - 14.0, name);
        for (i, part) in amounts.iter().enumerate() {
            for (j, text) in part.iter().enumerate() {
                let x = col(3 * i + j) + 38.0 - 4.0 * text.len() as f64;
                b.text(p, f, 7.0, x, y - 14.0, text);
            }
        }
        y -= 20.0;
    }
    let bottom = y;
    for ry in [top, band2, body_top, body_top - 20.0, bottom] {
        b.line(p, x0, ry, right, ry);
    }
    b.line(p, col(9), band1, right, band1);
    for x in [x0, col(0), right] {
        b.line(p, x, bottom, x, top);
    }
    for k in 1..18 {
        let reach = match k {
            // Between parts outside the vehicles banner: through the top band.
            3 | 6 | 9 => top,
            // Between the vehicle parts: up to the banner.
            12 | 15 => band1,
            // Between a part's budgets: the budget band only.
            _ => band2,
        };
        b.line(p, col(k), bottom, col(k), reach);
    }
    let doc = convert(&b.build(), "three-public-by-budget.pdf");
    let t = doc
        .tables
        .iter()
        .find(|t| t.kind == "three_public_expenses")
        .unwrap_or_else(|| panic!("{:#?}", doc.warnings));
    let cell = |row: usize, id: &str| {
        let c = t
            .column_index(id)
            .unwrap_or_else(|| panic!("{id}: {:?}", t.columns));
        t.rows[row].amounts[c].map(|d| d.to_string())
    };
    assert_eq!(cell(0, "total.general_budget").as_deref(), Some("5.58"));
    assert_eq!(
        cell(0, "official_reception.general_budget").as_deref(),
        Some("2.98")
    );
    assert_eq!(
        cell(0, "official_vehicles.general_budget").as_deref(),
        Some("2.60")
    );
    assert_eq!(
        cell(0, "official_vehicles.operation.general_budget").as_deref(),
        Some("2.60")
    );
    assert_eq!(cell(0, "total.government_fund").as_deref(), Some("3.00"));
    assert_eq!(
        cell(0, "outbound_travel.government_fund").as_deref(),
        Some("1.00")
    );
    assert_eq!(
        cell(0, "official_vehicles.purchase.government_fund").as_deref(),
        Some("0.50")
    );
    assert_eq!(
        cell(0, "official_vehicles.purchase.state_capital").as_deref(),
        Some("0.00")
    );
    assert_eq!(cell(1, "total.general_budget").as_deref(), Some("-0.40"));
    assert_eq!(
        cell(1, "official_reception.general_budget").as_deref(),
        Some("-0.40")
    );
    assert_eq!(t.rows[1].name, "增减变化金额");
}

#[test]
fn an_amount_wrapped_inside_its_ruled_cell_is_one_amount() {
    // A narrow ruled cell wraps "1,682.76" as "1,682.7" over "6" (Shenzhen's 项目支出总表).
    let bytes = wrapped_header_pdf(
        false,
        "部门支出总表",
        &[70.0, 200.0, 40.0, 80.0, 80.0],
        &["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
        &[
            vec![
                "201",
                "一般公共服务支出",
                "1,682.7\n6",
                "1,000.00",
                "682.76",
            ],
            vec!["", "合计", "1,682.7\n6", "1,000.00", "682.76"],
        ],
        Grid::ThinFilled,
    );
    let doc = convert(&bytes, "wrapped-amount.pdf");
    assert_eq!(
        amounts(&doc),
        [
            ["1682.76", "1000.00", "682.76"],
            ["1682.76", "1000.00", "682.76"]
        ],
        "{:#?}",
        doc.warnings
    );
}

#[test]
fn a_summary_printing_its_expenditure_three_times_side_by_side_is_read() {
    // Xi'an: 收入 | 支出 by function | by 部门 economic class | by 政府 economic class.
    let bytes = wrapped_header_pdf(
        false,
        "部门综合预算收支总表",
        &[80.0, 50.0, 110.0, 50.0, 130.0, 50.0, 130.0, 50.0],
        &[
            "项目",
            "预算数",
            "支出功能分类科目",
            "预算数",
            "部门预算支出经济分类科目",
            "预算数",
            "政府预算支出经济分类科目",
            "预算数",
        ],
        &[
            vec![
                "一、财政拨款",
                "9.00",
                "一、一般公共服务支出",
                "7.00",
                "一、工资福利支出",
                "6.00",
                "一、机关工资福利支出",
                "6.00",
            ],
            vec![
                "",
                "",
                "二、教育支出",
                "2.00",
                "二、商品和服务支出",
                "3.00",
                "二、机关商品和服务支出",
                "3.00",
            ],
            vec![
                "收入总计",
                "9.00",
                "支出总计",
                "9.00",
                "支出总计",
                "9.00",
                "支出总计",
                "9.00",
            ],
        ],
        Grid::ThinFilled,
    );
    let doc = convert(&bytes, "four-sided.pdf");
    let t = doc
        .tables
        .iter()
        .find(|t| t.kind == "overview")
        .unwrap_or_else(|| panic!("{:#?}", doc.warnings));
    let rows: Vec<(String, String, Vec<String>)> = t
        .rows
        .iter()
        .map(|r| {
            (
                r.section.clone().unwrap_or_default(),
                r.name.clone(),
                r.amounts.iter().flatten().map(|d| d.to_string()).collect(),
            )
        })
        .collect();
    let find = |section: &str, name: &str| {
        rows.iter()
            .find(|r| r.0 == section && r.1 == name)
            .map(|r| r.2.clone())
            .unwrap_or_else(|| panic!("{section} {name}: {rows:#?}"))
    };
    assert_eq!(find("收入", "一、财政拨款"), ["9.00"]);
    assert_eq!(find("支出", "二、教育支出"), ["2.00"]);
    assert_eq!(
        find("支出(部门预算支出经济分类)", "二、商品和服务支出"),
        ["3.00"]
    );
    assert_eq!(
        find("支出(政府预算支出经济分类)", "一、机关工资福利支出"),
        ["6.00"]
    );
    assert_eq!(find("支出(政府预算支出经济分类)", "支出总计"), ["9.00"]);
}

#[test]
fn a_table_goes_on_over_a_page_that_repeats_only_its_long_header() {
    // Xi'an's 表6: page 2 prints the header again (one long line) but not the title.
    let cols = [70.0, 230.0, 80.0, 80.0, 80.0];
    let header = [
        "科目编码",
        "科目名称（按支出功能分类科目的类款项）",
        "合计",
        "基本支出",
        "项目支出",
    ];
    let mut b = PdfBuilder::new();
    table_page(
        &mut b,
        false,
        "部门支出总表",
        &cols,
        &header,
        &[vec!["201", "一般公共服务支出", "9.00", "5.00", "4.00"]],
        Grid::ThinFilled,
    );
    let p = b.page();
    b.table(
        p,
        &Table {
            x: 40.0,
            top: 540.0,
            cols: cols.to_vec(),
            row_height: 20.0,
            size: 10.0,
            fonts: vec![FontKind::Identity; cols.len()],
            header: 1,
            rows: vec![
                header.to_vec(),
                vec!["205", "教育支出", "3.00", "3.00", "0.00"],
                vec!["", "合计", "12.00", "8.00", "4.00"],
            ],
            grid: Grid::ThinFilled,
        },
    );
    let doc = convert(&b.build(), "long-header-continued.pdf");
    let t = doc
        .tables
        .iter()
        .find(|t| t.kind == "expenditure_summary")
        .unwrap_or_else(|| panic!("{:#?}", doc.warnings));
    assert_eq!((t.first_page, t.last_page), (1, 2), "{:#?}", doc.warnings);
    let names: Vec<&str> = t.rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["一般公共服务支出", "教育支出", "合计"]);
}

#[test]
fn a_percent_column_the_grammar_does_not_know_is_kept_out_of_row_names() {
    // The central template prints 增减(%) beside its amounts; its cells ("-60.86%") had been
    // read as text and glued into the row names ("一般公共服务支出-60.86%").
    let bytes = wrapped_header_pdf(
        false,
        "2025年部门支出总表",
        &[60.0, 140.0, 60.0, 60.0, 60.0, 60.0],
        &[
            "科目编码",
            "科目名称",
            "合计",
            "基本支出",
            "项目支出",
            "增减(%)",
        ],
        &[
            vec!["201", "一般公共服务支出", "9.00", "5.00", "4.00", "-60.86%"],
            vec!["20101", "人大事务", "9.00", "5.00", "4.00", "12.50%"],
        ],
        Grid::ThinFilled,
    );
    let doc = convert(&bytes, "percent-column.pdf");
    assert_eq!(doc.tables.len(), 1, "{:#?}", doc.warnings);
    let t = &doc.tables[0];
    let names: Vec<&str> = t.rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["一般公共服务支出", "人大事务"]);
    let pct: Vec<Option<&str>> = t
        .rows
        .iter()
        .map(|r| r.attributes.get("增减(%)").map(String::as_str))
        .collect();
    assert_eq!(pct, [Some("-60.86%"), Some("12.50%")]);
    assert_eq!(
        amounts(&doc),
        [["9.00", "5.00", "4.00"], ["9.00", "5.00", "4.00"]].map(|r| r.map(String::from).to_vec())
    );
}
