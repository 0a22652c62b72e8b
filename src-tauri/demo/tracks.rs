//! The demo forum's three tracks: the entities' courses (~20), job openings (~40) and support
//! programmes (~10), ~600 referrals from the booths through every state of their tracks (with
//! reasons for the negative ends), contact-sharing consent for most visitors and families that
//! share a social-security file. Written through the same domain functions as the app.

use rusqlite::{params, Connection};

use crate::error::{AppError, Result};
use crate::name_generator::Rng;
use crate::track::opportunity::{self, OpportunityInput};
use crate::track::referral::{self, MoveInput, ReferInput};
use crate::track::{track, REASONS, VERIFIED_BY};

const COURSES: &[(&str, &str, u32)] = &[
    (
        "التسويق الإلكتروني للمشاريع المنزلية",
        "المؤسسة العامة للتدريب التقني والمهني",
        24,
    ),
    ("مهارات خدمة العملاء", "صندوق تنمية الموارد البشرية", 30),
    (
        "أساسيات المحاسبة للمشاريع الصغيرة",
        "الهيئة السعودية للمحاسبين",
        40,
    ),
    (
        "الخياطة والتفصيل",
        "المؤسسة العامة للتدريب التقني والمهني",
        60,
    ),
    (
        "فنون الطهي وسلامة الغذاء",
        "الهيئة العامة للغذاء والدواء",
        36,
    ),
    (
        "الحاسب الآلي والتطبيقات المكتبية",
        "المؤسسة العامة للتدريب التقني والمهني",
        45,
    ),
    ("التصوير والتصميم للمنتجات", "أكاديمية منشآت", 20),
    ("اللغة الإنجليزية لبيئة العمل", "معهد الإدارة العامة", 60),
    ("صيانة الجوالات", "المؤسسة العامة للتدريب التقني والمهني", 50),
    ("إدارة المشاريع الصغيرة", "أكاديمية منشآت", 30),
    (
        "مهارات المقابلة الوظيفية",
        "صندوق تنمية الموارد البشرية",
        12,
    ),
    ("التجارة الإلكترونية", "المركز الوطني للتعليم الإلكتروني", 24),
    (
        "صناعة العطور والبخور",
        "المؤسسة العامة للتدريب التقني والمهني",
        30,
    ),
    ("الإسعافات الأولية", "الهيئة السعودية للتخصصات الصحية", 16),
    (
        "قيادة المركبات المهنية",
        "المؤسسة العامة للتدريب التقني والمهني",
        40,
    ),
    (
        "تنسيق الحدائق والزراعة المنزلية",
        "وزارة البيئة والمياه والزراعة",
        20,
    ),
    ("الحرف اليدوية والتراثية", "هيئة التراث", 36),
    ("مبادئ التسويق عبر وسائل التواصل", "أكاديمية منشآت", 18),
    ("السلامة المهنية", "المؤسسة العامة للتأمينات الاجتماعية", 12),
    ("إعداد دراسة الجدوى", "بنك التنمية الاجتماعية", 20),
];

const JOBS: &[&str] = &[
    "موظف خدمة عملاء",
    "كاشير",
    "مندوب مبيعات",
    "أمين مستودع",
    "سكرتير تنفيذي",
    "مدخل بيانات",
    "موظف استقبال",
    "فني صيانة",
    "حارس أمن",
    "سائق توصيل",
    "مشرف مبيعات",
    "مساعد إداري",
    "موظف تسويق",
    "عامل إنتاج",
    "منسق فعاليات",
    "محاسب مبتدئ",
    "فني حاسب آلي",
    "مساعد صيدلي",
    "خياطة",
    "طاهٍ مساعد",
];

const SUPPORT: &[(&str, &str, &str, i64)] = &[
    ("قرض الأسر المنتجة", "loan", "بنك التنمية الاجتماعية", 50_000),
    (
        "تمويل المشاريع متناهية الصغر",
        "loan",
        "بنك التنمية الاجتماعية",
        100_000,
    ),
    ("منحة بدء المشروع", "grant", "جمعية البر الخيرية", 15_000),
    ("حاضنة المشاريع المنزلية", "incubation", "منشآت", 0),
    ("برنامج رواد الأعمال", "founder_training", "منشآت", 0),
    (
        "دعم عيني بمعدات الإنتاج",
        "in_kind",
        "جمعية التنمية الأهلية",
        20_000,
    ),
    (
        "تمويل الأسر الريفية",
        "loan",
        "صندوق التنمية الزراعية",
        80_000,
    ),
    (
        "منحة التسويق الإلكتروني",
        "grant",
        "الغرفة التجارية بجازان",
        10_000,
    ),
    ("حاضنة الحرف اليدوية", "incubation", "هيئة التراث", 0),
    ("دعم الكشك التجاري", "in_kind", "أمانة منطقة جازان", 25_000),
];

