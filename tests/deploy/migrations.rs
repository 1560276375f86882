//! The migrate function: run on each deploy, it accepts a database that is ahead of its code, so
//! a rolled-back deploy (which runs the previous migrate) does not fail, while `opbx-local` still
//! refuses; invoked by hand, it bootstraps the first owner.

use opbx::adapters::sql::SqlStore;
use opbx::crypto::SecretBox;
use opbx::deployed_secrets::DatabaseUser;
use opbx::lambda::MigrateSetup;
use opbx::ports::organizations::OrganizationRepo;

async fn a_newer_database_is_accepted_by_deploys_only(store: SqlStore) {
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (999999, 'from a newer release', 1, X'00', 0)",
    )
    .execute(store.pool())
    .await
    .expect("record a migration this build does not know");
    let refused = store.migrate().await;
    assert!(
        refused.is_err(),
        "a local start must not run an older build on a newer schema"
    );
    store
        .migrate_for_deploy()
        .await
        .expect("a deploy's migrate accepts the newer schema");
    assert_eq!(store.count_organizations().await.unwrap(), 0);
}

#[tokio::test]
async fn sqlite_newer_database_is_accepted_by_deploys_only() {
    let (store, _file) = opbx_tests::fresh_sqlite().await;
    a_newer_database_is_accepted_by_deploys_only(store).await;
}

#[tokio::test]
async fn mysql_newer_database_is_accepted_by_deploys_only() {
    let url = opbx_tests::empty_mysql_database().await;
    let store = SqlStore::connect(&url, 2).await.expect("connect");
    store
        .migrate_for_deploy()
        .await
        .expect("an empty database is migrated in full");
    a_newer_database_is_accepted_by_deploys_only(store).await;
}

fn setup(app_user: Option<DatabaseUser>) -> MigrateSetup {
    MigrateSetup {
        secrets: SecretBox::from_base64(&SecretBox::generate_key()).unwrap(),
        app_user,
    }
}

/// 18.3: functions connect as an application user that `migrate` (holding the master
/// credentials) creates: it reads and writes rows, and changes no schema.
#[tokio::test]
async fn migrate_creates_a_least_privilege_application_user() {
    let url = opbx_tests::empty_mysql_database().await;
    let master = SqlStore::connect(&url, 2).await.expect("connect");
    let name = format!("app_{}", &opbx_tests::unique().replace('-', "")[20..]);
    // A quote and a backslash: the password is escaped, not spliced.
    let password = format!("Pw'{}\\x", opbx_tests::unique().replace('-', ""));
    let user = DatabaseUser {
        name: name.clone(),
        password: password.clone(),
    };
    let setup = setup(Some(user));
    for _ in 0..2 {
        opbx::lambda::migrate_event(&master, &setup, &serde_json::json!({}))
            .await
            .expect("migrate creates (then updates) the user");
    }
    let (server, db) = url
        .trim_start_matches("mysql://")
        .split_once('@')
        .unwrap()
        .1
        .split_once('/')
        .unwrap();
    let encoded: String = password
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let app = SqlStore::connect(&format!("mysql://{name}:{encoded}@{server}/{db}"), 1)
        .await
        .expect("the application user logs in");
    opbx_tests::new_org(&app).await;
    assert_eq!(app.count_organizations().await.unwrap(), 1);
    for ddl in [
        "CREATE TABLE intruder (id INT)",
        "DROP TABLE organizations",
        "ALTER TABLE users ADD COLUMN x INT",
    ] {
        assert!(
            sqlx::query(ddl).execute(app.pool()).await.is_err(),
            "the application user must not run {ddl}"
        );
    }
    app.close().await;
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP USER '{name}'@'%'")))
        .execute(master.pool())
        .await
        .unwrap();
}

/// What an operator's `aws lambda invoke` of migrate answers, on a database of its own.
async fn migrate_events_bootstrap_the_first_owner_once(store: SqlStore) {
    use opbx::ports::users::UserRepo;
    use serde_json::json;
    let setup = setup(None);
    let migrate_event = |store: &SqlStore, event: serde_json::Value| {
        let (store, setup) = (store.clone(), &setup);
        async move { opbx::lambda::migrate_event(&store, setup, &event).await }
    };

    let plain = migrate_event(
        &store,
        json!({"source": "cloudformation", "request": "Update"}),
    )
    .await
    .expect("a deploy's event migrates");
    assert_eq!(plain, json!({"migrated": true}));
    assert_eq!(
        store.count_all_users().await.unwrap(),
        0,
        "deploys create no user"
    );

    let missing = migrate_event(&store, json!({"bootstrap": {}})).await;
    assert!(missing.unwrap_err().to_string().contains("email"));

    let first = migrate_event(
        &store,
        json!({"bootstrap": {"email": "Ops@Example.com", "organization": "Acme", "timezone": "Europe/Paris"}}),
    )
    .await
    .expect("bootstrap");
    assert_eq!(first["bootstrap"]["owner"], "ops@example.com");
    assert_eq!(first["bootstrap"]["organization"], "Acme");
    let password = first["bootstrap"]["generated_password"]
        .as_str()
        .expect("the generated password is answered once");
    let org = store.find_organization_by_slug("acme").await.unwrap();
    assert_eq!(org.timezone.name(), "Europe/Paris");
    let owner = store
        .find_user_by_email(org.id, "ops@example.com")
        .await
        .unwrap();
    assert!(opbx::crypto::verify_password(
        password,
        &owner.password_hash
    ));

    let again = migrate_event(
        &store,
        json!({"bootstrap": {"email": "someone@example.com"}}),
    )
    .await
    .expect("a second bootstrap is harmless");
    assert_eq!(
        again["bootstrap"],
        "skipped: the database already has users"
    );
    assert_eq!(store.count_all_users().await.unwrap(), 1);
}

#[tokio::test]
async fn sqlite_migrate_events_bootstrap_the_first_owner_once() {
    let (store, _file) = opbx_tests::fresh_sqlite().await;
    migrate_events_bootstrap_the_first_owner_once(store).await;
}

#[tokio::test]
async fn mysql_migrate_events_bootstrap_the_first_owner_once() {
    let store = SqlStore::connect(&opbx_tests::empty_mysql_database().await, 2)
        .await
        .expect("connect");
    migrate_events_bootstrap_the_first_owner_once(store).await;
}
