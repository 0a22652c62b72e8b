//! The families-empowered report on paper (A4 portrait, through the PDF engine's [`Flow`]): the
//! forum's name, logo and dates in both calendars, the headline figures under their definition,
//! each track's people and funnel as bar charts, the reconciliation, and the breakdowns by
//! social-security office, entity, gender, disability and forum day. The figures are the ones
//! [`super::impact`] computed — nothing is counted here.

use rusqlite::Connection;

use super::{Group, Impact};
use crate::error::Result;
use crate::pdf::flow::{count, percent, Cell, Col, Flow};
use crate::pdf::{Color, Face, Style};

const LIGHT: Color = Color(0xb9, 0xdc, 0xcb);

/// Each track's colour in the charts (the screen uses the same).
pub fn track_color(code: &str) -> Color {
    match code {
        "training" => Color(0x1f, 0x5f, 0xa8),
        "support" => Color(0xb4, 0x6a, 0x00),
        _ => Color::GREEN,
    }
}

fn days(v: Option<f64>) -> String {
    v.map_or_else(
        || "—".to_string(),
        |d| {
            let r = (d * 10.0).round() / 10.0;
            if r.fract() == 0.0 {
                format!("{r:.0}")
            } else {
                format!("{r:.1}")
            }
        },
    )
}

/// The report as a PDF.
pub fn pdf(conn: &Connection, r: &Impact) -> Result<Vec<u8>> {
    let forum = crate::forum::get(conn, r.forum_id)?;
    let logo = crate::forum::logo_bytes(conn, forum.id)?;
    let mut f = Flow::new(
        &format!("تقرير التمكين — {}", forum.name_ar),
        &format!("{} · تقرير التمكين", forum.name_ar),
    );
    let lines = crate::forum::report_lines(&forum);
    f.title_band(
        "تقرير التمكين: الأسر الممكَّنة",
        &forum.name_ar,
        logo.as_deref(),
        &lines,
    )?;
    f.gap(2.0);
    f.tiles(&[
        (count(r.families_empowered), "الأسر الممكَّنة".into()),
        (count(r.people_empowered), "الأشخاص الممكَّنون".into()),
        (count(r.people_referred), "الأشخاص المحالون".into()),
    ])?;
    f.heading(
        &format!("تعريف التمكين (الإصدار {})", r.definition.version),
        20.0,
    )?;
    f.paragraph(
        &r.definition.text,
        Style::new(Face::NaskhRegular, 10.5),
        true,
    )?;
    if r.people_referred == 0 {
        f.paragraph(
            "لم تُسجَّل إحالات في هذا الملتقى بعد؛ تظهر الأرقام والرسوم هنا متى أُحيل الزوار إلى الفرص.",
            Style::new(Face::NaskhRegular, 11.0),
            false,
        )?;
        return f.finish();
    }

    // People per track: referred and empowered side by side.
    f.heading("المسارات الثلاثة", 60.0)?;
    f.legend(&[("المحالون", LIGHT), ("الممكَّنون", Color::GREEN)])?;
    let top = r
        .by_track
        .iter()
        .map(|t| t.people_referred)
        .max()
        .unwrap_or(0) as f64;
    let rows: Vec<Vec<Cell>> = r
        .by_track
        .iter()
        .map(|t| {
            vec![
                Cell::text(t.label),
                Cell::text(count(t.referrals)),
                Cell::text(count(t.people_referred)),
                Cell::text(count(t.people_empowered)),
                Cell::Bars {
                    bars: vec![
                        (t.people_referred as f64, LIGHT),
                        (t.people_empowered as f64, track_color(t.track)),
                    ],
                    max: top,
                },
            ]
        })
        .collect();
    f.table(
        &[
            Col::text("المسار", 34.0),
            Col::number("الإحالات", 18.0),
            Col::number("المحالون", 18.0),
            Col::number("الممكَّنون", 20.0),
            Col::text("", 0.0),
        ],
        &rows,
    )?;

    // Each track's funnel.
    f.heading("مراحل كل مسار", 50.0)?;
    f.paragraph(
        "عدد الإحالات التي بلغت كل مرحلة، ونسبتها ممن بلغوا المرحلة السابقة، ووسيط الأيام بين المرحلتين.",
        Style::new(Face::NaskhRegular, 9.5),
        false,
    )?;
    for t in &r.by_track {
        f.ensure(40.0 * crate::pdf::flow::MM)?;
        f.line(
            &format!(
                "{} — {}",
                t.label,
                crate::text::counted_shown(
                    t.referrals as u64,
                    &count(t.referrals),
                    &crate::text::REFERRALS
                )
            ),
            Style::new(Face::NaskhBold, 11.5),
            track_color(t.track),
        )?;
        let first = t.funnel.first().map_or(0, |s| s.count) as f64;
        let rows: Vec<Vec<Cell>> = t
            .funnel
            .iter()
            .map(|s| {
                vec![
                    Cell::text(s.label),
                    Cell::text(count(s.count)),
                    Cell::text(s.conversion.map_or_else(|| "—".into(), percent)),
                    Cell::text(days(s.median_days)),
                    Cell::bar(s.count as f64, first, track_color(t.track)),
                ]
            })
            .collect();
        f.table(
            &[
                Col::text("المرحلة", 26.0),
                Col::number("العدد", 18.0),
                Col::number("من السابقة", 22.0),
                Col::number("وسيط الأيام", 22.0),
                Col::text("", 0.0),
            ],
            &rows,
        )?;
    }

    // The reconciliation: why the tracks add up to more than the total.
    let rec = &r.reconciliation;
    f.heading("المطابقة", 60.0)?;
    let mut rows: Vec<Vec<Cell>> = r
        .by_track
        .iter()
        .map(|t| {
            vec![
                Cell::text(format!("الممكَّنون في {}", t.label)),
                Cell::text(count(t.people_empowered)),
            ]
        })
        .collect();
    for (label, n) in [
        ("مجموع المسارات", rec.sum_of_tracks),
        ("أشخاص في أكثر من مسار", rec.people_in_more_than_one_track),
        ("الأشخاص دون تكرار", rec.unique_people),
        ("الأسر دون تكرار", rec.unique_families),
    ] {
        rows.push(vec![Cell::text(label), Cell::text(count(n))]);
    }
    f.table(
        &[Col::text("البند", 0.0), Col::number("العدد", 35.0)],
        &rows,
    )?;
    f.paragraph(
        "يزيد مجموع المسارات على عدد الأشخاص لأن من تمكّن في أكثر من مسار يُعدّ في كل مسار مرة، ويقلّ عدد الأسر عن عدد الأشخاص لأن أفراد الأسرة الواحدة (ملف ضمان واحد) يُعدّون أسرة واحدة.",
        Style::new(Face::NaskhRegular, 9.5),
        false,
    )?;

    for (title, head, groups) in [
        ("حسب مكتب الضمان الاجتماعي", "المكتب", r.by_office.as_slice()),
        ("حسب الجهة الممكنة", "الجهة", r.by_entity.as_slice()),
        ("حسب الجنس", "الجنس", r.by_gender.as_slice()),
        ("حسب الإعاقة", "الفئة", r.by_disability.as_slice()),
        ("حسب يوم الإحالة", "اليوم", r.by_day.as_slice()),
    ] {
        breakdown(&mut f, title, head, groups)?;
    }
    f.finish()
}

