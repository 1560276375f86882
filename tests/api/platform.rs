//! api-platform: `/api/v1/platform/…`, the operators' API (issue 12).

use opbx::domain::model::Role;
use opbx::ports::platform::PlatformRepo;
use opbx::ports::store::PageRequest;
use opbx_tests::{Backend, unique};
use serde_json::json;

use crate::cases::{Access, Case, Prepared, prepare};
use crate::fixtures::{Api, PASSWORD, Reply, add_operator, operator_token};

pub fn cases() -> Vec<Case> {
    vec![
        Case::new(
            "POST",
            "/api/v1/platform/auth/login",
            Access::Public,
            |ctx| {
                prepare(async move {
                    let operator = add_operator(&ctx.state).await;
                    Prepared::at("/api/v1/platform/auth/login")
                        .body(json!({"email": operator.email, "password": PASSWORD}))
                })
            },
        ),
        Case::new(
            "POST",
            "/api/v1/platform/auth/logout",
            Access::Operator,
            |_| prepare(async { Prepared::at("/api/v1/platform/auth/logout") }),
        ),
        Case::new("GET", "/api/v1/platform/auth/me", Access::Operator, |ctx| {
            prepare(
                async move { Prepared::at("/api/v1/platform/auth/me").marker(&ctx.tenant.org.name) },
            )
        }),
        Case::new(
            "GET",
            "/api/v1/platform/organizations",
            Access::Operator,
            |ctx| {
                prepare(async move {
                    Prepared::at(format!(
                        "/api/v1/platform/organizations?q={}",
                        ctx.tenant.org.slug
                    ))
                    .marker(&ctx.tenant.org.name)
                })
            },
        ),
        Case::new(
            "POST",
            "/api/v1/platform/organizations",
            Access::Operator,
            |_| {
                prepare(async {
                    let id = unique();
                    Prepared::at("/api/v1/platform/organizations").body(json!({
                        "name": format!("New {id}"),
                        "timezone": "Europe/Paris",
                        "owner_email": format!("owner-{id}@example.com"),
                    }))
                })
            },
        ),
        Case::new(
            "GET",
            "/api/v1/platform/organizations/{id}",
            Access::Operator,
            |ctx| {
                prepare(async move {
                    Prepared::at(format!("/api/v1/platform/organizations/{}", ctx.org()))
                        .marker(&ctx.tenant.org.name)
                })
            },
        ),
        Case::new(
            "PATCH",
            "/api/v1/platform/organizations/{id}",
            Access::Operator,
            |ctx| {
                prepare(async move {
                    Prepared::at(format!("/api/v1/platform/organizations/{}", ctx.org()))
                        .body(json!({"timezone": "America/New_York"}))
                        .marker(&ctx.tenant.org.name)
                })
            },
        ),
        Case::new(
            "DELETE",
            "/api/v1/platform/organizations/{id}",
            Access::Operator,
            |ctx| {
                prepare(async move {
                    Prepared::at(format!("/api/v1/platform/organizations/{}", ctx.org()))
                        .marker(&ctx.tenant.org.name)
                })
            },
        ),
        Case::new(
            "POST",
            "/api/v1/platform/organizations/{id}/suspend",
            Access::Operator,
            |ctx| {
                prepare(async move {
                    Prepared::at(format!(
                        "/api/v1/platform/organizations/{}/suspend",
                        ctx.org()
                    ))
                    .marker(&ctx.tenant.org.name)
                })
            },
        ),
        Case::new(
            "POST",
            "/api/v1/platform/organizations/{id}/reactivate",
            Access::Operator,
            |ctx| {
                prepare(async move {
                    Prepared::at(format!(
                        "/api/v1/platform/organizations/{}/reactivate",
                        ctx.org()
                    ))
                    .marker(&ctx.tenant.org.name)
                })
            },
        ),
        Case::new(
            "POST",
            "/api/v1/platform/organizations/{id}/invitations",
            Access::Operator,
            |ctx| {
                prepare(async move {
                    Prepared::at(format!(
                        "/api/v1/platform/organizations/{}/invitations",
                        ctx.org()
                    ))
                    .body(json!({"email": format!("owner-{}@example.com", unique())}))
                    .marker(&ctx.tenant.org.name)
                })
            },
        ),
        Case::new(
            "GET",
            "/api/v1/platform/audit-log",
            Access::Operator,
            |ctx| {
                prepare(async move {
                    Prepared::at("/api/v1/platform/audit-log").marker(&ctx.tenant.org.name)
                })
            },
        ),
    ]
}

