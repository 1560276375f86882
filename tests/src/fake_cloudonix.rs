//! A local stand-in for Cloudonix (reference cloudonix.md §4): an axum server on 127.0.0.1 that
//! records every REST request and keeps a small model of domains, voice applications and
//! subscribers, so provisioning can be run against it end to end. Tests can script replies
//! (429 with `Retry-After`, 5xx, slow answers) ahead of the model for chosen requests.
//!
//! The model follows what the reference documents, including its quirks: keys are checked per
//! domain (`Authorization: Bearer`), a domain is addressed by name, numeric id or UUID, an empty
//! profile comes back as `[]`, `{id-or-msisdn}` path segments match an id before an MSISDN, and a
//! subscriber's `msisdn` is editable at creation only.
//!
//! It also plays Cloudonix's side of the customer endpoints: [`resolve`] follows an `action` or
//! `<Redirect>` URL from the document it came in, and [`FakeCloudonix::cdr`] /
//! [`FakeCloudonix::session_update`] build the requests a domain sends to the endpoints its
//! profile names, as [`Outgoing`] requests a test delivers.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    /// `None` when the request had no body.
    pub body: Option<Value>,
    pub at: Instant,
}

impl RecordedRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `"PUT /customers/self/domains/x"`, for asserting request sequences.
    pub fn line(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// A scripted answer.
#[derive(Debug, Clone)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Value,
    delay: Duration,
    /// After the delay, answer from the model instead of `status`/`body`.
    emulate: bool,
}

impl Reply {
    pub fn status(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: json!({ "status": false, "message": format!("scripted {status}") }),
            delay: Duration::ZERO,
            emulate: false,
        }
    }

    /// Waits, then answers as the model would: a slow but otherwise normal Cloudonix.
    pub fn slow(delay: Duration) -> Self {
        Self {
            delay,
            emulate: true,
            ..Self::status(200)
        }
    }

    pub fn retry_after(mut self, value: &str) -> Self {
        self.headers.push(("retry-after".into(), value.into()));
        self
    }

    pub fn body(mut self, body: Value) -> Self {
        self.body = body;
        self
    }

    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

struct Script {
    method: String,
    path: String,
    /// `None`: every matching request until cleared.
    remaining: Option<u32>,
    reply: Reply,
}

/// A request Cloudonix makes to a customer endpoint (a CDR, a session update).
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// The absolute URL, as the domain profile names it.
    pub url: String,
    /// `Authorization: Bearer …` when the request carries one.
    pub bearer: Option<String>,
    pub body: Value,
}

impl Outgoing {
    /// The path and query, for delivering the request to a router.
    pub fn path(&self) -> &str {
        path_of(&self.url)
    }
}

/// How a CDR names its domain. The format is known only from third-party code: `domain` is the
/// name and may be null, `owner.domain.uuid` the UUID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CdrDomain {
    Name,
    Uuid,
    /// Neither field: only `session.domainId`.
    Neither,
}

#[derive(Default)]
struct FakeDomain {
    id: u64,
    /// Unique across every fake, as Cloudonix's are across its domains: OpBX refuses a second
    /// organization on a domain UUID another one holds, and the tests share one database.
    uuid: String,
    name: String,
    api_key: String,
    default_application: Option<u64>,
    profile: Map<String, Value>,
    applications: Vec<Map<String, Value>>,
    subscribers: Vec<Map<String, Value>>,
}

/// Domain ids unique across fakes and test processes, as Cloudonix's are: a domain may be entered
/// by its id, and OpBX refuses a domain another organization holds (the tests share a database).
fn next_domain_id() -> u64 {
    static NEXT: std::sync::OnceLock<AtomicU64> = std::sync::OnceLock::new();
    NEXT.get_or_init(|| AtomicU64::new(opbx::domain::now_ms().unsigned_abs() * 1000))
        .fetch_add(1, Ordering::Relaxed)
}

impl FakeDomain {
    fn uuid(&self) -> String {
        self.uuid.clone()
    }

    fn profile_text(&self, key: &str) -> String {
        self.profile
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("the domain's profile has no {key}: provision it first"))
            .to_owned()
    }
}

