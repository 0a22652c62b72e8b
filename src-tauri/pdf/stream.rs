//! A PDF written as its pages are made, for batches of any length (certificates): each page's
//! content is compressed and written to the output at once, and what pages share — fonts (a
//! subset of the glyphs drawn, found only at the end), images, stamps — is written after the
//! last page, then the page tree and the cross-reference table. Memory stays flat whatever the
//! number of pages.
//!
//! Pages are drawn with the same [`Doc`] and [`Page`] as every other document, by several
//! workers at once ([`Lane`]s, one [`Doc`] each); the writer takes their pages in order. Glyphs
//! are written as the face's own glyph IDs (CIDs) and each embedded subset carries a
//! `CIDToGIDMap`, so no page needs rewriting once the subset is known; each lane's faces carry
//! a ToUnicode map, so the text stays extractable.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write;

use printpdf::{Op, PaintMode, PdfFontHandle, TextItem, TextMatrix};

use super::fonts::Face;
use super::writer::{Doc, Page};
use crate::error::{AppError, Result};

fn broken(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("تعذرت كتابة ملف PDF: {e}"))
}

/// The file being written: objects numbered as they come, their offsets kept for the table.
pub struct Writer<W: Write> {
    out: W,
    at: u64,
    /// Offset of each object (index = object number − 1; 0 = reserved, not yet written).
    offsets: Vec<u64>,
    /// The page objects, in page order.
    kids: Vec<u32>,
    /// Each lane's resource dictionary (reserved at the start, written at the end).
    resources: Vec<u32>,
    /// Images written, by their bytes' digest: every lane draws the same background once.
    images: HashMap<[u8; 32], u32>,
    /// For the objects pages share (fonts, images, stamps).
    deflate: flate2::Compress,
}

const CATALOG: u32 = 1;
const PAGES: u32 = 2;
const INFO: u32 = 3;

impl<W: Write> Writer<W> {
    /// Starts the file; `lanes` workers will draw pages (each with its own resources).
    pub fn new(mut out: W, lanes: usize) -> Result<Self> {
        let head = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
        out.write_all(head).map_err(broken)?;
        let mut w = Writer {
            out,
            at: head.len() as u64,
            offsets: vec![0; 3],
            kids: Vec::new(),
            resources: Vec::new(),
            images: HashMap::new(),
            deflate: flate2::Compress::new(flate2::Compression::fast(), true),
        };
        for _ in 0..lanes {
            let id = w.reserve();
            w.resources.push(id);
        }
        Ok(w)
    }

    fn reserve(&mut self) -> u32 {
        self.offsets.push(0);
        self.offsets.len() as u32
    }

    fn object(&mut self, id: u32, body: &[u8]) -> Result<()> {
        self.offsets[id as usize - 1] = self.at;
        let head = format!("{id} 0 obj\n");
        self.put(head.as_bytes())?;
        self.put(body)?;
        self.put(b"\nendobj\n")
    }

    fn put(&mut self, bytes: &[u8]) -> Result<()> {
        self.out.write_all(bytes).map_err(broken)?;
        self.at += bytes.len() as u64;
        Ok(())
    }

    /// A stream object: `dict` (without /Length) and its content, deflated.
    fn stream(&mut self, id: u32, dict: &str, content: &[u8]) -> Result<()> {
        let packed = deflate(&mut self.deflate, content)?;
        self.deflated(id, dict, &packed)
    }

    /// A stream object whose content `packed` is deflated already.
    fn deflated(&mut self, id: u32, dict: &str, packed: &[u8]) -> Result<()> {
        let head = format!(
            "<< {dict} /Filter /FlateDecode /Length {} >>\nstream\n",
            packed.len()
        );
        self.offsets[id as usize - 1] = self.at;
        self.put(format!("{id} 0 obj\n").as_bytes())?;
        self.put(head.as_bytes())?;
        self.put(packed)?;
        self.put(b"\nendstream\nendobj\n")
    }

    /// One page drawn by `lane`: its content already deflated ([`PageBytes`]).
    pub fn page(&mut self, lane: usize, page: PageBytes) -> Result<()> {
        let content = self.reserve();
        self.deflated(content, "", &page.content)?;
        let id = self.reserve();
        let dict = format!(
            "<< /Type /Page /Parent {PAGES} 0 R /MediaBox [0 0 {} {}] /Resources {} 0 R /Contents {content} 0 R >>",
            num(page.width),
            num(page.height),
            self.resources[lane]
        );
        self.object(id, dict.as_bytes())?;
        self.kids.push(id);
        Ok(())
    }

