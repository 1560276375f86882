//! The calls in progress, per organization: what `GET /api/v1/live-calls` lists and what the
//! presence fanout announces. Not durable history (that is the call log): entries expire.
//!
//! An ended call stays stored for a while with its final status, so that a session update
//! Cloudonix delivers late finds the call ended and cannot bring it back to the live view.

use std::time::Duration;

use async_trait::async_trait;

use super::store::StoreResult;
use crate::domain::ids::OrgId;
use crate::domain::live_call::{LiveCall, LiveCallChange};

/// A live call nobody has updated for this long is dropped: its CDR was lost, and a call of that
/// length without a single session update does not happen.
pub const LIVE_CALL_TTL: Duration = Duration::from_secs(12 * 60 * 60);
/// How long an ended call is remembered after its last update.
pub const ENDED_CALL_TTL: Duration = Duration::from_secs(10 * 60);

/// Epoch ms after which `call` is forgotten.
pub fn expires_at(call: &LiveCall) -> i64 {
    let ttl = if call.status.is_terminal() {
        ENDED_CALL_TTL
    } else {
        LIVE_CALL_TTL
    };
    call.updated_at.saturating_add(ttl.as_millis() as i64)
}

#[async_trait]
pub trait LiveCalls: Send + Sync {
    /// Creates or replaces the call (organization + call id).
    async fn put_live_call(&self, call: &LiveCall) -> StoreResult<()>;
    /// Puts `call` only when the call has no entry yet (a new call's one write); `false` when it
    /// has one, which is left as it is.
    async fn insert_live_call(&self, call: &LiveCall) -> StoreResult<bool>;
    /// Replaces the call with `call` only while it is still as `seen` left it (same status,
    /// same `updated_at`): a compare and set, so that a routing callback, which moves the live
    /// view without the tracking lock, cannot overwrite a newer event. `false` when the call
    /// changed or went meanwhile.
    async fn replace_live_call(&self, call: &LiveCall, seen: &LiveCall) -> StoreResult<bool>;
    /// The call, ended or not, unless it has expired (`NotFound`).
    async fn find_live_call(&self, org: OrgId, call_id: &str) -> StoreResult<LiveCall>;
    /// The organization's calls in progress (not ended, not expired), oldest first.
    async fn list_live_calls(&self, org: OrgId) -> StoreResult<Vec<LiveCall>>;
}

/// Receives every change of an in-process live-call store. In AWS the DynamoDB stream plays this
/// part, feeding the presence-fanout function.
#[async_trait]
pub trait LiveCallFeed: Send + Sync {
    async fn live_call_changed(&self, change: LiveCallChange);
}
