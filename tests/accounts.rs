//! Committee members' accounts (issue 13 §1): once an account exists the host and the
//! committee's devices sign in, what each member does is recorded under their name, an account
//! runs only what both it and the device allow, and a session is good only where it was opened.

use std::io::Write;
use std::process::Stdio;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{forum_json, APP};
use crate::http_api::{post, start_with, Server};
use crate::venue_network::{from, paired_as, send};

/// A command from the host (loopback) with the member's session.
fn host_as(s: &Server, token: &str, command: &str, mut body: Value) -> (StatusCode, Value) {
    body["account_token"] = Value::from(token);
    post(s, command, body)
}

/// A command from the device at 127.0.0.`last` (desk token), with a member's session if any.
fn device(
    s: &Server,
    last: u8,
    desk: &str,
    account: Option<&str>,
    command: &str,
    mut body: Value,
) -> (StatusCode, Value) {
    if let Some(t) = account {
        body["account_token"] = Value::from(t);
    }
    send(
        &from(last),
        s,
        &format!("/api/{command}"),
        Some(desk),
        &body,
    )
}

fn sign_in(s: &Server, last: Option<(u8, &str)>, username: &str, password: &str) -> String {
    let body = json!({ "username": username, "password": password });
    let (st, r) = match last {
        None => post(s, "account_sign_in", body),
        Some((last, desk)) => device(s, last, desk, None, "account_sign_in", body),
    };
    assert_eq!(st, StatusCode::OK, "{r}");
    r["account_token"].as_str().unwrap().to_string()
}

