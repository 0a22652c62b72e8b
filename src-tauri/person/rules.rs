//! Saudi identity rules for people: national ID / iqama (10 digits, 1 or 2 first, Luhn check
//! digit), mobile numbers normalised to `05XXXXXXXX`, and full names (Arabic, 2–6 parts).

use crate::text;

/// Why a value was refused, in Arabic, ready for a form or an import report.
pub type RuleError = String;

fn digits_only(s: &str) -> String {
    text::latin_digits(&text::clean(s))
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.' | '/'))
        .collect()
}

/// The Luhn check over all ten digits (the last one is the check digit).
pub fn luhn_ok(digits: &str) -> bool {
    let mut sum = 0;
    for (i, c) in digits.chars().enumerate() {
        let Some(d) = c.to_digit(10) else {
            return false;
        };
        // Counting from the left of a 10-digit number, even positions are doubled.
        let v = if i % 2 == 0 { d * 2 } else { d };
        sum += if v > 9 { v - 9 } else { v };
    }
    sum % 10 == 0
}

/// The check digit that makes `nine` (9 digits) a valid ID.
pub fn luhn_check_digit(nine: &str) -> Option<char> {
    (0..10u8)
        .map(|d| format!("{nine}{d}"))
        .find(|candidate| luhn_ok(candidate))
        .and_then(|c| c.chars().last())
}

/// A national ID (starts with 1) or iqama (starts with 2), as 10 Latin digits.
pub fn national_id(input: &str) -> Result<String, RuleError> {
    let d = digits_only(input);
    if d.chars().any(|c| !c.is_ascii_digit()) {
        return Err("رقم الهوية يجب أن يتكون من أرقام فقط".into());
    }
    if d.len() != 10 {
        return Err(format!(
            "رقم الهوية يجب أن يكون 10 أرقام (المدخل {})",
            crate::text::counted(d.len() as u64, &crate::text::DIGITS)
        ));
    }
    if !d.starts_with('1') && !d.starts_with('2') {
        return Err("رقم الهوية يبدأ بـ 1 للمواطن أو 2 للمقيم".into());
    }
    if !luhn_ok(&d) {
        return Err("رقم الهوية غير صحيح (رقم التحقق لا يطابق)؛ راجع الأرقام".into());
    }
    Ok(d)
}

/// A Saudi mobile number in the form `05XXXXXXXX`, from `+9665…`, `009665…`, `9665…`, `05…`
/// or `5…`, with any digits and separators.
pub fn mobile(input: &str) -> Result<String, RuleError> {
    let mut d = digits_only(input);
    if let Some(rest) = d.strip_prefix('+') {
        d = rest.to_string();
    }
    if d.chars().any(|c| !c.is_ascii_digit()) {
        return Err("رقم الجوال يجب أن يتكون من أرقام فقط".into());
    }
    let local = if let Some(rest) = d.strip_prefix("00966") {
        format!("0{rest}")
    } else if let Some(rest) = d.strip_prefix("966") {
        format!("0{rest}")
    } else if d.starts_with('5') && d.len() == 9 {
        format!("0{d}")
    } else {
        d
    };
    if local.len() == 10 && local.starts_with("05") {
        Ok(local)
    } else {
        Err("رقم الجوال غير صحيح؛ اكتبه بالصيغة 05XXXXXXXX".into())
    }
}

pub const MAX_NAME_CHARS: usize = 120;

fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0621}'..='\u{065F}' | '\u{0670}'..='\u{06D3}')
}

/// A full Arabic name of 2 to 6 parts, cleaned. «عبد الله», «أبو طالب» and «آل سعود» count as
/// one part, and the lineage words بن، بنت، ابن do not count, so a formal name
/// («تركي بن فيصل بن عبدالعزيز آل سعود») is accepted.
pub fn full_name(input: &str) -> Result<String, RuleError> {
    let name = text::clean(input);
    if name.is_empty() {
        return Err("الاسم مطلوب".into());
    }
    if text::char_len(&name) > MAX_NAME_CHARS {
        return Err(format!("الاسم أطول من الحد المسموح ({MAX_NAME_CHARS} حرفًا)"));
    }
    if name
        .chars()
        .any(|c| c.is_ascii_digit() || ('\u{0660}'..='\u{0669}').contains(&c))
    {
        return Err("الاسم لا يصح أن يحتوي على أرقام".into());
    }
    if !name.chars().all(|c| c == ' ' || is_arabic_letter(c)) {
        return Err("اكتب الاسم بالحروف العربية".into());
    }
    let parts = text::match_words(&text::search_key(&name))
        .iter()
        .filter(|w| !text::LINEAGE.contains(&w.as_str()))
        .count();
    if parts < 2 {
        return Err("اكتب الاسم ثنائيًا على الأقل (الاسم واسم الأب أو العائلة)".into());
    }
    if parts > 6 {
        return Err("الاسم أطول من ستة أجزاء؛ اكتفِ بالاسم الرباعي أو الخماسي".into());
    }
    Ok(name)
}

