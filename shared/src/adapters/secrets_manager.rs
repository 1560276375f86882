//! AWS Secrets Manager's `GetSecretValue`, the one call the functions make to it (at init, issue
//! 18.3), through the signed JSON client of [`super::aws_json`].
//!
//! The endpoint is the regional one unless the caller names another (the SDKs' variables
//! `AWS_ENDPOINT_URL_SECRETS_MANAGER` / `AWS_ENDPOINT_URL`, see `crate::deployed_secrets`;
//! tests use moto).

use std::time::Duration;

use serde_json::json;

use super::aws_json::{AwsError, AwsJsonClient, Service};

const TIMEOUT: Duration = Duration::from_secs(5);

const SECRETS_MANAGER: Service = Service {
    name: "secretsmanager",
    content_type: "application/x-amz-json-1.1",
    target_prefix: "secretsmanager",
};

#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error(transparent)]
    Client(#[from] AwsError),
    /// Transport, or Secrets Manager's error name and message (never the secret).
    #[error("reading secret {secret}: {source}")]
    Read { secret: String, source: AwsError },
    #[error("secret {0} has no SecretString")]
    NoString(String),
}

pub struct SecretsManager {
    client: AwsJsonClient,
}

impl SecretsManager {
    /// The region and credentials from the standard AWS environment (a Lambda's role);
    /// `endpoint` overrides where requests go (the endpoint variables, read by the caller).
    pub async fn connect(endpoint: Option<String>) -> Result<Self, SecretsError> {
        Ok(Self {
            client: AwsJsonClient::from_env(SECRETS_MANAGER, endpoint, TIMEOUT)?,
        })
    }

    /// The `SecretString` of the secret `id` (an ARN or a name).
    pub async fn secret_string(&self, id: &str) -> Result<String, SecretsError> {
        let answer = self
            .client
            .call("GetSecretValue", &json!({ "SecretId": id }))
            .await
            .map_err(|source| SecretsError::Read {
                secret: id.to_owned(),
                source,
            })?;
        answer["SecretString"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| SecretsError::NoString(id.to_owned()))
    }
}
