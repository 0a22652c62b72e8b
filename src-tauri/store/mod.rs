//! The one SQLite file behind everything: opening it (WAL, foreign keys, FULL sync), migrating
//! it, and handing out the connection. Domain modules write their own SQL against it.

pub mod backup;
pub mod migrations;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::error::{AppError, Result};

pub struct Store {
    path: PathBuf,
    conn: Mutex<Connection>,
    /// Connections for reading, kept for reuse: WAL lets them read beside the writer, so a
    /// search or a list never waits for an import's transaction.
    readers: Mutex<Vec<Connection>>,
    /// Tells the checkpointer thread to stop (when the store is dropped).
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Drop for Store {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// How often the WAL is copied back into the database file, off the writer's path.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// Copies the WAL into the database file on its own connection (PASSIVE: it waits for nobody
/// and nobody waits for it), so no commit — a desk's check-in least of all — ever pays for a
/// checkpoint. The writer's automatic checkpoint is switched off for this.
fn spawn_checkpointer(path: PathBuf, stop: std::sync::Arc<std::sync::atomic::AtomicBool>) {
    let _ = std::thread::Builder::new()
        .name("wal-checkpoint".into())
        .spawn(move || {
            let Ok(conn) = open_connection(&path) else {
                return;
            };
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                std::thread::sleep(CHECKPOINT_EVERY);
                let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
            }
        });
}

/// How many idle read connections are kept.
const KEEP_READERS: usize = 8;

/// A read connection from the pool; goes back to it when dropped.
pub struct ReadConn<'a> {
    store: &'a Store,
    conn: Option<Connection>,
}

impl std::ops::Deref for ReadConn<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        // Present from creation until drop.
        self.conn.as_ref().expect("read connection")
    }
}

impl Drop for ReadConn<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            let mut pool = self.store.readers.lock().unwrap_or_else(|p| p.into_inner());
            if pool.len() < KEEP_READERS && conn.is_autocommit() {
                pool.push(conn);
            }
        }
    }
}

