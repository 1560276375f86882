//! api-users: `/api/v1/users`.

use opbx::domain::model::{Role, Status};
use opbx::ports::audit_log::{AuditFilter, AuditLogRepo};
use opbx::ports::store::PageRequest;
use opbx::ports::users::UserRepo;
use opbx_tests::{Backend, unique};
use serde_json::{Value, json};

use crate::cases::{ADMINS, Access, Case, Ctx, Prepared, prepare};
use crate::fixtures::{Api, PASSWORD, Reply, Tenant, add_user};

const STRONG: &str = "lemon quartz harbour 42";

/// A reporter in the row's tenant, to read, change or delete.
async fn target(ctx: &Ctx) -> opbx::domain::model::User {
    let org = ctx.tenant.org.clone();
    add_user(&ctx.state, &org, Role::Reporter).await
}

pub fn cases() -> Vec<Case> {
    vec![
        Case::new("GET", "/api/v1/users", Access::Roles(ADMINS), |ctx| {
            prepare(async move { Prepared::at("/api/v1/users").marker(&ctx.user().email) })
        }),
        Case::new("POST", "/api/v1/users", Access::Roles(ADMINS), |_| {
            prepare(async {
                Prepared::at("/api/v1/users").body(json!({
                    "email": format!("new-{}@example.com", unique()),
                    "name": "New Person",
                    "password": STRONG,
                    "role": "reporter",
                }))
            })
        }),
        Case::new("GET", "/api/v1/users/{id}", Access::Roles(ADMINS), |ctx| {
            prepare(async move {
                let u = target(&ctx).await;
                Prepared::at(format!("/api/v1/users/{}", u.id)).marker(u.email)
            })
        }),
        Case::new(
            "PATCH",
            "/api/v1/users/{id}",
            Access::Roles(ADMINS),
            |ctx| {
                prepare(async move {
                    let u = target(&ctx).await;
                    Prepared::at(format!("/api/v1/users/{}", u.id))
                        .body(json!({"name": "Changed"}))
                        .marker(u.email)
                })
            },
        ),
        Case::new(
            "DELETE",
            "/api/v1/users/{id}",
            Access::Roles(ADMINS),
            |ctx| {
                prepare(async move {
                    let u = target(&ctx).await;
                    Prepared::at(format!("/api/v1/users/{}", u.id)).marker(u.email)
                })
            },
        ),
    ]
}

struct Session<'a> {
    api: &'a Api,
    token: String,
}

impl<'a> Session<'a> {
    async fn as_role(api: &'a Api, t: &Tenant, role: Role) -> Self {
        Session {
            api,
            token: t.token(&api.state, role).await,
        }
    }

    async fn call(&self, method: &str, uri: &str, body: Option<Value>) -> Reply {
        self.api.call(method, uri, Some(&self.token), body).await
    }

    async fn create(&self, email: &str, role: &str) -> Reply {
        self.call(
            "POST",
            "/api/v1/users",
            Some(json!({"email": email, "name": "Someone", "password": STRONG, "role": role})),
        )
        .await
    }

    async fn patch(&self, id: impl std::fmt::Display, body: Value) -> Reply {
        self.call("PATCH", &format!("/api/v1/users/{id}"), Some(body))
            .await
    }

    async fn delete(&self, id: impl std::fmt::Display) -> Reply {
        self.call("DELETE", &format!("/api/v1/users/{id}"), None)
            .await
    }
}

