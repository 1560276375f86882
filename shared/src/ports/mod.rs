//! The capabilities the application needs, as traits. Adapters live in `crate::adapters`.

pub mod audit_log;
pub mod business_hours;
pub mod call_logs;
pub mod cdrs;
pub mod cloudonix;
pub mod cloudonix_settings;
pub mod conference_rooms;
pub mod connections;
pub mod coordination;
pub mod event_push;
pub mod extensions;
pub mod ivr_menus;
pub mod jobs;
pub mod live_calls;
pub mod organizations;
pub mod outbound_routes;
pub mod phone_numbers;
pub mod references;
pub mod ring_groups;
pub mod store;
pub mod subscriber_links;
pub mod users;
pub mod voicemail;
