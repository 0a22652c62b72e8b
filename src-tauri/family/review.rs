//! Reviewing applications: applied → approved / wait-listed / rejected (reason required) →
//! withdrawn, with quotas per product category. Approving past a quota is refused and points to
//! the waiting list. When a family holding a place (approved, or offered one) withdraws, the
//! first wait-listed family of the same category is offered the place; an offered family is
//! then approved (it holds the place meanwhile) or withdraws, which offers it to the next.
//! Every decision is recorded with who and when.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use super::{category_label, get, status_label, Family, CATEGORIES};
use crate::error::{AppError, Result};
use crate::text;

/// Who decides for automatic steps (an offer after a withdrawal).
const SYSTEM: &str = "النظام";

const TRANSITIONS: &[(&str, &str)] = &[
    ("applied", "approved"),
    ("applied", "waitlisted"),
    ("applied", "rejected"),
    ("applied", "withdrawn"),
    ("waitlisted", "approved"),
    ("waitlisted", "rejected"),
    ("waitlisted", "withdrawn"),
    ("offered", "approved"),
    ("offered", "withdrawn"),
    ("approved", "withdrawn"),
    // Reconsidering a rejection takes the application back to the start.
    ("rejected", "applied"),
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecisionRow {
    pub from_status: Option<String>,
    pub to_status: String,
    pub to_label: String,
    pub reason: String,
    pub decided_by: String,
    pub decided_at: String,
}

pub(crate) fn record(
    conn: &Connection,
    family_id: i64,
    from: Option<&str>,
    to: &str,
    reason: &str,
    by: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO family_decision(family_id, from_status, to_status, reason, decided_by, decided_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        family_id,
        from,
        to,
        text::clean(reason),
        text::clean(by),
        crate::calendar::now_utc()
    ])?;
    Ok(())
}

pub fn history(conn: &Connection, family_id: i64) -> Result<Vec<DecisionRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT from_status, to_status, reason, decided_by, decided_at FROM family_decision
          WHERE family_id = ?1 ORDER BY id",
    )?;
    let rows = stmt
        .query_map([family_id], |r| {
            let to: String = r.get(1)?;
            Ok(DecisionRow {
                from_status: r.get(0)?,
                to_label: status_label(&to).to_string(),
                to_status: to,
                reason: r.get(2)?,
                decided_by: r.get(3)?,
                decided_at: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The most stalls a category may have, if a quota is set.
pub fn quota(conn: &Connection, forum_id: i64, category: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached(
            "SELECT max_stalls FROM family_quota WHERE forum_id = ?1 AND category = ?2",
        )?
        .query_row(params![forum_id, category], |r| r.get(0))
        .optional()?)
}

/// Families holding a place in the category: approved, or offered one. `except` is left out.
fn places_taken(conn: &Connection, forum_id: i64, category: &str, except: i64) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM family WHERE forum_id = ?1 AND category = ?2
                AND status IN ('approved', 'offered') AND id <> ?3",
        )?
        .query_row(params![forum_id, category, except], |r| r.get(0))?)
}

/// The outcome of a decision.
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub family: Family,
    /// The wait-listed family offered the place this decision freed.
    pub offered: Option<Family>,
    /// The stall given up (a withdrawal).
    pub freed_stall: Option<String>,
}

/// Moves an application to `to` (`approved`, `waitlisted`, `rejected`, `withdrawn`, `applied`).
pub fn decide(
    conn: &mut Connection,
    family_id: i64,
    to: &str,
    reason: &str,
    by: &str,
) -> Result<Decision> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let (offered, freed_stall) = decide_in(&tx, family_id, to, reason, by)?;
    tx.commit()?;
    Ok(Decision {
        family: get(conn, family_id)?,
        offered: match offered {
            Some(id) => Some(get(conn, id)?),
            None => None,
        },
        freed_stall,
    })
}

