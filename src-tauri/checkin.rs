//! Check-in (تسجيل الحضور): one person, one forum day, one desk, one time, one UUID.
//! A second check-in the same day is answered «سبق تسجيل حضوره (حضورها) اليوم 09:14 — منصة 2» and
//! never counted twice; the same UUID sent again (a desk's retry) returns the first answer.
//! Every check-in is committed (synchronous=FULL) before the desk gets its answer.

use chrono::{DateTime, FixedOffset, Utc};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, Result};
use crate::person::{self, badge_code, Person};
use crate::text;

#[derive(Debug, Clone, Deserialize, Default)]
pub struct CheckinRequest {
    pub forum_id: i64,
    /// What was scanned or typed: a badge code.
    #[serde(default)]
    pub code: Option<String>,
    /// Or the person picked from a search.
    #[serde(default)]
    pub person_id: Option<i64>,
    pub day: u32,
    #[serde(default)]
    pub desk: String,
    /// Chosen by the desk so a retry is recognised; a new one is made when absent. Any
    /// spelling of the same UUID (case, braces, `urn:uuid:`, no hyphens) is the same.
    #[serde(default)]
    pub uuid: Option<String>,
    /// When the desk scanned it (RFC 3339), for a check-in it queued while the host was out of
    /// reach; kept if it lies between the start of the forum day and now.
    #[serde(default)]
    pub scanned_at: Option<String>,
}

/// The one spelling of a check-in's UUID that is stored and compared (lower case, hyphens).
pub fn canonical_uuid(raw: &str) -> Result<String> {
    uuid::Uuid::parse_str(raw.trim())
        .map(|u| u.hyphenated().to_string())
        .map_err(|_| AppError::BadRequest("معرّف التسجيل (UUID) غير صالح".into()))
}

/// The time a check-in is recorded at: when it was scanned, if the desk says so and that lies
/// between the start of the forum day (venue time) and now; otherwise now.
fn recorded_at(scanned_at: Option<&str>, day_date: Option<chrono::NaiveDate>) -> String {
    let now = Utc::now();
    let Some(scanned) = scanned_at
        .and_then(|s| DateTime::parse_from_rfc3339(s.trim()).ok())
        .map(|t| t.with_timezone(&Utc))
    else {
        return crate::calendar::now_utc();
    };
    let day_start = day_date
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|t| t.and_local_timezone(venue_offset()).single())
        .map(|t| t.with_timezone(&Utc));
    let at = match day_start {
        Some(start) if scanned < start => start,
        _ => scanned,
    }
    .min(now);
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Checked in now.
    CheckedIn,
    /// Was already checked in today; nothing new stored.
    Already,
    /// Not checked in (see `reason`).
    Refused,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Record {
    pub uuid: String,
    pub person_id: i64,
    pub day: u32,
    pub desk: String,
    pub at: String,
    /// Venue time, `HH:MM`.
    pub time: String,
    pub undone: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub status: Status,
    /// For `refused`: `invalid_code`, `unknown_code`, `other_forum`, `not_forum_day`.
    pub reason: Option<&'static str>,
    pub message: String,
    pub person: Option<Person>,
    pub checkin: Option<Record>,
    /// Check-ins of this forum day so far.
    pub today_count: i64,
}

/// Saudi Arabia keeps UTC+3 all year.
pub fn venue_offset() -> FixedOffset {
    FixedOffset::east_opt(3 * 3600)
        .unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset"))
}

fn venue_time(at: &str) -> String {
    DateTime::parse_from_rfc3339(at)
        .map(|t| t.with_timezone(&venue_offset()).format("%H:%M").to_string())
        .unwrap_or_default()
}

fn record(r: &rusqlite::Row<'_>) -> rusqlite::Result<Record> {
    let at: String = r.get(4)?;
    Ok(Record {
        uuid: r.get(0)?,
        person_id: r.get(1)?,
        day: r.get(2)?,
        desk: r.get(3)?,
        time: venue_time(&at),
        at,
        undone: r.get::<_, Option<String>>(5)?.is_some(),
    })
}

