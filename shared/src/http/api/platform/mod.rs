//! The `api-platform` function: `/api/v1/platform/…`, for platform operators (issue 12), the
//! accounts above organizations. Operators sign in at [`auth`], manage the tenant lifecycle at
//! [`organizations`] and read what was done at [`audit_log`]. [`operator::OperatorCaller`]
//! authenticates every other route; organization tokens get 403 here.

pub mod audit_log;
pub mod auth;
pub mod operator;
pub mod organizations;

use utoipa_axum::router::OpenApiRouter;

use crate::app::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    auth::routes()
        .merge(organizations::routes())
        .merge(audit_log::routes())
}

pub fn router(state: AppState) -> axum::Router {
    super::serve(routes(), state)
}