/// [`decide`] inside the caller's transaction; returns the family offered the freed place and
/// the stall given up.
pub(crate) fn decide_in(
    tx: &Connection,
    family_id: i64,
    to: &str,
    reason: &str,
    by: &str,
) -> Result<(Option<i64>, Option<String>)> {
    let f = get(tx, family_id)?;
    let to = super::STATUSES
        .iter()
        .map(|(c, _)| *c)
        .find(|c| *c == to.trim())
        .ok_or_else(|| AppError::field("status", "القرار غير معروف"))?;
    if to == f.status {
        return Err(AppError::Conflict(format!(
            "حالة «{}» هي «{}» من قبل",
            f.head_name, f.status_label
        )));
    }
    if !TRANSITIONS.contains(&(f.status.as_str(), to)) {
        return Err(AppError::Conflict(format!(
            "لا يمكن نقل طلب «{}» من «{}» إلى «{}»",
            f.head_name,
            f.status_label,
            status_label(to)
        )));
    }
    let reason = text::clean(reason);
    if matches!(to, "rejected" | "applied") && reason.is_empty() {
        return Err(AppError::field(
            "reason",
            if to == "rejected" {
                "اكتب سبب الرفض؛ يُحفظ مع القرار"
            } else {
                "اكتب سبب إعادة النظر في الطلب"
            },
        ));
    }
    if text::char_len(&reason) > 300 {
        return Err(AppError::field("reason", "السبب أطول من 300 حرف"));
    }
    if to == "approved" {
        if let Some(max) = quota(tx, f.forum_id, &f.category)? {
            let taken = places_taken(tx, f.forum_id, &f.category, f.id)?;
            if taken >= max {
                return Err(AppError::Conflict(format!(
                    "اكتملت حصة فئة «{}» ({}، كلها مشغولة)؛ ضع الأسرة في قائمة الانتظار، وستُعرض عليها أول مكان يخلو",
                    f.category_label,
                    crate::text::counted(max as u64, &crate::text::BOOTHS)
                )));
            }
        }
    }
    let waitlisted_at: Option<String> = match to {
        "waitlisted" => Some(crate::calendar::now_utc_precise()),
        "offered" => f.waitlisted_at.clone(),
        _ => None,
    };
    tx.execute(
        "UPDATE family SET status = ?2, waitlisted_at = ?3, updated_at = ?4 WHERE id = ?1",
        params![family_id, to, waitlisted_at, crate::calendar::now_utc()],
    )?;
    record(tx, family_id, Some(&f.status), to, &reason, by)?;
    let mut freed_stall = None;
    let mut offered = None;
    if to == "withdrawn" && matches!(f.status.as_str(), "approved" | "offered") {
        if f.booth_id.is_some() {
            tx.execute(
                "DELETE FROM booth_occupant WHERE family_id = ?1",
                [family_id],
            )?;
            freed_stall = f.booth_code.clone();
        }
        offered = offer_next(tx, f.forum_id, &f.category, &f.head_name)?;
    }
    Ok((offered, freed_stall))
}

/// Offers a freed place to the first wait-listed family of the category, if the quota allows.
fn offer_next(
    conn: &Connection,
    forum_id: i64,
    category: &str,
    freed_by: &str,
) -> Result<Option<i64>> {
    if let Some(max) = quota(conn, forum_id, category)? {
        if places_taken(conn, forum_id, category, -1)? >= max {
            return Ok(None);
        }
    }
    let next: Option<i64> = conn
        .prepare_cached(
            "SELECT id FROM family WHERE forum_id = ?1 AND category = ?2 AND status = 'waitlisted'
              ORDER BY waitlisted_at, id LIMIT 1",
        )?
        .query_row(params![forum_id, category], |r| r.get(0))
        .optional()?;
    if let Some(id) = next {
        conn.execute(
            "UPDATE family SET status = 'offered', updated_at = ?2 WHERE id = ?1",
            params![id, crate::calendar::now_utc()],
        )?;
        record(
            conn,
            id,
            Some("waitlisted"),
            "offered",
            &format!("خلا مكان بانسحاب «{freed_by}»؛ الأولى في قائمة الانتظار"),
            SYSTEM,
        )?;
    }
    Ok(next)
}

/// One category's quota and how its places stand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuotaRow {
    pub category: String,
    pub label: String,
    pub max_stalls: Option<i64>,
    pub applied: i64,
    pub approved: i64,
    pub offered: i64,
    pub waitlisted: i64,
    pub rejected: i64,
    pub withdrawn: i64,
}

