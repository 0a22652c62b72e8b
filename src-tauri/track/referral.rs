//! Referrals (الإحالات): a person put forward to an opportunity — at the entity's booth by a
//! badge scan, by the committee, or from a spreadsheet. One per person and opportunity (the
//! database's UNIQUE): scanning the same visitor again updates it. Its state moves along its
//! track's table ([`super::TRACKS`]); every change is appended to `referral_event`.

use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};
use serde::{Deserialize, Serialize};

use super::{track, REASONS, VERIFIED_BY};
use crate::entity::label_of;
use crate::error::{AppError, Result};
use crate::person::{self, badge_code};
use crate::text;

pub const SOURCES: &[(&str, &str)] = &[
    ("booth_scan", "مسح في الركن"),
    ("committee", "اللجنة"),
    ("import", "استيراد"),
];

/// Putting someone forward: the person (badge code or id), the opportunities, and what the
/// booth's staff add.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReferInput {
    pub forum_id: i64,
    pub code: Option<String>,
    pub person_id: Option<i64>,
    pub opportunity_ids: Vec<i64>,
    pub rating: Option<i64>,
    pub note: String,
    /// `booth_scan` (default) or `committee`.
    pub source: String,
    /// The device that recorded it (a desk's own name, from its token, over the network).
    pub desk: String,
    /// When it was scanned (RFC 3339), for a referral queued while the network was down.
    pub scanned_at: Option<String>,
    /// Only opportunities of this entity (a booth device refers to its own entity's).
    pub entity_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Event {
    pub from_state: Option<String>,
    pub to_state: String,
    pub reason: Option<String>,
    pub reason_text: String,
    pub verified_by: Option<String>,
    pub at: String,
    pub by: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Referral {
    pub id: i64,
    pub forum_id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub opportunity_id: i64,
    pub opportunity_title: String,
    pub entity_id: i64,
    pub entity_name: String,
    pub track: String,
    pub state: String,
    pub state_label: &'static str,
    pub placed: bool,
    pub source: String,
    pub device: String,
    pub scanned_at: String,
    pub rating: Option<i64>,
    pub note: String,
    pub created_at: String,
    pub updated_at: String,
}

/// What a referral call did for one opportunity.
#[derive(Debug, Clone, Serialize)]
pub struct Referred {
    pub referral: Referral,
    /// False when the person was already referred there (the referral was updated instead).
    pub new: bool,
    /// What happened, in Arabic.
    pub message: String,
}

const SELECT: &str = "SELECT r.id, r.forum_id, r.person_id, p.full_name, r.opportunity_id, o.title,
        o.entity_id, e.name_ar, o.track, r.state, r.placed, r.source, r.device, r.scanned_at, r.rating,
        r.note, r.created_at, r.updated_at
   FROM referral r JOIN person p ON p.id = r.person_id JOIN opportunity o ON o.id = r.opportunity_id
   JOIN entity e ON e.id = o.entity_id";

fn row(r: &Row<'_>) -> rusqlite::Result<Referral> {
    let track_code: String = r.get(8)?;
    let state: String = r.get(9)?;
    Ok(Referral {
        id: r.get(0)?,
        forum_id: r.get(1)?,
        person_id: r.get(2)?,
        person_name: r.get(3)?,
        opportunity_id: r.get(4)?,
        opportunity_title: r.get(5)?,
        entity_id: r.get(6)?,
        entity_name: r.get(7)?,
        state_label: track(&track_code)
            .and_then(|t| t.stage(&state))
            .map(|s| s.label)
            .unwrap_or(""),
        track: track_code,
        state,
        placed: r.get(10)?,
        source: r.get(11)?,
        device: r.get(12)?,
        scanned_at: r.get(13)?,
        rating: r.get(14)?,
        note: r.get(15)?,
        created_at: r.get(16)?,
        updated_at: r.get(17)?,
    })
}

pub fn get(conn: &Connection, id: i64) -> Result<Referral> {
    conn.query_row(&format!("{SELECT} WHERE r.id = ?1"), [id], row)
        .optional()?
        .ok_or(AppError::NotFound {
            what: "الإحالة"
        })
}

/// Filters for [`list`]; absent ones do not narrow it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Filter {
    pub state: Option<String>,
    pub person_id: Option<i64>,
    pub entity_id: Option<i64>,
    pub opportunity_id: Option<i64>,
    pub track: Option<String>,
}

