//! Pages into a PDF with printpdf: shaped lines as positioned glyph IDs (each font embedded once
//! per document, subset by printpdf when saving, with a ToUnicode map from the glyphs' text),
//! rectangles and lines, QR codes as vector squares, and images.

use std::collections::HashMap;

use printpdf::{
    Codepoint, FontId, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Polygon, PolygonRing, Pt, Rect, Rgb, TextItem, TextMatrix,
    WindingOrder,
};

use super::fonts::Face;
use super::shape::Line;
use crate::error::{AppError, Result};
use crate::qr::QrMatrix;

/// An sRGB colour, 0–255 per channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Color(pub u8, pub u8, pub u8);

impl Color {
    pub const BLACK: Color = Color(0x1d, 0x25, 0x21);
    pub const GREEN: Color = Color(0x0b, 0x6b, 0x4a);
    pub const GOLD: Color = Color(0xb8, 0x90, 0x1f);
    pub const WHITE: Color = Color(0xff, 0xff, 0xff);

    fn pdf(self) -> printpdf::Color {
        printpdf::Color::Rgb(Rgb {
            r: f32::from(self.0) / 255.0,
            g: f32::from(self.1) / 255.0,
            b: f32::from(self.2) / 255.0,
            icc_profile: None,
        })
    }

    /// `#rrggbb`.
    pub fn from_hex(s: &str) -> Option<Color> {
        let h = s.trim().strip_prefix('#')?;
        if h.len() != 6 {
            return None;
        }
        let v = u32::from_str_radix(h, 16).ok()?;
        Some(Color((v >> 16) as u8, (v >> 8) as u8, v as u8))
    }
}

/// A PDF being written: fonts are registered once and shared by every page.
pub struct Doc {
    doc: PdfDocument,
    /// Each face once; a second time for lines with tashkeel (their own ToUnicode map).
    fonts: HashMap<(Face, bool), FontId>,
    pages: Vec<PdfPage>,
}

/// One page's drawing operations, in points from the bottom-left corner.
pub struct Page {
    pub width: f32,
    pub height: f32,
    ops: Vec<Op>,
}

impl Doc {
    pub fn new(title: &str) -> Doc {
        Doc {
            doc: PdfDocument::new(title),
            fonts: HashMap::new(),
            pages: Vec::new(),
        }
    }

    fn font(&mut self, face: Face, marked: bool) -> Result<FontId> {
        if let Some(id) = self.fonts.get(&(face, marked)) {
            return Ok(id.clone());
        }
        let mut warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(face.bytes(), 0, &mut warnings)
            .ok_or_else(|| AppError::Internal(format!("تعذر تحميل الخط {}", face.name())))?;
        let id = self.doc.add_font(&parsed);
        self.fonts.insert((face, marked), id.clone());
        Ok(id)
    }

    /// A new page of the given size in millimetres.
    pub fn page(&self, width_mm: f32, height_mm: f32) -> Page {
        Page {
            width: Mm(width_mm).into_pt().0,
            height: Mm(height_mm).into_pt().0,
            ops: Vec::new(),
        }
    }

    pub fn add_page(&mut self, page: Page) {
        self.pages.push(PdfPage::new(
            Mm::from(Pt(page.width)),
            Mm::from(Pt(page.height)),
            page.ops,
        ));
    }

    /// Draws a shaped line with its left end at `x` and its baseline at `y`.
    pub fn text(
        &mut self,
        page: &mut Page,
        line: &Line,
        x: f32,
        y: f32,
        color: Color,
    ) -> Result<()> {
        if line.glyphs.is_empty() {
            return Ok(());
        }
        page.ops.push(Op::StartTextSection);
        page.ops.push(Op::SetFillColor { col: color.pdf() });
        let mut current: Option<Face> = None;
        let mut rise = 0.0;
        for g in &line.glyphs {
            if current != Some(g.face) {
                let id = self.font(g.face, line.marked)?;
                page.ops.push(Op::SetFont {
                    font: PdfFontHandle::External(id),
                    size: Pt(line.style.size),
                });
                current = Some(g.face);
            }
            // Every glyph on the line's baseline; a mark's vertical offset is a text rise, so
            // text extraction keeps marks on their letters' line.
            page.ops.push(Op::SetTextMatrix {
                matrix: TextMatrix::Translate(Pt(x + g.x), Pt(y)),
            });
            if g.y != rise {
                page.ops.push(Op::SetLineOffset { multiplier: g.y });
                rise = g.y;
            }
            page.ops.push(Op::ShowText {
                items: vec![TextItem::GlyphIds(vec![Codepoint {
                    gid: g.gid,
                    offset: 0.0,
                    cid: Some(g.text.clone()),
                }])],
            });
        }
        if rise != 0.0 {
            page.ops.push(Op::SetLineOffset { multiplier: 0.0 });
        }
        page.ops.push(Op::EndTextSection);
        Ok(())
    }

    /// Serialises the document (fonts subset to the glyphs used).
    pub fn finish(mut self) -> Vec<u8> {
        self.doc.with_pages(std::mem::take(&mut self.pages));
        let mut warnings = Vec::new();
        self.doc.save(&PdfSaveOptions::default(), &mut warnings)
    }
}

impl Page {
    /// A filled rectangle (`x`, `y` = bottom-left corner).
    pub fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: Color) {
        self.ops.push(Op::SetFillColor { col: color.pdf() });
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                mode: Some(PaintMode::Fill),
                ..Rect::from_xywh(Pt(x), Pt(y), Pt(w), Pt(h))
            },
        });
    }

    /// A rectangle outline.
    pub fn stroke_rect(&mut self, x: f32, y: f32, w: f32, h: f32, thickness: f32, color: Color) {
        self.ops.push(Op::SetOutlineColor { col: color.pdf() });
        self.ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                mode: Some(PaintMode::Stroke),
                ..Rect::from_xywh(Pt(x), Pt(y), Pt(w), Pt(h))
            },
        });
    }

    /// A QR code as vector squares, `size` points wide, bottom-left corner at (`x`, `y`).
    pub fn qr(&mut self, m: &QrMatrix, x: f32, y: f32, size: f32, color: Color) {
        let cell = size / m.size as f32;
        let pt = |px: f32, py: f32| LinePoint {
            p: Point {
                x: Pt(px),
                y: Pt(py),
            },
            bezier: false,
        };
        let mut rings = Vec::new();
        for row in 0..m.size {
            // One rectangle per horizontal run of dark modules keeps the path small.
            let mut col = 0;
            while col < m.size {
                if !m.is_dark(col, row) {
                    col += 1;
                    continue;
                }
                let start = col;
                while col < m.size && m.is_dark(col, row) {
                    col += 1;
                }
                let (x0, x1) = (x + start as f32 * cell, x + col as f32 * cell);
                let y1 = y + size - row as f32 * cell;
                let y0 = y1 - cell;
                rings.push(PolygonRing {
                    points: vec![pt(x0, y0), pt(x1, y0), pt(x1, y1), pt(x0, y1)],
                });
            }
        }
        self.ops.push(Op::SetFillColor { col: color.pdf() });
        self.ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings,
                mode: PaintMode::Fill,
                winding_order: WindingOrder::NonZero,
            },
        });
    }
}
