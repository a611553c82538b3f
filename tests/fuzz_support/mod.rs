//! In-process mutation fuzzing on stable Rust: seeds, a mutator, four targets and a loop that
//! treats a panic as a crash and a slow input as a hang. Shared by `examples/fuzz.rs` (long
//! runs) and `tests/fuzz_smoke.rs` (a few thousand inputs per target in the test suite).
//!
//! No coverage feedback: every execution mutates a seed afresh, and the input of execution
//! `i` depends only on `(seed, i)` ([`input_for`]), so any execution can be replayed alone —
//! which is how `examples/fuzz.rs` recovers an input that killed the process (a stack overflow
//! aborts; it cannot be caught).
//!
//! Targets:
//! - `pdf`: [`budget_tables::convert::convert_bytes`] on PDF bytes, then reconciliation.
//! - `text`: [`budget_tables::convert::convert_text`] on a text dump, then reconciliation.
//! - `cmap`: [`ToUnicode::parse`] and [`CidMap::parse`], then code splitting and lookups.
//! - `loaders`: [`Grammar::from_toml`] and [`RuleSet::add_toml`]; what loads is used (a
//!   grammar converts a text slice, a rule set reconciles the sample).

#![allow(dead_code)]

use budget_tables::convert::{convert_bytes, convert_text, Converted};
use budget_tables::grammar::{Grammar, GrammarSet};
use budget_tables::pdf::cmap::{code_value, utf16_text, CidMap, CodeSpace, Predefined, ToUnicode};
use budget_tables::reconcile::{reconcile_converted, RuleSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

/// An execution slower than this is a hang (release build; see [`hang_limit`]).
pub const HANG_LIMIT: Duration = Duration::from_secs(2);
/// Debug builds run roughly this many times slower; the hang limit scales with it.
pub const DEBUG_SLOWDOWN: u32 = 15;
/// An execution still running after this many hang limits is given up: the watchdog saves
/// its input and aborts the process.
pub const ABORT_AFTER_HANG_LIMITS: u32 = 15;
/// Worker stack: the size of a main thread's (the CLI converts on its main thread).
pub const WORKER_STACK: usize = 8 << 20;
/// Mutants are cut to this many bytes (PDF inputs may be larger: [`MAX_PDF_INPUT`]).
pub const MAX_INPUT: usize = 64 << 10;
/// Largest PDF mutant.
pub const MAX_PDF_INPUT: usize = 512 << 10;
/// Most mutations stacked on one input.
pub const MAX_STACKED: usize = 16;
/// Budget of executions spent minimising one crash.
pub const MINIMISE_EXECUTIONS: usize = 2_000;

/// The hang limit of this build.
pub fn hang_limit() -> Duration {
    if cfg!(debug_assertions) {
        HANG_LIMIT * DEBUG_SLOWDOWN
    } else {
        HANG_LIMIT
    }
}

/// What is fuzzed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Pdf,
    Text,
    Cmap,
    Loaders,
}

impl Target {
    pub const ALL: [Target; 4] = [Target::Pdf, Target::Text, Target::Cmap, Target::Loaders];

    pub fn name(self) -> &'static str {
        match self {
            Target::Pdf => "pdf",
            Target::Text => "text",
            Target::Cmap => "cmap",
            Target::Loaders => "loaders",
        }
    }

    pub fn from_name(s: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == s)
    }

    fn max_input(self) -> usize {
        match self {
            Target::Pdf => MAX_PDF_INPUT,
            _ => MAX_INPUT,
        }
    }
}

/// xorshift64* — small, fast, deterministic.
pub struct Rng(u64);

