//! The audit trail (سجل التدقيق): every change — create, update, delete, check-in, undo, import,
//! decision, certificate issued or revoked, pairing, role change, restore — appends a row: when,
//! who (the host, or the device by its name and role), the command, the record and a summary
//! of what changed. Each row carries the hash of the one before it, so an edit of the database
//! file is found by [`verify`].
//!
//! Invariants: the app only ever appends (no command updates or deletes a row; triggers refuse
//! it); personal details (names, national IDs, mobiles) are kept in a column outside the hashed
//! part, so retention can erase them and the chain still verifies.

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::Result;

/// The fields of arguments that are personal: kept out of the hashed summary.
const PERSONAL: &[&str] = &[
    "full_name",
    "name",
    "name_ar",
    "name_en",
    "head_name",
    "national_id",
    "mobile",
    "ss_file",
    "q",
    "code",
    "contact_name",
    "email",
];

/// Argument fields never recorded at all (files, images, secrets).
const BULK: &[&str] = &[
    "data_base64",
    "logo",
    "background",
    "photos",
    "token",
    "template",
    "password",
    "current",
    "new",
    "admin_token",
    "account_token",
];

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Entry {
    pub id: i64,
    pub at: String,
    pub who: String,
    pub command: String,
    pub record: String,
    pub summary: String,
    /// Names and numbers of the people concerned (outside the chain; erased by retention).
    pub personal: String,
    pub hash: String,
}

fn hash(prev: &str, at: &str, who: &str, command: &str, record: &str, summary: &str) -> String {
    let mut h = Sha256::new();
    for part in [prev, at, who, command, record, summary] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Splits arguments into what may be hashed and what is personal.
fn split(args: &Value) -> (Value, Value) {
    let mut public = serde_json::Map::new();
    let mut personal = serde_json::Map::new();
    fn walk(
        v: &Value,
        prefix: &str,
        public: &mut serde_json::Map<String, Value>,
        personal: &mut serde_json::Map<String, Value>,
    ) {
        if let Value::Object(map) = v {
            for (k, x) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                if BULK.contains(&k.as_str()) {
                    continue;
                }
                if PERSONAL.contains(&k.as_str()) {
                    if !x.is_null() && x != "" {
                        personal.insert(key, x.clone());
                    }
                } else if x.is_object() {
                    walk(x, &key, public, personal);
                } else if !x.is_null() {
                    public.insert(key, x.clone());
                }
            }
        }
    }
    walk(args, "", &mut public, &mut personal);
    (Value::Object(public), Value::Object(personal))
}

fn clip(s: String, n: usize) -> String {
    if s.chars().count() <= n {
        s
    } else {
        s.chars().take(n).collect::<String>() + "…"
    }
}

/// The record a command acted on: the id it was given or the id of what it returned.
fn record_of(args: &Value, out: &Value) -> String {
    for v in [out, args] {
        for key in ["id", "uuid", "serial", "referral_id", "person_id", "job_id"] {
            if let Some(x) = v.get(key).filter(|x| !x.is_null()) {
                return format!("{key}:{}", x.to_string().trim_matches('"'));
            }
        }
        for inner in ["checkin", "referral", "entity", "person", "desk"] {
            if let Some(id) = v
                .get(inner)
                .and_then(|o| o.get("id").or_else(|| o.get("uuid")))
            {
                return format!("{inner}:{}", id.to_string().trim_matches('"'));
            }
        }
    }
    String::new()
}

/// Appends a row for a command that ran: `who` acted, with these arguments and this answer.
pub fn append(
    conn: &mut Connection,
    who: &str,
    command: &str,
    args: &Value,
    out: &Value,
) -> Result<()> {
    let (public, personal) = split(args);
    let record = record_of(args, out);
    let summary = clip(public.to_string(), 600);
    let personal = if personal.as_object().is_some_and(|m| m.is_empty()) {
        String::new()
    } else {
        clip(personal.to_string(), 400)
    };
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let prev: String = tx
        .query_row("SELECT hash FROM audit ORDER BY id DESC LIMIT 1", [], |r| {
            r.get(0)
        })
        .optional()?
        .unwrap_or_default();
    let at = crate::calendar::now_utc_precise();
    let h = hash(&prev, &at, who, command, &record, &summary);
    tx.execute(
        "INSERT INTO audit(at, who, command, record, summary, personal, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![at, who, command, record, summary, personal, h],
    )?;
    tx.commit()?;
    Ok(())
}

/// What verifying the chain found.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Verified {
    pub rows: usize,
    pub ok: bool,
    /// The first row whose hash does not follow from the ones before it.
    pub broken_at: Option<i64>,
    pub message: String,
}