    /// Writes what each lane's pages share, the page tree and the table; returns the output
    /// and the number of bytes written.
    pub fn finish(mut self, lanes: Vec<Doc>, title: &str) -> Result<(W, u64)> {
        for (lane, doc) in lanes.iter().enumerate() {
            let names = Names::of(doc);
            let mut fonts = String::new();
            for ((face, _), copy) in &doc.fonts {
                let id = self.font(*face, copy.texts())?;
                let _ = write!(fonts, "/{} {id} 0 R ", names.font(&copy.id.0)?);
            }
            let mut xobjects = String::new();
            for (key, (bytes, _, _)) in &doc.images {
                let id = self.image(bytes)?;
                let _ = write!(xobjects, "/{} {id} 0 R ", names.xobject(key));
            }
            for (key, page) in &doc.stamps {
                let id = self.reserve();
                let mut content = Vec::new();
                ops(&page.ops, &names, doc, &mut content)?;
                let dict = format!(
                    "/Type /XObject /Subtype /Form /BBox [0 0 {} {}] /Resources {} 0 R",
                    num(page.media_box.width.0),
                    num(page.media_box.height.0),
                    self.resources[lane]
                );
                self.stream(id, &dict, &content)?;
                let _ = write!(xobjects, "/{} {id} 0 R ", names.xobject(&key.0));
            }
            let dict = format!("<< /Font << {fonts}>> /XObject << {xobjects}>> >>");
            self.object(self.resources[lane], dict.as_bytes())?;
        }
        let mut kids = String::with_capacity(self.kids.len() * 8);
        for k in &self.kids {
            let _ = write!(kids, "{k} 0 R ");
        }
        let pages = format!(
            "<< /Type /Pages /Count {} /Kids [{kids}] >>",
            self.kids.len()
        );
        self.object(PAGES, pages.as_bytes())?;
        self.object(
            CATALOG,
            format!("<< /Type /Catalog /Pages {PAGES} 0 R >>").as_bytes(),
        )?;
        let info = format!("<< /Title {} /Producer (Multaqa) >>", utf16_string(title));
        self.object(INFO, info.as_bytes())?;
        let xref = self.at;
        let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", self.offsets.len() + 1);
        for off in &self.offsets {
            let _ = writeln!(table, "{off:010} 00000 n ");
        }
        let _ = write!(
            table,
            "trailer\n<< /Size {} /Root {CATALOG} 0 R /Info {INFO} 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            self.offsets.len() + 1
        );
        self.put(table.as_bytes())?;
        self.out.flush().map_err(broken)?;
        Ok((self.out, self.at))
    }

    /// A face's glyphs `texts` (glyph ID → the text it stands for) as a Type 0 font: the
    /// subset, its CID → glyph map, widths and ToUnicode map.
    fn font(&mut self, face: Face, texts: &std::collections::BTreeMap<u16, String>) -> Result<u32> {
        let (bytes, remap, name) = super::writer::subset_bytes(face, texts.keys().copied())?;
        let parsed = ttf_parser::Face::parse(face.bytes(), 0).map_err(broken)?;
        let em = f32::from(parsed.units_per_em());
        let scale = |v: f32| (v * 1000.0 / em).round() as i64;
        let file = self.reserve();
        self.stream(file, &format!("/Length1 {}", bytes.len()), &bytes)?;
        let map = self.reserve();
        let mut cid_to_gid = Vec::with_capacity(remap.len() * 2);
        for g in &remap {
            cid_to_gid.extend_from_slice(&g.to_be_bytes());
        }
        self.stream(map, "", &cid_to_gid)?;
        let unicode = self.reserve();
        self.stream(unicode, "", to_unicode(texts).as_bytes())?;
        let bbox = parsed.global_bounding_box();
        let descriptor = self.reserve();
        let d = format!(
            "<< /Type /FontDescriptor /FontName /{name} /Flags 4 /FontBBox [{} {} {} {}] /ItalicAngle 0 /Ascent {} /Descent {} /CapHeight {} /StemV 80 /FontFile2 {file} 0 R >>",
            scale(f32::from(bbox.x_min)),
            scale(f32::from(bbox.y_min)),
            scale(f32::from(bbox.x_max)),
            scale(f32::from(bbox.y_max)),
            scale(f32::from(parsed.ascender())),
            scale(f32::from(parsed.descender())),
            scale(f32::from(parsed.capital_height().unwrap_or(parsed.ascender()))),
        );
        self.object(descriptor, d.as_bytes())?;
        let mut widths = String::new();
        for gid in texts.keys() {
            let adv = parsed
                .glyph_hor_advance(ttf_parser::GlyphId(*gid))
                .unwrap_or(0);
            let _ = write!(widths, "{gid} [{}] ", scale(f32::from(adv)));
        }
        let cid_font = self.reserve();
        let c = format!(
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{name} /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor {descriptor} 0 R /DW 0 /W [{widths}] /CIDToGIDMap {map} 0 R >>"
        );
        self.object(cid_font, c.as_bytes())?;
        let font = self.reserve();
        let f = format!(
            "<< /Type /Font /Subtype /Type0 /BaseFont /{name} /Encoding /Identity-H /DescendantFonts [{cid_font} 0 R] /ToUnicode {unicode} 0 R >>"
        );
        self.object(font, f.as_bytes())?;
        Ok(font)
    }

