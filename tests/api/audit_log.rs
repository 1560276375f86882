//! api-audit-log: `GET /api/v1/audit-log`.

use opbx::domain::ids::AuditId;
use opbx::domain::model::{AuditEntry, Role};
use opbx::domain::now_ms;
use opbx::ports::audit_log::AuditLogRepo;
use opbx_tests::{Backend, unique};
use serde_json::json;

use crate::cases::{ADMINS, Access, Case, Prepared, prepare};
use crate::fixtures::{Api, Reply};

pub fn cases() -> Vec<Case> {
    vec![Case::new(
        "GET",
        "/api/v1/audit-log",
        Access::Roles(ADMINS),
        |ctx| {
            prepare(async move {
                let marker = format!("object-{}", unique());
                ctx.state
                    .store
                    .append_audit(&AuditEntry {
                        id: AuditId::new(),
                        organization_id: ctx.org(),
                        actor_user_id: Some(ctx.user().id),
                        actor_label: ctx.user().email.clone(),
                        action: "update".into(),
                        object_type: "extension".into(),
                        object_id: Some(marker.clone()),
                        before: None,
                        after: None,
                        source_ip: None,
                        created_at: now_ms(),
                    })
                    .await
                    .unwrap();
                Prepared::at("/api/v1/audit-log").marker(marker)
            })
        },
    )]
}

fn actions(r: &Reply) -> Vec<(String, String)> {
    r.ok()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["object_type"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn writes_are_listed_newest_first_and_filter_by_every_criterion(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let owner = t.token(&api.state, Role::Owner).await;
    let admin = t.token(&api.state, Role::PbxAdmin).await;
    let started = jiff::Timestamp::now().to_string();

    let mut req = crate::fixtures::request(
        "POST",
        "/api/v1/users",
        Some(&owner),
        Some(
            json!({"email": "audited@example.com", "name": "Audited", "password": "lemon quartz harbour 42", "role": "reporter"}),
        ),
    );
    let client: std::net::SocketAddr = "203.0.113.50:50000".parse().unwrap();
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(client));
    let created = crate::fixtures::send(&api.app, req).await;
    let id = created.ok()["id"].as_str().unwrap().to_owned();
    api.call(
        "PATCH",
        &format!("/api/v1/users/{id}"),
        Some(&admin),
        Some(json!({"name": "Audited Again", "password": "a different passphrase"})),
    )
    .await
    .ok();
    api.call(
        "PATCH",
        "/api/v1/profile",
        Some(&admin),
        Some(json!({"name": "Admin"})),
    )
    .await
    .ok();

    let list = |query: String| {
        let admin = admin.clone();
        let api = &api;
        async move {
            api.call(
                "GET",
                &format!("/api/v1/audit-log{query}"),
                Some(&admin),
                None,
            )
            .await
        }
    };
    let all = list(String::new()).await;
    assert_eq!(
        actions(&all),
        [
            ("update".into(), "user".into()),
            ("reset_password".into(), "user".into()),
            ("update".into(), "user".into()),
            ("create".into(), "user".into()),
        ]
    );
    let first = &all.json["data"][3];
    assert_eq!(first["actor_user_id"], t.user(Role::Owner).id.to_string());
    assert_eq!(first["actor_label"], t.user(Role::Owner).email);
    assert_eq!(first["object_id"], id.as_str());
    assert_eq!(first["source_ip"], "203.0.113.50");
    assert_eq!(first["before"], serde_json::Value::Null);
    assert_eq!(first["after"]["email"], "audited@example.com");
    assert!(first["created_at"].as_str().unwrap().ends_with('Z'));
    let update = &all.json["data"][2];
    assert_eq!(update["before"]["name"], "Audited");
    assert_eq!(update["after"]["name"], "Audited Again");
    assert!(!all.text.contains("argon2") && !all.text.contains("passphrase"));

    let admin_id = t.user(Role::PbxAdmin).id;
    assert_eq!(list(format!("?actor={admin_id}")).await.ok()["total"], 3);
    assert_eq!(list(format!("?object_id={id}")).await.ok()["total"], 3);
    assert_eq!(list("?action=reset_password".into()).await.ok()["total"], 1);
    assert_eq!(
        list("?object_type=user&action=create".into()).await.ok()["total"],
        1
    );
    assert_eq!(list("?object_type=extension".into()).await.ok()["total"], 0);
    assert_eq!(list(format!("?from={started}")).await.ok()["total"], 4);
    assert_eq!(list(format!("?to={started}")).await.ok()["total"], 0);
    assert_eq!(
        list("?from=2000-01-01&to=2001-01-01".into()).await.ok()["total"],
        0
    );
    let paged = list("?per_page=1&page=2".into()).await;
    assert_eq!(actions(&paged), [("reset_password".into(), "user".into())]);
    assert_eq!(paged.json["total"], 4);

    let bad = list("?actor=bob&from=yesterday&sort=action&q=x".into()).await;
    let fields: Vec<String> = bad
        .problem(400)
        .field_errors()
        .into_iter()
        .map(|e| e.0)
        .collect();
    assert_eq!(fields, ["sort", "q"]);
    let bad = list("?actor=bob".into()).await;
    assert_eq!(
        bad.problem(400).field_errors()[0],
        ("actor".into(), "must be a user id".into())
    );
    let bad = list("?from=yesterday".into()).await;
    assert_eq!(bad.problem(400).field_errors()[0].0, "from");
}

opbx_tests::on_both_backends!(writes_are_listed_newest_first_and_filter_by_every_criterion);