impl Rng {
    /// A generator from any seed (splitmix64 scrambles it; never zero).
    pub fn new(seed: u64) -> Rng {
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Rng(z | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    /// A length in `1..=max`, biased to short ones.
    pub fn len(&mut self, max: usize) -> usize {
        let max = max.max(1);
        let cap = 1usize << self.below(12);
        1 + self.below(cap.min(max))
    }

    pub fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

/// FNV-1a, for file names of saved inputs.
pub fn hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

// ---------------------------------------------------------------- seeds

const SAMPLE_TEXT: &str = include_str!("../../samples/hubei-wuchang-kexie-2025-budget.txt");
const SAMPLE_PDF: &[u8] = include_bytes!("../../samples/fixture-expenditure-summary.pdf");

/// Lines `from..to` (1-based, inclusive) of the text sample.
fn sample_lines(from: usize, to: usize) -> String {
    SAMPLE_TEXT
        .lines()
        .skip(from - 1)
        .take(to + 1 - from)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Slices of the text sample, a few tables each (the whole dump is 37 KB; small slices keep
/// executions fast).
fn text_seeds() -> Vec<Vec<u8>> {
    let heading = sample_lines(1, 10);
    [
        (67, 142),    // 表1 部门收支总表
        (143, 260),   // 表2 部门收入总表 (first part)
        (455, 573),   // 表3, 表4
        (574, 667),   // 表5-1, 表5-2
        (668, 767),   // 表6–9
        (768, 863),   // 表10 项目支出
        (864, 960),   // 表11 整体绩效 (first part)
        (1316, 1420), // 表12-1 项目绩效 (first part)
    ]
    .into_iter()
    .map(|(a, b)| format!("{heading}\n{}", sample_lines(a, b)))
    .chain([
        // tables 1 and 3 with the explanation that describes them (narrative checks)
        format!(
            "{heading}\n{}\n{}\n{}",
            sample_lines(67, 142),
            sample_lines(455, 502),
            sample_lines(1647, 1700)
        ),
    ])
    .map(String::into_bytes)
    .collect()
}

fn pdf_seeds() -> Vec<Vec<u8>> {
    use budget_tables::pdf::fixture::{expenditure_summary_pdf, FontKind, Grid, PdfBuilder, Table};
    let mut seeds = vec![SAMPLE_PDF.to_vec()];
    seeds.push(expenditure_summary_pdf(
        "武昌区科学技术协会",
        &[
            ["201", "一般公共服务支出", "3.00", "1.00", "2.00"],
            ["20101", "人大事务\n运行", "3.00", "1.00", "2.00"],
        ],
        ["", "合计", "3.00", "1.00", "2.00"],
        Grid::Stroked,
    ));
    // One page, every font kind, an image, forms (one a cycle), a rotated second page.
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
    b.text(p, FontKind::IdentityVertical, 10.0, 20.0, 400.0, "单位：元");
    b.text(
        p,
        FontKind::IdentityBrokenMap,
        10.0,
        40.0,
        535.0,
        "编制部门：出版社",
    );
    b.table(
        p,
        &Table {
            x: 40.0,
            top: 520.0,
            cols: vec![80.0, 200.0, 110.0, 110.0, 110.0],
            row_height: 20.0,
            size: 10.0,
            fonts: vec![
                FontKind::WinAnsi,
                FontKind::IdentityEmbedded,
                FontKind::Gbk,
                FontKind::Ucs2,
                FontKind::IdentityBare,
            ],
            header: 1,
            rows: vec![
                vec!["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
                vec!["201", "一般公共服务支出", "3.00", "1.00", "2.00"],
                vec!["", "合计", "3.00", "1.00", "2.00"],
            ],
            grid: Grid::ThinFilled,
        },
    );
    b.image(p, 600.0, 50.0, 100.0, 100.0);
    b.form("Fm1", "0 0 10 0.5 re f");
    b.self_referencing_form();
    b.raw(p, "q /Fm1 Do Q q /Loop Do Q");
    let p2 = b.page();
    b.rotate(p2, 90);
    b.text(
        p2,
        FontKind::Identity,
        12.0,
        40.0,
        500.0,
        "第三部分 情况说明 合计 3.00 万元",
    );
    seeds.push(b.build());
    // Uncompressed copies: mutations then reach content streams and CMaps as text.
    let plain: Vec<Vec<u8>> = seeds.iter().filter_map(|s| decompressed(s)).collect();
    seeds.extend(plain);
    seeds
}

fn decompressed(pdf: &[u8]) -> Option<Vec<u8>> {
    let mut doc = lopdf::Document::load_mem(pdf).ok()?;
    doc.decompress();
    let mut out = Vec::new();
    doc.save_to(&mut out).ok()?;
    Some(out)
}

fn cmap_seeds() -> Vec<Vec<u8>> {
    let head = "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
                /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
                /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n";
    let tail = "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
    [
        // 2-byte codes: bfchar, bfrange with a start string and with an array
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n\
         3 beginbfchar\n<0001> <5408>\n<0002> <8BA1>\n<0003> <D840DC00>\nendbfchar\n\
         2 beginbfrange\n<0010> <001F> <0030>\n<0020> <0022> [<4E00> <4E8C> <4E09>]\nendbfrange\n",
        // 1-byte codes, ligature targets, usecmap
        "/Adobe-GB1-UCS2 usecmap\n1 begincodespacerange\n<00> <FF>\nendcodespacerange\n\
         2 beginbfchar\n<20> <0020>\n<66> <00660066>\nendbfchar\n\
         1 beginbfrange\n<30> <39> <0030>\nendbfrange\n",
        // mixed code spaces (GBK-like), cidchar/cidrange of an encoding CMap
        "2 begincodespacerange\n<00> <80>\n<8140> <FEFE>\nendcodespacerange\n\
         1 begincidrange\n<8140> <817E> 1000\nendcidrange\n\
         2 begincidchar\n<20> 1\n<B0A1> 2000\nendcidchar\n\
         1 beginbfrange\n<B0A1> <B0FE> <554A>\nendbfrange\n",
        // 3- and 4-byte codes, a range crossing a byte boundary, bad entries
        "2 begincodespacerange\n<000000> <FFFFFF>\n<00000000> <FFFFFFFF>\nendcodespacerange\n\
         2 beginbfrange\n<0000FF> <000102> <0041>\n<00000000> <000001FF> <0000>\nendbfrange\n\
         2 beginbfchar\n<12G> <0041>\n<0041> <zz>\nendbfchar\n",
        // the fixture's broken map: an inverted range and a truncated entry
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n\
         1 beginbfchar\n<0001> <51FA>\nendbfchar\n\
         2 beginbfrange\n<0F00> <0E00> <0041>\n<0F10>\nendbfrange\n",
    ]
    .into_iter()
    .map(|body| format!("{head}{body}{tail}").into_bytes())
    .collect()
}

fn toml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            toml_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "toml") {
            out.push(p);
        }
    }
}

fn loader_seeds() -> Vec<Vec<u8>> {
    let mut files = Vec::new();
    toml_files(&root().join("grammars"), &mut files);
    toml_files(&root().join("rules"), &mut files);
    files.iter().filter_map(|f| std::fs::read(f).ok()).collect()
}

/// The seeds of a target.
pub fn seeds(target: Target) -> Vec<Vec<u8>> {
    match target {
        Target::Pdf => pdf_seeds(),
        Target::Text => text_seeds(),
        Target::Cmap => cmap_seeds(),
        Target::Loaders => loader_seeds(),
    }
}

// ---------------------------------------------------------------- mutations

const PDF_TOKENS: &[&str] = &[
    "/Kids",
    "/Parent",
    "/Pages",
    "/Page",
    "/Count",
    "/Contents",
    "/Resources",
    "/Font",
    "/XObject",
    "/Subtype",
    "/Form",
    "/Image",
    "/ToUnicode",
    "/Encoding",
    "/Identity-H",
    "/GBK-EUC-H",
    "/UniGB-UCS2-H",
    "/W",
    "/DW",
    "/Widths",
    "/FirstChar",
    "/DescendantFonts",
    "/FontFile2",
    "/CIDToGIDMap",
    "/Filter",
    "/FlateDecode",
    "/ASCIIHexDecode",
    "/LZWDecode",
    "/DecodeParms",
    "/Predictor",
    "/Length",
    "/Root",
    "/Size",
    "/Prev",
    "/XRefStm",
    "/Type",
    "/ObjStm",
    "/N",
    "/First",
    "/Rotate",
    "/MediaBox",
    "/Matrix",
    "/BBox",
    " R",
    " 0 R",
    "1 0 R",
    "2 0 R",
    "3 0 R",
    " obj",
    "endobj",
    "stream\n",
    "\nendstream",
    "xref",
    "trailer",
    "startxref",
    "%%EOF",
    "<<",
    ">>",
    "[",
    "]",
    "(",
    ")",
    "<",
    ">",
    "\\",
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
    "cm",
    "q",
    "Q",
    "re",
    "f",
    "S",
    "m",
    "l",
    "Do",
    "BI",
    "ID",
    "EI",
    "gs",
    "d0",
    "d1",
    "begincmap",
    "beginbfchar",
    "beginbfrange",
    "endbfrange",
    "begincodespacerange",
    "usecmap",
    "null",
    "true",
    "false",
];

const TEXT_TOKENS: &[&str] = &[
    "\n",
    " ",
    "\n\n",
    "\n ",
    "表 1.",
    "表 3.部门支出总表",
    "表 5-1.",
    "表 12-1.",
    "合计",
    "总计",
    "小计",
    "单位：万元",
    "单位：元",
    "单位：万",
    "元",
    "项 目",
    "预算数",
    "科目编码",
    "科目名称",
    "基本支出",
    "项目支出",
    "第二部分",
    "第三部分",
    "第四部分 名词解释",
    "情况说明",
    "预算",
    "决算",
    "2025 年",
    "万元",
    "占比",
    "%",
    "增长",
    "减少",
    "其中：",
    "备注",
    "一、",
    "二、",
    "（一）",
    "（",
    "）",
    "-",
    ".",
    "．",
    ",",
    "，",
    "：",
    "\t",
    "\u{3000}",
    "0.00",
    "707.83",
    "-1",
    "1e9",
    "99999999999999999999.99",
    "0.000000001",
    "201",
    "20101",
    "2010101",
    "部门收支总表",
    "一般公共预算",
    "“三公”经费",
    "绩效目标",
    "指标",
    "≥",
    "≤",
    "个",
    "年度",
];

const TOML_TOKENS: &[&str] = &[
    "\n",
    " = ",
    "[",
    "]",
    "[[",
    "]]",
    "{",
    "}",
    ",",
    "\"",
    "'",
    "'''",
    "\"\"\"",
    "#",
    "=",
    ".",
    "true",
    "false",
    "nan",
    "inf",
    "-inf",
    "1979-05-27T07:32:00Z",
    "0x7fffffffffffffff",
    "9223372036854775808",
    "-9223372036854775808",
    "1e400",
    "\"\"",
    "[]",
    "{}",
    "\\u0000",
    "\\U0010FFFF",
    "\\",
    "kind",
    "family",
    "titles",
    "columns",
    "id",
    "labels",
    "layout",
    "role",
    "default_unit",
    "row_key",
    "total_labels",
    "blocks",
    "identities",
    "total",
    "parts",
    "minus",
    "table",
    "cells",
    "rows",
    "column",
    "tolerance",
    "equal",
    "sum",
    "share",
    "match_rows",
    "row_sum",
    "identity",
    "amount",
    "code",
    "name",
    "text",
    "元",
    "万元",
    "亿元",
    "合计",
    "performance",
    "ledger",
    "two_column",
    "balance",
];

const INTERESTING_NUMBERS: &[&str] = &[
    "0",
    "-0",
    "1",
    "-1",
    "2",
    "7",
    "8",
    "16",
    "255",
    "256",
    "-129",
    "65535",
    "65536",
    "2147483647",
    "2147483648",
    "-2147483649",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "18446744073709551616",
    "99999999999999999999999999999",
    "1e308",
    "-1e308",
    "0.0000001",
    "3.4028235e38",
    "NaN",
    ".",
    "-.",
    "1.",
    "0x10",
];

fn tokens(target: Target) -> &'static [&'static str] {
    match target {
        Target::Pdf | Target::Cmap => PDF_TOKENS,
        Target::Text => TEXT_TOKENS,
        Target::Loaders => TOML_TOKENS,
    }
}

/// Start and end of a random chunk of `v` (non-empty when `v` is).
fn chunk(rng: &mut Rng, v: &[u8]) -> (usize, usize) {
    let a = rng.below(v.len());
    let n = rng.len(v.len() - a);
    (a, a + n)
}

/// Line boundaries: (start, end-with-newline) of a random line.
fn line(rng: &mut Rng, v: &[u8]) -> (usize, usize) {
    let at = rng.below(v.len());
    let start = v[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let end = v[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(v.len(), |p| at + p + 1);
    (start, end)
}

/// One mutation of `v` in place; `others` are splice sources.
pub fn mutate_once(rng: &mut Rng, v: &mut Vec<u8>, others: &[Vec<u8>], target: Target) {
    if v.is_empty() {
        v.extend_from_slice(rng.pick(tokens(target)).as_bytes());
        return;
    }
    match rng.below(16) {
        0 => {
            let i = rng.below(v.len());
            v[i] ^= 1 << rng.below(8);
        }
        1 => {
            let i = rng.below(v.len());
            v[i] = rng.next() as u8;
        }
        2 => {
            let i = rng.below(v.len());
            v[i] = *rng.pick(b"\x00\xff\x7f\x80 \n\r()<>[]{}/\\%0159-.\"'=#");
        }
        3 => {
            let (a, b) = chunk(rng, v);
            v.drain(a..b);
        }
        4 => {
            // a run of one byte
            let at = rng.below(v.len() + 1);
            let byte = if rng.below(2) == 0 {
                v[rng.below(v.len())]
            } else {
                rng.next() as u8
            };
            let n = rng.len(4096);
            v.splice(at..at, std::iter::repeat_n(byte, n));
        }
        5 => {
            let at = rng.below(v.len() + 1);
            let n = rng.len(32);
            let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
            v.splice(at..at, bytes);
        }
        6 => {
            // duplicate a chunk, possibly many times (a small file demanding huge work)
            let (a, b) = chunk(rng, v);
            let copy = v[a..b].to_vec();
            let times = if rng.below(4) == 0 { rng.len(256) } else { 1 };
            let at = rng.below(v.len() + 1);
            let rep: Vec<u8> = copy
                .iter()
                .copied()
                .cycle()
                .take(copy.len() * times)
                .collect();
            v.splice(at..at, rep);
        }
        7 => {
            // splice: our head, another seed's tail
            let o = rng.pick(others);
            if !o.is_empty() {
                let at = rng.below(v.len());
                let from = rng.below(o.len());
                v.truncate(at);
                v.extend_from_slice(&o[from..]);
            }
        }
        8 => {
            // insert a chunk of another seed
            let o = rng.pick(others);
            if !o.is_empty() {
                let (a, b) = chunk(rng, o);
                let at = rng.below(v.len() + 1);
                v.splice(at..at, o[a..b].iter().copied());
            }
        }
        9 => {
            let t = rng.pick(tokens(target)).as_bytes();
            let at = rng.below(v.len() + 1);
            v.splice(at..at, t.iter().copied());
        }
        10 => {
            let t = rng.pick(tokens(target)).as_bytes();
            let at = rng.below(v.len());
            let end = (at + t.len()).min(v.len());
            v.splice(at..end, t.iter().copied());
        }
        11 => {
            // replace a number by an interesting one
            let at = rng.below(v.len());
            let n = rng.pick(INTERESTING_NUMBERS).as_bytes();
            match v[at..].iter().position(|b| b.is_ascii_digit()) {
                Some(p) => {
                    let s = at + p;
                    let e = v[s..]
                        .iter()
                        .position(|b| !(b.is_ascii_digit() || *b == b'.'))
                        .map_or(v.len(), |q| s + q);
                    v.splice(s..e, n.iter().copied());
                }
                None => {
                    v.splice(at..at, n.iter().copied());
                }
            }
        }
        12 => {
            // swap two chunks
            let (a, b) = chunk(rng, v);
            let (c, d) = chunk(rng, v);
            if b <= c {
                let first = v[a..b].to_vec();
                let second = v[c..d].to_vec();
                v.splice(c..d, first);
                v.splice(a..b, second);
            }
        }
        13 => {
            let (a, b) = line(rng, v);
            if rng.below(2) == 0 {
                v.drain(a..b);
            } else {
                let copy = v[a..b].to_vec();
                let at = line(rng, v).0;
                v.splice(at..at, copy);
            }
        }
        14 => v.truncate(rng.below(v.len())),
        _ => {
            // arithmetic on a byte
            let i = rng.below(v.len());
            let d = 1 + rng.below(16) as u8;
            v[i] = if rng.below(2) == 0 {
                v[i].wrapping_add(d)
            } else {
                v[i].wrapping_sub(d)
            };
        }
    }
}

/// The input of execution `i`: the seeds themselves first, then stacked mutations of a seed.
pub fn input_for(target: Target, seeds: &[Vec<u8>], seed: u64, i: u64) -> Vec<u8> {
    if (i as usize) < seeds.len() {
        return seeds[i as usize].clone();
    }
    let mut rng = Rng::new(seed ^ i.wrapping_mul(0xD1B5_4A32_D192_ED03));
    let mut v = rng.pick(seeds).clone();
    let depth = 1 + rng.below(MAX_STACKED);
    let rounds = 1 + rng.below(depth);
    for _ in 0..rounds {
        mutate_once(&mut rng, &mut v, seeds, target);
        v.truncate(target.max_input());
    }
    v
}

// ---------------------------------------------------------------- targets

/// What the targets share, built once.
pub struct Context {
    grammars: GrammarSet,
    rules: RuleSet,
    /// Grammar identities only (rule files are added to a clone).
    grammar_rules: RuleSet,
    /// The text sample converted: what a loaded rule set reconciles.
    sample: Converted,
    /// A slice of the sample that a loaded grammar converts.
    slice: String,
}

impl Context {
    pub fn new() -> Context {
        let grammars = GrammarSet::builtin();
        let sample = convert_text(
            Path::new("sample.txt"),
            SAMPLE_TEXT.as_bytes(),
            SAMPLE_TEXT,
            &grammars,
        )
        .unwrap_or_else(|e| panic!("the text sample must convert: {e}"));
        Context {
            rules: RuleSet::builtin(),
            grammar_rules: RuleSet::from_grammars(&grammars),
            grammars,
            sample,
            slice: sample_lines(67, 767),
        }
    }
}

impl Default for Context {
    fn default() -> Self {
        Context::new()
    }
}

/// Executions whose input went all the way through (converted and reconciled, or loaded).
pub static THROUGH: AtomicU64 = AtomicU64::new(0);

fn through() {
    THROUGH.fetch_add(1, Ordering::Relaxed);
}

/// Runs one input through a target; a panic is a crash.
pub fn execute(target: Target, ctx: &Context, input: &[u8]) {
    match target {
        Target::Pdf => {
            if let Ok(c) = convert_bytes(std::path::Path::new("fuzz.pdf"), input, &ctx.grammars) {
                let _ = reconcile_converted(&c, &ctx.rules);
                through();
            }
        }
        Target::Text => {
            let text = String::from_utf8_lossy(input);
            if let Ok(c) = convert_text(Path::new("fuzz.txt"), input, &text, &ctx.grammars) {
                let _ = reconcile_converted(&c, &ctx.rules);
                through();
            }
        }
        Target::Cmap => cmap(input),
        Target::Loaders => {
            let text = String::from_utf8_lossy(input);
            if let Ok(g) = Grammar::from_toml("fuzz.toml", &text) {
                through();
                let _ = g.matches_title("2025年部门支出预算总表");
                let _ = g.header_score("科目编码 科目名称 合计 基本支出 项目支出");
                let set = GrammarSet {
                    grammars: vec![g],
                    fingerprint: String::new(),
                };
                let rules = RuleSet::from_grammars(&set);
                if let Ok(c) = convert_text(
                    Path::new("slice.txt"),
                    ctx.slice.as_bytes(),
                    &ctx.slice,
                    &set,
                ) {
                    let _ = reconcile_converted(&c, &rules);
                }
            }
            let mut rules = ctx.grammar_rules.clone();
            if rules.add_toml("fuzz.toml", &text).is_ok() {
                through();
                let _ = reconcile_converted(&ctx.sample, &rules);
            }
        }
    }
}

fn cmap(input: &[u8]) {
    let probes: [&[u8]; 6] = [
        b"\x00\x01",
        b"\x30",
        b"\xb0\xa1",
        b"\x81\x40\x20",
        b"\x00\x00\x00\xff",
        &input[..input.len().min(8)],
    ];
    let tu = ToUnicode::parse(input);
    let cid = CidMap::parse(input);
    if !tu.is_empty() {
        through();
    }
    for cs in [
        CodeSpace::Ranges(tu.codespace.clone()),
        CodeSpace::Ranges(cid.codespace.clone()),
    ] {
        // Split the input's tail as a shown string would be, and look each code up.
        let mut s = &input[input.len().saturating_sub(64)..];
        while !s.is_empty() {
            let n = cs.code_len(s);
            let code = code_value(&s[..n]);
            let _ = tu.get_lenient(n, code);
            let _ = cid.get(n, code);
            s = &s[n..];
        }
        for p in probes {
            let _ = cs.code_len(p);
        }
    }
    for p in probes {
        let v = code_value(&p[..p.len().min(4)]);
        for len in 0..=5 {
            let _ = tu.get(len, v);
            let _ = tu.get_lenient(len, v);
            let _ = cid.get(len, v);
        }
        let _ = utf16_text(p);
    }
    let _ = utf16_text(&input[..input.len().min(64)]);
    if let Some(p) = Predefined::from_name(&input[..input.len().min(12)]) {
        let _ = p.decode(&input[input.len().min(12)..input.len().min(16)]);
    }
}

// ---------------------------------------------------------------- the loop

static HOOK: Once = Once::new();
/// The message and location of the last panic on a fuzz worker thread.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);
/// Panics raised (caught or not) since the counter was last read.
static PANICS: AtomicU64 = AtomicU64::new(0);

/// Replaces the panic hook once: panics on fuzz workers are recorded, not printed; other
/// threads keep the previous hook.
pub fn install_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let on_worker = std::thread::current()
                .name()
                .is_some_and(|n| n.starts_with("fuzz-"));
            // FUZZ_VERBOSE=1 prints every panic as usual (with RUST_BACKTRACE, its backtrace).
            if !on_worker || std::env::var_os("FUZZ_VERBOSE").is_some() {
                previous(info);
            }
            if !on_worker {
                return;
            }
            let msg = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let at = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            if let Ok(mut g) = LAST_PANIC.lock() {
                *g = Some(format!("{at}: {msg}"));
            }
            PANICS.fetch_add(1, Ordering::Relaxed);
        }));
    });
}