pub fn quotas(conn: &Connection, forum_id: i64) -> Result<Vec<QuotaRow>> {
    let mut out = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT (SELECT max_stalls FROM family_quota q WHERE q.forum_id = ?1 AND q.category = ?2),
                count(*) FILTER (WHERE status = 'applied'), count(*) FILTER (WHERE status = 'approved'),
                count(*) FILTER (WHERE status = 'offered'), count(*) FILTER (WHERE status = 'waitlisted'),
                count(*) FILTER (WHERE status = 'rejected'), count(*) FILTER (WHERE status = 'withdrawn')
           FROM family WHERE forum_id = ?1 AND category = ?2",
    )?;
    for (code, label) in CATEGORIES {
        out.push(stmt.query_row(params![forum_id, code], |r| {
            Ok(QuotaRow {
                category: code.to_string(),
                label: label.to_string(),
                max_stalls: r.get(0)?,
                applied: r.get(1)?,
                approved: r.get(2)?,
                offered: r.get(3)?,
                waitlisted: r.get(4)?,
                rejected: r.get(5)?,
                withdrawn: r.get(6)?,
            })
        })?);
    }
    Ok(out)
}

/// Sets (or with `None` removes) a category's quota. A quota below the places already given is
/// refused: approvals are not undone silently.
pub fn set_quota(
    conn: &Connection,
    forum_id: i64,
    category: &str,
    max: Option<i64>,
) -> Result<Vec<QuotaRow>> {
    let category = super::find_category(category)
        .ok_or_else(|| AppError::field("category", "فئة المنتجات غير معروفة"))?;
    match max {
        None => {
            conn.execute(
                "DELETE FROM family_quota WHERE forum_id = ?1 AND category = ?2",
                params![forum_id, category],
            )?;
        }
        Some(m) => {
            if !(0..=10_000).contains(&m) {
                return Err(AppError::field("max_stalls", "الحصة عدد من 0 إلى 10000"));
            }
            let taken = places_taken(conn, forum_id, category, -1)?;
            if m < taken {
                return Err(AppError::Conflict(format!(
                    "في فئة «{}» قُبلت {} أو عُرض عليها مكان؛ لا تكون الحصة أقل من ذلك",
                    category_label(category),
                    crate::text::counted(taken as u64, &crate::text::FAMILIES)
                )));
            }
            conn.execute(
                "INSERT INTO family_quota(forum_id, category, max_stalls) VALUES (?1, ?2, ?3)
                 ON CONFLICT(forum_id, category) DO UPDATE SET max_stalls = excluded.max_stalls",
                params![forum_id, category, m],
            )?;
        }
    }
    quotas(conn, forum_id)
}

#[cfg(test)]
mod tests {
    use super::super::{create, sample};
    use super::*;

    #[test]
    fn quota_waiting_list_and_promotion_on_withdrawal() {
        let (_dir, store, forum) = crate::forum::test_setup();
        let mut conn = store.conn();
        set_quota(&conn, forum, "food", Some(2)).unwrap();
        let ids: Vec<i64> = [
            ("نورة أحمد", "101234561"),
            ("سارة علي", "101234562"),
            ("هند محمد", "101234563"),
            ("مريم حسن", "101234564"),
        ]
        .iter()
        .map(|(n, id)| {
            create(&mut conn, forum, &sample(n, id, "أطعمة"), "")
                .unwrap()
                .id
        })
        .collect();
        decide(&mut conn, ids[0], "approved", "", "أ").unwrap();
        decide(&mut conn, ids[1], "approved", "", "أ").unwrap();
        let e = decide(&mut conn, ids[2], "approved", "", "أ").unwrap_err();
        assert_eq!(e.code(), "conflict");
        assert!(e.to_string().contains("قائمة الانتظار"), "{e}");
        assert!(e.to_string().contains("«أطعمة»"));
        // Another category is not limited by the food quota.
        let sweets = create(
            &mut conn,
            forum,
            &sample("ليلى سعد", "101234565", "حلويات"),
            "",
        )
        .unwrap();
        decide(&mut conn, sweets.id, "approved", "", "").unwrap();

        decide(&mut conn, ids[3], "waitlisted", "", "").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(5));
        decide(&mut conn, ids[2], "waitlisted", "", "").unwrap();
        // The quota cannot drop below the places given.
        assert!(set_quota(&conn, forum, "food", Some(1)).is_err());

