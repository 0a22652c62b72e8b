//! Realistic synthetic people for demo data and benchmarks: Saudi names in the Jazan region's
//! style (first, father, grandfather, family), valid national IDs, mobiles, categories and
//! needs. Deterministic for a seed, so a benchmark is repeatable.

use crate::person::{rules, PersonInput};

const MALE: &[&str] = &[
    "محمد",
    "أحمد",
    "عبدالله",
    "علي",
    "حسن",
    "حسين",
    "إبراهيم",
    "يحيى",
    "موسى",
    "عيسى",
    "خالد",
    "سعد",
    "سلمان",
    "فهد",
    "ناصر",
    "عبدالرحمن",
    "عبدالعزيز",
    "منصور",
    "ماجد",
    "هادي",
    "جابر",
    "عمر",
    "عثمان",
    "يوسف",
    "سالم",
    "صالح",
    "طلال",
    "فيصل",
    "بندر",
    "تركي",
    "مشاري",
    "نايف",
    "عادل",
    "وليد",
    "ياسر",
    "أيمن",
    "مصطفى",
    "حمد",
    "راشد",
    "زياد",
    "عبده",
    "محسن",
    "شوعي",
    "قاسم",
    "حمود",
    "مهدي",
    "عبدالإله",
    "طارق",
    "أنس",
    "معاذ",
];

const FEMALE: &[&str] = &[
    "فاطمة",
    "عائشة",
    "مريم",
    "نورة",
    "سارة",
    "هدى",
    "أمل",
    "زينب",
    "خديجة",
    "حليمة",
    "آمنة",
    "رقية",
    "منى",
    "ريم",
    "هيفاء",
    "أسماء",
    "سلمى",
    "نوف",
    "جواهر",
    "لطيفة",
    "شيخة",
    "حصة",
    "وفاء",
    "بشرى",
    "إيمان",
    "سمية",
    "عبير",
    "رحاب",
    "ابتسام",
    "غدير",
    "مها",
    "أروى",
    "شهد",
    "رهف",
    "لمياء",
    "حنان",
    "سعاد",
    "صفية",
    "زهراء",
    "ملاك",
];

const FAMILIES: &[&str] = &[
    "الحازمي",
    "المالكي",
    "صميلي",
    "مدخلي",
    "عريشي",
    "النعمي",
    "عطيف",
    "الشهري",
    "القحطاني",
    "الزهراني",
    "حكمي",
    "شراحيلي",
    "الفيفي",
    "العبدلي",
    "جعفري",
    "معشي",
    "خواجي",
    "زيلعي",
    "مباركي",
    "عسيري",
    "الحربي",
    "البشري",
    "الريثي",
    "سهلي",
    "كريري",
    "غزواني",
    "دغريري",
    "الخبراني",
    "عقيلي",
    "حمدي",
    "شعبي",
    "طميحي",
    "نجمي",
    "عواجي",
    "مجرشي",
    "الداثري",
    "الشعبي",
    "المشنوي",
    "هزازي",
    "الجعفري",
    "أبو طالب",
    "الصيابي",
    "النجمي",
    "ناشري",
    "بكري",
];

/// The 15 social-security offices and units of the Jazan region.
pub const JAZAN_OFFICES: &[&str] = &[
    "مكتب الضمان الاجتماعي بجازان",
    "مكتب الضمان الاجتماعي بصبيا",
    "مكتب الضمان الاجتماعي بأبي عريش",
    "مكتب الضمان الاجتماعي بصامطة",
    "مكتب الضمان الاجتماعي ببيش",
    "مكتب الضمان الاجتماعي بالدرب",
    "مكتب الضمان الاجتماعي بالعارضة",
    "مكتب الضمان الاجتماعي بالداير",
    "مكتب الضمان الاجتماعي بفيفاء",
    "مكتب الضمان الاجتماعي بالعيدابي",
    "مكتب الضمان الاجتماعي بالريث",
    "مكتب الضمان الاجتماعي بهروب",
    "مكتب الضمان الاجتماعي بالحرث",
    "مكتب الضمان الاجتماعي بفرسان",
    "مكتب الضمان الاجتماعي بأحد المسارحة",
];

/// Category codes with their share of a forum's registrations (per thousand).
const CATEGORIES: &[(&str, u64)] = &[
    ("beneficiary", 560),
    ("family_member", 200),
    ("disability", 60),
    ("visitor", 90),
    ("volunteer", 40),
    ("entity_staff", 25),
    ("media", 10),
    ("vip", 8),
    ("organizer", 7),
];

/// SplitMix64: small, fast, good enough for synthetic data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

/// A random valid national ID (citizen) or iqama (resident).
pub fn national_id(rng: &mut Rng) -> String {
    let first = if rng.below(10) < 9 { '1' } else { '2' };
    let nine = format!("{first}{:08}", rng.below(100_000_000));
    let check = rules::luhn_check_digit(&nine).unwrap_or('0');
    format!("{nine}{check}")
}

pub fn mobile(rng: &mut Rng) -> String {
    let prefix = ["050", "053", "054", "055", "056", "058", "059"][rng.below(7) as usize];
    format!("{prefix}{:07}", rng.below(10_000_000))
}

/// A four-part name (three parts for a fifth of people).
pub fn full_name(rng: &mut Rng, female: bool) -> String {
    let first = if female {
        rng.pick(FEMALE)
    } else {
        rng.pick(MALE)
    };
    let father = rng.pick(MALE);
    let family = rng.pick(FAMILIES);
    if rng.below(5) == 0 {
        format!("{first} {father} {family}")
    } else {
        format!("{first} {father} {} {family}", rng.pick(MALE))
    }
}

/// One realistic registration.
pub fn person(rng: &mut Rng) -> PersonInput {
    let female = rng.below(100) < 55;
    let mut roll = rng.below(1000);
    let mut category = "beneficiary";
    for (code, share) in CATEGORIES {
        if roll < *share {
            category = code;
            break;
        }
        roll -= share;
    }
    let disability = category == "disability";
    PersonInput {
        full_name: full_name(rng, female),
        national_id: national_id(rng),
        mobile: if rng.below(10) < 8 {
            mobile(rng)
        } else {
            String::new()
        },
        gender: if female { "f".into() } else { "m".into() },
        category: category.into(),
        needs_wheelchair: disability && rng.below(2) == 0,
        needs_sign: disability && rng.below(4) == 0,
        needs_companion: disability && rng.below(3) == 0,
        office: if matches!(category, "beneficiary" | "family_member" | "disability") {
            rng.pick(JAZAN_OFFICES).to_string()
        } else {
            String::new()
        },
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_people_pass_the_real_rules_and_repeat_for_a_seed() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..500 {
            let p = person(&mut a);
            assert_eq!(p.full_name, person(&mut b).full_name);
            rules::full_name(&p.full_name).unwrap();
            rules::national_id(&p.national_id).unwrap();
            if !p.mobile.is_empty() {
                rules::mobile(&p.mobile).unwrap();
            }
        }
        assert_eq!(JAZAN_OFFICES.len(), 15);
    }
}
