//! The desktop window (Tauri 2). Every `invoke(name, args)` from `ui/` is routed to
//! [`crate::api::call`] on a blocking thread, so the window never freezes on the database.
//! Two commands belong to the window itself: `lan_status` and `lan_set`, the settings switch
//! that opens the HTTP API to desks on the venue network.

use std::net::SocketAddr;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tauri::ipc::{Invoke, InvokeBody, InvokeError};
use tauri::{Manager, Runtime};

use crate::adapters::http;
use crate::api;
use crate::error::{AppError, Result};
use crate::state::Core;

/// The app's Tauri setup, shared by the real window and the mock-runtime tests.
pub fn builder<R: Runtime>(b: tauri::Builder<R>, core: Core) -> tauri::Builder<R> {
    b.manage(core)
        .manage(LanServer::default())
        .invoke_handler(handle_invoke::<R>)
}

/// The HTTP server the window runs for desks on the venue network, when switched on.
#[derive(Clone, Default)]
pub struct LanServer(Arc<tokio::sync::Mutex<Option<Running>>>);

struct Running {
    port: u16,
    stop: tokio::sync::oneshot::Sender<()>,
}

#[derive(Debug, Serialize)]
pub struct LanStatus {
    pub enabled: bool,
    pub port: Option<u16>,
    /// Addresses to open on the desks.
    pub urls: Vec<String>,
}

#[derive(Deserialize)]
struct LanArgs {
    enabled: bool,
    #[serde(default = "default_port")]
    port: u16,
}

fn default_port() -> u16 {
    8470
}

async fn lan_command(
    lan: LanServer,
    core: Core,
    command: &str,
    args: serde_json::Value,
) -> Result<LanStatus> {
    let mut running = lan.0.lock().await;
    if command == "lan_set" {
        let a: LanArgs =
            serde_json::from_value(args).map_err(|e| AppError::BadRequest(e.to_string()))?;
        match (a.enabled, running.take()) {
            (true, Some(r)) => *running = Some(r),
            (true, None) => {
                let listener = http::bind(SocketAddr::from(([0, 0, 0, 0], a.port)), true)
                    .await
                    .map_err(|e| {
                        AppError::field("port", &format!("تعذر فتح المنفذ {}: {e}", a.port))
                    })?;
                let port = listener.local_addr()?.port();
                let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
                tauri::async_runtime::spawn(async move {
                    let _ = http::serve(core, listener, true, async {
                        let _ = stopped.await;
                    })
                    .await;
                });
                *running = Some(Running { port, stop });
            }
            (false, Some(r)) => {
                let _ = r.stop.send(());
            }
            (false, None) => {}
        }
    }
    let port = running.as_ref().map(|r| r.port);
    Ok(LanStatus {
        enabled: port.is_some(),
        port,
        urls: port.map(http::lan_urls).unwrap_or_default(),
    })
}

fn handle_invoke<R: Runtime>(invoke: Invoke<R>) -> bool {
    let core = invoke.message.webview().state::<Core>().inner().clone();
    let command = invoke.message.command().to_string();
    if command == "save_download" {
        let args = match invoke.message.payload() {
            InvokeBody::Json(v) => v.clone(),
            InvokeBody::Raw(_) => serde_json::Value::Null,
        };
        invoke.resolver.respond_async(async move {
            super::blocking(move || save_download(args))
                .await
                .map_err(InvokeError::from)
        });
        return true;
    }
    if command == "lan_status" || command == "lan_set" {
        let lan = invoke
            .message
            .webview()
            .state::<LanServer>()
            .inner()
            .clone();
        let args = match invoke.message.payload() {
            InvokeBody::Json(v) => v.clone(),
            InvokeBody::Raw(_) => serde_json::Value::Null,
        };
        invoke.resolver.respond_async(async move {
            lan_command(lan, core, &command, args)
                .await
                .map_err(InvokeError::from)
        });
        return true;
    }
    let args = match invoke.message.payload() {
        InvokeBody::Json(v) => v.clone(),
        InvokeBody::Raw(_) => {
            invoke
                .resolver
                .reject(AppError::BadRequest("يُتوقع JSON".into()));
            return true;
        }
    };
    invoke.resolver.respond_async(async move {
        super::blocking(move || api::call(&core, &command, args))
            .await
            .map_err(InvokeError::from)
    });
    true
}

#[derive(Deserialize)]
struct DownloadArgs {
    file_name: String,
    data_base64: String,
}

/// Saves a file the UI produced (an .xlsx of rejected rows …) into the user's Downloads folder,
/// never overwriting: `name.xlsx`, `name (2).xlsx`, … Returns the full path. Window only: over
/// HTTP the browser downloads it itself.
fn save_download(args: serde_json::Value) -> Result<serde_json::Value> {
    use base64::Engine;
    let a: DownloadArgs =
        serde_json::from_value(args).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(a.data_base64.trim())
        .map_err(|_| AppError::BadRequest("ملف غير مقروء".into()))?;
    let safe: String = a
        .file_name
        .chars()
        .map(|c| {
            if matches!(c, '/' | '\\' | ':' | '\0') {
                '-'
            } else {
                c
            }
        })
        .collect();
    let dir = dirs::download_dir()
        .or_else(dirs::home_dir)
        .ok_or_else(|| AppError::Internal("لم يُعثر على مجلد التنزيلات".into()))?;
    std::fs::create_dir_all(&dir)?;
    let path = std::path::Path::new(&safe);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| "ملف".into());
    let ext = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    let mut target = dir.join(format!("{stem}{ext}"));
    let mut n = 2;
    while target.exists() {
        target = dir.join(format!("{stem} ({n}){ext}"));
        n += 1;
    }
    std::fs::write(&target, bytes)?;
    Ok(serde_json::json!({ "path": target.display().to_string() }))
}

/// Opens the main window and runs until it is closed.
pub fn run(core: Core) -> Result<()> {
    builder(tauri::Builder::default(), core)
        .setup(|app| {
            // A panic on any thread is logged (see crate::logs), then told in the window.
            let handle = app.handle().clone();
            crate::logs::on_panic(move |message| {
                if let Some(w) = handle.get_webview_window("main") {
                    let text = serde_json::to_string(message).unwrap_or_default();
                    let _ = w.eval(format!(
                        "window.multaqaPanic && window.multaqaPanic({text})"
                    ));
                }
            });
            Ok(())
        })
        // The window's files are the ones the HTTP server serves (embedded once: `assets`).
        .run(tauri::generate_context!(
            assets = crate::assets::WindowAssets
        ))
        .map_err(|e| AppError::Internal(format!("تعذر تشغيل نافذة البرنامج: {e}")))
}
