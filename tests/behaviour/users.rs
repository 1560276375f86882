use opbx::adapters::sql::SqlStore;
use opbx::domain::ids::{OrgId, TokenId, UserId};
use opbx::domain::model::{ApiToken, Role, Status, User};
use opbx::domain::now_ms;
use opbx::ports::extensions::ExtensionRepo;
use opbx::ports::store::{ListFilter, PageRequest};
use opbx::ports::users::{ApiTokenRepo, UserRepo};
use opbx_tests::model::setup_audit;
use opbx_tests::{Backend, new_org, unique};

use crate::extensions::{
    add_user, assert_conflict, assert_not_found, extension, search, user, with_status,
};

fn token(user: &User, hash: &str) -> ApiToken {
    let now = now_ms();
    ApiToken {
        id: TokenId::new(),
        organization_id: user.organization_id,
        user_id: user.id,
        token_hash: hash.to_owned(),
        created_at: now,
        expires_at: now + 3_600_000,
        revoked_at: None,
    }
}

pub(crate) async fn add_token(store: &SqlStore, user: &User) -> ApiToken {
    let token = token(user, &unique());
    store.create_api_token(&token, &[]).await.unwrap();
    token
}

async fn stored_token(store: &SqlStore, hash: &str) -> ApiToken {
    store.find_api_token_by_hash(hash).await.unwrap()
}

async fn created_user_reads_back_by_id_and_email(b: Backend) {
    let org = new_org(&b.store).await.id;
    let mut ann = user(org, "ann@example.com");
    ann.role = Role::Owner;
    b.store.create_user(&ann, &[]).await.unwrap();

    assert_eq!(b.store.find_user(org, ann.id).await.unwrap(), ann);
    assert_eq!(
        b.store
            .find_user_by_email(org, "Ann@Example.COM")
            .await
            .unwrap(),
        ann
    );
    assert_not_found(b.store.find_user_by_email(org, "bob@example.com").await);
}

async fn update_saves_email_name_password_role_and_status(b: Backend) {
    let org = new_org(&b.store).await.id;
    let mut ann = add_user(&b.store, org, "ann@example.com").await;
    ann.email = "ann.smith@example.com".into();
    ann.name = "Ann Smith".into();
    ann.password_hash = "$argon2id$v=19$m=19456,t=2,p=1$bmV3$bmV3".into();
    ann.role = Role::Reporter;
    ann.status = Status::Inactive;
    ann.updated_at += 1000;
    b.store
        .update_user(&ann, &[setup_audit(ann.organization_id, "user")])
        .await
        .unwrap();
    assert_eq!(b.store.find_user(org, ann.id).await.unwrap(), ann);
}

async fn email_is_unique_within_an_organization_ignoring_case(b: Backend) {
    let org = new_org(&b.store).await.id;
    add_user(&b.store, org, "ann@example.com").await;
    assert_conflict(
        b.store
            .create_user(&user(org, "ANN@example.com"), &[])
            .await,
        "email",
    );
    let mut bob = add_user(&b.store, org, "bob@example.com").await;
    bob.email = "Ann@Example.com".into();
    assert_conflict(
        b.store
            .update_user(&bob, &[setup_audit(bob.organization_id, "user")])
            .await,
        "email",
    );

    let other_org = new_org(&b.store).await.id;
    add_user(&b.store, other_org, "ann@example.com").await;
}

async fn login_lookup_finds_the_email_in_every_organization(b: Backend) {
    let email = format!("{}@example.com", unique());
    let first = new_org(&b.store).await.id;
    let second = new_org(&b.store).await.id;
    let mut in_first = user(first, &email);
    in_first.created_at -= 1000;
    b.store.create_user(&in_first, &[]).await.unwrap();
    let in_second = add_user(&b.store, second, &email).await;
    add_user(&b.store, second, &format!("other-{email}")).await;

    assert_eq!(
        b.store
            .find_users_by_email(&email.to_uppercase())
            .await
            .unwrap(),
        [in_first, in_second]
    );
    assert_eq!(
        b.store
            .find_users_by_email(&format!("nobody-{email}"))
            .await
            .unwrap(),
        []
    );
}

