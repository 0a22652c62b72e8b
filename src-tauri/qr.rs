//! QR codes (the `qrcode` crate) as a module matrix, drawn as vector paths: SVG for the screens
//! here, and the same matrix for PDF pages later.

use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::{Color, EcLevel, QrCode};

use crate::error::{AppError, Result};

/// Dark and light modules, row by row, without the quiet zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    pub size: usize,
    pub dark: Vec<bool>,
}

impl QrMatrix {
    fn from_colors(size: usize, colors: Vec<Color>) -> QrMatrix {
        let dark = colors.into_iter().map(|c| c == Color::Dark).collect();
        QrMatrix { size, dark }
    }

    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        self.dark[y * self.size + x]
    }
}

/// Medium error correction: survives a scuffed badge, stays small.
pub fn matrix(text: &str) -> Result<QrMatrix> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| AppError::Internal(format!("تعذر إنشاء رمز QR: {e}")))?;
    Ok(QrMatrix::from_colors(code.width(), code.to_colors()))
}

/// The same code with a fixed mask, for batches of thousands (certificates): a QR code is valid
/// with any of its eight masks (the reader takes it from the format bits); choosing the best
/// one scores all eight, which was a quarter of a certificate batch's time.
pub fn matrix_fixed_mask(text: &str) -> Result<QrMatrix> {
    let fail = |e: qrcode::types::QrError| AppError::Internal(format!("تعذر إنشاء رمز QR: {e}"));
    let bits = qrcode::bits::encode_auto(text.as_bytes(), EcLevel::M).map_err(fail)?;
    let version = bits.version();
    let (data, ec) =
        qrcode::ec::construct_codewords(&bits.into_bytes(), version, EcLevel::M).map_err(fail)?;
    let mut canvas = Canvas::new(version, EcLevel::M);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ec);
    canvas.apply_mask(MaskPattern::Checkerboard);
    Ok(QrMatrix::from_colors(
        version.width().max(0) as usize,
        canvas.into_colors(),
    ))
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

    #[test]
    fn a_fixed_mask_gives_a_code_of_the_same_shape() {
        let text = "SEF-1441-01-000123.OxKeBuPqf98";
        let best = matrix(text).unwrap();
        let fixed = matrix_fixed_mask(text).unwrap();
        assert_eq!(best.size, fixed.size);
        // The finder patterns (corners) are not masked: the same in both.
        for (x, y) in [(0, 0), (6, 6), (fixed.size - 1, 0), (0, fixed.size - 1)] {
            assert_eq!(best.is_dark(x, y), fixed.is_dark(x, y));
        }
        assert!(fixed.dark.iter().filter(|d| **d).count() > fixed.dark.len() / 4);
    }
}
