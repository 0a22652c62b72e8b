//! The productive-families exhibition (معرض الأسر المنتجة): a family's application (head of
//! household, ID, mobile, social-security file, city, product category, products, photos,
//! needs). The review workflow and quotas are in [`review`], presence and sales in [`market`],
//! spreadsheets in [`import`].

pub mod import;
pub mod market;
pub mod review;

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::entity::label_of;
use crate::error::{AppError, FieldError, Result};
use crate::forum::{data_url, image_from_data_url, sniff_image};
use crate::person::rules;
use crate::text;

pub const CATEGORIES: &[(&str, &str)] = &[
    ("food", "أطعمة"),
    ("sweets", "حلويات"),
    ("handicrafts", "حرف يدوية"),
    ("perfume", "عطور وبخور"),
    ("sewing", "خياطة وتطريز"),
    ("beauty", "تجميل"),
    ("other", "أخرى"),
];

pub const STATUSES: &[(&str, &str)] = &[
    ("applied", "طلب جديد"),
    ("approved", "مقبولة"),
    ("waitlisted", "في قائمة الانتظار"),
    ("offered", "عُرض عليها مكان"),
    ("rejected", "مرفوضة"),
    ("withdrawn", "منسحبة"),
];

pub const TABLE_SIZES: &[(&str, &str)] =
    &[("small", "صغيرة"), ("medium", "متوسطة"), ("large", "كبيرة")];

const MAX_PHOTOS: usize = 4;

pub fn category_label(code: &str) -> &'static str {
    label_of(CATEGORIES, code)
}

pub fn status_label(code: &str) -> &'static str {
    label_of(STATUSES, code)
}

const CATEGORY_WORDS: &[(&str, &[&str])] = &[
    ("sweets", &["حلو", "كيك", "معجنات", "sweets", "dessert"]),
    ("food", &["اطعمه", "طعام", "اكل", "ماكولات", "طبخ", "food"]),
    ("handicrafts", &["حرف", "يدوي", "خوص", "فخار", "craft"]),
    (
        "perfume",
        &["عطر", "عطور", "بخور", "عود", "perfume", "incense"],
    ),
    ("sewing", &["خياط", "تطريز", "ملابس", "sewing", "embroidery"]),
    ("beauty", &["تجميل", "عنايه", "مكياج", "beauty"]),
    ("other", &["اخري", "اخرى", "other"]),
];

/// A category code from its code, label or the words people write («مأكولات شعبية»).
pub fn find_category(given: &str) -> Option<&'static str> {
    let key = text::search_key(given);
    if key.is_empty() {
        return None;
    }
    CATEGORIES
        .iter()
        .find(|(c, l)| *c == key || text::search_key(l) == key)
        .map(|(c, _)| *c)
        .or_else(|| {
            CATEGORY_WORDS
                .iter()
                .find(|(_, ws)| ws.iter().any(|w| key.contains(&text::search_key(w))))
                .map(|(c, _)| *c)
        })
}

fn find_table_size(given: &str) -> Option<&'static str> {
    let key = text::search_key(given);
    match key.as_str() {
        "" => Some("medium"),
        k if k.contains("صغير") || k == "small" || k == "s" => Some("small"),
        k if k.contains("متوسط") || k == "medium" || k == "m" => Some("medium"),
        k if k.contains("كبير") || k == "large" || k == "l" => Some("large"),
        _ => TABLE_SIZES.iter().find(|(c, _)| *c == key).map(|(c, _)| *c),
    }
}

