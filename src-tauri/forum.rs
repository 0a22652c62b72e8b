//! The forum (الملتقى): one edition of the event — names, region, venue, days, patron,
//! committees and logo. Validation, storage and the derived day list live here.

use base64::Engine;
use chrono::{Duration, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::calendar::{self, DateLabel};
use crate::error::{AppError, FieldError, Result};
use crate::text;

pub const MAX_DAYS: u32 = 29;
pub const MAX_LOGO_BYTES: usize = 2 * 1024 * 1024;
const MAX_NAME: usize = 200;
const MAX_TEXT: usize = 300;
const MAX_MEMBERS: usize = 60;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Member {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub role: String,
}

/// A number as forms send it: a JSON number, or text with Latin or Arabic-Indic digits.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum LooseInt {
    Int(i64),
    Text(String),
}

impl LooseInt {
    fn value(&self) -> Option<i64> {
        match self {
            LooseInt::Int(i) => Some(*i),
            LooseInt::Text(s) => text::latin_digits(&text::clean(s)).parse().ok(),
        }
    }
}

/// What the forum form sends. `end_date`, when given, sets the number of days.
/// `logo`: absent or null keeps the current logo, `""` removes it, a `data:` URL or base64
/// image replaces it.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct ForumInput {
    #[serde(default)]
    pub name_ar: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub venue: String,
    #[serde(default)]
    pub start_date: String,
    #[serde(default)]
    pub day_count: Option<LooseInt>,
    #[serde(default)]
    pub end_date: Option<String>,
    #[serde(default)]
    pub patron: String,
    #[serde(default)]
    pub organizing_committee: Vec<Member>,
    #[serde(default)]
    pub executive_committee: Vec<Member>,
    #[serde(default)]
    pub logo: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForumDay {
    pub number: u32,
    #[serde(flatten)]
    pub label: DateLabel,
}

