//! The PDF engine end to end, checked with poppler's tools (and zbar for the QR code): the
//! proof sheet's Arabic extracts in logical order, fonts are embedded with Unicode maps, the
//! page renders (PNG under `<target>/screenshots/` to look at), and the QR code scans.

use std::process::Command;

use multaqa::pdf::specimen::{LAM_ALEF, PARAGRAPH, SERIAL, SIX_PART, TASHKEEL};

use crate::common::{cli, no_space, screenshot_dir, temp_db, tool, APP};

#[test]
fn specimen_extracts_embeds_renders_and_scans() {
    let dir = temp_db();
    let pdf = dir.dir.path().join("specimen.pdf");
    let out = Command::new(APP)
        .args(["pdf-specimen", "--out"])
        .arg(&pdf)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = pdf.to_str().unwrap();

    assert!(tool("pdfinfo", &[path]).contains("Pages:           1"));
    // Seven faces used on one page: whole, they would weigh over a megabyte.
    let size = std::fs::metadata(&pdf).unwrap().len();
    assert!(size < 150_000, "fonts embedded as subsets: {size} bytes");

    let fonts = tool("pdffonts", &[path]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(rows.len() >= 4, "{fonts}");
    for row in &rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        // name type… encoding emb sub uni object
        let n = cols.len();
        assert_eq!(cols[n - 5], "yes", "embedded: {row}");
        assert_eq!(cols[n - 4], "yes", "embedded as a subset: {row}");
        assert!(
            cols[0].len() > 7 && cols[0].as_bytes()[6] == b'+',
            "subset tag: {row}"
        );
        assert_eq!(cols[n - 3], "yes", "has a ToUnicode map: {row}");
    }

    let text = tool("pdftotext", &[path, "-"]);
    // Lam-alef drawn as one glyph still extracts in logical order.
    assert_eq!(
        text.lines()
            .filter(|l| no_space(l) == no_space(LAM_ALEF))
            .count(),
        2,
        "{text}"
    );
    let flat = no_space(&text);
    assert!(flat.contains(&no_space("ملتقى التمكين الاجتماعي")), "{text}");
    assert!(
        flat.contains(&no_space(PARAGRAPH)),
        "the justified paragraph in logical order:\n{text}"
    );
    assert!(text.contains("SEF-1441-000123"), "{text}");
    assert!(
        flat.contains(&no_space(SERIAL.split(':').next().unwrap())),
        "{text}"
    );
    assert!(flat.contains(&no_space(SIX_PART)), "{text}");
    // Tashkeel extracts exactly, every mark after its letter.
    assert!(
        text.lines().any(|l| l
            .trim()
            .trim_matches(|c| matches!(c, '\u{202A}'..='\u{202E}'))
            == TASHKEEL),
        "{text}"
    );

    let png_base = screenshot_dir().join("pdf-specimen");
    tool(
        "pdftoppm",
        &["-png", "-r", "60", path, png_base.to_str().unwrap()],
    );
    assert!(screenshot_dir().join("pdf-specimen-1.png").exists());

    let sharp = dir.dir.path().join("sharp");
    tool(
        "pdftoppm",
        &["-png", "-r", "150", path, sharp.to_str().unwrap()],
    );
    let scanned = tool(
        "zbarimg",
        &[
            "-q",
            "--raw",
            dir.dir.path().join("sharp-1.png").to_str().unwrap(),
        ],
    );
    assert_eq!(scanned.trim(), "SEF-1441-000123");
}

