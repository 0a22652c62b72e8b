//! Badges (البطاقات): the printed name card each person wears and the desk scans. The person's
//! name shaped and fitted to the width, the category as a coloured band with its Arabic label,
//! the forum's name and dates, and the badge code as a QR code. One A6 badge per page, or four
//! on an A4 sheet with cut marks.

use rusqlite::{params_from_iter, Connection};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, Result};
use crate::forum::{self, Forum};
use crate::pdf::layout::{align, fit_name};
use crate::pdf::shape::shape_line;
use crate::pdf::writer::Image;
use crate::pdf::{Align, Color, Doc, Face, Line, Page, Style};
use crate::person::{self, Person};

/// How badges are laid out on paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// One badge per A6 page (105 × 148 mm), for badge printers and pre-cut card.
    #[default]
    A6,
    /// Four badges (92 × 132 mm) on each A4 page, with cut marks.
    A4,
}

impl Layout {
    pub fn parse(s: &str) -> Result<Layout> {
        match s.trim().to_ascii_lowercase().as_str() {
            "a6" | "" => Ok(Layout::A6),
            "a4" | "a4x4" | "4up" => Ok(Layout::A4),
            other => Err(AppError::field(
                "layout",
                &format!("تخطيط البطاقات «{other}» غير معروف؛ المتاح: a6 أو a4"),
            )),
        }
    }

    pub fn per_page(self) -> usize {
        match self {
            Layout::A6 => 1,
            Layout::A4 => 4,
        }
    }
}

/// Whose badges to print: everyone, one category, or chosen people.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Selection {
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub ids: Vec<i64>,
}

