//! The Cloudonix REST client and provisioning, against a local fake Cloudonix
//! (`opbx_tests::fake_cloudonix`) that records every request.

mod client;
mod links;
mod logs;
mod provision;
mod support;