#[test]
fn certificates_print_each_name_and_a_qr_that_verifies() {
    let db = temp_db();
    let run = |args: &[&str]| cli(&db, args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
    run(&["demo"]);
    let pdf = db.dir.path().join("attendance.pdf");
    let summary: serde_json::Value = serde_json::from_str(&run(&[
        "certificates",
        "--forum",
        "1",
        "--kind",
        "attendance",
        "--out",
        pdf.to_str().unwrap(),
    ]))
    .unwrap();
    let count = summary["count"].as_u64().unwrap();
    assert!(count > 100);
    assert_eq!(summary["new"], summary["count"]);
    let path = pdf.to_str().unwrap();
    assert!(tool("pdfinfo", &[path]).contains(&format!("Pages:           {count}")));
    // Printing again re-uses the serials.
    let again: serde_json::Value = serde_json::from_str(&run(&[
        "certificates",
        "--forum",
        "1",
        "--kind",
        "attendance",
        "--out",
        path,
    ]))
    .unwrap();
    assert_eq!(again["new"], 0);

    // A bare serial says the certificate exists, not whose it is.
    let first: serde_json::Value =
        serde_json::from_str(&run(&["verify", "SEF-1441-01-000001"])).unwrap();
    assert_eq!(first["status"], "genuine");
    assert!(first["name"].is_null());
    let page1 = tool("pdftotext", &["-f", "1", "-l", "1", path, "-"]);
    assert!(page1.contains("SEF-1441-01-000001"));
    assert!(no_space(&page1).contains(&no_space("شهادة حضور")));

    tool(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            path,
            screenshot_dir()
                .join("certificate-attendance")
                .to_str()
                .unwrap(),
        ],
    );
    let sharp = db.dir.path().join("cert");
    tool(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "150",
            "-f",
            "1",
            "-l",
            "1",
            path,
            sharp.to_str().unwrap(),
        ],
    );
    let png = std::fs::read_dir(db.dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.to_string_lossy().contains("cert-") && p.extension().is_some_and(|e| e == "png")
        })
        .unwrap();
    let qr = tool("zbarimg", &["-q", "--raw", png.to_str().unwrap()]);
    assert!(qr.trim().starts_with("SEF-1441-01-000001|"), "{qr}");
    let checked: serde_json::Value = serde_json::from_str(&run(&["verify", qr.trim()])).unwrap();
    assert_eq!(checked["status"], "genuine");
    // An employer with the public key alone (no database) verifies the printed code too.
    let key: serde_json::Value = serde_json::from_str(&run(&["certificate-key"])).unwrap();
    let key = key["public_key"].as_str().unwrap().to_string();
    let offline = std::process::Command::new(crate::common::APP)
        .args(["verify", qr.trim(), "--public-key", &key])
        .output()
        .unwrap();
    assert!(
        offline.status.success(),
        "{}",
        String::from_utf8_lossy(&offline.stderr)
    );
    let offline: serde_json::Value = serde_json::from_slice(&offline.stdout).unwrap();
    assert_eq!(offline["status"], "genuine");
    // The signed QR shows the holder, whose name is on page 1.
    let name = checked["name"].as_str().unwrap();
    assert!(
        no_space(&page1).contains(&no_space(name)),
        "{name} in:\n{page1}"
    );
    let forged = qr
        .trim()
        .replace("SEF-1441-01-000001", "SEF-1441-01-000002");
    let checked: serde_json::Value = serde_json::from_str(&run(&["verify", &forged])).unwrap();
    assert_eq!(checked["status"], "forged");
    let offline = std::process::Command::new(crate::common::APP)
        .args(["verify", &forged, "--public-key", &key])
        .output()
        .unwrap();
    assert!(!offline.status.success(), "a forged code fails offline too");

    // One file per person: as many one-page PDFs as certificates, each named and holding its
    // own serial and name.
    let dir = db.dir.path().join("each");
    let each: serde_json::Value = serde_json::from_str(&run(&[
        "certificates",
        "--forum",
        "1",
        "--out-dir",
        dir.to_str().unwrap(),
    ]))
    .unwrap();
    assert_eq!(each["count"].as_u64(), Some(count));
    assert_eq!(each["new"], 0);
    let first_file = dir.join(format!("SEF-1441-01-000001 — {name}.pdf"));
    let f = first_file.to_str().unwrap();
    assert!(tool("pdfinfo", &[f]).contains("Pages:           1"));
    let text = tool("pdftotext", &[f, "-"]);
    assert!(text.contains("SEF-1441-01-000001"), "{text}");
    assert!(no_space(&text).contains(&no_space(name)), "{text}");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count() as u64, count);
}

