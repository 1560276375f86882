//! `GET /api/v1/live-calls` (function api-live-calls): the organization's calls in progress.
//! WebSocket clients get the same [`LiveCallView`] in every `call.updated` event, so the live view
//! loads this list once and then follows the events.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::Caller;
use super::problem::ApiResult;
use super::time::UtcTime;
use crate::app::AppState;
use crate::domain::ids::CallLogId;
use crate::domain::live_call::{CallLocation, LiveCall};
use crate::domain::model::{CallDirection, CallStatus};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list))
}

pub fn router(state: AppState) -> axum::Router {
    super::serve(routes(), state)
}

/// A call in progress (or, in a `call.updated` event, one that has just ended).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct LiveCallView {
    /// The Cloudonix session token of the call.
    pub call_id: String,
    /// Its call-log entry, once routing has created one.
    pub call_log_id: Option<CallLogId>,
    pub direction: Option<CallDirection>,
    pub from_number: String,
    pub to_number: String,
    pub caller_name: Option<String>,
    pub status: CallStatus,
    pub started_at: UtcTime,
    pub answered_at: Option<UtcTime>,
    pub ended_at: Option<UtcTime>,
    pub updated_at: UtcTime,
    /// Where the call is: the destination routing last sent it to (a menu while the caller
    /// chooses, a ring group while it rings, a voicemail box), with its name. It moves as the
    /// call does (each move is a `call.updated` event); absent before routing placed the call.
    pub location: Option<CallLocation>,
}

impl From<&LiveCall> for LiveCallView {
    fn from(c: &LiveCall) -> Self {
        Self {
            call_id: c.call_id.clone(),
            call_log_id: c.call_log_id,
            direction: c.direction,
            from_number: c.from_number.clone(),
            to_number: c.to_number.clone(),
            caller_name: c.caller_name.clone(),
            status: c.status,
            started_at: c.started_at.into(),
            answered_at: c.answered_at.map(UtcTime),
            ended_at: c.ended_at.map(UtcTime),
            updated_at: c.updated_at.into(),
            location: c.location.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LiveCalls {
    /// Oldest first.
    pub data: Vec<LiveCallView>,
}

/// The calls in progress in your organization, oldest first. Every role may watch them.
#[utoipa::path(
    get,
    path = "/api/v1/live-calls",
    tag = "live-calls",
    responses((status = 200, body = LiveCalls))
)]
async fn list(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<LiveCalls>> {
    let calls = state
        .realtime
        .live_calls
        .list_live_calls(caller.org())
        .await?;
    Ok(Json(LiveCalls {
        data: calls.iter().map(LiveCallView::from).collect(),
    }))
}
