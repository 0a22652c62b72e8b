//! Printed floor documents, through the shared PDF engine: a sign for each occupied booth (A4
//! landscape: the entity's or the family's name in large shaped Arabic, the booth code, the
//! entity's logo) and the plan
//! itself (A4 landscape: zones, booths with their codes, a legend, then a directory of who is
//! where).

use rusqlite::Connection;

use super::{Booth, Plan, Zone};
use crate::error::{AppError, Result};
use crate::pdf::layout::{align, fit_line, fit_name};
use crate::pdf::shape::shape_line;
use crate::pdf::{Align, Color, Doc, Face, Page, Style};

const MM: f32 = 72.0 / 25.4;
const A4_LANDSCAPE: (f32, f32) = (297.0, 210.0);

/// A zone's fill and border on paper (the screen uses the same colours).
pub fn zone_colors(kind: &str) -> (Color, Color) {
    match kind {
        "entities" => (Color(0xe3, 0xf1, 0xea), Color(0x0b, 0x6b, 0x4a)),
        "families" => (Color(0xfc, 0xef, 0xd9), Color(0xb4, 0x6a, 0x00)),
        "services" => (Color(0xe5, 0xed, 0xf8), Color(0x1f, 0x5f, 0xa8)),
        "stage" => (Color(0xef, 0xe6, 0xf5), Color(0x7b, 0x3f, 0xa0)),
        _ => (Color(0xee, 0xee, 0xee), Color(0x5b, 0x66, 0x60)),
    }
}

/// Draws `text` centred in the box on one line, at `max` size or shrunk to fit the width.
#[allow(clippy::too_many_arguments)]
fn centred(
    doc: &mut Doc,
    page: &mut Page,
    text: &str,
    face: Face,
    max: f32,
    x: f32,
    width: f32,
    baseline: f32,
    color: Color,
) -> Result<()> {
    if text.trim().is_empty() {
        return Ok(());
    }
    let mut line = fit_line(text, Style::new(face, max), width)?;
    let lx = align(&mut line, x, width, Align::Center, true);
    doc.text(page, &line, lx, baseline, color)
}

pub struct Printed {
    pub count: usize,
    pub pdf: Vec<u8>,
}

