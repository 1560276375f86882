use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use opbx_tests::Backend;
use serde_json::Value;
use tower::ServiceExt;

async fn get_health(b: &Backend) -> (StatusCode, Value) {
    let response = opbx::http::health::router(b.app_state())
        .oneshot(Request::get("/health").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&body).unwrap())
}

async fn health_reports_each_store(b: Backend) {
    let (status, body) = get_health(&b).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "ok");
    let (db, coord) = if b.name == "embedded" {
        ("sqlite", "memory")
    } else {
        ("mysql", "redis")
    };
    assert_eq!(body["database"]["backend"], db);
    assert_eq!(body["database"]["healthy"], true);
    assert_eq!(body["coordination"]["backend"], coord);
    assert_eq!(body["coordination"]["healthy"], true);
}

async fn health_is_503_naming_the_store_that_is_down(b: Backend) {
    b.store.close().await;
    let (status, body) = get_health(&b).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["status"], "degraded");
    assert_eq!(body["database"]["healthy"], false);
    assert_eq!(body["coordination"]["healthy"], true);
    let error = body["database"]["error"].as_str().unwrap();
    assert!(
        !error.contains("opbx:opbx"),
        "no credentials in health output: {error}"
    );
}

opbx_tests::on_both_backends!(
    health_reports_each_store,
    health_is_503_naming_the_store_that_is_down
);
