//! A function binary as Lambda runs it (issue 17): a local Runtime API hands the real `health`
//! bootstrap one API Gateway event, and its output is read back as CloudWatch would — the JSON
//! log lines carry API Gateway's request id and X-Ray's trace id, and the invocation's metrics
//! come out as Embedded Metric Format documents.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde_json::{Value, json};
use tokio::sync::mpsc;

const RUNTIME: &str = "/2018-06-01/runtime";
const GATEWAY_REQUEST_ID: &str = "Kx3QbiJGoAMEV2Q=";
const TRACE_ID: &str = "Root=1-6751c0a0-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1";

/// What the function sent back: its response or an error report.
type Reports = mpsc::UnboundedSender<(String, Value)>;

#[derive(Clone)]
struct Runtime {
    event: Arc<Mutex<Option<Value>>>,
    reports: Reports,
}

/// Hands out the one event, then keeps the runtime's next poll waiting, as Lambda does between
/// invocations.
async fn next(State(rt): State<Runtime>) -> axum::response::Response {
    let Some(event) = rt.event.lock().unwrap().take() else {
        std::future::pending::<()>().await;
        unreachable!()
    };
    let deadline = jiff::Timestamp::now().as_millisecond() + 30_000;
    (
        [
            ("lambda-runtime-aws-request-id", "invocation-1".to_owned()),
            ("lambda-runtime-deadline-ms", deadline.to_string()),
            (
                "lambda-runtime-invoked-function-arn",
                "arn:aws:lambda:us-east-1:123456789012:function:health".to_owned(),
            ),
            ("lambda-runtime-trace-id", TRACE_ID.to_owned()),
        ],
        event.to_string(),
    )
        .into_response()
}

fn report(
    kind: &'static str,
) -> impl Fn(State<Runtime>, Bytes) -> std::future::Ready<&'static str> + Clone {
    move |State(rt): State<Runtime>, body: Bytes| {
        let body = serde_json::from_slice(&body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()));
        let _ = rt.reports.send((kind.to_owned(), body));
        std::future::ready("{}")
    }
}

fn http_api_event() -> Value {
    json!({
        "version": "2.0",
        "routeKey": "GET /health",
        "rawPath": "/health",
        "rawQueryString": "",
        "headers": {"host": "abc123.execute-api.us-east-1.amazonaws.com", "user-agent": "ELB-HealthChecker/2.0"},
        "requestContext": {
            "accountId": "123456789012", "apiId": "abc123",
            "domainName": "abc123.execute-api.us-east-1.amazonaws.com", "domainPrefix": "abc123",
            "http": {"method": "GET", "path": "/health", "protocol": "HTTP/1.1",
                     "sourceIp": "192.0.2.10", "userAgent": "ELB-HealthChecker/2.0"},
            "requestId": GATEWAY_REQUEST_ID, "routeKey": "GET /health", "stage": "$default",
            "time": "05/Dec/2026:00:00:00 +0000", "timeEpoch": 1_796_428_800_000_i64
        },
        "isBase64Encoded": false
    })
}

#[tokio::test]
async fn a_function_on_lambda_logs_the_gateway_request_id_and_writes_emf() {
    let (reports, mut reported) = mpsc::unbounded_channel();
    let runtime = Runtime {
        event: Arc::new(Mutex::new(Some(http_api_event()))),
        reports,
    };
    let api = Router::new()
        .route(&format!("{RUNTIME}/invocation/next"), get(next))
        .route(
            &format!("{RUNTIME}/invocation/{{id}}/response"),
            post(report("response")),
        )
        .route(
            &format!("{RUNTIME}/invocation/{{id}}/error"),
            post(report("error")),
        )
        .route(&format!("{RUNTIME}/init/error"), post(report("init error")))
        .with_state(runtime);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let server = tokio::spawn(axum::serve(listener, api).into_future());

    let dir = opbx_tests::local::temp_dir();
    let out = dir.join("stdout.log");
    let mut child = tokio::process::Command::new(opbx_tests::local::built_binary("health"))
        .env_clear()
        .envs([
            ("AWS_LAMBDA_RUNTIME_API", addr.as_str()),
            ("AWS_LAMBDA_FUNCTION_NAME", "opbx-health"),
            ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512"),
            ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
            ("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/opbx-health"),
            ("AWS_LAMBDA_LOG_STREAM_NAME", "test"),
            ("AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH", "true"),
            ("AWS_REGION", "us-east-1"),
            ("RUST_LOG", "info"),
        ])
        .env(
            "OPBX_DATABASE_URL",
            format!("sqlite://{}", dir.join("health.db").display()),
        )
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the health function's binary (cargo build --workspace --bins)");
    let (kind, answer) = tokio::time::timeout(Duration::from_secs(30), reported.recv())
        .await
        .expect("the function answered within 30 s")
        .unwrap();
    // Its stdout is flushed line by line; the EMF lines are written before the answer is sent.
    let _ = child.kill().await;
    server.abort();
    assert_eq!(kind, "response", "{answer}");
    assert_eq!(answer["statusCode"], 200, "{answer}");
    assert!(
        answer["headers"]["x-request-id"] == GATEWAY_REQUEST_ID
            || answer["multiValueHeaders"]["x-request-id"][0] == GATEWAY_REQUEST_ID,
        "x-request-id is API Gateway's: {answer}"
    );

    let text = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let answered = lines
        .iter()
        .find(|l| l["fields"]["message"] == "answered")
        .unwrap_or_else(|| panic!("no answered line in:\n{text}"));
    // Inside the runtime's own span of the invocation.
    let span = answered["spans"]
        .as_array()
        .and_then(|spans| spans.iter().find(|s| s["name"] == "request"))
        .unwrap_or_else(|| panic!("no request span: {answered}"));
    assert_eq!(span["request_id"], GATEWAY_REQUEST_ID, "{answered}");
    assert_eq!(span["trace_id"], TRACE_ID, "{answered}");
    assert_eq!(span["function"], "health", "{answered}");

    let latency = lines
        .iter()
        .find(|l| l["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Name"] == "request_duration")
        .unwrap_or_else(|| panic!("no EMF document for request_duration in:\n{text}"));
    assert_eq!(latency["_aws"]["CloudWatchMetrics"][0]["Namespace"], "OpBX");
    assert_eq!(latency["function"], "health");
    assert!(latency["request_duration"][0].is_number(), "{latency}");
}
