//! Internal extension numbers: 2–8 digits, dialled by phones registered as Cloudonix subscribers.

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ExtensionNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidExtensionNumber {
    #[error("must contain only digits")]
    NotDigits,
    #[error("must have between 2 and 8 digits")]
    BadLength,
}

impl ExtensionNumber {
    pub const MIN_DIGITS: usize = 2;
    pub const MAX_DIGITS: usize = 8;

    pub fn parse(input: &str) -> Result<Self, InvalidExtensionNumber> {
        let s = input.trim();
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InvalidExtensionNumber::NotDigits);
        }
        if !(Self::MIN_DIGITS..=Self::MAX_DIGITS).contains(&s.len()) {
            return Err(InvalidExtensionNumber::BadLength);
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::parsed_string!(ExtensionNumber, InvalidExtensionNumber);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_short_digit_strings() {
        assert_eq!(ExtensionNumber::parse("101").unwrap().as_str(), "101");
        assert_eq!(ExtensionNumber::parse(" 0042 ").unwrap().as_str(), "0042");
        assert_eq!(
            ExtensionNumber::parse("12345678").unwrap().as_str(),
            "12345678"
        );
    }

    #[test]
    fn rejects_everything_else() {
        assert_eq!(
            ExtensionNumber::parse("1"),
            Err(InvalidExtensionNumber::BadLength)
        );
        assert_eq!(
            ExtensionNumber::parse("123456789"),
            Err(InvalidExtensionNumber::BadLength)
        );
        assert_eq!(
            ExtensionNumber::parse(""),
            Err(InvalidExtensionNumber::BadLength)
        );
        assert_eq!(
            ExtensionNumber::parse("ext-13"),
            Err(InvalidExtensionNumber::NotDigits)
        );
        assert_eq!(
            ExtensionNumber::parse("+101"),
            Err(InvalidExtensionNumber::NotDigits)
        );
        assert_eq!(
            ExtensionNumber::parse("1 01"),
            Err(InvalidExtensionNumber::NotDigits)
        );
    }
}
