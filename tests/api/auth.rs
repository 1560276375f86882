//! api-auth: login, logout, me, profile.

use axum::http::header;
use opbx::crypto::{random_token, sha256_hex};
use opbx::domain::ids::TokenId;
use opbx::domain::model::{ApiToken, OrgStatus, Role, Status};
use opbx::domain::now_ms;
use opbx::http::api::sign_in_throttle::{
    ACCOUNT_CEILING, FAILURES_PER_ACCOUNT_AND_ADDRESS, FAILURES_PER_ADDRESS,
    FAILURES_PER_ADDRESS_UNDER_ATTACK, SIGN_IN_WINDOW,
};
use opbx::ports::audit_log::{AuditFilter, AuditLogRepo};
use opbx::ports::organizations::OrganizationRepo;
use opbx::ports::store::{PageRequest, StoreError};
use opbx::ports::users::{ApiTokenRepo, UserRepo};
use opbx_tests::Backend;
use serde_json::{Value, json};

use crate::cases::{Access, Case, EVERYONE, Prepared, prepare};
use crate::fixtures::{Api, PASSWORD, Reply, add_operator, add_user, request, send, token_for};

pub fn cases() -> Vec<Case> {
    vec![
        Case::new("POST", "/api/v1/auth/login", Access::Public, |ctx| {
            prepare(async move {
                Prepared::at("/api/v1/auth/login")
                    .body(json!({"email": ctx.user().email, "password": PASSWORD}))
            })
        }),
        Case::new(
            "POST",
            "/api/v1/auth/logout",
            Access::Roles(EVERYONE),
            |_| prepare(async { Prepared::at("/api/v1/auth/logout") }),
        ),
        Case::new("GET", "/api/v1/auth/me", Access::Roles(EVERYONE), |ctx| {
            prepare(async move { Prepared::at("/api/v1/auth/me").marker(&ctx.user().email) })
        }),
        Case::new("GET", "/api/v1/profile", Access::Roles(EVERYONE), |ctx| {
            prepare(async move { Prepared::at("/api/v1/profile").marker(&ctx.user().email) })
        }),
        Case::new("PATCH", "/api/v1/profile", Access::Roles(EVERYONE), |ctx| {
            prepare(async move {
                Prepared::at("/api/v1/profile")
                    .body(json!({"name": "Renamed"}))
                    .marker(&ctx.user().email)
            })
        }),
        Case::new("GET", "/api/v1/openapi.json", Access::Public, |_| {
            prepare(async { Prepared::at("/api/v1/openapi.json") })
        }),
    ]
}

/// A login from a client at `ip`, connected directly.
async fn login(api: &Api, body: Value, ip: &str) -> Reply {
    login_via(api, body, &format!("{ip}:50000"), None).await
}

/// A login whose socket peer is `peer`, with an `X-Forwarded-For` header when given.
async fn login_via(api: &Api, body: Value, peer: &str, forwarded: Option<&str>) -> Reply {
    post_from(api, "/api/v1/auth/login", body, peer, forwarded).await
}

async fn post_from(
    api: &Api,
    path: &str,
    body: Value,
    peer: &str,
    forwarded: Option<&str>,
) -> Reply {
    let mut req = request("POST", path, None, Some(body));
    let peer: std::net::SocketAddr = peer.parse().unwrap();
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(peer));
    if let Some(hops) = forwarded {
        req.headers_mut()
            .insert("x-forwarded-for", hops.parse().unwrap());
    }
    send(&api.app, req).await
}

