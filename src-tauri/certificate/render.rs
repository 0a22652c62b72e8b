//! Certificates as A4 landscape pages through the shared PDF engine. The parts that are the
//! same on every page (forum name, title, body, signatories) are shaped once per batch; only
//! the name, the serial and the QR code are made per page.

use rusqlite::Connection;

use super::{Issued, Template};
use crate::error::Result;
use crate::forum::Forum;
use crate::pdf::layout::{align, fit_name, paragraph};
use crate::pdf::shape::shape_line;
use crate::pdf::{Align, Color, Doc, Face, Line, Style};

const W_MM: f32 = 297.0;
const H_MM: f32 = 210.0;

/// One certificate to print.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    pub serial: String,
    pub qr: String,
}

impl From<&Issued> for Sheet {
    fn from(i: &Issued) -> Self {
        Sheet {
            name: i.name.clone(),
            serial: i.serial.clone(),
            qr: i.qr.clone(),
        }
    }
}

/// Fills the placeholders that are the same for every recipient.
pub fn fill(text: &str, forum: &Forum) -> String {
    let last = forum.days.last();
    text.replace("{الملتقى}", &forum.name_ar)
        .replace(
            "{التاريخ_الهجري}",
            last.map(|d| d.label.hijri.as_str()).unwrap_or_default(),
        )
        .replace(
            "{التاريخ_الميلادي}",
            last.map(|d| d.label.gregorian.as_str()).unwrap_or_default(),
        )
        .replace("{الجهة}", "")
        .replace("{الدورة}", "")
        .replace("{الساعات}", "")
}

enum Block {
    /// Shaped once: the same on every page.
    Fixed(Vec<Line>),
    /// Contains the name inline: shaped per page.
    WithName(String),
    /// The name on its own line(s), fitted to the width.
    Name,
}

/// The merged PDF of all `sheets` in the template's design.
pub fn render(forum: &Forum, template: &Template, sheets: &[Sheet]) -> Result<Vec<u8>> {
    render_with_progress(forum, template, sheets, &mut |_, _| {})
}

/// [`render`], calling `progress(done, total)` as pages are made.
pub fn render_with_progress(
    forum: &Forum,
    template: &Template,
    sheets: &[Sheet],
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<u8>> {
    let mut doc = Doc::new(&format!("{} — {}", template.title, forum.name_ar));
    let probe = doc.page(W_MM, H_MM);
    let (w, h) = (probe.width, probe.height);
    let text_w = w - 220.0;
    let body_style = Style::new(Face::AmiriRegular, 19.0);

    let mut header = shape_line(&forum.name_ar, Style::new(Face::NaskhBold, 16.0))?;
    let header_x = align(&mut header, 0.0, w, Align::Center, true);
    let mut title = shape_line(&template.title, Style::new(Face::AmiriBold, 44.0))?;
    let title_x = align(&mut title, 0.0, w, Align::Center, true);
    let blocks: Vec<Block> = template
        .body
        .split('\n')
        .map(|p| fill(p.trim(), forum))
        .filter(|p| !p.is_empty())
        .map(|p| {
            if p == "{الاسم}" {
                Ok(Block::Name)
            } else if p.contains("{الاسم}") {
                Ok(Block::WithName(p))
            } else {
                paragraph(&p, body_style, text_w).map(Block::Fixed)
            }
        })
        .collect::<Result<_>>()?;
    // Signatories: title over name, in columns across the foot of the page.
    let signatories: Vec<(Line, Line)> = template
        .signatories
        .iter()
        .take(3)
        .map(|s| {
            Ok((
                shape_line(&s.title, Style::new(Face::NaskhRegular, 12.0))?,
                shape_line(&s.name, Style::new(Face::AmiriBold, 16.0))?,
            ))
        })
        .collect::<Result<_>>()?;
    let serial_label = shape_line("رقم الشهادة:", Style::new(Face::NaskhRegular, 10.0))?;

    for (i, sheet) in sheets.iter().enumerate() {
        if i % 50 == 0 {
            progress(i, sheets.len());
        }
        let mut page = doc.page(W_MM, H_MM);
        page.stroke_rect(18.0, 18.0, w - 36.0, h - 36.0, 3.0, Color::GREEN);
        page.stroke_rect(26.0, 26.0, w - 52.0, h - 52.0, 0.8, Color::GOLD);
        doc.text(&mut page, &header, header_x, h - 72.0, Color::GREEN)?;
        doc.text(&mut page, &title, title_x, h - 130.0, Color::GREEN)?;
        let mut y = h - 185.0;
        for block in &blocks {
            let lines = match block {
                Block::Fixed(lines) => lines.clone(),
                Block::WithName(p) => {
                    paragraph(&p.replace("{الاسم}", &sheet.name), body_style, text_w)?
                }
                Block::Name => {
                    y -= 12.0;
                    let lines =
                        fit_name(&sheet.name, Style::new(Face::AmiriBold, 36.0), 20.0, text_w)?;
                    for mut l in lines {
                        let x = align(&mut l, 0.0, w, Align::Center, true);
                        doc.text(&mut page, &l, x, y, Color::GREEN)?;
                        y -= 44.0;
                    }
                    y -= 4.0;
                    continue;
                }
            };
            for mut l in lines {
                let x = align(&mut l, 0.0, w, Align::Center, true);
                doc.text(&mut page, &l, x, y, Color::BLACK)?;
                y -= 32.0;
            }
        }
        let n = signatories.len().max(1) as f32;
        for (i, (t, name)) in signatories.iter().enumerate() {
            // Right to left: the first signatory on the right.
            let col_w = (w - 260.0) / n;
            let col_x = w - 130.0 - (i as f32 + 1.0) * col_w;
            let mut t = t.clone();
            let mut name = name.clone();
            let tx = align(&mut t, col_x, col_w, Align::Center, true);
            let nx = align(&mut name, col_x, col_w, Align::Center, true);
            doc.text(&mut page, &t, tx, 118.0, Color::BLACK)?;
            doc.text(&mut page, &name, nx, 96.0, Color::BLACK)?;
        }
        let qr = crate::qr::matrix(&sheet.qr)?;
        page.qr(&qr, 44.0, 44.0, 66.0, Color::BLACK);
        let serial = shape_line(&sheet.serial, Style::new(Face::LatinRegular, 10.0))?;
        doc.text(&mut page, &serial, 118.0, 50.0, Color::BLACK)?;
        doc.text(&mut page, &serial_label, 118.0, 64.0, Color::BLACK)?;
        doc.add_page(page);
    }
    doc.finish()
}

/// Issues (or re-uses) and renders the certificates of a kind for a forum.
pub fn issue_and_render(
    conn: &mut Connection,
    forum_id: i64,
    kind: &str,
    only: Option<&[i64]>,
    by: &str,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<(Vec<super::Issued>, Vec<u8>)> {
    let issued = super::issue(conn, forum_id, kind, only, by)?;
    let forum = crate::forum::get(conn, forum_id)?;
    let template = super::template(conn, forum_id, kind)?;
    let sheets: Vec<Sheet> = issued.iter().map(Sheet::from).collect();
    let pdf = render_with_progress(&forum, &template, &sheets, progress)?;
    Ok((issued, pdf))
}
