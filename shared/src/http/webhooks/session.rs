//! `POST /webhooks/cloudonix/session` (function webhook-session): Cloudonix's session updates,
//! the domain's `session-update-endpoint` (cloudonix.md §3.2). About ten per call, possibly
//! repeated or out of order; each moves the call log and the live call forward through the call
//! state machine or changes nothing. Authenticated like the voice webhook (bearer webhook key).
//!
//! Answers: 200 `{"status", "changed"}` when applied (a duplicate is `changed: false`), 200
//! `{"ignored"}` for a status we do not know, 400 for a body that is not a session, 401 without
//! the key, 503 when our store failed (so a redelivery can succeed).

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::Response;
use axum::routing::post;
use serde_json::json;

use super::auth::{self, WebhookAuthError};
use super::notify::{direction, epoch_ms, reply, unavailable};
use super::params::WebhookParams;
use crate::app::AppState;
use crate::domain::call_state::{Source, from_session_status};
use crate::domain::now_ms;
use crate::realtime::tracking::{CallDetails, Observation, track};

pub const SESSION_PATH: &str = "/webhooks/cloudonix/session";

pub fn router(state: AppState) -> Router {
    Router::new()
        .route(SESSION_PATH, post(session_update))
        .with_state(state)
}

async fn session_update(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    let org = match auth::authenticate(&state, &headers).await {
        Ok(org) => org,
        Err(WebhookAuthError::Store(e)) => return unavailable(&e),
        Err(e) => {
            tracing::warn!(error = %e, "unauthenticated session update");
            return reply(StatusCode::UNAUTHORIZED, json!({"error": "unauthorized"}));
        }
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let params = match WebhookParams::parse(content_type, &body, uri.query()) {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(%org, error = %e, "unreadable session update");
            return reply(StatusCode::BAD_REQUEST, json!({"error": e.to_string()}));
        }
    };
    let Some(token) = params.get("token") else {
        tracing::warn!(%org, "session update without a session token");
        return reply(
            StatusCode::BAD_REQUEST,
            json!({"error": "a session update needs the session's token"}),
        );
    };
    let ended_at = epoch_ms(params.get("callEndTime")).or(epoch_ms(params.get("endTime")));
    let raw_status = params.get("status").unwrap_or_default();
    let Some(status) = from_session_status(raw_status, ended_at.is_some()) else {
        tracing::info!(%org, status = raw_status, "session update with an unknown status ignored");
        return reply(
            StatusCode::OK,
            json!({"ignored": format!("unknown status {raw_status:?}")}),
        );
    };
    let observation = Observation {
        status,
        source: Source::SessionUpdate,
        at: now_ms(),
        answered_at: epoch_ms(params.get("callAnswerTime")).or(epoch_ms(params.get("answerTime"))),
        ended_at,
        details: CallDetails {
            direction: direction(params.get("direction")),
            from_number: params.get("callerId").map(str::to_owned),
            to_number: params.get("destination").map(str::to_owned),
            caller_name: None,
            started_at: epoch_ms(params.get("callStartTime")).or(epoch_ms(params.get("startTime"))),
            call_log_id: None,
        },
        ending: None,
    };
    match track(&state, org, token, &observation).await {
        Ok(tracked) => reply(
            StatusCode::OK,
            json!({"status": tracked.status, "changed": tracked.changed}),
        ),
        Err(e) => unavailable(&e),
    }
}
