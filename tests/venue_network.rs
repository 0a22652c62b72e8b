//! The host as an attacker on the venue network sees it (issue 12): host-only commands in every
//! encoding, guessing pairing codes, desks that claim another name, idle and slow connections,
//! and bodies past their limits. "Other machines" connect from 127.0.0.2 and up.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use reqwest::blocking::Client;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::forum_json;
use crate::http_api::{post, start_with, Server};

pub fn from(last: u8) -> Client {
    Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, last)))
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

pub fn send(
    client: &Client,
    s: &Server,
    path: &str,
    token: Option<&str>,
    body: &Value,
) -> (StatusCode, Value) {
    let mut req = client.post(format!("{}{path}", s.base)).json(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().unwrap();
    (r.status(), r.json().unwrap_or(Value::Null))
}

/// A committee's device paired from 127.0.0.`last`: its token.
fn paired_desk(s: &Server, name: &str, last: u8) -> String {
    paired_as(s, name, last, "committee", None)
}

/// A device of `role` (a booth: of `entity`) paired from 127.0.0.`last`: its token.
pub fn paired_as(s: &Server, name: &str, last: u8, role: &str, entity: Option<i64>) -> String {
    let (st, desk) = post(
        s,
        "desk_create",
        json!({ "name": name, "role": role, "entity_id": entity }),
    );
    assert_eq!(st, StatusCode::OK, "{desk}");
    let code = desk["pairing_code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 8, "codes have eight digits");
    let (st, p) = send(
        &from(last),
        s,
        "/api/desk_pair",
        None,
        &json!({ "code": code }),
    );
    assert_eq!(st, StatusCode::OK, "{p}");
    p["token"].as_str().unwrap().to_string()
}

/// One raw HTTP/1.1 request from 127.0.0.`last`: the status line's code (0 if none came).
fn raw(s: &Server, last: u8, request: &str) -> u16 {
    let mut stream = connect_from(s.addr, last);
    stream.write_all(request.as_bytes()).unwrap();
    let mut buf = Vec::new();
    let _ = stream.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf);
    text.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

fn connect_from(addr: SocketAddr, last: u8) -> TcpStream {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket
        .bind(&SocketAddr::from(([127, 0, 0, last], 0)).into())
        .unwrap();
    socket.connect(&addr.into()).unwrap();
    let stream: TcpStream = socket.into();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream
}

#[test]
fn host_only_commands_are_refused_to_a_desk_in_every_encoding() {
    let s = start_with(true);
    let (_, forum) = post(&s, "forum_create", json!({ "forum": forum_json("ملتقى") }));
    let token = paired_desk(&s, "منصة 2", 2);
    let desk = from(2);
    let host_only: Vec<&str> = multaqa::api::COMMANDS
        .iter()
        .filter(|c| c.access == multaqa::api::Access::Host)
        .map(|c| c.name)
        .collect();
    assert!(host_only.contains(&"demo_remove") && host_only.contains(&"desk_create"));
    let encodings = |name: &str| -> Vec<String> {
        let under = |with: &str| name.replace('_', with);
        let first = name.chars().next().unwrap();
        vec![
            name.to_string(),
            under("%5F"),
            under("%5f"),
            format!("%{:02X}{}", first as u32, &name[1..]),
            name.bytes().map(|b| format!("%{b:02x}")).collect(),
            name.to_uppercase(),
            format!("{name}%00"),
            format!("{name}/"),
            format!("{name}%2F"),
            format!("x/..%2F{name}"),
        ]
    };
    for name in &host_only {
        for path in encodings(name) {
            let body = json!({ "id": forum["id"], "name": "منصة مزيفة", "forum_id": forum["id"],
                               "code": "x", "label_ar": "فئة", "color": "#000000" });
            let (st, answer) = send(&desk, &s, &format!("/api/{path}"), Some(&token), &body);
            assert!(
                st == StatusCode::FORBIDDEN || st == StatusCode::NOT_FOUND,
                "/api/{path} answered {st}: {answer}"
            );
        }
    }
    // Dot segments and doubled slashes, sent as they are.
    for path in [
        "/api/./demo_remove",
        "/api/x/../demo_remove",
        "/api//demo_remove",
        "/api/demo_remove?x=1",
    ] {
        let code = raw(
            &s,
            2,
            &format!(
                "POST {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}",
                s.addr
            ),
        );
        assert!(code == 403 || code == 404, "{path}: {code}");
    }
    // Nothing changed: the forum and the desk are still there.
    let (_, forums) = post(&s, "forum_list", json!({}));
    assert_eq!(forums.as_array().unwrap().len(), 1);
    let (_, desks) = post(&s, "desk_list", json!({}));
    assert_eq!(desks.as_array().unwrap().len(), 1);
    assert_eq!(desks[0]["paired_from"], "127.0.0.2");
    // The host itself may run them.
    let (st, _) = post(&s, "desk_list", json!({}));
    assert_eq!(st, StatusCode::OK);
}

#[test]
fn pairing_codes_cannot_be_guessed_and_the_host_sees_each_pairing() {
    let s = start_with(true);
    let (_, desk) = post(&s, "desk_create", json!({ "name": "منصة 3" }));
    let code = desk["pairing_code"].as_str().unwrap().to_string();
    let guesser = from(9);
    let mut refused_early = 0;
    let started = Instant::now();
    for n in 0..200u32 {
        let guess = format!("{:08}", (n * 7919) % 100_000_000);
        if guess == code {
            continue;
        }
        let (st, body) = send(
            &guesser,
            &s,
            "/api/desk_pair",
            None,
            &json!({ "code": guess }),
        );
        assert_ne!(st, StatusCode::OK);
        if st == StatusCode::TOO_MANY_REQUESTS {
            refused_early += 1;
            assert_eq!(body["error"]["code"], "too_many_attempts");
            assert!(body["error"]["message"].as_str().unwrap().contains("انتظر"));
            assert!(body["error"]["retry_after_secs"].as_u64().unwrap() >= 1);
        }
    }
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(
        refused_early >= 190,
        "only a few guesses were tried: {refused_early}"
    );
    // Even the right code waits while this address is held back…
    let (st, _) = send(
        &guesser,
        &s,
        "/api/desk_pair",
        None,
        &json!({ "code": code }),
    );
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS);
    // …and the host sees the wrong attempts and where they came from.
    let (_, log) = post(&s, "desk_pairing_log", json!({}));
    assert!(log["attempts"]["wrong_attempts"].as_u64().unwrap() >= 3);
    assert_eq!(log["attempts"]["addresses"][0]["address"], "127.0.0.9");
    assert_eq!(log["paired"], json!([]));

    // A new code from the host; the real desk (another address) pairs with it, once.
    let (_, desk) = post(&s, "desk_new_code", json!({ "id": desk["id"] }));
    let code = desk["pairing_code"].as_str().unwrap().to_string();
    let since = log["now"].as_str().unwrap().to_string();
    let (st, p) = send(
        &from(10),
        &s,
        "/api/desk_pair",
        None,
        &json!({ "code": code }),
    );
    assert_eq!(st, StatusCode::OK, "{p}");
    let (st, _) = send(
        &from(11),
        &s,
        "/api/desk_pair",
        None,
        &json!({ "code": code }),
    );
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "a code works once");
    let (_, log) = post(&s, "desk_pairing_log", json!({ "since": since }));
    assert_eq!(log["paired"][0]["name"], "منصة 3");
    assert_eq!(log["paired"][0]["paired_from"], "127.0.0.10");
    // Codes expire: the host's list says until when, at most ten minutes ahead.
    let expires = desk["pairing_expires"].as_str().unwrap();
    let expires = chrono::DateTime::parse_from_rfc3339(expires).unwrap();
    let left = expires.signed_duration_since(chrono::Utc::now());
    assert!(left <= chrono::Duration::minutes(10) && left > chrono::Duration::minutes(8));
}

