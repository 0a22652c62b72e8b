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
    /// Where its word ids are in `ForumWords::flat`, and how many.
    start: u32,
    len: u32,
    /// The whole normalised name, for ties.
    key: Box<str>,
    alive: bool,
}

/// Every distinct word gets a number; a name is the numbers of its words, side by side in one
/// array (a candidate is checked without chasing pointers).
#[derive(Default)]
struct ForumWords {
    /// The last change applied.
    seq: i64,
    entries: Vec<Entry>,
    by_id: HashMap<i64, u32>,
    /// Word → its number.
    dict: BTreeMap<Box<str>, u32>,
    /// By word number: the entries with that word, in [`list_order`].
    lists: Vec<Vec<u32>>,
    flat: Vec<u32>,
    dead: usize,
    /// Per entry: the query that last saw it (to take each candidate once).
    seen: Vec<u32>,
    query: u32,
}

/// The order of a word's list: fewer words first, then by name (the ranking of a one-word
/// query), so its best matches are at the front.
fn list_order(entries: &[Entry], a: u32, b: u32) -> std::cmp::Ordering {
    let (x, y) = (&entries[a as usize], &entries[b as usize]);
    (x.len, &x.key, a).cmp(&(y.len, &y.key, b))
}

impl ForumWords {
    /// Adds (or replaces) a person; `in_order`: put it at its place in each word's list (a
    /// build sorts all lists once at the end instead).
    fn add(&mut self, id: i64, name_key: &str, in_order: bool) {
        if let Some(old) = self.by_id.remove(&id) {
            self.entries[old as usize].alive = false;
            self.dead += 1;
        }
        let idx = self.entries.len() as u32;
        let start = self.flat.len() as u32;
        let words = text::match_words(name_key);
        for w in &words {
            let next = self.lists.len() as u32;
            let n = *self.dict.entry(w.as_str().into()).or_insert(next);
            if n == next {
                self.lists.push(Vec::new());
            }
            self.flat.push(n);
        }
        self.entries.push(Entry {
            id,
            start,
            len: words.len() as u32,
            key: name_key.into(),
            alive: true,
        });
        self.seen.push(0);
        self.by_id.insert(id, idx);
        let ForumWords {
            entries,
            lists,
            flat,
            ..
        } = self;
        let mine = &flat[start as usize..];
        for (k, &n) in mine.iter().enumerate() {
            if mine[..k].contains(&n) {
                continue; // a word twice in one name: listed once
            }
            let list = &mut lists[n as usize];
            if in_order {
                let at = list.partition_point(|&o| list_order(entries, o, idx).is_lt());
                list.insert(at, idx);
            } else {
                list.push(idx);
            }
        }
    }

    fn remove(&mut self, id: i64) {
        if let Some(old) = self.by_id.remove(&id) {
            self.entries[old as usize].alive = false;
            self.dead += 1;
        }
    }

    /// The numbers of the words starting with `prefix`, as a bit set, and how many names
    /// have one.
    fn starting_with(&self, prefix: &str) -> (Vec<u64>, Vec<u32>, usize) {
        let mut bits = vec![0u64; self.lists.len().div_ceil(64)];
        let mut numbers = Vec::new();
        let mut names = 0;
        let from = (
            std::ops::Bound::Included(prefix),
            std::ops::Bound::Unbounded::<&str>,
        );
        for (_, &n) in self
            .dict
            .range::<str, _>(from)
            .take_while(|(w, _)| w.starts_with(prefix))
        {
            bits[n as usize / 64] |= 1 << (n % 64);
            numbers.push(n);
            names += self.lists[n as usize].len();
        }
        (bits, numbers, names)
    }
}

fn has(bits: &[u64], n: u32) -> bool {
    bits[n as usize / 64] & (1 << (n % 64)) != 0
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

/// How a name's words answer the query's: `starts[i]` is the bit set of the words that query
/// word `i` starts, `exact[i]` the number of the word equal to it (if any).
fn rank(name: &[u32], starts: &[Vec<u64>], exact: &[Option<u32>]) -> Option<(u8, usize)> {
    let extra = name.len().saturating_sub(starts.len());
    if name.len() == exact.len() && name.iter().zip(exact).all(|(n, e)| Some(*n) == *e) {
        return Some((0, 0));
    }
    // In order: each query word matches a later name word than the one before.
    let mut at = 0;
    let in_order = starts
        .iter()
        .all(|bits| match name[at..].iter().position(|&n| has(bits, n)) {
            Some(i) => {
                at += i + 1;
                true
            }
            None => false,
        });
    if in_order {
        return Some((1, extra));
    }
    starts
        .iter()
        .all(|bits| name.iter().any(|&n| has(bits, n)))
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
        f.add(id, &key, false);
    }
    let ForumWords { entries, lists, .. } = &mut f;
    for list in lists.iter_mut() {
        list.sort_unstable_by(|&a, &b| list_order(entries, a, b));
    }
    Ok(f)
}

