//! Committee members' own accounts (حسابات اللجنة): a member signs in with a username and a
//! password, and what they do is recorded under their name — in the audit trail and in every
//! "by" of a decision (a family's review, a referral's move, a certificate batch) — rather than
//! under a machine's.
//!
//! An account has a role: **admin** (مشرف: everything, on the host also what the admin lock
//! holds), **committee** (عضو اللجنة: everything a committee device may do; on the host, also the
//! host's own screens but not settings, pairing or deletion), **checkin** or **exhibition**
//! (volunteers). What a signed-in person may do is what both the device and the account allow
//! (`api::access::authorize_account`).
//!
//! Once an account exists, the host's window and the committee's devices ask for a sign-in
//! before anything else; check-in, booth and exhibition desks keep working without one.
//!
//! Invariants: passwords are stored as salted Argon2id hashes only (`admin::hash`); the first
//! account is an admin, and the last active admin can be neither disabled nor demoted (the
//! host could not be administered any more; `multaqa account` on the command line still can);
//! a disabled account's sessions end at once.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::desk::Failures;
use crate::error::{AppError, FieldError, Result};

/// The roles an account may have: code and Arabic label.
pub const ROLES: &[(&str, &str)] = &[
    ("admin", "مشرف"),
    ("committee", "عضو اللجنة المنظمة"),
    ("checkin", "متطوع تسجيل الحضور"),
    ("exhibition", "متطوع معرض الأسر المنتجة"),
];

pub fn role_label(code: &str) -> &'static str {
    crate::text::label_of(ROLES, code)
}

/// Hours without use after which a sign-in ends (a forum day).
pub const IDLE_HOURS: u64 = 8;

/// Wrong passwords for one username before each further try has to wait (doubling).
const FREE_TRIES: u32 = 5;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub role_label: String,
    pub active: bool,
    pub created_at: String,
    pub last_sign_in_at: Option<String>,
}

/// A new account as the form sends it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AccountInput {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub password: String,
}

/// A change to an account (each part optional).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AccountChange {
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
}

const COLUMNS: &str =
    "id, username, display_name, role, disabled_at IS NULL, created_at, last_sign_in_at";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Account> {
    let role: String = r.get(3)?;
    Ok(Account {
        id: r.get(0)?,
        username: r.get(1)?,
        display_name: r.get(2)?,
        role_label: role_label(&role).to_string(),
        role,
        active: r.get(4)?,
        created_at: r.get(5)?,
        last_sign_in_at: r.get(6)?,
    })
}

/// Every account, active ones first, by name.
pub fn list(conn: &Connection) -> Result<Vec<Account>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM account ORDER BY disabled_at IS NOT NULL, display_name, id"
    ))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn get(conn: &Connection, id: i64) -> Result<Account> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM account WHERE id = ?1"),
        [id],
        from_row,
    )
    .optional()?
    .ok_or(AppError::NotFound {
        what: "الحساب"
    })
}

/// The account of a username (any letter case).
pub fn by_username(conn: &Connection, username: &str) -> Result<Account> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM account WHERE username = ?1"),
        [username.trim()],
        from_row,
    )
    .optional()?
    .ok_or(AppError::NotFound {
        what: "الحساب"
    })
}

/// Are accounts in use (one active account at least)? Then the host and the committee's
/// devices sign in.
pub fn in_use(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM account WHERE disabled_at IS NULL)",
        [],
        |r| r.get(0),
    )?)
}

fn role_error(role: &str) -> FieldError {
    FieldError::new(
        "role",
        format!(
            "دور الحساب «{role}» غير معروف؛ المتاح: {}",
            crate::text::choices(ROLES)
        ),
    )
}

fn check_display_name(name: &str) -> Option<FieldError> {
    let n = name.chars().count();
    if n < 2 {
        Some(FieldError::new(
            "display_name",
            "اكتب اسم عضو اللجنة كما يظهر في السجل",
        ))
    } else if n > 80 {
        Some(FieldError::new("display_name", "الاسم أطول من 80 حرفًا"))
    } else {
        None
    }
}

/// A username: 3 to 32 letters (Latin or Arabic), digits, `.`, `_` or `-`, without spaces.
fn check_username(username: &str) -> Option<FieldError> {
    let n = username.chars().count();
    if !(3..=32).contains(&n) {
        return Some(FieldError::new("username", "اسم المستخدم من 3 إلى 32 حرفًا"));
    }
    if !username
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Some(FieldError::new(
            "username",
            "اسم المستخدم حروف وأرقام فقط (ويجوز . و _ و -) بلا مسافات",
        ));
    }
    None
}

