//! One line of text → glyphs placed left to right, ready to draw.
//!
//! The line is reordered with the Unicode bidi algorithm (paragraph direction right-to-left, as
//! in every Arabic document), each directional run is split where the font lacks characters
//! (Latin letters in an Arabic face go to its fallback), and every piece is shaped by harfrust:
//! joined letter forms, lam-alef ligatures, marks (tashkeel) positioned over their letters.
//! RTL runs come back from the shaper already in visual order.

use harfrust::{Buffer, Direction, ShapeOptions, ShaperFont};
use unicode_bidi::{BidiInfo, Level};

use super::fonts::{Face, Style};
use crate::error::{AppError, Result};

/// A glyph at its place: `x`, `y` in points from the line's left end on the baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedGlyph {
    pub face: Face,
    pub gid: u16,
    pub x: f32,
    pub y: f32,
    /// The text this glyph stands for (its cluster's text on the cluster's first glyph, empty on
    /// the others), written into the PDF's ToUnicode map so the text can be extracted.
    pub text: String,
}

/// A shaped line: its glyphs, its width in points and the style it was shaped in.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub glyphs: Vec<PlacedGlyph>,
    pub width: f32,
    pub style: Style,
    /// The logical text of the line.
    pub text: String,
}

impl Line {
    pub fn ascent(&self) -> f32 {
        let f = self.style.face.font();
        f.ascender / f.units_per_em * self.style.size
    }

    pub fn descent(&self) -> f32 {
        let f = self.style.face.font();
        -f.descender / f.units_per_em * self.style.size
    }
}

fn is_mark_or_joiner(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}' | '\u{200C}' | '\u{200D}' | '\u{0640}')
}

/// Splits `text` (one directional run) into pieces by the face that has their characters.
fn split_by_face(text: &str, base: Face) -> Vec<(Face, std::ops::Range<usize>)> {
    let primary = ShaperFont::new(&base.font().font);
    let fallback_face = base.fallback();
    let fallback = ShaperFont::new(&fallback_face.font().font);
    let mut pieces: Vec<(Face, std::ops::Range<usize>)> = Vec::new();
    for (i, c) in text.char_indices() {
        let face = match pieces.last() {
            // Marks and joiners stay with the letter before them; spaces too, when either
            // face can draw them (keeps words together).
            Some((f, _)) if is_mark_or_joiner(c) || (c == ' ' && *f != base) => *f,
            _ if primary.nominal_glyph(c as u32).is_some() => base,
            _ if fallback.nominal_glyph(c as u32).is_some() => fallback_face,
            _ => base,
        };
        let end = i + c.len_utf8();
        match pieces.last_mut() {
            Some((f, r)) if *f == face => r.end = end,
            _ => pieces.push((face, i..end)),
        }
    }
    pieces
}

/// A shaping plan by face, direction, script and language.
type PlanKey = (
    Face,
    harfrust::Direction,
    Option<harfrust::Script>,
    Option<harfrust::Language>,
);

thread_local! {
    /// Plans made on this thread: compiling one costs more than shaping a name with it, and a
    /// certificate batch shapes with the same few thousands of times.
    static PLANS: std::cell::RefCell<Vec<(PlanKey, harfrust::ShapePlan)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Runs `f` with the plan for `key` (made once per thread).
fn with_plan<T>(
    font: &harfrust::Font,
    key: PlanKey,
    f: impl FnOnce(&harfrust::ShapePlan) -> T,
) -> T {
    PLANS.with(|plans| {
        let mut plans = plans.borrow_mut();
        let i = match plans.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                let plan = harfrust::ShapePlan::new(font, key.1, key.2, key.3.as_ref(), &[]);
                plans.push((key, plan));
                plans.len() - 1
            }
        };
        f(&plans[i].1)
    })
}