#[test]
fn members_sign_in_and_their_decisions_carry_their_names() {
    let s = start_with(true);
    // Before any account: the host works without signing in, and pairs its devices.
    let (_, forum) = post(
        &s,
        "forum_create",
        json!({ "forum": forum_json("ملتقى الحسابات") }),
    );
    let forum_id = forum["id"].as_i64().unwrap();
    let committee = paired_as(&s, "حاسوب اللجنة", 5, "committee", None);
    let checkin = paired_as(&s, "منصة 1", 6, "checkin", None);
    let (st, me) = post(&s, "account_me", json!({}));
    assert_eq!(st, StatusCode::OK);
    assert_eq!(
        (me["in_use"].clone(), me["required"].clone()),
        (json!(false), json!(false))
    );

    // The first account must be an admin.
    let (st, e) = post(
        &s,
        "account_create",
        json!({ "username": "ali", "display_name": "علي عسيري", "role": "committee", "password": "كلمة-مرور-علي" }),
    );
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["fields"][0]["field"], "role");
    let (st, sara) = post(
        &s,
        "account_create",
        json!({ "username": "sara", "display_name": "سارة الحربي", "role": "admin", "password": "كلمة-مرور-سارة" }),
    );
    assert_eq!(st, StatusCode::OK, "{sara}");

    // Now the host and the committee's device sign in first; a check-in desk does not.
    let (st, e) = post(&s, "forum_list", json!({}));
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    assert_eq!(e["error"]["code"], "sign_in_required");
    assert!(e["error"]["message"]
        .as_str()
        .unwrap()
        .contains("سجّل الدخول"));
    let (st, _) = device(
        &s,
        5,
        &committee,
        None,
        "person_list",
        json!({ "forum_id": forum_id }),
    );
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let (st, p) = device(
        &s,
        6,
        &checkin,
        None,
        "person_create",
        json!({ "forum_id": forum_id, "person": { "full_name": "سارة علي حسن", "mobile": "0551234567", "category": "زائر" } }),
    );
    assert_eq!(
        st,
        StatusCode::OK,
        "a check-in desk works without an account: {p}"
    );
    let (st, me) = post(&s, "account_me", json!({}));
    assert_eq!((st, me["required"].clone()), (StatusCode::OK, json!(true)));

    // A wrong password is refused in Arabic; the right one opens a session.
    let (st, e) = post(
        &s,
        "account_sign_in",
        json!({ "username": "sara", "password": "خطأ" }),
    );
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        e["error"]["message"],
        "اسم المستخدم أو كلمة المرور غير صحيحة"
    );
    let admin = sign_in(&s, None, "SARA", "كلمة-مرور-سارة");
    let (st, me) = host_as(&s, &admin, "account_me", json!({}));
    assert_eq!(
        (st, me["account"]["display_name"].clone()),
        (StatusCode::OK, json!("سارة الحربي"))
    );
    let (st, ali) = host_as(
        &s,
        &admin,
        "account_create",
        json!({ "username": "ali", "display_name": "علي عسيري", "role": "committee", "password": "كلمة-مرور-علي" }),
    );
    assert_eq!(st, StatusCode::OK, "{ali}");

    // Ali on the committee's laptop: his check-in is the device's, his undo is his.
    let member = sign_in(&s, Some((5, &committee)), "ali", "كلمة-مرور-علي");
    let (st, c) = device(
        &s,
        5,
        &committee,
        Some(&member),
        "checkin",
        json!({ "forum_id": forum_id, "person_id": p["id"], "day": 1, "uuid": "5b0e8c8e-3f0a-4c55-9a57-3d8a2f0e7c11", "desk": "منصة مزيفة" }),
    );
    assert_eq!(st, StatusCode::OK, "{c}");
    let (st, u) = device(
        &s,
        5,
        &committee,
        Some(&member),
        "checkin_undo",
        json!({ "uuid": "5b0e8c8e-3f0a-4c55-9a57-3d8a2f0e7c11", "reason": "سُجّل بالخطأ", "by": "شخص آخر" }),
    );
    assert_eq!(st, StatusCode::OK, "{u}");
    let conn = rusqlite::Connection::open(&s.db.path).unwrap();
    let (desk, by): (String, String) = conn
        .query_row("SELECT desk, undone_by FROM checkin", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(desk, "حاسوب اللجنة", "the device it was done at");
    assert_eq!(by, "علي عسيري", "the member who did it");
    let (_, trail) = host_as(
        &s,
        &admin,
        "audit_list",
        json!({ "command": "checkin_undo" }),
    );
    let who = trail[0]["who"].as_str().unwrap();
    assert!(
        who.starts_with("علي عسيري (عضو اللجنة المنظمة)") && who.contains("حاسوب اللجنة"),
        "{who}"
    );
    let (_, trail) = host_as(
        &s,
        &admin,
        "audit_list",
        json!({ "command": "account_create" }),
    );
    assert!(
        trail[0]["who"]
            .as_str()
            .unwrap()
            .starts_with("سارة الحربي (مشرف)"),
        "{trail}"
    );
    assert!(
        !trail.to_string().contains("كلمة-مرور"),
        "no password in the trail"
    );

    // A session is good only on the device it was opened on.
    let other = paired_as_admin(&s, &admin, "حاسوب آخر", 7);
    let (st, _) = device(
        &s,
        7,
        &other,
        Some(&member),
        "person_list",
        json!({ "forum_id": forum_id }),
    );
    assert_eq!(st, StatusCode::UNAUTHORIZED);

    // A committee member on the host: the host's own screens, not what the admin lock holds.
    let ali_host = sign_in(&s, None, "ali", "كلمة-مرور-علي");
    let (st, _) = host_as(&s, &ali_host, "audit_list", json!({}));
    assert_eq!(st, StatusCode::OK);
    for (command, body) in [
        (
            "account_create",
            json!({ "username": "x1", "display_name": "س ص", "role": "admin", "password": "12345678" }),
        ),
        ("demo_remove", json!({})),
        ("forum_delete", json!({ "id": forum_id })),
    ] {
        let (st, e) = host_as(&s, &ali_host, command, body);
        assert_eq!(st, StatusCode::FORBIDDEN, "{command}: {e}");
        assert!(e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("عضو اللجنة المنظمة"));
    }
    let (_, forums) = host_as(&s, &admin, "forum_list", json!({}));
    assert_eq!(forums.as_array().unwrap().len(), 1, "nothing was deleted");

    // The last admin cannot be disabled; disabling Ali ends his sessions at once.
    let (st, e) = host_as(
        &s,
        &admin,
        "account_update",
        json!({ "id": sara["id"], "active": false }),
    );
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (st, _) = host_as(
        &s,
        &admin,
        "account_update",
        json!({ "id": ali["id"], "active": false }),
    );
    assert_eq!(st, StatusCode::OK);
    let (st, _) = device(
        &s,
        5,
        &committee,
        Some(&member),
        "person_list",
        json!({ "forum_id": forum_id }),
    );
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let (st, e) = device(
        &s,
        5,
        &committee,
        None,
        "account_sign_in",
        json!({ "username": "ali", "password": "كلمة-مرور-علي" }),
    );
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(e["error"]["message"].as_str().unwrap().contains("معطّل"));
    // Signing out ends the admin's session too.
    host_as(&s, &admin, "account_sign_out", json!({}));
    let (st, _) = host_as(&s, &admin, "forum_list", json!({}));
    assert_eq!(st, StatusCode::UNAUTHORIZED);
}