const CITIES: &[&str] = &["جازان", "صبيا", "أبو عريش", "صامطة", "بيش", "العارضة"];

/// Referrals put forward from the booths.
pub const DEMO_REFERRALS: usize = 600;

/// Entities (ids) that offer a track, by their service tags.
fn offering(conn: &Connection, forum_id: i64, tags: &[&str]) -> Result<Vec<i64>> {
    Ok(crate::entity::list(conn, forum_id)?
        .into_iter()
        .filter(|e| e.status != "withdrew")
        .filter(|e| e.tags.iter().any(|t| tags.contains(&t.code.as_str())))
        .map(|e| e.id)
        .collect())
}

fn pick(rng: &mut Rng, ids: &[i64], i: usize) -> Result<i64> {
    if ids.is_empty() {
        return Err(AppError::Internal("لا توجد جهات للفرص التجريبية".into()));
    }
    Ok(ids[(i + rng.below(3) as usize) % ids.len()])
}

fn add_opportunities(tx: &Connection, forum_id: i64, rng: &mut Rng) -> Result<Vec<i64>> {
    let trainers = offering(tx, forum_id, &["training", "education"])?;
    let employers = offering(tx, forum_id, &["jobs"])?;
    let funders = offering(tx, forum_id, &["financing", "entrepreneurship"])?;
    let mut ids = Vec::new();
    for (i, (title, accreditor, hours)) in COURSES.iter().enumerate() {
        let start = 17 + (i % 10) as u32;
        ids.push(opportunity::insert(
            tx,
            forum_id,
            &OpportunityInput {
                entity_id: Some(pick(rng, &trainers, i)?),
                track: "training".into(),
                title: format!("دورة {title}"),
                capacity: (12 + rng.below(19)).to_string(),
                eligibility: "beneficiary,family_member".into(),
                accreditor: accreditor.to_string(),
                hours: hours.to_string(),
                start_date: format!("2019-11-{start:02}"),
                end_date: format!("2019-11-{:02}", start + 4),
                place: if i % 4 == 0 {
                    String::new()
                } else {
                    format!("مقر التدريب في {}", CITIES[i % CITIES.len()])
                },
                online: i % 4 == 0,
                certificate: true,
                ..Default::default()
            },
        )?);
    }
    for i in 0..40 {
        let title = JOBS[i % JOBS.len()];
        let base = 4_000 + 500 * (i % 6) as i64;
        ids.push(opportunity::insert(
            tx,
            forum_id,
            &OpportunityInput {
                entity_id: Some(pick(rng, &employers, i)?),
                track: "job".into(),
                title: title.to_string(),
                capacity: (1 + rng.below(5)).to_string(),
                eligibility: if i % 5 == 0 {
                    "disability"
                } else {
                    "beneficiary,youth"
                }
                .into(),
                salary_min: base.to_string(),
                salary_max: (base + 1_500).to_string(),
                city: CITIES[i % CITIES.len()].into(),
                work_mode: ["full_time", "full_time", "part_time", "remote"][i % 4].into(),
                disability_ok: i % 5 == 0,
                requirements: "الثانوية العامة على الأقل، وإجادة التعامل مع الحاسب".into(),
                ..Default::default()
            },
        )?);
    }
    for (i, (title, kind, funder, ceiling)) in SUPPORT.iter().enumerate() {
        ids.push(opportunity::insert(
            tx,
            forum_id,
            &OpportunityInput {
                entity_id: Some(pick(rng, &funders, i)?),
                track: "support".into(),
                title: title.to_string(),
                eligibility: "beneficiary,women".into(),
                support_kind: kind.to_string(),
                funder: funder.to_string(),
                ceiling: if *ceiling > 0 {
                    ceiling.to_string()
                } else {
                    String::new()
                },
                conditions: "أن يكون المتقدم من مستفيدي الضمان الاجتماعي، وأن يقدّم فكرة مشروع"
                    .into(),
                ..Default::default()
            },
        )?);
    }
    Ok(ids)
}

