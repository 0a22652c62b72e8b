//! Importing people from a spreadsheet: recognise Arabic or English column headers, let the user
//! confirm the mapping, then import every good row in one transaction and report every bad row
//! with its row number and an Arabic reason (the rejected rows can be saved as .xlsx, fixed and
//! imported again).

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::{PersonInput, Registrar};
use crate::error::{AppError, Result};
use crate::sheet::{self, Table};
use crate::text;

/// The fields a column can feed, with their Arabic labels for the mapping screen.
pub const FIELDS: &[(&str, &str)] = &[
    ("full_name", "الاسم الكامل"),
    ("national_id", "رقم الهوية / الإقامة"),
    ("mobile", "الجوال"),
    ("category", "الفئة"),
    ("gender", "الجنس"),
    ("name_en", "الاسم بالإنجليزية"),
    ("office", "مكتب الضمان الاجتماعي"),
    ("needs", "الاحتياجات"),
];

/// Header words per field, compared on the normalised search key; earlier fields win ties
/// («الاسم بالانجليزيه» is the English name, not the name).
const HEADER_WORDS: &[(&str, &[&str])] = &[
    (
        "name_en",
        &[
            "الاسم بالانجليزي",
            "الاسم الانجليزي",
            "english name",
            "name en",
            "name_en",
            "latin name",
        ],
    ),
    (
        "national_id",
        &[
            "هويه",
            "السجل المدني",
            "سجل مدني",
            "اقامه",
            "national id",
            "national_id",
            "id number",
            "iqama",
            "nid",
        ],
    ),
    (
        "mobile",
        &[
            "جوال",
            "هاتف",
            "موبايل",
            "رقم التواصل",
            "mobile",
            "phone",
            "tel",
        ],
    ),
    (
        "category",
        &["فيه", "فئه", "الفئه", "category", "نوع المشارك", "type"],
    ),
    ("gender", &["جنس", "gender", "sex"]),
    ("office", &["مكتب", "الضمان", "الوحده", "office"]),
    ("needs", &["احتياج", "needs", "accessibility"]),
    (
        "full_name",
        &["الاسم", "اسم", "name", "full name", "full_name"],
    ),
];

/// The field each column feeds (`None`: ignored), guessed from the headers.
pub fn guess_mapping(headers: &[String]) -> Vec<Option<String>> {
    let keys: Vec<String> = headers.iter().map(|h| text::search_key(h)).collect();
    let mut mapping: Vec<Option<String>> = vec![None; headers.len()];
    for (field, words) in HEADER_WORDS {
        let matches = |k: &str| {
            words.iter().any(|w| {
                let w = text::search_key(w);
                k == w || (w.chars().count() > 2 && k.contains(&w))
            })
        };
        let found = keys
            .iter()
            .enumerate()
            .find(|(i, k)| mapping[*i].is_none() && !k.is_empty() && matches(k));
        if let Some((i, _)) = found {
            mapping[i] = Some(field.to_string());
        }
    }
    mapping
}

