//! The final report on paper (A4 portrait through [`Flow`]): the forum and its committees, then
//! a section per part of the forum, each a table whose last column is a bar chart (vectors).

use rusqlite::Connection;

use super::{Count, FinalReport, Group};
use crate::error::Result;
use crate::pdf::flow::{count, Cell, Col, Flow};
use crate::pdf::{Color, Face, Style};
use crate::text::{BOOTHS, ENTITIES, REQUESTS};

const LIGHT: Color = Color(0xb9, 0xdc, 0xcb);
const GOLD: Color = Color(0xb4, 0x6a, 0x00);

fn n(v: i64) -> String {
    count(v.max(0) as usize)
}

fn counted(v: i64, c: &crate::text::Counted) -> String {
    crate::text::counted(v.max(0) as u64, c)
}

/// Registered and attended per group, both as bars.
fn groups(f: &mut Flow, head: &str, g: &[Group]) -> Result<()> {
    let top = g.iter().map(|x| x.registered).max().unwrap_or(0) as f64;
    let rows: Vec<Vec<Cell>> = g
        .iter()
        .map(|x| {
            vec![
                Cell::text(x.label.clone()),
                Cell::text(n(x.registered)),
                Cell::text(n(x.attended)),
                Cell::Bars {
                    bars: vec![
                        (x.registered as f64, LIGHT),
                        (x.attended as f64, Color::GREEN),
                    ],
                    max: top,
                },
            ]
        })
        .collect();
    f.table(
        &[
            Col::text(head, 60.0),
            Col::number("المسجلون", 20.0),
            Col::number("الحاضرون", 20.0),
            Col::text("", 0.0),
        ],
        &rows,
    )
}

/// A labelled count per row with its bar.
fn counts(f: &mut Flow, head: &str, what: &str, c: &[Count], color: Color) -> Result<()> {
    let top = c.iter().map(|x| x.count).max().unwrap_or(0) as f64;
    let rows: Vec<Vec<Cell>> = c
        .iter()
        .map(|x| {
            vec![
                Cell::text(x.label.clone()),
                Cell::text(n(x.count)),
                Cell::bar(x.count as f64, top, color),
            ]
        })
        .collect();
    f.table(
        &[
            Col::text(head, 60.0),
            Col::number(what, 24.0),
            Col::text("", 0.0),
        ],
        &rows,
    )
}

