//! The pool checks a connection before use only when it has been idle a while: a statement right
//! after another is sent at once, not after a ping.

use std::time::Duration;

use opbx::adapters::sql::SqlStore;
use sqlx::Row;

async fn status(store: &SqlStore, name: &str) -> i64 {
    let row = sqlx::query("SHOW SESSION STATUS WHERE Variable_name = ?")
        .bind(name.to_owned())
        .fetch_one(store.pool())
        .await
        .unwrap();
    row.try_get::<String, _>(1).unwrap().parse().unwrap()
}

async fn connection_id(store: &SqlStore) -> i64 {
    sqlx::query("SELECT CONNECTION_ID()")
        .fetch_one(store.pool())
        .await
        .unwrap()
        .try_get::<i64, _>(0)
        .unwrap()
}

/// Kills the one connection of `store`'s pool from a store of its own: the dead connection's id,
/// and that other store.
async fn kill_connection(store: &SqlStore, url: &str) -> (i64, SqlStore) {
    let dead = connection_id(store).await;
    let killer = SqlStore::connect(url, 1).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("KILL {dead}")))
        .execute(killer.pool())
        .await
        .unwrap();
    (dead, killer)
}

#[tokio::test]
async fn a_connection_used_moments_ago_is_not_pinged_first() {
    let url = opbx_tests::empty_mysql_database().await;
    let store = SqlStore::connect(&url, 1).await.unwrap();
    // One connection, so every statement below runs on it; its session counts its pings (as
    // admin commands).
    let first = status(&store, "Com_admin_commands").await;
    for _ in 0..5 {
        connection_id(&store).await;
    }
    // sqlx pings each connection as it returns to the pool (after the statement's answer, so
    // off its path): one ping for each of the six statements before the last reading, where a
    // check before use too made it two.
    assert_eq!(status(&store, "Com_admin_commands").await - first, 6);
}

#[tokio::test]
async fn a_connection_that_died_while_idle_is_replaced_before_use() {
    let url = opbx_tests::empty_mysql_database().await;
    let store = SqlStore::connect(&url, 1).await.unwrap();
    let (dead, _) = kill_connection(&store, &url).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let replaced = connection_id(&store).await;
    assert_ne!(
        replaced, dead,
        "the idle connection was checked and a new one opened"
    );
}

#[tokio::test]
async fn a_webhook_write_on_a_connection_that_died_moments_ago_goes_through_on_another() {
    let url = opbx_tests::empty_mysql_database().await;
    let store = SqlStore::connect(&url, 1).await.unwrap();
    sqlx::query("CREATE TABLE written (id INT PRIMARY KEY)")
        .execute(store.pool())
        .await
        .unwrap();
    let (_, killer) = kill_connection(&store, &url).await;
    // At once: the pool does not check a connection it handed out moments ago.
    let pool = store.pool().clone();
    store
        .write_within_webhook_deadline("test row", move || {
            let pool = pool.clone();
            async move {
                sqlx::query("INSERT INTO written (id) VALUES (1)")
                    .execute(&pool)
                    .await
                    .map(|_| ())
                    .map_err(|e| opbx::ports::store::StoreError::Unavailable(Box::new(e)))
            }
        })
        .await
        .expect("the write is made again on a live connection");
    let rows = sqlx::query("SELECT id FROM written")
        .fetch_all(killer.pool())
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
}
