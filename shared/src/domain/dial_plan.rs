//! Outbound dial plans: which route a dialled string takes and what number leaves the trunk.
//!
//! A route matches by `prefix` (the dialled digits start with the value) or by `pattern`, in the
//! notation PBX admins know from Asterisk and FreePBX: `X` any digit, `Z` 1-9, `N` 2-9,
//! `[1-5]` / `[147]` a set, a literal digit (or `+`, `*`, `#`) itself, and a final `.` one or more
//! further characters; without `.` the whole dialled string must match. A leading `_` is
//! tolerated.

use super::e164::E164;
use super::model::{OutboundMatch, OutboundRoute};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DialPlanError {
    #[error("a pattern may contain only digits, + * #, X Z N, [sets] and a final '.'")]
    BadPattern,
    #[error("a prefix may contain only digits and + * #")]
    BadPrefix,
    #[error("the number after stripping and prepending ({0}) is not E.164")]
    NotE164(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Literal(char),
    Set(Vec<char>),
    Rest,
}

fn dial_char(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '+' | '*' | '#')
}

fn compile(pattern: &str) -> Result<Vec<Token>, DialPlanError> {
    let body = pattern.strip_prefix('_').unwrap_or(pattern);
    let mut tokens = Vec::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        let token = match c.to_ascii_uppercase() {
            'X' => Token::Set(('0'..='9').collect()),
            'Z' => Token::Set(('1'..='9').collect()),
            'N' => Token::Set(('2'..='9').collect()),
            '.' if chars.peek().is_none() => Token::Rest,
            '[' => Token::Set(set(&mut chars)?),
            c if dial_char(c) => Token::Literal(c),
            _ => return Err(DialPlanError::BadPattern),
        };
        tokens.push(token);
    }
    if tokens.is_empty() {
        return Err(DialPlanError::BadPattern);
    }
    Ok(tokens)
}

fn set(chars: &mut std::iter::Peekable<std::str::Chars>) -> Result<Vec<char>, DialPlanError> {
    let mut members = Vec::new();
    let mut prev: Option<char> = None;
    loop {
        match chars.next().ok_or(DialPlanError::BadPattern)? {
            ']' if !members.is_empty() => return Ok(members),
            '-' => {
                let from = prev.take().ok_or(DialPlanError::BadPattern)?;
                let to = chars
                    .next()
                    .filter(char::is_ascii_digit)
                    .ok_or(DialPlanError::BadPattern)?;
                if to < from {
                    return Err(DialPlanError::BadPattern);
                }
                members.extend((from..=to).skip(1));
            }
            c if c.is_ascii_digit() => {
                members.push(c);
                prev = Some(c);
            }
            _ => return Err(DialPlanError::BadPattern),
        }
    }
}

/// Checks what an admin typed before it is saved.
pub fn validate(kind: OutboundMatch, value: &str) -> Result<(), DialPlanError> {
    match kind {
        OutboundMatch::Pattern => compile(value).map(drop),
        OutboundMatch::Prefix if !value.is_empty() && value.chars().all(dial_char) => Ok(()),
        OutboundMatch::Prefix => Err(DialPlanError::BadPrefix),
    }
}

/// Digits, `+`, `*` and `#` of what a phone dialled; the spaces and dashes of `+1 212-555…` are
/// not part of the number.
pub fn normalise(dialled: &str) -> String {
    dialled.chars().filter(|c| dial_char(*c)).collect()
}

/// Whether `dialled` (normalised) takes this route. A stored value that no longer compiles never
/// matches rather than matching everything.
pub fn matches(kind: OutboundMatch, value: &str, dialled: &str) -> bool {
    match kind {
        OutboundMatch::Prefix => !value.is_empty() && dialled.starts_with(value),
        OutboundMatch::Pattern => compile(value).is_ok_and(|tokens| match_tokens(&tokens, dialled)),
    }
}

fn match_tokens(tokens: &[Token], dialled: &str) -> bool {
    let mut chars = dialled.chars();
    for t in tokens {
        match t {
            Token::Rest => return chars.next().is_some(),
            Token::Literal(l) if chars.next() == Some(*l) => {}
            Token::Set(s) if chars.next().is_some_and(|c| s.contains(&c)) => {}
            _ => return false,
        }
    }
    chars.next().is_none()
}

/// The number a route sends to its trunk: strip leading digits, prepend, and insist on E.164.
pub fn transform(route: &OutboundRoute, dialled: &str) -> Result<E164, DialPlanError> {
    let kept: String = dialled
        .chars()
        .skip(route.strip_digits.max(0) as usize)
        .collect();
    let out = format!("{}{kept}", route.prepend);
    E164::parse(&out).map_err(|_| DialPlanError::NotE164(out))
}

/// The first active route (in the order given: priority) that `dialled` takes.
pub fn select<'a>(routes: &'a [OutboundRoute], dialled: &str) -> Option<&'a OutboundRoute> {
    let dialled = normalise(dialled);
    routes.iter().find(|r| {
        r.status == super::model::Status::Active && matches(r.match_kind, &r.match_value, &dialled)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use OutboundMatch::{Pattern, Prefix};

    #[test]
    fn patterns_match_whole_numbers_with_classes_sets_and_rest() {
        assert!(matches(Pattern, "NXXNXXXXXX", "2125550100"));
        assert!(!matches(Pattern, "NXXNXXXXXX", "1125550100"), "N is 2-9");
        assert!(!matches(Pattern, "NXXNXXXXXX", "21255501001"), "too long");
        assert!(!matches(Pattern, "NXXNXXXXXX", "212555010"), "too short");
        assert!(matches(Pattern, "_07XXXXXXXXX", "07700900123"));
        assert!(matches(Pattern, "9.", "912125550100"));
        assert!(!matches(Pattern, "9.", "9"), "'.' needs at least one more");
        assert!(matches(Pattern, "[2-4]1", "31"));
        assert!(!matches(Pattern, "[2-4]1", "51"));
        assert!(matches(Pattern, "[147]Z", "79"));
        assert!(matches(Pattern, "+44.", "+442079460000"));
    }

    #[test]
    fn prefixes_match_the_start() {
        assert!(matches(Prefix, "+1", "+12125550100"));
        assert!(!matches(Prefix, "+1", "+442079460000"));
        assert!(!matches(Prefix, "", "+1"));
    }

    #[test]
    fn invalid_patterns_are_rejected_and_never_match() {
        for bad in ["", "_", "9.X", "abc", "[", "[]", "[5-2]", "[a]", "1.2"] {
            assert_eq!(
                validate(Pattern, bad),
                Err(DialPlanError::BadPattern),
                "{bad}"
            );
            assert!(!matches(Pattern, bad, "912"), "{bad}");
        }
        assert_eq!(validate(Prefix, "9 1"), Err(DialPlanError::BadPrefix));
        assert_eq!(validate(Pattern, "_9NXX."), Ok(()));
    }

    #[test]
    fn normalise_keeps_what_a_trunk_can_dial() {
        assert_eq!(normalise("+1 (212) 555-0100"), "+12125550100");
        assert_eq!(normalise("*72#"), "*72#");
    }
}