#[test]
fn a_desk_is_recorded_by_its_token_not_by_the_name_it_sends() {
    let s = start_with(true);
    let (_, forum) = post(&s, "forum_create", json!({ "forum": forum_json("ملتقى") }));
    let token = paired_desk(&s, "منصة الاستقبال", 2);
    let desk = from(2);
    let (st, person) = send(
        &desk,
        &s,
        "/api/person_create",
        Some(&token),
        &json!({ "forum_id": forum["id"], "person": {
            "full_name": "سارة علي الشهري", "mobile": "0551234567", "category": "زائر" } }),
    );
    assert_eq!(st, StatusCode::OK, "{person}");
    let (st, done) = send(
        &desk,
        &s,
        "/api/checkin",
        Some(&token),
        &json!({ "forum_id": forum["id"], "person_id": person["id"], "day": 1,
                 "desk": "الجهاز الرئيس" }),
    );
    assert_eq!(st, StatusCode::OK, "{done}");
    assert_eq!(done["checkin"]["desk"], "منصة الاستقبال");
    let (st, undone) = send(
        &desk,
        &s,
        "/api/checkin_undo",
        Some(&token),
        &json!({ "uuid": done["checkin"]["uuid"], "reason": "خطأ", "by": "المشرف العام" }),
    );
    assert_eq!(st, StatusCode::OK, "{undone}");
    // The host names itself as it likes.
    let (_, again) = post(
        &s,
        "checkin",
        json!({ "forum_id": forum["id"], "person_id": person["id"], "day": 1, "desk": "منصة 1" }),
    );
    assert_eq!(again["checkin"]["desk"], "منصة 1");
}

