//! The words of every registered name, in memory per forum, for the name search: each query
//! word must be the start of some word of the name ([`crate::text::match_words`]: compounds
//! joined, the article optional), in any order.
//!
//! Invariant: the index never misses a change. Triggers log every insert, rename and delete of
//! a person in `person_change`; before each search the index applies the changes logged since
//! it was built (or rebuilds itself when it fell behind the log's pruning), so registrations
//! made by another connection or process are found at once.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;
use crate::text;

/// How many changes are applied one by one before a rebuild is cheaper.
const REBUILD_AFTER: usize = 20_000;
/// The change log is pruned to this many rows once it holds twice as many.
const KEEP_CHANGES: i64 = 100_000;

struct Entry {
    id: i64,
    words: Vec<Box<str>>,
    /// The whole normalised name, for ties.
    key: Box<str>,
    alive: bool,
}

#[derive(Default)]
struct ForumWords {
    /// The last change applied.
    seq: i64,
    entries: Vec<Entry>,
    by_id: HashMap<i64, u32>,
    words: BTreeMap<Box<str>, Vec<u32>>,
    dead: usize,
    /// Per entry: the query that last saw it (to take each candidate once).
    seen: Vec<u32>,
    query: u32,
}

impl ForumWords {
    fn add(&mut self, id: i64, name_key: &str) {
        if let Some(old) = self.by_id.remove(&id) {
            self.entries[old as usize].alive = false;
            self.dead += 1;
        }
        let idx = self.entries.len() as u32;
        let words: Vec<Box<str>> = text::match_words(name_key)
            .into_iter()
            .map(String::into_boxed_str)
            .collect();
        for w in &words {
            let list = self.words.entry(w.clone()).or_default();
            if list.last() != Some(&idx) {
                list.push(idx);
            }
        }
        self.entries.push(Entry {
            id,
            words,
            key: name_key.into(),
            alive: true,
        });
        self.seen.push(0);
        self.by_id.insert(id, idx);
    }

    fn remove(&mut self, id: i64) {
        if let Some(old) = self.by_id.remove(&id) {
            self.entries[old as usize].alive = false;
            self.dead += 1;
        }
    }
}

/// One match, ranked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranked {
    pub id: i64,
    /// 0: the exact full name; 1: the query's words in the name's order; 2: in any order.
    pub tier: u8,
    /// Words of the name beyond the query's.
    pub extra: usize,
}

/// The matches of a name query: the best `limit`, and whether there were more.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Matches {
    pub ranked: Vec<Ranked>,
    pub more: bool,
}

/// The query's words to match: the last word may be an article still being typed («سارة ال»).
pub fn query_words(q: &str) -> Vec<String> {
    let mut words = text::match_words(&text::search_key(q));
    if words
        .last()
        .is_some_and(|w| matches!(w.as_str(), "ا" | "ال"))
    {
        words.pop();
    }
    words
}

/// How a name's words answer the query's (each query word the start of a name word).
fn rank(name: &[Box<str>], query: &[String]) -> Option<(u8, usize)> {
    let extra = name.len().saturating_sub(query.len());
    if name.len() == query.len() && name.iter().zip(query).all(|(n, q)| **n == **q) {
        return Some((0, 0));
    }
    // In order: each query word matches a later name word than the one before.
    let mut at = 0;
    let in_order =
        query.iter().all(
            |q| match name[at..].iter().position(|n| n.starts_with(q.as_str())) {
                Some(i) => {
                    at += i + 1;
                    true
                }
                None => false,
            },
        );
    if in_order {
        return Some((1, extra));
    }
    query
        .iter()
        .all(|q| name.iter().any(|n| n.starts_with(q.as_str())))
        .then_some((2, extra))
}

/// The in-memory word index of every forum searched so far.
#[derive(Default)]
pub struct NameIndex {
    forums: Mutex<HashMap<i64, ForumWords>>,
}

fn last_seq(conn: &Connection) -> Result<i64> {
    Ok(conn
        .query_row(
            "SELECT seq FROM sqlite_sequence WHERE name = 'person_change'",
            [],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0))
}

fn build(conn: &Connection, forum_id: i64) -> Result<ForumWords> {
    let mut f = ForumWords {
        seq: last_seq(conn)?,
        ..Default::default()
    };
    let mut stmt =
        conn.prepare_cached("SELECT id, name_key FROM person WHERE forum_id = ?1 ORDER BY id")?;
    let mut rows = stmt.query([forum_id])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let key: String = r.get(1)?;
        f.add(id, &key);
    }
    Ok(f)
}

