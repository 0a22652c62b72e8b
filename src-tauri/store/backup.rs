//! Backups that restore (النسخ الاحتياطي): a consistent copy of the live database made with
//! SQLite's `VACUUM INTO` on a connection of its own (it reads a snapshot: desks keep checking
//! in meanwhile, and nothing half-written is ever copied), kept in the app-data folder's
//! `backups/` (and a second folder when one is set: a USB stick), the last [`KEEP`] and one a
//! day kept. A restore checks the file first (SQLite's integrity check, the schema version this
//! app can open) and backs up what it replaces.
//!
//! Invariant: a database file is never copied raw — copies and restores go through SQLite
//! (`VACUUM INTO`, the online backup API), so a restore is safe while the app runs.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

use crate::error::{AppError, Result};

/// Automatic backups kept besides one per day.
pub const KEEP: usize = 24;

/// Minutes between automatic backups while a forum runs.
pub const EVERY_MINUTES: u64 = 15;

/// The setting naming a second folder for backups (a USB stick).
pub const MIRROR_SETTING: &str = "backup_mirror";

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BackupFile {
    pub path: String,
    pub file_name: String,
    pub bytes: u64,
    /// When it was made (UTC, RFC 3339), from its name.
    pub made_at: String,
    /// Why: `auto`, `import`, `migration`, `demo_remove`, `restore`, `manual`.
    pub reason: String,
}

/// The backups folder beside a database.
pub fn folder(db: &Path) -> PathBuf {
    db.parent()
        .map(|p| p.join("backups"))
        .unwrap_or_else(|| PathBuf::from("backups"))
}

fn io(what: &str, e: std::io::Error) -> AppError {
    AppError::Internal(format!("{what}: {e}"))
}

/// Writes a consistent copy of the database at `db` to `out` (which must not exist).
pub fn copy_to(db: &Path, out: &Path) -> Result<u64> {
    if out.exists() {
        return Err(AppError::field(
            "out",
            &format!("الملف {} موجود؛ اختر اسمًا آخر", out.display()),
        ));
    }
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| io("تعذر إنشاء مجلد النسخة", e))?;
    }
    let conn = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    // Written to a temporary name and renamed: a backup is whole or absent.
    let partial = out.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    conn.execute("VACUUM INTO ?1", [partial.to_string_lossy().as_ref()])?;
    drop(conn);
    std::fs::rename(&partial, out).map_err(|e| io("تعذر حفظ النسخة", e))?;
    Ok(std::fs::metadata(out).map(|m| m.len()).unwrap_or(0))
}

/// An automatic (or reasoned) backup into the folder beside `db` (and the mirror folder when
/// set), then the folder's rotation. Returns the backup made.
pub fn make(db: &Path, reason: &str, mirror: Option<&Path>) -> Result<BackupFile> {
    let dir = folder(db);
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let name = format!("multaqa-{stamp}-{reason}.sqlite3");
    let out = dir.join(&name);
    copy_to(db, &out)?;
    if let Some(m) = mirror {
        // A missing stick is not a failed backup: the main copy is made.
        if std::fs::create_dir_all(m).is_ok() {
            let _ = std::fs::copy(&out, m.join(&name));
            let _ = rotate(m);
        }
    }
    rotate(&dir)?;
    describe(&out).ok_or_else(|| AppError::Internal("تعذر قراءة النسخة الاحتياطية".into()))
}

fn describe(path: &Path) -> Option<BackupFile> {
    let file_name = path.file_name()?.to_string_lossy().to_string();
    let rest = file_name
        .strip_prefix("multaqa-")?
        .strip_suffix(".sqlite3")?;
    let (stamp, reason) = rest.split_once('-')?;
    let made = chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%M%S%.3fZ").ok()?;
    Some(BackupFile {
        path: path.to_string_lossy().to_string(),
        bytes: std::fs::metadata(path).ok()?.len(),
        made_at: made
            .and_utc()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        reason: reason.to_string(),
        file_name,
    })
}

/// The backups in a folder, newest first.
pub fn list(dir: &Path) -> Result<Vec<BackupFile>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut out: Vec<BackupFile> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| describe(&e.path()))
        .collect();
    out.sort_by(|a, b| b.file_name.cmp(&a.file_name));
    Ok(out)
}

/// Keeps the newest [`KEEP`] backups and the newest of every other day; removes the rest.
pub fn rotate(dir: &Path) -> Result<()> {
    let all = list(dir)?;
    let mut days = std::collections::HashSet::new();
    for (i, b) in all.iter().enumerate() {
        let day = b.made_at.get(..10).unwrap_or_default().to_string();
        let first_of_day = days.insert(day);
        if i >= KEEP && !first_of_day {
            let _ = std::fs::remove_file(&b.path);
        }
    }
    Ok(())
}

