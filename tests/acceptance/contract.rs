//! Cloudonix contract tests (issue 19): the requests written as Cloudonix sends them, from the
//! domain the fake Cloudonix holds once OpBX provisioned it, and the answers checked against what
//! Cloudonix documents. The per-scenario checks live in `scenarios` (every callback absolute and
//! POST, dial statuses, unassigned numbers); these cover what needs more than one webhook.

use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpRequestContext;
use lambda_http::request::RequestContext;
use opbx::adapters::cloudonix::{ClientPolicy, HttpCloudonix};
use opbx::cloudonix::provision::{ProvisionRequest, RunLimits, provision};
use opbx::crypto::{SealedColumn, random_token};
use opbx::domain::destination::Destination;
use opbx::domain::ids::{OrgId, RingGroupId};
use opbx::domain::model::{CallStatus, CloudonixSettings, RingGroup, RingStrategy, Status};
use opbx::domain::now_ms;
use opbx::ports::call_logs::CallLogRepo;
use opbx::ports::cloudonix::{ApiKey, DomainCredentials};
use opbx::ports::cloudonix_settings::CloudonixSettingsRepo;
use opbx::ports::extensions::ExtensionRepo;
use opbx::ports::organizations::OrganizationRepo;
use opbx::ports::ring_groups::RingGroupRepo;
use opbx::routing::continuation::{Continuation, Step};
use opbx_tests::fake_cloudonix::{CdrDomain, FakeCloudonix, Outgoing, resolve};
use opbx_tests::{Backend, TEST_PUBLIC_URL, new_org, on_both_backends, unique};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::fixture::{Answer, Fixture, expected};

const VOICE: &str = "/webhooks/cloudonix/voice";

fn call(to: &str) -> Value {
    let sid = format!("call-{}", unique());
    json!({"CallSid": sid, "Session": format!("s-{sid}"), "From": "+14155550000", "To": to,
           "Direction": "inbound", "Domain": "acme.cloudonix.net"})
}

/// The `action` of the answer's `<Dial>`.
fn dial_action(answer: &Answer) -> String {
    answer
        .doc()
        .child("Dial")
        .and_then(|d| d.attr("action"))
        .unwrap_or_else(|| panic!("a <Dial action>: {}", answer.body))
        .to_owned()
}

async fn send(fx: &Fixture, request: Request<Body>) -> String {
    let response = fx.app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), 200);
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn voice_request(fx: &Fixture, host: Option<&str>) -> axum::http::request::Builder {
    let mut request = Request::post(VOICE)
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {}", fx.key))
        .header("x-forwarded-host", "evil.example")
        .header("x-forwarded-proto", "https");
    if let Some(host) = host {
        request = request.header("host", host);
    }
    request
}

fn action_in(xml: &str) -> String {
    let doc = opbx::cxml::parse(xml).unwrap();
    doc.child("Dial")
        .unwrap()
        .attr("action")
        .unwrap()
        .to_owned()
}

/// Item 1: every callback URL is absolute, built from `OPBX_PUBLIC_URL`, else API Gateway's own
/// domain (Lambda), else the Host (opbx-local); forwarded headers never count. Only a request
/// nothing names falls back to relative URLs.
async fn callbacks_are_absolute_wherever_the_request_arrived(b: Backend) {
    let mut fx = Fixture::new(b).await;
    let answer = fx.post(VOICE, call("+12125550101")).await;
    let with_public_url = dial_action(&answer);
    assert!(
        with_public_url.starts_with(&format!(
            "{TEST_PUBLIC_URL}/webhooks/cloudonix/voice/dial?k="
        )),
        "{with_public_url}"
    );

    fx.state.public_url = None;
    fx.app = opbx::http::all_functions(fx.state.clone());
    let body = || Body::from(fx.stored(&call("+12125550101").to_string()));

    let local = send(
        &fx,
        voice_request(&fx, Some("127.0.0.1:18200"))
            .body(body())
            .unwrap(),
    )
    .await;
    assert!(
        action_in(&local).starts_with("http://127.0.0.1:18200/webhooks/cloudonix/voice/dial?k="),
        "{local}"
    );

    let mut context = ApiGatewayV2httpRequestContext::default();
    context.domain_name = Some("abc123.execute-api.eu-west-1.amazonaws.com".into());
    context.stage = Some("$default".into());
    let lambda = voice_request(&fx, Some("evil.example"))
        .extension(RequestContext::ApiGatewayV2(context))
        .body(body())
        .unwrap();
    let on_lambda = send(&fx, lambda).await;
    assert!(
        action_in(&on_lambda).starts_with(
            "https://abc123.execute-api.eu-west-1.amazonaws.com/webhooks/cloudonix/voice/dial?k="
        ),
        "{on_lambda}"
    );

    for hostile in ["evil.example/phish?", "user@evil.example"] {
        let answer = send(&fx, voice_request(&fx, Some(hostile)).body(body()).unwrap()).await;
        assert!(
            action_in(&answer).starts_with("voice/dial?k="),
            "a malformed Host is not used: {answer}"
        );
    }
}

