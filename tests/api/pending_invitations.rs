//! Pending invitations (issue 12.3): `GET /api/v1/users/invitations`,
//! `DELETE /api/v1/users/invitations/{id}`, `POST /api/v1/users/invitations/{id}/resend`.

use opbx::app::AppState;
use opbx::domain::accounts::{AccountLink, LinkPurpose};
use opbx::domain::ids::OrgId;
use opbx::domain::model::Role;
use opbx::http::api::account_links::new_link;
use opbx::ports::account_links::AccountLinkRepo;
use opbx::ports::audit_log::{AuditFilter, AuditLogRepo};
use opbx::ports::store::PageRequest;
use opbx_tests::{Backend, unique};
use serde_json::{Value, json};

use crate::cases::{ADMINS, Access, Case, Ctx, Prepared, Preparing, prepare};
use crate::fixtures::Api;
use crate::platform::link_token;

const STRONG: &str = "lemon quartz harbour 42";

/// A stored invitation of `org` for `role` (its token, and the row).
async fn stored(state: &AppState, org: OrgId, role: Role) -> (String, AccountLink) {
    let email = format!("pending-{}@example.com", unique());
    let (token, link) = new_link(org, LinkPurpose::Invitation, &email, Some(role));
    state.store.create_account_link(&link, &[]).await.unwrap();
    (token, link)
}

/// A reporter's invitation (which every admin may handle), addressed by its id + `suffix`.
fn on_one(ctx: Ctx, suffix: &'static str) -> Preparing {
    prepare(async move {
        let (_, link) = stored(&ctx.state, ctx.org(), Role::Reporter).await;
        Prepared::at(format!("/api/v1/users/invitations/{}{suffix}", link.id)).marker(link.email)
    })
}

pub fn cases() -> Vec<Case> {
    vec![
        Case::new(
            "GET",
            "/api/v1/users/invitations",
            Access::Roles(ADMINS),
            |ctx| {
                prepare(async move {
                    let (_, link) = stored(&ctx.state, ctx.org(), Role::Reporter).await;
                    Prepared::at("/api/v1/users/invitations").marker(link.email)
                })
            },
        ),
        Case::new(
            "DELETE",
            "/api/v1/users/invitations/{id}",
            Access::Roles(ADMINS),
            |ctx| on_one(ctx, ""),
        ),
        Case::new(
            "POST",
            "/api/v1/users/invitations/{id}/resend",
            Access::Roles(ADMINS),
            |ctx| on_one(ctx, "/resend"),
        ),
    ]
}

fn emails(list: &Value) -> Vec<&str> {
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["email"].as_str().unwrap())
        .collect()
}

/// Only unused, unexpired invitations of the caller's organization are listed, and a PBX admin
/// sees only those for roles they may grant; no token is ever shown.
async fn only_pending_invitations_are_listed(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let other = api.tenant().await;
    let owner = t.token(&api.state, Role::Owner).await;
    let admin = t.token(&api.state, Role::PbxAdmin).await;
    let invite = |email: &str, role: &str| Some(json!({"email": email, "role": role}));
    let new_admin = format!("admin-{}@example.com", unique());
    let new_user = format!("user-{}@example.com", unique());
    api.call(
        "POST",
        "/api/v1/users/invitations",
        Some(&owner),
        invite(&new_admin, "pbx_admin"),
    )
    .await
    .ok();
    api.call(
        "POST",
        "/api/v1/users/invitations",
        Some(&admin),
        invite(&new_user, "pbx_user"),
    )
    .await
    .ok();

    let (_, mut used) = new_link(
        t.org.id,
        LinkPurpose::Invitation,
        "used@example.com",
        Some(Role::Reporter),
    );
    used.used_at = Some(used.created_at);
    api.state
        .store
        .create_account_link(&used, &[])
        .await
        .unwrap();
    let (_, mut expired) = new_link(
        t.org.id,
        LinkPurpose::Invitation,
        "late@example.com",
        Some(Role::Reporter),
    );
    expired.expires_at = expired.created_at - 1;
    api.state
        .store
        .create_account_link(&expired, &[])
        .await
        .unwrap();
    let (_, reset) = new_link(
        t.org.id,
        LinkPurpose::PasswordReset,
        &t.user(Role::Reporter).email,
        None,
    );
    api.state
        .store
        .create_account_link(&reset, &[])
        .await
        .unwrap();
    stored(&api.state, other.org.id, Role::Reporter).await;

    let list = api
        .call("GET", "/api/v1/users/invitations", Some(&owner), None)
        .await;
    assert_eq!(
        emails(list.ok()),
        [new_user.as_str(), new_admin.as_str()],
        "{}",
        list.text
    );
    assert_eq!(list.json["total"], 2);
    assert!(!list.text.contains("token"), "{}", list.text);
    let first = &list.json["data"][0];
    assert_eq!(first["role"], "pbx_user");
    assert_eq!(first["invited_by"], t.user(Role::PbxAdmin).email.as_str());
    assert!(first["created_at"].as_str().unwrap() < first["expires_at"].as_str().unwrap());

    let list = api
        .call("GET", "/api/v1/users/invitations", Some(&admin), None)
        .await;
    assert_eq!(emails(list.ok()), [new_user.as_str()]);
}

