//! The demo forum's two exhibitions: 30 enabling entities of the Jazan region with their staff,
//! a drawn hall (stage, entrance, services, a zone of entity booths, the productive-families
//! exhibition), booths assigned, and ~80 family applications reviewed against quotas, with
//! stalls, daily presence and sales. Written through the same domain functions as the app.

use rusqlite::Connection;

use crate::entity::{self, EntityInput};
use crate::error::{AppError, Result};
use crate::family::{self, market, review, FamilyInput};
use crate::floor::{self, assign, GridInput, Rect, ZoneInput};
use crate::name_generator::{self, Rng};
use crate::person::{PersonInput, Registrar};

/// (name, kind, sector, tags)
const ENTITIES: &[(&str, &str, &str, &[&str])] = &[
    (
        "بنك التنمية الاجتماعية",
        "government",
        "التمويل الاجتماعي",
        &["financing", "entrepreneurship"],
    ),
    (
        "صندوق تنمية الموارد البشرية «هدف»",
        "government",
        "التوظيف والتدريب",
        &["training", "jobs"],
    ),
    (
        "المؤسسة العامة للتدريب التقني والمهني",
        "government",
        "التدريب",
        &["training"],
    ),
    (
        "الكلية التقنية بجازان",
        "government",
        "التعليم والتدريب",
        &["training", "education"],
    ),
    (
        "جامعة جازان — عمادة خدمة المجتمع",
        "government",
        "التعليم",
        &["training", "education"],
    ),
    (
        "الهيئة العامة للمنشآت الصغيرة والمتوسطة «منشآت»",
        "government",
        "ريادة الأعمال",
        &["entrepreneurship", "counselling"],
    ),
    (
        "فرع وزارة الموارد البشرية والتنمية الاجتماعية بجازان",
        "government",
        "التنمية الاجتماعية",
        &["social_care", "jobs"],
    ),
    (
        "صندوق التنمية الزراعية",
        "government",
        "الزراعة",
        &["financing"],
    ),
    ("برنامج سكني", "government", "الإسكان", &["housing"]),
    ("تجمع جازان الصحي", "government", "الصحة", &["health"]),
    (
        "مركز التنمية الاجتماعية بصبيا",
        "government",
        "التنمية الاجتماعية",
        &["social_care", "training"],
    ),
    (
        "الغرفة التجارية الصناعية بجازان",
        "private",
        "قطاع الأعمال",
        &["entrepreneurship", "jobs"],
    ),
    ("بنك الرياض", "private", "المصارف", &["jobs", "financing"]),
    ("مصرف الراجحي", "private", "المصارف", &["financing", "jobs"]),
    (
        "شركة الاتصالات السعودية",
        "private",
        "الاتصالات",
        &["jobs", "training"],
    ),
    ("شركة المراعي", "private", "الصناعات الغذائية", &["jobs"]),
    (
        "باب رزق جميل",
        "private",
        "التوظيف والتمويل",
        &["jobs", "financing", "entrepreneurship"],
    ),
    (
        "أرامكو السعودية — مصفاة جازان",
        "private",
        "الطاقة",
        &["jobs", "training"],
    ),
    ("أسواق عبدالله العثيم", "private", "التجزئة", &["jobs"]),
    (
        "شركة النهدي الطبية",
        "private",
        "الصيدلة",
        &["jobs", "health"],
    ),
    ("بنده للتجزئة", "private", "التجزئة", &["jobs"]),
    (
        "شركة جازان للطاقة والتنمية",
        "private",
        "الطاقة والزراعة",
        &["jobs"],
    ),
    (
        "جمعية البر الخيرية بجازان",
        "nonprofit",
        "العمل الخيري",
        &["social_care"],
    ),
    (
        "جمعية الأسر المنتجة بجازان",
        "nonprofit",
        "الأسر المنتجة",
        &["entrepreneurship", "training"],
    ),
    (
        "جمعية رعاية الأيتام بجازان «إخاء»",
        "nonprofit",
        "رعاية الأيتام",
        &["social_care"],
    ),
    (
        "جمعية الأطفال ذوي الإعاقة — فرع جازان",
        "nonprofit",
        "ذوو الإعاقة",
        &["health", "social_care"],
    ),
    (
        "جمعية التنمية الأسرية بجازان",
        "nonprofit",
        "الإرشاد الأسري",
        &["counselling"],
    ),
    (
        "مؤسسة الملك خالد الخيرية",
        "nonprofit",
        "التنمية",
        &["financing", "entrepreneurship"],
    ),
    (
        "جمعية الملك عبدالعزيز النسائية الخيرية بجازان",
        "nonprofit",
        "تمكين المرأة",
        &["training", "entrepreneurship"],
    ),
    (
        "جمعية تيسير للزواج والتنمية الأسرية",
        "nonprofit",
        "الإرشاد الأسري",
        &["counselling", "social_care"],
    ),
];

