//! Who is in which booth. One booth, one occupant: the occupant table is keyed by the booth, so
//! the database itself refuses a second occupant whichever laptop asks; the refusal names the
//! current occupant. An entity or family holds one booth: assigning it elsewhere moves it.
//! Entities go in booths outside the families zone; approved families go in its stalls.

use rusqlite::{params, Connection, ErrorCode};
use serde::Serialize;

use super::{booth, Booth};
use crate::error::{AppError, Result};
use crate::text;

fn occupied(b: &Booth) -> AppError {
    let name = b.occupant.as_ref().map(|o| o.name.as_str()).unwrap_or("");
    AppError::Conflict(format!(
        "الركن {} مشغول بـ«{name}»؛ اختر ركنًا فارغًا أو ألغِ تخصيصه أولًا",
        b.code
    ))
}

fn is_unique_violation(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == ErrorCode::ConstraintViolation)
}

/// Writes the occupant row in the caller's transaction; a booth already held is refused with
/// the holder's name. The occupant's previous booth (if any) is given up.
fn occupy_in(
    tx: &Connection,
    booth_id: i64,
    column: &str,
    id: i64,
    by: &str,
    check: impl FnOnce(&Connection, &Booth) -> Result<()>,
) -> Result<()> {
    let b = booth(tx, booth_id)?;
    check(tx, &b)?;
    if let Some(o) = &b.occupant {
        if o.id == id && format!("{}_id", o.kind) == column {
            return Ok(()); // already there
        }
        return Err(occupied(&b));
    }
    tx.execute(
        &format!("DELETE FROM booth_occupant WHERE {column} = ?1"),
        [id],
    )?;
    let insert = tx.execute(
        &format!(
            "INSERT INTO booth_occupant(booth_id, {column}, assigned_at, assigned_by) VALUES (?1, ?2, ?3, ?4)"
        ),
        params![booth_id, id, crate::calendar::now_utc(), text::clean(by)],
    );
    match insert {
        Ok(_) => Ok(()),
        // The database refused a second occupant (another connection got there first, on a
        // connection without the write lock); the statement alone is undone, so say who won.
        Err(e) if is_unique_violation(&e) => Err(occupied(&booth(tx, booth_id)?)),
        Err(e) => Err(e.into()),
    }
}

fn occupy(
    conn: &mut Connection,
    booth_id: i64,
    column: &str,
    id: i64,
    by: &str,
    check: impl FnOnce(&Connection, &Booth) -> Result<()>,
) -> Result<Booth> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    occupy_in(&tx, booth_id, column, id, by, check)?;
    tx.commit()?;
    booth(conn, booth_id)
}

/// Puts an entity in a booth (moving it from its previous one).
pub fn assign_entity(
    conn: &mut Connection,
    booth_id: i64,
    entity_id: i64,
    by: &str,
) -> Result<Booth> {
    occupy(conn, booth_id, "entity_id", entity_id, by, |tx, b| {
        entity_fits(tx, b, entity_id)
    })
}

pub(crate) fn assign_entity_in(
    tx: &Connection,
    booth_id: i64,
    entity_id: i64,
    by: &str,
) -> Result<()> {
    occupy_in(tx, booth_id, "entity_id", entity_id, by, |tx, b| {
        entity_fits(tx, b, entity_id)
    })
}

fn entity_fits(tx: &Connection, b: &Booth, entity_id: i64) -> Result<()> {
    let e = crate::entity::get(tx, entity_id)?;
    if e.forum_id != super::booth_forum(tx, b.id)? {
        return Err(AppError::field("entity_id", "الجهة من ملتقى آخر"));
    }
    if e.status == "withdrew" {
        return Err(AppError::Conflict(format!(
            "«{}» اعتذرت عن المشاركة؛ غيّر حالتها قبل تخصيص ركن لها",
            e.name_ar
        )));
    }
    if b.is_stall {
        return Err(AppError::Conflict(format!(
            "الركن {} من أركان معرض الأسر المنتجة؛ اختر ركنًا في منطقة الجهات",
            b.code
        )));
    }
    Ok(())
}

/// Gives an approved family a stall in the families zone (moving it from its previous one).
pub fn assign_family(
    conn: &mut Connection,
    booth_id: i64,
    family_id: i64,
    by: &str,
) -> Result<Booth> {
    occupy(conn, booth_id, "family_id", family_id, by, |tx, b| {
        family_fits(tx, b, family_id)
    })
}

pub(crate) fn assign_family_in(
    tx: &Connection,
    booth_id: i64,
    family_id: i64,
    by: &str,
) -> Result<()> {
    occupy_in(tx, booth_id, "family_id", family_id, by, |tx, b| {
        family_fits(tx, b, family_id)
    })
}

fn family_fits(tx: &Connection, b: &Booth, family_id: i64) -> Result<()> {
    let f = crate::family::get(tx, family_id)?;
    if f.forum_id != super::booth_forum(tx, b.id)? {
        return Err(AppError::field("family_id", "الأسرة من ملتقى آخر"));
    }
    if f.status != "approved" {
        return Err(AppError::Conflict(format!(
            "لا يُخصص ركن إلا لأسرة مقبولة؛ حالة «{}»: {}",
            f.head_name, f.status_label
        )));
    }
    if !b.is_stall {
        return Err(AppError::Conflict(format!(
            "الركن {} ليس في معرض الأسر المنتجة؛ اختر ركنًا من أركان المعرض",
            b.code
        )));
    }
    Ok(())
}

/// Frees a booth.
pub fn unassign(conn: &Connection, booth_id: i64) -> Result<Booth> {
    let b = booth(conn, booth_id)?;
    conn.execute("DELETE FROM booth_occupant WHERE booth_id = ?1", [booth_id])?;
    booth(conn, b.id)
}

