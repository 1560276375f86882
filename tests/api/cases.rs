//! The two tables every API route has a row in, and the tests that run them.
//!
//! A row ([`Case`]) names a route as `HTTP_FUNCTIONS` spells it, who may call it ([`Access`]),
//! and how to prepare a request that succeeds for an allowed caller ([`Prepare`]: given a
//! tenant and a role, create what the request needs and return its URI, body and a marker).
//! From the rows:
//! - **role matrix**: every row × every role, each in a fresh tenant, through the route's own
//!   function router (as in Lambda): allowed roles get 2xx, the others 403, no token 401;
//! - **tenant isolation**: every row prepared in tenant B, sent with tenant A's owner token
//!   through the merged router (as in opbx-local): a route with an `{id}` answers 404, and no
//!   answer contains the row's marker — something only tenant B has (an id, a name, an email).
//!   GET rows must give a marker, so every list proves B's rows are absent;
//! - **operator rows** (`/api/v1/platform/…`): no token 401, every organization role 403, a
//!   platform operator's token 2xx; in the isolation table, tenant A's owner gets 403 on a row
//!   prepared in tenant B (an organization token never opens the platform) and never its marker;
//! - **coverage**: the rows and the `/api/v1` routes of `HTTP_FUNCTIONS` are the same set.
//!
//! A resource module adds its rows in its own `cases()` and one line to [`all_cases`].

use std::future::Future;
use std::pin::Pin;

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use opbx::app::AppState;
use opbx::domain::ids::OrgId;
use opbx::domain::model::{Role, User};
use opbx::http::{HTTP_FUNCTIONS, Route};
use opbx_tests::Backend;
use serde_json::Value;

use crate::fixtures::{Api, Tenant, operator_token, raw_request, request, send};

