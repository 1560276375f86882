//! The log subscriber of every host. `OPBX_LOG_FORMAT=json|pretty` chooses the format; without
//! it Lambda writes JSON lines (what CloudWatch Logs Insights queries) and `opbx-local` writes
//! text to a terminal and JSON otherwise. `RUST_LOG` sets the level (`info`).
//! JSON lines list the spans they were written in, so each carries its request's id,
//! organization, user and CallSid (see [`super::request`]).

use std::io::IsTerminal;

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::util::SubscriberInitExt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Pretty,
}

impl LogFormat {
    /// The format `OPBX_LOG_FORMAT` asks for, else `default`.
    pub fn from_env(default: LogFormat) -> LogFormat {
        match std::env::var("OPBX_LOG_FORMAT").as_deref() {
            Ok("json") => LogFormat::Json,
            Ok("pretty") => LogFormat::Pretty,
            _ => default,
        }
    }

    /// `opbx-local`'s default: text for a person at a terminal, JSON for a collector.
    pub fn local_default() -> LogFormat {
        if std::io::stdout().is_terminal() {
            LogFormat::Pretty
        } else {
            LogFormat::Json
        }
    }
}

/// Installs the process's subscriber (a second call changes nothing).
pub fn init(format: LogFormat) {
    let _ = match format {
        LogFormat::Json => json(std::io::stdout).try_init(),
        LogFormat::Pretty => tracing_subscriber::fmt()
            .with_env_filter(filter())
            .finish()
            .try_init(),
    };
}

/// The JSON subscriber, writing to `writer` (stdout in production, a buffer in tests).
pub fn json<W>(writer: W) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .with_env_filter(filter())
        .with_writer(writer)
        .json()
        .with_current_span(false)
        .with_span_list(true)
        .finish()
}

fn filter() -> tracing_subscriber::EnvFilter {
    tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"))
}
