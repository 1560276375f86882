//! Where a call goes next. One typed shape everywhere (phone numbers, fallbacks, IVR options,
//! schedules): JSON `{"type": "...", "id": "..."}`, `{"type": "external_number", "number": "+1…"}`
//! or `{"type": "hangup"}`; in SQL the pair of columns `<prefix>_type` / `<prefix>_ref`.

use serde::{Deserialize, Deserializer, Serialize};
use uuid::Uuid;

use super::e164::E164;
use super::ids::{
    AnnouncementId, ConferenceRoomId, ExtensionId, IvrMenuId, RingGroupId, ScheduleId,
};

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", try_from = "RawDestination")]
pub enum Destination {
    Extension {
        id: ExtensionId,
    },
    RingGroup {
        id: RingGroupId,
    },
    BusinessHours {
        id: ScheduleId,
    },
    IvrMenu {
        id: IvrMenuId,
    },
    /// The voicemail box of an extension.
    Voicemail {
        id: ExtensionId,
    },
    ConferenceRoom {
        id: ConferenceRoomId,
    },
    /// Plays a recording or speaks a text, then goes on to the announcement's next destination.
    Announcement {
        id: AnnouncementId,
    },
    ExternalNumber {
        number: E164,
    },
    Hangup,
}

/// One destination on a call's path and why the call went there (the routing engine's words,
/// the same the simulator shows).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "StoredStep")]
pub struct PathStep {
    pub destination: Destination,
    pub reason: String,
}

/// A path step as stored: calls logged before reasons were kept have bare destinations.
#[derive(Deserialize)]
#[serde(untagged)]
enum StoredStep {
    Step {
        destination: Destination,
        reason: String,
    },
    Bare(Destination),
}

impl From<StoredStep> for PathStep {
    fn from(s: StoredStep) -> Self {
        match s {
            StoredStep::Step {
                destination,
                reason,
            } => Self {
                destination,
                reason,
            },
            StoredStep::Bare(destination) => Self {
                destination,
                reason: String::new(),
            },
        }
    }
}

/// A destination as sent, read field by field so an error names the field at fault
/// (`destination.id`); serde's internally tagged enums buffer the object and could only blame
/// the whole of it. Which fields a kind takes is checked in [`Destination::try_from`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDestination {
    #[serde(rename = "type")]
    kind: DestinationKind,
    #[serde(default, deserialize_with = "present")]
    id: Option<Uuid>,
    #[serde(default, deserialize_with = "present")]
    number: Option<E164>,
}

/// A field that, when given, must hold a value (`null` is not one).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// Worded as serde words its own errors, so the API names the field (`destination.id`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DestinationFieldError {
    #[error("missing field `{0}`")]
    Missing(&'static str),
    #[error("unknown field `{0}`, expected {1}")]
    NotOfKind(&'static str, &'static str),
}

impl TryFrom<RawDestination> for Destination {
    type Error = DestinationFieldError;

    fn try_from(raw: RawDestination) -> Result<Self, Self::Error> {
        use DestinationFieldError::{Missing, NotOfKind};
        let kind = raw.kind;
        let takes_id = !matches!(
            kind,
            DestinationKind::ExternalNumber | DestinationKind::Hangup
        );
        let expected = match kind {
            DestinationKind::ExternalNumber => "`type`, `number`",
            DestinationKind::Hangup => "`type` only",
            _ => "`type`, `id`",
        };
        if raw.number.is_some() && kind != DestinationKind::ExternalNumber {
            return Err(NotOfKind("number", expected));
        }
        if raw.id.is_some() && !takes_id {
            return Err(NotOfKind("id", expected));
        }
        let id = || raw.id.ok_or(Missing("id"));
        Ok(match kind {
            DestinationKind::Extension => Self::Extension { id: id()?.into() },
            DestinationKind::RingGroup => Self::RingGroup { id: id()?.into() },
            DestinationKind::BusinessHours => Self::BusinessHours { id: id()?.into() },
            DestinationKind::IvrMenu => Self::IvrMenu { id: id()?.into() },
            DestinationKind::Voicemail => Self::Voicemail { id: id()?.into() },
            DestinationKind::ConferenceRoom => Self::ConferenceRoom { id: id()?.into() },
            DestinationKind::Announcement => Self::Announcement { id: id()?.into() },
            DestinationKind::ExternalNumber => Self::ExternalNumber {
                number: raw.number.ok_or(Missing("number"))?,
            },
            DestinationKind::Hangup => Self::Hangup,
        })
    }
}