/// The token in a mailed link (`…#token=…`).
pub fn link_token(text: &str) -> String {
    let at = text.find("#token=").expect("a link with a token") + "#token=".len();
    text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

async fn login(api: &Api, email: &str, password: &str) -> Reply {
    api.call(
        "POST",
        "/api/v1/auth/login",
        None,
        Some(json!({"email": email, "password": password})),
    )
    .await
}

/// The lifecycle as an operator and a new owner live it: create → invitation mail → the owner
/// signs in to an empty organization → suspend (403 problem for the owner's token) →
/// reactivate → delete (retention shown) → purge removes it, and every step is audited.
async fn an_organization_lives_from_creation_to_purge(b: Backend) {
    let api = Api::new(b);
    let operator = add_operator(&api.state).await;
    let reply = api
        .call(
            "POST",
            "/api/v1/platform/auth/login",
            None,
            Some(json!({"email": operator.email.to_uppercase(), "password": PASSWORD})),
        )
        .await;
    let op = reply.ok()["token"].as_str().unwrap().to_owned();
    let id = unique();
    let owner_email = format!("owner-{id}@example.com");
    let created = api
        .call(
            "POST",
            "/api/v1/platform/organizations",
            Some(&op),
            Some(json!({
                "name": format!("Acme {id}"), "timezone": "Europe/Berlin",
                "owner_email": owner_email.to_uppercase(),
            })),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let org = created.json["organization"].clone();
    let org_id = org["id"].as_str().unwrap().to_owned();
    assert_eq!(org["status"], "active");
    assert_eq!(
        (org["users"].as_i64(), org["extensions"].as_i64()),
        (Some(0), Some(0))
    );
    assert_eq!(created.json["invitation"]["sent"], true);
    assert_eq!(created.json["invitation"]["role"], "owner");
    assert!(!created.text.contains("token"), "{}", created.text);

    let mail = api
        .mails()
        .into_iter()
        .rfind(|m| m.to == owner_email)
        .expect("the invitation was mailed to the owner");
    assert!(
        mail.subject.contains(&format!("Acme {id}")),
        "{}",
        mail.subject
    );
    assert!(
        mail.text
            .contains("https://app.opbx.test/invitation#token=")
    );
    assert!(
        mail.html
            .contains("https://app.opbx.test/invitation#token=")
    );
    let accepted = api
        .call(
            "POST",
            "/api/v1/auth/invitation",
            None,
            Some(json!({"token": link_token(&mail.text), "name": "Ann", "password": "lemon quartz harbour 42"})),
        )
        .await;
    assert_eq!(accepted.status, 201, "{}", accepted.text);
    assert_eq!(accepted.json["user"]["role"], "owner");
    let owner = login(&api, &owner_email, "lemon quartz harbour 42").await;
    let owner = owner.ok()["token"].as_str().unwrap().to_owned();
    let listed = api
        .call("GET", "/api/v1/extensions", Some(&owner), None)
        .await;
    assert_eq!(listed.ok()["total"], 0);

    let path = format!("/api/v1/platform/organizations/{org_id}");
    let suspended = api
        .call("POST", &format!("{path}/suspend"), Some(&op), None)
        .await;
    assert_eq!(suspended.ok()["status"], "suspended");
    let refused = api
        .call("GET", "/api/v1/extensions", Some(&owner), None)
        .await;
    refused.problem(403);
    assert_eq!(
        refused.json["type"],
        "urn:opbx:problem:organization-suspended"
    );
    login(&api, &owner_email, "lemon quartz harbour 42")
        .await
        .problem(403);

    let back = api
        .call("POST", &format!("{path}/reactivate"), Some(&op), None)
        .await;
    assert_eq!(back.ok()["status"], "active");
    assert_eq!(back.json["users"], 1);
    api.call("GET", "/api/v1/extensions", Some(&owner), None)
        .await
        .ok();

    let deleted = api.call("DELETE", &path, Some(&op), None).await;
    assert_eq!(deleted.ok()["status"], "deleted");
    assert!(deleted.json["purge_after"].is_string(), "{}", deleted.text);
    api.call("GET", "/api/v1/extensions", Some(&owner), None)
        .await
        .problem(403);
    api.call("PATCH", &path, Some(&op), Some(json!({"name": "X"})))
        .await
        .problem(409);

    // Past the retention (here: none), the purge removes it with everything it owned.
    // (The organizations' part of the purge job: the whole job would also clear other tests'
    // expired rows in the shared database.)
    let now = opbx::domain::now_ms();
    let purged = opbx::ports::platform::PlatformRepo::purge_deleted_organizations(
        &api.state.store,
        now + 1,
        now,
    )
    .await
    .unwrap();
    assert!(purged.iter().any(|p| p.to_string() == org_id));
    api.call("GET", &path, Some(&op), None).await.problem(404);
    api.call("GET", "/api/v1/extensions", Some(&owner), None)
        .await
        .problem(401);

    let actions: Vec<String> = api
        .state
        .store
        .list_platform_audit(PageRequest::new(1, 100))
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|e| e.organization_id.map(|o| o.to_string()) == Some(org_id.clone()))
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        [
            "purge_organization",
            "delete_organization",
            "reactivate_organization",
            "suspend_organization",
            "create_organization",
        ]
    );
}

