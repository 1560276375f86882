//! A call in progress as the live view shows it. Keyed by organization and the Cloudonix session
//! token (`Session` on voice requests, `token` on session updates, `session.token` on the CDR),
//! the one identifier all three webhooks carry.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::destination::Destination;
use super::ids::{CallLogId, OrgId};
use super::model::{CallDirection, CallStatus};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveCall {
    pub organization_id: OrgId,
    /// The Cloudonix session token.
    pub call_id: String,
    /// The call-log row of this call, once the voice webhook has created it.
    pub call_log_id: Option<CallLogId>,
    pub direction: Option<CallDirection>,
    pub from_number: String,
    pub to_number: String,
    pub caller_name: Option<String>,
    pub status: CallStatus,
    /// Epoch ms, as everywhere in the stores.
    pub started_at: i64,
    pub answered_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub updated_at: i64,
    /// Where routing last sent the call; absent in records written before it was kept.
    #[serde(default)]
    pub location: Option<CallLocation>,
}

/// Where a call is in the organization's routing: the last destination on its path (an IVR menu
/// while the caller chooses, a ring group while it rings, a voicemail box while they speak).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CallLocation {
    pub destination: Destination,
    /// How people know it ("101 Alice", "Sales"); empty when it has no name (hang up).
    pub name: String,
}

/// What happened to a live call; the presence fanout turns each into one WebSocket event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveCallChange {
    /// Created or changed; carries the call as it is now.
    Updated(LiveCall),
    /// Gone from the live view (ended, or expired); carries the call as it was last.
    Removed(LiveCall),
}

impl LiveCallChange {
    pub fn call(&self) -> &LiveCall {
        match self {
            LiveCallChange::Updated(c) | LiveCallChange::Removed(c) => c,
        }
    }
}
