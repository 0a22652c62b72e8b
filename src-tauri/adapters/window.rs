//! The desktop window (Tauri 2). Every `invoke(name, args)` from `ui/` is routed to
//! [`crate::api::call`] on a blocking thread, so the window never freezes on the database.
//! Commands that belong to the window itself: `lan_status` and `lan_set`, the settings switch
//! that opens the HTTP API to desks on the venue network; `save_download`, a generated file into
//! the Downloads folder; `open_download`, such a file opened in the system's viewer.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

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
        .manage(Saved::default())
        .invoke_handler(handle_invoke::<R>)
}

/// The files `save_download` wrote in this run: the only ones `open_download` opens (a page
/// can never have the system open a path of its choosing).
#[derive(Clone, Default)]
pub struct Saved(Arc<Mutex<HashSet<PathBuf>>>);

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

/// Runs on the GTK main thread (the window's event loop), where a panic would end the app (it
/// cannot unwind through GTK): a bug in routing a command is caught here, logged by the panic
/// hook, and that one command is answered with [`AppError::Unexpected`] in Arabic; the window
/// goes on. The work itself runs on a blocking thread ([`super::blocking`]), caught there.
fn handle_invoke<R: Runtime>(invoke: Invoke<R>) -> bool {
    let Invoke {
        message, resolver, ..
    } = invoke;
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| route(&message))) {
        Ok(Ok(work)) => resolver.respond_async(work),
        Ok(Err(e)) => resolver.reject(e),
        Err(_) => resolver.reject(AppError::Unexpected),
    }
    true
}

/// A command's answer, to come.
type Work = std::pin::Pin<
    Box<
        dyn std::future::Future<Output = std::result::Result<serde_json::Value, InvokeError>>
            + Send,
    >,
>;

/// What a command from the window runs (on the main thread: only reading the message).
fn route<R: Runtime>(message: &tauri::ipc::InvokeMessage<R>) -> Result<Work> {
    let core = message.webview().state::<Core>().inner().clone();
    let command = message.command().to_string();
    #[cfg(test)]
    if command == "test_panic_on_main_thread" {
        panic!("a bug on the main thread");
    }
    let json = match message.payload() {
        InvokeBody::Json(v) => Some(v.clone()),
        InvokeBody::Raw(_) => None,
    };
    let as_value = |v: Result<serde_json::Value>| v.map_err(InvokeError::from);
    if command == "save_download" || command == "open_download" {
        let saved = message.webview().state::<Saved>().inner().clone();
        let args = json.unwrap_or(serde_json::Value::Null);
        return Ok(Box::pin(async move {
            as_value(
                super::blocking(move || {
                    if command == "save_download" {
                        save_download(&saved, args)
                    } else {
                        open_download(&saved, args)
                    }
                })
                .await,
            )
        }));
    }
    if command == "lan_status" || command == "lan_set" {
        let lan = message.webview().state::<LanServer>().inner().clone();
        let args = json.unwrap_or(serde_json::Value::Null);
        return Ok(Box::pin(async move {
            as_value(lan_command(lan, core, &command, args).await.and_then(|s| {
                serde_json::to_value(s).map_err(|e| AppError::Internal(e.to_string()))
            }))
        }));
    }
    let args = json.ok_or_else(|| AppError::BadRequest("يُتوقع JSON".into()))?;
    Ok(Box::pin(async move {
        as_value(super::blocking(move || api::call(&core, &command, args)).await)
    }))
}

#[derive(Deserialize)]
struct DownloadArgs {
    file_name: String,
    data_base64: String,
}

/// Saves a file the UI produced (an .xlsx of rejected rows …) into the user's Downloads folder,
/// never overwriting: `name.xlsx`, `name (2).xlsx`, … Returns the full path. Window only: over
/// HTTP the browser downloads it itself.
fn save_download(saved: &Saved, args: serde_json::Value) -> Result<serde_json::Value> {
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
    let shown = target.display().to_string();
    if let Ok(mut files) = saved.0.lock() {
        files.insert(target);
    }
    Ok(serde_json::json!({ "path": shown }))
}

#[derive(Deserialize)]
struct OpenArgs {
    path: String,
}

/// Opens a file `save_download` wrote in this run with the system's viewer (the PDF reader, the
/// spreadsheet program). Any other path is refused.
fn open_download(saved: &Saved, args: serde_json::Value) -> Result<serde_json::Value> {
    let a: OpenArgs =
        serde_json::from_value(args).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let path = PathBuf::from(&a.path);
    let known = saved.0.lock().map(|f| f.contains(&path)).unwrap_or(false);
    if !known {
        return Err(AppError::BadRequest(
            "لا يفتح البرنامج إلا ملفاً حفظه بنفسه في مجلد التنزيلات".into(),
        ));
    }
    open_in_viewer(&path)?;
    Ok(serde_json::json!({ "opened": a.path }))
}