/// 18.8: a client talking to `opbx-local` directly (here from the same host, as a reverse proxy
/// would) cannot pick its address with `X-Forwarded-For` unless `OPBX_TRUSTED_PROXIES` names
/// that peer.
async fn forwarded_for_counts_only_from_a_trusted_proxy(b: Backend) {
    let api = Api::new(b);
    let body =
        |i: u64| json!({"email": format!("nobody-{i}@example.com"), "password": "wrong password"});
    let mut refused = 0;
    for i in 0..FAILURES_PER_ADDRESS + 5 {
        let forged = format!("198.51.100.{}", i + 1);
        let r = login_via(&api, body(i), "127.0.0.1:40000", Some(&forged)).await;
        if r.status == 429 {
            refused += 1;
        }
    }
    assert_eq!(refused, 5, "the peer's own address is what gets throttled");

    let behind_proxy = Api::with_state(Backend::embedded().await, |s| {
        s.trusted_proxies =
            std::sync::Arc::new(opbx::config::TrustedProxies::parse("127.0.0.1").unwrap())
    });
    let t = behind_proxy.tenant().await;
    let ann = t.user(Role::PbxUser);
    login_via(
        &behind_proxy,
        json!({"email": ann.email, "password": PASSWORD}),
        "127.0.0.1:40000",
        Some("6.6.6.6, 198.51.100.7"),
    )
    .await
    .ok();
    let audit = logins(&behind_proxy, t.org.id).await;
    assert_eq!(audit.items[0].source_ip.as_deref(), Some("198.51.100.7"));
}

/// The organization's audited logins.
async fn logins(
    api: &Api,
    org: opbx::domain::ids::OrgId,
) -> opbx::ports::store::Page<opbx::domain::model::AuditEntry> {
    api.state
        .store
        .list_audit(
            org,
            &AuditFilter {
                action: Some("login".into()),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap()
}

async fn login_gives_a_working_token_stored_only_as_its_hash(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let ann = t.user(Role::PbxUser);
    let reply = login(
        &api,
        json!({"email": ann.email.to_uppercase(), "password": PASSWORD}),
        "198.51.100.7",
    )
    .await;
    let body = reply.ok();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["user"]["id"], ann.id.to_string());
    assert_eq!(body["user"]["role"], "pbx_user");
    assert!(body["user"].get("password_hash").is_none());
    assert_eq!(body["organization"]["slug"], t.org.slug);
    assert!(body["expires_at"].as_str().unwrap().ends_with('Z'));
    let token = body["token"].as_str().unwrap();
    assert_eq!(token.len(), 43, "256 random bits, base64url");

    let stored = api
        .state
        .store
        .find_api_token_by_hash(&sha256_hex(token))
        .await
        .unwrap();
    assert_eq!(stored.user_id, ann.id);
    assert!(matches!(
        api.state.store.find_api_token_by_hash(token).await,
        Err(StoreError::NotFound)
    ));

    let me = api.call("GET", "/api/v1/auth/me", Some(token), None).await;
    assert_eq!(me.ok()["user"]["email"], ann.email);
    assert_eq!(me.json["organization"]["id"], t.org.id.to_string());

    let audit = logins(&api, t.org.id).await;
    assert_eq!(audit.total, 1);
    let entry = &audit.items[0];
    assert_eq!(entry.actor_user_id, Some(ann.id));
    assert_eq!(entry.actor_label, ann.email);
    assert_eq!(entry.source_ip.as_deref(), Some("198.51.100.7"));
    assert_eq!(entry.object_id, Some(stored.id.to_string()));
}

async fn unknown_email_and_wrong_password_get_the_same_answer(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let owner = &t.user(Role::Owner).email;
    let wrong = login(
        &api,
        json!({"email": owner, "password": "not it at all"}),
        "192.0.2.1",
    )
    .await;
    let unknown = login(
        &api,
        json!({"email": "nobody@example.com", "password": PASSWORD}),
        "192.0.2.1",
    )
    .await;
    wrong.problem(401);
    assert_eq!(wrong.status, unknown.status);
    // Alike but for the request each names as its `instance`, which says nothing of the account.
    let without_instance = |mut problem: serde_json::Value| {
        problem.as_object_mut().unwrap().remove("instance");
        problem
    };
    assert_eq!(
        without_instance(wrong.json.clone()),
        without_instance(unknown.json.clone())
    );
    assert_eq!(
        wrong.header("www-authenticate"),
        Some("Bearer realm=\"opbx\"")
    );
}

/// A sign-in door: organization users' or platform operators'.
#[derive(Clone, Copy)]
enum Door {
    Organization,
    Platform,
}

impl Door {
    fn path(self) -> &'static str {
        match self {
            Door::Organization => "/api/v1/auth/login",
            Door::Platform => "/api/v1/platform/auth/login",
        }
    }

    /// An account behind this door (its password is [`PASSWORD`]).
    async fn account(self, api: &Api) -> String {
        match self {
            Door::Organization => api.tenant().await.user(Role::Reporter).email.clone(),
            Door::Platform => add_operator(&api.state).await.email,
        }
    }

    async fn sign_in(self, api: &Api, email: &str, password: &str, ip: &str) -> Reply {
        let body = json!({"email": email, "password": password});
        post_from(api, self.path(), body, &format!("{ip}:50000"), None).await
    }
}

