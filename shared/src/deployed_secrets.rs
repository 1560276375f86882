//! Secrets of a deployed function (issue 18.3): not in its configuration, where anyone with
//! `lambda:GetFunctionConfiguration` reads them, but in Secrets Manager, read once at init. Each
//! function's configuration names only the secrets it uses (the table [`secrets_of`], which
//! the deploy tests hold `infra/template.yaml` to), and its role may read only those.
//!
//! | variable | secret | becomes |
//! |---|---|---|
//! | `OPBX_DATABASE_SECRET_ARN` | a `mysql://…` URL, or RDS-style JSON (`username`, `password`, `host`, `port`, `dbname`) | `OPBX_DATABASE_URL` |
//! | `OPBX_ENCRYPTION_KEY_SECRET_ARN` | the base64 key, or JSON `{"key": …}` as the template generates it | `OPBX_ENCRYPTION_KEY` |
//! | `OPBX_SMTP_SECRET_ARN` (functions that mail: api-auth, api-users, api-platform) | an SMTP URL with credentials, e.g. Amazon SES's SMTP interface `smtps://USER:PASS@email-smtp.REGION.amazonaws.com` | `OPBX_SMTP_URL` |
//! | `OPBX_APP_DATABASE_SECRET_ARN` (migrate only) | the application's database user, URL or JSON | the user `migrate` creates with data-only grants |
//!
//! Functions connect as that application user; only `migrate` holds the master credentials.

use std::collections::HashMap;

use crate::adapters::aws_json::percent_encode;
use crate::adapters::secrets_manager::{SecretsError, SecretsManager};
use crate::config::{Config, ConfigError};

pub const DATABASE: &str = "OPBX_DATABASE_SECRET_ARN";
pub const ENCRYPTION_KEY: &str = "OPBX_ENCRYPTION_KEY_SECRET_ARN";
pub const APP_DATABASE: &str = "OPBX_APP_DATABASE_SECRET_ARN";
pub const SMTP: &str = "OPBX_SMTP_SECRET_ARN";

/// The functions that send invitations and password-reset links.
const MAILERS: &[&str] = &["api-auth", "api-users", "api-platform"];

/// The functions whose code seals, opens or signs with the deployment key.
const KEY_USERS: &[&str] = &[
    "webhook-voice",
    "webhook-gather",
    "webhook-dial",
    "api-routing",
    "api-extensions",
    "api-conference-rooms",
    "api-settings",
    // Opens the Cloudonix API key, SIP passwords and the staged webhook key.
    "jobs-worker",
];

