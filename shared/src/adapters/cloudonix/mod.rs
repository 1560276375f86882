//! The Cloudonix REST client (ARCHITECTURE §4): HTTPS with a timeout per request, retries with
//! exponential backoff that honour `Retry-After`, and a circuit breaker per domain.
//!
//! The API key travels only in the `Authorization` header (marked sensitive); it is never logged,
//! and anything Cloudonix echoes back is scrubbed of it before it becomes an error.

pub mod breaker;
mod endpoints;
mod recordings;
pub mod retry;

use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue, RETRY_AFTER, USER_AGENT};
use hyper::{Method, Request, StatusCode, Uri};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

use self::breaker::{BreakerPolicy, BreakerState, Breakers};
use self::retry::{RetryPolicy, parse_retry_after};
use crate::ports::cloudonix::{CloudonixError, CloudonixResult, DomainCredentials};

/// Where the API lives unless `OPBX_CLOUDONIX_API_URL` says otherwise.
pub const DEFAULT_API_URL: &str = "https://api.cloudonix.io";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientPolicy {
    /// For one attempt, from sending the request to the last byte of the answer.
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
    pub breaker: BreakerPolicy,
}

impl Default for ClientPolicy {
    fn default() -> Self {
        Self {
            // Admin requests run behind API Gateway's 30 s limit: leave room for a retry.
            request_timeout: Duration::from_secs(8),
            retry: RetryPolicy::default(),
            breaker: BreakerPolicy::default(),
        }
    }
}

pub struct HttpCloudonix {
    base_url: String,
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    policy: ClientPolicy,
    breakers: Breakers,
}

/// What one attempt produced, before deciding whether to try again.
enum Attempt {
    Answered {
        status: StatusCode,
        retry_after: Option<Duration>,
        body: Bytes,
    },
    /// No connection was opened, so the request certainly did not run.
    ConnectFailed(String),
    /// The request could not even be built (a bad base URL or key); trying again cannot help.
    Unsendable(String),
    /// The connection broke mid-exchange; the request may have run.
    Broken(String),
    TimedOut,
}

impl HttpCloudonix {
    /// `base_url` such as `https://api.cloudonix.io` (plain `http://` is for local fakes).
    pub fn new(base_url: &str, policy: ClientPolicy) -> Self {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(policy.request_timeout));
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(rustls::crypto::aws_lc_rs::default_provider())
            .expect("aws-lc-rs supports rustls' default protocol versions")
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            client: Client::builder(TokioExecutor::new()).build(https),
            policy,
            breakers: Breakers::new(policy.breaker),
        }
    }

    /// The circuit of one domain, for health reports and tests.
    pub fn breaker_state(&self, domain: &str) -> BreakerState {
        self.breakers.state(domain)
    }

    /// One logical call: admitted by the domain's breaker, retried as [`retry`] allows, with the
    /// outcome reported back to the breaker. The answer's JSON, or `Null` when it has no body.
    async fn call(
        &self,
        creds: &DomainCredentials,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> CloudonixResult<Value> {
        let pass = self.breakers.admit(&creds.domain)?;
        let result = self.call_with_retries(creds, &method, path, body).await;
        pass.finish(!matches!(
            result,
            Err(CloudonixError::Server { .. }
                | CloudonixError::Timeout(_)
                | CloudonixError::Unreachable(_)
                | CloudonixError::RateLimited { .. })
        ));
        result.map_err(|e| scrub(e, creds.api_key.expose()))
    }

    async fn call_with_retries(
        &self,
        creds: &DomainCredentials,
        method: &Method,
        path: &str,
        body: Option<&Value>,
    ) -> CloudonixResult<Value> {
        let idempotent = *method != Method::POST;
        let retry = self.policy.retry;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let started = Instant::now();
            let outcome = self.attempt(creds, method, path, body).await;
            let wait = match &outcome {
                Attempt::Answered {
                    status: StatusCode::TOO_MANY_REQUESTS,
                    retry_after,
                    ..
                } => Some(retry_after.unwrap_or_else(|| retry.backoff(attempt)))
                    .filter(|wait| *wait <= retry.max_retry_after),
                Attempt::Answered { status, .. }
                    if idempotent
                        && matches!(
                            *status,
                            StatusCode::BAD_GATEWAY
                                | StatusCode::SERVICE_UNAVAILABLE
                                | StatusCode::GATEWAY_TIMEOUT
                        ) =>
                {
                    Some(retry.backoff(attempt))
                }
                Attempt::ConnectFailed(_) => Some(retry.backoff(attempt)),
                Attempt::Broken(_) | Attempt::TimedOut if idempotent => {
                    Some(retry.backoff(attempt))
                }
                _ => None,
            };
            let status = match &outcome {
                Attempt::Answered { status, .. } => status.as_u16(),
                _ => 0,
            };
            tracing::debug!(
                %method, path, status, attempt,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "Cloudonix request"
            );
            match wait {
                Some(wait) if attempt < retry.max_attempts => {
                    tracing::warn!(
                        %method, path, status, attempt,
                        wait_ms = wait.as_millis() as u64,
                        "Cloudonix request failed; retrying"
                    );
                    tokio::time::sleep(wait).await;
                }
                _ => return self.interpret(outcome, attempt),
            }
        }
    }

    async fn attempt(
        &self,
        creds: &DomainCredentials,
        method: &Method,
        path: &str,
        body: Option<&Value>,
    ) -> Attempt {
        let uri: Uri = match format!("{}{path}", self.base_url).parse() {
            Ok(uri) => uri,
            Err(_) => return Attempt::Unsendable("the Cloudonix API URL is invalid".into()),
        };
        let mut auth = match HeaderValue::try_from(format!("Bearer {}", creds.api_key.expose())) {
            Ok(v) => v,
            Err(_) => {
                return Attempt::Unsendable(
                    "the API key contains characters a header cannot carry".into(),
                );
            }
        };
        auth.set_sensitive(true);
        let mut request = Request::builder()
            .method(method.clone())
            .uri(uri)
            .header(AUTHORIZATION, auth)
            .header(ACCEPT, "application/json")
            .header(USER_AGENT, concat!("opbx/", env!("CARGO_PKG_VERSION")));
        let payload = match body {
            Some(json) => {
                request = request.header(CONTENT_TYPE, "application/json");
                Bytes::from(json.to_string())
            }
            None => Bytes::new(),
        };
        let request = request
            .body(Full::new(payload))
            .expect("method, URI and headers were all validated");
        let exchange = async {
            let response = self.client.request(request).await.map_err(|e| {
                if e.is_connect() {
                    Attempt::ConnectFailed(error_chain(&e))
                } else {
                    Attempt::Broken(error_chain(&e))
                }
            })?;
            let (parts, body) = response.into_parts();
            let body = body
                .collect()
                .await
                .map_err(|e| Attempt::Broken(error_chain(&e)))?
                .to_bytes();
            let retry_after = parts
                .headers
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| parse_retry_after(v, jiff::Timestamp::now()));
            Ok(Attempt::Answered {
                status: parts.status,
                retry_after,
                body,
            })
        };
        match tokio::time::timeout(self.policy.request_timeout, exchange).await {
            Ok(Ok(answered)) | Ok(Err(answered)) => answered,
            Err(_) => Attempt::TimedOut,
        }
    }

    fn interpret(&self, outcome: Attempt, attempts: u32) -> CloudonixResult<Value> {
        let (status, retry_after, body) = match outcome {
            Attempt::Answered {
                status,
                retry_after,
                body,
            } => (status, retry_after, body),
            Attempt::ConnectFailed(e) | Attempt::Broken(e) | Attempt::Unsendable(e) => {
                return Err(CloudonixError::Unreachable(e));
            }
            Attempt::TimedOut => return Err(CloudonixError::Timeout(self.policy.request_timeout)),
        };
        match status.as_u16() {
            200..=299 if body.iter().all(u8::is_ascii_whitespace) => Ok(Value::Null),
            200..=299 => serde_json::from_slice(&body)
                .map_err(|e| CloudonixError::InvalidResponse(format!("not JSON: {e}"))),
            401 | 403 => Err(CloudonixError::Unauthorized {
                status: status.as_u16(),
            }),
            404 => Err(CloudonixError::NotFound),
            429 => Err(CloudonixError::RateLimited {
                attempts,
                retry_after,
            }),
            code @ 500.. => Err(CloudonixError::Server { status: code }),
            code => Err(CloudonixError::Rejected {
                status: code,
                message: explanation(&body),
            }),
        }
    }
}

