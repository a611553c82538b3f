//! Prints a page's ruling lines (horizontal and vertical), for inspecting table geometry.
use budget_tables::pdf::{PageSink, PdfFile, Ruling};

#[derive(Default)]
struct R(Vec<Ruling>);
impl PageSink for R {
    fn ruling(&mut self, r: &Ruling) {
        self.0.push(*r);
    }
}

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let (Some(file), Some(page)) = (a.get(1), a.get(2).and_then(|p| p.parse().ok())) else {
        eprintln!("usage: rulings FILE PAGE");
        std::process::exit(2);
    };
    let pdf = match PdfFile::open(file) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let mut r = R::default();
    if let Err(e) = pdf.walk_page(page, &mut r) {
        eprintln!("{e}");
        std::process::exit(1);
    }
    let (mut h, mut v): (Vec<Ruling>, Vec<Ruling>) =
        r.0.into_iter().partition(|r| r.is_horizontal());
    h.sort_by(|a, b| b.y0.total_cmp(&a.y0).then(a.x0.total_cmp(&b.x0)));
    v.sort_by(|a, b| a.x0.total_cmp(&b.x0).then(b.y1.total_cmp(&a.y1)));
    println!("horizontal {}:", h.len());
    for r in &h {
        println!("  y {:.1}  x {:.1}-{:.1}", r.y0, r.x0, r.x1);
    }
    println!("vertical {}:", v.len());
    for r in &v {
        println!("  x {:.1}  y {:.1}-{:.1}", r.x0, r.y0, r.y1);
    }
}
