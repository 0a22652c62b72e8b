//! Retention (حفظ البيانات ومحوها): once a forum's follow-up window has passed (a setting,
//! [`MONTHS_SETTING`], 12 months after its last day unless changed), the committee can erase its
//! people's personal data — names, national IDs, mobiles, social-security file numbers, the
//! productive families' heads, free-text notes and photos, the entities' contact persons, the
//! audit trail's personal column — while every count and report figure stays the same: people
//! keep their rows, categories, offices, needs, check-ins, referrals and certificates; a file
//! number becomes a pseudonym shared by the same family, so «families empowered» is unchanged.
//!
//! Invariant: the erased values are gone from the database file too — written over
//! (`secure_delete`), the journal checkpointed and truncated, the file vacuumed — so a backup
//! made afterwards holds none of them.

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;

use crate::error::{AppError, Result};
use crate::store::{self, Store};

/// The setting with the follow-up window in months after a forum's last day.
pub const MONTHS_SETTING: &str = "retention_months";
const DEFAULT_MONTHS: u32 = 12;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Status {
    pub forum_id: i64,
    pub months: u32,
    /// The first day personal data may be erased (ISO date).
    pub erasable_from: String,
    pub erasable_now: bool,
    /// When it was erased, if it was.
    pub erased_at: Option<String>,
}

pub fn months(conn: &Connection) -> Result<u32> {
    Ok(store::get_setting(conn, MONTHS_SETTING)?
        .and_then(|m| m.trim().parse().ok())
        .unwrap_or(DEFAULT_MONTHS))
}

