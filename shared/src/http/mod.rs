//! The axum routers. Each Lambda function serves one of them; `opbx-local` merges them all.

pub mod health;

use axum::Router;

use crate::app::AppState;

/// Every function's router in one, as `opbx-local` serves them (ARCHITECTURE §3).
pub fn all_functions(state: AppState) -> Router {
    Router::new().merge(health::router(state))
}