    /// A PNG or JPEG as an image XObject (8 bits a channel; transparency as a soft mask).
    fn image(&mut self, bytes: &[u8]) -> Result<u32> {
        use printpdf::{RawImage, RawImageData, RawImageFormat};
        use sha2::Digest;
        let digest: [u8; 32] = sha2::Sha256::digest(bytes).into();
        if let Some(id) = self.images.get(&digest) {
            return Ok(*id);
        }
        let mut warnings = Vec::new();
        let raw = RawImage::decode_from_bytes(bytes, &mut warnings).map_err(broken)?;
        let RawImageData::U8(px) = &raw.pixels else {
            return Err(broken("صورة بعمق ألوان غير مدعوم"));
        };
        let (channels, has_alpha, bgr) = match raw.data_format {
            RawImageFormat::R8 => (1, false, false),
            RawImageFormat::RG8 => (1, true, false),
            RawImageFormat::RGB8 => (3, false, false),
            RawImageFormat::RGBA8 => (3, true, false),
            RawImageFormat::BGR8 => (3, false, true),
            RawImageFormat::BGRA8 => (3, true, true),
            _ => return Err(broken("صورة بعمق ألوان غير مدعوم")),
        };
        let step = channels + usize::from(has_alpha);
        let mut color = Vec::with_capacity(raw.width * raw.height * channels);
        let mut alpha = Vec::new();
        for p in px.chunks_exact(step) {
            if bgr {
                color.extend([p[2], p[1], p[0]]);
            } else {
                color.extend_from_slice(&p[..channels]);
            }
            if has_alpha {
                alpha.push(p[channels]);
            }
        }
        let space = if channels == 1 {
            "/DeviceGray"
        } else {
            "/DeviceRGB"
        };
        let mask = if has_alpha {
            let id = self.reserve();
            let dict = format!(
                "/Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace /DeviceGray /BitsPerComponent 8",
                raw.width, raw.height
            );
            self.stream(id, &dict, &alpha)?;
            format!("/SMask {id} 0 R ")
        } else {
            String::new()
        };
        let id = self.reserve();
        let dict = format!(
            "/Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace {space} /BitsPerComponent 8 {mask}",
            raw.width, raw.height
        );
        self.stream(id, &dict, &color)?;
        self.images.insert(digest, id);
        Ok(id)
    }
}

/// A page drawn and deflated by a lane, ready for [`Writer::page`].
pub struct PageBytes {
    pub width: f32,
    pub height: f32,
    pub content: Vec<u8>,
}

/// A lane's pages into bytes: serialised and deflated on the lane's own thread, the resource
/// names made again only when the lane's [`Doc`] gained a font copy or a stamp.
pub struct PageWriter {
    names: Option<(usize, usize, Names)>,
    content: Vec<u8>,
    deflate: flate2::Compress,
}

impl Default for PageWriter {
    fn default() -> Self {
        PageWriter {
            names: None,
            content: Vec::new(),
            deflate: flate2::Compress::new(flate2::Compression::fast(), true),
        }
    }
}

