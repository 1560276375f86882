//! OpBX: a multi-tenant business phone system on Cloudonix.
//!
//! `domain` is pure (no I/O); `ports` are the traits the application needs from the outside world;
//! `adapters` implement them (SQL via sqlx for MySQL and SQLite, Redis, in-process memory);
//! `http` holds the axum routers that every Lambda function and `opbx-local` serve.

pub mod adapters;
pub mod app;
pub mod bootstrap;
pub mod cloudonix;
pub mod config;
pub mod crypto;
pub mod cxml;
pub mod deployed_secrets;
pub mod domain;
pub mod http;
pub mod jobs;
pub mod lambda;
pub mod log_safe;
pub mod media_links;
pub mod observe;
pub mod ports;
pub mod realtime;
pub mod routing;
