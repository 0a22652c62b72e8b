//! Text hygiene shared by every form and import: what a user types is trimmed, its inner
//! whitespace collapsed, and invisible bidi controls (which make names display scrambled
//! and defeat search) removed.

/// Bidi embedding/override/isolate controls and the LRM/RLM/ALM marks.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Trim, collapse runs of whitespace (including NBSP and tabs) to one space, drop bidi controls
/// and other invisible format characters (zero-width space, BOM).
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if is_bidi_control(c) || matches!(c, '\u{200B}' | '\u{FEFF}') {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// Arabic-Indic (٠–٩) and Persian (۰–۹) digits to ASCII; everything else unchanged.
pub fn latin_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
            _ => c,
        })
        .collect()
}

/// Tashkeel (harakat, shadda, sukun, superscript alef, Quranic marks) and tatweel.
fn is_mark(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}' | '\u{0640}')
}

/// The key names are matched on (DESIGN.md §2): tashkeel and tatweel removed, أ/إ/آ/ٱ → ا,
/// ة → ه, ى → ي, ئ → ي, ؤ → و, Arabic-Indic and Persian digits → Latin, Latin lower-cased,
/// spaces collapsed, and «عبد ال…» written without its space. `فاطمه` and `فاطمة`,
/// `عبد الله` and `عبدالله`, `مُحَمَّد` and `محمد` give the same key.
pub fn search_key(s: &str) -> String {
    let cleaned = clean(s);
    let mut folded = String::with_capacity(cleaned.len());
    for c in cleaned.chars() {
        if is_mark(c) {
            continue;
        }
        let c = match c {
            '\u{0623}' | '\u{0625}' | '\u{0622}' | '\u{0671}' => '\u{0627}',
            '\u{0629}' => '\u{0647}',
            '\u{0649}' | '\u{0626}' => '\u{064A}',
            '\u{0624}' => '\u{0648}',
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
            // Persian forms of kaf and yeh typed on some keyboards.
            '\u{06A9}' => '\u{0643}',
            '\u{06CC}' => '\u{064A}',
            c => c,
        };
        folded.extend(c.to_lowercase());
    }
    // «عبد الله», «عبد الرحمن» … are one name part.
    let mut out = String::with_capacity(folded.len());
    let mut words = folded.split(' ').peekable();
    while let Some(w) = words.next() {
        out.push_str(w);
        match words.peek() {
            Some(next) if w == "عبد" && next.starts_with("ال") => {}
            Some(_) => out.push(' '),
            None => {}
        }
    }
    out
}

/// Words of lineage that join parts of a formal name (بن، بنت، ابن) on the search key.
pub const LINEAGE: &[&str] = &["بن", "بنت", "ابن"];

/// The words a name is matched on, from its [`search_key`]: «عبد …», «أبو …» and «آل …» joined
/// to the word after them (so «عبد الله» / «عبدالله», «أبو طالب» / «ابوطالب» and «آل سعود» /
/// «السعود» are alike), and the article «ال» taken off the front of every word, so «الصميلي»
/// and «صميلي» are the same word. Lineage words stay words of their own.
pub fn match_words(key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut words = key.split(' ').filter(|w| !w.is_empty()).peekable();
    while let Some(w) = words.next() {
        let mut word = w.to_string();
        while matches!(word.as_str(), "عبد" | "ابو" | "ال") {
            match words.next() {
                Some(next) => word.push_str(next),
                None => break,
            }
        }
        out.push(strip_article(&word).to_string());
    }
    out
}

/// A word without its article: «الصميلي» → «صميلي»; words too short to have one stay.
pub fn strip_article(word: &str) -> &str {
    match word.strip_prefix("ال") {
        Some(rest) if rest.chars().count() >= 2 => rest,
        _ => word,
    }
}

/// Length as a person counts it (characters, not bytes).
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// How a counted noun is written in Arabic: the phrase for one and for two, and the noun after
/// 3–10 (plural) and after 11 and up (singular). `counted(20, &HOURS)` → «20 ساعة تدريبية».
pub struct Counted {
    pub one: &'static str,
    pub two: &'static str,
    pub few: &'static str,
    pub many: &'static str,
}

/// Training hours (after a preposition: «بواقع ساعتين تدريبيتين»).
pub const HOURS: Counted = Counted {
    one: "ساعة تدريبية واحدة",
    two: "ساعتين تدريبيتين",
    few: "ساعات تدريبية",
    many: "ساعة تدريبية",
};

pub const REQUESTS: Counted = Counted {
    one: "طلب واحد",
    two: "طلبان",
    few: "طلبات",
    many: "طلبًا",
};

pub const BOOTHS: Counted = Counted {
    one: "ركن واحد",
    two: "ركنان",
    few: "أركان",
    many: "ركنًا",
};

