//! Who is calling a webhook: Cloudonix sends the organization's domain `authorization-api-key` as
//! `Authorization: Bearer <key>` (cloudonix.md §1.5). Only the key's SHA-256 is stored; the
//! organization is found by that hash and the stored hash is compared in constant time.

use std::time::Duration;

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;

use crate::app::AppState;
use crate::crypto::{constant_time_eq, sha256_hex};
use crate::domain::ids::OrgId;
use crate::ports::cloudonix_settings::CloudonixSettingsRepo;
use crate::ports::store::StoreError;

/// Cache partition mapping key hashes to organizations. It is not an organization's own partition
/// because the organization is unknown until the key is recognised; rotating a key clears it
/// with [`forget_webhook_keys`].
const KEYS_PARTITION: &str = "_webhook_keys";
/// A recognised key is trusted from the cache this long without asking the database again.
const KEY_TTL: Duration = Duration::from_secs(300);

#[derive(Debug, thiserror::Error)]
pub enum WebhookAuthError {
    #[error("no bearer token")]
    Missing,
    #[error("unknown webhook key")]
    Unknown,
    /// The database could not be asked; the caller cannot be identified, so the call is refused,
    /// but this is our fault, not Cloudonix's.
    #[error("webhook key lookup failed: {0}")]
    Store(StoreError),
}

/// The organization whose webhook key the request carries.
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<OrgId, WebhookAuthError> {
    let key = bearer(headers).ok_or(WebhookAuthError::Missing)?;
    let hash = sha256_hex(key);
    if let Ok(Some(cached)) = state.coordination.cache_get(KEYS_PARTITION, &hash).await
        && let Some(org) = std::str::from_utf8(&cached)
            .ok()
            .and_then(|s| s.parse().ok())
    {
        return Ok(org);
    }
    let settings = match state.store.find_org_by_webhook_key_hash(&hash).await {
        Ok(s) => s,
        Err(StoreError::NotFound) => return Err(WebhookAuthError::Unknown),
        Err(e) => return Err(WebhookAuthError::Store(e)),
    };
    let stored = settings.webhook_key_hash.unwrap_or_default();
    if !constant_time_eq(stored.as_bytes(), hash.as_bytes()) {
        return Err(WebhookAuthError::Unknown);
    }
    let org = settings.organization_id;
    // Best effort: without the cache the next request simply asks the database again.
    let _ = state
        .coordination
        .cache_put(KEYS_PARTITION, &hash, org.to_string().as_bytes(), KEY_TTL)
        .await;
    Ok(org)
}

/// Makes a rotated or removed webhook key stop working at once instead of after [`KEY_TTL`].
pub async fn forget_webhook_keys(state: &AppState) {
    if let Err(e) = state.coordination.invalidate_org(KEYS_PARTITION).await {
        tracing::warn!(error = %e, "could not clear cached webhook keys; old keys lapse within 5 minutes");
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(AUTHORIZATION, value.parse().unwrap());
        h
    }

    #[test]
    fn bearer_scheme_is_case_insensitive_and_token_required() {
        assert_eq!(bearer(&headers("Bearer abc")), Some("abc"));
        assert_eq!(bearer(&headers("bearer  abc ")), Some("abc"));
        assert_eq!(bearer(&headers("Basic abc")), None);
        assert_eq!(bearer(&headers("Bearer ")), None);
        assert_eq!(bearer(&HeaderMap::new()), None);
    }
}
