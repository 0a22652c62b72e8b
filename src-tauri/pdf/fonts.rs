//! The bundled fonts (committed under `ui/fonts/` with their OFL licence; the same files serve
//! the UI) and the fallback used for Latin letters inside Arabic text.

use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Face {
    AmiriRegular,
    AmiriBold,
    NaskhRegular,
    NaskhBold,
    SansArabicRegular,
    SansArabicBold,
    LatinRegular,
    LatinBold,
}

pub const ALL: [Face; 8] = [
    Face::AmiriRegular,
    Face::AmiriBold,
    Face::NaskhRegular,
    Face::NaskhBold,
    Face::SansArabicRegular,
    Face::SansArabicBold,
    Face::LatinRegular,
    Face::LatinBold,
];

impl Face {
    /// The font file, from the front end's embedded `ui/fonts/` (one copy in the binary).
    pub fn bytes(self) -> &'static [u8] {
        static FILES: OnceLock<Vec<&'static [u8]>> = OnceLock::new();
        let files = FILES.get_or_init(|| {
            ALL.iter()
                .map(|f| {
                    // Committed with the source and embedded at build time: always there.
                    crate::assets::bytes(&format!("fonts/{}", f.file())).unwrap_or_default()
                })
                .collect()
        });
        files[self as usize]
    }

    /// Its file under `ui/fonts/`.
    pub fn file(self) -> &'static str {
        match self {
            Face::AmiriRegular => "Amiri-Regular.ttf",
            Face::AmiriBold => "Amiri-Bold.ttf",
            Face::NaskhRegular => "NotoNaskhArabic-Regular.ttf",
            Face::NaskhBold => "NotoNaskhArabic-Bold.ttf",
            Face::SansArabicRegular => "NotoSansArabic-Regular.ttf",
            Face::SansArabicBold => "NotoSansArabic-Bold.ttf",
            Face::LatinRegular => "NotoSans-Regular.ttf",
            Face::LatinBold => "NotoSans-Bold.ttf",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Face::AmiriRegular => "Amiri",
            Face::AmiriBold => "Amiri Bold",
            Face::NaskhRegular => "Noto Naskh Arabic",
            Face::NaskhBold => "Noto Naskh Arabic Bold",
            Face::SansArabicRegular => "Noto Sans Arabic",
            Face::SansArabicBold => "Noto Sans Arabic Bold",
            Face::LatinRegular => "Noto Sans",
            Face::LatinBold => "Noto Sans Bold",
        }
    }

    /// The face used for characters this one lacks (Latin letters in an Arabic font).
    pub fn fallback(self) -> Face {
        match self {
            Face::AmiriBold | Face::NaskhBold | Face::SansArabicBold | Face::LatinBold => {
                Face::LatinBold
            }
            _ => Face::LatinRegular,
        }
    }

    /// The parsed font, shared for the life of the program.
    pub fn font(self) -> &'static LoadedFont {
        static LOADED: OnceLock<Vec<Option<LoadedFont>>> = OnceLock::new();
        let all = LOADED.get_or_init(|| ALL.iter().map(|f| LoadedFont::parse(*f)).collect());
        all[self as usize].as_ref().unwrap_or_else(|| {
            // The bytes are compiled in; failing to parse them is a build defect, caught by tests.
            panic!("bundled font {} does not parse", self.name())
        })
    }
}

pub struct LoadedFont {
    pub face: Face,
    pub font: harfrust::Font,
    pub units_per_em: f32,
    /// Ascender and descender in font units (positive up / negative down).
    pub ascender: f32,
    pub descender: f32,
}

impl LoadedFont {
    fn parse(face: Face) -> Option<LoadedFont> {
        let font = harfrust::Font::new(face.bytes(), 0)?;
        let upem = f32::from(font.units_per_em());
        let (ascender, descender) = font
            .metrics()
            .typo_line
            .map(|l| (l.ascender.to_f32(), l.descender.to_f32()))
            .or_else(|| {
                font.metrics()
                    .hhea_line
                    .map(|l| (l.ascender.to_f32(), l.descender.to_f32()))
            })
            .unwrap_or((upem * 0.8, -upem * 0.2));
        Some(LoadedFont {
            face,
            units_per_em: upem,
            ascender,
            descender,
            font,
        })
    }
}

/// A text style: the face (its fallback comes with it), the size in points and the colour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    pub face: Face,
    pub size: f32,
}

impl Style {
    pub fn new(face: Face, size: f32) -> Self {
        Style { face, size }
    }

    pub fn with_size(self, size: f32) -> Self {
        Style { size, ..self }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_font_parses() {
        for f in ALL {
            let l = f.font();
            assert!(l.units_per_em >= 16.0, "{}", f.name());
            assert!(l.ascender > 0.0 && l.descender < 0.0, "{}", f.name());
        }
    }
}
