//! Certificates (الشهادات): a template per kind and forum that the committee edits, who is
//! eligible, issuing with serials that are never reused (`SEF-1441-000123`), revocation, and
//! offline verification of the keyed signature printed in each certificate's QR code.

pub mod render;
pub mod signing;

use base64::Engine;
use hmac::{Hmac, Mac};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::error::{AppError, FieldError, Result};
use crate::{calendar, store, text};

/// The kinds of certificate. Entities and sponsors (entities marked as sponsors) are thanked as
/// organisations; course completion is issued per course (see [`Course`]) to everyone whose
/// referral to it reached «أتم الدورة».
pub const KINDS: &[(&str, &str)] = &[
    ("attendance", "شهادة حضور"),
    ("appreciation_volunteer", "شهادة شكر وتقدير — متطوع"),
    ("appreciation_entity", "شهادة شكر وتقدير — جهة ممكنة"),
    ("appreciation_sponsor", "شهادة شكر وتقدير — راعٍ"),
    ("course", "شهادة إتمام دورة"),
];

pub fn kind_label(kind: &str) -> Option<&'static str> {
    KINDS.iter().find(|(k, _)| *k == kind).map(|(_, l)| *l)
}

fn check_kind(kind: &str) -> Result<()> {
    kind_label(kind)
        .map(|_| ())
        .ok_or_else(|| AppError::field("kind", &format!("نوع الشهادة «{kind}» غير معروف")))
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct Signatory {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub title: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Template {
    pub kind: String,
    pub title: String,
    /// Text with placeholders: {الاسم} {الملتقى} {التاريخ_الهجري} {التاريخ_الميلادي} {الدورة}
    /// {الساعات} {الجهة} (see [`render::fill`]). A line that is only {الاسم} prints the name large, fitted to the width.
    /// `{حضر/حضرت}` is worded for the recipient: the first form for a man (or when unknown),
    /// the second for a woman.
    pub body: String,
    pub signatories: Vec<Signatory>,
    /// Attendance: checked in on at least this many of the forum's days.
    pub min_days: u32,
    /// Print the forum's logo at the top.
    #[serde(default = "yes")]
    pub show_logo: bool,
    /// A full-page background image as a data URL. On saving: absent keeps the current one,
    /// empty removes it.
    #[serde(default)]
    pub background: Option<String>,
}

fn yes() -> bool {
    true
}

/// The template a forum starts with for each kind.
pub fn default_template(kind: &str) -> Template {
    let (title, body) = match kind {
        "attendance" => (
            "شهادة حضور",
            "تشهد اللجنة المنظمة لـ{الملتقى} بأن\n{الاسم}\nقد {حضر/حضرت} فعاليات الملتقى المقام بتاريخ {التاريخ_الهجري} الموافق {التاريخ_الميلادي}، متمنين {له/لها} التوفيق والسداد.",
        ),
        "appreciation_volunteer" => (
            "شهادة شكر وتقدير",
            "تتقدم اللجنة المنظمة لـ{الملتقى} بالشكر والتقدير إلى\n{الاسم}\nعلى {جهوده/جهودها} التطوعية المميزة {وإسهامه/وإسهامها} في نجاح الملتقى، سائلين الله {له/لها} دوام التوفيق.",
        ),
        "appreciation_entity" | "appreciation_sponsor" => (
            "شهادة شكر وتقدير",
            "تتقدم اللجنة المنظمة لـ{الملتقى} بالشكر والتقدير إلى\n{الجهة}\nعلى مشاركتها الفاعلة وإسهامها في تمكين المستفيدين.",
        ),
        _ => (
            "شهادة إتمام دورة",
            "تشهد {الجهة} بأن\n{الاسم}\nقد {أتم/أتمت} البرنامج التدريبي «{الدورة}» بواقع {الساعات}، ضمن برامج التمكين في {الملتقى}، بتاريخ {التاريخ_الهجري} الموافق {التاريخ_الميلادي}.",
        ),
    };
    Template {
        kind: kind.to_string(),
        title: title.to_string(),
        body: body.to_string(),
        signatories: vec![Signatory {
            name: "رئيس اللجنة المنظمة".into(),
            title: String::new(),
        }],
        min_days: 1,
        show_logo: true,
        background: None,
    }
}

pub fn template(conn: &Connection, forum_id: i64, kind: &str) -> Result<Template> {
    check_kind(kind)?;
    type Row = (String, String, String, u32, bool, Option<Vec<u8>>);
    let row: Option<Row> = conn
        .query_row(
            "SELECT title, body, signatories, min_days, show_logo, background FROM certificate_template WHERE forum_id = ?1 AND kind = ?2",
            params![forum_id, kind],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )
        .optional()?;
    Ok(match row {
        Some((title, body, sig, min_days, show_logo, background)) => Template {
            kind: kind.to_string(),
            title,
            body,
            signatories: serde_json::from_str(&sig).unwrap_or_default(),
            min_days,
            show_logo,
            background: background.map(|b| crate::forum::data_url(&b)),
        },
        None => {
            let mut t = default_template(kind);
            // The forum's organising committee head signs by default.
            if let Ok(f) = crate::forum::get(conn, forum_id) {
                if let Some(m) = f.organizing_committee.first() {
                    t.signatories = vec![Signatory {
                        name: m.name.clone(),
                        title: m.role.clone(),
                    }];
                }
            }
            t
        }
    })
}

/// What a template's text may contain in braces, besides the worded pair `{حضر/حضرت}`.
pub const PLACEHOLDERS: &[&str] = &[
    "{الاسم}",
    "{الملتقى}",
    "{التاريخ_الهجري}",
    "{التاريخ_الميلادي}",
    "{الجهة}",
    "{الدورة}",
    "{الساعات}",
];

/// Every `{…}` of a text is a known placeholder or a `{مذكر/مؤنث}` pair; otherwise the message
/// names it and lists the valid ones.
pub fn check_placeholders(text: &str) -> std::result::Result<(), String> {
    let valid = PLACEHOLDERS.join(" ");
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let Some(len) = rest[open..].find('}') else {
            return Err(format!(
                "قوس «{{» بلا إغلاق في نص الشهادة؛ المتاح: {valid} و{{حضر/حضرت}}"
            ));
        };
        let whole = &rest[open..=open + len];
        let inner = &rest[open + 1..open + len];
        let pair_ok = inner
            .split_once('/')
            .is_some_and(|(m, f)| !m.trim().is_empty() && !f.trim().is_empty() && !f.contains('/'));
        if !pair_ok && !PLACEHOLDERS.contains(&whole) {
            return Err(format!(
                "العنصر «{whole}» غير معروف؛ المتاح: {valid}، وللتذكير والتأنيث {{حضر/حضرت}}"
            ));
        }
        rest = &rest[open + len + 1..];
    }
    Ok(())
}

pub fn save_template(conn: &Connection, forum_id: i64, t: &Template) -> Result<Template> {
    check_kind(&t.kind)?;
    let mut errors = Vec::new();
    let title = text::clean(&t.title);
    if title.is_empty() || text::char_len(&title) > 80 {
        errors.push(FieldError::new(
            "title",
            "عنوان الشهادة مطلوب، بحد أقصى 80 حرفًا",
        ));
    }
    let body = t
        .body
        .lines()
        .map(text::clean)
        .collect::<Vec<_>>()
        .join("\n");
    if body.trim().is_empty() || text::char_len(&body) > 1200 {
        errors.push(FieldError::new(
            "body",
            "نص الشهادة مطلوب، بحد أقصى 1200 حرف",
        ));
    } else if let Err(m) = check_placeholders(&body) {
        errors.push(FieldError::new("body", &m));
    }
    let signatories: Vec<Signatory> = t
        .signatories
        .iter()
        .map(|s| Signatory {
            name: text::clean(&s.name),
            title: text::clean(&s.title),
        })
        .filter(|s| !s.name.is_empty())
        .collect();
    if signatories.is_empty() || signatories.len() > 3 {
        errors.push(FieldError::new(
            "signatories",
            "من موقّع واحد إلى ثلاثة موقّعين",
        ));
    }
    if !(1..=29).contains(&t.min_days) {
        errors.push(FieldError::new("min_days", "عدد أيام الحضور من 1 إلى 29"));
    }
    // None: keep; Some(None): remove; Some(Some(bytes)): set.
    let background: Option<Option<Vec<u8>>> = match t.background.as_deref().map(str::trim) {
        None => None,
        Some("") => Some(None),
        Some(raw) => match crate::forum::image_from_data_url(raw, "صورة الخلفية") {
            Ok(bytes) => Some(Some(bytes)),
            Err(message) => {
                errors.push(FieldError::new("background", &message));
                None
            }
        },
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let tx = conn.unchecked_transaction()?;
    tx.execute(
        "INSERT INTO certificate_template(forum_id, kind, title, body, signatories, min_days, show_logo, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT(forum_id, kind) DO UPDATE SET title = excluded.title, body = excluded.body,
           signatories = excluded.signatories, min_days = excluded.min_days,
           show_logo = excluded.show_logo, updated_at = excluded.updated_at",
        params![
            forum_id,
            t.kind,
            title,
            body,
            serde_json::to_string(&signatories).unwrap_or_else(|_| "[]".into()),
            t.min_days,
            t.show_logo,
            calendar::now_utc()
        ],
    )?;
    if let Some(bg) = background {
        tx.execute(
            "UPDATE certificate_template SET background = ?3 WHERE forum_id = ?1 AND kind = ?2",
            params![forum_id, t.kind, bg],
        )?;
    }
    tx.commit()?;
    template(conn, forum_id, &t.kind)
}

/// Kinds whose recipients are enabling entities rather than people.
pub fn for_entities(kind: &str) -> bool {
    matches!(kind, "appreciation_entity" | "appreciation_sponsor")
}

/// Someone who qualifies for a certificate of a kind, with the serial already issued, if any.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Recipient {
    /// The recipient's id: a person, or an enabling entity for entity kinds ([`for_entities`]).
    pub person_id: i64,
    pub name: String,
    /// Worded for a woman (`{حضر/حضرت}` takes its second form).
    pub female: bool,
    pub serial: Option<String>,
    pub revoked: bool,
    /// Course certificates: the referral that completed the course.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referral_id: Option<i64>,
    /// The revoked certificate this one replaces.
    pub replaces: Option<String>,
}

/// The course a batch of course certificates is for: what `{الدورة}`, `{الساعات}` and
/// `{الجهة}` say, and the date printed (the course's end, else the forum's last day).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Course {
    pub id: i64,
    pub title: String,
    pub hours: Option<i64>,
    pub entity: String,
    pub end_date: Option<String>,
    /// Referrals that completed it, and certificates issued for it.
    pub completed: usize,
    pub issued: usize,
}

