//! The desktop window (Tauri 2). Every `invoke(name, args)` from `ui/` is routed to
//! [`crate::api::call`] on a blocking thread, so the window never freezes on the database.

use tauri::ipc::{Invoke, InvokeBody, InvokeError};
use tauri::{Manager, Runtime};

use crate::api;
use crate::error::{AppError, Result};
use crate::state::Core;

/// The app's Tauri setup, shared by the real window and the mock-runtime tests.
pub fn builder<R: Runtime>(b: tauri::Builder<R>, core: Core) -> tauri::Builder<R> {
    b.manage(core).invoke_handler(handle_invoke::<R>)
}

fn handle_invoke<R: Runtime>(invoke: Invoke<R>) -> bool {
    let core = invoke.message.webview().state::<Core>().inner().clone();
    let command = invoke.message.command().to_string();
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
        let result = tauri::async_runtime::spawn_blocking(move || api::call(&core, &command, args))
            .await
            .map_err(|e| InvokeError::from(AppError::Internal(e.to_string())))?;
        result.map_err(InvokeError::from)
    });
    true
}

/// Opens the main window and runs until it is closed.
pub fn run(core: Core) -> Result<()> {
    builder(tauri::Builder::default(), core)
        .run(tauri::generate_context!())
        .map_err(|e| AppError::Internal(format!("تعذر تشغيل نافذة البرنامج: {e}")))
}
