//! Registration and check-in end to end: over HTTP (with concurrent desks), through two
//! database connections at once, and from the CLI.

use std::sync::{Arc, Barrier};

use multaqa::api::call;
use multaqa::person::rules::luhn_check_digit;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{core, forum_json, temp_db, APP};
use crate::http_api::{post, start};

fn nid(nine: &str) -> String {
    format!("{nine}{}", luhn_check_digit(nine).unwrap())
}

fn person_json(name: &str, nine: &str) -> Value {
    json!({ "full_name": name, "national_id": nid(nine), "mobile": "+966 55 000 1111", "category": "مستفيد", "needs_wheelchair": true })
}

#[test]
fn register_search_and_check_in_over_http() {
    let s = start();
    let (_, forum) = post(&s, "forum_create", json!({ "forum": forum_json("ملتقى") }));
    let forum_id = forum["id"].clone();
    let (st, p) = post(
        &s,
        "person_create",
        json!({ "forum_id": forum_id, "person": person_json("فاطمة علي الحازمي", "101234567") }),
    );
    assert_eq!(st, StatusCode::OK, "{p}");
    let code = p["badge_code"].as_str().unwrap().to_string();

    let (st, dup) = post(
        &s,
        "person_create",
        json!({ "forum_id": forum_id, "person": person_json("فاطمه علي", "101234567") }),
    );
    assert_eq!(st, StatusCode::CONFLICT);
    assert_eq!(dup["error"]["code"], "duplicate");
    assert_eq!(dup["error"]["existing_id"], p["id"]);

    for q in ["فاطمه", "الحازمى", "١٠١٢٣", code.to_lowercase().as_str()] {
        let (_, found) = post(&s, "person_search", json!({ "forum_id": forum_id, "q": q }));
        assert_eq!(found["people"][0]["id"], p["id"], "query {q}");
    }

    let uuid = "0b0c8a8e-35f4-4d8e-9a4e-6f3f3c1d2e11";
    let req =
        json!({ "forum_id": forum_id, "code": code, "day": 1, "desk": "منصة 2", "uuid": uuid });
    let (_, first) = post(&s, "checkin", req.clone());
    assert_eq!(first["status"], "checked_in");
    assert_eq!(first["person"]["needs_label"], "كرسي متحرك");
    let (_, retry) = post(&s, "checkin", req);
    assert_eq!(
        retry["status"], "checked_in",
        "a retry gets the same answer"
    );
    assert_eq!(retry["checkin"], first["checkin"]);
    let (_, again) = post(
        &s,
        "checkin",
        json!({ "forum_id": forum_id, "code": code, "day": 1, "desk": "منصة 3" }),
    );
    assert_eq!(again["status"], "already");
    let time = first["checkin"]["time"].as_str().unwrap();
    assert_eq!(
        again["message"],
        format!("سبق تسجيل حضوره اليوم {time} — منصة 2")
    );
    assert_eq!(again["today_count"], 1);

    let (_, stats) = post(
        &s,
        "checkin_stats",
        json!({ "forum_id": forum_id, "day": 1 }),
    );
    assert_eq!(stats["total"], 1);
}

#[test]
fn concurrent_desks_over_http_store_exactly_one_check_in() {
    let s = Arc::new(start());
    let (_, forum) = post(&s, "forum_create", json!({ "forum": forum_json("ملتقى") }));
    let forum_id = forum["id"].as_i64().unwrap();
    let (_, p) = post(
        &s,
        "person_create",
        json!({ "forum_id": forum_id, "person": person_json("سارة علي", "101234567") }),
    );
    let code = p["badge_code"].as_str().unwrap().to_string();
    let desks = 8;
    let barrier = Arc::new(Barrier::new(desks));
    let handles: Vec<_> = (0..desks)
        .map(|i| {
            let (s, b, code) = (Arc::clone(&s), Arc::clone(&barrier), code.clone());
            std::thread::spawn(move || {
                b.wait();
                post(&s, "checkin", json!({ "forum_id": forum_id, "code": code, "day": 1, "desk": format!("منصة {i}") }))
            })
        })
        .collect();
    let answers: Vec<(StatusCode, Value)> =
        handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert!(answers.iter().all(|(st, _)| *st == StatusCode::OK));
    let checked: Vec<&Value> = answers
        .iter()
        .map(|(_, v)| v)
        .filter(|v| v["status"] == "checked_in")
        .collect();
    let already = answers
        .iter()
        .filter(|(_, v)| v["status"] == "already")
        .count();
    assert_eq!(checked.len(), 1, "{answers:?}");
    assert_eq!(already, desks - 1);
    let (_, stats) = post(
        &s,
        "checkin_stats",
        json!({ "forum_id": forum_id, "day": 1 }),
    );
    assert_eq!(stats["total"], 1);
}

