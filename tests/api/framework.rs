//! What every API route shares: problem documents for bad bodies, response headers, CORS, and
//! the OpenAPI document matching the mounted routes.

use std::collections::BTreeSet;
use std::time::Duration;

use axum::http::HeaderValue;
use opbx::domain::destination::{Destination, DestinationKind};
use opbx::domain::e164::E164;
use opbx::domain::extension_number::ExtensionNumber;
use opbx::domain::ids::{ExtensionId, OrgId, RingGroupId};
use opbx::domain::model::{Extension, Role};
use opbx::domain::now_ms;
use opbx::http::HTTP_FUNCTIONS;
use opbx::http::api::problem::FieldError;
use opbx::http::api::validate::{SelfRef, Validator};
use opbx::ports::extensions::ExtensionRepo;
use opbx_tests::Backend;
use serde_json::{Value, json};

use crate::fixtures::{Api, Reply, request, send};

async fn raw_login(api: &Api, content_type: Option<&str>, body: &str) -> Reply {
    let mut req = request("POST", "/api/v1/auth/login", None, None);
    if let Some(ct) = content_type {
        req.headers_mut()
            .insert("content-type", HeaderValue::from_str(ct).unwrap());
    }
    *req.body_mut() = axum::body::Body::from(body.to_owned());
    send(&api.app, req).await
}

/// A body, the status it gets and the field errors it names.
type BadBody = (&'static str, u16, &'static [(&'static str, &'static str)]);

