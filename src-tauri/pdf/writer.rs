//! Pages into a PDF with printpdf: shaped lines as positioned glyph IDs (each font embedded once
//! per document as a subset of the glyphs used, with a ToUnicode map from the glyphs' text),
//! rectangles and lines, QR codes as vector squares, and images (embedded once, drawn on any
//! number of pages).

use std::collections::{BTreeMap, HashMap};

use printpdf::{
    Codepoint, FontId, Line as PdfLine, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument,
    PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, RawImage, Rect, Rgb, TextItem, TextMatrix,
    XObjectId, XObjectTransform,
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
    pub const GREY: Color = Color(0x6b, 0x72, 0x80);

    /// Black or white, whichever reads better on this colour as a background.
    pub fn contrasting(self) -> Color {
        let lum =
            0.2126 * f32::from(self.0) + 0.7152 * f32::from(self.1) + 0.0722 * f32::from(self.2);
        if lum > 150.0 {
            Color::BLACK
        } else {
            Color::WHITE
        }
    }

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
///
/// A PDF font maps each glyph to one text for the whole document (its ToUnicode map), but one
/// glyph can stand for different text: a letter alone or with its tashkeel, the lam of «لا» or
/// of «لأ». So a face is embedded in as many copies as it needs, each an independent subset,
/// and every glyph is drawn with the first copy whose map agrees with the text it stands for
/// here — text extraction is then exact. Most documents need one copy per face.
pub struct Doc {
    doc: PdfDocument,
    pub(super) fonts: HashMap<(Face, usize), Copy>,
    pages: Vec<PdfPage>,
    pub(super) stamps: Vec<(XObjectId, PdfPage)>,
    /// Each image's file and size in pixels, for drawing previews (see `svg`).
    pub(super) images: HashMap<String, (Vec<u8>, f32, f32)>,
}

/// Content drawn once and placed on any number of pages (a PDF form XObject): the parts of a
/// certificate that are the same for everyone are written once per document, not per page.
#[derive(Debug, Clone)]
pub struct Stamp {
    id: XObjectId,
}

/// One embedded copy of a face: the glyphs drawn with it and the text each stands for.
pub(super) struct Copy {
    pub(super) id: FontId,
    texts: BTreeMap<u16, String>,
}

impl Copy {
    pub(super) fn texts(&self) -> &BTreeMap<u16, String> {
        &self.texts
    }
}

/// An image embedded in a document, to draw with [`Page::image`] on any of its pages.
#[derive(Debug, Clone)]
pub struct Image {
    id: XObjectId,
    pub width_px: f32,
    pub height_px: f32,
}

impl Image {
    /// The largest size (points) that fits in `w` × `h` keeping the proportions.
    pub fn fit(&self, w: f32, h: f32) -> (f32, f32) {
        let scale = (w / self.width_px).min(h / self.height_px);
        (self.width_px * scale, self.height_px * scale)
    }
}

/// One page's drawing operations, in points from the bottom-left corner.
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub(super) ops: Vec<Op>,
}

impl Doc {
    pub fn new(title: &str) -> Doc {
        Doc {
            doc: PdfDocument::new(title),
            fonts: HashMap::new(),
            pages: Vec::new(),
            stamps: Vec::new(),
            images: HashMap::new(),
        }
    }

    /// The copy of `face` that draws `gid` standing for `text` (see [`Doc`]); fonts are
    /// embedded when the document is finished.
    fn font(&mut self, face: Face, gid: u16, text: &str) -> (usize, &FontId) {
        let mut n = 0;
        loop {
            let agrees = match self.fonts.get(&(face, n)) {
                None => true,
                Some(c) => c.texts.get(&gid).is_none_or(|t| t == text),
            };
            if agrees {
                break;
            }
            n += 1;
        }
        let copy = self.fonts.entry((face, n)).or_insert_with(|| Copy {
            id: FontId::new(),
            texts: BTreeMap::new(),
        });
        copy.texts.entry(gid).or_insert_with(|| text.to_string());
        (n, &copy.id)
    }

    /// Embeds a PNG or JPEG once; draw it with [`Page::image`].
    pub fn image(&mut self, bytes: &[u8]) -> Result<Image> {
        let mut warnings = Vec::new();
        let raw = RawImage::decode_from_bytes(bytes, &mut warnings).map_err(|e| {
            AppError::field("image", &format!("تعذرت قراءة الصورة (PNG أو JPEG): {e}"))
        })?;
        let (width_px, height_px) = (raw.width as f32, raw.height as f32);
        if width_px < 1.0 || height_px < 1.0 {
            return Err(AppError::field("image", "الصورة فارغة"));
        }
        let id = self.doc.add_image(&raw);
        self.images
            .insert(id.0.clone(), (bytes.to_vec(), width_px, height_px));
        Ok(Image {
            id,
            width_px,
            height_px,
        })
    }

