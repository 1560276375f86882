//! `POST /api/v1/routing/simulate` (function `api-routing`): where would a call go, and why?
//!
//! The simulator runs the webhooks' own routing engine in [`Mode::DryRun`]: the same lookups, the
//! same decisions, the same CXML — so it cannot drift from what callers get. Dry run means no
//! call log, no voicemail, no replay record, no lock, and the round-robin position is read, not
//! advanced (the simulated call starts where the next real call would). It may fill the routing
//! cache, which only saves the next real call a database read.
//!
//! `digits` plays a caller's key presses into the menus the call meets, one entry per `<Gather>`,
//! so an admin can follow a path through nested IVRs. A conference PIN prompt is reported, never
//! checked (the engine does not open PINs in a dry run), and each user may simulate
//! [`SIMULATIONS_PER_WINDOW`] calls per minute: the simulator must not be a way to guess PINs or
//! to load the routing engine.

use axum::Json;
use axum::extract::State;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::Caller;
use super::extract::ApiJson;
use super::problem::{ApiError, ApiResult};
use crate::app::AppState;
use crate::cxml;
use crate::domain::destination::Destination;
use crate::domain::ids::OrgId;
use crate::domain::model::Role;
use crate::routing::continuation::Continuation;
use crate::routing::{CallFacts, CallbackInput, Engine, Mode, Outcome, PathStep};

/// A simulated call can press keys at most this many times (nested menus, retries).
const MAX_DIGIT_ENTRIES: usize = 20;
/// Simulations per user per [`SIMULATION_WINDOW`]: plenty for someone trying paths by hand.
pub const SIMULATIONS_PER_WINDOW: u64 = 60;
pub const SIMULATION_WINDOW: std::time::Duration = std::time::Duration::from_secs(60);

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(simulate))
}

pub fn router(state: AppState) -> axum::Router {
    super::serve(routes(), state)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SimulateRequest {
    /// What was dialled: one of the organization's numbers (inbound) or, for a call from an
    /// extension, an extension, a room number or an outside number.
    #[schema(pattern = r"\S")]
    pub to: String,
    /// The caller: an outside number, or the calling extension for `subscriber` calls.
    #[serde(default)]
    pub from: Option<String>,
    /// Cloudonix `Direction`: `inbound` (default) or `subscriber` (from one of our phones).
    #[serde(default)]
    pub direction: Option<String>,
    /// When the call happens (RFC 3339); default now. Business hours are judged at this instant.
    #[serde(default)]
    #[schema(format = DateTime)]
    pub at: Option<String>,
    /// Keys pressed at each menu or PIN prompt the call meets, in order (e.g. `["2", "1001"]`).
    #[serde(default)]
    #[schema(max_items = 20)]
    pub digits: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SimulatedStep {
    pub destination: Destination,
    /// Why the call went there, e.g. "schedule 'Office' closed: holiday 'Christmas' (…)".
    pub reason: String,
}

impl From<&PathStep> for SimulatedStep {
    fn from(s: &PathStep) -> Self {
        Self {
            destination: s.destination.clone(),
            reason: s.reason.clone(),
        }
    }
}

/// One request Cloudonix would make and what OpBX would answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct SimulatedTurn {
    /// `voice` for the call itself, `gather` for a key press.
    pub request: String,
    pub digits: Option<String>,
    pub path: Vec<SimulatedStep>,
    /// Remarks that are not destinations (which member rings, repeated menus, refusals).
    pub notes: Vec<String>,
    pub cxml: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SimulateResponse {
    /// Every destination the call passes, in order, over all turns.
    pub path: Vec<SimulatedStep>,
    pub turns: Vec<SimulatedTurn>,
    /// The document of the last turn: what the caller ends up hearing or ringing.
    pub cxml: String,
    /// Key presses that were not used because no menu asked for them.
    pub unused_digits: Vec<String>,
}

#[utoipa::path(
    post,
    path = "/api/v1/routing/simulate",
    tag = "routing",
    request_body = SimulateRequest,
    responses(
        (status = 200, body = SimulateResponse),
        (status = 429, description = "Too many simulations by this user; see Retry-After", body = super::problem::Problem, content_type = "application/problem+json"),
    )
)]
async fn simulate(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<SimulateRequest>,
) -> ApiResult<Json<SimulateResponse>> {
    caller.require(Role::PbxUser)?;
    let decision = state
        .coordination
        .hit(
            &format!("simulate:{}", caller.user_id()),
            SIMULATIONS_PER_WINDOW,
            SIMULATION_WINDOW,
        )
        .await?;
    if !decision.allowed {
        return Err(ApiError::too_many_requests(decision.retry_after));
    }
    let facts = CallFacts {
        // The document shows the callbacks a live call would get.
        callback_base: state.public_url.as_deref().map(str::to_owned),
        ..facts(caller.org(), &body)?
    };
    Ok(Json(run(&state, &facts, &body.digits).await))
}

