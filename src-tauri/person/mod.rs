//! People (الزوار والمستفيدون): registration, validation, duplicates, badge codes and search.

pub mod badge_code;
pub mod export;
pub mod import;
pub mod listing;
pub mod name_index;
pub mod rules;
pub mod search;

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, FieldError, Result};
use crate::text;

pub use listing::{list, Filter};

/// What a registration form, a walk-in desk or an import row sends.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct PersonInput {
    #[serde(default)]
    pub full_name: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub national_id: String,
    #[serde(default)]
    pub mobile: String,
    #[serde(default)]
    pub gender: String,
    /// A category code (`beneficiary`) or its Arabic label (`مستفيد`).
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub needs_wheelchair: bool,
    #[serde(default)]
    pub needs_sign: bool,
    #[serde(default)]
    pub needs_companion: bool,
    #[serde(default)]
    pub needs_other: String,
    /// The social-security office by name (created in the forum's list if new).
    #[serde(default)]
    pub office: String,
    /// `pre` (default), `import` or `walk_in`.
    #[serde(default)]
    pub source: Option<String>,
    /// The social-security file number (رقم ملف الضمان): the family's key; digits.
    #[serde(default)]
    pub ss_file: String,
    /// Agrees that enabling entities receive their contact details ([`CONSENT_TEXT`]).
    /// Absent: unchanged on an update, no on a registration.
    #[serde(default)]
    pub consent: Option<bool>,
}

/// The sentence a person agrees to (shown on the form, kept with its version and the date).
pub const CONSENT_TEXT: &str = "أوافق على أن تتسلم الجهات الممكنة التي أُحال إليها بيانات التواصل الخاصة بي (رقم الجوال ورقم الهوية) للتواصل معي بشأن الدورات والوظائف والدعم.";
/// The version of [`CONSENT_TEXT`]; a changed sentence gets a new one.
pub const CONSENT_VERSION: i64 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Needs {
    pub wheelchair: bool,
    pub sign_language: bool,
    pub companion: bool,
    pub other: String,
}

impl Needs {
    /// «كرسي متحرك، مترجم لغة إشارة» — empty when none.
    pub fn label(&self) -> String {
        let mut parts = Vec::new();
        if self.wheelchair {
            parts.push("كرسي متحرك".to_string());
        }
        if self.sign_language {
            parts.push("مترجم لغة إشارة".to_string());
        }
        if self.companion {
            parts.push("مرافق".to_string());
        }
        if !self.other.is_empty() {
            parts.push(self.other.clone());
        }
        parts.join("، ")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    pub id: i64,
    pub forum_id: i64,
    pub uuid: String,
    pub full_name: String,
    pub name_en: String,
    pub national_id: Option<String>,
    pub mobile: Option<String>,
    pub gender: Option<String>,
    pub category: String,
    pub category_label: String,
    pub category_color: String,
    pub needs: Needs,
    pub needs_label: String,
    pub office: Option<String>,
    pub source: String,
    pub badge_code: String,
    pub created_at: String,
    pub ss_file: Option<String>,
    /// When the person agreed to share contact details with entities (`None`: did not).
    pub consent_at: Option<String>,
}

#[derive(Debug, Clone)]
struct Valid {
    full_name: String,
    name_key: String,
    name_en: String,
    national_id: Option<String>,
    mobile: Option<String>,
    gender: Option<&'static str>,
    category: String,
    needs: Needs,
    office: Option<String>,
    source: &'static str,
    ss_file: Option<String>,
    consent: Option<bool>,
}

/// The categories by code and by normalised Arabic label, loaded once per operation.
pub(crate) struct CategoryIndex(Vec<(String, String)>);

impl CategoryIndex {
    pub(crate) fn load(conn: &Connection) -> Result<Self> {
        let mut stmt = conn.prepare_cached("SELECT code, label_ar FROM category")?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    text::search_key(&r.get::<_, String>(1)?),
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(CategoryIndex(rows))
    }

