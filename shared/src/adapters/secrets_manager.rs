//! AWS Secrets Manager's `GetSecretValue`, the one call the functions make to it (at init, issue
//! 18.3). A SigV4-signed HTTPS POST through the hyper client OpBX already has for Cloudonix,
//! signed by `aws-sigv4` with the credentials Lambda puts in every function's environment (its
//! role's `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`): neither a generated
//! SDK crate nor `aws-config`'s provider chain, so a function that does not call AWS otherwise
//! links no AWS SDK (its zip stays small).
//!
//! The endpoint is the regional one unless the caller names another (the SDKs' variables
//! `AWS_ENDPOINT_URL_SECRETS_MANAGER` / `AWS_ENDPOINT_URL`, see `crate::deployed_secrets`;
//! tests use moto).

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    SignableBody, SignableRequest, SigningParams, SigningSettings, sign,
};
use aws_sigv4::sign::v4;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

const TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error("AWS configuration: {0}")]
    Config(String),
    #[error("Secrets Manager could not be reached: {0}")]
    Unreachable(String),
    /// Secrets Manager's error name and message (never the secret).
    #[error("Secrets Manager refused GetSecretValue for {secret}: {status} {detail}")]
    Refused {
        secret: String,
        status: u16,
        detail: String,
    },
    #[error("secret {0} has no SecretString")]
    NoString(String),
}

pub struct SecretsManager {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    endpoint: String,
    region: String,
    credentials: Credentials,
}

/// An AWS setting from the environment, ignoring empty values.
fn aws_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl SecretsManager {
    /// The region and credentials from the standard AWS environment (a Lambda's role);
    /// `endpoint` overrides where requests go (the endpoint variables, read by the caller).
    pub async fn connect(endpoint: Option<String>) -> Result<Self, SecretsError> {
        let region = aws_env("AWS_REGION")
            .or_else(|| aws_env("AWS_DEFAULT_REGION"))
            .ok_or_else(|| SecretsError::Config("no AWS region (AWS_REGION)".into()))?;
        let (Some(key_id), Some(secret)) = (
            aws_env("AWS_ACCESS_KEY_ID"),
            aws_env("AWS_SECRET_ACCESS_KEY"),
        ) else {
            return Err(SecretsError::Config(
                "no AWS credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)".into(),
            ));
        };
        let credentials = Credentials::new(
            key_id,
            secret,
            aws_env("AWS_SESSION_TOKEN"),
            None,
            "environment",
        );
        let endpoint =
            endpoint.unwrap_or_else(|| format!("https://secretsmanager.{region}.amazonaws.com"));
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(TIMEOUT));
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(rustls::crypto::aws_lc_rs::default_provider())
            .map_err(|e| SecretsError::Config(e.to_string()))?
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        Ok(Self {
            client: Client::builder(TokioExecutor::new()).build(https),
            endpoint: endpoint.trim_end_matches('/').to_owned(),
            region,
            credentials,
        })
    }

    /// The `SecretString` of the secret `id` (an ARN or a name).
    pub async fn secret_string(&self, id: &str) -> Result<String, SecretsError> {
        let body = serde_json::json!({ "SecretId": id }).to_string();
        let request = self.signed(body).await?;
        let response = tokio::time::timeout(TIMEOUT, self.client.request(request))
            .await
            .map_err(|_| SecretsError::Unreachable("timed out".into()))?
            .map_err(|e| SecretsError::Unreachable(e.to_string()))?;
        let status = response.status().as_u16();
        let bytes = tokio::time::timeout(TIMEOUT, response.into_body().collect())
            .await
            .map_err(|_| SecretsError::Unreachable("timed out".into()))?
            .map_err(|e| SecretsError::Unreachable(e.to_string()))?
            .to_bytes();
        let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
        if status != 200 {
            let field = |k: &str| json[k].as_str().unwrap_or_default().to_owned();
            return Err(SecretsError::Refused {
                secret: id.to_owned(),
                status,
                detail: format!("{} {}", field("__type"), field("message"))
                    .trim()
                    .to_owned(),
            });
        }
        json["SecretString"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| SecretsError::NoString(id.to_owned()))
    }

    async fn signed(&self, body: String) -> Result<hyper::Request<Full<Bytes>>, SecretsError> {
        let identity = self.credentials.clone().into();
        let uri = format!("{}/", self.endpoint);
        let host = uri
            .parse::<hyper::Uri>()
            .ok()
            .and_then(|u| u.authority().map(|a| a.to_string()))
            .ok_or_else(|| SecretsError::Config(format!("bad endpoint {}", self.endpoint)))?;
        let headers = [
            ("host", host.as_str()),
            ("content-type", "application/x-amz-json-1.1"),
            ("x-amz-target", "secretsmanager.GetSecretValue"),
        ];
        let params: SigningParams = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name("secretsmanager")
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| SecretsError::Config(e.to_string()))?
            .into();
        let signable = SignableRequest::new(
            "POST",
            uri.as_str(),
            headers.iter().copied(),
            SignableBody::Bytes(body.as_bytes()),
        )
        .map_err(|e| SecretsError::Config(e.to_string()))?;
        let (instructions, _) = sign(signable, &params)
            .map_err(|e| SecretsError::Config(e.to_string()))?
            .into_parts();
        let mut builder = hyper::Request::post(uri.as_str());
        for (name, value) in headers {
            builder = builder.header(name, value);
        }
        let mut request = builder
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| SecretsError::Config(e.to_string()))?;
        instructions.apply_to_request_http1x(&mut request);
        Ok(request)
    }
}
