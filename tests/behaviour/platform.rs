//! Operators, one-time account links and the platform's view of organizations (issue 12), on
//! both backends.

use opbx::crypto::sha256_hex;
use opbx::domain::accounts::{
    AccountLink, LinkPurpose, Operator, OperatorToken, PlatformAuditEntry,
};
use opbx::domain::ids::{AccountLinkId, AuditId, OperatorId, OperatorTokenId, PlatformAuditId};
use opbx::domain::model::{AuditEntry, OrgStatus, Role, Status, User};
use opbx::domain::now_ms;
use opbx::ports::account_links::AccountLinkRepo;
use opbx::ports::audit_log::{AuditFilter, AuditLogRepo};
use opbx::ports::extensions::ExtensionRepo;
use opbx::ports::operators::{OperatorRepo, OperatorTokenRepo};
use opbx::ports::organizations::OrganizationRepo;
use opbx::ports::platform::{OrganizationFilter, PlatformRepo};
use opbx::ports::store::{PageRequest, StoreError};
use opbx::ports::users::UserRepo;
use opbx_tests::{Backend, new_org, unique};

use crate::extensions::{add_user, extension, user};

fn operator() -> Operator {
    let now = now_ms();
    Operator {
        id: OperatorId::new(),
        email: format!("op-{}@example.com", unique()),
        name: "Op".into(),
        password_hash: "$argon2id$stub".into(),
        status: Status::Active,
        created_at: now,
        updated_at: now,
    }
}

pub(crate) fn entry(action: &str, org: Option<opbx::domain::ids::OrgId>) -> PlatformAuditEntry {
    PlatformAuditEntry {
        id: PlatformAuditId::new(),
        operator_id: None,
        actor_label: "test".into(),
        action: action.into(),
        organization_id: org,
        detail: Some(serde_json::json!({"k": "v"})),
        source_ip: Some("192.0.2.1".into()),
        created_at: now_ms(),
    }
}

fn link(org: opbx::domain::ids::OrgId, purpose: LinkPurpose, email: &str) -> AccountLink {
    let now = now_ms();
    AccountLink {
        id: AccountLinkId::new(),
        organization_id: org,
        purpose,
        email: email.into(),
        role: (purpose == LinkPurpose::Invitation).then_some(Role::PbxAdmin),
        invited_by: (purpose == LinkPurpose::Invitation).then(|| "boss@example.com".into()),
        token_hash: sha256_hex(&unique()),
        created_at: now,
        expires_at: now + 60_000,
        used_at: None,
    }
}

fn audit(org: opbx::domain::ids::OrgId) -> AuditEntry {
    AuditEntry {
        id: AuditId::new(),
        organization_id: org,
        actor_user_id: None,
        actor_label: "test".into(),
        action: "accept".into(),
        object_type: "user".into(),
        object_id: None,
        before: None,
        after: None,
        source_ip: None,
        created_at: now_ms(),
    }
}

async fn operators_are_unique_by_email_ignoring_case_and_tokens_revoke(b: Backend) {
    let op = operator();
    b.store
        .create_operator(&op, &entry("add_operator", None))
        .await
        .unwrap();
    assert_eq!(b.store.find_operator(op.id).await.unwrap(), op);
    assert_eq!(
        b.store
            .find_operator_by_email(&op.email.to_uppercase())
            .await
            .unwrap(),
        op
    );
    let mut twin = operator();
    twin.email = op.email.to_uppercase();
    assert!(matches!(
        b.store
            .create_operator(&twin, &entry("add_operator", None))
            .await,
        Err(StoreError::Conflict(what)) if what == "operator email"
    ));
    let now = now_ms();
    let token = OperatorToken {
        id: OperatorTokenId::new(),
        operator_id: op.id,
        token_hash: sha256_hex(&unique()),
        created_at: now,
        expires_at: now + 1000,
        revoked_at: None,
    };
    b.store
        .create_operator_token(&token, &entry("login", None))
        .await
        .unwrap();
    b.store
        .revoke_operator_token(token.id, now + 5, &entry("logout", None))
        .await
        .unwrap();
    b.store
        .revoke_operator_token(token.id, now + 9, &entry("logout", None))
        .await
        .unwrap();
    let read = b
        .store
        .find_operator_token_by_hash(&token.token_hash)
        .await
        .unwrap();
    assert_eq!(read.revoked_at, Some(now + 5));
    assert!(matches!(
        b.store.find_operator_token_by_hash("nope").await,
        Err(StoreError::NotFound)
    ));
}