    /// A category by its code or its Arabic label (any spelling).
    fn find(&self, given: &str) -> Option<String> {
        let key = text::search_key(given);
        if key.is_empty() {
            return None;
        }
        self.0
            .iter()
            .find(|(code, label)| *code == key || *label == key)
            .map(|(c, _)| c.clone())
    }
}

fn validate(categories: &CategoryIndex, input: &PersonInput) -> Result<Valid> {
    let mut errors = Vec::new();
    let mut take = |field: &str, r: std::result::Result<String, String>| match r {
        Ok(v) => Some(v),
        Err(m) => {
            errors.push(FieldError::new(field, m));
            None
        }
    };
    let full_name = take("full_name", rules::full_name(&input.full_name));
    let national_id = if text::clean(&input.national_id).is_empty() {
        None
    } else {
        take("national_id", rules::national_id(&input.national_id))
    };
    let mobile = if text::clean(&input.mobile).is_empty() {
        None
    } else {
        take("mobile", rules::mobile(&input.mobile))
    };
    if text::clean(&input.national_id).is_empty() && text::clean(&input.mobile).is_empty() {
        errors.push(FieldError::new(
            "national_id",
            "أدخل رقم الهوية أو رقم الجوال",
        ));
    }
    let gender = match rules::gender(&input.gender) {
        Ok(g) => g,
        Err(m) => {
            errors.push(FieldError::new("gender", m));
            None
        }
    };
    let category = match categories.find(&input.category) {
        Some(c) => Some(c),
        None if text::clean(&input.category).is_empty() => {
            errors.push(FieldError::new("category", "اختر الفئة"));
            None
        }
        None => {
            errors.push(FieldError::new(
                "category",
                format!("الفئة «{}» غير معروفة", text::clean(&input.category)),
            ));
            None
        }
    };
    let name_en = text::clean(&input.name_en);
    if text::char_len(&name_en) > rules::MAX_NAME_CHARS {
        errors.push(FieldError::new(
            "name_en",
            "الاسم بالإنجليزية أطول من الحد المسموح",
        ));
    }
    let needs_other = text::clean(&input.needs_other);
    if text::char_len(&needs_other) > 200 {
        errors.push(FieldError::new(
            "needs_other",
            "وصف الاحتياج أطول من 200 حرف",
        ));
    }
    let office = Some(text::clean(&input.office)).filter(|o| !o.is_empty());
    if office.as_ref().is_some_and(|o| text::char_len(o) > 120) {
        errors.push(FieldError::new("office", "اسم المكتب أطول من الحد المسموح"));
    }
    let ss_file: String = text::latin_digits(&text::clean(&input.ss_file))
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '/'))
        .collect();
    if !ss_file.is_empty() && (!ss_file.chars().all(|c| c.is_ascii_digit()) || ss_file.len() > 15) {
        errors.push(FieldError::new(
            "ss_file",
            "رقم ملف الضمان أرقام فقط (حتى 15 رقمًا)",
        ));
    }
    let source = match input.source.as_deref().map(str::trim) {
        None | Some("") | Some("pre") => "pre",
        Some("import") => "import",
        Some("walk_in") => "walk_in",
        Some(_) => {
            errors.push(FieldError::new("source", "مصدر التسجيل غير معروف"));
            "pre"
        }
    };
    match (full_name, category) {
        (Some(full_name), Some(category)) if errors.is_empty() => Ok(Valid {
            name_key: text::search_key(&full_name),
            full_name,
            name_en,
            national_id,
            mobile,
            gender,
            category,
            needs: Needs {
                wheelchair: input.needs_wheelchair,
                sign_language: input.needs_sign,
                companion: input.needs_companion,
                other: needs_other,
            },
            office,
            source,
            ss_file: Some(ss_file).filter(|f| !f.is_empty()),
            consent: input.consent,
        }),
        _ => Err(AppError::Validation(errors)),
    }
}

pub(crate) const PERSON_SELECT: &str = "SELECT p.id, p.forum_id, p.uuid, p.full_name, p.name_en, p.national_id, p.mobile, p.gender,
        p.category, c.label_ar, c.color, p.needs_wheelchair, p.needs_sign, p.needs_companion, p.needs_other,
        o.name_ar, p.source, p.badge_code, p.created_at, p.ss_file, p.consent_at
   FROM person p JOIN category c ON c.code = p.category LEFT JOIN office o ON o.id = p.office_id";

