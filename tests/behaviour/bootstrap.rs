use opbx::adapters::sql::SqlStore;
use opbx::bootstrap::{BootstrapError, ensure_first_owner};
use opbx::config::Bootstrap;
use opbx::domain::model::Role;
use opbx::ports::organizations::OrganizationRepo;
use opbx::ports::users::UserRepo;

fn settings(password: Option<&str>) -> Bootstrap {
    Bootstrap {
        organization: "Acme Dental".into(),
        timezone: "America/New_York".into(),
        email: "Owner@Acme.example".into(),
        password: password.map(str::to_owned),
    }
}

async fn first_start_creates_one_owner(store: SqlStore) {
    let done = ensure_first_owner(&store, &settings(None))
        .await
        .unwrap()
        .expect("bootstraps");
    assert_eq!(done.organization.slug, "acme-dental");
    assert_eq!(done.organization.timezone.name(), "America/New_York");
    let password = done
        .generated_password
        .expect("a generated password is returned once");

    let owner = store
        .find_user_by_email(done.organization.id, "owner@acme.example")
        .await
        .unwrap();
    assert_eq!(owner.role, Role::Owner);
    assert!(opbx::crypto::verify_password(
        &password,
        &owner.password_hash
    ));
    assert!(!owner.password_hash.contains(&password));

    // Every later start, from any process, leaves things as they are.
    assert!(
        ensure_first_owner(&store, &settings(None))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(store.count_organizations().await.unwrap(), 1);
    assert_eq!(store.count_all_users().await.unwrap(), 1);
}

async fn weak_bootstrap_password_is_refused(store: SqlStore) {
    match ensure_first_owner(&store, &settings(Some("password1"))).await {
        Err(BootstrapError::WeakPassword(_)) => {}
        other => panic!("expected a weak-password error, got {other:?}"),
    }
    assert_eq!(
        store.count_all_users().await.unwrap(),
        0,
        "nothing half-created"
    );
    let done = ensure_first_owner(&store, &settings(Some("a long enough passphrase")))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(done.generated_password, None);
}

mod embedded {
    #[tokio::test]
    async fn first_start_creates_one_owner() {
        let (store, _file) = opbx_tests::fresh_sqlite().await;
        super::first_start_creates_one_owner(store).await;
    }

    #[tokio::test]
    async fn weak_bootstrap_password_is_refused() {
        let (store, _file) = opbx_tests::fresh_sqlite().await;
        super::weak_bootstrap_password_is_refused(store).await;
    }
}

mod production {
    #[tokio::test]
    async fn first_start_creates_one_owner() {
        super::first_start_creates_one_owner(opbx_tests::fresh_mysql().await).await;
    }

    #[tokio::test]
    async fn weak_bootstrap_password_is_refused() {
        super::weak_bootstrap_password_is_refused(opbx_tests::fresh_mysql().await).await;
    }
}
