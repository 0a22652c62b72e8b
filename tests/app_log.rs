//! The app's log (issue 15): a real `multaqa serve` writes its start, every command with its
//! duration, refused requests from other machines with their address, and jobs with their
//! counts into `logs/` beside the database — and never a name, a national ID or a mobile.

use std::process::{Command, Stdio};
use std::time::Duration;

use reqwest::blocking::Client;
use serde_json::{json, Value};

use crate::common::{forum_json, temp_db, ChildGuard, APP};

fn post(url: &str, command: &str, body: Value) -> Value {
    Client::new()
        .post(format!("{url}/api/{command}"))
        .json(&body)
        .send()
        .unwrap()
        .json()
        .unwrap()
}

#[test]
fn the_log_records_commands_and_requests_without_personal_data() {
    let db = temp_db();
    let port = crate::common::free_port();
    let child = Command::new(APP)
        .arg("--db")
        .arg(&db.path)
        .args(["serve", "--lan", "--bind", &format!("0.0.0.0:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let _guard = ChildGuard(child);
    crate::common::wait_for_port(port, Duration::from_secs(60));
    let url = format!("http://127.0.0.1:{port}");
    let forum = post(
        &url,
        "forum_create",
        json!({ "forum": forum_json("ملتقى السجل") }),
    );
    let person = post(
        &url,
        "person_create",
        json!({ "forum_id": forum["id"], "person": {
            "full_name": "هيفاء سلمان الدوسري", "national_id": "1098765439",
            "mobile": "0559876543", "category": "visitor" } }),
    );
    assert!(person["id"].is_i64(), "{person}");
    post(
        &url,
        "person_search",
        json!({ "forum_id": forum["id"], "q": "هيفاء" }),
    );
    let refused = post(
        &url,
        "person_create",
        json!({ "forum_id": forum["id"], "person": { "full_name": "هيفاء سلمان الدوسري", "national_id": "1098765439", "category": "visitor" } }),
    );
    assert_eq!(refused["error"]["code"], "duplicate", "{refused}");
    // Another machine without a token.
    let stranger = crate::venue_network::from(9)
        .post(format!("http://127.0.0.1:{port}/api/person_list"))
        .json(&json!({ "forum_id": forum["id"] }))
        .send()
        .unwrap();
    assert_eq!(stranger.status().as_u16(), 401);
    // A job with its counts.
    let job = post(
        &url,
        "badge_print_start",
        json!({ "forum_id": forum["id"], "layout": "a6" }),
    );
    let id = job["job_id"].as_str().unwrap_or_default().to_string();
    for _ in 0..200 {
        if post(&url, "job_status", json!({ "id": id }))["finished"] == true {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let info = post(&url, "logs_info", json!({}));
    let folder = info["folder"].as_str().unwrap().to_string();
    assert!(folder.ends_with("logs"), "{info}");
    assert_eq!(info["files"].as_array().unwrap().len(), 1, "{info}");
    let text: String = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    for needle in [
        "start",
        "mode=\"serve\"",
        "command=\"person_create\"",
        "command=\"person_search\"",
        "error=\"duplicate\"",
        "request refused",
        "127.0.0.9",
        "job=\"badges\"",
        "count=1",
    ] {
        assert!(text.contains(needle), "the log has {needle}:\n{text}");
    }
    for secret in ["هيفاء", "الدوسري", "1098765439", "0559876543", "9876543"] {
        assert!(
            !text.contains(secret),
            "the log never holds {secret}:\n{text}"
        );
    }
    // Saved as one zip for support.
    let z = post(&url, "logs_zip", json!({}));
    assert!(z["file_name"].as_str().unwrap().ends_with(".zip"), "{z}");
}
