//! Registration desks on the venue network (منصات التسجيل). The host creates a desk and shows
//! its one-time pairing code; the desk's browser enters the code once and receives a token it
//! sends with every request. Tokens are stored only as SHA-256 hashes and can be revoked.
//!
//! Guessing a code is hopeless: codes have [`CODE_DIGITS`] digits, live [`PAIRING_MINUTES`]
//! minutes and work once, and [`PairingThrottle`] lets each address, and all addresses
//! together, make only a few wrong attempts before each further one waits twice as long.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration as StdDuration, Instant};

use base64::Engine;
use chrono::{Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{AppError, Result};
use crate::text;

/// How long a pairing code stays valid.
pub const PAIRING_MINUTES: i64 = 10;

/// The roles a paired device can have, with their Arabic names (what each may do is the
/// permission table in `api::access`).
pub const ROLES: &[(&str, &str)] = &[
    ("checkin", "منصة تسجيل الحضور"),
    ("booth", "ركن جهة ممكنة"),
    ("exhibition", "منصة معرض الأسر المنتجة"),
    ("committee", "جهاز اللجنة المنظمة"),
];

/// A device's role when none is named: a booth when it has an entity, else a check-in desk.
pub fn default_role(entity: Option<i64>) -> &'static str {
    if entity.is_some() {
        "booth"
    } else {
        "checkin"
    }
}

pub fn role_label(code: &str) -> &'static str {
    crate::text::label_of(ROLES, code)
}

