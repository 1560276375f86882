//! An organization's rules for calls that leave it (toll-fraud controls, ARCHITECTURE §6): the
//! caller id outward calls present when their route has none, and how far extensions may forward
//! calls to outside numbers. The outbound routes themselves are in [`super::dial_plan`].

use serde::{Deserialize, Serialize};

use super::e164::E164;
use crate::text_enum;

text_enum! {
    /// Where extensions (forward-always, no-answer) may send calls outside the organization, on
    /// top of the outbound routes every outward call must match: `outbound_routes` (any number
    /// a route allows), `listed_prefixes` (only numbers starting with one of the organization's
    /// forwarding prefixes) or `never`.
    pub enum ExternalForwarding {
        OutboundRoutes => "outbound_routes",
        ListedPrefixes => "listed_prefixes",
        Never => "never",
    }
}

/// A number prefix in E.164 form: `+` and 1 to 15 digits (`+1212`, `+44`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NumberPrefix(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be + followed by 1 to 15 digits, e.g. +1212 or +44")]
pub struct InvalidNumberPrefix;

impl NumberPrefix {
    pub fn parse(input: &str) -> Result<Self, InvalidNumberPrefix> {
        let digits = input.trim().strip_prefix('+').ok_or(InvalidNumberPrefix)?;
        if (1..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(format!("+{digits}")))
        } else {
            Err(InvalidNumberPrefix)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::parsed_string!(NumberPrefix, InvalidNumberPrefix);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallingPolicy {
    /// One of the organization's numbers, presented by outward calls whose route has no caller
    /// id (a forwarded inbound call presents the number it came in on).
    pub default_caller_id: Option<E164>,
    pub external_forwarding: ExternalForwarding,
    /// Used when `external_forwarding` is `listed_prefixes`.
    pub forwarding_prefixes: Vec<NumberPrefix>,
}

/// No default caller id, and forwarding wherever the outbound routes allow.
impl Default for CallingPolicy {
    fn default() -> Self {
        Self {
            default_caller_id: None,
            external_forwarding: ExternalForwarding::OutboundRoutes,
            forwarding_prefixes: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ForwardingRefused {
    #[error("the organization does not let extensions forward calls to outside numbers")]
    Never,
    #[error("{0} does not start with a prefix extensions may forward to")]
    NotListed(String),
}

impl CallingPolicy {
    /// Whether an extension may forward a call to `number` (the outbound routes are checked
    /// apart, for every outward call).
    pub fn may_forward(&self, number: &E164) -> Result<(), ForwardingRefused> {
        match self.external_forwarding {
            ExternalForwarding::OutboundRoutes => Ok(()),
            ExternalForwarding::Never => Err(ForwardingRefused::Never),
            ExternalForwarding::ListedPrefixes => self
                .forwarding_prefixes
                .iter()
                .any(|p| number.as_str().starts_with(p.as_str()))
                .then_some(())
                .ok_or_else(|| ForwardingRefused::NotListed(number.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> E164 {
        E164::parse(s).unwrap()
    }

    #[test]
    fn prefixes_are_plus_and_digits() {
        assert_eq!(NumberPrefix::parse(" +1212 ").unwrap().as_str(), "+1212");
        for bad in ["1212", "+", "+12a", "+1234567890123456", "++1"] {
            assert_eq!(NumberPrefix::parse(bad), Err(InvalidNumberPrefix), "{bad}");
        }
    }

    #[test]
    fn forwarding_follows_the_rule() {
        let mut p = CallingPolicy::default();
        assert_eq!(p.may_forward(&n("+882345678901")), Ok(()));
        p.external_forwarding = ExternalForwarding::Never;
        assert_eq!(
            p.may_forward(&n("+12125550100")),
            Err(ForwardingRefused::Never)
        );
        p.external_forwarding = ExternalForwarding::ListedPrefixes;
        p.forwarding_prefixes = vec![NumberPrefix::parse("+1212").unwrap()];
        assert_eq!(p.may_forward(&n("+12125550100")), Ok(()));
        assert_eq!(
            p.may_forward(&n("+18765550100")),
            Err(ForwardingRefused::NotListed("+18765550100".into()))
        );
    }
}
