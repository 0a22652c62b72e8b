//! Attendee exports (كشوف الحضور) the ministry and sponsors ask for, as right-to-left .xlsx:
//! everyone registered with their categories and needs and the days they came; the attendance
//! of a day (who came, when in venue time, at which desk); who registered and did not come.
//! Dates are written in both calendars, counts as numbers, every text cell formula-safe (the
//! sheet writer quotes it). Who is in each list is decided by [`super::listing::Filter`].

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate};
use rusqlite::Connection;

use super::listing::{every, Filter};
use super::Person;
use crate::error::{AppError, Result};
use crate::sheet::{write_xlsx_sheets, Cell, SheetData};

/// What to export: everything (registered, each day's attendance, absent), one day's
/// attendance, or the absent (never, or on `day`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Which {
    pub day: Option<u32>,
    pub absent: bool,
}

pub struct Exported {
    pub file_name: String,
    pub bytes: Vec<u8>,
    /// Rows written per sheet.
    pub rows: Vec<(String, usize)>,
}

struct Visit {
    day: u32,
    at: String,
    desk: String,
}

fn t(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

fn opt(s: &Option<String>) -> Cell {
    s.as_deref().map_or(Cell::Empty, t)
}

fn gender(p: &Person) -> Cell {
    match p.gender.as_deref() {
        Some("m") => t("ذكر"),
        Some("f") => t("أنثى"),
        _ => Cell::Empty,
    }
}

/// A stored UTC time as the venue's date and clock.
fn venue(at: &str) -> Option<(NaiveDate, String)> {
    let v = DateTime::parse_from_rfc3339(at)
        .ok()?
        .with_timezone(&crate::checkin::venue_offset());
    Some((v.date_naive(), v.format("%H:%M").to_string()))
}

const PERSON_HEADERS: [&str; 9] = [
    "الاسم",
    "الفئة",
    "رقم الهوية",
    "الجوال",
    "الجنس",
    "الاحتياجات",
    "مكتب الضمان الاجتماعي",
    "رقم ملف الضمان",
    "رمز البطاقة",
];

fn person_cells(p: &Person) -> Vec<Cell> {
    vec![
        t(&p.full_name),
        t(&p.category_label),
        opt(&p.national_id),
        opt(&p.mobile),
        gender(p),
        t(&p.needs_label),
        opt(&p.office),
        opt(&p.ss_file),
        t(&p.badge_code),
    ]
}

fn registered_cells(p: &Person) -> Vec<Cell> {
    let mut row = person_cells(p);
    let (hijri, gregorian) = venue(&p.created_at)
        .map(|(d, _)| {
            let l = crate::calendar::label(d);
            (l.hijri, l.gregorian)
        })
        .unwrap_or_default();
    row.push(t(&hijri));
    row.push(t(&gregorian));
    row
}

fn headers(extra: &[&str]) -> Vec<String> {
    PERSON_HEADERS
        .iter()
        .chain(extra)
        .map(|s| s.to_string())
        .collect()
}

/// The export as an .xlsx.
pub fn export_xlsx(conn: &Connection, forum_id: i64, which: Which) -> Result<Exported> {
    let forum = crate::forum::get(conn, forum_id)?;
    if let Some(d) = which.day {
        if d == 0 || d > forum.day_count {
            return Err(AppError::field(
                "day",
                &format!(
                    "اليوم {d} ليس من أيام الملتقى (للملتقى {})؛ اختر يومًا من 1 إلى {}",
                    crate::text::counted(u64::from(forum.day_count), &crate::text::DAYS),
                    forum.day_count
                ),
            ));
        }
    }
    let mut visits: HashMap<i64, Vec<Visit>> = HashMap::new();
    {
        let mut stmt = conn.prepare(
            "SELECT person_id, day, at, desk FROM checkin WHERE forum_id = ?1 AND undone_at IS NULL ORDER BY day, at",
        )?;
        let mut q = stmt.query([forum_id])?;
        while let Some(r) = q.next()? {
            visits.entry(r.get(0)?).or_default().push(Visit {
                day: r.get(1)?,
                at: r.get(2)?,
                desk: r.get(3)?,
            });
        }
    }
    let by_name = |extra: Filter| Filter {
        sort: Some("name".into()),
        ..extra
    };
    let day_sheet = |day: u32| -> Result<SheetData> {
        let label = forum.days.get(day as usize - 1).map(|d| d.label.clone());
        let came = every(
            conn,
            forum_id,
            &by_name(Filter {
                day: Some(day),
                attended: Some(true),
                ..Default::default()
            }),
        )?;
        let mut rows: Vec<(String, Vec<Cell>)> = came
            .iter()
            .filter_map(|p| {
                let v = visits.get(&p.id)?.iter().find(|v| v.day == day)?;
                let time = venue(&v.at).map(|(_, t)| t).unwrap_or_default();
                let mut row = person_cells(p);
                row.push(Cell::Number(f64::from(day)));
                row.push(t(label.as_ref().map_or("", |l| l.hijri.as_str())));
                row.push(t(label.as_ref().map_or("", |l| l.gregorian.as_str())));
                row.push(t(&time));
                row.push(t(&v.desk));
                Some((v.at.clone(), row))
            })
            .collect();
        // In the order they came.
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(SheetData {
            name: format!("حضور اليوم {day}"),
            headers: headers(&[
                "اليوم",
                "التاريخ الهجري",
                "التاريخ الميلادي",
                "وقت الحضور",
                "المنصة",
            ]),
            rows: rows.into_iter().map(|(_, r)| r).collect(),
        })
    };
    let absent_sheet = |day: Option<u32>| -> Result<SheetData> {
        let people = every(
            conn,
            forum_id,
            &by_name(Filter {
                day,
                attended: Some(false),
                ..Default::default()
            }),
        )?;
        Ok(SheetData {
            name: match day {
                Some(d) => format!("لم يحضروا اليوم {d}"),
                None => "لم يحضروا".into(),
            },
            headers: headers(&["تاريخ التسجيل (هجري)", "تاريخ التسجيل (ميلادي)"]),
            rows: people.iter().map(registered_cells).collect(),
        })
    };
    let (file_name, sheets) = match which {
        Which {
            absent: true, day, ..
        } => (
            match day {
                Some(d) => format!("لم-يحضروا-اليوم-{d}.xlsx"),
                None => "لم-يحضروا.xlsx".to_string(),
            },
            vec![absent_sheet(day)?],
        ),
        Which { day: Some(d), .. } => (format!("حضور-اليوم-{d}.xlsx"), vec![day_sheet(d)?]),
        Which { day: None, .. } => {
            let people = every(conn, forum_id, &by_name(Filter::default()))?;
            let day_cols: Vec<String> = (1..=forum.day_count)
                .map(|d| format!("حضر اليوم {d}"))
                .collect();
            let mut extra: Vec<&str> = vec![
                "تاريخ التسجيل (هجري)",
                "تاريخ التسجيل (ميلادي)",
                "أيام الحضور",
            ];
            extra.extend(day_cols.iter().map(String::as_str));
            let rows = people
                .iter()
                .map(|p| {
                    let mine = visits.get(&p.id).map(Vec::as_slice).unwrap_or_default();
                    let mut row = registered_cells(p);
                    row.push(Cell::Number(mine.len() as f64));
                    for d in 1..=forum.day_count {
                        row.push(match mine.iter().find(|v| v.day == d) {
                            Some(v) => t(&venue(&v.at).map(|(_, t)| t).unwrap_or_default()),
                            None => Cell::Empty,
                        });
                    }
                    row
                })
                .collect();
            let mut sheets = vec![SheetData {
                name: "المسجلون".into(),
                headers: headers(&extra),
                rows,
            }];
            for d in 1..=forum.day_count {
                sheets.push(day_sheet(d)?);
            }
            sheets.push(absent_sheet(None)?);
            ("كشف-الزوار.xlsx".to_string(), sheets)
        }
    };
    let rows = sheets
        .iter()
        .map(|s| (s.name.clone(), s.rows.len()))
        .collect();
    Ok(Exported {
        file_name,
        bytes: write_xlsx_sheets(&sheets)?,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lists_add_up_and_a_day_lists_who_came_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("m.sqlite3")).unwrap();
        let forum = crate::demo::load(&mut store.conn()).unwrap();
        let conn = store.conn();
        let total = crate::person::list(&conn, forum, &Filter::first(1))
            .unwrap()
            .total as usize;
        let all = export_xlsx(&conn, forum, Which::default()).unwrap();
        let rows: HashMap<&str, usize> = all.rows.iter().map(|(n, c)| (n.as_str(), *c)).collect();
        assert_eq!(rows["المسجلون"], total);
        let never = rows["لم يحضروا"];
        assert!(never > 0 && never < total);
        let day1 = export_xlsx(
            &conn,
            forum,
            Which {
                day: Some(1),
                absent: false,
            },
        )
        .unwrap();
        assert_eq!(day1.rows[0].1, rows["حضور اليوم 1"]);
        let not1 = export_xlsx(
            &conn,
            forum,
            Which {
                day: Some(1),
                absent: true,
            },
        )
        .unwrap();
        assert_eq!(day1.rows[0].1 + not1.rows[0].1, total);
        assert!(export_xlsx(
            &conn,
            forum,
            Which {
                day: Some(9),
                absent: false
            }
        )
        .is_err());

        let sheet = crate::sheet::read_table("x.xlsx", &day1.bytes).unwrap();
        assert_eq!(sheet.headers[0], "الاسم");
        let time = sheet
            .headers
            .iter()
            .position(|h| h == "وقت الحضور")
            .unwrap();
        let times: Vec<&str> = sheet.rows.iter().map(|r| r[time].as_str()).collect();
        assert!(
            times.windows(2).all(|w| w[0] <= w[1]),
            "in the order they came"
        );
        assert!(times
            .iter()
            .all(|t| t.len() == 5 && t.as_bytes()[2] == b':'));
        let hijri = sheet
            .headers
            .iter()
            .position(|h| h == "التاريخ الهجري")
            .unwrap();
        assert!(
            sheet.rows[0][hijri].ends_with("1441هـ"),
            "{}",
            sheet.rows[0][hijri]
        );
    }
}
