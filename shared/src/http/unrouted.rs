//! What a request that reaches no handler gets, as a problem document rather than axum's empty
//! answers: 404 for a path under `/api` or `/webhooks` that no function serves, 405 (with axum's
//! `Allow`) for a served path asked with another method. Anywhere else `opbx-local` serves the
//! admin UI.

use axum::Router;
use axum::routing::any;

use super::api::headers::security_headers;
use super::api::problem::ApiError;

/// The path prefixes that belong to the API and the webhooks, never to the UI.
pub const PREFIXES: [&str; 2] = ["/api", "/webhooks"];

/// 404 for every path under [`PREFIXES`] that no route serves (routes win over these
/// catch-alls when merged).
pub fn router() -> Router {
    PREFIXES
        .iter()
        .fold(Router::new(), |router, prefix| {
            router
                .route(prefix, any(no_route))
                .route(&format!("{prefix}/{{*rest}}"), any(no_route))
        })
        .layer(axum::middleware::map_response(security_headers))
}

async fn no_route() -> ApiError {
    ApiError::no_route()
}

/// For [`axum::Router::method_not_allowed_fallback`]; axum adds the `Allow` header.
pub async fn method_not_allowed() -> ApiError {
    ApiError::method_not_allowed()
}