/// The kinds of object a destination can point at, as stored in `<prefix>_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DestinationKind {
    Extension,
    RingGroup,
    BusinessHours,
    IvrMenu,
    Voicemail,
    ConferenceRoom,
    Announcement,
    ExternalNumber,
    Hangup,
}

impl DestinationKind {
    pub const ALL: [DestinationKind; 9] = [
        Self::Extension,
        Self::RingGroup,
        Self::BusinessHours,
        Self::IvrMenu,
        Self::Voicemail,
        Self::ConferenceRoom,
        Self::Announcement,
        Self::ExternalNumber,
        Self::Hangup,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Extension => "extension",
            Self::RingGroup => "ring_group",
            Self::BusinessHours => "business_hours",
            Self::IvrMenu => "ivr_menu",
            Self::Voicemail => "voicemail",
            Self::ConferenceRoom => "conference_room",
            Self::Announcement => "announcement",
            Self::ExternalNumber => "external_number",
            Self::Hangup => "hangup",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidDestination {
    #[error("unknown destination type {0:?}")]
    UnknownType(String),
    #[error("destination of type {0} needs a valid target")]
    BadTarget(&'static str),
}

impl Destination {
    pub fn kind(&self) -> DestinationKind {
        match self {
            Self::Extension { .. } => DestinationKind::Extension,
            Self::RingGroup { .. } => DestinationKind::RingGroup,
            Self::BusinessHours { .. } => DestinationKind::BusinessHours,
            Self::IvrMenu { .. } => DestinationKind::IvrMenu,
            Self::Voicemail { .. } => DestinationKind::Voicemail,
            Self::ConferenceRoom { .. } => DestinationKind::ConferenceRoom,
            Self::Announcement { .. } => DestinationKind::Announcement,
            Self::ExternalNumber { .. } => DestinationKind::ExternalNumber,
            Self::Hangup => DestinationKind::Hangup,
        }
    }

    /// The stored `ref` column: the target id, the E.164 number, or nothing for hangup.
    pub fn reference(&self) -> Option<String> {
        match self {
            Self::Extension { id } | Self::Voicemail { id } => Some(id.to_string()),
            Self::RingGroup { id } => Some(id.to_string()),
            Self::BusinessHours { id } => Some(id.to_string()),
            Self::IvrMenu { id } => Some(id.to_string()),
            Self::ConferenceRoom { id } => Some(id.to_string()),
            Self::Announcement { id } => Some(id.to_string()),
            Self::ExternalNumber { number } => Some(number.to_string()),
            Self::Hangup => None,
        }
    }

    /// Rebuilds a destination from its two stored columns.
    pub fn from_columns(kind: &str, reference: Option<&str>) -> Result<Self, InvalidDestination> {
        let kind = DestinationKind::parse(kind)
            .ok_or_else(|| InvalidDestination::UnknownType(kind.to_owned()))?;
        let bad = || InvalidDestination::BadTarget(kind.as_str());
        let target = || reference.ok_or_else(bad);
        Ok(match kind {
            DestinationKind::Extension => Self::Extension {
                id: target()?.parse().map_err(|_| bad())?,
            },
            DestinationKind::RingGroup => Self::RingGroup {
                id: target()?.parse().map_err(|_| bad())?,
            },
            DestinationKind::BusinessHours => Self::BusinessHours {
                id: target()?.parse().map_err(|_| bad())?,
            },
            DestinationKind::IvrMenu => Self::IvrMenu {
                id: target()?.parse().map_err(|_| bad())?,
            },
            DestinationKind::Voicemail => Self::Voicemail {
                id: target()?.parse().map_err(|_| bad())?,
            },
            DestinationKind::ConferenceRoom => Self::ConferenceRoom {
                id: target()?.parse().map_err(|_| bad())?,
            },
            DestinationKind::Announcement => Self::Announcement {
                id: target()?.parse().map_err(|_| bad())?,
            },
            DestinationKind::ExternalNumber => Self::ExternalNumber {
                number: E164::parse(target()?).map_err(|_| bad())?,
            },
            DestinationKind::Hangup => Self::Hangup,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_shape_is_type_and_id() {
        let id = ExtensionId::new();
        let d = Destination::Extension { id };
        assert_eq!(
            serde_json::to_value(&d).unwrap(),
            json!({"type": "extension", "id": id.to_string()})
        );
        assert_eq!(
            serde_json::to_value(Destination::Hangup).unwrap(),
            json!({"type": "hangup"})
        );
        let ext: Destination =
            serde_json::from_value(json!({"type": "external_number", "number": "+1 212 555 0100"}))
                .unwrap();
        assert_eq!(ext.reference().as_deref(), Some("+12125550100"));
    }

    #[test]
    fn rejects_prefixed_strings_and_unknown_types() {
        assert!(
            serde_json::from_value::<Destination>(json!({"type": "extension", "id": "ext-13"}))
                .is_err()
        );
        assert!(
            serde_json::from_value::<Destination>(json!({"type": "queue", "id": "x"})).is_err()
        );
        assert!(serde_json::from_value::<Destination>(json!("ext-13")).is_err());
        assert!(serde_json::from_value::<Destination>(json!({"type": "ring_group"})).is_err());
    }

    #[test]
    fn fields_of_another_kind_are_refused_by_name() {
        let id = ExtensionId::new().to_string();
        let error = |v: serde_json::Value| {
            serde_json::from_value::<Destination>(v)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            error(json!({"type": "hangup", "id": id})),
            "unknown field `id`, expected `type` only"
        );
        assert_eq!(
            error(json!({"type": "extension", "id": id, "number": "+12125550100"})),
            "unknown field `number`, expected `type`, `id`"
        );
        assert_eq!(error(json!({"type": "voicemail"})), "missing field `id`");
        assert_eq!(
            error(json!({"type": "external_number"})),
            "missing field `number`"
        );
        // `null` is not an id, and names no other field either.
        assert!(error(json!({"type": "extension", "id": null})).contains("invalid type: null"));
        assert!(
            error(json!({"type": "hangup", "colour": "red"})).contains("unknown field `colour`")
        );
    }

    #[test]
    fn columns_round_trip_for_every_kind() {
        let all = [
            Destination::Extension {
                id: ExtensionId::new(),
            },
            Destination::RingGroup {
                id: RingGroupId::new(),
            },
            Destination::BusinessHours {
                id: ScheduleId::new(),
            },
            Destination::IvrMenu {
                id: IvrMenuId::new(),
            },
            Destination::Voicemail {
                id: ExtensionId::new(),
            },
            Destination::ConferenceRoom {
                id: ConferenceRoomId::new(),
            },
            Destination::Announcement {
                id: AnnouncementId::new(),
            },
            Destination::ExternalNumber {
                number: E164::parse("+442079460000").unwrap(),
            },
            Destination::Hangup,
        ];
        for d in all {
            let back =
                Destination::from_columns(d.kind().as_str(), d.reference().as_deref()).unwrap();
            assert_eq!(back, d);
        }
    }

    #[test]
    fn bad_columns_are_errors_not_panics() {
        assert_eq!(
            Destination::from_columns("extension", None),
            Err(InvalidDestination::BadTarget("extension"))
        );
        assert_eq!(
            Destination::from_columns("external_number", Some("12")),
            Err(InvalidDestination::BadTarget("external_number"))
        );
        assert!(matches!(
            Destination::from_columns("ext", Some("1")),
            Err(InvalidDestination::UnknownType(_))
        ));
    }
}