#[derive(Default)]
struct Model {
    domains: HashMap<String, FakeDomain>,
    requests: Vec<RecordedRequest>,
    scripts: Vec<Script>,
    next_id: u64,
    /// Cloudonix's rate limit: at most this many requests in any window, 429 beyond.
    rate_limit: Option<(usize, Duration)>,
    refused: usize,
    /// Recordings by path: the domain whose key fetches them, and their bytes.
    recordings: HashMap<String, (String, Vec<u8>)>,
}

pub struct FakeCloudonix {
    /// `http://127.0.0.1:<port>`: the client's base URL.
    pub url: String,
    model: Arc<Mutex<Model>>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for FakeCloudonix {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl FakeCloudonix {
    pub async fn start() -> Self {
        // Cloudonix ids (and the UUIDs the fake derives from them) are unique across domains and
        // customers: each fake draws from its own range.
        static NEXT_RANGE: AtomicU64 = AtomicU64::new(100);
        let model = Arc::new(Mutex::new(Model {
            next_id: NEXT_RANGE.fetch_add(1_000_000, Ordering::Relaxed),
            ..Model::default()
        }));
        let app = Router::new().fallback(handle).with_state(model.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port for the fake Cloudonix");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            axum::serve(listener, app)
                .await
                .expect("fake Cloudonix serves");
        });
        Self { url, model, server }
    }

    fn model(&self) -> MutexGuard<'_, Model> {
        self.model.lock().unwrap()
    }

    /// A domain that accepts `api_key`, with an empty profile and nothing in it.
    pub fn add_domain(&self, name: &str, api_key: &str) {
        let mut m = self.model();
        let domain = FakeDomain {
            id: next_domain_id(),
            uuid: crate::unique(),
            name: name.to_owned(),
            api_key: api_key.to_owned(),
            ..FakeDomain::default()
        };
        m.domains.insert(name.to_owned(), domain);
    }

    /// A recording of `domain` (fetched with its key), as a `<Record>` action's `RecordingUrl`.
    pub fn add_recording(&self, domain: &str, name: &str, audio: Vec<u8>) -> String {
        let path = format!("/recordings/{domain}/{name}");
        let url = format!("{}{path}", self.url);
        self.model()
            .recordings
            .insert(path, (domain.to_owned(), audio));
        url
    }

    /// Cloudonix's retention has passed: the recording is gone.
    pub fn remove_recording(&self, url: &str) {
        self.model().recordings.remove(path_of(url));
    }

    /// Answers the next `times` requests `method path` (every one when `None`) with `reply`.
    pub fn script(&self, method: &str, path: &str, times: Option<u32>, reply: Reply) {
        self.model().scripts.push(Script {
            method: method.to_owned(),
            path: path.to_owned(),
            remaining: times,
            reply,
        });
    }

    /// Answers 429 (without `Retry-After`, as Cloudonix documents none) to any request beyond
    /// `requests` within a sliding `window`, as Cloudonix limits each domain.
    pub fn limit_rate(&self, requests: usize, window: Duration) {
        self.model().rate_limit = Some((requests, window));
    }

    /// How many requests the rate limit refused.
    pub fn refused(&self) -> usize {
        self.model().refused
    }

    pub fn clear_scripts(&self) {
        self.model().scripts.clear();
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.model().requests.clone()
    }

    /// The `METHOD path` lines of every request so far.
    pub fn lines(&self) -> Vec<String> {
        self.model().requests.iter().map(|r| r.line()).collect()
    }

    pub fn clear_requests(&self) {
        self.model().requests.clear();
    }

    /// The domain as `GET` would return it, plus its applications and subscribers.
    pub fn snapshot(&self, domain: &str) -> Value {
        let m = self.model();
        let d = &m.domains[domain];
        let mut v = domain_json(d);
        v["applications"] = json!(d.applications);
        v["subscribers"] = json!(d.subscribers);
        v
    }

    pub fn set_profile(&self, domain: &str, profile: Value) {
        let profile = profile.as_object().expect("a JSON object").clone();
        self.model().domains.get_mut(domain).unwrap().profile = profile;
    }

    /// A subscriber created outside OpBX (or whose link OpBX lost); returns its id.
    pub fn add_subscriber(&self, domain: &str, msisdn: &str, active: bool) -> u64 {
        let mut m = self.model();
        m.next_id += 1;
        let id = m.next_id;
        let sub =
            json!({ "id": id, "msisdn": msisdn, "sipPassword": "set-elsewhere", "active": active });
        let d = m.domains.get_mut(domain).unwrap();
        d.subscribers.push(sub.as_object().unwrap().clone());
        id
    }