impl NameIndex {
    /// Forgets every forum's words (the database was replaced by a restore); the next search
    /// builds them again.
    pub fn clear(&self) {
        self.forums
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }

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
                // Behind the index: the database was replaced under it (a restore).
                now < f.seq
                    || first.is_some_and(|first| first > f.seq + 1)
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
                        (Some(fid), Some(key)) if fid == forum_id => f.add(id, &key, true),
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
        let sets: Vec<(Vec<u64>, Vec<u32>, usize)> =
            query.iter().map(|w| f.starting_with(w)).collect();
        let exact: Vec<Option<u32>> = query
            .iter()
            .map(|w| f.dict.get(w.as_str()).copied())
            .collect();
        // Drive from the query word that the fewest names have a word starting with.
        let Some(drive) = (0..sets.len()).min_by_key(|&i| sets[i].2) else {
            return Ok(Matches::default());
        };
        f.query = f.query.wrapping_add(1).max(1);
        let stamp = f.query;
        let mut found: Vec<(u8, usize, u32)> = Vec::new();
        let lists: Vec<&Vec<u32>> = sets[drive]
            .1
            .iter()
            .map(|&n| &f.lists[n as usize])
            .collect();
        let entries = &f.entries;
        let mut seen = std::mem::take(&mut f.seen);
        let words_of = |idx: u32| {
            let e = &entries[idx as usize];
            &f.flat[e.start as usize..(e.start + e.len) as usize]
        };
        if query.len() == 1 {
            // One word: every list is in ranking order already; merge them and stop after
            // the best `limit` (and one more, to know there are more).
            use std::cmp::Reverse;
            let head = |li: usize, pos: usize| {
                lists[li].get(pos).map(|&idx| {
                    let e = &entries[idx as usize];
                    Reverse((e.len, &*e.key, idx, li, pos))
                })
            };
            let mut heap: std::collections::BinaryHeap<_> =
                (0..lists.len()).filter_map(|li| head(li, 0)).collect();
            let mut more = false;
            while let Some(Reverse((n, _, idx, li, pos))) = heap.pop() {
                if let Some(next) = head(li, pos + 1) {
                    heap.push(next);
                }
                let i = idx as usize;
                if seen[i] == stamp || !entries[i].alive {
                    continue;
                }
                seen[i] = stamp;
                if found.len() == limit {
                    more = true;
                    break;
                }
                let is_exact = n == 1 && Some(words_of(idx)[0]) == exact[0];
                found.push((u8::from(!is_exact), (n as usize).saturating_sub(1), idx));
            }
            found.sort_by(|a, b| {
                (a.0, a.1)
                    .cmp(&(b.0, b.1))
                    .then_with(|| entries[a.2 as usize].key.cmp(&entries[b.2 as usize].key))
            });
            let ranked = found
                .into_iter()
                .map(|(tier, extra, idx)| Ranked {
                    id: entries[idx as usize].id,
                    tier,
                    extra,
                })
                .collect();
            f.seen = seen;
            return Ok(Matches { ranked, more });
        }
        let starts: Vec<Vec<u64>> = sets.into_iter().map(|(bits, _, _)| bits).collect();
        for list in lists {
            for &idx in list {
                let i = idx as usize;
                if seen[i] == stamp || !entries[i].alive {
                    continue;
                }
                seen[i] = stamp;
                if let Some((tier, extra)) = rank(words_of(idx), &starts, &exact) {
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
        f.seen = seen;
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
    // The log's span by its keys (both ends are index look-ups, unlike a count).
    let first: i64 = conn
        .query_row("SELECT min(seq) FROM person_change", [], |r| {
            r.get::<_, Option<i64>>(0)
        })?
        .unwrap_or(last);
    if last - first > 2 * KEEP_CHANGES {
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

    /// How the name ranks for the query, through an index of the one name.
    fn rank_of(name: &str, q: &str) -> Option<(u8, usize)> {
        let mut f = ForumWords::default();
        f.add(1, &text::search_key(name), true);
        let query = query_words(q);
        let starts: Vec<Vec<u64>> = query.iter().map(|w| f.starting_with(w).0).collect();
        let exact: Vec<Option<u32>> = query
            .iter()
            .map(|w| f.dict.get(w.as_str()).copied())
            .collect();
        rank(&f.flat, &starts, &exact)
    }

    #[test]
    fn ranks_exact_then_in_order_then_any_order() {
        let q = "خالد العتيبي";
        assert_eq!(rank_of("خالد العتيبي", q), Some((0, 0)));
        assert_eq!(rank_of("خالد بن محمد العتيبي", q), Some((1, 2)));
        assert_eq!(rank_of("العتيبي خالد", q), Some((2, 0)));
        assert_eq!(rank_of("خالد محمد الشهري", q), None);
        assert_eq!(rank_of("سارة علي حسن الشهري", "سارة الشه"), Some((1, 2)));
        assert_eq!(query_words("سارة ال"), ["ساره"]);
    }
}
