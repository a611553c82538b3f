//! End to end on the four Shanghai PDFs of the shared corpus (skipped with a visible notice
//! when `../shared/corpus` is absent, failed when CI=true). Every expected value below was read by a person from
//! `pdftotext -layout -f N -l N <file> -` (poppler), never from the program's output:
//! the tables and their titles in order, units, empty tables, missing tables, every table's
//! total row(s) in every column (blank cells expected `None`), both sides' totals of the
//! two-sided tables, and a few interior cells that test column placement (a blank cell between
//! two printed amounts, amounts printed on the line above their label) and the folding of the
//! split 类/款/项 codes ("201 13 02" -> "2011302", 万里街道 p29 "301 2" -> "30102").
//!
//! Failures are collected per file and reported together, with the table's rows (name, section,
//! code) when a row cannot be found.

mod common;

use budget_tables::convert::convert_file;
use budget_tables::grammar::GrammarSet;
use budget_tables::model::{DocKind, Document, Row, Table, Unit};

/// How a row is found in a table.
#[derive(Clone, Copy)]
enum Key<'a> {
    /// By folded subject code ("2011302").
    Code(&'a str),
    /// By name as printed (white space removed), exactly; optional two-sided section.
    Name(&'a str, Option<&'a str>),
    /// The only row of the table that holds amounts (三公 tables).
    Only,
}

impl Key<'_> {
    fn describe(&self) -> String {
        match self {
            Key::Code(c) => format!("code {c}"),
            Key::Name(n, None) => format!("name {n}"),
            Key::Name(n, Some(s)) => format!("name {n} (section {s})"),
            Key::Only => "the only row with amounts".into(),
        }
    }
}

