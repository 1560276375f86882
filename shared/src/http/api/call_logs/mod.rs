//! The `api-call-logs` and `api-call-logs-export` functions: the organization's call history,
//! read-only.
//!
//! - `GET /api/v1/call-logs`: newest first, paged, sortable; filters below.
//! - `GET /api/v1/call-logs/{id}`: one call with the destinations it went through (named as
//!   they are named now, with why it went to each), Cloudonix's CDR once it has arrived, and
//!   the call's trace (every webhook request and its answer; see `domain::call_trace` for what
//!   is kept and for how long).
//! - `GET /api/v1/call-logs/export.csv`: every matching call as CSV, streamed ([`export`]); its
//!   own function, `api-call-logs-export` ([`export_router`]).
//! - `GET /api/v1/call-logs/stats`: counts per local hour or day, average wait and talk time,
//!   busiest numbers and extensions ([`stats`]).
//!
//! Filters (all four routes but the detail): `from`/`to` (a date, a local date-time, or an RFC
//! 3339 instant; dates and local times are in the organization's time zone; `from` inclusive,
//! `to` exclusive except that a date as `to` includes that whole day), `direction`, `status`,
//! `number` (the end of the calling or called number), `call_sid` (Cloudonix's call id, exactly)
//! and `extension` (an extension id: calls offered to it or placed from it).
//!
//! Owners, PBX admins and reporters read every call. A PBX user reads only the calls of their
//! own extensions ([`super::scope`]): their lists, exports and statistics are limited to those,
//! and any other call is 404 to them.
//!
//! Recording URLs are Cloudonix's and appear only in these authenticated JSON answers, to callers
//! who may see the call; the CSV export says only whether a call was recorded, since exported
//! files travel beyond the access rules.

mod export;
mod period;
mod stats;

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::Query;
use axum::extract::State;
use axum::http::Uri;
use jiff::tz::TimeZone;
use serde::Serialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::audit::mask_secrets;
use super::caller::Caller;
use super::extract::Id;
use super::list::{List, ListQuery, Listing, Paged};
use super::problem::{ApiError, ApiResult, FieldError};
use super::scope::Scope;
use super::time::{LocalTimeParam, UtcTime};
use crate::app::AppState;
use crate::domain::call_trace::{CallTrace, TraceWebhook};
use crate::domain::destination::Destination;
use crate::domain::ids::{CallLogId, CdrId, ExtensionId, PhoneNumberId};
use crate::domain::model::{CallDirection, CallLog, CallStatus, Cdr};
use crate::domain::now_ms;
use crate::ports::call_logs::{CallLogFilter, CallLogRepo};
use crate::ports::cdrs::CdrRepo;
use crate::ports::organizations::OrganizationRepo;
use crate::ports::references::ReferenceRepo;
use crate::ports::store::StoreError;

/// Every call-history route, for the OpenAPI document.
pub fn routes() -> OpenApiRouter<AppState> {
    history_routes().merge(export_routes())
}

fn history_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_call_logs))
        .routes(routes!(stats::call_stats))
        .routes(routes!(get_call_log))
}

fn export_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(export::export_call_logs))
}

/// The `api-call-logs` function: list, statistics and one call.
pub fn router(state: AppState) -> axum::Router {
    super::serve(history_routes(), state)
}

/// The `api-call-logs-export` function: the CSV export alone, because on Lambda it streams its
/// answer (a Function URL in response-streaming mode, behind CloudFront), which API Gateway's
/// HTTP API cannot do: it buffers every answer and caps it at 6 MB (about 25 000 calls).
pub fn export_router(state: AppState) -> axum::Router {
    super::serve(export_routes(), state)
}

/// The filter parameters every call-history read takes.
const FILTERS: &[&str] = &[
    "from",
    "to",
    "direction",
    "status",
    "number",
    "call_sid",
    "extension",
];
/// Longest `number` accepted: the end of a phone number, not a document.
const MAX_NUMBER_LEN: usize = 64;
/// The call_logs.call_sid column's width.
const MAX_CALL_SID_LEN: usize = 128;

pub struct CallLogList;

impl Listing for CallLogList {
    const SORT: &'static [(&'static str, &'static str)] = &[
        ("started_at", "started_at"),
        ("duration_seconds", "duration_seconds"),
        ("from_number", "from_number"),
        ("to_number", "to_number"),
        ("direction", "direction"),
        ("status", "status"),
    ];
    const FILTERS: &'static [&'static str] = FILTERS;
    // `status` here is the call's status, not active/inactive; `number` is the search.
    const SEARCH: bool = false;
}

