//! An import of people killed mid-way (a crash, a power cut) while the desks check people in:
//! nobody ever sees its half, and the next start loses no acknowledged check-in (issue 23).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use multaqa::api::call;
use multaqa::person::rules::luhn_check_digit;
use serde_json::{json, Value};

use crate::common::{core, forum_json, temp_db, ChildGuard, APP};

const ROWS: usize = 60_000;

fn nid(i: usize) -> String {
    let nine = format!("1{:08}", 10_000_000 + i);
    format!("{nine}{}", luhn_check_digit(&nine).unwrap())
}

/// Rows of the database by SQL, from a connection of the test's own.
fn count(path: &std::path::Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.busy_timeout(Duration::from_secs(10)).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn checkin(core: &multaqa::Core, forum: &Value, code: &str) -> Value {
    call(
        core,
        "checkin",
        json!({ "forum_id": forum, "code": code, "day": 1, "desk": "المنصة 3" }),
    )
    .unwrap()
}

#[test]
fn an_import_killed_midway_is_never_seen_half_and_loses_no_check_in() {
    let db = temp_db();
    let core = core(&db);
    let forum = call(
        &core,
        "forum_create",
        json!({ "forum": forum_json("ملتقى جازان") }),
    )
    .unwrap()["id"]
        .clone();
    let early = call(
        &core,
        "person_create",
        json!({ "forum_id": forum, "person": {
            "full_name": "مريم حسن العطاس", "national_id": nid(ROWS + 1), "category": "مستفيد" } }),
    )
    .unwrap();
    let mut rng = multaqa::name_generator::Rng::new(23);
    let names: Vec<String> = (0..ROWS)
        .map(|i| multaqa::name_generator::full_name(&mut rng, i % 2 == 0))
        .collect();
    let mut csv = String::from("الاسم,رقم الهوية,الفئة\n");
    for (i, name) in names.iter().enumerate() {
        csv.push_str(&format!("{name},{},مستفيد\n", nid(i)));
    }
    let file = db.dir.path().join("المسجلون.csv");
    std::fs::write(&file, csv).unwrap();

    let child = Command::new(APP)
        .arg("--db")
        .arg(&db.path)
        .args(["import", "people", "--forum", &forum.to_string()])
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut child = ChildGuard(child);
    // Until the import has written a good part of the file.
    let deadline = Instant::now() + Duration::from_secs(120);
    let written = loop {
        let n = count(&db.path, "SELECT count(*) FROM person_row");
        if n > 3_000 {
            break n;
        }
        assert!(Instant::now() < deadline, "the import wrote only {n} rows");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(
        written < ROWS as i64,
        "the import ended before it was killed"
    );

    // While it runs nobody sees its rows: not search, the list, the report or the desks.
    for name in &names[..50] {
        let found = call(
            &core,
            "person_search",
            json!({ "forum_id": forum, "q": name }),
        )
        .unwrap();
        assert_eq!(found["people"], json!([]), "{name}: {found}");
    }
    let list = call(&core, "person_list", json!({ "forum_id": forum })).unwrap();
    assert_eq!(list["total"], 1, "only the person registered before");
    let report = call(&core, "forum_report", json!({ "forum_id": forum })).unwrap();
    assert_eq!(report["attendance"]["registered"], 1, "{report}");
    let imports = call(&core, "person_imports", json!({ "forum_id": forum })).unwrap();
    assert_eq!(imports[0]["state"], "running", "{imports}");
    assert_eq!(imports[0]["file_name"], "المسجلون.csv");
    let pending_code: String = {
        let conn = rusqlite::Connection::open(&db.path).unwrap();
        conn.query_row(
            "SELECT badge_code FROM person_row WHERE import_batch IS NOT NULL LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap()
    };
    let refused = checkin(&core, &forum, &pending_code);
    assert_eq!(refused["status"], "refused", "{refused}");
    // The desks keep checking in people who are registered, beside the import.
    let t = Instant::now();
    let came = checkin(&core, &forum, early["badge_code"].as_str().unwrap());
    assert_eq!(came["status"], "checked_in", "{came}");
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "a check-in waited {:?} for the import",
        t.elapsed()
    );
    // A desk of an older version checked in one of the import's rows all the same.
    let acted_on: i64 = {
        let conn = rusqlite::Connection::open(&db.path).unwrap();
        conn.busy_timeout(Duration::from_secs(10)).unwrap();
        let id: i64 = conn
            .query_row(
                "SELECT id FROM person_row WHERE badge_code = ?1",
                [&pending_code],
                |r| r.get(0),
            )
            .unwrap();
        conn.execute(
            "INSERT INTO checkin(uuid, forum_id, person_id, day, desk, at)
             VALUES ('5d7b1f9e-8f3a-4c1e-9b7d-2a6c0e4f1a11', ?1, ?2, 1, 'منصة قديمة', '2024-03-11T07:30:00Z')",
            rusqlite::params![forum.as_i64().unwrap(), id],
        )
        .unwrap();
        id
    };

    // The power cut.
    child.0.kill().unwrap();
    child.0.wait().unwrap();
    let imports = call(&core, "person_imports", json!({ "forum_id": forum })).unwrap();
    assert_eq!(
        imports[0]["state"], "interrupted",
        "known at once: {imports}"
    );
    drop(core);

    // The next start: the half import is gone, every check-in is there.
    let core = crate::common::core(&db);
    assert_eq!(count(&db.path, "SELECT count(*) FROM checkin"), 2);
    assert_eq!(
        count(&db.path, "SELECT count(*) FROM person_row"),
        2,
        "the person registered before and the row someone checked in"
    );
    let kept = call(&core, "person_get", json!({ "id": acted_on })).unwrap();
    assert_eq!(kept["badge_code"], pending_code.as_str());
    let imports = call(&core, "person_imports", json!({ "forum_id": forum })).unwrap();
    assert_eq!(imports[0]["state"], "interrupted");
    assert_eq!(imports[0]["kept"], 1);
    assert!(
        imports[0]["done_rows"].as_i64().unwrap() >= 3_000,
        "{imports}"
    );

    // Imported again, it completes: every other row appears at once.
    let out = Command::new(APP)
        .arg("--db")
        .arg(&db.path)
        .args(["import", "people", "--forum", &forum.to_string()])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["imported"], ROWS - 1, "{summary}");
    assert_eq!(summary["duplicates"], 1, "{summary}");
    let list = call(&core, "person_list", json!({ "forum_id": forum })).unwrap();
    assert_eq!(list["total"], ROWS + 1);
    let last = &names[ROWS - 1];
    let found = call(
        &core,
        "person_search",
        json!({ "forum_id": forum, "q": last }),
    )
    .unwrap();
    assert_eq!(found["people"][0]["full_name"], last.as_str(), "{found}");
    assert_eq!(count(&db.path, "SELECT count(*) FROM checkin"), 2);
}