    pub fn remove_subscriber(&self, domain: &str, id: u64) {
        let mut m = self.model();
        let d = m.domains.get_mut(domain).unwrap();
        d.subscribers.retain(|s| s["id"] != json!(id));
    }

    /// The domain's UUID (`GET` answers it as `uuid`).
    pub fn uuid(&self, domain: &str) -> String {
        self.model().domains[domain].uuid()
    }

    /// The CDR the domain posts to its `cdr-endpoint` when call `session_token` ends: no
    /// authentication, the domain named as `naming` says.
    pub fn cdr(
        &self,
        domain: &str,
        session_token: &str,
        disposition: &str,
        naming: CdrDomain,
    ) -> Outgoing {
        let m = self.model();
        let d = &m.domains[domain];
        let mut body = cdr_payload(session_token, disposition);
        body["session"]["domainId"] = json!(d.id);
        match naming {
            CdrDomain::Name => body["domain"] = json!(d.name),
            CdrDomain::Uuid => body["owner"] = json!({"domain": {"uuid": d.uuid()}}),
            CdrDomain::Neither => {}
        }
        Outgoing {
            url: d.profile_text("cdr-endpoint"),
            bearer: None,
            body,
        }
    }

    /// A session update the domain posts to its `session-update-endpoint`, with the profile's
    /// `authorization-api-key` as the bearer or (`with_bearer: false`) without any.
    pub fn session_update(
        &self,
        domain: &str,
        session_token: &str,
        status: &str,
        with_bearer: bool,
    ) -> Outgoing {
        let m = self.model();
        let d = &m.domains[domain];
        Outgoing {
            url: d.profile_text("session-update-endpoint"),
            bearer: with_bearer.then(|| d.profile_text("authorization-api-key")),
            body: json!({
                "id": 4711,
                "domainId": d.id,
                "domain": d.name,
                "token": session_token,
                "status": status,
                "direction": "incoming",
                "callerId": "+12125550100",
                "destination": "+442071234567",
                "callStartTime": 1_772_357_400_000i64,
            }),
        }
    }
}

/// A CDR of a one-minute answered call as third-party code sees them (the field list is not
/// documented), naming no domain.
pub fn cdr_payload(session_token: &str, disposition: &str) -> Value {
    json!({
        "timestamp": 1_772_357_460,
        "session": {
            "token": session_token,
            "id": 4711,
            "callStartTime": 1_772_357_400_000i64,
            "callAnswerTime": 1_772_357_405_000i64,
            "callEndTime": 1_772_357_460_000i64,
            "status": "completed",
        },
        "from": "+12125550100",
        "to": "+442071234567",
        "disposition": disposition,
        "duration": 60,
        "billsec": 55,
        "call_id": "a84b4c76e66710@pc33.example.com",
        "domain": null,
        "recording_url": "https://recordings.example.com/r/1.mp3",
    })
}

/// The URL Cloudonix requests for `reference` (an `action` or `<Redirect>` URL) found in the
/// document `document_url` answered: an absolute URL as it is, otherwise resolved against the
/// document's URL as RFC 3986 §5.2 does (a path from the root, or relative to the last `/`).
pub fn resolve(document_url: &str, reference: &str) -> String {
    if reference.contains("://") {
        return reference.to_owned();
    }
    let (origin, path) = split_origin(document_url);
    if reference.starts_with('/') {
        return format!("{origin}{reference}");
    }
    let path = path.split('?').next().unwrap_or_default();
    let dir = path.rfind('/').map_or("/", |i| &path[..=i]);
    format!("{origin}{dir}{reference}")
}

/// `("https://host", "/path?query")`; an origin-less URL has an empty origin.
fn split_origin(url: &str) -> (&str, &str) {
    match url.find("://") {
        Some(scheme_end) => {
            let rest = &url[scheme_end + 3..];
            let path_at = rest.find('/').map_or(url.len(), |i| scheme_end + 3 + i);
            url.split_at(path_at)
        }
        None => ("", url),
    }
}

fn path_of(url: &str) -> &str {
    match split_origin(url).1 {
        "" => "/",
        path => path,
    }
}