pub(crate) fn from_row(r: &Row<'_>) -> rusqlite::Result<Person> {
    let needs = Needs {
        wheelchair: r.get(11)?,
        sign_language: r.get(12)?,
        companion: r.get(13)?,
        other: r.get(14)?,
    };
    Ok(Person {
        id: r.get(0)?,
        forum_id: r.get(1)?,
        uuid: r.get(2)?,
        full_name: r.get(3)?,
        name_en: r.get(4)?,
        national_id: r.get(5)?,
        mobile: r.get(6)?,
        gender: r.get(7)?,
        category: r.get(8)?,
        category_label: r.get(9)?,
        category_color: r.get(10)?,
        needs_label: needs.label(),
        needs,
        office: r.get(15)?,
        source: r.get(16)?,
        badge_code: r.get(17)?,
        created_at: r.get(18)?,
        ss_file: r.get(19)?,
        consent_at: r.get(20)?,
    })
}

pub fn get(conn: &Connection, id: i64) -> Result<Person> {
    conn.query_row(&format!("{PERSON_SELECT} WHERE p.id = ?1"), [id], from_row)
        .optional()?
        .ok_or(AppError::NotFound { what: "الشخص" })
}

pub fn by_badge_code(conn: &Connection, forum_id: i64, code: &str) -> Result<Option<Person>> {
    Ok(conn
        .query_row(
            &format!("{PERSON_SELECT} WHERE p.forum_id = ?1 AND p.badge_code = ?2"),
            params![forum_id, code],
            from_row,
        )
        .optional()?)
}

/// The already-registered person this input would duplicate: same ID, or same mobile and
/// same normalised name. Rows of an import still running count too (`person_row`): they hold
/// their IDs, and the import's own earlier rows must be found; another import's are named as
/// such. `batch`: the import this input belongs to.
fn find_duplicate(
    conn: &Connection,
    forum_id: i64,
    v: &Valid,
    except: Option<i64>,
    batch: Option<&str>,
) -> Result<Option<AppError>> {
    let except = except.unwrap_or(-1);
    let batch = batch.unwrap_or("");
    // Another import's row, not yet seen by anyone (`?n`: this input's batch).
    let pending = |n: u8| {
        format!(
            "p.import_batch IS NOT NULL AND p.import_batch <> ?{n}
             AND p.import_batch NOT IN (SELECT id FROM import_batch WHERE state = 'done')"
        )
    };
    // Two indexed look-ups (an OR of both would scan the table).
    let mut found: Option<(i64, String, String, bool, bool)> = None;
    if let Some(nid) = &v.national_id {
        found = conn
            .prepare_cached(&format!(
                "SELECT p.id, p.full_name, p.badge_code, {} FROM person_row p
                  WHERE p.forum_id = ?1 AND p.national_id = ?2 AND p.id <> ?3",
                pending(4)
            ))?
            .query_row(params![forum_id, nid, except, batch], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, true, r.get(3)?))
            })
            .optional()?;
    }
    if let (None, Some(mobile)) = (&found, &v.mobile) {
        found = conn
            .prepare_cached(&format!(
                "SELECT p.id, p.full_name, p.badge_code, {} FROM person_row p
                  WHERE p.forum_id = ?1 AND p.mobile = ?2 AND p.name_key = ?3 AND p.id <> ?4
                  LIMIT 1",
                pending(5)
            ))?
            .query_row(params![forum_id, mobile, v.name_key, except, batch], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, false, r.get(3)?))
            })
            .optional()?;
    }
    Ok(
        found.map(|(id, name, code, same_id, pending)| AppError::Duplicate {
            message: match (same_id, pending) {
                (true, true) => {
                    format!("رقم الهوية في ملف يُستورد الآن باسم «{name}»؛ يظهر حين ينتهي الاستيراد")
                }
                (false, true) => {
                    format!("«{name}» في ملف يُستورد الآن بالجوال نفسه؛ يظهر حين ينتهي الاستيراد")
                }
                (true, false) => {
                    format!("رقم الهوية مسجل من قبل باسم «{name}» (رمز البطاقة {code})")
                }
                (false, false) => format!("«{name}» مسجل من قبل بالجوال نفسه (رمز البطاقة {code})"),
            },
            existing_id: id,
        }),
    )
}

