//! OpenAPI schemas of the domain types that API views use as fields (typed ids, text enums,
//! numbers, timezones, destinations), so a view can `#[derive(ToSchema)]` with domain-typed
//! fields. The domain stays free of OpenAPI: these impls live here, in the same crate.

use std::borrow::Cow;

use utoipa::openapi::schema::{Object, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

use crate::domain::calling::{ExternalForwarding, NumberPrefix};
use crate::domain::destination::{Destination, DestinationKind};
use crate::domain::e164::E164;
use crate::domain::extension_number::ExtensionNumber;
use crate::domain::ids::*;
use crate::domain::model::*;
use crate::domain::schedule::ScheduleState;
use crate::domain::timezone::Timezone;

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
);

macro_rules! text_schemas {
    ($($t:ident => $description:literal, $example:literal);* $(;)?) => {$(
        impl PartialSchema for $t {
            fn schema() -> RefOr<Schema> {
                string()
                    .description(Some($description))
                    .examples([$example])
                    .into()
            }
        }
        impl ToSchema for $t {}
    )*};
}

text_schemas!(
    E164 => "Telephone number in E.164 form. Input may contain spaces, dots, dashes and \
             parentheses, or start with 00; it is stored and returned as + and digits.", "+12125550100";
    ExtensionNumber => "Extension number: digits only.", "101";
    Timezone => "IANA time zone name.", "Europe/London";
    NumberPrefix => "The start of telephone numbers in E.164 form: + and 1 to 15 digits.", "+1212";
);

impl PartialSchema for Destination {
    fn schema() -> RefOr<Schema> {
        Object::builder()
            .description(Some(
                "Where a call goes. `id` names an object of the same organization for \
                 extension, ring_group, business_hours, ivr_menu, voicemail (the extension's box) \
                 and conference_room; external_number takes `number`; hangup takes nothing.",
            ))
            .property(
                "type",
                string().enum_values(Some(DestinationKind::ALL.iter().map(|k| k.as_str()))),
            )
            .required("type")
            .property(
                "id",
                string().format(Some(SchemaFormat::Custom("uuid".into()))),
            )
            .property("number", E164::schema())
            .examples([serde_json::json!({"type": "ring_group", "id": "0190a1b2-…"})])
            .into()
    }
}

impl ToSchema for Destination {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Destination")
    }
}
