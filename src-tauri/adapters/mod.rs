//! The three thin doors into the core: the desktop window (Tauri), the HTTP API, the CLI.
//! Adapters translate transport to [`crate::api::call`] and back; they hold no domain rules.

pub mod cli;
pub mod http;
pub mod window;
