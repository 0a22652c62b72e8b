//! Badges through the command line on the demo forum: the selection (category, IDs), both
//! layouts (A6 pages, four per A4 page), the shaped name and code extract from the PDF, and the
//! QR code on the paper scans to the badge code a desk checks in with.

use serde_json::Value;

use crate::common::{cli, no_space, screenshot_dir, temp_db, tool, TempDb};

fn json_lines(s: &str) -> Vec<Value> {
    s.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn render(pdf: &str, page: u32, dpi: u32, base: &std::path::Path) -> std::path::PathBuf {
    let p = page.to_string();
    tool(
        "pdftoppm",
        &[
            "-png",
            "-r",
            &dpi.to_string(),
            "-f",
            &p,
            "-l",
            &p,
            "-singlefile",
            pdf,
            base.to_str().unwrap(),
        ],
    );
    base.with_extension("png")
}

fn summary(db: &TempDb, args: &[&str]) -> Value {
    serde_json::from_str(&cli(db, args).unwrap_or_else(|e| panic!("{args:?}: {e}"))).unwrap()
}

#[test]
fn badges_print_by_selection_in_both_layouts_and_their_qr_checks_in() {
    let db = temp_db();
    cli(&db, &["demo"]).unwrap();
    let found = json_lines(&cli(&db, &["search", "محمد", "--forum", "1", "--limit", "2"]).unwrap());
    assert_eq!(found.len(), 2);
    let ids = format!("{},{}", found[0]["id"], found[1]["id"]);

    // Two chosen people, one A6 page each.
    let a6 = db.dir.path().join("a6.pdf");
    let a6s = a6.to_str().unwrap();
    let s = summary(
        &db,
        &["badges", "--forum", "1", "--ids", &ids, "--out", a6s],
    );
    assert_eq!(
        (s["count"].as_u64(), s["pages"].as_u64()),
        (Some(2), Some(2))
    );
    let info = tool("pdfinfo", &[a6s]);
    assert!(info.contains("Pages:           2"), "{info}");
    assert!(info.contains("297.638 x 419.528 pts"), "A6: {info}");
    let text = no_space(&tool("pdftotext", &[a6s, "-"]));
    for p in &found {
        assert!(
            text.contains(&no_space(p["full_name"].as_str().unwrap())),
            "{} in {text}",
            p["full_name"]
        );
        assert!(text.contains(p["badge_code"].as_str().unwrap()));
        assert!(text.contains(&no_space(p["category_label"].as_str().unwrap())));
    }
    assert!(text.contains(&no_space("ملتقى التمكين الاجتماعي")));
    render(a6s, 1, 60, &screenshot_dir().join("badge-a6"));

    // The QR code on the paper is the badge code, and a desk checks the person in with it.
    let png = render(a6s, 1, 150, &db.dir.path().join("a6-sharp"));
    let code = tool("zbarimg", &["-q", "--raw", png.to_str().unwrap()]);
    let code = code.trim();
    assert!(
        found.iter().any(|p| p["badge_code"] == code),
        "scanned {code}"
    );
    let outcome: Value =
        serde_json::from_str(&cli(&db, &["checkin", code, "--forum", "1", "--day", "1"]).unwrap())
            .unwrap();
    assert!(
        found.iter().any(|p| p["id"] == outcome["person"]["id"]),
        "{outcome}"
    );

    // One category, four to an A4 page with cut marks: every badge on a page scans.
    let a4 = db.dir.path().join("a4.pdf");
    let a4s = a4.to_str().unwrap();
    let s = summary(
        &db,
        &[
            "badges",
            "--forum",
            "1",
            "--category",
            "volunteer",
            "--layout",
            "a4",
            "--out",
            a4s,
        ],
    );
    let count = s["count"].as_u64().unwrap();
    assert!(count >= 5, "the demo has volunteers: {s}");
    assert_eq!(s["pages"].as_u64().unwrap(), count.div_ceil(4));
    let info = tool("pdfinfo", &[a4s]);
    assert!(info.contains("595.276 x 841.89 pts"), "A4: {info}");
    let page1 = tool("pdftotext", &["-f", "1", "-l", "1", a4s, "-"]);
    assert_eq!(
        no_space(&page1).matches(&no_space("متطوع")).count(),
        4,
        "four volunteer bands: {page1}"
    );
    render(a4s, 1, 60, &screenshot_dir().join("badge-a4"));
    let png = render(a4s, 1, 150, &db.dir.path().join("a4-sharp"));
    let codes = tool("zbarimg", &["-q", "--raw", png.to_str().unwrap()]);
    assert_eq!(codes.lines().count(), 4, "{codes}");
    for c in codes.lines() {
        let hit = json_lines(&cli(&db, &["search", c, "--forum", "1"]).unwrap());
        assert_eq!(hit.len(), 1, "{c}");
        assert_eq!(hit[0]["category"], "volunteer");
    }

    // Everyone: one page per person.
    let all = db.dir.path().join("all.pdf");
    let s = summary(
        &db,
        &["badges", "--forum", "1", "--out", all.to_str().unwrap()],
    );
    assert!(s["count"].as_u64().unwrap() > count);
}

#[test]
fn bad_badge_requests_are_refused_in_arabic() {
    let db = temp_db();
    cli(&db, &["demo"]).unwrap();
    let out = db.dir.path().join("x.pdf");
    let out = out.to_str().unwrap();
    let e = cli(
        &db,
        &["badges", "--forum", "1", "--layout", "letter", "--out", out],
    )
    .unwrap_err();
    assert!(e.contains("غير معروف"), "{e}");
    let e = cli(
        &db,
        &["badges", "--forum", "1", "--ids", "999999", "--out", out],
    )
    .unwrap_err();
    assert!(e.contains("لا يوجد أشخاص"), "{e}");
    assert!(!std::path::Path::new(out).exists(), "nothing written");
}