/// Entities (by index) that withdrew before the forum, and those confirmed but never arrived.
const WITHDREW: [usize; 2] = [8, 21];
const NO_SHOW: [usize; 2] = [17, 28];
/// Entities (by index) that sponsor the forum.
const SPONSORS: [usize; 3] = [11, 16, 17];

/// Members of staff registered for the entities that take part (two each).
pub const STAFF: usize = (ENTITIES.len() - WITHDREW.len()) * 2;

/// Applications per category, and the quota (stalls) of each.
const FAMILIES: &[(&str, usize, i64)] = &[
    ("food", 22, 10),
    ("sweets", 16, 8),
    ("handicrafts", 12, 6),
    ("perfume", 10, 5),
    ("sewing", 10, 5),
    ("beauty", 6, 3),
    ("other", 4, 2),
];

const PRODUCTS: &[(&str, &[&str])] = &[
    (
        "food",
        &[
            "مغش ومندي جازاني",
            "خبز المرسة والمعصوب",
            "عريكة وسمن بلدي",
            "مأكولات شعبية جازانية",
        ],
    ),
    (
        "sweets",
        &[
            "كعك وبسكويت منزلي",
            "حلويات شعبية",
            "كيك ومعجنات",
            "تمور محشوة",
        ],
    ),
    (
        "handicrafts",
        &[
            "سلال خوص ومهفات",
            "فخار جازاني",
            "إكسسوارات يدوية",
            "منسوجات تراثية",
        ],
    ),
    (
        "perfume",
        &["بخور ودخون", "عطور زيتية", "فل وكادي جازاني", "عود ومعمول"],
    ),
    (
        "sewing",
        &["جلابيات مطرزة", "تطريز يدوي", "ملابس أطفال", "مفارش وأغطية"],
    ),
    (
        "beauty",
        &["صابون طبيعي", "زيوت عناية بالشعر", "حناء وخلطات"],
    ),
    ("other", &["نباتات منزلية", "هدايا وتغليف"]),
];

const CITIES: &[&str] = &[
    "جازان",
    "صبيا",
    "أبو عريش",
    "صامطة",
    "بيش",
    "الدرب",
    "أحد المسارحة",
    "العارضة",
];

const REVIEWER: &str = "لجنة معرض الأسر المنتجة";

fn by_the_door(rng: &mut Rng) -> &'static str {
    ["منصة 1", "منصة 2", "منصة المعرض"][rng.below(3) as usize]
}

pub(super) fn add(tx: &Connection, forum_id: i64, rng: &mut Rng) -> Result<()> {
    let entity_ids = add_entities(tx, forum_id, rng)?;
    draw_hall(tx, forum_id)?;
    let booths = floor::booths(tx, forum_id)?;
    let mut free = booths.iter().filter(|b| !b.is_stall);
    for (i, id) in entity_ids.iter().enumerate() {
        if WITHDREW.contains(&i) {
            continue;
        }
        if let Some(b) = free.next() {
            assign::assign_entity_in(tx, b.id, *id, "اللجنة التنفيذية")?;
        }
    }
    add_families(tx, forum_id, rng)?;
    Ok(())
}

