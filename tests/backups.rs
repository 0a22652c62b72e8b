//! Backups that restore: a backup made while desks check in at 200 a second holds every
//! check-in acknowledged before it started; a restore brings back exactly that; a bad file is
//! refused and the database left as it was.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::blocking::Client;
use serde_json::{json, Value};

use crate::common::{cli, cli_output, forum_json};
use crate::http_api::{post, start};

/// A name part for the number `i`, in letters (names take no digits).
fn letters(i: usize) -> String {
    let l: Vec<char> = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي".chars().collect();
    format!(
        "{}{}{}",
        l[i % l.len()],
        l[(i / l.len()) % l.len()],
        l[(i + 7) % l.len()]
    )
}

#[test]
fn a_backup_during_check_ins_restores_every_acknowledged_one() {
    let s = start();
    let mut f = forum_json("ملتقى النسخ الاحتياطي");
    f["day_count"] = json!(20);
    let (_, forum) = post(&s, "forum_create", json!({ "forum": f }));
    let forum_id = forum["id"].as_i64().unwrap();
    let mut people = Vec::new();
    for i in 0..60 {
        let (_, p) = post(
            &s,
            "person_create",
            json!({ "forum_id": forum_id, "person": {
                "full_name": format!("زائر {} الاختبار", letters(i)), "mobile": format!("05500{i:05}"),
                "category": "visitor" } }),
        );
        people.push(p["id"].as_i64().unwrap_or_else(|| panic!("{p}")));
    }
    // Check-ins at 200 a second, each remembered with when its answer came.
    let acked: Arc<Mutex<Vec<(String, Instant)>>> = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sender = {
        let (acked, stop, base) = (acked.clone(), stop.clone(), s.base.clone());
        let people = people.clone();
        std::thread::spawn(move || {
            let client = Client::new();
            let mut n = 0usize;
            let started = Instant::now();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let (person, day) = (people[n % people.len()], 1 + (n / people.len()) as u32);
                let uuid = uuid::Uuid::new_v4().to_string();
                let r: Value = client
                    .post(format!("{base}/api/checkin"))
                    .json(
                        &json!({ "forum_id": forum_id, "person_id": person, "day": day,
                                   "desk": "منصة 1", "uuid": uuid }),
                    )
                    .send()
                    .unwrap()
                    .json()
                    .unwrap();
                if r["status"] == "checked_in" {
                    acked.lock().unwrap().push((uuid, Instant::now()));
                }
                n += 1;
                // 200 a second.
                let due = started + Duration::from_millis(5 * n as u64);
                if let Some(wait) = due.checked_duration_since(Instant::now()) {
                    std::thread::sleep(wait);
                }
            }
        })
    };
    std::thread::sleep(Duration::from_millis(1500));
    let backup = s.db.dir.path().join("نسخة.sqlite3");
    let began = Instant::now();
    let out: Value =
        serde_json::from_str(&cli(&s.db, &["backup", "--out", backup.to_str().unwrap()]).unwrap())
            .unwrap();
    assert!(out["bytes"].as_u64().unwrap() > 10_000);
    std::thread::sleep(Duration::from_millis(500));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    sender.join().unwrap();
    let acked = acked.lock().unwrap().clone();
    let before: Vec<&String> = acked
        .iter()
        .filter(|(_, t)| *t < began)
        .map(|(u, _)| u)
        .collect();
    assert!(
        before.len() > 200,
        "{} check-ins before the backup",
        before.len()
    );
    assert!(
        acked.len() > before.len(),
        "check-ins went on during the backup"
    );

    // Restored into a new database: every check-in acknowledged before the backup began.
    let restored = crate::common::temp_db();
    let r: Value =
        serde_json::from_str(&cli(&restored, &["restore", backup.to_str().unwrap()]).unwrap())
            .unwrap();
    assert!(r["previous_kept_in"].is_null(), "nothing was there to keep");
    let store = multaqa::store::Store::open(&restored.path).unwrap();
    let conn = store.conn();
    let mut q = conn
        .prepare("SELECT count(*) FROM checkin WHERE uuid = ?1")
        .unwrap();
    for u in &before {
        let n: i64 = q.query_row([u.as_str()], |r| r.get(0)).unwrap();
        assert_eq!(n, 1, "check-in {u} acknowledged before the backup is in it");
    }
    let total: i64 = conn
        .query_row("SELECT count(*) FROM checkin", [], |r| r.get(0))
        .unwrap();
    assert!(total as usize <= acked.len());
    drop(q);
    drop(conn);
    drop(store);

    // Restoring over it keeps what it replaces; a file that is not a backup is refused.
    let again: Value =
        serde_json::from_str(&cli(&restored, &["restore", backup.to_str().unwrap()]).unwrap())
            .unwrap();
    let kept = again["previous_kept_in"].as_str().unwrap();
    assert!(std::path::Path::new(kept).exists());
    let junk = restored.dir.path().join("junk.sqlite3");
    std::fs::write(&junk, "ليس ملف قاعدة بيانات").unwrap();
    let o = cli_output(&restored, &["restore".as_ref(), junk.as_os_str()]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("ليس") || err.contains("صالحة"), "{err}");
    let store = multaqa::store::Store::open(&restored.path).unwrap();
    let n: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM checkin", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, total, "a refused restore changes nothing");
}