/// Digits in a pairing code (10^8 codes).
pub const CODE_DIGITS: usize = 8;

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
    pub paired_at: Option<String>,
    /// The network address the desk paired from.
    pub paired_from: Option<String>,
    /// `checkin`, `booth`, `exhibition` or `committee` (see [`ROLES`]).
    pub role: String,
    pub role_label: String,
    /// A booth device: the enabling entity whose booth it is (its booth screen opens on it).
    pub entity_id: Option<i64>,
    pub entity_name: Option<String>,
    /// The forum of that entity.
    pub forum_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Pairing {
    pub desk_id: i64,
    pub desk_name: String,
    pub token: String,
    pub role: String,
    /// A booth device's entity and forum (see [`Desk::entity_id`]).
    pub entity_id: Option<i64>,
    pub forum_id: Option<i64>,
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

/// A code of [`CODE_DIGITS`] random digits, written `48291375`.
fn new_code() -> String {
    let b = random_bytes::<8>();
    let space = 10u64.pow(CODE_DIGITS as u32);
    format!(
        "{:0width$}",
        u64::from_le_bytes(b) % space,
        width = CODE_DIGITS
    )
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Desk> {
    let paired_at: Option<String> = r.get(4)?;
    Ok(Desk {
        id: r.get(0)?,
        name: r.get(1)?,
        pairing_code: r.get(2)?,
        pairing_expires: r.get(3)?,
        paired: paired_at.is_some(),
        revoked: r.get::<_, Option<String>>(5)?.is_some(),
        last_seen_at: r.get(6)?,
        paired_at,
        paired_from: r.get(7)?,
        entity_id: r.get(8)?,
        entity_name: r.get(9)?,
        forum_id: r.get(10)?,
        role_label: role_label(&r.get::<_, String>(11)?).to_string(),
        role: r.get(11)?,
    })
}

const SELECT: &str =
    "SELECT id, name, pairing_code, pairing_expires, paired_at, revoked_at, last_seen_at, paired_from, entity_id,
            (SELECT e.name_ar FROM entity e WHERE e.id = desk.entity_id),
            (SELECT e.forum_id FROM entity e WHERE e.id = desk.entity_id), role
       FROM desk";

pub fn list(conn: &Connection) -> Result<Vec<Desk>> {
    let mut stmt = conn.prepare(&format!("{SELECT} ORDER BY revoked_at IS NOT NULL, id"))?;
    let desks = stmt
        .query_map([], row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(desks)
}

/// Adds a desk and gives it a pairing code. Names are unique among the desks in use, so what a
/// desk records names one desk. A `booth` device is one enabling entity's booth (`entity`,
/// which must exist and not have withdrawn): it opens that entity's booth screen.
pub fn create(conn: &Connection, name: &str, role: &str, entity: Option<i64>) -> Result<Desk> {
    if role_label(role).is_empty() {
        return Err(AppError::field(
            "role",
            &format!(
                "دور الجهاز «{role}» غير معروف؛ المتاح: {}",
                crate::text::choices(ROLES)
            ),
        ));
    }
    match (role, entity) {
        ("booth", None) => {
            return Err(AppError::field(
                "entity_id",
                "اختر الجهة التي يخدم هذا الجهاز ركنها",
            ))
        }
        (r, Some(_)) if r != "booth" => {
            return Err(AppError::field(
                "entity_id",
                "الجهة تُحدد لأجهزة الأركان فقط (الدور booth)",
            ))
        }
        _ => {}
    }
    if let Some(id) = entity {
        let status: Option<String> = conn
            .query_row("SELECT status FROM entity WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?;
        match status.as_deref() {
            None => return Err(AppError::field("entity_id", "لا توجد جهة بهذا الرقم")),
            Some("withdrew") => {
                return Err(AppError::field(
                    "entity_id",
                    "اعتذرت هذه الجهة عن المشاركة؛ لا يُجهَّز لها ركن",
                ))
            }
            Some(_) => {}
        }
    }
    let name = text::clean(name);
    if name.is_empty() {
        return Err(AppError::field("name", "اكتب اسم المنصة، مثل «منصة 2»"));
    }
    if text::char_len(&name) > 60 {
        return Err(AppError::field("name", "اسم المنصة أطول من 60 حرفًا"));
    }
    let key = text::search_key(&name);
    let mut stmt = conn.prepare("SELECT name FROM desk WHERE revoked_at IS NULL")?;
    let taken = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?
        .into_iter()
        .any(|n| text::search_key(&n) == key);
    if taken {
        return Err(AppError::field(
            "name",
            &format!("توجد منصة باسم «{name}»؛ اختر اسمًا آخر"),
        ));
    }
    conn.execute(
        "INSERT INTO desk(name, created_at, entity_id, role) VALUES (?1, ?2, ?3, ?4)",
        params![name, crate::calendar::now_utc(), entity, role],
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
            "UPDATE desk SET pairing_code = ?2, pairing_expires = ?3, token_hash = NULL, paired_at = NULL, paired_from = NULL, revoked_at = NULL
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

fn wrong_code() -> AppError {
    AppError::field(
        "code",
        "رمز الاقتران غير صحيح أو انتهت صلاحيته؛ اطلب رمزًا جديدًا من الجهاز الرئيس",
    )
}

/// Exchanges a pairing code for the desk's token (once), recording the address it came from.
/// Callers on the network go through [`PairingThrottle::attempt`].
pub fn pair(conn: &Connection, code: &str, from: Option<IpAddr>) -> Result<Pairing> {
    let code: String = text::latin_digits(&text::clean(code))
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    if code.len() != CODE_DIGITS {
        return Err(wrong_code());
    }
    let found: Option<Desk> = conn
        .query_row(
            &format!("{SELECT} WHERE pairing_code = ?1 AND revoked_at IS NULL"),
            [&code],
            row,
        )
        .optional()?;
    let Some(Desk {
        id,
        name,
        pairing_expires: Some(expires),
        entity_id,
        forum_id,
        role,
        ..
    }) = found
    else {
        return Err(wrong_code());
    };
    if expires < crate::calendar::now_utc() {
        return Err(wrong_code());
    }
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>());
    let from = from
        .map(|a| a.to_string())
        .unwrap_or_else(|| "الجهاز الرئيس".into());
    conn.execute(
        "UPDATE desk SET token_hash = ?2, pairing_code = NULL, pairing_expires = NULL, paired_at = ?3, last_seen_at = ?3, paired_from = ?4 WHERE id = ?1",
        params![id, hash(&token), crate::calendar::now_utc(), from],
    )?;
    Ok(Pairing {
        desk_id: id,
        desk_name: name,
        token,
        role,
        entity_id,
        forum_id,
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
        // At most once a minute: a desk's every scan should not be a write of its own.
        let now = Utc::now();
        let stale = (now - Duration::minutes(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        conn.execute(
            "UPDATE desk SET last_seen_at = ?2 WHERE id = ?1 AND (last_seen_at IS NULL OR last_seen_at < ?3)",
            params![d.id, now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true), stale],
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

/// Wrong attempts an address may make before each further one has to wait.
const FREE_PER_ADDRESS: u32 = 3;
/// Wrong attempts all addresses together may make (per code) before the same.
const FREE_IN_TOTAL: u32 = 10;
/// The longest wait; it doubles from one second up to this.
const MAX_WAIT: StdDuration = StdDuration::from_secs(5 * 60);
/// An address's wrong attempts are forgotten after this long without one.
const FORGET_AFTER: StdDuration = StdDuration::from_secs(30 * 60);

/// Wrong attempts of one kind (an address's pairing codes, a username's passwords).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Failures {
    count: u32,
    last: Instant,
}

impl Failures {
    /// How long until another attempt is allowed.
    pub(crate) fn wait(&self, free: u32, now: Instant) -> StdDuration {
        if self.count < free || now.duration_since(self.last) > FORGET_AFTER {
            return StdDuration::ZERO;
        }
        let doubling = (self.count - free).min(16);
        let wait = StdDuration::from_secs(1u64 << doubling).min(MAX_WAIT);
        (self.last + wait).saturating_duration_since(now)
    }

    pub(crate) fn add(slot: &mut Option<Failures>, now: Instant) {
        let count = match slot {
            Some(f) if now.duration_since(f.last) <= FORGET_AFTER => f.count + 1,
            _ => 1,
        };
        *slot = Some(Failures { count, last: now });
    }
}

#[derive(Debug, Default)]
struct ThrottleState {
    by_address: HashMap<IpAddr, Failures>,
    total: Option<Failures>,
}

/// Wrong pairing attempts, per address and in total (kept in memory by the running host).
#[derive(Debug, Default)]
pub struct PairingThrottle {
    state: Mutex<ThrottleState>,
}

/// What the host is shown about wrong pairing attempts.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ThrottleReport {
    /// Wrong attempts not yet forgotten, in total.
    pub wrong_attempts: u32,
    /// The addresses they came from, most attempts first.
    pub addresses: Vec<AddressAttempts>,
    /// Seconds until any desk may try again (0: pairing is open).
    pub paused_secs: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AddressAttempts {
    pub address: String,
    pub wrong_attempts: u32,
}

fn retry_message(wait: StdDuration) -> AppError {
    let secs = (wait.as_millis().div_ceil(1000) as u64).max(1);
    let when = if secs < 120 {
        crate::text::counted(secs, &crate::text::SECONDS)
    } else {
        crate::text::counted(secs.div_ceil(60), &crate::text::MINUTES)
    };
    AppError::TooManyAttempts {
        message: format!(
            "محاولات اقتران خاطئة كثيرة؛ انتظر {when} ثم أعد المحاولة بالرمز الصحيح من الجهاز الرئيس"
        ),
        retry_after_secs: secs,
    }
}

impl PairingThrottle {
    fn lock(&self) -> std::sync::MutexGuard<'_, ThrottleState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `pair` unless `from` (or everyone) must wait; a wrong code counts against both.
    pub fn attempt<T>(&self, from: IpAddr, pair: impl FnOnce() -> Result<T>) -> Result<T> {
        let now = Instant::now();
        {
            let st = self.lock();
            let mine = st
                .by_address
                .get(&from)
                .map_or(StdDuration::ZERO, |f| f.wait(FREE_PER_ADDRESS, now));
            let all = st
                .total
                .map_or(StdDuration::ZERO, |f| f.wait(FREE_IN_TOTAL, now));
            let wait = mine.max(all);
            if !wait.is_zero() {
                return Err(retry_message(wait));
            }
        }
        let result = pair();
        let mut st = self.lock();
        match &result {
            Err(AppError::Validation(_)) => {
                let now = Instant::now();
                let mut mine = st.by_address.get(&from).copied();
                Failures::add(&mut mine, now);
                if let Some(f) = mine {
                    st.by_address.insert(from, f);
                }
                Failures::add(&mut st.total, now);
            }
            Ok(_) => {
                st.by_address.remove(&from);
            }
            Err(_) => {}
        }
        result
    }

    /// A new code gets a fresh allowance of wrong attempts in total (each address keeps its
    /// own count).
    pub fn new_code_made(&self) {
        self.lock().total = None;
    }

    pub fn report(&self) -> ThrottleReport {
        let now = Instant::now();
        let mut st = self.lock();
        st.by_address
            .retain(|_, f| now.duration_since(f.last) <= FORGET_AFTER);
        let mut addresses: Vec<AddressAttempts> = st
            .by_address
            .iter()
            .map(|(a, f)| AddressAttempts {
                address: a.to_string(),
                wrong_attempts: f.count,
            })
            .collect();
        addresses.sort_by(|a, b| {
            b.wrong_attempts
                .cmp(&a.wrong_attempts)
                .then(a.address.cmp(&b.address))
        });
        let total = st
            .total
            .filter(|f| now.duration_since(f.last) <= FORGET_AFTER);
        ThrottleReport {
            wrong_attempts: total.map_or(0, |f| f.count),
            addresses,
            paused_secs: total.map_or(0, |f| {
                f.wait(FREE_IN_TOTAL, now).as_millis().div_ceil(1000) as u64
            }),
        }
    }
}

/// What the host shows about pairing: the desks paired since `since` (newest first), and the
/// wrong attempts.
#[derive(Debug, Clone, Serialize)]
pub struct PairingLog {
    pub paired: Vec<Desk>,
    pub attempts: ThrottleReport,
    /// The time to ask with next.
    pub now: String,
}

pub fn pairing_log(
    conn: &Connection,
    throttle: &PairingThrottle,
    since: Option<&str>,
) -> Result<PairingLog> {
    let now = crate::calendar::now_utc();
    let mut stmt = conn.prepare(&format!(
        "{SELECT} WHERE paired_at IS NOT NULL AND paired_at >= ?1 ORDER BY paired_at DESC, id DESC LIMIT 50"
    ))?;
    let paired = stmt
        .query_map([since.unwrap_or("")], row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(PairingLog {
        paired,
        attempts: throttle.report(),
        now,
    })
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
        let d = create(&conn, " منصة  2 ", "checkin", None).unwrap();
        assert_eq!(d.name, "منصة 2");
        let code = d.pairing_code.clone().unwrap();
        assert_eq!(code.len(), CODE_DIGITS);
        let p = pair(&conn, &code, None).unwrap();
        assert_eq!(p.desk_name, "منصة 2");
        assert!(p.token.len() >= 40);
        assert_eq!(
            pair(&conn, &code, None).unwrap_err().code(),
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
        let d = create(&conn, "منصة 3", "checkin", None).unwrap();
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
        assert!(pair(&conn, &arabic, None).is_err());
        let again = new_pairing_code(&conn, d.id).unwrap();
        let arabic: String = again
            .pairing_code
            .unwrap()
            .chars()
            .map(|c| char::from_u32(0x0660 + c.to_digit(10).unwrap()).unwrap())
            .collect();
        assert!(pair(&conn, &arabic, None).is_ok());
        assert!(create(&conn, "  ", "checkin", None).is_err());
        assert!(
            create(&conn, "منصه 3", "checkin", None).is_err(),
            "two desks in use never share a name"
        );
    }

    #[test]
    fn wrong_codes_make_an_address_and_then_everyone_wait() {
        let t = PairingThrottle::default();
        let a: IpAddr = "10.0.0.5".parse().unwrap();
        let b: IpAddr = "10.0.0.6".parse().unwrap();
        let wrong = || -> Result<()> { Err(wrong_code()) };
        for _ in 0..FREE_PER_ADDRESS {
            assert_eq!(t.attempt(a, wrong).unwrap_err().code(), "validation");
        }
        // The next attempt from the same address must wait; the code is not even tried.
        let mut tried = false;
        let e = t
            .attempt(a, || {
                tried = true;
                Ok(())
            })
            .unwrap_err();
        assert!(!tried);
        assert_eq!(e.code(), "too_many_attempts");
        assert!(e.to_string().contains("انتظر"));
        // Another address is still free, until the total allowance is spent.
        assert!(t.attempt(b, || Ok(())).is_ok());
        for n in FREE_PER_ADDRESS..FREE_IN_TOTAL + 3 {
            let other: IpAddr = format!("10.1.0.{n}").parse().unwrap();
            let _ = t.attempt(other, wrong);
        }
        let c: IpAddr = "10.2.0.1".parse().unwrap();
        assert_eq!(
            t.attempt(c, || Ok(())).unwrap_err().code(),
            "too_many_attempts",
            "everyone waits once the total is spent"
        );
        let r = t.report();
        assert_eq!(r.wrong_attempts, FREE_IN_TOTAL);
        assert!(r.paused_secs >= 1);
        assert_eq!(r.addresses[0].address, "10.0.0.5");
        assert_eq!(r.addresses[0].wrong_attempts, FREE_PER_ADDRESS);
        // A new code from the host opens pairing again for addresses with no wrong attempts
        // (an address with many keeps waiting).
        t.lock().by_address.insert(
            a,
            Failures {
                count: 12,
                last: Instant::now(),
            },
        );
        t.new_code_made();
        assert!(t.attempt(c, || Ok(())).is_ok());
        assert_eq!(
            t.attempt(a, || Ok(())).unwrap_err().code(),
            "too_many_attempts"
        );
    }

    #[test]
    fn waits_double_up_to_a_cap() {
        let now = Instant::now();
        let f = |count| Failures { count, last: now };
        assert_eq!(f(2).wait(3, now), StdDuration::ZERO);
        assert_eq!(f(3).wait(3, now), StdDuration::from_secs(1));
        assert_eq!(f(6).wait(3, now), StdDuration::from_secs(8));
        assert_eq!(f(40).wait(3, now), MAX_WAIT);
    }

    #[test]
    fn a_guess_in_a_codes_life_is_hopeless() {
        // Within one code's life, the most wrong attempts everyone together can make.
        let life = StdDuration::from_secs(PAIRING_MINUTES as u64 * 60);
        let (mut elapsed, mut n) = (StdDuration::ZERO, 0u32);
        loop {
            let w = Failures {
                count: n,
                last: Instant::now(),
            }
            .wait(FREE_IN_TOTAL, Instant::now());
            if elapsed + w > life {
                break;
            }
            elapsed += w;
            n += 1;
        }
        let chance = n as f64 / 10f64.powi(CODE_DIGITS as i32);
        assert!(n < 40, "{n} attempts");
        assert!(chance < 1e-6, "{chance}");
    }
}