#[derive(Debug, Clone, Serialize)]
pub struct Forum {
    pub id: i64,
    pub uuid: String,
    pub name_ar: String,
    pub name_en: String,
    pub region: String,
    pub venue: String,
    pub start_date: String,
    pub end_date: String,
    pub day_count: u32,
    pub patron: String,
    pub organizing_committee: Vec<Member>,
    pub executive_committee: Vec<Member>,
    pub has_logo: bool,
    pub is_demo: bool,
    pub days: Vec<ForumDay>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Logo {
    pub mime: String,
    pub data_url: String,
}

/// What a form asks of a logo: keep it, remove it, or set new bytes. Forums and enabling
/// entities keep logos the same way, in a table keyed by their id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LogoChange {
    Keep,
    Remove,
    Set { mime: &'static str, bytes: Vec<u8> },
}

impl LogoChange {
    /// Writes the change to `table` (`forum_logo`, `entity_logo`) whose key column is `key`.
    pub(crate) fn apply(&self, conn: &Connection, table: &str, key: &str, id: i64) -> Result<()> {
        match self {
            LogoChange::Keep => {}
            LogoChange::Remove => {
                conn.execute(&format!("DELETE FROM {table} WHERE {key} = ?1"), [id])?;
            }
            LogoChange::Set { mime, bytes } => {
                conn.execute(
                    &format!(
                        "INSERT INTO {table}({key}, mime, bytes) VALUES (?1, ?2, ?3)
                         ON CONFLICT({key}) DO UPDATE SET mime = excluded.mime, bytes = excluded.bytes"
                    ),
                    params![id, mime, bytes],
                )?;
            }
        }
        Ok(())
    }
}

/// Input that passed validation.
#[derive(Debug, Clone)]
struct Valid {
    name_ar: String,
    name_en: String,
    region: String,
    venue: String,
    start: NaiveDate,
    day_count: u32,
    patron: String,
    organizing: Vec<Member>,
    executive: Vec<Member>,
    logo: LogoChange,
}

/// The forum's days, each with its Gregorian and Hijri date.
pub fn days(start: NaiveDate, day_count: u32) -> Vec<ForumDay> {
    (0..day_count)
        .map(|i| ForumDay {
            number: i + 1,
            label: calendar::label(start + Duration::days(i64::from(i))),
        })
        .collect()
}

/// Which day of the forum `date` is (1-based), if it is one.
pub fn day_number(forum: &Forum, date: NaiveDate) -> Option<u32> {
    let iso = date.format("%Y-%m-%d").to_string();
    forum
        .days
        .iter()
        .find(|d| d.label.date == iso)
        .map(|d| d.number)
}

/// The day list for a form that is still being filled in (live preview), with the same rules
/// as saving.
pub fn preview_days(
    start_date: &str,
    day_count: Option<LooseInt>,
    end_date: Option<String>,
) -> Result<Vec<ForumDay>> {
    let mut errors = Vec::new();
    let (start, count) = check_dates(
        start_date,
        day_count.as_ref(),
        end_date.as_deref(),
        &mut errors,
    );
    match (start, count) {
        (Some(s), Some(c)) if errors.is_empty() => Ok(days(s, c)),
        _ => Err(AppError::Validation(errors)),
    }
}

fn check_text(
    field: &str,
    value: &str,
    max: usize,
    label: &str,
    errors: &mut Vec<FieldError>,
) -> String {
    let v = text::clean(value);
    if text::char_len(&v) > max {
        errors.push(FieldError::new(
            field,
            format!("{label} أطول من الحد المسموح ({max} حرفًا)"),
        ));
    }
    v
}

fn check_dates(
    start_date: &str,
    day_count: Option<&LooseInt>,
    end_date: Option<&str>,
    errors: &mut Vec<FieldError>,
) -> (Option<NaiveDate>, Option<u32>) {
    let start_text = text::latin_digits(&text::clean(start_date));
    let start = if start_text.is_empty() {
        errors.push(FieldError::new("start_date", "تاريخ اليوم الأول مطلوب"));
        None
    } else {
        match calendar::parse_iso(&start_text) {
            None => {
                errors.push(FieldError::new("start_date", "تاريخ اليوم الأول غير صحيح"));
                None
            }
            Some(d)
                if !(calendar::MIN_YEAR..=calendar::MAX_YEAR)
                    .contains(&chrono::Datelike::year(&d)) =>
            {
                errors.push(FieldError::new(
                    "start_date",
                    format!(
                        "السنة يجب أن تكون من {} إلى {}",
                        calendar::MIN_YEAR,
                        calendar::MAX_YEAR
                    ),
                ));
                None
            }
            Some(d) => Some(d),
        }
    };

    let end_text = end_date
        .map(|e| text::latin_digits(&text::clean(e)))
        .filter(|e| !e.is_empty());
    let mut count: Option<i64> = None;
    if let Some(e) = &end_text {
        match calendar::parse_iso(e) {
            None => errors.push(FieldError::new("end_date", "تاريخ اليوم الأخير غير صحيح")),
            Some(end) => {
                if let Some(s) = start {
                    if end < s {
                        errors.push(FieldError::new(
                            "end_date",
                            "تاريخ اليوم الأخير يسبق تاريخ اليوم الأول",
                        ));
                    } else {
                        count = Some((end - s).num_days() + 1);
                    }
                }
            }
        }
    }
    let given = day_count.map(|d| d.value());
    match (given, count) {
        (Some(None), _) => errors.push(FieldError::new("day_count", "عدد الأيام يجب أن يكون رقمًا")),
        (Some(Some(g)), Some(c)) if g != c => errors.push(FieldError::new(
            "day_count",
            format!("عدد الأيام ({g}) لا يوافق الفترة بين اليوم الأول والأخير ({c})"),
        )),
        (Some(Some(g)), _) => count = Some(g),
        (None, None) if end_text.is_none() => {
            errors.push(FieldError::new("day_count", "عدد الأيام مطلوب"));
        }
        _ => {}
    }
    let count = match count {
        Some(c) if (1..=i64::from(MAX_DAYS)).contains(&c) => u32::try_from(c).ok(),
        Some(_) => {
            let field = if given.is_some() {
                "day_count"
            } else {
                "end_date"
            };
            errors.push(FieldError::new(
                field,
                format!("عدد أيام الملتقى يجب أن يكون من 1 إلى {MAX_DAYS} يومًا"),
            ));
            None
        }
        None => None,
    };
    (start, count)
}

fn check_members(
    field: &str,
    label: &str,
    members: &[Member],
    errors: &mut Vec<FieldError>,
) -> Vec<Member> {
    let mut out = Vec::new();
    for (i, m) in members.iter().enumerate() {
        let name = text::clean(&m.name);
        let role = text::clean(&m.role);
        if name.is_empty() && role.is_empty() {
            continue; // an empty row left in the form
        }
        if name.is_empty() {
            errors.push(FieldError::new(
                field,
                format!("العضو رقم {} في {label} بلا اسم", i + 1),
            ));
        } else if text::char_len(&name) > MAX_NAME || text::char_len(&role) > MAX_TEXT {
            errors.push(FieldError::new(
                field,
                format!("بيانات العضو رقم {} في {label} أطول من الحد المسموح", i + 1),
            ));
        }
        out.push(Member { name, role });
    }
    if out.len() > MAX_MEMBERS {
        errors.push(FieldError::new(
            field,
            format!("{label}: الحد الأعلى {MAX_MEMBERS} عضوًا"),
        ));
    }
    out
}

/// Recognises PNG, JPEG and WebP by their first bytes (never by the file name).
pub fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.len() > 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// An image sent by the UI as a data URL (or bare base64): its bytes, checked to be PNG, JPEG or
/// WebP of at most 2 MB, or the Arabic reason it is refused.
pub fn image_from_data_url(raw: &str, what: &str) -> std::result::Result<Vec<u8>, String> {
    let raw = raw.trim();
    let b64 = match raw.strip_prefix("data:") {
        Some(rest) => match rest.split_once(";base64,") {
            Some((_, data)) => data,
            None => return Err(format!("ملف {what} غير مقروء")),
        },
        None => raw,
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|_| format!("ملف {what} غير مقروء"))?;
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(format!("حجم {what} أكبر من 2 ميغابايت؛ اختر صورة أصغر"));
    }
    if sniff_image(&bytes).is_none() {
        return Err(format!("{what} يجب أن يكون صورة بصيغة PNG أو JPEG أو WebP"));
    }
    Ok(bytes)
}

