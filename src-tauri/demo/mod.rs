//! Realistic demo data so a new user sees the app working: the first Social Empowerment Forum
//! of the Jazan region. Marked `is_demo`, loaded idempotently, removable from the settings.

use rusqlite::Connection;
use serde::Serialize;

use crate::error::{AppError, Result};
use crate::forum::{self, ForumInput, LooseInt, Member};
use crate::name_generator::{self, Rng};
use crate::person;

mod exhibition;
mod tracks;

/// Fixed identity of the demo forum, so loading twice never creates two.
pub const DEMO_FORUM_UUID: &str = "5ef0d3a0-0000-4000-8000-000000001441";

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DemoStatus {
    pub present: bool,
    pub forum_ids: Vec<i64>,
}

fn member(name: &str, role: &str) -> Member {
    Member {
        name: name.to_string(),
        role: role.to_string(),
    }
}

pub fn demo_forum() -> ForumInput {
    ForumInput {
        name_ar: "ملتقى التمكين الاجتماعي بمنطقة جازان".into(),
        name_en: "Social Empowerment Forum — Jazan Region".into(),
        region: "منطقة جازان".into(),
        venue: "مركز الأمير سلطان الحضاري، جازان".into(),
        start_date: "2019-11-10".into(),
        day_count: Some(LooseInt::Int(2)),
        end_date: None,
        patron: "صاحب السمو الملكي أمير منطقة جازان".into(),
        organizing_committee: vec![
            member(
                "أ. عبدالله بن محمد المالكي",
                "رئيس اللجنة المنظمة — مدير الضمان الاجتماعي بالمنطقة",
            ),
            member(
                "أ. فاطمة بنت علي الحازمي",
                "نائبة الرئيس — التمكين والشراكات",
            ),
            member("أ. حسن بن أحمد عريشي", "أمين اللجنة"),
            member("أ. نورة بنت سالم الشهري", "عضو — الإعلام والتواصل"),
            member("م. خالد بن يحيى صميلي", "عضو — الجهات الممكنة"),
        ],
        executive_committee: vec![
            member("أ. إبراهيم بن موسى النعمي", "رئيس اللجنة التنفيذية"),
            member("أ. مريم بنت حسين القحطاني", "التسجيل ومنصات الاستقبال"),
            member("أ. علي بن عيسى مدخلي", "التجهيزات والأركان"),
            member("أ. هدى بنت محمد عطيف", "معرض الأسر المنتجة"),
            member("أ. ماجد بن ناصر الزهراني", "المتطوعون"),
        ],
        logo: None,
    }
}

pub fn status(conn: &Connection) -> Result<DemoStatus> {
    let mut stmt = conn.prepare("SELECT id FROM forum WHERE is_demo = 1 ORDER BY id")?;
    let ids = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(DemoStatus {
        present: !ids.is_empty(),
        forum_ids: ids,
    })
}

/// How many people the demo forum registers, and the share checked in on each day (per cent).
pub const DEMO_PEOPLE: usize = 240;
/// Everyone registered in the demo forum: the visitors and the entities' staff.
pub const DEMO_REGISTERED: usize = DEMO_PEOPLE + exhibition::STAFF;
const DEMO_ATTENDANCE: [u64; 2] = [68, 52];

/// The demo forum's id, if it is loaded.
fn loaded(conn: &Connection) -> Result<Option<i64>> {
    Ok(rusqlite::OptionalExtension::optional(conn.query_row(
        "SELECT id FROM forum WHERE uuid = ?1",
        [DEMO_FORUM_UUID],
        |r| r.get(0),
    ))?)
}

/// [`load`] beside the desks: each part (people and check-ins, the exhibitions, the tracks) is
/// its own short write, the writer free in between; if a part fails, the demo forum is removed
/// whole.
pub fn load_in_steps(store: &crate::store::Store) -> Result<i64> {
    if let Some(id) = loaded(&*store.read()?)? {
        return Ok(id);
    }
    let forum = forum::create_with(&mut store.conn(), &demo_forum(), DEMO_FORUM_UUID, true)?;
    let step = |part: &dyn Fn(&Connection) -> Result<()>| -> Result<()> {
        let mut conn = store.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        part(&tx)?;
        tx.commit()?;
        drop(conn);
        std::thread::sleep(std::time::Duration::from_millis(1));
        Ok(())
    };
    let done = step(&|tx| add_people_and_checkins(tx, &forum))
        .and_then(|_| step(&|tx| exhibition::add(tx, forum.id, &mut Rng::new(1442))))
        .and_then(|_| step(&|tx| tracks::add(tx, forum.id, &mut Rng::new(1443))));
    if let Err(e) = done {
        store
            .conn()
            .execute("DELETE FROM forum WHERE id = ?1", [forum.id])?;
        return Err(e);
    }
    Ok(forum.id)
}

/// Loads the demo forum unless it is already there; returns its id.
pub fn load(conn: &mut Connection) -> Result<i64> {
    if let Some(id) = loaded(conn)? {
        return Ok(id);
    }
    let forum = forum::create_with(conn, &demo_forum(), DEMO_FORUM_UUID, true)?;
    let tx = conn.transaction()?;
    add_people_and_checkins(&tx, &forum)?;
    exhibition::add(&tx, forum.id, &mut Rng::new(1442))?;
    tracks::add(&tx, forum.id, &mut Rng::new(1443))?;
    tx.commit()?;
    Ok(forum.id)
}

