//! Several desks on the venue network: pairing, tokens, refusal without one, revocation.
//! "Another machine" is simulated by connecting from 127.0.0.2: only 127.0.0.1 and ::1 count
//! as the host itself.

use std::net::{IpAddr, Ipv4Addr};

use reqwest::blocking::Client;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::forum_json;
use crate::http_api::{post, start, start_with, Server};

fn remote() -> Client {
    Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)))
        .build()
        .unwrap()
}

fn call_as(
    client: &Client,
    s: &Server,
    token: Option<&str>,
    command: &str,
    body: Value,
) -> (StatusCode, Value) {
    let mut req = client.post(format!("{}/api/{command}", s.base)).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().unwrap();
    (r.status(), r.json().unwrap_or(Value::Null))
}

#[test]
fn a_desk_without_a_token_is_refused_and_changes_nothing() {
    let s = start_with(true);
    let r = remote();
    // The UI itself loads, so the desk can show the pairing screen.
    assert_eq!(
        r.get(format!("{}/", s.base)).send().unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        r.get(format!("{}/api/health", s.base))
            .send()
            .unwrap()
            .status(),
        StatusCode::OK
    );

    let (st, body) = call_as(
        &r,
        &s,
        None,
        "forum_create",
        json!({ "forum": forum_json("من منصة غير مقترنة") }),
    );
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "desk_token_required");
    let (st, _) = call_as(&r, &s, Some("forged-token"), "forum_list", json!({}));
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    let (_, list) = post(&s, "forum_list", json!({}));
    assert_eq!(list, json!([]), "nothing was created");
}

#[test]
fn pairing_gives_a_token_that_works_until_revoked() {
    let s = start_with(true);
    let r = remote();
    let (_, forum) = post(&s, "forum_create", json!({ "forum": forum_json("ملتقى") }));

    // Managing desks is for the host only (a machine that has not paired must pair first).
    let (st, _) = call_as(&r, &s, None, "desk_create", json!({ "name": "منصة مزيفة" }));
    assert_eq!(st, StatusCode::UNAUTHORIZED);

    let (st, desk) = post(&s, "desk_create", json!({ "name": "منصة 2" }));
    assert_eq!(st, StatusCode::OK, "{desk}");
    let code = desk["pairing_code"].as_str().unwrap().to_string();
    let (st, pairing) = call_as(&r, &s, None, "desk_pair", json!({ "code": code }));
    assert_eq!(st, StatusCode::OK, "{pairing}");
    assert_eq!(pairing["desk_name"], "منصة 2");
    let token = pairing["token"].as_str().unwrap().to_string();
    let (st, _) = call_as(&r, &s, None, "desk_pair", json!({ "code": code }));
    assert_eq!(
        st,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a pairing code works once"
    );

    let (st, list) = call_as(&r, &s, Some(&token), "forum_list", json!({}));
    assert_eq!(st, StatusCode::OK);
    assert_eq!(list[0]["id"], forum["id"]);
    let (st, p) = call_as(
        &r,
        &s,
        Some(&token),
        "person_create",
        json!({ "forum_id": forum["id"], "person": {
        "full_name": "سارة علي", "mobile": "0551234567", "category": "زائر" } }),
    );
    assert_eq!(st, StatusCode::OK, "{p}");
    let (st, _) = call_as(
        &r,
        &s,
        Some(&token),
        "forum_delete",
        json!({ "id": forum["id"] }),
    );
    assert_eq!(st, StatusCode::FORBIDDEN, "a desk cannot delete the forum");
    // A desk at the exhibition records sales and asks «where is», but deletes no entity.
    let (st, found) = call_as(
        &r,
        &s,
        Some(&token),
        "where_is",
        json!({ "forum_id": forum["id"], "q": "بنك" }),
    );
    assert_eq!(st, StatusCode::OK, "{found}");
    let (st, _) = call_as(&r, &s, Some(&token), "entity_delete", json!({ "id": 1 }));
    assert_eq!(st, StatusCode::FORBIDDEN, "a desk cannot delete an entity");

    let (_, desks) = post(&s, "desk_list", json!({}));
    assert_eq!(desks[0]["paired"], true);
    assert!(desks[0]["last_seen_at"].is_string());

    post(&s, "desk_revoke", json!({ "id": desk["id"] }));
    let (st, _) = call_as(&r, &s, Some(&token), "forum_list", json!({}));
    assert_eq!(st, StatusCode::UNAUTHORIZED, "a revoked desk is refused");
}

#[test]
fn lan_mode_accepts_ip_hosts_but_never_names() {
    let lan = start_with(true);
    let port = lan.addr.port();
    let host = |s: &Server, h: String| {
        Client::new()
            .get(format!("{}/api/health", s.base))
            .header("Host", h)
            .send()
            .unwrap()
            .status()
    };
    assert_eq!(host(&lan, format!("10.20.30.40:{port}")), StatusCode::OK);
    assert_eq!(
        host(&lan, format!("evil.example:{port}")),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        host(&lan, format!("10.20.30.40:{}", port.wrapping_add(1))),
        StatusCode::FORBIDDEN
    );
    let local = start();
    let port = local.addr.port();
    assert_eq!(
        host(&local, format!("10.20.30.40:{port}")),
        StatusCode::FORBIDDEN,
        "loopback mode: own address only"
    );
}

/// A booth device is paired as one entity's booth: the pairing and `desk_me` tell it which, so
/// it opens that entity's booth screen; the host sees the entity beside the desk.
#[test]
fn a_booth_device_is_paired_to_its_entity() {
    let s = start_with(true);
    let r = remote();
    let (_, demo) = post(&s, "demo_load", json!({}));
    let forum = demo["forum_id"].clone();
    let (_, list) = post(&s, "entity_list", json!({ "forum_id": forum }));
    let entity = list["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["status"] != "withdrew")
        .unwrap()
        .clone();
    let withdrew = list["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["status"] == "withdrew")
        .cloned();
    let (st, e) = post(
        &s,
        "desk_create",
        json!({ "name": "ركن خاطئ", "entity_id": 999_999 }),
    );
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    if let Some(w) = withdrew {
        let (st, e) = post(
            &s,
            "desk_create",
            json!({ "name": "ركن جهة معتذرة", "entity_id": w["id"] }),
        );
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    }
    let (st, desk) = post(
        &s,
        "desk_create",
        json!({ "name": "ركن 1", "entity_id": entity["id"] }),
    );
    assert_eq!(st, StatusCode::OK, "{desk}");
    assert_eq!(desk["entity_id"], entity["id"]);
    assert_eq!(desk["entity_name"], entity["name_ar"]);
    let (st, pairing) = call_as(
        &r,
        &s,
        None,
        "desk_pair",
        json!({ "code": desk["pairing_code"] }),
    );
    assert_eq!(st, StatusCode::OK, "{pairing}");
    assert_eq!(pairing["entity_id"], entity["id"]);
    assert_eq!(pairing["forum_id"], forum);
    let token = pairing["token"].as_str().unwrap();
    let (st, me) = call_as(&r, &s, Some(token), "desk_me", json!({}));
    assert_eq!(st, StatusCode::OK, "{me}");
    assert_eq!(me["host"], false);
    assert_eq!(me["desk"]["name"], "ركن 1");
    assert_eq!(me["desk"]["entity_id"], entity["id"]);
    // A registration desk has no entity; the host is the host.
    let (_, plain) = post(&s, "desk_create", json!({ "name": "منصة 1" }));
    assert!(plain["entity_id"].is_null());
    let (_, me) = post(&s, "desk_me", json!({}));
    assert_eq!(me["host"], true);
}
