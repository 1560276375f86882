//! A function binary run as Lambda runs it: the process polls a Runtime API of ours for events
//! and posts its answers back, buffered or streamed (the "streaming" response mode a Function URL
//! in RESPONSE_STREAM mode uses: a JSON prelude, eight NUL bytes, then the body as written).
//! Lambda itself cannot run here; its Runtime API is small, documented and what the function's
//! own runtime crate talks to, so this is the function's real code path.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path as UrlPath, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tokio::sync::{Mutex, mpsc, oneshot};

const API: &str = "/2018-06-01/runtime";

/// What the function answered to one event.
#[derive(Debug)]
pub enum Answer {
    /// A whole answer (an API Gateway proxy response, for HTTP functions).
    Buffered(Value),
    /// A streamed answer: its prelude (`statusCode`, `headers`) and its body.
    Streamed(Streamed),
    /// The function reported an error for the event.
    Failed(String),
}

#[derive(Debug, Default)]
pub struct Streamed {
    pub prelude: Value,
    /// The body, unless the invocation asked only for counts.
    pub body: Vec<u8>,
    pub bytes: u64,
    pub lines: u64,
    /// How many pieces the body arrived in: more than one shows it was sent as written.
    pub frames: u64,
}

impl Streamed {
    pub fn status(&self) -> u64 {
        self.prelude["statusCode"].as_u64().unwrap_or_default()
    }

    pub fn header(&self, name: &str) -> &str {
        self.prelude["headers"][name].as_str().unwrap_or_default()
    }

    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("a UTF-8 body")
    }
}

struct Pending {
    event: Value,
    keep_body: bool,
    answer: oneshot::Sender<Answer>,
}

/// An invocation handed out and not answered yet: whether to keep its body, where the answer goes.
type Waiting = (bool, oneshot::Sender<Answer>);

#[derive(Clone)]
struct Runtime {
    events: Arc<Mutex<mpsc::Receiver<Pending>>>,
    waiting: Arc<Mutex<HashMap<String, Waiting>>>,
}

/// A function binary running against our Runtime API; killed when dropped.
pub struct LambdaProcess {
    child: tokio::process::Child,
    events: mpsc::Sender<Pending>,
    server: tokio::task::JoinHandle<()>,
}

impl LambdaProcess {
    /// Starts `binary` with Lambda's environment for a custom runtime plus `env` (OpBX's
    /// configuration); its output goes to `log`.
    pub async fn start(binary: &Path, env: &[(&str, &str)], log: &Path) -> Self {
        let (events, receiver) = mpsc::channel(1);
        let runtime = Runtime {
            events: Arc::new(Mutex::new(receiver)),
            waiting: Arc::default(),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let api: SocketAddr = listener.local_addr().unwrap();
        let app = Router::new()
            .route(&format!("{API}/invocation/next"), get(next))
            .route(&format!("{API}/invocation/{{id}}/response"), post(response))
            .route(&format!("{API}/invocation/{{id}}/error"), post(failed))
            .with_state(runtime);
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        let log = std::fs::File::create(log).expect("the function's log file");
        let child = tokio::process::Command::new(binary)
            .env_clear()
            .envs(lambda_environment(&api.to_string()))
            .envs(env.iter().copied())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", binary.display()));
        Self {
            child,
            events,
            server,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id().expect("the function is running")
    }

    /// Hands the function `event` and waits (up to `limit`) for its answer; with `keep_body`
    /// false a streamed body is only counted, so answers of any length can be measured.
    pub async fn invoke(&self, event: Value, keep_body: bool, limit: Duration) -> Answer {
        let (answer, answered) = oneshot::channel();
        self.events
            .send(Pending {
                event,
                keep_body,
                answer,
            })
            .await
            .expect("the runtime API is up");
        tokio::time::timeout(limit, answered)
            .await
            .unwrap_or_else(|_| panic!("the function did not answer within {limit:?}"))
            .expect("the runtime API answered")
    }
}

impl Drop for LambdaProcess {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Lambda's environment for a custom runtime (the variables the runtime crate insists on).
fn lambda_environment(api: &str) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_LAMBDA_RUNTIME_API", api.to_owned()),
        ("AWS_LAMBDA_FUNCTION_NAME", "opbx-test".into()),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512".into()),
        ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST".into()),
        ("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/opbx-test".into()),
        ("AWS_LAMBDA_LOG_STREAM_NAME", "test".into()),
        ("AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH", "true".into()),
        ("AWS_REGION", "us-east-1".into()),
        ("TZ", ":UTC".into()),
        ("RUST_LOG", "warn".into()),
    ]
}

/// An HTTP request as API Gateway's HTTP API and Function URLs deliver it (payload format 2.0).
pub fn http_event(method: &str, path_and_query: &str, bearer: Option<&str>) -> Value {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let mut headers = json!({"host": "api.example", "user-agent": "opbx-tests"});
    if let Some(token) = bearer {
        headers["authorization"] = json!(format!("Bearer {token}"));
    }
    json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012", "apiId": "api", "domainName": "api.example",
            "domainPrefix": "api", "requestId": "test", "routeKey": "$default",
            "stage": "$default", "time": "01/Jan/2026:00:00:00 +0000", "timeEpoch": 0,
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1",
                     "sourceIp": "127.0.0.1", "userAgent": "opbx-tests"}
        },
        "body": if method == "GET" { Value::Null } else { json!("{}") },
        "isBase64Encoded": false
    })
}

