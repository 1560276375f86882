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
    let key = match &config.encryption_key {
        Some(k) => k.clone(),
        None => key_file::load_or_create(&key_file::path())?,
    };
    let realtime = opbx_aws::realtime_with_push(&config.realtime).await;
    let state = AppState::connect(&config, SecretBox::from_base64(&key)?, realtime).await?;
    state.store.migrate().await?;
    state.store.reseal_unbound(&state.secrets).await?;
    if let Some(done) = opbx::bootstrap::ensure_first_owner(&state.store, &config.bootstrap).await?
    {
        announce_owner(&done);
    }

    let app = opbx::http::all_functions(state.clone())
        .merge(opbx::http::ws::local::router(state.clone()))
        .merge(opbx::observe::prometheus::router(
            opbx::observe::prometheus::token_from_env()?,
        ))
        .method_not_allowed_fallback(opbx::http::unrouted::method_not_allowed)
        .fallback_service(ui::router(&ui::dir()));
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let shutdown = shutdown_signal()?;
    tracing::info!(
        "OpBX listening on http://{} (database: {}, coordination: {})",
        listener.local_addr()?,
        state.store.dialect().name(),
        state.coordination_backend
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