/// How one execution ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Ok,
    /// A panic left the target; the message starts with its location.
    Crash(String),
    /// A panic the code under test caught itself (lopdf's, caught by `PdfFile::from_bytes`).
    CaughtPanic(String),
}

/// Runs one input, catching a panic. Call on a thread named `fuzz-*` (see [`install_hook`]).
pub fn run_caught(target: Target, ctx: &Context, input: &[u8]) -> Outcome {
    let before = PANICS.load(Ordering::Relaxed);
    let r = catch_unwind(AssertUnwindSafe(|| execute(target, ctx, input)));
    let last = || {
        LAST_PANIC
            .lock()
            .ok()
            .and_then(|g| g.clone())
            .unwrap_or_default()
    };
    match r {
        Err(_) => Outcome::Crash(last()),
        Ok(()) if PANICS.load(Ordering::Relaxed) != before => Outcome::CaughtPanic(last()),
        Ok(()) => Outcome::Ok,
    }
}

/// A crash or hang found.
#[derive(Debug, Clone)]
pub struct Finding {
    pub kind: &'static str,
    pub execution: u64,
    pub message: String,
    pub input: Vec<u8>,
    pub saved: Option<PathBuf>,
}

/// Settings of a run.
#[derive(Debug, Clone)]
pub struct Options {
    pub target: Target,
    pub seed: u64,
    /// First execution index (to resume or replay).
    pub start: u64,
    pub iterations: u64,
    /// Where crashes and hangs go (`<out>/<target>/crash-<hash>`); none: kept in memory only.
    pub out: Option<PathBuf>,
    /// Write each input to `<out>/<target>/current` before running it (to recover an input
    /// that kills the process).
    pub trace: bool,
    /// Print a progress line every this many executions (0: never).
    pub progress_every: u64,
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub executions: u64,
    pub elapsed: Duration,
    pub crashes: Vec<Finding>,
    pub hangs: Vec<Finding>,
    /// Panics the code caught itself, by message (first input kept), with counts.
    pub caught: Vec<(String, u64, Vec<u8>)>,
    pub slowest: Duration,
    /// Executions whose input went all the way through the target (see [`THROUGH`]).
    pub through: u64,
}