fn office_id(conn: &Connection, forum_id: i64, name: &str) -> Result<i64> {
    conn.prepare_cached("INSERT INTO office(forum_id, name_ar) VALUES (?1, ?2) ON CONFLICT(forum_id, name_ar) DO NOTHING")?
        .execute(params![forum_id, name])?;
    Ok(conn
        .prepare_cached("SELECT id FROM office WHERE forum_id = ?1 AND name_ar = ?2")?
        .query_row(params![forum_id, name], |r| r.get(0))?)
}

fn ensure_forum(conn: &Connection, forum_id: i64) -> Result<()> {
    let exists: bool = conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM forum WHERE id = ?1)",
        [forum_id],
        |r| r.get(0),
    )?;
    if exists {
        Ok(())
    } else {
        Err(AppError::NotFound {
            what: "الملتقى"
        })
    }
}

/// Registers people into one forum inside an open transaction. What does not change from one
/// person to the next (categories, offices) is looked up once, so imports stay fast.
pub(crate) struct Registrar {
    forum_id: i64,
    /// The import batch the new people belong to (a failed import removes them).
    batch: Option<String>,
    categories: CategoryIndex,
    offices: HashMap<String, i64>,
}

impl Registrar {
    pub(crate) fn new(conn: &Connection, forum_id: i64) -> Result<Self> {
        ensure_forum(conn, forum_id)?;
        Ok(Registrar {
            forum_id,
            batch: None,
            categories: CategoryIndex::load(conn)?,
            offices: HashMap::new(),
        })
    }

    /// Marks everyone registered from now on as part of an import batch.
    pub(crate) fn in_batch(mut self, batch: &str) -> Self {
        self.batch = Some(batch.to_string());
        self
    }

    /// Ends a batch of registrations (call before commit): keeps the name index's change log
    /// short. The index itself learns of the new people from that log.
    pub(crate) fn finish(self, conn: &Connection) -> Result<()> {
        name_index::prune_changes(conn)
    }

    /// Validates, refuses duplicates, and inserts one person with a new badge code.
    pub(crate) fn insert(&mut self, conn: &Connection, input: &PersonInput) -> Result<i64> {
        let v = validate(&self.categories, input)?;
        if let Some(dup) = find_duplicate(conn, self.forum_id, &v, None, self.batch.as_deref())? {
            return Err(dup);
        }
        let office = match v.office.as_deref() {
            None => None,
            Some(name) => match self.offices.get(name) {
                Some(id) => Some(*id),
                None => {
                    let id = office_id(conn, self.forum_id, name)?;
                    self.offices.insert(name.to_string(), id);
                    Some(id)
                }
            },
        };
        let ts = crate::calendar::now_utc();
        let mut taken = conn.prepare_cached(
            "SELECT EXISTS(SELECT 1 FROM person_row WHERE forum_id = ?1 AND badge_code = ?2)",
        )?;
        let mut insert = conn.prepare_cached(
            "INSERT INTO person_row(forum_id, uuid, full_name, name_key, name_en, national_id, mobile, gender, category,
                                needs_wheelchair, needs_sign, needs_companion, needs_other, office_id, source,
                                badge_code, created_at, updated_at, import_batch, ss_file, consent_version, consent_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17, ?18, ?19,
                     CASE WHEN ?20 THEN ?21 END, CASE WHEN ?20 THEN ?17 END)",
        )?;
        for _ in 0..20 {
            let code = badge_code::generate();
            if taken.query_row(params![self.forum_id, code], |r| r.get::<_, bool>(0))? {
                continue;
            }
            insert.execute(params![
                self.forum_id,
                uuid::Uuid::new_v4().to_string(),
                v.full_name,
                v.name_key,
                v.name_en,
                v.national_id,
                v.mobile,
                v.gender,
                v.category,
                v.needs.wheelchair,
                v.needs.sign_language,
                v.needs.companion,
                v.needs.other,
                office,
                v.source,
                code,
                ts,
                self.batch,
                v.ss_file,
                v.consent == Some(true),
                CONSENT_VERSION
            ])?;
            return Ok(conn.last_insert_rowid());
        }
        Err(AppError::Internal("تعذر توليد رمز بطاقة فريد".into()))
    }
}

pub fn create(conn: &mut Connection, forum_id: i64, input: &PersonInput) -> Result<Person> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut registrar = Registrar::new(&tx, forum_id)?;
    let id = registrar.insert(&tx, input)?;
    registrar.finish(&tx)?;
    tx.commit()?;
    get(conn, id)
}

