//! Outcomes from entities that never open the app: an .xlsx per entity, pre-filled with its
//! referrals (the contact details only of those who consented), with columns to fill (new
//! state, date, reason, note); importing it back moves the referrals, reports every bad row with
//! its row number and an Arabic reason, and applies the rest in one transaction.

use rusqlite::{Connection, TransactionBehavior};

use super::referral::{self, Filter, MoveInput};
use super::{track, REASONS};
use crate::error::{AppError, Result};
use crate::import::{self as rows, Report, Spec};
use crate::sheet::{self, Cell, SheetData, Table};
use crate::text;

pub const FIELDS: &[(&str, &str)] = &[
    ("referral", "رقم الإحالة"),
    ("new_state", "الحالة الجديدة"),
    ("date", "تاريخ النتيجة"),
    ("reason", "السبب"),
    ("note", "ملاحظة"),
];

const HEADER_WORDS: &[(&str, &[&str])] = &[
    ("referral", &["رقم الاحاله", "الاحاله", "referral"]),
    ("new_state", &["الحاله الجديده", "new state"]),
    ("date", &["تاريخ النتيجه", "التاريخ", "date"]),
    ("reason", &["السبب", "سبب", "reason"]),
    ("note", &["ملاحظه", "note"]),
];

pub const SPEC: Spec = Spec {
    fields: FIELDS,
    header_words: HEADER_WORDS,
    required: ("referral", "اربط عمود رقم الإحالة قبل الاستيراد"),
};

/// The entity's referrals as the sheet it fills in.
pub fn export_xlsx(conn: &Connection, entity_id: i64) -> Result<Vec<u8>> {
    let forum_id = crate::entity::get(conn, entity_id)?.forum_id;
    let list = referral::list(
        conn,
        forum_id,
        &Filter {
            entity_id: Some(entity_id),
            ..Default::default()
        },
    )?;
    let headers: Vec<String> = [
        "رقم الإحالة",
        "الاسم",
        "الجوال",
        "رقم الهوية",
        "الفرصة",
        "المسار",
        "الحالة الحالية",
        "الحالات الممكنة",
        "الحالة الجديدة",
        "تاريخ النتيجة",
        "السبب",
        "ملاحظة",
    ]
    .map(String::from)
    .to_vec();
    let mut out = Vec::with_capacity(list.len());
    for r in &list {
        // Contact details only of those who agreed to share them with entities.
        let p = crate::person::get(conn, r.person_id)?;
        let shared = p.consent_at.is_some();
        let t = track(&r.track);
        let next: Vec<&str> = t
            .map(|t| t.next(&r.state).iter().map(|s| s.label).collect())
            .unwrap_or_default();
        let text = |s: &str| Cell::Text(s.to_string());
        out.push(vec![
            Cell::Number(r.id as f64),
            text(&r.person_name),
            text(if shared {
                p.mobile.as_deref().unwrap_or("")
            } else {
                ""
            }),
            text(if shared {
                p.national_id.as_deref().unwrap_or("")
            } else {
                ""
            }),
            text(&r.opportunity_title),
            text(t.map(|t| t.label).unwrap_or("")),
            text(r.state_label),
            text(&next.join("، ")),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
        ]);
    }
    sheet::write_xlsx_sheets(&[SheetData {
        name: "نتائج الإحالات".into(),
        headers,
        rows: out,
    }])
}

/// A reason by its code or its Arabic label; anything else is «other» with the text.
fn reason_of(raw: &str) -> (String, String) {
    let key = text::search_key(raw);
    if key.is_empty() {
        return (String::new(), String::new());
    }
    match REASONS
        .iter()
        .find(|(c, l)| *c == key || text::search_key(l) == key)
    {
        Some((code, _)) => (code.to_string(), String::new()),
        None => ("other".into(), text::clean(raw)),
    }
}

