//! Cold start of each packaged function, measured the way Lambda starts it: a local Lambda
//! Runtime API (the few endpoints a custom runtime calls) hands the process one event, and the
//! clock runs from spawning `bootstrap` to its first `/invocation/next` (init) and to its answer
//! (first event handled). Prints sizes and figures per function; asserts nothing (house rule 6).
//!
//!   cargo run -p opbx-tests --bin lambda-coldstart -- [--runs N] [LAMBDA_DIR]
//!
//! LAMBDA_DIR (default target/lambda) holds `<function>/bootstrap` and, when packaged,
//! `<function>/bootstrap.zip` (scripts/package.sh makes both). Functions connect to the test
//! MariaDB and Redis (OPBX_TEST_DATABASE_URL, OPBX_TEST_REDIS_URL) so they initialise fully, and,
//! when AWS_ENDPOINT_URL_DYNAMODB names an emulator (`eval "$(bash scripts/moto.sh)"`), to tables
//! created there; without it their DynamoDB calls go nowhere and time out.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path as UrlPath, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use opbx::http::HTTP_FUNCTIONS;
use serde_json::{Value, json};
use tokio::sync::oneshot;

const API: &str = "/2018-06-01/runtime";
const REQUEST_ID: &str = "00000000-0000-4000-8000-000000000001";
const LIMIT: Duration = Duration::from_secs(20);

/// What one run observed.
enum Outcome {
    /// `answer`: the HTTP status for API events, else the start of the response.
    Answered {
        init: Duration,
        first: Duration,
        answer: String,
    },
    Failed(String),
}

struct Run {
    started: Instant,
    event: Value,
    init: Option<Duration>,
    done: Option<oneshot::Sender<Outcome>>,
}

type Shared = Arc<Mutex<Run>>;

fn finish(run: &Shared, outcome: impl FnOnce(&Run) -> Outcome) {
    let mut run = run.lock().unwrap();
    let result = outcome(&run);
    if let Some(done) = run.done.take() {
        let _ = done.send(result);
    }
}

async fn next(State(run): State<Shared>) -> axum::response::Response {
    let event = {
        let mut r = run.lock().unwrap();
        if r.init.is_some() {
            None // the runtime asks again after answering: let it wait until it is stopped
        } else {
            r.init = Some(r.started.elapsed());
            Some(r.event.clone())
        }
    };
    let Some(event) = event else {
        std::future::pending::<()>().await;
        unreachable!()
    };
    let deadline = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        + Duration::from_secs(30);
    (
        [
            ("lambda-runtime-aws-request-id", REQUEST_ID.to_owned()),
            (
                "lambda-runtime-deadline-ms",
                deadline.as_millis().to_string(),
            ),
            (
                "lambda-runtime-invoked-function-arn",
                "arn:aws:lambda:us-east-1:123456789012:function:coldstart".to_owned(),
            ),
            (
                "lambda-runtime-trace-id",
                "Root=1-00000000-000000000000000000000000;Sampled=0".to_owned(),
            ),
            ("content-type", "application/json".to_owned()),
        ],
        event.to_string(),
    )
        .into_response()
}

async fn response(
    State(run): State<Shared>,
    UrlPath(_id): UrlPath<String>,
    body: Bytes,
) -> &'static str {
    let first = run.lock().unwrap().started.elapsed();
    // A streamed answer (api-call-logs-export) starts with its prelude and eight NUL bytes.
    let head = body
        .windows(8)
        .position(|w| w == [0; 8])
        .map_or(&body[..], |at| &body[..at]);
    let body: Value = serde_json::from_slice(head).unwrap_or(Value::Null);
    let answer = match body.get("statusCode") {
        Some(status) => format!("HTTP {status}"),
        None => body.to_string().chars().take(24).collect(),
    };
    finish(&run, |r| Outcome::Answered {
        init: r.init.unwrap_or_default(),
        first,
        answer,
    });
    "{}"
}

fn report_error(run: &Shared, headers: &HeaderMap, body: &[u8]) -> &'static str {
    let kind = headers
        .get("lambda-runtime-function-error-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("error")
        .to_owned();
    let text = String::from_utf8_lossy(body).into_owned();
    finish(run, |_| Outcome::Failed(format!("{kind}: {text}")));
    "{}"
}

async fn init_error(State(run): State<Shared>, headers: HeaderMap, body: Bytes) -> &'static str {
    report_error(&run, &headers, &body)
}

async fn invocation_error(
    State(run): State<Shared>,
    UrlPath(_id): UrlPath<String>,
    headers: HeaderMap,
    body: Bytes,
) -> &'static str {
    report_error(&run, &headers, &body)
}

