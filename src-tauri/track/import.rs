//! Opportunities in and out of spreadsheets: the .xlsx each entity fills (the generic steps are
//! in [`crate::import`]: row numbers and Arabic reasons), and the export with the same headers,
//! so an export re-imports.

use rusqlite::Connection;

use super::opportunity::{insert, Opportunity, OpportunityInput, SUPPORT_KINDS, WORK_MODES};
use crate::entity::label_of;
use crate::error::{AppError, Result};
use crate::import::{self as rows, yes, Report, Spec};
use crate::sheet::{self, Cell, SheetData, Table};
use crate::text;

pub const FIELDS: &[(&str, &str)] = &[
    ("entity", "الجهة"),
    ("track", "المسار"),
    ("title", "عنوان الفرصة"),
    ("status", "الحالة"),
    ("capacity", "المقاعد أو الشواغر"),
    ("eligibility", "الفئات المستهدفة"),
    ("accreditor", "جهة الاعتماد"),
    ("hours", "عدد الساعات"),
    ("start_date", "تاريخ البداية"),
    ("end_date", "تاريخ النهاية"),
    ("place", "المكان"),
    ("online", "عن بعد"),
    ("certificate", "تمنح شهادة"),
    ("salary_min", "أدنى راتب شهري"),
    ("salary_max", "أعلى راتب شهري"),
    ("city", "المدينة"),
    ("work_mode", "نوع الدوام"),
    ("disability_ok", "مناسبة لذوي الإعاقة"),
    ("requirements", "المتطلبات"),
    ("support_kind", "نوع الدعم"),
    ("funder", "الجهة المموّلة"),
    ("ceiling", "سقف الدعم"),
    ("conditions", "الشروط"),
];

const HEADER_WORDS: &[(&str, &[&str])] = &[
    ("track", &["المسار", "مسار", "track"]),
    ("title", &["عنوان", "اسم الفرصه", "الفرصه", "title"]),
    ("status", &["الحاله", "حاله", "status"]),
    (
        "capacity",
        &["المقاعد", "الشواغر", "مقاعد", "شواغر", "العدد", "capacity"],
    ),
    (
        "eligibility",
        &["الفيات", "المستهدف", "الاهليه", "eligibility"],
    ),
    ("accreditor", &["الاعتماد", "معتمد", "accredit"]),
    ("hours", &["الساعات", "ساعات", "hours"]),
    ("start_date", &["البدايه", "يبدا", "start"]),
    ("end_date", &["النهايه", "ينتهي", "end"]),
    ("online", &["عن بعد", "اونلاين", "online"]),
    ("certificate", &["شهاده", "certificate"]),
    ("salary_min", &["ادني راتب", "الراتب من", "min salary"]),
    ("salary_max", &["اعلي راتب", "الراتب الي", "max salary"]),
    ("city", &["المدينه", "مدينه", "city"]),
    ("work_mode", &["الدوام", "دوام", "work mode"]),
    ("disability_ok", &["الاعاقه", "اعاقه", "disability"]),
    ("requirements", &["المتطلبات", "متطلبات", "requirements"]),
    ("support_kind", &["نوع الدعم", "الدعم", "support"]),
    ("funder", &["الممول", "المموله", "funder"]),
    ("ceiling", &["سقف", "ceiling"]),
    ("conditions", &["الشروط", "شروط", "conditions"]),
    ("place", &["المكان", "مكان", "place", "venue"]),
    ("entity", &["الجهه", "جهه", "entity"]),
];

pub const SPEC: Spec = Spec {
    fields: FIELDS,
    header_words: HEADER_WORDS,
    required: ("title", "اربط عمود عنوان الفرصة قبل الاستيراد"),
};

