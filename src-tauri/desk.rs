//! Registration desks on the venue network (منصات التسجيل). The host creates a desk and shows
//! its one-time pairing code; the desk's browser enters the code once and receives a token it
//! sends with every request. Tokens are stored only as SHA-256 hashes and can be revoked.

use base64::Engine;
use chrono::{Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{AppError, Result};
use crate::text;

/// How long a pairing code stays valid.
pub const PAIRING_MINUTES: i64 = 15;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Desk {
    pub id: i64,
    pub name: String,
    /// Shown to the host until the desk pairs (or the code expires).
    pub pairing_code: Option<String>,
    pub pairing_expires: Option<String>,
    pub paired: bool,
    pub revoked: bool,
    pub last_seen_at: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Pairing {
    pub desk_id: i64,
    pub desk_name: String,
    pub token: String,
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    for chunk in out.chunks_mut(16) {
        let u = uuid::Uuid::new_v4();
        chunk.copy_from_slice(&u.as_bytes()[..chunk.len()]);
    }
    out
}

fn hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A 6-digit code, written `482913`.
fn new_code() -> String {
    let b = random_bytes::<8>();
    format!("{:06}", u64::from_le_bytes(b) % 1_000_000)
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Desk> {
    Ok(Desk {
        id: r.get(0)?,
        name: r.get(1)?,
        pairing_code: r.get(2)?,
        pairing_expires: r.get(3)?,
        paired: r.get::<_, Option<String>>(4)?.is_some(),
        revoked: r.get::<_, Option<String>>(5)?.is_some(),
        last_seen_at: r.get(6)?,
    })
}

const SELECT: &str =
    "SELECT id, name, pairing_code, pairing_expires, paired_at, revoked_at, last_seen_at FROM desk";

pub fn list(conn: &Connection) -> Result<Vec<Desk>> {
    let mut stmt = conn.prepare(&format!("{SELECT} ORDER BY revoked_at IS NOT NULL, id"))?;
    let desks = stmt
        .query_map([], row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(desks)
}

/// Adds a desk and gives it a pairing code.
pub fn create(conn: &Connection, name: &str) -> Result<Desk> {
    let name = text::clean(name);
    if name.is_empty() {
        return Err(AppError::field("name", "اكتب اسم المنصة، مثل «منصة 2»"));
    }
    if text::char_len(&name) > 60 {
        return Err(AppError::field("name", "اسم المنصة أطول من 60 حرفًا"));
    }
    conn.execute(
        "INSERT INTO desk(name, created_at) VALUES (?1, ?2)",
        params![name, crate::calendar::now_utc()],
    )?;
    new_pairing_code(conn, conn.last_insert_rowid())
}

/// A fresh pairing code for a desk (re-pairing a replaced laptop revokes the old token).
pub fn new_pairing_code(conn: &Connection, id: i64) -> Result<Desk> {
    let expires = (Utc::now() + Duration::minutes(PAIRING_MINUTES))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    for _ in 0..10 {
        let code = new_code();
        let done = conn.execute(
            "UPDATE desk SET pairing_code = ?2, pairing_expires = ?3, token_hash = NULL, paired_at = NULL, revoked_at = NULL
              WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM desk WHERE pairing_code = ?2)",
            params![id, code, expires],
        )?;
        if done == 1 {
            return get(conn, id);
        }
        let exists: bool = conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM desk WHERE id = ?1)",
            [id],
            |r| r.get(0),
        )?;
        if !exists {
            return Err(AppError::NotFound {
                what: "المنصة"
            });
        }
    }
    Err(AppError::Internal("تعذر توليد رمز اقتران".into()))
}

pub fn get(conn: &Connection, id: i64) -> Result<Desk> {
    conn.query_row(&format!("{SELECT} WHERE id = ?1"), [id], row)
        .optional()?
        .ok_or(AppError::NotFound {
            what: "المنصة"
        })
}

/// Exchanges a pairing code for the desk's token (once).
pub fn pair(conn: &Connection, code: &str) -> Result<Pairing> {
    let code: String = text::latin_digits(&text::clean(code))
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let wrong = || {
        AppError::field(
            "code",
            "رمز الاقتران غير صحيح أو انتهت صلاحيته؛ اطلب رمزًا جديدًا من الجهاز الرئيس",
        )
    };
    if code.len() != 6 {
        return Err(wrong());
    }
    let found: Option<(i64, String, String)> = conn
        .query_row(
            "SELECT id, name, pairing_expires FROM desk WHERE pairing_code = ?1 AND revoked_at IS NULL",
            [&code],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((id, name, expires)) = found else {
        return Err(wrong());
    };
    if expires < crate::calendar::now_utc() {
        return Err(wrong());
    }
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>());
    conn.execute(
        "UPDATE desk SET token_hash = ?2, pairing_code = NULL, pairing_expires = NULL, paired_at = ?3, last_seen_at = ?3 WHERE id = ?1",
        params![id, hash(&token), crate::calendar::now_utc()],
    )?;
    Ok(Pairing {
        desk_id: id,
        desk_name: name,
        token,
    })
}

/// The desk a token belongs to, if it is valid (not revoked).
pub fn verify(conn: &Connection, token: &str) -> Result<Option<Desk>> {
    if token.is_empty() {
        return Ok(None);
    }
    let desk = conn
        .query_row(
            &format!("{SELECT} WHERE token_hash = ?1 AND revoked_at IS NULL"),
            [hash(token)],
            row,
        )
        .optional()?;
    if let Some(d) = &desk {
        conn.execute(
            "UPDATE desk SET last_seen_at = ?2 WHERE id = ?1",
            params![d.id, crate::calendar::now_utc()],
        )?;
    }
    Ok(desk)
}

pub fn revoke(conn: &Connection, id: i64) -> Result<Desk> {
    let n = conn.execute(
        "UPDATE desk SET revoked_at = ?2, token_hash = NULL, pairing_code = NULL, pairing_expires = NULL WHERE id = ?1",
        params![id, crate::calendar::now_utc()],
    )?;
    if n == 0 {
        return Err(AppError::NotFound {
            what: "المنصة"
        });
    }
    get(conn, id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn pair_once_verify_and_revoke() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("m.sqlite3")).unwrap();
        let conn = store.conn();
        let d = create(&conn, " منصة  2 ").unwrap();
        assert_eq!(d.name, "منصة 2");
        let code = d.pairing_code.clone().unwrap();
        assert_eq!(code.len(), 6);
        let p = pair(&conn, &code).unwrap();
        assert_eq!(p.desk_name, "منصة 2");
        assert!(p.token.len() >= 40);
        assert_eq!(
            pair(&conn, &code).unwrap_err().code(),
            "validation",
            "a code works once"
        );
        assert_eq!(verify(&conn, &p.token).unwrap().unwrap().id, d.id);
        assert!(verify(&conn, "forged").unwrap().is_none());
        let stored: String = conn
            .query_row("SELECT token_hash FROM desk", [], |r| r.get(0))
            .unwrap();
        assert_ne!(stored, p.token, "only the hash is stored");
        revoke(&conn, d.id).unwrap();
        assert!(verify(&conn, &p.token).unwrap().is_none());
        assert!(list(&conn).unwrap()[0].revoked);
    }

    #[test]
    fn expired_codes_and_arabic_digits() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("m.sqlite3")).unwrap();
        let conn = store.conn();
        let d = create(&conn, "منصة 3").unwrap();
        let code = d.pairing_code.unwrap();
        let arabic: String = code
            .chars()
            .map(|c| char::from_u32(0x0660 + c.to_digit(10).unwrap()).unwrap())
            .collect();
        conn.execute(
            "UPDATE desk SET pairing_expires = '2000-01-01T00:00:00Z'",
            [],
        )
        .unwrap();
        assert!(pair(&conn, &arabic).is_err());
        let again = new_pairing_code(&conn, d.id).unwrap();
        let arabic: String = again
            .pairing_code
            .unwrap()
            .chars()
            .map(|c| char::from_u32(0x0660 + c.to_digit(10).unwrap()).unwrap())
            .collect();
        assert!(pair(&conn, &arabic).is_ok());
        assert!(create(&conn, "  ").is_err());
    }
}
