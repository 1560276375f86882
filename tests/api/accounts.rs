//! Invitations and password resets (issue 12.3): `POST /api/v1/users/invitations`,
//! `POST /api/v1/auth/invitation`, `POST /api/v1/auth/password-reset[/confirm]`.

use opbx::domain::accounts::LinkPurpose;
use opbx::domain::model::Role;
use opbx::http::api::account_links::new_link;
use opbx::ports::account_links::AccountLinkRepo;
use opbx::ports::audit_log::{AuditFilter, AuditLogRepo};
use opbx::ports::store::PageRequest;
use opbx_tests::{Backend, unique};
use serde_json::json;

use crate::cases::{ADMINS, Access, Case, Prepared, prepare};
use crate::fixtures::{Api, PASSWORD, add_user};
use crate::platform::link_token;

const STRONG: &str = "lemon quartz harbour 42";

pub fn cases() -> Vec<Case> {
    vec![
        Case::new(
            "POST",
            "/api/v1/users/invitations",
            Access::Roles(ADMINS),
            |_| {
                prepare(async {
                    Prepared::at("/api/v1/users/invitations").body(json!({
                        "email": format!("invited-{}@example.com", unique()),
                        "role": "reporter",
                    }))
                })
            },
        ),
        Case::new("POST", "/api/v1/auth/invitation", Access::Public, |ctx| {
            prepare(async move {
                let email = format!("invited-{}@example.com", unique());
                let (token, link) = new_link(
                    ctx.org(),
                    LinkPurpose::Invitation,
                    &email,
                    Some(Role::Reporter),
                );
                ctx.state
                    .store
                    .create_account_link(&link, &[])
                    .await
                    .unwrap();
                Prepared::at("/api/v1/auth/invitation")
                    .body(json!({"token": token, "name": "Invited", "password": STRONG}))
            })
        }),
        Case::new(
            "POST",
            "/api/v1/auth/password-reset",
            Access::Public,
            |ctx| {
                prepare(async move {
                    Prepared::at("/api/v1/auth/password-reset")
                        .body(json!({"email": ctx.user().email}))
                })
            },
        ),
        Case::new(
            "POST",
            "/api/v1/auth/password-reset/confirm",
            Access::Public,
            |ctx| {
                prepare(async move {
                    let user = add_user(&ctx.state, &ctx.tenant.org, Role::Reporter).await;
                    let (token, link) =
                        new_link(ctx.org(), LinkPurpose::PasswordReset, &user.email, None);
                    ctx.state
                        .store
                        .create_account_link(&link, &[])
                        .await
                        .unwrap();
                    Prepared::at("/api/v1/auth/password-reset/confirm")
                        .body(json!({"token": token, "password": STRONG}))
                })
            },
        ),
    ]
}

/// An admin invites by email with the role rules of user creation; the link works once, for
/// its own purpose only, and not after it expires.
async fn invitations_work_once_and_follow_the_role_rules(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let admin = t.token(&api.state, Role::PbxAdmin).await;
    let invite = |email: &str, role: &str| json!({"email": email, "role": role});
    api.call(
        "POST",
        "/api/v1/users/invitations",
        Some(&admin),
        Some(invite("boss@example.com", "owner")),
    )
    .await
    .problem(403);
    let taken = api
        .call(
            "POST",
            "/api/v1/users/invitations",
            Some(&admin),
            Some(invite(&t.user(Role::Reporter).email, "reporter")),
        )
        .await;
    taken.problem(409);
    assert_eq!(taken.field_errors()[0].0, "email");

    let email = format!("new-{}@example.com", unique());
    let reply = api
        .call(
            "POST",
            "/api/v1/users/invitations",
            Some(&admin),
            Some(invite(&email, "pbx_user")),
        )
        .await;
    assert_eq!(reply.status, 202, "{}", reply.text);
    assert!(!reply.text.contains("token"), "{}", reply.text);
    let mail = api.mails().into_iter().rfind(|m| m.to == email).unwrap();
    let token = link_token(&mail.text);

    // A reset link's token does not accept an invitation.
    let accept = |token: &str| json!({"token": token, "name": "Pat", "password": STRONG});
    let (reset_token, reset) = new_link(t.org.id, LinkPurpose::PasswordReset, &email, None);
    api.state
        .store
        .create_account_link(&reset, &[])
        .await
        .unwrap();
    api.call(
        "POST",
        "/api/v1/auth/invitation",
        None,
        Some(accept(&reset_token)),
    )
    .await
    .problem(404);
    // A weak password is refused without spending the link.
    let weak = api
        .call(
            "POST",
            "/api/v1/auth/invitation",
            None,
            Some(json!({"token": token, "name": "Pat", "password": "password1"})),
        )
        .await;
    weak.problem(422);
    let created = api
        .call(
            "POST",
            "/api/v1/auth/invitation",
            None,
            Some(accept(&token)),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.json["user"]["role"], "pbx_user");
    assert_eq!(created.json["user"]["email"], email.as_str());
    assert_eq!(created.json["organization"]["id"], t.org.id.to_string());
    api.call(
        "POST",
        "/api/v1/auth/invitation",
        None,
        Some(accept(&token)),
    )
    .await
    .problem(404);

    let (expired_token, mut expired) = new_link(
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
    api.call(
        "POST",
        "/api/v1/auth/invitation",
        None,
        Some(accept(&expired_token)),
    )
    .await
    .problem(404);
    api.call(
        "POST",
        "/api/v1/auth/invitation",
        None,
        Some(accept("nonsense")),
    )
    .await
    .problem(404);

    let audit = api
        .state
        .store
        .list_audit(t.org.id, &AuditFilter::default(), PageRequest::new(1, 50))
        .await
        .unwrap();
    let actions: Vec<&str> = audit.items.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions[..2], ["create", "invite"], "{actions:?}");
}

