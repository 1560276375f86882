//! The OpenAPI 3.1 document of the whole `/api/v1`, assembled from every API module's
//! documented routes ([`DOCUMENTED`]) and served by api-auth at `GET /api/v1/openapi.json`.
//! A test checks it against `HTTP_FUNCTIONS` in both directions.

use std::sync::LazyLock;

use utoipa::openapi::path::Operation;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Content, OpenApi as Document, RefOr};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

use super::problem::{PROBLEM_JSON, Problem};
use crate::app::AppState;

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
    super::outbound_routes::routes,
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
    components(schemas(Problem))
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

/// The document as served, built once per process.
pub fn json() -> &'static str {
    static JSON: LazyLock<String> = LazyLock::new(|| {
        document()
            .to_json()
            .expect("the OpenAPI document serialises")
    });
    JSON.as_str()
}