fn row_input(mapping: &[Option<String>], row: &[String]) -> (String, OpportunityInput) {
    let mut o = OpportunityInput::default();
    let mut entity = String::new();
    for (field, v) in rows::cells(mapping, row) {
        let s = v.to_string();
        match field {
            "entity" => entity = s,
            "track" => o.track = s,
            "title" => o.title = s,
            "status" => o.status = s,
            "capacity" => o.capacity = s,
            "eligibility" => o.eligibility = s,
            "accreditor" => o.accreditor = s,
            "hours" => o.hours = s,
            "start_date" => o.start_date = s,
            "end_date" => o.end_date = s,
            "place" => o.place = s,
            "online" => o.online = yes(v),
            "certificate" => o.certificate = yes(v),
            "salary_min" => o.salary_min = s,
            "salary_max" => o.salary_max = s,
            "city" => o.city = s,
            "work_mode" => o.work_mode = s,
            "disability_ok" => o.disability_ok = yes(v),
            "requirements" => o.requirements = s,
            "support_kind" => o.support_kind = s,
            "funder" => o.funder = s,
            "ceiling" => o.ceiling = s,
            "conditions" => o.conditions = s,
            _ => {}
        }
    }
    (entity, o)
}

/// The forum's entities by normalised name.
fn entity_ids(conn: &Connection, forum_id: i64) -> Result<Vec<(String, i64)>> {
    Ok(crate::entity::list(conn, forum_id)?
        .into_iter()
        .map(|e| (text::search_key(&e.name_ar), e.id))
        .collect())
}