impl Report {
    pub fn rate(&self) -> f64 {
        self.executions as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Saves an input under `<out>/<target>/<kind>-<hash>`; returns the path.
pub fn save(out: &Path, target: Target, kind: &str, input: &[u8]) -> Option<PathBuf> {
    let dir = out.join(target.name());
    std::fs::create_dir_all(&dir).ok()?;
    let p = dir.join(format!("{kind}-{:016x}", hash(input)));
    std::fs::write(&p, input).ok()?;
    Some(p)
}

/// Shrinks a crashing input while it still crashes at the same place.
pub fn minimise(target: Target, ctx: &Context, input: &[u8], message: &str) -> Vec<u8> {
    let place = message.split(": ").next().unwrap_or("").to_string();
    let same =
        |v: &[u8]| matches!(run_caught(target, ctx, v), Outcome::Crash(m) if m.starts_with(&place));
    let mut best = input.to_vec();
    let mut budget = MINIMISE_EXECUTIONS;
    let mut size = best.len() / 2;
    while size >= 1 && budget > 0 {
        let mut at = 0;
        let mut shrunk = false;
        while at < best.len() && budget > 0 {
            let end = (at + size).min(best.len());
            let mut cand = best[..at].to_vec();
            cand.extend_from_slice(&best[end..]);
            budget -= 1;
            if same(&cand) {
                best = cand;
                shrunk = true;
            } else {
                at += size;
            }
        }
        if !shrunk {
            size /= 2;
        }
    }
    best
}

struct Watch {
    /// Nanoseconds since `base` when the running execution started; 0 when idle.
    started: AtomicU64,
    done: AtomicBool,
    current: Mutex<Vec<u8>>,
    base: Instant,
}

/// Runs `opts.iterations` executions on a worker thread with a watchdog.
pub fn fuzz(opts: &Options) -> Report {
    install_hook();
    let watch = Arc::new(Watch {
        started: AtomicU64::new(0),
        done: AtomicBool::new(false),
        current: Mutex::new(Vec::new()),
        base: Instant::now(),
    });
    let dog = {
        let watch = watch.clone();
        let opts = opts.clone();
        std::thread::spawn(move || watchdog(&watch, &opts))
    };
    let worker = {
        let watch = watch.clone();
        let opts = opts.clone();
        std::thread::Builder::new()
            .name(format!("fuzz-{}", opts.target.name()))
            .stack_size(WORKER_STACK)
            .spawn(move || run_loop(&opts, &watch))
            .unwrap_or_else(|e| panic!("cannot start the fuzz worker: {e}"))
    };
    let report = worker
        .join()
        .unwrap_or_else(|_| panic!("the fuzz loop itself panicked"));
    watch.done.store(true, Ordering::Relaxed);
    let _ = dog.join();
    report
}

fn watchdog(watch: &Watch, opts: &Options) {
    let mut reported = 0u64;
    while !watch.done.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(100));
        let s = watch.started.load(Ordering::Relaxed);
        if s == 0 {
            continue;
        }
        let running = watch.base.elapsed().saturating_sub(Duration::from_nanos(s));
        if running > hang_limit() && reported != s {
            reported = s;
            let input = watch.current.lock().map(|g| g.clone()).unwrap_or_default();
            let saved = opts
                .out
                .as_deref()
                .and_then(|o| save(o, opts.target, "hang", &input));
            eprintln!(
                "fuzz {}: an input has run for over {:?} ({} bytes){}",
                opts.target.name(),
                hang_limit(),
                input.len(),
                saved
                    .map(|p| format!(", saved as {}", p.display()))
                    .unwrap_or_default()
            );
        }
        if running > hang_limit() * ABORT_AFTER_HANG_LIMITS {
            eprintln!(
                "fuzz {}: giving up on a hung input: abort",
                opts.target.name()
            );
            std::process::abort();
        }
    }
}

