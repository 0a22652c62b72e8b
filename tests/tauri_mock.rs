//! Commands through Tauri's IPC with the mock runtime: the window's door, no display needed.

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindowBuilder;

use crate::common::{core, forum_json, temp_db};

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