impl PageWriter {
    pub fn bytes(&mut self, doc: &Doc, page: &Page) -> Result<PageBytes> {
        let known = (doc.fonts.len(), doc.stamps.len());
        let names = match self.names.take() {
            Some((f, s, names)) if (f, s) == known => names,
            _ => Names::of(doc),
        };
        self.content.clear();
        let written = ops(&page.ops, &names, doc, &mut self.content);
        self.names = Some((known.0, known.1, names));
        written?;
        Ok(PageBytes {
            width: page.width,
            height: page.height,
            content: deflate(&mut self.deflate, &self.content)?,
        })
    }
}

/// Resource names for a lane's fonts and XObjects that never change as the lane's [`Doc`]
/// grows (pages are written before the last font copy or stamp exists): a font copy by its face
/// and number, a stamp by its place in order, an image by its ID.
struct Names {
    fonts: HashMap<String, String>,
    stamps: HashMap<String, String>,
}

impl Names {
    fn of(doc: &Doc) -> Names {
        Names {
            fonts: doc
                .fonts
                .iter()
                .map(|((face, n), c)| {
                    (
                        c.id.0.clone(),
                        format!("{}-{n}", face.name().replace(' ', "")),
                    )
                })
                .collect(),
            stamps: doc
                .stamps
                .iter()
                .enumerate()
                .map(|(i, (id, _))| (id.0.clone(), format!("S{i}")))
                .collect(),
        }
    }

    fn font(&self, id: &str) -> Result<&str> {
        self.fonts
            .get(id)
            .map(String::as_str)
            .ok_or_else(|| broken("خط غير مسجل"))
    }

    fn xobject(&self, id: &str) -> String {
        self.stamps
            .get(id)
            .cloned()
            .unwrap_or_else(|| format!("I{id}"))
    }
}

/// A number as the content stream writes it: two decimals at most.
fn num(v: f32) -> Num {
    Num(v)
}

/// [`num`]'s number, written without allocating (pages write thousands).
struct Num(f32);

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hundredths = (f64::from(self.0) * 100.0).round() as i64;
        if hundredths < 0 {
            f.write_str("-")?;
        }
        let h = hundredths.unsigned_abs();
        write!(f, "{}", h / 100)?;
        match h % 100 {
            0 => Ok(()),
            r if r % 10 == 0 => write!(f, ".{}", r / 10),
            r => write!(f, ".{r:02}"),
        }
    }
}

fn rgb(c: &printpdf::Color) -> Result<(Num, Num, Num)> {
    match c {
        printpdf::Color::Rgb(c) => Ok((num(c.r), num(c.g), num(c.b))),
        _ => Err(broken("لون غير مدعوم")),
    }
}