/// A family's application, from the form or an import row.
#[derive(Debug, Clone, Deserialize, Default)]
pub struct FamilyInput {
    #[serde(default)]
    pub head_name: String,
    #[serde(default)]
    pub national_id: String,
    #[serde(default)]
    pub mobile: String,
    /// The social-security file number.
    #[serde(default)]
    pub ss_file: String,
    /// District or city.
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub products: String,
    #[serde(default)]
    pub need_power: bool,
    #[serde(default)]
    pub need_fridge: bool,
    #[serde(default)]
    pub table_size: String,
    /// Data URLs: absent keeps the photos, a list replaces them (empty removes them).
    #[serde(default)]
    pub photos: Option<Vec<String>>,
    /// `form` (default) or `import`.
    #[serde(default)]
    pub source: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Family {
    pub id: i64,
    pub forum_id: i64,
    pub uuid: String,
    pub head_name: String,
    pub national_id: String,
    pub mobile: Option<String>,
    pub ss_file: String,
    pub city: String,
    pub category: String,
    pub category_label: String,
    pub products: String,
    pub need_power: bool,
    pub need_fridge: bool,
    pub table_size: String,
    pub table_size_label: String,
    pub status: String,
    pub status_label: String,
    pub waitlisted_at: Option<String>,
    pub source: String,
    pub photo_count: i64,
    pub booth_id: Option<i64>,
    pub booth_code: Option<String>,
    pub created_at: String,
}

struct Valid {
    head_name: String,
    name_key: String,
    national_id: String,
    mobile: Option<String>,
    ss_file: String,
    city: String,
    category: &'static str,
    products: String,
    table_size: &'static str,
    photos: Option<Vec<Vec<u8>>>,
    source: &'static str,
}

fn validate(input: &FamilyInput) -> Result<Valid> {
    let mut errors = Vec::new();
    let mut take = |field: &str, r: std::result::Result<String, String>| match r {
        Ok(v) => Some(v),
        Err(m) => {
            errors.push(FieldError::new(field, m));
            None
        }
    };
    let head_name = take("head_name", rules::full_name(&input.head_name));
    let national_id = if text::clean(&input.national_id).is_empty() {
        take("national_id", Err("رقم هوية رب الأسرة مطلوب".into()))
    } else {
        take("national_id", rules::national_id(&input.national_id))
    };
    let mobile = if text::clean(&input.mobile).is_empty() {
        take("mobile", Err("رقم الجوال مطلوب للتواصل مع الأسرة".into()))
    } else {
        take("mobile", rules::mobile(&input.mobile))
    };
    let ss_file = text::latin_digits(&text::clean(&input.ss_file));
    if text::char_len(&ss_file) > 20 {
        errors.push(FieldError::new("ss_file", "رقم ملف الضمان أطول من 20 خانة"));
    }
    let city = text::clean(&input.city);
    if text::char_len(&city) > 60 {
        errors.push(FieldError::new(
            "city",
            "اسم المدينة أو الحي أطول من 60 حرفًا",
        ));
    }
    let category = find_category(&input.category);
    if category.is_none() {
        let given = text::clean(&input.category);
        errors.push(FieldError::new(
            "category",
            if given.is_empty() {
                "اختر فئة المنتجات".to_string()
            } else {
                format!("فئة المنتجات «{given}» غير معروفة")
            },
        ));
    }
    let products = text::clean(&input.products);
    if text::char_len(&products) > 1000 {
        errors.push(FieldError::new("products", "وصف المنتجات أطول من 1000 حرف"));
    }
    let table_size = find_table_size(&input.table_size);
    if table_size.is_none() {
        errors.push(FieldError::new(
            "table_size",
            "مقاس الطاولة: صغيرة أو متوسطة أو كبيرة",
        ));
    }
    let photos = match &input.photos {
        None => None,
        Some(list) if list.len() > MAX_PHOTOS => {
            errors.push(FieldError::new(
                "photos",
                format!("الحد الأعلى {MAX_PHOTOS} صور"),
            ));
            None
        }
        Some(list) => {
            let mut out = Vec::new();
            for raw in list {
                match image_from_data_url(raw, "الصورة") {
                    Ok(b) => out.push(b),
                    Err(m) => errors.push(FieldError::new("photos", m)),
                }
            }
            Some(out)
        }
    };
    let source = match input.source.as_deref().map(str::trim) {
        Some("import") => "import",
        _ => "form",
    };
    match (head_name, national_id, category, table_size) {
        (Some(head_name), Some(national_id), Some(category), Some(table_size))
            if errors.is_empty() =>
        {
            Ok(Valid {
                name_key: text::search_key(&head_name),
                head_name,
                national_id,
                mobile,
                ss_file,
                city,
                category,
                products,
                table_size,
                photos,
                source,
            })
        }
        _ => Err(AppError::Validation(errors)),
    }
}

const FAMILY_SELECT: &str = "SELECT f.id, f.forum_id, f.uuid, f.head_name, f.national_id, f.mobile, f.ss_file, f.city,
        f.category, f.products, f.need_power, f.need_fridge, f.table_size, f.status, f.waitlisted_at, f.source,
        (SELECT count(*) FROM family_photo p WHERE p.family_id = f.id), b.id, b.code, f.created_at
   FROM family f
   LEFT JOIN booth_occupant o ON o.family_id = f.id
   LEFT JOIN booth b ON b.id = o.booth_id";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Family> {
    let category: String = r.get(8)?;
    let table_size: String = r.get(12)?;
    let status: String = r.get(13)?;
    Ok(Family {
        id: r.get(0)?,
        forum_id: r.get(1)?,
        uuid: r.get(2)?,
        head_name: r.get(3)?,
        national_id: r.get(4)?,
        mobile: r.get(5)?,
        ss_file: r.get(6)?,
        city: r.get(7)?,
        category_label: category_label(&category).to_string(),
        category,
        products: r.get(9)?,
        need_power: r.get(10)?,
        need_fridge: r.get(11)?,
        table_size_label: label_of(TABLE_SIZES, &table_size).to_string(),
        table_size,
        status_label: status_label(&status).to_string(),
        status,
        waitlisted_at: r.get(14)?,
        source: r.get(15)?,
        photo_count: r.get(16)?,
        booth_id: r.get(17)?,
        booth_code: r.get(18)?,
        created_at: r.get(19)?,
    })
}

