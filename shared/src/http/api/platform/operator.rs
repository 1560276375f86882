//! Who is calling the platform API: an operator's bearer token → its row → the operator, read
//! from the database on every request (revocation is immediate, as for organization tokens).
//!
//! The two kinds of token never open each other's doors: an organization token here is a 403
//! (a valid account, not an operator), an operator token on an organization route a 401 (no
//! organization knows it).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::Serialize;

use crate::app::AppState;
use crate::crypto::sha256_hex;
use crate::domain::accounts::{Operator, PlatformAuditEntry};
use crate::domain::ids::{OperatorTokenId, OrgId, PlatformAuditId};
use crate::domain::model::Status;
use crate::domain::now_ms;
use crate::http::api::caller::{MAX_TOKEN_LEN, authenticate_bearer, bearer_token};
use crate::http::api::extract::client_ip;
use crate::http::api::problem::{ApiError, ApiResult};
use crate::ports::operators::{OperatorRepo, OperatorTokenRepo};
use crate::ports::store::StoreError;

#[derive(Clone)]
pub struct OperatorCaller {
    pub operator: Operator,
    pub token_id: OperatorTokenId,
    pub source_ip: Option<String>,
}

/// Written by hand so that logging a caller never prints the password hash.
impl std::fmt::Debug for OperatorCaller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OperatorCaller")
            .field("operator", &self.operator.id)
            .field("token_id", &self.token_id)
            .field("source_ip", &self.source_ip)
            .finish()
    }
}

impl FromRequestParts<AppState> for OperatorCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let token = bearer_token(parts)?;
        let mut caller = authenticate_operator(state, token).await?;
        caller.source_ip = client_ip(parts, &state.trusted_proxies);
        Ok(caller)
    }
}

async fn authenticate_operator(state: &AppState, token: &str) -> ApiResult<OperatorCaller> {
    let invalid = || ApiError::unauthorized("The token is invalid, expired or revoked.");
    if token.is_empty() || token.len() > MAX_TOKEN_LEN {
        return Err(invalid());
    }
    let row = match state
        .store
        .find_operator_token_by_hash(&sha256_hex(token))
        .await
    {
        Err(StoreError::NotFound) => {
            // A working organization token proves an account, just not an operator's.
            return Err(match authenticate_bearer(state, token).await {
                Ok(_) => ApiError::forbidden("This needs a platform operator's token."),
                Err(_) => invalid(),
            });
        }
        other => other?,
    };
    if row.revoked_at.is_some() || row.expires_at <= now_ms() {
        return Err(invalid());
    }
    let operator = match state.store.find_operator(row.operator_id).await {
        Err(StoreError::NotFound) => return Err(invalid()),
        other => other?,
    };
    if operator.status != Status::Active {
        return Err(ApiError::unauthorized(
            "This operator account is deactivated.",
        ));
    }
    Ok(OperatorCaller {
        operator,
        token_id: row.id,
        source_ip: None,
    })
}

impl OperatorCaller {
    /// Records what the operator did, as an entry to write with the change itself.
    pub fn entry(
        &self,
        action: &str,
        org: Option<OrgId>,
        detail: Option<&impl Serialize>,
    ) -> PlatformAuditEntry {
        PlatformAuditEntry {
            id: PlatformAuditId::new(),
            operator_id: Some(self.operator.id),
            actor_label: self.operator.email.clone(),
            action: action.to_owned(),
            organization_id: org,
            detail: detail.map(|d| serde_json::to_value(d).unwrap_or_default()),
            source_ip: self.source_ip.clone(),
            created_at: now_ms(),
        }
    }
}
