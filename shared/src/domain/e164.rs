//! E.164 telephone numbers: `+` followed by 7–15 digits, the first not zero.

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct E164(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidE164 {
    #[error("must start with + and the country code, e.g. +12125550100")]
    MissingPlus,
    #[error("may contain only digits, spaces, dots, dashes and parentheses after the +")]
    BadCharacter,
    #[error("must have between 7 and 15 digits")]
    BadLength,
    #[error("the country code cannot start with 0")]
    LeadingZero,
}

impl E164 {
    /// Accepts what people type (`+1 (212) 555-0100`, `00 44 20 7946 0000`) and keeps only `+digits`.
    pub fn parse(input: &str) -> Result<Self, InvalidE164> {
        let trimmed = input.trim();
        let rest = if let Some(rest) = trimmed.strip_prefix('+') {
            rest
        } else if let Some(rest) = trimmed.strip_prefix("00") {
            rest
        } else {
            return Err(InvalidE164::MissingPlus);
        };
        let mut digits = String::with_capacity(16);
        digits.push('+');
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '.' | '(' | ')' => {}
                _ => return Err(InvalidE164::BadCharacter),
            }
        }
        let count = digits.len() - 1;
        if !(7..=15).contains(&count) {
            return Err(InvalidE164::BadLength);
        }
        if digits.as_bytes()[1] == b'0' {
            return Err(InvalidE164::LeadingZero);
        }
        Ok(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The digits without the leading `+`.
    pub fn digits(&self) -> &str {
        &self.0[1..]
    }
}

crate::parsed_string!(E164, InvalidE164);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_what_people_type() {
        assert_eq!(
            E164::parse("+1 (212) 555-0100").unwrap().as_str(),
            "+12125550100"
        );
        assert_eq!(
            E164::parse(" +44 20.7946.0000 ").unwrap().as_str(),
            "+442079460000"
        );
        assert_eq!(
            E164::parse("0044 20 7946 0000").unwrap().as_str(),
            "+442079460000"
        );
        assert_eq!(E164::parse("+12125550100").unwrap().digits(), "12125550100");
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(E164::parse("2125550100"), Err(InvalidE164::MissingPlus));
        assert_eq!(E164::parse(""), Err(InvalidE164::MissingPlus));
        assert_eq!(
            E164::parse("+1 212 CALL-NOW"),
            Err(InvalidE164::BadCharacter)
        );
        assert_eq!(E164::parse("+1212<Dial>"), Err(InvalidE164::BadCharacter));
        assert_eq!(E164::parse("+123456"), Err(InvalidE164::BadLength));
        assert_eq!(
            E164::parse("+1234567890123456"),
            Err(InvalidE164::BadLength)
        );
        assert_eq!(E164::parse("+0123456789"), Err(InvalidE164::LeadingZero));
        assert_eq!(E164::parse("+"), Err(InvalidE164::BadLength));
    }

    #[test]
    fn serde_validates_on_the_way_in() {
        let n: E164 = serde_json::from_str("\"+1 212 555 0100\"").unwrap();
        assert_eq!(serde_json::to_string(&n).unwrap(), "\"+12125550100\"");
        assert!(serde_json::from_str::<E164>("\"555-0100\"").is_err());
    }
}
