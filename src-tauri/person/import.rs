//! Importing people from a spreadsheet (the generic steps are in [`crate::import`]): the fields a
//! column can feed, the header words that name them, and one row → one registration.

use super::{PersonInput, Registrar};
use crate::error::Result;
use crate::import::{self as rows, Report, Spec};
use crate::sheet::Table;
use crate::store::Store;
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
    ("disability", "من ذوي الإعاقة (نعم/لا أو نوعها)"),
    ("ss_file", "رقم ملف الضمان"),
    ("consent", "موافقة على مشاركة بيانات التواصل"),
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
        &[
            "فيه",
            "فئه",
            "الفئه",
            "category",
            "نوع المشارك",
            "نوع المستفيد",
            "نوع الزائر",
            "صفه المشارك",
            "type",
        ],
    ),
    ("gender", &["جنس", "gender", "sex"]),
    (
        "ss_file",
        &["ملف الضمان", "رقم الملف", "رقم ملف", "file number"],
    ),
    ("consent", &["موافقه", "consent"]),
    ("office", &["مكتب", "الضمان", "الوحده", "office"]),
    ("needs", &["احتياج", "needs", "accessibility"]),
    (
        "disability",
        &[
            "ذوو الاعاقه",
            "ذوي الاعاقه",
            "اعاقه",
            "disability",
            "disabled",
        ],
    ),
    (
        "full_name",
        &["الاسم", "اسم", "name", "full name", "full_name"],
    ),
];

pub const SPEC: Spec = Spec {
    fields: FIELDS,
    header_words: HEADER_WORDS,
    required: ("full_name", "اربط عمود الاسم قبل الاستيراد"),
};

/// The field each column feeds (`None`: ignored), guessed from the headers.
pub fn guess_mapping(headers: &[String]) -> Vec<Option<String>> {
    SPEC.guess_mapping(headers)
}

/// One row as a registration. `default_category`: for rows whose category cell is empty (or
/// files without the column); a «ذوو الإعاقة» cell that says yes (or names the disability)
/// makes an uncategorised row a person with a disability.
fn row_input(
    mapping: &[Option<String>],
    row: &[String],
    default_category: Option<&str>,
) -> PersonInput {
    let mut p = PersonInput {
        source: Some("import".into()),
        ..Default::default()
    };
    let mut disabled = false;
    for (field, value) in rows::cells(mapping, row) {
        let v = value.to_string();
        match field {
            "full_name" => p.full_name = v,
            "national_id" => p.national_id = v,
            "mobile" => p.mobile = v,
            "category" => p.category = v,
            "gender" => p.gender = v,
            "name_en" => p.name_en = v,
            "office" => p.office = v,
            "ss_file" => p.ss_file = v,
            "consent" => p.consent = Some(rows::yes(&v)),
            "needs" => read_needs(&mut p, &v),
            "disability" => {
                let key = text::search_key(&v);
                let no = matches!(
                    key.as_str(),
                    "لا" | "no" | "n" | "0" | "false" | "لايوجد" | "لا يوجد"
                );
                if !no {
                    disabled = true;
                    if !rows::yes(&v) {
                        // The disability named: kept as a need.
                        read_needs(&mut p, &v);
                    }
                }
            }
            _ => {}
        }
    }
    if text::clean(&p.category).is_empty() {
        if disabled {
            p.category = "disability".into();
        } else if let Some(c) = default_category {
            p.category = c.to_string();
        }
    }
    p
}

fn read_needs(p: &mut PersonInput, v: &str) {
    let key = text::search_key(v);
    p.needs_wheelchair |= key.contains("كرسي") || key.contains("wheelchair");
    p.needs_sign |= key.contains("اشاره") || key.contains("sign");
    p.needs_companion |= key.contains("مرافق") || key.contains("companion");
    if !(p.needs_wheelchair || p.needs_sign || p.needs_companion) {
        p.needs_other = v.to_string();
    }
}