/// "Forgot password" answers the same either way, mails only real accounts, and the link sets
/// a new password once, ending every session.
async fn password_reset_is_blind_single_use_and_signs_out(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let user = t.user(Role::PbxUser).clone();
    let old_session = t.token(&api.state, Role::PbxUser).await;
    let ask = |email: &str| json!({"email": email});
    let known = api
        .call(
            "POST",
            "/api/v1/auth/password-reset",
            None,
            Some(ask(&user.email.to_uppercase())),
        )
        .await;
    let unknown = api
        .call(
            "POST",
            "/api/v1/auth/password-reset",
            None,
            Some(ask(&format!("nobody-{}@example.com", unique()))),
        )
        .await;
    assert_eq!((known.status.as_u16(), unknown.status.as_u16()), (202, 202));
    assert_eq!(known.text, unknown.text);
    let mails: Vec<_> = api.mails();
    assert_eq!(mails.len(), 1, "{mails:?}");
    let mail = &mails[0];
    assert_eq!(mail.to, user.email);
    assert!(
        mail.text
            .contains("https://app.opbx.test/reset-password#token=")
    );
    let token = link_token(&mail.text);

    let confirm = |password: &str| json!({"token": token, "password": password});
    api.call(
        "POST",
        "/api/v1/auth/password-reset/confirm",
        None,
        Some(confirm("short")),
    )
    .await
    .problem(422);
    let done = api
        .call(
            "POST",
            "/api/v1/auth/password-reset/confirm",
            None,
            Some(confirm(STRONG)),
        )
        .await;
    assert_eq!(done.status, 204, "{}", done.text);
    api.call("GET", "/api/v1/auth/me", Some(&old_session), None)
        .await
        .problem(401);
    let login = |password: &str| json!({"email": user.email, "password": password});
    api.call("POST", "/api/v1/auth/login", None, Some(login(PASSWORD)))
        .await
        .problem(401);
    api.call("POST", "/api/v1/auth/login", None, Some(login(STRONG)))
        .await
        .ok();
    api.call(
        "POST",
        "/api/v1/auth/password-reset/confirm",
        None,
        Some(confirm("another strong one 7")),
    )
    .await
    .problem(404);

    // Throttled like sign-ins, so nobody's mailbox can be flooded.
    let mut last = known;
    for _ in 0..10 {
        last = api
            .call(
                "POST",
                "/api/v1/auth/password-reset",
                None,
                Some(ask(&user.email)),
            )
            .await;
    }
    last.problem(429);
}

/// A link of one organization never acts in another.
async fn a_reset_link_acts_only_in_its_own_organization(b: Backend) {
    let api = Api::new(b);
    let a = api.tenant().await;
    let other = api.tenant().await;
    // The link names tenant B's user but was issued in tenant A.
    let victim = other.user(Role::Owner).clone();
    let (token, link) = new_link(a.org.id, LinkPurpose::PasswordReset, &victim.email, None);
    api.state
        .store
        .create_account_link(&link, &[])
        .await
        .unwrap();
    api.call(
        "POST",
        "/api/v1/auth/password-reset/confirm",
        None,
        Some(json!({"token": token, "password": STRONG})),
    )
    .await
    .problem(404);
    api.call(
        "POST",
        "/api/v1/auth/login",
        None,
        Some(json!({"email": victim.email, "password": PASSWORD})),
    )
    .await
    .ok();
}

opbx_tests::on_both_backends!(
    invitations_work_once_and_follow_the_role_rules,
    password_reset_is_blind_single_use_and_signs_out,
    a_reset_link_acts_only_in_its_own_organization,
);