/// One A4 landscape sign per occupied booth, in booth-code order: an entity's booth (its name,
/// logo, kind and services) or a family's stall at the exhibition (the family's name, its
/// products and category, under «معرض الأسر المنتجة»).
pub fn signs(conn: &Connection, forum_id: i64) -> Result<Printed> {
    let forum = crate::forum::get(conn, forum_id)?;
    let booths: Vec<Booth> = super::booths(conn, forum_id)?
        .into_iter()
        .filter(|b| b.occupant.is_some())
        .collect();
    if booths.is_empty() {
        return Err(AppError::Conflict(
            "لا توجد أركان مخصصة بعد؛ خصص الأركان على المخطط ثم اطبع اللوحات".into(),
        ));
    }
    let mut doc = Doc::new(&format!("لوحات الأركان — {}", forum.name_ar));
    let (hijri, gregorian) = crate::forum::dates_ar(&forum);
    let dates = format!("{hijri} — {gregorian}");
    for b in &booths {
        let Some(o) = &b.occupant else { continue };
        // What the sign says: the name, the line under it, and the band's title and colour.
        let (name, sub, band_title, color, logo) = if o.kind == "entity" {
            let entity = crate::entity::get(conn, o.id)?;
            let logo = match crate::entity::logo_bytes(conn, o.id)? {
                Some(bytes) => doc.image(&bytes).ok(),
                None => None,
            };
            let services: Vec<&str> = entity.tags.iter().map(|t| t.label.as_str()).collect();
            let sub = if services.is_empty() {
                entity.kind_label.clone()
            } else {
                format!("{} · {}", entity.kind_label, services.join("، "))
            };
            (
                entity.name_ar,
                sub,
                forum.name_ar.clone(),
                Color::GREEN,
                logo,
            )
        } else {
            let family = crate::family::get(conn, o.id)?;
            let sub = if family.products.trim().is_empty() {
                family.category_label.clone()
            } else {
                format!("{} · {}", family.category_label, family.products)
            };
            let (_, border) = zone_colors("families");
            (
                family.head_name,
                sub,
                format!("معرض الأسر المنتجة — {}", forum.name_ar),
                border,
                None,
            )
        };
        let mut page = doc.page(A4_LANDSCAPE.0, A4_LANDSCAPE.1);
        let (w, h) = (page.width, page.height);
        let m = 12.0 * MM;
        // Frame and header band with the forum's (or the exhibition's) name.
        page.stroke_rect(m / 2.0, m / 2.0, w - m, h - m, 2.0, color);
        let band = 22.0 * MM;
        page.fill_rect(m / 2.0, h - m / 2.0 - band, w - m, band, color);
        centred(
            &mut doc,
            &mut page,
            &band_title,
            Face::NaskhBold,
            24.0,
            m,
            w - 2.0 * m,
            h - m / 2.0 - band + 7.5 * MM,
            Color::WHITE,
        )?;

        // The booth code in a box on the left (it reads left to right), the logo on the right.
        let code_w = 70.0 * MM;
        let code_h = 50.0 * MM;
        let code_y = h - m / 2.0 - band - 12.0 * MM - code_h;
        let tint = if o.kind == "entity" {
            Color(0xe3, 0xf1, 0xea)
        } else {
            zone_colors("families").0
        };
        page.fill_rect(m, code_y, code_w, code_h, tint);
        page.stroke_rect(m, code_y, code_w, code_h, 1.5, color);
        centred(
            &mut doc,
            &mut page,
            "ركن",
            Face::NaskhBold,
            16.0,
            m,
            code_w,
            code_y + code_h - 9.0 * MM,
            color,
        )?;
        centred(
            &mut doc,
            &mut page,
            &b.code,
            Face::LatinBold,
            80.0,
            m + 4.0 * MM,
            code_w - 8.0 * MM,
            code_y + 9.0 * MM,
            color,
        )?;
        if let Some(logo) = &logo {
            let (lw, lh) = logo.fit(60.0 * MM, code_h);
            page.image(logo, w - m - lw, code_y + (code_h - lh) / 2.0, lw, lh);
        }

        // The name, as large as fits (two lines for long names), centred.
        let name_w = w - 2.0 * m - 10.0 * MM;
        let lines = fit_name(&name, Style::new(Face::SansArabicBold, 64.0), 30.0, name_w)?;
        let step = lines.first().map_or(0.0, |l| l.style.size * 1.25);
        let mut y =
            code_y - 16.0 * MM - step * 0.6 - if lines.len() > 1 { 0.0 } else { step * 0.3 };
        for mut l in lines {
            let lx = align(&mut l, m, w - 2.0 * m, Align::Center, true);
            doc.text(&mut page, &l, lx, y, Color::BLACK)?;
            y -= step;
        }
        centred(
            &mut doc,
            &mut page,
            &sub,
            Face::NaskhRegular,
            20.0,
            m,
            w - 2.0 * m,
            m + 20.0 * MM,
            Color::GREY,
        )?;
        centred(
            &mut doc,
            &mut page,
            &dates,
            Face::NaskhRegular,
            12.0,
            m,
            w - 2.0 * m,
            m + 4.0 * MM,
            Color::GREY,
        )?;
        doc.add_page(page);
    }
    Ok(Printed {
        count: booths.len(),
        pdf: doc.finish()?,
    })
}

