//! The people list (قائمة الزوار): a page of the forum's people under filters — category,
//! social-security office, needs, attendance (checked in on day N, not yet, any day, never) —
//! sorted by name or registration time, with the days each person came. The attendee exports
//! use the same filter (see [`super::export`]), so a list and its spreadsheet never disagree.

use rusqlite::types::Value as SqlValue;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::{from_row, Person, PERSON_SELECT};
use crate::error::{AppError, Result};

/// Which people, in which order, which page.
#[derive(Debug, Clone, Deserialize, Default, PartialEq)]
#[serde(default)]
pub struct Filter {
    /// A category code.
    pub category: Option<String>,
    /// A social-security office's name.
    pub office: Option<String>,
    /// `any` (some need), `none`, `wheelchair`, `sign_language`, `companion` or `other`.
    pub needs: Option<String>,
    /// With `attended`: on this day of the forum (1 …).
    pub day: Option<u32>,
    /// `true`: checked in (on `day`, or on any day); `false`: not (on `day`, or never).
    pub attended: Option<bool>,
    /// `newest` (the default), `oldest` or `name`.
    pub sort: Option<String>,
    pub offset: i64,
    /// At most 500 a page; 100 when not given.
    pub limit: Option<i64>,
}

impl Filter {
    /// The newest `n` people, no filter.
    pub fn first(n: i64) -> Filter {
        Filter {
            limit: Some(n),
            ..Default::default()
        }
    }
}

/// One person in the list, with the days they were checked in.
#[derive(Debug, Clone, Serialize)]
pub struct Listed {
    #[serde(flatten)]
    pub person: Person,
    pub days: Vec<u32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// People matching the filter (all pages).
    pub total: i64,
    pub offset: i64,
    pub people: Vec<Listed>,
}

pub const NEEDS: &[(&str, &str)] = &[
    (
        "any",
        "p.needs_wheelchair OR p.needs_sign OR p.needs_companion OR p.needs_other <> ''",
    ),
    (
        "none",
        "NOT (p.needs_wheelchair OR p.needs_sign OR p.needs_companion OR p.needs_other <> '')",
    ),
    ("wheelchair", "p.needs_wheelchair"),
    ("sign_language", "p.needs_sign"),
    ("companion", "p.needs_companion"),
    ("other", "p.needs_other <> ''"),
];

/// The WHERE clause of a filter (over `person p`) and its parameters; `?1` is the forum.
pub(crate) fn conditions(forum_id: i64, f: &Filter) -> Result<(String, Vec<SqlValue>)> {
    let mut sql = vec!["p.forum_id = ?1".to_string()];
    let mut params: Vec<SqlValue> = vec![SqlValue::Integer(forum_id)];
    let bind = |v: SqlValue, params: &mut Vec<SqlValue>| {
        params.push(v);
        format!("?{}", params.len())
    };
    if let Some(c) = f.category.as_deref().filter(|c| !c.is_empty()) {
        sql.push(format!(
            "p.category = {}",
            bind(SqlValue::Text(c.into()), &mut params)
        ));
    }
    if let Some(o) = f.office.as_deref().filter(|o| !o.is_empty()) {
        sql.push(format!(
            "p.office_id = (SELECT id FROM office WHERE forum_id = ?1 AND name_ar = {})",
            bind(SqlValue::Text(o.into()), &mut params)
        ));
    }
    if let Some(n) = f.needs.as_deref().filter(|n| !n.is_empty()) {
        let (_, cond) = NEEDS
            .iter()
            .find(|(k, _)| *k == n)
            .ok_or_else(|| AppError::field("needs", &format!("نوع الاحتياج «{n}» غير معروف")))?;
        sql.push(format!("({cond})"));
    }
    if let Some(day) = f.day {
        if day == 0 || day > 29 {
            return Err(AppError::field("day", "رقم اليوم بين 1 وعدد أيام الملتقى"));
        }
    }
    if let Some(came) = f.attended {
        let on_day = match f.day {
            Some(d) => format!(
                " AND k.day = {}",
                bind(SqlValue::Integer(d.into()), &mut params)
            ),
            None => String::new(),
        };
        sql.push(format!(
            "{} EXISTS (SELECT 1 FROM checkin k WHERE k.person_id = p.id AND k.undone_at IS NULL{on_day})",
            if came { "" } else { "NOT" }
        ));
    } else if f.day.is_some() {
        return Err(AppError::field(
            "attended",
            "اختر «حضر» أو «لم يحضر» مع اليوم",
        ));
    }
    Ok((sql.join(" AND "), params))
}

pub(crate) fn order(f: &Filter) -> Result<&'static str> {
    Ok(match f.sort.as_deref().unwrap_or("newest") {
        "newest" | "" => "p.id DESC",
        "oldest" => "p.id",
        "name" => "p.full_name, p.id",
        other => {
            return Err(AppError::field(
                "sort",
                &format!("الترتيب «{other}» غير معروف (newest أو oldest أو name)"),
            ))
        }
    })
}

/// The days each of these people was checked in (not undone), in order.
pub(crate) fn days_of(conn: &Connection, people: &[i64]) -> Result<Vec<Vec<u32>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT day FROM checkin WHERE person_id = ?1 AND undone_at IS NULL ORDER BY day",
    )?;
    people
        .iter()
        .map(|id| {
            let days = stmt.query_map([id], |r| r.get(0))?;
            Ok(days.collect::<rusqlite::Result<Vec<u32>>>()?)
        })
        .collect()
}

