//! Enabling entities in and out of spreadsheets: import from .xlsx/.csv (the generic steps are in
//! [`crate::import`]) and export to .xlsx with the same headers, so an export re-imports.

use rusqlite::Connection;

use super::{insert, Entity, EntityInput};
use crate::error::Result;
use crate::import::{self as rows, yes, Report, Spec};
use crate::sheet::{self, Table};
use crate::text;

pub const FIELDS: &[(&str, &str)] = &[
    ("name_ar", "اسم الجهة"),
    ("name_en", "الاسم بالإنجليزية"),
    ("kind", "نوع الجهة"),
    ("sector", "القطاع"),
    ("services", "الخدمات المقدمة"),
    ("tags", "تصنيف الخدمات"),
    ("contact_name", "اسم المنسق"),
    ("mobile", "الجوال"),
    ("email", "البريد الإلكتروني"),
    ("status", "الحالة"),
    ("needs", "احتياجات الركن"),
    ("need_power", "كهرباء"),
    ("need_tables", "عدد الطاولات"),
    ("need_chairs", "عدد الكراسي"),
    ("need_screen", "شاشة"),
    ("need_internet", "إنترنت"),
    ("is_sponsor", "راعٍ للملتقى"),
];

const HEADER_WORDS: &[(&str, &[&str])] = &[
    (
        "name_en",
        &["الاسم بالانجليزي", "الاسم الانجليزي", "english name", "name en"],
    ),
    ("tags", &["تصنيف الخدمات", "تصنيف", "tags"]),
    ("services", &["الخدمات", "خدمات", "services"]),
    ("kind", &["نوع الجهه", "نوع", "kind", "type"]),
    ("sector", &["القطاع", "قطاع", "sector"]),
    (
        "contact_name",
        &["المنسق", "منسق", "ضابط اتصال", "مسؤول التواصل", "contact"],
    ),
    ("mobile", &["جوال", "هاتف", "mobile", "phone"]),
    ("email", &["بريد", "ايميل", "email", "e-mail"]),
    ("status", &["الحاله", "حاله", "status"]),
    ("need_power", &["كهرباء", "power"]),
    ("need_tables", &["طاولات", "طاولة", "tables"]),
    ("need_chairs", &["كراسي", "chairs"]),
    ("need_screen", &["شاشه", "screen"]),
    ("need_internet", &["انترنت", "internet"]),
    ("needs", &["احتياج", "needs"]),
    ("is_sponsor", &["راعي", "راع", "رعايه", "sponsor"]),
    ("name_ar", &["اسم الجهه", "الجهه", "الاسم", "اسم", "name"]),
];

pub const SPEC: Spec = Spec {
    fields: FIELDS,
    header_words: HEADER_WORDS,
    required: ("name_ar", "اربط عمود اسم الجهة قبل الاستيراد"),
};