/// The filters, for the OpenAPI document.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read by utoipa's derive only
struct FilterParams {
    /// Calls started at or after this: `2026-03-01` (local midnight), `2026-03-01T09:00`
    /// (local time) or `2026-03-01T09:00:00Z` (an instant). Local means the organization's
    /// time zone.
    #[param(value_type = Option<LocalTimeParam>, inline)]
    from: Option<String>,
    /// Calls started before this; a date includes that whole local day.
    #[param(value_type = Option<LocalTimeParam>, inline)]
    to: Option<String>,
    direction: Option<CallDirection>,
    status: Option<CallStatus>,
    /// The end of the calling or the called number: `0123`, `5550123` and `+15105550123` all
    /// find +15105550123 (numbers are matched from the right, whatever prefix they carry).
    #[param(max_length = 64)]
    number: Option<String>,
    /// Exactly this Cloudonix call id (`CallSid`).
    call_sid: Option<String>,
    /// Calls offered to this extension or placed from it.
    extension: Option<ExtensionId>,
}

/// One call as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct CallLogView {
    pub id: CallLogId,
    /// Cloudonix's call id.
    pub call_sid: String,
    pub direction: CallDirection,
    pub status: CallStatus,
    pub from_number: String,
    pub to_number: String,
    pub caller_name: Option<String>,
    /// The organization's number an inbound call came in on.
    pub phone_number_id: Option<PhoneNumberId>,
    /// The first extension the call was offered to.
    pub extension_id: Option<ExtensionId>,
    /// Cloudonix's final disposition (`ANSWER`, `BUSY`, `NOANSWER`, …).
    pub disposition: Option<String>,
    pub started_at: UtcTime,
    pub answered_at: Option<UtcTime>,
    pub ended_at: Option<UtcTime>,
    pub duration_seconds: Option<i32>,
    /// Seconds talked (billed), from answer to end.
    pub billsec: Option<i32>,
    /// Cloudonix's URL of the recording, when the call was recorded.
    pub recording_url: Option<String>,
}

impl From<CallLog> for CallLogView {
    fn from(c: CallLog) -> Self {
        Self {
            id: c.id,
            call_sid: c.call_sid,
            direction: c.direction,
            status: c.status,
            from_number: c.from_number,
            to_number: c.to_number,
            caller_name: c.caller_name,
            phone_number_id: c.phone_number_id,
            extension_id: c.extension_id,
            disposition: c.disposition,
            started_at: c.started_at.into(),
            answered_at: c.answered_at.map(UtcTime),
            ended_at: c.ended_at.map(UtcTime),
            duration_seconds: c.duration_seconds,
            billsec: c.billsec,
            recording_url: c.recording_url,
        }
    }
}

/// One call in full.
#[derive(Debug, Serialize, ToSchema)]
pub struct CallLogDetail {
    #[serde(flatten)]
    pub call: CallLogView,
    /// The destinations the call went through, in order.
    pub path: Vec<PathStep>,
    /// Cloudonix's record of the call, once it has arrived (it follows the hangup).
    pub cdr: Option<CdrView>,
    /// Every webhook request OpBX received for the call and its answer, in order; for owners,
    /// PBX admins and reporters only (null for PBX users). Kept 30 days from the call's start,
    /// at most 64 KiB per call.
    pub trace: Option<TraceView>,
}

/// A call's trace.
#[derive(Debug, Serialize, ToSchema)]
pub struct TraceView {
    pub entries: Vec<TraceEntryView>,
    /// Requests not kept because the call's trace had reached its size cap.
    pub dropped: i32,
    /// When the trace will be forgotten; null when there is none (any more).
    pub kept_until: Option<UtcTime>,
}

/// One webhook request and what OpBX answered.
#[derive(Debug, Serialize, ToSchema)]
pub struct TraceEntryView {
    /// When the request arrived.
    pub at: UtcTime,
    pub webhook: TraceWebhook,
    /// From the request's arrival until the answer was decided, in milliseconds.
    pub elapsed_ms: f64,
    /// The request's fields (body and query string); secret-looking ones are masked, and
    /// OpBX's own signed routing state is left out.
    pub request: BTreeMap<String, String>,
    /// The HTTP status answered.
    pub status: u16,
    /// The body answered: CXML for voice, gather and dial requests, JSON otherwise.
    pub response: String,
    /// Whether fields, values or the answer were cut to the per-entry caps.
    pub truncated: bool,
}

