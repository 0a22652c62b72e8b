//! Opportunities (الفرص): what an enabling entity offers in one track — a course (seats), a job
//! (vacancies, salary range) or a support programme (kind, funder, ceiling) — with a status and
//! eligibility tags. Form and spreadsheet input is text as typed; errors are per field, in
//! Arabic; money is kept in halalas.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::entity::{find_code, label_of};
use crate::error::{AppError, FieldError, Result};
use crate::text;

pub const STATUSES: &[(&str, &str)] = &[("open", "متاحة"), ("full", "مكتملة"), ("closed", "مغلقة")];

pub const ELIGIBILITY: &[(&str, &str)] = &[
    ("beneficiary", "مستفيد الضمان"),
    ("family_member", "فرد من أسرة مستفيدة"),
    ("disability", "ذوو الإعاقة"),
    ("women", "النساء"),
    ("youth", "الشباب"),
];

pub const WORK_MODES: &[(&str, &str)] = &[
    ("full_time", "دوام كامل"),
    ("part_time", "دوام جزئي"),
    ("remote", "عن بعد"),
];

pub const SUPPORT_KINDS: &[(&str, &str)] = &[
    ("loan", "قرض"),
    ("grant", "منحة"),
    ("incubation", "احتضان"),
    ("founder_training", "تدريب رواد الأعمال"),
    ("in_kind", "دعم عيني"),
];

pub const TRACK_NAMES: &[(&str, &str)] = &[
    ("training", "دورة تدريبية"),
    ("job", "فرصة وظيفية"),
    ("support", "دعم ريادي"),
];

/// An opportunity as a form or a spreadsheet row gives it: text as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OpportunityInput {
    pub entity_id: Option<i64>,
    pub track: String,
    pub title: String,
    pub status: String,
    /// Seats (course) or vacancies (job); empty: no limit.
    pub capacity: String,
    /// Tags by code or Arabic label, separated by commas.
    pub eligibility: String,
    pub accreditor: String,
    pub hours: String,
    pub start_date: String,
    pub end_date: String,
    pub place: String,
    pub online: bool,
    pub certificate: bool,
    pub salary_min: String,
    pub salary_max: String,
    pub city: String,
    pub work_mode: String,
    pub disability_ok: bool,
    pub requirements: String,
    pub support_kind: String,
    pub funder: String,
    pub ceiling: String,
    pub conditions: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Opportunity {
    pub id: i64,
    pub forum_id: i64,
    pub entity_id: i64,
    pub entity_name: String,
    pub track: String,
    pub track_label: &'static str,
    pub title: String,
    pub status: String,
    pub status_label: &'static str,
    pub capacity: Option<i64>,
    /// Referrals holding a seat or vacancy now.
    pub placed: i64,
    pub referred: i64,
    pub eligibility: Vec<String>,
    pub accreditor: String,
    pub hours: Option<i64>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub start_label: Option<String>,
    pub end_label: Option<String>,
    pub place: String,
    pub online: bool,
    pub certificate: bool,
    pub salary_min: Option<i64>,
    pub salary_max: Option<i64>,
    pub city: String,
    pub work_mode: String,
    pub disability_ok: bool,
    pub requirements: String,
    pub support_kind: String,
    pub funder: String,
    /// Halalas.
    pub ceiling: Option<i64>,
    pub conditions: String,
}

struct Valid {
    entity_id: i64,
    track: &'static str,
    title: String,
    status: &'static str,
    capacity: Option<i64>,
    eligibility: String,
    accreditor: String,
    hours: Option<i64>,
    start_date: Option<String>,
    end_date: Option<String>,
    place: String,
    online: bool,
    certificate: bool,
    salary_min: Option<i64>,
    salary_max: Option<i64>,
    city: String,
    work_mode: &'static str,
    disability_ok: bool,
    requirements: String,
    support_kind: &'static str,
    funder: String,
    ceiling: Option<i64>,
    conditions: String,
}

const MAX_TEXT: usize = 300;

fn whole(field: &str, raw: &str, what: &str, errors: &mut Vec<FieldError>) -> Option<i64> {
    let s = text::latin_digits(&text::clean(raw)).replace(['٬', ','], "");
    if s.is_empty() {
        return None;
    }
    match s.parse::<i64>() {
        Ok(n) if n > 0 && n <= 1_000_000 => Some(n),
        _ => {
            errors.push(FieldError::new(
                field,
                format!("{what}: اكتب عددًا صحيحًا موجبًا"),
            ));
            None
        }
    }
}