fn runtime_api(run: Shared) -> Router {
    Router::new()
        .route(&format!("{API}/invocation/next"), get(next))
        .route(&format!("{API}/invocation/{{id}}/response"), post(response))
        .route(
            &format!("{API}/invocation/{{id}}/error"),
            post(invocation_error),
        )
        .route(&format!("{API}/init/error"), post(init_error))
        .with_state(run)
}

/// The event a function's first invocation gets: an HTTP API request for its first route (a GET
/// when it has one), a WebSocket route event, an empty stream or queue batch, or `{}` for migrate.
fn first_event(function: &str) -> Value {
    if let Some(f) = HTTP_FUNCTIONS.iter().find(|f| f.name == function) {
        let route = f
            .routes
            .iter()
            .find(|r| r.method == "GET")
            .or(f.routes.first())
            .expect("an HTTP function has routes");
        // Path parameters get a placeholder; the answer may be a 404, which still counts.
        let path: String = route
            .path
            .split('/')
            .map(|s| if s.starts_with('{') { "0" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        return opbx_tests::lambda_runtime::http_event(route.method, &path, None);
    }
    let websocket = |route: &str, kind: &str| {
        json!({
            "requestContext": {
                "routeKey": route, "eventType": kind, "connectionId": "coldstart=",
                "domainName": "ws.example", "stage": "dev", "apiId": "ws", "requestId": "coldstart",
                "extendedRequestId": "coldstart", "messageDirection": "IN", "connectedAt": 0,
                "requestTimeEpoch": 0, "identity": {"sourceIp": "127.0.0.1"}
            },
            "queryStringParameters": {"token": "not-a-token"},
            "body": if kind == "MESSAGE" { json!("{\"type\":\"ping\"}") } else { Value::Null },
            "isBase64Encoded": false
        })
    };
    match function {
        "ws-connect" => websocket("$connect", "CONNECT"),
        "ws-disconnect" => websocket("$disconnect", "DISCONNECT"),
        "ws-default" => websocket("$default", "MESSAGE"),
        "presence-fanout" | "jobs-worker" => json!({"Records": []}),
        _ => json!({}),
    }
}

/// Lambda's environment for a custom runtime, plus OpBX's configuration pointing at the test
/// servers.
fn environment(function: &str, api: &str) -> Vec<(String, String)> {
    let test_db = opbx_tests::test_database_url();
    let test_redis = std::env::var("OPBX_TEST_REDIS_URL")
        .unwrap_or_else(|_| opbx_tests::DEFAULT_TEST_REDIS_URL.into());
    [
        ("AWS_LAMBDA_RUNTIME_API", api.to_owned()),
        (
            "AWS_LAMBDA_FUNCTION_NAME",
            format!("opbx-coldstart-{function}"),
        ),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512".into()),
        ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST".into()),
        (
            "AWS_LAMBDA_LOG_GROUP_NAME",
            format!("/aws/lambda/{function}"),
        ),
        ("AWS_LAMBDA_LOG_STREAM_NAME", "coldstart".into()),
        ("AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH", "true".into()),
        ("AWS_REGION", "us-east-1".into()),
        ("AWS_DEFAULT_REGION", "us-east-1".into()),
        ("AWS_ACCESS_KEY_ID", "coldstart".into()),
        ("AWS_SECRET_ACCESS_KEY", "coldstart".into()),
        ("AWS_EC2_METADATA_DISABLED", "true".into()),
        ("_HANDLER", "bootstrap".into()),
        ("TZ", ":UTC".into()),
        ("RUST_LOG", "warn".into()),
        ("OPBX_DATABASE_URL", test_db),
        ("OPBX_DATABASE_MAX_CONNECTIONS", "2".into()),
        ("OPBX_REDIS_URL", test_redis),
        (
            "OPBX_ENCRYPTION_KEY",
            opbx::crypto::SecretBox::generate_key(),
        ),
        ("OPBX_CONNECTIONS_TABLE", CONNECTIONS_TABLE.into()),
        ("OPBX_LIVE_CALLS_TABLE", LIVE_CALLS_TABLE.into()),
        (
            "AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI",
            "http://127.0.0.1:9/dev".into(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .chain(
        std::env::var("AWS_ENDPOINT_URL_DYNAMODB")
            .ok()
            .map(|url| ("AWS_ENDPOINT_URL_DYNAMODB".to_owned(), url)),
    )
    .collect()
}

const CONNECTIONS_TABLE: &str = "opbx-coldstart-connections";
const LIVE_CALLS_TABLE: &str = "opbx-coldstart-live-calls";

/// Creates the tables in the emulator AWS_ENDPOINT_URL_DYNAMODB names, if any; an existing table
/// is fine. Says where DynamoDB calls go.
async fn prepare_dynamodb() -> String {
    use opbx_aws::dynamodb::{client, create_connections_table, create_live_calls_table};
    let Ok(endpoint) = std::env::var("AWS_ENDPOINT_URL_DYNAMODB") else {
        return "DynamoDB: no emulator (AWS_ENDPOINT_URL_DYNAMODB unset), table calls time out"
            .into();
    };
    let client = client();
    let _ = create_connections_table(&client, CONNECTIONS_TABLE).await;
    let _ = create_live_calls_table(&client, LIVE_CALLS_TABLE).await;
    format!("DynamoDB: {endpoint}")
}

async fn one_run(function: &str, bootstrap: &Path) -> Outcome {
    let (done, answered) = oneshot::channel();
    let run = Arc::new(Mutex::new(Run {
        started: Instant::now(),
        event: first_event(function),
        init: None,
        done: Some(done),
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let api = listener.local_addr().unwrap().to_string();
    let server = tokio::spawn(axum::serve(listener, runtime_api(run.clone())).into_future());
    let log = std::env::temp_dir().join(format!("opbx-coldstart-{function}.log"));
    let log_file = std::fs::File::create(&log).unwrap();
    let mut command = tokio::process::Command::new(bootstrap);
    command
        .env_clear()
        .envs(environment(function, &api))
        .stdout(log_file.try_clone().unwrap())
        .stderr(log_file)
        .kill_on_drop(true);
    run.lock().unwrap().started = Instant::now();
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => return Outcome::Failed(format!("cannot start {}: {e}", bootstrap.display())),
    };
    let outcome = tokio::select! {
        result = answered => result.unwrap_or(Outcome::Failed("no answer".into())),
        status = child.wait() => Outcome::Failed(format!(
            "exited ({}) before answering; see {}",
            status.map(|s| s.to_string()).unwrap_or_default(),
            log.display()
        )),
        () = tokio::time::sleep(LIMIT) => Outcome::Failed(format!("no answer within {LIMIT:?}; see {}", log.display())),
    };
    let _ = child.kill().await;
    server.abort();
    outcome
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn megabytes(path: &Path) -> String {
    std::fs::metadata(path).map_or_else(
        |_| "-".into(),
        |m| format!("{:.2}", m.len() as f64 / 1_000_000.0),
    )
}

#[tokio::main]
async fn main() {
    let mut runs = 10usize;
    let mut dir = PathBuf::from("target/lambda");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => runs = args.next().and_then(|n| n.parse().ok()).expect("--runs N"),
            other => dir = PathBuf::from(other),
        }
    }
    let mut functions: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}; run scripts/package.sh first", dir.display()))
        .filter_map(|e| {
            let path = e.ok()?.path();
            let name = path.file_name()?.to_string_lossy().into_owned();
            let bootstrap = path.join("bootstrap");
            bootstrap.is_file().then_some((name, bootstrap))
        })
        .collect();
    functions.sort();
    println!("{}", prepare_dynamodb().await);
    println!(
        "{:<22} {:>10} {:>8} {:>26} {:>16}  first answer",
        "function", "binary MB", "zip MB", "init ms (median/min/max)", "first event ms"
    );
    for (name, bootstrap) in functions {
        let mut inits = Vec::new();
        let mut firsts = Vec::new();
        let mut failure = None;
        let mut answer = String::new();
        for _ in 0..runs {
            match one_run(&name, &bootstrap).await {
                Outcome::Answered {
                    init,
                    first,
                    answer: a,
                } => {
                    answer = a;
                    inits.push(init.as_secs_f64() * 1000.0);
                    firsts.push(first.as_secs_f64() * 1000.0);
                }
                Outcome::Failed(why) => {
                    failure = Some(why);
                    break;
                }
            }
        }
        let sizes = format!(
            "{:<22} {:>10} {:>8}",
            name,
            megabytes(&bootstrap),
            megabytes(&bootstrap.with_extension("zip"))
        );
        match failure {
            Some(why) => println!("{sizes}   failed: {why}"),
            None => {
                let (min, max) = inits
                    .iter()
                    .fold((f64::MAX, 0f64), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
                println!(
                    "{sizes} {:>26} {:>16}  {answer}",
                    format!("{:.1} / {min:.1} / {max:.1}", median(&mut inits)),
                    format!("{:.1}", median(&mut firsts))
                );
            }
        }
    }
    println!("({runs} cold starts each; goals: < 5 MB zipped, < 30 ms init)");
}
