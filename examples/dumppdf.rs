//! Dump what the PDF front end reads: one row per line with page, baseline y and each
//! span's x0, for checking layout against the page by eye.
//!
//! Usage: `cargo run --release --example dumppdf -- file.pdf [first_page [last_page]]`

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: dumppdf FILE.pdf [FIRST [LAST]]")?;
    let first: u32 = args.next().map_or(Ok(1), |s| s.parse())?;
    let last: u32 = args.next().map_or(Ok(u32::MAX), |s| s.parse())?;
    let bytes = std::fs::read(&path)?;
    // Parsing alone (lopdf), to see how the total splits.
    let start = Instant::now();
    let parsed = lopdf::Document::load_mem(&bytes).map(|d| d.objects.len());
    let parse_time = start.elapsed();
    drop(parsed);
    let start = Instant::now();
    let (doc, diags) = shisaku::input::pdf::read(&bytes)?;
    let elapsed = start.elapsed();
    for page in doc.pages.iter().filter(|p| (first..=last).contains(&p.index)) {
        let printed = page.printed.map_or_else(|| "-".to_string(), |p| p.to_string());
        let size = page.size().map_or_else(|| "-".to_string(), |(w, h)| format!("{w:.1}×{h:.1}"));
        println!("=== page {} printed {printed} size {size} rules {}", page.index, page.rules().len());
        if std::env::var_os("DUMP_RULES").is_some() {
            for r in page.rules() {
                println!("  rule ({:.1},{:.1})-({:.1},{:.1})", r.x0, r.y0, r.x1, r.y1);
            }
        }
        for line in &page.lines {
            match &line.geom {
                Some(g) => {
                    let spans: Vec<String> =
                        g.spans.iter().map(|s| format!("[{:.1}-{:.1}] {}", s.x0, s.x1, s.text)).collect();
                    println!("{:7.2} {:5.2} | {}", g.y, g.font_size, spans.join(" | "));
                }
                None => println!("        | {}", line.text),
            }
        }
    }
    for d in &diags {
        eprintln!("diagnostic: {} {}", d.code, d.message);
    }
    eprintln!(
        "{} pages read in {:.1} ms (lopdf parse alone: {:.1} ms)",
        doc.pages.len(),
        elapsed.as_secs_f64() * 1000.0,
        parse_time.as_secs_f64() * 1000.0
    );
    Ok(())
}