/// A PNG of `w` × `h` pixels, RGBA, every pixel `px` (written by hand: no image encoder here).
fn png(w: u32, h: u32, px: [u8; 4]) -> Vec<u8> {
    use std::io::Write;
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.sum().to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    // Each row: filter «none», then its pixels.
    let row: Vec<u8> = std::iter::once(0).chain(px.repeat(w as usize)).collect();
    let raw = row.repeat(h as usize);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&raw).unwrap();
    chunk(&mut out, b"IDAT", &z.finish().unwrap());
    chunk(&mut out, b"IEND", &[]);
    out
}

/// The pixel at (`x`, `y`) of a binary PPM (what `pdftoppm` writes without `-png`).
fn ppm_pixel(ppm: &[u8], x: usize, y: usize) -> [u8; 3] {
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while ppm[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !ppm[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&ppm[start..i]).to_string());
    }
    let width: usize = fields[1].parse().unwrap();
    let at = i + 1 + (y * width + x) * 3;
    [ppm[at], ppm[at + 1], ppm[at + 2]]
}

/// A batch with a background image that has transparency, through the writer that streams the
/// pages: the background shows (blended on white) under every page, the names and the QR code
/// are drawn over it, the text extracts.
#[test]
fn certificates_with_a_transparent_background_render_under_every_page() {
    use base64::Engine;
    let db = temp_db();
    cli(&db, &["demo"]).unwrap();
    {
        let core = crate::common::core(&db);
        let mut t =
            multaqa::certificate::template(&core.conn(), 1, "attendance").expect("template");
        let bg = png(64, 45, [0x20, 0x60, 0xc0, 0x80]);
        t.background = Some(format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(bg)
        ));
        multaqa::certificate::save_template(&core.conn(), 1, &t).expect("saved");
    }
    let pdf = db.dir.path().join("with-background.pdf");
    let path = pdf.to_str().unwrap();
    let summary: serde_json::Value = serde_json::from_str(
        &cli(
            &db,
            &[
                "certificates",
                "--forum",
                "1",
                "--kind",
                "attendance",
                "--out",
                path,
            ],
        )
        .unwrap(),
    )
    .unwrap();
    let count = summary["count"].as_u64().unwrap();
    assert!(tool("pdfinfo", &[path]).contains(&format!("Pages:           {count}")));
    let last = count.to_string();
    let text = tool("pdftotext", &["-f", &last, "-l", &last, path, "-"]);
    assert!(no_space(&text).contains(&no_space("شهادة حضور")), "{text}");
    for page in ["1", last.as_str()] {
        let prefix = db.dir.path().join(format!("bg-{page}"));
        tool(
            "pdftoppm",
            &[
                "-r",
                "20",
                "-f",
                page,
                "-l",
                page,
                path,
                prefix.to_str().unwrap(),
            ],
        );
        let file = std::fs::read_dir(db.dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with(&format!("bg-{page}"))
            })
            .unwrap();
        let ppm = std::fs::read(&file).unwrap();
        // A corner, outside the frame: the background's blue at half opacity over white.
        let [r, g, b] = ppm_pixel(&ppm, 2, 2);
        assert!(
            (0x80..=0xa8).contains(&r) && (0x98..=0xc0).contains(&g) && b > 0xd0,
            "page {page}: corner is {r:02x}{g:02x}{b:02x}"
        );
    }
    let out = Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "1", path])
        .arg(screenshot_dir().join("certificate-background"))
        .output()
        .unwrap();
    assert!(out.status.success());
}
