//! OpenAPI schemas of the domain types that API views use as fields (typed ids, text enums,
//! numbers, timezones, destinations), so a view can `#[derive(ToSchema)]` with domain-typed
//! fields. The domain stays free of OpenAPI: these impls live here, in the same crate.

use std::borrow::Cow;

use utoipa::openapi::schema::{
    AdditionalProperties, AnyOf, Discriminator, KnownFormat, Object, ObjectBuilder, OneOf,
    SchemaFormat, Type,
};
use utoipa::openapi::{Ref, RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

use crate::domain::audio::AudioFormat;
use crate::domain::call_trace::TraceWebhook;
use crate::domain::calling::{ExternalForwarding, NumberPrefix};
use crate::domain::destination::{Destination, DestinationKind};
use crate::domain::e164::E164;
use crate::domain::extension_number::ExtensionNumber;
use crate::domain::ids::*;
use crate::domain::model::*;
use crate::domain::schedule::ScheduleState;
use crate::domain::timezone::Timezone;

use super::rules;

fn string() -> ObjectBuilder {
    Object::builder().schema_type(Type::String)
}

macro_rules! id_schemas {
    ($($id:ident),* $(,)?) => {$(
        impl PartialSchema for $id {
            fn schema() -> RefOr<Schema> {
                string()
                    .format(Some(SchemaFormat::Custom("uuid".into())))
                    .into()
            }
        }
        impl ToSchema for $id {}
    )*};
}

id_schemas!(
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
    PlatformAuditId,
    AccountLinkId,
    RecordingId,
    AnnouncementId,
);

macro_rules! enum_schemas {
    ($($e:ident),* $(,)?) => {$(
        impl PartialSchema for $e {
            fn schema() -> RefOr<Schema> {
                string()
                    .enum_values(Some($e::ALL.iter().map(|v| v.as_str())))
                    .into()
            }
        }
        impl ToSchema for $e {}
    )*};
}

enum_schemas!(
    OrgStatus,
    Role,
    Status,
    RingStrategy,
    OverrideMode,
    ExceptionMode,
    OutboundMatch,
    CallDirection,
    CallStatus,
    ScheduleState,
    ExternalForwarding,
    TraceWebhook,
    AudioFormat,
);

/// E.164 as the parser accepts it: `+` or `00`, then 7 to 15 digits (the first not 0) among
/// spaces, dots, dashes and parentheses, with blanks around.
pub const E164_PATTERN: &str = r"^\s*(\+|00)[ .()-]*[1-9]([ .()-]*[0-9]){6,14}[ .()-]*\s*$";
/// Extension numbers: 2 to 8 digits, blanks around.
pub const EXTENSION_NUMBER_PATTERN: &str = r"^\s*[0-9]{2,8}\s*$";

impl PartialSchema for E164 {
    fn schema() -> RefOr<Schema> {
        string()
            .description(Some(
                "Telephone number in E.164 form. Input may contain spaces, dots, dashes and \
                 parentheses, or start with 00; it is stored and returned as + and digits.",
            ))
            .pattern(Some(E164_PATTERN))
            .examples(["+12125550100"])
            .into()
    }
}
impl ToSchema for E164 {}

impl PartialSchema for ExtensionNumber {
    fn schema() -> RefOr<Schema> {
        string()
            .description(Some("Extension number: 2 to 8 digits."))
            .pattern(Some(EXTENSION_NUMBER_PATTERN))
            .examples(["101"])
            .into()
    }
}
impl ToSchema for ExtensionNumber {}

/// A number prefix as the parser accepts it: + and 1 to 15 digits, blanks around.
pub const NUMBER_PREFIX_PATTERN: &str = r"^\s*\+[0-9]{1,15}\s*$";

impl PartialSchema for NumberPrefix {
    fn schema() -> RefOr<Schema> {
        string()
            .description(Some(
                "The start of telephone numbers in E.164 form: + and 1 to 15 digits.",
            ))
            .pattern(Some(NUMBER_PREFIX_PATTERN))
            .examples(["+1212"])
            .into()
    }
}
impl ToSchema for NumberPrefix {}

impl PartialSchema for Timezone {
    fn schema() -> RefOr<Schema> {
        let mut zones: Vec<String> = jiff::tz::db()
            .available()
            .map(|name| name.as_str().to_owned())
            .filter(|name| Timezone::parse(name).is_ok())
            .collect();
        zones.sort();
        string()
            .description(Some("IANA time zone name."))
            .enum_values(Some(zones))
            .examples(["Europe/London"])
            .into()
    }
}
impl ToSchema for Timezone {}

/// One variant of [`Destination`]: its schema name, what its `id` names (none: no `id`), and
/// its description.
struct Variant {
    kind: DestinationKind,
    id: Option<&'static str>,
    description: &'static str,
}

const VARIANTS: [Variant; 9] = [
    Variant {
        kind: DestinationKind::Extension,
        id: Some("ExtensionId"),
        description: "Ring an extension (its forwarding and no-answer handling apply).",
    },
    Variant {
        kind: DestinationKind::RingGroup,
        id: Some("RingGroupId"),
        description: "Ring a ring group.",
    },
    Variant {
        kind: DestinationKind::BusinessHours,
        id: Some("ScheduleId"),
        description: "Go where a business-hours schedule sends calls at the time.",
    },
    Variant {
        kind: DestinationKind::IvrMenu,
        id: Some("IvrMenuId"),
        description: "Play an IVR menu.",
    },
    Variant {
        kind: DestinationKind::Voicemail,
        id: Some("ExtensionId"),
        description: "Leave a message in an extension's voicemail box.",
    },
    Variant {
        kind: DestinationKind::ConferenceRoom,
        id: Some("ConferenceRoomId"),
        description: "Join a conference room.",
    },
    Variant {
        kind: DestinationKind::Announcement,
        id: Some("AnnouncementId"),
        description: "Play an announcement, then go on to its next destination.",
    },
    Variant {
        kind: DestinationKind::ExternalNumber,
        id: None,
        description: "Call an outside number (through the organization's outbound rules).",
    },
    Variant {
        kind: DestinationKind::Hangup,
        id: None,
        description: "End the call.",
    },
];

impl Variant {
    fn name(&self) -> String {
        let camel: String = self
            .kind
            .as_str()
            .split('_')
            .map(|w| w[..1].to_uppercase() + &w[1..])
            .collect();
        format!("{camel}Destination")
    }

    fn schema(&self) -> Schema {
        let mut object = Object::builder()
            .description(Some(self.description))
            .property("type", string().enum_values(Some([self.kind.as_str()])))
            .required("type")
            .additional_properties(Some(AdditionalProperties::FreeForm(false)));
        if let Some(id) = self.id {
            let mut reference = Ref::from_schema_name(id);
            reference.description = "An object of the caller's organization.".into();
            object = object.property("id", RefOr::Ref(reference)).required("id");
        }
        if self.kind == DestinationKind::ExternalNumber {
            object = object
                .property("number", RefOr::Ref(Ref::from_schema_name("E164")))
                .required("number");
        }
        Schema::Object(object.build())
    }
}

impl PartialSchema for Destination {
    fn schema() -> RefOr<Schema> {
        let mapping = VARIANTS.iter().map(|v| {
            (
                v.kind.as_str().to_owned(),
                format!("#/components/schemas/{}", v.name()),
            )
        });
        let mut one_of = OneOf::builder()
            .description(Some(
                "Where a call goes, by `type`: extension, ring_group, business_hours, ivr_menu, \
                 voicemail (the extension's box) and conference_room take the `id` of an object \
                 of the same organization; external_number takes `number`; hangup nothing.",
            ))
            .discriminator(Some(Discriminator::with_mapping("type", mapping)))
            .examples([serde_json::json!({"type": "ring_group", "id": "0190a1b2-…"})]);
        for v in &VARIANTS {
            one_of = one_of.item(RefOr::Ref(Ref::from_schema_name(v.name())));
        }
        Schema::OneOf(one_of.build()).into()
    }
}

impl ToSchema for Destination {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Destination")
    }

    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        for v in &VARIANTS {
            schemas.push((v.name(), v.schema().into()));
        }
        schemas.push(("E164".into(), E164::schema()));
        for (name, schema) in [
            ("ExtensionId", ExtensionId::schema()),
            ("RingGroupId", RingGroupId::schema()),
            ("ScheduleId", ScheduleId::schema()),
            ("IvrMenuId", IvrMenuId::schema()),
            ("ConferenceRoomId", ConferenceRoomId::schema()),
        ] {
            schemas.push((name.into(), schema));
        }
    }
}