/// Creates an account. The first account must be an admin.
pub fn create(conn: &Connection, input: &AccountInput) -> Result<Account> {
    let username = crate::text::latin_digits(input.username.trim());
    let display_name = crate::text::clean(&input.display_name);
    let role = input.role.trim();
    let mut errors: Vec<FieldError> = Vec::new();
    errors.extend(check_username(&username));
    errors.extend(check_display_name(&display_name));
    if role_label(role).is_empty() {
        errors.push(role_error(role));
    }
    if let Err(e) = crate::admin::check_length("password", &input.password) {
        errors.extend(e.fields().iter().cloned());
    }
    if errors.is_empty() {
        let taken: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM account WHERE username = ?1)",
            [&username],
            |r| r.get(0),
        )?;
        if taken {
            errors.push(FieldError::new(
                "username",
                format!("اسم المستخدم «{username}» مستخدم لحساب آخر"),
            ));
        }
        let first: bool = conn.query_row("SELECT NOT EXISTS (SELECT 1 FROM account)", [], |r| {
            r.get(0)
        })?;
        if first && role != "admin" {
            errors.push(FieldError::new(
                "role",
                "الحساب الأول يكون بدور «مشرف»، ليتمكن صاحبه من إدارة الحسابات والإعدادات",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let hash = crate::admin::hash(&input.password)?;
    conn.execute(
        "INSERT INTO account (username, display_name, role, password_hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            username,
            display_name,
            role,
            hash,
            crate::calendar::now_utc()
        ],
    )?;
    get(conn, conn.last_insert_rowid())
}

/// Would this change leave no active admin?
fn leaves_no_admin(conn: &Connection, id: i64) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT NOT EXISTS (SELECT 1 FROM account
                             WHERE role = 'admin' AND disabled_at IS NULL AND id <> ?1)",
        [id],
        |r| r.get(0),
    )?)
}

