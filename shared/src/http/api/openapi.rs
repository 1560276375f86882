//! The OpenAPI 3.1 document of the whole `/api/v1`, assembled from every API module's
//! documented routes ([`DOCUMENTED`]) and served by api-auth at `GET /api/v1/openapi.json`.
//! A test checks it against `HTTP_FUNCTIONS` in both directions.

use std::sync::LazyLock;

use serde_json::{Value, json};
use utoipa::openapi::path::Operation;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Content, OpenApi as Document, RefOr};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

use super::problem::{PROBLEM_JSON, Problem};
use crate::app::AppState;
use crate::http::ws::messages::{LiveEvent, LiveRequest, WsRefusal};

/// Every API module's documented routes. A new resource module adds its `routes` here (and its
/// function to `HTTP_FUNCTIONS`).
pub const DOCUMENTED: &[fn() -> OpenApiRouter<AppState>] = &[
    super::auth::routes,
    super::users::routes,
    super::audit_log::routes,
    super::routing::routes,
    super::settings::routes,
    super::live_calls::routes,
    super::call_logs::routes,
    super::voicemail::routes,
    super::extensions::routes,
    super::phone_numbers::routes,
    super::ring_groups::routes,
    super::business_hours::routes,
    super::ivr_menus::routes,
    super::conference_rooms::routes,
    super::recordings::routes,
    super::announcements::routes,
    super::outbound_routes::routes,
    super::platform::routes,
];

#[derive(OpenApi)]
#[openapi(
    info(
        title = "OpBX API",
        description = "Control plane of OpBX, a multi-tenant business phone system on Cloudonix. \
            Authenticate with `POST /api/v1/auth/login`, then send `Authorization: Bearer <token>`. \
            Every id is scoped to the caller's organization: another organization's ids answer 404. \
            Errors are RFC 9457 problem documents (`application/problem+json`); validation errors \
            list each invalid field under `errors`. Lists take `page`, `per_page` (at most 100), \
            `sort` (`name` or `-name` for descending, per-list allow-list), `q` and `status`, and \
            answer `{data, page, per_page, total}`. Times are RFC 3339 UTC.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later")
    ),
    modifiers(&Conventions),
    security(("bearer" = [])),
    components(schemas(Problem, LiveEvent, LiveRequest, WsRefusal))
)]
struct Base;

/// Adds what every operation shares, so resource modules document only their own answers: the
/// bearer scheme, and a `default` response (any error) as a problem document.
struct Conventions;

impl Modify for Conventions {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// Completes an operation: the shared `default` error answer, and a description for every
/// answer that has none (OpenAPI requires one; handlers usually document only the status).
fn complete(operation: &mut Operation) {
    for (status, response) in operation.responses.responses.iter_mut() {
        if let RefOr::T(response) = response
            && response.description.is_empty()
        {
            response.description = status
                .parse::<u16>()
                .ok()
                .and_then(|code| axum::http::StatusCode::from_u16(code).ok())
                .and_then(|code| code.canonical_reason())
                .unwrap_or("Answer")
                .to_owned();
        }
    }
    operation
        .responses
        .responses
        .entry("default".into())
        .or_insert_with(|| {
            RefOr::T(
                ResponseBuilder::new()
                    .description("Error: an RFC 9457 problem document")
                    .content(PROBLEM_JSON, Content::new(Some(RefOr::Ref(problem_ref()))))
                    .build(),
            )
        });
}

fn problem_ref() -> utoipa::openapi::Ref {
    utoipa::openapi::Ref::from_schema_name("Problem")
}

/// The whole document.
pub fn document() -> Document {
    let mut doc = Base::openapi();
    for routes in DOCUMENTED {
        doc.merge(routes().into_openapi());
    }
    for item in doc.paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            complete(op);
        }
    }
    doc
}

/// The document as served, built once per process: pretty-printed with its keys sorted, so the
/// SPA's committed copy (`frontend/openapi.json`) diffs line by line.
pub fn json() -> &'static str {
    static JSON: LazyLock<String> = LazyLock::new(|| {
        let mut doc = serde_json::to_value(document()).expect("the OpenAPI document serialises");
        cross_field_rules(&mut doc);
        let mut text = serde_json::to_string_pretty(&sorted(doc)).expect("JSON serialises");
        text.push('\n');
        text
    });
    JSON.as_str()
}

/// What the derive macros cannot state: items listed at most once, and rules between fields of
/// one body.
fn cross_field_rules(doc: &mut Value) {
    let schemas = &mut doc["components"]["schemas"];
    for (schema, list) in [
        ("NewRingGroup", "members"),
        ("RingGroupUpdate", "members"),
        ("NewIvrMenu", "direct_dial_allowlist"),
        ("IvrMenuUpdate", "direct_dial_allowlist"),
    ] {
        schemas[schema]["properties"][list]["uniqueItems"] = true.into();
    }
    let given =
        |field: &str| json!({"required": [field], "properties": {field: {"type": "string"}}});
    // A new menu says something: a text to speak or a recording to play.
    schemas["NewIvrMenu"]["anyOf"] = json!([
        given("prompt_text"),
        given("prompt_audio_url"),
        given("prompt_recording_id")
    ]);
    schemas["NewAnnouncement"]["anyOf"] = json!([given("text"), given("recording_id")]);
    // Which values a route's `match_value` takes depends on its `match_kind`
    // (`domain::dial_plan`); a change that gives only one of them is judged against the other.
    let kind = |kind: &str, pattern: &str| {
        json!({
            "required": ["match_kind", "match_value"],
            "properties": {
                "match_kind": {"enum": [kind]},
                "match_value": {"type": "string", "pattern": pattern}
            }
        })
    };
    let by_kind = [
        kind("prefix", DIAL_PREFIX),
        kind("pattern", &dial_pattern()),
    ];
    schemas["NewOutboundRoute"]["anyOf"] = json!(by_kind);
    let not_both = [
        json!({"properties": {"match_kind": {"type": "null"}}}),
        json!({"properties": {"match_value": {"type": "null"}}}),
        json!({"not": {"required": ["match_kind"]}}),
        json!({"not": {"required": ["match_value"]}}),
    ];
    schemas["OutboundRouteUpdate"]["anyOf"] = by_kind.iter().chain(&not_both).cloned().collect();
    // A password changes only with the current one, and the current one means nothing alone.
    schemas["ProfileUpdate"]["anyOf"] = json!([
        {
            "required": ["current_password", "new_password"],
            "properties": {"current_password": {"type": "string"}, "new_password": {"type": "string"}}
        },
        {"properties": {"current_password": {"type": "null"}, "new_password": {"type": "null"}}}
    ]);
}

/// A dial prefix: digits and `+ * #`.
const DIAL_PREFIX: &str = r"^\s*[0-9+*#]+\s*$";

/// A dial pattern as `domain::dial_plan` reads it: `X Z N`, digits and `+ * #`, sets of digits
/// and ascending ranges (`[147]`, `[1-5]`), and a final `.`; an optional leading `_`.
fn dial_pattern() -> String {
    let ranges: Vec<String> = (0..=9).map(|d| format!("{d}-[{d}-9]")).collect();
    let set = format!(r"\[(?:{}|[0-9])+\]", ranges.join("|"));
    format!(r"^\s*_?(?:(?:[0-9+*#XxZzNn]|{set})+\.?|\.)\s*$")
}

/// `value` with every object's keys in order, whatever map serde_json was built with.
fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}