        // An approved family withdraws: the first on the waiting list (ids[3]) is offered.
        let d = decide(&mut conn, ids[0], "withdrawn", "ظرف عائلي", "ب").unwrap();
        assert_eq!(d.family.status, "withdrawn");
        let offered = d.offered.unwrap();
        assert_eq!(offered.id, ids[3]);
        assert_eq!(offered.status, "offered");
        let h = history(&conn, ids[3]).unwrap();
        assert_eq!(h.last().unwrap().decided_by, SYSTEM);
        assert!(h.last().unwrap().reason.contains("نورة أحمد"));
        // The offered family holds the place: nobody else can be approved meanwhile.
        assert!(decide(&mut conn, ids[2], "approved", "", "").is_err());
        // It declines: the next one is offered; it accepts.
        let d = decide(&mut conn, ids[3], "withdrawn", "", "").unwrap();
        assert_eq!(d.offered.unwrap().id, ids[2]);
        decide(&mut conn, ids[2], "approved", "", "").unwrap();
        let q = quotas(&conn, forum).unwrap();
        let food = q.iter().find(|r| r.category == "food").unwrap();
        assert_eq!(
            (food.max_stalls, food.approved, food.withdrawn),
            (Some(2), 2, 2)
        );
    }

    #[test]
    fn transitions_that_are_not_allowed_are_refused() {
        let (_dir, store, forum) = crate::forum::test_setup();
        let mut conn = store.conn();
        let f = create(
            &mut conn,
            forum,
            &sample("نورة أحمد", "101234561", "عطور"),
            "",
        )
        .unwrap();
        let e = decide(&mut conn, f.id, "rejected", " ", "").unwrap_err();
        assert!(e.to_string().contains("سبب الرفض"));
        decide(
            &mut conn,
            f.id,
            "rejected",
            "المنتجات خارج نطاق المعرض",
            "لجنة الفرز",
        )
        .unwrap();
        let e = decide(&mut conn, f.id, "approved", "", "").unwrap_err();
        assert!(e.to_string().contains("من «مرفوضة» إلى «مقبولة»"), "{e}");
        assert!(decide(&mut conn, f.id, "offered", "", "").is_err());
        assert!(decide(&mut conn, f.id, "نعم", "", "").is_err());
        // A rejected family cannot be given a stall.
        crate::floor::test_hall(&mut conn, forum);
        let stall = crate::floor::create_booth(
            &mut conn,
            forum,
            &crate::floor::BoothInput {
                code: "F1".into(),
                rect: crate::floor::Rect {
                    x: 0.0,
                    y: 30.0,
                    w: 3.0,
                    h: 3.0,
                },
            },
        )
        .unwrap();
        let e = crate::floor::assign::assign_family(&mut conn, stall.id, f.id, "").unwrap_err();
        assert!(e.to_string().contains("أسرة مقبولة"), "{e}");
        // Reconsidered, approved: now it can.
        decide(&mut conn, f.id, "applied", "أعيد التقييم", "").unwrap();
        decide(&mut conn, f.id, "approved", "", "").unwrap();
        let b = crate::floor::assign::assign_family(&mut conn, stall.id, f.id, "").unwrap();
        assert_eq!(b.occupant.unwrap().detail, "عطور وبخور");
        // Withdrawing frees the stall.
        let d = decide(&mut conn, f.id, "withdrawn", "", "").unwrap();
        assert_eq!(d.freed_stall.as_deref(), Some("F1"));
        assert!(decide(&mut conn, f.id, "applied", "x", "").is_err());
        let steps: Vec<String> = history(&conn, f.id)
            .unwrap()
            .into_iter()
            .map(|d| d.to_status)
            .collect();
        assert_eq!(
            steps,
            ["applied", "rejected", "applied", "approved", "withdrawn"]
        );
    }
}