/// Item 1 across callbacks: the second document of a call (a ring group's second member, an IVR
/// choice) calls back on the same absolute routes, so a platform that resolves against the
/// application URL reaches them too.
async fn second_stage_callbacks_stay_absolute(b: Backend) {
    let fx = Fixture::new(b).await;
    let c = call("+12125550111");
    let first = fx.post(VOICE, c.clone()).await;
    let url = resolve(
        &format!("{TEST_PUBLIC_URL}/webhooks/cloudonix"),
        &dial_action(&first),
    );
    let mut outcome = c.clone();
    outcome["DialCallStatus"] = json!("no-answer");
    let hop = fx.post(&url, outcome).await;
    let next = dial_action(&hop);
    assert!(
        next.starts_with(&format!(
            "{TEST_PUBLIC_URL}/webhooks/cloudonix/voice/dial?k="
        )),
        "{next}"
    );
    assert_eq!(
        resolve(&format!("{TEST_PUBLIC_URL}{VOICE}"), &next),
        resolve("https://elsewhere.example/any/document", &next),
        "the same URL whatever the base"
    );
}

/// Item 6: an organization may have callers of unassigned numbers told so, still without
/// answering the call.
async fn unassigned_numbers_speak_the_organizations_message_unanswered(b: Backend) {
    let fx = Fixture::new(b).await;
    let refused = expected(r#"<Response><Reject reason="rejected"/></Response>"#);
    assert_eq!(fx.post(VOICE, call("+12125559999")).await.doc(), refused);

    let mut org = fx.store().find_organization(fx.org).await.unwrap();
    org.unassigned_number_message = Some("This number is not in use.".into());
    let audit = opbx_tests::model::setup_audit(org.id, "organization");
    fx.store().update_organization(&org, &audit).await.unwrap();
    fx.state
        .coordination
        .invalidate_org(&fx.org.to_string())
        .await
        .unwrap();
    let spoken = expected(
        r#"<Response><Say answer="false">This number is not in use.</Say><Reject reason="rejected"/></Response>"#,
    );
    assert_eq!(fx.post(VOICE, call("+12125559999")).await.doc(), spoken);
    assert_eq!(
        fx.post(VOICE, call("+12125550199")).await.doc(),
        spoken,
        "a switched-off number too"
    );
}

/// Item 9: a simultaneous group larger than one `<Dial>` may carry rings in waves of ten, then
/// falls back.
async fn large_simultaneous_groups_ring_in_waves_of_ten(b: Backend) {
    let fx = Fixture::new(b).await;
    let mut members = Vec::new();
    for n in 0..12 {
        let ext = opbx_tests::model::extension(fx.org, &format!("30{n:02}"));
        fx.store().create_extension(&ext, &[]).await.unwrap();
        members.push(ext.id);
    }
    let now = now_ms();
    let group = RingGroup {
        id: RingGroupId::new(),
        organization_id: fx.org,
        name: "Everyone".into(),
        strategy: RingStrategy::Simultaneous,
        member_timeout: 15,
        rounds: 1,
        skip_busy: false,
        fallback: Destination::Hangup,
        status: Status::Active,
        members,
        created_at: now,
        updated_at: now,
    };
    fx.store().create_ring_group(&group, &[]).await.unwrap();
    fx.number("+12125550177", Destination::RingGroup { id: group.id })
        .await;

    let c = call("+12125550177");
    let numbers = |answer: &Answer| -> Vec<String> {
        answer
            .doc()
            .child("Dial")
            .unwrap()
            .children
            .iter()
            .map(|n| n.text.clone())
            .collect()
    };
    let first = fx.post(VOICE, c.clone()).await;
    assert_eq!(
        numbers(&first),
        (0..10).map(|n| format!("30{n:02}")).collect::<Vec<_>>()
    );
    let mut no_answer = c.clone();
    no_answer["DialCallStatus"] = json!("no-answer");
    let second = fx.post(&dial_action(&first), no_answer.clone()).await;
    assert_eq!(numbers(&second), ["3010", "3011"]);
    let k = dial_action(&second);
    let cont = Continuation::verify(
        k.split_once("?k=").map(|(_, k)| k),
        &fx.state.secrets,
        fx.org,
        c["CallSid"].as_str().unwrap(),
    )
    .unwrap();
    assert_eq!(
        cont.step,
        Step::RingGroup {
            group: group.id,
            attempt: 1,
            start: 0
        }
    );
    let last = fx.post(&k, no_answer).await;
    assert_eq!(
        last.doc(),
        expected("<Response><Hangup/></Response>"),
        "after the last wave, the fallback"
    );
}

/// An organization connected the way an owner connects one: settings saved with the domain as
/// `entered` (a name, numeric id or UUID), then provisioned against the fake Cloudonix.
struct Connected {
    fake: FakeCloudonix,
    org: OrgId,
    domain: String,
}

async fn connected(fx: &Fixture, entered: impl Fn(&FakeCloudonix, &str) -> String) -> Connected {
    let fake = FakeCloudonix::start().await;
    let domain = format!("d{}.cloudonix.net", &unique()[24..]);
    let key = format!("XI{}", &random_token()[..32]);
    fake.add_domain(&domain, &key);
    let org = new_org(fx.store()).await.id;
    let entered = entered(&fake, &domain);
    fx.store()
        .upsert_cloudonix_settings(&CloudonixSettings {
            domain: Some(entered.clone()),
            api_key_enc: Some(fx.state.secrets.seal(
                SealedColumn::CLOUDONIX_API_KEY,
                &org.to_string(),
                &key,
            )),
            updated_at: now_ms(),
            ..CloudonixSettings::new(org)
        })
        .await
        .unwrap();
    let mut ext = opbx_tests::model::extension(org, "201");
    ext.sip_password_enc = fx.state.secrets.seal(
        SealedColumn::SIP_PASSWORD,
        &ext.id.to_string(),
        "sip-201-secret",
    );
    fx.store().create_extension(&ext, &[]).await.unwrap();
    let client = HttpCloudonix::new(&fake.url, ClientPolicy::default());
    let run = || async {
        let request = ProvisionRequest {
            scope: opbx::cloudonix::provision::Scope::Everything,
            organization_id: org,
            credentials: DomainCredentials {
                domain: entered.clone(),
                api_key: ApiKey::new(key.clone()),
            },
            public_url: TEST_PUBLIC_URL.into(),
            webhook_key: random_token(),
            key_grace: std::time::Duration::ZERO,
            cdr_token: random_token(),
            session_token: random_token(),
        };
        let report = provision(
            &client,
            fx.store(),
            fx.state.coordination.as_ref(),
            &fx.state.secrets,
            &request,
            RunLimits::whole(),
        )
        .await
        .unwrap();
        assert!(report.ok, "{report:?}");
    };
    run().await;
    // A second run updates what the first created (item 8: subscriber updates).
    run().await;
    Connected { fake, org, domain }
}

async fn deliver(fx: &Fixture, request: &Outgoing) -> (u16, Value) {
    let answer = fx
        .post_as(
            &request.url,
            request.bearer.as_deref(),
            "application/json",
            request.body.to_string(),
        )
        .await;
    let json = serde_json::from_str(&answer.body).unwrap_or(Value::Null);
    (answer.status.as_u16(), json)
}

/// Item 2: an organization that entered its domain's UUID (or numeric id) receives CDRs naming
/// the domain by name, by UUID or not at all; a CDR naming another domain is refused.
async fn cdrs_match_the_domain_by_name_or_uuid(b: Backend) {
    let fx = Fixture::new(b).await;
    for entered in [
        (|fake: &FakeCloudonix, name: &str| fake.uuid(name)) as fn(&FakeCloudonix, &str) -> String,
        |fake, name| fake.snapshot(name)["id"].to_string(),
        |_, name| name.to_owned(),
    ] {
        let cx = connected(&fx, entered).await;
        let settings = fx.store().find_cloudonix_settings(cx.org).await.unwrap();
        assert_eq!(
            (settings.domain_name.as_deref(), settings.domain_uuid),
            (Some(cx.domain.as_str()), Some(cx.fake.uuid(&cx.domain))),
            "provisioning records what Cloudonix calls the domain"
        );
        for naming in [CdrDomain::Name, CdrDomain::Uuid, CdrDomain::Neither] {
            let session = format!("s-{}", unique());
            let cdr = cx.fake.cdr(&cx.domain, &session, "ANSWER", naming);
            let (status, body) = deliver(&fx, &cdr).await;
            assert_eq!((status, &body["stored"]), (200, &json!(true)), "{naming:?}");
            let log = fx
                .store()
                .find_call_log_by_session(cx.org, &session)
                .await
                .unwrap();
            assert_eq!(log.status, CallStatus::Completed, "{naming:?}");
        }

        let elsewhere = FakeCloudonix::start().await;
        elsewhere.add_domain("globex.cloudonix.net", "XI-other");
        elsewhere.set_profile(
            "globex.cloudonix.net",
            json!({"cdr-endpoint": cx.fake.snapshot(&cx.domain)["profile"]["cdr-endpoint"]}),
        );
        for naming in [CdrDomain::Name, CdrDomain::Uuid] {
            let leaked = elsewhere.cdr("globex.cloudonix.net", "s-leak", "ANSWER", naming);
            assert_eq!(deliver(&fx, &leaked).await.0, 403, "{naming:?}");
        }
    }
}

/// Item 3: session updates reach the live view whether or not they carry the bearer; the URL's
/// token and the bearer must not disagree.
async fn session_updates_are_accepted_with_or_without_the_bearer(b: Backend) {
    let fx = Fixture::new(b).await;
    let cx = connected(&fx, |_, name| name.to_owned()).await;
    let session = format!("s-{}", unique());
    let live = |status| cx.fake.session_update(&cx.domain, &session, status, false);
    assert!(
        live("ringing")
            .url
            .starts_with(&format!("{TEST_PUBLIC_URL}/webhooks/cloudonix/session/")),
        "provisioned with its token"
    );

    let (status, body) = deliver(&fx, &live("ringing")).await;
    assert_eq!(
        (status, &body["status"]),
        (200, &json!("ringing")),
        "{body}"
    );
    let with_bearer = cx.fake.session_update(&cx.domain, &session, "answer", true);
    let (status, body) = deliver(&fx, &with_bearer).await;
    assert_eq!(
        (status, &body["status"]),
        (200, &json!("answered")),
        "{body}"
    );

    // The bearer alone still works on the plain URL (configured by hand) and on a stale token.
    let mut plain = with_bearer.clone();
    plain.url = format!("{TEST_PUBLIC_URL}/webhooks/cloudonix/session");
    assert_eq!(deliver(&fx, &plain).await.0, 200);
    let mut stale = with_bearer.clone();
    stale.url = format!(
        "{TEST_PUBLIC_URL}/webhooks/cloudonix/session/{}",
        random_token()
    );
    assert_eq!(deliver(&fx, &stale).await.0, 200);

    // Refused: neither, an unknown token alone, and a token and bearer of two organizations.
    plain.bearer = None;
    assert_eq!(deliver(&fx, &plain).await.0, 401);
    stale.bearer = None;
    assert_eq!(deliver(&fx, &stale).await.0, 401);
    let mut crossed = live("ringing");
    crossed.bearer = Some(fx.key.clone());
    assert_eq!(deliver(&fx, &crossed).await.0, 401);
}

/// Item 8: subscriber updates (the second provisioning run) leave `msisdn` out and send the SIP
/// password under both spellings; the password takes.
async fn subscriber_updates_never_send_the_msisdn(b: Backend) {
    let fx = Fixture::new(b).await;
    let cx = connected(&fx, |_, name| name.to_owned()).await;
    let bodies: Vec<Value> = cx
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.method != "GET" && r.path.contains("/subscribers"))
        .map(|r| json!({"method": r.method, "body": r.body}))
        .collect();
    assert_eq!(
        bodies,
        [
            json!({"method": "POST", "body": {"msisdn": "201", "sip-password": "sip-201-secret",
                   "sipPassword": "sip-201-secret", "active": true,
                   "profile": {"opbx-organization": cx.org.to_string()}}}),
            json!({"method": "PUT", "body": {"sip-password": "sip-201-secret",
                   "sipPassword": "sip-201-secret", "active": true}}),
        ]
    );
    let snapshot = cx.fake.snapshot(&cx.domain);
    assert_eq!(snapshot["subscribers"][0]["sipPassword"], "sip-201-secret");
    assert_eq!(snapshot["subscribers"][0]["msisdn"], "201");
}