/// Cloudonix explains refusals as `{"message": …}` (sometimes `{"status": false, "message": …}`)
/// or `{"error": …}`; anything else is shown as text, shortened.
fn explanation(body: &[u8]) -> String {
    let json: Option<Value> = serde_json::from_slice(body).ok();
    let text = json
        .as_ref()
        .and_then(|v| v.get("message").or_else(|| v.get("error")))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| String::from_utf8_lossy(body).into_owned());
    let text = text.trim();
    match text.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None if text.is_empty() => "no explanation given".to_owned(),
        None => text.to_owned(),
    }
}

/// The error and its causes on one line ("client error (Connect): tcp connect error: …").
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Cloudonix may echo a request back in an error; the key must not ride along into our errors.
fn scrub(e: CloudonixError, key: &str) -> CloudonixError {
    let clean = |s: String| {
        if key.is_empty() {
            s
        } else {
            s.replace(key, &crate::ports::cloudonix::mask_secret(key))
        }
    };
    match e {
        CloudonixError::Rejected { status, message } => CloudonixError::Rejected {
            status,
            message: clean(message),
        },
        CloudonixError::Unreachable(s) => CloudonixError::Unreachable(clean(s)),
        CloudonixError::InvalidResponse(s) => CloudonixError::InvalidResponse(clean(s)),
        other => other,
    }
}

/// A path segment with everything but unreserved characters percent-encoded, so a domain or
/// MSISDN can never change which resource a request addresses.
fn segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_cannot_escape_their_place_in_the_path() {
        assert_eq!(segment("acme.cloudonix.net"), "acme.cloudonix.net");
        assert_eq!(segment("../apikeys"), "..%2Fapikeys");
        assert_eq!(segment("a b?c#d"), "a%20b%3Fc%23d");
    }

    #[test]
    fn explanations_come_from_the_json_message_or_the_text() {
        assert_eq!(
            explanation(br#"{"status":false,"message":"msisdn taken"}"#),
            "msisdn taken"
        );
        assert_eq!(explanation(b"Bad Gateway"), "Bad Gateway");
        assert_eq!(explanation(b""), "no explanation given");
        assert_eq!(explanation(&[b'x'; 300]).chars().count(), 201);
    }

    #[test]
    fn scrubbing_masks_an_echoed_key() {
        let key = "XI0123456789abcdefghijklmnopqrstuv";
        let e = scrub(
            CloudonixError::Rejected {
                status: 400,
                message: format!("bad token {key}"),
            },
            key,
        );
        assert_eq!(
            e.to_string(),
            "Cloudonix refused the request (HTTP 400): bad token XI…stuv"
        );
    }
}