/// A restore from Settings while the app runs (no restart): the listed backup comes back
/// whole — people and check-ins made after it are gone, the name search forgets them at once —
/// what it replaced is kept as a backup, and the trail records the restore.
#[test]
fn a_restore_while_the_app_runs_brings_back_the_backup_and_keeps_what_it_replaced() {
    let s = start();
    let (_, forum) = post(
        &s,
        "forum_create",
        json!({ "forum": forum_json("ملتقى الاسترجاع") }),
    );
    let forum_id = forum["id"].as_i64().unwrap();
    let person = |name: &str, mobile: &str| {
        let (st, p) = post(
            &s,
            "person_create",
            json!({ "forum_id": forum_id, "person": { "full_name": name, "mobile": mobile, "category": "visitor" } }),
        );
        assert!(st.is_success(), "{p}");
        p
    };
    let before = person("سلمى حسن القحطاني", "0551111111");
    post(
        &s,
        "checkin",
        json!({ "forum_id": forum_id, "person_id": before["id"], "day": 1 }),
    );
    let search = |q: &str| {
        let (_, found) = post(&s, "person_search", json!({ "forum_id": forum_id, "q": q }));
        found["people"].as_array().map_or(0, |r| r.len())
    };
    assert_eq!(search("سلمى"), 1);
    let (st, kept) = post(&s, "backup_now", json!({}));
    assert!(st.is_success(), "{kept}");
    // After the backup: a new person, a check-in, and a search that has indexed her.
    let after = person("نورة خالد الشهري", "0552222222");
    post(
        &s,
        "checkin",
        json!({ "forum_id": forum_id, "person_id": after["id"], "day": 1 }),
    );
    assert_eq!(search("نورة"), 1);
    // Only a listed backup can be restored.
    let (st, e) = post(&s, "backup_restore", json!({ "file": "/etc/passwd" }));
    assert_eq!(st.as_u16(), 422, "{e}");
    let (st, r) = post(&s, "backup_restore", json!({ "file": kept["path"] }));
    assert!(st.is_success(), "{r}");
    assert_eq!(search("نورة"), 0, "the name index forgot her");
    assert_eq!(search("سلمى"), 1);
    let (_, stats) = post(
        &s,
        "checkin_stats",
        json!({ "forum_id": forum_id, "day": 1 }),
    );
    assert_eq!(stats["total"], 1, "{stats}");
    // What was replaced is a backup of its own, with her in it.
    let replaced = r["previous_kept_in"]["path"].as_str().unwrap();
    let old = rusqlite::Connection::open(replaced).unwrap();
    let n: i64 = old
        .query_row(
            "SELECT count(*) FROM person WHERE full_name = 'نورة خالد الشهري'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 1);
    // The app goes on writing into the restored database, and the trail records the restore.
    person("ريم سعد العتيبي", "0553333333");
    assert_eq!(search("ريم"), 1);
    let (_, trail) = post(&s, "audit_list", json!({ "command": "backup_restore" }));
    assert_eq!(trail.as_array().unwrap().len(), 1, "{trail}");
    let (_, verified) = post(&s, "audit_verify", json!({}));
    assert_eq!(verified["ok"], true, "{verified}");
}