/// Walks a referral along its track: mostly forward, sometimes to a negative end with a reason,
/// stopping at a random depth; a full course or job stops it where it is.
fn walk(tx: &Connection, rng: &mut Rng, id: i64, track_code: &str, day: &str) -> Result<()> {
    let Some(t) = track(track_code) else {
        return Ok(());
    };
    let mut state = "referred";
    let mut days = 3u64;
    let date = crate::calendar::parse_iso(day).unwrap_or_default();
    while rng.below(100) < 72 {
        let next = t.next(state);
        if next.is_empty() {
            break;
        }
        let negative: Vec<_> = next.iter().filter(|s| s.funnel == 0).collect();
        let positive: Vec<_> = next.iter().filter(|s| s.funnel > 0).collect();
        let to = if positive.is_empty() || (!negative.is_empty() && rng.below(100) < 22) {
            negative[rng.below(negative.len() as u64) as usize]
        } else {
            positive[rng.below(positive.len() as u64) as usize]
        };
        days += 3 + rng.below(40);
        let at = date
            .checked_add_days(chrono::Days::new(days))
            .unwrap_or(date)
            .format("%Y-%m-%d")
            .to_string();
        let reason = if to.funnel == 0 {
            REASONS[rng.below(REASONS.len() as u64 - 1) as usize].0
        } else {
            ""
        };
        let moved = referral::move_in(
            tx,
            &MoveInput {
                id,
                to: to.state.into(),
                reason: reason.into(),
                verified_by: VERIFIED_BY[rng.below(VERIFIED_BY.len() as u64) as usize]
                    .0
                    .into(),
                at: Some(at),
                by: "اللجنة التنفيذية".into(),
                ..Default::default()
            },
        );
        match moved {
            Ok(_) => state = to.state,
            Err(AppError::Conflict(_)) => break, // no seat or vacancy left
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

pub fn add(tx: &Connection, forum_id: i64, rng: &mut Rng) -> Result<()> {
    let opportunities = add_opportunities(tx, forum_id, rng)?;
    // Visitors (not the entities' staff), the way the booths met them.
    let people: Vec<(i64, String)> = {
        let mut stmt = tx.prepare(
            "SELECT id, badge_code FROM person WHERE forum_id = ?1 AND category <> 'entity_staff' ORDER BY id",
        )?;
        let rows = stmt.query_map([forum_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    // Most agreed to share their contact details; families share a social-security file.
    let mut file = 40_000_000 + rng.below(1_000_000) as i64;
    for (i, (id, _)) in people.iter().enumerate() {
        if i % 3 != 1 {
            file += 1 + rng.below(50) as i64;
        }
        let consent = rng.below(100) < 78;
        tx.execute(
            "UPDATE person_row SET ss_file = ?2, consent_version = CASE WHEN ?3 THEN 1 END,
                    consent_at = CASE WHEN ?3 THEN '2019-11-09T09:00:00Z' END WHERE id = ?1",
            params![id, file.to_string(), consent],
        )?;
    }
    let days = ["2019-11-10", "2019-11-11"];
    let mut made = 0;
    let mut attempts = 0;
    while made < DEMO_REFERRALS && attempts < DEMO_REFERRALS * 3 && !people.is_empty() {
        attempts += 1;
        let (_, code) = &people[rng.below(people.len() as u64) as usize];
        let opp = opportunities[rng.below(opportunities.len() as u64) as usize];
        let day = days[rng.below(2) as usize];
        let minutes = 9 * 60 + rng.below(240) as u32;
        let scanned = format!("{day}T{:02}:{:02}:00+03:00", minutes / 60, minutes % 60);
        let done = referral::refer_in(
            tx,
            &ReferInput {
                forum_id,
                code: Some(code.clone()),
                opportunity_ids: vec![opp],
                rating: (rng.below(3) == 0).then(|| 3 + rng.below(3) as i64),
                desk: "ركن الجهة".into(),
                scanned_at: Some(scanned),
                ..Default::default()
            },
        )?;
        let Some(r) = done.into_iter().next().filter(|r| r.new) else {
            continue;
        };
        made += 1;
        walk(tx, rng, r.referral.id, &r.referral.track, day)?;
    }
    // About half the calls have been made; the rest are overdue for the committee to make.
    let calls: Vec<(i64, String)> = {
        let mut stmt = tx.prepare("SELECT id, due FROM follow_up ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (id, due) in calls {
        if rng.below(100) < 55 {
            tx.execute(
                "UPDATE follow_up SET done_at = ?2, result = 'continuing', by = 'اللجنة التنفيذية' WHERE id = ?1",
                params![id, format!("{due}T09:00:00Z")],
            )?;
        }
    }
    Ok(())
}
