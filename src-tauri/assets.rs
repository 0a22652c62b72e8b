//! The front end (`ui/`) embedded in the binary, for the HTTP adapter. (The window gets the same
//! files through Tauri's own embedding of `frontendDist`.)

use std::borrow::Cow;

#[derive(rust_embed::RustEmbed)]
#[folder = "ui/"]
struct Ui;

/// A file of the front end by its path under `ui/` (`""` means `index.html`).
pub fn get(path: &str) -> Option<(Cow<'static, [u8]>, String)> {
    let path = path.trim_start_matches('/');
    let path = if path.is_empty() { "index.html" } else { path };
    Ui::get(path).map(|f| (f.data, f.metadata.mimetype().to_string()))
}