#[derive(Debug, Clone, Serialize)]
pub struct Preview {
    pub headers: Vec<String>,
    pub mapping: Vec<Option<String>>,
    pub fields: Vec<FieldLabel>,
    pub sample: Vec<Vec<String>>,
    pub row_count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldLabel {
    pub field: &'static str,
    pub label: &'static str,
}

pub fn preview(table: &Table) -> Preview {
    Preview {
        headers: table.headers.clone(),
        mapping: guess_mapping(&table.headers),
        fields: FIELDS
            .iter()
            .map(|(field, label)| FieldLabel { field, label })
            .collect(),
        sample: table.rows.iter().take(5).cloned().collect(),
        row_count: table.rows.len(),
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Reject {
    /// The spreadsheet row number (the header is row 1).
    pub row: usize,
    pub reason: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub imported: usize,
    /// Rows refused for bad data (duplicates not included).
    pub rejected: usize,
    /// Rows refused because the person is already registered (or twice in the file).
    pub duplicates: usize,
    pub headers: Vec<String>,
    pub rejects: Vec<Reject>,
}

fn row_input(mapping: &[Option<String>], row: &[String]) -> PersonInput {
    let mut p = PersonInput {
        source: Some("import".into()),
        ..Default::default()
    };
    for (field, value) in mapping.iter().zip(row) {
        let Some(field) = field else { continue };
        let v = value.clone();
        match field.as_str() {
            "full_name" => p.full_name = v,
            "national_id" => p.national_id = v,
            "mobile" => p.mobile = v,
            "category" => p.category = v,
            "gender" => p.gender = v,
            "name_en" => p.name_en = v,
            "office" => p.office = v,
            "needs" => {
                let key = text::search_key(&v);
                p.needs_wheelchair = key.contains("كرسي") || key.contains("wheelchair");
                p.needs_sign = key.contains("اشاره") || key.contains("sign");
                p.needs_companion = key.contains("مرافق") || key.contains("companion");
                if !(p.needs_wheelchair || p.needs_sign || p.needs_companion) {
                    p.needs_other = v;
                }
            }
            _ => {}
        }
    }
    p
}

fn check_mapping(headers: &[String], mapping: &[Option<String>]) -> Result<()> {
    if mapping.len() != headers.len() {
        return Err(AppError::field("mapping", "ربط الأعمدة لا يطابق أعمدة الملف"));
    }
    let mut seen = Vec::new();
    for f in mapping.iter().flatten() {
        if !FIELDS.iter().any(|(k, _)| k == f) {
            return Err(AppError::field(
                "mapping",
                &format!("حقل غير معروف في ربط الأعمدة: {f}"),
            ));
        }
        if seen.contains(&f) {
            let label = FIELDS
                .iter()
                .find(|(k, _)| k == f)
                .map(|(_, l)| *l)
                .unwrap_or("");
            return Err(AppError::field(
                "mapping",
                &format!("الحقل «{label}» مربوط بأكثر من عمود"),
            ));
        }
        seen.push(f);
    }
    if !seen.iter().any(|f| *f == "full_name") {
        return Err(AppError::field("mapping", "اربط عمود الاسم قبل الاستيراد"));
    }
    Ok(())
}

/// Imports the table into the forum: good rows in one transaction, bad rows reported.
/// `progress(done, total)` is called as rows are processed.
pub fn import(
    conn: &mut Connection,
    forum_id: i64,
    table: &Table,
    mapping: &[Option<String>],
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Report> {
    check_mapping(&table.headers, mapping)?;
    let total = table.rows.len();
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let mut registrar = Registrar::new(&tx, forum_id)?;
    let mut report = Report {
        imported: 0,
        rejected: 0,
        duplicates: 0,
        headers: table.headers.clone(),
        rejects: Vec::new(),
    };
    for (i, row) in table.rows.iter().enumerate() {
        if i % 500 == 0 {
            progress(i, total);
        }
        if row.iter().all(|c| text::clean(c).is_empty()) {
            continue; // empty rows are not data
        }
        let input = row_input(mapping, row);
        // No savepoint per row: a row is validated and checked for duplicates before anything
        // is written, so a refused row writes nothing; a database error aborts the whole
        // import. (A savepoint per row would also make the search index flush on every row.)
        match registrar.insert(&tx, &input) {
            Ok(_) => {
                report.imported += 1;
            }
            Err(e @ (AppError::Validation(_) | AppError::Duplicate { .. })) => {
                let reason = match &e {
                    AppError::Validation(fields) => fields
                        .iter()
                        .map(|f| f.message.as_str())
                        .collect::<Vec<_>>()
                        .join("؛ "),
                    other => other.to_string(),
                };
                if matches!(e, AppError::Duplicate { .. }) {
                    report.duplicates += 1;
                } else {
                    report.rejected += 1;
                }
                report.rejects.push(Reject {
                    row: Table::row_number(i),
                    reason,
                    values: row.clone(),
                });
            }
            Err(e) => return Err(e),
        }
    }
    registrar.finish(&tx)?;
    tx.commit()?;
    progress(total, total);
    Ok(report)
}

/// Imports a spreadsheet file with the column mapping recognised from its headers (what the
/// CLI does, where there is no one to confirm the mapping).
pub fn import_file(conn: &mut Connection, forum_id: i64, path: &std::path::Path) -> Result<Report> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let table = sheet::read_table(&name, &std::fs::read(path)?)?;
    let mapping = guess_mapping(&table.headers);
    import(conn, forum_id, &table, &mapping, &mut |_, _| {})
}

/// The rejected rows as an .xlsx: the original columns, the row number and the reason, so the
/// committee can fix them and import the file again.
pub fn rejects_xlsx(headers: &[String], rejects: &[Reject]) -> Result<Vec<u8>> {
    let mut cols = headers.to_vec();
    cols.push("سبب الرفض".into());
    cols.push("رقم الصف في الملف الأصلي".into());
    let rows: Vec<Vec<String>> = rejects
        .iter()
        .map(|r| {
            let mut v = r.values.clone();
            v.resize(headers.len(), String::new());
            v.push(r.reason.clone());
            v.push(r.row.to_string());
            v
        })
        .collect();
    sheet::write_xlsx("الصفوف المرفوضة", &cols, &rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::person::rules::luhn_check_digit;
    use crate::store::Store;

    fn nid(nine: &str) -> String {
        format!("{nine}{}", luhn_check_digit(nine).unwrap())
    }

    #[test]
    fn recognises_arabic_and_english_headers() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let m = guess_mapping(&h(&[
            "م",
            "الاسم الكامل",
            "رقم الهوية الوطنية",
            "رقم الجوال",
            "الفئة",
            "الاسم بالإنجليزية",
            "ملاحظات",
        ]));
        assert_eq!(
            m,
            [
                None,
                Some("full_name"),
                Some("national_id"),
                Some("mobile"),
                Some("category"),
                Some("name_en"),
                None
            ]
            .map(|o| o.map(String::from))
        );
        let m = guess_mapping(&h(&["Name", "National ID", "Mobile", "Gender", "Office"]));
        assert_eq!(
            m,
            [
                Some("full_name"),
                Some("national_id"),
                Some("mobile"),
                Some("gender"),
                Some("office")
            ]
            .map(|o| o.map(String::from))
        );
    }

    #[test]
    fn good_rows_import_bad_rows_are_reported_with_row_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("m.sqlite3")).unwrap();
        let mut conn = store.conn();
        let forum = crate::forum::test_forum(&mut conn);
        let table = Table {
            headers: vec![
                "الاسم".into(),
                "الهوية".into(),
                "الجوال".into(),
                "الفئة".into(),
                "الاحتياجات".into(),
            ],
            rows: vec![
                vec![
                    "فاطمة علي".into(),
                    nid("101234567"),
                    "٠٥٥١٢٣٤٥٦٧".into(),
                    "مستفيد".into(),
                    "كرسي متحرك".into(),
                ],
                vec![
                    "أحمد".into(),
                    nid("101234568"),
                    "".into(),
                    "مستفيد".into(),
                    "".into(),
                ],
                vec!["".into(), "".into(), "".into(), "".into(), "".into()],
                vec![
                    "سالم علي".into(),
                    "1012345670".into(),
                    "".into(),
                    "زائر".into(),
                    "".into(),
                ],
                vec![
                    "فاطمه علي".into(),
                    nid("101234567"),
                    "".into(),
                    "مستفيد".into(),
                    "".into(),
                ],
                vec![
                    "\u{202B}نورة محمد\u{202C}".into(),
                    "".into(),
                    "551112222".into(),
                    "visitor".into(),
                    "".into(),
                ],
                vec![
                    "م".repeat(5000),
                    nid("101234569"),
                    "".into(),
                    "مستفيد".into(),
                    "".into(),
                ],
            ],
        };
        let mapping = guess_mapping(&table.headers);
        let mut calls = 0;
        let r = import(&mut conn, forum, &table, &mapping, &mut |_, _| calls += 1).unwrap();
        assert!(calls >= 2);
        assert_eq!((r.imported, r.rejected, r.duplicates), (2, 3, 1));
        let rows: Vec<usize> = r.rejects.iter().map(|x| x.row).collect();
        assert_eq!(rows, [3, 5, 6, 8]);
        assert!(r.rejects[0].reason.contains("ثنائيًا"));
        assert!(r.rejects[1].reason.contains("رقم التحقق"));
        assert!(r.rejects[2].reason.contains("مسجل من قبل"));
        assert!(r.rejects[3].reason.contains("أطول"));
        let p = crate::person::search::search(&conn, forum, "فاطمة", 5).unwrap();
        assert!(p[0].needs.wheelchair);
        assert_eq!(p[0].source, "import");

        // The rejects file re-imports once fixed.
        let bytes = rejects_xlsx(&r.headers, &r.rejects).unwrap();
        let back = sheet::read_table("rejects.xlsx", &bytes).unwrap();
        assert_eq!(back.headers.last().unwrap(), "رقم الصف في الملف الأصلي");
        assert_eq!(back.rows.len(), 4);
        assert_eq!(back.rows[0][5], r.rejects[0].reason);
    }

    #[test]
    fn mapping_must_name_the_name_column_once() {
        let headers = vec!["a".to_string(), "b".to_string()];
        let e = check_mapping(&headers, &[None, Some("mobile".into())]).unwrap_err();
        assert!(e.to_string().contains("عمود الاسم"));
        let e = check_mapping(
            &headers,
            &[Some("full_name".into()), Some("full_name".into())],
        )
        .unwrap_err();
        assert!(e.to_string().contains("أكثر من عمود"));
    }
}
