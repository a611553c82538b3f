//! Never panic on input: damaged versions of the text sample and of a fixture PDF go through
//! the whole conversion and reconciliation, and each either converts or fails with an error.

use budget_tables::convert::{convert_file, convert_text};
use budget_tables::grammar::GrammarSet;
use budget_tables::reconcile::{reconcile_converted, RuleSet};
use std::path::Path;

/// A small deterministic generator (no dependency, same cases every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

#[test]
fn damaged_text_dumps_never_panic() {
    let text =
        std::fs::read_to_string("samples/hubei-wuchang-kexie-2025-budget.txt").expect("sample");
    let lines: Vec<&str> = text.lines().collect();
    let grammars = GrammarSet::builtin();
    let rules = RuleSet::builtin();
    let mut rng = Lcg(7);
    let mut converted = 0;
    for case in 0..120 {
        let damaged: String = match case % 4 {
            // Cut at a random line.
            0 => lines[..rng.next(lines.len())].join("\n"),
            // Drop a few random lines.
            1 => {
                let drop: Vec<usize> = (0..5).map(|_| rng.next(lines.len())).collect();
                lines
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !drop.contains(i))
                    .map(|(_, l)| *l)
                    .collect::<Vec<_>>()
                    .join("\n")
            }
            // Swap two random lines.
            2 => {
                let mut v = lines.clone();
                let (a, b) = (rng.next(v.len()), rng.next(v.len()));
                v.swap(a, b);
                v.join("\n")
            }
            // Replace a random character of a random line with a digit or a dot.
            _ => {
                let mut v: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
                let i = rng.next(v.len());
                let chars: Vec<char> = v[i].chars().collect();
                if !chars.is_empty() {
                    let k = rng.next(chars.len());
                    let mut c = chars.clone();
                    c[k] = ['.', '7', ' ', '合'][rng.next(4)];
                    v[i] = c.into_iter().collect();
                }
                v.join("\n")
            }
        };
        if let Ok(c) = convert_text(
            Path::new("damaged.txt"),
            damaged.as_bytes(),
            &damaged,
            &grammars,
        ) {
            let _ = reconcile_converted(&c, &rules);
            converted += 1;
        }
    }
    println!("damaged text dumps: {converted}/120 converted, the rest failed with an error");
}

#[test]
fn damaged_pdfs_never_panic() {
    use budget_tables::pdf::fixture::{FontKind, Grid, PdfBuilder, Table};
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
    b.text(p, FontKind::Identity, 10.0, 700.0, 535.0, "单位：元");
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
                FontKind::Identity,
                FontKind::WinAnsi,
                FontKind::WinAnsi,
                FontKind::WinAnsi,
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
    let good = b.build();
    let dir = std::env::temp_dir().join(format!("budget-tables-robust-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let grammars = GrammarSet::builtin();
    let rules = RuleSet::builtin();
    let mut rng = Lcg(11);
    for case in 0..60 {
        let mut bytes = good.clone();
        match case % 3 {
            0 => bytes.truncate(rng.next(bytes.len())),
            1 => {
                for _ in 0..8 {
                    let i = rng.next(bytes.len());
                    bytes[i] = rng.next(256) as u8;
                }
            }
            _ => {
                let i = rng.next(bytes.len());
                bytes.drain(i..(i + 40).min(bytes.len()));
            }
        }
        let path = dir.join(format!("case{case}.pdf"));
        std::fs::write(&path, &bytes).expect("write");
        if let Ok(c) = convert_file(&path, &grammars) {
            let _ = reconcile_converted(&c, &rules);
        }
    }
}