/// Expected table list entry: title, unit, empty, first page.
struct T(&'static str, Unit, bool, u32);

struct Check<'d> {
    file: &'static str,
    doc: &'d Document,
    assertions: usize,
    fails: Vec<String>,
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn rows_dump(t: &Table) -> String {
    t.rows
        .iter()
        .map(|r| {
            format!(
                "    p{} [{}] {} {:?}",
                r.page,
                r.section.as_deref().unwrap_or(""),
                r.code.as_deref().unwrap_or("-"),
                r.name
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

impl<'d> Check<'d> {
    fn new(file: &'static str, doc: &'d Document) -> Self {
        Check {
            file,
            doc,
            assertions: 0,
            fails: Vec::new(),
        }
    }

    fn ok(&mut self, cond: bool, msg: impl FnOnce() -> String) {
        self.assertions += 1;
        if !cond {
            self.fails.push(msg());
        }
    }

    /// Document kind and year (cover / titles).
    fn doc(&mut self, kind: DocKind, year: u16) {
        let doc = self.doc;
        self.ok(doc.kind == Some(kind), || {
            format!("kind: want {kind:?} got {:?}", doc.kind)
        });
        self.ok(doc.year == Some(year), || {
            format!("year: want {year} got {:?}", doc.year)
        });
    }

    /// Tables in order: count, titles, units, empty flags, first pages; missing tables.
    fn tables(&mut self, want: &[T], missing: &[&str]) {
        let doc = self.doc;
        let got: Vec<String> = doc.tables.iter().map(|t| squash(&t.title)).collect();
        self.ok(doc.tables.len() == want.len(), || {
            format!(
                "table count: want {} got {}: {:?}",
                want.len(),
                doc.tables.len(),
                got
            )
        });
        for (i, w) in want.iter().enumerate() {
            let Some(t) = doc.tables.get(i) else {
                self.ok(false, || format!("table {i} ({}) absent", w.0));
                continue;
            };
            let title = squash(&t.title);
            self.ok(title == w.0, || {
                format!("table {i}: title want {} got {}", w.0, title)
            });
            self.ok(t.unit == w.1, || {
                format!("{}: unit want {} got {}", w.0, w.1.label(), t.unit.label())
            });
            self.ok(t.empty == w.2, || {
                format!("{}: empty want {} got {}", w.0, w.2, t.empty)
            });
            if w.2 {
                let n = t.amount_count();
                self.ok(n == 0, || format!("{}: empty table holds {n} amounts", w.0));
            } else {
                let n = t.amount_count();
                self.ok(n > 0, || format!("{}: table holds no amount", w.0));
            }
            self.ok(t.first_page == w.3, || {
                format!("{}: first page want {} got {}", w.0, w.3, t.first_page)
            });
        }
        let want_missing: Vec<String> = missing.iter().map(|s| s.to_string()).collect();
        let got_missing: Vec<String> = doc.missing_tables.iter().map(|s| squash(s)).collect();
        self.ok(got_missing == want_missing, || {
            format!("missing_tables: want {want_missing:?} got {got_missing:?}")
        });
    }

    fn table(&self, title: &str) -> Option<&'d Table> {
        self.doc.tables.iter().find(|t| squash(&t.title) == title)
    }

    fn find_row(&mut self, t: &'d Table, key: Key) -> Option<&'d Row> {
        let hits: Vec<&Row> = t
            .rows
            .iter()
            .filter(|r| match key {
                Key::Code(c) => r.code.as_deref() == Some(c),
                Key::Name(n, sec) => {
                    squash(&r.name) == n && sec.is_none_or(|s| r.section.as_deref() == Some(s))
                }
                Key::Only => r.amounts.iter().any(|a| a.is_some()),
            })
            .collect();
        self.assertions += 1;
        match hits.as_slice() {
            [r] => Some(r),
            [] => {
                self.fails.push(format!(
                    "{}: no row with {}; rows:\n{}",
                    t.title,
                    key.describe(),
                    rows_dump(t)
                ));
                None
            }
            many => {
                self.fails.push(format!(
                    "{}: {} rows with {} (pages {:?})",
                    t.title,
                    many.len(),
                    key.describe(),
                    many.iter().map(|r| r.page).collect::<Vec<_>>()
                ));
                None
            }
        }
    }

    /// One row, every listed column: `Some("printed")` or `None` (blank cell).
    fn row(&mut self, title: &str, key: Key, cells: &[(&str, Option<&str>)]) {
        let Some(t) = self.table(title) else {
            self.ok(false, || format!("table {title} absent"));
            return;
        };
        let Some(r) = self.find_row(t, key) else {
            return;
        };
        for (col, want) in cells {
            let Some(ci) = t.column_index(col) else {
                self.ok(false, || {
                    format!(
                        "{title}: no column {col}; columns {:?}",
                        t.columns.iter().map(|c| &c.id).collect::<Vec<_>>()
                    )
                });
                continue;
            };
            let got = r.amounts.get(ci).copied().flatten().map(|d| d.to_string());
            let want = want.map(str::to_string);
            self.ok(got == want, || {
                format!(
                    "{title}: row {} (p{}) column {col}: want {want:?} got {got:?}",
                    key.describe(),
                    r.page
                )
            });
        }
    }

    /// Every listed coded row in every listed column ("" = blank cell).
    fn grid(&mut self, title: &str, cols: &[&str], rows: &[(&str, &[&str])]) {
        for (code, vals) in rows {
            assert_eq!(
                vals.len(),
                cols.len(),
                "{title} {code}: test table malformed"
            );
            let cells: Vec<(&str, Option<&str>)> = cols
                .iter()
                .zip(vals.iter())
                .map(|(c, v)| (*c, if v.is_empty() { None } else { Some(*v) }))
                .collect();
            self.row(title, Code(code), &cells);
        }
    }

    /// Number of rows keyed by a subject code (counted on the pdftotext pages).
    fn coded_rows(&mut self, title: &str, want: usize) {
        let Some(t) = self.table(title) else {
            self.ok(false, || format!("table {title} absent"));
            return;
        };
        let got = t.rows.iter().filter(|r| r.code.is_some()).count();
        self.ok(got == want, || {
            format!("{title}: coded rows want {want} got {got}")
        });
    }

    /// The printed name (white space removed, wrapped lines joined) of the row with `code`.
    fn name(&mut self, title: &str, code: &str, want: &str) {
        let Some(t) = self.table(title) else {
            self.ok(false, || format!("table {title} absent"));
            return;
        };
        let Some(r) = self.find_row(t, Code(code)) else {
            return;
        };
        let got = squash(&r.name);
        self.ok(got == want, || {
            format!("{title}: row {code} name want {want} got {got}")
        });
    }

    /// Rows of a section whose name contains `part`, in order: their values in `col`.
    fn rows_containing(
        &mut self,
        title: &str,
        section: &str,
        part: &str,
        col: &str,
        want: &[&str],
    ) {
        let Some(t) = self.table(title) else {
            self.ok(false, || format!("table {title} absent"));
            return;
        };
        let Some(ci) = t.column_index(col) else {
            self.ok(false, || format!("{title}: no column {col}"));
            return;
        };
        let got: Vec<String> = t
            .rows
            .iter()
            .filter(|r| r.section.as_deref() == Some(section) && squash(&r.name).contains(part))
            .map(|r| {
                r.amounts
                    .get(ci)
                    .copied()
                    .flatten()
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "-".into())
            })
            .collect();
        self.ok(got == want, || {
            format!("{title}: {section} rows containing {part}, column {col}: want {want:?} got {got:?}")
        });
    }

    fn finish(self) {
        println!(
            "{}: {} assertions, {} failures",
            self.file,
            self.assertions,
            self.fails.len()
        );
        if !self.fails.is_empty() {
            panic!(
                "{}: {} of {} assertions failed:\n  {}",
                self.file,
                self.fails.len(),
                self.assertions,
                self.fails.join("\n  ")
            );
        }
    }
}

fn convert(file: &str) -> Option<Document> {
    let dir = common::corpus_dir(&format!("Shanghai corpus test on {file}"))?;
    let conv = convert_file(&dir.join(file), &GrammarSet::builtin())
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    Some(conv.document)
}

use Key::{Code, Name, Only};
const Y: Unit = Unit::Yuan;
const W: Unit = Unit::WanYuan;

// Column ids (grammars/shanghai-district-*/*.toml).
const INC: &str = "income.budget";
const EXP: &str = "expenditure.budget";
const E_TOT: &str = "expenditure.total";
const E_GPB: &str = "expenditure.general_public_budget";
const E_GF: &str = "expenditure.government_fund";
const E_SC: &str = "expenditure.state_capital";
const INC_A: &str = "income.actual";
const EXP_A: &str = "expenditure.actual";

/// 商务委员会 function-coded rows (p12-13 = p15-16): 合计, 基本支出, 项目支出 ("" = blank).
const COMMERCE_FN_ROWS: &[(&str, &[&str])] = &[
    ("201", &["21601733.00", "12291733.00", "9310000.00"]),
    ("20113", &["21601733.00", "12291733.00", "9310000.00"]),
    ("2011301", &["9389913.00", "9389913.00", ""]),
    ("2011302", &["4545000.00", "", "4545000.00"]),
    ("2011350", &["2901820.00", "2901820.00", ""]),
    ("2011399", &["4765000.00", "", "4765000.00"]),
    ("206", &["17200000.00", "", "17200000.00"]),
    ("20605", &["17200000.00", "", "17200000.00"]),
    ("2060503", &["17200000.00", "", "17200000.00"]),
    ("208", &["3808085.00", "3808085.00", ""]),
    ("20805", &["3808085.00", "3808085.00", ""]),
    ("2080501", &["1661216.00", "1661216.00", ""]),
    ("2080502", &["17280.00", "17280.00", ""]),
    ("2080505", &["1410886.00", "1410886.00", ""]),
    ("2080506", &["705443.00", "705443.00", ""]),
    ("2080599", &["13260.00", "13260.00", ""]),
    ("210", &["881803.00", "881803.00", ""]),
    ("21011", &["881803.00", "881803.00", ""]),
    ("2101101", &["631941.00", "631941.00", ""]),
    ("2101102", &["249862.00", "249862.00", ""]),
    ("215", &["293810000.00", "", "293810000.00"]),
    ("21508", &["293810000.00", "", "293810000.00"]),
    ("2150899", &["293810000.00", "", "293810000.00"]),
    ("216", &["31364000.00", "", "31364000.00"]),
    ("21699", &["31364000.00", "", "31364000.00"]),
    ("2169999", &["31364000.00", "", "31364000.00"]),
    ("221", &["2849034.00", "2849034.00", ""]),
    ("22102", &["2849034.00", "2849034.00", ""]),
    ("2210201", &["1361034.00", "1361034.00", ""]),
    ("2210203", &["1488000.00", "1488000.00", ""]),
];

// ---------------------------------------------------------------------------------------------
// 上海市普陀区商务委员会 2025 部门预算 (元, two decimals; 三公 in 万元)

#[test]
fn commerce_2025_budget() {
    let Some(doc) = convert("shanghai-putuo-commerce-2025-budget.pdf") else {
        return;
    };
    let mut c = Check::new("shanghai-putuo-commerce-2025-budget.pdf", &doc);
    c.doc(DocKind::Budget, 2025);
    const OV: &str = "2025年部门财务收支预算总表";
    const IN: &str = "2025年部门收入预算总表";
    const EX: &str = "2025年部门支出预算总表";
    const FO: &str = "2025年部门财政拨款收支预算总表";
    const GB: &str = "2025年部门一般公共预算支出功能分类预算表";
    const GF: &str = "2025年部门政府性基金预算支出功能分类预算表";
    const SC: &str = "2025年部门国有资本经营预算支出功能分类预算表";
    const BA: &str = "2025年部门一般公共预算基本支出部门预算经济分类预算表";
    const TP: &str = "2025年部门“三公”经费和机关运行经费预算表";
    c.tables(
        &[
            T(OV, Y, false, 9),
            T(IN, Y, false, 10),
            T(EX, Y, false, 12),
            T(FO, Y, false, 14),
            T(GB, Y, false, 15),
            T(GF, Y, true, 17),
            T(SC, Y, true, 18),
            T(BA, Y, false, 19),
            T(TP, W, false, 21),
        ],
        &[],
    );

    // p9 财务收支预算总表
    let total = "371514655.00";
    c.row(
        OV,
        Name("收入总计", Some("收入")),
        &[(INC, Some(total)), (EXP, None)],
    );
    c.row(
        OV,
        Name("支出总计", Some("支出")),
        &[(INC, None), (EXP, Some(total))],
    );
    c.row(
        OV,
        Name("一、财政拨款收入", Some("收入")),
        &[(INC, Some(total))],
    );
    c.row(OV, Name("2.政府性基金", Some("收入")), &[(INC, None)]);
    c.row(OV, Name("二、事业收入", Some("收入")), &[(INC, None)]);
    c.row(
        OV,
        Name("五、资源勘探工业信息等支出", Some("支出")),
        &[(EXP, Some("293810000.00"))],
    );
    c.row(
        OV,
        Name("七、住房保障支出", Some("支出")),
        &[(EXP, Some("2849034.00"))],
    );

    // p10-11 收入预算总表: 合计, 财政拨款收入, 事业收入, 事业单位经营收入, 其他收入
    let inc = |t: Option<&'static str>| {
        [
            ("total", t),
            ("fiscal_appropriation", t),
            ("business", None),
            ("business_operation", None),
            ("other", None),
        ]
    };
    c.row(IN, Name("合计", None), &inc(Some(total)));
    c.row(IN, Code("2011302"), &inc(Some("4545000.00")));
    c.row(IN, Code("2080502"), &inc(Some("17280.00")));
    c.row(IN, Code("2169999"), &inc(Some("31364000.00")));

    // p12-13 支出预算总表: 合计, 基本支出, 项目支出
    let ex3 = |a, b, p| {
        [
            ("total", a),
            ("basic_expenditure", b),
            ("project_expenditure", p),
        ]
    };
    c.row(
        EX,
        Name("合计", None),
        &ex3(Some(total), Some("19830655.00"), Some("351684000.00")),
    );
    c.row(
        EX,
        Code("2011302"),
        &ex3(Some("4545000.00"), None, Some("4545000.00")),
    );
    c.row(
        EX,
        Code("2011301"),
        &ex3(Some("9389913.00"), Some("9389913.00"), None),
    );
    c.row(
        EX,
        Code("201"),
        &ex3(Some("21601733.00"), Some("12291733.00"), Some("9310000.00")),
    );
    c.row(
        EX,
        Code("20605"),
        &ex3(Some("17200000.00"), None, Some("17200000.00")),
    );
    c.row(
        EX,
        Code("21699"),
        &ex3(Some("31364000.00"), None, Some("31364000.00")),
    );
    c.row(
        EX,
        Code("2080599"),
        &ex3(Some("13260.00"), Some("13260.00"), None),
    );

    // p14 财政拨款收支预算总表
    c.row(
        FO,
        Name("收入总计", Some("收入")),
        &[
            (INC, Some(total)),
            (E_TOT, None),
            (E_GPB, None),
            (E_GF, None),
            (E_SC, None),
        ],
    );
    c.row(
        FO,
        Name("支出总计", Some("支出")),
        &[
            (INC, None),
            (E_TOT, Some(total)),
            (E_GPB, Some(total)),
            (E_GF, None),
            (E_SC, None),
        ],
    );
    c.row(
        FO,
        Name("一、一般公共预算资金", Some("收入")),
        &[(INC, Some(total))],
    );
    c.row(FO, Name("二、政府性基金", Some("收入")), &[(INC, None)]);
    c.row(
        FO,
        Name("四、卫生健康支出", Some("支出")),
        &[
            (E_TOT, Some("881803.00")),
            (E_GPB, Some("881803.00")),
            (E_GF, None),
            (E_SC, None),
        ],
    );

    // p15-16 一般公共预算支出功能分类预算表
    c.row(
        GB,
        Name("合计", None),
        &ex3(Some(total), Some("19830655.00"), Some("351684000.00")),
    );
    c.row(
        GB,
        Code("2150899"),
        &ex3(Some("293810000.00"), None, Some("293810000.00")),
    );
    c.row(
        GB,
        Code("2080506"),
        &ex3(Some("705443.00"), Some("705443.00"), None),
    );
    c.row(
        GB,
        Code("2011399"),
        &ex3(Some("4765000.00"), None, Some("4765000.00")),
    );

    // p17, p18: empty; their 合计 rows (if kept) hold nothing.
    for t in [GF, SC] {
        if let Some(tab) = c.table(t) {
            if tab.rows.iter().any(|r| squash(&r.name) == "合计") {
                c.row(t, Name("合计", None), &ex3(None, None, None));
            }
        }
    }

    // p19-20 基本支出经济分类: 合计, 人员经费, 公用经费
    let ba = |a, b, p| [("total", a), ("personnel", b), ("public", p)];
    c.row(
        BA,
        Name("合计", None),
        &ba(Some("19830655.00"), Some("18120593.00"), Some("1710062.00")),
    );
    c.row(
        BA,
        Code("30102"),
        &ba(Some("7533376.00"), Some("7533376.00"), None),
    );
    c.row(
        BA,
        Code("30217"),
        &ba(Some("10000.00"), None, Some("10000.00")),
    );
    c.row(
        BA,
        Code("310"),
        &ba(Some("78000.00"), None, Some("78000.00")),
    );
    c.row(
        BA,
        Code("30302"),
        &ba(Some("1197600.00"), Some("1197600.00"), None),
    );

    // Every coded row: 支出预算总表 (p12-13) and 一般公共预算支出功能分类预算表 (p15-16) print
    // the same figures; 收入预算总表 (p10-11) prints the 合计 figure twice (合计, 财政拨款收入).
    c.grid(
        EX,
        &["total", "basic_expenditure", "project_expenditure"],
        COMMERCE_FN_ROWS,
    );
    c.grid(
        GB,
        &["total", "basic_expenditure", "project_expenditure"],
        COMMERCE_FN_ROWS,
    );
    let in_rows: Vec<(&str, [&str; 5])> = COMMERCE_FN_ROWS
        .iter()
        .map(|(code, v)| (*code, [v[0], v[0], "", "", ""]))
        .collect();
    let in_rows: Vec<(&str, &[&str])> = in_rows.iter().map(|(c, v)| (*c, &v[..])).collect();
    c.grid(
        IN,
        &[
            "total",
            "fiscal_appropriation",
            "business",
            "business_operation",
            "other",
        ],
        &in_rows,
    );
    // p19-20: 合计, 人员经费, 公用经费
    let ba_rows: &[(&str, &[&str])] = &[
        ("301", &["16671057.00", "16671057.00", ""]),
        ("30101", &["1952616.00", "1952616.00", ""]),
        ("30102", &["7533376.00", "7533376.00", ""]),
        ("30107", &["1852114.00", "1852114.00", ""]),
        ("30108", &["1410886.00", "1410886.00", ""]),
        ("30109", &["705443.00", "705443.00", ""]),
        ("30110", &["881803.00", "881803.00", ""]),
        ("30112", &["36918.00", "36918.00", ""]),
        ("30113", &["1361034.00", "1361034.00", ""]),
        ("30199", &["936867.00", "936867.00", ""]),
        ("302", &["1632062.00", "", "1632062.00"]),
        ("30201", &["273900.00", "", "273900.00"]),
        ("30202", &["5000.00", "", "5000.00"]),
        ("30204", &["1500.00", "", "1500.00"]),
        ("30207", &["15000.00", "", "15000.00"]),
        ("30211", &["80000.00", "", "80000.00"]),
        ("30213", &["10000.00", "", "10000.00"]),
        ("30216", &["5000.00", "", "5000.00"]),
        ("30217", &["10000.00", "", "10000.00"]),
        ("30226", &["25000.00", "", "25000.00"]),
        ("30227", &["180000.00", "", "180000.00"]),
        ("30228", &["194962.00", "", "194962.00"]),
        ("30229", &["423360.00", "", "423360.00"]),
        ("30239", &["284480.00", "", "284480.00"]),
        ("30299", &["123860.00", "", "123860.00"]),
        ("303", &["1449536.00", "1449536.00", ""]),
        ("30301", &["251936.00", "251936.00", ""]),
        ("30302", &["1197600.00", "1197600.00", ""]),
        ("310", &["78000.00", "", "78000.00"]),
        ("31002", &["78000.00", "", "78000.00"]),
    ];
    c.grid(BA, &["total", "personnel", "public"], ba_rows);

    // coded rows per table (p10-11, p12-13, p15-16, p19-20) and some names
    for t in [IN, EX, GB, BA] {
        c.coded_rows(t, 30);
    }
    c.name(EX, "2011302", "一般行政管理事务");
    c.name(EX, "21699", "其他商业服务业等支出");
    c.name(EX, "2169999", "其他商业服务业等支出");
    c.name(GB, "2080505", "机关事业单位基本养老保险缴费支出");
    c.name(BA, "30213", "维修（护）费");

    // p21 三公 (万元): 1.00 | - | 1.00 | - | - | - | 171.01
    c.row(
        TP,
        Only,
        &[
            ("total", Some("1.00")),
            ("outbound_travel", None),
            ("official_reception", Some("1.00")),
            ("official_vehicles", None),
            ("official_vehicles.purchase", None),
            ("official_vehicles.operation", None),
            ("operating_expenses", Some("171.01")),
        ],
    );
    c.finish();
}

// ---------------------------------------------------------------------------------------------
// 上海市普陀区人民政府万里街道办事处 2024 部门预算 (whole 元, "0" cells printed; 三公 in 万元)

#[test]
fn wanli_street_2024_budget() {
    let Some(doc) = convert("shanghai-putuo-wanli-street-2024-budget.pdf") else {
        return;
    };
    let mut c = Check::new("shanghai-putuo-wanli-street-2024-budget.pdf", &doc);
    c.doc(DocKind::Budget, 2024);
    const OV: &str = "2024年部门财务收支预算总表";
    const IN: &str = "2024年部门收入预算总表";
    const EX: &str = "2024年部门支出预算总表";
    const FO: &str = "2024年部门财政拨款收支预算总表";
    const GB: &str = "2024年部门一般公共预算支出功能分类预算表";
    const GF: &str = "2024年部门政府性基金预算支出功能分类预算表";
    const SC: &str = "2024年部门国有资本经营预算支出功能分类预算表";
    const BA: &str = "2024年部门一般公共预算基本支出部门预算经济分类预算表";
    const TP: &str = "部门“三公”经费和机关运行经费预算表";
    c.tables(
        &[
            T(OV, Y, false, 10),
            T(IN, Y, false, 11),
            T(EX, Y, false, 16),
            T(FO, Y, false, 21),
            T(GB, Y, false, 22),
            T(GF, Y, true, 27),
            T(SC, Y, true, 28),
            T(BA, Y, false, 29),
            T(TP, W, false, 31),
        ],
        &[],
    );
    let total = "156211123";

    // p10
    c.row(
        OV,
        Name("收入总计", Some("收入")),
        &[(INC, Some(total)), (EXP, None)],
    );
    c.row(
        OV,
        Name("支出总计", Some("支出")),
        &[(INC, None), (EXP, Some(total))],
    );
    c.row(
        OV,
        Name("1.一般公共预算资金", Some("收入")),
        &[(INC, Some(total))],
    );
    c.row(OV, Name("3.国有资本经营预算", Some("收入")), &[(INC, None)]);
    c.row(
        OV,
        Name("八、城乡社区支出", Some("支出")),
        &[(EXP, Some("119385303"))],
    );
    c.row(
        OV,
        Name("九、住房保障支出", Some("支出")),
        &[(EXP, Some("8882399"))],
    );

    // p11-15 (合计 alone on p15); every cell printed, "0" in the last three columns
    let inc = |t: &'static str| {
        [
            ("total", Some(t)),
            ("fiscal_appropriation", Some(t)),
            ("business", Some("0")),
            ("business_operation", Some("0")),
            ("other", Some("0")),
        ]
    };
    c.row(IN, Name("合计", None), &inc(total));
    c.row(IN, Code("2010507"), &inc("257700"));
    c.row(IN, Code("2120199"), &inc("54212362"));
    c.row(IN, Code("2210399"), &inc("2177200"));

    // p16-20 (合计 alone on p20)
    let ex3 = |a: &'static str, b: &'static str, p: &'static str| {
        [
            ("total", Some(a)),
            ("basic_expenditure", Some(b)),
            ("project_expenditure", Some(p)),
        ]
    };
    c.row(EX, Name("合计", None), &ex3(total, "99706020", "56505103"));
    c.row(EX, Code("2120101"), &ex3("16603248", "16353248", "250000"));
    c.row(EX, Code("2010507"), &ex3("257700", "0", "257700"));
    c.row(EX, Code("2080501"), &ex3("243120", "243120", "0"));
    c.row(EX, Code("20805"), &ex3("7234970", "7234970", "0"));

    // p21
    c.row(
        FO,
        Name("收入总计", Some("收入")),
        &[
            (INC, Some(total)),
            (E_TOT, None),
            (E_GPB, None),
            (E_GF, None),
            (E_SC, None),
        ],
    );
    c.row(
        FO,
        Name("支出总计", Some("支出")),
        &[
            (INC, None),
            (E_TOT, Some(total)),
            (E_GPB, Some(total)),
            (E_GF, None),
            (E_SC, None),
        ],
    );
    c.row(
        FO,
        Name("三、国有资本经营预算", Some("收入")),
        &[(INC, None)],
    );
    c.row(
        FO,
        Name("八、城乡社区支出", Some("支出")),
        &[
            (E_TOT, Some("119385303")),
            (E_GPB, Some("119385303")),
            (E_GF, None),
            (E_SC, None),
        ],
    );

    // p22-26
    c.row(GB, Name("合计", None), &ex3(total, "99706020", "56505103"));
    c.row(GB, Code("2089999"), &ex3("7812394", "6133194", "1679200"));
    c.row(GB, Code("2210399"), &ex3("2177200", "0", "2177200"));
    c.row(GB, Code("2101101"), &ex3("1422233", "1422233", "0"));

    for t in [GF, SC] {
        if let Some(tab) = c.table(t) {
            if tab.rows.iter().any(|r| squash(&r.name) == "合计") {
                c.row(
                    t,
                    Name("合计", None),
                    &[
                        ("total", None),
                        ("basic_expenditure", None),
                        ("project_expenditure", None),
                    ],
                );
            }
        }
    }

    // p29-30: 款 codes printed "2" and "7" for 30102 / 30107
    let ba = |a: &'static str, b: &'static str, p: &'static str| {
        [
            ("total", Some(a)),
            ("personnel", Some(b)),
            ("public", Some(p)),
        ]
    };
    c.row(
        BA,
        Name("合计", None),
        &ba("99706020", "88537451", "11168569"),
    );
    c.row(BA, Code("30102"), &ba("16623810", "16623810", "0"));
    c.row(BA, Code("30107"), &ba("11447100", "11447100", "0"));
    c.row(BA, Code("302"), &ba("11168569", "0", "11168569"));
    c.row(BA, Code("30231"), &ba("215600", "0", "215600"));
    c.row(BA, Code("30302"), &ba("254940", "254940", "0"));

    for t in [IN, EX, GB] {
        c.coded_rows(t, 66);
    }
    c.coded_rows(BA, 31);
    c.name(BA, "30102", "津贴补贴");
    c.name(BA, "30107", "绩效工资");
    c.name(BA, "30213", "维修(护)费");
    c.name(EX, "2010507", "专项普查活动");

    // p31 (万元): 47.91 0 1.35 46.56 25 21.56 443.18, above a "故本表为空表" note
    c.row(
        TP,
        Only,
        &[
            ("total", Some("47.91")),
            ("outbound_travel", Some("0")),
            ("official_reception", Some("1.35")),
            ("official_vehicles", Some("46.56")),
            ("official_vehicles.purchase", Some("25")),
            ("official_vehicles.operation", Some("21.56")),
            ("operating_expenses", Some("443.18")),
        ],
    );
    c.finish();
}

