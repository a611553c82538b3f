//! Notes printed under a table's rows are the table's note, not rows or parts of row names:
//! a note over several lines ("注：一、行政经费是指…" and its wrapped lines), a sentence under
//! the last row without "注" ("本套报表金额单位转换时可能存在尾数误差。"), and a text cell that
//! merely starts with the character 注 ("注册用户总数…") is not a note. Documents of the bulk
//! corpus; expected text read off the PDFs with `pdftotext -layout -f N -l N`.

mod common;

use budget_tables::model::{Document, Table};
use common::bulk_doc;

fn table<'d>(doc: &'d Document, title: &str) -> &'d Table {
    doc.tables
        .iter()
        .find(|t| t.title.contains(title))
        .unwrap_or_else(|| panic!("table {title}"))
}

#[test]
fn a_note_over_several_lines_stays_out_of_the_last_row() {
    let Some(dir) = common::corpus_dir("a_note_over_several_lines_stays_out_of_the_last_row")
    else {
        return;
    };
    // 2026年广州市应急管理局部门预算.pdf.
    let doc = bulk_doc(&dir, "005_广州", "9a1eb357ba").document;
    // Page 16: "[31003]专用设备购置 2.00", then "注：表中经济分类科目，…" and, on the next
    // line, "本报表金额转化为万元时，四舍五入可能存在尾差。".
    let t = table(&doc, "一般公共预算基本支出情况表");
    let last = t.rows.last().expect("rows");
    assert_eq!(last.name, "专用设备购置");
    assert_eq!(last.amounts[0], Some("2.00".parse().expect("decimal")));
    let note = t.note.as_deref().unwrap_or_default();
    assert!(note.starts_with("注：表中经济分类科目"), "{note}");
    assert!(note.ends_with("四舍五入可能存在尾差。"), "{note}");
    // Page 18: the 三公 table's last row, then a note of seven lines.
    let t = table(&doc, "三公");
    let last = t.rows.last().expect("rows");
    assert_eq!(last.name, "（三）公务接待费支出");
    let note = t.note.as_deref().unwrap_or_default();
    assert!(note.starts_with("注：一、行政经费是指"), "{note}");
    assert!(note.ends_with("公务接待（外宾接待）费用。"), "{note}");
}

#[test]
fn a_sentence_under_the_last_row_is_the_note() {
    let Some(dir) = common::corpus_dir("a_sentence_under_the_last_row_is_the_note") else {
        return;
    };
    // 2026年广州市政务服务和数据管理局部门预算.pdf, 收支总体情况表 (pages 6-7): the last line,
    // under 支出总计, is "本套报表金额单位转换时可能存在尾数误差。".
    let doc = bulk_doc(&dir, "005_广州", "1a56049230").document;
    let t = table(&doc, "收支总体情况表");
    assert!(
        t.rows.iter().all(|r| !r.name.contains("尾数误差")),
        "the sentence is not a row"
    );
    assert!(t
        .note
        .as_deref()
        .is_some_and(|n| n.ends_with("本套报表金额单位转换时可能存在尾数误差。")));
    assert_eq!(t.rows.last().map(|r| r.name.as_str()), Some("支出总计"));
}

#[test]
fn a_cell_starting_with_zhu_is_not_a_note() {
    let Some(dir) = common::corpus_dir("a_cell_starting_with_zhu_is_not_a_note") else {
        return;
    };
    // 广州市政务服务和数据管理局2026年项目支出绩效目标表: a 绩效指标 cell's line starts
    // "注册用户总数；实施周期指标值:≧3100万；…".
    let doc = bulk_doc(&dir, "005_广州", "1ed713382f").document;
    let t = doc
        .tables
        .iter()
        .find(|t| t.kind == "performance_project")
        .expect("list");
    assert!(
        t.note
            .as_deref()
            .is_none_or(|n| !n.contains("注册用户总数")),
        "{:?}",
        t.note
    );
}