pub fn list(conn: &Connection, forum_id: i64, f: &Filter) -> Result<Vec<Referral>> {
    // Only the filters given go into the query, so each can use its index (a person's
    // referrals are looked up on every booth scan).
    let mut sql = format!("{SELECT} WHERE r.forum_id = ?1");
    let mut args: Vec<rusqlite::types::Value> = vec![forum_id.into()];
    let mut add = |clause: &str, v: rusqlite::types::Value| {
        args.push(v);
        sql.push_str(&format!(" AND {clause} = ?{}", args.len()));
    };
    if let Some(v) = &f.state {
        add("r.state", v.clone().into());
    }
    if let Some(v) = f.person_id {
        add("r.person_id", v.into());
    }
    if let Some(v) = f.entity_id {
        add("o.entity_id", v.into());
    }
    if let Some(v) = f.opportunity_id {
        add("r.opportunity_id", v.into());
    }
    if let Some(v) = &f.track {
        add("o.track", v.clone().into());
    }
    sql.push_str(" ORDER BY r.scanned_at DESC, r.id DESC");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(args), row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The opportunity's wait list: referrals on their way (accepted, interviewed, approved …) that
/// hold no seat or vacancy yet, first come first: in the order they reached their step.
pub fn waitlist(conn: &Connection, opportunity_id: i64) -> Result<Vec<Referral>> {
    let o = super::opportunity::get(conn, opportunity_id)?;
    let Some(t) = track(&o.track) else {
        return Ok(Vec::new());
    };
    let waiting: Vec<&str> = t
        .stages
        .iter()
        .filter(|s| s.funnel >= 2 && !s.holds_place)
        .map(|s| s.state)
        .collect();
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE r.opportunity_id = ?1 AND r.placed = 0
          ORDER BY (SELECT v.at FROM referral_event v WHERE v.referral_id = r.id ORDER BY v.id DESC LIMIT 1), r.id"
    ))?;
    let rows = stmt
        .query_map([opportunity_id], row)?
        .filter(|r| {
            r.as_ref()
                .map_or(true, |r| waiting.contains(&r.state.as_str()))
        })
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub fn events(conn: &Connection, referral_id: i64) -> Result<Vec<Event>> {
    let mut stmt = conn.prepare_cached(
        "SELECT from_state, to_state, reason, reason_text, verified_by, at, by FROM referral_event
          WHERE referral_id = ?1 ORDER BY id",
    )?;
    let rows = stmt
        .query_map([referral_id], |r| {
            Ok(Event {
                from_state: r.get(0)?,
                to_state: r.get(1)?,
                reason: r.get(2)?,
                reason_text: r.get(3)?,
                verified_by: r.get(4)?,
                at: r.get(5)?,
                by: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// When it happened: the time given, if it lies in the past, else now.
fn when(scanned_at: Option<&str>) -> String {
    let now = chrono::Utc::now();
    scanned_at
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s.trim()).ok())
        .map(|t| t.with_timezone(&chrono::Utc).min(now))
        .unwrap_or(now)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Puts a person forward to one or more open opportunities of the forum. A second scan of the
/// same visitor updates the referral (rating, note), never duplicates it.
pub fn refer(conn: &mut Connection, input: &ReferInput) -> Result<Vec<Referred>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let out = refer_in(&tx, input)?;
    tx.commit()?;
    Ok(out)
}

/// [`refer`] inside the caller's transaction.
pub(crate) fn refer_in(tx: &Connection, input: &ReferInput) -> Result<Vec<Referred>> {
    if input.opportunity_ids.is_empty() {
        return Err(AppError::field(
            "opportunity_ids",
            "اختر فرصة واحدة على الأقل",
        ));
    }
    if input.rating.is_some_and(|r| !(1..=5).contains(&r)) {
        return Err(AppError::field("rating", "التقييم من 1 إلى 5"));
    }
    let note = text::clean(&input.note);
    if text::char_len(&note) > 500 {
        return Err(AppError::field("note", "الملاحظة أطول من 500 حرف"));
    }
    let source = match input.source.as_str() {
        "" | "booth_scan" => "booth_scan",
        "committee" => "committee",
        "import" => "import",
        _ => return Err(AppError::field("source", "مصدر الإحالة غير معروف")),
    };
    let device = match text::clean(&input.desk) {
        d if d.is_empty() => "الجهاز الرئيس".to_string(),
        d => d,
    };
    let at = when(input.scanned_at.as_deref());
    let person = match (input.person_id, input.code.as_deref()) {
        (Some(id), _) => person::get(tx, id)?,
        (None, Some(raw)) => {
            let code = badge_code::normalize(raw);
            person::by_badge_code(tx, input.forum_id, &code)?.ok_or_else(|| {
                AppError::field("code", &format!("الرمز «{code}» غير مسجل في هذا الملتقى"))
            })?
        }
        (None, None) => return Err(AppError::field("code", "امسح بطاقة الزائر أو اختره")),
    };
    if person.forum_id != input.forum_id {
        return Err(AppError::field("code", "هذا الشخص مسجل في ملتقى آخر"));
    }
    let mut out = Vec::new();
    for &opp in &input.opportunity_ids {
        let o = super::opportunity::get(tx, opp)?;
        if o.forum_id != input.forum_id {
            return Err(AppError::field("opportunity_ids", "الفرصة من ملتقى آخر"));
        }
        if input.entity_id.is_some_and(|e| e != o.entity_id) {
            return Err(AppError::Forbidden(format!(
                "«{}» ليست من فرص جهة هذا الركن؛ يحيل كل ركن إلى فرص جهته",
                o.title
            )));
        }
        let existing: Option<i64> = tx
            .query_row(
                "SELECT id FROM referral WHERE person_id = ?1 AND opportunity_id = ?2",
                params![person.id, opp],
                |r| r.get(0),
            )
            .optional()?;
        let (id, new) = match existing {
            Some(id) => {
                tx.execute(
                    "UPDATE referral SET rating = coalesce(?2, rating),
                            note = CASE WHEN ?3 = '' THEN note ELSE ?3 END, updated_at = ?4
                      WHERE id = ?1",
                    params![id, input.rating, note, crate::calendar::now_utc()],
                )?;
                (id, false)
            }
            None => {
                if o.status != "open" {
                    return Err(AppError::Conflict(format!(
                        "الفرصة «{}» {}؛ لا تُقبل إحالات جديدة إليها",
                        o.title, o.status_label
                    )));
                }
                let now = crate::calendar::now_utc();
                tx.execute(
                    "INSERT INTO referral(forum_id, person_id, opportunity_id, state, source, device, scanned_at,
                            rating, note, created_at, updated_at)
                     VALUES (?1, ?2, ?3, 'referred', ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
                    params![input.forum_id, person.id, opp, source, device, at, input.rating, note, now],
                )?;
                let id = tx.last_insert_rowid();
                tx.execute(
                    "INSERT INTO referral_event(referral_id, from_state, to_state, at, by) VALUES (?1, NULL, 'referred', ?2, ?3)",
                    params![id, at, device],
                )?;
                (id, true)
            }
        };
        let referral = get(tx, id)?;
        let message = if new {
            format!(
                "أُحيل {} إلى «{}»",
                referral.person_name, referral.opportunity_title
            )
        } else {
            format!(
                "سبقت إحالة {} إلى «{}»؛ حُدّثت الإحالة نفسها",
                referral.person_name, referral.opportunity_title
            )
        };
        out.push(Referred {
            referral,
            new,
            message,
        });
    }
    Ok(out)
}

/// A change of a referral's state: where to, why (required for a negative end), how it was
/// verified, when (defaults to now) and who.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MoveInput {
    pub id: i64,
    pub to: String,
    pub reason: String,
    pub reason_text: String,
    pub verified_by: String,
    /// `YYYY-MM-DD` or RFC 3339; not before the referral, not in the future.
    pub at: Option<String>,
    pub by: String,
}

/// Moves a referral along its track. Disallowed moves are refused in Arabic; a placement past
/// the opportunity's seats or vacancies is refused by the database.
pub fn move_to(conn: &mut Connection, m: &MoveInput) -> Result<Referral> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let r = move_in(&tx, m)?;
    tx.commit()?;
    Ok(r)
}

/// [`move_to`] inside the caller's transaction (the outcomes import applies many at once).
pub(crate) fn move_in(tx: &Connection, m: &MoveInput) -> Result<Referral> {
    let r = get(tx, m.id)?;
    let t = track(&r.track).ok_or_else(|| AppError::Internal("مسار غير معروف".into()))?;
    let to = t.stage(m.to.trim()).ok_or_else(|| {
        AppError::field(
            "to",
            &format!("الحالة «{}» ليست من حالات هذا المسار", m.to.trim()),
        )
    })?;
    if !t.allows(&r.state, to.state) {
        let from = t.stage(&r.state).map(|s| s.label).unwrap_or("");
        let can: Vec<&str> = t.next(&r.state).iter().map(|s| s.label).collect();
        return Err(AppError::Conflict(if can.is_empty() {
            format!(
                "الإحالة في حالة نهائية («{from}»)؛ لا تنتقل إلى «{}»",
                to.label
            )
        } else {
            format!(
                "لا تنتقل الإحالة من «{from}» إلى «{}»؛ الممكن: {}",
                to.label,
                can.join("، ")
            )
        }));
    }
    let reason = m.reason.trim();
    let reason_text = text::clean(&m.reason_text);
    if to.funnel == 0 {
        if reason.is_empty() {
            return Err(AppError::field("reason", "اختر سبب هذه النتيجة"));
        }
        if label_of(REASONS, reason).is_empty() {
            return Err(AppError::field("reason", "سبب غير معروف"));
        }
        if reason == "other" && reason_text.is_empty() {
            return Err(AppError::field("reason_text", "اكتب السبب"));
        }
    }
    let verified = m.verified_by.trim();
    if !verified.is_empty() && label_of(VERIFIED_BY, verified).is_empty() {
        return Err(AppError::field("verified_by", "طريقة التحقق غير معروفة"));
    }
    let at = match m.at.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => crate::calendar::now_utc(),
        Some(s) => {
            let t = chrono::DateTime::parse_from_rfc3339(s)
                .map(|t| t.with_timezone(&chrono::Utc))
                .ok()
                .or_else(|| {
                    crate::calendar::parse_iso(&text::latin_digits(s))
                        .and_then(|d| d.and_hms_opt(9, 0, 0))
                        .map(|d| d.and_utc())
                })
                .ok_or_else(|| AppError::field("at", "تاريخ غير مقروء"))?;
            if t > chrono::Utc::now() {
                return Err(AppError::field("at", "التاريخ في المستقبل"));
            }
            let at = t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            if at[..10] < r.scanned_at[..10.min(r.scanned_at.len())] {
                return Err(AppError::field("at", "التاريخ قبل تاريخ الإحالة"));
            }
            at
        }
    };
    let by = match text::clean(&m.by) {
        b if b.is_empty() => "الجهاز الرئيس".to_string(),
        b => b,
    };
    let placed = to.holds_place;
    match tx.execute(
        "UPDATE referral SET state = ?2, placed = ?3, updated_at = ?4 WHERE id = ?1",
        params![r.id, to.state, placed, crate::calendar::now_utc()],
    ) {
        Err(rusqlite::Error::SqliteFailure(_, Some(msg))) if msg.contains("capacity_full") => {
            let o = super::opportunity::get(tx, r.opportunity_id)?;
            return Err(AppError::Conflict(format!(
                "اكتملت {} «{}» ({} من {})؛ يبقى الشخص في قائمة الانتظار",
                if r.track == "job" {
                    "شواغر الفرصة"
                } else {
                    "مقاعد"
                },
                o.title,
                o.placed,
                o.capacity.unwrap_or(0)
            )));
        }
        other => {
            other?;
        }
    }
    // A first placement (enrolled, hired, funded) schedules its follow-up calls.
    if placed && !r.placed {
        super::follow_up::schedule(tx, r.id, &at)?;
    }
    tx.execute(
        "INSERT INTO referral_event(referral_id, from_state, to_state, reason, reason_text, verified_by, at, by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            r.id,
            r.state,
            to.state,
            (!reason.is_empty()).then_some(reason),
            reason_text,
            (!verified.is_empty()).then_some(verified),
            at,
            by
        ],
    )?;
    get(tx, r.id)
}

