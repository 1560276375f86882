//! What a store outage must not take away (issue 16.1): `/health` answers within a second and
//! names the store that is down; sign-in keeps working while Redis is down, its attempts counted
//! in process instead; a stopped database costs a voice webhook one SQL deadline and the call is
//! still routed from the instance's copy of the configuration. The stores are taken away
//! through [`FaultProxy`]s, never stopped.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use opbx::adapters::redis::connection::DEFAULT_DEADLINE;
use opbx::adapters::sql::SqlStore;
use opbx::domain::ids::UserId;
use opbx::domain::model::{Role, Status, User};
use opbx::domain::now_ms;
use opbx::http::api::sign_in_throttle::FAILURES_PER_ACCOUNT_AND_ADDRESS;
use opbx::ports::call_logs::CallLogRepo;
use opbx::ports::users::UserRepo;
use opbx_tests::fault_proxy::{FaultProxy, Mode, upstream};
use opbx_tests::{Backend, test_database_url, test_redis_url, unique};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::fixture::Fixture;

async fn call(fx: &Fixture, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", "application/json")
        .body(body.map_or(Body::empty(), |b| Body::from(b.to_string())))
        .unwrap();
    let response = fx.app.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// A request's wait for a database connection in these tests (`OPBX_SQL_DEADLINE_MS`).
const SQL_DEADLINE: Duration = Duration::from_millis(300);

/// The production backend with Redis behind `redis` and, when given, MariaDB behind `mariadb`.
async fn behind(redis: &FaultProxy, mariadb: Option<&FaultProxy>) -> Fixture {
    let mut backend =
        Backend::production_via(&redis.url_for(&test_redis_url()), DEFAULT_DEADLINE).await;
    if let Some(proxy) = mariadb {
        backend.store =
            SqlStore::connect_with_deadline(&proxy.url_for(&test_database_url()), 4, SQL_DEADLINE)
                .await
                .expect("MariaDB through the proxy");
    }
    Fixture::new(backend).await
}

/// A new call to the sequential group of the fixture.
fn new_call(sid: &str) -> Value {
    json!({"CallSid": sid, "Session": format!("s-{sid}"), "From": "+14155550000",
           "To": "+12125550110", "Direction": "inbound"})
}

/// Redis and MariaDB each behind a proxy, and a first call routed, which leaves the instance a
/// copy of the configuration.
async fn routed_once_behind_proxies() -> (FaultProxy, FaultProxy, Fixture) {
    let redis = FaultProxy::start(upstream(&test_redis_url(), 6379)).await;
    let mariadb = FaultProxy::start(upstream(&test_database_url(), 3306)).await;
    let fx = behind(&redis, Some(&mariadb)).await;
    let first = fx
        .post("/webhooks/cloudonix/voice", new_call(&unique()))
        .await;
    assert!(first.doc().child("Dial").is_some(), "{}", first.body);
    (redis, mariadb, fx)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_database_costs_a_call_one_sql_deadline() {
    let (_redis, mariadb, fx) = routed_once_behind_proxies().await;
    // The port closes: new connections are refused, as by a stopped server, and sqlx retries
    // them until the deadline.
    drop(mariadb);
    tokio::time::sleep(Duration::from_millis(100)).await;
    routed_within_a_second(&fx, &unique(), "stopped").await;
}

/// A new call answered with a routed `<Dial>` from the instance's copy, within a second, while
/// the database is `state`.
async fn routed_within_a_second(fx: &Fixture, sid: &str, state: &str) {
    let asked = Instant::now();
    let during = fx.post("/webhooks/cloudonix/voice", new_call(sid)).await;
    let took = asked.elapsed();
    println!("voice webhook with the database {state}: {took:?}");
    assert_eq!(during.status, 200);
    assert!(
        during.doc().child("Dial").is_some(),
        "routed from the instance's copy: {}",
        during.body
    );
    assert!(took < Duration::from_secs(1), "answered in {took:?}");
}

/// A paused database (or a partition) answers nothing on connections already open, which no
/// pool timeout ends: each webhook statement has its own deadline instead, the call is routed
/// from the instance's copy, and its call log, written past the deadline, lands once the
/// database answers again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paused_database_costs_a_call_one_statement_deadline_and_loses_no_call_log() {
    let (_redis, mariadb, fx) = routed_once_behind_proxies().await;
    mariadb.set(Mode::Blackhole);
    let sids = [unique(), unique()];
    for sid in &sids {
        routed_within_a_second(&fx, sid, "paused").await;
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(
        fx.store().webhook_breaker_open(),
        "the probe got no answer either: webhooks skip the database"
    );
    mariadb.set(Mode::Pass);
    for sid in &sids {
        let mut found = false;
        for _ in 0..50 {
            if fx.store().find_call_log_by_sid(fx.org, sid).await.is_ok() {
                found = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(
            found,
            "the call log of {sid} written once the database answered"
        );
    }
    assert!(
        !fx.store().webhook_breaker_open(),
        "found back by the probe"
    );
}

/// A write slower than the deadline on a database that answers (a busy instance): the webhook
/// goes on at the deadline, the write lands after it, and the breaker stays closed because its
/// probe was answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_write_is_waited_for_until_the_deadline_and_still_lands() {
    let store = opbx_tests::mysql_store()
        .await
        .with_webhook_deadline(Duration::from_millis(20));
    let landed = std::sync::Arc::new(AtomicBool::new(false));
    let flag = landed.clone();
    let slow = move || {
        let flag = flag.clone();
        async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            flag.store(true, Ordering::SeqCst);
            Ok(())
        }
    };
    let answered = store.write_within_webhook_deadline("test", slow).await;
    assert!(
        answered.is_err(),
        "the webhook did not wait past the deadline"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(landed.load(Ordering::SeqCst), "the write went on");
    assert!(
        !store.webhook_breaker_open(),
        "the probe found the database"
    );
    assert_eq!(
        store
            .within_webhook_deadline(async { Ok(7) })
            .await
            .unwrap(),
        7
    );

    // An embedded SQLite file has no deadline: its statements wait only for each other.
    let (sqlite, _file) = opbx_tests::fresh_sqlite().await;
    let sqlite = sqlite.with_webhook_deadline(Duration::from_millis(20));
    let slow = || async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        Ok(8)
    };
    assert_eq!(
        sqlite
            .write_within_webhook_deadline("test", slow)
            .await
            .unwrap(),
        8
    );
}

async fn health_names_the_store_that_is_down(mode: Mode) {
    let redis = FaultProxy::start(upstream(&test_redis_url(), 6379)).await;
    let mariadb = FaultProxy::start(upstream(&test_database_url(), 3306)).await;
    let fx = behind(&redis, Some(&mariadb)).await;
    let (status, healthy) = call(&fx, "GET", "/health", None).await;
    assert_eq!((status, &healthy["status"]), (200, &json!("ok")));

    for (proxy, down, up) in [
        (&redis, "coordination", "database"),
        (&mariadb, "database", "coordination"),
    ] {
        proxy.set(mode);
        let asked = Instant::now();
        let (status, health) = call(&fx, "GET", "/health", None).await;
        let took = asked.elapsed();
        proxy.set(Mode::Pass);
        println!("health with the {down} {mode:?}: {took:?}: {health}");
        assert!(took < Duration::from_secs(1), "answered in {took:?}");
        assert_eq!(status, 503);
        assert_eq!(health["status"], "degraded");
        assert_eq!(health[down]["healthy"], false, "{health}");
        assert_eq!(health[up]["healthy"], true, "{health}");
        // The breaker's probe needs a moment to find Redis back.
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_names_a_blackholed_store_within_a_second() {
    health_names_the_store_that_is_down(Mode::Blackhole).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_names_a_refusing_store_within_a_second() {
    health_names_the_store_that_is_down(Mode::Refuse).await;
}

async fn sign_in_works_while_redis_is_down(mode: Mode) {
    let redis = FaultProxy::start(upstream(&test_redis_url(), 6379)).await;
    let fx = behind(&redis, None).await;
    let (email, password) = (
        format!("owner-{}@example.com", unique()),
        "correct horse battery staple",
    );
    let now = now_ms();
    fx.store()
        .create_user(
            &User {
                id: UserId::new(),
                organization_id: fx.org,
                email: email.clone(),
                name: "Owner".into(),
                password_hash: opbx::crypto::hash_password(password).unwrap(),
                role: Role::Owner,
                status: Status::Active,
                created_at: now,
                updated_at: now,
            },
            &[],
        )
        .await
        .unwrap();
    redis.set(mode);
    let login = |password: &str| json!({"email": email, "password": password});
    let (status, body) = call(&fx, "POST", "/api/v1/auth/login", Some(login(password))).await;
    assert_eq!(status, 200, "signed in with Redis {mode:?}: {body}");
    assert!(body["token"].is_string(), "{body}");

    // Failures still count, in this process: the limit per account and address holds (the
    // successful sign-in above counts for nothing).
    let mut statuses = Vec::new();
    for _ in 0..FAILURES_PER_ACCOUNT_AND_ADDRESS {
        statuses.push(
            call(&fx, "POST", "/api/v1/auth/login", Some(login("wrong")))
                .await
                .0,
        );
    }
    assert!(
        statuses.iter().all(|s| *s == 401),
        "wrong passwords refused: {statuses:?}"
    );
    let (status, body) = call(&fx, "POST", "/api/v1/auth/login", Some(login("wrong"))).await;
    assert_eq!(status, 429, "over the account's limit: {body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_works_while_redis_is_blackholed() {
    sign_in_works_while_redis_is_down(Mode::Blackhole).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_works_while_redis_refuses() {
    sign_in_works_while_redis_is_down(Mode::Refuse).await;
}
