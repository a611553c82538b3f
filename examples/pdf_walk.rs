//! Walks every page of every PDF in a folder (default: the shared corpus) and prints
//! per-file counts and timing. `pdf_walk FILE.pdf --text` prints the page text instead.

use std::time::Instant;

use budget_tables::pdf::{Glyph, PageSink, PdfFile, Ruling, TextLines};

#[derive(Default)]
struct Count {
    glyphs: usize,
    rulings: usize,
}

impl PageSink for Count {
    fn glyph(&mut self, _g: &Glyph) {
        self.glyphs += 1;
    }
    fn ruling(&mut self, _r: &Ruling) {
        self.rulings += 1;
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let target = args
        .first()
        .cloned()
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus").to_string());
    if let Some(pos) = args.iter().position(|a| a == "--glyphs") {
        let page: usize = args.get(pos + 1).and_then(|s| s.parse().ok()).unwrap_or(1);
        struct Dump;
        impl PageSink for Dump {
            fn glyph(&mut self, g: &Glyph) {
                println!(
                    "{:>8.2} {:>8.2} w={:.2} size={:.2} {:?} {}",
                    g.x, g.y, g.width, g.size, g.text, g.font
                );
            }
            fn ruling(&mut self, r: &Ruling) {
                println!(
                    "ruling {:.2},{:.2} - {:.2},{:.2} {:?}",
                    r.x0, r.y0, r.x1, r.y1, r.source
                );
            }
        }
        match PdfFile::open(&target).and_then(|p| p.walk_page(page, &mut Dump)) {
            Ok(r) => println!("{r:?}"),
            Err(e) => println!("error [{}]: {e}", e.code()),
        }
        return;
    }
    if args.iter().any(|a| a == "--text") {
        let pdf = match PdfFile::open(&target) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("error [{}]: {e}", e.code());
                std::process::exit(1);
            }
        };
        let mut tl = TextLines::default();
        for i in 1..=pdf.page_count() {
            match pdf.walk_page(i, &mut tl) {
                Ok(r) => {
                    println!(
                        "=== page {i} ({} glyphs, {} undecodable)",
                        r.glyphs, r.undecodable
                    );
                    print!("{}", tl.text());
                }
                Err(e) => println!("=== page {i}: error [{}]: {e}", e.code()),
            }
        }
        return;
    }
    let mut files: Vec<_> = match std::fs::read_dir(&target) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
            .collect(),
        Err(_) => vec![target.clone().into()],
    };
    files.sort();
    let (mut tp, mut tg, mut tu, mut tt) = (0, 0, 0, 0.0);
    println!(
        "{:<58} {:>5} {:>8} {:>8} {:>6} {:>8} {:>8}",
        "file", "pages", "glyphs", "rulings", "undec", "ms", "open ms"
    );
    for f in files {
        let t0 = Instant::now();
        let pdf = match PdfFile::open(&f) {
            Ok(p) => p,
            Err(e) => {
                println!("{:<58} error [{}]: {e}", f.display(), e.code());
                continue;
            }
        };
        let open_ms = t0.elapsed().as_secs_f64() * 1000.0;
        let mut c = Count::default();
        let mut undec = 0;
        let mut errors = 0;
        for i in 1..=pdf.page_count() {
            match pdf.walk_page(i, &mut c) {
                Ok(r) => undec += r.undecodable,
                Err(e) => {
                    errors += 1;
                    eprintln!("{e}");
                }
            }
        }
        let ms = t0.elapsed().as_secs_f64() * 1000.0;
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        println!(
            "{:<58} {:>5} {:>8} {:>8} {:>6} {:>8.1} {:>8.1}{}",
            name,
            pdf.page_count(),
            c.glyphs,
            c.rulings,
            undec,
            ms,
            open_ms,
            if errors > 0 {
                format!("  ({errors} page errors)")
            } else {
                String::new()
            }
        );
        tp += pdf.page_count();
        tg += c.glyphs;
        tu += undec;
        tt += ms;
    }
    println!(
        "{:<58} {:>5} {:>8} {:>8} {:>6} {:>8.1}",
        "TOTAL", tp, tg, "", tu, tt
    );
}
