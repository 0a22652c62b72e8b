//! Badge codes: 6 random characters from an alphabet without look-alikes (no 0/O, 1/I, Z/2, and
//! no B, which an Arabic keyboard layout turns into «لا»), plus a Luhn mod 30 check character,
//! so a mistyped or misread code is caught at the desk instead of finding the wrong person.
//! (Luhn mod N needs an even N: only then is doubling a permutation.)

pub const ALPHABET: &[u8; 30] = b"23456789ACDEFGHJKLMNPQRSTUVWXY";
pub const BODY_LEN: usize = 6;
pub const CODE_LEN: usize = BODY_LEN + 1;

fn value(c: u8) -> Option<usize> {
    ALPHABET.iter().position(|&a| a == c)
}

/// The Luhn mod N check character for `body`.
pub fn check_char(body: &[u8]) -> Option<u8> {
    let n = ALPHABET.len();
    let mut factor = 2;
    let mut sum = 0;
    for &c in body.iter().rev() {
        let mut addend = factor * value(c)?;
        factor = if factor == 2 { 1 } else { 2 };
        addend = addend / n + addend % n;
        sum += addend;
    }
    Some(ALPHABET[(n - sum % n) % n])
}

/// A new random code (the caller retries on the rare collision inside a forum).
pub fn generate() -> String {
    let random = uuid::Uuid::new_v4();
    let bytes = random.as_bytes();
    let body: Vec<u8> = bytes
        .iter()
        .take(BODY_LEN)
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()])
        .collect();
    let check = check_char(&body).unwrap_or(ALPHABET[0]);
    let mut code = String::from_utf8(body).unwrap_or_default();
    code.push(char::from(check));
    code
}

/// What a scanner or a person typed, cleaned: upper case, no spaces or dashes, Arabic-Indic
/// digits made Latin.
pub fn normalize(input: &str) -> String {
    crate::text::latin_digits(&crate::text::clean(input))
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_'))
        .flat_map(char::to_uppercase)
        .collect()
}

/// True when `code` (already normalised) has the right length, alphabet and check character.
pub fn is_valid(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == CODE_LEN && check_char(&b[..BODY_LEN]) == Some(b[BODY_LEN])
}

/// Could this text be meant as a badge code (right length, Latin letters/digits)? Used to tell a
/// scan from a name typed into the same field.
pub fn looks_like_code(normalized: &str) -> bool {
    normalized.len() == CODE_LEN && normalized.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_are_valid_and_unambiguous() {
        for _ in 0..2000 {
            let c = generate();
            assert_eq!(c.len(), CODE_LEN);
            assert!(is_valid(&c), "{c}");
            assert!(!c.contains(['0', 'O', '1', 'I', 'B', 'Z']), "{c}");
        }
    }

    fn with_check(body: &str) -> String {
        format!("{body}{}", char::from(check_char(body.as_bytes()).unwrap()))
    }

    #[test]
    fn any_single_substitution_or_adjacent_swap_is_caught() {
        for body in ["K7M4QX", "234567", "YXWVUT", "A2C3D4", "HJKLMN", "2Y2Y2Y"] {
            check_detects_errors(&with_check(body));
        }
    }

    fn check_detects_errors(code: &str) {
        let bytes = code.as_bytes().to_vec();
        for i in 0..CODE_LEN {
            for &a in ALPHABET.iter() {
                if a == bytes[i] {
                    continue;
                }
                let mut m = bytes.clone();
                m[i] = a;
                assert!(
                    !is_valid(std::str::from_utf8(&m).unwrap()),
                    "{code} → substitution at {i}"
                );
            }
        }
        for i in 0..CODE_LEN - 1 {
            // Luhn mod N misses exactly one swap: the first and last symbols ('2' and 'Y').
            let pair = [bytes[i], bytes[i + 1]];
            if bytes[i] == bytes[i + 1] || pair == *b"2Y" || pair == *b"Y2" {
                continue;
            }
            let mut m = bytes.clone();
            m.swap(i, i + 1);
            assert!(
                !is_valid(std::str::from_utf8(&m).unwrap()),
                "{code} → swap at {i}"
            );
        }
    }

    #[test]
    fn normalize_cleans_scanner_and_keyboard_input() {
        let code = generate();
        assert_eq!(normalize(&format!(" {} ", code.to_lowercase())), code);
        assert_eq!(normalize("ab-٣٤ 5"), "AB345");
        assert!(looks_like_code(&code));
        assert!(!looks_like_code("فاطمة"));
    }
}
