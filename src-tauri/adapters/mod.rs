//! The three thin doors into the core: the desktop window (Tauri), the HTTP API, the CLI.
//! Adapters translate transport to [`crate::api::call`] and back; they hold no domain rules.

pub mod cli;
pub mod console;
pub mod http;
pub mod window;

use crate::error::{AppError, Result};

/// A string as Windows' wide APIs take it: UTF-16, NUL-terminated.
#[cfg(windows)]
pub(crate) fn wide(s: impl AsRef<std::ffi::OsStr>) -> Vec<u16> {
    use std::os::windows::ffi::OsStrExt;
    s.as_ref().encode_wide().chain(Some(0)).collect()
}

/// Runs database work off the async threads, for the window and the HTTP server alike. Work
/// that panicked (a bug: logged by the panic hook) is answered with [`AppError::Unexpected`] in
/// Arabic, and the door goes on answering. Call it from inside the async runtime.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .unwrap_or(Err(AppError::Unexpected))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn work_that_panics_is_answered_in_arabic_and_the_next_work_runs() {
        let e = blocking(|| -> Result<()> { panic!("a bug in a command") })
            .await
            .unwrap_err();
        assert_eq!(e.code(), "unexpected");
        assert_eq!(e.to_string(), crate::logs::PANIC_MESSAGE);
        assert_eq!(blocking(|| Ok(7)).await.unwrap(), 7);
    }
}
