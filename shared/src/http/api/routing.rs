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
//!
//! `GET /api/v1/routing/call-flow/{id}` draws everything a phone number's calls can reach (see
//! [`crate::routing::call_flow`]); `GET /api/v1/routing/references/{type}/{id}` is the reverse
//! view, what routes to an object: the same scan that refuses deleting an object still in use.

use axum::Json;
use axum::extract::{Path, State};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::Caller;
use super::extract::{ApiJson, Id};
use super::problem::{ApiError, ApiResult, Reference};
use crate::app::AppState;
use crate::cxml;
use crate::domain::destination::{Destination, DestinationKind};
use crate::domain::ids::{OrgId, PhoneNumberId, RecordingId};
use crate::domain::model::Role;
use crate::ports::phone_numbers::PhoneNumberRepo;
use crate::ports::recordings::RecordingRepo;
use crate::ports::references::ReferenceRepo;
use crate::routing::call_flow::{self, CallFlow};
use crate::routing::config::Config;
use crate::routing::continuation::Continuation;
use crate::routing::{CallFacts, CallbackInput, Engine, Mode, Outcome, PathStep};

/// A simulated call can press keys at most this many times (nested menus, retries).
const MAX_DIGIT_ENTRIES: usize = 20;
/// Simulations per user per [`SIMULATION_WINDOW`]: plenty for someone trying paths by hand.
pub const SIMULATIONS_PER_WINDOW: u64 = 60;
pub const SIMULATION_WINDOW: std::time::Duration = std::time::Duration::from_secs(60);

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(simulate))
        .routes(routes!(get_call_flow))
        .routes(routes!(get_references))
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
    /// The organization's number the call came in on, whose call flow draws every path.
    pub phone_number_id: Option<PhoneNumberId>,
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

/// Everything calls to a phone number can reach, as a graph: each object once, with the ways a
/// call leaves it.
#[utoipa::path(
    get,
    path = "/api/v1/routing/call-flow/{id}",
    tag = "routing",
    params(("id" = PhoneNumberId, Path, description = "A phone number of the organization")),
    responses((status = 200, body = CallFlow))
)]
async fn get_call_flow(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<PhoneNumberId>,
) -> ApiResult<Json<CallFlow>> {
    caller.require(Role::PbxUser)?;
    let number = state.store.find_phone_number(caller.org(), id).await?;
    let config = Config::new(&state.store, state.coordination.as_ref(), caller.org());
    let flow = call_flow::call_flow(&config, &number, Timestamp::now()).await?;
    Ok(Json(flow))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct References {
    /// Ordered by type and name; each object once however many of its ways lead here.
    pub data: Vec<Reference>,
}

/// What routes to an object: the phone numbers, schedules, menus, ring groups, announcements and
/// extensions with a way to it (for an extension, also to its voicemail, and the groups and
/// direct-dial lists naming it). For a recording (`recording`): the IVR menus, announcements,
/// mailboxes (greeting) and conference rooms (hold music) that play it.
#[utoipa::path(
    get,
    path = "/api/v1/routing/references/{type}/{id}",
    tag = "routing",
    params(
        ("type" = String, Path, description = "extension, voicemail, ring_group, business_hours, ivr_menu, conference_room, announcement or recording"),
        ("id" = String, Path, description = "The object's id (a UUID; an extension's for its voicemail)"),
    ),
    responses((status = 200, body = References))
)]
async fn get_references(
    State(state): State<AppState>,
    caller: Caller,
    Path((kind, id)): Path<(String, String)>,
) -> ApiResult<Json<References>> {
    caller.require(Role::PbxUser)?;
    if kind == "recording" {
        let id = id
            .parse::<RecordingId>()
            .map_err(|_| ApiError::not_found())?;
        state.store.find_recording(caller.org(), id).await?;
        let users = state.store.recording_references(caller.org(), id).await?;
        return Ok(Json(References {
            data: users.into_iter().map(Reference::from).collect(),
        }));
    }
    // Outside numbers and hangup are no objects: nothing to route to, nothing found.
    let target = DestinationKind::parse(&kind)
        .filter(|k| !matches!(k, DestinationKind::ExternalNumber | DestinationKind::Hangup))
        .zip(uuid::Uuid::parse_str(&id).ok())
        .and_then(|(kind, id)| Destination::from_columns(kind.as_str(), Some(&id.to_string())).ok())
        .ok_or_else(ApiError::not_found)?;
    if !state
        .store
        .destination_exists(caller.org(), &target)
        .await?
    {
        return Err(ApiError::not_found());
    }
    let id = target.reference().unwrap_or_default();
    let referrers = state
        .store
        .references_to(caller.org(), target.kind(), &id)
        .await?;
    Ok(Json(References {
        data: referrers.into_iter().map(Reference::from).collect(),
    }))
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
    let phone_number_id = outcome.phone_number_id;
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
        phone_number_id,
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
