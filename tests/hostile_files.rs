//! Hostile and broken spreadsheets (issue 12): each is refused with an Arabic reason, the server
//! that was sent it keeps answering, nothing is imported, an import stays under 300 MB, and
//! rejected rows carry the sheet's own row numbers.

use std::process::Command;

use base64::Engine;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{cli, forum_json, temp_db, APP};
use crate::http_api::{post, start_with};

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Polls an import job to its end.
fn finish(s: &crate::http_api::Server, job: &Value) -> Value {
    for _ in 0..600 {
        let (_, st) = post(s, "job_status", json!({ "job_id": job["job_id"] }));
        if st["finished"] == true {
            return st;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("the import job did not finish");
}

#[test]
fn the_server_survives_every_hostile_file_and_imports_nothing_from_them() {
    let s = start_with(false);
    let (_, forum) = post(&s, "forum_create", json!({ "forum": forum_json("ملتقى") }));
    for (name, bytes) in multaqa::sheet::fixture::hostile() {
        let started = std::time::Instant::now();
        let (st, body) = post(
            &s,
            "import_preview",
            json!({ "file_name": name, "data_base64": b64(&bytes) }),
        );
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {body}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(
            message
                .chars()
                .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
            "{name}: {message}"
        );
        let (st, _) = post(
            &s,
            "person_import_start",
            json!({ "forum_id": forum["id"], "file_name": name, "data_base64": b64(&bytes),
                    "mapping": ["full_name"] }),
        );
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{name} took {:?}",
            started.elapsed()
        );
        let (st, _) = post(&s, "forum_list", json!({}));
        assert_eq!(st, StatusCode::OK, "the server still answers after {name}");
    }
    let (_, people) = post(&s, "person_list", json!({ "forum_id": forum["id"] }));
    assert_eq!(people["total"], 0, "{people}");

    // A table near the last row imports, and its bad row is reported by its own number.
    let (st, job) = post(
        &s,
        "person_import_start",
        json!({ "forum_id": forum["id"], "file_name": "far.xlsx",
                "data_base64": b64(&multaqa::sheet::fixture::far_down()),
                "mapping": ["full_name", "mobile", "category"] }),
    );
    assert_eq!(st, StatusCode::OK, "{job}");
    let done = finish(&s, &job);
    let report = &done["result"];
    assert_eq!(report["imported"], 1, "{done}");
    assert_eq!(report["rejects"][0]["row"], 1_048_575, "{report}");
}

#[test]
fn rejected_rows_are_numbered_as_the_sheet_shows_them() {
    let db = temp_db();
    cli(&db, &["demo"]).unwrap();
    let import = |path: &std::path::Path| {
        crate::common::cli_output(
            &db,
            &[
                "import".as_ref(),
                "people".as_ref(),
                path.as_os_str(),
                "--forum".as_ref(),
                "1".as_ref(),
            ],
        )
    };
    // An .xlsx whose table starts at row 3, and a CSV with blank lines above its header.
    use multaqa::sheet::fixture::{inline, xlsx_with};
    let sheet = format!(
        r#"<row r="3">{}{}{}</row><row r="4">{}{}{}</row><row r="5">{}{}{}</row>"#,
        inline("A3", "الاسم الكامل"),
        inline("B3", "الجوال"),
        inline("C3", "الفئة"),
        inline("A4", "نورة سعد القحطاني"),
        inline("B4", "0559876543"),
        inline("C4", "زائر"),
        inline("A5", "س"),
        inline("B5", "0559876544"),
        inline("C5", "زائر"),
    );
    let path = db.dir.path().join("titled.xlsx");
    std::fs::write(&path, xlsx_with(&sheet, None)).unwrap();
    let out = import(&path);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let reject: Value = serde_json::from_str(stderr.lines().next().unwrap()).unwrap();
    assert_eq!(reject["row"], 5, "{stderr}");

    let csv = "\n\nالاسم الكامل,الجوال,الفئة\nريم علي الزهراني,0551112223,زائر\nع,0551112224,زائر\n";
    let path = db.dir.path().join("blank-lines.csv");
    std::fs::write(&path, csv).unwrap();
    let out = import(&path);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let reject: Value = serde_json::from_str(stderr.lines().next().unwrap()).unwrap();
    assert_eq!(reject["row"], 5, "{stderr}");
}

#[test]
fn imports_stay_under_300_mb_and_hostile_files_never_crash_the_process() {
    let db = temp_db();
    cli(&db, &["demo"]).unwrap();
    // 50,000 rows, as the committee's biggest file.
    let headers: Vec<String> = ["الاسم الكامل", "رقم الهوية", "الجوال", "الفئة"]
        .map(String::from)
        .to_vec();
    let mut rng = multaqa::name_generator::Rng::new(50_000);
    let rows: Vec<Vec<String>> = (0..50_000)
        .map(|_| {
            let p = multaqa::name_generator::person(&mut rng);
            vec![p.full_name, p.national_id, p.mobile, p.category]
        })
        .collect();
    let big = db.dir.path().join("big.xlsx");
    std::fs::write(
        &big,
        multaqa::sheet::write_xlsx("المسجلون", &headers, &rows).unwrap(),
    )
    .unwrap();
    let mut files = vec![("big.xlsx".to_string(), big)];
    for (name, bytes) in multaqa::sheet::fixture::hostile() {
        let p = db.dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        files.push((name.to_string(), p));
    }
    for (name, path) in files {
        // The process may not have more than 300 MB of memory of its own.
        let out = Command::new("sh")
            .arg("-c")
            .arg(r#"ulimit -d 307200 && exec "$0" --db "$1" import people "$2" --forum 1 >/dev/null"#)
            .arg(APP)
            .arg(&db.path)
            .arg(&path)
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stderr);
        let last = said.lines().last().unwrap_or_default();
        if name == "big.xlsx" {
            assert_eq!(
                out.status.code(),
                Some(0),
                "the 50,000-row file imports within 300 MB: {last}"
            );
        } else {
            assert_eq!(
                out.status.code(),
                Some(1),
                "{name} ends with an error, not a crash: {last}"
            );
            assert!(last.contains("خطأ [validation]"), "{name}: {last}");
        }
    }
}