/// An operator token opens no organization route, and an organization token no platform route.
async fn operator_and_organization_tokens_never_open_each_others_doors(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let op = operator_token(&api.state).await;
    api.call("GET", "/api/v1/auth/me", Some(&op), None)
        .await
        .problem(401);
    api.call("GET", "/api/v1/extensions", Some(&op), None)
        .await
        .problem(401);
    let owner = t.token(&api.state, Role::Owner).await;
    let reply = api
        .call("GET", "/api/v1/platform/organizations", Some(&owner), None)
        .await;
    reply.problem(403);
    api.call("POST", "/api/v1/platform/auth/logout", Some(&op), None)
        .await;
    api.call("GET", "/api/v1/platform/auth/me", Some(&op), None)
        .await
        .problem(401);
}

/// Operators see settings and counts: never a secret or a call's content.
async fn operators_see_counts_not_contents(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let op = operator_token(&api.state).await;
    let reply = api
        .call(
            "GET",
            &format!("/api/v1/platform/organizations/{}", t.org.id),
            Some(&op),
            None,
        )
        .await;
    let v = reply.ok();
    assert_eq!(v["users"], 4);
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut expected = [
        "id",
        "name",
        "slug",
        "timezone",
        "status",
        "users",
        "extensions",
        "phone_numbers",
        "last_call_at",
        "created_at",
        "deleted_at",
        "purge_after",
    ];
    expected.sort_unstable();
    assert_eq!(keys, expected);
}

async fn wrong_operator_passwords_get_one_answer_and_are_throttled(b: Backend) {
    let api = Api::new(b);
    let operator = add_operator(&api.state).await;
    let unknown = api
        .call(
            "POST",
            "/api/v1/platform/auth/login",
            None,
            Some(
                json!({"email": format!("nobody-{}@example.com", unique()), "password": PASSWORD}),
            ),
        )
        .await;
    unknown.problem(401);
    let wrong = api
        .call(
            "POST",
            "/api/v1/platform/auth/login",
            None,
            Some(json!({"email": operator.email, "password": "not the password"})),
        )
        .await;
    wrong.problem(401);
    assert_eq!(unknown.json["detail"], wrong.json["detail"]);
    let mut last = wrong;
    for _ in 0..10 {
        last = api
            .call(
                "POST",
                "/api/v1/platform/auth/login",
                None,
                Some(json!({"email": operator.email, "password": "not the password"})),
            )
            .await;
    }
    last.problem(429);
    assert!(last.header("retry-after").is_some());
}

async fn slugs_are_checked_and_unique(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let op = operator_token(&api.state).await;
    let body = |slug: &str| json!({"name": "Twin", "slug": slug, "timezone": "UTC", "owner_email": "a@example.com"});
    let taken = api
        .call(
            "POST",
            "/api/v1/platform/organizations",
            Some(&op),
            Some(body(&t.org.slug)),
        )
        .await;
    taken.problem(409);
    assert_eq!(taken.field_errors()[0].0, "slug");
    let bad = api
        .call(
            "POST",
            "/api/v1/platform/organizations",
            Some(&op),
            Some(body("Not A Slug")),
        )
        .await;
    bad.problem(422);
    assert_eq!(bad.field_errors()[0].0, "slug");
    let listed = api
        .call(
            "GET",
            "/api/v1/platform/organizations?status=nonsense",
            Some(&op),
            None,
        )
        .await;
    listed.problem(400);
}

opbx_tests::on_both_backends!(
    an_organization_lives_from_creation_to_purge,
    operator_and_organization_tokens_never_open_each_others_doors,
    operators_see_counts_not_contents,
    wrong_operator_passwords_get_one_answer_and_are_throttled,
    slugs_are_checked_and_unique,
);
