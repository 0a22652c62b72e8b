//! Enabling entities (الجهات الممكنة): the organisations that exhibit at a booth and offer
//! beneficiaries training, jobs and support. Their details, status (invited → confirmed →
//! arrived / withdrew), booth needs, logo, and staff (people of category «entity staff», so
//! they get badges and check in like everyone).

pub mod import;

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, FieldError, Result};
use crate::forum::{check_logo, data_url, LogoChange};
use crate::person::{self, Person, PersonInput, Registrar};
use crate::text;

pub const KINDS: &[(&str, &str)] = &[
    ("government", "حكومية"),
    ("private", "قطاع خاص"),
    ("nonprofit", "غير ربحية"),
];

pub const STATUSES: &[(&str, &str)] = &[
    ("invited", "مدعوة"),
    ("confirmed", "أكدت المشاركة"),
    ("arrived", "حضرت"),
    ("withdrew", "اعتذرت"),
];

/// The services an entity offers beneficiaries, as tags.
pub const TAGS: &[(&str, &str)] = &[
    ("training", "تدريب"),
    ("jobs", "توظيف"),
    ("financing", "تمويل"),
    ("entrepreneurship", "ريادة أعمال"),
    ("social_care", "رعاية اجتماعية"),
    ("health", "صحة"),
    ("housing", "إسكان"),
    ("education", "تعليم"),
    ("counselling", "استشارات"),
];

/// Status changes the committee can make. A withdrawn entity can be invited again; «arrived»
/// can be taken back to «confirmed» (a mistaken tap at the door).
const TRANSITIONS: &[(&str, &str)] = &[
    ("invited", "confirmed"),
    ("invited", "withdrew"),
    ("confirmed", "arrived"),
    ("confirmed", "withdrew"),
    ("confirmed", "invited"),
    ("arrived", "confirmed"),
    ("arrived", "withdrew"),
    ("withdrew", "invited"),
    ("withdrew", "confirmed"),
];

pub fn label_of(table: &[(&'static str, &'static str)], code: &str) -> &'static str {
    table
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .unwrap_or("")
}