/// An attacker guessing from one address is stopped there; the owner, elsewhere, signs in; one
/// address trying many accounts runs out too.
async fn one_address_guessing_is_stopped_without_locking_out_the_owner(api: Api, door: Door) {
    let owner = door.account(&api).await;
    for _ in 0..FAILURES_PER_ACCOUNT_AND_ADDRESS {
        door.sign_in(&api, &owner, "wrong guess", "192.0.2.66")
            .await
            .problem(401);
    }
    let stopped = door
        .sign_in(&api, &owner, "wrong guess", "192.0.2.66")
        .await;
    stopped.problem(429);
    let wait: u64 = stopped.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=SIGN_IN_WINDOW.as_secs()).contains(&wait), "{wait}");
    // Even the right password: that address is spent for that account.
    door.sign_in(&api, &owner, PASSWORD, "192.0.2.66")
        .await
        .problem(429);

    // The owner, from their own address, is not locked out; nor is another account there.
    door.sign_in(&api, &owner, PASSWORD, "203.0.113.10")
        .await
        .ok();
    let colleague = door.account(&api).await;
    door.sign_in(&api, &colleague, PASSWORD, "192.0.2.66")
        .await
        .ok();

    // One address trying many accounts (password spraying) runs out for every account.
    let sprayer = "198.51.100.99";
    for i in 0..FAILURES_PER_ADDRESS {
        door.sign_in(&api, &format!("guess{i}@example.com"), "x", sprayer)
            .await
            .problem(401);
    }
    door.sign_in(&api, &colleague, PASSWORD, sprayer)
        .await
        .problem(429);
}

/// Guesses from many addresses: past the account's ceiling every address gets only a couple, and
/// the owner's right password from a clean address still works.
async fn many_addresses_guessing_are_slowed_and_the_owner_still_signs_in(api: Api, door: Door) {
    let owner = door.account(&api).await;
    let addresses = 12;
    let (mut guesses, mut refused) = (0, 0);
    for a in 0..addresses {
        for _ in 0..FAILURES_PER_ACCOUNT_AND_ADDRESS {
            let r = door
                .sign_in(&api, &owner, "wrong guess", &format!("198.51.100.{a}"))
                .await;
            match r.status.as_u16() {
                401 => guesses += 1,
                429 => refused += 1,
                other => panic!("{other}: {}", r.text),
            }
        }
    }
    // Full allowance until the ceiling, then a couple per address.
    let at_full = ACCOUNT_CEILING / FAILURES_PER_ACCOUNT_AND_ADDRESS;
    let expected = ACCOUNT_CEILING + (addresses - at_full) * FAILURES_PER_ADDRESS_UNDER_ATTACK;
    assert_eq!(guesses, expected);
    assert_eq!(
        refused,
        addresses * FAILURES_PER_ACCOUNT_AND_ADDRESS - expected
    );

    // The owner, from a clean address, mid-attack.
    door.sign_in(&api, &owner, PASSWORD, "203.0.113.20")
        .await
        .ok();
    door.sign_in(&api, &owner, PASSWORD, "203.0.113.20")
        .await
        .ok();
}

