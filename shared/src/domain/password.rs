//! The minimum password strength for people who log in to the admin API.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WeakPassword {
    #[error("must be at least {0} characters long")]
    TooShort(usize),
    #[error("must be at most {0} characters long")]
    TooLong(usize),
    #[error("is too common or too repetitive")]
    TooCommon,
    #[error("must not contain the email address")]
    ContainsEmail,
}

pub const MIN_LENGTH: usize = 10;
/// argon2 hashes any length, but unbounded input is a denial-of-service lever.
pub const MAX_LENGTH: usize = 256;

const COMMON: &[&str] = &[
    "password", "passw0rd", "123456", "qwerty", "letmein", "welcome", "admin", "iloveyou",
    "monkey", "dragon", "football", "abc123", "changeme", "opbx",
];

pub fn check_strength(password: &str, email: &str) -> Result<(), WeakPassword> {
    let chars = password.chars().count();
    if chars < MIN_LENGTH {
        return Err(WeakPassword::TooShort(MIN_LENGTH));
    }
    if chars > MAX_LENGTH {
        return Err(WeakPassword::TooLong(MAX_LENGTH));
    }
    let lower = password.to_lowercase();
    let distinct = {
        let mut c: Vec<char> = lower.chars().collect();
        c.sort_unstable();
        c.dedup();
        c.len()
    };
    // A password made of a common word plus digits ("Password2024!") is still guessed first.
    let stripped: String = lower.chars().filter(|c| c.is_alphabetic()).collect();
    let common = COMMON
        .iter()
        .any(|w| stripped == *w || (lower.starts_with(w) && stripped.len() <= w.len() + 1));
    if distinct < 4 || common {
        return Err(WeakPassword::TooCommon);
    }
    let local = email.split('@').next().unwrap_or("").to_lowercase();
    if local.len() >= 3 && lower.contains(&local) {
        return Err(WeakPassword::ContainsEmail);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_reasonable_passwords() {
        assert_eq!(
            check_strength("correct horse battery", "ann@example.com"),
            Ok(())
        );
        assert_eq!(check_strength("Tr0ub4dor&3x", "ann@example.com"), Ok(()));
    }

    #[test]
    fn rejects_weak_ones_with_a_reason() {
        assert_eq!(
            check_strength("short1!", "a@b.c"),
            Err(WeakPassword::TooShort(MIN_LENGTH))
        );
        assert_eq!(
            check_strength("aaaaaaaaaaaa", "a@b.c"),
            Err(WeakPassword::TooCommon)
        );
        assert_eq!(
            check_strength("Password2024!", "a@b.c"),
            Err(WeakPassword::TooCommon)
        );
        assert_eq!(
            check_strength("1234567890", "a@b.c"),
            Err(WeakPassword::TooCommon)
        );
        assert_eq!(
            check_strength("annabelle-rocks-99", "annabelle@example.com"),
            Err(WeakPassword::ContainsEmail)
        );
        assert_eq!(
            check_strength(&"x1".repeat(200), "a@b.c"),
            Err(WeakPassword::TooLong(MAX_LENGTH))
        );
    }
}
