//! Request extractors whose rejections are problem documents instead of axum's plain text.
//!
//! - [`ApiJson<T>`]: the JSON body. Malformed JSON → 400; a well-formed body with a wrong type,
//!   a missing or an unknown field → 422 naming the field. Give body structs
//!   `#[serde(deny_unknown_fields)]` so a misspelt field is an error rather than silently ignored.
//! - [`Id<T>`]: a typed id from the `{id}` path segment. Text that is not an id cannot name an
//!   object, so it is a 404 like any other unknown id.
//! - [`nullable`]: for PATCH bodies, tells "absent" (leave as is) from `null` (clear it).
//! - [`client_ip`]: the address a request came from, for rate limits and the audit log.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use serde::de::DeserializeOwned;

use super::problem::{ApiError, FieldError};

/// A JSON request body, decoded with field-precise errors (see the module docs).
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

/// Bodies larger than this are refused before parsing: no configuration object comes close.
const MAX_BODY: usize = 256 * 1024;

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, ApiError> {
        if !is_json(req.headers()) {
            return Err(ApiError::unsupported_media_type());
        }
        let bytes = axum::body::to_bytes(req.into_body(), MAX_BODY)
            .await
            .map_err(|_| ApiError::bad_request("The body is too large or could not be read."))?;
        decode(&bytes).map(ApiJson)
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return false;
    };
    let Ok(value) = value.to_str() else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json")
        || essence.to_ascii_lowercase().ends_with("+json")
}

/// Decodes `bytes` as `T`: 400 for JSON that does not parse, 422 naming the field otherwise.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let not_json =
        |e: &serde_json::Error| ApiError::bad_request(format!("The body is not valid JSON: {e}."));
    // Serde would also read a struct from an array of its fields in order; bodies are objects.
    if bytes.trim_ascii_start().first() != Some(&b'{') {
        return Err(
            match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
                Err(e) => not_json(&e),
                Ok(_) => ApiError::invalid("", "the body must be a JSON object"),
            },
        );
    }
    let json: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| not_json(&e))?;
    serde_path_to_error::deserialize(whole_numbers(json)).map_err(|e| {
        let message = without_position(&e.inner().to_string()).to_owned();
        ApiError::validation(vec![field_error(field_path(e.path()), &message)])
    })
}

/// JSON has one number type: `5.0` is the integer 5 (as JSON Schema's `integer` says), so a
/// client whose language writes whole numbers with a point is not refused.
fn whole_numbers(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            if f.fract() == 0.0 && f.abs() < 2f64.powi(53) {
                Value::from(f as i64)
            } else {
                Value::Number(n)
            }
        }
        Value::Array(items) => items.into_iter().map(whole_numbers).collect(),
        Value::Object(map) => map
            .into_iter()
            .map(|(k, v)| (k, whole_numbers(v)))
            .collect(),
        other => other,
    }
}

/// Serde's "missing field `x`" is raised on the enclosing object; name the field itself
/// instead, as a client would point at it.
fn field_error(path: String, message: &str) -> FieldError {
    let join = |name: &str| {
        if path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        }
    };
    if let Some(name) = quoted_after(message, "missing field `") {
        return FieldError::new(join(name), "is required");
    }
    if let Some(name) = quoted_after(message, "unknown field `") {
        // A struct raises it while reading the key, so the path already ends with the field; a
        // destination raises it once it knows its type, on the object (`destination` → `.id`).
        let field = if path.rsplit(['.', ']']).next() == Some(name) {
            path.clone()
        } else {
            join(name)
        };
        let expected = message
            .split_once(", expected ")
            .map(|(_, e)| format!("; expected {e}"))
            .unwrap_or_default();
        return FieldError::new(field, format!("is not a known field{expected}"));
    }
    FieldError::new(path, message)
}

fn quoted_after<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    message.strip_prefix(prefix)?.split('`').next()
}

/// `serde_path_to_error` prints the root as `.`; problem documents use `""` for the whole body.
fn field_path(path: &serde_path_to_error::Path) -> String {
    let text = path.to_string();
    if text == "." { String::new() } else { text }
}

/// serde_json appends " at line 1 column 17", which means nothing in a field-level message.
fn without_position(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(at) if message[at..].contains(" column ") => &message[..at],
        _ => message,
    }
}

/// A typed id taken from the route's `{id}` segment; see the module docs.
#[derive(Debug, Clone, Copy)]
pub struct Id<T>(pub T);

impl<S: Send + Sync, T: FromStr + Send> FromRequestParts<S> for Id<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| ApiError::not_found())?;
        raw.parse().map(Id).map_err(|_| ApiError::not_found())
    }
}

