//! IANA time zones, checked against the tz database compiled into the binary (Lambda images and
//! minimal containers may have no /usr/share/zoneinfo).

use std::fmt;
use std::str::FromStr;

use jiff::tz::TimeZone;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Clone)]
pub struct Timezone {
    name: String,
    tz: TimeZone,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown IANA time zone {0:?} (expected a name such as Europe/London or America/New_York)")]
pub struct InvalidTimezone(pub String);

impl Timezone {
    pub fn parse(name: &str) -> Result<Self, InvalidTimezone> {
        let name = name.trim();
        // Offsets and abbreviations ("EST", "+02:00") are not zones: they have no DST rules.
        if name.is_empty() || !(name.contains('/') || name == "UTC") {
            return Err(InvalidTimezone(name.to_owned()));
        }
        let tz = jiff::tz::db()
            .get(name)
            .map_err(|_| InvalidTimezone(name.to_owned()))?;
        Ok(Self {
            name: tz.iana_name().unwrap_or(name).to_owned(),
            tz,
        })
    }

    pub fn utc() -> Self {
        Self {
            name: "UTC".to_owned(),
            tz: TimeZone::UTC,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn tz(&self) -> &TimeZone {
        &self.tz
    }
}

impl PartialEq for Timezone {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}
impl Eq for Timezone {}

impl fmt::Debug for Timezone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timezone({})", self.name)
    }
}

impl fmt::Display for Timezone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl FromStr for Timezone {
    type Err = InvalidTimezone;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for Timezone {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name)
    }
}

impl<'de> Deserialize<'de> for Timezone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_real_zones() {
        assert_eq!(
            Timezone::parse("Europe/London").unwrap().name(),
            "Europe/London"
        );
        assert_eq!(
            Timezone::parse("America/Argentina/Buenos_Aires")
                .unwrap()
                .name(),
            "America/Argentina/Buenos_Aires"
        );
        assert_eq!(Timezone::parse("UTC").unwrap(), Timezone::utc());
    }

    #[test]
    fn rejects_unknown_names_and_offsets() {
        assert!(Timezone::parse("Mars/Olympus_Mons").is_err());
        assert!(Timezone::parse("EST").is_err());
        assert!(Timezone::parse("+02:00").is_err());
        assert!(Timezone::parse("").is_err());
    }

    #[test]
    fn applies_daylight_saving() {
        let ny = Timezone::parse("America/New_York").unwrap();
        let winter: jiff::Timestamp = "2026-01-15T17:00:00Z".parse().unwrap();
        let summer: jiff::Timestamp = "2026-07-15T17:00:00Z".parse().unwrap();
        assert_eq!(winter.to_zoned(ny.tz().clone()).hour(), 12);
        assert_eq!(summer.to_zoned(ny.tz().clone()).hour(), 13);
    }
}