fn money(field: &str, raw: &str, what: &str, errors: &mut Vec<FieldError>) -> Option<i64> {
    if text::clean(raw).is_empty() {
        return None;
    }
    match crate::family::market::parse_sar(raw) {
        Ok(h) => Some(h),
        Err(m) => {
            errors.push(FieldError::new(field, format!("{what}: {m}")));
            None
        }
    }
}

fn date(field: &str, raw: &str, what: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    let s = text::latin_digits(&text::clean(raw));
    if s.is_empty() {
        return None;
    }
    match crate::calendar::parse_iso(&s) {
        Some(d) => Some(d.format("%Y-%m-%d").to_string()),
        None => {
            errors.push(FieldError::new(
                field,
                format!("{what}: اكتب التاريخ الميلادي بالصيغة 2025-03-15"),
            ));
            None
        }
    }
}

fn short(field: &str, raw: &str, what: &str, errors: &mut Vec<FieldError>) -> String {
    let v = text::clean(raw);
    if text::char_len(&v) > MAX_TEXT {
        errors.push(FieldError::new(
            field,
            format!(
                "{what} أطول من {}",
                crate::text::counted(MAX_TEXT as u64, &crate::text::CHARACTERS)
            ),
        ));
    }
    v
}

fn validate(input: &OpportunityInput) -> Result<Valid> {
    let mut errors = Vec::new();
    let entity_id = input.entity_id.unwrap_or(0);
    if entity_id <= 0 {
        errors.push(FieldError::new("entity_id", "اختر الجهة التي تقدم الفرصة"));
    }
    let track = find_code(
        TRACK_NAMES,
        &input.track,
        &[
            ("training", &["دوره", "تدريب", "course"]),
            ("job", &["وظيفه", "توظيف", "فرصه وظيفيه"]),
            ("support", &["دعم", "ريادي", "تمويل"]),
        ],
    );
    if track.is_none() {
        errors.push(FieldError::new(
            "track",
            "المسار: دورة تدريبية أو فرصة وظيفية أو دعم ريادي",
        ));
    }
    let title = short("title", &input.title, "العنوان", &mut errors);
    if title.is_empty() {
        errors.push(FieldError::new("title", "اكتب عنوان الفرصة"));
    }
    let status = if text::clean(&input.status).is_empty() {
        Some("open")
    } else {
        find_code(STATUSES, &input.status, &[])
    };
    if status.is_none() {
        errors.push(FieldError::new(
            "status",
            "الحالة: متاحة أو مكتملة أو مغلقة",
        ));
    }
    let mut tags = Vec::new();
    for part in input.eligibility.split([',', '،', ';', '؛']) {
        if text::clean(part).is_empty() {
            continue;
        }
        match find_code(
            ELIGIBILITY,
            part,
            &[
                ("beneficiary", &["مستفيد", "مستفيدو الضمان"]),
                ("family_member", &["اسره", "فرد من الاسره"]),
                ("disability", &["اعاقه", "ذوي الاعاقه", "اشخاص ذوي الاعاقه"]),
                ("women", &["نساء", "المراه", "سيدات"]),
                ("youth", &["شباب"]),
            ],
        ) {
            Some(code) if !tags.contains(&code) => tags.push(code),
            Some(_) => {}
            None => errors.push(FieldError::new(
                "eligibility",
                format!("فئة غير معروفة في الأهلية: «{}»", text::clean(part)),
            )),
        }
    }
    let capacity = whole(
        "capacity",
        &input.capacity,
        "عدد المقاعد أو الشواغر",
        &mut errors,
    );
    let hours = whole("hours", &input.hours, "عدد الساعات", &mut errors);
    let start_date = date(
        "start_date",
        &input.start_date,
        "تاريخ البداية",
        &mut errors,
    );
    let end_date = date("end_date", &input.end_date, "تاريخ النهاية", &mut errors);
    if let (Some(a), Some(b)) = (&start_date, &end_date) {
        if b < a {
            errors.push(FieldError::new(
                "end_date",
                "تاريخ النهاية قبل تاريخ البداية",
            ));
        }
    }
    let salary_min = money("salary_min", &input.salary_min, "أدنى راتب", &mut errors);
    let salary_max = money("salary_max", &input.salary_max, "أعلى راتب", &mut errors);
    if let (Some(a), Some(b)) = (salary_min, salary_max) {
        if b < a {
            errors.push(FieldError::new("salary_max", "أعلى راتب أقل من أدناه"));
        }
    }
    let work_mode = if text::clean(&input.work_mode).is_empty() {
        Some("")
    } else {
        find_code(
            WORK_MODES,
            &input.work_mode,
            &[
                ("full_time", &["كامل"]),
                ("part_time", &["جزيي"]),
                ("remote", &["عن بعد", "بعد"]),
            ],
        )
    };
    if work_mode.is_none() {
        errors.push(FieldError::new(
            "work_mode",
            "نوع الدوام: كامل أو جزئي أو عن بعد",
        ));
    }
    let support_kind = if text::clean(&input.support_kind).is_empty() {
        Some("")
    } else {
        find_code(
            SUPPORT_KINDS,
            &input.support_kind,
            &[("founder_training", &["تدريب رواد"])],
        )
    };
    if support_kind.is_none() {
        errors.push(FieldError::new(
            "support_kind",
            "نوع الدعم: قرض أو منحة أو احتضان أو تدريب رواد الأعمال أو دعم عيني",
        ));
    }
    let ceiling = money("ceiling", &input.ceiling, "سقف الدعم", &mut errors);
    let no_capacity = text::clean(&input.capacity).is_empty();
    match track {
        Some("training") if no_capacity => {
            errors.push(FieldError::new("capacity", "اكتب عدد مقاعد الدورة"))
        }
        Some("job") if no_capacity => errors.push(FieldError::new("capacity", "اكتب عدد الشواغر")),
        Some("support") if support_kind == Some("") => {
            errors.push(FieldError::new("support_kind", "اختر نوع الدعم"))
        }
        _ => {}
    }
    let valid = Valid {
        entity_id,
        track: track.unwrap_or("training"),
        title,
        status: status.unwrap_or("open"),
        capacity: if track == Some("support") {
            None
        } else {
            capacity
        },
        eligibility: tags.join(","),
        accreditor: short("accreditor", &input.accreditor, "جهة الاعتماد", &mut errors),
        hours,
        start_date,
        end_date,
        place: short("place", &input.place, "المكان", &mut errors),
        online: input.online,
        certificate: input.certificate,
        salary_min,
        salary_max,
        city: short("city", &input.city, "المدينة", &mut errors),
        work_mode: work_mode.unwrap_or(""),
        disability_ok: input.disability_ok,
        requirements: short(
            "requirements",
            &input.requirements,
            "المتطلبات",
            &mut errors,
        ),
        support_kind: support_kind.unwrap_or(""),
        funder: short("funder", &input.funder, "الجهة المموّلة", &mut errors),
        ceiling,
        conditions: short("conditions", &input.conditions, "الشروط", &mut errors),
    };
    if errors.is_empty() {
        Ok(valid)
    } else {
        Err(AppError::Validation(errors))
    }
}