/// The drawing operations the app's pages use, as content-stream bytes.
fn ops(ops: &[Op], names: &Names, doc: &Doc, out: &mut Vec<u8>) -> Result<()> {
    let mut s = String::with_capacity(ops.len() * 24);
    for op in ops {
        match op {
            Op::StartTextSection => s.push_str("BT\n"),
            Op::EndTextSection => s.push_str("ET\n"),
            Op::SaveGraphicsState => s.push_str("q\n"),
            Op::RestoreGraphicsState => s.push_str("Q\n"),
            Op::SetFillColor { col } => {
                let (r, g, b) = rgb(col)?;
                let _ = writeln!(s, "{r} {g} {b} rg");
            }
            Op::SetOutlineColor { col } => {
                let (r, g, b) = rgb(col)?;
                let _ = writeln!(s, "{r} {g} {b} RG");
            }
            Op::SetOutlineThickness { pt } => {
                let _ = writeln!(s, "{} w", num(pt.0));
            }
            Op::SetFont {
                font: PdfFontHandle::External(id),
                size,
            } => {
                let _ = writeln!(s, "/{} {} Tf", names.font(&id.0)?, num(size.0));
            }
            Op::SetTextMatrix {
                matrix: TextMatrix::Translate(x, y),
            } => {
                let _ = writeln!(s, "1 0 0 1 {} {} Tm", num(x.0), num(y.0));
            }
            Op::SetLineOffset { multiplier } => {
                let _ = writeln!(s, "{} Ts", num(*multiplier));
            }
            Op::ShowText { items } => {
                s.push('<');
                for item in items {
                    match item {
                        TextItem::GlyphIds(glyphs) => {
                            for g in glyphs {
                                let _ = write!(s, "{:04X}", g.gid);
                            }
                        }
                        _ => return Err(broken("نص غير مدعوم")),
                    }
                }
                s.push_str("> Tj\n");
            }
            Op::DrawRectangle { rectangle: r } => {
                let paint = match r.mode {
                    Some(PaintMode::Stroke) => "S",
                    _ => "f",
                };
                let _ = writeln!(
                    s,
                    "{} {} {} {} re {paint}",
                    num(r.x.0),
                    num(r.y.0),
                    num(r.width.0),
                    num(r.height.0)
                );
            }
            Op::DrawLine { line } => {
                for (i, p) in line.points.iter().enumerate() {
                    let _ = writeln!(
                        s,
                        "{} {} {}",
                        num(p.p.x.0),
                        num(p.p.y.0),
                        if i == 0 { "m" } else { "l" }
                    );
                }
                s.push_str(if line.is_closed { "h S\n" } else { "S\n" });
            }
            Op::SetTransformationMatrix {
                matrix: printpdf::CurTransMat::Raw(m),
            } => {
                let _ = writeln!(
                    s,
                    "{} {} {} {} {} {} cm",
                    num(m[0]),
                    num(m[1]),
                    num(m[2]),
                    num(m[3]),
                    num(m[4]),
                    num(m[5])
                );
            }
            Op::UseXobject { id, transform: t } => {
                let (x, y) = (
                    t.translate_x.map_or(0.0, |p| p.0),
                    t.translate_y.map_or(0.0, |p| p.0),
                );
                // An image is a unit square scaled to its size (pixels at the transform's dpi,
                // times its scale); a stamp is a page-sized form, moved.
                let (sx, sy) = match doc.images.get(&id.0) {
                    Some((_, w, h)) => {
                        let dpi = t.dpi.unwrap_or(300.0);
                        (
                            w * 72.0 / dpi * t.scale_x.unwrap_or(1.0),
                            h * 72.0 / dpi * t.scale_y.unwrap_or(1.0),
                        )
                    }
                    None => (t.scale_x.unwrap_or(1.0), t.scale_y.unwrap_or(1.0)),
                };
                let _ = writeln!(
                    s,
                    "q {} 0 0 {} {} {} cm /{} Do Q",
                    num(sx),
                    num(sy),
                    num(x),
                    num(y),
                    names.xobject(&id.0)
                );
            }
            Op::Unknown { key, .. } => {
                s.push_str(key);
                s.push('\n');
            }
            other => return Err(broken(format!("عملية رسم غير مدعومة: {other:?}"))),
        }
    }
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

/// `bytes` deflated with `state` (reset first: one state serves a lane's every page, where a
/// new one would be a large allocation, zeroed, each time).
fn deflate(state: &mut flate2::Compress, bytes: &[u8]) -> Result<Vec<u8>> {
    state.reset();
    let mut packed = Vec::with_capacity(bytes.len() / 2 + 64);
    loop {
        let done = state.total_in() as usize;
        let status = state
            .compress_vec(&bytes[done..], &mut packed, flate2::FlushCompress::Finish)
            .map_err(broken)?;
        if status == flate2::Status::StreamEnd {
            return Ok(packed);
        }
        packed.reserve(packed.capacity().max(4096));
    }
}

/// The CMap that gives each glyph (by its CID, the face's glyph ID) its text.
fn to_unicode(texts: &std::collections::BTreeMap<u16, String>) -> String {
    let mut s = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let entries: Vec<(&u16, &String)> = texts.iter().filter(|(_, t)| !t.is_empty()).collect();
    for chunk in entries.chunks(100) {
        let _ = writeln!(s, "{} beginbfchar", chunk.len());
        for (gid, text) in chunk {
            let hex: String = text.encode_utf16().map(|u| format!("{u:04X}")).collect();
            let _ = writeln!(s, "<{gid:04X}> <{hex}>");
        }
        s.push_str("endbfchar\n");
    }
    s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    s
}

/// A text string (UTF-16 with its byte-order mark).
fn utf16_string(text: &str) -> String {
    let mut s = String::from("<FEFF");
    for u in text.encode_utf16() {
        let _ = write!(s, "{u:04X}");
    }
    s.push('>');
    s
}
