//! Accounts that are not an organization's users, and one-time links (issue 12).
//!
//! - [`Operator`]: a platform operator, above organizations. Operators are stored apart from
//!   organization users and sign in separately; an operator token opens `/api/v1/platform/…`
//!   only, and no organization token opens it.
//! - [`AccountLink`]: an invitation to join an organization, or a password reset: a random token
//!   mailed once, stored as its SHA-256, valid until it expires or is used once.
//! - [`PlatformAuditEntry`]: what an operator did, kept apart from the organizations' audit logs
//!   (it outlives a purged organization).

use serde::{Deserialize, Serialize};

use super::ids::{AccountLinkId, OperatorId, OperatorTokenId, OrgId, PlatformAuditId};
use super::model::{Role, Status};
use crate::text_enum;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operator {
    pub id: OperatorId,
    /// Stored lower-cased; unique among operators.
    pub email: String,
    pub name: String,
    /// argon2id PHC string. Never serialised to clients.
    #[serde(skip_serializing)]
    pub password_hash: String,
    pub status: Status,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperatorToken {
    pub id: OperatorTokenId,
    pub operator_id: OperatorId,
    /// Hex SHA-256 of the bearer token; the token itself is never stored.
    pub token_hash: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
}

text_enum! {
    pub enum LinkPurpose { Invitation => "invitation", PasswordReset => "password_reset" }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountLink {
    pub id: AccountLinkId,
    pub organization_id: OrgId,
    pub purpose: LinkPurpose,
    /// Who it was sent to: the invited address, or the account whose password it resets.
    pub email: String,
    /// The role an invitation grants; `None` for a reset.
    pub role: Option<Role>,
    /// The email of the user who sent an invitation; `None` for a reset and for a first owner
    /// invited by the platform.
    pub invited_by: Option<String>,
    pub token_hash: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

impl AccountLink {
    /// Whether the link may still be used at `now`.
    pub fn usable(&self, now: i64) -> bool {
        self.used_at.is_none() && now < self.expires_at
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlatformAuditEntry {
    pub id: PlatformAuditId,
    /// `None` for work done by the platform itself (the purge job, `opbx-local operator add`).
    pub operator_id: Option<OperatorId>,
    pub actor_label: String,
    /// `create_organization`, `suspend_organization`, `login`, …
    pub action: String,
    pub organization_id: Option<OrgId>,
    /// What changed, with nothing secret in it.
    pub detail: Option<serde_json::Value>,
    pub source_ip: Option<String>,
    pub created_at: i64,
}
