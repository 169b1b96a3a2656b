//! The review page in a real browser: headless Chromium opens the page `shisaku review`
//! wrote for each rendition of the R5 report, runs its script, and the test reads the
//! resulting DOM (cards listed, the selected card's fields, each outline inside its page,
//! no script errors) and a screenshot (not blank).
//!
//! Chromium is found as `$SHISAKU_CHROMIUM`, `chromium` or `chromium-browser`. Without it
//! the test is skipped with a message — unless `CI` is set, where it fails (`.ci/run`
//! installs the Debian package).

use std::path::{Path, PathBuf};
use std::process::Command;

use regex::Regex;

/// The issue's budget for the R5 report's page.
const MAX_PAGE_BYTES: u64 = 3 * 1024 * 1024;
/// An outline may overhang its page by rounding and a glyph's descent, no more.
const PAGE_SLACK: f64 = 2.0;

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SHISAKU_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    ["chromium", "chromium-browser", "google-chrome"].iter().find_map(|name| {
        let ok = Command::new(name).arg("--version").output().is_ok_and(|o| o.status.success());
        ok.then(|| PathBuf::from(name))
    })
}

fn browser_or_skip() -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI: chromium is required for tests/review.rs (apt-get install chromium)"
        );
        eprintln!("SKIPPED tests/review.rs: no chromium on PATH (apt-get install chromium, or set SHISAKU_CHROMIUM)");
    }
    found
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

