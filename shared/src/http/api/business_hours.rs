//! The `api-business-hours` function: `/api/v1/business-hours`, weekly opening hours in an IANA
//! time zone with exceptions (holidays, special openings) and a manual override, deciding where
//! calls go when open and when closed.
//!
//! Owners and PBX admins manage schedules and switch the override; PBX users read them and ask
//! for their state; reporters see no configuration. Names are unique within the organization.
//! Ranges and exceptions follow [`crate::domain::schedule::validate`] (minutes after local
//! midnight, 1 = Monday; an end at or before the start runs past midnight; dates `YYYY-MM-DD`,
//! inclusive). Destinations (open, closed, per exception) must be objects of the organization
//! and not the schedule itself.
//!
//! `GET …/{id}/status?at=` answers what a call at that instant (default: now) would meet, as the
//! call router decides it: an inactive schedule is switched off and always open.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::audit::{self, Change};
use super::caller::Caller;
use super::extract::{ApiJson, Id};
use super::list::{List, ListQuery, Listing, Paged};
use super::problem::{ApiError, ApiResult, FieldError};
use super::rules;
use super::time::{TimeParam, UtcTime, parse_time};
use super::validate::{SelfRef, Validator};
use crate::app::AppState;
use crate::domain::destination::{Destination, DestinationKind};
use crate::domain::ids::{OrgId, ScheduleId};
use crate::domain::model::{
    BusinessHours, ExceptionMode, ManualOverride, OverrideMode, Role, ScheduleException, Status,
    WeeklyRange,
};
use crate::domain::now_ms;
use crate::domain::schedule::{self, ScheduleDecision, ScheduleState};
use crate::domain::timezone::Timezone;
use crate::http::api::schema::Name;
use crate::ports::business_hours::BusinessHoursRepo;
use crate::ports::organizations::OrganizationRepo;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_business_hours, create_business_hours))
        .routes(routes!(
            get_business_hours,
            update_business_hours,
            delete_business_hours
        ))
        .routes(routes!(set_override, clear_override))
        .routes(routes!(schedule_status))
}

pub fn router(state: AppState) -> axum::Router {
    super::serve(routes(), state)
}

pub struct BusinessHoursList;

impl Listing for BusinessHoursList {
    /// Without `sort`, by name.
    const SORT: &'static [(&'static str, &'static str)] = &[
        ("name", "name"),
        ("timezone", "timezone"),
        ("status", "status"),
        ("created_at", "created_at"),
        ("updated_at", "updated_at"),
    ];
}

/// One weekly opening range in the schedule's local time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Range {
    /// 1 = Monday … 7 = Sunday.
    #[schema(minimum = 1, maximum = 7)]
    pub weekday: i32,
    /// Minutes after local midnight, 0 to 1439.
    #[schema(minimum = 0, maximum = 1439)]
    pub start_minute: i32,
    /// Minutes after local midnight, 0 to 1440; at or before `start_minute` the range runs past
    /// midnight (equal: 24 hours).
    #[schema(minimum = 0, maximum = 1440)]
    pub end_minute: i32,
}

/// A holiday or special opening: local dates, inclusive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Exception {
    #[schema(value_type = Name)]
    pub name: String,
    /// `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub start_date: String,
    /// `YYYY-MM-DD`, not before `start_date`.
    #[schema(format = Date)]
    pub end_date: String,
    /// `closed` (a holiday) or `open` (a special opening).
    pub mode: ExceptionMode,
    /// Where calls go during the exception; absent: the schedule's closed or open destination.
    #[serde(default)]
    pub destination: Option<Destination>,
}

/// The manual override in force, if any.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OverrideView {
    pub mode: OverrideMode,
    /// When it lapses; absent: until switched off.
    pub until: Option<UtcTime>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct BusinessHoursView {
    pub id: ScheduleId,
    pub name: String,
    pub timezone: Timezone,
    /// Where calls go while open.
    pub open: Destination,
    /// Where calls go while closed.
    pub closed: Destination,
    pub ranges: Vec<Range>,
    pub exceptions: Vec<Exception>,
    pub manual_override: Option<OverrideView>,
    /// An inactive schedule is switched off: always open.
    pub status: Status,
    pub created_at: UtcTime,
    pub updated_at: UtcTime,
}