/// Shapes one piece of one run; appends its glyphs at `pen` and returns the new pen.
fn shape_piece(
    text: &str,
    face: Face,
    rtl: bool,
    size: f32,
    pen: f32,
    out: &mut Vec<PlacedGlyph>,
) -> Result<f32> {
    let loaded = face.font();
    let shaper = ShaperFont::new(&loaded.font);
    let mut buf = Buffer::new();
    buf.push_str(text);
    buf.set_direction(if rtl {
        Direction::RightToLeft
    } else {
        Direction::LeftToRight
    });
    buf.guess_segment_properties();
    let key: PlanKey = (face, buf.direction(), buf.script(), buf.language().cloned());
    with_plan(&loaded.font, key, |plan| {
        harfrust::shape(&shaper, &mut buf, ShapeOptions::new().plan(Some(plan)))
    })
    .map_err(|e| AppError::Internal(format!("تعذر تشكيل النص «{text}»: {e:?}")))?;
    let scale = size / loaded.units_per_em;
    let infos = buf.glyph_infos();
    let positions = buf.glyph_positions();
    // Cluster boundaries in logical order give each cluster its text.
    let mut starts: Vec<usize> = infos.iter().map(|g| g.cluster as usize).collect();
    starts.sort_unstable();
    starts.dedup();
    let cluster_text = |start: usize| -> &str {
        let end = starts
            .iter()
            .find(|s| **s > start)
            .copied()
            .unwrap_or(text.len());
        text.get(start..end).unwrap_or_default()
    };
    // Each cluster's whole text (letters and their tashkeel) goes on its first glyph that
    // advances (the base letter or the ligature); its other glyphs (marks) carry none. The
    // writer keeps one text per glyph per font copy, so this stays exact (see `writer`).
    let mut texts = vec![String::new(); infos.len()];
    let mut done = std::collections::HashSet::new();
    for (i, info) in infos.iter().enumerate() {
        let cluster = info.cluster as usize;
        if !done.insert(cluster) {
            continue;
        }
        let base = (0..infos.len())
            .filter(|j| infos[*j].cluster as usize == cluster)
            .find(|j| positions[*j].x_advance != 0)
            .unwrap_or(i);
        texts[base] = cluster_text(cluster).to_string();
    }
    // Some fonts draw lam-alef as two glyphs, the alef with no advance over the lam: two
    // letters at one spot confuse text extraction, so the pair's text goes on the lam.
    for i in 0..infos.len().saturating_sub(1) {
        let letter = texts[i].chars().any(|c| !is_mark_or_joiner(c));
        if rtl && letter && positions[i].x_advance == 0 && positions[i + 1].x_advance != 0 {
            let alef = std::mem::take(&mut texts[i]);
            texts[i + 1].push_str(&alef);
        }
    }
    // A glyph that stands for several characters (lam-alef, a letter with its marks) in a
    // right-to-left run: poppler (Evince, Okular, pdftotext) lays a glyph's characters out left
    // to right inside the glyph's box and then reverses the whole RTL line, so the text is
    // stored reversed to come out in logical order («طلال», not «طالل»).
    if rtl {
        for t in texts.iter_mut().filter(|t| t.chars().nth(1).is_some()) {
            *t = t.chars().rev().collect();
        }
    }
    let mut pen = pen;
    for (i, (info, pos)) in infos.iter().zip(positions).enumerate() {
        let cluster = info.cluster as usize;
        if info.glyph_id == 0 {
            let ch = text
                .get(cluster..)
                .and_then(|s| s.chars().next())
                .unwrap_or('?');
            return Err(AppError::field(
                "text",
                &format!(
                    "الخط «{}» لا يحتوي على الحرف «{ch}» (U+{:04X})؛ لا يمكن طباعته",
                    face.name(),
                    ch as u32
                ),
            ));
        }
        let gid = u16::try_from(info.glyph_id)
            .map_err(|_| AppError::Internal("رقم حرف خارج النطاق".into()))?;
        out.push(PlacedGlyph {
            face,
            gid,
            x: pen + pos.x_offset as f32 * scale,
            y: pos.y_offset as f32 * scale,
            text: std::mem::take(&mut texts[i]),
        });
        pen += pos.x_advance as f32 * scale;
    }
    Ok(pen)
}