/// `m` / `f` from what people type (ذكر، أنثى، male, F …); `None` when blank.
pub fn gender(input: &str) -> Result<Option<&'static str>, RuleError> {
    let g = text::search_key(input);
    match g.as_str() {
        "" => Ok(None),
        "m" | "male" | "ذكر" | "رجل" | "م" => Ok(Some("m")),
        "f" | "female" | "انثي" | "امراه" | "ا" | "ف" => Ok(Some("f")),
        _ => Err("الجنس: اكتب «ذكر» أو «أنثى»".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a valid ID from 9 digits, using the Luhn rule.
    fn valid(nine: &str) -> String {
        format!("{nine}{}", luhn_check_digit(nine).unwrap())
    }

    #[test]
    fn national_ids() {
        let id = valid("101234567");
        assert_eq!(national_id(&id), Ok(id.clone()));
        // Arabic-Indic digits and stray bidi marks are accepted.
        let arabic: String = id
            .chars()
            .map(|c| char::from_u32(0x0660 + c.to_digit(10).unwrap()).unwrap())
            .collect();
        assert_eq!(national_id(&format!("\u{200F}{arabic}")), Ok(id.clone()));
        // Wrong check digit.
        let last = id.chars().last().unwrap().to_digit(10).unwrap();
        let wrong = format!("{}{}", &id[..9], (last + 1) % 10);
        assert!(national_id(&wrong).unwrap_err().contains("رقم التحقق"));
        assert!(national_id("3012345678").unwrap_err().contains("يبدأ"));
        assert!(national_id("12345").unwrap_err().contains("10 أرقام"));
        assert!(national_id("10123456a8").unwrap_err().contains("أرقام فقط"));
        let iqama = valid("212345678");
        assert_eq!(national_id(&iqama), Ok(iqama.clone()));
    }

    #[test]
    fn luhn_agrees_with_a_known_valid_number() {
        // 1000000008: 1*2=2, +8 = 10 → valid.
        assert!(luhn_ok("1000000008"));
        assert!(!luhn_ok("1000000009"));
    }

    #[test]
    fn mobiles_are_normalised() {
        for input in [
            "0551234567",
            "+966551234567",
            "966551234567",
            "00966551234567",
            "551234567",
            "٠٥٥١٢٣٤٥٦٧",
            "055 123 4567",
            "+966-55-123-4567",
        ] {
            assert_eq!(mobile(input), Ok("0551234567".to_string()), "{input}");
        }
        for bad in ["0451234567", "12345", "05512345678", "abc"] {
            assert!(mobile(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names() {
        assert_eq!(
            full_name("  فاطمة   علي\u{202E} "),
            Ok("فاطمة علي".to_string())
        );
        assert!(full_name("محمد").unwrap_err().contains("ثنائيًا"));
        // «عبد الله» is one part: this is still a two-part name.
        assert_eq!(full_name("عبد الله سالم").map(|_| ()), Ok(()));
        assert!(full_name("عبد الله").unwrap_err().contains("ثنائيًا"));
        assert!(full_name("أ ب ج د هـ و ز").unwrap_err().contains("ستة"));
        assert!(full_name(&"م ".repeat(2500)).unwrap_err().contains("أطول"));
        assert!(full_name("Ahmed Ali").unwrap_err().contains("العربية"));
        assert!(full_name("محمد 2").unwrap_err().contains("أرقام"));
        assert!(full_name("").unwrap_err().contains("مطلوب"));
        assert_eq!(full_name("مُحَمَّد عَلِي").map(|_| ()), Ok(()));
    }

    #[test]
    fn genders() {
        assert_eq!(gender("ذكر"), Ok(Some("m")));
        assert_eq!(gender("أنثى"), Ok(Some("f")));
        assert_eq!(gender("F"), Ok(Some("f")));
        assert_eq!(gender(""), Ok(None));
        assert!(gender("x").is_err());
    }
}