async fn another_organizations_user_is_not_found(b: Backend) {
    let mine = new_org(&b.store).await.id;
    let theirs = new_org(&b.store).await.id;
    add_user(&b.store, mine, "ann@example.com").await;
    let foreign = add_user(&b.store, theirs, "eve@example.com").await;

    assert_not_found(b.store.find_user(mine, foreign.id).await);
    assert_not_found(b.store.find_user_by_email(mine, &foreign.email).await);
    let mut hijack = foreign.clone();
    hijack.organization_id = mine;
    hijack.role = Role::Owner;
    assert_not_found(
        b.store
            .update_user(&hijack, &[setup_audit(hijack.organization_id, "user")])
            .await,
    );
    assert_not_found(
        b.store
            .delete_user(mine, foreign.id, &setup_audit(mine, "user"))
            .await,
    );
    assert_eq!(
        b.store.find_user(theirs, foreign.id).await.unwrap(),
        foreign
    );

    let listed = b
        .store
        .list_users(mine, &ListFilter::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(listed.total, 1);
    assert!(listed.items.iter().all(|u| u.organization_id == mine));
}

async fn unknown_user_is_not_found(b: Backend) {
    let org = new_org(&b.store).await.id;
    assert_not_found(b.store.find_user(org, UserId::new()).await);
    assert_not_found(
        b.store
            .update_user(&user(org, "ann@example.com"), &[setup_audit(org, "user")])
            .await,
    );
    assert_not_found(
        b.store
            .delete_user(org, UserId::new(), &setup_audit(org, "user"))
            .await,
    );
}

async fn listed_emails(store: &SqlStore, org: OrgId, filter: ListFilter) -> Vec<String> {
    store
        .list_users(org, &filter, PageRequest::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|u| u.email)
        .collect()
}

async fn list_searches_filters_and_pages_by_email(b: Backend) {
    let org = new_org(&b.store).await.id;
    let mut carol = user(org, "carol@example.com");
    carol.name = "Carol Jones".into();
    carol.status = Status::Inactive;
    b.store.create_user(&carol, &[]).await.unwrap();
    let mut ann = user(org, "ann@example.com");
    ann.name = "Ann Jones".into();
    b.store.create_user(&ann, &[]).await.unwrap();
    let mut bob = user(org, "bob@example.org");
    bob.name = "Bob Smith".into();
    b.store.create_user(&bob, &[]).await.unwrap();

    let first = b
        .store
        .list_users(org, &ListFilter::default(), PageRequest::new(1, 2))
        .await
        .unwrap();
    assert_eq!(first.total, 3);
    assert_eq!(first.items, vec![ann.clone(), bob.clone()]);
    let second = b
        .store
        .list_users(org, &ListFilter::default(), PageRequest::new(2, 2))
        .await
        .unwrap();
    assert_eq!(second.items, vec![carol.clone()]);

    assert_eq!(
        listed_emails(&b.store, org, search("JONES")).await,
        ["ann@example.com", "carol@example.com"]
    );
    assert_eq!(
        listed_emails(&b.store, org, search("example.org")).await,
        ["bob@example.org"]
    );
    assert_eq!(
        listed_emails(&b.store, org, with_status(Status::Inactive)).await,
        ["carol@example.com"]
    );
}

async fn active_users_are_counted_by_role(b: Backend) {
    let org = new_org(&b.store).await.id;
    let mut owner = user(org, "owner@example.com");
    owner.role = Role::Owner;
    b.store.create_user(&owner, &[]).await.unwrap();
    let mut former = user(org, "former@example.com");
    former.role = Role::Owner;
    former.status = Status::Inactive;
    b.store.create_user(&former, &[]).await.unwrap();
    add_user(&b.store, org, "staff@example.com").await;
    let other_org = new_org(&b.store).await.id;
    let mut other_owner = user(other_org, "owner@example.com");
    other_owner.role = Role::Owner;
    b.store.create_user(&other_owner, &[]).await.unwrap();

    for (role, active) in [(Role::Owner, 1), (Role::PbxUser, 1), (Role::PbxAdmin, 0)] {
        let counted = b
            .store
            .count_active_users_with_role(org, role)
            .await
            .unwrap();
        assert_eq!(counted, active, "{role}");
    }
}

/// A change to a user and its audit entries are one write (issue 12.6): when an entry cannot be
/// written (here its id is taken, as a failing insert would be), the change is not kept either.
async fn a_user_change_whose_audit_entry_fails_is_not_kept(b: Backend) {
    let org = new_org(&b.store).await.id;
    let ann = add_user(&b.store, org, "ann@example.com").await;
    let taken = setup_audit(org, "user");
    let mut admin = ann.clone();
    admin.role = Role::PbxAdmin;
    b.store
        .update_user(&admin, std::slice::from_ref(&taken))
        .await
        .unwrap();

    let mut owner = admin.clone();
    owner.role = Role::Owner;
    let refused = b
        .store
        .update_user(&owner, &[setup_audit(org, "user"), taken.clone()])
        .await;
    assert!(refused.is_err(), "{refused:?}");
    assert!(b.store.delete_user(org, ann.id, &taken).await.is_err());
    assert_eq!(b.store.find_user(org, ann.id).await.unwrap(), admin);
}

async fn deleting_a_user_removes_tokens_and_unlinks_extensions(b: Backend) {
    let org = new_org(&b.store).await.id;
    let ann = add_user(&b.store, org, "ann@example.com").await;
    let session = add_token(&b.store, &ann).await;
    let mut phone = extension(org, "101");
    phone.user_id = Some(ann.id);
    b.store.create_extension(&phone, &[]).await.unwrap();

    b.store
        .delete_user(org, ann.id, &setup_audit(org, "user"))
        .await
        .unwrap();
    assert_not_found(b.store.find_user(org, ann.id).await);
    assert_not_found(b.store.find_api_token_by_hash(&session.token_hash).await);
    let unlinked = b.store.find_extension(org, phone.id).await.unwrap();
    assert_eq!(unlinked.user_id, None);
}

async fn token_is_found_by_hash_until_deleted_whatever_its_state(b: Backend) {
    let org = new_org(&b.store).await.id;
    let ann = add_user(&b.store, org, "ann@example.com").await;
    let mut expired = token(&ann, &unique());
    expired.expires_at = expired.created_at - 1;
    b.store.create_api_token(&expired, &[]).await.unwrap();

    assert_eq!(stored_token(&b.store, &expired.token_hash).await, expired);
    assert_not_found(b.store.find_api_token_by_hash(&unique()).await);
    assert_conflict(
        b.store
            .create_api_token(&token(&ann, &expired.token_hash), &[])
            .await,
        "api token",
    );
}

async fn revoking_keeps_the_first_revocation_time(b: Backend) {
    let org = new_org(&b.store).await.id;
    let ann = add_user(&b.store, org, "ann@example.com").await;
    let mut session = add_token(&b.store, &ann).await;
    let other = add_token(&b.store, &ann).await;

    b.store
        .revoke_api_token(org, session.id, 1_000, &[])
        .await
        .unwrap();
    b.store
        .revoke_api_token(org, session.id, 2_000, &[])
        .await
        .unwrap();
    session.revoked_at = Some(1_000);
    assert_eq!(stored_token(&b.store, &session.token_hash).await, session);
    assert_eq!(stored_token(&b.store, &other.token_hash).await, other);
    assert_not_found(
        b.store
            .revoke_api_token(org, TokenId::new(), 1_000, &[])
            .await,
    );
}

async fn revoking_all_of_a_users_tokens_leaves_others_alone(b: Backend) {
    let org = new_org(&b.store).await.id;
    let ann = add_user(&b.store, org, "ann@example.com").await;
    let bob = add_user(&b.store, org, "bob@example.com").await;
    let old = add_token(&b.store, &ann).await;
    b.store
        .revoke_api_token(org, old.id, 500, &[])
        .await
        .unwrap();
    let laptop = add_token(&b.store, &ann).await;
    let phone = add_token(&b.store, &ann).await;
    let bobs = add_token(&b.store, &bob).await;

    assert_eq!(
        b.store
            .revoke_user_api_tokens(org, ann.id, 9_000)
            .await
            .unwrap(),
        2
    );
    for (token, revoked_at) in [
        (old, Some(500)),
        (laptop, Some(9_000)),
        (phone, Some(9_000)),
        (bobs, None),
    ] {
        let stored = stored_token(&b.store, &token.token_hash).await;
        assert_eq!(stored.revoked_at, revoked_at);
    }
}

async fn tokens_never_cross_organizations(b: Backend) {
    let mine = new_org(&b.store).await.id;
    let theirs = new_org(&b.store).await.id;
    let eve = add_user(&b.store, theirs, "eve@example.com").await;
    let mut forged = token(&eve, &unique());
    forged.organization_id = mine;
    assert_not_found(b.store.create_api_token(&forged, &[]).await);
    assert_not_found(b.store.find_api_token_by_hash(&forged.token_hash).await);

    let eves = add_token(&b.store, &eve).await;
    assert_not_found(b.store.revoke_api_token(mine, eves.id, 1_000, &[]).await);
    assert_eq!(
        b.store
            .revoke_user_api_tokens(mine, eve.id, 1_000)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        stored_token(&b.store, &eves.token_hash).await.revoked_at,
        None
    );
}

opbx_tests::on_both_backends!(
    created_user_reads_back_by_id_and_email,
    update_saves_email_name_password_role_and_status,
    email_is_unique_within_an_organization_ignoring_case,
    login_lookup_finds_the_email_in_every_organization,
    another_organizations_user_is_not_found,
    unknown_user_is_not_found,
    list_searches_filters_and_pages_by_email,
    active_users_are_counted_by_role,
    a_user_change_whose_audit_entry_fails_is_not_kept,
    deleting_a_user_removes_tokens_and_unlinks_extensions,
    token_is_found_by_hash_until_deleted_whatever_its_state,
    revoking_keeps_the_first_revocation_time,
    revoking_all_of_a_users_tokens_leaves_others_alone,
    tokens_never_cross_organizations,
);
