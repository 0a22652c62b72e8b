//! A proof sheet of the text engine (A4 landscape): titles, a justified paragraph, names with
//! tashkeel, Latin and digits inside Arabic, a six-part name fitted to its box, and a QR code.
//! `multaqa pdf-specimen --out FILE.pdf` writes it, so anyone can check the printing on a machine.

use super::fonts::{Face, Style};
use super::layout::{align, fit_name, paragraph, Align};
use super::shape::shape_line;
use super::writer::{Color, Doc};
use crate::error::Result;

pub const PARAGRAPH: &str = "يسر اللجنة المنظمة لملتقى التمكين الاجتماعي بمنطقة جازان أن تتقدم بالشكر والتقدير إلى جميع الجهات الممكنة والمتطوعين والمشاركين على ما قدموه من جهود أسهمت في نقل المستفيدين من الرعاية إلى التمكين والاعتماد على الذات عبر التدريب والتوظيف ودعم المشاريع الصغيرة.";
pub const TASHKEEL: &str = "مُحَمَّد بْنُ عَبْدِ اللَّهِ";
pub const SERIAL: &str = "رقم الشهادة: SEF-1441-000123";
/// Lam-alef ligatures in the faces that draw them as one glyph (Noto Naskh and Sans Arabic).
pub const LAM_ALEF: &str = "بلال وطلال من الأسرة — لا إله إلا الله";
pub const SIX_PART: &str = "عبدالرحمن بن عبدالعزيز بن محمد بن عبدالله آل سعود";

pub fn specimen() -> Result<Vec<u8>> {
    let mut doc = Doc::new("ملتقى — عينة الطباعة");
    let mut page = doc.page(297.0, 210.0);
    let (w, h) = (page.width, page.height);
    let margin = 48.0;
    page.stroke_rect(20.0, 20.0, w - 40.0, h - 40.0, 2.0, Color::GREEN);
    page.stroke_rect(26.0, 26.0, w - 52.0, h - 52.0, 0.6, Color::GOLD);

    let mut y = h - 70.0;
    let mut title = shape_line("ملتقى التمكين الاجتماعي", Style::new(Face::AmiriBold, 30.0))?;
    let x = align(&mut title, margin, w - 2.0 * margin, Align::Center, true);
    doc.text(&mut page, &title, x, y, Color::GREEN)?;
    y -= 40.0;

    let body = Style::new(Face::AmiriRegular, 15.0);
    let mut lines = paragraph(PARAGRAPH, body, w - 2.0 * margin)?;
    let n = lines.len();
    for (i, line) in lines.iter_mut().enumerate() {
        let x = align(line, margin, w - 2.0 * margin, Align::Justify, i + 1 == n);
        doc.text(&mut page, line, x, y, Color::BLACK)?;
        y -= 26.0;
    }
    y -= 10.0;

    for (text, face) in [
        (TASHKEEL, Face::AmiriRegular),
        (SERIAL, Face::AmiriRegular),
        (LAM_ALEF, Face::NaskhRegular),
        (LAM_ALEF, Face::SansArabicBold),
        ("منصة التسجيل 2 — Desk 2", Face::SansArabicBold),
    ] {
        let mut l = shape_line(text, Style::new(face, 18.0))?;
        let x = align(&mut l, margin, w - 2.0 * margin, Align::Right, true);
        doc.text(&mut page, &l, x, y, Color::BLACK)?;
        y -= 28.0;
    }

    // A six-part name in a 300-point box: shrinks, then wraps — the box is drawn to check.
    let box_w = 300.0;
    let box_x = margin + 120.0;
    let fitted = fit_name(SIX_PART, Style::new(Face::AmiriBold, 30.0), 16.0, box_w)?;
    let box_h = 20.0 + fitted.len() as f32 * 34.0;
    page.stroke_rect(box_x, y - box_h + 20.0, box_w, box_h, 0.5, Color::GOLD);
    for mut l in fitted {
        let x = align(&mut l, box_x, box_w, Align::Center, true);
        doc.text(&mut page, &l, x, y - 8.0, Color::GREEN)?;
        y -= 34.0;
    }

    let qr = crate::qr::matrix("SEF-1441-000123")?;
    page.qr(&qr, margin, 40.0, 90.0, Color::BLACK);
    doc.add_page(page);
    doc.finish()
}