impl NameIndex {
    /// Brings the forum's words up to date with the database (see the module's invariant).
    fn refresh<'a>(
        &self,
        conn: &Connection,
        forums: &'a mut HashMap<i64, ForumWords>,
        forum_id: i64,
    ) -> Result<&'a mut ForumWords> {
        let now = last_seq(conn)?;
        let stale = match forums.get(&forum_id) {
            None => true,
            Some(f) if f.seq == now => false,
            Some(f) => {
                let first: Option<i64> =
                    conn.query_row("SELECT min(seq) FROM person_change", [], |r| r.get(0))?;
                let behind = now - f.seq;
                first.is_some_and(|first| first > f.seq + 1)
                    || behind > REBUILD_AFTER as i64
                    || f.dead > f.entries.len() / 4 + 1000
            }
        };
        if stale {
            forums.insert(forum_id, build(conn, forum_id)?);
        } else if let Some(f) = forums.get_mut(&forum_id) {
            if f.seq < now {
                let mut stmt = conn.prepare_cached(
                    "SELECT c.seq, c.person_id, p.forum_id, p.name_key FROM person_change c
                       LEFT JOIN person p ON p.id = c.person_id
                      WHERE c.seq > ?1 ORDER BY c.seq",
                )?;
                let mut rows = stmt.query([f.seq])?;
                while let Some(r) = rows.next()? {
                    let seq: i64 = r.get(0)?;
                    let id: i64 = r.get(1)?;
                    match (r.get::<_, Option<i64>>(2)?, r.get::<_, Option<String>>(3)?) {
                        (Some(fid), Some(key)) if fid == forum_id => f.add(id, &key),
                        _ => f.remove(id),
                    }
                    f.seq = f.seq.max(seq);
                }
                f.seq = f.seq.max(now);
            }
        }
        forums
            .get_mut(&forum_id)
            .ok_or_else(|| crate::error::AppError::Internal("فهرس الأسماء غير متاح".into()))
    }

    /// The people of the forum whose names answer `query` (see [`query_words`]), best first:
    /// the exact name, then the words in order, then any order; fewer extra words first; then
    /// by name.
    pub fn find(
        &self,
        conn: &Connection,
        forum_id: i64,
        query: &[String],
        limit: usize,
    ) -> Result<Matches> {
        if query.is_empty() {
            return Ok(Matches::default());
        }
        let mut forums = self.forums.lock().unwrap_or_else(|p| p.into_inner());
        let f = self.refresh(conn, &mut forums, forum_id)?;
        // Drive from the longest word (the fewest names start a word with it).
        let drive = query
            .iter()
            .max_by_key(|w| w.chars().count())
            .map(String::as_str)
            .unwrap_or_default();
        f.query = f.query.wrapping_add(1).max(1);
        let stamp = f.query;
        let mut found: Vec<(u8, usize, u32)> = Vec::new();
        let ForumWords {
            words,
            entries,
            seen,
            ..
        } = f;
        let from = (
            std::ops::Bound::Included(drive),
            std::ops::Bound::Unbounded::<&str>,
        );
        for (_, list) in words
            .range::<str, _>(from)
            .take_while(|(w, _)| w.starts_with(drive))
        {
            for &idx in list {
                let i = idx as usize;
                if seen[i] == stamp || !entries[i].alive {
                    continue;
                }
                seen[i] = stamp;
                if let Some((tier, extra)) = rank(&entries[i].words, query) {
                    found.push((tier, extra, idx));
                }
            }
        }
        let more = found.len() > limit;
        let order = |a: &(u8, usize, u32), b: &(u8, usize, u32)| {
            (a.0, a.1)
                .cmp(&(b.0, b.1))
                .then_with(|| entries[a.2 as usize].key.cmp(&entries[b.2 as usize].key))
        };
        if found.len() > limit && limit > 0 {
            found.select_nth_unstable_by(limit - 1, order);
            found.truncate(limit);
        }
        found.sort_unstable_by(order);
        Ok(Matches {
            ranked: found
                .into_iter()
                .map(|(tier, extra, idx)| Ranked {
                    id: entries[idx as usize].id,
                    tier,
                    extra,
                })
                .collect(),
            more,
        })
    }
}

/// Keeps the change log short: called after imports (a rebuild covers what is pruned).
pub fn prune_changes(conn: &Connection) -> Result<()> {
    let last = last_seq(conn)?;
    let count: i64 = conn.query_row("SELECT count(*) FROM person_change", [], |r| r.get(0))?;
    if count > 2 * KEEP_CHANGES {
        conn.execute(
            "DELETE FROM person_change WHERE seq <= ?1",
            params![last - KEEP_CHANGES],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<Box<str>> {
        text::match_words(&text::search_key(s))
            .into_iter()
            .map(String::into_boxed_str)
            .collect()
    }

    #[test]
    fn ranks_exact_then_in_order_then_any_order() {
        let q = query_words("خالد العتيبي");
        assert_eq!(rank(&words("خالد العتيبي"), &q), Some((0, 0)));
        assert_eq!(rank(&words("خالد بن محمد العتيبي"), &q), Some((1, 2)));
        assert_eq!(rank(&words("العتيبي خالد"), &q), Some((2, 0)));
        assert_eq!(rank(&words("خالد محمد الشهري"), &q), None);
        assert_eq!(
            rank(&words("سارة علي حسن الشهري"), &query_words("سارة الشه")),
            Some((1, 2))
        );
        assert_eq!(query_words("سارة ال"), ["ساره"]);
    }
}
