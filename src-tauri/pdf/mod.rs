//! The PDF engine: one text pipeline for every document (certificates, badges, signs, reports).
//! paragraph → bidi reordering (`unicode-bidi`) → shaping (`harfrust`, HarfBuzz's Rust port) with
//! the bundled OFL fonts → positioned glyph IDs written with `printpdf`, with the Unicode text
//! of each cluster attached so the PDF stays searchable and copyable.
//!
//! - [`fonts`]: the bundled faces and their fallbacks;
//! - [`shape`]: one line of mixed Arabic/Latin text → glyphs placed left to right;
//! - [`layout`]: paragraphs, alignment, and fit-to-width for names;
//! - [`writer`]: pages, text, shapes, images, stamps and QR codes into a PDF;
//! - [`svg`]: a page as SVG for live previews, from the same operations;
//! - [`output`]: the document into bytes (stamps as form XObjects, parallel compression);
//! - [`stream`]: a document of any length written as its pages are made (certificates).

pub mod flow;
pub mod fonts;
pub mod layout;
pub mod output;
pub mod shape;
pub mod specimen;
pub mod stream;
pub mod svg;
pub mod writer;

pub use fonts::{Face, Style};
pub use layout::Align;
pub use shape::{Line, PlacedGlyph};
pub use writer::{Color, Doc, Image, Page, Stamp};
