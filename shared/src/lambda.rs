//! The one place the Lambda runtime is instantiated. Each function's `main` passes its router
//! constructor here; keeping this non-generic means the runtime's code is compiled once, in this
//! library, instead of once per function binary (rust-stack-notes §2e: 7× faster rebuilds).

use axum::Router;

pub use lambda_http::Error;

use crate::adapters::sql::SqlStore;
use crate::app::{AppState, StartupError};
use crate::config::Bootstrap;
use crate::crypto::SecretBox;
use crate::deployed_secrets::{self, DatabaseUser};
use crate::realtime::{RealtimeConnector, connect_without_aws};

/// JSON lines unless `OPBX_LOG_FORMAT` says otherwise, and metrics kept per invocation for
/// [`crate::observe::emf`].
pub fn init_tracing() {
    use crate::observe::logging::{LogFormat, init};
    init(LogFormat::from_env(LogFormat::Json));
    crate::observe::metrics::keep_samples();
}

/// The environment of a function, as `Config::from_lookup` takes it.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Builds the shared state from the environment and the secrets it names (see
/// [`crate::deployed_secrets`]), with real-time stores from `realtime`. A function given no
/// encryption key gets a box that refuses to seal, open or sign.
pub async fn state_from_env(realtime: RealtimeConnector) -> Result<AppState, StartupError> {
    let (config, _) = deployed_secrets::config(env).await?;
    let secrets = match config.encryption_key.as_deref() {
        Some(key) => SecretBox::from_base64(key)?,
        None => SecretBox::without_key(),
    };
    let realtime = realtime(&config.realtime).await;
    AppState::connect(&config, secrets, realtime).await
}

/// Entry point of every HTTP function that does not touch real-time state:
/// `fn main() -> … { opbx::lambda::serve(env!("CARGO_PKG_NAME"), opbx::http::health::router) }`,
/// `name` being the function's crate, as its logs and metrics name it. Such a function does not
/// link the AWS SDK; the others call `opbx_aws::lambda::serve`.
/// The template sets `AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH=true` so stage names never reach the routes.
pub fn serve(name: &'static str, make: fn(AppState) -> Router) -> Result<(), Error> {
    serve_with(name, make, connect_without_aws)
}

/// [`serve`] with the real-time stores `realtime` connects.
pub fn serve_with(
    name: &'static str,
    make: fn(AppState) -> Router,
    realtime: RealtimeConnector,
) -> Result<(), Error> {
    block_on(async move {
        let state = state_from_env(realtime).await?;
        lambda_http::run(observed_function(name, make(state))).await
    })
}

/// Entry point of a function whose answers stream ([`crate::http::Answer::Streamed`]): invoked
/// through a Function URL in response-streaming mode, it sends the body as the router writes it
/// instead of buffering it whole, so an answer is neither capped at 6 MB nor held in memory.
pub fn serve_streaming(name: &'static str, make: fn(AppState) -> Router) -> Result<(), Error> {
    block_on(async move {
        let state = state_from_env(connect_without_aws).await?;
        lambda_http::run_with_streaming_response(observed_function(name, make(state))).await
    })
}

/// A function's router as it runs on Lambda: observed, and the invocation's metrics written as
/// EMF once it is answered (one invocation at a time per instance, so they are its own).
fn observed_function(name: &'static str, router: Router) -> Router {
    use crate::observe::request::{Function, observed};
    observed(router, Function::Named(name)).layer(axum::middleware::map_response(
        |response: axum::response::Response| async move {
            crate::observe::emf::flush();
            response
        },
    ))
}

/// Entry point of the `migrate` function, invoked on each deploy (infra/template.yaml, the
/// `Migrations` custom resource) and by hand. See [`migrate_event`].
/// It needs only the database, so a cache outage cannot block a deploy.
pub fn migrate() -> Result<(), Error> {
    use lambda_http::lambda_runtime::{LambdaEvent, service_fn};
    block_on(async move {
        let (config, app_user) = deployed_secrets::config(env).await?;
        // Re-sealing values bound to their rows (issue 18.12) needs the key.
        let key = config
            .encryption_key
            .as_deref()
            .ok_or("migrate needs the encryption key (OPBX_ENCRYPTION_KEY_SECRET_ARN)")?;
        let setup = std::sync::Arc::new(MigrateSetup {
            secrets: SecretBox::from_base64(key)?,
            app_user,
        });
        let store = SqlStore::connect(&config.database_url, 1).await?;
        let handler = service_fn(move |event: LambdaEvent<serde_json::Value>| {
            let (store, setup) = (store.clone(), setup.clone());
            async move { migrate_event(&store, &setup, &event.payload).await }
        });
        lambda_http::lambda_runtime::run(handler).await
    })
}