const COURSE_SQL: &str = "SELECT o.id, o.title, o.hours, e.name_ar, o.end_date,
        (SELECT count(*) FROM referral r WHERE r.opportunity_id = o.id AND r.state = 'completed'),
        (SELECT count(*) FROM certificate c JOIN referral r ON r.id = c.referral_id
          WHERE r.opportunity_id = o.id AND c.revoked_at IS NULL)
   FROM opportunity o JOIN entity e ON e.id = o.entity_id
  WHERE o.forum_id = ?1 AND o.track = 'training' AND o.certificate = 1";

fn course_row(r: &rusqlite::Row) -> rusqlite::Result<Course> {
    Ok(Course {
        id: r.get(0)?,
        title: r.get(1)?,
        hours: r.get(2)?,
        entity: r.get(3)?,
        end_date: r.get(4)?,
        completed: r.get(5)?,
        issued: r.get(6)?,
    })
}

/// The forum's courses that give a certificate, with how many completed each.
pub fn courses(conn: &Connection, forum_id: i64) -> Result<Vec<Course>> {
    let mut stmt = conn.prepare(&format!("{COURSE_SQL} ORDER BY o.title, o.id"))?;
    let rows = stmt.query_map([forum_id], course_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The course of a batch: none for the other kinds; for course certificates the course must be
/// chosen, be a course of this forum, and give a certificate.
pub fn course_of(
    conn: &Connection,
    forum_id: i64,
    kind: &str,
    course: Option<i64>,
) -> Result<Option<Course>> {
    if kind != "course" {
        return Ok(None);
    }
    let id = course
        .ok_or_else(|| AppError::field("course_id", "اختر الدورة التي تُصدر شهادات إتمامها"))?;
    if let Some(c) = conn
        .query_row(
            &format!("{COURSE_SQL} AND o.id = ?2"),
            params![forum_id, id],
            course_row,
        )
        .optional()?
    {
        return Ok(Some(c));
    }
    let title: Option<String> = conn
        .query_row(
            "SELECT title FROM opportunity WHERE id = ?1 AND forum_id = ?2 AND track = 'training'",
            params![id, forum_id],
            |r| r.get(0),
        )
        .optional()?;
    Err(match title {
        Some(t) => AppError::field(
            "course_id",
            &format!("الدورة «{t}» لا تمنح شهادة؛ فعّل «تمنح شهادة» في بيانات الدورة أولًا"),
        ),
        None => AppError::field("course_id", "لا توجد دورة بهذا الرقم في هذا الملتقى"),
    })
}

/// Who qualifies, by the kind's rule: attendance = checked in on at least `min_days` days;
/// volunteers' appreciation = every volunteer; a course = everyone whose referral to `course`
/// reached «أتم الدورة».
pub fn eligible(
    conn: &Connection,
    forum_id: i64,
    kind: &str,
    course: Option<i64>,
) -> Result<Vec<Recipient>> {
    check_kind(kind)?;
    let t = template(conn, forum_id, kind)?;
    let course = course_of(conn, forum_id, kind, course)?.map_or(0, |c| c.id);
    // Each recipient's certificate in force, else their latest revoked one.
    let current = |whose: &str| {
        format!(
            "LEFT JOIN certificate c ON c.serial = (SELECT x.serial FROM certificate x
                WHERE x.forum_id = ?1 AND x.kind = ?2 AND {whose}
                ORDER BY x.revoked_at IS NULL DESC, x.rowid DESC LIMIT 1)"
        )
    };
    const COLS: &str = "c.serial, c.revoked_at IS NOT NULL, c.replaces";
    let sql = match kind {
        "attendance" => format!(
            "SELECT p.id, p.full_name, p.gender = 'f', NULL, {COLS} FROM person p {}
              WHERE p.forum_id = ?1
                AND (SELECT count(DISTINCT k.day) FROM checkin k WHERE k.person_id = p.id AND k.undone_at IS NULL) >= ?3
                AND ?4 >= 0
              ORDER BY p.full_name",
            current("x.person_id = p.id")
        ),
        "appreciation_volunteer" => format!(
            "SELECT p.id, p.full_name, p.gender = 'f', NULL, {COLS} FROM person p {}
              WHERE p.forum_id = ?1 AND p.category = 'volunteer' AND ?3 >= 0 AND ?4 >= 0
              ORDER BY p.full_name",
            current("x.person_id = p.id")
        ),
        // Every entity that took part (confirmed or arrived); the wording is feminine («الجهة»).
        "appreciation_entity" => format!(
            "SELECT e.id, e.name_ar, 1, NULL, {COLS} FROM entity e {}
              WHERE e.forum_id = ?1 AND e.status IN ('confirmed', 'arrived') AND ?3 >= 0 AND ?4 >= 0
              ORDER BY e.name_ar",
            current("x.entity_id = e.id")
        ),
        "appreciation_sponsor" => format!(
            "SELECT e.id, e.name_ar, 1, NULL, {COLS} FROM entity e {}
              WHERE e.forum_id = ?1 AND e.is_sponsor = 1 AND e.status IN ('confirmed', 'arrived') AND ?3 >= 0 AND ?4 >= 0
              ORDER BY e.name_ar",
            current("x.entity_id = e.id")
        ),
        _ => format!(
            "SELECT p.id, p.full_name, p.gender = 'f', r.id, {COLS}
               FROM referral r JOIN person p ON p.id = r.person_id {}
              WHERE r.forum_id = ?1 AND r.opportunity_id = ?4 AND r.state = 'completed'
                AND ?2 = 'course' AND ?3 >= 0
              ORDER BY p.full_name",
            current("x.referral_id = r.id")
        ),
    };
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt
        .query_map(params![forum_id, kind, t.min_days, course], |r| {
            Ok(Recipient {
                person_id: r.get(0)?,
                name: r.get(1)?,
                female: r.get::<_, Option<bool>>(2)?.unwrap_or(false),
                referral_id: r.get(3)?,
                serial: r.get(4)?,
                revoked: r.get::<_, Option<bool>>(5)?.unwrap_or(false),
                replaces: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The installation's signing key (created on first use, kept in the database).
fn key(conn: &Connection) -> Result<Vec<u8>> {
    if let Some(k) = store::get_setting(conn, "certificate_key")? {
        return Ok(k.into_bytes());
    }
    let k = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    conn.execute(
        "INSERT INTO setting(key, value) VALUES ('certificate_key', ?1) ON CONFLICT(key) DO NOTHING",
        [&k],
    )?;
    Ok(store::get_setting(conn, "certificate_key")?
        .unwrap_or(k)
        .into_bytes())
}

/// The short keyed signature of a certificate: HMAC-SHA256 over serial and name, 8 bytes.
fn signature(key: &[u8], serial: &str, name: &str) -> Result<String> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
        .map_err(|e| AppError::Internal(format!("مفتاح التوقيع غير صالح: {e}")))?;
    mac.update(serial.as_bytes());
    mac.update(b"|");
    mac.update(name.as_bytes());
    let out = mac.finalize().into_bytes();
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&out[..8]))
}

/// What the QR code on a certificate says: `SERIAL|NAME|SIGNATURE` (Ed25519, see [`signing`]).
pub fn qr_text(conn: &Connection, serial: &str, name: &str) -> Result<String> {
    Ok(signing::qr(&signing::signing_key(conn)?, serial, name))
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Issued {
    pub serial: String,
    pub person_id: Option<i64>,
    pub name: String,
    pub female: bool,
    pub qr: String,
    /// True when this call created it (false: it existed and keeps its serial).
    pub new: bool,
}

/// A certificate's serial: the Hijri year, the forum's number and the count, `SEF-1441-01-000123`.
/// The forum's number keeps two forums of one year from ever giving the same serial.
pub fn serial_for(hijri_year: i32, forum_id: i64, n: i64) -> String {
    format!("SEF-{hijri_year}-{forum_id:02}-{n:06}")
}

/// Issues certificates of a kind to everyone eligible (or to `only` of them), in one
/// transaction. People who have one keep its serial; revoked certificates are not re-issued.
/// Serials come from a counter per forum inside the same write transaction, so they are never
/// given twice.
pub fn issue(
    conn: &mut Connection,
    forum_id: i64,
    kind: &str,
    course: Option<i64>,
    only: Option<&[i64]>,
    by: &str,
) -> Result<Vec<Issued>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let who = chosen(eligible(&tx, forum_id, kind, course)?, only);
    let out = issue_to(&tx, forum_id, kind, &who, by)?;
    tx.commit()?;
    Ok(out)
}

/// Recipients issued at a time by [`issue_in_chunks`].
const ISSUE_CHUNK: usize = 250;

/// [`issue`] for a large batch beside the desks: who is eligible is read without the writer,
/// then the certificates are issued a few hundred per transaction. All or nothing: when a
/// chunk fails, the certificates this call created are removed (their serials stay unused).
pub fn issue_in_chunks(
    store: &crate::store::Store,
    forum_id: i64,
    kind: &str,
    course: Option<i64>,
    only: Option<&[i64]>,
    by: &str,
) -> Result<Vec<Issued>> {
    let who = chosen(eligible(&*store.read()?, forum_id, kind, course)?, only);
    let mut out: Vec<Issued> = Vec::with_capacity(who.len());
    for chunk in who.chunks(ISSUE_CHUNK) {
        let done = (|| {
            let mut conn = store.conn();
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let issued = issue_to(&tx, forum_id, kind, chunk, by)?;
            tx.commit()?;
            Ok::<_, AppError>(issued)
        })();
        match done {
            Ok(issued) => out.extend(issued),
            Err(e) => {
                let conn = store.conn();
                for i in out.iter().filter(|i| i.new) {
                    conn.execute("DELETE FROM certificate WHERE serial = ?1", [&i.serial])?;
                }
                return Err(e);
            }
        }
        // Let a waiting check-in have the writer before the next chunk.
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    Ok(out)
}

/// The eligible recipients to issue to. Everyone: those whose certificate was revoked are left
/// alone (a revocation is not undone by the next batch). `only` these people: a revoked
/// certificate among them is replaced by a new one (see [`issue_to`]).
fn chosen(all: Vec<Recipient>, only: Option<&[i64]>) -> Vec<Recipient> {
    all.into_iter()
        .filter(|r| match only {
            None => !r.revoked,
            Some(ids) => ids.contains(&r.person_id),
        })
        .collect()
}

/// Issues to these recipients inside the caller's write transaction. A certificate issued
/// meanwhile by another call is kept, never issued twice. A certificate in force whose
/// recipient's name was corrected since takes the corrected name (the old one is kept in
/// `certificate_name`, so the paper printed with it still verifies). A recipient whose
/// certificate was revoked gets a new serial that `replaces` the revoked one.
fn issue_to(
    tx: &Connection,
    forum_id: i64,
    kind: &str,
    who: &[Recipient],
    by: &str,
) -> Result<Vec<Issued>> {
    let forum = crate::forum::get(tx, forum_id)?;
    let year = forum
        .days
        .first()
        .and_then(|d| d.label.hijri_parts)
        .map(|h| h.year)
        .unwrap_or(0);
    let k = signing::signing_key(tx)?;
    let mut last: i64 = tx
        .query_row(
            "SELECT last FROM certificate_serial WHERE forum_id = ?1",
            [forum_id],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0);
    let entities = for_entities(kind);
    // A course certificate is its referral's; the others are the person's or the entity's.
    // The one in force first, else the latest revoked.
    let mut existing = tx.prepare_cached(
        "SELECT serial, revoked_at IS NOT NULL, recipient_name FROM certificate
          WHERE forum_id = ?1 AND kind = ?2
            AND CASE WHEN ?5 IS NULL THEN person_id = ?3 OR entity_id = ?4 ELSE referral_id = ?5 END
          ORDER BY revoked_at IS NULL DESC, rowid DESC LIMIT 1",
    )?;
    let mut out = Vec::with_capacity(who.len());
    let now = calendar::now_utc();
    for r in who {
        let (person, entity) = if entities {
            (None, Some(r.person_id))
        } else {
            (Some(r.person_id), None)
        };
        let found: Option<(String, bool, String)> = existing
            .query_row(
                params![forum_id, kind, person, entity, r.referral_id],
                |x| Ok((x.get(0)?, x.get(1)?, x.get(2)?)),
            )
            .optional()?;
        // Revoked meanwhile, and not asked to replace (a whole batch leaves revocations be).
        if matches!(&found, Some((_, true, _))) && !r.revoked {
            continue;
        }
        let (serial, new) = match found {
            Some((s, false, printed)) => {
                if printed != r.name {
                    tx.execute(
                        "INSERT INTO certificate_name(serial, name, until) VALUES (?1, ?2, ?3)",
                        params![s, printed, now],
                    )?;
                    tx.execute(
                        "UPDATE certificate SET recipient_name = ?2 WHERE serial = ?1",
                        params![s, r.name],
                    )?;
                }
                (s, false)
            }
            revoked => {
                last += 1;
                let s = serial_for(year, forum_id, last);
                let replaces = revoked.map(|(old, _, _)| old);
                tx.execute(
                    "INSERT INTO certificate(serial, forum_id, kind, person_id, entity_id, recipient_name, issued_at, issued_by, referral_id, replaces)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                    params![s, forum_id, kind, person, entity, r.name, now, text::clean(by), r.referral_id, replaces],
                )?;
                (s, true)
            }
        };
        let name = r.name.clone();
        out.push(Issued {
            qr: signing::qr(&k, &serial, &name),
            serial,
            person_id: (!entities).then_some(r.person_id),
            name,
            female: r.female,
            new,
        });
    }
    tx.execute(
        "INSERT INTO certificate_serial(forum_id, last) VALUES (?1, ?2)
         ON CONFLICT(forum_id) DO UPDATE SET last = excluded.last",
        params![forum_id, last],
    )?;
    Ok(out)
}

pub fn revoke(conn: &Connection, serial: &str, reason: &str) -> Result<()> {
    let reason = text::clean(reason);
    if reason.is_empty() {
        return Err(AppError::field("reason", "اكتب سبب إلغاء الشهادة"));
    }
    let n = conn.execute(
        "UPDATE certificate SET revoked_at = ?2, revoke_reason = ?3 WHERE serial = ?1 AND revoked_at IS NULL",
        params![serial, calendar::now_utc(), reason],
    )?;
    if n == 0 {
        return Err(AppError::NotFound {
            what: "الشهادة (أو أنها ملغاة من قبل)",
        });
    }
    Ok(())
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Verification {
    /// `genuine`, `revoked`, `forged` (signature does not match) or `unknown` (no such serial).
    pub status: &'static str,
    pub message: String,
    pub serial: String,
    pub name: Option<String>,
    pub kind: Option<String>,
    pub forum: Option<String>,
    pub issued_at: Option<String>,
}

struct Stored {
    name: String,
    kind: String,
    forum: String,
    issued_at: String,
    revoked_at: Option<String>,
    reason: Option<String>,
}

/// What a verifier typed or scanned: a bare serial, an older certificate's keyed signature
/// (`SERIAL.SIGNATURE`), or a signed QR (`SERIAL|NAME|SIGNATURE`).
enum Claim {
    Bare,
    Keyed(String),
    Signed { name: String, sig: String },
}

/// Checks a serial, or the text of a certificate's QR code, against the records: whether it
/// exists and its state (a bare serial), or whose it is (a signed code).
pub fn verify(conn: &Connection, input: &str) -> Result<Verification> {
    let (serial, claim) = if let Some((s, name, sig)) = signing::parse(input) {
        (
            s.to_string(),
            Claim::Signed {
                name: name.to_string(),
                sig: sig.to_string(),
            },
        )
    } else {
        match input.trim().rsplit_once('.') {
            Some((s, g)) => (s.to_string(), Claim::Keyed(g.trim().to_string())),
            None => (input.to_string(), Claim::Bare),
        }
    };
    let serial = text::latin_digits(&text::clean(&serial)).to_uppercase();
    let row = conn
        .query_row(
            "SELECT c.recipient_name, c.kind, f.name_ar, c.issued_at, c.revoked_at, c.revoke_reason
               FROM certificate c JOIN forum f ON f.id = c.forum_id WHERE c.serial = ?1",
            [&serial],
            |r| {
                Ok(Stored {
                    name: r.get(0)?,
                    kind: r.get(1)?,
                    forum: r.get(2)?,
                    issued_at: r.get(3)?,
                    revoked_at: r.get(4)?,
                    reason: r.get(5)?,
                })
            },
        )
        .optional()?;
    let Some(c) = row else {
        return Ok(Verification {
            status: "unknown",
            message: format!("لا توجد شهادة بالرقم {serial} في سجلات هذا البرنامج"),
            serial,
            name: None,
            kind: None,
            forum: None,
            issued_at: None,
        });
    };
    // The names this certificate was printed with: now, and before each correction.
    let mut names = vec![c.name.clone()];
    {
        let mut stmt =
            conn.prepare_cached("SELECT name FROM certificate_name WHERE serial = ?1")?;
        let old = stmt.query_map([&serial], |r| r.get::<_, String>(0))?;
        for n in old {
            names.push(n?);
        }
    }
    // The name the paper shows, when its signature holds.
    let printed: Option<Option<String>> = match &claim {
        Claim::Bare => None,
        Claim::Keyed(g) => {
            let k = key(conn)?;
            let mut hit = None;
            for n in &names {
                if signature(&k, &serial, n)? == *g {
                    hit = Some(n.clone());
                    break;
                }
            }
            Some(hit)
        }
        Claim::Signed { name, sig } => {
            let public = signing::signing_key(conn)?.verifying_key();
            Some(
                (signing::signed(&public, &serial, name, sig) && names.contains(name))
                    .then(|| name.clone()),
            )
        }
    };
    let replaced_by: Option<String> = conn
        .query_row(
            "SELECT serial FROM certificate WHERE replaces = ?1 ORDER BY rowid DESC LIMIT 1",
            [&serial],
            |r| r.get(0),
        )
        .optional()?;
    let state = |status: &'static str, message: String| Verification {
        status,
        message,
        serial: serial.clone(),
        name: None,
        kind: None,
        forum: None,
        issued_at: None,
    };
    match printed {
        // Only the QR code's signature shows whose certificate it is: typing serials in order
        // tells whether each exists and its state, never a name.
        None => Ok(if c.revoked_at.is_some() {
            state(
                "revoked",
                "توجد شهادة بهذا الرقم وهي ملغاة؛ امسح رمز QR على الشهادة لمعرفة تفاصيلها".into(),
            )
        } else {
            state(
                "genuine",
                "توجد شهادة سارية بهذا الرقم؛ امسح رمز QR على الشهادة لمعرفة اسم صاحبها".into(),
            )
        }),
        Some(None) => Ok(state(
            "forged",
            "الشهادة مزوّرة: التوقيع في رمز QR لا يطابق سجلات الملتقى".to_string(),
        )),
        Some(Some(shown)) => {
            let (status, message) = if c.revoked_at.is_some() {
                let mut m = format!("الشهادة ملغاة: {}", c.reason.unwrap_or_default());
                if let Some(new) = &replaced_by {
                    m.push_str(&format!("، واستُبدلت بالشهادة {new}"));
                }
                ("revoked", m)
            } else if shown != c.name {
                (
                    "genuine",
                    format!(
                        "شهادة صحيحة صدرت باسم «{shown}»، وصُحّح الاسم بعدها إلى «{}»",
                        c.name
                    ),
                )
            } else {
                ("genuine", format!("شهادة صحيحة صادرة باسم «{}»", c.name))
            };
            Ok(Verification {
                status,
                message,
                serial,
                kind: kind_label(&c.kind).map(str::to_string),
                name: Some(c.name),
                forum: Some(c.forum),
                issued_at: Some(c.issued_at),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn setup() -> (tempfile::TempDir, Store, i64) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("m.sqlite3")).unwrap();
        let forum = crate::demo::load(&mut store.conn()).unwrap();
        (dir, store, forum)
    }

    #[test]
    fn issuing_gives_serials_once_and_reprinting_keeps_them() {
        let (_d, store, forum) = setup();
        let mut conn = store.conn();
        let who = eligible(&conn, forum, "attendance", None).unwrap();
        assert!(who.len() > 100 && who.iter().all(|r| r.serial.is_none()));
        let first = issue(&mut conn, forum, "attendance", None, None, "سعد").unwrap();
        assert_eq!(first.len(), who.len());
        assert!(first
            .iter()
            .all(|i| i.new && i.serial.starts_with(&format!("SEF-1441-{forum:02}-"))));
        assert_eq!(first[0].serial, serial_for(1441, forum, 1));
        let again = issue(&mut conn, forum, "attendance", None, None, "سعد").unwrap();
        assert_eq!(
            again.iter().map(|i| &i.serial).collect::<Vec<_>>(),
            first.iter().map(|i| &i.serial).collect::<Vec<_>>()
        );
        assert!(again.iter().all(|i| !i.new));
        // Two days' attendance required: fewer qualify, and none gets a second serial.
        let mut t = template(&conn, forum, "attendance").unwrap();
        t.min_days = 2;
        save_template(&conn, forum, &t).unwrap();
        assert!(eligible(&conn, forum, "attendance", None).unwrap().len() < first.len());
    }

    #[test]
    fn concurrent_issuing_never_reuses_a_serial() {
        let (dir, store, forum) = setup();
        drop(store);
        let path = dir.path().join("m.sqlite3");
        let handles: Vec<_> = ["attendance", "appreciation_volunteer"]
            .into_iter()
            .map(|kind| {
                let path = path.clone();
                std::thread::spawn(move || {
                    let store = Store::open(&path).unwrap();
                    let mut conn = store.conn();
                    issue(&mut conn, forum, kind, None, None, "").unwrap()
                })
            })
            .collect();
        let mut serials: Vec<String> = handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .map(|i| i.serial)
            .collect();
        let n = serials.len();
        serials.sort();
        serials.dedup();
        assert_eq!(serials.len(), n, "every serial is unique");
        let store = Store::open(&path).unwrap();
        let last: i64 = store
            .conn()
            .query_row("SELECT last FROM certificate_serial", [], |r| r.get(0))
            .unwrap();
        assert_eq!(last as usize, n);
    }

    #[test]
    fn verify_tells_genuine_revoked_forged_and_unknown() {
        let (_d, store, forum) = setup();
        let mut conn = store.conn();
        let issued = issue(&mut conn, forum, "attendance", None, None, "").unwrap();
        let one = &issued[0];
        assert_eq!(verify(&conn, &one.qr).unwrap().status, "genuine");
        assert_eq!(
            verify(&conn, &one.serial.to_lowercase()).unwrap().status,
            "genuine"
        );
        let v = verify(&conn, &one.qr).unwrap();
        assert_eq!(v.name.as_deref(), Some(one.name.as_str()));
        // A tampered signature, a genuine signature moved onto another serial, another name.
        let (rest, sig) = one.qr.rsplit_once('|').unwrap();
        let mut bad = sig.to_string().into_bytes();
        bad[0] = if bad[0] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            verify(
                &conn,
                &format!("{rest}|{}", String::from_utf8(bad).unwrap())
            )
            .unwrap()
            .status,
            "forged"
        );
        assert_eq!(
            verify(&conn, &format!("{}|{}|{sig}", issued[1].serial, one.name))
                .unwrap()
                .status,
            "forged"
        );
        assert_eq!(
            verify(&conn, &format!("{}|{}|{sig}", one.serial, issued[1].name))
                .unwrap()
                .status,
            "forged"
        );
        // A certificate printed before signatures were public keeps verifying.
        let keyed = format!(
            "{}.{}",
            one.serial,
            signature(&key(&conn).unwrap(), &one.serial, &one.name).unwrap()
        );
        assert_eq!(verify(&conn, &keyed).unwrap().status, "genuine");
        assert_eq!(
            verify(&conn, &format!("{}.AAAAAAAAAAA", one.serial))
                .unwrap()
                .status,
            "forged"
        );
        // With the public key alone (no database), the same code verifies.
        let public = signing::public_key(&conn).unwrap();
        assert_eq!(
            signing::check_offline(&public, &one.qr).unwrap().status,
            "genuine"
        );
        assert_eq!(verify(&conn, "SEF-1441-999999").unwrap().status, "unknown");
        assert!(revoke(&conn, &one.serial, " ").is_err());
        revoke(&conn, &one.serial, "صدرت بالخطأ").unwrap();
        let v = verify(&conn, &one.qr).unwrap();
        assert_eq!(v.status, "revoked");
        assert!(v.message.contains("صدرت بالخطأ"));
    }

    #[test]
    fn two_forums_of_one_hijri_year_both_issue_and_serials_never_meet() {
        let (_d, store, demo) = setup();
        let mut conn = store.conn();
        let mut input = crate::demo::demo_forum();
        input.name_ar = "ملتقى التمكين الاجتماعي الثاني".into();
        let other = crate::forum::create(&mut conn, &input).unwrap().id;
        let person = crate::person::create(
            &mut conn,
            other,
            &crate::person::PersonInput {
                full_name: "هند علي الشهري".into(),
                mobile: "0551230001".into(),
                category: "زائر".into(),
                ..Default::default()
            },
        )
        .unwrap();
        crate::checkin::check_in(
            &mut conn,
            &crate::checkin::CheckinRequest {
                forum_id: other,
                code: None,
                person_id: Some(person.id),
                day: 1,
                ..Default::default()
            },
        )
        .unwrap();
        let a = issue(&mut conn, demo, "attendance", None, None, "").unwrap();
        let b = issue(&mut conn, other, "attendance", None, None, "").unwrap();
        assert_eq!(b.len(), 1);
        assert!(a.iter().all(|x| x.serial != b[0].serial));
        assert_eq!(b[0].serial, serial_for(1441, other, 1));
        assert_eq!(
            verify(&conn, &b[0].qr).unwrap().name.as_deref(),
            Some("هند علي الشهري")
        );
    }

    #[test]
    fn a_bare_serial_tells_its_state_but_never_the_name() {
        let (_d, store, forum) = setup();
        let mut conn = store.conn();
        let issued = issue(&mut conn, forum, "attendance", None, None, "").unwrap();
        let one = &issued[0];
        let bare = verify(&conn, &one.serial).unwrap();
        assert_eq!(bare.status, "genuine");
        assert_eq!(
            (bare.name, bare.kind, bare.forum, bare.issued_at),
            (None, None, None, None)
        );
        assert!(!bare.message.contains(&one.name));
        let forged = verify(&conn, &format!("{}.AAAAAAAAAAA", one.serial)).unwrap();
        assert_eq!(forged.status, "forged");
        assert!(forged.name.is_none() && !forged.message.contains(&one.name));
        let signed = verify(&conn, &one.qr).unwrap();
        assert_eq!(signed.name.as_deref(), Some(one.name.as_str()));
        revoke(&conn, &one.serial, "خطأ في البيانات").unwrap();
        let bare = verify(&conn, &one.serial).unwrap();
        assert_eq!(bare.status, "revoked");
        assert!(bare.name.is_none() && !bare.message.contains("خطأ في البيانات"));
    }

    #[test]
    fn templates_validate_and_default_to_the_committee_head() {
        let (_d, store, forum) = setup();
        let conn = store.conn();
        let t = template(&conn, forum, "attendance").unwrap();
        assert!(t.body.contains("{الاسم}"));
        assert_eq!(t.signatories[0].name, "أ. عبدالله بن محمد المالكي");
        let mut bad = t.clone();
        bad.title = " ".into();
        bad.signatories = vec![];
        let e = save_template(&conn, forum, &bad).unwrap_err();
        let fields: Vec<&str> = e.fields().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["title", "signatories"]);
        assert!(template(&conn, forum, "nope").is_err());
    }

    #[test]
    fn course_certificates_go_to_those_who_completed_each_course_once_per_course() {
        use crate::track::testing::{complete, course};
        let (_d, store, forum) = setup();
        let mut conn = store.conn();
        let e = eligible(&conn, forum, "course", None).unwrap_err();
        assert_eq!(e.fields()[0].field, "course_id");
        let job = crate::track::testing::job(&mut conn, forum, "محاسب", 2);
        assert!(
            eligible(&conn, forum, "course", Some(job)).is_err(),
            "a job is not a course"
        );
        let plain = course(&mut conn, forum, "دورة بلا شهادة", 6, false);
        let e = eligible(&conn, forum, "course", Some(plain)).unwrap_err();
        assert!(e.to_string().contains("لا تمنح شهادة"), "{e}");

        let a = course(&mut conn, forum, "مهارات التسويق الرقمي", 20, true);
        let b = course(&mut conn, forum, "إدارة المشاريع الصغيرة", 2, true);
        let people: Vec<i64> = crate::person::list(&conn, forum, &crate::person::Filter::first(3))
            .unwrap()
            .people
            .iter()
            .map(|p| p.person.id)
            .collect();
        for p in &people {
            complete(&mut conn, forum, a, *p);
        }
        complete(&mut conn, forum, b, people[0]);
        let listed = courses(&conn, forum).unwrap();
        let ca = listed.iter().find(|c| c.id == a).unwrap();
        assert_eq!((ca.completed, ca.issued, ca.hours), (3, 0, Some(20)));
        assert!(listed.iter().all(|c| c.id != plain && c.id != job));

        let who = eligible(&conn, forum, "course", Some(a)).unwrap();
        assert_eq!(who.len(), 3);
        assert!(who.iter().all(|r| r.referral_id.is_some()));
        let first = issue(&mut conn, forum, "course", Some(a), None, "").unwrap();
        assert_eq!(first.len(), 3);
        let again = issue(&mut conn, forum, "course", Some(a), None, "").unwrap();
        assert!(again.iter().all(|i| !i.new));
        // The same person's second course is a second certificate with its own serial.
        let second = issue(&mut conn, forum, "course", Some(b), None, "").unwrap();
        assert_eq!(second.len(), 1);
        assert!(second[0].new);
        assert!(first.iter().all(|i| i.serial != second[0].serial));
        let theirs: i64 = conn
            .query_row(
                "SELECT count(*) FROM certificate WHERE kind = 'course' AND person_id = ?1",
                [people[0]],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(theirs, 2);
        assert_eq!(
            courses(&conn, forum)
                .unwrap()
                .iter()
                .find(|c| c.id == a)
                .unwrap()
                .issued,
            3
        );

        // The course fills the wording: its title, its hours counted, its entity.
        let f = crate::forum::get(&conn, forum).unwrap();
        let cb = course_of(&conn, forum, "course", Some(b)).unwrap();
        let body = render::fill(
            &template(&conn, forum, "course").unwrap().body,
            &f,
            "course",
            cb.as_ref(),
        );
        assert!(body.contains("«إدارة المشاريع الصغيرة»"), "{body}");
        assert!(body.contains("بواقع ساعتين تدريبيتين"), "{body}");
        assert!(body.contains(&cb.unwrap().entity), "{body}");
        assert!(!body.contains('{') || body.contains("{الاسم}"));
        // The design's live preview works for courses too.
        let draft = template(&conn, forum, "course").unwrap();
        assert!(render::preview_draft(&conn, forum, &draft)
            .unwrap()
            .starts_with("<svg"));
    }

    #[test]
    fn a_corrected_name_reaches_the_reprint_and_the_old_paper_still_verifies() {
        let (_d, store, forum) = setup();
        let mut conn = store.conn();
        let first = issue(&mut conn, forum, "attendance", None, None, "").unwrap();
        let one = first[0].clone();
        let id = one.person_id.unwrap();
        conn.execute(
            "UPDATE person_row SET full_name = 'اسم مصحح للاختبار' WHERE id = ?1",
            [id],
        )
        .unwrap();
        let again = issue(&mut conn, forum, "attendance", None, Some(&[id]), "").unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!(
            (again[0].serial.as_str(), again[0].new),
            (one.serial.as_str(), false)
        );
        assert_eq!(
            again[0].name, "اسم مصحح للاختبار",
            "the reprint carries the new name"
        );
        let new_paper = verify(&conn, &again[0].qr).unwrap();
        assert_eq!(new_paper.status, "genuine");
        assert_eq!(new_paper.name.as_deref(), Some("اسم مصحح للاختبار"));
        let old_paper = verify(&conn, &one.qr).unwrap();
        assert_eq!(old_paper.status, "genuine", "{}", old_paper.message);
        assert!(old_paper.message.contains(&one.name) && old_paper.message.contains("صُحّح"));
        assert_eq!(
            verify(&conn, &format!("{}.AAAAAAAAAAA", one.serial))
                .unwrap()
                .status,
            "forged"
        );
    }

    #[test]
    fn a_revoked_certificate_is_replaced_on_request_with_a_new_serial_pointing_back() {
        let (_d, store, forum) = setup();
        let mut conn = store.conn();
        let first = issue(&mut conn, forum, "attendance", None, None, "").unwrap();
        let one = first[0].clone();
        let id = one.person_id.unwrap();
        revoke(&conn, &one.serial, "خطأ في الاسم").unwrap();
        // A whole batch leaves the revocation be.
        let batch = issue(&mut conn, forum, "attendance", None, None, "").unwrap();
        assert!(batch.iter().all(|i| i.person_id != Some(id)));
        // Asked for this person: a replacement.
        let replaced = issue(&mut conn, forum, "attendance", None, Some(&[id]), "").unwrap();
        assert_eq!(replaced.len(), 1);
        let r = &replaced[0];
        assert!(r.new && r.serial != one.serial);
        let who = eligible(&conn, forum, "attendance", None).unwrap();
        let row = who.iter().find(|x| x.person_id == id).unwrap();
        assert_eq!(row.serial.as_deref(), Some(r.serial.as_str()));
        assert_eq!(row.replaces.as_deref(), Some(one.serial.as_str()));
        assert!(!row.revoked);
        assert_eq!(who.iter().filter(|x| x.person_id == id).count(), 1);
        let old = verify(&conn, &one.qr).unwrap();
        assert_eq!(old.status, "revoked");
        assert!(old.message.contains(&r.serial), "{}", old.message);
        // Still one certificate in force: asking again re-uses the replacement.
        let again = issue(&mut conn, forum, "attendance", None, Some(&[id]), "").unwrap();
        assert_eq!(
            (again[0].serial.as_str(), again[0].new),
            (r.serial.as_str(), false)
        );
    }

    #[test]
    fn attendance_certificates_print_the_days_each_person_came() {
        let (_d, store, forum) = setup();
        let days: Vec<(i64, i64)> = store
            .conn()
            .prepare(
                "SELECT person_id, count(DISTINCT day) FROM checkin WHERE undone_at IS NULL GROUP BY person_id",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        let one_day = days.iter().find(|(_, n)| *n == 1).unwrap().0;
        let two_days = days.iter().find(|(_, n)| *n == 2).unwrap().0;
        let (_, batch) = render::prepare(
            &store,
            forum,
            "attendance",
            None,
            Some(&[one_day, two_days]),
            "",
        )
        .unwrap();
        let by_name = |id: i64| {
            let name: String = store
                .conn()
                .query_row("SELECT full_name FROM person WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .unwrap();
            batch
                .sheets
                .iter()
                .find(|s| s.name == name)
                .unwrap()
                .clone()
        };
        let (h1, g1) = by_name(one_day).dates.unwrap();
        assert!(!h1.starts_with("من") && h1.ends_with("1441هـ"), "{h1}");
        assert!(g1.ends_with("2019م"));
        let (h2, _) = by_name(two_days).dates.unwrap();
        assert_eq!(h2, "من 13 إلى 14 ربيع الأول 1441هـ");
        assert!(render::render(&batch).is_ok());
        let f = crate::forum::get(&store.conn(), forum).unwrap();
        let t = template(&store.conn(), forum, "attendance").unwrap();
        let text = render::fill_dates(
            &render::fill(&t.body, &f, "attendance", None),
            &f,
            by_name(two_days).dates.as_ref(),
        );
        assert!(text.contains("من 13 إلى 14 ربيع الأول 1441هـ"), "{text}");
    }

    #[test]
    fn an_unknown_placeholder_is_refused_with_the_valid_ones() {
        let (_d, store, forum) = setup();
        let conn = store.conn();
        let mut t = template(&conn, forum, "attendance").unwrap();
        t.body = "تشهد اللجنة بأن\n{الاسم}\nقد {حضر/حضرت} {اسم_خطأ}".into();
        let e = save_template(&conn, forum, &t).unwrap_err();
        let m = &e.fields()[0].message;
        assert_eq!(e.fields()[0].field, "body");
        assert!(
            m.contains("{اسم_خطأ}") && m.contains("{الاسم}") && m.contains("{الساعات}"),
            "{m}"
        );
        assert!(render::preview_draft(&conn, forum, &t).is_err());
        t.body = "نص فيه قوس { بلا إغلاق".into();
        assert!(save_template(&conn, forum, &t).is_err());
        t.body = "{الاسم}\nقد {حضر/حضرت} الملتقى {له/لها}".into();
        assert!(save_template(&conn, forum, &t).is_ok());
    }
}
