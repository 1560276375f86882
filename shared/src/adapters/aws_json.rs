//! The AWS JSON protocol (a signed HTTPS POST of a JSON body, the action named by
//! `X-Amz-Target`), for the few AWS calls `opbx` itself makes: Secrets Manager's `GetSecretValue`
//! at init and SQS's messages. Requests go through the hyper client OpBX already has for
//! Cloudonix and are signed by `aws-sigv4` with the credentials Lambda puts in every function's
//! environment (its role's `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`):
//! neither a generated SDK crate nor `aws-config`'s provider chain, so a function that does not
//! call AWS otherwise links no AWS SDK (its zip stays small).

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
use serde_json::Value;

#[derive(Debug, thiserror::Error)]
pub enum AwsError {
    #[error("AWS configuration: {0}")]
    Config(String),
    #[error("{service} could not be reached: {detail}")]
    Unreachable {
        service: &'static str,
        detail: String,
    },
    /// The service's error name and message.
    #[error("{service} refused {action}: {status} {detail}")]
    Refused {
        service: &'static str,
        action: &'static str,
        status: u16,
        detail: String,
    },
}

/// One AWS service spoken to in its JSON protocol.
#[derive(Debug, Clone, Copy)]
pub struct Service {
    /// The signing name and the endpoint's host prefix (`secretsmanager`, `sqs`).
    pub name: &'static str,
    /// `application/x-amz-json-1.0` or `-1.1`.
    pub content_type: &'static str,
    /// What precedes the action in `X-Amz-Target` (`secretsmanager`, `AmazonSQS`).
    pub target_prefix: &'static str,
}

pub struct AwsJsonClient {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    service: Service,
    endpoint: String,
    region: String,
    credentials: Credentials,
    timeout: Duration,
}

/// An AWS setting from the environment, ignoring empty values.
fn aws_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl AwsJsonClient {
    /// The region and credentials from the standard AWS environment (a Lambda's role);
    /// `endpoint` overrides where requests go (the SDKs' `AWS_ENDPOINT_URL_*` variables, read by
    /// the caller; tests use moto).
    pub fn from_env(
        service: Service,
        endpoint: Option<String>,
        timeout: Duration,
    ) -> Result<Self, AwsError> {
        let region = aws_env("AWS_REGION")
            .or_else(|| aws_env("AWS_DEFAULT_REGION"))
            .ok_or_else(|| AwsError::Config("no AWS region (AWS_REGION)".into()))?;
        let (Some(key_id), Some(secret)) = (
            aws_env("AWS_ACCESS_KEY_ID"),
            aws_env("AWS_SECRET_ACCESS_KEY"),
        ) else {
            return Err(AwsError::Config(
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
            endpoint.unwrap_or_else(|| format!("https://{}.{region}.amazonaws.com", service.name));
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(timeout));
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(rustls::crypto::aws_lc_rs::default_provider())
            .map_err(|e| AwsError::Config(e.to_string()))?
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        Ok(Self {
            client: Client::builder(TokioExecutor::new()).build(https),
            service,
            endpoint: endpoint.trim_end_matches('/').to_owned(),
            region,
            credentials,
            timeout,
        })
    }

    /// Calls `action` with `body`; the answer's JSON (`Null` when it has none).
    pub async fn call(&self, action: &'static str, body: &Value) -> Result<Value, AwsError> {
        let unreachable = |detail: String| AwsError::Unreachable {
            service: self.service.name,
            detail,
        };
        let request = self.signed(action, body.to_string())?;
        let response = tokio::time::timeout(self.timeout, self.client.request(request))
            .await
            .map_err(|_| unreachable("timed out".into()))?
            .map_err(|e| unreachable(e.to_string()))?;
        let status = response.status().as_u16();
        let bytes = tokio::time::timeout(self.timeout, response.into_body().collect())
            .await
            .map_err(|_| unreachable("timed out".into()))?
            .map_err(|e| unreachable(e.to_string()))?
            .to_bytes();
        let json: Value = serde_json::from_slice(&bytes).unwrap_or_default();
        if status != 200 {
            let field = |k: &str| json[k].as_str().unwrap_or_default().to_owned();
            return Err(AwsError::Refused {
                service: self.service.name,
                action,
                status,
                detail: format!("{} {}", field("__type"), field("message"))
                    .trim()
                    .to_owned(),
            });
        }
        Ok(json)
    }

    fn signed(&self, action: &str, body: String) -> Result<hyper::Request<Full<Bytes>>, AwsError> {
        let config = |e: &dyn std::fmt::Display| AwsError::Config(e.to_string());
        let identity = self.credentials.clone().into();
        let uri = format!("{}/", self.endpoint);
        let host = uri
            .parse::<hyper::Uri>()
            .ok()
            .and_then(|u| u.authority().map(|a| a.to_string()))
            .ok_or_else(|| AwsError::Config(format!("bad endpoint {}", self.endpoint)))?;
        let target = format!("{}.{action}", self.service.target_prefix);
        let headers = [
            ("host", host.as_str()),
            ("content-type", self.service.content_type),
            ("x-amz-target", target.as_str()),
        ];
        let params: SigningParams = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(self.service.name)
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| config(&e))?
            .into();
        let signable = SignableRequest::new(
            "POST",
            uri.as_str(),
            headers.iter().copied(),
            SignableBody::Bytes(body.as_bytes()),
        )
        .map_err(|e| config(&e))?;
        let (instructions, _) = sign(signable, &params)
            .map_err(|e| config(&e))?
            .into_parts();
        let mut builder = hyper::Request::post(uri.as_str());
        for (name, value) in headers {
            builder = builder.header(name, value);
        }
        let mut request = builder
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| config(&e))?;
        instructions.apply_to_request_http1x(&mut request);
        Ok(request)
    }
}
