//! api-call-logs-export as it runs on Lambda: its binary, polling a Runtime API, answering a
//! Function URL's events in response-streaming mode (the HTTP API would cut it at 6 MB).

use std::time::Duration;

use opbx::domain::model::Role;
use opbx_tests::Backend;
use opbx_tests::lambda_runtime::{Answer, LambdaProcess, Streamed, http_event};

use crate::call_logs::{call, frames, store_call, utc};
use crate::fixtures::Api;

const EXPORT: &str = "/api/v1/call-logs/export.csv";
const LIMIT: Duration = Duration::from_secs(60);

async fn start_function() -> LambdaProcess {
    let binary = opbx_tests::local::built_binary("api-call-logs-export");
    let log = opbx_tests::local::temp_dir().join("api-call-logs-export.log");
    let database = opbx_tests::test_database_url();
    let redis = opbx_tests::test_redis_url();
    LambdaProcess::start(
        &binary,
        &[
            ("OPBX_DATABASE_URL", database.as_str()),
            ("OPBX_REDIS_URL", redis.as_str()),
        ],
        &log,
    )
    .await
}

async fn export(function: &LambdaProcess, uri: &str, token: Option<&str>) -> Streamed {
    match function
        .invoke(http_event("GET", uri, token), true, LIMIT)
        .await
    {
        Answer::Streamed(streamed) => streamed,
        other => panic!("a streamed answer, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn on_lambda_the_export_streams_the_same_csv_to_its_own_organization_only() {
    let api = Api::new(Backend::production().await);
    let (ours, theirs) = (api.tenant().await, api.tenant().await);
    let base = utc("2026-05-01T00:00:00Z");
    // More than one store read (500 calls each), so the body has several pieces to stream.
    for i in 0..1_201 {
        store_call(&api.state, &call(ours.org.id, base + i * 1_000)).await;
    }
    let stranger = call(theirs.org.id, base);
    store_call(&api.state, &stranger).await;
    let owner = ours.token(&api.state, Role::Owner).await;
    let function = start_function().await;

    let answer = export(&function, EXPORT, Some(&owner)).await;
    assert_eq!(answer.status(), 200, "{}", answer.text());
    assert_eq!(
        answer.header("content-type"),
        "text/csv; charset=utf-8; header=present"
    );
    assert!(
        answer
            .header("content-disposition")
            .starts_with("attachment; filename=\"call-logs-")
    );
    // Byte for byte what opbx-local answers: the header and all 1 201 calls, none of theirs.
    let (_, _, local) = frames(&api, &owner, EXPORT).await;
    assert_eq!(answer.text(), local.concat());
    assert_eq!(answer.lines, 1_202);
    assert!(!answer.text().contains(&stranger.id.to_string()));
    assert!(
        answer.frames >= 3,
        "sent as read, in {} pieces",
        answer.frames
    );

    // Their owner gets their one call; filters apply as in the list.
    let other = theirs.token(&api.state, Role::Owner).await;
    let theirs_only = export(&function, EXPORT, Some(&other)).await;
    assert_eq!(theirs_only.lines, 2);
    assert!(theirs_only.text().contains(&stranger.id.to_string()));
    let filtered = export(
        &function,
        &format!("{EXPORT}?from=2026-05-01T00:20:00Z"),
        Some(&owner),
    )
    .await;
    // The header and the last call, logged at 00:20:00.
    assert_eq!(filtered.lines, 2);

    // Without a session, or with a bad filter: a problem document, not a file.
    let anonymous = export(&function, EXPORT, None).await;
    assert_eq!(anonymous.status(), 401);
    assert!(
        anonymous
            .header("content-type")
            .starts_with("application/problem+json")
    );
    let bad = export(&function, &format!("{EXPORT}?status=x"), Some(&owner)).await;
    assert_eq!(bad.status(), 400);
    assert!(bad.text().contains("\"status\""), "{}", bad.text());
}