/// `#[serde(default, with = "crate::http::api::extract::nullable")]` on an `Option<Option<T>>`
/// PATCH field: absent → `None` (keep), `null` → `Some(None)` (clear), a value → `Some(Some(v))`.
pub mod nullable {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        Option::<T>::deserialize(d).map(Some)
    }
}

/// The client's address as an extractor, for handlers that have no [`Caller`](super::caller::Caller)
/// (login); see [`client_ip`].
#[derive(Debug, Clone)]
pub struct SourceIp(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for SourceIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(client_ip(parts)))
    }
}

/// The client's address: the API Gateway's view of the caller in Lambda; locally the socket
/// peer, unless that peer is a reverse proxy on this host, whose `X-Forwarded-For` is then
/// trusted. Its *last* entry is the address the proxy saw: the leading entries are whatever the
/// client chose to send, and trusting them would let anyone dodge the per-IP login limit.
pub fn client_ip(parts: &Parts) -> Option<String> {
    if let Some(ip) = lambda_source_ip(parts) {
        return Some(ip);
    }
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    match peer {
        Some(ip) if !ip.is_loopback() => Some(ip.to_string()),
        peer => forwarded_for(&parts.headers)
            .or(peer)
            .map(|ip| ip.to_string()),
    }
}

fn forwarded_for(headers: &HeaderMap) -> Option<IpAddr> {
    // The last hop exactly: skipping an unreadable one would fall back to client-chosen text.
    let header = headers.get_all("x-forwarded-for").iter().next_back()?;
    header
        .to_str()
        .ok()?
        .rsplit(',')
        .next()?
        .trim()
        .parse()
        .ok()
}

fn lambda_source_ip(parts: &Parts) -> Option<String> {
    use lambda_http::request::RequestContext;
    match parts.extensions.get::<RequestContext>()? {
        RequestContext::ApiGatewayV2(c) => c.http.source_ip.clone(),
        RequestContext::ApiGatewayV1(c) => c.identity.source_ip.clone(),
        RequestContext::WebSocket(c) => c.identity.source_ip.clone(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Request;

    fn parts(xff: &[&str], peer: Option<&str>) -> Parts {
        let mut req = Request::builder().uri("/x");
        for v in xff {
            req = req.header("x-forwarded-for", *v);
        }
        let (mut parts, ()) = req.body(()).unwrap().into_parts();
        if let Some(peer) = peer {
            parts
                .extensions
                .insert(ConnectInfo::<SocketAddr>(peer.parse().unwrap()));
        }
        parts
    }

    #[test]
    fn the_client_address_is_the_one_a_trusted_hop_saw() {
        // Behind a local proxy (or in-process): the proxy's own entry, last in the list.
        let p = parts(&["6.6.6.6, 198.51.100.7"], Some("127.0.0.1:4000"));
        assert_eq!(client_ip(&p).as_deref(), Some("198.51.100.7"));
        let p = parts(&["6.6.6.6", "198.51.100.8"], None);
        assert_eq!(client_ip(&p).as_deref(), Some("198.51.100.8"));
        // A client-chosen header means nothing when the client is the peer.
        let p = parts(&["6.6.6.6"], Some("203.0.113.4:5000"));
        assert_eq!(client_ip(&p).as_deref(), Some("203.0.113.4"));
        // An unreadable last hop is not skipped in favour of an earlier, client-chosen one.
        let p = parts(&["6.6.6.6, garbage"], Some("127.0.0.1:4000"));
        assert_eq!(client_ip(&p).as_deref(), Some("127.0.0.1"));
        assert_eq!(client_ip(&parts(&[], None)), None);
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Patch {
        #[serde(default, with = "nullable")]
        note: Option<Option<String>>,
    }

    #[test]
    fn nullable_tells_absent_from_null() {
        assert_eq!(decode::<Patch>(b"{}").unwrap().note, None);
        assert_eq!(
            decode::<Patch>(br#"{"note": null}"#).unwrap().note,
            Some(None)
        );
        assert_eq!(
            decode::<Patch>(br#"{"note": "hi"}"#).unwrap().note,
            Some(Some("hi".into()))
        );
    }

    #[test]
    fn nested_errors_name_the_path() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Outer {
            #[allow(dead_code)]
            items: Vec<Patch>,
        }
        let e = decode::<Outer>(br#"{"items": [{"note": "a"}, {"note": 3}]}"#).unwrap_err();
        assert_eq!(
            e.problem().errors,
            [FieldError::new(
                "items[1].note",
                "invalid type: integer `3`, expected a string"
            )]
        );
        let e = decode::<Outer>(br#"{"items": [{}, {"nope": 1}]}"#).unwrap_err();
        assert_eq!(e.problem().errors[0].field, "items[1].nope");
        let e = decode::<Outer>(br#"{"items": [{"note": "a"}, {}], "x": 1}"#).unwrap_err();
        assert_eq!(e.problem().errors[0].field, "x");
    }
}
