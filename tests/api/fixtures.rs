//! Shared fixtures of the API tests: an organization with one user per role, tokens, and
//! requests sent through the routers in-process (`oneshot`, no socket).

use std::sync::LazyLock;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use opbx::app::AppState;
use opbx::crypto::hash_password;
use opbx::domain::accounts::Operator;
use opbx::domain::ids::UserId;
use opbx::domain::model::{Organization, Role, Status, User};
use opbx::domain::now_ms;
use opbx::ports::users::UserRepo;
use opbx_tests::{Backend, new_org, unique};
use serde_json::Value;
use tower::ServiceExt;

/// Every fixture user's password.
pub const PASSWORD: &str = "correct horse battery staple";

/// argon2 is slow by design; one hash serves every fixture user.
static PASSWORD_HASH: LazyLock<String> = LazyLock::new(|| hash_password(PASSWORD).unwrap());

/// A backend's state and every function's router merged, as `opbx-local` serves them.
pub struct Api {
    pub state: AppState,
    pub app: Router,
    _backend: Backend,
}

impl Api {
    pub fn new(backend: Backend) -> Self {
        Self::with_state(backend, |_| {})
    }

    /// Like [`Api::new`], with the state adjusted first (e.g. a Cloudonix client pointed at a
    /// fake).
    pub fn with_state(backend: Backend, adjust: impl FnOnce(&mut AppState)) -> Self {
        let mut state = backend.app_state();
        adjust(&mut state);
        Self {
            app: opbx::http::all_functions(state.clone()),
            state,
            _backend: backend,
        }
    }

    pub async fn tenant(&self) -> Tenant {
        Tenant::new(&self.state).await
    }

    /// Every mail the state sent so far (the embedded outbox).
    pub fn mails(&self) -> Vec<opbx::ports::email::Mail> {
        self._backend.outbox.sent()
    }

    /// `method uri` with an optional bearer token and JSON body, through every router.
    pub async fn call(
        &self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        send(&self.app, request(method, uri, token, body)).await
    }
}

/// An organization with one active user per role.
#[derive(Debug, Clone)]
pub struct Tenant {
    pub org: Organization,
    /// In `Role::ALL` order: owner, pbx_admin, pbx_user, reporter.
    pub users: Vec<User>,
}

impl Tenant {
    pub async fn new(state: &AppState) -> Self {
        let org = new_org(&state.store).await;
        let mut users = Vec::new();
        for role in Role::ALL {
            users.push(add_user(state, &org, *role).await);
        }
        Self { org, users }
    }

    pub fn user(&self, role: Role) -> &User {
        let i = Role::ALL.iter().position(|r| *r == role).unwrap();
        &self.users[i]
    }

    /// A fresh token of the user holding `role`.
    pub async fn token(&self, state: &AppState, role: Role) -> String {
        token_for(state, self.user(role)).await
    }
}

/// A new active user of `org` with [`PASSWORD`] and a unique email.
pub async fn add_user(state: &AppState, org: &Organization, role: Role) -> User {
    let now = now_ms();
    let user = User {
        id: UserId::new(),
        organization_id: org.id,
        email: format!(
            "{}-{}@example.com",
            role.as_str().replace('_', "-"),
            unique()
        ),
        name: format!("{role} user"),
        password_hash: PASSWORD_HASH.clone(),
        role,
        status: Status::Active,
        created_at: now,
        updated_at: now,
    };
    state.store.create_user(&user, &[]).await.unwrap();
    user
}

/// Mints a valid token for `user` directly in the store (login is tested on its own).
pub async fn token_for(state: &AppState, user: &User) -> String {
    opbx_tests::accounts::user_token(state, user).await
}

/// A new active platform operator with [`PASSWORD`] and a unique email.
pub async fn add_operator(state: &AppState) -> Operator {
    opbx_tests::accounts::add_operator(state, PASSWORD_HASH.clone()).await
}

/// A fresh platform operator's valid token, minted in the store.
pub async fn operator_token(state: &AppState) -> String {
    let operator = add_operator(state).await;
    opbx_tests::accounts::operator_token(state, &operator).await
}

/// An answer, with its body parsed as JSON when it is JSON (`Value::Null` otherwise).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// `(field, message)` pairs of a problem document's `errors`.
    pub fn field_errors(&self) -> Vec<(String, String)> {
        self.json["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .map(|e| {
                        (
                            e["field"].as_str().unwrap_or_default().to_owned(),
                            e["message"].as_str().unwrap_or_default().to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Asserts a problem document with this status and returns the reply for more checks.
    #[track_caller]
    pub fn problem(&self, status: u16) -> &Self {
        assert_eq!(self.status.as_u16(), status, "{}", self.text);
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "{}",
            self.text
        );
        assert_eq!(self.json["status"], status, "{}", self.text);
        assert!(self.json["title"].is_string(), "{}", self.text);
        assert!(self.json["type"].is_string(), "{}", self.text);
        self
    }

    #[track_caller]
    pub fn ok(&self) -> &Value {
        assert!(self.status.is_success(), "{}: {}", self.status, self.text);
        &self.json
    }
}

/// A request as a browser or client would send it.
pub fn request(method: &str, uri: &str, token: Option<&str>, body: Option<Value>) -> Request<Body> {
    let mut builder = Request::builder()
        .method(Method::from_bytes(method.as_bytes()).unwrap())
        .uri(uri);
    if let Some(token) = token {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    match body {
        Some(body) => builder
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap(),
        None => builder.body(Body::empty()).unwrap(),
    }
}

/// A request with a body that is not JSON (an upload), typed `content_type`.
pub fn raw_request(
    method: &str,
    uri: &str,
    token: Option<&str>,
    content_type: &str,
    bytes: Vec<u8>,
) -> Request<Body> {
    let mut request = request(method, uri, token, None);
    request.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_str(content_type).unwrap(),
    );
    *request.body_mut() = Body::from(bytes);
    request
}

pub async fn send(router: &Router, request: Request<Body>) -> Reply {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        text,
        json,
    }
}