/// One breakdown: a row per group with its figures and a bar of its families empowered.
fn breakdown(f: &mut Flow, title: &str, head: &str, groups: &[Group]) -> Result<()> {
    f.heading(title, 30.0)?;
    let top = groups
        .iter()
        .map(|g| g.families_empowered)
        .max()
        .unwrap_or(0) as f64;
    let rows: Vec<Vec<Cell>> = groups
        .iter()
        .map(|g| {
            vec![
                Cell::text(g.key.clone()),
                Cell::text(count(g.people_referred)),
                Cell::text(count(g.people_empowered)),
                Cell::text(count(g.families_empowered)),
                Cell::bar(g.families_empowered as f64, top, Color::GREEN),
            ]
        })
        .collect();
    f.table(
        &[
            Col::text(head, 58.0),
            Col::number("المحالون", 18.0),
            Col::number("الممكَّنون", 20.0),
            Col::number("الأسر الممكَّنة", 24.0),
            Col::text("", 0.0),
        ],
        &rows,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_report_prints_and_an_empty_forum_says_why_it_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("m.sqlite3")).unwrap();
        let mut conn = store.conn();
        let forum = crate::demo::load(&mut conn).unwrap();
        let r = super::super::impact(&conn, forum, false).unwrap();
        let bytes = pdf(&conn, &r).unwrap();
        assert!(bytes.starts_with(b"%PDF"));
        let doc = lopdf::Document::load_mem(&bytes).unwrap();
        assert!(doc.get_pages().len() >= 3, "{}", doc.get_pages().len());
        let images = |pdf: &[u8]| {
            let doc = lopdf::Document::load_mem(pdf).unwrap();
            doc.objects
                .values()
                .filter(|o| {
                    o.as_stream().is_ok_and(|s| {
                        s.dict
                            .get(b"Subtype")
                            .is_ok_and(|t| t.as_name().is_ok_and(|n| n == b"Image"))
                    })
                })
                .count()
        };
        assert_eq!(images(&bytes), 0, "the charts are vectors");

        // The forum's logo is drawn in the title band (an image and its transparency mask).
        use base64::Engine;
        let png = base64::engine::general_purpose::STANDARD
            .decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
            .unwrap();
        conn.execute(
            "INSERT INTO forum_logo (forum_id, mime, bytes) VALUES (?1, 'image/png', ?2)",
            rusqlite::params![forum, png],
        )
        .unwrap();
        assert!(images(&pdf(&conn, &r).unwrap()) >= 1);

        let empty = crate::forum::test_forum(&mut conn);
        let r = super::super::impact(&conn, empty, false).unwrap();
        let doc = lopdf::Document::load_mem(&pdf(&conn, &r).unwrap()).unwrap();
        assert_eq!(doc.get_pages().len(), 1);
    }
}