/// Successful sign-ins count nowhere: well past every limit, from one address, after a few
/// typos; the failures still count exactly.
async fn successful_sign_ins_never_count(api: Api, door: Door) {
    let owner = door.account(&api).await;
    let ip = "192.0.2.77";
    for _ in 1..FAILURES_PER_ACCOUNT_AND_ADDRESS {
        door.sign_in(&api, &owner, "typo", ip).await.problem(401);
    }
    for _ in 0..FAILURES_PER_ADDRESS + 5 {
        door.sign_in(&api, &owner, PASSWORD, ip).await.ok();
    }
    door.sign_in(&api, &owner, "typo", ip).await.problem(401);
    door.sign_in(&api, &owner, "typo", ip).await.problem(429);
}

async fn login_throttling_stops_one_address_not_the_owner(b: Backend) {
    one_address_guessing_is_stopped_without_locking_out_the_owner(Api::new(b), Door::Organization)
        .await
}

async fn login_throttling_slows_many_addresses_not_the_owner(b: Backend) {
    many_addresses_guessing_are_slowed_and_the_owner_still_signs_in(Api::new(b), Door::Organization)
        .await
}

async fn login_counts_no_successful_sign_in(b: Backend) {
    successful_sign_ins_never_count(Api::new(b), Door::Organization).await
}

async fn operator_login_throttling_stops_one_address_not_the_operator(b: Backend) {
    one_address_guessing_is_stopped_without_locking_out_the_owner(Api::new(b), Door::Platform).await
}

async fn operator_login_throttling_slows_many_addresses_not_the_operator(b: Backend) {
    many_addresses_guessing_are_slowed_and_the_owner_still_signs_in(Api::new(b), Door::Platform)
        .await
}

async fn operator_login_counts_no_successful_sign_in(b: Backend) {
    successful_sign_ins_never_count(Api::new(b), Door::Platform).await
}

async fn an_email_in_several_organizations_logs_into_the_one_whose_password_matches(b: Backend) {
    let api = Api::new(b);
    let first = api.tenant().await;
    let second = api.tenant().await;
    let email = first.user(Role::PbxUser).email.clone();
    let mut twin = add_user(&api.state, &second.org, Role::Owner).await;
    twin.email = email.clone();
    api.state
        .store
        .update_user(
            &twin,
            &[opbx_tests::model::setup_audit(twin.organization_id, "user")],
        )
        .await
        .unwrap();

    // Same password in both: the caller must say which organization.
    let both = login(
        &api,
        json!({"email": email, "password": PASSWORD}),
        "192.0.2.5",
    )
    .await;
    both.problem(409);
    let detail = both.json["detail"].as_str().unwrap();
    assert!(
        detail.contains(&first.org.slug) && detail.contains(&second.org.slug),
        "{detail}"
    );
    // Machine-readable too, so a sign-in screen can offer the choice.
    let mut offered: Vec<(String, String)> = both.json["organizations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["slug"].as_str().unwrap().into(),
                o["name"].as_str().unwrap().into(),
            )
        })
        .collect();
    offered.sort();
    let mut expected = vec![
        (first.org.slug.clone(), first.org.name.clone()),
        (second.org.slug.clone(), second.org.name.clone()),
    ];
    expected.sort();
    assert_eq!(offered, expected);
    let chosen = login(
        &api,
        json!({"email": email, "password": PASSWORD, "organization": second.org.slug}),
        "192.0.2.5",
    )
    .await;
    assert_eq!(chosen.ok()["user"]["id"], twin.id.to_string());
    assert_eq!(chosen.json["user"]["role"], "owner");

    // A different password in one: that one, without naming it.
    twin.password_hash = opbx::crypto::hash_password("another long passphrase").unwrap();
    api.state
        .store
        .update_user(
            &twin,
            &[opbx_tests::model::setup_audit(twin.organization_id, "user")],
        )
        .await
        .unwrap();
    let only = login(
        &api,
        json!({"email": email, "password": "another long passphrase"}),
        "192.0.2.5",
    )
    .await;
    assert_eq!(only.ok()["organization"]["slug"], second.org.slug);
    // An organization the account is not in is just wrong credentials.
    login(
        &api,
        json!({"email": email, "password": "another long passphrase", "organization": first.org.slug}),
        "192.0.2.5",
    )
    .await
    .problem(401);
}