pub fn status(conn: &Connection, forum_id: i64, today: chrono::NaiveDate) -> Result<Status> {
    let forum = crate::forum::get(conn, forum_id)?;
    let last = crate::calendar::parse_iso(&forum.end_date)
        .ok_or_else(|| AppError::Internal("تاريخ اليوم الأخير غير صحيح".into()))?;
    let months = months(conn)?;
    let from = last
        .checked_add_months(chrono::Months::new(months))
        .unwrap_or(last);
    let erased_at: Option<String> = conn
        .query_row(
            "SELECT personal_erased_at FROM forum WHERE id = ?1",
            [forum_id],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    Ok(Status {
        forum_id,
        months,
        erasable_from: from.format("%Y-%m-%d").to_string(),
        erasable_now: today >= from && erased_at.is_none(),
        erased_at,
    })
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Erased {
    pub people: usize,
    pub families: usize,
    pub certificates: usize,
    pub bytes_after: u64,
}

/// The forum's name typed again, as the screen asks before erasing (it cannot be undone).
pub fn confirm(conn: &Connection, forum_id: i64, typed: &str) -> Result<()> {
    let forum = crate::forum::get(conn, forum_id)?;
    if crate::text::clean(typed) != forum.name_ar {
        return Err(AppError::field(
            "confirm",
            "اكتب اسم الملتقى كما هو لتأكيد المحو (لا يمكن التراجع عنه)",
        ));
    }
    Ok(())
}

/// Erases the forum's personal data (see the module's notes); refused before the window ends
/// (the date is said) and a second time.
pub fn erase(store: &Store, forum_id: i64, today: chrono::NaiveDate) -> Result<Erased> {
    let st = status(&*store.read()?, forum_id, today)?;
    if let Some(at) = &st.erased_at {
        return Err(AppError::Conflict(format!(
            "مُحيت البيانات الشخصية لهذا الملتقى من قبل ({at})"
        )));
    }
    if !st.erasable_now {
        return Err(AppError::Conflict(format!(
            "لم تنقضِ مدة المتابعة ({} بعد اليوم الأخير)؛ يمكن المحو ابتداءً من {}",
            crate::text::counted(u64::from(st.months), &crate::text::MONTHS),
            st.erasable_from
        )));
    }
    let mut conn = store.conn();
    conn.pragma_update(None, "secure_delete", "ON")?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Every row is erased, an unfinished import's too (`person_row`, not the view). A family's
    // file number becomes the same pseudonym for all its members.
    let files: Vec<String> = {
        let mut stmt = tx.prepare(
            "SELECT ss_file FROM person_row WHERE forum_id = ?1 AND ss_file IS NOT NULL
              GROUP BY ss_file ORDER BY min(id)",
        )?;
        let rows = stmt.query_map([forum_id], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let pseudonym: HashMap<String, String> = files
        .into_iter()
        .enumerate()
        .map(|(i, f)| (f, format!("ملف-{}", i + 1)))
        .collect();
    let ids: Vec<(i64, Option<String>)> = {
        let mut stmt = tx.prepare("SELECT id, ss_file FROM person_row WHERE forum_id = ?1")?;
        let rows = stmt.query_map([forum_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (id, file) in &ids {
        let name = format!("مشارك رقم {id}");
        tx.execute(
            "UPDATE person_row SET full_name = ?2, name_key = ?3, name_en = '', national_id = NULL,
                    mobile = NULL, needs_other = CASE WHEN needs_other = '' THEN '' ELSE 'احتياج آخر' END,
                    ss_file = ?4
              WHERE id = ?1",
            params![
                id,
                name,
                crate::text::search_key(&name),
                file.as_ref().and_then(|f| pseudonym.get(f))
            ],
        )?;
    }
    tx.execute(
        "UPDATE certificate SET recipient_name = 'مشارك رقم ' || person_id
          WHERE forum_id = ?1 AND person_id IS NOT NULL",
        [forum_id],
    )?;
    tx.execute(
        "DELETE FROM certificate_name WHERE serial IN (SELECT serial FROM certificate WHERE forum_id = ?1)",
        [forum_id],
    )?;
    let certificates: usize = tx.query_row(
        "SELECT count(*) FROM certificate WHERE forum_id = ?1 AND person_id IS NOT NULL",
        [forum_id],
        |r| r.get(0),
    )?;
    tx.execute(
        "UPDATE family SET head_name = 'أسرة منتجة رقم ' || id, name_key = 'اسره منتجه رقم ' || id,
                national_id = printf('%010d', id), mobile = NULL, ss_file = ''
          WHERE forum_id = ?1",
        [forum_id],
    )?;
    let families: usize = tx.query_row(
        "SELECT count(*) FROM family WHERE forum_id = ?1",
        [forum_id],
        |r| r.get(0),
    )?;
    tx.execute(
        "DELETE FROM family_photo WHERE family_id IN (SELECT id FROM family WHERE forum_id = ?1)",
        [forum_id],
    )?;
    tx.execute(
        "UPDATE family_decision SET reason = CASE WHEN reason = '' THEN '' ELSE 'محذوف' END
          WHERE family_id IN (SELECT id FROM family WHERE forum_id = ?1)",
        [forum_id],
    )?;
    tx.execute(
        "UPDATE entity SET contact_name = '', mobile = NULL, email = '' WHERE forum_id = ?1",
        [forum_id],
    )?;
    tx.execute(
        "UPDATE referral SET note = '' WHERE forum_id = ?1",
        [forum_id],
    )?;
    tx.execute(
        "UPDATE follow_up SET note = '' WHERE referral_id IN (SELECT id FROM referral WHERE forum_id = ?1)",
        [forum_id],
    )?;
    tx.execute("UPDATE audit SET personal = '' WHERE personal <> ''", [])?;
    tx.execute(
        "UPDATE forum SET personal_erased_at = ?2 WHERE id = ?1",
        params![forum_id, crate::calendar::now_utc()],
    )?;
    tx.commit()?;
    // Out of the file: the journal written back and emptied, the free pages dropped.
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    conn.execute_batch("VACUUM")?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    drop(conn);
    Ok(Erased {
        people: ids.len(),
        families,
        certificates,
        bytes_after: std::fs::metadata(store.path())
            .map(|m| m.len())
            .unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_personal_is_left_in_the_file_and_every_figure_stays() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.sqlite3");
        let store = Store::open(&path).unwrap();
        let forum = crate::demo::load(&mut store.conn()).unwrap();
        let (name, nid, mobile, file): (String, String, String, String) = store
            .conn()
            .query_row(
                "SELECT full_name, national_id, mobile, ss_file FROM person
                  WHERE forum_id = ?1 AND national_id IS NOT NULL AND mobile IS NOT NULL AND ss_file IS NOT NULL LIMIT 1",
                [forum],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        let head: String = store
            .conn()
            .query_row(
                "SELECT head_name FROM family WHERE forum_id = ?1 LIMIT 1",
                [forum],
                |r| r.get(0),
            )
            .unwrap();
        let before_impact =
            crate::track::report::impact(&store.read().unwrap(), forum, false).unwrap();
        let before_report = crate::forum_report::figures(&store.read().unwrap(), forum).unwrap();
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // The name typed again, exactly.
        assert!(confirm(&store.conn(), forum, "ملتقى آخر").is_err());
        confirm(
            &store.conn(),
            forum,
            " ملتقى التمكين الاجتماعي بمنطقة جازان ",
        )
        .unwrap();
        // Too early: refused with the date it becomes possible.
        let e = erase(&store, forum, d("2020-01-01")).unwrap_err();
        assert!(e.to_string().contains("2020-11-11"), "{e}");
        let done = erase(&store, forum, d("2021-01-01")).unwrap();
        assert!(done.people > 200 && done.families > 0);
        assert!(erase(&store, forum, d("2021-01-02")).is_err(), "once");
        // The figures are the same.
        let after_impact =
            crate::track::report::impact(&store.read().unwrap(), forum, false).unwrap();
        assert_eq!(
            after_impact.families_empowered,
            before_impact.families_empowered
        );
        assert_eq!(
            after_impact.people_empowered,
            before_impact.people_empowered
        );
        assert_eq!(after_impact.by_office, before_impact.by_office);
        let after_report = crate::forum_report::figures(&store.read().unwrap(), forum).unwrap();
        assert_eq!(after_report.attendance, before_report.attendance);
        assert_eq!(
            after_report.families.sales_halalas,
            before_report.families.sales_halalas
        );
        // Nowhere in the file, nor in a backup made now.
        let backup = dir.path().join("after.sqlite3");
        crate::store::backup::copy_to(&path, &backup).unwrap();
        for f in [&path, &backup] {
            let bytes = std::fs::read(f).unwrap();
            let wal = std::fs::read(format!("{}-wal", f.display())).unwrap_or_default();
            for secret in [&name, &nid, &mobile, &file, &head] {
                let needle = secret.as_bytes();
                for b in [&bytes, &wal] {
                    assert!(
                        !b.windows(needle.len()).any(|w| w == needle),
                        "«{secret}» still in {}",
                        f.display()
                    );
                }
            }
        }
        // People are still there, pseudonymous, and searchable as such.
        let n: i64 = store
            .conn()
            .query_row(
                "SELECT count(*) FROM person WHERE forum_id = ?1 AND full_name LIKE 'مشارك رقم %'",
                [forum],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n as usize, done.people);
    }
}
