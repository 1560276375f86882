//! `GET /metrics` on `opbx-local`: the process's metrics in Prometheus' text format (0.0.4).
//! Off unless `OPBX_METRICS_TOKEN` is set; then a scraper must send it as a bearer token, since
//! the counts per organization are the operator's business, not the internet's.

use std::fmt::Write;

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::metrics::{self, BUCKETS, Labels, Metric, Snapshot};
use crate::crypto::constant_time_eq;

pub const PATH: &str = "/metrics";

/// `OPBX_METRICS_TOKEN`: unset or empty turns `/metrics` off; a short one is refused, since it
/// is all that guards the figures.
pub fn token_from_env() -> Result<Option<String>, String> {
    match std::env::var("OPBX_METRICS_TOKEN") {
        Ok(t) if t.trim().is_empty() => Ok(None),
        Ok(t) if t.len() < 16 => Err("OPBX_METRICS_TOKEN must be at least 16 characters".into()),
        Ok(t) => Ok(Some(t)),
        Err(_) => Ok(None),
    }
}

/// The `/metrics` route when `token` is set, nothing otherwise.
pub fn router(token: Option<String>) -> Router {
    let Some(token) = token else {
        return Router::new();
    };
    Router::new().route(
        PATH,
        get(move |headers: HeaderMap| async move { scrape(&token, &headers) }),
    )
}

fn scrape(token: &str, headers: &HeaderMap) -> Response {
    let sent = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if !sent.is_some_and(|s| constant_time_eq(s.as_bytes(), token.as_bytes())) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer realm=\"metrics\"")],
        )
            .into_response();
    }
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        render(&metrics::snapshot()),
    )
        .into_response()
}

/// The text exposition of `snapshot`: a `# HELP` and `# TYPE` per metric, then its series.
pub fn render(snapshot: &Snapshot) -> String {
    let mut out = String::new();
    for metric in Metric::ALL {
        let name = metric.name();
        let kind = if metric.is_latency() {
            "histogram"
        } else {
            "counter"
        };
        let _ = writeln!(out, "# HELP {name} {}\n# TYPE {name} {kind}", metric.help());
        for ((m, labels), value) in &snapshot.counters {
            if *m == metric {
                let _ = writeln!(out, "{name}{} {value}", label_set(labels, None));
            }
        }
        for ((m, labels), h) in &snapshot.histograms {
            if *m != metric {
                continue;
            }
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(h.buckets) {
                cumulative += n;
                let le = bound.to_string();
                let _ = writeln!(
                    out,
                    "{name}_bucket{} {cumulative}",
                    label_set(labels, Some(&le))
                );
            }
            let all = label_set(labels, Some("+Inf"));
            let _ = writeln!(out, "{name}_bucket{all} {}", h.count);
            let plain = label_set(labels, None);
            let _ = writeln!(out, "{name}_sum{plain} {}", h.sum);
            let _ = writeln!(out, "{name}_count{plain} {}", h.count);
        }
    }
    out
}

fn label_set(labels: &Labels, le: Option<&str>) -> String {
    let mut parts: Vec<String> = labels
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
        .collect();
    if let Some(le) = le {
        parts.push(format!("le=\"{le}\""));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("{{{}}}", parts.join(","))
    }
}

fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
