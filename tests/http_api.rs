//! The HTTP adapter on a random loopback port: same commands, JSON errors with Arabic
//! messages, Host/Origin guards, and the UI served at `/`.

use std::net::SocketAddr;

use reqwest::blocking::Client;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{core, forum_json, temp_db, TempDb};

pub struct Server {
    pub base: String,
    pub addr: SocketAddr,
    pub db: TempDb,
    _stop: tokio::sync::oneshot::Sender<()>,
}

pub fn start() -> Server {
    start_with(false)
}

/// A server on a random loopback port; `lan`: in venue-network mode (desk tokens).
pub fn start_with(lan: bool) -> Server {
    let db = temp_db();
    let core = core(&db);
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    std_listener.set_nonblocking(true).unwrap();
    let addr = std_listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(std_listener).unwrap();
            multaqa::adapters::http::serve(core, listener, lan, async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        });
    });
    Server {
        base: format!("http://{addr}"),
        addr,
        db,
        _stop: stop,
    }
}

pub fn post(s: &Server, command: &str, body: Value) -> (StatusCode, Value) {
    let r = Client::new()
        .post(format!("{}/api/{command}", s.base))
        .json(&body)
        .send()
        .unwrap();
    (r.status(), r.json().unwrap())
}

#[test]
fn health_and_forum_round_trip() {
    let s = start();
    let h: Value = reqwest::blocking::get(format!("{}/api/health", s.base))
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(h["ok"], true);
    assert_eq!(h["version"], env!("CARGO_PKG_VERSION"));

    let (st, created) = post(
        &s,
        "forum_create",
        json!({ "forum": forum_json("ملتقى عبر الشبكة") }),
    );
    assert_eq!(st, StatusCode::OK);
    assert_eq!(created["days"][0]["hijri"], "1 رمضان 1445هـ");
    let (st, list) = post(&s, "forum_list", json!({}));
    assert_eq!(st, StatusCode::OK);
    assert_eq!(list[0]["id"], created["id"]);

    // An empty body is the same as `{}`.
    let r = Client::new()
        .post(format!("{}/api/forum_list", s.base))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[test]
fn errors_are_json_with_arabic_messages_and_right_status() {
    let s = start();
    let mut bad = forum_json("");
    bad["day_count"] = json!(40);
    let (st, body) = post(&s, "forum_create", json!({ "forum": bad }));
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "validation");
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["name_ar", "day_count"]);
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("في البيانات خطآن: "));

    let (st, body) = post(&s, "no_such_command", json!({}));
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "unknown_command");

    let (st, body) = post(&s, "forum_get", json!({ "id": 999 }));
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["message"], "الملتقى غير موجود");

    let r = Client::new()
        .post(format!("{}/api/forum_get", s.base))
        .body("{not json")
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let body: Value = r.json().unwrap();
    assert_eq!(body["error"]["code"], "bad_request");
}

#[test]
fn foreign_origin_and_foreign_host_are_refused_and_change_nothing() {
    let s = start();
    let r = Client::new()
        .post(format!("{}/api/forum_create", s.base))
        .header("Origin", "http://evil.example")
        .json(&json!({ "forum": forum_json("هجوم") }))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let body: Value = r.json().unwrap();
    assert_eq!(body["error"]["code"], "forbidden");

    // DNS rebinding: the right socket, the wrong name.
    let r = Client::new()
        .post(format!("{}/api/forum_list", s.base))
        .header("Host", format!("rebind.example:{}", s.addr.port()))
        .send()
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // Our own origin, under either loopback name, is fine; another loopback name is another
    // origin and is refused.
    let port = s.addr.port();
    for (host, origin, ok) in [
        (format!("127.0.0.1:{port}"), s.base.clone(), true),
        (
            format!("localhost:{port}"),
            format!("http://localhost:{port}"),
            true,
        ),
        (
            format!("127.0.0.1:{port}"),
            format!("http://localhost:{port}"),
            false,
        ),
    ] {
        let r = Client::new()
            .post(format!("{}/api/forum_list", s.base))
            .header("Host", host)
            .header("Origin", origin)
            .send()
            .unwrap();
        if !ok {
            assert_eq!(r.status(), StatusCode::FORBIDDEN);
            continue;
        }
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(
            r.json::<Value>().unwrap(),
            json!([]),
            "the refused create saved nothing"
        );
    }
}

#[test]
fn serves_the_rtl_ui_and_its_assets() {
    let s = start();
    let r = reqwest::blocking::get(format!("{}/", s.base)).unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("default-src 'self'"));
    let html = r.text().unwrap();
    assert!(html.contains(r#"<html dir="rtl" lang="ar">"#));
    let js = reqwest::blocking::get(format!("{}/js/api.js", s.base)).unwrap();
    assert!(js.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("javascript"));
    assert!(js.text().unwrap().contains("/api/"));
    let font =
        reqwest::blocking::get(format!("{}/fonts/NotoSansArabic-Regular.ttf", s.base)).unwrap();
    assert_eq!(font.status(), StatusCode::OK);
    assert!(font.bytes().unwrap().len() > 100_000);
    let missing = reqwest::blocking::get(format!("{}/nope.html", s.base)).unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}