/// Imports the table into the forum: good rows in one transaction, bad rows reported. Every
/// row names its entity (`fixed_entity` fills it in for an entity's own sheet).
pub fn import(
    conn: &mut Connection,
    forum_id: i64,
    table: &Table,
    mapping: &[Option<String>],
    fixed_entity: Option<i64>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Report> {
    let entities = entity_ids(conn, forum_id)?;
    rows::in_transaction(
        conn,
        forum_id,
        &SPEC,
        table,
        mapping,
        progress,
        &mut |tx, row| {
            let (entity, mut input) = row_input(mapping, row);
            input.entity_id = match (fixed_entity, text::search_key(&entity)) {
                (Some(id), _) => Some(id),
                (None, key) if key.is_empty() => {
                    return Err(AppError::field("entity", "اكتب اسم الجهة التي تقدم الفرصة"))
                }
                (None, key) => Some(
                    entities
                        .iter()
                        .find(|(k, _)| *k == key)
                        .map(|(_, id)| *id)
                        .ok_or_else(|| {
                            AppError::field(
                                "entity",
                                &format!("الجهة «{}» غير مسجلة في الملتقى", text::clean(&entity)),
                            )
                        })?,
                ),
            };
            insert(tx, forum_id, &input).map(|_| ())
        },
    )
}

/// Imports a file with the mapping recognised from its headers (the CLI).
pub fn import_file(conn: &mut Connection, forum_id: i64, path: &std::path::Path) -> Result<Report> {
    let table = rows::read_file(path)?;
    let mapping = SPEC.guess_mapping(&table.headers);
    import(conn, forum_id, &table, &mapping, None, &mut |_, _| {})
}

fn riyals(h: Option<i64>) -> Cell {
    h.map_or(Cell::Empty, |h| Cell::Number(h as f64 / 100.0))
}

fn whole(n: Option<i64>) -> Cell {
    n.map_or(Cell::Empty, |n| Cell::Number(n as f64))
}

fn yes_no(b: bool) -> Cell {
    Cell::Text(if b { "نعم" } else { "لا" }.into())
}

/// The opportunities as an .xlsx (RTL, numbers as numbers) with the import's headers, plus how
/// many were referred and placed.
pub fn export_xlsx(all: &[Opportunity]) -> Result<Vec<u8>> {
    let mut headers: Vec<String> = FIELDS.iter().map(|(_, l)| l.to_string()).collect();
    headers.push("عدد المحالين".into());
    headers.push("المقاعد أو الشواغر المشغولة".into());
    let t = |s: &str| Cell::Text(s.to_string());
    let rows = all
        .iter()
        .map(|o| {
            vec![
                t(&o.entity_name),
                t(o.track_label),
                t(&o.title),
                t(o.status_label),
                whole(o.capacity),
                t(&o.eligibility
                    .iter()
                    .map(|c| label_of(super::opportunity::ELIGIBILITY, c))
                    .collect::<Vec<_>>()
                    .join("، ")),
                t(&o.accreditor),
                whole(o.hours),
                t(o.start_date.as_deref().unwrap_or("")),
                t(o.end_date.as_deref().unwrap_or("")),
                t(&o.place),
                yes_no(o.online),
                yes_no(o.certificate),
                riyals(o.salary_min),
                riyals(o.salary_max),
                t(&o.city),
                t(label_of(WORK_MODES, &o.work_mode)),
                yes_no(o.disability_ok),
                t(&o.requirements),
                t(label_of(SUPPORT_KINDS, &o.support_kind)),
                t(&o.funder),
                riyals(o.ceiling),
                t(&o.conditions),
                Cell::Number(o.referred as f64),
                Cell::Number(o.placed as f64),
            ]
        })
        .collect();
    sheet::write_xlsx_sheets(&[SheetData {
        name: "الفرص".into(),
        headers,
        rows,
    }])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_imports_again_and_bad_rows_name_their_reason() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("m.sqlite3")).unwrap();
        let mut conn = store.conn();
        let forum = crate::demo::load(&mut conn).unwrap();
        let entity = crate::entity::list(&conn, forum).unwrap()[0].clone();
        let table = Table {
            headers: FIELDS.iter().take(5).map(|(_, l)| l.to_string()).collect(),
            rows: vec![
                vec![
                    entity.name_ar.clone(),
                    "دورة تدريبية".into(),
                    "دورة المحاسبة للمشاريع الصغيرة".into(),
                    "متاحة".into(),
                    "٣٠".into(),
                ],
                vec![
                    "جهة لا وجود لها".into(),
                    "وظيفة".into(),
                    "سائق".into(),
                    "".into(),
                    "2".into(),
                ],
                vec![
                    entity.name_ar.clone(),
                    "وظيفة".into(),
                    "".into(),
                    "".into(),
                    "2".into(),
                ],
                vec![
                    entity.name_ar.clone(),
                    "فرصة وظيفية".into(),
                    "محاسب".into(),
                    "".into(),
                    "3".into(),
                ],
            ],
            numbers: vec![3, 4, 6, 9],
        };
        let mapping = SPEC.guess_mapping(&table.headers);
        assert_eq!(mapping.iter().flatten().count(), 5, "{mapping:?}");
        let before = super::super::opportunity::list(&conn, forum, None, None)
            .unwrap()
            .len();
        let r = import(&mut conn, forum, &table, &mapping, None, &mut |_, _| {}).unwrap();
        assert_eq!((r.imported, r.rejected), (2, 2));
        assert_eq!(r.rejects[0].row, 4);
        assert!(
            r.rejects[0].reason.contains("غير مسجلة"),
            "{}",
            r.rejects[0].reason
        );
        assert_eq!(r.rejects[1].row, 6);
        assert!(r.rejects[1].reason.contains("عنوان"));
        let all = super::super::opportunity::list(&conn, forum, None, None).unwrap();
        assert_eq!(all.len(), before + 2);
        let bytes = export_xlsx(&all).unwrap();
        let back = sheet::read_table("فرص.xlsx", &bytes).unwrap();
        let mapping = SPEC.guess_mapping(&back.headers);
        let other = crate::bench::scratch_forum_in(&mut conn, "ملتقى آخر").unwrap();
        // Into another forum the entities are unknown: refused by name, nothing half-written.
        let r = import(&mut conn, other, &back, &mapping, None, &mut |_, _| {}).unwrap();
        assert_eq!(r.imported, 0);
        let r = import(&mut conn, forum, &back, &mapping, None, &mut |_, _| {}).unwrap();
        assert_eq!(r.imported, all.len(), "{:?}", r.rejects);
        let again = super::super::opportunity::list(&conn, forum, None, None).unwrap();
        assert_eq!(again.len(), 2 * all.len());
        let copies = again
            .iter()
            .filter(|o| o.title == "دورة المحاسبة للمشاريع الصغيرة")
            .collect::<Vec<_>>();
        assert_eq!(copies.len(), 2);
        assert!(copies
            .iter()
            .all(|o| o.capacity == Some(30) && o.track == "training"));
    }
}