fn add_entities(tx: &Connection, forum_id: i64, rng: &mut Rng) -> Result<Vec<i64>> {
    let mut ids = Vec::new();
    let mut registrar = Registrar::new(tx, forum_id)?;
    let mut staff = Vec::new();
    for (i, (name, kind, sector, tags)) in ENTITIES.iter().enumerate() {
        let status = if WITHDREW.contains(&i) {
            "withdrew"
        } else if NO_SHOW.contains(&i) {
            "confirmed"
        } else {
            "arrived"
        };
        let id = entity::insert(
            tx,
            forum_id,
            &EntityInput {
                name_ar: name.to_string(),
                kind: kind.to_string(),
                sector: sector.to_string(),
                services: format!(
                    "تعريف المستفيدين ببرامج {name} في مجال {sector} وتسجيل الراغبين فيها"
                ),
                tags: tags.iter().map(|t| t.to_string()).collect(),
                contact_name: {
                    let female = rng.below(3) == 0;
                    name_generator::full_name(rng, female)
                },
                mobile: name_generator::mobile(rng),
                status: status.into(),
                need_power: rng.below(10) < 8,
                need_tables: 1 + rng.below(2) as u32,
                need_chairs: 2 + rng.below(3) as u32,
                need_screen: rng.below(10) < 4,
                need_internet: rng.below(10) < 5,
                is_sponsor: SPONSORS.contains(&i),
                ..Default::default()
            },
        )?;
        ids.push(id);
        if status == "withdrew" {
            continue;
        }
        // Two members of staff at the booth, with badges like everyone.
        for _ in 0..STAFF / (ENTITIES.len() - WITHDREW.len()) {
            loop {
                let mut p: PersonInput = name_generator::person(rng);
                p.category = "entity_staff".into();
                p.office = String::new();
                match registrar.insert(tx, &p) {
                    Ok(pid) => {
                        staff.push((pid, id));
                        break;
                    }
                    Err(AppError::Duplicate { .. }) => continue,
                    Err(e) => return Err(e),
                }
            }
        }
    }
    registrar.finish(tx)?;
    let mut link = tx.prepare("UPDATE person_row SET entity_id = ?2 WHERE id = ?1")?;
    for (pid, eid) in staff {
        link.execute([pid, eid])?;
    }
    Ok(ids)
}

/// A 60 × 40 m hall: stage at the back, the entrance at the front, entity booths in two rows of
/// 16, the families' exhibition in two rows of 20 stalls, services by the entrance.
fn draw_hall(tx: &Connection, forum_id: i64) -> Result<()> {
    tx.execute(
        "INSERT INTO hall(forum_id, name, width, depth) VALUES (?1, 'القاعة الرئيسة', 60, 40)",
        [forum_id],
    )?;
    let zone = |kind: &str, name: &str, x, y, w, h| ZoneInput {
        id: None,
        kind: kind.into(),
        name_ar: name.into(),
        rect: Rect { x, y, w, h },
    };
    for z in [
        zone("stage", "المسرح الرئيس", 18.0, 0.5, 24.0, 6.0),
        zone("entities", "أركان الجهات الممكنة", 2.0, 8.0, 56.0, 12.0),
        zone("families", "معرض الأسر المنتجة", 2.0, 21.5, 56.0, 13.0),
        zone("services", "الاستقبال والتسجيل", 44.0, 35.5, 14.0, 4.0),
        zone("services", "الإسعاف والمصلى", 2.0, 35.5, 14.0, 4.0),
        zone("entrance", "المدخل الرئيس", 25.0, 36.0, 10.0, 3.5),
    ] {
        floor::save_zone_in(tx, forum_id, &z)?;
    }
    let grid = |prefix: &str, rows, cols, x, y, w: f64, h: f64, aisle| GridInput {
        prefix: prefix.into(),
        first: 1,
        rows,
        cols,
        x,
        y,
        w,
        h,
        gap: 0.0,
        aisle,
        left_to_right: false,
    };
    floor::create_grid_in(tx, forum_id, &grid("A", 1, 16, 6.0, 10.0, 3.0, 3.0, 0.0))?;
    floor::create_grid_in(tx, forum_id, &grid("B", 1, 16, 6.0, 15.5, 3.0, 3.0, 0.0))?;
    floor::create_grid_in(tx, forum_id, &grid("F", 2, 20, 5.0, 23.5, 2.5, 2.5, 3.5))?;
    Ok(())
}

