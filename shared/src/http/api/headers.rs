//! Response headers of every API answer: browser hardening for a JSON API, and CORS for the
//! configured admin UI origin only (`OPBX_UI_ORIGIN`; unset = same-origin, no CORS headers).

use std::time::Duration;

use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::response::Response;
use tower_http::cors::{AllowOrigin, CorsLayer};

const SECURITY_HEADERS: &[(HeaderName, &str)] = &[
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::X_FRAME_OPTIONS, "DENY"),
    // Answers carry tenant data and tokens: no browser or proxy may keep them.
    (header::CACHE_CONTROL, "no-store"),
    (header::REFERRER_POLICY, "no-referrer"),
    // JSON is never a document: nothing may load, run or frame it.
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    ),
    (
        header::STRICT_TRANSPORT_SECURITY,
        "max-age=63072000; includeSubDomains",
    ),
];

/// Adds [`SECURITY_HEADERS`], keeping any a handler set on purpose.
pub async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        if !headers.contains_key(name) {
            headers.insert(name.clone(), HeaderValue::from_static(value));
        }
    }
    response
}

/// CORS for exactly one origin, the admin UI's. Bearer tokens travel in a header, so no
/// credentials (cookies) are allowed cross-origin.
pub fn cors(ui_origin: HeaderValue) -> CorsLayer {
    CorsLayer::new()
        // Answer other origins with no CORS headers at all rather than with the UI's origin.
        .allow_origin(AllowOrigin::predicate(move |origin, _| {
            *origin == ui_origin
        }))
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .expose_headers([header::RETRY_AFTER, header::CONTENT_DISPOSITION])
        .max_age(Duration::from_secs(600))
}
