//! One search box for people: a name as people say it (every word of the query the start of a
//! word of the name, in any order, the article optional: [`super::name_index`]), national ID or
//! mobile (exact or by their first digits), or badge code (exact).

use rusqlite::{params, Connection};
use serde::Serialize;

use super::name_index::{query_words, NameIndex};
use super::{badge_code, from_row, Person, PERSON_SELECT};
use crate::error::Result;
use crate::text;

pub const DEFAULT_LIMIT: usize = 30;

/// What a search found: the best matches, and whether there were more than shown.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Found {
    pub people: Vec<Person>,
    pub more: bool,
}

fn push_unique(out: &mut Vec<Person>, found: Vec<Person>, limit: usize) -> bool {
    let mut dropped = false;
    for p in found {
        if out.iter().any(|q| q.id == p.id) {
            continue;
        }
        if out.len() >= limit {
            dropped = true;
            break;
        }
        out.push(p);
    }
    dropped
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
/// names (the exact full name, then the query's words in the name's order, then in any order;
/// fewer extra words first; then by name).
pub fn search(
    conn: &Connection,
    names: &NameIndex,
    forum_id: i64,
    q: &str,
    limit: usize,
) -> Result<Found> {
    let limit = limit.clamp(1, 200);
    let mut out = Vec::new();
    let mut more = false;
    let code = badge_code::normalize(q);
    if badge_code::looks_like_code(&code) {
        let by_code = query(
            conn,
            "p.forum_id = ?1 AND p.badge_code = ?2",
            params![forum_id, code],
            limit,
        )?;
        push_unique(&mut out, by_code, limit);
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
            limit + 1,
        )?;
        more |= push_unique(&mut out, found, limit);
        return Ok(Found { people: out, more });
    }

    let words = query_words(q);
    if words.is_empty() || out.len() >= limit {
        return Ok(Found { people: out, more });
    }
    let matches = names.find(conn, forum_id, &words, limit)?;
    more |= matches.more;
    // The matches in one statement, then in their ranked order (a person deleted since the
    // index last looked is simply not shown).
    let ids = serde_json::to_string(&matches.ranked.iter().map(|m| m.id).collect::<Vec<_>>())
        .map_err(|e| crate::error::AppError::Internal(e.to_string()))?;
    let mut stmt = conn.prepare_cached(&format!(
        "{PERSON_SELECT} WHERE p.id IN (SELECT value FROM json_each(?1))"
    ))?;
    let mut by_id: std::collections::HashMap<i64, Person> = stmt
        .query_map([ids], from_row)?
        .map(|r| r.map(|p| (p.id, p)))
        .collect::<rusqlite::Result<_>>()?;
    let people: Vec<Person> = matches
        .ranked
        .iter()
        .filter_map(|m| by_id.remove(&m.id))
        .collect();
    more |= push_unique(&mut out, people, limit);
    Ok(Found { people: out, more })
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
        let index = NameIndex::default();
        let s = |q: &str| {
            names(&search(&conn, &index, forum, q, 10).unwrap().people)
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
    fn finds_people_the_way_they_give_their_name() {
        let (_d, store, forum) = setup();
        let mut conn = store.conn();
        for (name, nine) in [
            ("سمية سالم محسن الجعفري", "101000001"),
            ("خالد بن محمد العتيبي", "101000002"),
            ("سارة علي حسن الشهري", "101000003"),
            ("أحمد علي الصميلي", "101000004"),
            ("منى عبدالعزيز صميلي", "101000005"),
            ("طلال عبد الله أبو طالب", "101000006"),
            ("خالد العتيبي", "101000007"),
            ("العتيبي خالد سعد", "101000008"),
            ("تركي بن فيصل بن عبدالعزيز آل سعود", "101000009"),
        ] {
            add(&mut conn, forum, name, nine, "");
        }
        let index = NameIndex::default();
        let s = |q: &str| -> Vec<String> {
            names(&search(&conn, &index, forum, q, 10).unwrap().people)
                .iter()
                .map(|s| s.to_string())
                .collect()
        };
        assert_eq!(s("سمية الجعفري"), ["سمية سالم محسن الجعفري"]);
        // The exact name first, then the words in order, then in any order.
        assert_eq!(
            s("خالد العتيبي"),
            ["خالد العتيبي", "خالد بن محمد العتيبي", "العتيبي خالد سعد"]
        );
        assert_eq!(s("العتيبي خالد")[0], "العتيبي خالد سعد");
        assert_eq!(s("العتيبي خالد").len(), 3);
        assert_eq!(s("سارة الشه"), ["سارة علي حسن الشهري"]);
        assert_eq!(
            s("سارة ال"),
            ["سارة علي حسن الشهري"],
            "an article being typed"
        );
        assert_eq!(s("صميلي"), ["أحمد علي الصميلي", "منى عبدالعزيز صميلي"]);
        assert_eq!(s("الصميلي"), s("صميلي"));
        assert_eq!(s("منى عبد العزيز"), ["منى عبدالعزيز صميلي"]);
        assert_eq!(s("طلال عبدالله ابوطالب"), ["طلال عبد الله أبو طالب"]);
        assert_eq!(s("طلال أبو طالب"), ["طلال عبد الله أبو طالب"]);
        assert_eq!(s("تركي آل سعود"), ["تركي بن فيصل بن عبدالعزيز آل سعود"]);
        assert_eq!(s("تركي السعود"), ["تركي بن فيصل بن عبدالعزيز آل سعود"]);
        assert!(s("خالد الشهري").is_empty());
        // More matches than shown: said so.
        let few = search(&conn, &index, forum, "خالد", 2).unwrap();
        assert_eq!(few.people.len(), 2);
        assert!(few.more);
        assert!(!search(&conn, &index, forum, "خالد", 10).unwrap().more);
    }

    #[test]
    fn the_index_follows_changes_from_any_connection() {
        let (_d, store, forum) = setup();
        let index = NameIndex::default();
        let mut conn = store.conn();
        add(&mut conn, forum, "هند سعيد الغامدي", "101000011", "");
        let s = |conn: &Connection, q: &str| search(conn, &index, forum, q, 10).unwrap().people;
        assert_eq!(s(&conn, "هند").len(), 1);
        // Another connection (another process, a desk) registers, renames and deletes.
        let other = crate::store::open_connection(store.path()).unwrap();
        let mut other = other;
        let p = add(&mut other, forum, "هند محمد الزهراني", "101000012", "");
        assert_eq!(s(&conn, "هند الزهراني").len(), 1);
        other
            .execute(
                "UPDATE person_row SET full_name = 'هند محمد القرني', name_key = 'هند محمد القرني' WHERE id = ?1",
                [p.id],
            )
            .unwrap();
        assert!(s(&conn, "هند الزهراني").is_empty());
        assert_eq!(s(&conn, "هند القرني").len(), 1);
        other
            .execute("DELETE FROM person_row WHERE id = ?1", [p.id])
            .unwrap();
        assert!(s(&conn, "هند القرني").is_empty());
        assert_eq!(s(&conn, "هند").len(), 1);
    }

    #[test]
    fn finds_by_badge_code_in_any_case() {
        let (_d, store, forum) = setup();
        let mut conn = store.conn();
        let p = add(&mut conn, forum, "سارة علي", "101234567", "");
        let index = NameIndex::default();
        let found = search(&conn, &index, forum, &p.badge_code.to_lowercase(), 10).unwrap();
        assert_eq!(found.people[0].id, p.id);
    }
}