/// A code from a table by its code or its Arabic label (any spelling), or by extra words.
pub(crate) fn find_code(
    table: &[(&'static str, &'static str)],
    given: &str,
    words: &[(&'static str, &[&str])],
) -> Option<&'static str> {
    let key = text::search_key(given);
    if key.is_empty() {
        return None;
    }
    table
        .iter()
        .find(|(c, l)| *c == key || text::search_key(l) == key)
        .map(|(c, _)| *c)
        .or_else(|| {
            words
                .iter()
                .find(|(_, ws)| ws.iter().any(|w| key.contains(&text::search_key(w))))
                .map(|(c, _)| *c)
        })
}

const KIND_WORDS: &[(&str, &[&str])] = &[
    (
        "nonprofit",
        &[
            "غير ربح",
            "خيري",
            "اهلي",
            "جمعي",
            "non-profit",
            "ngo",
            "charity",
        ],
    ),
    ("government", &["حكوم", "وزار", "هيئه", "gov"]),
    ("private", &["خاص", "شركه", "بنك", "private", "company"]),
];

const STATUS_WORDS: &[(&str, &[&str])] = &[
    ("withdrew", &["اعتذر", "منسحب", "انسحب"]),
    ("confirmed", &["مؤكد", "اكد"]),
    ("arrived", &["حضر", "وصل"]),
    ("invited", &["مدعو", "دعوه"]),
];

/// What the entity form or an import row sends.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct EntityInput {
    #[serde(default)]
    pub name_ar: String,
    #[serde(default)]
    pub name_en: String,
    /// A kind code or its Arabic label.
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub sector: String,
    #[serde(default)]
    pub services: String,
    /// Tag codes or Arabic labels.
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub contact_name: String,
    #[serde(default)]
    pub mobile: String,
    #[serde(default)]
    pub email: String,
    /// Only when creating (imports carry it); changes go through [`set_status`].
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub need_power: bool,
    #[serde(default)]
    pub need_tables: u32,
    #[serde(default)]
    pub need_chairs: u32,
    #[serde(default)]
    pub need_screen: bool,
    #[serde(default)]
    pub need_internet: bool,
    /// A sponsor of the forum (thanked with the sponsors' certificate).
    #[serde(default)]
    pub is_sponsor: bool,
    /// A data URL: absent keeps the logo, empty removes it.
    #[serde(default)]
    pub logo: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Needs {
    pub power: bool,
    pub tables: u32,
    pub chairs: u32,
    pub screen: bool,
    pub internet: bool,
}

impl Needs {
    /// «كهرباء، طاولتان، 4 كراسٍ، شاشة» — empty when nothing is needed.
    pub fn label(&self) -> String {
        let mut parts = Vec::new();
        if self.power {
            parts.push("كهرباء".to_string());
        }
        match self.tables {
            0 => {}
            1 => parts.push("طاولة".into()),
            2 => parts.push("طاولتان".into()),
            n => parts.push(format!("{n} طاولات")),
        }
        match self.chairs {
            0 => {}
            1 => parts.push("كرسي".into()),
            2 => parts.push("كرسيان".into()),
            n => parts.push(format!("{n} كراسٍ")),
        }
        if self.screen {
            parts.push("شاشة".into());
        }
        if self.internet {
            parts.push("إنترنت".into());
        }
        parts.join("، ")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tag {
    pub code: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entity {
    pub id: i64,
    pub forum_id: i64,
    pub uuid: String,
    pub name_ar: String,
    pub name_en: String,
    pub kind: String,
    pub kind_label: String,
    pub sector: String,
    pub services: String,
    pub tags: Vec<Tag>,
    pub contact_name: String,
    pub mobile: Option<String>,
    pub email: String,
    pub status: String,
    pub status_label: String,
    pub needs: Needs,
    pub needs_label: String,
    pub has_logo: bool,
    pub is_sponsor: bool,
    /// The booth it holds on the plan, if any.
    pub booth_id: Option<i64>,
    pub booth_code: Option<String>,
    pub staff_count: i64,
}

struct Valid {
    name_ar: String,
    name_key: String,
    name_en: String,
    kind: &'static str,
    sector: String,
    services: String,
    tags: String,
    contact_name: String,
    mobile: Option<String>,
    email: String,
    status: &'static str,
    needs: Needs,
    logo: LogoChange,
}

fn limited(
    errors: &mut Vec<FieldError>,
    field: &str,
    label: &str,
    value: &str,
    max: usize,
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

/// A plausible e-mail address (one @, a dot in the domain, no spaces), lower-cased.
pub fn email(input: &str) -> std::result::Result<String, String> {
    let v = text::clean(input).to_lowercase();
    let ok = match v.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !v.contains(' ')
        }
        None => false,
    };
    if ok {
        Ok(v)
    } else {
        Err("البريد الإلكتروني غير صحيح؛ مثال: name@example.sa".into())
    }
}

fn validate(input: &EntityInput) -> Result<Valid> {
    let mut errors = Vec::new();
    let name_ar = limited(&mut errors, "name_ar", "اسم الجهة", &input.name_ar, 150);
    if name_ar.is_empty() {
        errors.push(FieldError::new("name_ar", "اسم الجهة مطلوب"));
    } else if text::char_len(&name_ar) < 3 {
        errors.push(FieldError::new("name_ar", "اسم الجهة قصير جدًا"));
    }
    let name_en = limited(
        &mut errors,
        "name_en",
        "الاسم بالإنجليزية",
        &input.name_en,
        150,
    );
    let kind = match find_code(KINDS, &input.kind, KIND_WORDS) {
        Some(k) => k,
        None => {
            let given = text::clean(&input.kind);
            errors.push(FieldError::new(
                "kind",
                if given.is_empty() {
                    "اختر نوع الجهة (حكومية، قطاع خاص، غير ربحية)".to_string()
                } else {
                    format!("نوع الجهة «{given}» غير معروف؛ المتاح: حكومية، قطاع خاص، غير ربحية")
                },
            ));
            "government"
        }
    };
    let sector = limited(&mut errors, "sector", "القطاع", &input.sector, 100);
    let services = limited(
        &mut errors,
        "services",
        "وصف الخدمات",
        &input.services,
        1000,
    );
    let mut tags: Vec<&str> = Vec::new();
    for t in &input.tags {
        if text::clean(t).is_empty() {
            continue;
        }
        match find_code(TAGS, t, &[]) {
            Some(code) if !tags.contains(&code) => tags.push(code),
            Some(_) => {}
            None => errors.push(FieldError::new(
                "tags",
                format!("الخدمة «{}» ليست في القائمة", text::clean(t)),
            )),
        }
    }
    let contact_name = limited(
        &mut errors,
        "contact_name",
        "اسم المنسق",
        &input.contact_name,
        120,
    );
    let mobile = if text::clean(&input.mobile).is_empty() {
        None
    } else {
        match person::rules::mobile(&input.mobile) {
            Ok(m) => Some(m),
            Err(m) => {
                errors.push(FieldError::new("mobile", m));
                None
            }
        }
    };
    let email = if text::clean(&input.email).is_empty() {
        String::new()
    } else {
        email(&input.email).unwrap_or_else(|m| {
            errors.push(FieldError::new("email", m));
            String::new()
        })
    };
    let status = if text::clean(&input.status).is_empty() {
        "invited"
    } else {
        find_code(STATUSES, &input.status, STATUS_WORDS).unwrap_or_else(|| {
            errors.push(FieldError::new(
                "status",
                format!("حالة الجهة «{}» غير معروفة", text::clean(&input.status)),
            ));
            "invited"
        })
    };
    if input.need_tables > 50 {
        errors.push(FieldError::new("need_tables", "عدد الطاولات أكبر من 50"));
    }
    if input.need_chairs > 200 {
        errors.push(FieldError::new("need_chairs", "عدد الكراسي أكبر من 200"));
    }
    let logo = check_logo(input.logo.as_deref(), &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(Valid {
        name_key: text::search_key(&name_ar),
        name_ar,
        name_en,
        kind,
        sector,
        services,
        tags: tags.join(" "),
        contact_name,
        mobile,
        email,
        status,
        needs: Needs {
            power: input.need_power,
            tables: input.need_tables,
            chairs: input.need_chairs,
            screen: input.need_screen,
            internet: input.need_internet,
        },
        logo,
    })
}

const ENTITY_SELECT: &str = "SELECT e.id, e.forum_id, e.uuid, e.name_ar, e.name_en, e.kind, e.sector, e.services, e.tags,
        e.contact_name, e.mobile, e.email, e.status, e.need_power, e.need_tables, e.need_chairs, e.need_screen,
        e.need_internet, EXISTS(SELECT 1 FROM entity_logo l WHERE l.entity_id = e.id), b.id, b.code,
        (SELECT count(*) FROM person p WHERE p.entity_id = e.id), e.is_sponsor
   FROM entity e
   LEFT JOIN booth_occupant o ON o.entity_id = e.id
   LEFT JOIN booth b ON b.id = o.booth_id";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Entity> {
    let kind: String = r.get(5)?;
    let status: String = r.get(12)?;
    let tags: String = r.get(8)?;
    let needs = Needs {
        power: r.get(13)?,
        tables: r.get(14)?,
        chairs: r.get(15)?,
        screen: r.get(16)?,
        internet: r.get(17)?,
    };
    Ok(Entity {
        id: r.get(0)?,
        forum_id: r.get(1)?,
        uuid: r.get(2)?,
        name_ar: r.get(3)?,
        name_en: r.get(4)?,
        kind_label: label_of(KINDS, &kind).to_string(),
        kind,
        sector: r.get(6)?,
        services: r.get(7)?,
        tags: tags
            .split_whitespace()
            .map(|c| Tag {
                code: c.to_string(),
                label: label_of(TAGS, c).to_string(),
            })
            .collect(),
        contact_name: r.get(9)?,
        mobile: r.get(10)?,
        email: r.get(11)?,
        status_label: label_of(STATUSES, &status).to_string(),
        status,
        needs_label: needs.label(),
        needs,
        has_logo: r.get(18)?,
        booth_id: r.get(19)?,
        booth_code: r.get(20)?,
        staff_count: r.get(21)?,
        is_sponsor: r.get(22)?,
    })
}

pub fn get(conn: &Connection, id: i64) -> Result<Entity> {
    conn.query_row(&format!("{ENTITY_SELECT} WHERE e.id = ?1"), [id], from_row)
        .optional()?
        .ok_or(AppError::NotFound { what: "الجهة" })
}

/// A forum's entities by name (an edition has up to ~200: no paging).
pub fn list(conn: &Connection, forum_id: i64) -> Result<Vec<Entity>> {
    let mut stmt = conn.prepare(&format!(
        "{ENTITY_SELECT} WHERE e.forum_id = ?1 ORDER BY e.name_ar"
    ))?;
    let rows = stmt
        .query_map([forum_id], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

fn find_duplicate(
    conn: &Connection,
    forum_id: i64,
    v: &Valid,
    except: Option<i64>,
) -> Result<Option<AppError>> {
    let found: Option<(i64, String)> = conn
        .prepare_cached(
            "SELECT id, name_ar FROM entity WHERE forum_id = ?1 AND name_key = ?2 AND id <> ?3",
        )?
        .query_row(params![forum_id, v.name_key, except.unwrap_or(-1)], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    Ok(found.map(|(id, name)| AppError::Duplicate {
        message: format!("الجهة «{name}» مسجلة من قبل"),
        existing_id: id,
    }))
}

/// Inserts one entity inside the caller's transaction (forms and imports).
pub(crate) fn insert(conn: &Connection, forum_id: i64, input: &EntityInput) -> Result<i64> {
    let v = validate(input)?;
    if let Some(dup) = find_duplicate(conn, forum_id, &v, None)? {
        return Err(dup);
    }
    let ts = crate::calendar::now_utc();
    conn.prepare_cached(
        "INSERT INTO entity(forum_id, uuid, name_ar, name_key, name_en, kind, sector, services, tags,
                            contact_name, mobile, email, status, need_power, need_tables, need_chairs,
                            need_screen, need_internet, is_sponsor, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?20, ?19, ?19)",
    )?
    .execute(params![
        forum_id,
        uuid::Uuid::new_v4().to_string(),
        v.name_ar,
        v.name_key,
        v.name_en,
        v.kind,
        v.sector,
        v.services,
        v.tags,
        v.contact_name,
        v.mobile,
        v.email,
        v.status,
        v.needs.power,
        v.needs.tables,
        v.needs.chairs,
        v.needs.screen,
        v.needs.internet,
        ts,
        input.is_sponsor
    ])?;
    let id = conn.last_insert_rowid();
    v.logo.apply(conn, "entity_logo", "entity_id", id)?;
    Ok(id)
}

pub fn create(conn: &mut Connection, forum_id: i64, input: &EntityInput) -> Result<Entity> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    crate::forum::get(&tx, forum_id)?;
    let id = insert(&tx, forum_id, input)?;
    tx.commit()?;
    get(conn, id)
}

/// Saves the entity's details. Its status is left as it is (see [`set_status`]).
pub fn update(conn: &mut Connection, id: i64, input: &EntityInput) -> Result<Entity> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let current = get(&tx, id)?;
    let v = validate(&EntityInput {
        status: String::new(),
        ..input.clone()
    })?;
    if let Some(dup) = find_duplicate(&tx, current.forum_id, &v, Some(id))? {
        return Err(dup);
    }
    tx.execute(
        "UPDATE entity SET name_ar = ?2, name_key = ?3, name_en = ?4, kind = ?5, sector = ?6, services = ?7,
                tags = ?8, contact_name = ?9, mobile = ?10, email = ?11, need_power = ?12, need_tables = ?13,
                need_chairs = ?14, need_screen = ?15, need_internet = ?16, updated_at = ?17, is_sponsor = ?18
          WHERE id = ?1",
        params![
            id,
            v.name_ar,
            v.name_key,
            v.name_en,
            v.kind,
            v.sector,
            v.services,
            v.tags,
            v.contact_name,
            v.mobile,
            v.email,
            v.needs.power,
            v.needs.tables,
            v.needs.chairs,
            v.needs.screen,
            v.needs.internet,
            crate::calendar::now_utc(),
            input.is_sponsor
        ],
    )?;
    v.logo.apply(&tx, "entity_logo", "entity_id", id)?;
    tx.commit()?;
    get(conn, id)
}

/// Deletes the entity; its booth becomes free and its staff stay registered (without entity).
pub fn delete(conn: &Connection, id: i64) -> Result<()> {
    if conn.execute("DELETE FROM entity WHERE id = ?1", [id])? == 0 {
        return Err(AppError::NotFound { what: "الجهة" });
    }
    Ok(())
}

/// What a status change did besides the status.
#[derive(Debug, Clone, Serialize)]
pub struct StatusChange {
    pub entity: Entity,
    /// The booth given up when the entity withdrew, so it can be offered to another.
    pub freed_booth: Option<String>,
    /// Set back from «اعتذرت»: the booth it had, given back because it was still free.
    pub returned_booth: Option<String>,
    /// Set back from «اعتذرت»: the booth it had, now held by someone else (named).
    pub booth_taken: Option<String>,
}

/// Moves the entity along invited → confirmed → arrived / withdrew. Withdrawing frees its booth
/// (and remembers it); a mistaken «اعتذرت» set back gets that booth again if it is still free.
pub fn set_status(conn: &mut Connection, id: i64, status: &str) -> Result<StatusChange> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let current = get(&tx, id)?;
    let to = find_code(STATUSES, status, STATUS_WORDS)
        .ok_or_else(|| AppError::field("status", "حالة الجهة غير معروفة"))?;
    if to == current.status {
        return Ok(StatusChange {
            entity: current,
            freed_booth: None,
            returned_booth: None,
            booth_taken: None,
        });
    }
    if !TRANSITIONS.contains(&(current.status.as_str(), to)) {
        return Err(AppError::Conflict(format!(
            "لا يمكن نقل الجهة من «{}» إلى «{}»",
            current.status_label,
            label_of(STATUSES, to)
        )));
    }
    tx.execute(
        "UPDATE entity SET status = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, to, crate::calendar::now_utc()],
    )?;
    let freed_booth = if to == "withdrew" && current.booth_id.is_some() {
        tx.execute("DELETE FROM booth_occupant WHERE entity_id = ?1", [id])?;
        tx.execute(
            "UPDATE entity SET released_booth_id = ?2 WHERE id = ?1",
            params![id, current.booth_id],
        )?;
        current.booth_code.clone()
    } else {
        None
    };
    let (mut returned_booth, mut booth_taken) = (None, None);
    if current.status == "withdrew" {
        let released: Option<(i64, String, Option<String>)> = tx
            .query_row(
                "SELECT b.id, b.code, coalesce(e.name_ar, f.head_name) FROM entity x
                   JOIN booth b ON b.id = x.released_booth_id
                   LEFT JOIN booth_occupant o ON o.booth_id = b.id
                   LEFT JOIN entity e ON e.id = o.entity_id LEFT JOIN family f ON f.id = o.family_id
                  WHERE x.id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        tx.execute(
            "UPDATE entity SET released_booth_id = NULL WHERE id = ?1",
            [id],
        )?;
        match released {
            Some((booth, code, None)) => {
                crate::floor::assign::assign_entity_in(&tx, booth, id, "")?;
                returned_booth = Some(code);
            }
            Some((_, code, Some(holder))) => booth_taken = Some(format!("{code} ({holder})")),
            None => {}
        }
    }
    tx.commit()?;
    Ok(StatusChange {
        entity: get(conn, id)?,
        freed_booth,
        returned_booth,
        booth_taken,
    })
}

/// The entity's logo bytes, for signs and the plan.
pub fn logo_bytes(conn: &Connection, id: i64) -> Result<Option<Vec<u8>>> {
    Ok(conn
        .query_row(
            "SELECT bytes FROM entity_logo WHERE entity_id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?)
}

/// The logo as a data URL for the screen.
pub fn logo(conn: &Connection, id: i64) -> Result<Option<String>> {
    Ok(logo_bytes(conn, id)?.map(|b| data_url(&b)))
}

/// The people staffing the entity's booth.
pub fn staff(conn: &Connection, id: i64) -> Result<Vec<Person>> {
    let mut stmt = conn.prepare(&format!(
        "{} WHERE p.entity_id = ?1 ORDER BY p.full_name",
        person::PERSON_SELECT
    ))?;
    let rows = stmt
        .query_map([id], person::from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Registers a member of the entity's staff: a person of category «entity staff» (badge,
/// check-in) linked to the entity.
pub fn add_staff(conn: &mut Connection, entity_id: i64, input: &PersonInput) -> Result<Person> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let entity = get(&tx, entity_id)?;
    let mut registrar = Registrar::new(&tx, entity.forum_id)?;
    let id = registrar.insert(
        &tx,
        &PersonInput {
            category: "entity_staff".into(),
            ..input.clone()
        },
    )?;
    registrar.finish(&tx)?;
    tx.execute(
        "UPDATE person_row SET entity_id = ?2 WHERE id = ?1",
        params![id, entity_id],
    )?;
    tx.commit()?;
    person::get(conn, id)
}

/// Links an already-registered person to the entity (or unlinks with `None`).
pub fn link_staff(conn: &Connection, person_id: i64, entity_id: Option<i64>) -> Result<Person> {
    let p = person::get(conn, person_id)?;
    if let Some(e) = entity_id {
        let entity = get(conn, e)?;
        if entity.forum_id != p.forum_id {
            return Err(AppError::field("entity_id", "الجهة من ملتقى آخر"));
        }
    }
    conn.execute(
        "UPDATE person_row SET entity_id = ?2 WHERE id = ?1",
        params![person_id, entity_id],
    )?;
    person::get(conn, person_id)
}

/// Counts per status, for the dashboard and the screen's header.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Counts {
    pub total: i64,
    pub invited: i64,
    pub confirmed: i64,
    pub arrived: i64,
    pub withdrew: i64,
    pub with_booth: i64,
}

pub fn counts(conn: &Connection, forum_id: i64) -> Result<Counts> {
    Ok(conn.query_row(
        "SELECT count(*), sum(status = 'invited'), sum(status = 'confirmed'), sum(status = 'arrived'),
                sum(status = 'withdrew'),
                sum(EXISTS(SELECT 1 FROM booth_occupant o WHERE o.entity_id = entity.id))
           FROM entity WHERE forum_id = ?1",
        [forum_id],
        |r| {
            Ok(Counts {
                total: r.get(0)?,
                invited: r.get::<_, Option<i64>>(1)?.unwrap_or(0),
                confirmed: r.get::<_, Option<i64>>(2)?.unwrap_or(0),
                arrived: r.get::<_, Option<i64>>(3)?.unwrap_or(0),
                withdrew: r.get::<_, Option<i64>>(4)?.unwrap_or(0),
                with_booth: r.get::<_, Option<i64>>(5)?.unwrap_or(0),
            })
        },
    )?)
}

#[cfg(test)]
pub(crate) fn sample(name: &str) -> EntityInput {
    EntityInput {
        name_ar: name.into(),
        kind: "حكومية".into(),
        sector: "التنمية الاجتماعية".into(),
        tags: vec!["تدريب".into(), "jobs".into()],
        mobile: "٠٥٥٠٠٠٠٠٠١".into(),
        email: "Info@Example.SA".into(),
        need_power: true,
        need_tables: 2,
        need_chairs: 4,
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn setup() -> (tempfile::TempDir, Store, i64) {
        crate::forum::test_setup()
    }

    #[test]
    fn an_entity_is_validated_normalised_and_listed() {
        let (_d, store, forum) = setup();
        let mut conn = store.conn();
        let e = create(&mut conn, forum, &sample("بنك التنمية الاجتماعية")).unwrap();
        assert_eq!(e.kind, "government");
        assert_eq!(e.status, "invited");
        assert_eq!(e.mobile.as_deref(), Some("0550000001"));
        assert_eq!(e.email, "info@example.sa");
        assert_eq!(
            e.tags.iter().map(|t| t.label.as_str()).collect::<Vec<_>>(),
            ["تدريب", "توظيف"]
        );
        assert_eq!(e.needs_label, "كهرباء، طاولتان، 4 كراسٍ");

        let bad = create(
            &mut conn,
            forum,
            &EntityInput {
                name_ar: "ب".into(),
                kind: "فضائية".into(),
                email: "no-at".into(),
                mobile: "123".into(),
                tags: vec!["طيران".into()],
                ..Default::default()
            },
        )
        .unwrap_err();
        let fields: Vec<&str> = bad.fields().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["name_ar", "kind", "tags", "mobile", "email"]);

        // Same name with another spelling is the same entity.
        let dup = create(&mut conn, forum, &sample("بنك التنميه الإجتماعية")).unwrap_err();
        assert_eq!(dup.code(), "duplicate");
        assert!(dup.to_string().contains("مسجلة من قبل"));
        assert_eq!(list(&conn, forum).unwrap().len(), 1);

        // Kinds in the words people write.
        for (word, kind) in [
            ("جمعية خيرية", "nonprofit"),
            ("شركة", "private"),
            ("قطاع خاص", "private"),
        ] {
            let v = validate(&EntityInput {
                kind: word.into(),
                ..sample("جهة ما")
            })
            .map_err(|e| e.to_string())
            .unwrap();
            assert_eq!(v.kind, kind, "{word}");
        }
    }

    #[test]
    fn status_moves_along_the_allowed_paths_and_withdrawing_frees_the_booth() {
        let (_d, store, forum) = setup();
        let mut conn = store.conn();
        let e = create(&mut conn, forum, &sample("صندوق تنمية الموارد البشرية")).unwrap();
        let err = set_status(&mut conn, e.id, "arrived").unwrap_err();
        assert_eq!(err.code(), "conflict");
        assert!(err.to_string().contains("من «مدعوة» إلى «حضرت»"));
        assert_eq!(
            set_status(&mut conn, e.id, "confirmed")
                .unwrap()
                .entity
                .status,
            "confirmed"
        );
        conn.execute_batch(&format!(
            "INSERT INTO booth(forum_id, code, x, y, w, h) VALUES ({forum}, 'A1', 0, 0, 3, 3);
             INSERT INTO booth_occupant(booth_id, entity_id, assigned_at) VALUES (last_insert_rowid(), {}, 'now');",
            e.id
        ))
        .unwrap();
        assert_eq!(get(&conn, e.id).unwrap().booth_code.as_deref(), Some("A1"));
        let ch = set_status(&mut conn, e.id, "اعتذرت").unwrap();
        assert_eq!(ch.entity.status, "withdrew");
        assert_eq!(ch.freed_booth.as_deref(), Some("A1"));
        assert_eq!(ch.entity.booth_code, None);
        assert_eq!(counts(&conn, forum).unwrap().withdrew, 1);
        // A mistaken «اعتذرت» set back: the booth, still free, comes back.
        let back = set_status(&mut conn, e.id, "confirmed").unwrap();
        assert_eq!(back.returned_booth.as_deref(), Some("A1"));
        assert_eq!(back.entity.booth_code.as_deref(), Some("A1"));
        // Withdrawn again and the booth given to another: set back, it says who has it.
        set_status(&mut conn, e.id, "withdrew").unwrap();
        let other = create(&mut conn, forum, &sample("بنك التنمية الاجتماعية")).unwrap();
        set_status(&mut conn, other.id, "confirmed").unwrap();
        let a1: i64 = conn
            .query_row("SELECT id FROM booth WHERE code = 'A1'", [], |r| r.get(0))
            .unwrap();
        crate::floor::assign::assign_entity(&mut conn, a1, other.id, "").unwrap();
        let back = set_status(&mut conn, e.id, "invited").unwrap();
        assert_eq!(back.returned_booth, None);
        assert_eq!(
            back.booth_taken.as_deref(),
            Some("A1 (بنك التنمية الاجتماعية)")
        );
        assert_eq!(back.entity.booth_code, None);
    }

    #[test]
    fn staff_are_people_of_the_entity_staff_category() {
        let (_d, store, forum) = setup();
        let mut conn = store.conn();
        let e = create(&mut conn, forum, &sample("جمعية البر بجازان")).unwrap();
        let p = add_staff(
            &mut conn,
            e.id,
            &PersonInput {
                full_name: "خالد محمد الحربي".into(),
                mobile: "0551231234".into(),
                category: "beneficiary".into(),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(p.category, "entity_staff");
        assert_eq!(p.badge_code.len(), 7);
        assert_eq!(staff(&conn, e.id).unwrap()[0].id, p.id);
        assert_eq!(get(&conn, e.id).unwrap().staff_count, 1);
        link_staff(&conn, p.id, None).unwrap();
        assert!(staff(&conn, e.id).unwrap().is_empty());
        // Deleting the entity keeps the person.
        link_staff(&conn, p.id, Some(e.id)).unwrap();
        delete(&conn, e.id).unwrap();
        assert!(person::get(&conn, p.id).is_ok());
    }
}