/// Entry point of ws-connect, ws-disconnect and ws-default: API Gateway WebSocket events of one
/// route, answered by the handlers `opbx-local`'s `/ws` runs too. `$connect` and `$disconnect`
/// keep the connection registry in DynamoDB (`opbx_aws::lambda::websocket`); `$default` needs no
/// real-time store and runs with [`connect_without_aws`].
pub fn websocket(
    route: crate::http::ws::WsRoute,
    realtime: RealtimeConnector,
) -> Result<(), Error> {
    use aws_lambda_events::event::apigw::ApiGatewayWebsocketProxyRequest;
    use lambda_http::lambda_runtime::{LambdaEvent, service_fn};
    block_on(async move {
        let state = state_from_env(realtime).await?;
        if route != crate::http::ws::WsRoute::Default && state.realtime.backend != "dynamodb" {
            // In process, each Lambda instance would keep connections no other function sees.
            return Err(
                "WebSocket functions need OPBX_CONNECTIONS_TABLE and OPBX_LIVE_CALLS_TABLE".into(),
            );
        }
        let handler = service_fn(move |event: LambdaEvent<ApiGatewayWebsocketProxyRequest>| {
            let state = state.clone();
            async move {
                Ok::<_, Error>(crate::http::ws::lambda_reply(&state, route, &event.payload).await)
            }
        });
        lambda_http::lambda_runtime::run(handler).await
    })
}

/// Entry point of `jobs-worker`: batches of the jobs queue (SQS: job ids, and the schedules'
/// ticks, see [`crate::jobs::schedule`]), answered with the messages that could not be handled
/// (partial batch response: only those come back), and the sweep schedule's `{"sweep": true}`
/// events, which hand undelivered jobs to the queue.
pub fn jobs_worker() -> Result<(), Error> {
    use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
    use lambda_http::lambda_runtime::{LambdaEvent, service_fn};
    block_on(async move {
        let state = state_from_env(connect_without_aws).await?;
        let handler = service_fn(move |event: LambdaEvent<serde_json::Value>| {
            let state = state.clone();
            async move {
                if event.payload.get("sweep").is_some() {
                    let handed = crate::jobs::dispatch::sweep(&state).await?;
                    tracing::info!(handed, "jobs swept");
                    return Ok::<_, Error>(serde_json::json!({ "swept": handed }));
                }
                let batch: SqsEvent = serde_json::from_value(event.payload)?;
                let messages: Vec<(String, String)> = batch
                    .records
                    .into_iter()
                    .map(|r| (r.message_id.unwrap_or_default(), r.body.unwrap_or_default()))
                    .collect();
                let failed = crate::jobs::worker::run_batch(&state, &messages).await;
                crate::observe::emf::flush();
                let mut response = SqsBatchResponse::default();
                response.batch_item_failures = failed
                    .into_iter()
                    .map(|id| {
                        let mut failure = BatchItemFailure::default();
                        failure.item_identifier = id;
                        failure
                    })
                    .collect();
                Ok(serde_json::to_value(response)?)
            }
        });
        lambda_http::lambda_runtime::run(handler).await
    })
}

/// What `migrate` holds besides the master connection: the key (to re-seal values) and the
/// application's database user to create, when the deployment names one.
pub struct MigrateSetup {
    pub secrets: SecretBox,
    pub app_user: Option<DatabaseUser>,
}

/// One `migrate` invocation: applies pending migrations (accepting a database that is ahead, as
/// after a rollback). An event `{"bootstrap": {"email": …, "password"?, "organization"?,
/// "timezone"?}}` also creates the first organization and owner when the database has no user —
/// Lambda has no first start to do it — and answers a generated password in the response only,
/// which the operator's `aws lambda invoke` prints once; it is never logged. `{"operator":
/// {"email": …}}` creates a platform operator the same way (its generated password answered
/// once). The retention purge is a scheduled job ([`crate::jobs::schedule`]).
pub async fn migrate_event(
    store: &SqlStore,
    setup: &MigrateSetup,
    event: &serde_json::Value,
) -> Result<serde_json::Value, Error> {
    store.migrate_for_deploy().await?;
    tracing::info!(dialect = store.dialect().name(), "migrations applied");
    store.reseal_unbound(&setup.secrets).await?;
    if let Some(user) = &setup.app_user {
        store.ensure_app_user(user).await?;
    }
    if let Some(wanted) = event.get("operator") {
        let email = wanted
            .get("email")
            .and_then(|v| v.as_str())
            .ok_or("operator needs an \"email\"")?;
        let added = crate::bootstrap::add_operator(store, email, "migrate").await?;
        return Ok(serde_json::json!({
            "migrated": true,
            "operator": {"email": added.email, "generated_password": added.generated_password},
        }));
    }
    let Some(wanted) = event.get("bootstrap") else {
        return Ok(serde_json::json!({ "migrated": true }));
    };
    let field = |name: &str| wanted.get(name).and_then(|v| v.as_str()).map(str::to_owned);
    let settings = Bootstrap {
        email: field("email").ok_or("bootstrap needs an \"email\"")?,
        password: field("password"),
        organization: field("organization")
            .unwrap_or_else(|| Bootstrap::DEFAULT_ORGANIZATION.into()),
        timezone: field("timezone").unwrap_or_else(|| Bootstrap::DEFAULT_TIMEZONE.into()),
    };
    let bootstrap = match crate::bootstrap::ensure_first_owner(store, &settings).await? {
        Some(done) => serde_json::json!({
            "organization": done.organization.name,
            "owner": done.owner_email,
            "generated_password": done.generated_password,
        }),
        None => serde_json::json!("skipped: the database already has users"),
    };
    Ok(serde_json::json!({ "migrated": true, "bootstrap": bootstrap }))
}

/// Runs a function's whole life: the runtime, logging, then `work`.
pub fn block_on(work: impl Future<Output = Result<(), Error>>) -> Result<(), Error> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(async move {
            init_tracing();
            work.await
        })
}
