//! What OpBX tells its operators about itself: request ids and spans in the logs, and metrics
//! (Prometheus on `opbx-local`, CloudWatch EMF on Lambda).

pub mod emf;
pub mod logging;
pub mod metrics;
pub mod prometheus;
pub mod request;