/// A committee device paired by the signed-in admin.
fn paired_as_admin(s: &Server, admin: &str, name: &str, last: u8) -> String {
    let (st, desk) = host_as(
        s,
        admin,
        "desk_create",
        json!({ "name": name, "role": "committee" }),
    );
    assert_eq!(st, StatusCode::OK, "{desk}");
    let (st, p) = send(
        &from(last),
        s,
        "/api/desk_pair",
        None,
        &json!({ "code": desk["pairing_code"] }),
    );
    assert_eq!(st, StatusCode::OK, "{p}");
    p["token"].as_str().unwrap().to_string()
}

fn cli_with_stdin(db: &std::path::Path, args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = std::process::Command::new(APP)
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn the_command_line_manages_accounts_with_the_password_on_standard_input() {
    let db = crate::common::temp_db();
    let out = cli_with_stdin(
        &db.path,
        &[
            "account",
            "create",
            "ali",
            "--name",
            "علي عسيري",
            "--role",
            "committee",
        ],
        "كلمة-مرور-علي\n",
    );
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("الحساب الأول"),
        "{out:?}"
    );
    let out = cli_with_stdin(
        &db.path,
        &[
            "account",
            "create",
            "sara",
            "--name",
            "سارة الحربي",
            "--role",
            "admin",
        ],
        "كلمة-مرور-سارة\n",
    );
    assert!(out.status.success(), "{out:?}");
    let a: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (a["username"].clone(), a["role"].clone()),
        (json!("sara"), json!("admin"))
    );
    let out = cli_with_stdin(
        &db.path,
        &["account", "password", "sara"],
        "كلمة-جديدة-لسارة\n",
    );
    assert!(out.status.success(), "{out:?}");
    let out = cli_with_stdin(&db.path, &["account", "list"], "");
    let list = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(list.lines().count(), 1, "{list}");
    assert!(!list.contains("argon2"), "no hashes printed");
    // The new password signs in; the old one does not.
    let core = crate::common::core(&db);
    let signs = multaqa::account::SignIns::default();
    let place = multaqa::account::Place::Host;
    assert!(signs
        .sign_in(&core.conn(), "sara", "كلمة-مرور-سارة", place)
        .is_err());
    assert!(signs
        .sign_in(&core.conn(), "sara", "كلمة-جديدة-لسارة", place)
        .is_ok());
    // The trail names the command line, never the password.
    let trail = multaqa::audit::list(&core.read().unwrap(), None, None, 10).unwrap();
    let text = format!("{trail:?}");
    assert!(
        text.contains("account_create") && text.contains("account_password_reset"),
        "{text}"
    );
    assert!(!text.contains("كلمة-جديدة"), "{text}");
}
