//! Commands through Tauri's IPC with the mock runtime: the window's door, no display needed.

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindowBuilder;

use crate::common::{core, forum_json, temp_db};

/// The app's Tauri setup on the mock runtime, with its main webview.
fn mock_app(
    db: &crate::common::TempDb,
) -> (
    tauri::App<tauri::test::MockRuntime>,
    tauri::WebviewWindow<tauri::test::MockRuntime>,
) {
    let app = multaqa::adapters::window::builder(mock_builder(), core(db))
        .build(mock_context(noop_assets()))
        .unwrap();
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    (app, webview)
}

fn request(cmd: &str, body: Value) -> InvokeRequest {
    InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body: InvokeBody::Json(body),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    }
}

#[test]
fn forum_commands_through_tauri_ipc() {
    let db = temp_db();
    let core = core(&db);
    let app = multaqa::adapters::window::builder(mock_builder(), core.clone())
        .build(mock_context(noop_assets()))
        .unwrap();
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();

    let created: Value = get_ipc_response(
        &webview,
        request(
            "forum_create",
            json!({ "forum": forum_json("ملتقى النافذة") }),
        ),
    )
    .expect("created")
    .deserialize()
    .unwrap();
    assert_eq!(created["name_ar"], "ملتقى النافذة");
    assert_eq!(
        created["days"][1]["full"],
        "الثلاثاء 2 رمضان 1445هـ — 12 مارس 2024م"
    );

    // Same JSON as the registry gives the HTTP adapter.
    let via_ipc: Value = get_ipc_response(&webview, request("forum_list", json!({})))
        .unwrap()
        .deserialize()
        .unwrap();
    let direct = multaqa::api::call(&core, "forum_list", json!({})).unwrap();
    assert_eq!(via_ipc, direct);

    let err = get_ipc_response(
        &webview,
        request("forum_create", json!({ "forum": { "name_ar": "" } })),
    )
    .expect_err("validation error");
    assert_eq!(err["code"], "validation");
    assert_eq!(err["fields"][0]["message"], "اسم الملتقى بالعربية مطلوب");

    let err = get_ipc_response(&webview, request("no_such", json!({}))).expect_err("unknown");
    assert_eq!(err["code"], "unknown_command");
}

#[test]
fn settings_switch_opens_and_closes_the_lan_server() {
    let db = temp_db();
    let (_app, webview) = mock_app(&db);
    let ask = |cmd: &str, body: Value| -> Value {
        get_ipc_response(&webview, request(cmd, body))
            .expect(cmd)
            .deserialize()
            .unwrap()
    };
    assert_eq!(ask("lan_status", json!({}))["enabled"], false);
    let on = ask("lan_set", json!({ "enabled": true, "port": 0 }));
    assert_eq!(on["enabled"], true);
    let port = on["port"].as_u64().unwrap();
    let health: Value = reqwest::blocking::get(format!("http://127.0.0.1:{port}/api/health"))
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(health["ok"], true);
    // Another machine (simulated from 127.0.0.2) needs a desk token.
    let remote = reqwest::blocking::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, 2]))
        .build()
        .unwrap();
    let r = remote
        .post(format!("http://127.0.0.1:{port}/api/forum_list"))
        .send()
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::UNAUTHORIZED);

    let off = ask("lan_set", json!({ "enabled": false }));
    assert_eq!(off["enabled"], false);
    let mut closed = false;
    for _ in 0..50 {
        if std::net::TcpStream::connect(("127.0.0.1", port as u16)).is_err() {
            closed = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(closed, "the server stops when switched off");
}

#[test]
fn the_window_saves_generated_files_to_downloads_without_overwriting() {
    use base64::Engine;
    let db = temp_db();
    let (_app, webview) = mock_app(&db);
    let name = format!("اختبار-{}.xlsx", uuid::Uuid::new_v4());
    let body = json!({ "file_name": name, "data_base64": base64::engine::general_purpose::STANDARD.encode(b"PK-bytes") });
    let save = || -> String {
        let v: Value = get_ipc_response(&webview, request("save_download", body.clone()))
            .expect("saved")
            .deserialize()
            .unwrap();
        v["path"].as_str().unwrap().to_string()
    };
    let first = save();
    let second = save();
    assert_ne!(first, second, "an existing file is never overwritten");
    assert!(second.ends_with(" (2).xlsx"), "{second}");
    assert_eq!(std::fs::read(&first).unwrap(), b"PK-bytes");
    std::fs::remove_file(&first).unwrap();
    std::fs::remove_file(&second).unwrap();
}

#[test]
fn the_window_opens_only_files_it_saved_itself() {
    let db = temp_db();
    let (_app, webview) = mock_app(&db);
    for path in [
        db.path.to_string_lossy().to_string(),
        "C:\\Windows\\System32\\cmd.exe".to_string(),
        "/usr/bin/sh".to_string(),
    ] {
        let refused = get_ipc_response(&webview, request("open_download", json!({ "path": path })))
            .expect_err("a path the window did not save is never opened");
        let text = format!("{refused:?}");
        assert!(text.contains("حفظه بنفسه"), "{text}");
    }
}
