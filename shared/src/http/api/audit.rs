//! Audit entries (who, what, which object, before/after with secrets masked, source address,
//! time) and the cache invalidation every successful write is followed by.
//!
//! A change and its entry are one write (issue 12.6): the handler builds the entry with
//! [`entry`] and hands it to the store call, which inserts it in the change's transaction, then
//! drops the organization's cached routing configuration (which the voice webhooks read) with
//! [`invalidate`]:
//!
//! ```ignore
//! let entry = audit::entry((&caller).into(), Change::updated("ring_group", id, &before_view, &after_view));
//! state.store.update_ring_group(&group, &[entry]).await?;
//! audit::invalidate(&state, caller.org()).await;
//! ```
//!
//! Pass the API views (what a client would see) as before/after, not the stored rows; secrets
//! are masked again here by field name as a second line of defence.
//!
//! [`committed`] is for what has no change to share a transaction with (a sign-in, a revealed
//! password, a call to Cloudonix): it appends the entry on its own, after the fact, and logs a
//! failure at error level rather than turning it into an error answer that would invite a retry.
//! (Cached configuration expires by TTL, bounding staleness.)

use serde::Serialize;
use serde_json::Value;

use super::caller::Caller;
use crate::app::AppState;
use crate::domain::ids::{AuditId, OrgId, UserId};
use crate::domain::model::{AuditEntry, User};
use crate::domain::now_ms;
use crate::ports::audit_log::AuditLogRepo;

/// Who made a change: normally the [`Caller`]; for a login, the user who just proved who they are.
#[derive(Debug, Clone)]
pub struct Actor {
    pub org: OrgId,
    pub user_id: Option<UserId>,
    /// How the audit log names the actor (their email), kept even after the user is deleted.
    pub label: String,
    pub source_ip: Option<String>,
}

impl Actor {
    pub fn user(user: &User, source_ip: Option<String>) -> Self {
        Self {
            org: user.organization_id,
            user_id: Some(user.id),
            label: user.email.clone(),
            source_ip,
        }
    }
}

impl From<&Caller> for Actor {
    fn from(caller: &Caller) -> Self {
        Self::user(&caller.user, caller.source_ip.clone())
    }
}

/// What happened to which object.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// `create`, `update`, `delete`, or a verb of its own (`login`, `reset_password`, …).
    pub action: String,
    /// The resource, singular snake_case: `user`, `extension`, `ring_group`, `settings`.
    pub object_type: String,
    pub object_id: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl Change {
    pub fn created(object_type: &str, id: impl ToString, after: &impl Serialize) -> Self {
        Self::new(
            "create",
            object_type,
            Some(id.to_string()),
            None,
            Some(snapshot(after)),
        )
    }

    pub fn updated(
        object_type: &str,
        id: impl ToString,
        before: &impl Serialize,
        after: &impl Serialize,
    ) -> Self {
        Self::new(
            "update",
            object_type,
            Some(id.to_string()),
            Some(snapshot(before)),
            Some(snapshot(after)),
        )
    }

    pub fn deleted(object_type: &str, id: impl ToString, before: &impl Serialize) -> Self {
        Self::new(
            "delete",
            object_type,
            Some(id.to_string()),
            Some(snapshot(before)),
            None,
        )
    }

    /// Any other action; add snapshots with [`Change::with_after`] when they say something.
    pub fn action(action: &str, object_type: &str, id: Option<String>) -> Self {
        Self::new(action, object_type, id, None, None)
    }

    pub fn with_after(mut self, after: &impl Serialize) -> Self {
        self.after = Some(snapshot(after));
        self
    }

    fn new(
        action: &str,
        object_type: &str,
        object_id: Option<String>,
        before: Option<Value>,
        after: Option<Value>,
    ) -> Self {
        Self {
            action: action.to_owned(),
            object_type: object_type.to_owned(),
            object_id,
            before,
            after,
        }
    }
}

