//! Password hashing and checking off the async workers (argon2id is CPU-bound), shared by every
//! sign-in and every place that sets a password.

use std::sync::LazyLock;

use super::problem::{ApiError, ApiResult};
use crate::crypto::{hash_password, verify_password};

/// Verified against when the account is unknown, so that answer costs the same time as a wrong
/// password and does not reveal which emails have accounts.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    hash_password("not a real password; only spends the time a real check takes")
        .expect("hashing a constant works")
});

/// The argon2id PHC string of `password`.
pub async fn hash(password: String) -> ApiResult<String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing panicked");
            ApiError::internal()
        })?
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing failed");
            ApiError::internal()
        })
}

/// Which of `hashes` `password` matches, in order. With no hash at all, a dummy one is checked
/// so that an unknown account takes as long as a wrong password.
pub async fn matching(hashes: Vec<String>, password: String) -> ApiResult<Vec<bool>> {
    tokio::task::spawn_blocking(move || {
        if hashes.is_empty() {
            verify_password(&password, &DUMMY_HASH);
        }
        hashes
            .iter()
            .map(|h| verify_password(&password, h))
            .collect()
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "password check panicked");
        ApiError::internal()
    })
}