pub fn pdf(conn: &Connection, r: &FinalReport) -> Result<Vec<u8>> {
    let forum = &r.forum;
    let logo = crate::forum::logo_bytes(conn, forum.id)?;
    let mut f = Flow::new(
        &format!("التقرير الختامي — {}", forum.name_ar),
        &format!("{} · التقرير الختامي", forum.name_ar),
    );
    let lines = crate::forum::report_lines(forum);
    f.title_band("التقرير الختامي", &forum.name_ar, logo.as_deref(), &lines)?;
    f.gap(2.0);
    let a = &r.attendance;
    let mut tiles = vec![
        (n(a.registered), "المسجلون".to_string()),
        (n(a.attended), "الحاضرون".to_string()),
    ];
    match &r.empowerment {
        Some(e) => tiles.push((count(e.families_empowered), "الأسر الممكَّنة".into())),
        None => tiles.push((n(r.entities.total), "الجهات الممكنة".into())),
    }
    f.tiles(&tiles)?;

    // The committees.
    for (title, members) in [
        ("اللجنة المنظمة", &forum.organizing_committee),
        ("اللجنة التنفيذية", &forum.executive_committee),
    ] {
        if members.is_empty() {
            continue;
        }
        f.heading(title, 20.0)?;
        let rows: Vec<Vec<Cell>> = members
            .iter()
            .map(|m| vec![Cell::text(m.name.clone()), Cell::text(m.role.clone())])
            .collect();
        f.table(&[Col::text("الاسم", 70.0), Col::text("الصفة", 0.0)], &rows)?;
    }

    // Registrations and attendance.
    f.heading("الحضور حسب اليوم", 30.0)?;
    let top = a.by_day.iter().map(|d| d.attended).max().unwrap_or(0) as f64;
    let rows: Vec<Vec<Cell>> = a
        .by_day
        .iter()
        .map(|d| {
            vec![
                Cell::text(d.date.clone()),
                Cell::text(n(d.attended)),
                Cell::bar(d.attended as f64, top, Color::GREEN),
            ]
        })
        .collect();
    f.table(
        &[
            Col::text("اليوم", 80.0),
            Col::number("الحاضرون", 22.0),
            Col::text("", 0.0),
        ],
        &rows,
    )?;
    f.heading("التسجيل والحضور حسب الفئة", 30.0)?;
    f.legend(&[("المسجلون", LIGHT), ("الحاضرون", Color::GREEN)])?;
    groups(&mut f, "الفئة", &a.by_category)?;
    f.heading("حسب مكتب الضمان الاجتماعي", 30.0)?;
    groups(&mut f, "المكتب", &a.by_office)?;
    if !a.by_hour.is_empty() {
        f.heading("تسجيلات الحضور حسب الساعة (بتوقيت المقر)", 30.0)?;
        counts(&mut f, "الساعة", "التسجيلات", &a.by_hour, Color::GREEN)?;
    }
    f.heading("ذوو الإعاقة واحتياجاتهم", 30.0)?;
    f.line(
        &format!(
            "المسجلون من ذوي الإعاقة أو ممن لهم احتياج: {}، حضر منهم {}",
            n(a.with_disability.registered),
            n(a.with_disability.attended)
        ),
        Style::new(Face::NaskhRegular, 10.5),
        Color::BLACK,
    )?;
    counts(&mut f, "الاحتياج", "العدد", &a.needs, Color::GREEN)?;

    // Entities and booths.
    let e = &r.entities;
    f.heading("الجهات الممكنة والأركان", 40.0)?;
    f.line(
        &format!(
            "{}، لها {} من {} في المخطط",
            counted(e.total, &ENTITIES),
            counted(e.booths_taken, &BOOTHS),
            counted(e.booths, &BOOTHS)
        ),
        Style::new(Face::NaskhRegular, 10.5),
        Color::BLACK,
    )?;
    counts(&mut f, "نوع الجهة", "العدد", &e.by_kind, Color::GREEN)?;
    counts(&mut f, "حالة المشاركة", "العدد", &e.by_status, Color::GREEN)?;
    if !e.list.is_empty() {
        let rows: Vec<Vec<Cell>> = e
            .list
            .iter()
            .map(|x| {
                vec![
                    Cell::text(x.name.clone()),
                    Cell::text(x.kind.clone()),
                    Cell::text(x.status.clone()),
                    Cell::text(x.booth.clone().unwrap_or_default()),
                ]
            })
            .collect();
        f.table(
            &[
                Col::text("الجهة", 0.0),
                Col::text("النوع", 26.0),
                Col::text("الحالة", 30.0),
                Col::number("الركن", 18.0),
            ],
            &rows,
        )?;
    }

    // The productive-families exhibition.
    let fam = &r.families;
    f.heading("معرض الأسر المنتجة", 40.0)?;
    f.line(
        &format!(
            "{}، و{} للأسر، ومجموع المبيعات {}",
            counted(fam.applications, &REQUESTS),
            counted(fam.stalls, &BOOTHS),
            fam.sales_label
        ),
        Style::new(Face::NaskhRegular, 10.5),
        Color::BLACK,
    )?;
    counts(&mut f, "حالة الطلب", "العدد", &fam.by_status, GOLD)?;
    let riyals = |c: &[Count]| -> Vec<Count> {
        c.iter()
            .map(|x| Count {
                label: x.label.clone(),
                count: x.count / 100,
            })
            .collect()
    };
    counts(
        &mut f,
        "المبيعات حسب اليوم",
        "ريال",
        &riyals(&fam.sales_by_day),
        GOLD,
    )?;
    counts(
        &mut f,
        "المبيعات حسب الفئة",
        "ريال",
        &riyals(&fam.sales_by_category),
        GOLD,
    )?;

    // Certificates.
    f.heading("الشهادات الصادرة", 30.0)?;
    let rows: Vec<Vec<Cell>> = r
        .certificates
        .iter()
        .map(|c| {
            vec![
                Cell::text(c.label.clone()),
                Cell::text(n(c.issued)),
                Cell::text(n(c.revoked)),
            ]
        })
        .collect();
    f.table(
        &[
            Col::text("النوع", 0.0),
            Col::number("الصادرة", 26.0),
            Col::number("الملغاة", 26.0),
        ],
        &rows,
    )?;

    // The tracks' result.
    if let Some(emp) = &r.empowerment {
        f.heading("التمكين: المسارات الثلاثة", 40.0)?;
        f.paragraph(&emp.definition, Style::new(Face::NaskhRegular, 10.0), true)?;
        f.line(
            &format!(
                "الأسر الممكَّنة: {} — الأشخاص الممكَّنون: {} — المحالون: {}",
                count(emp.families_empowered),
                count(emp.people_empowered),
                count(emp.people_referred)
            ),
            Style::new(Face::NaskhBold, 11.0),
            Color::GREEN,
        )?;
        let top = emp.by_track.iter().map(|t| t.1).max().unwrap_or(0) as f64;
        let rows: Vec<Vec<Cell>> = emp
            .by_track
            .iter()
            .map(|(label, referred, empowered)| {
                vec![
                    Cell::text(label.clone()),
                    Cell::text(count(*referred)),
                    Cell::text(count(*empowered)),
                    Cell::Bars {
                        bars: vec![(*referred as f64, LIGHT), (*empowered as f64, Color::GREEN)],
                        max: top,
                    },
                ]
            })
            .collect();
        f.table(
            &[
                Col::text("المسار", 40.0),
                Col::number("المحالون", 20.0),
                Col::number("الممكَّنون", 22.0),
                Col::text("", 0.0),
            ],
            &rows,
        )?;
    }
    f.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_forum_s_report_prints_on_several_pages() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("m.sqlite3")).unwrap();
        let mut conn = store.conn();
        let forum = crate::demo::load(&mut conn).unwrap();
        let r = super::super::figures(&conn, forum).unwrap();
        let bytes = pdf(&conn, &r).unwrap();
        let doc = lopdf::Document::load_mem(&bytes).unwrap();
        assert!(doc.get_pages().len() >= 4, "{}", doc.get_pages().len());
        let empty = crate::forum::test_forum(&mut conn);
        let r = super::super::figures(&conn, empty).unwrap();
        assert!(pdf(&conn, &r).is_ok(), "an empty forum still reports");
    }
}