/// Characters that are not controls (Unicode `Cc`, which the API refuses in text).
const NOT_CONTROL: &str = r"[^\x00-\x1f\x7f-\x9f]";
/// A character that is neither a control nor blank.
const VISIBLE: &str = r"[^\s\x00-\x1f\x7f-\x9f]";

/// The schema of text the API trims and checks with
/// [`Validator::text`](super::validate::Validator::text): at most `max` characters as sent, no
/// control characters, and (when `min` is 1) something besides blanks.
fn text(min: usize, max: usize) -> ObjectBuilder {
    // Trimmed, at least `min` long: a visible character, then `min - 2` of any, then another.
    let pattern = match min {
        0 => format!("^{NOT_CONTROL}*$"),
        1 => format!("^{NOT_CONTROL}*{VISIBLE}{NOT_CONTROL}*$"),
        _ => format!(
            "^{NOT_CONTROL}*{VISIBLE}{NOT_CONTROL}{{{},}}{VISIBLE}{NOT_CONTROL}*$",
            min - 2
        ),
    };
    string()
        .min_length(Some(min))
        .max_length(Some(max))
        .pattern(Some(pattern))
}

macro_rules! rule_schemas {
    ($($(#[doc = $doc:literal])* $name:ident => $schema:expr;)*) => {$(
        $(#[doc = $doc])*
        pub struct $name;
        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                let schema: ObjectBuilder = $schema;
                schema.description(Some(concat!($($doc),*).trim())).into()
            }
        }
        impl ToSchema for $name {}
    )*};
}