/// Registered people (from the Jazan offices) and two days of check-ins at three desks.
fn add_people_and_checkins(tx: &Connection, forum: &forum::Forum) -> Result<()> {
    let mut rng = Rng::new(1441);
    let mut ids = Vec::with_capacity(DEMO_PEOPLE);
    let mut registrar = person::Registrar::new(tx, forum.id)?;
    while ids.len() < DEMO_PEOPLE {
        match registrar.insert(tx, &name_generator::person(&mut rng)) {
            Ok(id) => ids.push(id),
            Err(AppError::Duplicate { .. }) => continue,
            Err(e) => return Err(e),
        }
    }
    registrar.finish(tx)?;
    let mut stmt = tx.prepare("INSERT INTO checkin(uuid, forum_id, person_id, day, desk, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?;
    for (day_index, share) in DEMO_ATTENDANCE.iter().enumerate() {
        let Some(day) = forum.days.get(day_index) else {
            break;
        };
        let Some(date) = crate::calendar::parse_iso(&day.label.date) else {
            continue;
        };
        for id in &ids {
            if rng.below(100) >= *share {
                continue;
            }
            // Arrivals from 08:30 to 13:30 venue time, most before 11:00.
            let minutes = 8 * 60 + 30 + (rng.below(150) + rng.below(150)) as u32;
            let local = date
                .and_hms_opt(minutes / 60, minutes % 60, rng.below(60) as u32)
                .unwrap_or_default();
            let at = (local - chrono::Duration::hours(3))
                .and_utc()
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            let desk = format!("منصة {}", 1 + rng.below(3));
            stmt.execute(rusqlite::params![
                uuid::Uuid::new_v4().to_string(),
                forum.id,
                id,
                day.number,
                desk,
                at
            ])?;
        }
    }
    Ok(())
}

/// Deletes everything marked as demo data; returns how many forums went.
pub fn remove(conn: &Connection) -> Result<usize> {
    Ok(conn.execute("DELETE FROM forum WHERE is_demo = 1", [])?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn load_is_idempotent_and_remove_clears_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("m.sqlite3")).unwrap();
        let mut conn = store.conn();
        let a = load(&mut conn).unwrap();
        let b = load(&mut conn).unwrap();
        assert_eq!(a, b);
        let f = forum::get(&conn, a).unwrap();
        assert!(f.is_demo);
        assert_eq!(f.days.len(), 2);
        assert_eq!(f.executive_committee.len(), 5);
        let people = person::list(&conn, a, &person::Filter::first(1))
            .unwrap()
            .total;
        assert_eq!(
            people,
            DEMO_PEOPLE as i64 + 56,
            "240 visitors and 2 staff per entity"
        );
        // The exhibitions: 30 entities (28 at a booth), a drawn hall, ~80 families.
        let entities = crate::entity::list(&conn, a).unwrap();
        assert_eq!(entities.len(), 30);
        assert_eq!(
            entities.iter().filter(|e| e.booth_code.is_some()).count(),
            28
        );
        assert!(entities
            .iter()
            .filter(|e| e.status != "withdrew")
            .all(|e| e.staff_count == 2));
        let plan = crate::floor::plan(&conn, a).unwrap();
        assert_eq!(plan.hall.unwrap().width, 60.0);
        assert_eq!((plan.free_booths, plan.free_stalls), (4, 2));
        assert!(plan.unassigned_entities.is_empty());
        let families = crate::family::list(&conn, a, None, None).unwrap();
        assert_eq!(families.len(), 80);
        let count = |s: &str| families.iter().filter(|f| f.status == s).count();
        assert_eq!(
            (count("approved"), count("offered"), count("rejected")),
            (38, 1, 6)
        );
        let totals = crate::family::market::totals(&conn, a).unwrap();
        assert!(
            totals.total.sales_halalas > 38 * 2 * 20_000,
            "{}",
            totals.total_label
        );
        assert!(totals.per_day.iter().all(|d| d.sum.present > 30));
        let day1 = crate::checkin::stats(&conn, a, 1).unwrap();
        assert!(day1.total > 120 && day1.total < 210, "{}", day1.total);
        assert!(
            day1.by_hour.iter().all(|h| (8..=13).contains(&h.hour)),
            "{:?}",
            day1.by_hour
        );
        assert_eq!(person::offices(&conn, a).unwrap().len(), 15);
        // Demo people are in the name index: a family name finds them mid-name.
        let some = person::list(&conn, a, &person::Filter::first(1))
            .unwrap()
            .people
            .remove(0)
            .person;
        let family = some.full_name.rsplit(' ').next().unwrap().to_string();
        let names = person::name_index::NameIndex::default();
        let found = person::search::search(&conn, &names, a, &family, 200).unwrap();
        assert!(found.people.iter().any(|p| p.id == some.id), "{family}");
        assert_eq!(status(&conn).unwrap().forum_ids, vec![a]);
        assert_eq!(remove(&conn).unwrap(), 1);
        assert!(!status(&conn).unwrap().present);
    }

    #[test]
    fn loading_in_steps_gives_the_same_demo() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("m.sqlite3")).unwrap();
        let id = load_in_steps(&store).unwrap();
        assert_eq!(load_in_steps(&store).unwrap(), id, "idempotent");
        let conn = store.conn();
        let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
        assert_eq!(
            count("SELECT count(*) FROM person") as usize,
            DEMO_REGISTERED
        );
        assert_eq!(
            count("SELECT count(*) FROM referral") as usize,
            tracks::DEMO_REFERRALS
        );
        assert_eq!(count("SELECT count(*) FROM opportunity"), 70);
        assert!(count("SELECT count(*) FROM referral WHERE placed = 1") > 30);
    }
}
