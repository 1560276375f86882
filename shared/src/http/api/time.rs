//! Times in API answers are RFC 3339 UTC strings (`2026-03-01T09:30:00.123Z`); the stores keep
//! epoch milliseconds. Views hold [`UtcTime`]; query parameters are parsed with [`parse_time`].

use serde::{Serialize, Serializer};
use utoipa::ToSchema;

/// An instant as stored (UTC epoch ms), written as RFC 3339.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ToSchema)]
#[schema(value_type = String, format = DateTime, example = "2026-03-01T09:30:00.123Z")]
pub struct UtcTime(pub i64);

impl From<i64> for UtcTime {
    fn from(ms: i64) -> Self {
        Self(ms)
    }
}

impl Serialize for UtcTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match jiff::Timestamp::from_millisecond(self.0) {
            Ok(t) => s.collect_str(&t),
            Err(_) => s.serialize_none(),
        }
    }
}

/// Epoch ms from an RFC 3339 timestamp (`2026-03-01T09:30:00Z`, any offset) or a plain date
/// (`2026-03-01`, meaning its midnight UTC).
pub fn parse_time(text: &str) -> Option<i64> {
    if let Ok(t) = text.parse::<jiff::Timestamp>() {
        return Some(t.as_millisecond());
    }
    let date = text.parse::<jiff::civil::Date>().ok()?;
    date.to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp().as_millisecond())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_rfc3339() {
        let ms = parse_time("2026-03-01T09:30:00.123Z").unwrap();
        assert_eq!(
            serde_json::to_string(&UtcTime(ms)).unwrap(),
            "\"2026-03-01T09:30:00.123Z\""
        );
        assert_eq!(parse_time("2026-03-01T10:30:00+01:00"), Some(ms - 123));
        assert_eq!(parse_time("2026-03-01"), parse_time("2026-03-01T00:00:00Z"));
        assert_eq!(parse_time("yesterday"), None);
        assert_eq!(parse_time("2026-02-30"), None);
    }
}