impl From<&BusinessHours> for BusinessHoursView {
    fn from(s: &BusinessHours) -> Self {
        Self {
            id: s.id,
            name: s.name.clone(),
            timezone: s.timezone.clone(),
            open: s.open.clone(),
            closed: s.closed.clone(),
            ranges: s.ranges.iter().map(Range::from).collect(),
            exceptions: s.exceptions.iter().map(Exception::from).collect(),
            manual_override: s.manual_override.as_ref().map(|o| OverrideView {
                mode: o.mode,
                until: o.until.map(UtcTime::from),
            }),
            status: s.status,
            created_at: s.created_at.into(),
            updated_at: s.updated_at.into(),
        }
    }
}

impl From<&WeeklyRange> for Range {
    fn from(r: &WeeklyRange) -> Self {
        Self {
            weekday: r.weekday,
            start_minute: r.start_minute,
            end_minute: r.end_minute,
        }
    }
}

impl From<Range> for WeeklyRange {
    fn from(r: Range) -> Self {
        Self {
            weekday: r.weekday,
            start_minute: r.start_minute,
            end_minute: r.end_minute,
        }
    }
}

impl From<&ScheduleException> for Exception {
    fn from(e: &ScheduleException) -> Self {
        Self {
            name: e.name.clone(),
            start_date: e.start_date.clone(),
            end_date: e.end_date.clone(),
            mode: e.mode,
            destination: e.destination.clone(),
        }
    }
}

impl From<Exception> for ScheduleException {
    fn from(e: Exception) -> Self {
        Self {
            name: e.name,
            start_date: e.start_date,
            end_date: e.end_date,
            mode: e.mode,
            destination: e.destination,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBusinessHours {
    #[schema(value_type = Name)]
    pub name: String,
    /// Defaults to the organization's time zone.
    #[serde(default)]
    pub timezone: Option<Timezone>,
    pub open: Destination,
    pub closed: Destination,
    /// Up to 50; none means always closed (but for exceptions and overrides).
    #[serde(default)]
    #[schema(max_items = 50)]
    pub ranges: Vec<Range>,
    /// Up to 100.
    #[serde(default)]
    #[schema(max_items = 100)]
    pub exceptions: Vec<Exception>,
    /// Defaults to active.
    #[serde(default)]
    pub status: Option<Status>,
}

/// Fields to change; absent ones stay as they are. `ranges` and `exceptions` replace the whole
/// list. The override has its own action.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BusinessHoursUpdate {
    #[schema(value_type = Option<Name>)]
    pub name: Option<String>,
    pub timezone: Option<Timezone>,
    pub open: Option<Destination>,
    pub closed: Option<Destination>,
    #[schema(max_items = 50)]
    pub ranges: Option<Vec<Range>>,
    #[schema(max_items = 100)]
    pub exceptions: Option<Vec<Exception>>,
    pub status: Option<Status>,
}

/// Forces the schedule open or closed.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OverrideInput {
    pub mode: OverrideMode,
    /// RFC 3339 instant in the future when the override lapses (or a date, meaning its
    /// midnight UTC); absent: until switched off.
    #[serde(default)]
    #[schema(value_type = Option<TimeParam>)]
    pub until: Option<String>,
}

/// What a call meets at an instant.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduleStatusView {
    pub at: UtcTime,
    pub state: ScheduleState,
    /// Where a call at `at` goes.
    pub destination: Destination,
    /// Why, e.g. "open: Monday 09:00–17:00" or "holiday 'Christmas' (2026-12-25)".
    pub reason: String,
}