/// Recomputes every row's hash from the one before it.
pub fn verify(conn: &Connection) -> Result<Verified> {
    let mut stmt =
        conn.prepare("SELECT id, at, who, command, record, summary, hash FROM audit ORDER BY id")?;
    let mut q = stmt.query([])?;
    let mut prev = String::new();
    let mut rows = 0;
    let mut last_id = 0;
    while let Some(r) = q.next()? {
        let id: i64 = r.get(0)?;
        let want = hash(
            &prev,
            &r.get::<_, String>(1)?,
            &r.get::<_, String>(2)?,
            &r.get::<_, String>(3)?,
            &r.get::<_, String>(4)?,
            &r.get::<_, String>(5)?,
        );
        let stored: String = r.get(6)?;
        // A removed row shows as a gap in the numbers.
        if stored != want || (last_id != 0 && id != last_id + 1) {
            return Ok(Verified {
                rows,
                ok: false,
                broken_at: Some(id),
                message: format!("سجل التدقيق معدَّل: السطر {id} لا يتبع ما قبله"),
            });
        }
        prev = stored;
        last_id = id;
        rows += 1;
    }
    Ok(Verified {
        rows,
        ok: true,
        broken_at: None,
        message: format!(
            "سجل التدقيق سليم ({})",
            crate::text::counted(rows as u64, &crate::text::LINES)
        ),
    })
}

/// The trail, newest first, optionally of one command or one device/person («who»).
pub fn list(
    conn: &Connection,
    command: Option<&str>,
    who: Option<&str>,
    limit: i64,
) -> Result<Vec<Entry>> {
    let mut stmt = conn.prepare(
        "SELECT id, at, who, command, record, summary, personal, hash FROM audit
          WHERE (?1 IS NULL OR command = ?1) AND (?2 IS NULL OR instr(who, ?2) > 0)
          ORDER BY id DESC LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![command, who, limit.clamp(1, 100_000)], |r| {
        Ok(Entry {
            id: r.get(0)?,
            at: r.get(1)?,
            who: r.get(2)?,
            command: r.get(3)?,
            record: r.get(4)?,
            summary: r.get(5)?,
            personal: r.get(6)?,
            hash: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The trail as an RTL .xlsx (venue time).
pub fn export_xlsx(conn: &Connection) -> Result<Vec<u8>> {
    use crate::sheet::{write_xlsx_sheets, Cell, SheetData};
    let rows = list(conn, None, None, 100_000)?;
    let t = |s: &str| Cell::Text(s.to_string());
    write_xlsx_sheets(&[SheetData {
        name: "سجل التدقيق".into(),
        headers: [
            "الرقم",
            "الوقت (بتوقيت المقر)",
            "من",
            "الإجراء",
            "السجل",
            "الملخص",
            "بيانات شخصية",
            "البصمة",
        ]
        .map(String::from)
        .to_vec(),
        rows: rows
            .iter()
            .map(|e| {
                let at = chrono::DateTime::parse_from_rfc3339(&e.at)
                    .map(|d| {
                        d.with_timezone(&crate::checkin::venue_offset())
                            .format("%Y-%m-%d %H:%M:%S")
                            .to_string()
                    })
                    .unwrap_or_else(|_| e.at.clone());
                vec![
                    Cell::Number(e.id as f64),
                    t(&at),
                    t(&e.who),
                    t(&e.command),
                    t(&e.record),
                    t(&e.summary),
                    t(&e.personal),
                    t(&e.hash),
                ]
            })
            .collect(),
    }])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chain_verifies_and_finds_an_edited_or_removed_row() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("m.sqlite3")).unwrap();
        let mut conn = store.conn();
        for i in 0..5 {
            append(
                &mut conn,
                "منصة 1",
                "person_create",
                &serde_json::json!({ "forum_id": 1, "person": { "full_name": "سارة علي", "mobile": "0551234567", "category": "visitor" } }),
                &serde_json::json!({ "id": i }),
            )
            .unwrap();
        }
        let v = verify(&conn).unwrap();
        assert!(v.ok && v.rows == 5, "{v:?}");
        let e = &list(&conn, None, None, 10).unwrap()[0];
        assert_eq!(e.record, "id:4");
        assert!(
            !e.summary.contains("سارة") && !e.summary.contains("0551234567"),
            "{}",
            e.summary
        );
        assert!(e.personal.contains("سارة علي"));
        assert!(e.summary.contains("visitor"));
        // Retention erases the personal column: the chain still holds.
        conn.execute_batch("DROP TRIGGER audit_no_update; UPDATE audit SET personal = ''; ")
            .unwrap();
        assert!(verify(&conn).unwrap().ok);
        // One changed byte in the hashed part, or a removed row: found.
        conn.execute(
            "UPDATE audit SET summary = replace(summary, 'visitor', 'visitoR') WHERE id = 3",
            [],
        )
        .unwrap();
        let v = verify(&conn).unwrap();
        assert_eq!((v.ok, v.broken_at), (false, Some(3)));
        conn.execute(
            "UPDATE audit SET summary = replace(summary, 'visitoR', 'visitor') WHERE id = 3",
            [],
        )
        .unwrap();
        assert!(verify(&conn).unwrap().ok);
        conn.execute_batch("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = 2;")
            .unwrap();
        assert_eq!(verify(&conn).unwrap().broken_at, Some(3));
    }

    #[test]
    fn the_app_cannot_edit_or_remove_a_row() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("m.sqlite3")).unwrap();
        let mut conn = store.conn();
        append(
            &mut conn,
            "الجهاز الرئيس",
            "forum_create",
            &serde_json::json!({}),
            &serde_json::json!({ "id": 1 }),
        )
        .unwrap();
        assert!(conn.execute("UPDATE audit SET who = 'x'", []).is_err());
        assert!(conn.execute("DELETE FROM audit", []).is_err());
        // Only the personal column may be erased (retention).
        conn.execute("UPDATE audit SET personal = ''", []).unwrap();
    }
}