/// Imports the table into the forum, bad rows reported: in short transactions beside the
/// desks' check-ins, all or nothing (see [`rows::in_short_transactions`]).
/// `progress(done, total)` is called as rows are processed.
pub fn import(
    store: &Store,
    forum_id: i64,
    table: &Table,
    mapping: &[Option<String>],
    default_category: Option<&str>,
    origin: rows::Origin<'_>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Report> {
    // No savepoint per row: a row is validated and checked for duplicates before anything is
    // written, so a refused row writes nothing; a database error aborts the whole import.
    rows::in_short_transactions(
        store,
        forum_id,
        rows::Rows {
            spec: &SPEC,
            table,
            mapping,
            origin,
        },
        progress,
        &mut |conn, batch| Ok(Registrar::new(conn, forum_id)?.in_batch(batch)),
        &mut |registrar, conn, row| {
            registrar
                .insert(conn, &row_input(mapping, row, default_category))
                .map(|_| ())
        },
    )
}

/// Imports a spreadsheet file with the column mapping recognised from its headers (what the
/// CLI does, where there is no one to confirm the mapping). `progress(done, total)` as rows
/// are processed.
pub fn import_file(
    store: &Store,
    forum_id: i64,
    path: &std::path::Path,
    default_category: Option<&str>,
    by: &str,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Report> {
    let table = rows::read_file(path)?;
    let mapping = guess_mapping(&table.headers);
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    import(
        store,
        forum_id,
        &table,
        &mapping,
        default_category,
        rows::Origin {
            file_name: &file_name,
            by,
        },
        progress,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::rejects_xlsx;
    use crate::person::rules::luhn_check_digit;
    use crate::sheet;
    use crate::store::Store;

    const ORIGIN: rows::Origin = rows::Origin {
        file_name: "المسجلون.xlsx",
        by: "اختبار",
    };

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
        let forum = crate::forum::test_forum(&mut store.conn());
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
            numbers: Vec::new(),
        };
        let mapping = guess_mapping(&table.headers);
        let mut calls = 0;
        let r = import(
            &store,
            forum,
            &table,
            &mapping,
            None,
            ORIGIN,
            &mut |_, _| calls += 1,
        )
        .unwrap();
        let conn = store.conn();
        assert!(calls >= 2);
        assert_eq!((r.imported, r.rejected, r.duplicates), (2, 3, 1));
        let rows: Vec<usize> = r.rejects.iter().map(|x| x.row).collect();
        assert_eq!(rows, [3, 5, 6, 8]);
        assert!(r.rejects[0].reason.contains("ثنائيًا"));
        assert!(r.rejects[1].reason.contains("رقم التحقق"));
        assert!(r.rejects[2].reason.contains("مسجل من قبل"));
        assert!(r.rejects[3].reason.contains("أطول"));
        let names = crate::person::name_index::NameIndex::default();
        let p = crate::person::search::search(&conn, &names, forum, "فاطمة", 5)
            .unwrap()
            .people;
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
    fn a_failed_import_leaves_none_of_its_rows_and_a_crash_is_cleaned_up() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("m.sqlite3")).unwrap();
        let forum = crate::forum::test_forum(&mut store.conn());
        let mut rng = crate::name_generator::Rng::new(7);
        let rows: Vec<Vec<String>> = (0..2_000)
            .map(|i| {
                vec![
                    crate::name_generator::full_name(&mut rng, false),
                    "زائر".into(),
                    format!("055{i:07}"),
                ]
            })
            .collect();
        let table = Table {
            headers: vec!["الاسم".into(), "الفئة".into(), "الجوال".into()],
            rows,
            numbers: Vec::new(),
        };
        let mapping = guess_mapping(&table.headers);
        let visible = |store: &Store| -> i64 {
            store
                .conn()
                .query_row(
                    "SELECT count(*) FROM person WHERE forum_id = ?1",
                    [forum],
                    |r| r.get(0),
                )
                .unwrap()
        };
        let stored = |store: &Store| -> i64 {
            store
                .conn()
                .query_row("SELECT count(*) FROM person_row", [], |r| r.get(0))
                .unwrap()
        };
        // While an import runs nobody sees its rows; a database error after many chunks were
        // written: the whole import is gone, and the screen says it failed and why.
        let mut n = 0;
        let mut seen_while_running = Vec::new();
        let e = rows::in_short_transactions(
            &store,
            forum,
            rows::Rows {
                spec: &SPEC,
                table: &table,
                mapping: &mapping,
                origin: ORIGIN,
            },
            &mut |_, _| {},
            &mut |conn, batch| Ok(Registrar::new(conn, forum)?.in_batch(batch)),
            &mut |reg, conn, row| {
                n += 1;
                if n == 1_500 {
                    let visible: i64 = conn
                        .query_row("SELECT count(*) FROM person", [], |r| r.get(0))
                        .unwrap();
                    let stored: i64 = conn
                        .query_row("SELECT count(*) FROM person_row", [], |r| r.get(0))
                        .unwrap();
                    seen_while_running.push((visible, stored));
                    return Err(crate::error::AppError::Internal("انقطع".into()));
                }
                reg.insert(conn, &row_input(&mapping, row, None))
                    .map(|_| ())
            },
        )
        .unwrap_err();
        assert_eq!(e.code(), "internal");
        assert_eq!(seen_while_running, [(0, 1_499)]);
        assert_eq!(visible(&store), 0, "nothing of the failed import is kept");
        assert_eq!(stored(&store), 0);
        let unknown = rows::batch::list(&store, forum + 100, 10).unwrap_err();
        assert_eq!(unknown.code(), "not_found");
        let listed = rows::batch::list(&store, forum, 10).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].state, "failed");
        assert_eq!(listed[0].file_name, "المسجلون.xlsx");
        assert!(listed[0].error.contains("انقطع"), "{}", listed[0].error);
        // A crash mid-import: the batch is left running; the next start discards it, except
        // the row that was checked in (how it got a check-in does not matter: it is kept).
        let running = rows::batch::begin(
            &store,
            forum,
            rows::batch::Source {
                origin: ORIGIN,
                total_rows: 3,
            },
        )
        .unwrap();
        let id = running.id.clone();
        let ids: Vec<i64> = {
            let conn = store.conn();
            let mut reg = Registrar::new(&conn, forum).unwrap().in_batch(&id);
            let ids = (0..3)
                .map(|i| {
                    reg.insert(&conn, &row_input(&mapping, &table.rows[i], None))
                        .unwrap()
                })
                .collect();
            conn.execute(
                "UPDATE import_batch SET alive_at = '2000-01-01T00:00:00Z'",
                [],
            )
            .unwrap();
            ids
        };
        // A desk neither finds nor checks in a row of an import still running.
        let code = crate::person::get(&store.conn(), ids[1]).unwrap_err();
        assert_eq!(code.code(), "not_found");
        let out = crate::checkin::check_in(
            &mut store.conn(),
            &crate::checkin::CheckinRequest {
                forum_id: forum,
                code: None,
                person_id: Some(ids[1]),
                day: 1,
                desk: "المنصة 1".into(),
                uuid: None,
                scanned_at: None,
            },
        )
        .unwrap();
        assert_eq!(out.status, crate::checkin::Status::Refused);
        // Say one got in all the same (a desk of an older version): the check-in stays.
        store
            .conn()
            .execute(
                "INSERT INTO checkin(uuid, forum_id, person_id, day, desk, at)
                 VALUES ('c-1', ?1, ?2, 1, 'المنصة 1', '2026-12-07T08:00:00Z')",
                [forum, ids[1]],
            )
            .unwrap();
        assert_eq!((visible(&store), stored(&store)), (0, 3));
        // Its writer holds the lock: running, whatever the clock says.
        assert_eq!(
            rows::batch::list(&store, forum, 1).unwrap()[0].state,
            "running"
        );
        assert_eq!(rows::batch::recover(&store).unwrap(), 0);
        // Gone (here without its lock file, so by the silence): interrupted.
        drop(running);
        assert_eq!(
            rows::batch::list(&store, forum, 1).unwrap()[0].state,
            "interrupted"
        );
        assert_eq!(rows::batch::recover(&store).unwrap(), 1);
        assert_eq!((visible(&store), stored(&store)), (1, 1));
        let b = &rows::batch::list(&store, forum, 1).unwrap()[0];
        assert_eq!((b.state.as_str(), b.kept), ("interrupted", 1));
        let kept: i64 = store
            .conn()
            .query_row(
                "SELECT person_id FROM checkin WHERE uuid = 'c-1'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(kept, ids[1]);
        // And a good import keeps everything (the kept row is now a duplicate).
        let r = import(
            &store,
            forum,
            &table,
            &mapping,
            None,
            ORIGIN,
            &mut |_, _| {},
        )
        .unwrap();
        assert_eq!((r.imported, r.duplicates), (1_999, 1));
        assert_eq!(visible(&store), 2_000);
        assert_eq!(rows::batch::recover(&store).unwrap(), 0);
        let b = &rows::batch::list(&store, forum, 1).unwrap()[0];
        assert_eq!(
            (b.state.as_str(), b.imported, b.duplicates),
            ("done", 1_999, 1)
        );
    }

    #[test]
    fn files_without_a_category_take_the_default_and_a_disability_column_is_understood() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("m.sqlite3")).unwrap();
        let forum = crate::forum::test_forum(&mut store.conn());
        let table = Table {
            headers: vec![
                "الاسم".into(),
                "الجوال".into(),
                "ذوو الإعاقة".into(),
                "نوع المستفيد".into(),
            ],
            rows: vec![
                vec![
                    "سلمى أحمد الحكمي".into(),
                    "0551110001".into(),
                    "لا".into(),
                    "".into(),
                ],
                vec![
                    "بدر علي المالكي".into(),
                    "0551110002".into(),
                    "نعم".into(),
                    "".into(),
                ],
                vec![
                    "ريم سعيد العمري".into(),
                    "0551110003".into(),
                    "كرسي متحرك".into(),
                    "".into(),
                ],
                vec![
                    "هادي يحيى فقيه".into(),
                    "0551110004".into(),
                    "".into(),
                    "زائر".into(),
                ],
            ],
            numbers: Vec::new(),
        };
        let mapping = guess_mapping(&table.headers);
        assert_eq!(
            mapping,
            [
                Some("full_name"),
                Some("mobile"),
                Some("disability"),
                Some("category")
            ]
            .map(|m| m.map(String::from))
            .to_vec()
        );
        // Without a default, rows without a category are refused, each with its reason.
        let r = import(
            &store,
            forum,
            &table,
            &mapping,
            None,
            ORIGIN,
            &mut |_, _| {},
        )
        .unwrap();
        assert_eq!((r.imported, r.rejected), (3, 1));
        assert!(r.rejects[0].reason.contains("الفئة"), "{:?}", r.rejects[0]);
        let people = crate::person::list(&store.conn(), forum, &crate::person::Filter::first(10))
            .unwrap()
            .people;
        let cat = |name: &str| {
            let p = &people
                .iter()
                .find(|p| p.person.full_name == name)
                .unwrap()
                .person;
            (p.category.clone(), p.needs.wheelchair)
        };
        assert_eq!(cat("بدر علي المالكي"), ("disability".into(), false));
        assert_eq!(cat("ريم سعيد العمري"), ("disability".into(), true));
        assert_eq!(cat("هادي يحيى فقيه"), ("visitor".into(), false));
        // With a default: the rest import as beneficiaries.
        let r = import(
            &store,
            forum,
            &table,
            &mapping,
            Some("beneficiary"),
            ORIGIN,
            &mut |_, _| {},
        )
        .unwrap();
        assert_eq!((r.imported, r.duplicates), (1, 3));
        let salma = crate::person::search::search(
            &store.conn(),
            &crate::person::name_index::NameIndex::default(),
            forum,
            "سلمى الحكمي",
            5,
        )
        .unwrap();
        assert_eq!(salma.people[0].category, "beneficiary");
    }
}