// ---------------------------------------------------------------------------------------------
// 上海市普陀区财政局 2024 部门决算 (万元), original and altered copy

const FA_OV: &str = "收入支出决算总表";
const FA_IN: &str = "收入决算表";
const FA_EX: &str = "支出决算表";
const FA_FO: &str = "财政拨款收入支出决算总表";
const FA_GB: &str = "一般公共预算财政拨款支出决算表";
const FA_BA: &str = "一般公共预算财政拨款基本支出决算表";
const FA_TP: &str = "财政拨款“三公”经费支出决算表";
const FA_GF: &str = "政府性基金预算财政拨款收入支出决算表";
const FA_SC: &str = "国有资本经营预算财政拨款收入支出决算表";

/// Coded rows of 支出决算表 (original p10-11) and 一般公共预算财政拨款支出决算表 (original p15,
/// altered p12): 合计, 基本支出, 项目支出 ("" = blank).
const FN_ROWS_EX: &[(&str, &[&str])] = &[
    ("201", &["2106.66", "1503.52", "603.14"]),
    ("20106", &["2106.66", "1503.52", "603.14"]),
    ("2010601", &["1511.89", "1503.52", "8.37"]),
    ("2010602", &["10.00", "", "10.00"]),
    ("2010607", &["135.25", "", "135.25"]),
    ("2010608", &["449.52", "", "449.52"]),
    ("208", &["326.72", "326.72", ""]),
    ("20805", &["326.72", "326.72", ""]),
    ("2080501", &["84.65", "84.65", ""]),
    ("2080505", &["160.75", "160.75", ""]),
    ("2080506", &["80.38", "80.38", ""]),
    ("2080599", &["0.94", "0.94", ""]),
    ("210", &["60.99", "60.99", ""]),
    ("21011", &["60.99", "60.99", ""]),
    ("2101101", &["60.99", "60.99", ""]),
    ("221", &["445.69", "445.69", ""]),
    ("22102", &["445.69", "445.69", ""]),
    ("2210201", &["187.19", "187.19", ""]),
    ("2210203", &["258.50", "258.50", ""]),
];