fn run_loop(opts: &Options, watch: &Watch) -> Report {
    let ctx = Context::new();
    let seeds = seeds(opts.target);
    assert!(!seeds.is_empty(), "no seeds for {}", opts.target.name());
    let mut report = Report::default();
    let through0 = THROUGH.load(Ordering::Relaxed);
    let t0 = Instant::now();
    let trace = opts
        .out
        .as_ref()
        .filter(|_| opts.trace)
        .map(|o| o.join(opts.target.name()).join("current"));
    if let Some(t) = &trace {
        let _ = std::fs::create_dir_all(t.parent().unwrap_or(Path::new(".")));
    }
    for i in opts.start..opts.start + opts.iterations {
        let input = input_for(opts.target, &seeds, opts.seed, i);
        if let Some(t) = &trace {
            let _ = std::fs::write(t, &input);
            let _ = std::fs::write(t.with_file_name("current-index"), i.to_string());
        }
        if let Ok(mut g) = watch.current.lock() {
            g.clear();
            g.extend_from_slice(&input);
        }
        let start = Instant::now();
        watch.started.store(
            watch.base.elapsed().as_nanos().max(1) as u64,
            Ordering::Relaxed,
        );
        let outcome = run_caught(opts.target, &ctx, &input);
        watch.started.store(0, Ordering::Relaxed);
        let took = start.elapsed();
        report.executions += 1;
        report.slowest = report.slowest.max(took);
        match outcome {
            Outcome::Ok => {}
            Outcome::CaughtPanic(m) => match report.caught.iter_mut().find(|c| c.0 == m) {
                Some(c) => c.1 += 1,
                None => report.caught.push((m, 1, input.clone())),
            },
            Outcome::Crash(m) => {
                let place = m.split(": ").next().unwrap_or("").to_string();
                let seen = report.crashes.iter().any(|c| c.message.starts_with(&place));
                if !seen {
                    let small = minimise(opts.target, &ctx, &input, &m);
                    let saved = opts
                        .out
                        .as_deref()
                        .and_then(|o| save(o, opts.target, "crash", &small));
                    eprintln!(
                        "fuzz {}: crash at execution {i}: {m} ({} bytes, minimised to {}){}",
                        opts.target.name(),
                        input.len(),
                        small.len(),
                        saved
                            .as_ref()
                            .map(|p| format!(", saved as {}", p.display()))
                            .unwrap_or_default()
                    );
                    report.crashes.push(Finding {
                        kind: "crash",
                        execution: i,
                        message: m,
                        input: small,
                        saved,
                    });
                }
            }
        }
        if took > hang_limit() {
            let saved = opts
                .out
                .as_deref()
                .and_then(|o| save(o, opts.target, "hang", &input));
            report.hangs.push(Finding {
                kind: "hang",
                execution: i,
                message: format!("took {took:?}"),
                input: input.clone(),
                saved,
            });
        }
        if opts.progress_every > 0 && report.executions % opts.progress_every == 0 {
            println!(
                "progress {} {} executions {:.0}/s crashes {} hangs {}",
                i + 1,
                report.executions,
                report.executions as f64 / t0.elapsed().as_secs_f64(),
                report.crashes.len(),
                report.hangs.len()
            );
        }
    }
    report.elapsed = t0.elapsed();
    report.through = THROUGH.load(Ordering::Relaxed) - through0;
    report
}

/// Runs saved inputs (name, bytes) through a target on a fuzz worker thread: (name, outcome,
/// time taken) for each.
pub fn replay(target: Target, inputs: Vec<(String, Vec<u8>)>) -> Vec<(String, Outcome, Duration)> {
    install_hook();
    std::thread::Builder::new()
        .name(format!("fuzz-replay-{}", target.name()))
        .stack_size(WORKER_STACK)
        .spawn(move || {
            let ctx = Context::new();
            inputs
                .into_iter()
                .map(|(name, input)| {
                    let t = Instant::now();
                    let o = run_caught(target, &ctx, &input);
                    (name, o, t.elapsed())
                })
                .collect()
        })
        .unwrap_or_else(|e| panic!("cannot start the replay worker: {e}"))
        .join()
        .unwrap_or_else(|_| panic!("the replay worker panicked"))
}

/// The files of a folder (sorted), with their bytes; none when it does not exist.
pub fn inputs_in(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|p| {
            Some((
                p.file_name()?.to_string_lossy().into_owned(),
                std::fs::read(&p).ok()?,
            ))
        })
        .collect()
}
