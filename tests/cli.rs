//! The `multaqa` command line, run as a real process.

use std::process::Command;

use serde_json::Value;

use crate::common::{spawn_serve, temp_db, APP};

fn run(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(APP)
        .args(args)
        .env_remove("MULTAQA_DB")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn version() {
    let (ok, out, _) = run(&["--version"]);
    assert!(ok);
    assert_eq!(out.trim(), format!("multaqa {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn demo_is_idempotent_and_forum_list_prints_json_lines() {
    let db = temp_db();
    let p = db.path.to_str().unwrap();
    let (ok, first, err) = run(&["--db", p, "demo"]);
    assert!(ok, "{err}");
    let (_, second, _) = run(&["--db", p, "demo"]);
    assert_eq!(first, second, "loading twice gives the same forum");

    let (ok, out, _) = run(&["--db", p, "forum", "list"]);
    assert!(ok);
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["name_ar"], "ملتقى التمكين الاجتماعي بمنطقة جازان");
    assert_eq!(
        lines[0]["days"][0]["full"],
        "الأحد 13 ربيع الأول 1441هـ — 10 نوفمبر 2019م"
    );
    let id: Value = serde_json::from_str(first.trim()).unwrap();
    assert_eq!(id["forum_id"], lines[0]["id"]);

    let (ok, out, _) = run(&["--db", p, "demo", "--remove"]);
    assert!(ok);
    assert_eq!(out.trim(), r#"{"removed":1}"#);
    let (_, out, _) = run(&["--db", p, "forum", "list"]);
    assert_eq!(out, "");
}

#[test]
fn serve_refuses_non_loopback_and_unusable_databases_with_arabic_messages() {
    let db = temp_db();
    let p = db.path.to_str().unwrap();
    let (ok, _, err) = run(&["--db", p, "serve", "--bind", "0.0.0.0:0"]);
    assert!(!ok);
    assert!(
        err.contains("لا يُسمح بتشغيل الخادم إلا على عنوان محلي"),
        "{err}"
    );

    // A folder where the database file should be.
    let (ok, _, err) = run(&["--db", db.dir.path().to_str().unwrap(), "forum", "list"]);
    assert!(!ok);
    assert!(err.contains("تعذر فتح قاعدة البيانات"), "{err}");
}

#[test]
fn serve_answers_health_and_loads_demo_on_first_start() {
    let db = temp_db();
    let (_child, url) = spawn_serve(&db);
    let h: Value = reqwest::blocking::get(format!("{url}/api/health"))
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(h["ok"], true);
    let list: Value = reqwest::blocking::Client::new()
        .post(format!("{url}/api/forum_list"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(list[0]["is_demo"], true);
}