/// A data URL for showing stored image bytes in the UI.
pub fn data_url(bytes: &[u8]) -> String {
    format!(
        "data:{};base64,{}",
        sniff_image(bytes).unwrap_or("application/octet-stream"),
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// The logo sent with a form: absent keeps it, empty removes it, a data URL sets it (an
/// unreadable or too large image is a field error).
pub(crate) fn check_logo(logo: Option<&str>, errors: &mut Vec<FieldError>) -> LogoChange {
    let Some(raw) = logo else {
        return LogoChange::Keep;
    };
    if raw.trim().is_empty() {
        return LogoChange::Remove;
    }
    match image_from_data_url(raw, "الشعار") {
        Ok(bytes) => LogoChange::Set {
            mime: sniff_image(&bytes).unwrap_or("image/png"),
            bytes,
        },
        Err(message) => {
            errors.push(FieldError::new("logo", &message));
            LogoChange::Keep
        }
    }
}

fn validate(input: &ForumInput) -> Result<Valid> {
    let mut errors = Vec::new();
    let name_ar = check_text(
        "name_ar",
        &input.name_ar,
        MAX_NAME,
        "اسم الملتقى",
        &mut errors,
    );
    if name_ar.is_empty() {
        errors.push(FieldError::new("name_ar", "اسم الملتقى بالعربية مطلوب"));
    }
    let name_en = check_text(
        "name_en",
        &input.name_en,
        MAX_NAME,
        "الاسم بالإنجليزية",
        &mut errors,
    );
    let region = check_text("region", &input.region, MAX_TEXT, "المنطقة", &mut errors);
    let venue = check_text("venue", &input.venue, MAX_TEXT, "المقر", &mut errors);
    let patron = check_text(
        "patron",
        &input.patron,
        MAX_TEXT,
        "راعي الملتقى",
        &mut errors,
    );
    let (start, count) = check_dates(
        &input.start_date,
        input.day_count.as_ref(),
        input.end_date.as_deref(),
        &mut errors,
    );
    let organizing = check_members(
        "organizing_committee",
        "اللجنة المنظمة",
        &input.organizing_committee,
        &mut errors,
    );
    let executive = check_members(
        "executive_committee",
        "اللجنة التنفيذية",
        &input.executive_committee,
        &mut errors,
    );
    let logo = check_logo(input.logo.as_deref(), &mut errors);
    match (start, count) {
        (Some(start), Some(day_count)) if errors.is_empty() => Ok(Valid {
            name_ar,
            name_en,
            region,
            venue,
            start,
            day_count,
            patron,
            organizing,
            executive,
            logo,
        }),
        _ => Err(AppError::Validation(errors)),
    }
}

const FORUM_COLUMNS: &str = "f.id, f.uuid, f.name_ar, f.name_en, f.region, f.venue, f.start_date, f.day_count, \
     f.patron, f.is_demo, f.created_at, f.updated_at, EXISTS(SELECT 1 FROM forum_logo l WHERE l.forum_id = f.id)";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Forum> {
    let start_date: String = r.get(6)?;
    let day_count: u32 = r.get(7)?;
    let start = calendar::parse_iso(&start_date).unwrap_or_default();
    let day_list = days(start, day_count);
    Ok(Forum {
        id: r.get(0)?,
        uuid: r.get(1)?,
        name_ar: r.get(2)?,
        name_en: r.get(3)?,
        region: r.get(4)?,
        venue: r.get(5)?,
        end_date: day_list
            .last()
            .map(|d| d.label.date.clone())
            .unwrap_or_else(|| start_date.clone()),
        start_date,
        day_count,
        patron: r.get(8)?,
        is_demo: r.get(9)?,
        created_at: r.get(10)?,
        updated_at: r.get(11)?,
        has_logo: r.get(12)?,
        organizing_committee: Vec::new(),
        executive_committee: Vec::new(),
        days: day_list,
    })
}

fn load_members(conn: &Connection, forum: &mut Forum) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT committee, name, role FROM committee_member WHERE forum_id = ?1 ORDER BY committee, position",
    )?;
    let rows = stmt.query_map([forum.id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            Member {
                name: r.get(1)?,
                role: r.get(2)?,
            },
        ))
    })?;
    for row in rows {
        let (committee, m) = row?;
        if committee == "organizing" {
            forum.organizing_committee.push(m);
        } else {
            forum.executive_committee.push(m);
        }
    }
    Ok(())
}

