//! `GET /health`: a round trip to each store, so a load balancer or an operator sees which one is
//! down. 200 when all are healthy, 503 otherwise.

use std::time::Instant;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use crate::app::AppState;

#[derive(Debug, Serialize)]
pub struct StoreHealth {
    pub backend: &'static str,
    pub healthy: bool,
    pub latency_ms: f64,
    /// Present when unhealthy; a category, never connection details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Health {
    pub status: &'static str,
    pub version: &'static str,
    pub database: StoreHealth,
    pub coordination: StoreHealth,
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health))
        .with_state(state)
}

async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let started = Instant::now();
    let db = state.store.ping().await;
    let database = report(
        state.store.dialect().name(),
        started,
        db.err().map(|e| e.to_string()),
    );

    let started = Instant::now();
    let coord = state.coordination.counter("health:probe").await;
    let coordination = report(
        state.coordination_backend,
        started,
        coord.err().map(|e| e.to_string()),
    );

    let healthy = database.healthy && coordination.healthy;
    let status = if healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(Health {
            status: if healthy { "ok" } else { "degraded" },
            version: env!("CARGO_PKG_VERSION"),
            database,
            coordination,
        }),
    )
}

fn report(backend: &'static str, started: Instant, error: Option<String>) -> StoreHealth {
    if let Some(e) = &error {
        tracing::warn!(backend, error = %e, "health check failed");
    }
    StoreHealth {
        backend,
        healthy: error.is_none(),
        latency_ms: started.elapsed().as_secs_f64() * 1000.0,
        error,
    }
}
