//! The families-empowered report (تقرير التمكين): how many families the forum empowered, under
//! an explicit, versioned definition that the report carries, with each track's funnel and the
//! reconciliation that explains why the tracks add up to more than the total.
//!
//! Invariant: "empowered" is decided in one place ([`empowering`]) from the track table's
//! states; a family is its social-security file number, or the person alone without one.

pub mod print;

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::Connection;
use serde::Serialize;

use super::{track, FUNNEL, TRACKS};
use crate::error::Result;

/// The definition a report uses; a changed rule gets a new version.
#[derive(Debug, Clone, Serialize)]
pub struct Definition {
    pub version: u32,
    pub require_90_days: bool,
    pub text: String,
}

impl Definition {
    pub fn new(require_90_days: bool) -> Definition {
        let mut text = "تُعدّ الأسرة ممكَّنة مرة واحدة متى بلغ أحد أفرادها: التوظيف، أو إتمام دورة معتمدة، أو تمويل مشروعه".to_string();
        if require_90_days {
            text.push_str(
                "، بشرط أن يبقى كذلك عند متابعة التسعين يومًا (على رأس العمل أو مشروعه قائم)",
            );
        }
        text.push_str(". الأسرة هي رقم ملف الضمان الاجتماعي، ومن لا رقم ملف له أسرة وحده.");
        Definition {
            version: 1,
            require_90_days,
            text,
        }
    }
}

