//! QR codes (the `qrcode` crate) as a module matrix, drawn as vector paths: SVG for the screens
//! here, and the same matrix for PDF pages later.

use qrcode::{Color, EcLevel, QrCode};

use crate::error::{AppError, Result};

/// Dark and light modules, row by row, without the quiet zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    pub size: usize,
    pub dark: Vec<bool>,
}

impl QrMatrix {
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        self.dark[y * self.size + x]
    }
}

/// Medium error correction: survives a scuffed badge, stays small.
pub fn matrix(text: &str) -> Result<QrMatrix> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| AppError::Internal(format!("تعذر إنشاء رمز QR: {e}")))?;
    let size = code.width();
    let dark = code
        .to_colors()
        .into_iter()
        .map(|c| c == Color::Dark)
        .collect();
    Ok(QrMatrix { size, dark })
}

/// An SVG of the code: one path of unit squares, a 4-module quiet zone, scalable to any size.
pub fn svg(text: &str) -> Result<String> {
    let m = matrix(text)?;
    let quiet = 4;
    let full = m.size + 2 * quiet;
    let mut path = String::new();
    for y in 0..m.size {
        for x in 0..m.size {
            if m.is_dark(x, y) {
                path.push_str(&format!("M{} {}h1v1h-1z", x + quiet, y + quiet));
            }
        }
    }
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {full} {full}\" shape-rendering=\"crispEdges\" role=\"img\">\
         <rect width=\"{full}\" height=\"{full}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix_has_finder_patterns_and_svg_is_vector() {
        let m = matrix("http://192.168.1.10:8470/#/pair/482913").unwrap();
        assert!(m.size >= 21 && (m.size - 21).is_multiple_of(4));
        // The three finder patterns: dark corners, with a light ring inside.
        for (x, y) in [(0, 0), (m.size - 7, 0), (0, m.size - 7)] {
            assert!(
                m.is_dark(x, y)
                    && m.is_dark(x + 6, y + 6)
                    && !m.is_dark(x + 1, y + 1)
                    && m.is_dark(x + 3, y + 3)
            );
        }
        let s = svg("K7M4QXA").unwrap();
        assert!(s.starts_with("<svg") && s.contains("<path") && !s.contains("<image"));
    }
}