/// The secret variables a function (by its binary name) is given.
pub fn secrets_of(function: &str) -> &'static [&'static str] {
    match function {
        // Reads DynamoDB and posts to connections: no database, no key.
        "presence-fanout" => &[],
        // The master credentials, the application user to create, the key to re-seal with.
        "migrate" => &[DATABASE, ENCRYPTION_KEY, APP_DATABASE],
        f if KEY_USERS.contains(&f) => &[DATABASE, ENCRYPTION_KEY],
        f if MAILERS.contains(&f) => &[DATABASE, SMTP],
        _ => &[DATABASE],
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretValueError {
    #[error(transparent)]
    Fetch(#[from] SecretsError),
    #[error("the secret named by {var} is not {expected}")]
    Shape {
        var: &'static str,
        expected: &'static str,
    },
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// The configuration from `get` (the environment), with the settings whose secrets `get`
/// names read from Secrets Manager (`AWS_ENDPOINT_URL_SECRETS_MANAGER` or `AWS_ENDPOINT_URL`
/// redirect it). Without secret variables nothing is fetched.
pub async fn config(
    get: impl Fn(&str) -> Option<String>,
) -> Result<(Config, Option<DatabaseUser>), SecretValueError> {
    let mut resolved = HashMap::new();
    let mut app_user = None;
    let named: Vec<(&'static str, String)> = [DATABASE, ENCRYPTION_KEY, APP_DATABASE, SMTP]
        .into_iter()
        .filter_map(|var| get(var).map(|arn| (var, arn)))
        .collect();
    if !named.is_empty() {
        let endpoint = get("AWS_ENDPOINT_URL_SECRETS_MANAGER").or_else(|| get("AWS_ENDPOINT_URL"));
        let manager = SecretsManager::connect(endpoint).await?;
        for (var, arn) in named {
            let raw = manager.secret_string(&arn).await?;
            match var {
                DATABASE => {
                    resolved.insert("OPBX_DATABASE_URL", database_url(&raw)?);
                }
                ENCRYPTION_KEY => {
                    resolved.insert("OPBX_ENCRYPTION_KEY", encryption_key(&raw));
                }
                SMTP => {
                    resolved.insert("OPBX_SMTP_URL", raw.trim().to_owned());
                }
                _ => app_user = Some(DatabaseUser::parse(&raw)?),
            }
        }
    }
    let config = Config::from_lookup(|k| resolved.get(k).cloned().or_else(|| get(k)))?;
    Ok((config, app_user))
}

/// Credentials of a database user.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUser {
    pub name: String,
    pub password: String,
}

impl std::fmt::Debug for DatabaseUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DatabaseUser({}, ***)", self.name)
    }
}

impl DatabaseUser {
    /// From a `mysql://user:password@…` URL or JSON with `username` and `password`.
    pub fn parse(raw: &str) -> Result<Self, SecretValueError> {
        let bad = || SecretValueError::Shape {
            var: APP_DATABASE,
            expected: "a mysql:// URL or JSON with username and password",
        };
        let raw = raw.trim();
        if let Some(rest) = raw.strip_prefix("mysql://") {
            let (creds, _) = rest.rsplit_once('@').ok_or_else(bad)?;
            let (name, password) = creds.split_once(':').ok_or_else(bad)?;
            return Ok(Self {
                name: percent_decode(name),
                password: percent_decode(password),
            });
        }
        let json: serde_json::Value = serde_json::from_str(raw).map_err(|_| bad())?;
        let field = |k: &str| json[k].as_str().map(str::to_owned).ok_or_else(bad);
        Ok(Self {
            name: field("username")?,
            password: field("password")?,
        })
    }
}

/// A `mysql://` URL as it is, or one built from RDS-style JSON (always over TLS).
pub fn database_url(raw: &str) -> Result<String, SecretValueError> {
    let raw = raw.trim();
    if raw.starts_with("mysql://") {
        return Ok(raw.to_owned());
    }
    let bad = || SecretValueError::Shape {
        var: DATABASE,
        expected: "a mysql:// URL or JSON with username, password and host",
    };
    let json: serde_json::Value = serde_json::from_str(raw).map_err(|_| bad())?;
    let text = |k: &str| json[k].as_str().map(str::to_owned);
    let user = DatabaseUser::parse(raw).map_err(|_| bad())?;
    let host = text("host").ok_or_else(bad)?;
    let port = match &json["port"] {
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::String(s) => s.clone(),
        _ => "3306".into(),
    };
    let db = text("dbname").unwrap_or_else(|| "opbx".into());
    Ok(format!(
        "mysql://{}:{}@{host}:{port}/{db}?ssl-mode=required",
        percent_encode(&user.name),
        percent_encode(&user.password)
    ))
}

/// The key as stored; the secret the template generates is `{"key": <42 alphanumerics>}`, which
/// with `A=` appended is base64 of exactly 32 bytes (what releases before 18.3 spliced into the
/// configuration, so existing sealed values still open).
pub fn encryption_key(raw: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(raw.trim()) {
        Ok(json) => match json["key"].as_str() {
            Some(k) if k.len() == 42 => format!("{k}A="),
            Some(k) => k.to_owned(),
            None => raw.trim().to_owned(),
        },
        Err(_) => raw.trim().to_owned(),
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1..i + 3)) {
            (b'%', Some(hex)) => {
                match u8::from_str_radix(std::str::from_utf8(hex).unwrap_or(""), 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            (b, _) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_secrets_are_urls_or_rds_json() {
        assert_eq!(
            database_url(" mysql://a:b@h:3306/x ").unwrap(),
            "mysql://a:b@h:3306/x"
        );
        assert_eq!(
            database_url(r#"{"username":"opbx_app","password":"p@ss/w:rd","host":"db.aws","port":3307,"dbname":"pbx"}"#)
                .unwrap(),
            "mysql://opbx_app:p%40ss%2Fw%3Ard@db.aws:3307/pbx?ssl-mode=required"
        );
        assert_eq!(
            database_url(r#"{"username":"u","password":"p","host":"h"}"#).unwrap(),
            "mysql://u:p@h:3306/opbx?ssl-mode=required"
        );
        assert!(database_url(r#"{"username":"u","password":"p"}"#).is_err());
        assert!(database_url("hunter2").is_err());
    }

    #[test]
    fn users_come_from_urls_or_json_and_never_print_their_password() {
        let u = DatabaseUser::parse("mysql://app:p%40ss@h/db").unwrap();
        assert_eq!((u.name.as_str(), u.password.as_str()), ("app", "p@ss"));
        let j = DatabaseUser::parse(r#"{"username":"app","password":"pw"}"#).unwrap();
        assert_eq!(j.password, "pw");
        assert!(!format!("{j:?}").contains("pw"));
        assert!(DatabaseUser::parse("{}").is_err());
    }

    #[test]
    fn a_generated_key_becomes_the_32_byte_key() {
        let generated = format!(r#"{{"key":"{}"}}"#, "a".repeat(42));
        let key = encryption_key(&generated);
        assert!(crate::crypto::SecretBox::from_base64(&key).is_ok(), "{key}");
        assert_eq!(encryption_key(" abc= "), "abc=");
    }

    #[test]
    fn only_the_functions_using_the_key_get_it() {
        assert_eq!(secrets_of("api-ivr-menus"), [DATABASE]);
        // Invitations: the mail relay's credentials, and no key.
        assert_eq!(secrets_of("api-users"), [DATABASE, SMTP]);
        assert_eq!(secrets_of("webhook-voice"), [DATABASE, ENCRYPTION_KEY]);
        assert!(secrets_of("presence-fanout").is_empty());
        assert!(secrets_of("migrate").contains(&APP_DATABASE));
    }
}