/// Renames, changes the role of, disables or enables an account.
pub fn update(conn: &mut Connection, id: i64, change: &AccountChange) -> Result<Account> {
    let tx = conn.transaction()?;
    let before = get(&tx, id)?;
    let mut errors: Vec<FieldError> = Vec::new();
    let name = change.display_name.as_deref().map(crate::text::clean);
    if let Some(name) = &name {
        errors.extend(check_display_name(name));
    }
    let role = change.role.as_deref().map(str::trim);
    if let Some(role) = role {
        if role_label(role).is_empty() {
            errors.push(role_error(role));
        }
    }
    let stays_admin =
        role.unwrap_or(&before.role) == "admin" && change.active.unwrap_or(before.active);
    if before.role == "admin" && before.active && !stays_admin && leaves_no_admin(&tx, id)? {
        errors.push(FieldError::new(
            if change.active == Some(false) {
                "active"
            } else {
                "role"
            },
            "هذا آخر حساب مشرف فعّال؛ أضف مشرفًا آخر قبل تعطيله أو تغيير دوره",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    if let Some(name) = name {
        tx.execute(
            "UPDATE account SET display_name = ?2 WHERE id = ?1",
            params![id, name],
        )?;
    }
    if let Some(role) = role {
        tx.execute(
            "UPDATE account SET role = ?2 WHERE id = ?1",
            params![id, role],
        )?;
    }
    match change.active {
        Some(false) => tx.execute(
            "UPDATE account SET disabled_at = coalesce(disabled_at, ?2) WHERE id = ?1",
            params![id, crate::calendar::now_utc()],
        )?,
        Some(true) => tx.execute("UPDATE account SET disabled_at = NULL WHERE id = ?1", [id])?,
        None => 0,
    };
    let after = get(&tx, id)?;
    tx.commit()?;
    Ok(after)
}

/// Sets an account's password (the admin's reset, or the member's own change after checking
/// the current one).
pub fn set_password(conn: &Connection, id: i64, password: &str) -> Result<()> {
    crate::admin::check_length("password", password)?;
    get(conn, id)?;
    conn.execute(
        "UPDATE account SET password_hash = ?2 WHERE id = ?1",
        params![id, crate::admin::hash(password)?],
    )?;
    Ok(())
}

fn password_matches(conn: &Connection, id: i64, password: &str) -> Result<bool> {
    let stored: String = conn.query_row(
        "SELECT password_hash FROM account WHERE id = ?1",
        [id],
        |r| r.get(0),
    )?;
    crate::admin::matches(&stored, password)
}

/// A member's own change of password.
pub fn change_own_password(conn: &Connection, id: i64, current: &str, new: &str) -> Result<()> {
    if !password_matches(conn, id, current)? {
        return Err(AppError::field("current", "كلمة المرور الحالية غير صحيحة"));
    }
    crate::admin::check_length("new", new)?;
    set_password(conn, id, new)
}

/// Where a session was opened: the host itself, or a paired device (its id). A session is
/// only good from where it was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Host,
    Desk(i64),
}

/// The running app's sign-ins and wrong passwords.
pub struct SignIns {
    sessions: crate::session::Sessions<(i64, Place)>,
    wrong: Mutex<HashMap<String, Failures>>,
}

impl Default for SignIns {
    fn default() -> Self {
        SignIns {
            sessions: crate::session::Sessions::new(Duration::from_secs(IDLE_HOURS * 3600)),
            wrong: Mutex::new(HashMap::new()),
        }
    }
}

const WRONG: &str = "اسم المستخدم أو كلمة المرور غير صحيحة";

impl SignIns {
    fn wrong(&self) -> std::sync::MutexGuard<'_, HashMap<String, Failures>> {
        self.wrong.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Signs in: the session's token and the account. A wrong username is answered like a
    /// wrong password; after [`FREE_TRIES`] wrong ones a username waits, doubling.
    pub fn sign_in(
        &self,
        conn: &Connection,
        username: &str,
        password: &str,
        place: Place,
    ) -> Result<(String, Account)> {
        let key = crate::text::latin_digits(username.trim()).to_lowercase();
        let now = Instant::now();
        let wait = self
            .wrong()
            .get(&key)
            .map_or(Duration::ZERO, |f| f.wait(FREE_TRIES, now));
        if !wait.is_zero() {
            let secs = (wait.as_millis().div_ceil(1000) as u64).max(1);
            return Err(AppError::TooManyAttempts {
                message: format!(
                    "محاولات دخول خاطئة كثيرة لهذا الحساب؛ انتظر {} ثم أعد المحاولة",
                    crate::text::counted(secs, &crate::text::SECONDS)
                ),
                retry_after_secs: secs,
            });
        }
        let found = by_username(conn, &key).ok();
        let ok = match &found {
            Some(a) => password_matches(conn, a.id, password)?,
            None => {
                // As slow as a real check, so a missing username is not told apart.
                let _ = crate::admin::hash(password);
                false
            }
        };
        let account = match found {
            Some(a) if ok => a,
            _ => {
                let mut wrong = self.wrong();
                let mut slot = wrong.get(&key).copied();
                Failures::add(&mut slot, Instant::now());
                if let Some(f) = slot {
                    wrong.insert(key, f);
                }
                return Err(AppError::field("password", WRONG));
            }
        };
        if !account.active {
            return Err(AppError::field(
                "username",
                "هذا الحساب معطّل؛ راجع مشرف البرنامج",
            ));
        }
        self.wrong().remove(&key);
        conn.execute(
            "UPDATE account SET last_sign_in_at = ?2 WHERE id = ?1",
            params![account.id, crate::calendar::now_utc()],
        )?;
        let token = self.sessions.open((account.id, place));
        Ok((token, get(conn, account.id)?))
    }

    /// The active account signed in with `token` from `place`, if any.
    pub fn account(
        &self,
        conn: &Connection,
        token: Option<&str>,
        place: Place,
    ) -> Result<Option<Account>> {
        let Some((id, opened)) = self.sessions.get(token) else {
            return Ok(None);
        };
        if opened != place {
            return Ok(None);
        }
        match get(conn, id) {
            Ok(a) if a.active => Ok(Some(a)),
            Ok(_) | Err(AppError::NotFound { .. }) => {
                self.sessions.close_where(|(i, _)| *i == id);
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    pub fn sign_out(&self, token: &str) {
        self.sessions.close(token);
    }

    /// Ends every sign-in (the database was restored: its accounts may differ).
    pub fn end_all(&self) {
        self.sessions.close_all();
    }

    /// Ends every session of an account (disabled, or its password reset).
    pub fn end_all_of(&self, id: i64) {
        self.sessions.close_where(|(i, _)| *i == id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(username: &str, name: &str, role: &str) -> AccountInput {
        AccountInput {
            username: username.into(),
            display_name: name.into(),
            role: role.into(),
            password: "كلمة-مرور-طويلة".into(),
        }
    }

    #[test]
    fn accounts_are_checked_and_the_first_is_an_admin() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("m.sqlite3")).unwrap();
        let conn = store.conn();
        assert!(!in_use(&conn).unwrap());
        let e = create(&conn, &input("sara", "سارة الحربي", "committee")).unwrap_err();
        assert_eq!(e.fields()[0].field, "role", "{e}");
        let bad = create(
            &conn,
            &AccountInput {
                username: "a b".into(),
                display_name: "س".into(),
                role: "boss".into(),
                password: "قصيرة".into(),
            },
        )
        .unwrap_err();
        let fields: Vec<&str> = bad.fields().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["username", "display_name", "role", "password"]);
        let admin = create(&conn, &input("Sara.H", "  سارة   الحربي ", "admin")).unwrap();
        assert_eq!(admin.display_name, "سارة الحربي");
        assert_eq!(admin.role_label, "مشرف");
        assert!(in_use(&conn).unwrap());
        let e = create(&conn, &input("sara.h", "سارة أخرى", "committee")).unwrap_err();
        assert!(e.to_string().contains("مستخدم لحساب آخر"), "{e}");
        let stored: String = conn
            .query_row("SELECT password_hash FROM account", [], |r| r.get(0))
            .unwrap();
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        // Arabic usernames and Arabic digits.
        let a = create(&conn, &input("محمد٢", "محمد علي", "checkin")).unwrap();
        assert_eq!(a.username, "محمد2");
    }

    #[test]
    fn the_last_admin_stays_and_sign_ins_follow_the_account() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("m.sqlite3")).unwrap();
        let mut conn = store.conn();
        let admin = create(&conn, &input("sara", "سارة الحربي", "admin")).unwrap();
        let member = create(&conn, &input("ali", "علي عسيري", "committee")).unwrap();
        for change in [
            AccountChange {
                active: Some(false),
                ..Default::default()
            },
            AccountChange {
                role: Some("committee".into()),
                ..Default::default()
            },
        ] {
            let e = update(&mut conn, admin.id, &change).unwrap_err();
            assert!(e.to_string().contains("آخر حساب مشرف"), "{e}");
        }
        // With a second admin, the first may step down.
        update(
            &mut conn,
            member.id,
            &AccountChange {
                role: Some("admin".into()),
                ..Default::default()
            },
        )
        .unwrap();
        let sara = update(
            &mut conn,
            admin.id,
            &AccountChange {
                role: Some("committee".into()),
                display_name: Some("سارة محمد الحربي".into()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(
            (sara.role.as_str(), sara.display_name.as_str()),
            ("committee", "سارة محمد الحربي")
        );

        let signs = SignIns::default();
        let e = signs
            .sign_in(&conn, "sara", "خطأ", Place::Host)
            .unwrap_err();
        assert_eq!(e.to_string(), WRONG);
        let e = signs
            .sign_in(&conn, "nobody", "خطأ", Place::Host)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            WRONG,
            "a missing username is answered the same"
        );
        let (token, a) = signs
            .sign_in(&conn, "SARA", "كلمة-مرور-طويلة", Place::Host)
            .unwrap();
        assert_eq!(a.id, sara.id);
        assert!(a.last_sign_in_at.is_some());
        assert_eq!(
            signs
                .account(&conn, Some(&token), Place::Host)
                .unwrap()
                .unwrap()
                .id,
            sara.id
        );
        assert!(
            signs
                .account(&conn, Some(&token), Place::Desk(3))
                .unwrap()
                .is_none(),
            "a session is good only where it was opened"
        );
        // Disabling ends the session; a disabled account cannot sign in.
        update(
            &mut conn,
            sara.id,
            &AccountChange {
                active: Some(false),
                ..Default::default()
            },
        )
        .unwrap();
        assert!(signs
            .account(&conn, Some(&token), Place::Host)
            .unwrap()
            .is_none());
        let e = signs
            .sign_in(&conn, "sara", "كلمة-مرور-طويلة", Place::Host)
            .unwrap_err();
        assert!(e.to_string().contains("معطّل"), "{e}");
        // Own password change needs the current one.
        assert!(change_own_password(&conn, member.id, "خطأ", "جديدة-وطويلة").is_err());
        change_own_password(&conn, member.id, "كلمة-مرور-طويلة", "جديدة-وطويلة").unwrap();
        assert!(signs
            .sign_in(&conn, "ali", "جديدة-وطويلة", Place::Desk(3))
            .is_ok());
    }

    #[test]
    fn wrong_passwords_make_a_username_wait() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("m.sqlite3")).unwrap();
        let conn = store.conn();
        create(&conn, &input("sara", "سارة الحربي", "admin")).unwrap();
        let signs = SignIns::default();
        for _ in 0..FREE_TRIES {
            assert_eq!(
                signs
                    .sign_in(&conn, "sara", "خطأ", Place::Host)
                    .unwrap_err()
                    .code(),
                "validation"
            );
        }
        let e = signs
            .sign_in(&conn, "sara", "كلمة-مرور-طويلة", Place::Host)
            .unwrap_err();
        assert_eq!(e.code(), "too_many_attempts", "{e}");
        // Another username is not held up.
        assert_eq!(
            signs
                .sign_in(&conn, "other", "x", Place::Host)
                .unwrap_err()
                .code(),
            "validation"
        );
    }
}
