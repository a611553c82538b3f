use budget_tables::pdf::{PdfFile, TextLines};
fn main() {
    let a: Vec<String> = std::env::args().collect();
    let pdf = PdfFile::open(&a[1]).unwrap();
    let p: usize = a[2].parse().unwrap();
    let mut t = TextLines::default();
    pdf.walk_page(p, &mut t).unwrap();
    for l in t.lines() {
        let s: Vec<String> = l
            .runs
            .iter()
            .map(|r| format!("[{:.0}-{:.0} {}]", r.x0, r.x1, r.text))
            .collect();
        println!("{:.1}: {}", l.y, s.join(" "));
    }
}