pub fn get(conn: &Connection, id: i64) -> Result<Family> {
    conn.query_row(&format!("{FAMILY_SELECT} WHERE f.id = ?1"), [id], from_row)
        .optional()?
        .ok_or(AppError::NotFound {
            what: "الأسرة"
        })
}

/// A forum's families, optionally of one status and/or category: by category, then the waiting
/// list in its order, then name.
pub fn list(
    conn: &Connection,
    forum_id: i64,
    status: Option<&str>,
    category: Option<&str>,
) -> Result<Vec<Family>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{FAMILY_SELECT} WHERE f.forum_id = ?1 AND (?2 IS NULL OR f.status = ?2) AND (?3 IS NULL OR f.category = ?3)
          ORDER BY f.category, f.waitlisted_at IS NULL, f.waitlisted_at, f.head_name"
    ))?;
    let rows = stmt
        .query_map(params![forum_id, status, category], from_row)?
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
            "SELECT id, head_name FROM family WHERE forum_id = ?1 AND national_id = ?2 AND id <> ?3",
        )?
        .query_row(params![forum_id, v.national_id, except.unwrap_or(-1)], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    Ok(found.map(|(id, name)| AppError::Duplicate {
        message: format!("للأسرة طلب سابق باسم «{name}» (رقم الهوية نفسه)"),
        existing_id: id,
    }))
}

fn write_photos(conn: &Connection, id: i64, photos: &Option<Vec<Vec<u8>>>) -> Result<()> {
    if let Some(list) = photos {
        conn.execute("DELETE FROM family_photo WHERE family_id = ?1", [id])?;
        for bytes in list {
            conn.execute(
                "INSERT INTO family_photo(family_id, mime, bytes) VALUES (?1, ?2, ?3)",
                params![id, sniff_image(bytes).unwrap_or("image/png"), bytes],
            )?;
        }
    }
    Ok(())
}

/// Inserts one application (status «applied», decision recorded) in the caller's transaction.
pub(crate) fn insert(
    conn: &Connection,
    forum_id: i64,
    input: &FamilyInput,
    by: &str,
) -> Result<i64> {
    let v = validate(input)?;
    if let Some(dup) = find_duplicate(conn, forum_id, &v, None)? {
        return Err(dup);
    }
    let ts = crate::calendar::now_utc();
    conn.prepare_cached(
        "INSERT INTO family(forum_id, uuid, head_name, name_key, national_id, mobile, ss_file, city, category,
                            products, need_power, need_fridge, table_size, status, source, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 'applied', ?14, ?15, ?15)",
    )?
    .execute(params![
        forum_id,
        uuid::Uuid::new_v4().to_string(),
        v.head_name,
        v.name_key,
        v.national_id,
        v.mobile,
        v.ss_file,
        v.city,
        v.category,
        v.products,
        input.need_power,
        input.need_fridge,
        v.table_size,
        v.source,
        ts
    ])?;
    let id = conn.last_insert_rowid();
    write_photos(conn, id, &v.photos)?;
    review::record(conn, id, None, "applied", "", by)?;
    Ok(id)
}

