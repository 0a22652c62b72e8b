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

/// What is imported: the kind's spec, the table and the confirmed mapping, and where it came
/// from (the file's name and who imports it, for the import screen).
#[derive(Clone, Copy)]
pub struct Rows<'a> {
    pub spec: &'a Spec,
    pub table: &'a Table,
    pub mapping: &'a [Option<String>],
    pub origin: Origin<'a>,
}

/// Where an import comes from, for the import screen: the file's name and who imports it.
#[derive(Clone, Copy, Debug)]
pub struct Origin<'a> {
    pub file_name: &'a str,
    pub by: &'a str,
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
/// lets others write. As others see it, it is still all or nothing: the rows carry the import
/// batch ([`batch`]) and nobody sees them (the `person` view) until the batch is done, when
/// they all appear at once. A failure, or the next start after a crash, discards them.
/// `start` prepares a chunk's writer (it is told the batch), `insert` writes one row with it.
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
        origin,
    } = rows;
    spec.check_mapping(&table.headers, mapping)?;
    crate::forum::get(&*store.read()?, forum_id)?;
    // An import interrupted a while ago gives its rows' IDs back before this one starts.
    batch::recover(store)?;
    let total = table.rows.len();
    let running = batch::begin(
        store,
        forum_id,
        batch::Source {
            origin,
            total_rows: total,
        },
    )?;
    let id = running.id.clone();
    let mut report = new_report(table);
    let mut next = 0;
    let written = (|| -> Result<()> {
        while next < total {
            progress(next, total);
            let mut conn = store.conn();
            // The chunks are not synced one by one: until the batch is done nobody sees them
            // and an interruption discards them anyway. The batch's end is synced (FULL).
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
                batch::alive(&tx, &id, next)?;
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
        batch::fail(store, running, &e.to_string())?;
        return Err(e);
    }
    batch::finish(store, running, &report)?;
    progress(total, total);
    Ok(report)
}

/// Import batches: an import's rows are seen by nobody until its batch is done (the `person`
/// view, migration 22), and the rows of one that failed or was interrupted are discarded —
/// except a row someone acted on (a check-in, a referral, a certificate, an edit), which is
/// kept: nothing acknowledged is ever removed with a batch.
pub mod batch {
    use std::path::{Path, PathBuf};

    use rusqlite::{params, Connection};
    use serde::Serialize;

    use crate::error::{AppError, Result};
    use crate::store::Store;

    /// A running batch whose lock file is missing (see [`Running`]) and that was not heard of
    /// for this long was interrupted. A running import is heard of after every chunk, and a
    /// chunk waits for the writer at most the store's busy timeout (10 s).
    pub const STALE_SECONDS: i64 = 30;

    /// Where a batch's rows come from, for the import screen.
    pub struct Source<'a> {
        pub origin: super::Origin<'a>,
        pub total_rows: usize,
    }

    /// A batch being written by this process. It holds the batch's lock file (beside the
    /// database, `NAME.imports/ID.lock`) locked until it ends: the operating system lets go of
    /// it when the process dies, so any process knows at once that an import was interrupted.
    pub struct Running {
        pub id: String,
        lock: Option<(std::fs::File, PathBuf)>,
    }

    impl Drop for Running {
        fn drop(&mut self) {
            if let Some((file, path)) = self.lock.take() {
                drop(file);
                let _ = std::fs::remove_file(path);
            }
        }
    }

    fn lock_path(db: &Path, id: &str) -> PathBuf {
        let mut folder = db.as_os_str().to_owned();
        folder.push(".imports");
        PathBuf::from(folder).join(format!("{id}.lock"))
    }

    /// Whether the process writing batch `id` is gone: its lock file is not held (or, with no
    /// lock file, it was silent for [`STALE_SECONDS`]).
    fn writer_gone(db: &Path, id: &str, alive_at: &str) -> bool {
        match std::fs::File::open(lock_path(db, id)) {
            Ok(file) => match file.try_lock() {
                Ok(()) => true,
                Err(std::fs::TryLockError::WouldBlock) => false,
                Err(std::fs::TryLockError::Error(_)) => stale(alive_at),
            },
            Err(_) => stale(alive_at),
        }
    }

    fn stale(alive_at: &str) -> bool {
        chrono::DateTime::parse_from_rfc3339(alive_at)
            .map(|t| (chrono::Utc::now() - t.to_utc()).num_seconds() > STALE_SECONDS)
            .unwrap_or(true)
    }

    pub fn begin(store: &Store, forum_id: i64, source: Source<'_>) -> Result<Running> {
        let id = uuid::Uuid::new_v4().to_string();
        // The lock first: a batch is never running without it (but for a folder that cannot
        // take one, where the silence decides).
        let path = lock_path(store.path(), &id);
        let lock = std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))
            .and_then(|()| std::fs::File::create(&path))
            .and_then(|file| file.lock().map(|()| (file, path)))
            .ok();
        let now = crate::calendar::now_utc();
        store.conn().execute(
            "INSERT INTO import_batch(id, forum_id, started_at, alive_at, kind, file_name, by, total_rows)
             VALUES (?1, ?2, ?3, ?3, 'people', ?4, ?5, ?6)",
            params![
                id,
                forum_id,
                now,
                source.origin.file_name,
                source.origin.by,
                source.total_rows as i64
            ],
        )?;
        Ok(Running { id, lock })
    }

    const GIVEN_UP: &str = "توقف هذا الاستيراد (انقطع فعُدّ متوقفًا)؛ استورد الملف مرة أخرى";

    /// The batch is still being written, `done_rows` of its rows so far. Refused when the batch
    /// was given up meanwhile.
    pub fn alive(conn: &Connection, id: &str, done_rows: usize) -> Result<()> {
        let n = conn.execute(
            "UPDATE import_batch SET alive_at = ?2, done_rows = ?3 WHERE id = ?1 AND state = 'running'",
            params![id, crate::calendar::now_utc(), done_rows as i64],
        )?;
        if n == 0 {
            return Err(AppError::Conflict(GIVEN_UP.into()));
        }
        Ok(())
    }

    /// The batch is done: every one of its rows appears, by this one update.
    pub fn finish(store: &Store, running: Running, report: &super::Report) -> Result<()> {
        let n = store.conn().execute(
            "UPDATE import_batch SET state = 'done', finished_at = ?2, done_rows = total_rows,
                    imported = ?3, rejected = ?4, duplicates = ?5
              WHERE id = ?1 AND state = 'running'",
            params![
                running.id,
                crate::calendar::now_utc(),
                report.imported as i64,
                report.rejected as i64,
                report.duplicates as i64
            ],
        )?;
        if n == 0 {
            return Err(AppError::Conflict(GIVEN_UP.into()));
        }
        Ok(())
    }

    /// The import failed (`reason`, shown on the import screen): its rows are discarded.
    pub fn fail(store: &Store, running: Running, reason: &str) -> Result<()> {
        end(store, &running.id, "failed", reason)
    }

    /// Ends an unfinished batch as `state`: a few hundred rows at a time (the desks keep the
    /// writer), its rows nobody acted on are deleted and the others are kept as registered.
    fn end(store: &Store, id: &str, state: &str, reason: &str) -> Result<()> {
        // What a person did, by the person: kept rows are those with any.
        const ACTED: &str = "EXISTS(SELECT 1 FROM checkin c WHERE c.person_id = p.id)
             OR EXISTS(SELECT 1 FROM referral r WHERE r.person_id = p.id)
             OR EXISTS(SELECT 1 FROM certificate x WHERE x.person_id = p.id)
             OR p.updated_at <> p.created_at";
        loop {
            let conn = store.conn();
            let n = conn.execute(
                &format!(
                    "DELETE FROM person_row WHERE id IN (
                        SELECT id FROM person_row p WHERE p.import_batch = ?1 AND NOT ({ACTED}) LIMIT 500)"
                ),
                [id],
            )?;
            if n == 0 {
                break;
            }
        }
        let mut conn = store.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let kept = tx.execute(
            "UPDATE person_row SET import_batch = NULL WHERE import_batch = ?1",
            [id],
        )?;
        tx.execute(
            "UPDATE import_batch SET state = ?2, finished_at = ?3, error = ?4, kept = kept + ?5
              WHERE id = ?1 AND state IN ('running', 'failed', 'interrupted')",
            params![id, state, crate::calendar::now_utc(), reason, kept as i64],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The running batches whose writer is gone.
    fn interrupted(store: &Store, conn: &Connection) -> Result<Vec<String>> {
        let mut stmt =
            conn.prepare_cached("SELECT id, alive_at FROM import_batch WHERE state = 'running'")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let running: Vec<(String, String)> = rows.collect::<rusqlite::Result<_>>()?;
        Ok(running
            .into_iter()
            .filter(|(id, alive_at)| writer_gone(store.path(), id, alive_at))
            .map(|(id, _)| id)
            .collect())
    }

    /// At start (and before an import): the imports whose writer is gone were interrupted;
    /// their rows are discarded (what someone acted on stays). Returns how many.
    pub fn recover(store: &Store) -> Result<usize> {
        let ids = interrupted(store, &*store.read()?)?;
        for id in &ids {
            end(store, id, "interrupted", "")?;
            let _ = std::fs::remove_file(lock_path(store.path(), id));
        }
        Ok(ids.len())
    }

    /// One import as the import screen shows it.
    #[derive(Debug, Clone, Serialize, PartialEq, Eq)]
    pub struct Batch {
        pub id: String,
        pub file_name: String,
        pub by: String,
        /// running, done, failed or interrupted.
        pub state: String,
        pub started_at: String,
        pub finished_at: Option<String>,
        pub total_rows: i64,
        pub done_rows: i64,
        pub imported: i64,
        pub rejected: i64,
        pub duplicates: i64,
        /// Rows of a failed or interrupted import kept because someone acted on them.
        pub kept: i64,
        pub error: String,
    }

    /// The forum's imports, latest first (at most `limit`). A running one whose writer is gone
    /// is shown interrupted before the next start discards it.
    pub fn list(store: &Store, forum_id: i64, limit: usize) -> Result<Vec<Batch>> {
        let conn = store.read()?;
        crate::forum::get(&conn, forum_id)?;
        let gone = interrupted(store, &conn)?;
        let mut stmt = conn.prepare_cached(
            "SELECT id, file_name, by, state, started_at, finished_at, total_rows, done_rows,
                    imported, rejected, duplicates, kept, error
               FROM import_batch WHERE forum_id = ?1 ORDER BY started_at DESC, rowid DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![forum_id, limit as i64], |r| {
            Ok(Batch {
                id: r.get(0)?,
                file_name: r.get(1)?,
                by: r.get(2)?,
                state: r.get(3)?,
                started_at: r.get(4)?,
                finished_at: r.get(5)?,
                total_rows: r.get(6)?,
                done_rows: r.get(7)?,
                imported: r.get(8)?,
                rejected: r.get(9)?,
                duplicates: r.get(10)?,
                kept: r.get(11)?,
                error: r.get(12)?,
            })
        })?;
        let mut list: Vec<Batch> = rows.collect::<rusqlite::Result<_>>()?;
        for b in &mut list {
            if gone.contains(&b.id) {
                b.state = "interrupted".into();
            }
        }
        Ok(list)
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
