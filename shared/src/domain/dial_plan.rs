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

/// A call allowed to leave: the route it takes, the number its trunk dials and the caller id it
/// presents.
#[derive(Debug, Clone, PartialEq)]
pub struct Outward<'a> {
    pub route: &'a OutboundRoute,
    pub number: E164,
    pub caller_id: E164,
}

/// Why a call may not leave.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutwardRefused {
    #[error("no active outbound route matches {0}")]
    NoRoute(String),
    #[error("outbound route '{route}': {error}")]
    Transform { route: String, error: DialPlanError },
    #[error("outbound route '{0}' has no caller id and the organization has no default caller id")]
    NoCallerId(String),
}

/// The one rule every call OpBX sends outward passes, whatever sent it (a phone dialling out, a
/// forwarding, an IVR option, a fallback): an active route matches, its transformation gives an
/// E.164 number, and there is a caller id to present — `presented` first (the number an
/// inbound call came in on), then the route's, then the organization's default. Never an
/// extension number: carriers refuse those.
pub fn outward<'a>(
    routes: &'a [OutboundRoute],
    dialled: &str,
    presented: Option<&E164>,
    default_caller_id: Option<&E164>,
) -> Result<Outward<'a>, OutwardRefused> {
    let route =
        select(routes, dialled).ok_or_else(|| OutwardRefused::NoRoute(dialled.to_owned()))?;
    let number =
        transform(route, &normalise(dialled)).map_err(|error| OutwardRefused::Transform {
            route: route.name.clone(),
            error,
        })?;
    let caller_id = presented
        .or(route.caller_id.as_ref())
        .or(default_caller_id)
        .cloned()
        .ok_or_else(|| OutwardRefused::NoCallerId(route.name.clone()))?;
    Ok(Outward {
        route,
        number,
        caller_id,
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

    fn route(name: &str, prefix: &str, caller_id: Option<&str>) -> OutboundRoute {
        OutboundRoute {
            id: crate::domain::ids::OutboundRouteId::new(),
            organization_id: crate::domain::ids::OrgId::new(),
            name: name.into(),
            priority: 0,
            match_kind: Prefix,
            match_value: prefix.into(),
            strip_digits: 0,
            prepend: String::new(),
            trunk: "carrier".into(),
            caller_id: caller_id.map(|c| E164::parse(c).unwrap()),
            status: crate::domain::model::Status::Active,
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn outward_calls_need_a_route_and_a_caller_id_never_an_extension_number() {
        let e = |s: &str| E164::parse(s).unwrap();
        let routes = [
            route("US", "+1", None),
            route("UK", "+44", Some("+442079460001")),
        ];
        assert_eq!(
            outward(&routes, "+882345678901", Some(&e("+12125550100")), None),
            Err(OutwardRefused::NoRoute("+882345678901".into()))
        );
        assert_eq!(
            outward(&routes, "+14155550123", None, None),
            Err(OutwardRefused::NoCallerId("US".into()))
        );
        let via_default = outward(&routes, "+14155550123", None, Some(&e("+12125550199"))).unwrap();
        assert_eq!(via_default.caller_id, e("+12125550199"));
        assert_eq!(via_default.route.name, "US");
        let uk = outward(&routes, "+442079460123", None, Some(&e("+12125550199"))).unwrap();
        assert_eq!(
            uk.caller_id,
            e("+442079460001"),
            "the route's caller id before the default"
        );
        let forwarded = outward(&routes, "+442079460123", Some(&e("+12125550103")), None).unwrap();
        assert_eq!(
            forwarded.caller_id,
            e("+12125550103"),
            "the DID the call came in on first"
        );
        assert_eq!(forwarded.number, e("+442079460123"));
    }
}