async fn handle(
    State(model): State<Arc<Mutex<Model>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let body: Option<Value> = if body.is_empty() {
        None
    } else {
        Some(
            serde_json::from_slice(&body)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned())),
        )
    };
    let scripted = {
        let mut m = model.lock().unwrap();
        m.requests.push(RecordedRequest {
            method: method.to_string(),
            path: path.clone(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("<binary>").to_owned()))
                .collect(),
            body: body.clone(),
            at: Instant::now(),
        });
        if let Some((limit, window)) = m.rate_limit {
            let now = Instant::now();
            let recent = m
                .requests
                .iter()
                .filter(|r| now.duration_since(r.at) < window)
                .count();
            if recent > limit {
                m.refused += 1;
                return (
                    StatusCode::TOO_MANY_REQUESTS,
                    axum::Json(json!({"message": "rate limit exceeded"})),
                )
                    .into_response();
            }
        }
        let found = m
            .scripts
            .iter_mut()
            .find(|s| s.method == method.as_str() && s.path == path && s.remaining != Some(0));
        found.map(|s| {
            if let Some(n) = &mut s.remaining {
                *n -= 1;
            }
            s.reply.clone()
        })
    };
    if let Some(reply) = &scripted {
        tokio::time::sleep(reply.delay).await;
        if !reply.emulate {
            let mut response = (
                StatusCode::from_u16(reply.status).unwrap(),
                axum::Json(reply.body.clone()),
            )
                .into_response();
            for (name, value) in &reply.headers {
                response.headers_mut().insert(
                    axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                    value.parse().unwrap(),
                );
            }
            return response;
        }
    }
    let mut m = model.lock().unwrap();
    if path.starts_with("/recordings/") {
        return recording(&m, &path, &headers);
    }
    let (status, body) = emulate(&mut m, &method, &path, &headers, body);
    if status == StatusCode::NO_CONTENT {
        return status.into_response();
    }
    (status, axum::Json(body)).into_response()
}

/// A recording's audio for its domain's key; 401 without it, 404 once it is gone.
fn recording(m: &Model, path: &str, headers: &HeaderMap) -> Response {
    let refuse = |status, message| (status, axum::Json(error(status, message).1)).into_response();
    let Some((domain, audio)) = m.recordings.get(path) else {
        return refuse(StatusCode::NOT_FOUND, "no such recording");
    };
    let key = &m.domains[domain].api_key;
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if bearer != Some(key.as_str()) {
        return refuse(StatusCode::UNAUTHORIZED, "unauthorized");
    }
    ([("content-type", "audio/wav")], audio.clone()).into_response()
}

/// The password under either documented spelling (the data model's `sip-password`, the
/// OpenAPI's `sipPassword`); `Null` when neither is there.
fn sip_password(body: &Value) -> Value {
    body.get("sip-password")
        .or_else(|| body.get("sipPassword"))
        .cloned()
        .unwrap_or(Value::Null)
}

fn error(status: StatusCode, message: &str) -> (StatusCode, Value) {
    (status, json!({ "status": false, "message": message }))
}

fn domain_json(d: &FakeDomain) -> Value {
    json!({
        "id": d.id,
        "uuid": d.uuid(),
        "domain": d.name,
        "active": true,
        "defaultApplication": d.default_application,
        // Cloudonix returns an empty profile as an array (reference §4.1).
        "profile": if d.profile.is_empty() { json!([]) } else { json!(d.profile) },
    })
}

/// Matches `{id-or-name}` / `{id-or-msisdn}` the way the reference describes: id first.
fn find_index(items: &[Map<String, Value>], key: &str, alt_field: &str) -> Option<usize> {
    let id = key.parse::<u64>().ok();
    items
        .iter()
        .position(|i| id.is_some() && i["id"].as_u64() == id)
        .or_else(|| items.iter().position(|i| i[alt_field] == json!(key)))
}

