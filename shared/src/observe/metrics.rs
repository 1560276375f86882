//! The process's metrics: counters and latency histograms with a few labels each, kept in memory.
//! `opbx-local` serves them as Prometheus text ([`super::prometheus`]); a Lambda function writes
//! what each invocation recorded as CloudWatch Embedded Metric Format lines ([`super::emf`]).
//!
//! Labels name organizations by id and outcomes by kind, never a phone number, a name or a
//! secret: a label value becomes a metric series, so it must be few and not personal.

use std::collections::BTreeMap;
use std::sync::{LazyLock, Mutex, PoisonError};
use std::time::Duration;

/// A metric and how it is reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Metric {
    /// Calls answered by the voice webhooks, by organization, step (new call or callback) and
    /// what the answer does.
    CallsRouted,
    /// Answers served again for a repeated webhook delivery.
    ReplaysServed,
    /// New calls refused because the organization was over its rate.
    RateLimited,
    /// Routing configuration reads, by where they were answered from.
    RoutingCache,
    /// Live-call events posted to WebSocket clients, by result (delivered, gone, failed).
    WebSocketDeliveries,
    /// HTTP requests answered, by function and status class.
    Requests,
    /// Time from a request's arrival to its answer, by function.
    RequestLatency,
    /// One store round trip, by store and operation.
    StoreLatency,
    /// Background jobs (Cloudonix sync, provisioning) run, by kind and result: done, retry (a
    /// failure to be tried again) or failed (given up, shown on the object with a retry action).
    Jobs,
}

impl Metric {
    pub const ALL: [Metric; 9] = [
        Self::CallsRouted,
        Self::ReplaysServed,
        Self::RateLimited,
        Self::RoutingCache,
        Self::WebSocketDeliveries,
        Self::Requests,
        Self::RequestLatency,
        Self::StoreLatency,
        Self::Jobs,
    ];

    /// The Prometheus name; CloudWatch gets the same without the `opbx_` prefix.
    pub fn name(self) -> &'static str {
        match self {
            Self::CallsRouted => "opbx_calls_routed_total",
            Self::ReplaysServed => "opbx_replays_served_total",
            Self::RateLimited => "opbx_rate_limited_calls_total",
            Self::RoutingCache => "opbx_routing_cache_reads_total",
            Self::WebSocketDeliveries => "opbx_websocket_deliveries_total",
            Self::Requests => "opbx_requests_total",
            Self::RequestLatency => "opbx_request_duration_seconds",
            Self::StoreLatency => "opbx_store_round_trip_seconds",
            Self::Jobs => "opbx_jobs_total",
        }
    }

    pub fn help(self) -> &'static str {
        match self {
            Self::CallsRouted => "Voice webhook answers by organization, step and outcome.",
            Self::ReplaysServed => "Answers replayed for repeated webhook deliveries.",
            Self::RateLimited => "New calls refused over the organization's rate.",
            Self::RoutingCache => {
                "Routing configuration reads by source (local copy, shared cache, database)."
            }
            Self::WebSocketDeliveries => "Live-call events posted to WebSocket clients by result.",
            Self::Requests => "HTTP requests answered by function and status class.",
            Self::RequestLatency => "Time from a request's arrival to its answer.",
            Self::StoreLatency => "One store round trip by store and operation.",
            Self::Jobs => "Background jobs run (Cloudonix sync, provisioning) by kind and result.",
        }
    }

    pub fn is_latency(self) -> bool {
        matches!(self, Self::RequestLatency | Self::StoreLatency)
    }
}

/// Label names and values of one series, in a fixed order.
pub type Labels = Vec<(&'static str, String)>;

/// Upper bounds of the latency buckets, in seconds: from a Redis round trip to a slow answer.
pub const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Histogram {
    /// Observations at or below each of [`BUCKETS`] (not cumulative).
    pub buckets: [u64; BUCKETS.len()],
    pub count: u64,
    pub sum: f64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        if let Some(i) = BUCKETS.iter().position(|b| seconds <= *b) {
            self.buckets[i] += 1;
        }
        self.count += 1;
        self.sum += seconds;
    }
}

/// One recorded value, kept for the invocation's EMF output.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub metric: Metric,
    pub labels: Labels,
    /// A count for counters, milliseconds for latencies.
    pub value: f64,
}

#[derive(Default)]
struct Registry {
    counters: BTreeMap<(Metric, Labels), u64>,
    histograms: BTreeMap<(Metric, Labels), Histogram>,
    /// Samples since the last [`take_samples`], kept only where EMF is written.
    samples: Option<Vec<Sample>>,
}

static REGISTRY: LazyLock<Mutex<Registry>> = LazyLock::new(Mutex::default);

fn with<T>(f: impl FnOnce(&mut Registry) -> T) -> T {
    f(&mut REGISTRY.lock().unwrap_or_else(PoisonError::into_inner))
}

/// Keeps each sample until [`take_samples`] (on Lambda, which writes them per invocation).
pub fn keep_samples() {
    with(|r| {
        r.samples.get_or_insert_with(Vec::new);
    });
}

/// Adds one to a counter.
pub fn count(metric: Metric, labels: Labels) {
    count_n(metric, labels, 1);
}

/// Adds a counter's several events at once (a fanout's deliveries).
pub fn count_n(metric: Metric, labels: Labels, n: u64) {
    if n == 0 {
        return;
    }
    with(|r| {
        if let Some(samples) = &mut r.samples {
            samples.push(Sample {
                metric,
                labels: labels.clone(),
                value: n as f64,
            });
        }
        *r.counters.entry((metric, labels)).or_default() += n;
    });
}

/// Records one latency.
pub fn observe(metric: Metric, labels: Labels, took: Duration) {
    with(|r| {
        if let Some(samples) = &mut r.samples {
            samples.push(Sample {
                metric,
                labels: labels.clone(),
                value: took.as_secs_f64() * 1000.0,
            });
        }
        r.histograms
            .entry((metric, labels))
            .or_default()
            .observe(took.as_secs_f64());
    });
}

/// The samples recorded since the last call, when [`keep_samples`] was called.
pub fn take_samples() -> Vec<Sample> {
    with(|r| r.samples.as_mut().map(std::mem::take).unwrap_or_default())
}

/// Every counter and histogram as it stands.
pub struct Snapshot {
    pub counters: Vec<((Metric, Labels), u64)>,
    pub histograms: Vec<((Metric, Labels), Histogram)>,
}

pub fn snapshot() -> Snapshot {
    with(|r| Snapshot {
        counters: r.counters.iter().map(|(k, v)| (k.clone(), *v)).collect(),
        histograms: r
            .histograms
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    })
}

/// Times `work` as one round trip to `store` (`redis`, `mysql`, `sqlite`, `memory`, …) doing
/// `operation`, in a span of its own so a slow call's log shows which round trip was slow.
pub async fn store_call<T>(
    store: &'static str,
    operation: &'static str,
    work: impl Future<Output = T>,
) -> T {
    use tracing::Instrument;
    let started = std::time::Instant::now();
    let span = tracing::debug_span!("store", store, operation);
    let out = work.instrument(span).await;
    let took = started.elapsed();
    tracing::debug!(
        store,
        operation,
        latency_ms = took.as_secs_f64() * 1000.0,
        "store round trip"
    );
    observe(
        Metric::StoreLatency,
        vec![("store", store.into()), ("operation", operation.into())],
        took,
    );
    out
}