#[test]
fn idle_and_slow_connections_do_not_starve_the_server() {
    let s = start_with(true);
    // One machine opens far more connections than a browser would, and sends nothing.
    let idle: Vec<TcpStream> = (0..300).map(|_| connect_from(s.addr, 2)).collect();
    // Over its cap, its extra connections are closed at once.
    let mut last = idle.last().unwrap().try_clone().unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(last.read(&mut buf).unwrap_or(0), 0, "closed by the server");
    // Another desk and the host are answered at once.
    let started = Instant::now();
    let r = from(3)
        .get(format!("{}/api/health", s.base))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (st, _) = post(&s, "forum_list", json!({}));
    assert_eq!(st, StatusCode::OK);
    assert!(started.elapsed() < Duration::from_secs(5));
    // A connection that sends half its headers, or nothing, is closed within the deadline.
    let mut slow = connect_from(s.addr, 4);
    slow.write_all(b"POST /api/forum_list HTTP/1.1\r\nHost: x")
        .unwrap();
    let started = Instant::now();
    let n = slow.read(&mut buf).unwrap_or(0);
    let waited = started.elapsed();
    assert!(n == 0 || String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 408"));
    assert!(waited < Duration::from_secs(15), "{waited:?}");
    drop(idle);
}

#[test]
fn bodies_have_limits_that_say_so_in_arabic() {
    let s = start_with(true);
    let token = paired_desk(&s, "منصة 2", 2);
    let desk = from(2);
    // A form is small: 3 MB of it is refused before it is read.
    let big = "ا".repeat(1_600_000);
    let (st, body) = send(
        &desk,
        &s,
        "/api/forum_list",
        Some(&token),
        &json!({ "x": big }),
    );
    assert_eq!(st, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["error"]["code"], "too_large");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("ميغابايت"));
    // A 5 MB spreadsheet can be previewed from a desk's browser.
    use base64::Engine;
    let rows: Vec<Vec<String>> = (0..60_000)
        .map(|i| vec![format!("مشارك رقم {i} بن محمد"), format!("05{:08}", i)])
        .collect();
    let mut csv = String::from("الاسم,الجوال\n");
    for r in &rows {
        csv.push_str(&format!("{},{}\n", r[0], r[1]));
    }
    assert!(csv.len() > 2 * 1024 * 1024, "{}", csv.len());
    let data = base64::engine::general_purpose::STANDARD.encode(csv.as_bytes());
    let (st, preview) = send(
        &desk,
        &s,
        "/api/import_preview",
        Some(&token),
        &json!({ "file_name": "كبير.csv", "data_base64": data }),
    );
    assert_eq!(st, StatusCode::OK, "{preview}");
    assert_eq!(preview["row_count"], 60_000);
    // Past the stated limit: refused with the limit in Arabic.
    let huge = "A".repeat(30 * 1024 * 1024);
    let (st, body) = send(
        &desk,
        &s,
        "/api/import_preview",
        Some(&token),
        &json!({ "file_name": "x.csv", "data_base64": huge }),
    );
    assert_eq!(st, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("20 ميغابايت"));
    // A stranger's big body is refused before it is read, and it still may not run anything.
    let (st, _) = send(&from(5), &s, "/api/forum_list", None, &json!({}));
    assert_eq!(st, StatusCode::UNAUTHORIZED);
}