fn add_families(tx: &Connection, forum_id: i64, rng: &mut Rng) -> Result<()> {
    let mut approved = Vec::new();
    for (category, count, quota) in FAMILIES {
        tx.execute(
            "INSERT INTO family_quota(forum_id, category, max_stalls) VALUES (?1, ?2, ?3)",
            rusqlite::params![forum_id, category, quota],
        )?;
        let products = PRODUCTS
            .iter()
            .find(|(c, _)| c == category)
            .map(|(_, p)| *p)
            .unwrap_or(&["منتجات منزلية"]);
        let mut ids = Vec::new();
        while ids.len() < *count {
            let female = rng.below(10) < 8;
            let input = FamilyInput {
                head_name: name_generator::full_name(rng, female),
                national_id: name_generator::national_id(rng),
                mobile: name_generator::mobile(rng),
                ss_file: format!("{}", 100_000 + rng.below(900_000)),
                city: rng.pick(CITIES).to_string(),
                category: category.to_string(),
                products: rng.pick(products).to_string(),
                need_power: rng.below(10) < 4,
                need_fridge: *category == "food" && rng.below(2) == 0,
                table_size: ["small", "medium", "large"][rng.below(3) as usize].into(),
                ..Default::default()
            };
            match family::insert(tx, forum_id, &input, "نموذج التسجيل الإلكتروني")
            {
                Ok(id) => ids.push(id),
                Err(AppError::Duplicate { .. }) => continue,
                Err(e) => return Err(e),
            }
        }
        // The first in each category are approved up to the quota, the next two wait, one is
        // rejected with its reason, the rest are still to be reviewed.
        let q = *quota as usize;
        for (i, id) in ids.iter().enumerate() {
            if i < q {
                review::decide_in(tx, *id, "approved", "", REVIEWER)?;
                approved.push(*id);
            } else if i < q + 2 {
                review::decide_in(tx, *id, "waitlisted", "اكتملت حصة الفئة", REVIEWER)?;
            } else if i == q + 2 {
                review::decide_in(
                    tx,
                    *id,
                    "rejected",
                    "لم تُرفق شهادة صحية سارية للمنتجات",
                    REVIEWER,
                )?;
            }
        }
    }
    // One approved food family withdrew: the first on the food waiting list was offered its place.
    if let Some(first) = approved.first() {
        review::decide_in(tx, *first, "withdrawn", "ظرف عائلي", REVIEWER)?;
        approved.remove(0);
    }
    // Stalls in order, then presence and sales for both days.
    let stalls: Vec<i64> = floor::booths(tx, forum_id)?
        .into_iter()
        .filter(|b| b.is_stall)
        .map(|b| b.id)
        .collect();
    for (id, stall) in approved.iter().zip(&stalls) {
        assign::assign_family_in(tx, *stall, *id, REVIEWER)?;
        for day in 1..=2 {
            let present = rng.below(100) < 92;
            let sales = if present {
                // Most families sell SAR 300–1,500 a day; a few do much better.
                let riyals = 300
                    + rng.below(1200)
                    + if rng.below(10) == 0 {
                        rng.below(3000)
                    } else {
                        0
                    };
                format!("{riyals}.{:02}", [0, 50, 0, 25, 75][rng.below(5) as usize])
            } else {
                String::new()
            };
            market::record_day_in(
                tx,
                &market::DayInput {
                    family_id: *id,
                    day,
                    present: Some(present),
                    items: Some(if present {
                        (5 + rng.below(40)).to_string()
                    } else {
                        String::new()
                    }),
                    sales: Some(sales),
                },
                by_the_door(rng),
            )?;
        }
    }
    Ok(())
}