rule_schemas! {
    /// A name: 1 to 100 characters, trimmed; no control characters.
    Name => text(1, rules::NAME_MAX);
    /// A label: up to 100 characters, trimmed; no control characters.
    Label => text(0, rules::NAME_MAX);
    /// 1 to 255 characters, trimmed; no control characters.
    LongName => text(1, 255);
    /// Text to speak: 1 to 1000 characters, trimmed; no control characters.
    Speech => text(1, rules::SPEECH_MAX);
    /// 1 to 64 characters, trimmed; no control characters.
    ShortText => text(1, 64);
    /// 3 to 255 characters, trimmed; no control characters.
    LoginEmail => text(3, 255);
    /// An email address (compared ignoring case).
    Email => string()
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Email)))
        .min_length(Some(3))
        .max_length(Some(255));
    /// Audio bytes (WAV or MP3).
    AudioBytes => string().format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)));
    /// A password: 10 to 256 characters, not a common one, not containing the email's name.
    Password => string()
        .min_length(Some(crate::domain::password::MIN_LENGTH))
        .max_length(Some(crate::domain::password::MAX_LENGTH));
    /// A SIP password: 12 to 64 visible ASCII characters, without `"` or `\`.
    SipPasswordText => string().pattern(Some(r#"^[!#-\[\]-~]{12,64}$"#));
    /// A conference PIN: 4 to 10 digits.
    Pin => string().pattern(Some(r"^[0-9]{4,10}$"));
    /// The keys of an IVR option: 1 to 4 of `0-9 * #`.
    Keys => string().pattern(Some(r"^\s*[0-9*#]{1,4}\s*$")).examples(["1"]);
    /// What an outbound route puts before the number: digits, optionally after one `+`.
    Prepend => string().pattern(Some(r"^\+?[0-9]*$")).max_length(Some(16));
    /// An organization's slug: 1 to 48 lower-case letters and digits, joined by single dashes.
    Slug => string().pattern(Some(r"^[a-z0-9]+(-[a-z0-9]+)*$")).max_length(Some(48));
    /// An `https://` URL of audio that Cloudonix fetches.
    HttpsUrl => https_url();
}

fn https_url() -> ObjectBuilder {
    string()
        .pattern(Some(HTTPS_URL_PATTERN))
        .max_length(Some(rules::URL_MAX))
        .examples(["https://cdn.example.com/menu.mp3"])
}

/// The https URLs the schema promises to take: host, optional port, path and query of plain
/// URL characters (the server takes any URL its parser reads).
const HTTPS_URL_PATTERN: &str = r"^https://[A-Za-z0-9.-]+(:[0-9]{1,4})?(/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?(\?[A-Za-z0-9._~%!$&'()*+,;=:@/?-]*)?$";

/// A voicemail greeting: an `https://` audio URL to play, or up to 1000 characters to speak.
pub struct Greeting;
impl PartialSchema for Greeting {
    fn schema() -> RefOr<Schema> {
        let speech = string()
            .max_length(Some(rules::SPEECH_MAX))
            .pattern(Some(r"^(?![hH][tT][tT][pP][sS]?://)"));
        AnyOf::builder()
            .description(Some(
                "An `https://` audio URL to play, or up to 1000 characters to speak.",
            ))
            .item(https_url())
            .item(speech)
            .into()
    }
}
impl ToSchema for Greeting {}
