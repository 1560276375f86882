//! Secrets the stack generates must be usable as generated: the encryption key must decode to the
//! 32-byte key `SecretBox` takes, and the database password must fit in a URL unescaped.

use opbx::crypto::SecretBox;

use crate::cfn::{Template, sub_text};

/// Secrets Manager's alphabet with `ExcludePunctuation: true`.
const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

#[test]
fn a_generated_encryption_key_is_a_valid_secretbox_key() {
    let template = Template::load();
    let generator = &template
        .resource("EncryptionKeySecret")
        .expect("EncryptionKeySecret")["Properties"]["GenerateSecretString"];
    assert_eq!(generator["ExcludePunctuation"], true);
    let length = generator["PasswordLength"].as_u64().unwrap() as usize;
    let field = generator["GenerateStringKey"].as_str().unwrap();

    let env =
        &template.doc["Globals"]["Function"]["Environment"]["Variables"]["OPBX_ENCRYPTION_KEY"];
    let created = sub_text(&env["Fn::If"][1]).expect("the created-key branch is a !Sub");
    let reference =
        format!("{{{{resolve:secretsmanager:${{EncryptionKeySecret}}:SecretString:{field}}}}}");
    let suffix = created
        .strip_prefix(&reference)
        .unwrap_or_else(|| panic!("{created} must start with {reference}"));

    // Every symbol in every position, including the extremes of the alphabet.
    for (i, _) in ALPHANUMERIC.iter().enumerate() {
        let generated: String = (0..length)
            .map(|pos| ALPHANUMERIC[(i + pos * 7) % ALPHANUMERIC.len()] as char)
            .collect();
        let key = format!("{generated}{suffix}");
        assert!(
            SecretBox::from_base64(&key).is_ok(),
            "{key:?} (a possible generated key) is not a valid OPBX_ENCRYPTION_KEY"
        );
    }
}

#[test]
fn a_generated_database_password_needs_no_escaping_in_the_url() {
    let template = Template::load();
    let generator = &template.resource("DatabaseSecret").expect("DatabaseSecret")["Properties"]["GenerateSecretString"];
    assert_eq!(
        generator["ExcludePunctuation"], true,
        "the password is spliced into mysql://user:password@host"
    );
    let url = sub_text(
        &template.doc["Globals"]["Function"]["Environment"]["Variables"]["OPBX_DATABASE_URL"]
            ["Fn::If"][1],
    )
    .expect("the created-database branch is a !Sub");
    assert!(url.starts_with("mysql://"), "{url}");
    let sample = url
        .replace(
            "{{resolve:secretsmanager:${DatabaseSecret}:SecretString:username}}",
            "opbx",
        )
        .replace(
            "{{resolve:secretsmanager:${DatabaseSecret}:SecretString:password}}",
            "Ab3",
        )
        .replace("${DatabaseCluster.Endpoint.Address}", "db.example")
        .replace("${DatabaseCluster.Endpoint.Port}", "3306");
    let config =
        opbx::config::Config::from_lookup(|k| (k == "OPBX_DATABASE_URL").then(|| sample.clone()))
            .expect("the configuration accepts the URL");
    assert_eq!(config.database_url, sample);
}

/// ElastiCache Serverless speaks TLS only, so the Redis client must accept `rediss://`.
#[test]
fn the_redis_client_is_built_with_tls() {
    redis::Client::open("rediss://cache.example:6379/")
        .expect("rediss:// URLs need the redis crate's rustls features");
}