/// Revoking kills the link at once (and is audited); resending replaces it with a new one; a PBX
/// admin cannot touch an invitation to a role above theirs; another organization's id is 404.
async fn revoked_and_resent_invitations_lose_their_old_link(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let other = api.tenant().await;
    let owner = t.token(&api.state, Role::Owner).await;
    let admin = t.token(&api.state, Role::PbxAdmin).await;
    let stranger = other.token(&api.state, Role::Owner).await;
    let accept = |token: &str| Some(json!({"token": token, "name": "Pat", "password": STRONG}));
    let (admin_token, admin_link) = stored(&api.state, t.org.id, Role::PbxAdmin).await;
    let (user_token, user_link) = stored(&api.state, t.org.id, Role::PbxUser).await;
    let one =
        |link: &AccountLink, suffix: &str| format!("/api/v1/users/invitations/{}{suffix}", link.id);

    api.call("DELETE", &one(&admin_link, ""), Some(&admin), None)
        .await
        .problem(403);
    api.call("POST", &one(&admin_link, "/resend"), Some(&admin), None)
        .await
        .problem(403);
    api.call("DELETE", &one(&admin_link, ""), Some(&stranger), None)
        .await
        .problem(404);
    api.call("POST", &one(&user_link, "/resend"), Some(&stranger), None)
        .await
        .problem(404);

    let revoked = api
        .call("DELETE", &one(&admin_link, ""), Some(&owner), None)
        .await;
    assert_eq!(revoked.status, 204, "{}", revoked.text);
    api.call(
        "POST",
        "/api/v1/auth/invitation",
        None,
        accept(&admin_token),
    )
    .await
    .problem(404);
    api.call("DELETE", &one(&admin_link, ""), Some(&owner), None)
        .await
        .problem(404);

    let resent = api
        .call("POST", &one(&user_link, "/resend"), Some(&admin), None)
        .await;
    assert_eq!(resent.status, 202, "{}", resent.text);
    assert_eq!(resent.json["email"], user_link.email.as_str());
    assert_ne!(resent.json["id"], user_link.id.to_string());
    api.call("POST", "/api/v1/auth/invitation", None, accept(&user_token))
        .await
        .problem(404);
    let mail = api
        .mails()
        .into_iter()
        .rfind(|m| m.to == user_link.email)
        .unwrap();
    let list = api
        .call("GET", "/api/v1/users/invitations", Some(&owner), None)
        .await;
    assert_eq!(emails(list.ok()), [user_link.email.as_str()]);
    let created = api
        .call(
            "POST",
            "/api/v1/auth/invitation",
            None,
            accept(&link_token(&mail.text)),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.json["user"]["role"], "pbx_user");
    let list = api
        .call("GET", "/api/v1/users/invitations", Some(&owner), None)
        .await;
    assert_eq!(list.ok()["total"], 0);

    let audit = api
        .state
        .store
        .list_audit(t.org.id, &AuditFilter::default(), PageRequest::new(1, 50))
        .await
        .unwrap();
    let invitations: Vec<(&str, Option<&str>)> = audit
        .items
        .iter()
        .filter(|e| e.object_type == "invitation")
        .map(|e| (e.action.as_str(), e.object_id.as_deref()))
        .collect();
    let (admin_id, user_id) = (admin_link.id.to_string(), user_link.id.to_string());
    assert_eq!(
        invitations,
        [
            ("resend", Some(user_id.as_str())),
            ("delete", Some(admin_id.as_str()))
        ]
    );
    let revoke = audit.items.iter().find(|e| e.action == "delete").unwrap();
    assert_eq!(revoke.actor_label, t.user(Role::Owner).email);
    assert_eq!(
        revoke.before.as_ref().unwrap()["email"],
        admin_link.email.as_str()
    );
}

opbx_tests::on_both_backends!(
    only_pending_invitations_are_listed,
    revoked_and_resent_invitations_lose_their_old_link,
);
