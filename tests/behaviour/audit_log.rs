use opbx::domain::ids::{AuditId, OrgId, UserId};
use opbx::domain::model::AuditEntry;
use opbx::ports::audit_log::{AuditFilter, AuditLogRepo};
use opbx::ports::store::PageRequest;
use opbx_tests::{Backend, new_org};
use serde_json::json;

const T0: i64 = 1_700_000_000_000;

fn entry(org: OrgId, actor: Option<UserId>, action: &str, object: &str, at: i64) -> AuditEntry {
    AuditEntry {
        id: AuditId::new(),
        organization_id: org,
        actor_user_id: actor,
        actor_label: actor.map_or("system".into(), |a| format!("user {a}")),
        action: action.into(),
        object_type: "extension".into(),
        object_id: Some(object.into()),
        before: None,
        after: Some(json!({"number": "201", "voicemail_enabled": true})),
        source_ip: Some("203.0.113.7".into()),
        created_at: at,
    }
}

async fn entries_read_back_with_their_snapshots(b: Backend) {
    let org = new_org(&b.store).await;
    let mut e = entry(org.id, Some(UserId::new()), "update", "ext-1", T0);
    e.before = Some(json!({
        "display_name": "Front desk",
        "forward": null,
        "members": [1, 2.5, "three", {"nested": [true, false]}],
        "sip_password": "***"
    }));
    b.store.append_audit(&e).await.unwrap();
    let mut bare = entry(org.id, None, "login_failed", "", T0 + 1);
    bare.object_id = None;
    bare.after = None;
    bare.source_ip = None;
    b.store.append_audit(&bare).await.unwrap();

    let page = b
        .store
        .list_audit(org.id, &AuditFilter::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!((page.total, page.items), (2, vec![bare, e]));
}

async fn filters_narrow_the_list(b: Backend) {
    let org = new_org(&b.store).await;
    let alice = UserId::new();
    let bob = UserId::new();
    let created = entry(org.id, Some(alice), "create", "ext-1", T0);
    let updated = entry(org.id, Some(bob), "update", "ext-1", T0 + 1_000);
    let mut number = entry(org.id, Some(alice), "update", "pn-1", T0 + 2_000);
    number.object_type = "phone_number".into();
    for e in [&created, &updated, &number] {
        b.store.append_audit(e).await.unwrap();
    }
    let stranger = new_org(&b.store).await;
    b.store
        .append_audit(&entry(stranger.id, Some(alice), "create", "ext-1", T0))
        .await
        .unwrap();

    let ids = |filter: AuditFilter| {
        let store = b.store.clone();
        async move {
            let page = store
                .list_audit(org.id, &filter, PageRequest::default())
                .await
                .unwrap();
            let ids: Vec<AuditId> = page.items.iter().map(|e| e.id).collect();
            (page.total, ids)
        }
    };
    assert_eq!(
        ids(AuditFilter::default()).await,
        (3, vec![number.id, updated.id, created.id])
    );
    let by_actor = AuditFilter {
        actor_user_id: Some(alice),
        ..AuditFilter::default()
    };
    assert_eq!(ids(by_actor).await, (2, vec![number.id, created.id]));
    let by_type = AuditFilter {
        object_type: Some("extension".into()),
        ..AuditFilter::default()
    };
    assert_eq!(ids(by_type).await, (2, vec![updated.id, created.id]));
    let by_object = AuditFilter {
        object_type: Some("extension".into()),
        object_id: Some("ext-1".into()),
        action: Some("update".into()),
        ..AuditFilter::default()
    };
    assert_eq!(ids(by_object).await, (1, vec![updated.id]));
    let window = AuditFilter {
        from: Some(T0 + 1_000),
        to: Some(T0 + 2_000),
        ..AuditFilter::default()
    };
    assert_eq!(ids(window).await, (1, vec![updated.id]));
    let nobody = AuditFilter {
        actor_user_id: Some(UserId::new()),
        ..AuditFilter::default()
    };
    assert_eq!(ids(nobody).await, (0, Vec::new()));
}

async fn list_pages_newest_first_within_the_organization(b: Backend) {
    let org = new_org(&b.store).await;
    let entries: Vec<AuditEntry> = (0..5)
        .map(|i| entry(org.id, None, "update", &format!("ext-{i}"), T0 + i * 10))
        .collect();
    for e in &entries {
        b.store.append_audit(e).await.unwrap();
    }
    let second = b
        .store
        .list_audit(org.id, &AuditFilter::default(), PageRequest::new(2, 2))
        .await
        .unwrap();
    assert_eq!(second.total, 5);
    assert_eq!(second.items, vec![entries[2].clone(), entries[1].clone()]);

    let intruder = new_org(&b.store).await;
    let theirs = b
        .store
        .list_audit(intruder.id, &AuditFilter::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!((theirs.total, theirs.items.len()), (0, 0));
}

opbx_tests::on_both_backends!(
    entries_read_back_with_their_snapshots,
    filters_narrow_the_list,
    list_pages_newest_first_within_the_organization,
);