pub const ENTITIES: Counted = Counted {
    one: "جهة واحدة",
    two: "جهتان",
    few: "جهات",
    many: "جهة",
};

pub const CERTIFICATES: Counted = Counted {
    one: "شهادة واحدة",
    two: "شهادتان",
    few: "شهادات",
    many: "شهادة",
};

pub const ELIGIBLE: Counted = Counted {
    one: "مستحق واحد",
    two: "مستحقان",
    few: "مستحقين",
    many: "مستحقًّا",
};

pub const ERRORS: Counted = Counted {
    one: "خطأ واحد",
    two: "خطآن",
    few: "أخطاء",
    many: "خطأً",
};

pub const PEOPLE: Counted = Counted {
    one: "شخص واحد",
    two: "شخصان",
    few: "أشخاص",
    many: "شخصًا",
};

pub const MINUTES: Counted = Counted {
    one: "دقيقة واحدة",
    two: "دقيقتين",
    few: "دقائق",
    many: "دقيقة",
};

/// As an object or an adverb («انتظر ثانيتين»), like [`MINUTES`].
pub const SECONDS: Counted = Counted {
    one: "ثانية واحدة",
    two: "ثانيتين",
    few: "ثوانٍ",
    many: "ثانية",
};

pub const DAYS: Counted = Counted {
    one: "يوم واحد",
    two: "يومان",
    few: "أيام",
    many: "يومًا",
};

pub const MONTHS: Counted = Counted {
    one: "شهر واحد",
    two: "شهران",
    few: "أشهر",
    many: "شهرًا",
};

pub const DIGITS: Counted = Counted {
    one: "رقم واحد",
    two: "رقمان",
    few: "أرقام",
    many: "رقمًا",
};

pub const LINES: Counted = Counted {
    one: "سطر واحد",
    two: "سطران",
    few: "أسطر",
    many: "سطرًا",
};

pub const CHARACTERS: Counted = Counted {
    one: "حرف واحد",
    two: "حرفان",
    few: "أحرف",
    many: "حرفًا",
};

pub const COLUMNS: Counted = Counted {
    one: "عمود واحد",
    two: "عمودان",
    few: "أعمدة",
    many: "عمودًا",
};

pub const FAMILIES: Counted = Counted {
    one: "أسرة واحدة",
    two: "أسرتان",
    few: "أسر",
    many: "أسرة",
};

pub const REFERRALS: Counted = Counted {
    one: "إحالة واحدة",
    two: "إحالتان",
    few: "إحالات",
    many: "إحالة",
};

pub const ROWS: Counted = Counted {
    one: "صف واحد",
    two: "صفان",
    few: "صفوف",
    many: "صفًا",
};

/// `n` with its noun in the agreement Arabic asks for: 1 and 2 are words, 3–10 take the plural,
/// 11–99 the singular accusative («11 شخصًا»); past 100 the last two digits decide, and a
/// round hundred or thousand (100, 101, 102, 1000 …) and 0 take the singular genitive
/// («100 شخص», «ألف حرف»). `ui/js/dom.js` writes the same rule (a browser test compares them).
pub fn counted(n: u64, c: &Counted) -> String {
    counted_shown(n, &n.to_string(), c)
}

/// [`counted`] with the number written as `shown` (with thousands separators, say).
pub fn counted_shown(n: u64, shown: &str, c: &Counted) -> String {
    match n {
        1 => c.one.to_string(),
        2 => c.two.to_string(),
        _ => {
            let tail = n % 100;
            if (3..=10).contains(&tail) {
                format!("{shown} {}", c.few)
            } else if tail >= 11 {
                format!("{shown} {}", c.many)
            } else {
                format!("{shown} {}", genitive(c.many))
            }
        }
    }
}