pub fn update(conn: &mut Connection, id: i64, input: &PersonInput) -> Result<Person> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let current = get(&tx, id)?;
    let mut v = validate(&CategoryIndex::load(&tx)?, input)?;
    if input.source.is_none() {
        v.source = match current.source.as_str() {
            "import" => "import",
            "walk_in" => "walk_in",
            _ => "pre",
        };
    }
    if let Some(dup) = find_duplicate(&tx, current.forum_id, &v, Some(id), None)? {
        return Err(dup);
    }
    let office = match v.office.as_deref() {
        Some(name) => Some(office_id(&tx, current.forum_id, name)?),
        None => None,
    };
    tx.execute(
        "UPDATE person_row SET full_name = ?2, name_key = ?3, name_en = ?4, national_id = ?5, mobile = ?6, gender = ?7,
                category = ?8, needs_wheelchair = ?9, needs_sign = ?10, needs_companion = ?11, needs_other = ?12,
                office_id = ?13, source = ?14, updated_at = ?15, ss_file = ?16,
                consent_version = CASE ?17 WHEN 1 THEN coalesce(consent_version, ?18) WHEN 0 THEN NULL ELSE consent_version END,
                consent_at = CASE ?17 WHEN 1 THEN coalesce(consent_at, ?15) WHEN 0 THEN NULL ELSE consent_at END
          WHERE id = ?1",
        params![
            id,
            v.full_name,
            v.name_key,
            v.name_en,
            v.national_id,
            v.mobile,
            v.gender,
            v.category,
            v.needs.wheelchair,
            v.needs.sign_language,
            v.needs.companion,
            v.needs.other,
            office,
            v.source,
            crate::calendar::now_utc(),
            v.ss_file,
            v.consent.map(i64::from),
            CONSENT_VERSION
        ],
    )?;
    tx.commit()?;
    get(conn, id)
}

/// Deletes a person registered by mistake. Someone who has a check-in, a referral or a
/// certificate is kept (what they did is never removed; the database refuses it too).
pub fn delete(conn: &Connection, id: i64) -> Result<()> {
    let person = get(conn, id)?;
    let acted: bool = conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM checkin WHERE person_id = ?1)
             OR EXISTS(SELECT 1 FROM referral WHERE person_id = ?1)
             OR EXISTS(SELECT 1 FROM certificate WHERE person_id = ?1)",
        [id],
        |r| r.get(0),
    )?;
    if acted {
        return Err(AppError::Conflict(format!(
            "لا يُحذف «{}»: له حضور مسجل أو إحالة أو شهادة، وهذه لا تُحذف",
            person.full_name
        )));
    }
    conn.execute("DELETE FROM person_row WHERE id = ?1", [id])?;
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct Category {
    pub code: String,
    pub label_ar: String,
    pub color: String,
}

