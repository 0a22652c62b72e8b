//! The forum's final report (التقرير الختامي) to the patron and the ministry: the forum itself,
//! registrations and attendance (by day, category, office, hour; people with disabilities and
//! their needs), the enabling entities and their booths, the productive-families exhibition,
//! the certificates issued, and the families-empowered figures when the tracks were used.
//! [`figures`] counts everything once; [`export_xlsx`] and [`print::pdf`] only lay it out.

pub mod print;

use std::collections::BTreeMap;

use rusqlite::{params, Connection};
use serde::Serialize;

use crate::error::Result;
use crate::forum::Forum;

/// A labelled count.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Count {
    pub label: String,
    pub count: i64,
}

/// Registered and attended (checked in on at least one day) in one group.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Group {
    pub label: String,
    pub registered: i64,
    pub attended: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DayFigure {
    pub day: u32,
    /// «الأحد 13 ربيع الأول 1441هـ — 10 نوفمبر 2019م».
    pub date: String,
    pub attended: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Attendance {
    pub registered: i64,
    /// People checked in on at least one day.
    pub attended: i64,
    pub by_day: Vec<DayFigure>,
    pub by_category: Vec<Group>,
    pub by_office: Vec<Group>,
    /// Check-ins of every day by venue hour (0–23), hours with none left out.
    pub by_hour: Vec<Count>,
    /// People of the disability category or with any need.
    pub with_disability: Group,
    pub needs: Vec<Count>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EntityRow {
    pub name: String,
    pub kind: String,
    pub status: String,
    pub booth: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Entities {
    pub total: i64,
    pub by_status: Vec<Count>,
    pub by_kind: Vec<Count>,
    /// Booths on the plan (families' stalls included), and those held by entities.
    pub booths: i64,
    pub booths_taken: i64,
    pub list: Vec<EntityRow>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Families {
    pub applications: i64,
    pub by_status: Vec<Count>,
    pub stalls: i64,
    pub sales_halalas: i64,
    pub sales_label: String,
    /// Sales per day and per category, in halalas.
    pub sales_by_day: Vec<Count>,
    pub sales_by_category: Vec<Count>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CertificateFigure {
    pub kind: String,
    pub label: String,
    pub issued: i64,
    pub revoked: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Empowerment {
    pub families_empowered: usize,
    pub people_empowered: usize,
    pub people_referred: usize,
    pub definition: String,
    /// People referred and empowered per track.
    pub by_track: Vec<(String, usize, usize)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FinalReport {
    pub forum: Forum,
    pub attendance: Attendance,
    pub entities: Entities,
    pub families: Families,
    pub certificates: Vec<CertificateFigure>,
    /// Present when the forum recorded referrals.
    pub empowerment: Option<Empowerment>,
}

fn counts(conn: &Connection, sql: &str, p: impl rusqlite::Params) -> Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map(p, |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A table's codes with their labels and counts, every code shown (zeros too), in its order.
fn labelled(table: &[(&str, &str)], found: &[(String, i64)]) -> Vec<Count> {
    table
        .iter()
        .map(|(code, label)| Count {
            label: label.to_string(),
            count: found.iter().find(|(c, _)| c == code).map_or(0, |(_, n)| *n),
        })
        .collect()
}

const ATTENDED: &str =
    "EXISTS (SELECT 1 FROM checkin k WHERE k.person_id = p.id AND k.undone_at IS NULL)";

fn groups(conn: &Connection, forum_id: i64, key: &str, join: &str) -> Result<Vec<Group>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {key}, count(*), sum({ATTENDED}) FROM person p {join}
          WHERE p.forum_id = ?1 GROUP BY 1 ORDER BY 2 DESC, 1"
    ))?;
    let rows = stmt.query_map([forum_id], |r| {
        Ok(Group {
            label: r.get(0)?,
            registered: r.get(1)?,
            attended: r.get::<_, Option<i64>>(2)?.unwrap_or(0),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn attendance(conn: &Connection, forum: &Forum) -> Result<Attendance> {
    let id = forum.id;
    let (registered, attended): (i64, Option<i64>) = conn.query_row(
        &format!("SELECT count(*), sum({ATTENDED}) FROM person p WHERE p.forum_id = ?1"),
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let per_day = counts(
        conn,
        "SELECT CAST(day AS TEXT), count(*) FROM checkin WHERE forum_id = ?1 AND undone_at IS NULL GROUP BY day",
        [id],
    )?;
    let by_day = forum
        .days
        .iter()
        .map(|d| DayFigure {
            day: d.number,
            date: d.label.full.clone(),
            attended: per_day
                .iter()
                .find(|(n, _)| n.parse::<u32>().ok() == Some(d.number))
                .map_or(0, |(_, c)| *c),
        })
        .collect();
    let mut hours: BTreeMap<u32, i64> = BTreeMap::new();
    {
        let mut stmt =
            conn.prepare("SELECT at FROM checkin WHERE forum_id = ?1 AND undone_at IS NULL")?;
        let ats = stmt.query_map([id], |r| r.get::<_, String>(0))?;
        for at in ats {
            if let Ok(t) = chrono::DateTime::parse_from_rfc3339(&at?) {
                let h = chrono::Timelike::hour(&t.with_timezone(&crate::checkin::venue_offset()));
                *hours.entry(h).or_default() += 1;
            }
        }
    }
    const ANY_NEED: &str =
        "(p.category = 'disability' OR p.needs_wheelchair OR p.needs_sign OR p.needs_companion OR p.needs_other <> '')";
    let with_disability = conn.query_row(
        &format!(
            "SELECT count(*), sum({ATTENDED}) FROM person p WHERE p.forum_id = ?1 AND {ANY_NEED}"
        ),
        [id],
        |r| {
            Ok(Group {
                label: "ذوو الإعاقة والاحتياجات".into(),
                registered: r.get(0)?,
                attended: r.get::<_, Option<i64>>(1)?.unwrap_or(0),
            })
        },
    )?;
    let needs = conn.query_row(
        "SELECT sum(needs_wheelchair), sum(needs_sign), sum(needs_companion), sum(needs_other <> '')
           FROM person WHERE forum_id = ?1",
        [id],
        |r| {
            let n = |i: usize| -> rusqlite::Result<i64> { Ok(r.get::<_, Option<i64>>(i)?.unwrap_or(0)) };
            Ok(vec![
                Count { label: "كرسي متحرك".into(), count: n(0)? },
                Count { label: "مترجم لغة إشارة".into(), count: n(1)? },
                Count { label: "مرافق".into(), count: n(2)? },
                Count { label: "احتياجات أخرى".into(), count: n(3)? },
            ])
        },
    )?;
    Ok(Attendance {
        registered,
        attended: attended.unwrap_or(0),
        by_day,
        by_category: groups(
            conn,
            id,
            "c.label_ar",
            "JOIN category c ON c.code = p.category",
        )?,
        by_office: groups(
            conn,
            id,
            "coalesce(o.name_ar, 'دون مكتب')",
            "LEFT JOIN office o ON o.id = p.office_id",
        )?,
        by_hour: hours
            .into_iter()
            .map(|(h, count)| Count {
                label: format!("{h:02}:00"),
                count,
            })
            .collect(),
        with_disability,
        needs,
    })
}

fn entities(conn: &Connection, forum_id: i64) -> Result<Entities> {
    use crate::entity::{label_of, KINDS, STATUSES};
    let by_status = counts(
        conn,
        "SELECT status, count(*) FROM entity WHERE forum_id = ?1 GROUP BY status",
        [forum_id],
    )?;
    let by_kind = counts(
        conn,
        "SELECT kind, count(*) FROM entity WHERE forum_id = ?1 GROUP BY kind",
        [forum_id],
    )?;
    let (booths, booths_taken): (i64, i64) = conn.query_row(
        "SELECT count(*), count(o.entity_id) FROM booth b LEFT JOIN booth_occupant o ON o.booth_id = b.id
          WHERE b.forum_id = ?1",
        [forum_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut stmt = conn.prepare(
        "SELECT e.name_ar, e.kind, e.status, b.code FROM entity e
           LEFT JOIN booth_occupant o ON o.entity_id = e.id LEFT JOIN booth b ON b.id = o.booth_id
          WHERE e.forum_id = ?1 ORDER BY e.status = 'withdrew', e.name_ar",
    )?;
    let list = stmt
        .query_map([forum_id], |r| {
            Ok(EntityRow {
                name: r.get(0)?,
                kind: label_of(KINDS, &r.get::<_, String>(1)?).to_string(),
                status: label_of(STATUSES, &r.get::<_, String>(2)?).to_string(),
                booth: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Entities {
        total: list.len() as i64,
        by_status: labelled(STATUSES, &by_status),
        by_kind: labelled(KINDS, &by_kind),
        booths,
        booths_taken,
        list,
    })
}

fn families(conn: &Connection, forum_id: i64) -> Result<Families> {
    use crate::family::{market, STATUSES};
    let by_status = counts(
        conn,
        "SELECT status, count(*) FROM family WHERE forum_id = ?1 GROUP BY status",
        [forum_id],
    )?;
    let stalls: i64 = conn.query_row(
        "SELECT count(*) FROM booth_occupant o JOIN family f ON f.id = o.family_id WHERE f.forum_id = ?1",
        [forum_id],
        |r| r.get(0),
    )?;
    let t = market::totals(conn, forum_id)?;
    Ok(Families {
        applications: by_status.iter().map(|(_, n)| n).sum(),
        by_status: labelled(STATUSES, &by_status),
        stalls,
        sales_halalas: t.total.sales_halalas,
        sales_label: t.total_label.clone(),
        sales_by_day: t
            .per_day
            .iter()
            .map(|d| Count {
                label: format!("اليوم {}", d.day),
                count: d.sum.sales_halalas,
            })
            .collect(),
        sales_by_category: t
            .per_category
            .iter()
            .map(|c| Count {
                label: c.label.clone(),
                count: c.sum.sales_halalas,
            })
            .collect(),
    })
}

fn certificates(conn: &Connection, forum_id: i64) -> Result<Vec<CertificateFigure>> {
    let mut stmt = conn.prepare(
        "SELECT count(*), count(revoked_at) FROM certificate WHERE forum_id = ?1 AND kind = ?2",
    )?;
    crate::certificate::KINDS
        .iter()
        .map(|(kind, label)| {
            let (issued, revoked) =
                stmt.query_row(params![forum_id, kind], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(CertificateFigure {
                kind: kind.to_string(),
                label: label.to_string(),
                issued,
                revoked,
            })
        })
        .collect()
}

/// Every figure of the report, counted from the database now.
pub fn figures(conn: &Connection, forum_id: i64) -> Result<FinalReport> {
    let forum = crate::forum::get(conn, forum_id)?;
    let referred: i64 = conn.query_row(
        "SELECT count(*) FROM referral WHERE forum_id = ?1",
        [forum_id],
        |r| r.get(0),
    )?;
    let empowerment = if referred > 0 {
        let i = crate::track::report::impact(conn, forum_id, false)?;
        Some(Empowerment {
            families_empowered: i.families_empowered,
            people_empowered: i.people_empowered,
            people_referred: i.people_referred,
            definition: i.definition.text.clone(),
            by_track: i
                .by_track
                .iter()
                .map(|t| (t.label.to_string(), t.people_referred, t.people_empowered))
                .collect(),
        })
    } else {
        None
    };
    Ok(FinalReport {
        attendance: attendance(conn, &forum)?,
        entities: entities(conn, forum_id)?,
        families: families(conn, forum_id)?,
        certificates: certificates(conn, forum_id)?,
        empowerment,
        forum,
    })
}

/// The report as an RTL .xlsx, one sheet per section (numbers as numbers).
pub fn export_xlsx(r: &FinalReport) -> Result<Vec<u8>> {
    use crate::sheet::{write_xlsx_sheets, Cell, SheetData};
    let t = |s: &str| Cell::Text(s.to_string());
    let n = |v: i64| Cell::Number(v as f64);
    let sar = |h: i64| Cell::Number(h as f64 / 100.0);
    let heads = |h: &[&str]| h.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let f = &r.forum;
    let (hijri, gregorian) = crate::forum::dates_ar(f);
    let mut about = vec![
        vec![t("الملتقى"), t(&f.name_ar)],
        vec![t("التاريخ الهجري"), t(&hijri)],
        vec![t("التاريخ الميلادي"), t(&gregorian)],
        vec![t("المكان"), t(&f.venue)],
        vec![t("الراعي"), t(&f.patron)],
    ];
    for (committee, members) in [
        ("اللجنة المنظمة", &f.organizing_committee),
        ("اللجنة التنفيذية", &f.executive_committee),
    ] {
        for m in members {
            about.push(vec![t(committee), t(&format!("{} — {}", m.name, m.role))]);
        }
    }
    let a = &r.attendance;
    let mut summary = vec![
        vec![t("المسجلون"), n(a.registered)],
        vec![t("الحاضرون (يومًا على الأقل)"), n(a.attended)],
        vec![t(&a.with_disability.label), n(a.with_disability.registered)],
        vec![t("الجهات الممكنة"), n(r.entities.total)],
        vec![t("الأركان المخصصة"), n(r.entities.booths_taken)],
        vec![t("طلبات الأسر المنتجة"), n(r.families.applications)],
        vec![t("مبيعات الأسر (ريال)"), sar(r.families.sales_halalas)],
    ];
    if let Some(e) = &r.empowerment {
        summary.push(vec![t("الأسر الممكَّنة"), n(e.families_empowered as i64)]);
        summary.push(vec![t("الأشخاص الممكَّنون"), n(e.people_empowered as i64)]);
    }
    let group_rows = |g: &[Group]| -> Vec<Vec<Cell>> {
        g.iter()
            .map(|x| vec![t(&x.label), n(x.registered), n(x.attended)])
            .collect()
    };
    let count_rows = |c: &[Count]| -> Vec<Vec<Cell>> {
        c.iter().map(|x| vec![t(&x.label), n(x.count)]).collect()
    };
    let mut sheets = vec![
        SheetData {
            name: "الملتقى".into(),
            headers: heads(&["البند", "القيمة"]),
            rows: about,
        },
        SheetData {
            name: "الخلاصة".into(),
            headers: heads(&["البند", "العدد"]),
            rows: summary,
        },
        SheetData {
            name: "الحضور حسب اليوم".into(),
            headers: heads(&["اليوم", "التاريخ", "الحاضرون"]),
            rows: a
                .by_day
                .iter()
                .map(|d| vec![n(d.day.into()), t(&d.date), n(d.attended)])
                .collect(),
        },
        SheetData {
            name: "حسب الفئة".into(),
            headers: heads(&["الفئة", "المسجلون", "الحاضرون"]),
            rows: group_rows(&a.by_category),
        },
        SheetData {
            name: "حسب المكتب".into(),
            headers: heads(&["مكتب الضمان الاجتماعي", "المسجلون", "الحاضرون"]),
            rows: group_rows(&a.by_office),
        },
        SheetData {
            name: "حسب الساعة".into(),
            headers: heads(&["الساعة", "تسجيلات الحضور"]),
            rows: count_rows(&a.by_hour),
        },
        SheetData {
            name: "الاحتياجات".into(),
            headers: heads(&["الاحتياج", "العدد"]),
            rows: count_rows(&a.needs),
        },
        SheetData {
            name: "الجهات الممكنة".into(),
            headers: heads(&["الجهة", "النوع", "الحالة", "الركن"]),
            rows: r
                .entities
                .list
                .iter()
                .map(|e| {
                    vec![
                        t(&e.name),
                        t(&e.kind),
                        t(&e.status),
                        e.booth.as_deref().map_or(Cell::Empty, t),
                    ]
                })
                .collect(),
        },
        SheetData {
            name: "الأسر المنتجة".into(),
            headers: heads(&["البند", "القيمة"]),
            rows: r
                .families
                .by_status
                .iter()
                .map(|c| vec![t(&c.label), n(c.count)])
                .chain(
                    r.families
                        .sales_by_day
                        .iter()
                        .map(|c| vec![t(&format!("مبيعات {} (ريال)", c.label)), sar(c.count)]),
                )
                .chain(
                    r.families
                        .sales_by_category
                        .iter()
                        .map(|c| vec![t(&format!("مبيعات {} (ريال)", c.label)), sar(c.count)]),
                )
                .collect(),
        },
        SheetData {
            name: "الشهادات".into(),
            headers: heads(&["النوع", "الصادرة", "الملغاة"]),
            rows: r
                .certificates
                .iter()
                .map(|c| vec![t(&c.label), n(c.issued), n(c.revoked)])
                .collect(),
        },
    ];
    if let Some(e) = &r.empowerment {
        sheets.push(SheetData {
            name: "التمكين".into(),
            headers: heads(&["المسار", "المحالون", "الممكَّنون"]),
            rows: e
                .by_track
                .iter()
                .map(|(l, a, b)| vec![t(l), n(*a as i64), n(*b as i64)])
                .collect(),
        });
    }
    write_xlsx_sheets(&sheets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_forum_s_figures_agree_with_each_other() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("m.sqlite3")).unwrap();
        let mut conn = store.conn();
        let forum = crate::demo::load(&mut conn).unwrap();
        let r = figures(&conn, forum).unwrap();
        let a = &r.attendance;
        assert!(a.registered > 200 && a.attended > 0 && a.attended <= a.registered);
        let cat: i64 = a.by_category.iter().map(|g| g.registered).sum();
        assert_eq!(cat, a.registered);
        let off: i64 = a.by_office.iter().map(|g| g.attended).sum();
        assert_eq!(off, a.attended);
        let days: i64 = a.by_day.iter().map(|d| d.attended).sum();
        let hours: i64 = a.by_hour.iter().map(|h| h.count).sum();
        assert_eq!(days, hours, "every check-in has one day and one hour");
        assert_eq!(a.by_day.len(), 2);
        assert!(a.with_disability.registered > 0);
        assert_eq!(r.entities.total, 30);
        let st: i64 = r.entities.by_status.iter().map(|c| c.count).sum();
        assert_eq!(st, r.entities.total);
        assert!(r.entities.booths_taken > 0 && r.entities.booths_taken <= r.entities.booths);
        let by_day: i64 = r.families.sales_by_day.iter().map(|c| c.count).sum();
        let by_cat: i64 = r.families.sales_by_category.iter().map(|c| c.count).sum();
        assert_eq!(by_day, r.families.sales_halalas);
        assert_eq!(by_cat, r.families.sales_halalas);
        assert!(r.families.sales_halalas > 0);
        let e = r.empowerment.as_ref().expect("the demo has referrals");
        assert!(e.families_empowered > 0);
        assert_eq!(r.certificates.len(), crate::certificate::KINDS.len());
        let book = export_xlsx(&r).unwrap();
        let sheet = crate::sheet::read_table("r.xlsx", &book).unwrap();
        assert_eq!(sheet.rows[0][1], r.forum.name_ar);

        // A forum with nobody yet still reports (zeros, no empowerment section).
        let empty = crate::forum::test_forum(&mut conn);
        let r = figures(&conn, empty).unwrap();
        assert_eq!(r.attendance.registered, 0);
        assert!(r.empowerment.is_none());
        assert!(export_xlsx(&r).is_ok());
    }
}