const SELECT: &str = "SELECT o.id, o.forum_id, o.entity_id, e.name_ar, o.track, o.title, o.status, o.capacity,
        (SELECT count(*) FROM referral r WHERE r.opportunity_id = o.id AND r.placed = 1),
        (SELECT count(*) FROM referral r WHERE r.opportunity_id = o.id),
        o.eligibility, o.accreditor, o.hours, o.start_date, o.end_date, o.place, o.online, o.certificate,
        o.salary_min, o.salary_max, o.city, o.work_mode, o.disability_ok, o.requirements,
        o.support_kind, o.funder, o.ceiling, o.conditions
   FROM opportunity o JOIN entity e ON e.id = o.entity_id";

fn row(r: &Row<'_>) -> rusqlite::Result<Opportunity> {
    let track: String = r.get(4)?;
    let status: String = r.get(6)?;
    let tags: String = r.get(10)?;
    let start_date: Option<String> = r.get(13)?;
    let end_date: Option<String> = r.get(14)?;
    let label = |d: &Option<String>| {
        d.as_deref().and_then(crate::calendar::parse_iso).map(|d| {
            let l = crate::calendar::label(d);
            format!("{} — {}", l.hijri, l.gregorian)
        })
    };
    Ok(Opportunity {
        id: r.get(0)?,
        forum_id: r.get(1)?,
        entity_id: r.get(2)?,
        entity_name: r.get(3)?,
        track_label: label_of(TRACK_NAMES, &track),
        track,
        title: r.get(5)?,
        status_label: label_of(STATUSES, &status),
        status,
        capacity: r.get(7)?,
        placed: r.get(8)?,
        referred: r.get(9)?,
        eligibility: tags
            .split(',')
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect(),
        accreditor: r.get(11)?,
        hours: r.get(12)?,
        start_label: label(&start_date),
        end_label: label(&end_date),
        start_date,
        end_date,
        place: r.get(15)?,
        online: r.get(16)?,
        certificate: r.get(17)?,
        salary_min: r.get(18)?,
        salary_max: r.get(19)?,
        city: r.get(20)?,
        work_mode: r.get(21)?,
        disability_ok: r.get(22)?,
        requirements: r.get(23)?,
        support_kind: r.get(24)?,
        funder: r.get(25)?,
        ceiling: r.get(26)?,
        conditions: r.get(27)?,
    })
}