async fn admins_create_users_who_can_then_log_in(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let admin = Session::as_role(&api, &t, Role::PbxAdmin).await;
    // Unique: the production test database keeps earlier runs' organizations.
    let email = format!("zoe-{}@example.com", unique());
    let created = admin
        .create(&format!(" {} ", email.to_uppercase()), "pbx_user")
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.json["email"], email.as_str());
    assert_eq!(created.json["role"], "pbx_user");
    assert_eq!(created.json["status"], "active");
    assert!(created.json.get("password").is_none() && created.json.get("password_hash").is_none());
    let id = created.json["id"].as_str().unwrap().to_owned();

    let got = admin
        .call("GET", &format!("/api/v1/users/{id}"), None)
        .await;
    assert_eq!(got.ok(), &created.json);
    let login = api
        .call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"email": email, "password": STRONG})),
        )
        .await;
    assert_eq!(login.ok()["user"]["id"], id.as_str());

    // Emails are unique within the organization, ignoring case.
    admin
        .create(&email.replace("zoe", "ZOE"), "reporter")
        .await
        .problem(409);

    let audit = api
        .state
        .store
        .list_audit(
            t.org.id,
            &AuditFilter {
                object_id: Some(id.clone()),
                action: Some("create".into()),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
    let entry = &audit.items[0];
    assert_eq!(entry.actor_user_id, Some(t.user(Role::PbxAdmin).id));
    assert_eq!(entry.object_type, "user");
    assert_eq!(entry.after.as_ref().unwrap()["email"], email.as_str());
    assert!(!serde_json::to_string(entry).unwrap().contains("argon2"));
}

async fn invalid_users_are_refused_naming_every_field(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let owner = Session::as_role(&api, &t, Role::Owner).await;
    let r = owner
        .call(
            "POST",
            "/api/v1/users",
            Some(json!({"email": "not-an-email", "name": " ", "password": "short", "role": "reporter"})),
        )
        .await;
    let fields: Vec<String> = r
        .problem(422)
        .field_errors()
        .into_iter()
        .map(|e| e.0)
        .collect();
    assert_eq!(fields, ["email", "name", "password"]);

    let r = owner
        .call(
            "POST",
            "/api/v1/users",
            Some(
                json!({"email": "a@example.com", "name": "A", "password": STRONG, "role": "admin"}),
            ),
        )
        .await;
    let errors = r.problem(422).field_errors();
    assert_eq!(errors[0].0, "role");
    assert!(
        errors[0].1.contains("unknown variant `admin`"),
        "{errors:?}"
    );

    let r = owner
        .call(
            "POST",
            "/api/v1/users",
            Some(json!({"email": "a@example.com", "name": "A", "password": STRONG, "role": "reporter", "is_admin": true})),
        )
        .await;
    assert_eq!(r.problem(422).field_errors()[0].0, "is_admin");

    let id = t.user(Role::Reporter).id;
    let r = owner
        .patch(id, json!({"status": "paused", "name": ""}))
        .await;
    assert_eq!(r.problem(422).field_errors()[0].0, "status");
    let r = owner
        .patch(id, json!({"name": "", "password": "password123"}))
        .await;
    let fields: Vec<String> = r
        .problem(422)
        .field_errors()
        .into_iter()
        .map(|e| e.0)
        .collect();
    assert_eq!(fields, ["name", "password"]);

    // Ids that are not ids name nothing.
    owner
        .call("GET", "/api/v1/users/42", None)
        .await
        .problem(404);
    owner
        .patch("not-a-uuid", json!({"name": "x"}))
        .await
        .problem(404);
    owner
        .delete(opbx::domain::ids::UserId::new())
        .await
        .problem(404);
}

async fn pbx_admins_manage_only_the_roles_below_them(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let admin = Session::as_role(&api, &t, Role::PbxAdmin).await;
    admin.create("boss@example.com", "owner").await.problem(403);
    admin
        .create("peer@example.com", "pbx_admin")
        .await
        .problem(403);

    let reporter = t.user(Role::Reporter).id;
    admin
        .patch(reporter, json!({"role": "pbx_admin"}))
        .await
        .problem(403);
    admin
        .patch(reporter, json!({"role": "owner"}))
        .await
        .problem(403);
    let promoted = admin.patch(reporter, json!({"role": "pbx_user"})).await;
    assert_eq!(promoted.ok()["role"], "pbx_user");

    for above in [Role::Owner, Role::PbxAdmin] {
        let id = t.user(above).id;
        admin
            .patch(id, json!({"name": "Hijacked"}))
            .await
            .problem(403);
        admin
            .patch(id, json!({"status": "inactive"}))
            .await
            .problem(403);
        admin.delete(id).await.problem(403);
        let unchanged = api.state.store.find_user(t.org.id, id).await.unwrap();
        assert_eq!(unchanged.status, Status::Active);
        assert_ne!(unchanged.name, "Hijacked");
    }
    assert_eq!(admin.delete(reporter).await.status, 204);

    // An owner may grant any role.
    let owner = Session::as_role(&api, &t, Role::Owner).await;
    assert_eq!(
        owner
            .create("second-owner@example.com", "owner")
            .await
            .status,
        201
    );
    let user = t.user(Role::PbxUser).id;
    assert_eq!(
        owner.patch(user, json!({"role": "pbx_admin"})).await.ok()["role"],
        "pbx_admin"
    );
}

async fn the_last_active_owner_cannot_be_demoted_deactivated_or_removed(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let owner_id = t.user(Role::Owner).id;
    let owner = Session::as_role(&api, &t, Role::Owner).await;
    for change in [json!({"role": "pbx_admin"}), json!({"status": "inactive"})] {
        let r = owner.patch(owner_id, change).await;
        assert!(
            r.problem(409).json["detail"]
                .as_str()
                .unwrap()
                .contains("last active owner")
        );
    }
    owner.delete(owner_id).await.problem(403);

    // An inactive owner does not count; once a second active owner exists, hand-over works.
    let dormant = add_user(&api.state, &t.org, Role::Owner).await;
    owner
        .patch(dormant.id, json!({"status": "inactive"}))
        .await
        .ok();
    owner
        .patch(owner_id, json!({"role": "pbx_user"}))
        .await
        .problem(409);
    owner
        .patch(dormant.id, json!({"status": "active"}))
        .await
        .ok();
    let r = owner.patch(owner_id, json!({"role": "pbx_admin"})).await;
    assert_eq!(r.ok()["role"], "pbx_admin");
    // Now `dormant` is the only owner; the former owner may no longer touch them.
    owner
        .patch(dormant.id, json!({"role": "reporter"}))
        .await
        .problem(403);
    let last = Session {
        api: &api,
        token: crate::fixtures::token_for(&api.state, &dormant).await,
    };
    last.patch(dormant.id, json!({"role": "reporter"}))
        .await
        .problem(409);
    assert_eq!(
        api.state
            .store
            .count_active_users_with_role(t.org.id, Role::Owner)
            .await
            .unwrap(),
        1
    );
}

async fn deactivation_and_password_resets_sign_the_user_out_everywhere(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let owner = Session::as_role(&api, &t, Role::Owner).await;
    let user = t.user(Role::PbxUser).clone();
    let theirs = t.token(&api.state, Role::PbxUser).await;

    owner
        .patch(user.id, json!({"password": "a fresh start 2026"}))
        .await
        .ok();
    api.call("GET", "/api/v1/auth/me", Some(&theirs), None)
        .await
        .problem(401);
    let login = |password: &str| {
        api.call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"email": user.email, "password": password})),
        )
    };
    login(PASSWORD).await.problem(401);
    let token = login("a fresh start 2026").await.ok()["token"]
        .as_str()
        .unwrap()
        .to_owned();

    owner
        .patch(user.id, json!({"status": "inactive"}))
        .await
        .ok();
    api.call("GET", "/api/v1/auth/me", Some(&token), None)
        .await
        .problem(401);

    // Your own password changes only through the profile, with the current one.
    let r = owner
        .patch(
            t.user(Role::Owner).id,
            json!({"password": "another fresh start"}),
        )
        .await;
    let detail = r.problem(403).json["detail"].as_str().unwrap();
    assert!(detail.contains("/api/v1/profile"), "{detail}");

    let actions: Vec<String> = api
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
        .unwrap()
        .items
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["update", "reset_password", "update"]);
}

