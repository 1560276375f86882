//! `POST /webhooks/cloudonix/session[/{session_token}]` (function webhook-session): Cloudonix's
//! session updates, the domain's `session-update-endpoint` (cloudonix.md §3.2). About ten per
//! call, possibly repeated or out of order; each moves the call log and the live call forward
//! through the call state machine or changes nothing.
//!
//! Nothing documents that session updates carry the `authorization-api-key` bearer, so the
//! provisioned URL carries the organization's session-update token as well, and either one
//! identifies the organization: an update without the bearer is not locked out. When both are
//! present they must name the same organization.
//!
//! Answers: 200 `{"status", "changed"}` when applied (a duplicate is `changed: false`), 200
//! `{"ignored"}` for a status we do not know, 400 for a body that is not a session, 401 with
//! neither a known token nor a known bearer, 503 when our store failed (so a redelivery can
//! succeed).

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::Response;
use axum::routing::post;
use serde_json::json;

use super::auth::{self, WebhookAuthError};
use super::notify::{direction, epoch_ms, reply, unavailable};
use super::params::WebhookParams;
use super::trace;
use crate::app::AppState;
use crate::domain::call_state::{Source, from_session_status};
use crate::domain::call_trace::{TraceRequest, TraceWebhook};
use crate::domain::ids::OrgId;
use crate::domain::now_ms;
use crate::realtime::tracking::{CallDetails, Observation, track};

pub const SESSION_PATH: &str = "/webhooks/cloudonix/session";
pub const SESSION_TOKEN_PATH: &str = "/webhooks/cloudonix/session/{session_token}";

pub fn router(state: AppState) -> Router {
    Router::new()
        .route(SESSION_PATH, post(with_bearer))
        .route(SESSION_TOKEN_PATH, post(with_token))
        .with_state(state)
}

async fn with_bearer(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    session_update(&state, None, &headers, &uri, &body).await
}

async fn with_token(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    session_update(&state, Some(&token), &headers, &uri, &body).await
}

fn unauthorized(why: &str) -> Response {
    tracing::warn!(why, "unauthenticated session update");
    reply(StatusCode::UNAUTHORIZED, json!({"error": "unauthorized"}))
}

/// The organization named by the URL's token or by the bearer: either suffices (the bearer may
/// be missing, or stale after a rotation by hand), but two that disagree are refused.
async fn identify(
    state: &AppState,
    token: Option<&str>,
    headers: &HeaderMap,
) -> Result<OrgId, Response> {
    let by_token = match token {
        None => None,
        Some(token) => match auth::session_token_org(state, token).await {
            Ok(org) => Some(org),
            Err(WebhookAuthError::Store(e)) => return Err(unavailable(&e)),
            Err(_) => None,
        },
    };
    let by_bearer = match auth::authenticate(state, headers).await {
        Ok(org) => Some(org),
        Err(WebhookAuthError::Store(e)) => return Err(unavailable(&e)),
        Err(_) => None,
    };
    match (by_token, by_bearer) {
        (Some(a), Some(b)) if a != b => Err(unauthorized(
            "the URL's token and the bearer name different organizations",
        )),
        (Some(org), _) | (None, Some(org)) => Ok(org),
        (None, None) => Err(unauthorized(if token.is_some() {
            "unknown session-update token and no valid bearer"
        } else {
            "no valid bearer"
        })),
    }
}

async fn session_update(
    state: &AppState,
    token: Option<&str>,
    headers: &HeaderMap,
    uri: &Uri,
    body: &[u8],
) -> Response {
    let arrival = TraceRequest::arriving(TraceWebhook::Session);
    let org = match identify(state, token, headers).await {
        Ok(org) => org,
        Err(refused) => return refused,
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let params = match WebhookParams::parse(content_type, body, uri.query()) {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(%org, error = %e, "unreadable session update");
            return reply(StatusCode::BAD_REQUEST, json!({"error": e.to_string()}));
        }
    };
    let (session, mut observation) = match read_session_update(&params, now_ms()) {
        SessionReading::NoToken => {
            tracing::warn!(%org, "session update without a session token");
            return reply(
                StatusCode::BAD_REQUEST,
                json!({"error": "a session update needs the session's token"}),
            );
        }
        SessionReading::UnknownStatus(raw_status) => {
            tracing::info!(%org, status = raw_status, "session update with an unknown status ignored");
            return reply(
                StatusCode::OK,
                json!({"ignored": format!("unknown status {raw_status:?}")}),
            );
        }
        SessionReading::Update { token, observation } => (token, observation),
    };
    observation.trace = Some(trace::with_params(arrival, &params));
    let tracking = track(state, org, session, &observation);
    match state.store.within_notification_deadline(tracking).await {
        Ok(tracked) => reply(StatusCode::OK, tracked.summary()),
        Err(e) => unavailable(&e),
    }
}

/// What a session update says, read without I/O (a fuzz target: fuzz/src/lib.rs).
#[derive(Debug)]
pub enum SessionReading<'a> {
    NoToken,
    /// A status this state machine does not know: the update is acknowledged and ignored.
    UnknownStatus(&'a str),
    /// The session's token and what the update observed (its trace line still to be added).
    Update {
        token: &'a str,
        observation: Box<Observation>,
    },
}

/// Reads Cloudonix's session update fields (cloudonix.md §3.2); `at` is when it arrived.
pub fn read_session_update(params: &WebhookParams, at: i64) -> SessionReading<'_> {
    let Some(token) = params.get("token") else {
        return SessionReading::NoToken;
    };
    let ended_at = epoch_ms(params.get("callEndTime")).or(epoch_ms(params.get("endTime")));
    let raw_status = params.get("status").unwrap_or_default();
    let Some(status) = from_session_status(raw_status, ended_at.is_some()) else {
        return SessionReading::UnknownStatus(raw_status);
    };
    SessionReading::Update {
        token,
        observation: Box::new(Observation {
            status,
            source: Source::SessionUpdate,
            at,
            answered_at: epoch_ms(params.get("callAnswerTime"))
                .or(epoch_ms(params.get("answerTime"))),
            ended_at,
            details: CallDetails {
                direction: direction(params.get("direction")),
                from_number: params.get("callerId").map(str::to_owned),
                to_number: params.get("destination").map(str::to_owned),
                caller_name: None,
                started_at: epoch_ms(params.get("callStartTime"))
                    .or(epoch_ms(params.get("startTime"))),
                call_log_id: None,
                location: None,
            },
            ending: None,
            trace: None,
        }),
    }
}
