//! The axum routers. Each Lambda function serves one of them; `opbx-local` merges them all.
//!
//! [`HTTP_FUNCTIONS`] is the one list of HTTP functions and the routes each serves. The SAM
//! template and the `functions/` crates are checked against it by the deploy tests, so a route
//! cannot be served locally and forgotten in AWS (or the other way round).

pub mod health;
pub mod webhooks;

use axum::Router;

use crate::app::AppState;

/// One route as API Gateway and axum both spell it (`{id}` path parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
}

/// An HTTP Lambda function: its crate name under `functions/`, its routes and its router.
pub struct HttpFunction {
    pub name: &'static str,
    pub routes: &'static [Route],
    pub router: fn(AppState) -> Router,
}

const fn post(path: &'static str) -> Route {
    Route {
        method: "POST",
        path,
    }
}

pub const HTTP_FUNCTIONS: &[HttpFunction] = &[
    HttpFunction {
        name: "health",
        routes: &[Route {
            method: "GET",
            path: "/health",
        }],
        router: health::router,
    },
    HttpFunction {
        name: "webhook-voice",
        routes: &[post("/webhooks/cloudonix/voice")],
        router: webhooks::voice_router,
    },
    HttpFunction {
        name: "webhook-gather",
        routes: &[post("/webhooks/cloudonix/voice/gather")],
        router: webhooks::gather_router,
    },
    HttpFunction {
        name: "webhook-dial",
        routes: &[post("/webhooks/cloudonix/voice/dial")],
        router: webhooks::dial_router,
    },
];

/// Every function's router in one, as `opbx-local` serves them (ARCHITECTURE §3).
pub fn all_functions(state: AppState) -> Router {
    HTTP_FUNCTIONS
        .iter()
        .fold(Router::new(), |app, f| app.merge((f.router)(state.clone())))
}