async fn an_invitation_is_spent_once_with_its_user_and_audit_entry(b: Backend) {
    let org = new_org(&b.store).await;
    let other = new_org(&b.store).await;
    let email = format!("inv-{}@example.com", unique());
    let l = link(org.id, LinkPurpose::Invitation, &email);
    b.store.create_account_link(&l, &[]).await.unwrap();
    assert_eq!(
        b.store
            .find_account_link_by_hash(&l.token_hash)
            .await
            .unwrap(),
        l
    );

    let mut u = user(org.id, &email);
    // Not in the link's organization: nothing happens.
    let mut stranger = u.clone();
    stranger.organization_id = other.id;
    assert!(matches!(
        b.store
            .accept_invitation(&l, &stranger, &audit(other.id), now_ms())
            .await,
        Err(StoreError::NotFound)
    ));
    b.store
        .accept_invitation(&l, &u, &audit(org.id), now_ms())
        .await
        .unwrap();
    assert_eq!(b.store.find_user(org.id, u.id).await.unwrap().email, email);
    let spent = b
        .store
        .find_account_link_by_hash(&l.token_hash)
        .await
        .unwrap();
    assert!(spent.used_at.is_some());
    u.id = opbx::domain::ids::UserId::new();
    assert!(matches!(
        b.store
            .accept_invitation(&l, &u, &audit(org.id), now_ms())
            .await,
        Err(StoreError::NotFound)
    ));
    // A second invitation for an email that has an account: conflict, and the link stays usable.
    let again = link(org.id, LinkPurpose::Invitation, &email);
    b.store.create_account_link(&again, &[]).await.unwrap();
    assert!(matches!(
        b.store
            .accept_invitation(&again, &u, &audit(org.id), now_ms())
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(
        b.store
            .find_account_link_by_hash(&again.token_hash)
            .await
            .unwrap()
            .used_at
            .is_none()
    );
    let logged = b
        .store
        .list_audit(org.id, &AuditFilter::default(), PageRequest::new(1, 10))
        .await
        .unwrap();
    assert_eq!(logged.total, 1, "only the accepted invitation is audited");
    // Expired links are not spent.
    let mut late = link(org.id, LinkPurpose::Invitation, "late@example.com");
    late.expires_at = now_ms() - 1;
    b.store.create_account_link(&late, &[]).await.unwrap();
    let latecomer = user(org.id, "late@example.com");
    assert!(matches!(
        b.store
            .accept_invitation(&late, &latecomer, &audit(org.id), now_ms())
            .await,
        Err(StoreError::NotFound)
    ));
}

async fn a_reset_sets_the_password_once_and_revokes_sessions(b: Backend) {
    let org = new_org(&b.store).await;
    let u: User = add_user(&b.store, org.id, &format!("u-{}@example.com", unique())).await;
    let l = link(org.id, LinkPurpose::PasswordReset, &u.email);
    b.store.create_account_link(&l, &[]).await.unwrap();
    // An invitation's purpose does not reset.
    let inv = link(org.id, LinkPurpose::Invitation, &u.email);
    b.store.create_account_link(&inv, &[]).await.unwrap();
    assert!(matches!(
        b.store
            .reset_password(&inv, org.id, u.id, "$new", &audit(org.id), now_ms())
            .await,
        Err(StoreError::NotFound)
    ));
    let now = now_ms();
    b.store
        .reset_password(&l, org.id, u.id, "$new", &audit(org.id), now)
        .await
        .unwrap();
    assert_eq!(
        b.store.find_user(org.id, u.id).await.unwrap().password_hash,
        "$new"
    );
    assert!(matches!(
        b.store
            .reset_password(&l, org.id, u.id, "$again", &audit(org.id), now)
            .await,
        Err(StoreError::NotFound)
    ));
}

/// An operator action and its audit entry are one write (issue 12.6): when the entry cannot be
/// written (here its id is taken, as a failing insert would be), the action is not either.
async fn an_operator_action_is_written_with_its_audit_entry_or_not_at_all(b: Backend) {
    let op = operator();
    let added = entry("add_operator", None);
    b.store.create_operator(&op, &added).await.unwrap();
    let mut twin = operator();
    twin.email = format!("other-{}", twin.email);
    assert!(b.store.create_operator(&twin, &added).await.is_err());
    assert!(matches!(
        b.store.find_operator(twin.id).await,
        Err(StoreError::NotFound)
    ));

    let now = now_ms();
    let token = OperatorToken {
        id: OperatorTokenId::new(),
        operator_id: op.id,
        token_hash: sha256_hex(&unique()),
        created_at: now,
        expires_at: now + 60_000,
        revoked_at: None,
    };
    assert!(b.store.create_operator_token(&token, &added).await.is_err());
    assert!(matches!(
        b.store.find_operator_token_by_hash(&token.token_hash).await,
        Err(StoreError::NotFound)
    ));
    let signed_in = entry("login", None);
    b.store
        .create_operator_token(&token, &signed_in)
        .await
        .unwrap();
    assert!(
        b.store
            .revoke_operator_token(token.id, now + 5, &signed_in)
            .await
            .is_err()
    );
    let kept = b.store.find_operator_token_by_hash(&token.token_hash).await;
    assert_eq!(kept.unwrap().revoked_at, None, "still signed in");

    let log = b
        .store
        .list_platform_audit(PageRequest::new(1, 100))
        .await
        .unwrap();
    for written in [&added, &signed_in] {
        let ours = log.items.iter().filter(|e| e.id == written.id).count();
        assert_eq!(ours, 1, "{} written once, with its action", written.action);
    }
}

async fn summaries_count_and_lifecycle_changes_are_audited_with_them(b: Backend) {
    let mut org = new_org(&b.store).await;
    add_user(&b.store, org.id, &format!("o-{}@example.com", unique())).await;
    let ext = extension(org.id, "201");
    b.store.create_extension(&ext, &[]).await.unwrap();
    let s = b.store.organization_summary(org.id).await.unwrap();
    assert_eq!((s.users, s.extensions, s.phone_numbers), (1, 1, 0));
    assert_eq!((s.last_call_at, s.deleted_at), (None, None));
    let filter = OrganizationFilter {
        q: Some(org.slug.to_uppercase()),
        status: None,
    };
    let page = b
        .store
        .list_organization_summaries(&filter, PageRequest::new(1, 10))
        .await
        .unwrap();
    assert_eq!(page.total, 1);
    assert_eq!(page.items[0].organization, org);

    org.status = OrgStatus::Deleted;
    org.updated_at += 10;
    b.store
        .save_organization(&org, &entry("delete_organization", Some(org.id)))
        .await
        .unwrap();
    let s = b.store.organization_summary(org.id).await.unwrap();
    assert_eq!(s.deleted_at, Some(org.updated_at));
    let deleted = OrganizationFilter {
        q: Some(org.slug.clone()),
        status: Some(OrgStatus::Deleted),
    };
    let listed = b
        .store
        .list_organization_summaries(&deleted, PageRequest::new(1, 10))
        .await;
    assert_eq!(listed.unwrap().total, 1);

    // Not yet past the retention: kept.
    let purged = b
        .store
        .purge_deleted_organizations(org.updated_at, now_ms())
        .await
        .unwrap();
    assert!(!purged.contains(&org.id));
    let purged = b
        .store
        .purge_deleted_organizations(org.updated_at + 1, now_ms())
        .await
        .unwrap();
    assert!(purged.contains(&org.id));
    assert!(matches!(
        b.store.find_organization(org.id).await,
        Err(StoreError::NotFound)
    ));
    let log = b
        .store
        .list_platform_audit(PageRequest::new(1, 100))
        .await
        .unwrap();
    let ours: Vec<&str> = log
        .items
        .iter()
        .filter(|e| e.organization_id == Some(org.id))
        .map(|e| e.action.as_str())
        .collect();
    assert_eq!(ours, ["purge_organization", "delete_organization"]);
}

async fn a_taken_slug_writes_nothing(b: Backend) {
    let org = new_org(&b.store).await;
    let mut twin = org.clone();
    twin.id = opbx::domain::ids::OrgId::new();
    let inv = link(twin.id, LinkPurpose::Invitation, "x@example.com");
    let e = entry("create_organization", Some(twin.id));
    assert!(matches!(
        b.store
            .create_organization_with_invitation(&twin, &inv, &e)
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        b.store.find_account_link_by_hash(&inv.token_hash).await,
        Err(StoreError::NotFound)
    ));
    let log = b
        .store
        .list_platform_audit(PageRequest::new(1, 100))
        .await
        .unwrap();
    assert!(log.items.iter().all(|x| x.id != e.id));
}

opbx_tests::on_both_backends!(
    operators_are_unique_by_email_ignoring_case_and_tokens_revoke,
    an_operator_action_is_written_with_its_audit_entry_or_not_at_all,
    an_invitation_is_spent_once_with_its_user_and_audit_entry,
    a_reset_sets_the_password_once_and_revokes_sessions,
    summaries_count_and_lifecycle_changes_are_audited_with_them,
    a_taken_slug_writes_nothing,
);