/// The query of the status route, for the OpenAPI document.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read by utoipa's derive only
struct StatusParams {
    /// The instant to evaluate (RFC 3339, or a date meaning its midnight UTC); default now.
    #[param(value_type = Option<TimeParam>, inline)]
    at: Option<String>,
}

/// The rules of a schedule, on create and update alike: trims the names and answers 422 naming
/// every bad field (`ranges[2].weekday`, `exceptions[0].destination`).
pub async fn check(state: &AppState, org: OrgId, s: &mut BusinessHours) -> ApiResult<()> {
    let mut v = Validator::new();
    s.name = v.text("name", &s.name, 1, rules::NAME_MAX);
    v.check(
        "ranges",
        s.ranges.len() <= rules::MAX_RANGES,
        "must have at most 50 ranges",
    );
    v.check(
        "exceptions",
        s.exceptions.len() <= rules::MAX_EXCEPTIONS,
        "must have at most 100 exceptions",
    );
    for (i, e) in s.exceptions.iter_mut().enumerate() {
        e.name = v.text(
            &format!("exceptions[{i}].name"),
            &e.name,
            1,
            rules::NAME_MAX,
        );
    }
    if let Err(errors) = schedule::validate(&s.ranges, &s.exceptions) {
        // Names are checked above already, with the API's own rules.
        for e in errors {
            if !v.has(&e.field) {
                v.error(e.field, e.message);
            }
        }
    }
    let itself = SelfRef::new(DestinationKind::BusinessHours, s.id);
    v.destination(state, org, "open", &s.open, Some(&itself))
        .await?;
    v.destination(state, org, "closed", &s.closed, Some(&itself))
        .await?;
    for (i, e) in s.exceptions.iter().enumerate() {
        if let Some(d) = &e.destination {
            let field = format!("exceptions[{i}].destination");
            v.destination(state, org, &field, d, Some(&itself)).await?;
        }
    }
    v.finish()
}

/// The decision a call at `at` meets, as the call router makes it: an inactive schedule is
/// switched off and always open.
pub fn decision(s: &BusinessHours, at: jiff::Timestamp) -> ScheduleDecision {
    if s.status == Status::Active {
        schedule::evaluate(s, at)
    } else {
        ScheduleDecision {
            state: ScheduleState::Open,
            destination: s.open.clone(),
            reason: "switched off: always open".into(),
        }
    }
}

/// List the organization's business-hours schedules.
#[utoipa::path(
    get,
    path = "/api/v1/business-hours",
    tag = "business-hours",
    params(ListQuery<BusinessHoursList>),
    responses((status = 200, body = Paged<BusinessHoursView>))
)]
async fn list_business_hours(
    State(state): State<AppState>,
    caller: Caller,
    list: List<BusinessHoursList>,
) -> ApiResult<Json<Paged<BusinessHoursView>>> {
    caller.require(Role::PbxUser)?;
    let page = state
        .store
        .list_business_hours(caller.org(), &list.filter, list.page)
        .await?;
    Ok(Json(Paged::map(page, |s| BusinessHoursView::from(&s))))
}

/// Create a schedule.
#[utoipa::path(
    post,
    path = "/api/v1/business-hours",
    tag = "business-hours",
    request_body = NewBusinessHours,
    responses((status = 201, body = BusinessHoursView))
)]
async fn create_business_hours(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<NewBusinessHours>,
) -> ApiResult<(StatusCode, Json<BusinessHoursView>)> {
    caller.require(Role::PbxAdmin)?;
    let timezone = match body.timezone {
        Some(tz) => tz,
        None => state.store.find_organization(caller.org()).await?.timezone,
    };
    let now = now_ms();
    let mut s = BusinessHours {
        id: ScheduleId::new(),
        organization_id: caller.org(),
        name: body.name,
        timezone,
        open: body.open,
        closed: body.closed,
        ranges: body.ranges.into_iter().map(WeeklyRange::from).collect(),
        exceptions: body
            .exceptions
            .into_iter()
            .map(ScheduleException::from)
            .collect(),
        manual_override: None,
        status: body.status.unwrap_or(Status::Active),
        created_at: now,
        updated_at: now,
    };
    check(&state, caller.org(), &mut s).await?;
    let view = BusinessHoursView::from(&s);
    let entry = audit::entry(
        (&caller).into(),
        Change::created("business_hours", s.id, &view),
    );
    state.store.create_business_hours(&s, &[entry]).await?;
    audit::invalidate(&state, caller.org()).await;
    Ok((StatusCode::CREATED, Json(view)))
}