/// The first whole number in a text («4 كراسي», «٣»), if any.
fn number_in(v: &str) -> Option<u32> {
    let digits: String = text::latin_digits(v)
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

/// A count cell: a number, or yes (= 1), or empty (= 0).
fn count(v: &str) -> u32 {
    number_in(v).unwrap_or(if yes(v) { 1 } else { 0 })
}

/// A free-text needs cell: «كهرباء، طاولتان، 4 كراسي، شاشة، إنترنت».
fn parse_needs(v: &str, e: &mut EntityInput) {
    for part in v.split(['،', ',', '؛', ';', '+', '\n']) {
        let k = text::search_key(part);
        if k.is_empty() {
            continue;
        }
        let n = number_in(part);
        if k.contains("كهرباء") || k.contains("power") {
            e.need_power = true;
        } else if k.contains("طاولتان") {
            e.need_tables = 2;
        } else if k.contains("طاول") || k.contains("table") {
            e.need_tables = n.unwrap_or(1);
        } else if k.contains("كرسيان") {
            e.need_chairs = 2;
        } else if k.contains("كرسي") || k.contains("كراس") || k.contains("chair") {
            e.need_chairs = n.unwrap_or(1);
        } else if k.contains("شاشه") || k.contains("screen") {
            e.need_screen = true;
        } else if k.contains("انترنت") || k.contains("internet") || k.contains("wifi") {
            e.need_internet = true;
        }
    }
}

fn row_input(mapping: &[Option<String>], row: &[String]) -> EntityInput {
    let mut e = EntityInput::default();
    for (field, v) in rows::cells(mapping, row) {
        match field {
            "name_ar" => e.name_ar = v.into(),
            "name_en" => e.name_en = v.into(),
            "kind" => e.kind = v.into(),
            "sector" => e.sector = v.into(),
            "services" => e.services = v.into(),
            "tags" => {
                e.tags = v
                    .split(['،', ',', '؛', ';', '|', '\n'])
                    .map(str::to_string)
                    .collect()
            }
            "contact_name" => e.contact_name = v.into(),
            "mobile" => e.mobile = v.into(),
            "email" => e.email = v.into(),
            "status" => e.status = v.into(),
            "needs" => parse_needs(v, &mut e),
            "need_power" => e.need_power = yes(v),
            "need_tables" => e.need_tables = count(v),
            "need_chairs" => e.need_chairs = count(v),
            "need_screen" => e.need_screen = yes(v),
            "need_internet" => e.need_internet = yes(v),
            "is_sponsor" => e.is_sponsor = yes(v),
            _ => {}
        }
    }
    e
}

/// Imports the table into the forum: good rows in one transaction, bad rows reported.
pub fn import(
    conn: &mut Connection,
    forum_id: i64,
    table: &Table,
    mapping: &[Option<String>],
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Report> {
    rows::in_transaction(
        conn,
        forum_id,
        &SPEC,
        table,
        mapping,
        progress,
        &mut |tx, row| insert(tx, forum_id, &row_input(mapping, row)).map(|_| ()),
    )
}

/// Imports a file with the mapping recognised from its headers (the CLI).
pub fn import_file(conn: &mut Connection, forum_id: i64, path: &std::path::Path) -> Result<Report> {
    let table = rows::read_file(path)?;
    let mapping = SPEC.guess_mapping(&table.headers);
    import(conn, forum_id, &table, &mapping, &mut |_, _| {})
}

fn yes_no(b: bool) -> String {
    if b { "نعم" } else { "" }.to_string()
}

/// The forum's entities as an .xlsx (RTL), with their booth and staff count; the columns carry
/// the import headers, so the file can be edited and imported into another edition.
pub fn export_xlsx(entities: &[Entity]) -> Result<Vec<u8>> {
    let mut headers: Vec<String> = FIELDS
        .iter()
        .filter(|(f, _)| *f != "needs")
        .map(|(_, l)| l.to_string())
        .collect();
    headers.push("الركن".into());
    headers.push("عدد المنسوبين".into());
    let rows: Vec<Vec<String>> = entities
        .iter()
        .map(|e| {
            vec![
                e.name_ar.clone(),
                e.name_en.clone(),
                e.kind_label.clone(),
                e.sector.clone(),
                e.services.clone(),
                e.tags
                    .iter()
                    .map(|t| t.label.as_str())
                    .collect::<Vec<_>>()
                    .join("، "),
                e.contact_name.clone(),
                e.mobile.clone().unwrap_or_default(),
                e.email.clone(),
                e.status_label.clone(),
                yes_no(e.needs.power),
                e.needs.tables.to_string(),
                e.needs.chairs.to_string(),
                yes_no(e.needs.screen),
                yes_no(e.needs.internet),
                yes_no(e.is_sponsor),
                e.booth_code.clone().unwrap_or_default(),
                e.staff_count.to_string(),
            ]
        })
        .collect();
    sheet::write_xlsx("الجهات الممكنة", &headers, &rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn import_reports_bad_rows_and_an_export_imports_again() {
        let (_dir, store, forum) = crate::forum::test_setup();
        let mut conn = store.conn();
        let table = Table {
            headers: t(&[
                "م",
                "اسم الجهة",
                "نوع الجهة",
                "الجوال",
                "البريد",
                "الاحتياجات",
                "تصنيف الخدمات",
            ]),
            rows: vec![
                t(&[
                    "1",
                    "بنك التنمية الاجتماعية",
                    "حكومية",
                    "0551112222",
                    "info@sdb.gov.sa",
                    "كهرباء، 2 طاولة، كراسي 4",
                    "تمويل، ريادة أعمال",
                ]),
                t(&[
                    "2",
                    "شركة المراعي",
                    "شركة",
                    "٠٥٥٣٣٣٤٤٤٤",
                    "",
                    "شاشة + إنترنت",
                    "توظيف",
                ]),
                t(&["3", "", "حكومية", "", "", "", ""]),
                t(&["4", "جمعية البر", "فضائية", "12", "", "", ""]),
                t(&["5", "بنك التنميه الاجتماعيه", "حكومي", "", "", "", ""]),
                t(&["", "", "", "", "", "", ""]),
            ],
            numbers: Vec::new(),
        };
        let mapping = SPEC.guess_mapping(&table.headers);
        assert_eq!(mapping[0], None);
        assert_eq!(mapping[1].as_deref(), Some("name_ar"));
        assert_eq!(mapping[5].as_deref(), Some("needs"));
        let r = import(&mut conn, forum, &table, &mapping, &mut |_, _| {}).unwrap();
        assert_eq!((r.imported, r.rejected, r.duplicates), (2, 2, 1));
        let rows: Vec<usize> = r.rejects.iter().map(|x| x.row).collect();
        assert_eq!(rows, [4, 5, 6]);
        assert!(r.rejects[0].reason.contains("اسم الجهة مطلوب"));
        assert!(r.rejects[1].reason.contains("«فضائية» غير معروف"));
        assert!(r.rejects[1].reason.contains("الجوال"));
        assert!(r.rejects[2].reason.contains("مسجلة من قبل"));

        let all = super::super::list(&conn, forum).unwrap();
        let bank = all.iter().find(|e| e.name_ar.starts_with("بنك")).unwrap();
        assert_eq!(bank.needs_label, "كهرباء، طاولتان، 4 كراسٍ");
        assert_eq!(bank.tags.len(), 2);
        let almarai = all.iter().find(|e| e.name_ar.contains("المراعي")).unwrap();
        assert_eq!(almarai.kind, "private");
        assert!(almarai.needs.screen && almarai.needs.internet);

        // Export, then import into another forum: the same entities come back.
        let bytes = export_xlsx(&all).unwrap();
        let back = sheet::read_table("e.xlsx", &bytes).unwrap();
        let other = crate::forum::test_forum(&mut conn);
        let mapping = SPEC.guess_mapping(&back.headers);
        let r = import(&mut conn, other, &back, &mapping, &mut |_, _| {}).unwrap();
        assert_eq!((r.imported, r.rejected), (2, 0), "{:?}", r.rejects);
        let again = super::super::list(&conn, other).unwrap();
        for (a, b) in all.iter().zip(&again) {
            assert_eq!(
                (&a.name_ar, &a.kind, &a.tags, &a.needs, &a.mobile, &a.email),
                (&b.name_ar, &b.kind, &b.tags, &b.needs, &b.mobile, &b.email)
            );
        }
    }
}
