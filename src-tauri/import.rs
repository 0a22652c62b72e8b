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

pub(crate) fn is_empty(row: &[String]) -> bool {
    row.iter().all(|c| text::clean(c).is_empty())
}

pub(crate) fn new_report(table: &Table) -> Report {
    Report {
        imported: 0,
        rejected: 0,
        duplicates: 0,
        headers: table.headers.clone(),
        rejects: Vec::new(),
    }
}

/// Counts one row's outcome: imported, or rejected with its row number and reason (a
/// validation error or a duplicate); any other error is returned, to abort the import.
pub(crate) fn account(
    report: &mut Report,
    row_number: usize,
    row: &[String],
    outcome: Result<()>,
) -> Result<()> {
    match outcome {
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
                row: row_number,
                reason,
                values: row.to_vec(),
            });
        }
        Err(e) => return Err(e),
    }
    Ok(())
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
    let mut report = new_report(table);
    for (i, row) in table.rows.iter().enumerate() {
        if i % 500 == 0 {
            progress(i, total);
        }
        if is_empty(row) {
            continue; // empty rows are not data
        }
        account(&mut report, table.row_number(i), row, insert(row))?;
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

/// What is imported: the kind's spec, the table and the confirmed mapping.
#[derive(Clone, Copy)]
pub struct Rows<'a> {
    pub spec: &'a Spec,
    pub table: &'a Table,
    pub mapping: &'a [Option<String>],
}

/// Prepares a chunk's writer (told the batch its rows belong to).
pub type StartChunk<'a, W> = dyn FnMut(&rusqlite::Connection, &str) -> Result<W> + 'a;
/// Writes one row with the chunk's writer.
pub type InsertRow<'a, W> = dyn FnMut(&mut W, &rusqlite::Connection, &[String]) -> Result<()> + 'a;

/// Rows written per transaction at most, and the longest a transaction holds the writer.
const CHUNK_ROWS: usize = 250;
const CHUNK_TIME: std::time::Duration = std::time::Duration::from_millis(5);

/// [`run`] in short write transactions, so check-ins and other writes never wait long: each
/// chunk takes the writer, writes up to [`CHUNK_ROWS`] rows (or [`CHUNK_TIME`]), commits and
/// lets others write. From the user's point of view it is still all or nothing: the rows carry
/// the import batch ([`batch`]), and a failure removes the batch's rows (and so does the next
/// start after a crash). `start` prepares a chunk's writer (it is told the batch), `insert`
/// writes one row with it.
pub fn in_short_transactions<W>(
    store: &crate::store::Store,
    forum_id: i64,
    rows: Rows<'_>,
    progress: &mut dyn FnMut(usize, usize),
    start: &mut StartChunk<'_, W>,
    insert: &mut InsertRow<'_, W>,
) -> Result<Report> {
    let Rows {
        spec,
        table,
        mapping,
    } = rows;
    spec.check_mapping(&table.headers, mapping)?;
    crate::forum::get(&*store.read()?, forum_id)?;
    let id = batch::begin(&store.conn(), forum_id)?;
    let total = table.rows.len();
    let mut report = new_report(table);
    let mut next = 0;
    let written = (|| -> Result<()> {
        while next < total {
            progress(next, total);
            let mut conn = store.conn();
            // The chunks are not synced one by one: until the batch is finished an
            // interruption removes it anyway, and the check-ins that follow are synced (FULL)
            // with everything before them. The batch's end is synced.
            conn.pragma_update(None, "synchronous", "NORMAL")?;
            let chunk = (|| -> Result<()> {
                let tx =
                    conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                let mut w = start(&tx, &id)?;
                let began = std::time::Instant::now();
                let mut n = 0;
                while next < total && n < CHUNK_ROWS && began.elapsed() < CHUNK_TIME {
                    let row = &table.rows[next];
                    if !is_empty(row) {
                        let outcome = insert(&mut w, &tx, row);
                        account(&mut report, table.row_number(next), row, outcome)?;
                        n += 1;
                    }
                    next += 1;
                }
                drop(w);
                batch::alive(&tx, &id)?;
                tx.commit()?;
                Ok(())
            })();
            conn.pragma_update(None, "synchronous", "FULL")?;
            chunk?;
            drop(conn);
            // Let a waiting check-in have the writer before the next chunk.
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        Ok(())
    })();
    if let Err(e) = written {
        batch::remove(store, &id)?;
        return Err(e);
    }
    batch::finish(&store.conn(), &id)?;
    progress(total, total);
    Ok(report)
}

/// Import batches: the rows of an import that has not finished are not kept.
pub mod batch {
    use rusqlite::{params, Connection};

    use crate::error::Result;

    /// An unfinished batch not heard of for this long was interrupted (a crash, a power cut).
    const STALE_SECONDS: i64 = 120;

    pub fn begin(conn: &Connection, forum_id: i64) -> Result<String> {
        let id = uuid::Uuid::new_v4().to_string();
        let now = crate::calendar::now_utc();
        conn.execute(
            "INSERT INTO import_batch(id, forum_id, started_at, alive_at) VALUES (?1, ?2, ?3, ?3)",
            params![id, forum_id, now],
        )?;
        Ok(id)
    }

    pub fn alive(conn: &Connection, id: &str) -> Result<()> {
        conn.execute(
            "UPDATE import_batch SET alive_at = ?2 WHERE id = ?1",
            params![id, crate::calendar::now_utc()],
        )?;
        Ok(())
    }

    pub fn finish(conn: &Connection, id: &str) -> Result<()> {
        conn.execute(
            "UPDATE import_batch SET finished_at = ?2 WHERE id = ?1",
            params![id, crate::calendar::now_utc()],
        )?;
        Ok(())
    }

    /// Removes the batch and every row it wrote, a few hundred at a time.
    pub fn remove(store: &crate::store::Store, id: &str) -> Result<()> {
        loop {
            let conn = store.conn();
            let n = conn.execute(
                "DELETE FROM person WHERE id IN (SELECT id FROM person WHERE import_batch = ?1 LIMIT 500)",
                [id],
            )?;
            if n == 0 {
                conn.execute("DELETE FROM import_batch WHERE id = ?1", [id])?;
                return Ok(());
            }
        }
    }

    /// At start: removes the rows of imports that were interrupted.
    pub fn recover(store: &crate::store::Store) -> Result<usize> {
        let stale = (chrono::Utc::now() - chrono::Duration::seconds(STALE_SECONDS))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let ids: Vec<String> = {
            let conn = store.conn();
            let mut stmt = conn.prepare(
                "SELECT id FROM import_batch WHERE finished_at IS NULL AND alive_at < ?1",
            )?;
            let rows = stmt.query_map([stale], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for id in &ids {
            remove(store, id)?;
        }
        Ok(ids.len())
    }
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