/// Item 4: every callback OpBX hands Cloudonix, in the first document of every number of the
/// fixture, is requested with POST (the only method the routes take) at an absolute URL.
async fn every_callback_names_post(b: Backend) {
    let fx = Fixture::new(b).await;
    let numbers = opbx::ports::phone_numbers::PhoneNumberRepo::list_phone_numbers(
        fx.store(),
        fx.org,
        &Default::default(),
        opbx::ports::store::PageRequest::new(1, 100),
    )
    .await
    .unwrap();
    let mut with_callbacks = 0;
    for number in numbers.items {
        let answer = fx.post(VOICE, call(number.number.as_str())).await;
        let doc = answer.doc();
        fx.assert_callbacks_are_absolute_posts(&doc);
        with_callbacks += usize::from(answer.body.contains("method=\"POST\""));
    }
    assert!(
        with_callbacks >= 15,
        "{with_callbacks} documents had callbacks"
    );
}

on_both_backends!(
    callbacks_are_absolute_wherever_the_request_arrived,
    second_stage_callbacks_stay_absolute,
    unassigned_numbers_speak_the_organizations_message_unanswered,
    large_simultaneous_groups_ring_in_waves_of_ten,
    cdrs_match_the_domain_by_name_or_uuid,
    session_updates_are_accepted_with_or_without_the_bearer,
    subscriber_updates_never_send_the_msisdn,
    every_callback_names_post,
);