impl Store {
    /// Opens (creating if needed) the database at `path` and migrates it to the latest schema.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(parent) = path.parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent).map_err(|e| AppError::OpenDatabase {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                })?;
            }
        }
        let mut conn = open_connection(path)?;
        // A database about to be migrated is backed up first (a migration is one way).
        let version = migrations::version(&conn)?;
        if version > 0 && version < migrations::latest() {
            backup::make(path, "migration", None)?;
        }
        migrations::apply_all(&mut conn)?;
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        spawn_checkpointer(path.to_path_buf(), stop.clone());
        Ok(Store {
            path: path.to_path_buf(),
            conn: Mutex::new(conn),
            readers: Mutex::new(Vec::new()),
            stop,
        })
    }

    /// A connection for reading only (`query_only`): never waits for the writer.
    pub fn read(&self) -> Result<ReadConn<'_>> {
        let pooled = self.readers.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let conn = match pooled {
            Some(c) => c,
            None => {
                let c = open_connection(&self.path)?;
                c.pragma_update(None, "query_only", "ON")?;
                c
            }
        };
        Ok(ReadConn {
            store: self,
            conn: Some(conn),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection. Callers hold it only for the length of one operation.
    pub fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a half-written transaction behind
        // (rusqlite rolls back on drop), so a poisoned lock is safe to reuse.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Opens a connection with the project's pragmas, without migrating.
pub fn open_connection(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_URI,
    )
    .map_err(|e| AppError::OpenDatabase {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    conn.busy_timeout(Duration::from_secs(10))?;
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") && !mode.eq_ignore_ascii_case("memory") {
        return Err(AppError::OpenDatabase {
            path: path.display().to_string(),
            reason: format!("journal_mode={mode}"),
        });
    }
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(conn)
}

/// Small key/value settings of the app (first start done, …).
pub fn get_setting(conn: &Connection, key: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

pub fn set_setting(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO setting(key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_with_wal_foreign_keys_and_latest_schema() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("sub/m.sqlite3")).unwrap();
        let conn = store.conn();
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = conn
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        let sync: i64 = conn
            .pragma_query_value(None, "synchronous", |r| r.get(0))
            .unwrap();
        assert_eq!(sync, 2, "synchronous=FULL");
        assert_eq!(migrations::version(&conn).unwrap(), migrations::latest());
    }

    #[test]
    fn refuses_a_database_from_the_future() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.sqlite3");
        {
            let conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "user_version", 99).unwrap();
        }
        let err = Store::open(&path).err().expect("must refuse");
        assert_eq!(err.code(), "schema_too_new");
        assert!(err.to_string().contains("حدّث البرنامج"));
    }

    /// Nothing a person did goes when a person row goes (an import's discarded rows, a person
    /// deleted): every reference to `person_row` is `NO ACTION` or `RESTRICT`. Adding
    /// `ON DELETE CASCADE` or `SET NULL` to one fails here, naming it.
    #[test]
    fn nothing_cascades_from_a_person_to_what_they_did() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("m.sqlite3")).unwrap();
        let mut conn = store.conn();
        let mut stmt = conn
            .prepare(
                "SELECT m.name, f.\"from\", f.on_delete
                   FROM sqlite_schema m, pragma_foreign_key_list(m.name) f
                  WHERE m.type = 'table' AND f.\"table\" IN ('person_row', 'person')",
            )
            .unwrap();
        let refs: Vec<(String, String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        drop(stmt);
        let tables: Vec<&str> = refs.iter().map(|(t, _, _)| t.as_str()).collect();
        for fact in ["checkin", "referral", "certificate"] {
            assert!(
                tables.contains(&fact),
                "{fact} refers to person_row: {refs:?}"
            );
        }
        for (table, column, on_delete) in &refs {
            assert!(
                on_delete == "NO ACTION" || on_delete == "RESTRICT",
                "{table}.{column} REFERENCES person_row ON DELETE {on_delete}: removing a \
                 person (or an import's rows) would take what they did with it"
            );
        }
        // And the database itself refuses it.
        let forum = crate::forum::test_forum(&mut conn);
        conn.execute(
            "INSERT INTO person_row(forum_id, uuid, full_name, name_key, category, source, badge_code,
                                    created_at, updated_at)
             VALUES (?1, 'p-1', 'سارة علي', 'ساره علي', 'visitor', 'pre', 'AB12CD', 'x', 'x')",
            [forum],
        )
        .unwrap();
        let id = conn.last_insert_rowid();
        conn.execute(
            "INSERT INTO checkin(uuid, forum_id, person_id, day, desk, at)
             VALUES ('c-1', ?1, ?2, 1, 'المنصة', 'x')",
            [forum, id],
        )
        .unwrap();
        let e = conn
            .execute("DELETE FROM person_row WHERE id = ?1", [id])
            .unwrap_err();
        assert!(e.to_string().contains("FOREIGN KEY"), "{e}");
        let e = crate::person::delete(&conn, id).unwrap_err();
        assert_eq!(e.code(), "conflict");
        assert!(e.to_string().contains("سارة علي"), "{e}");
        let n: i64 = conn
            .query_row("SELECT count(*) FROM checkin", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
        // A forum removed whole still goes whole (its people and their check-ins together).
        conn.execute("DELETE FROM forum WHERE id = ?1", [forum])
            .unwrap();
        let n: i64 = conn
            .query_row("SELECT count(*) FROM checkin", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0);
    }

    #[test]
    fn settings_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("m.sqlite3")).unwrap();
        let conn = store.conn();
        assert_eq!(get_setting(&conn, "k").unwrap(), None);
        set_setting(&conn, "k", "1").unwrap();
        set_setting(&conn, "k", "2").unwrap();
        assert_eq!(get_setting(&conn, "k").unwrap().as_deref(), Some("2"));
    }
}
