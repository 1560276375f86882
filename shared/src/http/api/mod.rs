//! The REST control plane under `/api/v1`: the framework every resource module uses, and the
//! resource modules themselves (one per Lambda function).
//!
//! # Adding a resource (e.g. `ring_groups`, function `api-ring-groups`)
//!
//! 1. **Module** `shared/src/http/api/ring_groups.rs` with documented handlers and
//!    ```ignore
//!    pub fn routes() -> OpenApiRouter<AppState> {
//!        OpenApiRouter::new()
//!            .routes(routes!(list, create))          // one `routes!` per path
//!            .routes(routes!(get_one, update, delete))
//!    }
//!    pub fn router(state: AppState) -> axum::Router { super::serve(routes(), state) }
//!    ```
//!    Each handler carries `#[utoipa::path(get, path = "/api/v1/ring-groups/{id}", tag =
//!    "ring-groups", params(("id" = RingGroupId, Path)), responses((status = 200, body =
//!    RingGroupView)))]`; document success answers only — every operation automatically gets a
//!    `default` problem+json response and the bearer security requirement (public routes say
//!    `security(())`).
//! 2. **Register** `pub mod ring_groups;` below, `ring_groups::routes` in
//!    [`openapi::DOCUMENTED`], and an entry in [`crate::http::HTTP_FUNCTIONS`] listing every
//!    route (`{id}` spelled as in axum) with `router: api::ring_groups::router`; plus the crate
//!    `functions/api-ring-groups` (copy `functions/api-auth`).
//! 3. **Handlers** follow one shape:
//!    ```ignore
//!    async fn update(State(state): State<AppState>, caller: Caller, Id(id): Id<RingGroupId>,
//!                    ApiJson(body): ApiJson<RingGroupInput>) -> ApiResult<Json<RingGroupView>> {
//!        caller.require(Role::PbxAdmin)?;                       // 403 below the role
//!        let before = state.store.find_ring_group(caller.org(), id).await?;  // 404 across tenants
//!        let mut v = Validator::new();                          // collect every field error
//!        v.destination(&state, caller.org(), "fallback", &body.fallback,
//!                      Some(&SelfRef::new(DestinationKind::RingGroup, id))).await?;
//!        v.finish()?;                                           // 422 with `errors`
//!        let change = Change::updated("ring_group", id, &view(&before), &view(&after));
//!        let entry = audit::entry((&caller).into(), change);    // written with the change
//!        state.store.update_ring_group(&after, &[entry]).await?; // 409 on conflicts via `?`
//!        audit::invalidate(&state, caller.org()).await;
//!        Ok(Json(view(&after)))
//!    }
//!    ```
//!    - [`caller::Caller`] authenticates (401) and carries the org; scope every store call
//!      with `caller.org()`, so another tenant's id is a 404, never a 403.
//!    - [`extract::ApiJson`] for bodies (structs with `#[serde(deny_unknown_fields)]`),
//!      [`extract::Id`] for `{id}`, [`list::List`] for list queries, answering
//!      [`list::Paged`].
//!    - **Every** write hands its [`audit::entry`] to the store call, which writes it in the
//!      change's transaction; then [`audit::invalidate`] drops the organization's routing cache.
//!    - Views: `#[derive(Serialize, ToSchema)]` structs; times as [`time::UtcTime`]; secrets
//!      never in full (mask them in the view).
//! 4. **Tests** in `tests/api/<resource>.rs`: `pub fn cases() -> Vec<Case>` with one row per
//!    route (who may call it, and how to prepare a request), added to `all_cases()` in
//!    `tests/api/cases.rs`. The role matrix, the tenant-isolation test and the coverage check
//!    run every row; see `tests/api/main.rs`.

pub mod account_links;
pub mod announcements;
pub mod audit;
pub mod audit_log;
pub mod auth;
pub mod business_hours;
pub mod call_logs;
pub mod caller;
pub mod conference_rooms;
pub mod csv;
pub mod dial_numbers;
pub mod extensions;
pub mod extract;
pub mod headers;
pub mod invitations;
pub mod ivr_menus;
pub mod jobs;
pub mod list;
pub mod live_calls;
pub mod openapi;
pub mod org_lock;
pub mod outbound_routes;
pub mod password_reset;
pub mod passwords;
pub mod phone_numbers;
pub mod platform;
pub mod problem;
pub mod profile;
pub mod recordings;
pub mod ring_groups;
pub mod routing;
pub mod rules;
pub mod schema;
pub mod scope;
pub mod settings;
pub mod sign_in_throttle;
pub mod time;
pub mod user_view;
pub mod users;
pub mod validate;
pub mod voicemail;

use axum::Router;
use utoipa_axum::router::OpenApiRouter;

use crate::app::AppState;

/// Turns a module's documented routes into its function's router, with the API's response
/// headers and CORS policy.
pub fn serve(routes: OpenApiRouter<AppState>, state: AppState) -> Router {
    let (router, _) = routes.split_for_parts();
    let router = router.method_not_allowed_fallback(super::unrouted::method_not_allowed);
    let router = match state.ui_origin.clone() {
        Some(origin) => router.layer(headers::cors(origin)),
        None => router,
    };
    router
        .layer(axum::middleware::map_response(headers::security_headers))
        .with_state(state)
}
