//! Family applications from a spreadsheet (committees often collect them with online forms);
//! the generic steps are in [`crate::import`]. Every row becomes an application «طلب جديد».

use rusqlite::Connection;

use super::{insert, FamilyInput};
use crate::error::Result;
use crate::import::{self as rows, yes, Report, Spec};
use crate::sheet::Table;

pub const FIELDS: &[(&str, &str)] = &[
    ("head_name", "اسم رب الأسرة"),
    ("national_id", "رقم الهوية"),
    ("mobile", "الجوال"),
    ("ss_file", "رقم ملف الضمان"),
    ("city", "المدينة / الحي"),
    ("category", "فئة المنتجات"),
    ("products", "وصف المنتجات"),
    ("need_power", "كهرباء"),
    ("need_fridge", "ثلاجة"),
    ("table_size", "مقاس الطاولة"),
];

const HEADER_WORDS: &[(&str, &[&str])] = &[
    ("ss_file", &["ملف الضمان", "رقم الملف", "الضمان", "file"]),
    (
        "national_id",
        &[
            "هويه",
            "السجل المدني",
            "سجل مدني",
            "national id",
            "id number",
        ],
    ),
    ("mobile", &["جوال", "هاتف", "mobile", "phone"]),
    (
        "city",
        &["المدينه", "مدينه", "الحي", "المحافظه", "city", "district"],
    ),
    ("category", &["فئه", "نوع المنتج", "النشاط", "category"]),
    ("products", &["وصف", "المنتجات", "منتجات", "products"]),
    ("need_power", &["كهرباء", "power"]),
    ("need_fridge", &["ثلاجه", "تبريد", "fridge"]),
    ("table_size", &["طاوله", "table"]),
    (
        "head_name",
        &["رب الاسره", "رب الأسرة", "الاسم", "اسم", "name"],
    ),
];

pub const SPEC: Spec = Spec {
    fields: FIELDS,
    header_words: HEADER_WORDS,
    required: ("head_name", "اربط عمود اسم رب الأسرة قبل الاستيراد"),
};

fn row_input(mapping: &[Option<String>], row: &[String]) -> FamilyInput {
    let mut f = FamilyInput {
        source: Some("import".into()),
        ..Default::default()
    };
    for (field, v) in rows::cells(mapping, row) {
        match field {
            "head_name" => f.head_name = v.into(),
            "national_id" => f.national_id = v.into(),
            "mobile" => f.mobile = v.into(),
            "ss_file" => f.ss_file = v.into(),
            "city" => f.city = v.into(),
            "category" => f.category = v.into(),
            "products" => f.products = v.into(),
            "need_power" => f.need_power = yes(v),
            "need_fridge" => f.need_fridge = yes(v),
            "table_size" => f.table_size = v.into(),
            _ => {}
        }
    }
    f
}

/// Imports applications: good rows in one transaction, bad rows reported with row numbers.
pub fn import(
    conn: &mut Connection,
    forum_id: i64,
    table: &Table,
    mapping: &[Option<String>],
    by: &str,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Report> {
    rows::in_transaction(
        conn,
        forum_id,
        &SPEC,
        table,
        mapping,
        progress,
        &mut |tx, row| insert(tx, forum_id, &row_input(mapping, row), by).map(|_| ()),
    )
}

pub fn import_file(conn: &mut Connection, forum_id: i64, path: &std::path::Path) -> Result<Report> {
    let table = rows::read_file(path)?;
    let mapping = SPEC.guess_mapping(&table.headers);
    import(conn, forum_id, &table, &mapping, "استيراد", &mut |_, _| {})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::person::rules::luhn_check_digit;

    fn nid(nine: &str) -> String {
        format!("{nine}{}", luhn_check_digit(nine).unwrap())
    }

    #[test]
    fn applications_import_with_row_errors() {
        let (_dir, store, forum) = crate::forum::test_setup();
        let mut conn = store.conn();
        let t = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let table = Table {
            headers: t(&[
                "الطابع الزمني",
                "اسم رب الأسرة",
                "رقم الهوية",
                "رقم الجوال",
                "رقم ملف الضمان",
                "المدينة",
                "نوع المنتج",
                "هل تحتاج كهرباء؟",
                "مقاس الطاولة",
            ]),
            rows: vec![
                t(&[
                    "2026/11/01",
                    "نورة أحمد الزهراني",
                    &nid("101234561"),
                    "0551234567",
                    "٧٧٨٨",
                    "صبيا",
                    "مأكولات شعبية",
                    "نعم",
                    "كبيرة",
                ]),
                t(&[
                    "2026/11/01",
                    "سارة علي",
                    "123",
                    "0551234567",
                    "",
                    "جازان",
                    "بخور",
                    "",
                    "",
                ]),
                t(&[
                    "2026/11/02",
                    "هند محمد",
                    &nid("101234563"),
                    "0551234567",
                    "",
                    "",
                    "سيارات",
                    "",
                    "",
                ]),
                t(&[
                    "2026/11/02",
                    "نوره احمد الزهراني",
                    &nid("101234561"),
                    "0551234567",
                    "",
                    "",
                    "حلويات",
                    "",
                    "",
                ]),
            ],
            numbers: Vec::new(),
        };
        let mapping = SPEC.guess_mapping(&table.headers);
        assert_eq!(mapping[0], None);
        assert_eq!(mapping[4].as_deref(), Some("ss_file"));
        assert_eq!(mapping[6].as_deref(), Some("category"));
        assert_eq!(mapping[7].as_deref(), Some("need_power"));
        let r = import(
            &mut conn,
            forum,
            &table,
            &mapping,
            "استيراد",
            &mut |_, _| {},
        )
        .unwrap();
        assert_eq!((r.imported, r.rejected, r.duplicates), (1, 2, 1));
        assert_eq!(
            r.rejects.iter().map(|x| x.row).collect::<Vec<_>>(),
            [3, 4, 5]
        );
        assert!(r.rejects[0].reason.contains("رقم الهوية"));
        assert!(r.rejects[1].reason.contains("«سيارات»"));
        let f = &super::super::list(&conn, forum, None, None).unwrap()[0];
        assert_eq!(
            (
                f.category.as_str(),
                f.need_power,
                f.table_size.as_str(),
                f.source.as_str()
            ),
            ("food", true, "large", "import")
        );
        assert_eq!(f.ss_file, "7788");
    }
}