const RECORD_SELECT: &str = "SELECT uuid, person_id, day, desk, at, undone_at FROM checkin";

pub fn count_day(conn: &Connection, forum_id: i64, day: u32) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM checkin WHERE forum_id = ?1 AND day = ?2 AND undone_at IS NULL",
        params![forum_id, day],
        |r| r.get(0),
    )?)
}

fn refused(
    conn: &Connection,
    req: &CheckinRequest,
    reason: &'static str,
    message: String,
    person: Option<Person>,
) -> Result<Outcome> {
    Ok(Outcome {
        status: Status::Refused,
        reason: Some(reason),
        message,
        person,
        checkin: None,
        today_count: count_day(conn, req.forum_id, req.day)?,
    })
}

/// Checks a person in. Safe to call again with the same UUID, and from several desks at once.
pub fn check_in(conn: &mut Connection, req: &CheckinRequest) -> Result<Outcome> {
    let desk = text::clean(&req.desk);
    let desk = if desk.is_empty() {
        "منصة التسجيل".to_string()
    } else {
        desk
    };
    if text::char_len(&desk) > 60 {
        return Err(AppError::field("desk", "اسم المنصة أطول من 60 حرفًا"));
    }
    let uuid = req.uuid.as_deref().map(canonical_uuid).transpose()?;
    // IMMEDIATE: two desks (or two processes) checking in the same person are serialised here.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let (forum_name, day_count, start_date): (String, u32, String) = tx
        .query_row(
            "SELECT name_ar, day_count, start_date FROM forum WHERE id = ?1",
            [req.forum_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?
        .ok_or(AppError::NotFound {
            what: "الملتقى"
        })?;

    // A retry of a check-in that was stored: the same answer.
    if let Some(uuid) = uuid.as_deref() {
        let existing = tx
            .query_row(&format!("{RECORD_SELECT} WHERE uuid = ?1"), [uuid], record)
            .optional()?;
        if let Some(rec) = existing {
            let p = person::get(&tx, rec.person_id)?;
            let out = Outcome {
                status: Status::CheckedIn,
                reason: None,
                message: format!("تم تسجيل حضور {}", p.full_name),
                person: Some(p),
                today_count: count_day(&tx, req.forum_id, rec.day)?,
                checkin: Some(rec),
            };
            return Ok(out);
        }
    }

    let person = match (req.person_id, req.code.as_deref()) {
        (Some(id), _) => match person::get(&tx, id) {
            Ok(p) if p.forum_id == req.forum_id => p,
            Ok(_) => {
                return refused(
                    &tx,
                    req,
                    "other_forum",
                    "هذا الشخص مسجل في ملتقى آخر".into(),
                    None,
                )
            }
            Err(AppError::NotFound { .. }) => {
                return refused(&tx, req, "unknown_code", "الشخص غير موجود".into(), None)
            }
            Err(e) => return Err(e),
        },
        (None, Some(raw)) => {
            let code = badge_code::normalize(raw);
            if !badge_code::is_valid(&code) {
                return refused(
                    &tx,
                    req,
                    "invalid_code",
                    format!("الرمز «{code}» غير صحيح — أعد المسح أو اكتب الاسم"),
                    None,
                );
            }
            match person::by_badge_code(&tx, req.forum_id, &code)? {
                Some(p) => p,
                None => {
                    let elsewhere: Option<String> = tx
                        .query_row(
                            "SELECT f.name_ar FROM person p JOIN forum f ON f.id = p.forum_id WHERE p.badge_code = ?1 LIMIT 1",
                            [&code],
                            |r| r.get(0),
                        )
                        .optional()?;
                    return match elsewhere {
                        Some(other) => refused(
                            &tx,
                            req,
                            "other_forum",
                            format!("البطاقة صادرة لملتقى آخر: {other}"),
                            None,
                        ),
                        None => refused(
                            &tx,
                            req,
                            "unknown_code",
                            format!("الرمز «{code}» غير مسجل في {forum_name}"),
                            None,
                        ),
                    };
                }
            }
        }
        (None, None) => return Err(AppError::field("code", "امسح البطاقة أو اختر الشخص")),
    };

    if req.day < 1 || req.day > day_count {
        let msg = format!(
            "اليوم {} ليس من أيام الملتقى (عدد أيامه {day_count})",
            req.day
        );
        return refused(&tx, req, "not_forum_day", msg, Some(person));
    }

    let earlier = tx
        .query_row(
            &format!("{RECORD_SELECT} WHERE person_id = ?1 AND day = ?2 AND undone_at IS NULL"),
            params![person.id, req.day],
            record,
        )
        .optional()?;
    if let Some(rec) = earlier {
        return Ok(Outcome {
            status: Status::Already,
            reason: None,
            message: format!(
                "سبق تسجيل {} اليوم {} — {}",
                if person.gender.as_deref() == Some("f") {
                    "حضورها"
                } else {
                    "حضوره"
                },
                rec.time,
                rec.desk
            ),
            person: Some(person),
            today_count: count_day(&tx, req.forum_id, req.day)?,
            checkin: Some(rec),
        });
    }

    let uuid = uuid.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let day_date = crate::calendar::parse_iso(&start_date)
        .and_then(|d| d.checked_add_days(chrono::Days::new(u64::from(req.day) - 1)));
    let at = recorded_at(req.scanned_at.as_deref(), day_date);
    tx.execute(
        "INSERT INTO checkin(uuid, forum_id, person_id, day, desk, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![uuid, req.forum_id, person.id, req.day, desk, at],
    )?;
    let today_count = count_day(&tx, req.forum_id, req.day)?;
    tx.commit()?;
    let rec = Record {
        uuid,
        person_id: person.id,
        day: req.day,
        desk,
        time: venue_time(&at),
        at,
        undone: false,
    };
    Ok(Outcome {
        status: Status::CheckedIn,
        reason: None,
        message: format!("تم تسجيل حضور {}", person.full_name),
        person: Some(person),
        checkin: Some(rec),
        today_count,
    })
}

/// Undoes a check-in (wrong person scanned, …). The reason is required and kept.
pub fn undo(conn: &Connection, uuid: &str, reason: &str, by: &str) -> Result<Record> {
    let reason = text::clean(reason);
    if reason.is_empty() {
        return Err(AppError::field("reason", "اكتب سبب إلغاء تسجيل الحضور"));
    }
    let uuid = canonical_uuid(uuid)?;
    let rec = conn
        .query_row(&format!("{RECORD_SELECT} WHERE uuid = ?1"), [&uuid], record)
        .optional()?
        .ok_or(AppError::NotFound {
            what: "تسجيل الحضور",
        })?;
    if rec.undone {
        return Err(AppError::field("uuid", "أُلغي هذا التسجيل من قبل"));
    }
    conn.execute(
        "UPDATE checkin SET undone_at = ?2, undo_reason = ?3, undone_by = ?4 WHERE uuid = ?1",
        params![uuid, crate::calendar::now_utc(), reason, text::clean(by)],
    )?;
    Ok(Record {
        undone: true,
        ..rec
    })
}

/// What a desk needs to start: the forum, which of its days today is (if any) and today's count.
#[derive(Debug, Clone, Serialize)]
pub struct DeskContext {
    pub forum: crate::forum::Forum,
    pub today: crate::calendar::DateLabel,
    /// Today's forum day, or `None` when today is not a forum day (the desk then picks one).
    pub today_day: Option<u32>,
    pub counts: Vec<i64>,
}

pub fn desk_context(conn: &Connection, forum_id: i64) -> Result<DeskContext> {
    let forum = crate::forum::get(conn, forum_id)?;
    let today = Utc::now().with_timezone(&venue_offset()).date_naive();
    let today_day = crate::forum::day_number(&forum, today);
    let counts = (1..=forum.day_count)
        .map(|d| count_day(conn, forum_id, d))
        .collect::<Result<Vec<_>>>()?;
    Ok(DeskContext {
        today: crate::calendar::label(today),
        today_day,
        counts,
        forum,
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct CategoryCount {
    pub category: String,
    pub label: String,
    pub color: String,
    pub count: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct HourCount {
    /// Venue hour, 0–23.
    pub hour: u32,
    pub count: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct DayStats {
    pub day: u32,
    pub total: i64,
    pub registered: i64,
    pub by_category: Vec<CategoryCount>,
    pub by_hour: Vec<HourCount>,
}

/// Who has checked in on a forum day: total, by category and by venue hour.
pub fn stats(conn: &Connection, forum_id: i64, day: u32) -> Result<DayStats> {
    let registered = conn.query_row(
        "SELECT count(*) FROM person WHERE forum_id = ?1",
        [forum_id],
        |r| r.get(0),
    )?;
    let mut stmt = conn.prepare_cached(
        "SELECT c.code, c.label_ar, c.color, count(k.uuid)
           FROM category c
           LEFT JOIN person p ON p.category = c.code AND p.forum_id = ?1
           LEFT JOIN checkin k ON k.person_id = p.id AND k.day = ?2 AND k.undone_at IS NULL
          GROUP BY c.code ORDER BY c.position",
    )?;
    let by_category = stmt
        .query_map(params![forum_id, day], |r| {
            Ok(CategoryCount {
                category: r.get(0)?,
                label: r.get(1)?,
                color: r.get(2)?,
                count: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut hours = [0i64; 24];
    let mut stmt = conn.prepare_cached(
        "SELECT at FROM checkin WHERE forum_id = ?1 AND day = ?2 AND undone_at IS NULL",
    )?;
    let rows = stmt.query_map(params![forum_id, day], |r| r.get::<_, String>(0))?;
    for at in rows {
        if let Ok(t) = DateTime::parse_from_rfc3339(&at?) {
            let h = chrono::Timelike::hour(&t.with_timezone(&venue_offset()));
            hours[h as usize] += 1;
        }
    }
    let by_hour = hours
        .iter()
        .enumerate()
        .filter(|(_, c)| **c > 0)
        .map(|(h, c)| HourCount {
            hour: h as u32,
            count: *c,
        })
        .collect();
    Ok(DayStats {
        day,
        total: count_day(conn, forum_id, day)?,
        registered,
        by_category,
        by_hour,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::person::{rules, PersonInput};
    use crate::store::Store;

    struct Fx {
        _dir: tempfile::TempDir,
        store: Store,
        forum: i64,
        person: Person,
    }

    fn fx() -> Fx {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("m.sqlite3")).unwrap();
        let forum = crate::forum::test_forum(&mut store.conn());
        let person = crate::person::create(
            &mut store.conn(),
            forum,
            &PersonInput {
                full_name: "فاطمة علي الحازمي".into(),
                national_id: format!("101234567{}", rules::luhn_check_digit("101234567").unwrap()),
                category: "disability".into(),
                needs_wheelchair: true,
                ..Default::default()
            },
        )
        .unwrap();
        Fx {
            _dir: dir,
            store,
            forum,
            person,
        }
    }

    fn req(fx: &Fx, code: &str, day: u32, desk: &str) -> CheckinRequest {
        CheckinRequest {
            forum_id: fx.forum,
            code: Some(code.into()),
            day,
            desk: desk.into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_retry_in_any_spelling_of_its_uuid_gets_the_first_answer() {
        let fx = fx();
        let mut conn = fx.store.conn();
        let uuid = "0b0c8a8e-35f4-4d8e-9a4e-6f3f3c1d2e11";
        let mut r = req(&fx, &fx.person.badge_code, 1, "منصة 1");
        r.uuid = Some(uuid.into());
        let first = check_in(&mut conn, &r).unwrap();
        assert_eq!(first.status, Status::CheckedIn);
        for spelling in [
            uuid.to_uppercase(),
            format!("{{{uuid}}}"),
            format!("urn:uuid:{uuid}"),
            uuid.replace('-', ""),
        ] {
            r.uuid = Some(spelling.clone());
            let again = check_in(&mut conn, &r).unwrap();
            assert_eq!(again.status, Status::CheckedIn, "{spelling}");
            assert_eq!(again.checkin.unwrap().uuid, uuid);
        }
        r.uuid = Some("not-a-uuid".into());
        assert_eq!(check_in(&mut conn, &r).unwrap_err().code(), "bad_request");
        undo(&conn, &uuid.to_uppercase(), "خطأ", "").unwrap();
    }

    #[test]
    fn a_queued_scan_keeps_its_time_within_the_forum_day_and_now() {
        let day = chrono::NaiveDate::from_ymd_opt(2025, 1, 5);
        // Scanned an hour ago: kept.
        let hour_ago = (Utc::now() - chrono::Duration::hours(1))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        assert_eq!(recorded_at(Some(&hour_ago), day), hour_ago);
        // In the future: now.
        let later = (Utc::now() + chrono::Duration::hours(5))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let at = recorded_at(Some(&later), day);
        assert!(at <= crate::calendar::now_utc());
        // Before the forum day began (venue midnight = 21:00 UTC the day before): its start.
        assert_eq!(
            recorded_at(Some("2025-01-01T10:00:00Z"), day),
            "2025-01-04T21:00:00Z"
        );
        assert_eq!(
            recorded_at(Some("2025-01-05T06:30:00+03:00"), day),
            "2025-01-05T03:30:00Z"
        );
        // Unreadable: now.
        assert!(recorded_at(Some("أمس"), day) >= hour_ago);
    }

    #[test]
    fn second_scan_the_same_day_is_already_and_not_counted() {
        let fx = fx();
        let mut conn = fx.store.conn();
        let first = check_in(
            &mut conn,
            &req(&fx, &fx.person.badge_code.to_lowercase(), 1, "منصة 2"),
        )
        .unwrap();
        assert_eq!(first.status, Status::CheckedIn);
        assert_eq!(first.today_count, 1);
        assert_eq!(first.person.as_ref().unwrap().needs_label, "كرسي متحرك");
        let rec = first.checkin.unwrap();
        assert_eq!(rec.person_id, fx.person.id);
        let again = check_in(&mut conn, &req(&fx, &fx.person.badge_code, 1, "منصة 3")).unwrap();
        assert_eq!(again.status, Status::Already);
        assert_eq!(
            again.message,
            format!("سبق تسجيل حضوره اليوم {} — منصة 2", rec.time)
        );
        assert_eq!(again.today_count, 1);
        // Worded for a woman.
        conn.execute(
            "UPDATE person_row SET gender = 'f' WHERE id = ?1",
            [fx.person.id],
        )
        .unwrap();
        let hers = check_in(&mut conn, &req(&fx, &fx.person.badge_code, 1, "منصة 3")).unwrap();
        assert!(
            hers.message.starts_with("سبق تسجيل حضورها اليوم"),
            "{}",
            hers.message
        );
        // Day 2 is a new day.
        let day2 = check_in(&mut conn, &req(&fx, &fx.person.badge_code, 2, "منصة 1")).unwrap();
        assert_eq!(day2.status, Status::CheckedIn);
        assert_eq!(count_day(&conn, fx.forum, 1).unwrap(), 1);
    }

    #[test]
    fn a_retry_with_the_same_uuid_returns_the_same_answer() {
        let fx = fx();
        let mut conn = fx.store.conn();
        let mut r = req(&fx, &fx.person.badge_code, 1, "منصة 1");
        r.uuid = Some(uuid::Uuid::new_v4().to_string());
        let a = check_in(&mut conn, &r).unwrap();
        let b = check_in(&mut conn, &r).unwrap();
        assert_eq!(a.status, Status::CheckedIn);
        assert_eq!(b.status, Status::CheckedIn);
        assert_eq!(a.checkin, b.checkin);
        assert_eq!(b.today_count, 1);
        let rows: i64 = conn
            .query_row("SELECT count(*) FROM checkin", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 1);
    }

    #[test]
    fn refusals_say_why() {
        let fx = fx();
        let mut conn = fx.store.conn();
        let bad_check = {
            let mut c = fx.person.badge_code.clone().into_bytes();
            c[6] = if c[6] == b'2' { b'3' } else { b'2' };
            String::from_utf8(c).unwrap()
        };
        let o = check_in(&mut conn, &req(&fx, &bad_check, 1, "")).unwrap();
        assert_eq!(
            (o.status, o.reason),
            (Status::Refused, Some("invalid_code"))
        );
        let unknown = {
            let body = b"K7M4QX";
            format!(
                "K7M4QX{}",
                char::from(badge_code::check_char(body).unwrap())
            )
        };
        let o = check_in(&mut conn, &req(&fx, &unknown, 1, "")).unwrap();
        assert_eq!(o.reason, Some("unknown_code"));
        assert!(o.message.contains("غير مسجل"));
        let o = check_in(&mut conn, &req(&fx, &fx.person.badge_code, 3, "")).unwrap();
        assert_eq!(o.reason, Some("not_forum_day"));
        assert_eq!(o.today_count, 0);

        // A badge of another forum.
        let other = crate::forum::create(
            &mut conn,
            &crate::forum::ForumInput {
                name_ar: "ملتقى آخر".into(),
                start_date: "2025-01-05".into(),
                day_count: Some(crate::forum::LooseInt::Int(1)),
                ..Default::default()
            },
        )
        .unwrap();
        let mut r = req(&fx, &fx.person.badge_code, 1, "");
        r.forum_id = other.id;
        let o = check_in(&mut conn, &r).unwrap();
        assert_eq!(o.reason, Some("other_forum"));
        assert!(o.message.contains("ملتقى التمكين الاجتماعي"));
        assert_eq!(count_day(&conn, fx.forum, 1).unwrap(), 0, "nothing stored");
    }

    #[test]
    fn undo_needs_a_reason_and_allows_a_new_check_in() {
        let fx = fx();
        let mut conn = fx.store.conn();
        let o = check_in(&mut conn, &req(&fx, &fx.person.badge_code, 1, "منصة 1")).unwrap();
        let uuid = o.checkin.unwrap().uuid;
        assert_eq!(
            undo(&conn, &uuid, "  ", "سعد").unwrap_err().code(),
            "validation"
        );
        let r = undo(&conn, &uuid, "مسح بطاقة شخص آخر", "سعد").unwrap();
        assert!(r.undone);
        assert_eq!(
            undo(&conn, &uuid, "مرة أخرى", "سعد").unwrap_err().code(),
            "validation"
        );
        let reason: String = conn
            .query_row(
                "SELECT undo_reason FROM checkin WHERE uuid = ?1",
                [&uuid],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(reason, "مسح بطاقة شخص آخر");
        let again = check_in(&mut conn, &req(&fx, &fx.person.badge_code, 1, "منصة 1")).unwrap();
        assert_eq!(again.status, Status::CheckedIn);
        let s = stats(&conn, fx.forum, 1).unwrap();
        assert_eq!(s.total, 1);
        assert_eq!(s.registered, 1);
        assert_eq!(
            s.by_category
                .iter()
                .find(|c| c.category == "disability")
                .unwrap()
                .count,
            1
        );
        assert_eq!(s.by_hour.iter().map(|h| h.count).sum::<i64>(), 1);
    }
}
