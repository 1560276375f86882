//! Secrets: the ones the stack generates must be usable as generated (the encryption key decodes
//! to the 32-byte key `SecretBox` takes, the application user's secret gives a database URL), and
//! each function is given, and may read, only the secrets it uses.

use std::collections::BTreeSet;

use opbx::crypto::SecretBox;
use opbx::deployed_secrets;

use crate::cfn::{Template, one_or_many, referenced_ids, sub_text};

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
    assert_eq!(
        field, "key",
        "deployed_secrets::encryption_key reads the \"key\" field"
    );

    // Every symbol in every position, including the extremes of the alphabet.
    for (i, _) in ALPHANUMERIC.iter().enumerate() {
        let generated: String = (0..length)
            .map(|pos| ALPHANUMERIC[(i + pos * 7) % ALPHANUMERIC.len()] as char)
            .collect();
        let secret = serde_json::json!({ field: generated }).to_string();
        let key = deployed_secrets::encryption_key(&secret);
        assert!(
            SecretBox::from_base64(&key).is_ok(),
            "{secret} (a possible generated secret) does not give a valid key"
        );
    }
}

#[test]
fn the_application_user_secret_gives_a_database_url() {
    let template = Template::load();
    let generator = &template
        .resource("AppDatabaseSecret")
        .expect("AppDatabaseSecret")["Properties"]["GenerateSecretString"];
    let shape = sub_text(&generator["SecretStringTemplate"]).expect("a !Sub template");
    let mut secret: serde_json::Value = serde_json::from_str(
        &shape
            .replace("${DatabaseCluster.Endpoint.Address}", "db.example")
            .replace("${DatabaseCluster.Endpoint.Port}", "3306"),
    )
    .expect("the template is JSON");
    assert_eq!(secret["username"], "opbx_app");
    secret[generator["GenerateStringKey"].as_str().unwrap()] = "Ab3".into();
    let url = deployed_secrets::database_url(&secret.to_string()).unwrap();
    assert_eq!(
        url,
        "mysql://opbx_app:Ab3@db.example:3306/opbx?ssl-mode=required"
    );
    opbx::config::Config::from_lookup(|k| (k == "OPBX_DATABASE_URL").then(|| url.clone()))
        .expect("the configuration accepts the URL");
}

/// 18.3: no secret in any function's configuration, each function names exactly the secrets
/// `deployed_secrets::secrets_of` gives it, may read exactly those, and only `migrate` holds the
/// master credentials.
#[test]
fn each_function_gets_only_the_secrets_it_uses() {
    let template = Template::load();
    let globals = &template.doc["Globals"]["Function"]["Environment"]["Variables"];
    let secret_vars = [
        deployed_secrets::DATABASE,
        deployed_secrets::ENCRYPTION_KEY,
        deployed_secrets::APP_DATABASE,
        deployed_secrets::SMTP,
    ];
    for var in ["OPBX_DATABASE_URL", "OPBX_ENCRYPTION_KEY", "OPBX_SMTP_URL"]
        .into_iter()
        .chain(secret_vars)
    {
        assert!(globals.get(var).is_none(), "Globals must not set {var}");
    }
    let mut problems = Vec::new();
    for f in template.rust_functions() {
        let vars = &f.resource["Properties"]["Environment"]["Variables"];
        for plain in ["OPBX_DATABASE_URL", "OPBX_ENCRYPTION_KEY", "OPBX_SMTP_URL"] {
            if vars.get(plain).is_some() {
                problems.push(format!("{}: {plain} in plain configuration", f.binary));
            }
        }
        let named: Vec<&str> = secret_vars
            .into_iter()
            .filter(|v| vars.get(*v).is_some())
            .collect();
        let wanted = deployed_secrets::secrets_of(f.binary);
        if named != wanted {
            problems.push(format!("{}: names {named:?}, uses {wanted:?}", f.binary));
        }
        let mut given: BTreeSet<String> = BTreeSet::new();
        for var in &named {
            given.extend(referenced_ids(&vars[*var]));
        }
        if f.binary != "migrate" && given.contains("DatabaseSecret") {
            problems.push(format!(
                "{}: only migrate holds the master credentials",
                f.binary
            ));
        }
        let mut readable: BTreeSet<String> = BTreeSet::new();
        for policy in one_or_many(&f.resource["Properties"]["Policies"]) {
            for s in one_or_many(&policy["Statement"]) {
                let actions = one_or_many(&s["Action"]);
                if actions
                    .iter()
                    .any(|a| *a == "secretsmanager:GetSecretValue")
                {
                    readable.extend(referenced_ids(&s["Resource"]));
                }
            }
        }
        readable.retain(|id| !id.starts_with("AWS::"));
        given.retain(|id| !id.starts_with("AWS::"));
        if readable != given {
            problems.push(format!(
                "{}: may read {readable:?} but is given {given:?}",
                f.binary
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// ElastiCache Serverless speaks TLS only, so the Redis client must accept `rediss://`.
#[test]
fn the_redis_client_is_built_with_tls() {
    redis::Client::open("rediss://cache.example:6379/")
        .expect("rediss:// URLs need the redis crate's rustls features");
}