/// Shapes one line of text (no line breaks) in `style`, right-to-left paragraph direction.
pub fn shape_line(text: &str, style: Style) -> Result<Line> {
    let text: String = text
        .chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .collect();
    let mut glyphs = Vec::new();
    let mut pen = 0.0;
    if !text.is_empty() {
        let bidi = BidiInfo::new(&text, Some(Level::rtl()));
        for para in &bidi.paragraphs {
            let (levels, runs) = bidi.visual_runs(para, para.range.clone());
            for run in runs {
                let rtl = levels[run.start].is_rtl();
                let piece_text = &text[run.clone()];
                let mut pieces = split_by_face(piece_text, style.face);
                if rtl {
                    pieces.reverse();
                }
                for (face, r) in pieces {
                    pen = shape_piece(&piece_text[r], face, rtl, style.size, pen, &mut glyphs)?;
                }
            }
        }
    }
    Ok(Line {
        glyphs,
        width: pen,
        style,
        text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gids(text: &str, face: Face) -> Vec<u16> {
        shape_line(text, Style::new(face, 12.0))
            .unwrap()
            .glyphs
            .iter()
            .map(|g| g.gid)
            .collect()
    }

    #[test]
    fn letters_join_instead_of_standing_alone() {
        // The shaper's own isolated forms, one letter at a time, versus the word.
        for face in [Face::AmiriRegular, Face::SansArabicRegular] {
            let isolated: Vec<u16> = "بيت"
                .chars()
                .flat_map(|c| gids(&c.to_string(), face))
                .collect();
            let word = gids("بيت", face);
            assert_eq!(word.len(), 3);
            // Visual order is reversed (right to left) and every form differs from its isolated one.
            let mut iso_visual = isolated.clone();
            iso_visual.reverse();
            for (w, i) in word.iter().zip(&iso_visual) {
                assert_ne!(w, i, "{face:?}: joined form expected");
            }
        }
    }

    #[test]
    fn lam_alef_takes_its_ligature_form() {
        // Fonts draw lam-alef as one ligature glyph or as a pair of special forms; either way
        // the glyphs differ from the ordinary initial lam (in «لب») and final alef (in «با»)
        // that the same shaper gives, and the text extracts as «لا».
        for face in [
            Face::AmiriRegular,
            Face::NaskhRegular,
            Face::SansArabicRegular,
        ] {
            // (A ligature's text is kept reversed, for poppler, which reverses it back.)
            let la = shape_line("لا", Style::new(face, 12.0)).unwrap();
            let text: String = la
                .glyphs
                .iter()
                .rev()
                .map(|g| g.text.chars().rev().collect::<String>())
                .collect();
            assert_eq!(text, "لا", "{face:?}");
            let la = gids("لا", face);
            let lb = gids("لب", face);
            let ba = gids("با", face);
            assert!(
                !la.contains(&lb[1]),
                "{face:?}: lam before alef is not the plain initial lam"
            );
            assert!(
                la.len() == 1 || !la.contains(&ba[0]),
                "{face:?}: alef after lam is not the plain final alef"
            );
        }
    }

    #[test]
    fn tashkeel_marks_sit_on_their_letters_without_advancing() {
        let plain = shape_line("محمد", Style::new(Face::AmiriRegular, 20.0)).unwrap();
        let marked = shape_line("مُحَمَّد", Style::new(Face::AmiriRegular, 20.0)).unwrap();
        assert!(marked.glyphs.len() > plain.glyphs.len());
        assert!(
            (marked.width - plain.width).abs() < 0.5,
            "{} vs {}",
            marked.width,
            plain.width
        );
        assert!(marked
            .glyphs
            .iter()
            .any(|g| g.y.abs() > 0.1 || g.text.is_empty()));
    }

    #[test]
    fn latin_and_digits_stay_left_to_right_inside_arabic() {
        let l = shape_line(
            "رقم الشهادة: SEF-1441-000123",
            Style::new(Face::AmiriRegular, 12.0),
        )
        .unwrap();
        // Right-to-left paragraph: the serial is at the left end, in its own order.
        let first: String = l.glyphs.iter().take(3).map(|g| g.text.as_str()).collect();
        assert_eq!(first, "SEF");
        let last_visible = l.glyphs.iter().rev().find(|g| !g.text.is_empty()).unwrap();
        assert_eq!(
            last_visible.text, "ر",
            "the line starts (at the right) with the first Arabic letter"
        );
        // Latin letters come from the Latin fallback when the face lacks them.
        let sans = shape_line("مرحبا Multaqa", Style::new(Face::SansArabicRegular, 12.0)).unwrap();
        assert!(sans.glyphs.iter().any(|g| g.face == Face::LatinRegular));
    }

    #[test]
    fn a_missing_glyph_is_an_error_not_a_box() {
        let err = shape_line("تجربة 漢", Style::new(Face::AmiriRegular, 12.0)).unwrap_err();
        assert!(err.to_string().contains("漢"), "{err}");
    }
}