pub fn list(conn: &Connection) -> Result<Vec<Forum>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {FORUM_COLUMNS} FROM forum f ORDER BY f.start_date DESC, f.id DESC"
    ))?;
    let mut forums = stmt
        .query_map([], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for f in &mut forums {
        load_members(conn, f)?;
    }
    Ok(forums)
}

/// Which forum a new browser or desk opens, and why: the one running on `today` (venue date);
/// else the next to start; else the one that ended last. `None` when there is no forum.
pub fn default_for(
    conn: &Connection,
    today: chrono::NaiveDate,
) -> Result<Option<(i64, &'static str)>> {
    let day = today.format("%Y-%m-%d").to_string();
    let pick = |sql: &str| -> Result<Option<i64>> {
        Ok(conn.query_row(sql, [&day], |r| r.get(0)).optional()?)
    };
    if let Some(id) = pick(
        "SELECT id FROM forum WHERE start_date <= ?1 AND date(start_date, (day_count - 1) || ' days') >= ?1
          ORDER BY start_date DESC, id DESC LIMIT 1",
    )? {
        return Ok(Some((id, "running")));
    }
    if let Some(id) =
        pick("SELECT id FROM forum WHERE start_date > ?1 ORDER BY start_date, id LIMIT 1")?
    {
        return Ok(Some((id, "upcoming")));
    }
    Ok(pick(
        "SELECT id FROM forum WHERE ?1 = ?1
          ORDER BY date(start_date, (day_count - 1) || ' days') DESC, id DESC LIMIT 1",
    )?
    .map(|id| (id, "latest")))
}

pub fn get(conn: &Connection, id: i64) -> Result<Forum> {
    let mut forum = conn
        .query_row(
            &format!("SELECT {FORUM_COLUMNS} FROM forum f WHERE f.id = ?1"),
            [id],
            from_row,
        )
        .optional()?
        .ok_or(AppError::NotFound {
            what: "الملتقى"
        })?;
    load_members(conn, &mut forum)?;
    Ok(forum)
}