/// Run headless Chromium on `url` with `args`; returns stdout.
fn run_browser(browser: &Path, profile: &Path, args: &[&str], url: &str) -> String {
    let out = Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", browser.display()));
    assert!(out.status.success(), "chromium failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn attr(tag: &str, name: &str) -> Option<f64> {
    let re = Regex::new(&format!(r#"\s{name}="([-0-9.e]+)""#)).ok()?;
    re.captures(tag)?.get(1)?.as_str().parse().ok()
}

struct Checked {
    outlines: usize,
}

/// Write the page for `input`, open it at a card with metrics, check the DOM.
fn check_page(browser: &Path, dir: &Path, input: &str) -> Checked {
    let src = fixture(input);
    let html = dir.join(format!("{input}.html"));
    let status = Command::new(env!("CARGO_BIN_EXE_shisaku"))
        .arg("review")
        .arg(&src)
        .arg("-o")
        .arg(&html)
        .status()
        .expect("run shisaku review");
    assert!(status.code().is_some_and(|c| c <= 1), "shisaku review {input}: {status}");
    let size = std::fs::metadata(&html).expect("page written").len();
    assert!(size <= MAX_PAGE_BYTES, "{input}: page is {size} bytes");
    let page = std::fs::read_to_string(&html).expect("read page");
    let fetches = Regex::new(
        r#"(?i)(src|href)\s*=\s*["']?(https?:)?//|url\(\s*["']?(https?:)?//|@import|fetch\(|XMLHttpRequest"#,
    )
    .expect("regex");
    assert!(!fetches.is_match(&page), "{input}: the page must not reach the network");

    let report = shisaku::convert_path(&src, &shisaku::Options::default()).expect("convert");
    let projects: Vec<&shisaku::model::Project> = report.policies.iter().flat_map(|p| &p.projects).collect();
    let (n, card) =
        projects.iter().enumerate().find(|(_, p)| p.metrics.rows.len() >= 2).expect("a card with metrics");

    let url = format!("file://{}#card={n}", html.display());
    let dom = run_browser(browser, &dir.join("profile"), &["--virtual-time-budget=5000", "--dump-dom"], &url);
    assert!(
        dom.contains(r#"data-ready="1""#),
        "{input}: the script did not finish:\n{}",
        &dom[..dom.len().min(2000)]
    );
    assert!(dom.contains(r#"data-errors="0""#), "{input}: script errors on the page");
    let ms = Regex::new(r#"data-render-ms="(\d+)""#).expect("regex");
    let ms: u64 = ms.captures(&dom).and_then(|c| c.get(1)?.as_str().parse().ok()).expect("render time");
    eprintln!("{input}: {size} bytes, card {n} drawn {ms} ms after navigation");
    let listed = dom.matches(r#"class="card-link"#).count();
    assert_eq!(listed, projects.len(), "{input}: cards listed vs the JSON's");
    assert!(dom.contains(&format!(r#"id="fields" data-card="{n}""#)), "{input}: card {n} not selected");
    let name = card.name.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    assert!(dom.contains(&name), "{input}: the selected card's name is not shown");
    for field in ["number", "title", "cost", "overview", "results", "metrics", "department"] {
        assert!(
            dom.contains(&format!(r#"class="field" data-field="{field}""#)),
            "{input}: field {field} missing"
        );
    }
    let cells = dom.matches(r#"class="cell" data-field="cell-"#).count();
    let expected: usize = card.metrics.rows.iter().map(|r| r.cells.len()).sum();
    assert_eq!(cells, expected, "{input}: metric cells shown");

    let mut outlines = 0;
    if report.source.format == shisaku::model::SourceFormat::Pdf {
        let svg_re = Regex::new(r"<svg[^>]*>").expect("regex");
        let rect_re = Regex::new(r#"<rect class="region[^"]*"[^>]*>"#).expect("regex");
        // The drawn pages only (the script's own text also spells `<svg`).
        let view = dom
            .split(r#"<section id="view">"#)
            .nth(1)
            .and_then(|v| v.split("</section>").next())
            .unwrap_or("");
        let chunks: Vec<&str> = view.split("<svg").skip(1).collect();
        assert!(!chunks.is_empty(), "{input}: no page drawn");
        for chunk in chunks {
            let chunk = format!("<svg{chunk}");
            let head = svg_re.find(&chunk).expect("svg tag").as_str();
            let (w, h) = (attr(head, "data-w").expect("data-w"), attr(head, "data-h").expect("data-h"));
            assert!(w > 100.0 && h > 100.0, "{input}: page box {w}×{h}");
            let body = chunk.split("</svg>").next().unwrap_or("");
            for rect in rect_re.find_iter(body) {
                let r = rect.as_str();
                let (x, y) = (attr(r, "x").expect("x"), attr(r, "y").expect("y"));
                let (rw, rh) = (attr(r, "width").expect("width"), attr(r, "height").expect("height"));
                assert!(rw > 0.0 && rh > 0.0, "{input}: empty outline {r}");
                assert!(
                    x >= -PAGE_SLACK
                        && y >= -PAGE_SLACK
                        && x + rw <= w + PAGE_SLACK
                        && y + rh <= h + PAGE_SLACK,
                    "{input}: outline outside its {w}×{h} page: {r}"
                );
                outlines += 1;
            }
        }
    } else {
        // A dump's card is its source lines, each marked with the fields read from it.
        let marked = Regex::new(r#"class="ln" data-n="\d+" data-fields="[a-z]"#).expect("regex");
        outlines = marked.find_iter(&dom).count();
    }
    assert!(outlines >= 7, "{input}: only {outlines} outlines/lines for card {n}");
    Checked { outlines }
}

#[test]
fn review_pages_in_headless_chromium() {
    let Some(browser) = browser_or_skip() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    for input in ["aomori-r5.txt", "aomori-r5.libreoffice.pdf", "aomori-r5.chromium.pdf"] {
        let c = check_page(&browser, dir.path(), input);
        eprintln!("{input}: {} outlines checked", c.outlines);
    }

    // A screenshot of one card: the page must have drawn something (many non-white pixels).
    let html = dir.path().join("aomori-r5.libreoffice.pdf.html");
    let shot = dir.path().join("card.png");
    let url = format!("file://{}#card=3", html.display());
    run_browser(
        &browser,
        &dir.path().join("profile"),
        &[
            "--virtual-time-budget=5000",
            "--hide-scrollbars",
            "--window-size=1280,800",
            &format!("--screenshot={}", shot.display()),
        ],
        &url,
    );
    let (w, h, pixels) = decode_png(&std::fs::read(&shot).expect("screenshot written"));
    assert_eq!((w, h), (1280, 800));
    let inked = pixels.iter().filter(|p| p.iter().take(3).any(|&c| c < 200)).count();
    let share = inked as f64 / (w * h) as f64;
    assert!(share > 0.05, "screenshot nearly blank: {:.1}% inked", share * 100.0);
    if let Some(keep) = std::env::var_os("SHISAKU_KEEP_SCREENSHOT") {
        std::fs::copy(&shot, keep).expect("keep screenshot");
    }
}

/// A minimal PNG reader for Chromium's screenshots (8-bit RGB or RGBA, not interlaced):
/// width, height and the pixels.
fn decode_png(bytes: &[u8]) -> (usize, usize, Vec<Vec<u8>>) {
    use std::io::Read;
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let (mut w, mut h, mut channels) = (0usize, 0usize, 0usize);
    let mut idat = Vec::new();
    let mut at = 8;
    while at + 8 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes")) as usize;
        let kind = &bytes[at + 4..at + 8];
        let data = &bytes[at + 8..at + 8 + len];
        match kind {
            b"IHDR" => {
                w = u32::from_be_bytes(data[0..4].try_into().expect("4 bytes")) as usize;
                h = u32::from_be_bytes(data[4..8].try_into().expect("4 bytes")) as usize;
                assert_eq!(data[8], 8, "bit depth");
                assert_eq!(data[12], 0, "interlaced");
                channels = match data[9] {
                    2 => 3,
                    6 => 4,
                    t => panic!("colour type {t}"),
                };
            }
            b"IDAT" => idat.extend_from_slice(data),
            _ => {}
        }
        at += 12 + len;
    }
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(&idat[..]).read_to_end(&mut raw).expect("inflate");
    let stride = w * channels;
    let mut prev = vec![0u8; stride];
    let mut pixels = Vec::with_capacity(w * h);
    for row in raw.chunks(stride + 1).take(h) {
        let (filter, line) = (row[0], &row[1..]);
        let mut cur = vec![0u8; stride];
        for (i, &x) in line.iter().enumerate().take(stride) {
            let a = if i >= channels { cur[i - channels] as i32 } else { 0 };
            let b = prev[i] as i32;
            let c = if i >= channels { prev[i - channels] as i32 } else { 0 };
            let x = x as i32;
            cur[i] = match filter {
                0 => x,
                1 => x + a,
                2 => x + b,
                3 => x + (a + b) / 2,
                4 => {
                    let p = a + b - c;
                    let (pa, pb, pc) = ((p - a).abs(), (p - b).abs(), (p - c).abs());
                    x + if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    }
                }
                f => panic!("filter {f}"),
            } as u8;
        }
        pixels.extend(cur.chunks(channels).map(|p| p.to_vec()));
        prev = cur;
    }
    (w, h, pixels)
}
