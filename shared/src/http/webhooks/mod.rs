//! The Cloudonix webhooks of the execution plane (ARCHITECTURE §3, §5). Each is its own function:
//! `webhook-voice` (the voice application URL, one request per new call), `webhook-gather` (IVR
//! digits, conference PINs) and `webhook-dial` (`<Dial>` outcomes and voicemail recordings). They
//! differ only in what the request means to the router, so they share one pipeline.

pub mod auth;
pub mod callback_base;
pub mod cdr;
pub mod notify;
pub mod params;
pub mod pipeline;
pub mod session;
pub mod trace;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Extension, Router};
use lambda_http::request::RequestContext;

use crate::app::AppState;
use crate::cxml;
use crate::domain::call_trace::TraceWebhook;
use crate::routing::continuation::{DIAL_PATH, GATHER_PATH, VOICE_PATH};

/// `webhook-voice`.
pub fn voice_router(state: AppState) -> Router {
    hook_router(state, VOICE_PATH, TraceWebhook::Voice)
}

/// `webhook-gather`.
pub fn gather_router(state: AppState) -> Router {
    hook_router(state, GATHER_PATH, TraceWebhook::Gather)
}

/// `webhook-dial`.
pub fn dial_router(state: AppState) -> Router {
    hook_router(state, DIAL_PATH, TraceWebhook::Dial)
}

fn hook_router(state: AppState, path: &'static str, webhook: TraceWebhook) -> Router {
    let handler = move |State(state): State<AppState>,
                        context: Option<Extension<RequestContext>>,
                        headers: HeaderMap,
                        uri: Uri,
                        body: Bytes| async move {
        let base = callback_base::callback_base(
            state.public_url.as_deref(),
            context.as_ref().map(|Extension(c)| c),
            &headers,
            &uri,
        );
        pipeline::answer(&state, webhook, base, &headers, &uri, &body).await
    };
    Router::new().route(path, post(handler)).with_state(state)
}

/// A CXML answer. Voice webhooks answer 200 even when a call cannot be routed (the document says
/// so to the caller); only an unauthenticated request gets another status.
pub fn cxml_reply(status: StatusCode, doc: &cxml::Response) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, cxml::CONTENT_TYPE)],
        doc.to_xml(),
    )
        .into_response()
}

/// What an unauthenticated request gets: 401, and a document that ends the call, in case the
/// platform plays it anyway.
pub fn unauthorized() -> Response {
    cxml_reply(
        StatusCode::UNAUTHORIZED,
        &cxml::Response::new().with(cxml::Hangup),
    )
}
