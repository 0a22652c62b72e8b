//! The three tracks (المسارات): training courses, jobs and entrepreneurial support. Each track's
//! states and allowed moves are one table ([`TRACKS`]); every state sits on a common funnel
//! (referred → accepted → engaged → placed → sustained) so the tracks can be compared.
//!
//! Invariants: a move not in its track's table is refused with an Arabic message; a negative end
//! always carries a reason; whether a state holds a seat or vacancy (`placed`) comes from the
//! table alone, and the database refuses a placement past the opportunity's capacity.

pub mod booth;
pub mod follow_up;
pub mod import;
pub mod opportunity;
pub mod outcomes;
pub mod referral;
pub mod report;

/// One state of a track.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stage {
    pub state: &'static str,
    pub label: &'static str,
    /// Its step on the common funnel: 1 referred, 2 accepted, 3 engaged, 4 placed, 5 sustained;
    /// 0 for a negative end.
    pub funnel: u8,
    /// Holds one of the opportunity's seats or vacancies.
    pub holds_place: bool,
}

pub struct Track {
    pub code: &'static str,
    pub label: &'static str,
    pub stages: &'static [Stage],
    /// Allowed moves, from → to.
    pub moves: &'static [(&'static str, &'static str)],
}

const fn st(state: &'static str, label: &'static str, funnel: u8, holds_place: bool) -> Stage {
    Stage {
        state,
        label,
        funnel,
        holds_place,
    }
}

pub const TRACKS: &[Track] = &[
    Track {
        code: "training",
        label: "دورات تدريبية",
        stages: &[
            st("referred", "أُحيل", 1, false),
            st("accepted", "قُبل في الدورة", 2, false),
            st("enrolled", "التحق بالدورة", 3, true),
            st("completed", "أتم الدورة", 4, true),
            st("declined", "لم يُقبل أو اعتذر", 0, false),
            st("dropped_out", "انقطع عن الدورة", 0, false),
        ],
        moves: &[
            ("referred", "accepted"),
            ("referred", "declined"),
            ("accepted", "enrolled"),
            ("accepted", "declined"),
            ("enrolled", "completed"),
            ("enrolled", "dropped_out"),
        ],
    },
    Track {
        code: "job",
        label: "فرص وظيفية",
        stages: &[
            st("referred", "أُحيل", 1, false),
            st("interview", "قُبل للمقابلة", 2, false),
            st("interviewed", "أجرى المقابلة", 3, false),
            st("hired", "وُظّف", 4, true),
            st("employed_90", "على رأس العمل بعد 90 يومًا", 5, true),
            st("employed_180", "على رأس العمل بعد 180 يومًا", 5, true),
            st("declined", "لم يُقبل للمقابلة أو اعتذر", 0, false),
            st("not_hired", "لم يُوظّف", 0, false),
            st("left", "ترك العمل", 0, false),
        ],
        moves: &[
            ("referred", "interview"),
            ("referred", "declined"),
            ("interview", "interviewed"),
            ("interview", "declined"),
            ("interviewed", "hired"),
            ("interviewed", "not_hired"),
            ("hired", "employed_90"),
            ("hired", "left"),
            ("employed_90", "employed_180"),
            ("employed_90", "left"),
            ("employed_180", "left"),
        ],
    },
    Track {
        code: "support",
        label: "دعم ريادي",
        stages: &[
            st("referred", "أُحيل", 1, false),
            st("applied", "قدّم طلبه", 2, false),
            st("approved", "اعتُمد طلبه", 3, false),
            st("funded", "مُوّل", 4, true),
            st("running_180", "مشروعه قائم بعد 180 يومًا", 5, true),
            st("declined", "لم يتقدم أو اعتذر", 0, false),
            st("refused", "رُفض طلبه", 0, false),
            st("stopped", "توقف مشروعه", 0, false),
        ],
        moves: &[
            ("referred", "applied"),
            ("referred", "declined"),
            ("applied", "approved"),
            ("applied", "refused"),
            ("approved", "funded"),
            ("approved", "refused"),
            ("funded", "running_180"),
            ("funded", "stopped"),
            ("running_180", "stopped"),
        ],
    },
];

/// The reasons a negative end may carry.
pub const REASONS: &[(&str, &str)] = &[
    ("no_show", "لم يحضر"),
    ("not_eligible", "غير مستوفٍ للشروط"),
    ("declined_by_person", "اعتذر الشخص"),
    ("no_capacity", "لا توجد مقاعد أو شواغر"),
    ("other", "سبب آخر"),
];

/// How an outcome was verified.
pub const VERIFIED_BY: &[(&str, &str)] = &[
    ("entity", "الجهة الممكنة"),
    ("document", "مستند"),
    ("phone", "اتصال هاتفي"),
    ("self_report", "إفادة الشخص"),
];

