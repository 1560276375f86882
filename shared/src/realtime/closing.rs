//! Closing the WebSocket connections of a session, a user or an organization that lost its right
//! to them (ARCHITECTURE §6): a revoked token, a deactivated user (or one whose password was
//! reset), a suspended or deleted organization. The code path that revokes closes them at once,
//! through API Gateway's Management API (`DeleteConnection`) in AWS or the local hub, instead of
//! letting them receive events until they expire.

use crate::domain::ids::{OrgId, TokenId, UserId};
use crate::ports::connections::Connection;
use crate::ports::event_push::Delivery;

use super::Realtime;

/// Whose connections end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The connections opened with this token (logout).
    Session(TokenId),
    /// The user's connections, but those of `except` (the session that changed its own password).
    User {
        user: UserId,
        except: Option<TokenId>,
    },
    /// Every connection of the organization.
    Organization,
}

impl Ending {
    fn covers(self, c: &Connection) -> bool {
        match self {
            Ending::Session(token) => c.token_id == Some(token),
            Ending::User { user, except } => {
                c.user_id == user && (except.is_none() || c.token_id != except)
            }
            Ending::Organization => true,
        }
    }
}

/// Closes and forgets the connections `ending` covers in `org`; answers how many were open. The
/// change that ended them is already made, so a failure is logged, never returned: a connection
/// that could not be closed still ends at its expiry, and its client's next request is refused.
pub async fn close_connections(realtime: &Realtime, org: OrgId, ending: Ending) -> usize {
    let connections = match realtime.connections.list_connections(org).await {
        Ok(all) => all,
        Err(e) => {
            tracing::error!(%org, error = %e, "connections to close could not be listed");
            return 0;
        }
    };
    let mut closed = 0;
    for c in connections.iter().filter(|c| ending.covers(c)) {
        match realtime.push.close(&c.id).await {
            Ok(Delivery::Delivered | Delivery::Gone) => closed += 1,
            Err(e) => {
                tracing::error!(%org, error = %e, "a connection that lost its right stays open until it expires");
                continue;
            }
        }
        if let Err(e) = realtime.connections.remove_connection(&c.id).await {
            tracing::warn!(%org, error = %e, "a closed connection stays registered until it expires");
        }
    }
    if closed > 0 {
        tracing::info!(%org, ?ending, closed, "WebSocket connections closed");
    }
    closed
}
