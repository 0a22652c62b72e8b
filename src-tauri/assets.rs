//! The front end (`ui/`), embedded once in the binary and compressed (deflate: the fonts are
//! most of it): the HTTP adapter serves it to desks, the window gets it through
//! [`WindowAssets`] (Tauri's own embedding of `frontendDist` is turned off in
//! `generate_context!`), and the PDF engine reads its fonts from it ([`bytes`]).
//!
//! Invariant: `ui/` is in the binary exactly once; a file is inflated when asked for (the PDF
//! fonts once, then kept).

use std::borrow::Cow;

use tauri::utils::assets::{AssetKey, AssetsIter, CspHash};

#[derive(rust_embed::RustEmbed)]
#[folder = "ui/"]
#[compression = "deflate"]
struct Ui;

/// A file of the front end by its path under `ui/` (`""` means `index.html`).
pub fn get(path: &str) -> Option<(Cow<'static, [u8]>, String)> {
    let path = path.trim_start_matches('/');
    let path = if path.is_empty() { "index.html" } else { path };
    Ui::get(path).map(|f| (f.data, f.metadata.mimetype().to_string()))
}

/// The bytes of a file under `ui/` for the life of the program (the PDF engine's fonts):
/// inflated the first time, then kept.
pub fn bytes(path: &str) -> Option<&'static [u8]> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static KEPT: OnceLock<Mutex<HashMap<String, &'static [u8]>>> = OnceLock::new();
    let mut kept = KEPT
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    if let Some(b) = kept.get(path) {
        return Some(b);
    }
    let b: &'static [u8] = match Ui::get(path)?.data {
        Cow::Borrowed(b) => b,
        Cow::Owned(v) => Box::leak(v.into_boxed_slice()),
    };
    kept.insert(path.to_string(), b);
    Some(b)
}

/// The same files for the Tauri window.
pub struct WindowAssets;

impl<R: tauri::Runtime> tauri::Assets<R> for WindowAssets {
    fn get(&self, key: &AssetKey) -> Option<Cow<'_, [u8]>> {
        Ui::get(key.as_ref().trim_start_matches('/')).map(|f| f.data)
    }

    fn iter(&self) -> Box<AssetsIter<'_>> {
        Box::new(Ui::iter().filter_map(|path| {
            let data = Ui::get(&path)?.data;
            Some((path, data))
        }))
    }

    fn csp_hashes(&self, _html_path: &AssetKey) -> Box<dyn Iterator<Item = CspHash<'_>> + '_> {
        // No inline scripts or styles to hash: the configured CSP allows 'self' only.
        Box::new(std::iter::empty())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_window_the_server_and_the_pdf_fonts_read_the_same_files() {
        let (html, mime) = super::get("/").unwrap();
        assert_eq!(mime, "text/html");
        assert!(std::str::from_utf8(&html).unwrap().contains("dir=\"rtl\""));
        let font = super::bytes("fonts/Amiri-Regular.ttf").unwrap();
        assert_eq!(&font[..4], &[0, 1, 0, 0], "a TrueType font");
        let key = tauri::utils::assets::AssetKey::from("/fonts/Amiri-Regular.ttf");
        let same = <super::WindowAssets as tauri::Assets<tauri::test::MockRuntime>>::get(
            &super::WindowAssets,
            &key,
        )
        .unwrap();
        assert_eq!(&*same, font, "the same file");
        assert_eq!(
            super::bytes("fonts/Amiri-Regular.ttf").unwrap().as_ptr(),
            font.as_ptr(),
            "inflated once, then kept"
        );
    }
}