fn facts(org: OrgId, body: &SimulateRequest) -> ApiResult<CallFacts> {
    let mut errors = Vec::new();
    if body.to.trim().is_empty() {
        errors.push(super::problem::FieldError::new("to", "is required"));
    }
    let at = match body.at.as_deref() {
        None => Timestamp::now(),
        Some(text) => match text.parse::<Timestamp>() {
            Ok(t) => t,
            Err(_) => {
                errors.push(super::problem::FieldError::new(
                    "at",
                    "must be an RFC 3339 time such as 2026-12-25T09:30:00Z",
                ));
                Timestamp::now()
            }
        },
    };
    if body.digits.len() > MAX_DIGIT_ENTRIES {
        errors.push(super::problem::FieldError::new(
            "digits",
            format!("at most {MAX_DIGIT_ENTRIES} entries"),
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let direction = body.direction.clone().unwrap_or_else(|| "inbound".into());
    Ok(CallFacts {
        org,
        call_sid: format!("simulation-{}", uuid::Uuid::now_v7()),
        from: body.from.clone().unwrap_or_else(|| "+10000000000".into()),
        to: body.to.trim().to_owned(),
        direction: Some(direction),
        at,
        callback_base: None,
    })
}

async fn run(state: &AppState, facts: &CallFacts, digits: &[String]) -> SimulateResponse {
    let engine = || {
        Engine::new(
            &state.store,
            state.coordination.as_ref(),
            &state.secrets,
            facts,
            Mode::DryRun,
        )
        .with_media(state.media.as_ref())
    };
    let mut outcome = engine().start().await;
    let mut turns = vec![turn("voice", None, &outcome)];
    let mut pending = digits.iter().peekable();
    while let Some(entry) = pending.peek() {
        let Some(cont) = gather_state(&outcome, state, facts) else {
            break;
        };
        let input = CallbackInput {
            digits: Some((*entry).clone()),
            ..CallbackInput::default()
        };
        outcome = engine().resume(cont, &input).await;
        turns.push(turn("gather", Some((*entry).clone()), &outcome));
        pending.next();
    }
    let unused_digits: Vec<String> = pending.cloned().collect();
    SimulateResponse {
        path: turns
            .iter()
            .flat_map(|t| &t.path)
            .map(|s| SimulatedStep {
                destination: s.destination.clone(),
                reason: s.reason.clone(),
            })
            .collect(),
        cxml: outcome.response.to_xml(),
        turns,
        unused_digits,
    }
}

fn turn(request: &str, digits: Option<String>, outcome: &Outcome) -> SimulatedTurn {
    SimulatedTurn {
        request: request.into(),
        digits,
        path: outcome.path.iter().map(SimulatedStep::from).collect(),
        notes: outcome.notes.clone(),
        cxml: outcome.response.to_xml(),
    }
}

/// The routing state of the `<Gather>` the answer waits on, read back exactly as the gather
/// webhook would.
fn gather_state(outcome: &Outcome, state: &AppState, facts: &CallFacts) -> Option<Continuation> {
    let gather = outcome.response.verbs.iter().find_map(|v| match v {
        cxml::Verb::Gather(g) => g.action.clone(),
        _ => None,
    })?;
    let k = gather.split_once("?k=")?.1;
    Continuation::verify(Some(k), &state.secrets, facts.org, &facts.call_sid).ok()
}