pub fn categories(conn: &Connection) -> Result<Vec<Category>> {
    let mut stmt =
        conn.prepare_cached("SELECT code, label_ar, color FROM category ORDER BY position, code")?;
    let rows = stmt
        .query_map([], |r| {
            Ok(Category {
                code: r.get(0)?,
                label_ar: r.get(1)?,
                color: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Adds a category (no `code`) or renames/recolours one. The list is the same for every forum.
pub fn save_category(
    conn: &Connection,
    code: Option<&str>,
    label: &str,
    color: &str,
) -> Result<Category> {
    let label = text::clean(label);
    let mut errors = Vec::new();
    if label.is_empty() || text::char_len(&label) > 40 {
        errors.push(FieldError::new(
            "label_ar",
            "اسم الفئة مطلوب، بحد أقصى 40 حرفًا",
        ));
    }
    let color = color.trim().to_lowercase();
    let hex_ok = color.len() == 7
        && color.starts_with('#')
        && color[1..].chars().all(|c| c.is_ascii_hexdigit());
    if !hex_ok {
        errors.push(FieldError::new("color", "اللون يُكتب بالصيغة ‎#RRGGBB"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let taken: Option<String> = conn
        .query_row(
            "SELECT code FROM category WHERE label_ar = ?1 AND code IS NOT ?2",
            params![label, code],
            |r| r.get(0),
        )
        .optional()?;
    if taken.is_some() {
        return Err(AppError::field(
            "label_ar",
            &format!("الفئة «{label}» موجودة"),
        ));
    }
    let code = match code {
        Some(c) => {
            if conn.execute(
                "UPDATE category SET label_ar = ?2, color = ?3 WHERE code = ?1",
                params![c, label, color],
            )? == 0
            {
                return Err(AppError::NotFound { what: "الفئة" });
            }
            c.to_string()
        }
        None => {
            let n: i64 = conn.query_row("SELECT count(*) + 1 FROM category", [], |r| r.get(0))?;
            let code = format!(
                "custom_{n}_{}",
                &uuid::Uuid::new_v4().simple().to_string()[..6]
            );
            conn.execute(
                "INSERT INTO category(code, label_ar, color, position) VALUES (?1, ?2, ?3, (SELECT coalesce(max(position), 0) + 1 FROM category))",
                params![code, label, color],
            )?;
            code
        }
    };
    Ok(Category {
        code,
        label_ar: label,
        color,
    })
}

pub fn offices(conn: &Connection, forum_id: i64) -> Result<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT name_ar FROM office WHERE forum_id = ?1 ORDER BY name_ar")?;
    let rows = stmt
        .query_map([forum_id], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    pub(crate) fn setup() -> (tempfile::TempDir, Store, i64) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("m.sqlite3")).unwrap();
        let id = crate::forum::test_forum(&mut store.conn());
        (dir, store, id)
    }

    fn id(nine: &str) -> String {
        format!("{nine}{}", rules::luhn_check_digit(nine).unwrap())
    }

    fn input(name: &str, nid: &str, mobile: &str) -> PersonInput {
        PersonInput {
            full_name: name.into(),
            national_id: nid.into(),
            mobile: mobile.into(),
            category: "مستفيد".into(),
            ..Default::default()
        }
    }

    #[test]
    fn file_number_and_consent_are_kept_with_the_date_and_can_be_withdrawn() {
        let (_d, store, forum) = setup();
        let mut conn = store.conn();
        let input = PersonInput {
            full_name: "هند علي الشهري".into(),
            mobile: "0551234567".into(),
            category: "مستفيد".into(),
            ss_file: "١٢٣ ٤٥٦".into(),
            consent: Some(true),
            ..Default::default()
        };
        let p = create(&mut conn, forum, &input).unwrap();
        assert_eq!(p.ss_file.as_deref(), Some("123456"));
        let at = p
            .consent_at
            .clone()
            .expect("consent recorded with its date");
        let version: i64 = conn
            .query_row(
                "SELECT consent_version FROM person WHERE id = ?1",
                [p.id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(version, CONSENT_VERSION);
        // An update that does not mention consent keeps it (and its date).
        let kept = update(
            &mut conn,
            p.id,
            &PersonInput {
                consent: None,
                ..input.clone()
            },
        )
        .unwrap();
        assert_eq!(kept.consent_at.as_deref(), Some(at.as_str()));
        let withdrawn = update(
            &mut conn,
            p.id,
            &PersonInput {
                consent: Some(false),
                ..input.clone()
            },
        )
        .unwrap();
        assert!(withdrawn.consent_at.is_none());
        let bad = PersonInput {
            ss_file: "ملف 12".into(),
            ..input
        };
        let e = update(&mut conn, p.id, &bad).unwrap_err();
        assert_eq!(e.fields()[0].field, "ss_file");
    }

    #[test]
    fn registers_with_clean_values_and_a_valid_badge_code() {
        let (_d, store, forum) = setup();
        let mut conn = store.conn();
        let mut i = input(
            " فاطمة  علي \u{202B}الحازمي\u{202C} ",
            &id("101234567"),
            "+966 55 123 4567",
        );
        i.needs_wheelchair = true;
        i.office = "مكتب الضمان الاجتماعي بصبيا".into();
        let p = create(&mut conn, forum, &i).unwrap();
        assert_eq!(p.full_name, "فاطمة علي الحازمي");
        assert_eq!(p.mobile.as_deref(), Some("0551234567"));
        assert_eq!(p.category, "beneficiary");
        assert_eq!(p.category_label, "مستفيد");
        assert_eq!(p.needs_label, "كرسي متحرك");
        assert_eq!(p.office.as_deref(), Some("مكتب الضمان الاجتماعي بصبيا"));
        assert!(badge_code::is_valid(&p.badge_code));
        assert_eq!(
            offices(&conn, forum).unwrap(),
            vec!["مكتب الضمان الاجتماعي بصبيا".to_string()]
        );
    }

    #[test]
    fn duplicates_are_refused_with_the_existing_person() {
        let (_d, store, forum) = setup();
        let mut conn = store.conn();
        let first = create(
            &mut conn,
            forum,
            &input("أحمد علي", &id("101234567"), "0551234567"),
        )
        .unwrap();
        // Same ID, other name.
        let e = create(&mut conn, forum, &input("خالد علي", &id("101234567"), "")).unwrap_err();
        assert_eq!(e.code(), "duplicate");
        assert!(e.to_string().contains("أحمد علي"));
        assert!(matches!(e, AppError::Duplicate { existing_id, .. } if existing_id == first.id));
        // Same mobile and the same name spelt differently.
        let e = create(&mut conn, forum, &input("احمد  علي", "", "+966551234567")).unwrap_err();
        assert_eq!(e.code(), "duplicate");
        // Same mobile, another family member: fine.
        create(&mut conn, forum, &input("سارة أحمد علي", "", "0551234567")).unwrap();
        assert_eq!(list(&conn, forum, &Filter::first(50)).unwrap().total, 2);
    }

    #[test]
    fn invalid_people_name_every_field() {
        let (_d, store, forum) = setup();
        let mut conn = store.conn();
        let mut bad = input("محمد", "1012345670", "0451234567");
        bad.category = "طالب".into();
        bad.gender = "؟".into();
        let e = create(&mut conn, forum, &bad).unwrap_err();
        let fields: Vec<&str> = e.fields().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            ["full_name", "national_id", "mobile", "gender", "category"]
        );
        let e = create(&mut conn, forum, &input("محمد علي", "", "")).unwrap_err();
        assert_eq!(e.fields()[0].message, "أدخل رقم الهوية أو رقم الجوال");
        assert_eq!(list(&conn, forum, &Filter::first(50)).unwrap().total, 0);
    }

    #[test]
    fn categories_are_editable_and_usable_at_once() {
        let (_d, store, forum) = setup();
        let mut conn = store.conn();
        let c = save_category(&conn, None, " طالب جامعي ", "#1F5FA8").unwrap();
        assert_eq!(c.label_ar, "طالب جامعي");
        assert_eq!(c.color, "#1f5fa8");
        let mut i = input("سعد علي", &id("101234567"), "");
        i.category = "طالب جامعي".into();
        assert_eq!(create(&mut conn, forum, &i).unwrap().category, c.code);
        save_category(&conn, Some("visitor"), "زائر عام", "#5b6660").unwrap();
        assert!(categories(&conn)
            .unwrap()
            .iter()
            .any(|k| k.label_ar == "زائر عام"));
        assert_eq!(
            save_category(&conn, None, "زائر عام", "#000000")
                .unwrap_err()
                .code(),
            "validation"
        );
        assert_eq!(
            save_category(&conn, None, "جديدة", "red")
                .unwrap_err()
                .fields()[0]
                .field,
            "color"
        );
    }

    #[test]
    fn update_keeps_badge_code_and_checks_duplicates() {
        let (_d, store, forum) = setup();
        let mut conn = store.conn();
        let a = create(&mut conn, forum, &input("أحمد علي", &id("101234567"), "")).unwrap();
        let b = create(&mut conn, forum, &input("سالم علي", &id("101234568"), "")).unwrap();
        let mut change = input("سالم علي الحربي", &id("101234568"), "0551112222");
        change.category = "volunteer".into();
        let b2 = update(&mut conn, b.id, &change).unwrap();
        assert_eq!(b2.badge_code, b.badge_code);
        assert_eq!(b2.category_label, "متطوع");
        let clash = input("سالم علي", &id("101234567"), "");
        assert_eq!(
            update(&mut conn, b.id, &clash).unwrap_err().code(),
            "duplicate"
        );
        delete(&conn, a.id).unwrap();
        assert_eq!(get(&conn, a.id).unwrap_err().code(), "not_found");
    }
}