    /// A new page of the given size in millimetres.
    pub fn page(&self, width_mm: f32, height_mm: f32) -> Page {
        Page {
            width: Mm(width_mm).into_pt().0,
            height: Mm(height_mm).into_pt().0,
            ops: Vec::new(),
        }
    }

    /// Turns a page's drawing into a [`Stamp`] to place on pages with [`Page::stamp`].
    pub fn stamp(&mut self, page: Page) -> Stamp {
        let id = XObjectId::new();
        let drawn = PdfPage::new(
            Mm::from(Pt(page.width)),
            Mm::from(Pt(page.height)),
            page.ops,
        );
        self.stamps.push((id.clone(), drawn));
        Stamp { id }
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
        let mut current: Option<(Face, usize)> = None;
        let mut rise = 0.0;
        for g in &line.glyphs {
            let (n, id) = self.font(g.face, g.gid, &g.text);
            if current != Some((g.face, n)) {
                let id = id.clone();
                page.ops.push(Op::SetFont {
                    font: PdfFontHandle::External(id),
                    size: Pt(line.style.size),
                });
                current = Some((g.face, n));
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

    /// Serialises the document, each font embedded as a subset of the glyphs drawn with it.
    pub fn finish(mut self) -> Result<Vec<u8>> {
        let mut remaps: HashMap<String, Vec<u16>> = HashMap::new();
        for ((face, _), copy) in &self.fonts {
            let (parsed, remap) = subset(*face, copy.texts.keys().copied())?;
            self.doc
                .resources
                .fonts
                .map
                .insert(copy.id.clone(), printpdf::PdfFont::new(parsed));
            remaps.insert(copy.id.0.clone(), remap);
        }
        let stamps = std::mem::take(&mut self.stamps);
        let (stamp_ids, stamp_pages): (Vec<XObjectId>, Vec<PdfPage>) = stamps.into_iter().unzip();
        let pages = self.pages.len();
        self.pages.extend(stamp_pages);
        for page in &mut self.pages {
            let mut remap: Option<&Vec<u16>> = None;
            for op in &mut page.ops {
                match op {
                    Op::SetFont {
                        font: PdfFontHandle::External(id),
                        ..
                    } => remap = remaps.get(&id.0),
                    Op::ShowText { items } => {
                        for item in items {
                            if let (TextItem::GlyphIds(glyphs), Some(map)) = (item, remap) {
                                for g in glyphs {
                                    g.gid = map.get(usize::from(g.gid)).copied().unwrap_or(0);
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        self.doc.with_pages(std::mem::take(&mut self.pages));
        let mut warnings = Vec::new();
        let opts = PdfSaveOptions {
            subset_fonts: false,
            optimize: false,
            // Our own operators (the QR rectangles) are written; nothing here comes from a
            // foreign PDF.
            secure: false,
            ..PdfSaveOptions::default()
        };
        let lo = printpdf::serialize::to_lopdf_doc(&self.doc, &opts, &mut warnings);
        super::output::finish(lo, pages, &stamp_ids)
    }
}

/// The glyphs `used` of `face` as a font of their own, and the table from the face's glyph IDs
/// to the subset's (allsorts numbers the kept glyphs in the order asked, `.notdef` first). The
/// name carries the `ABCDEF+` tag that marks an embedded subset.
fn subset(face: Face, used: impl Iterator<Item = u16>) -> Result<(ParsedFont, Vec<u16>)> {
    let (bytes, remap, name) = subset_bytes(face, used)?;
    let mut warnings = Vec::new();
    let mut parsed = ParsedFont::from_bytes(&bytes, 0, &mut warnings).ok_or_else(|| {
        AppError::Internal(format!(
            "تعذر تضمين الخط {}: subset does not parse",
            face.name()
        ))
    })?;
    parsed.font_name = Some(name);
    Ok((parsed, remap))
}

/// The glyphs `used` of `face` as the bytes of a font of their own, the table from the face's
/// glyph IDs to the subset's, and the subset's name (with its `ABCDEF+` tag).
pub(super) fn subset_bytes(
    face: Face,
    used: impl Iterator<Item = u16>,
) -> Result<(Vec<u8>, Vec<u16>, String)> {
    use allsorts::binary::read::ReadScope;
    use allsorts::font_data::FontData;
    use allsorts::subset::{subset as allsorts_subset, CmapTarget, SubsetProfile};

    let failed = |e: String| AppError::Internal(format!("تعذر تضمين الخط {}: {e}", face.name()));
    let ids: Vec<u16> = std::iter::once(0).chain(used.filter(|g| *g != 0)).collect();
    let scope = ReadScope::new(face.bytes());
    let data = scope
        .read::<FontData<'_>>()
        .map_err(|e| failed(e.to_string()))?;
    let provider = data.table_provider(0).map_err(|e| failed(e.to_string()))?;
    let bytes = allsorts_subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode)
        .map_err(|e| failed(e.to_string()))?;
    // A tag made from the glyph set: the same subset gets the same name.
    let mut h: u32 = 2166136261;
    for g in &ids {
        h = (h ^ u32::from(*g)).wrapping_mul(16777619);
    }
    let tag: String = (0..6)
        .map(|i| char::from(b'A' + ((h >> (i * 5)) % 26) as u8))
        .collect();
    let name = format!("{tag}+{}", face.name().replace(' ', "-"));
    let max = ids.iter().copied().max().unwrap_or(0);
    let mut remap = vec![0u16; usize::from(max) + 1];
    for (new, old) in ids.iter().enumerate() {
        remap[usize::from(*old)] = new as u16;
    }
    Ok((bytes, remap, name))
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

    /// A straight line from (`x1`, `y1`) to (`x2`, `y2`).
    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, thickness: f32, color: Color) {
        let pt = |x: f32, y: f32| LinePoint {
            p: Point { x: Pt(x), y: Pt(y) },
            bezier: false,
        };
        self.ops.push(Op::SetOutlineColor { col: color.pdf() });
        self.ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
        self.ops.push(Op::DrawLine {
            line: PdfLine {
                points: vec![pt(x1, y1), pt(x2, y2)],
                is_closed: false,
            },
        });
    }

    /// Places a [`Stamp`] moved by (`dx`, `dy`) points.
    pub fn stamp(&mut self, stamp: &Stamp, dx: f32, dy: f32) {
        self.ops.push(Op::UseXobject {
            id: stamp.id.clone(),
            transform: XObjectTransform {
                translate_x: Some(Pt(dx)),
                translate_y: Some(Pt(dy)),
                ..Default::default()
            },
        });
    }

    /// An embedded image, `w` × `h` points, bottom-left corner at (`x`, `y`).
    pub fn image(&mut self, image: &Image, x: f32, y: f32, w: f32, h: f32) {
        self.ops.push(Op::UseXobject {
            id: image.id.clone(),
            transform: XObjectTransform {
                translate_x: Some(Pt(x)),
                translate_y: Some(Pt(y)),
                scale_x: Some(w / image.width_px),
                scale_y: Some(h / image.height_px),
                dpi: Some(72.0),
                ..Default::default()
            },
        });
    }

    /// A QR code `size` points wide, bottom-left corner at (`x`, `y`): one stencil mask (an
    /// inline image of one bit a module, never smoothed), so every module prints as a sharp
    /// square in `color` at any resolution. A page's code is a few hundred bytes this way, a
    /// few kilobytes as rectangles: batches of thousands write and compress far less.
    pub fn qr(&mut self, m: &QrMatrix, x: f32, y: f32, size: f32, color: Color) {
        self.ops.push(Op::SaveGraphicsState);
        self.ops.push(Op::SetFillColor { col: color.pdf() });
        self.ops.push(Op::SetTransformationMatrix {
            matrix: printpdf::CurTransMat::Raw([size, 0.0, 0.0, size, x, y]),
        });
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        let row_bytes = m.size.div_ceil(8);
        let mut image = String::with_capacity(96 + m.size * (row_bytes * 2 + 1));
        image.push_str("BI /W ");
        push_int(&mut image, m.size);
        image.push_str(" /H ");
        push_int(&mut image, m.size);
        // Rows top first; a 1 bit paints (/D [1 0]); the data in hexadecimal (/AHx).
        image.push_str(" /IM true /BPC 1 /D [1 0] /F /AHx ID\n");
        for row in 0..m.size {
            for byte in 0..row_bytes {
                let mut v = 0u8;
                for bit in 0..8 {
                    let col = byte * 8 + bit;
                    if col < m.size && m.is_dark(col, row) {
                        v |= 0x80 >> bit;
                    }
                }
                image.push(char::from(HEX[usize::from(v >> 4)]));
                image.push(char::from(HEX[usize::from(v & 15)]));
            }
            image.push('\n');
        }
        image.push_str(">\nEI");
        self.ops.push(Op::Unknown {
            key: image,
            value: Vec::new(),
        });
        self.ops.push(Op::RestoreGraphicsState);
    }
}

/// `n` in decimal onto `out` (a QR code writes hundreds of small numbers a page).
fn push_int(out: &mut String, n: usize) {
    if n >= 10 {
        push_int(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}