async fn deactivated_users_and_suspended_organizations_cannot_log_in(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let mut user = t.user(Role::PbxAdmin).clone();
    let token = token_for(&api.state, &user).await;
    user.status = Status::Inactive;
    api.state
        .store
        .update_user(
            &user,
            &[opbx_tests::model::setup_audit(user.organization_id, "user")],
        )
        .await
        .unwrap();

    let body = json!({"email": user.email, "password": PASSWORD});
    login(&api, body.clone(), "192.0.2.8").await.problem(403);
    // Without the password, nothing is revealed about the account.
    login(
        &api,
        json!({"email": user.email, "password": "guess"}),
        "192.0.2.8",
    )
    .await
    .problem(401);
    // Existing tokens stop working at once.
    api.call("GET", "/api/v1/auth/me", Some(&token), None)
        .await
        .problem(401);

    let owner_token = t.token(&api.state, Role::Owner).await;
    let mut org = t.org.clone();
    org.status = OrgStatus::Suspended;
    let audit = opbx_tests::model::setup_audit(org.id, "organization");
    api.state
        .store
        .update_organization(&org, &audit)
        .await
        .unwrap();
    api.call("GET", "/api/v1/auth/me", Some(&owner_token), None)
        .await
        .problem(403);
    login(
        &api,
        json!({"email": t.user(Role::Owner).email, "password": PASSWORD}),
        "192.0.2.8",
    )
    .await
    .problem(403);
}

async fn logout_revokes_the_token_at_once(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let token = t.token(&api.state, Role::Reporter).await;
    let other = t.token(&api.state, Role::Reporter).await;
    let reply = api
        .call("POST", "/api/v1/auth/logout", Some(&token), None)
        .await;
    assert_eq!(reply.status, 204, "{}", reply.text);
    // Every function checks the store on each request; a second function's router sees it too.
    for router in [
        api.app.clone(),
        opbx::http::api::auth::router(api.state.clone()),
    ] {
        send(
            &router,
            request("GET", "/api/v1/profile", Some(&token), None),
        )
        .await
        .problem(401);
    }
    api.call("GET", "/api/v1/auth/me", Some(&other), None)
        .await
        .ok();
}

async fn bad_credentials_headers_are_401_with_no_detail_of_why(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let user = t.user(Role::Owner);
    let revoked = {
        let token = token_for(&api.state, user).await;
        let row = api
            .state
            .store
            .find_api_token_by_hash(&sha256_hex(&token))
            .await
            .unwrap();
        api.state
            .store
            .revoke_api_token(t.org.id, row.id, now_ms(), &[])
            .await
            .unwrap();
        token
    };
    let expired = random_token();
    api.state
        .store
        .create_api_token(
            &ApiToken {
                id: TokenId::new(),
                organization_id: t.org.id,
                user_id: user.id,
                token_hash: sha256_hex(&expired),
                created_at: now_ms() - 7_200_000,
                expires_at: now_ms() - 1,
                revoked_at: None,
            },
            &[],
        )
        .await
        .unwrap();
    for auth in [
        None,
        Some("Basic dXNlcjpwYXNz".to_owned()),
        Some("Bearer".to_owned()),
        Some("Bearer not-a-token".to_owned()),
        Some(format!("Bearer {}", "x".repeat(5000))),
        Some(format!("Bearer {revoked}")),
        Some(format!("bearer {expired}")),
    ] {
        let mut req = request("GET", "/api/v1/auth/me", None, None);
        if let Some(auth) = &auth {
            req.headers_mut()
                .insert(header::AUTHORIZATION, auth.parse().unwrap());
        }
        let reply = send(&api.app, req).await;
        reply.problem(401);
        assert!(
            !reply.text.contains(&user.email),
            "{auth:?}: {}",
            reply.text
        );
    }
}

