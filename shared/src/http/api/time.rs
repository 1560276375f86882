//! Times in API answers are RFC 3339 UTC strings (`2026-03-01T09:30:00.123Z`); the stores keep
//! epoch milliseconds. Views hold [`UtcTime`]; query parameters are parsed with [`parse_time`].

use serde::{Serialize, Serializer};
use utoipa::openapi::schema::{AnyOf, KnownFormat, Object, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

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

/// The OpenAPI schema of a time query parameter: an RFC 3339 instant or a date. Documents
/// parameters that are read as text.
pub struct TimeParam;

/// Like [`TimeParam`], or a local date-time (`2026-03-01T09:00`) in the organization's zone.
pub struct LocalTimeParam;

fn date() -> ObjectBuilder {
    Object::builder()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
}

fn instant() -> ObjectBuilder {
    Object::builder()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
}

impl PartialSchema for TimeParam {
    fn schema() -> RefOr<Schema> {
        AnyOf::builder().item(instant()).item(date()).into()
    }
}
impl ToSchema for TimeParam {}

impl PartialSchema for LocalTimeParam {
    fn schema() -> RefOr<Schema> {
        let local = Object::builder()
            .schema_type(Type::String)
            .pattern(Some(
                r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$",
            ));
        AnyOf::builder()
            .item(instant())
            .item(date())
            .item(local)
            .into()
    }
}
impl ToSchema for LocalTimeParam {}

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
