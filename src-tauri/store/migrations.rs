//! Numbered schema migrations. The schema version lives in `PRAGMA user_version`; migration N
//! (1-based) takes a database from version N-1 to N inside one transaction. Never edit a
//! migration that has shipped: add a new one at the end.

use rusqlite::Connection;

use crate::error::{AppError, Result};

pub const MIGRATIONS: &[&str] = &[
    // 1: forums and their committees.
    r#"
    CREATE TABLE forum (
        id          INTEGER PRIMARY KEY,
        uuid        TEXT NOT NULL UNIQUE,
        name_ar     TEXT NOT NULL CHECK (length(trim(name_ar)) > 0),
        name_en     TEXT NOT NULL DEFAULT '',
        region      TEXT NOT NULL DEFAULT '',
        venue       TEXT NOT NULL DEFAULT '',
        start_date  TEXT NOT NULL CHECK (date(start_date) = start_date),
        day_count   INTEGER NOT NULL CHECK (day_count BETWEEN 1 AND 29),
        patron      TEXT NOT NULL DEFAULT '',
        is_demo     INTEGER NOT NULL DEFAULT 0 CHECK (is_demo IN (0, 1)),
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE TABLE committee_member (
        id          INTEGER PRIMARY KEY,
        forum_id    INTEGER NOT NULL REFERENCES forum(id) ON DELETE CASCADE,
        committee   TEXT NOT NULL CHECK (committee IN ('organizing', 'executive')),
        position    INTEGER NOT NULL,
        name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
        role        TEXT NOT NULL DEFAULT '',
        UNIQUE (forum_id, committee, position)
    );
    "#,
    // 2: forum logos (kept out of the forum row so lists stay light) and app settings.
    r#"
    CREATE TABLE forum_logo (
        forum_id    INTEGER PRIMARY KEY REFERENCES forum(id) ON DELETE CASCADE,
        mime        TEXT NOT NULL CHECK (mime IN ('image/png', 'image/jpeg', 'image/webp')),
        bytes       BLOB NOT NULL
    );
    CREATE TABLE setting (
        key         TEXT PRIMARY KEY,
        value       TEXT NOT NULL
    );
    "#,
];

pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}

pub fn version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

/// Applies every migration above the database's version, up to `target`.
pub fn apply_up_to(conn: &mut Connection, target: i64) -> Result<()> {
    let current = version(conn)?;
    if current > latest() {
        return Err(AppError::SchemaTooNew {
            found: current,
            known: latest(),
        });
    }
    for n in (current + 1)..=target.min(latest()) {
        let tx = conn.transaction()?;
        tx.execute_batch(MIGRATIONS[(n - 1) as usize])?;
        tx.pragma_update(None, "user_version", n)?;
        tx.commit()?;
    }
    Ok(())
}

pub fn apply_all(conn: &mut Connection) -> Result<()> {
    apply_up_to(conn, latest())
}