/// The tables both copies print identically (amounts, blanks, printed inconsistencies).
fn final_accounts_common(c: &mut Check) {
    // 收入支出决算总表 (original p6-7, altered p7)
    c.row(
        FA_OV,
        Name("本年收入合计", Some("收入")),
        &[(INC_A, Some("2946.25")), (EXP_A, None)],
    );
    c.row(
        FA_OV,
        Name("本年支出合计", Some("支出")),
        &[(INC_A, None), (EXP_A, Some("2940.05"))],
    );
    c.row(
        FA_OV,
        Name("年初结转和结余", Some("收入")),
        &[(INC_A, Some("49.14"))],
    );
    c.row(
        FA_OV,
        Name("年末结转和结余", Some("支出")),
        &[(EXP_A, Some("55.34"))],
    );
    c.row(
        FA_OV,
        Name("总计", Some("收入")),
        &[(INC_A, Some("2995.39")), (EXP_A, None)],
    );
    c.row(
        FA_OV,
        Name("总计", Some("支出")),
        &[(INC_A, None), (EXP_A, Some("2995.39"))],
    );
    c.row(
        FA_OV,
        Name("一、一般公共预算财政拨款收入", Some("收入")),
        &[(INC_A, Some("2940.05"))],
    );
    c.row(
        FA_OV,
        Name("二、政府性基金预算财政拨款收入", Some("收入")),
        &[(INC_A, None)],
    );
    c.row(
        FA_OV,
        Name("八、其他收入", Some("收入")),
        &[(INC_A, Some("6.20"))],
    );
    c.row(FA_OV, Name("二、外交支出", Some("支出")), &[(EXP_A, None)]);
    // printed 326.71 here (326.72 in the coded tables)
    c.row(
        FA_OV,
        Name("八、社会保障和就业支出", Some("支出")),
        &[(EXP_A, Some("326.71"))],
    );

    // 收入决算表: 本年收入合计, 财政拨款收入, 上级补助收入, 事业收入, 经营收入, 附属单位上缴收入, 其他收入
    let inc = |t, f, o| {
        [
            ("total", t),
            ("fiscal_appropriation", f),
            ("higher_level_subsidy", None),
            ("business", None),
            ("business_operation", None),
            ("affiliated_remittance", None),
            ("other", o),
        ]
    };
    c.row(
        FA_IN,
        Name("合计", None),
        &inc(Some("2946.25"), Some("2940.05"), Some("6.20")),
    );
    c.row(
        FA_IN,
        Code("2010601"),
        &inc(Some("1511.90"), Some("1511.89"), Some("0.01")),
    );
    c.row(
        FA_IN,
        Code("2010602"),
        &inc(Some("16.19"), Some("10.00"), Some("6.19")),
    );
    c.row(
        FA_IN,
        Code("2080505"),
        &inc(Some("160.75"), Some("160.75"), None),
    );
    c.row(
        FA_IN,
        Code("2210203"),
        &inc(Some("258.50"), Some("258.50"), None),
    );

    // 财政拨款收入支出决算总表 (original p12-14, altered p10-11)
    c.row(
        FA_FO,
        Name("本年收入合计", Some("收入")),
        &[
            (INC_A, Some("2940.05")),
            (E_TOT, None),
            (E_GPB, None),
            (E_GF, None),
            (E_SC, None),
        ],
    );
    c.row(
        FA_FO,
        Name("本年支出合计", Some("支出")),
        &[
            (INC_A, None),
            (E_TOT, Some("2940.05")),
            (E_GPB, Some("2940.05")),
            (E_GF, None),
            (E_SC, None),
        ],
    );
    c.row(
        FA_FO,
        Name("年初财政拨款结转和结余", Some("收入")),
        &[(INC_A, Some("21.63"))],
    );
    c.row(
        FA_FO,
        Name("年末财政拨款结转和结余", Some("支出")),
        &[
            (E_TOT, Some("21.63")),
            (E_GPB, Some("21.63")),
            (E_GF, None),
            (E_SC, None),
        ],
    );
    c.row(
        FA_FO,
        Name("总计", Some("收入")),
        &[
            (INC_A, Some("2961.68")),
            (E_TOT, None),
            (E_GPB, None),
            (E_GF, None),
            (E_SC, None),
        ],
    );
    c.row(
        FA_FO,
        Name("总计", Some("支出")),
        &[
            (INC_A, None),
            (E_TOT, Some("2961.68")),
            (E_GPB, Some("2961.68")),
            (E_GF, None),
            (E_SC, None),
        ],
    );
    // 一、一般公共预算财政拨款 is printed twice on the income side: 本年 2,940.05 and under
    // 年初结转和结余 21.63; 二、政府性基金预算财政拨款 twice, both blank (the original wraps it
    // as "二、政府性基金预算财政拨" / "款" on p12 and p13; the altered copy prints one line).
    c.rows_containing(
        FA_FO,
        "收入",
        "一般公共预算财政拨款",
        INC_A,
        &["2940.05", "21.63"],
    );
    c.rows_containing(FA_FO, "收入", "政府性基金预算财政拨款", INC_A, &["-", "-"]);
    c.row(
        FA_FO,
        Name("八、社会保障和就业支出", Some("支出")),
        &[
            (E_TOT, Some("326.71")),
            (E_GPB, Some("326.71")),
            (E_GF, None),
            (E_SC, None),
        ],
    );
    c.row(
        FA_FO,
        Name("十九、住房保障支出", Some("支出")),
        &[
            (E_TOT, Some("445.69")),
            (E_GPB, Some("445.69")),
            (E_GF, None),
            (E_SC, None),
        ],
    );

    // 一般公共预算财政拨款支出决算表 (original p15, altered p12)
    let ex3 = |a, b, p| {
        [
            ("total", a),
            ("basic_expenditure", b),
            ("project_expenditure", p),
        ]
    };
    c.row(
        FA_GB,
        Name("合计", None),
        &ex3(Some("2940.05"), Some("2336.91"), Some("603.14")),
    );
    c.row(
        FA_GB,
        Code("2010601"),
        &ex3(Some("1511.89"), Some("1503.52"), Some("8.37")),
    );
    c.row(
        FA_GB,
        Code("2010602"),
        &ex3(Some("10.00"), None, Some("10.00")),
    );
    c.row(
        FA_GB,
        Code("2010608"),
        &ex3(Some("449.52"), None, Some("449.52")),
    );
    c.row(
        FA_GB,
        Code("2080599"),
        &ex3(Some("0.94"), Some("0.94"), None),
    );
    c.row(
        FA_GB,
        Code("208"),
        &ex3(Some("326.72"), Some("326.72"), None),
    );

    // 一般公共预算财政拨款基本支出决算表: two panels, one 决算数 column; totals are
    // 人员经费合计 2,152.26 and 公用经费合计 184.65.
    let a = |v| [("actual", v)];
    c.row(FA_BA, Name("人员经费合计", None), &a(Some("2152.26")));
    c.row(FA_BA, Name("公用经费合计", None), &a(Some("184.65")));
    c.row(FA_BA, Code("301"), &a(Some("2082.85")));
    c.row(FA_BA, Code("30102"), &a(Some("1238.58")));
    c.row(FA_BA, Code("30103"), &a(None));
    c.row(FA_BA, Code("30309"), &a(Some("0.31")));
    c.row(FA_BA, Code("302"), &a(Some("171.07")));
    c.row(FA_BA, Code("30212"), &a(None));
    c.row(FA_BA, Code("30213"), &a(Some("2.83")));
    c.row(FA_BA, Code("30231"), &a(None));
    c.row(FA_BA, Code("30299"), &a(Some("11.53")));
    c.row(FA_BA, Code("31002"), &a(Some("13.58")));
    c.row(FA_BA, Code("31099"), &a(None));

    // coded rows: 19 in the function-coded tables, 26 + 38 in the two panels of the basic table
    c.coded_rows(FA_IN, 19);
    c.coded_rows(FA_GB, 19);
    c.coded_rows(FA_BA, 64);
    // names wrapped over two lines in the original (p8), spaced out (p16-17)
    c.name(FA_IN, "2080505", "机关事业单位基本养老保险缴费支出");
    c.name(FA_IN, "2080506", "机关事业单位职业年金缴费支出");
    c.name(FA_BA, "30108", "机关事业单位基本养老保险缴费");
    c.name(FA_BA, "30212", "因公出国（境）费用");
    c.name(FA_BA, "30231", "公务用车运行维护费");
    c.name(FA_BA, "30299", "其他商品和服务支出");
    c.name(FA_BA, "31007", "信息网络及软件购置更新");
    c.name(FA_BA, "303", "对个人和家庭的补助");

    // Every coded row of the three function-coded tables (several cells of the original are
    // printed on the line above their row label: p10; names wrapped: p8, p10).
    let fn_rows_in: &[(&str, &[&str])] = &[
        ("201", &["2112.86", "2106.66", "", "", "", "", "6.20"]),
        ("20106", &["2112.86", "2106.66", "", "", "", "", "6.20"]),
        ("2010601", &["1511.90", "1511.89", "", "", "", "", "0.01"]),
        ("2010602", &["16.19", "10.00", "", "", "", "", "6.19"]),
        ("2010607", &["135.25", "135.25", "", "", "", "", ""]),
        ("2010608", &["449.52", "449.52", "", "", "", "", ""]),
        ("208", &["326.72", "326.72", "", "", "", "", ""]),
        ("20805", &["326.72", "326.72", "", "", "", "", ""]),
        ("2080501", &["84.65", "84.65", "", "", "", "", ""]),
        ("2080505", &["160.75", "160.75", "", "", "", "", ""]),
        ("2080506", &["80.38", "80.38", "", "", "", "", ""]),
        ("2080599", &["0.94", "0.94", "", "", "", "", ""]),
        ("210", &["60.99", "60.99", "", "", "", "", ""]),
        ("21011", &["60.99", "60.99", "", "", "", "", ""]),
        ("2101101", &["60.99", "60.99", "", "", "", "", ""]),
        ("221", &["445.69", "445.69", "", "", "", "", ""]),
        ("22102", &["445.69", "445.69", "", "", "", "", ""]),
        ("2210201", &["187.19", "187.19", "", "", "", "", ""]),
        ("2210203", &["258.50", "258.50", "", "", "", "", ""]),
    ];
    c.grid(
        FA_IN,
        &[
            "total",
            "fiscal_appropriation",
            "higher_level_subsidy",
            "business",
            "business_operation",
            "affiliated_remittance",
            "other",
        ],
        fn_rows_in,
    );
    c.grid(
        FA_GB,
        &["total", "basic_expenditure", "project_expenditure"],
        FN_ROWS_EX,
    );

    // Every coded row of the two-panel basic table (original p16-17: codes, names and
    // amounts on separate lines; altered p13-14: one line per row).
    let ba: &[(&str, &[&str])] = &[
        ("301", &["2082.85"]),
        ("30101", &["262.33"]),
        ("30102", &["1238.58"]),
        ("30103", &[""]),
        ("30106", &[""]),
        ("30107", &[""]),
        ("30108", &["160.75"]),
        ("30109", &["80.38"]),
        ("30110", &["60.99"]),
        ("30111", &[""]),
        ("30112", &["1.61"]),
        ("30113", &["187.19"]),
        ("30114", &[""]),
        ("30199", &["91.03"]),
        ("303", &["69.41"]),
        ("30301", &[""]),
        ("30302", &["69.10"]),
        ("30303", &[""]),
        ("30304", &[""]),
        ("30305", &[""]),
        ("30307", &[""]),
        ("30308", &[""]),
        ("30309", &["0.31"]),
        ("30310", &[""]),
        ("30311", &[""]),
        ("30399", &[""]),
        ("302", &["171.07"]),
        ("30201", &["21.21"]),
        ("30202", &["7.61"]),
        ("30203", &[""]),
        ("30204", &["0.09"]),
        ("30205", &[""]),
        ("30206", &[""]),
        ("30207", &["4.88"]),
        ("30208", &[""]),
        ("30209", &[""]),
        ("30211", &["1.20"]),
        ("30212", &[""]),
        ("30213", &["2.83"]),
        ("30214", &[""]),
        ("30215", &[""]),
        ("30216", &["4.05"]),
        ("30217", &[""]),
        ("30218", &[""]),
        ("30224", &[""]),
        ("30225", &[""]),
        ("30226", &["2.01"]),
        ("30227", &[""]),
        ("30228", &["24.42"]),
        ("30229", &["42.77"]),
        ("30231", &[""]),
        ("30239", &["48.49"]),
        ("30240", &[""]),
        ("30299", &["11.53"]),
        ("310", &["13.58"]),
        ("31001", &[""]),
        ("31002", &["13.58"]),
        ("31003", &[""]),
        ("31007", &[""]),
        ("31013", &[""]),
        ("31019", &[""]),
        ("31021", &[""]),
        ("31022", &[""]),
        ("31099", &[""]),
    ];
    c.grid(FA_BA, &["actual"], ba);

    // 政府性基金 / 国有资本经营: empty; their 合计 rows (if kept) hold nothing.
    for t in [FA_GF, FA_SC] {
        if let Some(tab) = c.table(t) {
            if tab.rows.iter().any(|r| squash(&r.name) == "合计") {
                c.row(
                    t,
                    Name("合计", None),
                    &[
                        ("opening_balance", None),
                        ("income", None),
                        ("expenditure", None),
                        ("expenditure.basic", None),
                        ("expenditure.project", None),
                        ("closing_balance", None),
                    ],
                );
            }
        }
    }
}