fn write_children(tx: &Connection, id: i64, v: &Valid) -> Result<()> {
    tx.execute("DELETE FROM committee_member WHERE forum_id = ?1", [id])?;
    let mut stmt = tx.prepare_cached(
        "INSERT INTO committee_member(forum_id, committee, position, name, role) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (committee, members) in [("organizing", &v.organizing), ("executive", &v.executive)] {
        for (i, m) in members.iter().enumerate() {
            stmt.execute(params![id, committee, i as i64, m.name, m.role])?;
        }
    }
    v.logo.apply(tx, "forum_logo", "forum_id", id)
}

pub fn create(conn: &mut Connection, input: &ForumInput) -> Result<Forum> {
    create_with(conn, input, &uuid::Uuid::new_v4().to_string(), false)
}

/// Creates a forum with a chosen UUID (demo data uses a fixed one).
pub(crate) fn create_with(
    conn: &mut Connection,
    input: &ForumInput,
    uuid: &str,
    is_demo: bool,
) -> Result<Forum> {
    let v = validate(input)?;
    let tx = conn.transaction()?;
    let ts = crate::calendar::now_utc();
    tx.execute(
        "INSERT INTO forum(uuid, name_ar, name_en, region, venue, start_date, day_count, patron, is_demo, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
        params![
            uuid,
            v.name_ar,
            v.name_en,
            v.region,
            v.venue,
            v.start.format("%Y-%m-%d").to_string(),
            v.day_count,
            v.patron,
            is_demo,
            ts
        ],
    )?;
    let id = tx.last_insert_rowid();
    write_children(&tx, id, &v)?;
    tx.commit()?;
    get(conn, id)
}

pub fn update(conn: &mut Connection, id: i64, input: &ForumInput) -> Result<Forum> {
    let v = validate(input)?;
    let tx = conn.transaction()?;
    let changed = tx.execute(
        "UPDATE forum SET name_ar = ?2, name_en = ?3, region = ?4, venue = ?5, start_date = ?6, day_count = ?7,
                patron = ?8, updated_at = ?9 WHERE id = ?1",
        params![
            id,
            v.name_ar,
            v.name_en,
            v.region,
            v.venue,
            v.start.format("%Y-%m-%d").to_string(),
            v.day_count,
            v.patron,
            crate::calendar::now_utc()
        ],
    )?;
    if changed == 0 {
        return Err(AppError::NotFound {
            what: "الملتقى"
        });
    }
    write_children(&tx, id, &v)?;
    tx.commit()?;
    get(conn, id)
}

pub fn delete(conn: &Connection, id: i64) -> Result<()> {
    let n = conn.execute("DELETE FROM forum WHERE id = ?1", [id])?;
    if n == 0 {
        return Err(AppError::NotFound {
            what: "الملتقى"
        });
    }
    Ok(())
}

pub fn logo(conn: &Connection, id: i64) -> Result<Option<Logo>> {
    let row: Option<(String, Vec<u8>)> = conn
        .query_row(
            "SELECT mime, bytes FROM forum_logo WHERE forum_id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(row.map(|(mime, bytes)| Logo {
        data_url: format!(
            "data:{mime};base64,{}",
            base64::engine::general_purpose::STANDARD.encode(bytes)
        ),
        mime,
    }))
}