/// Is `file` a Multaqa database this app can open? Its integrity and schema version checked.
pub fn check(file: &Path) -> Result<i64> {
    let conn = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|_| AppError::field("file", "الملف ليس قاعدة بيانات SQLite صالحة"))?;
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|_| AppError::field("file", "الملف ليس قاعدة بيانات SQLite صالحة"))?;
    if ok != "ok" {
        return Err(AppError::field(
            "file",
            &format!("النسخة تالفة ولا تصلح للاسترجاع ({ok})"),
        ));
    }
    let has_forums: bool = conn
        .query_row(
            "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'forum'",
            [],
            |r| r.get(0),
        )
        .unwrap_or(false);
    if !has_forums {
        return Err(AppError::field(
            "file",
            "الملف ليس نسخة من قاعدة بيانات ملتقى",
        ));
    }
    let version = super::migrations::version(&conn)?;
    if version > super::migrations::latest() {
        return Err(AppError::SchemaTooNew {
            found: version,
            known: super::migrations::latest(),
        });
    }
    Ok(version)
}

/// Replaces the database at `db` with the backup `file`, after checking it and backing up what
/// it replaces (returned). Safe while the app has the database open too: the content goes in
/// through SQLite (see [`restore_into`]).
pub fn restore(db: &Path, file: &Path) -> Result<Option<BackupFile>> {
    check(file)?;
    let before = if db.exists() {
        Some(make(db, "restore", None)?)
    } else {
        None
    };
    let mut conn = super::open_connection(db)?;
    restore_into(&mut conn, file)?;
    Ok(before)
}

/// Writes the backup `file` (checked first) over the database of `conn` with SQLite's online
/// backup API, in one step: other connections see the old content or the new, never a mix; then
/// migrates it to this app's schema. The caller holds the writer and has backed up what is
/// replaced.
pub fn restore_into(conn: &mut Connection, file: &Path) -> Result<()> {
    check(file)?;
    let source = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    {
        use rusqlite::backup::StepResult;
        let backup = rusqlite::backup::Backup::new(&source, conn)?;
        // Every page in one step (one write transaction on the destination); a busy database
        // is tried again for a few seconds.
        let mut tries = 0;
        loop {
            match backup.step(-1)? {
                StepResult::Done => break,
                StepResult::More => continue,
                _ if tries < 100 => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                _ => return Err(AppError::Busy),
            }
        }
    }
    drop(source);
    super::migrations::apply_all(conn)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backup_restores_exactly_and_a_bad_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("m.sqlite3");
        let store = crate::store::Store::open(&db).unwrap();
        let forum = crate::forum::test_forum(&mut store.conn());
        let out = dir.path().join("copy.sqlite3");
        copy_to(&db, &out).unwrap();
        assert!(copy_to(&db, &out).is_err(), "never over an existing file");
        assert_eq!(check(&out).unwrap(), super::super::migrations::latest());
        // A change after the backup is gone after the restore; the replaced one is kept.
        crate::forum::delete(&store.conn(), forum).unwrap();
        drop(store);
        let before = restore(&db, &out).unwrap().expect("what it replaced");
        assert_eq!(before.reason, "restore");
        let store = crate::store::Store::open(&db).unwrap();
        assert_eq!(crate::forum::list(&store.conn()).unwrap().len(), 1);
        drop(store);
        // Not a database, a damaged one, one of another program.
        let junk = dir.path().join("junk.sqlite3");
        std::fs::write(&junk, b"not a database at all, just text").unwrap();
        assert!(restore(&db, &junk).is_err());
        let other = dir.path().join("other.sqlite3");
        Connection::open(&other)
            .unwrap()
            .execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
            .unwrap();
        let e = check(&other).unwrap_err();
        assert!(e.to_string().contains("ليس نسخة"), "{e}");
        let mut damaged = std::fs::read(&out).unwrap();
        let n = damaged.len();
        for b in &mut damaged[n / 2..n / 2 + 4096] {
            *b = 0x5a;
        }
        let bad = dir.path().join("bad.sqlite3");
        std::fs::write(&bad, damaged).unwrap();
        assert!(check(&bad).is_err());
        // The database is as the good restore left it.
        let store = crate::store::Store::open(&db).unwrap();
        assert_eq!(crate::forum::list(&store.conn()).unwrap().len(), 1);
    }

    #[test]
    fn the_folder_keeps_the_newest_and_one_a_day() {
        let dir = tempfile::tempdir().unwrap();
        let b = dir.path().join("backups");
        std::fs::create_dir_all(&b).unwrap();
        for day in 1..=3 {
            for i in 0..20 {
                let name = format!("multaqa-202611{day:02}T10{i:02}00.000Z-auto.sqlite3");
                std::fs::write(b.join(name), b"x").unwrap();
            }
        }
        rotate(&b).unwrap();
        let left = list(&b).unwrap();
        // The newest 24 cover the 3rd and part of the 2nd; the 1st keeps its newest.
        assert_eq!(
            left.len(),
            KEEP + 1,
            "the newest {KEEP}, and one of each older day"
        );
        assert_eq!(left[0].made_at, "2026-11-03T10:19:00Z");
        assert!(left.iter().any(|x| x.made_at.starts_with("2026-11-01")));
    }
}