#[test]
fn finance_2024_final_accounts() {
    let Some(doc) = convert("shanghai-putuo-finance-2024-final-accounts.pdf") else {
        return;
    };
    let mut c = Check::new("shanghai-putuo-finance-2024-final-accounts.pdf", &doc);
    c.doc(DocKind::FinalAccounts, 2024);
    c.tables(
        &[
            T(FA_OV, W, false, 6),
            T(FA_IN, W, false, 8),
            T(FA_EX, W, false, 10),
            T(FA_FO, W, false, 12),
            T(FA_GB, W, false, 15),
            T(FA_BA, W, false, 16),
            T(FA_TP, W, false, 18),
            T(FA_GF, W, true, 19),
            T(FA_SC, W, true, 20),
        ],
        &[],
    );
    final_accounts_common(&mut c);

    // p10-11 支出决算表: 本年支出合计, 基本支出, 项目支出, 上缴上级支出, 经营支出, 对附属单位补助支出;
    // the 基本/项目 figures of the 合计 and 201 rows are printed on the line above their label.
    let ex = |t, b, p| {
        [
            ("total", t),
            ("basic_expenditure", b),
            ("project_expenditure", p),
            ("remittance_to_higher_level", None),
            ("business_operation", None),
            ("subsidy_to_affiliates", None),
        ]
    };
    c.row(
        FA_EX,
        Name("合计", None),
        &ex(Some("2940.05"), Some("2336.91"), Some("603.14")),
    );
    c.row(
        FA_EX,
        Code("2010601"),
        &ex(Some("1511.89"), Some("1503.52"), Some("8.37")),
    );
    c.row(
        FA_EX,
        Code("2010602"),
        &ex(Some("10.00"), None, Some("10.00")),
    );
    c.row(
        FA_EX,
        Code("2010607"),
        &ex(Some("135.25"), None, Some("135.25")),
    );
    c.row(
        FA_EX,
        Code("20106"),
        &ex(Some("2106.66"), Some("1503.52"), Some("603.14")),
    );
    c.row(
        FA_EX,
        Code("2080506"),
        &ex(Some("80.38"), Some("80.38"), None),
    );
    c.row(
        FA_EX,
        Code("2210201"),
        &ex(Some("187.19"), Some("187.19"), None),
    );
    c.coded_rows(FA_EX, 19);
    c.name(FA_EX, "2080505", "机关事业单位基本养老保险缴费支出");
    c.name(FA_EX, "2080506", "机关事业单位职业年金缴费支出");
    c.name(FA_EX, "2010608", "财政委托业务支出");
    // every coded row: 合计, 基本支出, 项目支出 as in FN_ROWS_EX, the last three columns blank
    let ex_rows: Vec<(&str, [&str; 6])> = FN_ROWS_EX
        .iter()
        .map(|(code, v)| (*code, [v[0], v[1], v[2], "", "", ""]))
        .collect();
    let ex_rows: Vec<(&str, &[&str])> = ex_rows.iter().map(|(c, v)| (*c, &v[..])).collect();
    c.grid(
        FA_EX,
        &[
            "total",
            "basic_expenditure",
            "project_expenditure",
            "remittance_to_higher_level",
            "business_operation",
            "subsidy_to_affiliates",
        ],
        &ex_rows,
    );

    // p18 三公: 0.95 under 合计/预算数 and 公务接待费/预算数, every 决算数 blank
    c.row(
        FA_TP,
        Only,
        &[
            ("total.budget", Some("0.95")),
            ("total.actual", None),
            ("outbound_travel.budget", None),
            ("outbound_travel.actual", None),
            ("official_vehicles.budget", None),
            ("official_vehicles.actual", None),
            ("official_vehicles.purchase.budget", None),
            ("official_vehicles.purchase.actual", None),
            ("official_vehicles.operation.budget", None),
            ("official_vehicles.operation.actual", None),
            ("official_reception.budget", Some("0.95")),
            ("official_reception.actual", None),
        ],
    );
    c.finish();
}

#[test]
fn finance_2024_final_accounts_altered() {
    let Some(doc) = convert("shanghai-putuo-finance-2024-final-accounts-altered.pdf") else {
        return;
    };
    let mut c = Check::new(
        "shanghai-putuo-finance-2024-final-accounts-altered.pdf",
        &doc,
    );
    // 支出决算表 is listed in the contents (三、) but absent from the body; the 三公 table is
    // printed with headers only.
    c.tables(
        &[
            T(FA_OV, W, false, 7),
            T(FA_IN, W, false, 8),
            T(FA_FO, W, false, 10),
            T(FA_GB, W, false, 12),
            T(FA_BA, W, false, 13),
            T(FA_TP, W, true, 15),
            T(FA_GF, W, true, 16),
            T(FA_SC, W, true, 17),
        ],
        &[FA_EX],
    );
    c.ok(c.table(FA_EX).is_none(), || {
        "支出决算表 present in the altered copy".into()
    });
    final_accounts_common(&mut c);
    c.finish();
}