/// Applies a filled sheet: every row with a new state moves its referral; bad rows are reported
/// (unknown referral, illegal move, a date before the referral …) and the rest applied in one
/// transaction. Rows without a new state are left as they are.
pub fn import(
    conn: &mut Connection,
    forum_id: i64,
    table: &Table,
    mapping: &[Option<String>],
    by: &str,
) -> Result<Report> {
    SPEC.check_mapping(&table.headers, mapping)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    crate::forum::get(&tx, forum_id)?;
    let mut report = rows::new_report(table);
    for (i, row) in table.rows.iter().enumerate() {
        if rows::is_empty(row) {
            continue;
        }
        let cell = |field: &str| {
            rows::cells(mapping, row)
                .find(|(f, _)| *f == field)
                .map(|(_, v)| text::clean(v))
                .unwrap_or_default()
        };
        let new_state = cell("new_state");
        if new_state.is_empty() {
            continue;
        }
        let outcome = (|| -> Result<()> {
            let id: i64 = text::latin_digits(&cell("referral"))
                .trim()
                .parse()
                .map_err(|_| AppError::field("referral", "رقم الإحالة غير مقروء"))?;
            let r = match referral::get(&tx, id) {
                Ok(r) if r.forum_id == forum_id => r,
                Ok(_) | Err(AppError::NotFound { .. }) => {
                    return Err(AppError::field(
                        "referral",
                        &format!("لا توجد إحالة بالرقم {id} في هذا الملتقى"),
                    ))
                }
                Err(e) => return Err(e),
            };
            let t = track(&r.track).ok_or_else(|| AppError::Internal("مسار غير معروف".into()))?;
            let key = text::search_key(&new_state);
            let to = t
                .stages
                .iter()
                .find(|s| s.state == key || text::search_key(s.label) == key)
                .ok_or_else(|| {
                    AppError::field(
                        "new_state",
                        &format!("الحالة «{new_state}» ليست من حالات {}", t.label),
                    )
                })?;
            let (reason, mut reason_text) = reason_of(&cell("reason"));
            let note = cell("note");
            if reason_text.is_empty() {
                reason_text = note;
            }
            referral::move_in(
                &tx,
                &MoveInput {
                    id,
                    to: to.state.into(),
                    reason,
                    reason_text,
                    verified_by: "entity".into(),
                    at: Some(cell("date")).filter(|d| !d.is_empty()),
                    by: by.into(),
                },
            )
            // An illegal move is this row's fault, not the whole file's.
            .map_err(|e| match e {
                AppError::Conflict(m) => AppError::field("new_state", &m),
                other => other,
            })?;
            Ok(())
        })();
        rows::account(&mut report, table.row_number(i), row, outcome)?;
    }
    tx.commit()?;
    Ok(report)
}

/// Imports a filled sheet from disk with the mapping recognised from its headers (the CLI).
pub fn import_file(conn: &mut Connection, forum_id: i64, path: &std::path::Path) -> Result<Report> {
    let table = rows::read_file(path)?;
    let mapping = SPEC.guess_mapping(&table.headers);
    import(conn, forum_id, &table, &mapping, "ملف نتائج الجهة")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entity_sheet_round_trips_with_bad_rows_reported_and_consent_respected() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("m.sqlite3")).unwrap();
        let mut conn = store.conn();
        let forum = crate::demo::load(&mut conn).unwrap();
        // An entity with referrals still at «referred».
        let waiting = referral::list(
            &conn,
            forum,
            &Filter {
                state: Some("referred".into()),
                track: Some("training".into()),
                ..Default::default()
            },
        )
        .unwrap();
        let entity = waiting[0].entity_id;
        let entity = waiting
            .iter()
            .map(|r| r.entity_id)
            .find(|e| waiting.iter().filter(|r| r.entity_id == *e).count() >= 2)
            .unwrap_or(entity);
        let mine: Vec<_> = waiting.iter().filter(|r| r.entity_id == entity).collect();
        assert!(
            mine.len() >= 2,
            "the demo has an entity with two waiting referrals"
        );
        let bytes = export_xlsx(&conn, entity).unwrap();
        let sheet = sheet::read_table("نتائج.xlsx", &bytes).unwrap();
        // Contact details only where the person consented.
        for (i, row) in sheet.rows.iter().enumerate() {
            let id: i64 = row[0].parse().unwrap();
            let r = referral::get(&conn, id).unwrap();
            let p = crate::person::get(&conn, r.person_id).unwrap();
            if p.consent_at.is_none() {
                assert!(row[2].is_empty() && row[3].is_empty(), "row {i}: {row:?}");
            }
        }
        // The entity fills it in: one good move, an illegal one, an unknown referral.
        let mut filled = sheet.clone();
        let at = |id: i64| {
            sheet
                .rows
                .iter()
                .position(|r| r[0] == id.to_string())
                .unwrap()
        };
        let good = at(mine[0].id);
        filled.rows[good][8] = "قُبل في الدورة".into();
        filled.rows[good][9] = "2019-11-20".into();
        let bad = at(mine[1].id);
        filled.rows[bad][8] = "أتم الدورة".into(); // not from «referred»
        let mut extra = vec![String::new(); filled.headers.len()];
        extra[0] = "999999".into();
        extra[8] = "accepted".into();
        filled.rows.push(extra);
        filled.numbers = Vec::new();
        let mapping = SPEC.guess_mapping(&filled.headers);
        let report = import(&mut conn, forum, &filled, &mapping, "الجهة").unwrap();
        assert_eq!(report.imported, 1, "{:?}", report.rejects);
        let reasons: Vec<&str> = report.rejects.iter().map(|r| r.reason.as_str()).collect();
        assert!(reasons.iter().any(|r| r.contains("999999")), "{reasons:?}");
        assert!(reasons.iter().any(|r| r.contains("لا تنتقل")), "{reasons:?}");
        let illegal = report
            .rejects
            .iter()
            .find(|r| r.reason.contains("لا تنتقل"))
            .unwrap();
        assert_eq!(illegal.row, bad + 2, "the sheet's own row number");
        let moved = referral::get(&conn, mine[0].id).unwrap();
        assert_eq!(moved.state, "accepted");
        let log = referral::events(&conn, moved.id).unwrap();
        assert_eq!(log.last().unwrap().verified_by.as_deref(), Some("entity"));
    }
}