impl From<CallTrace> for TraceView {
    fn from(t: CallTrace) -> Self {
        Self {
            entries: t
                .entries
                .into_iter()
                .map(|e| TraceEntryView {
                    at: e.at.into(),
                    webhook: e.webhook,
                    elapsed_ms: e.elapsed_us as f64 / 1000.0,
                    request: e.request,
                    status: e.status,
                    response: e.response,
                    truncated: e.truncated,
                })
                .collect(),
            dropped: t.dropped,
            kept_until: t.kept_until.map(UtcTime),
        }
    }
}

/// A destination of a call's path with the name its target has now.
#[derive(Debug, Serialize, ToSchema)]
pub struct PathStep {
    #[serde(flatten)]
    pub destination: Destination,
    /// `101 Alice Smith` for extensions and voicemail boxes, the number for external numbers,
    /// the name otherwise; null for a hangup or a target deleted since.
    pub name: Option<String>,
    /// Why the call went there, in the routing simulator's words; empty for calls logged
    /// before reasons were kept.
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CdrView {
    pub id: CdrId,
    pub from_number: String,
    pub to_number: String,
    pub disposition: String,
    pub duration_seconds: i32,
    pub billsec: i32,
    pub started_at: Option<UtcTime>,
    pub answered_at: Option<UtcTime>,
    pub ended_at: Option<UtcTime>,
    pub received_at: UtcTime,
    /// The record as Cloudonix sent it (costs, QoS, trunk…), secret-looking fields masked;
    /// for owners, PBX admins and reporters only.
    #[schema(value_type = Option<Object>)]
    pub raw: Option<Value>,
}

impl CdrView {
    fn new(cdr: Cdr, with_raw: bool) -> Self {
        let raw = with_raw.then(|| {
            let mut raw =
                serde_json::from_str(&cdr.raw).unwrap_or_else(|_| Value::String(cdr.raw.clone()));
            mask_secrets(&mut raw);
            raw
        });
        Self {
            id: cdr.id,
            from_number: cdr.from_number,
            to_number: cdr.to_number,
            disposition: cdr.disposition,
            duration_seconds: cdr.duration_seconds,
            billsec: cdr.billsec,
            started_at: cdr.started_at.map(UtcTime),
            answered_at: cdr.answered_at.map(UtcTime),
            ended_at: cdr.ended_at.map(UtcTime),
            received_at: cdr.received_at.into(),
            raw,
        }
    }
}

/// The organization's time zone: the one its people's "days" and "hours" are in.
async fn timezone(state: &AppState, caller: &Caller) -> ApiResult<TimeZone> {
    let org = state.store.find_organization(caller.org()).await?;
    Ok(org.timezone.tz().clone())
}

/// The store filter from the request's filter parameters (`given` reads one as sent), within
/// `scope`. 400 naming every parameter that does not parse; a typed filter given blank is one.
fn call_filter<'a>(
    given: impl Fn(&str) -> Option<&'a str>,
    tz: &TimeZone,
    scope: &Scope,
) -> ApiResult<CallLogFilter> {
    let mut errors = Vec::new();
    let mut time = |name: &str, bound| {
        let text = given(name)?;
        let parsed = period::instant(text, tz, bound);
        if parsed.is_none() {
            errors.push(FieldError::new(
                name,
                "must be a date (2026-03-01), a local date-time (2026-03-01T09:00) or an \
                 RFC 3339 instant (2026-03-01T09:00:00Z)",
            ));
        }
        parsed
    };
    let from = time("from", period::Bound::From);
    let to = time("to", period::Bound::To);
    if let (Some(from), Some(to)) = (from, to)
        && from >= to
    {
        errors.push(FieldError::new("to", "must be later than from"));
    }
    let mut parsed = |name: &str, expected: &str, parse: &dyn Fn(&str) -> bool| {
        let text = given(name)?;
        if !parse(text) {
            errors.push(FieldError::new(name, format!("must be {expected}")));
        }
        Some(text)
    };
    let direction = parsed("direction", "inbound, outbound or internal", &|t| {
        CallDirection::parse(t).is_some()
    })
    .and_then(CallDirection::parse);
    let statuses = CallStatus::ALL
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let status = parsed("status", &format!("one of {statuses}"), &|t| {
        CallStatus::parse(t).is_some()
    })
    .and_then(CallStatus::parse);
    let number = parsed(
        "number",
        &format!("at most {MAX_NUMBER_LEN} characters"),
        &|t| t.chars().count() <= MAX_NUMBER_LEN,
    )
    .map(str::trim)
    .filter(|n| !n.is_empty())
    .map(str::to_owned);
    let call_sid = parsed(
        "call_sid",
        &format!("at most {MAX_CALL_SID_LEN} characters"),
        &|t| t.chars().count() <= MAX_CALL_SID_LEN,
    )
    .map(str::to_owned);
    let extension = parsed("extension", "an extension id", &|t| {
        t.parse::<ExtensionId>().is_ok()
    })
    .and_then(|t| t.parse().ok());
    if !errors.is_empty() {
        return Err(ApiError::bad_parameters(errors));
    }
    Ok(CallLogFilter {
        from,
        to,
        direction,
        status,
        number,
        call_sid,
        extensions: scope.extensions(extension),
    })
}