/// Every person under the filter, in its order, without paging (for exports).
pub(crate) fn every(conn: &Connection, forum_id: i64, f: &Filter) -> Result<Vec<Person>> {
    let (cond, params) = conditions(forum_id, f)?;
    let order = order(f)?;
    let mut stmt = conn.prepare(&format!("{PERSON_SELECT} WHERE {cond} ORDER BY {order}"))?;
    let people = stmt
        .query_map(rusqlite::params_from_iter(params.iter()), from_row)?
        .collect::<rusqlite::Result<Vec<Person>>>()?;
    Ok(people)
}

/// A page of the forum's people under the filter.
pub fn list(conn: &Connection, forum_id: i64, f: &Filter) -> Result<Page> {
    let (cond, mut params) = conditions(forum_id, f)?;
    let order = order(f)?;
    let limit = f.limit.unwrap_or(100).clamp(1, 500);
    let offset = f.offset.max(0);
    let total: i64 = conn.query_row(
        &format!("SELECT count(*) FROM person p WHERE {cond}"),
        rusqlite::params_from_iter(params.iter()),
        |r| r.get(0),
    )?;
    params.push(SqlValue::Integer(limit));
    params.push(SqlValue::Integer(offset));
    let n = params.len();
    let mut stmt = conn.prepare(&format!(
        "{PERSON_SELECT} WHERE {cond} ORDER BY {order} LIMIT ?{} OFFSET ?{n}",
        n - 1
    ))?;
    let people = stmt
        .query_map(rusqlite::params_from_iter(params.iter()), from_row)?
        .collect::<rusqlite::Result<Vec<Person>>>()?;
    let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
    let days = days_of(conn, &ids)?;
    Ok(Page {
        total,
        offset,
        people: people
            .into_iter()
            .zip(days)
            .map(|(person, days)| Listed { person, days })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> (tempfile::TempDir, crate::store::Store, i64) {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("m.sqlite3")).unwrap();
        let forum = crate::demo::load(&mut store.conn()).unwrap();
        (dir, store, forum)
    }

    #[test]
    fn pages_cover_everyone_once_and_filters_partition_the_forum() {
        let (_d, store, forum) = demo();
        let conn = store.conn();
        let all = list(&conn, forum, &Filter::default()).unwrap();
        assert!(all.total > 200);
        // Paging through 100 at a time meets every person once.
        let mut seen = std::collections::HashSet::new();
        let mut offset = 0;
        loop {
            let page = list(
                &conn,
                forum,
                &Filter {
                    offset,
                    sort: Some("name".into()),
                    ..Default::default()
                },
            )
            .unwrap();
            if page.people.is_empty() {
                break;
            }
            for p in &page.people {
                assert!(seen.insert(p.person.id));
            }
            offset += page.people.len() as i64;
        }
        assert_eq!(seen.len() as i64, all.total);
        // By name: in order.
        let by_name = list(
            &conn,
            forum,
            &Filter {
                sort: Some("name".into()),
                limit: Some(50),
                ..Default::default()
            },
        )
        .unwrap();
        let names: Vec<&str> = by_name
            .people
            .iter()
            .map(|p| p.person.full_name.as_str())
            .collect();
        assert!(names.windows(2).all(|w| w[0] <= w[1]));
        // Came on day 1 + did not come on day 1 = everyone; and each listed person's days agree.
        let count = |f: Filter| list(&conn, forum, &f).unwrap();
        let came = count(Filter {
            day: Some(1),
            attended: Some(true),
            limit: Some(500),
            ..Default::default()
        });
        let not = count(Filter {
            day: Some(1),
            attended: Some(false),
            ..Default::default()
        });
        assert!(came.total > 0 && not.total > 0);
        assert_eq!(came.total + not.total, all.total);
        assert!(came.people.iter().all(|p| p.days.contains(&1)));
        let never = count(Filter {
            attended: Some(false),
            limit: Some(500),
            ..Default::default()
        });
        assert!(never.people.iter().all(|p| p.days.is_empty()));
        let any = count(Filter {
            attended: Some(true),
            ..Default::default()
        });
        assert_eq!(any.total + never.total, all.total);
        // Needs: some + none = everyone; wheelchair users have that need.
        let some = count(Filter {
            needs: Some("any".into()),
            ..Default::default()
        });
        let none = count(Filter {
            needs: Some("none".into()),
            ..Default::default()
        });
        assert_eq!(some.total + none.total, all.total);
        let wheel = count(Filter {
            needs: Some("wheelchair".into()),
            limit: Some(500),
            ..Default::default()
        });
        assert!(wheel.people.iter().all(|p| p.person.needs.wheelchair));
        // Offices partition those who have one.
        let offices = crate::person::offices(&conn, forum).unwrap();
        let per_office: i64 = offices
            .iter()
            .map(|o| {
                count(Filter {
                    office: Some(o.clone()),
                    ..Default::default()
                })
                .total
            })
            .sum();
        let with_office: i64 = conn
            .query_row(
                "SELECT count(*) FROM person WHERE forum_id = ?1 AND office_id IS NOT NULL",
                [forum],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(per_office, with_office);
        // Category and attendance combine.
        let both = count(Filter {
            category: Some("beneficiary".into()),
            day: Some(2),
            attended: Some(true),
            limit: Some(500),
            ..Default::default()
        });
        assert!(both
            .people
            .iter()
            .all(|p| p.person.category == "beneficiary" && p.days.contains(&2)));
        // Bad filters are refused in Arabic.
        for bad in [
            Filter {
                sort: Some("x".into()),
                ..Default::default()
            },
            Filter {
                needs: Some("x".into()),
                ..Default::default()
            },
            Filter {
                day: Some(1),
                ..Default::default()
            },
            Filter {
                day: Some(0),
                attended: Some(true),
                ..Default::default()
            },
        ] {
            assert!(list(&conn, forum, &bad).is_err(), "{bad:?}");
        }
    }
}
