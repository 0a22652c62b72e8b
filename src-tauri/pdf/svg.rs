//! A page drawn as SVG, for live previews in the app (the window's web view cannot show PDFs).
//! It walks the very operations the PDF is written from — same glyphs at the same places, the
//! glyph outlines taken from the bundled fonts — so the preview is the print.

use std::collections::HashMap;
use std::fmt::Write;

use printpdf::{Op, PaintMode, PdfFontHandle, TextItem, TextMatrix};

use super::fonts::Face;
use super::writer::{Doc, Page};
use crate::error::Result;

/// The page as an SVG document, `width` × `height` points.
pub fn page(doc: &Doc, page: &Page) -> Result<String> {
    let faces: HashMap<&str, Face> = doc
        .fonts
        .iter()
        .map(|((face, _), copy)| (copy.id.0.as_str(), *face))
        .collect();
    let mut out = Svg {
        doc,
        faces,
        glyphs: HashMap::new(),
        defs: String::new(),
        body: String::new(),
    };
    out.ops(&page.ops, 0.0, 0.0, 0);
    let (w, h) = (page.width, page.height);
    Ok(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.1} {h:.1}" width="{w:.0}" height="{h:.0}" direction="ltr"><rect width="100%" height="100%" fill="#fff"/><defs>{}</defs><g transform="matrix(1 0 0 -1 0 {h:.2})">{}</g></svg>"##,
        out.defs, out.body
    ))
}

struct Svg<'a> {
    doc: &'a Doc,
    faces: HashMap<&'a str, Face>,
    /// Glyphs already defined: (face, gid) → id in `defs`.
    glyphs: HashMap<(Face, u16), String>,
    defs: String,
    body: String,
}

#[derive(Clone, Copy)]
struct State {
    fill: [u8; 3],
    stroke: [u8; 3],
    width: f32,
    face: Option<Face>,
    size: f32,
    x: f32,
    y: f32,
    rise: f32,
}

fn rgb(c: &printpdf::Color) -> [u8; 3] {
    match c {
        printpdf::Color::Rgb(c) => [
            (c.r * 255.0).round() as u8,
            (c.g * 255.0).round() as u8,
            (c.b * 255.0).round() as u8,
        ],
        _ => [0, 0, 0],
    }
}