fn emulate(
    m: &mut Model,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let Some(rest) = path.strip_prefix("/customers/self/domains/") else {
        return error(StatusCode::NOT_FOUND, "no such endpoint");
    };
    let parts: Vec<&str> = rest.split('/').collect();
    let next_id = m.next_id + 1;
    // A domain is addressed by its name, numeric id or UUID.
    let Some(d) = m
        .domains
        .values_mut()
        .find(|d| d.name == parts[0] || d.id.to_string() == parts[0] || d.uuid() == parts[0])
    else {
        return error(StatusCode::NOT_FOUND, "domain not found");
    };
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if bearer != Some(d.api_key.as_str()) {
        return error(StatusCode::UNAUTHORIZED, "Unauthorized");
    }
    let body = body.unwrap_or(Value::Null);
    let created = match (method.as_str(), &parts[1..]) {
        ("GET", []) => return (StatusCode::OK, domain_json(d)),
        ("PUT", []) => {
            if let Some(profile) = body.get("profile") {
                let Some(profile) = profile.as_object() else {
                    return error(StatusCode::BAD_REQUEST, "profile must be an object");
                };
                d.profile = profile.clone();
            }
            return (StatusCode::OK, domain_json(d));
        }
        ("PATCH", []) => {
            if let Some(app) = body.get("defaultApplication") {
                if !d.applications.iter().any(|a| &a["id"] == app) {
                    return error(StatusCode::BAD_REQUEST, "no such application");
                }
                d.default_application = app.as_u64();
            }
            return (StatusCode::OK, domain_json(d));
        }
        ("POST", ["applications"]) => {
            let name = body["name"].as_str().unwrap_or_default();
            if name.is_empty() || body["url"].as_str().is_none() {
                return error(StatusCode::BAD_REQUEST, "name and url are required");
            }
            if d.applications.iter().any(|a| a["name"] == json!(name)) {
                return error(StatusCode::CONFLICT, "application name already exists");
            }
            let mut app = body.as_object().cloned().unwrap_or_default();
            app.insert("id".into(), json!(next_id));
            d.applications.push(app.clone());
            Value::Object(app)
        }
        ("PUT", ["applications", key]) => {
            let Some(i) = find_index(&d.applications, key, "name") else {
                return error(StatusCode::NOT_FOUND, "application not found");
            };
            let app = &mut d.applications[i];
            for (k, v) in body.as_object().cloned().unwrap_or_default() {
                app.insert(k, v);
            }
            return (StatusCode::OK, Value::Object(app.clone()));
        }
        ("GET", ["subscribers"]) => return (StatusCode::OK, json!(d.subscribers)),
        ("GET", ["subscribers", key]) => {
            return match find_index(&d.subscribers, key, "msisdn") {
                Some(i) => (StatusCode::OK, Value::Object(d.subscribers[i].clone())),
                None => error(StatusCode::NOT_FOUND, "subscriber not found"),
            };
        }
        ("POST", ["subscribers"]) => {
            let Some(msisdn) = body["msisdn"].as_str() else {
                return error(StatusCode::BAD_REQUEST, "msisdn is required");
            };
            if d.subscribers.iter().any(|s| s["msisdn"] == json!(msisdn)) {
                return error(StatusCode::CONFLICT, "msisdn already exists");
            }
            let sub = json!({
                "id": next_id,
                "msisdn": msisdn,
                "sipPassword": sip_password(&body),
                "active": body["active"].as_bool().unwrap_or(true),
                "profile": body.get("profile").cloned().unwrap_or_else(|| json!({})),
            });
            d.subscribers.push(sub.as_object().unwrap().clone());
            sub
        }
        ("PUT", ["subscribers", key]) => {
            let Some(i) = find_index(&d.subscribers, key, "msisdn") else {
                return error(StatusCode::NOT_FOUND, "subscriber not found");
            };
            // The strictest reading of "editable at Create only".
            if body.get("msisdn").is_some() {
                return error(StatusCode::BAD_REQUEST, "msisdn cannot be changed");
            }
            let sub = &mut d.subscribers[i];
            let password = sip_password(&body);
            if !password.is_null() {
                sub.insert("sipPassword".into(), password);
            }
            if let Some(active) = body.get("active") {
                sub.insert("active".into(), active.clone());
            }
            return (StatusCode::OK, Value::Object(sub.clone()));
        }
        ("DELETE", ["subscribers", key]) => {
            let Some(i) = find_index(&d.subscribers, key, "msisdn") else {
                return error(StatusCode::NOT_FOUND, "subscriber not found");
            };
            d.subscribers.remove(i);
            return (StatusCode::NO_CONTENT, Value::Null);
        }
        _ => return error(StatusCode::NOT_FOUND, "no such endpoint"),
    };
    m.next_id = next_id;
    (StatusCode::OK, created)
}
