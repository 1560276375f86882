//! `GET /health`: a round trip to each store, so a load balancer or an operator sees which one is
//! down. 200 when all are healthy, 503 otherwise. Both stores are asked at once and each has
//! [`PROBE_DEADLINE`], so the answer comes within a second even when a store hangs (a
//! blackholed database would otherwise hold it for the pool's whole acquire timeout).

use std::future::Future;
use std::time::{Duration, Instant};

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

/// How long each store may take to answer the health check before it counts as down.
pub const PROBE_DEADLINE: Duration = Duration::from_millis(500);

async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let (database, coordination) = tokio::join!(
        probe(state.store.dialect().name(), state.store.ping()),
        probe(
            state.coordination_backend,
            state.coordination.counter("health:probe")
        ),
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

async fn probe<T, E: std::fmt::Display>(
    backend: &'static str,
    round_trip: impl Future<Output = Result<T, E>>,
) -> StoreHealth {
    let started = Instant::now();
    let error = match tokio::time::timeout(PROBE_DEADLINE, round_trip).await {
        Ok(Ok(_)) => None,
        Ok(Err(e)) => Some(e.to_string()),
        Err(_) => Some(format!(
            "no answer within {} ms",
            PROBE_DEADLINE.as_millis()
        )),
    };
    report(backend, started, error)
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