/// Every row of every resource.
pub fn all_cases() -> Vec<Case> {
    [
        crate::auth::cases(),
        crate::users::cases(),
        crate::audit_log::cases(),
        crate::routing::cases(),
        crate::call_flow::cases(),
        crate::settings::cases(),
        crate::jobs::cases(),
        crate::live_calls::cases(),
        crate::call_logs::cases(),
        crate::voicemail::cases(),
        crate::extensions::cases(),
        crate::phone_numbers::cases(),
        crate::ring_groups::cases(),
        crate::business_hours::cases(),
        crate::ivr_menus::cases(),
        crate::conference_rooms::cases(),
        crate::recordings::cases(),
        crate::announcements::cases(),
        crate::outbound_routes::cases(),
        crate::platform::cases(),
        crate::accounts::cases(),
        crate::pending_invitations::cases(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

pub const EVERYONE: &[Role] = Role::ALL;
pub const ADMINS: &[Role] = &[Role::Owner, Role::PbxAdmin];
/// Everyone who works with the configuration (reporters see call logs and reports only).
pub const STAFF: &[Role] = &[Role::Owner, Role::PbxAdmin, Role::PbxUser];
pub const OWNER_ONLY: &[Role] = &[Role::Owner];
/// Who reads configuration: everyone but reporters (ARCHITECTURE §6).
pub const CONFIG_READERS: &[Role] = STAFF;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No token needed (login, the OpenAPI document).
    Public,
    /// These roles get 2xx; the other roles get 403 and no token gets 401.
    Roles(&'static [Role]),
    /// Platform operators get 2xx; every organization role gets 403 and no token 401.
    Operator,
}

impl Access {
    fn allows(self, role: Role) -> bool {
        match self {
            Access::Public => true,
            Access::Roles(roles) => roles.contains(&role),
            Access::Operator => false,
        }
    }
}

/// What a row's preparation gets: the tenant to create objects in and the role of the caller.
#[derive(Clone)]
pub struct Ctx {
    pub state: AppState,
    pub tenant: Tenant,
    pub role: Role,
}

impl Ctx {
    pub fn org(&self) -> OrgId {
        self.tenant.org.id
    }

    /// The user who will send the request.
    pub fn user(&self) -> &User {
        self.tenant.user(self.role)
    }
}

/// A request ready to send.
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    pub uri: String,
    pub body: Option<Value>,
    /// A body that is not JSON (an upload): its content type and bytes; wins over `body`.
    pub raw: Option<(String, Vec<u8>)>,
    /// Text only the preparing tenant has; see the module docs.
    pub marker: Option<String>,
}

impl Prepared {
    pub fn at(uri: impl Into<String>) -> Self {
        Self {
            uri: uri.into(),
            ..Self::default()
        }
    }

    pub fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    pub fn raw(mut self, content_type: impl Into<String>, bytes: Vec<u8>) -> Self {
        self.raw = Some((content_type.into(), bytes));
        self
    }

    pub fn marker(mut self, marker: impl ToString) -> Self {
        self.marker = Some(marker.to_string());
        self
    }

    /// The prepared request, sent by `method` with an optional bearer token.
    fn request(&self, method: &str, token: Option<&str>) -> Request<Body> {
        match &self.raw {
            Some((content_type, bytes)) => {
                raw_request(method, &self.uri, token, content_type, bytes.clone())
            }
            None => request(method, &self.uri, token, self.body.clone()),
        }
    }
}

pub type Preparing = Pin<Box<dyn Future<Output = Prepared> + Send>>;
pub type Prepare = fn(Ctx) -> Preparing;

/// Boxes a preparation: `|ctx| prepare(async move { … Prepared::at(…) })`.
pub fn prepare(f: impl Future<Output = Prepared> + Send + 'static) -> Preparing {
    Box::pin(f)
}

pub struct Case {
    pub method: &'static str,
    /// As in `HTTP_FUNCTIONS`, e.g. `/api/v1/users/{id}`.
    pub route: &'static str,
    pub access: Access,
    pub prepare: Prepare,
}

impl Case {
    pub fn new(
        method: &'static str,
        route: &'static str,
        access: Access,
        prepare: Prepare,
    ) -> Self {
        Self {
            method,
            route,
            access,
            prepare,
        }
    }

    fn name(&self) -> String {
        format!("{} {}", self.method, self.route)
    }

    async fn prepared(&self, state: &AppState, tenant: &Tenant, role: Role) -> Prepared {
        (self.prepare)(Ctx {
            state: state.clone(),
            tenant: tenant.clone(),
            role,
        })
        .await
    }
}

/// The router of the function serving `case`'s route, as its Lambda serves it.
fn function_router(case: &Case, state: &AppState) -> Router {
    let route = Route {
        method: case.method,
        path: case.route,
    };
    let function = HTTP_FUNCTIONS
        .iter()
        .find(|f| f.routes.contains(&route))
        .unwrap_or_else(|| panic!("{} is in no HTTP function", case.name()));
    (function.router)(state.clone())
}

async fn every_route_answers_each_role_as_its_row_says(b: Backend) {
    let api = Api::new(b);
    let mut wrong = Vec::new();
    for case in all_cases() {
        let tenant = api.tenant().await;
        let router = function_router(&case, &api.state);
        let anonymous = {
            let p = case.prepared(&api.state, &tenant, Role::Owner).await;
            send(&router, p.request(case.method, None)).await
        };
        let expected = match case.access {
            Access::Public => anonymous.status.is_success(),
            Access::Roles(_) | Access::Operator => anonymous.status == 401,
        };
        if !expected {
            wrong.push(format!(
                "{} without a token: {} {}",
                case.name(),
                anonymous.status,
                anonymous.text
            ));
        }
        for role in Role::ALL {
            let p = case.prepared(&api.state, &tenant, *role).await;
            let token = tenant.token(&api.state, *role).await;
            let reply = send(&router, p.request(case.method, Some(&token))).await;
            let allowed = case.access.allows(*role);
            if (allowed && !reply.status.is_success()) || (!allowed && reply.status != 403) {
                wrong.push(format!(
                    "{} as {role}: expected {}, got {} {}",
                    case.name(),
                    if allowed { "2xx" } else { "403" },
                    reply.status,
                    reply.text
                ));
            }
        }
        if case.access == Access::Operator {
            let p = case.prepared(&api.state, &tenant, Role::Owner).await;
            let token = operator_token(&api.state).await;
            let reply = send(&router, p.request(case.method, Some(&token))).await;
            if !reply.status.is_success() {
                wrong.push(format!(
                    "{} as an operator: expected 2xx, got {} {}",
                    case.name(),
                    reply.status,
                    reply.text
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

async fn another_tenants_ids_are_404_and_its_rows_never_appear(b: Backend) {
    let api = Api::new(b);
    let a = api.tenant().await;
    let other = api.tenant().await;
    let mut wrong = Vec::new();
    for case in all_cases() {
        if case.access == Access::Public {
            continue;
        }
        let p = case.prepared(&api.state, &other, Role::Owner).await;
        let token = a.token(&api.state, Role::Owner).await;
        let reply = send(&api.app, p.request(case.method, Some(&token))).await;
        let expected = match case.access {
            Access::Operator => Some(403),
            _ if case.route.contains('{') => Some(404),
            _ => None,
        };
        if let Some(expected) = expected
            && reply.status != expected
        {
            wrong.push(format!(
                "{} with the other tenant's id: expected {expected}, got {} {}",
                case.name(),
                reply.status,
                reply.text
            ));
        }
        match &p.marker {
            Some(marker) if reply.text.contains(marker.as_str()) => wrong.push(format!(
                "{} shows the other tenant's {marker:?}: {}",
                case.name(),
                reply.text
            )),
            None if case.method == "GET" => wrong.push(format!(
                "{}: a GET row must give a marker of the tenant it prepared",
                case.name()
            )),
            _ => {}
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

opbx_tests::on_both_backends!(
    every_route_answers_each_role_as_its_row_says,
    another_tenants_ids_are_404_and_its_rows_never_appear
);

#[test]
fn every_api_route_has_exactly_one_row_and_every_row_a_route() {
    let mut routes: Vec<String> = HTTP_FUNCTIONS
        .iter()
        .flat_map(|f| f.routes)
        .filter(|r| r.path.starts_with("/api/v1/"))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    let mut rows: Vec<String> = all_cases().iter().map(Case::name).collect();
    routes.sort();
    rows.sort();
    let missing: Vec<&String> = routes.iter().filter(|r| !rows.contains(r)).collect();
    let stale: Vec<&String> = rows.iter().filter(|r| !routes.contains(r)).collect();
    assert!(missing.is_empty(), "routes without a row: {missing:?}");
    assert!(stale.is_empty(), "rows without a route: {stale:?}");
    let mut unique = rows.clone();
    unique.dedup();
    assert_eq!(unique, rows, "a route has more than one row");
}
