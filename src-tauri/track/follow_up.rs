//! Follow-ups (المتابعة): a placement (enrolled, hired, funded) schedules calls at +30, +90 and
//! +180 days. A caller records what they heard; where it applies, the referral moves on its
//! track (still employed at 90 days → «على رأس العمل بعد 90 يومًا», left → «ترك العمل» …).
//!
//! Invariant: the result → move table ([`MOVES`]) is the one place that says what a call does
//! to a referral; a move the track does not allow from the referral's state is not made (the
//! call is still recorded).

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};

use super::referral::{self, MoveInput};
use crate::error::{AppError, Result};
use crate::text;

/// The days after the placement.
pub const DAYS: &[i64] = &[30, 90, 180];

/// What a caller can record.
pub const RESULTS: &[(&str, &str)] = &[
    (
        "continuing",
        "مستمر (على رأس العمل، في الدورة، المشروع قائم)",
    ),
    ("completed", "أتم الدورة"),
    ("ended", "انقطع (ترك العمل، ترك الدورة، توقف المشروع)"),
    ("not_reachable", "تعذر الوصول إليه"),
];

/// (track, days or 0 for any, result) → the state the referral moves to.
const MOVES: &[(&str, i64, &str, &str)] = &[
    ("job", 90, "continuing", "employed_90"),
    ("job", 180, "continuing", "employed_180"),
    ("job", 0, "ended", "left"),
    ("training", 0, "completed", "completed"),
    ("training", 0, "ended", "dropped_out"),
    ("support", 180, "continuing", "running_180"),
    ("support", 0, "ended", "stopped"),
];

fn move_for(track: &str, days: i64, result: &str) -> Option<&'static str> {
    MOVES
        .iter()
        .find(|(t, d, r, _)| *t == track && (*d == 0 || *d == days) && *r == result)
        .map(|(_, _, _, to)| *to)
}

