//! The axum routers. Each Lambda function serves one of them; `opbx-local` merges them all.
//!
//! [`HTTP_FUNCTIONS`] is the one list of HTTP functions and the routes each serves. The SAM
//! template and the `functions/` crates are checked against it by the deploy tests, so a route
//! cannot be served locally and forgotten in AWS (or the other way round).

pub mod api;
pub mod health;
pub mod media;
pub mod unrouted;
pub mod webhooks;
pub mod ws;

use axum::Router;

use crate::app::AppState;

/// One route as API Gateway and axum both spell it (`{id}` path parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
}

/// An HTTP Lambda function: its crate name under `functions/`, its routes and its router.
pub struct HttpFunction {
    pub name: &'static str,
    pub routes: &'static [Route],
    pub router: fn(AppState) -> Router,
    pub answer: Answer,
}

/// How a function answers on Lambda, and so how requests reach it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Whole answers of at most 6 MB: routes of the HTTP API (`lambda::serve`).
    Buffered,
    /// Answers streamed as they are written, of any length: a Function URL in response-streaming
    /// mode that CloudFront routes the paths to (`lambda::serve_streaming`).
    Streamed,
}

const fn route(method: &'static str, path: &'static str) -> Route {
    Route { method, path }
}

pub const HTTP_FUNCTIONS: &[HttpFunction] = &[
    HttpFunction {
        name: "health",
        routes: &[route("GET", "/health")],
        router: health::router,
        answer: Answer::Buffered,
    },
    HttpFunction {
        name: "webhook-voice",
        routes: &[route("POST", "/webhooks/cloudonix/voice")],
        router: webhooks::voice_router,
        answer: Answer::Buffered,
    },
    HttpFunction {
        name: "webhook-gather",
        routes: &[route("POST", "/webhooks/cloudonix/voice/gather")],
        router: webhooks::gather_router,
        answer: Answer::Buffered,
    },
    HttpFunction {
        name: "webhook-dial",
        routes: &[route("POST", "/webhooks/cloudonix/voice/dial")],
        router: webhooks::dial_router,
        answer: Answer::Buffered,
    },
    HttpFunction {
        name: "api-auth",
        routes: &[
            route("POST", "/api/v1/auth/login"),
            route("POST", "/api/v1/auth/logout"),
            route("GET", "/api/v1/auth/me"),
            route("GET", "/api/v1/profile"),
            route("PATCH", "/api/v1/profile"),
            route("GET", "/api/v1/openapi.json"),
            route("POST", "/api/v1/auth/invitation"),
            route("POST", "/api/v1/auth/password-reset"),
            route("POST", "/api/v1/auth/password-reset/confirm"),
        ],
        router: api::auth::router,
        answer: Answer::Buffered,
    },
    HttpFunction {
        name: "api-users",
        routes: &[
            route("GET", "/api/v1/users"),
            route("POST", "/api/v1/users"),
            route("GET", "/api/v1/users/{id}"),
            route("PATCH", "/api/v1/users/{id}"),
            route("DELETE", "/api/v1/users/{id}"),
            route("GET", "/api/v1/users/invitations"),
            route("POST", "/api/v1/users/invitations"),
            route("DELETE", "/api/v1/users/invitations/{id}"),
            route("POST", "/api/v1/users/invitations/{id}/resend"),
        ],
        router: api::users::router,
        answer: Answer::Buffered,
    },
    HttpFunction {
        name: "api-routing",
        routes: &[
            route("POST", "/api/v1/routing/simulate"),
            route("GET", "/api/v1/routing/call-flow/{id}"),
            route("GET", "/api/v1/routing/references/{type}/{id}"),
        ],
        router: api::routing::router,
        answer: Answer::Buffered,
    },
    HttpFunction {
        name: "api-audit-log",
        routes: &[route("GET", "/api/v1/audit-log")],
        router: api::audit_log::router,
        answer: Answer::Buffered,
    },
    HttpFunction {
        name: "api-settings",
        routes: &[
            route("GET", "/api/v1/settings/organization"),
            route("PATCH", "/api/v1/settings/organization"),
            route("GET", "/api/v1/settings/cloudonix"),
            route("PUT", "/api/v1/settings/cloudonix"),
            route("POST", "/api/v1/settings/cloudonix/webhook-key"),
            route("POST", "/api/v1/settings/cloudonix/cdr-token"),
            route("GET", "/api/v1/settings/cloudonix/urls"),
            route("POST", "/api/v1/settings/cloudonix/provision"),
            route("GET", "/api/v1/jobs/{id}"),
            route("POST", "/api/v1/jobs/{id}/retry"),
        ],
        router: api::settings::router,
        answer: Answer::Buffered,
    },
    HttpFunction {
        name: "webhook-session",
        routes: &[
            route("POST", webhooks::session::SESSION_PATH),
            route("POST", webhooks::session::SESSION_TOKEN_PATH),
        ],
        router: webhooks::session::router,
        answer: Answer::Buffered,
    },
    HttpFunction {
        name: "webhook-cdr",
        routes: &[route("POST", webhooks::cdr::CDR_PATH)],
        router: webhooks::cdr::router,
        answer: Answer::Buffered,
    },
    HttpFunction {
        name: "api-live-calls",
        routes: &[route("GET", "/api/v1/live-calls")],
        router: api::live_calls::router,
        answer: Answer::Buffered,
    },
    HttpFunction {
        name: "api-call-logs",
        routes: &[
            route("GET", "/api/v1/call-logs"),
            route("GET", "/api/v1/call-logs/stats"),
            route("GET", "/api/v1/call-logs/{id}"),
        ],
        router: api::call_logs::router,
        answer: Answer::Buffered,
    },
    HttpFunction {
        name: "api-call-logs-export",
        routes: &[route("GET", "/api/v1/call-logs/export.csv")],
        router: api::call_logs::export_router,
        answer: Answer::Streamed,
    },
    HttpFunction {
        name: "api-voicemail",
        routes: &[
            route("GET", "/api/v1/voicemail"),
            route("GET", "/api/v1/voicemail/{id}"),
            route("DELETE", "/api/v1/voicemail/{id}"),
            route("POST", "/api/v1/voicemail/{id}/heard"),
            route("POST", "/api/v1/voicemail/{id}/unheard"),
            route("GET", "/api/v1/voicemail/{id}/audio"),
        ],
        router: api::voicemail::router,
        answer: Answer::Buffered,
    },
    HttpFunction {
        name: "api-extensions",
        routes: &[
            route("GET", "/api/v1/extensions"),
            route("POST", "/api/v1/extensions"),
            route("GET", "/api/v1/extensions/{id}"),
            route("PATCH", "/api/v1/extensions/{id}"),
            route("DELETE", "/api/v1/extensions/{id}"),
            route("POST", "/api/v1/extensions/{id}/sip-password/reveal"),
            route("POST", "/api/v1/extensions/{id}/sip-password/rotate"),
        ],
        router: api::extensions::router,
        answer: Answer::Buffered,
    },
    HttpFunction {
        name: "api-phone-numbers",
        routes: &[
            route("GET", "/api/v1/phone-numbers"),
            route("POST", "/api/v1/phone-numbers"),
            route("GET", "/api/v1/phone-numbers/{id}"),
            route("PATCH", "/api/v1/phone-numbers/{id}"),
            route("DELETE", "/api/v1/phone-numbers/{id}"),
        ],
        router: api::phone_numbers::router,
        answer: Answer::Buffered,
    },
    HttpFunction {
        name: "api-ring-groups",
        routes: &[
            route("GET", "/api/v1/ring-groups"),
            route("POST", "/api/v1/ring-groups"),
            route("GET", "/api/v1/ring-groups/{id}"),
            route("PATCH", "/api/v1/ring-groups/{id}"),
            route("DELETE", "/api/v1/ring-groups/{id}"),
        ],
        router: api::ring_groups::router,
        answer: Answer::Buffered,
    },
    HttpFunction {
        name: "api-business-hours",
        routes: &[
            route("GET", "/api/v1/business-hours"),
            route("POST", "/api/v1/business-hours"),
            route("GET", "/api/v1/business-hours/{id}"),
            route("PATCH", "/api/v1/business-hours/{id}"),
            route("DELETE", "/api/v1/business-hours/{id}"),
            route("POST", "/api/v1/business-hours/{id}/override"),
            route("DELETE", "/api/v1/business-hours/{id}/override"),
            route("GET", "/api/v1/business-hours/{id}/status"),
        ],
        router: api::business_hours::router,
        answer: Answer::Buffered,
    },
    HttpFunction {
        name: "api-ivr-menus",
        routes: &[
            route("GET", "/api/v1/ivr-menus"),
            route("POST", "/api/v1/ivr-menus"),
            route("GET", "/api/v1/ivr-menus/{id}"),
            route("PATCH", "/api/v1/ivr-menus/{id}"),
            route("DELETE", "/api/v1/ivr-menus/{id}"),
        ],
        router: api::ivr_menus::router,
        answer: Answer::Buffered,
    },
    HttpFunction {
        name: "api-conference-rooms",
        routes: &[
            route("GET", "/api/v1/conference-rooms"),
            route("POST", "/api/v1/conference-rooms"),
            route("GET", "/api/v1/conference-rooms/{id}"),
            route("PATCH", "/api/v1/conference-rooms/{id}"),
            route("DELETE", "/api/v1/conference-rooms/{id}"),
        ],
        router: api::conference_rooms::router,
        answer: Answer::Buffered,
    },
    HttpFunction {
        name: "api-recordings",
        routes: &[
            route("GET", "/api/v1/recordings"),
            route("POST", "/api/v1/recordings"),
            route("GET", "/api/v1/recordings/{id}"),
            route("PATCH", "/api/v1/recordings/{id}"),
            route("DELETE", "/api/v1/recordings/{id}"),
            route("GET", "/api/v1/recordings/{id}/audio"),
        ],
        router: api::recordings::router,
        answer: Answer::Buffered,
    },
    HttpFunction {
        name: "api-announcements",
        routes: &[
            route("GET", "/api/v1/announcements"),
            route("POST", "/api/v1/announcements"),
            route("GET", "/api/v1/announcements/{id}"),
            route("PATCH", "/api/v1/announcements/{id}"),
            route("DELETE", "/api/v1/announcements/{id}"),
        ],
        router: api::announcements::router,
        answer: Answer::Buffered,
    },
    HttpFunction {
        name: "api-outbound-routes",
        routes: &[
            route("GET", "/api/v1/outbound-routes"),
            route("POST", "/api/v1/outbound-routes"),
            route("GET", "/api/v1/outbound-routes/{id}"),
            route("PATCH", "/api/v1/outbound-routes/{id}"),
            route("DELETE", "/api/v1/outbound-routes/{id}"),
        ],
        router: api::outbound_routes::router,
        answer: Answer::Buffered,
    },
    HttpFunction {
        name: "api-platform",
        routes: &[
            route("POST", "/api/v1/platform/auth/login"),
            route("POST", "/api/v1/platform/auth/logout"),
            route("GET", "/api/v1/platform/auth/me"),
            route("GET", "/api/v1/platform/organizations"),
            route("POST", "/api/v1/platform/organizations"),
            route("GET", "/api/v1/platform/organizations/{id}"),
            route("PATCH", "/api/v1/platform/organizations/{id}"),
            route("DELETE", "/api/v1/platform/organizations/{id}"),
            route("POST", "/api/v1/platform/organizations/{id}/suspend"),
            route("POST", "/api/v1/platform/organizations/{id}/reactivate"),
            route("POST", "/api/v1/platform/organizations/{id}/invitations"),
            route("GET", "/api/v1/platform/audit-log"),
        ],
        router: api::platform::router,
        answer: Answer::Buffered,
    },
];

/// Every function's router in one, as `opbx-local` serves them (ARCHITECTURE §3), with problem
/// documents for unserved API and webhook paths and for wrong methods, observed as on Lambda.
pub fn all_functions(state: AppState) -> Router {
    let app = HTTP_FUNCTIONS
        .iter()
        .fold(Router::new(), |app, f| app.merge((f.router)(state.clone())))
        .method_not_allowed_fallback(unrouted::method_not_allowed)
        .merge(unrouted::router());
    use crate::observe::request::{Function, observed};
    observed(app, Function::ByRoute(function_of))
}

/// The function that serves `method` `path` (a route as axum matched it), for logs and metrics;
/// `unrouted` for what no function serves.
pub fn function_of(method: &str, path: &str) -> &'static str {
    HTTP_FUNCTIONS
        .iter()
        .find(|f| {
            f.routes
                .iter()
                .any(|r| r.method == method && r.path == path)
        })
        .map_or("unrouted", |f| f.name)
}