#[test]
fn two_connections_at_once_cannot_double_check_in() {
    let db = temp_db();
    let a = core(&db);
    let forum = call(&a, "forum_create", json!({ "forum": forum_json("ملتقى") })).unwrap();
    let p = call(
        &a,
        "person_create",
        json!({ "forum_id": forum["id"], "person": person_json("سارة علي", "101234567") }),
    )
    .unwrap();
    let b = core(&db); // a second connection, as a second process would have
    let barrier = Arc::new(Barrier::new(2));
    let run = |c: multaqa::Core, desk: &'static str| {
        let barrier = Arc::clone(&barrier);
        let args = json!({ "forum_id": forum["id"], "person_id": p["id"], "day": 2, "desk": desk });
        std::thread::spawn(move || {
            barrier.wait();
            call(&c, "checkin", args).unwrap()
        })
    };
    let (x, y) = (run(a.clone(), "منصة 1"), run(b, "منصة 2"));
    let mut statuses = vec![
        x.join().unwrap()["status"].clone(),
        y.join().unwrap()["status"].clone(),
    ];
    statuses.sort_by_key(|v| v.to_string());
    assert_eq!(statuses, [json!("already"), json!("checked_in")]);
    let rows: i64 = a
        .conn()
        .query_row("SELECT count(*) FROM checkin", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 1);
}