/// One schedule.
#[utoipa::path(
    get,
    path = "/api/v1/business-hours/{id}",
    tag = "business-hours",
    params(("id" = ScheduleId, Path)),
    responses((status = 200, body = BusinessHoursView))
)]
async fn get_business_hours(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<ScheduleId>,
) -> ApiResult<Json<BusinessHoursView>> {
    caller.require(Role::PbxUser)?;
    let s = state.store.find_business_hours(caller.org(), id).await?;
    Ok(Json(BusinessHoursView::from(&s)))
}

/// Change a schedule.
#[utoipa::path(
    patch,
    path = "/api/v1/business-hours/{id}",
    tag = "business-hours",
    params(("id" = ScheduleId, Path)),
    request_body = BusinessHoursUpdate,
    responses((status = 200, body = BusinessHoursView))
)]
async fn update_business_hours(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<ScheduleId>,
    ApiJson(body): ApiJson<BusinessHoursUpdate>,
) -> ApiResult<Json<BusinessHoursView>> {
    caller.require(Role::PbxAdmin)?;
    let before = state.store.find_business_hours(caller.org(), id).await?;
    let mut after = before.clone();
    if let Some(name) = body.name {
        after.name = name;
    }
    if let Some(tz) = body.timezone {
        after.timezone = tz;
    }
    if let Some(open) = body.open {
        after.open = open;
    }
    if let Some(closed) = body.closed {
        after.closed = closed;
    }
    if let Some(ranges) = body.ranges {
        after.ranges = ranges.into_iter().map(WeeklyRange::from).collect();
    }
    if let Some(exceptions) = body.exceptions {
        after.exceptions = exceptions
            .into_iter()
            .map(ScheduleException::from)
            .collect();
    }
    if let Some(status) = body.status {
        after.status = status;
    }
    check(&state, caller.org(), &mut after).await?;
    save(&state, &caller, &before, after).await.map(Json)
}

/// Saves a changed schedule and records the change.
async fn save(
    state: &AppState,
    caller: &Caller,
    before: &BusinessHours,
    mut after: BusinessHours,
) -> ApiResult<BusinessHoursView> {
    after.updated_at = now_ms();
    let view = BusinessHoursView::from(&after);
    let entry = audit::entry(
        caller.into(),
        Change::updated(
            "business_hours",
            after.id,
            &BusinessHoursView::from(before),
            &view,
        ),
    );
    state.store.update_business_hours(&after, &[entry]).await?;
    audit::invalidate(state, caller.org()).await;
    Ok(view)
}

/// Delete a schedule; refused with 409 naming them while anything routes to it.
#[utoipa::path(
    delete,
    path = "/api/v1/business-hours/{id}",
    tag = "business-hours",
    params(("id" = ScheduleId, Path)),
    responses((status = 204, description = "Deleted"))
)]
async fn delete_business_hours(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<ScheduleId>,
) -> ApiResult<StatusCode> {
    caller.require(Role::PbxAdmin)?;
    let before = state.store.find_business_hours(caller.org(), id).await?;
    let entry = audit::entry(
        (&caller).into(),
        Change::deleted("business_hours", id, &BusinessHoursView::from(&before)),
    );
    state
        .store
        .delete_business_hours(caller.org(), id, &[entry])
        .await?;
    audit::invalidate(&state, caller.org()).await;
    Ok(StatusCode::NO_CONTENT)
}