/// The singular accusative («شخصًا»، «ركنًا فارغًا») as a genitive («شخص»، «ركن فارغ»): the
/// tanween of each word (and the alif that carries it) goes.
fn genitive(accusative: &str) -> String {
    accusative
        .split(' ')
        .map(|w| {
            let w = w
                .strip_suffix('\u{0627}')
                .filter(|s| s.contains('\u{064B}'))
                .unwrap_or(w);
            w.replace('\u{064B}', "")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The label of `code` in a table of codes and Arabic labels (roles …), `""` for an unknown one.
pub fn label_of(table: &[(&'static str, &'static str)], code: &str) -> &'static str {
    table
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("", |(_, l)| *l)
}

/// What a table of codes offers, for an error that refuses an unknown one: «a (…)، b (…)».
pub fn choices(table: &[(&str, &str)]) -> String {
    table
        .iter()
        .map(|(c, l)| format!("{c} ({l})"))
        .collect::<Vec<_>>()
        .join("، ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_spaces_and_bidi_controls() {
        assert_eq!(
            clean("  ملتقى\u{00A0}\u{00A0}التمكين \t الاجتماعي "),
            "ملتقى التمكين الاجتماعي"
        );
        assert_eq!(clean("\u{202B}جازان\u{202C}\u{200F}"), "جازان");
        assert_eq!(clean("\u{2067}abc\u{2069} \u{200E}"), "abc");
        assert_eq!(clean("\u{FEFF}"), "");
        assert_eq!(char_len("جازان"), 5);
    }

    #[test]
    fn search_key_folds_the_usual_spelling_variants() {
        assert_eq!(search_key("فاطمة"), search_key("فاطمه"));
        assert_eq!(search_key("أحمد"), search_key("احمد"));
        assert_eq!(search_key("إبراهيم"), "ابراهيم");
        assert_eq!(search_key("آمنة"), "امنه");
        assert_eq!(search_key("عبد الله"), search_key("عبدالله"));
        assert_eq!(search_key("عبد  الرحمن بن علي"), "عبدالرحمن بن علي");
        assert_eq!(search_key("مُحَمَّد"), "محمد");
        assert_eq!(search_key("مـحـمـد"), "محمد");
        assert_eq!(search_key("مصطفى"), "مصطفي");
        assert_eq!(search_key("هيئة"), "هييه");
        assert_eq!(search_key("مؤمن"), "مومن");
        assert_eq!(search_key("١٠١٢٣"), "10123");
        assert_eq!(search_key("\u{202B}Sara\u{202C}"), "sara");
        // «عبد» alone or before a name without «ال» keeps its space.
        assert_eq!(search_key("عبد ربه"), "عبد ربه");
    }

    #[test]
    fn match_words_join_compounds_and_drop_the_article() {
        let w = |s: &str| match_words(&search_key(s));
        assert_eq!(w("أحمد الصميلي"), ["احمد", "صميلي"]);
        assert_eq!(w("أحمد صميلي"), w("أحمد الصميلي"));
        assert_eq!(w("عبد العزيز"), w("عبدالعزيز"));
        assert_eq!(w("عبد ربه"), w("عبدربه"));
        assert_eq!(w("أبو طالب"), w("ابوطالب"));
        assert_eq!(w("تركي بن فيصل آل سعود"), ["تركي", "بن", "فيصل", "سعود"]);
        assert_eq!(w("تركي السعود"), ["تركي", "سعود"]);
        assert_eq!(w("ال"), ["ال"], "a lone article stays a (short) word");
        assert_eq!(strip_article("الي"), "الي");
    }

    #[test]
    fn arabic_indic_and_persian_digits_become_latin() {
        assert_eq!(latin_digits("١٤٤١"), "1441");
        assert_eq!(latin_digits("۰۱۲۳۴۵۶۷۸۹"), "0123456789");
        assert_eq!(latin_digits("يوم ٢ من 3"), "يوم 2 من 3");
    }

    #[test]
    fn counted_nouns_agree_with_their_number() {
        assert_eq!(counted(1, &HOURS), "ساعة تدريبية واحدة");
        assert_eq!(counted(2, &HOURS), "ساعتين تدريبيتين");
        assert_eq!(counted(3, &HOURS), "3 ساعات تدريبية");
        assert_eq!(counted(10, &HOURS), "10 ساعات تدريبية");
        assert_eq!(counted(11, &HOURS), "11 ساعة تدريبية");
        assert_eq!(counted(40, &HOURS), "40 ساعة تدريبية");
        assert_eq!(counted(100, &HOURS), "100 ساعة تدريبية");
        assert_eq!(counted(105, &HOURS), "105 ساعات تدريبية");
        assert_eq!(counted(120, &HOURS), "120 ساعة تدريبية");
        assert_eq!(counted(0, &HOURS), "0 ساعة تدريبية");
        assert_eq!(counted(5, &MINUTES), "5 دقائق");
        assert_eq!(counted(11, &MINUTES), "11 دقيقة");
        assert_eq!(counted(2, &MINUTES), "دقيقتين");
        assert_eq!(counted(7, &SECONDS), "7 ثوانٍ");
        assert_eq!(counted(12, &PEOPLE), "12 شخصًا");
        assert_eq!(counted(100, &PEOPLE), "100 شخص");
        assert_eq!(counted(1000, &CHARACTERS), "1000 حرف");
        assert_eq!(counted(120, &CHARACTERS), "120 حرفًا");
        assert_eq!(counted(103, &CHARACTERS), "103 أحرف");
        assert_eq!(counted(200, &ELIGIBLE), "200 مستحقّ");
        assert_eq!(counted(300, &ERRORS), "300 خطأ");
        assert_eq!(counted(101, &BOOTHS), "101 ركن");
    }
}
