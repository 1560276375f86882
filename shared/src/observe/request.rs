//! Every HTTP request gets an id, a span and its figures. The id is API Gateway's request id on
//! Lambda (what its access log and X-Ray show) and a fresh UUIDv7 elsewhere; it is answered as
//! `x-request-id`, is a field of every log line written while the request runs, and is the
//! `instance` of a problem document. A client's own `x-request-id` is not taken: an id that
//! anyone can choose would let a caller make its requests look like someone else's in the logs.

use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::Response;
use lambda_http::RequestExt;
use lambda_http::request::RequestContext;
use tracing::Instrument;
use tracing::field::Empty;

use super::metrics::{self, Metric};

pub const HEADER: &str = "x-request-id";

tokio::task_local! {
    static CURRENT: String;
}

/// The id of the request being answered, inside [`observed`]'s routers.
pub fn current_id() -> Option<String> {
    CURRENT.try_with(Clone::clone).ok()
}

/// Which function a request's logs and metrics name.
#[derive(Clone, Copy)]
pub enum Function {
    /// A Lambda function: its own name, whatever the route. Naming it rather than looking the
    /// route up keeps the table of every function's router out of each function's binary.
    Named(&'static str),
    /// `opbx-local`: the function that serves the matched method and route on Lambda.
    ByRoute(fn(&str, &str) -> &'static str),
}

/// `router` with a request id, a span and request metrics on every route and its fallback.
pub fn observed(router: Router, function: Function) -> Router {
    router.layer(middleware::from_fn_with_state(function, observe))
}

async fn observe(
    axum::extract::State(function): axum::extract::State<Function>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let id = request_id(&request);
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unrouted", |p| p.as_str())
        .to_owned();
    let function = match function {
        Function::Named(name) => name,
        Function::ByRoute(function_of) => function_of(request.method().as_str(), &route),
    };
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        trace_id = Empty,
        function,
        method = %request.method(),
        route,
        org = Empty,
        user = Empty,
        call_sid = Empty,
    );
    if let Some(trace) = trace_id(&request) {
        span.record("trace_id", trace);
    }
    let response = CURRENT
        .scope(id.clone(), next.run(request))
        .instrument(span.clone())
        .await;
    let took = started.elapsed();
    let status = response.status().as_u16();
    span.in_scope(|| {
        tracing::info!(status, latency_ms = took.as_secs_f64() * 1000.0, "answered");
    });
    metrics::count(
        Metric::Requests,
        vec![
            ("function", function.into()),
            ("status", format!("{}xx", status / 100)),
        ],
    );
    metrics::observe(
        Metric::RequestLatency,
        vec![("function", function.into())],
        took,
    );
    let mut response = response;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HEADER, value);
    }
    response
}

fn request_id(request: &Request) -> String {
    let from_gateway = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(c)) => c.request_id.clone(),
        Some(RequestContext::ApiGatewayV1(c)) => c.request_id.clone(),
        _ => None,
    };
    from_gateway
        .filter(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_graphic()))
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string())
}

/// X-Ray's trace id of this invocation (active tracing is on in the template).
fn trace_id(request: &Request) -> Option<String> {
    request
        .lambda_context_ref()
        .and_then(|c| c.xray_trace_id.clone())
}

/// Names the organization, user or call the current request acts for, on its span: every later
/// log line of the request carries it.
pub fn record_org(org: impl std::fmt::Display) {
    tracing::Span::current().record("org", tracing::field::display(org));
}

pub fn record_user(user: impl std::fmt::Display) {
    tracing::Span::current().record("user", tracing::field::display(user));
}

pub fn record_call(call_sid: &str) {
    tracing::Span::current().record(
        "call_sid",
        tracing::field::display(crate::log_safe::Untrusted(call_sid)),
    );
}
