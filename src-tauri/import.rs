//! Importing rows from a spreadsheet, whatever they describe (people, enabling entities,
//! productive families): recognise Arabic or English column headers, let the user confirm the
//! mapping, then import every good row and report every bad row with its row number and an
//! Arabic reason (the rejected rows can be saved as .xlsx, fixed and imported again).
//!
//! Each kind of row brings a [`Spec`] (its fields and the header words that name them) and a
//! closure that validates and inserts one row; the caller owns the transaction.

use serde::{Deserialize, Serialize};

use crate::error::{AppError, Result};
use crate::sheet::{self, Table};
use crate::text;

/// What a kind of row can be imported into.
pub struct Spec {
    /// Field codes and their Arabic labels, for the mapping screen.
    pub fields: &'static [(&'static str, &'static str)],
    /// Header words per field, compared on the normalised search key; earlier fields win ties
    /// («الاسم بالانجليزيه» is the English name, not the name), so list specific words first.
    pub header_words: &'static [(&'static str, &'static [&'static str])],
    /// The field that must be mapped, and what to say when it is not.
    pub required: (&'static str, &'static str),
}

impl Spec {
    fn label(&self, field: &str) -> &'static str {
        self.fields
            .iter()
            .find(|(k, _)| *k == field)
            .map(|(_, l)| *l)
            .unwrap_or("")
    }

    /// The field each column feeds (`None`: ignored), guessed from the headers.
    pub fn guess_mapping(&self, headers: &[String]) -> Vec<Option<String>> {
        let keys: Vec<String> = headers.iter().map(|h| text::search_key(h)).collect();
        let mut mapping: Vec<Option<String>> = vec![None; headers.len()];
        for (field, words) in self.header_words {
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

    /// Refuses a mapping that does not fit the file, names a field twice or misses the
    /// required one.
    pub fn check_mapping(&self, headers: &[String], mapping: &[Option<String>]) -> Result<()> {
        if mapping.len() != headers.len() {
            return Err(AppError::field("mapping", "ربط الأعمدة لا يطابق أعمدة الملف"));
        }
        let mut seen = Vec::new();
        for f in mapping.iter().flatten() {
            if !self.fields.iter().any(|(k, _)| k == f) {
                return Err(AppError::field(
                    "mapping",
                    &format!("حقل غير معروف في ربط الأعمدة: {f}"),
                ));
            }
            if seen.contains(&f) {
                return Err(AppError::field(
                    "mapping",
                    &format!("الحقل «{}» مربوط بأكثر من عمود", self.label(f)),
                ));
            }
            seen.push(f);
        }
        if !seen.iter().any(|f| *f == self.required.0) {
            return Err(AppError::field("mapping", self.required.1));
        }
        Ok(())
    }

    pub fn preview(&self, table: &Table) -> Preview {
        Preview {
            headers: table.headers.clone(),
            mapping: self.guess_mapping(&table.headers),
            fields: self
                .fields
                .iter()
                .map(|(field, label)| FieldLabel { field, label })
                .collect(),
            sample: table.rows.iter().take(5).cloned().collect(),
            row_count: table.rows.len(),
        }
    }
}

/// The mapped cells of one row: `(field, value)` pairs.
pub fn cells<'a>(
    mapping: &'a [Option<String>],
    row: &'a [String],
) -> impl Iterator<Item = (&'a str, &'a str)> {
    mapping
        .iter()
        .zip(row)
        .filter_map(|(f, v)| f.as_deref().map(|f| (f, v.as_str())))
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
    /// Rows refused because the thing is already registered (or twice in the file).
    pub duplicates: usize,
    pub headers: Vec<String>,
    pub rejects: Vec<Reject>,
}

/// Feeds every non-empty row to `insert`. A validation error or a duplicate rejects that row
/// (reported with its row number and reason; `insert` must have written nothing for it); any
/// other error aborts the import, and the caller's transaction with it.
pub fn run(
    spec: &Spec,
    table: &Table,
    mapping: &[Option<String>],
    progress: &mut dyn FnMut(usize, usize),
    insert: &mut dyn FnMut(&[String]) -> Result<()>,
) -> Result<Report> {
    spec.check_mapping(&table.headers, mapping)?;
    let total = table.rows.len();
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
        match insert(row) {
            Ok(()) => report.imported += 1,
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
                    row: table.row_number(i),
                    reason,
                    values: row.clone(),
                });
            }
            Err(e) => return Err(e),
        }
    }
    progress(total, total);
    Ok(report)
}