/// The people selected, by category then name (the order badges are handed out in).
pub fn select(conn: &Connection, forum_id: i64, sel: &Selection) -> Result<Vec<Person>> {
    let mut sql = format!("{} WHERE p.forum_id = ?1", person::PERSON_SELECT);
    let mut args: Vec<rusqlite::types::Value> = vec![forum_id.into()];
    if let Some(c) = sel.category.as_deref().filter(|c| !c.trim().is_empty()) {
        args.push(c.trim().to_string().into());
        sql.push_str(&format!(" AND p.category = ?{}", args.len()));
    }
    if !sel.ids.is_empty() {
        let start = args.len() + 1;
        let marks: Vec<String> = (0..sel.ids.len())
            .map(|i| format!("?{}", start + i))
            .collect();
        args.extend(sel.ids.iter().map(|i| rusqlite::types::Value::from(*i)));
        sql.push_str(&format!(" AND p.id IN ({})", marks.join(",")));
    }
    sql.push_str(" ORDER BY c.position, p.full_name, p.id");
    let mut stmt = conn.prepare(&sql)?;
    let people = stmt
        .query_map(params_from_iter(args), person::from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if people.is_empty() {
        return Err(AppError::field(
            "people",
            "لا يوجد أشخاص مطابقون لطباعة بطاقاتهم",
        ));
    }
    Ok(people)
}

/// Printed badges: how many, on how many pages, and the PDF.
#[derive(Debug, Clone)]
pub struct Printed {
    pub count: usize,
    pub pages: usize,
    pub pdf: Vec<u8>,
}

const A6_MM: (f32, f32) = (105.0, 148.0);
const A4_MM: (f32, f32) = (210.0, 297.0);
const CARD_MM: (f32, f32) = (92.0, 132.0);
const MM: f32 = 72.0 / 25.4;

/// What every badge of the forum shares, shaped once.
struct Shared {
    forum_name: Vec<Line>,
    hijri: Line,
    gregorian: Line,
    logo: Option<Image>,
}

/// The badges of the batch's people, laid out as asked; `progress(done, total)` as badges are drawn.
pub fn render(
    batch: &Batch,
    layout: Layout,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Printed> {
    let (forum, people) = (&batch.forum, &batch.people);
    let mut doc = Doc::new(&format!("بطاقات — {}", forum.name_ar));
    let (card_w, card_h) = match layout {
        Layout::A6 => (A6_MM.0 * MM, A6_MM.1 * MM),
        Layout::A4 => (CARD_MM.0 * MM, CARD_MM.1 * MM),
    };
    // Sizes are designed for A6 and scaled to the card.
    let k = (card_w / (A6_MM.0 * MM)).min(card_h / (A6_MM.1 * MM));
    let logo = batch.logo.as_deref().map(|b| doc.image(b)).transpose()?;
    let name_room = card_w - if logo.is_some() { 92.0 } else { 30.0 } * k;
    let (hijri, gregorian) = forum::dates_ar(forum);
    let date_style = Style::new(Face::NaskhRegular, 9.0 * k);
    let shared = Shared {
        forum_name: fit_name(
            &forum.name_ar,
            Style::new(Face::NaskhBold, 15.0 * k),
            8.0 * k,
            name_room,
        )?,
        hijri: shape_line(&hijri, date_style)?,
        gregorian: shape_line(&gregorian, date_style)?,
        logo,
    };

    let mut pages = 0;
    for (n, chunk) in people.chunks(layout.per_page()).enumerate() {
        progress(n * layout.per_page(), people.len());
        let mut page = match layout {
            Layout::A6 => doc.page(A6_MM.0, A6_MM.1),
            Layout::A4 => doc.page(A4_MM.0, A4_MM.1),
        };
        for (i, p) in chunk.iter().enumerate() {
            let (x, y) = match layout {
                Layout::A6 => (0.0, 0.0),
                Layout::A4 => {
                    let gap_x = (page.width - 2.0 * card_w) / 3.0;
                    let gap_y = (page.height - 2.0 * card_h) / 3.0;
                    // Right to left, top to bottom: the first badge at the top right.
                    let col = 1 - (i % 2);
                    let row = 1 - (i / 2);
                    let x = gap_x + col as f32 * (card_w + gap_x);
                    let y = gap_y + row as f32 * (card_h + gap_y);
                    cut_marks(&mut page, x, y, card_w, card_h);
                    (x, y)
                }
            };
            draw(&mut doc, &mut page, &shared, p, x, y, card_w, card_h, k)?;
        }
        doc.add_page(page);
        pages += 1;
    }
    progress(people.len(), people.len());
    Ok(Printed {
        count: people.len(),
        pages,
        pdf: doc.finish()?,
    })
}

/// Thin marks outside each corner, along the card's edges, to cut on.
fn cut_marks(page: &mut Page, x: f32, y: f32, w: f32, h: f32) {
    let (off, len) = (1.0 * MM, 3.0 * MM);
    for (cx, cy, sx, sy) in [
        (x, y, -1.0, -1.0),
        (x + w, y, 1.0, -1.0),
        (x, y + h, -1.0, 1.0),
        (x + w, y + h, 1.0, 1.0),
    ] {
        page.line(
            cx + sx * off,
            cy,
            cx + sx * (off + len),
            cy,
            0.4,
            Color::BLACK,
        );
        page.line(
            cx,
            cy + sy * off,
            cx,
            cy + sy * (off + len),
            0.4,
            Color::BLACK,
        );
    }
}

/// One badge in the box (`x`, `y`, `w`, `h`), sizes scaled by `k` (1 = A6).
#[allow(clippy::too_many_arguments)]
fn draw(
    doc: &mut Doc,
    page: &mut Page,
    shared: &Shared,
    p: &Person,
    x: f32,
    y: f32,
    w: f32,
    h: f32,
    k: f32,
) -> Result<()> {
    let top = y + h;
    // Header: the forum's name (and logo) on green.
    let band_h = 70.0 * k;
    page.fill_rect(x, top - band_h, w, band_h, Color::GREEN);
    let mut right = x + w - 15.0 * k;
    if let Some(logo) = &shared.logo {
        let (lw, lh) = logo.fit(52.0 * k, 52.0 * k);
        page.fill_rect(
            right - 56.0 * k,
            top - band_h + 9.0 * k,
            56.0 * k,
            52.0 * k,
            Color::WHITE,
        );
        page.image(
            logo,
            right - 28.0 * k - lw / 2.0,
            top - band_h / 2.0 - lh / 2.0,
            lw,
            lh,
        );
        right -= 62.0 * k;
    }
    let left = x + 15.0 * k;
    let lines = &shared.forum_name;
    let line_h = lines.first().map_or(0.0, |l| l.style.size * 1.35);
    let mut by = top - band_h / 2.0 + (lines.len() as f32 * line_h) / 2.0 - line_h * 0.75;
    for l in lines {
        let mut l = l.clone();
        let lx = align(&mut l, left, right - left, Align::Center, true);
        doc.text(page, &l, lx, by, Color::WHITE)?;
        by -= line_h;
    }
    for (line, dy) in [(&shared.hijri, 86.0), (&shared.gregorian, 99.0)] {
        let mut l = line.clone();
        let lx = align(&mut l, x, w, Align::Center, true);
        doc.text(page, &l, lx, top - dy * k, Color::GREY)?;
    }

    // The name, as large as fits.
    let names = fit_name(
        &p.full_name,
        Style::new(Face::SansArabicBold, 24.0 * k),
        12.0 * k,
        w - 28.0 * k,
    )?;
    let mut ny = if names.len() == 1 {
        top - 158.0 * k
    } else {
        top - 146.0 * k
    };
    for l in names {
        let mut l = l.clone();
        let step = l.style.size * 1.3;
        let lx = align(&mut l, x, w, Align::Center, true);
        doc.text(page, &l, lx, ny, Color::BLACK)?;
        ny -= step;
    }
    if !p.name_en.trim().is_empty() {
        if let Ok(mut en) = fit_name(
            p.name_en.trim(),
            Style::new(Face::LatinRegular, 10.0 * k),
            7.0 * k,
            w - 28.0 * k,
        ) {
            let mut l = en.remove(0);
            let lx = align(&mut l, x, w, Align::Center, true);
            doc.text(page, &l, lx, top - 194.0 * k, Color::GREY)?;
        }
    }

    // The badge code as a QR code, and written under it for reading aloud.
    let qr = crate::qr::matrix(&p.badge_code)?;
    let size = 124.0 * k;
    page.qr(&qr, x + (w - size) / 2.0, y + 80.0 * k, size, Color::BLACK);
    let mut code = shape_line(&p.badge_code, Style::new(Face::LatinBold, 11.0 * k))?;
    let cx = align(&mut code, x, w, Align::Center, true);
    doc.text(page, &code, cx, y + 66.0 * k, Color::BLACK)?;

    // The category band, in the category's colour.
    let band = Color::from_hex(&p.category_color).unwrap_or(Color::GREEN);
    let cat_h = 52.0 * k;
    page.fill_rect(x, y, w, cat_h, band);
    let mut cat = fit_name(
        &p.category_label,
        Style::new(Face::SansArabicBold, 22.0 * k),
        10.0 * k,
        w - 20.0 * k,
    )?
    .remove(0);
    let cx = align(&mut cat, x, w, Align::Center, true);
    let base = y + cat_h / 2.0 - (cat.ascent() - cat.descent()) / 2.0;
    doc.text(page, &cat, cx, base, band.contrasting())?;
    Ok(())
}

/// Everything printing needs from the database, read at once so the database is not held
/// while pages are drawn (desks keep checking people in).
pub struct Batch {
    pub forum: Forum,
    pub logo: Option<Vec<u8>>,
    pub people: Vec<Person>,
}

pub fn load(conn: &Connection, forum_id: i64, sel: &Selection) -> Result<Batch> {
    Ok(Batch {
        forum: forum::get(conn, forum_id)?,
        people: select(conn, forum_id, sel)?,
        logo: forum::logo_bytes(conn, forum_id)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_parse_and_unknown_ones_are_refused_in_arabic() {
        assert_eq!(Layout::parse("A4").unwrap(), Layout::A4);
        assert_eq!(Layout::parse("a6").unwrap(), Layout::A6);
        let e = Layout::parse("letter").unwrap_err();
        assert!(e.to_string().contains("غير معروف"), "{e}");
    }
}
