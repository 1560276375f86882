//! `opbx-local`: the whole PBX in one process — every function's router, the admin UI and
//! the WebSocket hub — on the embedded stores by default (ARCHITECTURE §3, §7).

mod key_file;
mod ui;

use std::process::ExitCode;

use opbx::app::AppState;
use opbx::config::Config;
use opbx::crypto::SecretBox;

#[tokio::main]
async fn main() -> ExitCode {
    use opbx::observe::logging::{LogFormat, init};
    init(LogFormat::from_env(LogFormat::local_default()));
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("opbx-local cannot start: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let config = Config::from_env()?;
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] => {}
        ["operator", "add", email] => return add_operator(&config, email).await,
        _ => {
            return Err("usage: opbx-local                      (serve)\n       \
                 opbx-local operator add EMAIL    (create a platform operator)"
                .into());
        }
    }
    let key = match &config.encryption_key {
        Some(k) => k.clone(),
        None => key_file::load_or_create(&key_file::path())?,
    };
    let realtime = opbx_aws::realtime_with_push(&config.realtime).await;
    let mut state = AppState::connect(&config, SecretBox::from_base64(&key)?, realtime).await?;
    state.store.migrate().await?;
    state.store.reseal_unbound(&state.secrets).await?;
    if let Some(done) = opbx::bootstrap::ensure_first_owner(&state.store, &config.bootstrap).await?
    {
        announce_owner(&done);
    }

    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    // The bound address, not the configured one: port 0 picks a free port.
    state.listen_url = Some(format!("http://{}", listener.local_addr()?).into());

    // The jobs worker runs in process (ARCHITECTURE §4), starting with a sweep that hands over
    // the jobs a previous run left pending; a timer ticks the schedules (reconcile, purge).
    tokio::spawn(opbx::jobs::worker::run_local(state.clone()));
    tokio::spawn(opbx::jobs::schedule::run_local(
        state.clone(),
        config.schedule,
    ));

    let app = opbx::http::all_functions(state.clone())
        .merge(opbx::http::ws::local::router(state.clone()))
        .merge(opbx::http::media::router(state.clone()))
        .merge(opbx::observe::prometheus::router(
            opbx::observe::prometheus::token_from_env()?,
        ))
        .method_not_allowed_fallback(opbx::http::unrouted::method_not_allowed)
        .fallback_service(ui::router(&ui::dir()));
    let shutdown = shutdown_signal()?;
    tracing::info!(
        "OpBX listening on http://{} (database: {}, coordination: {}, jobs: {})",
        listener.local_addr()?,
        state.store.dialect().name(),
        state.coordination_backend,
        state.jobs_backend
    );
    // Peer addresses feed the per-address login limit and the audit log.
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await?;
    state.store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// `opbx-local operator add EMAIL`: creates a platform operator in the configured database and
/// prints their generated password once (stdout only; it is never logged).
async fn add_operator(config: &Config, email: &str) -> Result<(), Box<dyn std::error::Error>> {
    let store = opbx::adapters::sql::SqlStore::connect(&config.database_url, 1).await?;
    store.migrate().await?;
    let added = opbx::bootstrap::add_operator(&store, email, "command line").await?;
    store.close().await;
    println!("Created platform operator {}.", added.email);
    println!(
        "Generated password (shown once; sign in at /api/v1/platform/auth/login): {}",
        added.generated_password
    );
    Ok(())
}

/// Printed to stdout once, on the first start: the only place a generated password ever appears.
fn announce_owner(done: &opbx::bootstrap::Bootstrapped) {
    println!(
        "Created organization {:?} and its owner {}.",
        done.organization.name, done.owner_email
    );
    match &done.generated_password {
        Some(p) => println!("Generated password (shown once; change it after logging in): {p}"),
        None => println!("Log in with the password from OPBX_BOOTSTRAP_PASSWORD."),
    }
}

/// Listens from before the address is announced: a SIGTERM sent right after the announcement
/// (as the end-to-end tests do) must stop the process gracefully, not kill it.
fn shutdown_signal() -> std::io::Result<impl Future<Output = ()>> {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {},
            _ = terminate.recv() => {},
        }
        tracing::info!("shutting down: finishing requests in flight");
    })
}