/// Schedules the follow-ups of a referral placed on `placed_on` (`YYYY-MM-DD…`); once only.
pub(crate) fn schedule(conn: &Connection, referral_id: i64, placed_on: &str) -> Result<()> {
    let Some(date) = crate::calendar::parse_iso(placed_on.get(..10).unwrap_or(placed_on)) else {
        return Ok(());
    };
    for &days in DAYS {
        let due = date
            .checked_add_days(chrono::Days::new(days as u64))
            .unwrap_or(date)
            .format("%Y-%m-%d")
            .to_string();
        conn.execute(
            "INSERT OR IGNORE INTO follow_up(referral_id, days, due) VALUES (?1, ?2, ?3)",
            params![referral_id, days, due],
        )?;
    }
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct FollowUp {
    pub id: i64,
    pub referral_id: i64,
    pub days: i64,
    pub due: String,
    pub overdue: bool,
    pub done_at: Option<String>,
    pub result: Option<String>,
    pub person_name: String,
    pub mobile: Option<String>,
    pub office: Option<String>,
    pub opportunity_title: String,
    pub entity_name: String,
    pub track: String,
    pub state: String,
}

/// The forum's open follow-ups due by `until` (`YYYY-MM-DD`; every open one when `None`), by
/// social-security office, then due date.
pub fn due(conn: &Connection, forum_id: i64, until: Option<&str>) -> Result<Vec<FollowUp>> {
    let today = chrono::Utc::now()
        .with_timezone(&crate::checkin::venue_offset())
        .format("%Y-%m-%d")
        .to_string();
    let mut stmt = conn.prepare_cached(
        "SELECT f.id, f.referral_id, f.days, f.due, f.done_at, f.result, p.full_name, p.mobile, o.name_ar,
                op.title, e.name_ar, op.track, r.state
           FROM follow_up f JOIN referral r ON r.id = f.referral_id JOIN person p ON p.id = r.person_id
           LEFT JOIN office o ON o.id = p.office_id JOIN opportunity op ON op.id = r.opportunity_id
           JOIN entity e ON e.id = op.entity_id
          WHERE r.forum_id = ?1 AND f.done_at IS NULL AND (?2 IS NULL OR f.due <= ?2)
          ORDER BY o.name_ar IS NULL, o.name_ar, f.due, p.full_name",
    )?;
    let rows = stmt
        .query_map(params![forum_id, until], |r| {
            let due: String = r.get(3)?;
            Ok(FollowUp {
                id: r.get(0)?,
                referral_id: r.get(1)?,
                days: r.get(2)?,
                overdue: due < today,
                due,
                done_at: r.get(4)?,
                result: r.get(5)?,
                person_name: r.get(6)?,
                mobile: r.get(7)?,
                office: r.get(8)?,
                opportunity_title: r.get(9)?,
                entity_name: r.get(10)?,
                track: r.get(11)?,
                state: r.get(12)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RecordInput {
    pub id: i64,
    pub result: String,
    pub note: String,
    pub by: String,
}

/// Records a call's result and moves the referral where the result says so.
pub fn record(conn: &mut Connection, input: &RecordInput) -> Result<referral::Referral> {
    if !RESULTS.iter().any(|(c, _)| *c == input.result) {
        return Err(AppError::field("result", "اختر نتيجة المتابعة"));
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found: Option<(i64, i64, Option<String>)> = tx
        .query_row(
            "SELECT referral_id, days, done_at FROM follow_up WHERE id = ?1",
            [input.id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let (referral_id, days, done) = found.ok_or(AppError::NotFound {
        what: "المتابعة"
    })?;
    if done.is_some() {
        return Err(AppError::Conflict("سُجلت نتيجة هذه المتابعة من قبل".into()));
    }
    let by = match text::clean(&input.by) {
        b if b.is_empty() => "الجهاز الرئيس".to_string(),
        b => b,
    };
    let note = text::clean(&input.note);
    tx.execute(
        "UPDATE follow_up SET done_at = ?2, result = ?3, note = ?4, by = ?5 WHERE id = ?1",
        params![input.id, crate::calendar::now_utc(), input.result, note, by],
    )?;
    let r = referral::get(&tx, referral_id)?;
    if let Some(to) = move_for(&r.track, days, &input.result) {
        let allowed = super::track(&r.track).is_some_and(|t| t.allows(&r.state, to));
        if allowed {
            referral::move_in(
                &tx,
                &MoveInput {
                    id: referral_id,
                    to: to.into(),
                    reason: if input.result == "ended" {
                        "other".into()
                    } else {
                        String::new()
                    },
                    reason_text: if input.result == "ended" {
                        format!(
                            "متابعة بعد {}{}",
                            crate::text::counted(days.max(0) as u64, &crate::text::DAYS),
                            if note.is_empty() {
                                String::new()
                            } else {
                                format!(": {note}")
                            }
                        )
                    } else {
                        note.clone()
                    },
                    verified_by: "phone".into(),
                    at: None,
                    by: by.clone(),
                },
            )?;
        }
    }
    let r = referral::get(&tx, referral_id)?;
    tx.commit()?;
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hire_schedules_three_calls_and_a_call_moves_the_referral() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("m.sqlite3")).unwrap();
        let mut conn = store.conn();
        let forum = crate::demo::load(&mut conn).unwrap();
        let job = super::super::testing::job(&mut conn, forum, "أمين صندوق", 2);
        let person = crate::person::list(&conn, forum, &crate::person::Filter::first(1))
            .unwrap()
            .people
            .remove(0)
            .person;
        let r = super::super::testing::hire(&mut conn, forum, job, person.id);
        let mine: Vec<FollowUp> = due(&conn, forum, None)
            .unwrap()
            .into_iter()
            .filter(|f| f.referral_id == r.id)
            .collect();
        assert_eq!(
            mine.iter().map(|f| f.days).collect::<Vec<_>>(),
            [30, 90, 180]
        );
        let by_days = |d: i64| mine.iter().find(|f| f.days == d).unwrap().id;
        // At +30 still employed: recorded, no move (the next step is at 90 days).
        let after30 = record(
            &mut conn,
            &RecordInput {
                id: by_days(30),
                result: "continuing".into(),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(after30.state, "hired");
        let after90 = record(
            &mut conn,
            &RecordInput {
                id: by_days(90),
                result: "continuing".into(),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(after90.state, "employed_90");
        assert_eq!(
            record(
                &mut conn,
                &RecordInput {
                    id: by_days(90),
                    result: "ended".into(),
                    ..Default::default()
                }
            )
            .unwrap_err()
            .code(),
            "conflict",
            "a call is recorded once"
        );
        let after180 = record(
            &mut conn,
            &RecordInput {
                id: by_days(180),
                result: "ended".into(),
                note: "انتقل إلى مدينة أخرى".into(),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(after180.state, "left");
        assert!(!after180.placed);
        assert!(due(&conn, forum, None)
            .unwrap()
            .iter()
            .all(|f| f.referral_id != r.id));
        assert_eq!(
            record(
                &mut conn,
                &RecordInput {
                    id: by_days(30),
                    result: "x".into(),
                    ..Default::default()
                }
            )
            .unwrap_err()
            .code(),
            "validation"
        );
    }
}