/// The permission table walked whole over HTTP: a device of each role runs exactly the
/// commands its role allows; every refused command answers 403 in Arabic and changes nothing;
/// a booth refers only to its own entity's opportunities; devices other than the committee's
/// see national IDs and mobiles masked.
#[test]
fn every_role_against_every_command() {
    use multaqa::api::{Access, COMMANDS};
    let s = start_with(true);
    let (_, demo) = post(&s, "demo_load", json!({}));
    let forum = demo["forum_id"].clone();
    let (_, list) = post(&s, "entity_list", json!({ "forum_id": forum }));
    let entity = list["entities"][0]["id"].as_i64().unwrap();
    let fingerprint = || {
        let (_, p) = post(&s, "person_list", json!({ "forum_id": forum, "limit": 1 }));
        let (_, r) = post(&s, "referral_list", json!({ "forum_id": forum }));
        let (_, d) = post(&s, "desk_list", json!({}));
        let (_, st) = post(&s, "checkin_stats", json!({ "forum_id": forum, "day": 1 }));
        let (_, fam) = post(&s, "family_totals", json!({ "forum_id": forum }));
        json!([
            p["total"],
            r.as_array().map(|a| a.len()),
            d.as_array().map(|a| a.len()),
            st["total"],
            fam["total"]
        ])
    };
    let roles = [
        ("checkin", 2u8, None, multaqa::api::access::role::CHECKIN),
        ("booth", 3, Some(entity), multaqa::api::access::role::BOOTH),
        (
            "exhibition",
            4,
            None,
            multaqa::api::access::role::EXHIBITION,
        ),
        ("committee", 5, None, multaqa::api::access::role::COMMITTEE),
    ];
    for (role, last, ent, bit) in roles {
        let token = paired_as(&s, &format!("جهاز {role}"), last, role, ent);
        let device = from(last);
        let before = fingerprint();
        let mut refused = 0;
        for c in COMMANDS {
            if c.name == "desk_pair" {
                continue;
            }
            let allowed = match c.access {
                Access::Anyone => true,
                Access::Roles(r) => r & bit != 0,
                Access::Host => false,
            };
            if allowed {
                continue; // run below with real arguments where it matters
            }
            // Arguments that would change something if the command ran.
            let body = json!({ "forum_id": forum, "id": 1, "name": "جهاز مزيف", "q": "محمد",
                               "person": { "full_name": "شخص مزيف للاختبار", "mobile": "0559990000", "category": "visitor" },
                               "code": "X", "reason": "اختبار", "day": 1 });
            let (st, answer) = send(
                &device,
                &s,
                &format!("/api/{}", c.name),
                Some(&token),
                &body,
            );
            assert_eq!(st, StatusCode::FORBIDDEN, "{role} × {}: {answer}", c.name);
            let message = answer["error"]["message"].as_str().unwrap_or_default();
            assert!(
                message
                    .chars()
                    .any(|ch| ('\u{0600}'..='\u{06FF}').contains(&ch)),
                "{message}"
            );
            refused += 1;
        }
        assert_eq!(
            fingerprint(),
            before,
            "{role}: refused commands changed nothing"
        );
        assert!(
            role == "committee" || refused > 20,
            "{role} refused {refused}"
        );
        // What each role is for works, with personal numbers masked unless committee.
        let (st, found) = send(
            &device,
            &s,
            "/api/person_search",
            Some(&token),
            &json!({ "forum_id": forum, "q": "محمد" }),
        );
        let mask_expected = role != "committee";
        if role == "checkin" || role == "booth" || role == "committee" {
            assert_eq!(st, StatusCode::OK, "{role}: {found}");
            let with_id = found["people"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["national_id"].is_string())
                .cloned()
                .unwrap();
            let id = with_id["national_id"].as_str().unwrap();
            assert_eq!(id.starts_with('•'), mask_expected, "{role}: {id}");
        }
        if role == "booth" {
            // Its own entity's opportunities only, whatever entity it names.
            let (_, opps) = post(&s, "opportunity_list", json!({ "forum_id": forum }));
            let (mine, other): (Vec<&Value>, Vec<&Value>) = opps
                .as_array()
                .unwrap()
                .iter()
                .filter(|o| o["status"] == "open")
                .partition(|o| o["entity_id"] == json!(entity));
            let visitor = found["people"][0]["id"].clone();
            if let Some(o) = other.first() {
                let (st, e) = send(
                    &device,
                    &s,
                    "/api/referral_create",
                    Some(&token),
                    &json!({ "forum_id": forum, "person_id": visitor, "opportunity_ids": [o["id"]], "entity_id": o["entity_id"] }),
                );
                assert_eq!(st, StatusCode::FORBIDDEN, "{e}");
            }
            if let Some(o) = mine.first() {
                let (st, e) = send(
                    &device,
                    &s,
                    "/api/referral_create",
                    Some(&token),
                    &json!({ "forum_id": forum, "person_id": visitor, "opportunity_ids": [o["id"]] }),
                );
                assert_eq!(st, StatusCode::OK, "{e}");
            }
            let (st, v) = send(
                &device,
                &s,
                "/api/booth_visitor",
                Some(&token),
                &json!({ "forum_id": forum, "entity_id": 999_999, "person_id": visitor }),
            );
            assert_eq!(st, StatusCode::OK, "{v}");
            assert!(v["opportunities"]
                .as_array()
                .unwrap()
                .iter()
                .all(|o| o["entity_id"] == json!(entity)));
        }
        let (_, me) = send(&device, &s, "/api/desk_me", Some(&token), &json!({}));
        assert_eq!(me["desk"]["role"], role);
        assert!(me["allowed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "desk_me"));
    }
}
