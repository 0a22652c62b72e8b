//! The three tracks through the CLI and the HTTP API: opportunities in and out of .xlsx,
//! referring twice keeps one referral, the booth's view hides contact details without consent,
//! moves refused in Arabic.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{cli, no_space, temp_db, tool};
use crate::http_api::{post, start};

fn lines(out: &str) -> Vec<Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn cli_lists_exports_imports_and_refers_once() {
    let db = temp_db();
    cli(&db, &["demo"]).unwrap();
    let all = lines(&cli(&db, &["opportunities", "list", "--forum", "1"]).unwrap());
    assert_eq!(all.len(), 70);
    let jobs = lines(
        &cli(
            &db,
            &["opportunities", "list", "--forum", "1", "--track", "job"],
        )
        .unwrap(),
    );
    assert_eq!(jobs.len(), 40);
    assert!(jobs
        .iter()
        .all(|o| o["track"] == "job" && o["track_label"] == "فرصة وظيفية"));
    assert!(cli(
        &db,
        &["opportunities", "list", "--forum", "1", "--track", "x"]
    )
    .unwrap_err()
    .contains("غير معروف"));

    let out = db.dir.path().join("فرص.xlsx");
    let summary: Value = serde_json::from_str(
        &cli(
            &db,
            &[
                "opportunities",
                "export",
                "--forum",
                "1",
                "--out",
                out.to_str().unwrap(),
            ],
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(summary["exported"], 70);
    let imported: Value = serde_json::from_str(
        &cli(
            &db,
            &[
                "opportunities",
                "import",
                out.to_str().unwrap(),
                "--forum",
                "1",
            ],
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(imported["imported"], 70, "{imported}");

    // A visitor who registers now, so has no referral yet.
    let csv = db.dir.path().join("new.csv");
    std::fs::write(
        &csv,
        "الاسم الكامل,الجوال,الفئة\nريمان صالح الفيفي,0559871234,مستفيد\n",
    )
    .unwrap();
    cli(
        &db,
        &["import", "people", csv.to_str().unwrap(), "--forum", "1"],
    )
    .unwrap();
    let found = lines(&cli(&db, &["search", "ريمان الفيفي", "--forum", "1"]).unwrap());
    let code = found[0]["badge_code"].as_str().unwrap().to_string();
    let course = all
        .iter()
        .find(|o| o["track"] == "training" && o["status"] == "open")
        .unwrap();
    let id = course["id"].to_string();
    let first: Value = serde_json::from_str(
        &cli(
            &db,
            &["refer", &code, "--opportunity", &id, "--desk", "ركن 4"],
        )
        .unwrap(),
    )
    .unwrap();
    let second: Value = serde_json::from_str(
        &cli(
            &db,
            &["refer", &code, "--opportunity", &id, "--desk", "ركن 4"],
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(
        (first["new"].clone(), first["already"].clone()),
        (json!(true), json!(false))
    );
    assert_eq!(second["already"], true);
    assert!(second["message"].as_str().unwrap().contains("سبقت"));
    assert_eq!(
        first["referral"]["id"], second["referral"]["id"],
        "one referral"
    );
    let referred = lines(
        &cli(
            &db,
            &["referrals", "list", "--forum", "1", "--state", "referred"],
        )
        .unwrap(),
    );
    assert!(referred.iter().all(|r| r["state"] == "referred"));
    assert!(referred.iter().any(|r| r["id"] == first["referral"]["id"]));
}

#[test]
fn the_booth_sees_contact_details_only_with_consent_and_moves_are_checked() {
    let s = start();
    let (_, forum) = post(
        &s,
        "forum_create",
        json!({ "forum": crate::common::forum_json("ملتقى") }),
    );
    let f = forum["id"].clone();
    let (st, entity) = post(
        &s,
        "entity_create",
        json!({ "forum_id": f, "entity": { "name_ar": "بنك التنمية الاجتماعية", "kind": "government" } }),
    );
    assert_eq!(st, StatusCode::OK, "{entity}");
    let (st, job) = post(
        &s,
        "opportunity_create",
        json!({ "forum_id": f, "opportunity": { "entity_id": entity["id"], "track": "job",
                "title": "موظف خدمة عملاء", "capacity": "1" } }),
    );
    assert_eq!(st, StatusCode::OK, "{job}");
    let nid = format!("10987000{}", "1");
    let nid = format!(
        "{nid}{}",
        multaqa::person::rules::luhn_check_digit(&nid).unwrap()
    );
    let (_, person) = post(
        &s,
        "person_create",
        json!({ "forum_id": f, "person": { "full_name": "هند علي الشهري", "national_id": nid,
                "mobile": "0551234567", "category": "مستفيد" } }),
    );
    let (st, seen) = post(
        &s,
        "booth_visitor",
        json!({ "forum_id": f, "entity_id": entity["id"], "code": person["badge_code"] }),
    );
    assert_eq!(st, StatusCode::OK, "{seen}");
    assert_eq!(seen["person"]["consent"], false);
    assert!(seen["person"]["national_id"].is_null() && seen["person"]["mobile"].is_null());
    assert_eq!(seen["opportunities"][0]["id"], job["id"]);

    let (st, referred) = post(
        &s,
        "referral_create",
        json!({ "forum_id": f, "code": person["badge_code"], "opportunity_ids": [job["id"]],
                "rating": 5, "desk": "ركن البنك" }),
    );
    assert_eq!(st, StatusCode::OK, "{referred}");
    let r = &referred[0]["referral"];
    let (st, refused) = post(&s, "referral_move", json!({ "id": r["id"], "to": "hired" }));
    assert_eq!(st, StatusCode::CONFLICT);
    assert!(refused["error"]["message"]
        .as_str()
        .unwrap()
        .contains("لا تنتقل"));
    let (st, _) = post(
        &s,
        "referral_move",
        json!({ "id": r["id"], "to": "declined" }),
    );
    assert_eq!(
        st,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a negative end needs a reason"
    );
    let (_, got) = post(&s, "referral_get", json!({ "id": r["id"] }));
    assert_eq!(got["events"].as_array().unwrap().len(), 1);
    assert_eq!(got["next"].as_array().unwrap().len(), 2);
    // With consent, the entity sees how to reach the visitor.
    let (_, agreed) = post(
        &s,
        "person_create",
        json!({ "forum_id": f, "person": { "full_name": "سعاد محمد القحطاني", "mobile": "0557654321",
                "category": "مستفيد", "consent": true, "ss_file": "884512" } }),
    );
    assert!(agreed["consent_at"].is_string(), "{agreed}");
    let (_, seen) = post(
        &s,
        "booth_visitor",
        json!({ "forum_id": f, "entity_id": entity["id"], "person_id": agreed["id"] }),
    );
    assert_eq!(seen["person"]["consent"], true);
    assert_eq!(seen["person"]["mobile"], "0557654321");
    let (_, again) = post(
        &s,
        "booth_visitor",
        json!({ "forum_id": f, "entity_id": entity["id"], "person_id": person["id"] }),
    );
    assert_eq!(again["referrals"][0]["opportunity_title"], "موظف خدمة عملاء");
}

#[test]
fn cli_outcomes_sheet_goes_out_and_comes_back_with_bad_rows_on_stderr() {
    let db = temp_db();
    cli(&db, &["demo"]).unwrap();
    let referred = lines(
        &cli(
            &db,
            &["referrals", "list", "--forum", "1", "--state", "referred"],
        )
        .unwrap(),
    );
    let r = referred
        .iter()
        .find(|r| r["track"] == "job")
        .expect("a waiting job referral");
    let entity = r["entity_id"].to_string();
    let out = db.dir.path().join("نتائج.xlsx");
    cli(
        &db,
        &[
            "outcomes",
            "export",
            "--entity",
            &entity,
            "--out",
            out.to_str().unwrap(),
        ],
    )
    .unwrap();
    let mut sheet =
        multaqa::sheet::read_table("نتائج.xlsx", &std::fs::read(&out).unwrap()).unwrap();
    let id = r["id"].to_string();
    let at = sheet.rows.iter().position(|row| row[0] == id).unwrap();
    sheet.rows[at][8] = "قُبل للمقابلة".into();
    let mut ghost = vec![String::new(); sheet.headers.len()];
    ghost[0] = "777777".into();
    ghost[8] = "interview".into();
    sheet.rows.push(ghost);
    let filled = db.dir.path().join("معبأ.xlsx");
    std::fs::write(
        &filled,
        multaqa::sheet::write_xlsx("نتائج", &sheet.headers, &sheet.rows).unwrap(),
    )
    .unwrap();
    let done = crate::common::cli_output(
        &db,
        &[
            "outcomes".as_ref(),
            "import".as_ref(),
            filled.as_os_str(),
            "--forum".as_ref(),
            "1".as_ref(),
        ],
    );
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let summary: Value = serde_json::from_slice(&done.stdout).unwrap();
    assert_eq!(summary["imported"], 1, "{summary}");
    let stderr = String::from_utf8_lossy(&done.stderr);
    let reject: Value = serde_json::from_str(stderr.lines().next().unwrap()).unwrap();
    assert_eq!(reject["row"], sheet.rows.len() + 1);
    assert!(reject["reason"].as_str().unwrap().contains("777777"));
    let now = lines(
        &cli(
            &db,
            &["referrals", "list", "--forum", "1", "--state", "interview"],
        )
        .unwrap(),
    );
    assert!(now.iter().any(|x| x["id"] == r["id"]));
}

#[test]
fn cli_report_impact_prints_the_headline_and_writes_the_spreadsheet_and_the_pdf() {
    let db = temp_db();
    cli(&db, &["demo"]).unwrap();
    let out = db.dir.path().join("تقرير.xlsx");
    let r: Value = serde_json::from_str(
        &cli(
            &db,
            &[
                "report",
                "impact",
                "--forum",
                "1",
                "--out",
                out.to_str().unwrap(),
            ],
        )
        .unwrap(),
    )
    .unwrap();
    for key in [
        "families_empowered",
        "people_empowered",
        "by_track",
        "by_office",
        "reconciliation",
        "definition",
    ] {
        assert!(!r[key].is_null(), "{key} missing");
    }
    let families = r["families_empowered"].as_u64().unwrap();
    let people = r["people_empowered"].as_u64().unwrap();
    assert!(families > 0 && families <= people);
    assert_eq!(r["by_track"].as_array().unwrap().len(), 3);
    let offices: u64 = r["by_office"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["people_empowered"].as_u64().unwrap())
        .sum();
    assert_eq!(offices, people);
    let book = multaqa::sheet::read_table("تقرير.xlsx", &std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(book.rows[0][0], "الأسر الممكَّنة");
    assert_eq!(book.rows[0][1], families.to_string());
    let strict: Value = serde_json::from_str(
        &cli(
            &db,
            &["report", "impact", "--forum", "1", "--require-90-days"],
        )
        .unwrap(),
    )
    .unwrap();
    assert!(strict["people_empowered"].as_u64().unwrap() <= people);
    // The PDF: the forum, both calendars, the headline and every section, charts as vectors.
    let pdf = db.dir.path().join("تقرير.pdf");
    cli(
        &db,
        &[
            "report",
            "impact",
            "--forum",
            "1",
            "--out",
            pdf.to_str().unwrap(),
        ],
    )
    .unwrap();
    let path = pdf.to_str().unwrap();
    let text = no_space(&tool("pdftotext", &[path, "-"]));
    for want in [
        "ملتقى التمكين الاجتماعي بمنطقة جازان",
        "تقرير التمكين",
        "1441هـ",
        "2019م",
        "الأسر الممكَّنة",
        "تعريف التمكين",
        "المطابقة",
        "حسب مكتب الضمان الاجتماعي",
        "حسب الجهة الممكنة",
        "حسب الجنس",
        "حسب الإعاقة",
        "حسب يوم الإحالة",
        "مكتب الضمان الاجتماعي بجازان",
    ] {
        assert!(
            text.contains(&no_space(want)),
            "{want} missing from the PDF"
        );
    }
    let first = tool("pdftotext", &["-f", "1", "-l", "1", path, "-"]);
    assert!(
        first
            .lines()
            .any(|l| l.trim_matches(|c: char| !c.is_ascii_digit()) == families.to_string()),
        "the headline {families} on page 1"
    );
    let info = tool("pdfinfo", &[path]);
    let pages: u32 = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap();
    assert!(pages >= 3, "{pages} pages");
    let images = tool("pdfimages", &["-list", path]);
    assert_eq!(images.lines().count(), 2, "no raster images: {images}");
    assert!(
        cli(&db, &["report", "impact", "--forum", "1", "--out", "x.csv"])
            .unwrap_err()
            .contains(".pdf")
    );
}

#[test]
fn cli_course_certificates_are_issued_per_course_to_those_who_completed_it() {
    let db = temp_db();
    cli(&db, &["demo"]).unwrap();
    let out = db.dir.path().join("course.pdf");
    let out_s = out.to_str().unwrap();
    let e = cli(
        &db,
        &[
            "certificates",
            "--forum",
            "1",
            "--kind",
            "course",
            "--out",
            out_s,
        ],
    )
    .unwrap_err();
    assert!(e.contains("اختر الدورة"), "{e}");
    // The course with the most completions in the demo.
    let completed: Vec<Value> = cli(
        &db,
        &["referrals", "list", "--forum", "1", "--state", "completed"],
    )
    .unwrap()
    .lines()
    .map(|l| serde_json::from_str(l).unwrap())
    .collect();
    assert!(!completed.is_empty());
    let mut by_course: std::collections::BTreeMap<i64, Vec<&Value>> = Default::default();
    for r in &completed {
        by_course
            .entry(r["opportunity_id"].as_i64().unwrap())
            .or_default()
            .push(r);
    }
    let (course, done) = by_course.iter().max_by_key(|(_, v)| v.len()).unwrap();
    let course_s = course.to_string();
    let args = [
        "certificates",
        "--forum",
        "1",
        "--kind",
        "course",
        "--course",
        &course_s,
        "--out",
        out_s,
    ];
    let first: Value = serde_json::from_str(&cli(&db, &args).unwrap()).unwrap();
    assert_eq!(first["count"].as_u64().unwrap() as usize, done.len());
    assert_eq!(first["new"].as_u64().unwrap() as usize, done.len());
    let text = no_space(&tool("pdftotext", &[out_s, "-"]));
    let title = done[0]["opportunity_title"].as_str().unwrap();
    let entity = done[0]["entity_name"].as_str().unwrap();
    for want in [title, entity, "شهادة إتمام دورة", "ساعة", "1441هـ"] {
        assert!(text.contains(&no_space(want)), "{want} missing");
    }
    for r in done {
        let name = r["person_name"].as_str().unwrap();
        assert!(text.contains(&no_space(name)), "{name} missing");
    }
    let again: Value = serde_json::from_str(&cli(&db, &args).unwrap()).unwrap();
    assert_eq!(again["new"], 0, "printing again keeps the serials");
}
