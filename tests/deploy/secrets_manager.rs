//! Functions read their secrets from Secrets Manager at init (issue 18.3), tested against moto:
//! the signed `GetSecretValue` call, and the values as the template stores them.

use opbx::crypto::SecretBox;
use opbx::deployed_secrets::{self, DATABASE, ENCRYPTION_KEY};
use opbx_tests::realtime::http;

/// Moto's address, from the environment the test command exports (never skipped).
fn moto() -> String {
    std::env::var("AWS_ENDPOINT_URL_SECRETS_MANAGER").unwrap_or_else(|_| {
        panic!(
            "AWS_ENDPOINT_URL_SECRETS_MANAGER is not set: run `eval \"$(bash scripts/moto.sh)\"` \
             (scripts/test.sh does it)"
        )
    })
}

/// Creates a secret in moto and answers its ARN.
async fn create_secret(value: &str) -> String {
    let endpoint = moto();
    let addr = endpoint.trim_start_matches("http://").parse().unwrap();
    let body = serde_json::json!({
        "Name": format!("opbx-test-{}", opbx_tests::unique()),
        "SecretString": value,
    });
    let (status, answer) = http(
        addr,
        "POST",
        "/",
        &[
            ("Content-Type", "application/x-amz-json-1.1"),
            ("X-Amz-Target", "secretsmanager.CreateSecret"),
            (
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/secretsmanager/aws4_request, SignedHeaders=host, Signature=0",
            ),
        ],
        body.to_string().as_bytes(),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let json: serde_json::Value = serde_json::from_str(&answer).unwrap();
    json["ARN"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn secrets_named_by_the_configuration_are_read_at_init() {
    let database = create_secret("mysql://opbx_app:Ab3@db.example:3306/opbx").await;
    let generated = "Q".repeat(42);
    let key = create_secret(&serde_json::json!({ "key": generated }).to_string()).await;
    let endpoint = moto();
    let lookup = |name: &str| match name {
        DATABASE => Some(database.clone()),
        ENCRYPTION_KEY => Some(key.clone()),
        "AWS_ENDPOINT_URL_SECRETS_MANAGER" => Some(endpoint.clone()),
        _ => None,
    };
    let (config, app_user) = deployed_secrets::config(lookup)
        .await
        .expect("secrets read");
    assert_eq!(
        config.database_url,
        "mysql://opbx_app:Ab3@db.example:3306/opbx"
    );
    let key = config.encryption_key.expect("the key");
    assert!(SecretBox::from_base64(&key).is_ok(), "{key}");
    assert!(app_user.is_none());

    // A function given only the database never asks for the key.
    let only_db = |name: &str| match name {
        DATABASE => Some(database.clone()),
        "AWS_ENDPOINT_URL_SECRETS_MANAGER" => Some(endpoint.clone()),
        _ => None,
    };
    let (config, _) = deployed_secrets::config(only_db).await.unwrap();
    assert_eq!(config.encryption_key, None);

    // A missing secret is an init error naming it, not a panic.
    let missing = |name: &str| match name {
        DATABASE => Some("arn:aws:secretsmanager:us-east-1:123456789012:secret:nope".into()),
        "AWS_ENDPOINT_URL_SECRETS_MANAGER" => Some(endpoint.clone()),
        _ => None,
    };
    let error = deployed_secrets::config(missing)
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("nope"), "{error}");
}