fn open_in_viewer(path: &Path) -> Result<()> {
    let failed = || AppError::Internal(format!("تعذر فتح الملف {}", path.display()));
    #[cfg(windows)]
    {
        use windows_sys::Win32::UI::Shell::ShellExecuteW;
        use windows_sys::Win32::UI::WindowsAndMessaging::SW_SHOWNORMAL;
        let (verb, file) = (super::wide("open"), super::wide(path));
        // SAFETY: NUL-terminated UTF-16 strings that outlive the call; no owner window.
        let code = unsafe {
            ShellExecuteW(
                std::ptr::null_mut(),
                verb.as_ptr(),
                file.as_ptr(),
                std::ptr::null(),
                std::ptr::null(),
                SW_SHOWNORMAL,
            )
        };
        // ShellExecute's result above 32 is success (its documented convention).
        if code as isize <= 32 {
            return Err(failed());
        }
    }
    #[cfg(not(windows))]
    {
        let opener = if cfg!(target_os = "macos") {
            "open"
        } else {
            "xdg-open"
        };
        let mut child = std::process::Command::new(opener)
            .arg(path)
            .spawn()
            .map_err(|_| failed())?;
        // Reaped on a thread of its own: the viewer may stay open long after.
        std::thread::spawn(move || child.wait());
    }
    Ok(())
}

/// Opens the main window and runs until it is closed.
pub fn run(core: Core) -> Result<()> {
    // Tauri makes the window inside its event loop, where a failure is a panic: the one
    // foreseeable one, no WebView2 runtime on Windows, is asked about first.
    #[cfg(windows)]
    if !webview2_installed() {
        return Err(window_failed("لم يُعثر على WebView2"));
    }
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
        .build(tauri::generate_context!(
            assets = crate::assets::WindowAssets
        ))
        .map_err(window_failed)?
        .run(|_, _| {});
    Ok(())
}

/// The window could not be made (on Windows: no WebView2 runtime). Said in Arabic, and on
/// Windows in a message box too, since a program opened from the Start menu has no console.
fn window_failed(e: impl std::fmt::Display) -> AppError {
    let hint = if cfg!(windows) {
        " تحتاج نافذة ملتقى إلى Microsoft Edge WebView2، ويأتي مع ويندوز 11 وويندوز 10 المحدَّث: \
         ثبّته من تحديثات ويندوز ثم افتح البرنامج. أوامر سطر الأوامر تعمل دونه."
    } else {
        ""
    };
    let text = format!("تعذر فتح نافذة البرنامج: {e}.{hint}");
    #[cfg(windows)]
    error_box(&text);
    AppError::Internal(text)
}

/// Whether a WebView2 runtime is installed: asked of the loader the GNU build ships beside the
/// program (`WebView2Loader.dll`, already linked by `webview2-com-sys`).
#[cfg(windows)]
fn webview2_installed() -> bool {
    extern "system" {
        fn GetAvailableCoreWebView2BrowserVersionString(
            browser_folder: *const u16,
            version: *mut *mut u16,
        ) -> i32;
    }
    let mut version: *mut u16 = std::ptr::null_mut();
    // SAFETY: a documented loader call; the version string it allocates is freed below.
    let found = unsafe {
        GetAvailableCoreWebView2BrowserVersionString(std::ptr::null(), &mut version) >= 0
            && !version.is_null()
    };
    if !version.is_null() {
        // SAFETY: the string was allocated by the loader with CoTaskMemAlloc.
        unsafe { windows_sys::Win32::System::Com::CoTaskMemFree(version.cast()) };
    }
    found
}

#[cfg(windows)]
fn error_box(text: &str) {
    use windows_sys::Win32::UI::WindowsAndMessaging::{
        MessageBoxW, MB_ICONERROR, MB_OK, MB_RIGHT, MB_RTLREADING,
    };
    let (text, title) = (super::wide(text), super::wide("ملتقى"));
    // SAFETY: two NUL-terminated UTF-16 strings that outlive the call; no owner window.
    unsafe {
        MessageBoxW(
            std::ptr::null_mut(),
            text.as_ptr(),
            title.as_ptr(),
            MB_OK | MB_ICONERROR | MB_RIGHT | MB_RTLREADING,
        );
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};
    use tauri::ipc::{CallbackFn, InvokeBody};
    use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
    use tauri::webview::InvokeRequest;

    fn request(cmd: &str) -> InvokeRequest {
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(json!({})),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        }
    }

    /// A bug while the main thread routes a command (where a panic cannot unwind through GTK
    /// and would end the app) answers that command in Arabic; the window goes on answering.
    #[test]
    fn a_panic_on_the_main_thread_answers_in_arabic_and_the_window_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let core = crate::Core::open(&dir.path().join("m.sqlite3")).unwrap();
        let app = super::builder(mock_builder(), core)
            .build(mock_context(noop_assets()))
            .unwrap();
        let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
        for _ in 0..2 {
            let e = get_ipc_response(&webview, request("test_panic_on_main_thread"))
                .expect_err("refused");
            let e: Value = e;
            assert_eq!(e["code"], "unexpected", "{e}");
            assert_eq!(e["message"], crate::logs::PANIC_MESSAGE);
            let listed = get_ipc_response(&webview, request("forum_list")).unwrap();
            assert!(listed.deserialize::<Value>().unwrap().is_array());
        }
    }
}