/// The plan on one A4 landscape page (hall to scale, zones, booths with codes, legend), then a
/// directory of entities and their booths.
pub fn plan(conn: &Connection, forum_id: i64) -> Result<Vec<u8>> {
    let forum = crate::forum::get(conn, forum_id)?;
    let plan: Plan = super::plan(conn, forum_id)?;
    let hall = plan
        .hall
        .ok_or_else(|| AppError::field("hall", "ارسم القاعة أولًا ثم اطبع المخطط"))?;
    let mut doc = Doc::new(&format!("مخطط الملتقى — {}", forum.name_ar));
    let mut page = doc.page(A4_LANDSCAPE.0, A4_LANDSCAPE.1);
    let (w, h) = (page.width, page.height);
    let m = 10.0 * MM;
    centred(
        &mut doc,
        &mut page,
        &format!("مخطط القاعة — {}", forum.name_ar),
        Face::NaskhBold,
        18.0,
        m,
        w - 2.0 * m,
        h - m - 4.0 * MM,
        Color::GREEN,
    )?;

    // The legend takes the right-hand column (RTL); the hall the rest, to scale.
    let legend_w = 62.0 * MM;
    let area = (
        m,
        m,
        w - 2.0 * m - legend_w - 6.0 * MM,
        h - 2.0 * m - 14.0 * MM,
    );
    let scale = (area.2 / hall.width as f32).min(area.3 / hall.depth as f32);
    let ox = area.0 + (area.2 - hall.width as f32 * scale) / 2.0;
    let top = area.1 + area.3;
    let at = |x: f64, y: f64| (ox + x as f32 * scale, top - y as f32 * scale);
    let (hx, hy) = at(0.0, hall.depth);
    page.stroke_rect(
        hx,
        hy,
        hall.width as f32 * scale,
        hall.depth as f32 * scale,
        1.5,
        Color::BLACK,
    );
    for z in &plan.zones {
        draw_zone(&mut doc, &mut page, z, scale, &at)?;
    }
    for b in &plan.booths {
        let (_, border) = zone_colors(b.zone_kind.as_deref().unwrap_or(""));
        let (x, y) = at(b.x, b.y + b.h);
        let (bw, bh) = (b.w as f32 * scale, b.h as f32 * scale);
        page.fill_rect(
            x,
            y,
            bw,
            bh,
            if b.occupant.is_some() {
                border
            } else {
                Color::WHITE
            },
        );
        page.stroke_rect(x, y, bw, bh, 0.6, border);
        let size = (bh * 0.42).min(bw * 0.34).clamp(3.0, 11.0);
        let mut code = fit_line(&b.code, Style::new(Face::LatinBold, size), bw - 2.0)?;
        let cx = align(&mut code, x, bw, Align::Center, true);
        let color = if b.occupant.is_some() {
            Color::WHITE
        } else {
            border
        };
        doc.text(&mut page, &code, cx, y + bh / 2.0 - size * 0.35, color)?;
    }

    // Legend.
    let lx = w - m - legend_w;
    let mut ly = top - 4.0 * MM;
    centred(
        &mut doc,
        &mut page,
        "دليل المخطط",
        Face::NaskhBold,
        13.0,
        lx,
        legend_w,
        ly,
        Color::BLACK,
    )?;
    ly -= 9.0 * MM;
    let mut kinds: Vec<&str> = plan.zones.iter().map(|z| z.kind.as_str()).collect();
    kinds.dedup();
    let mut seen = Vec::new();
    for k in kinds {
        if seen.contains(&k) {
            continue;
        }
        seen.push(k);
        let (fill, border) = zone_colors(k);
        legend_row(
            &mut doc,
            &mut page,
            lx,
            legend_w,
            ly,
            fill,
            border,
            crate::entity::label_of(super::ZONE_KINDS, k),
        )?;
        ly -= 7.5 * MM;
    }
    legend_row(
        &mut doc,
        &mut page,
        lx,
        legend_w,
        ly,
        Color::GREEN,
        Color::GREEN,
        "ركن مخصص",
    )?;
    ly -= 7.5 * MM;
    legend_row(
        &mut doc,
        &mut page,
        lx,
        legend_w,
        ly,
        Color::WHITE,
        Color::GREEN,
        "ركن فارغ",
    )?;
    ly -= 11.0 * MM;
    let taken = plan.booths.iter().filter(|b| b.occupant.is_some()).count();
    for text in [
        format!("عدد الأركان: {}", plan.booths.len()),
        format!("المخصصة: {taken}"),
        format!("الفارغة: {}", plan.free_booths + plan.free_stalls),
        format!("القاعة: {} × {} م", hall.width, hall.depth),
    ] {
        let mut l = shape_line(&text, Style::new(Face::NaskhRegular, 10.0))?;
        let x = align(&mut l, lx, legend_w, Align::Right, true);
        doc.text(&mut page, &l, x, ly, Color::BLACK)?;
        ly -= 6.0 * MM;
    }
    doc.add_page(page);
    directory(&mut doc, &plan)?;
    doc.finish()
}

