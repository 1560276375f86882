use opbx::adapters::sql::SqlStore;
use opbx::ports::organizations::OrganizationRepo;

/// Several processes (Lambda cold starts, parallel deploys, tests) may migrate one database at
/// once; all must succeed and the schema must be applied exactly once.
#[tokio::test]
async fn concurrent_migrations_of_one_mysql_database_all_succeed() {
    let url = opbx_tests::empty_mysql_database().await;
    let mut runs = Vec::new();
    for _ in 0..6 {
        let url = url.clone();
        runs.push(tokio::spawn(async move {
            let store = SqlStore::connect(&url, 2).await.expect("connect");
            store.migrate().await
        }));
    }
    for run in runs {
        run.await
            .unwrap()
            .expect("every concurrent migrate succeeds");
    }
    let store = SqlStore::connect(&url, 2).await.unwrap();
    store.migrate().await.expect("migrating again is a no-op");
    assert_eq!(store.count_organizations().await.unwrap(), 0);
}

#[tokio::test]
async fn migrating_sqlite_twice_is_a_no_op() {
    let (store, _file) = opbx_tests::fresh_sqlite().await;
    store.migrate().await.expect("second migrate succeeds");
    assert_eq!(store.count_organizations().await.unwrap(), 0);
}