#[cfg(test)]
mod tests {
    use super::super::opportunity::{self, OpportunityInput};
    use super::*;

    struct Fx {
        _dir: tempfile::TempDir,
        store: crate::store::Store,
        forum: i64,
        people: Vec<person::Person>,
        course: i64,
        job: i64,
    }

    fn fx() -> Fx {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("m.sqlite3")).unwrap();
        let (forum, people, course, job) = {
            let mut conn = store.conn();
            let forum = crate::demo::load(&mut conn).unwrap();
            let entity = crate::entity::list(&conn, forum).unwrap()[0].id;
            let course = opportunity::create(
                &mut conn,
                forum,
                &OpportunityInput {
                    entity_id: Some(entity),
                    track: "training".into(),
                    title: "دورة الخياطة".into(),
                    capacity: "1".into(),
                    ..Default::default()
                },
            )
            .unwrap()
            .id;
            let job = opportunity::create(
                &mut conn,
                forum,
                &OpportunityInput {
                    entity_id: Some(entity),
                    track: "job".into(),
                    title: "كاشير".into(),
                    capacity: "1".into(),
                    ..Default::default()
                },
            )
            .unwrap()
            .id;
            let people: Vec<_> = person::list(&conn, forum, &person::Filter::first(3))
                .unwrap()
                .people
                .into_iter()
                .map(|l| l.person)
                .collect();
            (forum, people, course, job)
        };
        Fx {
            _dir: dir,
            store,
            forum,
            people,
            course,
            job,
        }
    }

    fn scan(fx: &Fx, who: usize, opps: &[i64]) -> Vec<Referred> {
        refer(
            &mut fx.store.conn(),
            &ReferInput {
                forum_id: fx.forum,
                code: Some(fx.people[who].badge_code.to_lowercase()),
                opportunity_ids: opps.to_vec(),
                desk: "ركن بنك التنمية".into(),
                ..Default::default()
            },
        )
        .unwrap()
    }

    fn go(fx: &Fx, id: i64, to: &str, reason: &str) -> Result<Referral> {
        move_to(
            &mut fx.store.conn(),
            &MoveInput {
                id,
                to: to.into(),
                reason: reason.into(),
                ..Default::default()
            },
        )
    }

    #[test]
    fn a_rescan_updates_the_referral_and_never_duplicates_it() {
        let fx = fx();
        let first = scan(&fx, 0, &[fx.course, fx.job]);
        assert!(first
            .iter()
            .all(|r| r.new && r.referral.state == "referred"));
        let again = refer(
            &mut fx.store.conn(),
            &ReferInput {
                forum_id: fx.forum,
                person_id: Some(fx.people[0].id),
                opportunity_ids: vec![fx.course],
                rating: Some(4),
                note: "مهتمة جدًا".into(),
                ..Default::default()
            },
        )
        .unwrap();
        assert!(!again[0].new);
        assert_eq!(again[0].referral.id, first[0].referral.id);
        assert_eq!(again[0].referral.rating, Some(4));
        let mine = Filter {
            person_id: Some(fx.people[0].id),
            entity_id: Some(first[0].referral.entity_id),
            ..Default::default()
        };
        let all = list(&fx.store.conn(), fx.forum, &mine).unwrap();
        assert_eq!(
            all.iter()
                .filter(|r| r.opportunity_id == fx.course || r.opportunity_id == fx.job)
                .count(),
            2
        );
        assert_eq!(
            events(&fx.store.conn(), first[0].referral.id)
                .unwrap()
                .len(),
            1
        );
        // The database itself refuses a second referral of the same person and opportunity.
        let dup = fx.store.conn().execute(
            "INSERT INTO referral(forum_id, person_id, opportunity_id, state, source, device, scanned_at, created_at, updated_at)
             VALUES (?1, ?2, ?3, 'referred', 'import', 'x', 'x', 'x', 'x')",
            params![fx.forum, fx.people[0].id, fx.course],
        );
        assert!(dup.is_err());
    }

    #[test]
    fn moves_follow_the_track_and_negative_ends_need_a_reason() {
        let fx = fx();
        let r = scan(&fx, 0, &[fx.job]).remove(0).referral;
        let e = go(&fx, r.id, "hired", "").unwrap_err();
        assert_eq!(e.code(), "conflict");
        assert!(e.to_string().contains("قُبل للمقابلة"), "{e}");
        assert_eq!(
            go(&fx, r.id, "declined", "").unwrap_err().code(),
            "validation"
        );
        assert_eq!(
            go(&fx, r.id, "enrolled", "").unwrap_err().code(),
            "validation"
        );
        for to in ["interview", "interviewed", "hired", "employed_90"] {
            assert_eq!(go(&fx, r.id, to, "").unwrap().state, to);
        }
        let left = go(&fx, r.id, "left", "declined_by_person").unwrap();
        assert!(!left.placed);
        assert!(
            go(&fx, r.id, "hired", "").is_err(),
            "a negative end is final"
        );
        let log = events(&fx.store.conn(), r.id).unwrap();
        assert_eq!(log.len(), 6);
        assert_eq!(log[5].reason.as_deref(), Some("declined_by_person"));
    }

    #[test]
    fn seats_are_a_limit_even_for_two_connections_at_once() {
        let fx = fx();
        let a = scan(&fx, 0, &[fx.course]).remove(0).referral;
        let b = scan(&fx, 1, &[fx.course]).remove(0).referral;
        for r in [&a, &b] {
            go(&fx, r.id, "accepted", "").unwrap();
        }
        // Two laptops enrol the last seat at the same moment: exactly one wins.
        let path = fx.store.path().to_path_buf();
        let results: Vec<Result<Referral>> = std::thread::scope(|s| {
            [a.id, b.id]
                .map(|id| {
                    let path = path.clone();
                    s.spawn(move || {
                        let mut conn = crate::store::open_connection(&path).unwrap();
                        move_to(
                            &mut conn,
                            &MoveInput {
                                id,
                                to: "enrolled".into(),
                                ..Default::default()
                            },
                        )
                    })
                })
                .into_iter()
                .map(|h| h.join().unwrap())
                .collect()
        });
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1);
        let refused = results.into_iter().find_map(|r| r.err()).unwrap();
        assert!(refused.to_string().contains("اكتملت"), "{refused}");
        // A dropped-out student frees the seat for the first who waits.
        let (winner, other) = if get(&fx.store.conn(), a.id).unwrap().placed {
            (a, b)
        } else {
            (b, a)
        };
        // The one refused waits, first come first placed.
        let third = scan(&fx, 2, &[fx.course]).remove(0).referral;
        go(&fx, third.id, "accepted", "").unwrap();
        let waiting: Vec<i64> = waitlist(&fx.store.conn(), fx.course)
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(waiting, [other.id, third.id]);
        go(&fx, winner.id, "dropped_out", "no_show").unwrap();
        assert!(go(&fx, other.id, "enrolled", "").unwrap().placed);
        let left: Vec<i64> = waitlist(&fx.store.conn(), fx.course)
            .unwrap()
            .iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(left, [third.id]);
    }

    #[test]
    fn two_booths_scanning_one_visitor_at_once_make_one_referral() {
        let fx = fx();
        let path = fx.store.path().to_path_buf();
        let code = fx.people[2].badge_code.clone();
        let (forum, job) = (fx.forum, fx.job);
        let results: Vec<Vec<Referred>> = std::thread::scope(|s| {
            (0..2)
                .map(|_| {
                    let (path, code) = (path.clone(), code.clone());
                    s.spawn(move || {
                        let mut conn = crate::store::open_connection(&path).unwrap();
                        refer(
                            &mut conn,
                            &ReferInput {
                                forum_id: forum,
                                code: Some(code),
                                opportunity_ids: vec![job],
                                ..Default::default()
                            },
                        )
                        .unwrap()
                    })
                })
                .collect::<Vec<_>>()
                .into_iter()
                .map(|h| h.join().unwrap())
                .collect()
        });
        let news: Vec<bool> = results.iter().map(|r| r[0].new).collect();
        assert_eq!(news.iter().filter(|n| **n).count(), 1, "{news:?}");
        assert_eq!(results[0][0].referral.id, results[1][0].referral.id);
        let n: i64 = fx
            .store
            .conn()
            .query_row(
                "SELECT count(*) FROM referral WHERE person_id = ?1 AND opportunity_id = ?2",
                params![fx.people[2].id, job],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1);
    }
}
