//! Connecting an organization's Cloudonix domain to this deployment: the webhook URLs Cloudonix
//! must call, and provisioning, which pushes them (and the extensions) through the Cloudonix port.

pub mod credentials;
pub mod provision;
pub mod subscribers;
pub mod tokens;
pub mod urls;