async fn the_list_pages_sorts_searches_and_filters(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let owner = Session::as_role(&api, &t, Role::Owner).await;
    for name in ["alice", "bob", "carol"] {
        owner
            .create(&format!("{name}@list.example.com"), "reporter")
            .await
            .ok();
    }
    let carol = api
        .state
        .store
        .find_user_by_email(t.org.id, "carol@list.example.com")
        .await
        .unwrap();
    owner
        .patch(carol.id, json!({"status": "inactive"}))
        .await
        .ok();

    let emails = |r: &Reply| -> Vec<String> {
        r.json["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["email"].as_str().unwrap().to_owned())
            .collect()
    };
    let all = owner.call("GET", "/api/v1/users?per_page=100", None).await;
    assert_eq!(all.ok()["total"], 7, "4 fixture users + 3");

    let page = owner
        .call(
            "GET",
            "/api/v1/users?q=LIST.example&sort=-email&per_page=2&page=1",
            None,
        )
        .await;
    assert_eq!(page.ok()["total"], 3);
    assert_eq!(
        (page.json["page"].clone(), page.json["per_page"].clone()),
        (json!(1), json!(2))
    );
    assert_eq!(
        emails(&page),
        ["carol@list.example.com", "bob@list.example.com"]
    );
    let next = owner
        .call(
            "GET",
            "/api/v1/users?q=list.example&sort=-email&per_page=2&page=2",
            None,
        )
        .await;
    assert_eq!(emails(&next), ["alice@list.example.com"]);

    let inactive = owner
        .call("GET", "/api/v1/users?status=inactive", None)
        .await;
    assert_eq!(emails(&inactive), ["carol@list.example.com"]);

    let by_name = owner
        .call("GET", "/api/v1/users?sort=name&q=list.example", None)
        .await;
    assert_eq!(by_name.ok()["total"], 3);

    let r = owner
        .call(
            "GET",
            "/api/v1/users?sort=password_hash&per_page=500&role=owner",
            None,
        )
        .await;
    let fields: Vec<String> = r
        .problem(400)
        .field_errors()
        .into_iter()
        .map(|e| e.0)
        .collect();
    assert_eq!(fields, ["sort", "per_page", "role"]);
}

opbx_tests::on_both_backends!(
    admins_create_users_who_can_then_log_in,
    invalid_users_are_refused_naming_every_field,
    pbx_admins_manage_only_the_roles_below_them,
    the_last_active_owner_cannot_be_demoted_deactivated_or_removed,
    deactivation_and_password_resets_sign_the_user_out_everywhere,
    the_list_pages_sorts_searches_and_filters,
);