/// The logo's bytes (PNG, JPEG or WebP), for printing.
pub fn logo_bytes(conn: &Connection, id: i64) -> Result<Option<Vec<u8>>> {
    Ok(conn
        .query_row(
            "SELECT bytes FROM forum_logo WHERE forum_id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?)
}

/// The lines under a report's title: the forum's days in both calendars, its venue and patron,
/// and the day the report was made (venue date, both calendars).
pub fn report_lines(forum: &Forum) -> Vec<String> {
    let (hijri, gregorian) = dates_ar(forum);
    let today = chrono::Utc::now()
        .with_timezone(&crate::checkin::venue_offset())
        .date_naive();
    let made = crate::calendar::label(today);
    let mut lines = Vec::new();
    if !hijri.is_empty() {
        lines.push(format!("أيام الملتقى: {hijri}، الموافق {gregorian}"));
    }
    if !forum.venue.trim().is_empty() {
        lines.push(format!("المكان: {}", forum.venue));
    }
    if !forum.patron.trim().is_empty() {
        lines.push(format!("برعاية: {}", forum.patron));
    }
    lines.push(format!(
        "أُعدّ التقرير في {} الموافق {}",
        made.hijri, made.gregorian
    ));
    lines
}

/// The forum's dates in one line each (Hijri, Gregorian), for print.
pub fn dates_ar(forum: &Forum) -> (String, String) {
    let first = forum
        .days
        .first()
        .and_then(|d| crate::calendar::parse_iso(&d.label.date));
    let last = forum
        .days
        .last()
        .and_then(|d| crate::calendar::parse_iso(&d.label.date));
    match (first, last) {
        (Some(a), Some(b)) => crate::calendar::range_ar(a, b),
        _ => (String::new(), String::new()),
    }
}

/// A plain two-day forum for other modules' tests.
#[cfg(test)]
pub(crate) fn test_forum(conn: &mut Connection) -> i64 {
    let input = ForumInput {
        name_ar: "ملتقى التمكين الاجتماعي للاختبار".into(),
        start_date: "2019-11-10".into(),
        day_count: Some(LooseInt::Int(2)),
        ..Default::default()
    };
    create(conn, &input).expect("test forum").id
}

/// A temporary database with one test forum (unit tests of every domain module).
#[cfg(test)]
pub(crate) fn test_setup() -> (tempfile::TempDir, crate::store::Store, i64) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = crate::store::Store::open(&dir.path().join("m.sqlite3")).expect("store");
    let forum = test_forum(&mut store.conn());
    (dir, store, forum)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn input() -> ForumInput {
        ForumInput {
            name_ar: "  ملتقى التمكين   الاجتماعي ".into(),
            start_date: "2019-11-10".into(),
            day_count: Some(LooseInt::Int(2)),
            organizing_committee: vec![
                Member {
                    name: "سعد علي".into(),
                    role: "رئيس".into(),
                },
                Member::default(),
            ],
            ..Default::default()
        }
    }

    fn field_messages(e: AppError) -> Vec<(String, String)> {
        e.fields()
            .iter()
            .map(|f| (f.field.clone(), f.message.clone()))
            .collect()
    }

    #[test]
    fn valid_input_is_cleaned_and_days_are_derived() {
        let v = validate(&input()).unwrap();
        assert_eq!(v.name_ar, "ملتقى التمكين الاجتماعي");
        assert_eq!(v.day_count, 2);
        assert_eq!(v.organizing.len(), 1, "empty rows are dropped");
        let d = days(v.start, v.day_count);
        assert_eq!(d[1].number, 2);
        assert_eq!(d[1].label.date, "2019-11-11");
        assert_eq!(d[1].label.weekday, "الاثنين");
    }

    #[test]
    fn day_count_accepts_arabic_indic_text_and_end_date() {
        let mut i = input();
        i.day_count = Some(LooseInt::Text("٣".into()));
        assert_eq!(validate(&i).unwrap().day_count, 3);
        i.day_count = None;
        i.end_date = Some("2019-11-13".into());
        assert_eq!(validate(&i).unwrap().day_count, 4);
    }

    #[test]
    fn invalid_input_reports_every_field_in_arabic() {
        let bad = ForumInput {
            name_ar: " \u{202B} ".into(),
            start_date: "2019-11-10".into(),
            end_date: Some("2019-11-01".into()),
            logo: Some("data:text/plain;base64,aGVsbG8=".into()),
            ..Default::default()
        };
        let f = field_messages(validate(&bad).unwrap_err());
        assert!(
            f.contains(&("name_ar".into(), "اسم الملتقى بالعربية مطلوب".into())),
            "{f:?}"
        );
        assert!(
            f.contains(&(
                "end_date".into(),
                "تاريخ اليوم الأخير يسبق تاريخ اليوم الأول".into()
            )),
            "{f:?}"
        );
        assert!(
            f.iter().any(|(k, m)| k == "logo" && m.contains("PNG")),
            "{f:?}"
        );
    }

    #[test]
    fn day_count_bounds() {
        for (n, ok) in [(0, false), (1, true), (29, true), (30, false), (-2, false)] {
            let mut i = input();
            i.day_count = Some(LooseInt::Int(n));
            assert_eq!(validate(&i).is_ok(), ok, "{n} days");
        }
        let mut i = input();
        i.day_count = Some(LooseInt::Text("يومان".into()));
        assert_eq!(field_messages(validate(&i).unwrap_err())[0].0, "day_count");
        i.day_count = Some(LooseInt::Int(5));
        i.end_date = Some("2019-11-11".into());
        assert!(field_messages(validate(&i).unwrap_err())[0]
            .1
            .contains("لا يوافق"));
    }

    #[test]
    fn member_with_role_but_no_name_is_refused() {
        let mut i = input();
        i.executive_committee = vec![Member {
            name: " ".into(),
            role: "أمين".into(),
        }];
        let f = field_messages(validate(&i).unwrap_err());
        assert_eq!(f[0].0, "executive_committee");
    }

    #[test]
    fn crud_round_trip_with_logo() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("m.sqlite3")).unwrap();
        let mut conn = store.conn();
        let mut i = input();
        let png = b"\x89PNG\r\n\x1a\nrest-of-file";
        i.logo = Some(format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(png)
        ));
        let f = create(&mut conn, &i).unwrap();
        assert!(f.has_logo);
        assert_eq!(f.end_date, "2019-11-11");
        assert_eq!(f.organizing_committee[0].name, "سعد علي");
        assert_eq!(logo(&conn, f.id).unwrap().unwrap().mime, "image/png");

        // Update without a logo keeps it; "" removes it.
        let mut u = input();
        u.name_ar = "اسم جديد".into();
        let g = update(&mut conn, f.id, &u).unwrap();
        assert_eq!(g.name_ar, "اسم جديد");
        assert!(g.has_logo);
        u.logo = Some(String::new());
        assert!(!update(&mut conn, f.id, &u).unwrap().has_logo);

        // An invalid update changes nothing.
        u.name_ar = String::new();
        assert_eq!(
            update(&mut conn, f.id, &u).unwrap_err().code(),
            "validation"
        );
        assert_eq!(get(&conn, f.id).unwrap().name_ar, "اسم جديد");

        assert_eq!(list(&conn).unwrap().len(), 1);
        delete(&conn, f.id).unwrap();
        assert_eq!(get(&conn, f.id).unwrap_err().code(), "not_found");
        assert_eq!(delete(&conn, f.id).unwrap_err().code(), "not_found");
        let members: i64 = conn
            .query_row("SELECT count(*) FROM committee_member", [], |r| r.get(0))
            .unwrap();
        assert_eq!(members, 0, "committee rows go with the forum");
    }

    #[test]
    fn a_new_device_opens_the_forum_running_today_else_the_next_else_the_last() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("m.sqlite3")).unwrap();
        let mut conn = store.conn();
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(default_for(&conn, d("2020-01-01")).unwrap(), None);
        let make = |conn: &mut Connection, name: &str, start: &str| {
            create(
                conn,
                &ForumInput {
                    name_ar: name.into(),
                    start_date: start.into(),
                    day_count: Some(LooseInt::Int(2)),
                    ..Default::default()
                },
            )
            .unwrap()
            .id
        };
        let jazan = make(&mut conn, "ملتقى جازان", "2019-11-10");
        let asir = make(&mut conn, "ملتقى عسير", "2020-02-02");
        assert_eq!(
            default_for(&conn, d("2019-11-11")).unwrap(),
            Some((jazan, "running"))
        );
        assert_eq!(
            default_for(&conn, d("2019-12-01")).unwrap(),
            Some((asir, "upcoming"))
        );
        assert_eq!(
            default_for(&conn, d("2019-01-01")).unwrap(),
            Some((jazan, "upcoming"))
        );
        assert_eq!(
            default_for(&conn, d("2021-01-01")).unwrap(),
            Some((asir, "latest"))
        );
        // The newest forum made does not win while another is running.
        let _later = make(&mut conn, "ملتقى نجران", "2030-05-05");
        assert_eq!(
            default_for(&conn, d("2019-11-10")).unwrap(),
            Some((jazan, "running"))
        );
    }
}
