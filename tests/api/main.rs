//! HTTP tests of the REST API (`/api/v1`), through the routers in-process.
//!
//! - `fixtures`: tenants with a user per role, tokens, sending requests.
//! - `cases`: the route × role matrix, the tenant-isolation table and their coverage check;
//!   each resource module contributes rows through its `cases()`.
//! - one module per API function with its behaviour tests; `framework` for what all share.

mod audit_log;
mod auth;
mod call_logs;
mod cases;
mod fixtures;
mod framework;
mod live_calls;
mod routing;
mod settings;
mod users;
mod voicemail;