#[test]
fn cli_search_and_checkin() {
    let db = temp_db();
    let c = core(&db);
    let forum = call(&c, "forum_create", json!({ "forum": forum_json("ملتقى") })).unwrap();
    let p = call(&c, "person_create", json!({ "forum_id": forum["id"], "person": person_json("عبد الله سالم مدخلي", "101234567") })).unwrap();
    drop(c);
    let db_path = db.path.to_str().unwrap();
    let forum_id = forum["id"].to_string();
    let out = std::process::Command::new(APP)
        .args(["--db", db_path, "search", "عبدالله", "--forum", &forum_id])
        .output()
        .unwrap();
    assert!(out.status.success());
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["full_name"], "عبد الله سالم مدخلي");

    let code = p["badge_code"].as_str().unwrap();
    let run = |desk: &str| {
        let out = std::process::Command::new(APP)
            .args([
                "--db", db_path, "checkin", code, "--forum", &forum_id, "--day", "1", "--desk",
                desk,
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    assert_eq!(run("منصة 2")["status"], "checked_in");
    let again = run("منصة 4");
    assert_eq!(again["status"], "already");
    assert!(again["message"].as_str().unwrap().ends_with("— منصة 2"));
}

fn xlsx_fixture(rows: &[[&str; 4]]) -> Vec<u8> {
    let headers = ["الاسم الكامل", "رقم الهوية", "الجوال", "الفئة"]
        .map(String::from)
        .to_vec();
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    multaqa::sheet::write_xlsx("المسجلون", &headers, &rows).unwrap()
}

#[test]
fn cli_imports_xlsx_and_reports_bad_rows_with_numbers() {
    let db = temp_db();
    let c = core(&db);
    let forum = call(&c, "forum_create", json!({ "forum": forum_json("ملتقى") })).unwrap();
    drop(c);
    let good1 = nid("101234567");
    let good2 = nid("201234567");
    let file = db.dir.path().join("people.xlsx");
    std::fs::write(
        &file,
        xlsx_fixture(&[
            ["فاطمة علي الحازمي", &good1, "0551234567", "مستفيد"],
            ["سالم", "1012345670", "", "مستفيد"],
            ["", "", "", ""],
            ["أحمد يحيى مدخلي", &good2, "+966501112222", "زائر"],
            ["فاطمه علي الحازمي", &good1, "", "مستفيد"],
            ["نورة حسن عريشي", "", "0561234567", "طالبة"],
        ]),
    )
    .unwrap();
    let rejects = db.dir.path().join("rejects.xlsx");
    let out = std::process::Command::new(APP)
        .args(["--db", db.path.to_str().unwrap(), "import", "people"])
        .arg(&file)
        .args(["--forum", &forum["id"].to_string(), "--rejects"])
        .arg(&rejects)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        summary,
        json!({ "imported": 2, "rejected": 2, "duplicates": 1 }),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = String::from_utf8(out.stderr)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let rows: Vec<i64> = lines.iter().map(|l| l["row"].as_i64().unwrap()).collect();
    assert_eq!(rows, [3, 6, 7]);
    assert!(lines[2]["reason"]
        .as_str()
        .unwrap()
        .contains("الفئة «طالبة» غير معروفة"));
    let back =
        multaqa::sheet::read_table("rejects.xlsx", &std::fs::read(&rejects).unwrap()).unwrap();
    assert_eq!(back.rows.len(), 3);
    assert_eq!(back.rows[0][0], "سالم");
}

#[test]
fn http_import_with_preview_mapping_and_progress() {
    let s = start();
    let (_, forum) = post(&s, "forum_create", json!({ "forum": forum_json("ملتقى") }));
    let csv =
        "Name;Mobile;Notes;Category\r\nسارة محمد عطيف;551234567;x;visitor\r\nمحمد;0;y;visitor\r\n";
    let (cp1256, _, _) = encoding_rs::WINDOWS_1256.encode(csv);
    use base64::Engine;
    let data = base64::engine::general_purpose::STANDARD.encode(&cp1256);
    let (st, preview) = post(
        &s,
        "import_preview",
        json!({ "file_name": "list.csv", "data_base64": data }),
    );
    assert_eq!(st, StatusCode::OK, "{preview}");
    assert_eq!(
        preview["headers"],
        json!(["Name", "Mobile", "Notes", "Category"])
    );
    assert_eq!(
        preview["mapping"],
        json!(["full_name", "mobile", null, "category"])
    );
    assert_eq!(preview["row_count"], 2);

    let (_, started) = post(
        &s,
        "person_import_start",
        json!({
        "forum_id": forum["id"], "file_name": "list.csv", "data_base64": data, "mapping": preview["mapping"] }),
    );
    let job = started["job_id"].clone();
    let status = loop {
        let (_, st) = post(&s, "job_status", json!({ "job_id": job }));
        if st["finished"] == true {
            break st;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(status["done"], 2);
    assert_eq!(status["result"]["imported"], 1);
    assert_eq!(status["result"]["rejects"][0]["row"], 3);
    let (_, found) = post(
        &s,
        "person_search",
        json!({ "forum_id": forum["id"], "q": "ساره" }),
    );
    assert_eq!(found["people"][0]["mobile"], "0551234567");

    // A mapping without the name column is refused before anything is imported.
    let (st, err) = post(
        &s,
        "person_import_start",
        json!({
        "forum_id": forum["id"], "file_name": "list.csv", "data_base64": data, "mapping": [null, "mobile", null, null] }),
    );
    assert_eq!(
        st,
        StatusCode::OK,
        "the job starts; its result is the error"
    );
    let job = err["job_id"].clone();
    let status = loop {
        let (_, st) = post(&s, "job_status", json!({ "job_id": job }));
        if st["finished"] == true {
            break st;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(status["error"]["code"], "validation");
}

/// A desk is answered while a big import is still writing: the import takes the writer in
/// short turns, so a check-in (and a search) never waits for the whole of it.
#[test]
fn check_ins_and_searches_are_answered_while_an_import_runs() {
    let s = start();
    let (_, forum) = post(&s, "forum_create", json!({ "forum": forum_json("ملتقى") }));
    let (_, walk_in) = post(
        &s,
        "person_create",
        json!({ "forum_id": forum["id"], "person": person_json("ريم سعيد الغامدي", "101000077") }),
    );
    let headers: Vec<String> = ["الاسم الكامل", "الجوال", "الفئة"]
        .map(String::from)
        .to_vec();
    let mut rng = multaqa::name_generator::Rng::new(11);
    let rows: Vec<Vec<String>> = (0..20_000)
        .map(|i| {
            vec![
                multaqa::name_generator::full_name(&mut rng, i % 2 == 0),
                format!("054{i:07}"),
                "زائر".to_string(),
            ]
        })
        .collect();
    let xlsx = multaqa::sheet::write_xlsx("المسجلون", &headers, &rows).unwrap();
    use base64::Engine;
    let (st, job) = post(
        &s,
        "person_import_start",
        json!({ "forum_id": forum["id"], "file_name": "big.xlsx",
                "data_base64": base64::engine::general_purpose::STANDARD.encode(&xlsx),
                "mapping": ["full_name", "mobile", "category"] }),
    );
    assert_eq!(st, StatusCode::OK, "{job}");
    // Wait until the import has written its first rows, then ask as a desk would.
    loop {
        let (_, st) = post(&s, "job_status", json!({ "job_id": job["job_id"] }));
        assert_ne!(
            st["finished"], true,
            "the import ended before the desk asked: {st}"
        );
        if st["done"].as_u64().unwrap_or(0) > 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let (st, found) = post(
        &s,
        "person_search",
        json!({ "forum_id": forum["id"], "q": "ريم الغامدي" }),
    );
    assert_eq!(st, StatusCode::OK);
    assert_eq!(found["people"][0]["id"], walk_in["id"]);
    let (st, done) = post(
        &s,
        "checkin",
        json!({ "forum_id": forum["id"], "person_id": walk_in["id"], "day": 1, "desk": "منصة 1" }),
    );
    assert_eq!(st, StatusCode::OK, "{done}");
    assert_eq!(done["status"], "checked_in");
    let (_, status) = post(&s, "job_status", json!({ "job_id": job["job_id"] }));
    assert_ne!(
        status["finished"], true,
        "answered while the import was still writing"
    );
    // And the import completes, whole.
    let report = loop {
        let (_, st) = post(&s, "job_status", json!({ "job_id": job["job_id"] }));
        if st["finished"] == true {
            break st;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(report["result"]["imported"], 20_000, "{report}");
}