/// [`run`] inside one write transaction on the forum: every good row or none (a database error
/// rolls all back), `insert` writing each row with the transaction it is given.
pub fn in_transaction(
    conn: &mut rusqlite::Connection,
    forum_id: i64,
    spec: &Spec,
    table: &Table,
    mapping: &[Option<String>],
    progress: &mut dyn FnMut(usize, usize),
    insert: &mut dyn FnMut(&rusqlite::Connection, &[String]) -> Result<()>,
) -> Result<Report> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    crate::forum::get(&tx, forum_id)?;
    let report = run(spec, table, mapping, progress, &mut |row| insert(&tx, row))?;
    tx.commit()?;
    Ok(report)
}

/// Reads a spreadsheet file from disk (what the CLI imports, with the guessed mapping).
pub fn read_file(path: &std::path::Path) -> Result<Table> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let size = std::fs::metadata(path)?.len();
    if size > crate::api::access::MAX_FILE_BYTES as u64 {
        return Err(AppError::TooLarge(crate::api::access::too_large_file(
            Some(size as usize),
        )));
    }
    sheet::read_table(&name, &std::fs::read(path)?)
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

/// A yes/no cell: نعم / يوجد / ✓ / 1 / yes / true are yes; anything else (empty too) is no.
pub fn yes(v: &str) -> bool {
    let k = text::search_key(v);
    matches!(
        k.as_str(),
        "نعم" | "يوجد" | "مطلوب" | "✓" | "✔" | "x" | "1" | "yes" | "y" | "true"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: Spec = Spec {
        fields: &[("name", "الاسم"), ("city", "المدينة")],
        header_words: &[("city", &["مدينه", "city"]), ("name", &["اسم", "name"])],
        required: ("name", "اربط عمود الاسم"),
    };

    #[test]
    fn mapping_is_guessed_and_checked() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let headers = h(&["م", "اسم المدينة", "الاسم"]);
        // «اسم المدينة» is the city (earlier field wins), the name is the other column.
        assert_eq!(
            SPEC.guess_mapping(&headers),
            [None, Some("city".to_string()), Some("name".to_string())]
        );
        let e = SPEC
            .check_mapping(&headers, &[None, Some("city".into()), None])
            .unwrap_err();
        assert!(e.to_string().contains("اربط عمود الاسم"));
        let e = SPEC
            .check_mapping(&headers, &[None, Some("name".into()), Some("name".into())])
            .unwrap_err();
        assert!(e.to_string().contains("«الاسم» مربوط بأكثر من عمود"));
        assert!(SPEC.check_mapping(&headers, &[None]).is_err());
    }

    #[test]
    fn bad_rows_are_reported_and_other_errors_abort() {
        let table = Table {
            headers: vec!["الاسم".into()],
            rows: vec![
                vec!["أ".into()],
                vec!["".into()],
                vec!["ب".into()],
                vec!["ج".into()],
            ],
            numbers: Vec::new(),
        };
        let mapping = SPEC.guess_mapping(&table.headers);
        let r = run(
            &SPEC,
            &table,
            &mapping,
            &mut |_, _| {},
            &mut |row| match row[0].as_str() {
                "ب" => Err(AppError::field("name", "قصير")),
                "ج" => Err(AppError::Duplicate {
                    message: "مكرر".into(),
                    existing_id: 1,
                }),
                _ => Ok(()),
            },
        )
        .unwrap();
        assert_eq!((r.imported, r.rejected, r.duplicates), (1, 1, 1));
        assert_eq!(r.rejects[0].row, 4);
        assert_eq!(r.rejects[0].reason, "قصير");
        assert_eq!(r.rejects[1].row, 5);
        let e = run(&SPEC, &table, &mapping, &mut |_, _| {}, &mut |_| {
            Err(AppError::Internal("x".into()))
        });
        assert!(e.is_err());
        assert!(yes("نعم") && yes(" ✓ ") && yes("Yes") && !yes("لا") && !yes(""));
    }
}
