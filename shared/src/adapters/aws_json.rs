//! Signed AWS requests for every AWS call OpBX makes: the JSON protocol (a signed HTTPS POST of a
//! JSON body, the action named by `X-Amz-Target`) for Secrets Manager's `GetSecretValue` at init,
//! SQS's messages and DynamoDB (in `opbx-aws`), and plain signed REST requests and presigned URLs
//! ([`AwsHttp`]) for S3's objects, SES and API Gateway's Management API. Requests go through the hyper client OpBX already has for
//! Cloudonix and are signed by `aws-sigv4` with the credentials Lambda puts in every function's
//! environment (its role's `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`):
//! neither a generated SDK crate nor `aws-config`'s provider chain, which made up about a quarter
//! of each function that linked them (their zips went over 5 MB).

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SignatureLocation,
    SigningInstructions, SigningParams, SigningSettings, UriPathNormalizationMode, sign,
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

impl AwsError {
    /// Whether the service refused with the error named `name` (the end of its `__type`, which
    /// may carry a namespace: `com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException`).
    pub fn refused_as(&self, name: &str) -> bool {
        matches!(self, Self::Refused { detail, .. }
            if detail.split_whitespace().next().and_then(|t| t.rsplit('#').next()) == Some(name))
    }
}

/// `s` with every byte but RFC 3986's unreserved ones percent-encoded: a path segment (or a
/// URL's user info) as AWS signs and expects it.
pub fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
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

/// The signed HTTP client of one AWS service: where it is, its region and the credentials.
pub struct AwsHttp {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    /// The signing name (`secretsmanager`, `sqs`, `s3`).
    name: &'static str,
    endpoint: String,
    region: String,
    credentials: Credentials,
    timeout: Duration,
}

/// An AWS setting from the environment, ignoring empty values.
fn aws_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// How a request is signed: the JSON protocol signs its body in the signature; S3 wants the
/// body's hash in `x-amz-content-sha256` and its paths signed as sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signing {
    Json,
    S3,
}

impl Signing {
    fn settings(self) -> SigningSettings {
        let mut settings = SigningSettings::default();
        if self == Self::S3 {
            settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
            settings.percent_encoding_mode = PercentEncodingMode::Single;
            settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
        }
        settings
    }
}

/// One answer: its status and body.
pub struct AwsAnswer {
    pub status: u16,
    pub body: Bytes,
}

impl AwsHttp {
    /// The region and credentials from the standard AWS environment (a Lambda's role);
    /// `endpoint` overrides where requests go (the SDKs' `AWS_ENDPOINT_URL_*` variables, read by
    /// the caller; tests use moto).
    pub fn from_env(
        name: &'static str,
        endpoint: Option<String>,
        timeout: Duration,
    ) -> Result<Self, AwsError> {
        Self::from_env_at_host(name, name, endpoint, timeout)
    }

