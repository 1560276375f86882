//! The behaviour suite: every store behaviour, run on both backends (see `opbx_tests::Backend`).

mod audit_log;
mod bootstrap;
mod business_hours;
mod call_logs;
mod cdrs;
mod cloudonix_settings;
mod conference_rooms;
mod coordination;
mod email;
mod extensions;
mod health;
mod ivr_menus;
mod job_queue;
mod media;
mod migrations;
mod organizations;
mod outbound_routes;
mod phone_numbers;
mod platform;
mod references;
mod ring_groups;
mod schema;
mod sealed_values;
mod sqlite_files;
mod users;
mod voicemail;