async fn next(State(runtime): State<Runtime>) -> axum::response::Response {
    let Some(pending) = runtime.events.lock().await.recv().await else {
        // The test is over: let the function wait until it is killed.
        std::future::pending::<()>().await;
        unreachable!()
    };
    let id = crate::unique();
    runtime
        .waiting
        .lock()
        .await
        .insert(id.clone(), (pending.keep_body, pending.answer));
    let deadline = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        + Duration::from_secs(900);
    (
        [
            ("lambda-runtime-aws-request-id", id),
            (
                "lambda-runtime-deadline-ms",
                deadline.as_millis().to_string(),
            ),
            (
                "lambda-runtime-invoked-function-arn",
                "arn:aws:lambda:us-east-1:123456789012:function:opbx-test".to_owned(),
            ),
            ("content-type", "application/json".to_owned()),
        ],
        pending.event.to_string(),
    )
        .into_response()
}

async fn response(
    State(runtime): State<Runtime>,
    UrlPath(id): UrlPath<String>,
    headers: HeaderMap,
    body: Body,
) -> &'static str {
    let Some((keep_body, answer)) = runtime.waiting.lock().await.remove(&id) else {
        return "{}";
    };
    let streaming = headers
        .get("lambda-runtime-function-response-mode")
        .is_some_and(|v| v == "streaming");
    let result = if streaming {
        Answer::Streamed(read_stream(body, keep_body).await)
    } else {
        let bytes = body.collect().await.unwrap().to_bytes();
        Answer::Buffered(serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    };
    let _ = answer.send(result);
    "{}"
}

/// Splits a streamed answer into its prelude and body, reading it piece by piece.
async fn read_stream(mut body: Body, keep_body: bool) -> Streamed {
    const DELIMITER: &[u8] = &[0; 8];
    let mut head = Vec::new();
    let mut streamed = Streamed::default();
    let mut in_body = false;
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame.expect("the function's stream").into_data() else {
            continue;
        };
        if !in_body {
            head.extend_from_slice(&data);
            let Some(at) = head.windows(8).position(|w| w == DELIMITER) else {
                continue;
            };
            streamed.prelude = serde_json::from_slice(&head[..at]).expect("a JSON prelude");
            in_body = true;
            let rest = head.split_off(at + 8);
            streamed.frames += u64::from(!rest.is_empty());
            count(&mut streamed, &rest, keep_body);
            continue;
        }
        streamed.frames += 1;
        count(&mut streamed, &data, keep_body);
    }
    streamed
}

fn count(streamed: &mut Streamed, piece: &[u8], keep_body: bool) {
    streamed.bytes += piece.len() as u64;
    streamed.lines += piece.iter().filter(|&&b| b == b'\n').count() as u64;
    if keep_body {
        streamed.body.extend_from_slice(piece);
    }
}

async fn failed(
    State(runtime): State<Runtime>,
    UrlPath(id): UrlPath<String>,
    body: axum::body::Bytes,
) -> &'static str {
    if let Some((_, answer)) = runtime.waiting.lock().await.remove(&id) {
        let _ = answer.send(Answer::Failed(String::from_utf8_lossy(&body).into_owned()));
    }
    "{}"
}