/// The query of a read that is not a paged list: `known` parameters once each, nothing else.
struct Params(Vec<(String, String)>);

impl Params {
    fn parse(uri: &Uri, known: &[&str]) -> ApiResult<Self> {
        let Query(params) = Query::<Vec<(String, String)>>::try_from_uri(uri)
            .map_err(|_| ApiError::bad_request("The query string cannot be decoded."))?;
        let mut errors = Vec::new();
        for (i, (key, _)) in params.iter().enumerate() {
            if !known.contains(&key.as_str()) {
                errors.push(FieldError::new(
                    key,
                    format!("is not a parameter here; known: {}", known.join(", ")),
                ));
            } else if params[..i].iter().any(|(k, _)| k == key) {
                errors.push(FieldError::new(key, "is given more than once"));
            }
        }
        if !errors.is_empty() {
            return Err(ApiError::bad_parameters(errors));
        }
        Ok(Self(params))
    }

    /// A parameter's value exactly as given (blank included).
    fn given(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The organization's calls, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/call-logs",
    tag = "call-logs",
    params(FilterParams, ListQuery<CallLogList>),
    responses((status = 200, body = Paged<CallLogView>))
)]
async fn list_call_logs(
    State(state): State<AppState>,
    caller: Caller,
    list: List<CallLogList>,
) -> ApiResult<Json<Paged<CallLogView>>> {
    let scope = Scope::of(&state, &caller).await?;
    let tz = timezone(&state, &caller).await?;
    let filter = call_filter(|name| list.given(name), &tz, &scope)?;
    let page = state
        .store
        .list_call_logs(caller.org(), &filter, list.page)
        .await?;
    Ok(Json(Paged::map(page, CallLogView::from)))
}

/// One call: its path through the organization's destinations and its CDR.
#[utoipa::path(
    get,
    path = "/api/v1/call-logs/{id}",
    tag = "call-logs",
    params(("id" = CallLogId, Path)),
    responses((status = 200, body = CallLogDetail))
)]
async fn get_call_log(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<CallLogId>,
) -> ApiResult<Json<CallLogDetail>> {
    let scope = Scope::of(&state, &caller).await?;
    let call = state.store.find_call_log(caller.org(), id).await?;
    if !scope.includes_call(&call) {
        return Err(ApiError::not_found());
    }
    let targets: Vec<Destination> = call.path.iter().map(|s| s.destination.clone()).collect();
    let names = state
        .store
        .destination_names(caller.org(), &targets)
        .await?;
    let everything = matches!(scope, Scope::Everything);
    let trace = match everything {
        true => Some(
            state
                .store
                .find_call_trace(caller.org(), call.id, now_ms())
                .await?
                .into(),
        ),
        false => None,
    };
    let cdr = match &call.session_token {
        Some(token) => match state.store.find_cdr_by_session(caller.org(), token).await {
            Ok(cdr) => Some(CdrView::new(cdr, everything)),
            Err(StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    let path = call
        .path
        .iter()
        .map(|s| PathStep {
            name: names.get(&s.destination).cloned(),
            destination: s.destination.clone(),
            reason: s.reason.clone(),
        })
        .collect();
    Ok(Json(CallLogDetail {
        call: call.into(),
        path,
        cdr,
        trace,
    }))
}
