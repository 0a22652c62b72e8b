//! The audit trail: changes made in the window, from a desk and from the command line each
//! append a row naming who made them; `audit verify` finds a changed byte or a removed row.

use serde_json::{json, Value};

use crate::common::{cli, cli_output, forum_json};
use crate::http_api::{post, start};

#[test]
fn every_change_is_audited_and_an_edit_of_the_file_is_found() {
    let s = start();
    let (_, forum) = post(
        &s,
        "forum_create",
        json!({ "forum": forum_json("ملتقى التدقيق") }),
    );
    let (_, p) = post(
        &s,
        "person_create",
        json!({ "forum_id": forum["id"], "person": {
            "full_name": "هند علي الشهري", "mobile": "0551239876", "category": "visitor" } }),
    );
    let (_, c) = post(
        &s,
        "checkin",
        json!({ "forum_id": forum["id"], "person_id": p["id"], "day": 1, "desk": "منصة 1" }),
    );
    assert_eq!(c["status"], "checked_in");
    // Reading changes nothing in the trail.
    post(&s, "person_list", json!({ "forum_id": forum["id"] }));
    let code = p["badge_code"].as_str().unwrap();
    cli(
        &s.db,
        &[
            "checkin",
            code,
            "--forum",
            &forum["id"].to_string(),
            "--day",
            "2",
        ],
    )
    .unwrap();

    let rows: Vec<Value> = cli(&s.db, &["audit", "list"])
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let commands: Vec<&str> = rows
        .iter()
        .map(|r| r["command"].as_str().unwrap())
        .collect();
    assert_eq!(
        commands,
        ["checkin", "checkin", "person_create", "forum_create"],
        "{rows:?}"
    );
    assert_eq!(rows[0]["who"], "سطر الأوامر");
    assert_eq!(rows[1]["who"], "الجهاز الرئيس");
    assert!(
        rows[1]["record"].as_str().unwrap().starts_with("checkin:"),
        "{}",
        rows[1]
    );
    // Personal details are outside the hashed summary.
    let person = &rows[2];
    assert!(
        !person["summary"].as_str().unwrap().contains("هند"),
        "{person}"
    );
    assert!(person["personal"]
        .as_str()
        .unwrap()
        .contains("هند علي الشهري"));
    let ok: Value = serde_json::from_str(&cli(&s.db, &["audit", "verify"]).unwrap()).unwrap();
    assert_eq!(
        (ok["ok"].as_bool(), ok["rows"].as_u64()),
        (Some(true), Some(4))
    );
    let xlsx = s.db.dir.path().join("audit.xlsx");
    cli(&s.db, &["audit", "export", "--out", xlsx.to_str().unwrap()]).unwrap();
    let book = multaqa::sheet::read_table("a.xlsx", &std::fs::read(&xlsx).unwrap()).unwrap();
    assert_eq!(book.rows.len(), 4);

    // Someone edits the file behind the app's back (the triggers dropped first): found.
    {
        let conn = rusqlite::Connection::open(&s.db.path).unwrap();
        conn.execute_batch(
            "DROP TRIGGER audit_no_update;
             UPDATE audit SET summary = replace(summary, '\"day\":1', '\"day\":2') WHERE command = 'checkin' AND who = 'الجهاز الرئيس';",
        )
        .unwrap();
    }
    let o = cli_output(&s.db, &["audit".as_ref(), "verify".as_ref()]);
    assert!(!o.status.success(), "a broken chain exits non-zero");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("\"ok\":false"), "{out}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("معدَّل"));
}