async fn profile_changes_name_and_password_with_the_current_one(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let user = t.user(Role::PbxUser).clone();
    let token = t.token(&api.state, Role::PbxUser).await;
    let elsewhere = t.token(&api.state, Role::PbxUser).await;
    let patch = |body: Value| api.call("PATCH", "/api/v1/profile", Some(&token), Some(body));

    let renamed = patch(json!({"name": "  Ann Smith "})).await;
    assert_eq!(renamed.ok()["name"], "Ann Smith");
    assert_eq!(
        api.call("GET", "/api/v1/profile", Some(&token), None)
            .await
            .ok()["name"],
        "Ann Smith"
    );

    let r = patch(json!({"name": "", "new_password": "a much better passphrase"})).await;
    r.problem(422);
    assert_eq!(
        r.field_errors(),
        [
            ("name".into(), "must not be empty".into()),
            (
                "current_password".into(),
                "is required to change the password".into()
            )
        ]
    );
    let r = patch(json!({"current_password": "wrong", "new_password": "a much better passphrase"}))
        .await;
    assert_eq!(
        r.problem(409).field_errors(),
        [(
            "current_password".into(),
            "is not your current password".into()
        )]
    );
    let r = patch(json!({"current_password": PASSWORD, "new_password": "password1"})).await;
    assert_eq!(r.problem(422).field_errors()[0].0, "new_password");
    let r = patch(json!({"email": "new@example.com"})).await;
    assert_eq!(r.problem(422).field_errors()[0].0, "email");
    // Nothing was changed by the refused requests.
    api.call("GET", "/api/v1/auth/me", Some(&elsewhere), None)
        .await
        .ok();

    patch(json!({"current_password": PASSWORD, "new_password": "a much better passphrase"}))
        .await
        .ok();
    api.call("GET", "/api/v1/auth/me", Some(&token), None)
        .await
        .ok();
    api.call("GET", "/api/v1/auth/me", Some(&elsewhere), None)
        .await
        .problem(401);
    login(
        &api,
        json!({"email": user.email, "password": PASSWORD}),
        "192.0.2.30",
    )
    .await
    .problem(401);
    login(
        &api,
        json!({"email": user.email, "password": "a much better passphrase"}),
        "192.0.2.30",
    )
    .await
    .ok();

    let audit = api
        .state
        .store
        .list_audit(
            t.org.id,
            &AuditFilter {
                object_id: Some(user.id.to_string()),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
    let actions: Vec<&str> = audit.items.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["change_password", "update", "update"]);
    let rename = &audit.items[2];
    assert_eq!(rename.before.as_ref().unwrap()["name"], "pbx_user user");
    assert_eq!(rename.after.as_ref().unwrap()["name"], "Ann Smith");
    let all = serde_json::to_string(&audit.items).unwrap();
    assert!(
        !all.contains("argon2") && !all.contains("passphrase"),
        "{all}"
    );
}

opbx_tests::on_both_backends!(
    forwarded_for_counts_only_from_a_trusted_proxy,
    login_gives_a_working_token_stored_only_as_its_hash,
    unknown_email_and_wrong_password_get_the_same_answer,
    login_throttling_stops_one_address_not_the_owner,
    login_throttling_slows_many_addresses_not_the_owner,
    login_counts_no_successful_sign_in,
    operator_login_throttling_stops_one_address_not_the_operator,
    operator_login_throttling_slows_many_addresses_not_the_operator,
    operator_login_counts_no_successful_sign_in,
    an_email_in_several_organizations_logs_into_the_one_whose_password_matches,
    deactivated_users_and_suspended_organizations_cannot_log_in,
    logout_revokes_the_token_at_once,
    bad_credentials_headers_are_401_with_no_detail_of_why,
    profile_changes_name_and_password_with_the_current_one,
);
