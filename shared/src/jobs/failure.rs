//! Why a try of a job failed, and whether trying again can help.

use std::time::Duration;

use crate::ports::cloudonix::CloudonixError;
use crate::ports::store::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobError {
    /// For the job's `last_error`: never a secret.
    pub message: String,
    pub retryable: bool,
    /// The least wait before trying again (Cloudonix's `Retry-After`, an open circuit).
    pub not_before: Option<Duration>,
}

impl JobError {
    pub fn permanent(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            retryable: false,
            not_before: None,
        }
    }

    pub fn transient(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            retryable: true,
            not_before: None,
        }
    }
}

impl From<CloudonixError> for JobError {
    fn from(e: CloudonixError) -> Self {
        let not_before = match &e {
            CloudonixError::RateLimited { retry_after, .. } => *retry_after,
            CloudonixError::CircuitOpen { retry_in } => Some(*retry_in),
            _ => None,
        };
        let retryable = matches!(
            e,
            CloudonixError::RateLimited { .. }
                | CloudonixError::Server { .. }
                | CloudonixError::Timeout(_)
                | CloudonixError::Unreachable(_)
                | CloudonixError::CircuitOpen { .. }
        );
        Self {
            message: e.to_string(),
            retryable,
            not_before,
        }
    }
}

impl From<StoreError> for JobError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Corrupt(_) => Self::permanent(e.to_string()),
            other => Self::transient(other.to_string()),
        }
    }
}
