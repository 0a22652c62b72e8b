//! One search box for people: any part of the name (on the normalised key), national ID or
//! mobile (exact or by their first digits), or badge code (exact).

use rusqlite::{params, Connection};

use super::{badge_code, from_row, Person, PERSON_SELECT};
use crate::error::Result;
use crate::text;

pub const DEFAULT_LIMIT: usize = 30;

fn push_unique(out: &mut Vec<Person>, found: Vec<Person>, limit: usize) {
    for p in found {
        if out.len() >= limit {
            break;
        }
        if !out.iter().any(|q| q.id == p.id) {
            out.push(p);
        }
    }
}

fn query(
    conn: &Connection,
    sql_where: &str,
    args: impl rusqlite::Params,
    limit: usize,
) -> Result<Vec<Person>> {
    let mut stmt =
        conn.prepare_cached(&format!("{PERSON_SELECT} WHERE {sql_where} LIMIT {limit}"))?;
    let rows = stmt
        .query_map(args, from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The text just past every string that starts with `prefix` (for index range scans).
fn prefix_end(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

/// People of the forum matching `q`, best matches first: badge code, then ID/mobile, then
/// names starting with the query, then names containing it.
pub fn search(conn: &Connection, forum_id: i64, q: &str, limit: usize) -> Result<Vec<Person>> {
    let limit = limit.clamp(1, 200);
    let mut out = Vec::new();
    let code = badge_code::normalize(q);
    if badge_code::looks_like_code(&code) {
        push_unique(
            &mut out,
            query(
                conn,
                "p.forum_id = ?1 AND p.badge_code = ?2",
                params![forum_id, code],
                limit,
            )?,
            limit,
        );
    }

    let digits: String = text::latin_digits(&text::clean(q))
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '+'))
        .collect();
    if digits.len() >= 3 && digits.chars().all(|c| c.is_ascii_digit()) {
        let mobile = match digits.as_str() {
            d if d.starts_with("9665") => format!("0{}", &d[3..]),
            d if d.starts_with("009665") => format!("0{}", &d[5..]),
            d if d.starts_with('5') => format!("0{d}"),
            d => d.to_string(),
        };
        let found = query(
            conn,
            "p.forum_id = ?1 AND ((p.national_id >= ?2 AND p.national_id < ?3) OR (p.mobile >= ?4 AND p.mobile < ?5))
             ORDER BY p.full_name",
            params![forum_id, digits, prefix_end(&digits), mobile, prefix_end(&mobile)],
            limit,
        )?;
        push_unique(&mut out, found, limit);
        return Ok(out);
    }

    let key = text::search_key(q);
    if key.is_empty() || out.len() >= limit {
        return Ok(out);
    }
    let starts = query(
        conn,
        "p.forum_id = ?1 AND p.name_key >= ?2 AND p.name_key < ?3 ORDER BY p.name_key",
        params![forum_id, key, prefix_end(&key)],
        limit,
    )?;
    push_unique(&mut out, starts, limit);
    if out.len() < limit && key.chars().count() >= 3 {
        // Substring anywhere in the name: the trigram index finds the names that contain every
        // word of the query (AND of the words lets FTS5 skip through its lists), then the whole
        // key must occur in the name. Driven from the index so LIMIT stops the scan early.
        let words: Vec<String> = key
            .split(' ')
            .filter(|w| w.chars().count() >= 3)
            .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
            .collect();
        let phrase = if words.is_empty() {
            format!("\"{}\"", key.replace('"', "\"\""))
        } else {
            words.join(" AND ")
        };
        let mut stmt = conn.prepare_cached(&format!(
            "{PERSON_SELECT} JOIN person_fts ON person_fts.rowid = p.id
              WHERE person_fts MATCH ?2 AND p.forum_id = ?1 AND instr(p.name_key, ?3) > 0 LIMIT ?4"
        ))?;
        let contains = stmt
            .query_map(
                params![forum_id, phrase, key, (limit + out.len()) as i64],
                from_row,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        push_unique(&mut out, contains, limit);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::tests::setup;
    use super::super::{create, rules, PersonInput};
    use super::*;

    fn add(conn: &mut Connection, forum: i64, name: &str, nine: &str, mobile: &str) -> Person {
        let nid = format!("{nine}{}", rules::luhn_check_digit(nine).unwrap());
        create(
            conn,
            forum,
            &PersonInput {
                full_name: name.into(),
                national_id: nid,
                mobile: mobile.into(),
                category: "beneficiary".into(),
                ..Default::default()
            },
        )
        .unwrap()
    }

    fn names(found: &[Person]) -> Vec<&str> {
        found.iter().map(|p| p.full_name.as_str()).collect()
    }

    #[test]
    fn finds_names_across_spelling_variants() {
        let (_d, store, forum) = setup();
        let mut conn = store.conn();
        add(
            &mut conn,
            forum,
            "فاطمة علي الحازمي",
            "101234567",
            "0551234567",
        );
        add(&mut conn, forum, "أحمد عبدالله صميلي", "101234568", "");
        add(&mut conn, forum, "مُحَمَّد يحيى مدخلي", "201234569", "");
        let s = |q: &str| {
            names(&search(&conn, forum, q, 10).unwrap())
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(s("فاطمه"), ["فاطمة علي الحازمي"]);
        assert_eq!(s("احمد"), ["أحمد عبدالله صميلي"]);
        assert_eq!(s("عبد الله"), ["أحمد عبدالله صميلي"]);
        assert_eq!(s("محمد"), ["مُحَمَّد يحيى مدخلي"]);
        assert_eq!(s("مدخلي"), ["مُحَمَّد يحيى مدخلي"], "any part of the name");
        assert_eq!(
            s("لي"),
            Vec::<String>::new(),
            "two letters match name starts only"
        );
        assert_eq!(s("١٠١٢"), ["أحمد عبدالله صميلي", "فاطمة علي الحازمي"]);
        assert_eq!(s("2012"), ["مُحَمَّد يحيى مدخلي"]);
        assert_eq!(s("+966 55 123"), ["فاطمة علي الحازمي"]);
        assert!(s("زينب").is_empty());
    }

    #[test]
    fn finds_by_badge_code_in_any_case() {
        let (_d, store, forum) = setup();
        let mut conn = store.conn();
        let p = add(&mut conn, forum, "سارة علي", "101234567", "");
        let found = search(&conn, forum, &p.badge_code.to_lowercase(), 10).unwrap();
        assert_eq!(found[0].id, p.id);
    }
}