pub fn get(conn: &Connection, id: i64) -> Result<Opportunity> {
    conn.query_row(&format!("{SELECT} WHERE o.id = ?1"), [id], row)
        .optional()?
        .ok_or(AppError::NotFound {
            what: "الفرصة"
        })
}

/// The forum's opportunities, by track, entity and title; `track` and `entity` narrow it.
pub fn list(
    conn: &Connection,
    forum_id: i64,
    track: Option<&str>,
    entity: Option<i64>,
) -> Result<Vec<Opportunity>> {
    if let Some(t) = track.filter(|t| super::track(t).is_none()) {
        return Err(AppError::field(
            "track",
            &format!("المسار «{t}» غير معروف؛ training أو job أو support"),
        ));
    }
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE o.forum_id = ?1 AND (?2 IS NULL OR o.track = ?2) AND (?3 IS NULL OR o.entity_id = ?3)
          ORDER BY o.track, e.name_ar, o.title"
    ))?;
    let rows = stmt
        .query_map(params![forum_id, track, entity], row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

fn check_entity(conn: &Connection, forum_id: i64, entity_id: i64) -> Result<()> {
    let forum: Option<i64> = conn
        .query_row(
            "SELECT forum_id FROM entity WHERE id = ?1",
            [entity_id],
            |r| r.get(0),
        )
        .optional()?;
    match forum {
        Some(f) if f == forum_id => Ok(()),
        Some(_) => Err(AppError::field("entity_id", "الجهة من ملتقى آخر")),
        None => Err(AppError::field("entity_id", "الجهة غير موجودة")),
    }
}

impl Valid {
    /// The values of the columns from `entity_id` to `conditions`, in the table's order.
    fn columns(&self) -> [&dyn rusqlite::ToSql; 23] {
        [
            &self.entity_id,
            &self.track,
            &self.title,
            &self.status,
            &self.capacity,
            &self.eligibility,
            &self.accreditor,
            &self.hours,
            &self.start_date,
            &self.end_date,
            &self.place,
            &self.online,
            &self.certificate,
            &self.salary_min,
            &self.salary_max,
            &self.city,
            &self.work_mode,
            &self.disability_ok,
            &self.requirements,
            &self.support_kind,
            &self.funder,
            &self.ceiling,
            &self.conditions,
        ]
    }
}

/// `first`, then the valid opportunity's columns, then `last`, as statement parameters.
fn with_columns<'a>(
    first: &'a dyn rusqlite::ToSql,
    v: &'a Valid,
    last: &'a dyn rusqlite::ToSql,
) -> Vec<&'a dyn rusqlite::ToSql> {
    let mut all = vec![first];
    all.extend(v.columns());
    all.push(last);
    all
}

/// Adds an opportunity inside the caller's transaction (the form and the import share it).
pub(crate) fn insert(conn: &Connection, forum_id: i64, input: &OpportunityInput) -> Result<i64> {
    let v = validate(input)?;
    check_entity(conn, forum_id, v.entity_id)?;
    let now = crate::calendar::now_utc();
    conn.prepare_cached(
        "INSERT INTO opportunity(forum_id, entity_id, track, title, status, capacity, eligibility, accreditor,
                hours, start_date, end_date, place, online, certificate, salary_min, salary_max, city,
                work_mode, disability_ok, requirements, support_kind, funder, ceiling, conditions,
                created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
                 ?20, ?21, ?22, ?23, ?24, ?25, ?25)",
    )?
    .execute(rusqlite::params_from_iter(with_columns(&forum_id, &v, &now)))?;
    Ok(conn.last_insert_rowid())
}

pub fn create(
    conn: &mut Connection,
    forum_id: i64,
    input: &OpportunityInput,
) -> Result<Opportunity> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    crate::forum::get(&tx, forum_id)?;
    let id = insert(&tx, forum_id, input)?;
    let o = get(&tx, id)?;
    tx.commit()?;
    Ok(o)
}