fn snapshot(value: &impl Serialize) -> Value {
    let mut value = serde_json::to_value(value).unwrap_or_else(|e| {
        tracing::error!(error = %e, "audit snapshot could not be serialised");
        Value::Null
    });
    mask_secrets(&mut value);
    value
}

/// What a masked secret looks like in snapshots.
pub const MASK: &str = "********";

/// Replaces the value of every secret-looking field (password, secret, token, key, PIN) at any
/// depth, keeping `null` so the log still shows whether one was set.
pub fn mask_secrets(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if is_secret_name(key) && !v.is_null() {
                    *v = Value::String(MASK.into());
                } else {
                    mask_secrets(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_secrets),
        _ => {}
    }
}

pub fn is_secret_name(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    ["password", "secret", "token"]
        .iter()
        .any(|s| key.contains(s))
        || key == "pin"
        || key.ends_with("_pin")
        || key == "key"
        || key.ends_with("_key")
        || key.ends_with("_hash")
}

/// The audit entry of `change` by `actor`, now: for a store call that writes it with the change
/// in one transaction (accepted invitations, password resets).
pub fn entry(actor: Actor, change: Change) -> AuditEntry {
    AuditEntry {
        id: AuditId::new(),
        organization_id: actor.org,
        actor_user_id: actor.user_id,
        actor_label: actor.label,
        action: change.action,
        object_type: change.object_type,
        object_id: change.object_id,
        before: change.before,
        after: change.after,
        source_ip: actor.source_ip,
        created_at: now_ms(),
    }
}

/// Records `change` by `actor` and invalidates the organization's cached configuration; see the
/// module docs. Call it after every successful write whose store call does not take the entry.
pub async fn committed(state: &AppState, actor: impl Into<Actor>, change: Change) {
    let actor = actor.into();
    let org = actor.org;
    let entry = entry(actor, change);
    if let Err(e) = state.store.append_audit(&entry).await {
        tracing::error!(
            error = %e,
            org = %entry.organization_id,
            action = %entry.action,
            object_type = %entry.object_type,
            object_id = ?entry.object_id,
            "audit entry lost"
        );
    }
    invalidate(state, org).await;
}

/// Drops `org`'s cached configuration after a write whose audit entry was part of it.
pub async fn invalidate(state: &AppState, org: OrgId) {
    if let Err(e) = state.coordination.invalidate_org(&org.to_string()).await {
        tracing::error!(error = %e, org = %org, "cached configuration not invalidated");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_are_masked_at_any_depth() {
        let mut v = json!({
            "name": "Desk",
            "sip_password": "hunter2hunter2",
            "pin": "1234",
            "api_key": null,
            "settings": {"webhook_token": "abc", "domain": "example.org"},
            "members": [{"conference_pin": "99", "number": "101"}],
            "password_hash": "$argon2id$…"
        });
        mask_secrets(&mut v);
        assert_eq!(
            v,
            json!({
                "name": "Desk",
                "sip_password": MASK,
                "pin": MASK,
                "api_key": null,
                "settings": {"webhook_token": MASK, "domain": "example.org"},
                "members": [{"conference_pin": MASK, "number": "101"}],
                "password_hash": MASK
            })
        );
    }

    #[test]
    fn changes_carry_masked_snapshots() {
        let c = Change::updated(
            "user",
            "u1",
            &json!({"name": "A", "password": "x"}),
            &json!({"name": "B"}),
        );
        assert_eq!(c.action, "update");
        assert_eq!(c.object_id.as_deref(), Some("u1"));
        assert_eq!(c.before, Some(json!({"name": "A", "password": MASK})));
        assert_eq!(c.after, Some(json!({"name": "B"})));
        let d = Change::deleted("user", "u1", &json!({"name": "A"}));
        assert_eq!((d.action.as_str(), d.after), ("delete", None));
    }
}