fn hex(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

impl Svg<'_> {
    fn ops(&mut self, ops: &[Op], dx: f32, dy: f32, depth: u8) {
        let mut s = State {
            fill: [0, 0, 0],
            stroke: [0, 0, 0],
            width: 1.0,
            face: None,
            size: 12.0,
            x: 0.0,
            y: 0.0,
            rise: 0.0,
        };
        if dx != 0.0 || dy != 0.0 {
            let _ = write!(self.body, r#"<g transform="translate({dx:.2} {dy:.2})">"#);
        }
        for op in ops {
            match op {
                Op::SetFillColor { col } => s.fill = rgb(col),
                Op::SetOutlineColor { col } => s.stroke = rgb(col),
                Op::SetOutlineThickness { pt } => s.width = pt.0,
                Op::SetFont {
                    font: PdfFontHandle::External(id),
                    size,
                } => {
                    s.face = self.faces.get(id.0.as_str()).copied();
                    s.size = size.0;
                }
                Op::SetTextMatrix {
                    matrix: TextMatrix::Translate(x, y),
                } => {
                    s.x = x.0;
                    s.y = y.0;
                }
                Op::SetLineOffset { multiplier } => s.rise = *multiplier,
                Op::ShowText { items } => {
                    for item in items {
                        if let TextItem::GlyphIds(glyphs) = item {
                            for g in glyphs {
                                self.glyph(&s, g.gid);
                            }
                        }
                    }
                }
                Op::DrawRectangle { rectangle: r } => {
                    let paint = match r.mode {
                        Some(PaintMode::Stroke) => format!(
                            r#"fill="none" stroke="{}" stroke-width="{:.2}""#,
                            hex(s.stroke),
                            s.width
                        ),
                        _ => format!(r#"fill="{}""#, hex(s.fill)),
                    };
                    let _ = write!(
                        self.body,
                        r#"<rect x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" {paint}/>"#,
                        r.x.0, r.y.0, r.width.0, r.height.0
                    );
                }
                Op::DrawLine { line } => {
                    let d: Vec<String> = line
                        .points
                        .iter()
                        .enumerate()
                        .map(|(i, p)| {
                            format!(
                                "{}{:.2} {:.2}",
                                if i == 0 { "M" } else { "L" },
                                p.p.x.0,
                                p.p.y.0
                            )
                        })
                        .collect();
                    let _ = write!(
                        self.body,
                        r#"<path d="{}" fill="none" stroke="{}" stroke-width="{:.2}"/>"#,
                        d.join(" "),
                        hex(s.stroke),
                        s.width
                    );
                }
                Op::DrawPolygon { polygon } => {
                    let mut d = String::new();
                    for ring in &polygon.rings {
                        for (i, p) in ring.points.iter().enumerate() {
                            let _ = write!(
                                d,
                                "{}{:.2} {:.2}",
                                if i == 0 { "M" } else { "L" },
                                p.p.x.0,
                                p.p.y.0
                            );
                        }
                        d.push('Z');
                    }
                    let _ = write!(self.body, r#"<path d="{d}" fill="{}"/>"#, hex(s.fill));
                }
                Op::UseXobject { id, transform } => {
                    let tx = transform.translate_x.map_or(0.0, |p| p.0);
                    let ty = transform.translate_y.map_or(0.0, |p| p.0);
                    if let Some((bytes, w, h)) = self.doc.images.get(&id.0) {
                        let w = w * transform.scale_x.unwrap_or(1.0);
                        let h = h * transform.scale_y.unwrap_or(1.0);
                        self.image(bytes, tx, ty, w, h);
                    } else if depth < 2 {
                        let stamp = self
                            .doc
                            .stamps
                            .iter()
                            .find(|(sid, _)| sid.0 == id.0)
                            .map(|(_, p)| p.ops.clone());
                        if let Some(stamp_ops) = stamp {
                            self.ops(&stamp_ops, tx, ty, depth + 1);
                        }
                    }
                }
                _ => {}
            }
        }
        if dx != 0.0 || dy != 0.0 {
            self.body.push_str("</g>");
        }
    }

    fn image(&mut self, bytes: &[u8], x: f32, y: f32, w: f32, h: f32) {
        use base64::Engine;
        let Some(mime) = crate::forum::sniff_image(bytes) else {
            return;
        };
        let _ = write!(
            self.body,
            r#"<g transform="translate({x:.2} {:.2}) scale(1 -1)"><image width="{w:.2}" height="{h:.2}" preserveAspectRatio="none" href="data:{mime};base64,{}"/></g>"#,
            y + h,
            base64::engine::general_purpose::STANDARD.encode(bytes)
        );
    }

    fn glyph(&mut self, s: &State, gid: u16) {
        let Some(face) = s.face else {
            return;
        };
        let id = match self.glyphs.get(&(face, gid)) {
            Some(id) => id.clone(),
            None => {
                let id = format!("g{}-{gid}", face as usize);
                let d = outline(face, gid);
                let _ = write!(self.defs, r#"<path id="{id}" d="{d}"/>"#);
                self.glyphs.insert((face, gid), id.clone());
                id
            }
        };
        let scale = s.size / face.font().units_per_em;
        let _ = write!(
            self.body,
            "<use href=\"#{id}\" fill=\"{}\" transform=\"translate({:.2} {:.2}) scale({scale:.5})\"/>",
            hex(s.fill),
            s.x,
            s.y + s.rise
        );
    }
}

/// A glyph's outline as SVG path data, in font units (y up).
fn outline(face: Face, gid: u16) -> String {
    struct Path(String);
    impl ttf_parser::OutlineBuilder for Path {
        fn move_to(&mut self, x: f32, y: f32) {
            let _ = write!(self.0, "M{x} {y}");
        }
        fn line_to(&mut self, x: f32, y: f32) {
            let _ = write!(self.0, "L{x} {y}");
        }
        fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
            let _ = write!(self.0, "Q{x1} {y1} {x} {y}");
        }
        fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
            let _ = write!(self.0, "C{x1} {y1} {x2} {y2} {x} {y}");
        }
        fn close(&mut self) {
            self.0.push('Z');
        }
    }
    let mut path = Path(String::new());
    if let Ok(f) = ttf_parser::Face::parse(face.bytes(), 0) {
        let _ = f.outline_glyph(ttf_parser::GlyphId(gid), &mut path);
    }
    path.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::shape::shape_line;
    use crate::pdf::{Color, Style};

    #[test]
    fn a_preview_draws_every_glyph_from_the_fonts_outlines() {
        let mut doc = Doc::new("t");
        let mut p = doc.page(100.0, 50.0);
        let line = shape_line("ملتقى التمكين", Style::new(Face::AmiriBold, 20.0)).unwrap();
        doc.text(&mut p, &line, 10.0, 20.0, Color::GREEN).unwrap();
        p.fill_rect(0.0, 0.0, 10.0, 10.0, Color::GOLD);
        let svg = page(&doc, &p).unwrap();
        let uses = svg.matches("<use ").count();
        assert_eq!(uses, line.glyphs.len());
        assert!(
            svg.contains("fill=\"#0b6b4a\""),
            "glyphs in the text colour"
        );
        assert!(svg.contains("<rect x=\"0.00\""));
        // Every glyph that draws ink has an outline.
        assert!(svg.matches("<path id=").count() >= 5);
        assert!(svg.matches(" d=\"M").count() >= 5);

        // An image drawn 40 × 20 points appears at that size, once per use.
        let png = base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            "iVBORw0KGgoAAAANSUhEUgAAAAQAAAACCAIAAADwyuo0AAAAEElEQVR4nGPgzvaCIwZkDgBMIgYBftS2/gAAAABJRU5ErkJggg==",
        )
        .unwrap();
        let image = doc.image(&png).unwrap();
        assert_eq!((image.width_px, image.height_px), (4.0, 2.0));
        p.image(&image, 5.0, 5.0, 40.0, 20.0);
        let svg = page(&doc, &p).unwrap();
        assert!(
            svg.contains("<image width=\"40.00\" height=\"20.00\""),
            "{svg}"
        );
        assert!(svg.contains("href=\"data:image/png;base64,"));
    }
}
