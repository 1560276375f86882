//! Per-organization locks for checks that a write relies on and that no unique key can enforce
//! (the organization keeps an owner; an extension and a conference room never share a number):
//! the check and the write run under the lock, so two concurrent writes cannot both pass.

use std::time::Duration;

use super::problem::{ApiError, ApiResult};
use crate::app::AppState;
use crate::domain::ids::OrgId;
use crate::ports::coordination::LockGuard;

/// What a lock serialises: the key it takes per organization and how the busy answer names it.
#[derive(Debug, Clone, Copy)]
pub struct Topic {
    key: &'static str,
    what: &'static str,
}

/// Writes to users (here and in the profile).
pub const USERS: Topic = Topic {
    key: "users",
    what: "users",
};

/// Numbers a subscriber can dial: extension numbers and conference-room numbers.
pub const DIAL_NUMBERS: Topic = Topic {
    key: "dial-numbers",
    what: "extension and conference-room numbers",
};

pub struct OrgLock(LockGuard);

impl OrgLock {
    const TTL: Duration = Duration::from_secs(10);
    const WAIT: Duration = Duration::from_secs(5);

    /// Waits for the lock; 409 asking for a retry when another holder keeps it too long.
    pub async fn take(state: &AppState, org: OrgId, topic: Topic) -> ApiResult<Self> {
        state
            .coordination
            .lock(&format!("{}:{org}", topic.key), Self::TTL, Self::WAIT)
            .await?
            .map(Self)
            .ok_or_else(|| {
                ApiError::conflict(format!(
                    "Another change to {} is in progress; retry.",
                    topic.what
                ))
            })
    }

    pub async fn release(self, state: &AppState) {
        if let Err(e) = state.coordination.unlock(self.0).await {
            tracing::warn!(error = %e, "organization lock not released; it lapses by TTL");
        }
    }

    /// Runs `work` holding the lock of `topic`, releasing it whatever `work` answers.
    pub async fn holding<T>(
        state: &AppState,
        org: OrgId,
        topic: Topic,
        work: impl AsyncFnOnce() -> ApiResult<T>,
    ) -> ApiResult<T> {
        let lock = Self::take(state, org, topic).await?;
        let result = work().await;
        lock.release(state).await;
        result
    }
}