    /// [`AwsHttp::from_env`] for a service whose regional host is not named after its signing
    /// name (SES: signed as `ses`, at `email.<region>.amazonaws.com`).
    pub fn from_env_at_host(
        name: &'static str,
        host: &str,
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
        let endpoint = endpoint.unwrap_or_else(|| format!("https://{host}.{region}.amazonaws.com"));
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
            name,
            endpoint: endpoint.trim_end_matches('/').to_owned(),
            region,
            credentials,
            timeout,
        })
    }

    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Sends `method` to `path` (from `/`, already percent-encoded) with `headers` and `body`,
    /// signed; any status is an answer, only a failure to talk is an error.
    pub async fn send(
        &self,
        signing: Signing,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Bytes,
    ) -> Result<AwsAnswer, AwsError> {
        let unreachable = |detail: String| AwsError::Unreachable {
            service: self.name,
            detail,
        };
        let uri = format!("{}{path}", self.endpoint);
        let host = self.host()?;
        let mut all = vec![("host", host.as_str())];
        all.extend_from_slice(headers);
        let mut settings = signing.settings();
        settings.signature_location = SignatureLocation::Headers;
        let instructions = self.sign(
            SignableRequest::new(
                method,
                uri.as_str(),
                all.iter().copied(),
                SignableBody::Bytes(&body),
            )
            .map_err(|e| config(&e))?,
            settings,
        )?;
        let mut builder = hyper::Request::builder().method(method).uri(uri.as_str());
        for (name, value) in &all {
            builder = builder.header(*name, *value);
        }
        let mut request = builder.body(Full::new(body)).map_err(|e| config(&e))?;
        instructions.apply_to_request_http1x(&mut request);
        let response = tokio::time::timeout(self.timeout, self.client.request(request))
            .await
            .map_err(|_| unreachable("timed out".into()))?
            .map_err(|e| unreachable(e.to_string()))?;
        let status = response.status().as_u16();
        let body = tokio::time::timeout(self.timeout, response.into_body().collect())
            .await
            .map_err(|_| unreachable("timed out".into()))?
            .map_err(|e| unreachable(e.to_string()))?
            .to_bytes();
        Ok(AwsAnswer { status, body })
    }

    /// A URL that lets its holder `GET` `path` without credentials until `expires_in` passes.
    pub fn presign_get(&self, path: &str, expires_in: Duration) -> Result<String, AwsError> {
        let uri = format!("{}{path}", self.endpoint);
        let host = self.host()?;
        let mut settings = Signing::S3.settings();
        settings.signature_location = SignatureLocation::QueryParams;
        settings.expires_in = Some(expires_in);
        let headers = [("host", host.as_str())];
        let instructions = self.sign(
            SignableRequest::new(
                "GET",
                uri.as_str(),
                headers.iter().copied(),
                SignableBody::UnsignedPayload,
            )
            .map_err(|e| config(&e))?,
            settings,
        )?;
        let mut request = hyper::Request::get(uri.as_str())
            .body(())
            .map_err(|e| config(&e))?;
        instructions.apply_to_request_http1x(&mut request);
        Ok(request.uri().to_string())
    }

    fn host(&self) -> Result<String, AwsError> {
        self.endpoint
            .parse::<hyper::Uri>()
            .ok()
            .and_then(|u| u.authority().map(|a| a.to_string()))
            .ok_or_else(|| AwsError::Config(format!("bad endpoint {}", self.endpoint)))
    }

    /// Signs `request` with `settings` as of now.
    fn sign(
        &self,
        request: SignableRequest<'_>,
        settings: SigningSettings,
    ) -> Result<SigningInstructions, AwsError> {
        let identity = self.credentials.clone().into();
        let params: SigningParams = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(self.name)
            .time(SystemTime::now())
            .settings(settings)
            .build()
            .map_err(|e| config(&e))?
            .into();
        Ok(sign(request, &params)
            .map_err(|e| config(&e))?
            .into_parts()
            .0)
    }
}

fn config(e: &dyn std::fmt::Display) -> AwsError {
    AwsError::Config(e.to_string())
}

/// A service spoken to in the JSON protocol.
pub struct AwsJsonClient {
    http: AwsHttp,
    service: Service,
}

impl AwsJsonClient {
    /// See [`AwsHttp::from_env`].
    pub fn from_env(
        service: Service,
        endpoint: Option<String>,
        timeout: Duration,
    ) -> Result<Self, AwsError> {
        Ok(Self {
            http: AwsHttp::from_env(service.name, endpoint, timeout)?,
            service,
        })
    }

    /// Calls `action` with `body`; the answer's JSON (`Null` when it has none).
    pub async fn call(&self, action: &'static str, body: &Value) -> Result<Value, AwsError> {
        let target = format!("{}.{action}", self.service.target_prefix);
        let headers = [
            ("content-type", self.service.content_type),
            ("x-amz-target", target.as_str()),
        ];
        let answer = self
            .http
            .send(
                Signing::Json,
                "POST",
                "/",
                &headers,
                Bytes::from(body.to_string()),
            )
            .await?;
        let json: Value = serde_json::from_slice(&answer.body).unwrap_or_default();
        if answer.status != 200 {
            let field = |k: &str| json[k].as_str().unwrap_or_default().to_owned();
            return Err(AwsError::Refused {
                service: self.service.name,
                action,
                status: answer.status,
                detail: format!("{} {}", field("__type"), field("message"))
                    .trim()
                    .to_owned(),
            });
        }
        Ok(json)
    }
}