#[allow(clippy::too_many_arguments)]
fn legend_row(
    doc: &mut Doc,
    page: &mut Page,
    x: f32,
    w: f32,
    y: f32,
    fill: Color,
    border: Color,
    label: &str,
) -> Result<()> {
    let sw = 8.0 * MM;
    page.fill_rect(x + w - sw, y - 1.5 * MM, sw, 5.0 * MM, fill);
    page.stroke_rect(x + w - sw, y - 1.5 * MM, sw, 5.0 * MM, 0.8, border);
    let mut l = shape_line(label, Style::new(Face::NaskhRegular, 10.0))?;
    let lx = align(&mut l, x, w - sw - 3.0 * MM, Align::Right, true);
    doc.text(page, &l, lx, y, Color::BLACK)
}

fn draw_zone(
    doc: &mut Doc,
    page: &mut Page,
    z: &Zone,
    scale: f32,
    at: &dyn Fn(f64, f64) -> (f32, f32),
) -> Result<()> {
    let (fill, border) = zone_colors(&z.kind);
    let (x, y) = at(z.x, z.y + z.h);
    let (zw, zh) = (z.w as f32 * scale, z.h as f32 * scale);
    page.fill_rect(x, y, zw, zh, fill);
    page.stroke_rect(x, y, zw, zh, 0.8, border);
    // The zone's name along its top edge, inside, right-aligned (RTL).
    if zw > 30.0 && zh > 12.0 {
        let mut l = fit_line(&z.name_ar, Style::new(Face::NaskhBold, 9.0), zw - 6.0)?;
        let lx = align(&mut l, x + 3.0, zw - 6.0, Align::Right, true);
        doc.text(page, &l, lx, y + zh - l.style.size - 1.0, border)?;
    }
    Ok(())
}

/// Pages listing every booth code with its occupant, three columns per page.
fn directory(doc: &mut Doc, plan: &Plan) -> Result<()> {
    let rows: Vec<(&str, &str)> = plan
        .booths
        .iter()
        .filter_map(|b| {
            b.occupant
                .as_ref()
                .map(|o| (b.code.as_str(), o.name.as_str()))
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    let per_col = 30;
    for chunk in rows.chunks(per_col * 3) {
        let mut page = doc.page(A4_LANDSCAPE.0, A4_LANDSCAPE.1);
        let (w, h) = (page.width, page.height);
        let m = 10.0 * MM;
        centred(
            doc,
            &mut page,
            "دليل الأركان",
            Face::NaskhBold,
            16.0,
            m,
            w - 2.0 * m,
            h - m - 4.0 * MM,
            Color::GREEN,
        )?;
        let col_w = (w - 2.0 * m) / 3.0;
        for (i, (code, name)) in chunk.iter().enumerate() {
            let col = i / per_col;
            let row = i % per_col;
            // Columns run right to left.
            let x = w - m - (col as f32 + 1.0) * col_w;
            let y = h - m - 16.0 * MM - row as f32 * 5.6 * MM;
            let code_w = 14.0 * MM;
            let mut c = shape_line(code, Style::new(Face::LatinBold, 9.0))?;
            let cx = align(&mut c, x + col_w - code_w, code_w, Align::Right, true);
            doc.text(&mut page, &c, cx, y, Color::GREEN)?;
            let mut n = fit_line(
                name,
                Style::new(Face::NaskhRegular, 9.5),
                col_w - code_w - 6.0 * MM,
            )?;
            let nx = align(
                &mut n,
                x + 2.0 * MM,
                col_w - code_w - 4.0 * MM,
                Align::Right,
                true,
            );
            doc.text(&mut page, &n, nx, y, Color::BLACK)?;
            if row % 2 == 0 {
                page.line(
                    x + 2.0 * MM,
                    y - 1.8 * MM,
                    x + col_w - 2.0 * MM,
                    y - 1.8 * MM,
                    0.2,
                    Color(0xdd, 0xdd, 0xdd),
                );
            }
        }
        doc.add_page(page);
    }
    Ok(())
}