/// Changes an opportunity. Its track cannot change once people were referred to it, and its
/// seats or vacancies cannot drop below the places already taken.
pub fn update(conn: &mut Connection, id: i64, input: &OpportunityInput) -> Result<Opportunity> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let old = get(&tx, id)?;
    let v = validate(input)?;
    check_entity(&tx, old.forum_id, v.entity_id)?;
    if v.track != old.track && old.referred > 0 {
        return Err(AppError::field(
            "track",
            "لا يتغير مسار فرصة أُحيل إليها أشخاص",
        ));
    }
    if v.capacity.is_some_and(|c| c < old.placed) {
        return Err(AppError::field(
            "capacity",
            &format!("شُغل من الفرصة {} مكانًا؛ لا يقل العدد عن ذلك", old.placed),
        ));
    }
    tx.execute(
        "UPDATE opportunity SET entity_id = ?2, track = ?3, title = ?4, status = ?5, capacity = ?6,
                eligibility = ?7, accreditor = ?8, hours = ?9, start_date = ?10, end_date = ?11, place = ?12,
                online = ?13, certificate = ?14, salary_min = ?15, salary_max = ?16, city = ?17,
                work_mode = ?18, disability_ok = ?19, requirements = ?20, support_kind = ?21, funder = ?22,
                ceiling = ?23, conditions = ?24, updated_at = ?25
          WHERE id = ?1",
        rusqlite::params_from_iter(with_columns(&id, &v, &crate::calendar::now_utc())),
    )?;
    let o = get(&tx, id)?;
    tx.commit()?;
    Ok(o)
}

pub fn delete(conn: &Connection, id: i64) -> Result<()> {
    if conn.execute("DELETE FROM opportunity WHERE id = ?1", [id])? == 0 {
        return Err(AppError::NotFound {
            what: "الفرصة"
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn course(entity_id: i64, seats: &str) -> OpportunityInput {
        OpportunityInput {
            entity_id: Some(entity_id),
            track: "دورة تدريبية".into(),
            title: "دورة التسويق الإلكتروني للمشاريع المنزلية".into(),
            capacity: seats.into(),
            hours: "٢٤".into(),
            start_date: "2019-11-17".into(),
            end_date: "2019-11-21".into(),
            accreditor: "المؤسسة العامة للتدريب التقني والمهني".into(),
            eligibility: "مستفيد الضمان، النساء".into(),
            certificate: true,
            ..Default::default()
        }
    }

    #[test]
    fn each_track_asks_for_its_own_fields_in_arabic() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("m.sqlite3")).unwrap();
        let mut conn = store.conn();
        let forum = crate::demo::load(&mut conn).unwrap();
        let entity = crate::entity::list(&conn, forum).unwrap()[0].id;
        let o = create(&mut conn, forum, &course(entity, "20")).unwrap();
        assert_eq!(
            (o.track.as_str(), o.capacity, o.hours),
            ("training", Some(20), Some(24))
        );
        assert_eq!(o.eligibility, ["beneficiary", "women"]);
        assert!(o.start_label.as_deref().unwrap().contains("ربيع الأول"));
        let fields = |input: &OpportunityInput| -> Vec<String> {
            validate(input)
                .err()
                .map(|e| e.fields().iter().map(|f| f.field.clone()).collect())
                .unwrap_or_default()
        };
        assert_eq!(fields(&course(entity, "")), ["capacity"]);
        let mut job = OpportunityInput {
            entity_id: Some(entity),
            track: "فرصة وظيفية".into(),
            title: "موظف خدمة عملاء".into(),
            capacity: "5".into(),
            salary_min: "٥٬٠٠٠ ريال".into(),
            salary_max: "4000".into(),
            work_mode: "عن بعد".into(),
            ..Default::default()
        };
        assert_eq!(fields(&job), ["salary_max"]);
        job.salary_max = "7000".into();
        let j = create(&mut conn, forum, &job).unwrap();
        assert_eq!(
            (j.salary_min, j.work_mode.as_str()),
            (Some(500_000), "remote")
        );
        let support = OpportunityInput {
            entity_id: Some(entity),
            track: "دعم ريادي".into(),
            title: "تمويل الأسر المنتجة".into(),
            ..Default::default()
        };
        assert_eq!(fields(&support), ["support_kind"]);
        let mut bad = course(entity, "x");
        bad.eligibility = "الطلاب".into();
        bad.end_date = "2019-11-01".into();
        assert_eq!(fields(&bad), ["eligibility", "capacity", "end_date"]);
        assert_eq!(
            fields(&OpportunityInput::default()),
            ["entity_id", "track", "title"]
        );
        assert_eq!(
            list(&conn, forum, Some("x"), None).unwrap_err().code(),
            "validation",
            "an unknown track is refused, not an empty list"
        );
    }
}