/// Force the schedule open or closed, until a time or until switched off. It outranks
/// exceptions and weekly hours.
#[utoipa::path(
    post,
    path = "/api/v1/business-hours/{id}/override",
    tag = "business-hours",
    params(("id" = ScheduleId, Path)),
    request_body = OverrideInput,
    responses((status = 200, body = BusinessHoursView))
)]
async fn set_override(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<ScheduleId>,
    ApiJson(body): ApiJson<OverrideInput>,
) -> ApiResult<Json<BusinessHoursView>> {
    caller.require(Role::PbxAdmin)?;
    let before = state.store.find_business_hours(caller.org(), id).await?;
    let until = match body.until.as_deref().map(str::trim) {
        None => None,
        Some(text) => match parse_time(text) {
            Some(ms) if ms > now_ms() => Some(ms),
            Some(_) => {
                let past = FieldError::new("until", "must be in the future");
                return Err(ApiError::conflicting(vec![past]));
            }
            None => {
                return Err(ApiError::invalid(
                    "until",
                    "must be an RFC 3339 time such as 2026-03-01T18:00:00Z",
                ));
            }
        },
    };
    let mut after = before.clone();
    after.manual_override = Some(ManualOverride {
        mode: body.mode,
        until,
    });
    save(&state, &caller, &before, after).await.map(Json)
}

/// Switch the override off: the exceptions and weekly hours decide again.
#[utoipa::path(
    delete,
    path = "/api/v1/business-hours/{id}/override",
    tag = "business-hours",
    params(("id" = ScheduleId, Path)),
    responses((status = 200, body = BusinessHoursView))
)]
async fn clear_override(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<ScheduleId>,
) -> ApiResult<Json<BusinessHoursView>> {
    caller.require(Role::PbxAdmin)?;
    let before = state.store.find_business_hours(caller.org(), id).await?;
    let mut after = before.clone();
    after.manual_override = None;
    save(&state, &caller, &before, after).await.map(Json)
}

/// Open or closed at an instant (default now), where calls go and why.
#[utoipa::path(
    get,
    path = "/api/v1/business-hours/{id}/status",
    tag = "business-hours",
    params(("id" = ScheduleId, Path), StatusParams),
    responses((status = 200, body = ScheduleStatusView))
)]
async fn schedule_status(
    State(state): State<AppState>,
    caller: Caller,
    Id(id): Id<ScheduleId>,
    uri: Uri,
) -> ApiResult<Json<ScheduleStatusView>> {
    caller.require(Role::PbxUser)?;
    let at = status_instant(&uri)?;
    let s = state.store.find_business_hours(caller.org(), id).await?;
    let instant = jiff::Timestamp::from_millisecond(at)
        .map_err(|_| ApiError::bad_parameters(vec![FieldError::new("at", "is out of range")]))?;
    let d = decision(&s, instant);
    Ok(Json(ScheduleStatusView {
        at: at.into(),
        state: d.state,
        destination: d.destination,
        reason: d.reason,
    }))
}

/// `at` from the query (epoch ms), now when absent; 400 for anything else in the query.
fn status_instant(uri: &Uri) -> ApiResult<i64> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(uri.query().unwrap_or(""))
        .map_err(|_| ApiError::bad_request("The query string cannot be decoded."))?;
    let mut at = None;
    let mut errors = Vec::new();
    for (key, value) in pairs {
        match key.as_str() {
            "at" if at.is_none() => match parse_time(value.trim()) {
                Some(ms) => at = Some(ms),
                None => errors.push(FieldError::new(
                    "at",
                    "must be an RFC 3339 time such as 2026-03-01T18:00:00Z",
                )),
            },
            "at" => errors.push(FieldError::new("at", "is given more than once")),
            other => errors.push(FieldError::new(other, "is not a parameter; known: at")),
        }
    }
    if errors.is_empty() {
        Ok(at.unwrap_or_else(now_ms))
    } else {
        Err(ApiError::bad_parameters(errors))
    }
}
