//! Typed ids: a `UserId` can never be passed where an `ExtensionId` is expected.
//! Stored as UUIDv7 text so they sort by creation time and bind through sqlx `Any`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid id")]
pub struct InvalidId;

macro_rules! typed_id {
    ($($name:ident),* $(,)?) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.as_hyphenated().fmt(f)
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl FromStr for $name {
            type Err = InvalidId;
            fn from_str(s: &str) -> Result<Self, InvalidId> {
                Uuid::parse_str(s).map(Self).map_err(|_| InvalidId)
            }
        }
    )*};
}

typed_id!(
    OrgId,
    UserId,
    TokenId,
    ExtensionId,
    PhoneNumberId,
    RingGroupId,
    ScheduleId,
    IvrMenuId,
    ConferenceRoomId,
    OutboundRouteId,
    CallLogId,
    CdrId,
    VoicemailId,
    AuditId,
    JobId,
    OperatorId,
    OperatorTokenId,
    PlatformAuditId,
    AccountLinkId,
    RecordingId,
    AnnouncementId,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text() {
        let id = ExtensionId::new();
        let parsed: ExtensionId = id.to_string().parse().unwrap();
        assert_eq!(parsed, id);
        assert_eq!(id.to_string().len(), 36);
    }

    #[test]
    fn garbage_is_not_an_id() {
        assert_eq!("ext-13".parse::<ExtensionId>(), Err(InvalidId));
    }

    #[test]
    fn later_ids_sort_after_earlier_ones() {
        let a = OrgId::new();
        let b = OrgId::new();
        assert!(a.to_string() < b.to_string());
    }
}
