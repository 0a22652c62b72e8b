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

/// Length as a person counts it (characters, not bytes).
pub fn char_len(s: &str) -> usize {
    s.chars().count()
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
    fn arabic_indic_and_persian_digits_become_latin() {
        assert_eq!(latin_digits("١٤٤١"), "1441");
        assert_eq!(latin_digits("۰۱۲۳۴۵۶۷۸۹"), "0123456789");
        assert_eq!(latin_digits("يوم ٢ من 3"), "يوم 2 من 3");
    }
}