/// Does a referral in `state` of `track_code` empower its person (see [`Definition`])?
/// `accredited`: the course has an accrediting body; `held_90`: its 90-day follow-up found it
/// still so.
fn empowering(
    d: &Definition,
    track_code: &str,
    state: &str,
    accredited: bool,
    held_90: bool,
) -> bool {
    match (track_code, state) {
        ("job", "hired") => !d.require_90_days || held_90,
        ("job", "employed_90" | "employed_180") => true,
        ("training", "completed") => accredited,
        ("support", "funded") => !d.require_90_days || held_90,
        ("support", "running_180") => true,
        _ => false,
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Stage {
    pub step: u8,
    pub label: &'static str,
    /// Referrals that reached this step (at any time).
    pub count: usize,
    /// Of those that reached the step before.
    pub conversion: Option<f64>,
    /// Median days from the step before.
    pub median_days: Option<f64>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TrackFigures {
    pub track: &'static str,
    pub label: &'static str,
    pub referrals: usize,
    pub people_referred: usize,
    pub people_empowered: usize,
    pub funnel: Vec<Stage>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Group {
    pub key: String,
    pub people_referred: usize,
    pub people_empowered: usize,
    pub families_empowered: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Reconciliation {
    /// People empowered per track; a person may count in more than one.
    pub per_track: BTreeMap<&'static str, usize>,
    pub sum_of_tracks: usize,
    pub people_in_more_than_one_track: usize,
    pub unique_people: usize,
    pub unique_families: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Impact {
    pub forum_id: i64,
    pub definition: Definition,
    pub families_empowered: usize,
    pub people_empowered: usize,
    pub people_referred: usize,
    pub by_track: Vec<TrackFigures>,
    pub reconciliation: Reconciliation,
    pub by_office: Vec<Group>,
    pub by_entity: Vec<Group>,
    pub by_gender: Vec<Group>,
    pub by_disability: Vec<Group>,
    pub by_day: Vec<Group>,
}

struct Row {
    referral: i64,
    person: i64,
    track: &'static str,
    state: String,
    accredited: bool,
    family: String,
    office: String,
    entity: String,
    gender: String,
    disability: bool,
    day: String,
}

/// People referred, people empowered and families empowered, in one group.
type Tally<'a> = (HashSet<i64>, HashSet<i64>, HashSet<&'a str>);

fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

fn days_between(a: &str, b: &str) -> Option<f64> {
    let p = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|t| t.timestamp())
    };
    Some((p(b)? - p(a)?) as f64 / 86_400.0)
}

pub fn impact(conn: &Connection, forum_id: i64, require_90_days: bool) -> Result<Impact> {
    let forum = crate::forum::get(conn, forum_id)?;
    let definition = Definition::new(require_90_days);
    let day_of = |at: &str| -> String {
        chrono::DateTime::parse_from_rfc3339(at)
            .ok()
            .map(|t| {
                t.with_timezone(&crate::checkin::venue_offset())
                    .date_naive()
            })
            .and_then(|d| crate::forum::day_number(&forum, d))
            .map(|n| format!("اليوم {n}"))
            .unwrap_or_else(|| "خارج أيام الملتقى".into())
    };
    let mut rows: Vec<Row> = Vec::new();
    {
        let mut stmt = conn.prepare(
            "SELECT r.id, r.person_id, o.track, r.state, o.accreditor <> '', p.ss_file,
                    coalesce(f.name_ar, 'دون مكتب'), e.name_ar, coalesce(p.gender, ''),
                    p.category = 'disability' OR p.needs_wheelchair OR p.needs_sign, r.scanned_at
               FROM referral r JOIN opportunity o ON o.id = r.opportunity_id
               JOIN entity e ON e.id = o.entity_id JOIN person p ON p.id = r.person_id
               LEFT JOIN office f ON f.id = p.office_id
              WHERE r.forum_id = ?1",
        )?;
        let mut q = stmt.query([forum_id])?;
        while let Some(r) = q.next()? {
            let person: i64 = r.get(1)?;
            let track_code: String = r.get(2)?;
            let Some(t) = track(&track_code) else {
                continue;
            };
            let file: Option<String> = r.get(5)?;
            let at: String = r.get(10)?;
            rows.push(Row {
                referral: r.get(0)?,
                person,
                track: t.code,
                state: r.get(3)?,
                accredited: r.get(4)?,
                family: file.map_or_else(|| format!("person:{person}"), |f| format!("file:{f}")),
                office: r.get(6)?,
                entity: r.get(7)?,
                gender: match r.get::<_, String>(8)?.as_str() {
                    "m" => "ذكور".into(),
                    "f" => "إناث".into(),
                    _ => "غير محدد".into(),
                },
                disability: r.get(9)?,
                day: day_of(&at),
            });
        }
    }
    // The 90-day follow-ups that found a placement still held.
    let held: HashSet<i64> = {
        let mut stmt = conn.prepare(
            "SELECT f.referral_id FROM follow_up f JOIN referral r ON r.id = f.referral_id
              WHERE r.forum_id = ?1 AND f.days = 90 AND f.result = 'continuing'",
        )?;
        let ids = stmt.query_map([forum_id], |r| r.get(0))?;
        ids.collect::<rusqlite::Result<_>>()?
    };
    // Every step each referral reached, with when it first got there.
    let mut reached: HashMap<i64, BTreeMap<u8, String>> = HashMap::new();
    {
        let track_of: HashMap<i64, &'static str> =
            rows.iter().map(|r| (r.referral, r.track)).collect();
        let mut stmt = conn.prepare(
            "SELECT v.referral_id, v.to_state, v.at FROM referral_event v JOIN referral r ON r.id = v.referral_id
              WHERE r.forum_id = ?1 ORDER BY v.id",
        )?;
        let mut q = stmt.query([forum_id])?;
        while let Some(r) = q.next()? {
            let id: i64 = r.get(0)?;
            let Some(t) = track_of.get(&id).and_then(|c| track(c)) else {
                continue;
            };
            // Borrowed from the row: only a step's first time is kept (and copied).
            let Some(stage) = t.stage(r.get_ref(1)?.as_str().unwrap_or_default()) else {
                continue;
            };
            if stage.funnel > 0 {
                if let std::collections::btree_map::Entry::Vacant(v) =
                    reached.entry(id).or_default().entry(stage.funnel)
                {
                    v.insert(r.get(2)?);
                }
            }
        }
    }

    let empowered_row = |r: &Row| {
        empowering(
            &definition,
            r.track,
            &r.state,
            r.accredited,
            held.contains(&r.referral),
        )
    };
    let mut by_track = Vec::new();
    let mut per_track = BTreeMap::new();
    let mut tracks_of_person: HashMap<i64, HashSet<&'static str>> = HashMap::new();
    for t in TRACKS {
        let mine: Vec<&Row> = rows.iter().filter(|r| r.track == t.code).collect();
        let people: HashSet<i64> = mine.iter().map(|r| r.person).collect();
        let empowered: HashSet<i64> = mine
            .iter()
            .filter(|r| empowered_row(r))
            .map(|r| r.person)
            .collect();
        for p in &empowered {
            tracks_of_person.entry(*p).or_default().insert(t.code);
        }
        per_track.insert(t.code, empowered.len());
        let mut funnel = Vec::new();
        let mut before: Option<usize> = None;
        for (step, label) in FUNNEL {
            // A track without this step (courses stop at «placed») is not shown past it.
            if !t.stages.iter().any(|s| s.funnel == *step) {
                continue;
            }
            let at_step: Vec<&BTreeMap<u8, String>> = mine
                .iter()
                .filter_map(|r| reached.get(&r.referral))
                .filter(|m| m.contains_key(step))
                .collect();
            let gaps: Vec<f64> = at_step
                .iter()
                .filter_map(|m| {
                    let prev = m.range(..*step).next_back()?.1;
                    days_between(prev, m.get(step)?)
                })
                .collect();
            let count = at_step.len();
            funnel.push(Stage {
                step: *step,
                label,
                count,
                conversion: before.filter(|b| *b > 0).map(|b| count as f64 / b as f64),
                median_days: if *step == 1 { None } else { median(gaps) },
            });
            before = Some(count);
        }
        by_track.push(TrackFigures {
            track: t.code,
            label: t.label,
            referrals: mine.len(),
            people_referred: people.len(),
            people_empowered: empowered.len(),
            funnel,
        });
    }
    let empowered_people: HashSet<i64> = tracks_of_person.keys().copied().collect();
    let family_of: HashMap<i64, &str> =
        rows.iter().map(|r| (r.person, r.family.as_str())).collect();
    let families: HashSet<&str> = empowered_people
        .iter()
        .filter_map(|p| family_of.get(p).copied())
        .collect();
    // Whether each row empowers, decided once for every grouping.
    let empowers: Vec<bool> = rows.iter().map(empowered_row).collect();
    let group = |key: &dyn for<'r> Fn(&'r Row) -> &'r str| -> Vec<Group> {
        let mut g: HashMap<&str, Tally> = HashMap::new();
        for (r, empowered) in rows.iter().zip(&empowers) {
            let e = g.entry(key(r)).or_default();
            e.0.insert(r.person);
            if *empowered {
                e.1.insert(r.person);
                e.2.insert(r.family.as_str());
            }
        }
        let mut out: Vec<Group> = g
            .into_iter()
            .map(|(key, (a, b, c))| Group {
                key: key.to_string(),
                people_referred: a.len(),
                people_empowered: b.len(),
                families_empowered: c.len(),
            })
            .collect();
        out.sort_by(|a, b| {
            b.families_empowered
                .cmp(&a.families_empowered)
                .then(a.key.cmp(&b.key))
        });
        out
    };
    let people_referred = rows.iter().map(|r| r.person).collect::<HashSet<_>>().len();
    // Days in their order (the day outside the forum's days last), not by size.
    let mut by_day = group(&|r| r.day.as_str());
    by_day.sort_by_key(|g| {
        g.key
            .strip_prefix("اليوم ")
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(u32::MAX)
    });
    Ok(Impact {
        forum_id,
        families_empowered: families.len(),
        people_empowered: empowered_people.len(),
        people_referred,
        reconciliation: Reconciliation {
            sum_of_tracks: per_track.values().sum(),
            per_track,
            people_in_more_than_one_track: tracks_of_person
                .values()
                .filter(|t| t.len() > 1)
                .count(),
            unique_people: empowered_people.len(),
            unique_families: families.len(),
        },
        by_track,
        by_office: group(&|r| r.office.as_str()),
        by_entity: group(&|r| r.entity.as_str()),
        by_gender: group(&|r| r.gender.as_str()),
        by_disability: group(&|r| {
            if r.disability {
                "ذوو الإعاقة"
            } else {
                "دون إعاقة"
            }
        }),
        by_day,
        definition,
    })
}

/// The report as an RTL .xlsx: the headline and definition, each track's funnel, the
/// reconciliation, and the breakdowns (numbers as numbers).
pub fn export_xlsx(r: &Impact) -> Result<Vec<u8>> {
    use crate::sheet::{write_xlsx_sheets, Cell, SheetData};
    let n = |v: usize| Cell::Number(v as f64);
    let t = |s: &str| Cell::Text(s.to_string());
    let opt = |v: Option<f64>| v.map_or(Cell::Empty, Cell::Number);
    let mut funnel = Vec::new();
    for tr in &r.by_track {
        for s in &tr.funnel {
            funnel.push(vec![
                t(tr.label),
                t(s.label),
                n(s.count),
                opt(s.conversion),
                opt(s.median_days),
            ]);
        }
    }
    let groups = |name: &str, head: &str, g: &[Group]| SheetData {
        name: name.to_string(),
        headers: [head, "المحالون", "الممكَّنون", "الأسر الممكَّنة"]
            .map(String::from)
            .to_vec(),
        rows: g
            .iter()
            .map(|x| {
                vec![
                    t(&x.key),
                    n(x.people_referred),
                    n(x.people_empowered),
                    n(x.families_empowered),
                ]
            })
            .collect(),
    };
    let rec = &r.reconciliation;
    let mut reconciliation: Vec<Vec<Cell>> = r
        .by_track
        .iter()
        .map(|tr| {
            vec![
                t(&format!("الممكَّنون في {}", tr.label)),
                n(tr.people_empowered),
            ]
        })
        .collect();
    reconciliation.push(vec![t("مجموع المسارات"), n(rec.sum_of_tracks)]);
    reconciliation.push(vec![
        t("أشخاص في أكثر من مسار"),
        n(rec.people_in_more_than_one_track),
    ]);
    reconciliation.push(vec![t("الأشخاص دون تكرار"), n(rec.unique_people)]);
    reconciliation.push(vec![t("الأسر دون تكرار"), n(rec.unique_families)]);
    write_xlsx_sheets(&[
        SheetData {
            name: "الخلاصة".into(),
            headers: ["البند", "القيمة"].map(String::from).to_vec(),
            rows: vec![
                vec![t("الأسر الممكَّنة"), n(r.families_empowered)],
                vec![t("الأشخاص الممكَّنون"), n(r.people_empowered)],
                vec![t("الأشخاص المحالون"), n(r.people_referred)],
                vec![t("تعريف التمكين"), t(&r.definition.text)],
                vec![t("إصدار التعريف"), n(r.definition.version as usize)],
            ],
        },
        SheetData {
            name: "مراحل المسارات".into(),
            headers: [
                "المسار",
                "المرحلة",
                "العدد",
                "نسبة التحويل",
                "الوسيط بالأيام",
            ]
            .map(String::from)
            .to_vec(),
            rows: funnel,
        },
        SheetData {
            name: "المطابقة".into(),
            headers: ["البند", "العدد"].map(String::from).to_vec(),
            rows: reconciliation,
        },
        groups("حسب المكتب", "مكتب الضمان", &r.by_office),
        groups("حسب الجهة", "الجهة", &r.by_entity),
        groups("حسب الجنس", "الجنس", &r.by_gender),
        groups("حسب الإعاقة", "الإعاقة", &r.by_disability),
        groups("حسب اليوم", "اليوم", &r.by_day),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_members_of_one_family_count_once_and_the_figures_add_up() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(&dir.path().join("m.sqlite3")).unwrap();
        let mut conn = store.conn();
        let forum = crate::demo::load(&mut conn).unwrap();
        let base = impact(&conn, forum, false).unwrap();
        let r = &base.reconciliation;
        assert_eq!(r.sum_of_tracks, r.per_track.values().sum::<usize>());
        assert!(
            r.sum_of_tracks >= r.unique_people,
            "a person may count in two tracks"
        );
        assert!(r.unique_people >= r.unique_families);
        assert_eq!(base.people_empowered, r.unique_people);
        assert_eq!(base.families_empowered, r.unique_families);
        assert!(base.families_empowered > 0);
        let offices: usize = base.by_office.iter().map(|g| g.people_empowered).sum();
        assert_eq!(offices, base.people_empowered, "each person has one office");
        for t in &base.by_track {
            let counts: Vec<usize> = t.funnel.iter().map(|s| s.count).collect();
            assert!(
                counts.windows(2).all(|w| w[0] >= w[1]),
                "{}: {counts:?}",
                t.track
            );
            assert_eq!(
                t.funnel[0].count, t.referrals,
                "every referral was referred"
            );
        }
        // Two new members of one family are hired: one more family, two more people.
        let job = super::super::testing::job(&mut conn, forum, "موظف مبيعات", 5);
        for (name, mobile) in [
            ("أمل سعيد المالكي", "0550001111"),
            ("سعيد محمد المالكي", "0550001112"),
        ] {
            let p = crate::person::create(
                &mut conn,
                forum,
                &crate::person::PersonInput {
                    full_name: name.into(),
                    mobile: mobile.into(),
                    category: "مستفيد".into(),
                    ss_file: "990011".into(),
                    ..Default::default()
                },
            )
            .unwrap();
            super::super::testing::hire(&mut conn, forum, job, p.id);
        }
        let after = impact(&conn, forum, false).unwrap();
        assert_eq!(after.people_empowered, base.people_empowered + 2);
        assert_eq!(after.families_empowered, base.families_empowered + 1);
        // Requiring the 90-day follow-up: a fresh hire no longer counts.
        let strict = impact(&conn, forum, true).unwrap();
        assert!(strict.people_empowered <= after.people_empowered - 2);
        assert!(strict.definition.text.contains("التسعين"));
        assert_eq!(strict.definition.version, 1);
    }
}