async fn bad_bodies_are_problem_documents_naming_the_field(b: Backend) {
    let api = Api::new(b);
    let json_ct = Some("application/json");
    let cases: &[BadBody] = &[
        (
            r#"{"email": "a@example.com", "password": "x", "remember": true}"#,
            422,
            &[(
                "remember",
                "is not a known field; expected one of `email`, `password`, `organization`",
            )],
        ),
        (
            r#"{"email": 5, "password": "x"}"#,
            422,
            &[("email", "invalid type: integer `5`, expected a string")],
        ),
        (
            r#"{"email": "a@example.com"}"#,
            422,
            &[("password", "is required")],
        ),
        (
            r#"["a@example.com", "correct horse battery staple"]"#,
            422,
            &[("", "the body must be a JSON object")],
        ),
        (r#"{"email": "a@example.com", "#, 400, &[]),
        (r#"{"email": "a", "password": "b"} trailing"#, 400, &[]),
        (r#""#, 400, &[]),
        (r#"[1, 2"#, 400, &[]),
        (r#"[1, 2]"#, 422, &[("", "the body must be a JSON object")]),
    ];
    for (body, status, errors) in cases {
        let reply = raw_login(&api, json_ct, body).await;
        reply.problem(*status);
        let expected: Vec<(String, String)> = errors
            .iter()
            .map(|(f, m)| (f.to_string(), m.to_string()))
            .collect();
        assert_eq!(reply.field_errors(), expected, "{body}");
        if *status == 400 {
            assert!(
                reply.json["detail"]
                    .as_str()
                    .unwrap()
                    .starts_with("The body is not valid JSON"),
                "{}",
                reply.text
            );
        }
    }
    raw_login(&api, None, r#"{"email": "a", "password": "b"}"#)
        .await
        .problem(415);
    raw_login(
        &api,
        Some("text/plain"),
        r#"{"email": "a", "password": "b"}"#,
    )
    .await
    .problem(415);
    // Validation after decoding reports every field at once.
    let reply = raw_login(
        &api,
        Some("application/json; charset=utf-8"),
        r#"{"email": "", "password": ""}"#,
    )
    .await;
    let fields: Vec<String> = reply
        .problem(422)
        .field_errors()
        .into_iter()
        .map(|e| e.0)
        .collect();
    assert_eq!(fields, ["email", "password"]);
}

const HARDENING: &[(&str, &str)] = &[
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("cache-control", "no-store"),
    ("referrer-policy", "no-referrer"),
    (
        "content-security-policy",
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    ),
];

#[track_caller]
fn assert_hardened(reply: &Reply) {
    for (name, value) in HARDENING {
        assert_eq!(
            reply.header(name),
            Some(*value),
            "{name} on {}",
            reply.status
        );
    }
}

async fn every_answer_carries_the_security_headers(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let token = t.token(&api.state, Role::Reporter).await;
    assert_hardened(&api.call("GET", "/api/v1/openapi.json", None, None).await);
    assert_hardened(&api.call("GET", "/api/v1/auth/me", Some(&token), None).await);
    assert_hardened(&api.call("GET", "/api/v1/auth/me", None, None).await);
    assert_hardened(
        &api.call(
            "PATCH",
            "/api/v1/profile",
            Some(&token),
            Some(json!({"x": 1})),
        )
        .await,
    );
}

fn preflight(origin: &str) -> axum::http::Request<axum::body::Body> {
    let mut req = request("OPTIONS", "/api/v1/auth/me", None, None);
    let h = req.headers_mut();
    h.insert("origin", origin.parse().unwrap());
    h.insert("access-control-request-method", "GET".parse().unwrap());
    h.insert(
        "access-control-request-headers",
        "authorization".parse().unwrap(),
    );
    req
}

async fn cors_admits_only_the_configured_ui_origin(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let token = t.token(&api.state, Role::Owner).await;

    // Unconfigured: same-origin only, so no CORS headers at all.
    let reply = send(&api.app, preflight("https://ui.example.com")).await;
    assert_eq!(reply.header("access-control-allow-origin"), None);

    let mut state = api.state.clone();
    state.ui_origin = Some(HeaderValue::from_static("https://ui.example.com"));
    let app = opbx::http::all_functions(state);
    let reply = send(&app, preflight("https://ui.example.com")).await;
    assert!(reply.status.is_success(), "{}", reply.status);
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some("https://ui.example.com")
    );
    assert!(
        reply
            .header("access-control-allow-headers")
            .unwrap()
            .contains("authorization")
    );
    assert_eq!(reply.header("access-control-allow-credentials"), None);
    assert_hardened(&reply);

    let reply = send(&app, preflight("https://evil.example.net")).await;
    assert_eq!(reply.header("access-control-allow-origin"), None);

    let mut req = request("GET", "/api/v1/auth/me", Some(&token), None);
    req.headers_mut()
        .insert("origin", "https://ui.example.com".parse().unwrap());
    let reply = send(&app, req).await;
    reply.ok();
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some("https://ui.example.com")
    );
}

async fn the_openapi_document_is_served_as_openapi_3_1(b: Backend) {
    let api = Api::new(b);
    let reply = api.call("GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.ok()["openapi"], "3.1.0");
    assert_eq!(reply.json["info"]["title"], "OpBX API");
    // What the snapshot test below compares is exactly what clients get.
    assert_eq!(reply.text, opbx::http::api::openapi::json());
}

/// `frontend/openapi.json` is the SPA's copy of the document, from which its client types are
/// generated: an API change fails here until the copy is regenerated with
/// `OPBX_UPDATE_SNAPSHOT=1 cargo test -p opbx-tests --test api snapshot`.
#[test]
fn the_frontend_snapshot_of_the_openapi_document_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../frontend/openapi.json");
    let served = opbx::http::api::openapi::json();
    if std::env::var_os("OPBX_UPDATE_SNAPSHOT").is_some() {
        std::fs::write(&path, served).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != served {
        let line = committed
            .lines()
            .zip(served.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(served.lines().count()));
        panic!(
            "{} differs from the served OpenAPI document (first at line {}: committed {:?}, \
             served {:?}); regenerate it with OPBX_UPDATE_SNAPSHOT=1 cargo test -p opbx-tests \
             --test api snapshot",
            path.display(),
            line + 1,
            committed.lines().nth(line).unwrap_or("<end>"),
            served.lines().nth(line).unwrap_or("<end>"),
        );
    }
}

async fn extension(api: &Api, org: OrgId, number: &str) -> ExtensionId {
    let now = now_ms();
    let id = ExtensionId::new();
    let ext = Extension {
        id,
        organization_id: org,
        number: ExtensionNumber::parse(number).unwrap(),
        display_name: format!("Desk {number}"),
        user_id: None,
        sip_password_enc: api.state.secrets.seal(
            opbx::crypto::SealedColumn::SIP_PASSWORD,
            &id.to_string(),
            "sip secret 123",
        ),
        status: opbx::domain::model::Status::Active,
        do_not_disturb: false,
        forward_always: None,
        no_answer_timeout: 20,
        no_answer: None,
        voicemail_enabled: true,
        voicemail_greeting: None,
        voicemail_greeting_recording_id: None,
        voicemail_email: None,
        cloudonix_subscriber_id: None,
        created_at: now,
        updated_at: now,
    };
    api.state.store.create_extension(&ext, &[]).await.unwrap();
    ext.id
}

async fn destinations_must_exist_in_the_same_organization_and_not_be_the_object_itself(b: Backend) {
    let api = Api::new(b);
    let ours = api.tenant().await.org.id;
    let theirs = api.tenant().await.org.id;
    let mine = extension(&api, ours, "101").await;
    let foreign = extension(&api, theirs, "101").await;
    let check = |dest: Destination, itself: Option<SelfRef>| {
        let state = api.state.clone();
        async move {
            let mut v = Validator::new();
            v.destination(&state, ours, "target", &dest, itself.as_ref())
                .await
                .unwrap();
            v.finish().err().map(|e| e.problem().errors.clone())
        }
    };
    assert_eq!(check(Destination::Extension { id: mine }, None).await, None);
    assert_eq!(check(Destination::Voicemail { id: mine }, None).await, None);
    assert_eq!(check(Destination::Hangup, None).await, None);
    let external = Destination::ExternalNumber {
        number: E164::parse("+12125550100").unwrap(),
    };
    let errors = |field: &str, message: &str| Some(vec![FieldError::new(field, message)]);
    // An outside number is a destination only where a call could leave for it.
    assert_eq!(
        check(external.clone(), None).await,
        errors(
            "target.number",
            "a call to +12125550100 cannot leave: no active outbound route matches +12125550100"
        )
    );
    crate::config_support::outbound_route(&api.state, ours, |r| {
        r.caller_id = Some(E164::parse("+12125550199").unwrap())
    })
    .await;
    assert_eq!(check(external, None).await, None);

    assert_eq!(
        check(Destination::Extension { id: foreign }, None).await,
        errors("target", "no such extension in your organization")
    );
    assert_eq!(
        check(
            Destination::RingGroup {
                id: RingGroupId::new()
            },
            None
        )
        .await,
        errors("target", "no such ring group in your organization")
    );
    let itself = SelfRef::new(DestinationKind::Extension, mine);
    assert_eq!(
        check(Destination::Extension { id: mine }, Some(itself.clone())).await,
        errors("target", "must not point at the object itself")
    );
    // Its own voicemail is another destination kind, which an extension may use.
    assert_eq!(
        check(Destination::Voicemail { id: mine }, Some(itself)).await,
        None
    );
}

async fn every_write_drops_the_organizations_cached_routing(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let other = api.tenant().await;
    let token = t.token(&api.state, Role::Owner).await;
    let cache = &api.state.coordination;
    for org in [t.org.id, other.org.id] {
        cache
            .cache_put(
                &org.to_string(),
                "routing",
                b"cached",
                Duration::from_secs(60),
            )
            .await
            .unwrap();
    }
    api.call(
        "PATCH",
        "/api/v1/profile",
        Some(&token),
        Some(json!({"name": "New"})),
    )
    .await
    .ok();
    let cached =
        |org: OrgId| async move { cache.cache_get(&org.to_string(), "routing").await.unwrap() };
    assert_eq!(cached(t.org.id).await, None);
    assert_eq!(
        cached(other.org.id).await.as_deref(),
        Some(&b"cached"[..]),
        "other tenants keep theirs"
    );
}

async fn a_store_outage_is_a_503_that_reveals_nothing_about_it(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let token = t.token(&api.state, Role::Owner).await;
    api.state.store.close().await;
    let reply = api.call("GET", "/api/v1/auth/me", Some(&token), None).await;
    reply.problem(503);
    for secret in ["opbx:opbx", "mysql", "sqlite", "127.0.0.1", "pool"] {
        assert!(
            !reply.text.to_lowercase().contains(secret),
            "{}",
            reply.text
        );
    }
}

async fn unserved_paths_and_methods_answer_problem_documents(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let token = t.token(&api.state, Role::Owner).await;
    for (method, path) in [
        ("GET", "/api/v1/nope"),
        ("POST", "/api/v1/extensions/x/y/z"),
        ("GET", "/api"),
        ("GET", "/api/v2/extensions"),
        ("POST", "/webhooks/cloudonix/nope"),
        ("GET", "/webhooks"),
    ] {
        let reply = api.call(method, path, Some(&token), None).await;
        reply.problem(404);
        assert_eq!(reply.json["type"], "urn:opbx:problem:no-route", "{path}");
        assert_hardened(&reply);
    }
    for (method, path, allow) in [
        ("PUT", "/api/v1/extensions", "GET,HEAD,POST"),
        ("DELETE", "/api/v1/auth/login", "POST"),
        ("GET", "/webhooks/cloudonix/voice", "POST"),
        ("POST", "/health", "GET,HEAD"),
    ] {
        let reply = api.call(method, path, Some(&token), None).await;
        reply.problem(405);
        assert_eq!(reply.json["type"], "urn:opbx:problem:method-not-allowed");
        let mut allowed: Vec<&str> = reply.header("allow").unwrap().split(',').collect();
        allowed.sort();
        assert_eq!(allowed.join(","), allow, "{method} {path}");
    }
}

opbx_tests::on_both_backends!(
    unserved_paths_and_methods_answer_problem_documents,
    every_write_drops_the_organizations_cached_routing,
    a_store_outage_is_a_503_that_reveals_nothing_about_it,
    destinations_must_exist_in_the_same_organization_and_not_be_the_object_itself,
    bad_bodies_are_problem_documents_naming_the_field,
    every_answer_carries_the_security_headers,
    cors_admits_only_the_configured_ui_origin,
    the_openapi_document_is_served_as_openapi_3_1,
);

fn document() -> Value {
    serde_json::from_str(opbx::http::api::openapi::json()).unwrap()
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "patch", "options", "head", "trace",
];

#[test]
fn every_mounted_api_route_is_documented_and_every_documented_route_mounted() {
    let doc = document();
    let documented: BTreeSet<String> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            METHODS
                .iter()
                .filter(|m| item.get(**m).is_some())
                .map(move |m| format!("{} {path}", m.to_uppercase()))
        })
        .collect();
    let mounted: BTreeSet<String> = HTTP_FUNCTIONS
        .iter()
        .flat_map(|f| f.routes)
        .filter(|r| r.path.starts_with("/api/"))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    let undocumented: Vec<_> = mounted.difference(&documented).collect();
    let unmounted: Vec<_> = documented.difference(&mounted).collect();
    assert!(
        undocumented.is_empty(),
        "mounted but not documented: {undocumented:?}"
    );
    assert!(
        unmounted.is_empty(),
        "documented but not mounted: {unmounted:?}"
    );
}

#[test]
fn operations_share_the_error_shape_and_only_public_ones_skip_the_token() {
    let doc = document();
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"],
        json!({"type": "http", "scheme": "bearer"})
    );
    assert_eq!(doc["security"], json!([{"bearer": []}]));
    let public = [
        "POST /api/v1/auth/login",
        "GET /api/v1/openapi.json",
        "POST /api/v1/auth/invitation",
        "POST /api/v1/auth/password-reset",
        "POST /api/v1/auth/password-reset/confirm",
        "POST /api/v1/platform/auth/login",
    ];
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in METHODS.iter().filter(|m| item.get(**m).is_some()) {
            let op = &item[*method];
            let name = format!("{} {path}", method.to_uppercase());
            assert_eq!(
                op["responses"]["default"]["content"]["application/problem+json"]["schema"]["$ref"],
                "#/components/schemas/Problem",
                "{name}"
            );
            for (status, response) in op["responses"].as_object().unwrap() {
                let description = response["description"].as_str().unwrap_or_default();
                assert!(
                    !description.is_empty(),
                    "{name} {status} has no description"
                );
            }
            let anonymous = op.get("security") == Some(&json!([{}]));
            assert_eq!(anonymous, public.contains(&name.as_str()), "{name}");
        }
    }
}

/// Generated clients name one function per operation id: two operations sharing one (two
/// modules' `login` handlers) would leave one of them unreachable.
#[test]
fn operation_ids_are_unique() {
    let doc = document();
    let mut seen = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in METHODS.iter().filter(|m| item.get(**m).is_some()) {
            let id = item[*method]["operationId"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            assert!(
                seen.insert(id.clone()),
                "{method} {path}: operationId {id} is taken"
            );
        }
    }
}

#[test]
fn every_schema_reference_resolves() {
    let doc = document();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(!refs.is_empty());
    for r in refs {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("{r}"));
        assert!(schemas.contains_key(name), "dangling reference {r}");
    }
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => collect_refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}