/// The common funnel's steps, for comparing the tracks.
pub const FUNNEL: &[(u8, &str)] = &[
    (1, "أُحيل"),
    (2, "قُبل"),
    (3, "التحق"),
    (4, "تمكّن"),
    (5, "استمر"),
];

pub fn track(code: &str) -> Option<&'static Track> {
    TRACKS.iter().find(|t| t.code == code)
}

impl Track {
    pub fn stage(&self, state: &str) -> Option<&'static Stage> {
        self.stages.iter().find(|s| s.state == state)
    }

    pub fn allows(&self, from: &str, to: &str) -> bool {
        self.moves.iter().any(|(f, t)| *f == from && *t == to)
    }

    /// Where a referral may go from `state`.
    pub fn next(&self, state: &str) -> Vec<&'static Stage> {
        self.moves
            .iter()
            .filter(|(f, _)| *f == state)
            .filter_map(|(_, t)| self.stage(t))
            .collect()
    }
}

/// Shared by the tracks' tests: a job of the forum's first entity, and a person hired in it.
#[cfg(test)]
pub(crate) mod testing {
    use rusqlite::Connection;

    use super::opportunity::{self, OpportunityInput};
    use super::referral::{self, MoveInput, ReferInput, Referral};

    pub(crate) fn job(conn: &mut Connection, forum: i64, title: &str, vacancies: u32) -> i64 {
        let entity = crate::entity::list(conn, forum).unwrap()[0].id;
        opportunity::create(
            conn,
            forum,
            &OpportunityInput {
                entity_id: Some(entity),
                track: "job".into(),
                title: title.into(),
                capacity: vacancies.to_string(),
                ..Default::default()
            },
        )
        .unwrap()
        .id
    }

    /// A course of `hours` hours that gives a certificate or not.
    pub(crate) fn course(
        conn: &mut Connection,
        forum: i64,
        title: &str,
        hours: u32,
        certificate: bool,
    ) -> i64 {
        let entity = crate::entity::list(conn, forum).unwrap()[0].id;
        opportunity::create(
            conn,
            forum,
            &OpportunityInput {
                entity_id: Some(entity),
                track: "training".into(),
                title: title.into(),
                accreditor: "المؤسسة العامة للتدريب التقني والمهني".into(),
                hours: hours.to_string(),
                capacity: "30".into(),
                certificate,
                ..Default::default()
            },
        )
        .unwrap()
        .id
    }

    /// Refers the person to the job and walks them to «hired».
    pub(crate) fn hire(conn: &mut Connection, forum: i64, job: i64, person: i64) -> Referral {
        walk(
            conn,
            forum,
            job,
            person,
            &["interview", "interviewed", "hired"],
        )
    }

    /// Refers the person to the course and walks them to «completed».
    pub(crate) fn complete(
        conn: &mut Connection,
        forum: i64,
        course: i64,
        person: i64,
    ) -> Referral {
        walk(
            conn,
            forum,
            course,
            person,
            &["accepted", "enrolled", "completed"],
        )
    }

    fn walk(
        conn: &mut Connection,
        forum: i64,
        opportunity: i64,
        person: i64,
        states: &[&str],
    ) -> Referral {
        let r = referral::refer(
            conn,
            &ReferInput {
                forum_id: forum,
                person_id: Some(person),
                opportunity_ids: vec![opportunity],
                ..Default::default()
            },
        )
        .unwrap()
        .remove(0)
        .referral;
        for to in states {
            referral::move_to(
                conn,
                &MoveInput {
                    id: r.id,
                    to: (*to).into(),
                    ..Default::default()
                },
            )
            .unwrap();
        }
        referral::get(conn, r.id).unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_move_is_between_states_of_its_track_and_every_state_is_reachable() {
        for t in TRACKS {
            for (from, to) in t.moves {
                assert!(
                    t.stage(from).is_some() && t.stage(to).is_some(),
                    "{}: {from} → {to}",
                    t.code
                );
            }
            for s in t.stages.iter().filter(|s| s.state != "referred") {
                assert!(
                    t.moves.iter().any(|(_, to)| *to == s.state),
                    "{} cannot be reached in {}",
                    s.state,
                    t.code
                );
            }
            // A placement is on the funnel's fourth step or beyond.
            assert!(t.stages.iter().any(|s| s.funnel == 4 && s.holds_place));
        }
        assert!(track("job").unwrap().allows("interviewed", "hired"));
        assert!(!track("job").unwrap().allows("referred", "hired"));
        assert!(track("nope").is_none());
    }
}
