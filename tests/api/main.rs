//! HTTP tests of the REST API (`/api/v1`), through the routers in-process.
//!
//! - `fixtures`: tenants with a user per role, tokens, sending requests.
//! - `cases`: the route × role matrix, the tenant-isolation table and their coverage check;
//!   each resource module contributes rows through its `cases()`.
//! - `config_support`: clients per role, configuration made in the store, voice calls to see
//!   where the next call goes.
//! - one module per API function with its behaviour tests; `framework` for what all share.

mod accounts;
mod announcements;
mod audit_log;
mod auth;
mod business_hours;
mod call_flow;
mod call_logs;
mod cases;
mod conference_rooms;
mod config_support;
mod export_on_lambda;
mod extensions;
mod fixtures;
mod framework;
mod ivr_menus;
mod jobs;
mod live_calls;
mod media_links;
mod outbound_routes;
mod outward_calls;
mod pending_invitations;
mod phone_numbers;
mod platform;
mod recordings;
mod ring_groups;
mod routing;
mod schedule;
mod settings;
mod users;
mod voicemail;
mod voicemail_copy;