/// One answer to «where is …?».
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Found {
    /// `entity` or `family`.
    pub kind: &'static str,
    pub id: i64,
    pub name: String,
    pub booth_id: Option<i64>,
    pub booth_code: Option<String>,
}

/// «Where is …?»: entities and families whose name contains what was typed (any spelling of
/// hamza, ta marbuta, …), the English name, or a booth code. Those with a booth come first.
pub fn where_is(conn: &Connection, forum_id: i64, q: &str, limit: usize) -> Result<Vec<Found>> {
    let key = text::search_key(q);
    if key.is_empty() {
        return Ok(Vec::new());
    }
    let code = super::clean_code(q);
    let like = format!("%{}%", key.replace(['%', '_'], ""));
    let mut stmt = conn.prepare_cached(
        "SELECT 'entity', e.id, e.name_ar, b.id, b.code FROM entity e
           LEFT JOIN booth_occupant o ON o.entity_id = e.id LEFT JOIN booth b ON b.id = o.booth_id
          WHERE e.forum_id = ?1 AND (e.name_key LIKE ?2 OR lower(e.name_en) LIKE ?2 OR b.code = ?3)
         UNION ALL
         SELECT 'family', f.id, f.head_name, b.id, b.code FROM family f
           LEFT JOIN booth_occupant o ON o.family_id = f.id LEFT JOIN booth b ON b.id = o.booth_id
          WHERE f.forum_id = ?1 AND f.status = 'approved' AND (f.name_key LIKE ?2 OR b.code = ?3)",
    )?;
    let mut found = stmt
        .query_map(params![forum_id, like, code], |r| {
            let kind: String = r.get(0)?;
            Ok(Found {
                kind: if kind == "entity" { "entity" } else { "family" },
                id: r.get(1)?,
                name: r.get(2)?,
                booth_id: r.get(3)?,
                booth_code: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // Exact booth code first, then names that start with the words typed, then those with a booth.
    found.sort_by_key(|f| {
        (
            f.booth_code.as_deref() != Some(code.as_str()),
            !text::search_key(&f.name).starts_with(&key),
            f.booth_id.is_none(),
            f.name.clone(),
        )
    });
    found.truncate(limit);
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::floor::{create_grid, test_hall, GridInput};

    fn grid(prefix: &str, y: f64) -> GridInput {
        GridInput {
            prefix: prefix.into(),
            first: 1,
            rows: 1,
            cols: 3,
            x: 0.0,
            y,
            w: 3.0,
            h: 3.0,
            gap: 0.0,
            aisle: 0.0,
            left_to_right: true,
        }
    }

    #[test]
    fn one_occupant_per_booth_and_assigning_elsewhere_moves() {
        let (_dir, store, forum) = crate::forum::test_setup();
        let mut conn = store.conn();
        test_hall(&mut conn, forum);
        let booths = create_grid(&mut conn, forum, &grid("A", 0.0)).unwrap();
        let stalls = create_grid(&mut conn, forum, &grid("F", 25.0)).unwrap();
        let bank = crate::entity::create(
            &mut conn,
            forum,
            &crate::entity::sample("بنك التنمية الاجتماعية"),
        )
        .unwrap();
        let fund = crate::entity::create(
            &mut conn,
            forum,
            &crate::entity::sample("صندوق الموارد البشرية"),
        )
        .unwrap();

        let b = assign_entity(&mut conn, booths[0].id, bank.id, "منصة 1").unwrap();
        assert_eq!(b.occupant.as_ref().unwrap().name, bank.name_ar);
        let by: String = conn
            .query_row(
                "SELECT assigned_by FROM booth_occupant WHERE booth_id = ?1",
                [b.id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(by, "منصة 1", "who assigned it is recorded");
        // Again: nothing changes.
        assign_entity(&mut conn, booths[0].id, bank.id, "").unwrap();
        let e = assign_entity(&mut conn, booths[0].id, fund.id, "").unwrap_err();
        assert_eq!(e.code(), "conflict");
        assert!(
            e.to_string().contains("مشغول بـ«بنك التنمية الاجتماعية»"),
            "{e}"
        );
        // An entity cannot take a families' stall.
        let e = assign_entity(&mut conn, stalls[0].id, fund.id, "").unwrap_err();
        assert!(e.to_string().contains("معرض الأسر"));
        // Moving the bank frees A1.
        assign_entity(&mut conn, booths[1].id, bank.id, "").unwrap();
        assert!(booth(&conn, booths[0].id).unwrap().occupant.is_none());
        assign_entity(&mut conn, booths[0].id, fund.id, "").unwrap();
        assert_eq!(
            crate::floor::plan(&conn, forum)
                .unwrap()
                .unassigned_entities
                .len(),
            0
        );

        // Where is …? by part of the name in another spelling, or by booth code.
        let f = where_is(&conn, forum, "التنميه", 5).unwrap();
        assert_eq!(f[0].booth_code.as_deref(), Some("A2"));
        let f = where_is(&conn, forum, "a1", 5).unwrap();
        assert_eq!(f[0].name, fund.name_ar);
        assert!(where_is(&conn, forum, "  ", 5).unwrap().is_empty());

        unassign(&conn, booths[0].id).unwrap();
        assert_eq!(
            crate::floor::plan(&conn, forum)
                .unwrap()
                .unassigned_entities
                .len(),
            1
        );
        // The database itself refuses a second occupant.
        let direct = conn.execute(
            "INSERT INTO booth_occupant(booth_id, entity_id, assigned_at) VALUES (?1, ?2, 'x')",
            params![booths[1].id, fund.id],
        );
        assert!(direct.is_err());
    }
}