pub fn create(
    conn: &mut Connection,
    forum_id: i64,
    input: &FamilyInput,
    by: &str,
) -> Result<Family> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    crate::forum::get(&tx, forum_id)?;
    let id = insert(&tx, forum_id, input, by)?;
    tx.commit()?;
    get(conn, id)
}

/// Edits the application's details (its status changes only through [`review::decide`]).
/// Changing the category of a family that holds or awaits a place is refused: quotas count it.
pub fn update(conn: &mut Connection, id: i64, input: &FamilyInput) -> Result<Family> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let current = get(&tx, id)?;
    let v = validate(input)?;
    if let Some(dup) = find_duplicate(&tx, current.forum_id, &v, Some(id))? {
        return Err(dup);
    }
    if v.category != current.category
        && matches!(
            current.status.as_str(),
            "approved" | "offered" | "waitlisted"
        )
    {
        return Err(AppError::Conflict(format!(
            "لا تُغيّر فئة أسرة حالتها «{}»: الحصص تحسبها في فئتها؛ اسحب الطلب وقدّمه من جديد",
            current.status_label
        )));
    }
    tx.execute(
        "UPDATE family SET head_name = ?2, name_key = ?3, national_id = ?4, mobile = ?5, ss_file = ?6, city = ?7,
                category = ?8, products = ?9, need_power = ?10, need_fridge = ?11, table_size = ?12, updated_at = ?13
          WHERE id = ?1",
        params![
            id,
            v.head_name,
            v.name_key,
            v.national_id,
            v.mobile,
            v.ss_file,
            v.city,
            v.category,
            v.products,
            input.need_power,
            input.need_fridge,
            v.table_size,
            crate::calendar::now_utc()
        ],
    )?;
    write_photos(&tx, id, &v.photos)?;
    tx.commit()?;
    get(conn, id)
}

pub fn delete(conn: &Connection, id: i64) -> Result<()> {
    if conn.execute("DELETE FROM family WHERE id = ?1", [id])? == 0 {
        return Err(AppError::NotFound {
            what: "الأسرة"
        });
    }
    Ok(())
}

/// The application's photos as data URLs.
pub fn photos(conn: &Connection, id: i64) -> Result<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT bytes FROM family_photo WHERE family_id = ?1 ORDER BY id")?;
    let rows = stmt
        .query_map([id], |r| r.get::<_, Vec<u8>>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows.iter().map(|b| data_url(b)).collect())
}

#[cfg(test)]
pub(crate) fn sample(name: &str, nine: &str, category: &str) -> FamilyInput {
    FamilyInput {
        head_name: name.into(),
        national_id: format!("{nine}{}", rules::luhn_check_digit(nine).unwrap()),
        mobile: "0551234567".into(),
        ss_file: "٤٥٦٧٨".into(),
        city: "جازان".into(),
        category: category.into(),
        products: "منتجات منزلية".into(),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_application_is_validated_and_duplicates_refused() {
        let (_dir, store, forum) = crate::forum::test_setup();
        let mut conn = store.conn();
        let f = create(
            &mut conn,
            forum,
            &sample("نورة أحمد الزهراني", "101234567", "مأكولات شعبية"),
            "اللجنة",
        )
        .unwrap();
        assert_eq!(f.category, "food");
        assert_eq!(f.status, "applied");
        assert_eq!(f.ss_file, "45678");
        assert_eq!(f.table_size, "medium");
        assert_eq!(
            review::history(&conn, f.id).unwrap()[0].decided_by,
            "اللجنة"
        );

        let e = create(
            &mut conn,
            forum,
            &FamilyInput {
                head_name: "نورة".into(),
                national_id: "1012345670".into(),
                category: "سيارات".into(),
                table_size: "عملاقة".into(),
                photos: Some(vec!["data:image/png;base64,AAAA".into()]),
                ..Default::default()
            },
            "",
        )
        .unwrap_err();
        let fields: Vec<&str> = e.fields().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "head_name",
                "national_id",
                "mobile",
                "category",
                "table_size",
                "photos"
            ]
        );
        let dup = create(
            &mut conn,
            forum,
            &sample("سارة علي", "101234567", "حلويات"),
            "",
        )
        .unwrap_err();
        assert_eq!(dup.code(), "duplicate");
        assert!(dup.to_string().contains("نورة أحمد الزهراني"));
    }
}
