//! Real time: live calls and the connection registry on memory and on DynamoDB (moto), the
//! presence fanout, the session and CDR webhooks on both SQL backends, and end to end through a
//! running opbx-local with real WebSocket clients.

mod closing;
mod e2e;
mod fanout;
mod limits;
mod management_api;
mod stores;
mod webhooks;
