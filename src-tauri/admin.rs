//! The admin lock (قفل المشرف): the host can lock settings, pairing, deletion and demo removal
//! behind a password (Argon2id with OWASP's parameters: 19 MiB, 2 passes, 1 lane). Unlocking
//! gives the window a session that lasts [`SESSION_MINUTES`] of inactivity; locking ends every
//! session. Which commands need it is the `admin` column of `api::access::COMMANDS`.
//!
//! Invariants: the password is never stored, only its salted hash; a wrong password is answered
//! like a missing one (and slowly, by the hash itself).

use std::time::Duration;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rusqlite::Connection;

use crate::error::{AppError, Result};
use crate::store;

const SETTING: &str = "admin_password";
pub const SESSION_MINUTES: u64 = 30;

fn hasher() -> Result<Argon2<'static>> {
    let params = Params::new(19 * 1024, 2, 1, None)
        .map_err(|e| AppError::Internal(format!("إعداد Argon2: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

pub fn is_locked(conn: &Connection) -> Result<bool> {
    Ok(store::get_setting(conn, SETTING)?.is_some_and(|h| !h.is_empty()))
}

fn check(conn: &Connection, password: &str) -> Result<bool> {
    let Some(stored) = store::get_setting(conn, SETTING)?.filter(|h| !h.is_empty()) else {
        return Ok(false);
    };
    matches(&stored, password)
}

/// Sets (or changes, with the current one; or removes, with an empty `new`) the password.
pub fn set_password(conn: &Connection, current: &str, new: &str) -> Result<()> {
    if is_locked(conn)? && !check(conn, current)? {
        return Err(AppError::field("current", "كلمة المرور الحالية غير صحيحة"));
    }
    if new.is_empty() {
        return store::set_setting(conn, SETTING, "");
    }
    check_length("new", new)?;
    store::set_setting(conn, SETTING, &hash(new)?)
}

/// The window's unlocked sessions (kept while the app runs).
pub type Sessions = crate::session::Sessions<()>;

/// Sessions that last [`SESSION_MINUTES`] of inactivity.
pub fn sessions() -> Sessions {
    Sessions::new(Duration::from_secs(SESSION_MINUTES * 60))
}

/// A session for the right password.
pub fn unlock(sessions: &Sessions, conn: &Connection, password: &str) -> Result<String> {
    if !check(conn, password)? {
        return Err(AppError::field("password", "كلمة مرور المشرف غير صحيحة"));
    }
    Ok(sessions.open(()))
}

/// The salted Argon2id hash of a password (PHC string), as stored.
pub(crate) fn hash(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    salt.copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    let salt = SaltString::encode_b64(&salt)
        .map_err(|e| AppError::Internal(format!("ملح كلمة المرور: {e}")))?;
    Ok(hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| AppError::Internal(format!("تعذر حفظ كلمة المرور: {e}")))?
        .to_string())
}

/// Does `password` match the stored hash?
pub(crate) fn matches(stored: &str, password: &str) -> Result<bool> {
    let parsed = PasswordHash::new(stored)
        .map_err(|e| AppError::Internal(format!("بصمة كلمة المرور تالفة: {e}")))?;
    Ok(hasher()?
        .verify_password(password.as_bytes(), &parsed)
        .is_ok())
}

/// The shortest password accepted (the admin's and the accounts').
pub const MIN_PASSWORD: usize = 8;

/// The error for a password shorter than [`MIN_PASSWORD`], on `field`.
pub(crate) fn check_length(field: &str, password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(AppError::field(field, "كلمة المرور ثمانية أحرف على الأقل"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_hashed_and_opens_sessions_that_lock_again() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("m.sqlite3")).unwrap();
        let conn = store.conn();
        assert!(!is_locked(&conn).unwrap());
        assert!(
            set_password(&conn, "", "قصيرة").is_err(),
            "eight characters at least"
        );
        set_password(&conn, "", "كلمة-سر-اللجنة").unwrap();
        assert!(is_locked(&conn).unwrap());
        let stored = store::get_setting(&conn, SETTING).unwrap().unwrap();
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert!(!stored.contains("كلمة"));
        let sessions = sessions();
        assert!(unlock(&sessions, &conn, "خطأ").is_err());
        let token = unlock(&sessions, &conn, "كلمة-سر-اللجنة").unwrap();
        assert!(sessions.get(Some(&token)).is_some());
        assert!(sessions.get(Some("other")).is_none() && sessions.get(None).is_none());
        // Changing needs the current one; removing unlocks the app.
        assert!(set_password(&conn, "خطأ", "كلمة-جديدة-طويلة").is_err());
        set_password(&conn, "كلمة-سر-اللجنة", "كلمة-جديدة-طويلة").unwrap();
        assert!(unlock(&sessions, &conn, "كلمة-سر-اللجنة").is_err());
        sessions.close_all();
        assert!(sessions.get(Some(&token)).is_none());
        set_password(&conn, "كلمة-جديدة-طويلة", "").unwrap();
        assert!(!is_locked(&conn).unwrap());
    }
}
