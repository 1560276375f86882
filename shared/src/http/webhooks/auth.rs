//! Who is calling a webhook: Cloudonix sends the organization's domain `authorization-api-key` as
//! `Authorization: Bearer <key>` (cloudonix.md §1.5); session updates may instead carry the
//! organization's session-update token in their URL. Only a secret's SHA-256 is stored; the
//! organization is found by that hash and the stored hash is compared in constant time.

use std::time::Duration;

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;

use crate::app::AppState;
use crate::crypto::{constant_time_eq, sha256_hex};
use crate::domain::ids::OrgId;
use crate::domain::model::CloudonixSettings;
use crate::ports::cloudonix_settings::CloudonixSettingsRepo;
use crate::ports::store::{StoreError, StoreResult};

/// Cache partition mapping secret hashes to organizations. It is not an organization's own
/// partition because the organization is unknown until the secret is recognised; rotating a key
/// clears it with [`forget_webhook_keys`].
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
    identify(state, Secret::WebhookKey, key).await
}

/// The organization whose session-update URL carries `token`.
pub async fn session_token_org(state: &AppState, token: &str) -> Result<OrgId, WebhookAuthError> {
    identify(state, Secret::SessionToken, token).await
}

/// The secrets that identify an organization to a webhook.
#[derive(Clone, Copy)]
enum Secret {
    WebhookKey,
    SessionToken,
}

impl Secret {
    fn cache_key(self, hash: &str) -> String {
        match self {
            Self::WebhookKey => hash.to_owned(),
            Self::SessionToken => format!("session:{hash}"),
        }
    }

    async fn find(self, state: &AppState, hash: &str) -> StoreResult<CloudonixSettings> {
        match self {
            Self::WebhookKey => {
                let find = state.store.find_org_by_webhook_key_hash(hash);
                state.store.within_webhook_deadline(find).await
            }
            Self::SessionToken => {
                let find = state.store.find_org_by_session_token_hash(hash);
                state.store.within_webhook_deadline(find).await
            }
        }
    }

    fn stored(self, settings: &CloudonixSettings) -> &str {
        let hash = match self {
            Self::WebhookKey => &settings.webhook_key_hash,
            Self::SessionToken => &settings.session_token_hash,
        };
        hash.as_deref().unwrap_or_default()
    }
}

async fn identify(
    state: &AppState,
    secret: Secret,
    plain: &str,
) -> Result<OrgId, WebhookAuthError> {
    let hash = sha256_hex(plain);
    let cache_key = secret.cache_key(&hash);
    if let Ok(Some(cached)) = state
        .coordination
        .cache_get(KEYS_PARTITION, &cache_key)
        .await
        && let Some(org) = std::str::from_utf8(&cached)
            .ok()
            .and_then(|s| s.parse().ok())
    {
        return Ok(org);
    }
    let settings = match secret.find(state, &hash).await {
        Ok(s) => s,
        Err(StoreError::NotFound) => return Err(WebhookAuthError::Unknown),
        Err(e) => return Err(WebhookAuthError::Store(e)),
    };
    if !constant_time_eq(secret.stored(&settings).as_bytes(), hash.as_bytes()) {
        return Err(WebhookAuthError::Unknown);
    }
    let org = settings.organization_id;
    // Best effort: without the cache the next request simply asks the database again.
    let _ = state
        .coordination
        .cache_put(
            KEYS_PARTITION,
            &cache_key,
            org.to_string().as_bytes(),
            KEY_TTL,
        )
        .await;
    Ok(org)
}

/// Makes a rotated or removed webhook key of `org` stop working at once: the shared cache of
/// keys is cleared, and raising the organization's configuration version makes every instance
/// check its own copy of the key against the database again ([`still_valid`]).
pub async fn forget_webhook_keys(state: &AppState, org: OrgId) {
    for partition in [KEYS_PARTITION.to_owned(), org.to_string()] {
        if let Err(e) = state.coordination.invalidate_org(&partition).await {
            tracing::warn!(error = %e, "could not clear cached webhook keys; old keys lapse within 5 minutes");
        }
    }
}

/// A webhook key recognised for an organization.
pub struct RecognisedKey {
    pub org: OrgId,
    hash: String,
    /// The configuration version this instance recognised the key under; `None` when it was
    /// just checked against the shared cache or the database.
    version: Option<i64>,
}

/// The organization of the request's key: from this instance's copy when it has one (checked by
/// [`still_valid`] once the version is known), otherwise as [`authenticate`] finds it.
pub async fn recognise(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<RecognisedKey, WebhookAuthError> {
    let hash = sha256_hex(bearer(headers).ok_or(WebhookAuthError::Missing)?);
    if let Some((org, version)) = state.local.key(&hash) {
        return Ok(RecognisedKey {
            org,
            hash,
            version: Some(version),
        });
    }
    let org = authenticate(state, headers).await?;
    Ok(RecognisedKey {
        org,
        hash,
        version: None,
    })
}

/// Whether `key` still belongs to its organization at configuration `version` (read in the
/// request's first round trip). A copy of another version is checked against the database once;
/// a key rotated away since is forgotten and refused.
pub async fn still_valid(state: &AppState, key: &RecognisedKey, version: i64) -> bool {
    if key.version == Some(version) {
        return true;
    }
    if key.version.is_some() {
        let find = state.store.find_org_by_webhook_key_hash(&key.hash);
        match state.store.within_webhook_deadline(find).await {
            Ok(settings)
                if settings.organization_id == key.org
                    && constant_time_eq(
                        settings
                            .webhook_key_hash
                            .as_deref()
                            .unwrap_or_default()
                            .as_bytes(),
                        key.hash.as_bytes(),
                    ) => {}
            Ok(_) | Err(StoreError::NotFound) => {
                state.local.forget_key(&key.hash);
                return false;
            }
            Err(e) => {
                // The key was valid a moment ago; the database being down must not refuse calls.
                tracing::warn!(error = %e, "webhook key not re-checked: database unavailable");
                return true;
            }
        }
    }
    state.local.remember_key(&key.hash, key.org, version);
    true
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
