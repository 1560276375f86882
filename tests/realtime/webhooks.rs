//! The session and CDR webhooks on both SQL backends, through the routers opbx-local merges:
//! duplicates and late deliveries never move a call backwards and never answer Cloudonix with an
//! error; the CDR needs its organization's path token and domain, is stored once and ends the call.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use opbx::app::AppState;
use opbx::domain::call_trace::TraceWebhook;
use opbx::domain::ids::{CallLogId, OrgId};
use opbx::domain::live_call::LiveCall;
use opbx::domain::model::{CallDirection, CallLog, CallStatus};
use opbx::domain::now_ms;
use opbx::ports::call_logs::CallLogRepo;
use opbx::ports::cdrs::CdrRepo;
use opbx::ports::live_calls::LiveCalls;
use opbx::ports::store::{PageRequest, StoreError, StoreResult};
use opbx_tests::Backend;
use opbx_tests::realtime::RealtimeOrg;
use serde_json::{Value, json};
use tower::ServiceExt;

struct Pbx {
    state: AppState,
    app: Router,
}

impl Pbx {
    fn new(b: &Backend) -> Self {
        let state = b.app_state();
        Self {
            app: opbx::http::all_functions(state.clone()),
            state,
        }
    }

    async fn post(&self, path: &str, bearer: Option<&str>, body: &str) -> (StatusCode, Value) {
        let mut request = Request::post(path).header("content-type", "application/json");
        if let Some(key) = bearer {
            request = request.header("authorization", format!("Bearer {key}"));
        }
        let response = self
            .app
            .clone()
            .oneshot(request.body(Body::from(body.to_owned())).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    async fn session(&self, org: &RealtimeOrg, body: &Value) -> (StatusCode, Value) {
        self.post(
            "/webhooks/cloudonix/session",
            Some(&org.webhook_key),
            &body.to_string(),
        )
        .await
    }

    async fn live_status(&self, org: &RealtimeOrg, token: &str) -> Option<CallStatus> {
        match self
            .state
            .realtime
            .live_calls
            .find_live_call(org.org.id, token)
            .await
        {
            Ok(c) => Some(c.status),
            Err(StoreError::NotFound) => None,
            Err(e) => panic!("{e}"),
        }
    }

    async fn listed(&self, org: &RealtimeOrg) -> Vec<String> {
        self.state
            .realtime
            .live_calls
            .list_live_calls(org.org.id)
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.call_id)
            .collect()
    }
}

/// The call log the voice webhook would have created on the call's first request.
async fn routed_call(b: &Backend, org: &RealtimeOrg, token: &str) -> CallLog {
    let now = now_ms();
    let log = CallLog {
        id: CallLogId::new(),
        organization_id: org.org.id,
        call_sid: format!("sid-{token}"),
        session_token: Some(token.to_owned()),
        direction: CallDirection::Inbound,
        from_number: "+12125550100".into(),
        to_number: "+442071234567".into(),
        caller_name: None,
        phone_number_id: None,
        extension_id: None,
        status: CallStatus::Initiated,
        path: Vec::new(),
        disposition: None,
        started_at: now,
        answered_at: None,
        ended_at: None,
        duration_seconds: None,
        billsec: None,
        recording_url: None,
        updated_at: now,
    };
    b.store.create_call_log(&log, None).await.unwrap();
    log
}

fn token() -> String {
    format!("session-{}", opbx_tests::unique())
}

fn progress(s: CallStatus) -> u8 {
    match s {
        CallStatus::Initiated => 0,
        CallStatus::Ringing => 1,
        CallStatus::Answered => 2,
        _ => 3,
    }
}

async fn duplicates_and_late_updates_never_move_a_call_backwards(b: Backend) {
    let pbx = Pbx::new(&b);
    let org = RealtimeOrg::create(&b.store).await;
    let call = token();
    let log = routed_call(&b, &org, &call).await;
    let deliveries = [
        ("ringing", CallStatus::Ringing, true),
        ("ringing", CallStatus::Ringing, false),
        ("answer", CallStatus::Answered, true),
        ("ringing", CallStatus::Answered, false),
        ("processing", CallStatus::Answered, false),
        ("answer", CallStatus::Answered, false),
        ("noanswer", CallStatus::Answered, false),
    ];
    let mut last = CallStatus::Initiated;
    for (status, expected, changes) in deliveries {
        let (code, body) = pbx.session(&org, &org.session_update(&call, status)).await;
        assert_eq!(code, StatusCode::OK, "{status}: {body}");
        assert_eq!(body["status"], expected.as_str(), "after {status}");
        assert_eq!(body["changed"], changes, "after {status}");
        let live = pbx.live_status(&org, &call).await.unwrap();
        assert_eq!(live, expected, "live call after {status}");
        assert!(progress(live) >= progress(last), "{last} -> {live}");
        last = live;
    }
    let stored = b.store.find_call_log(org.org.id, log.id).await.unwrap();
    assert_eq!(stored.status, CallStatus::Answered);
    assert!(stored.answered_at.is_some());
    assert_eq!(pbx.listed(&org).await, vec![call]);
}

async fn an_answered_session_that_ends_completes_the_call(b: Backend) {
    let pbx = Pbx::new(&b);
    let org = RealtimeOrg::create(&b.store).await;
    let call = token();
    let log = routed_call(&b, &org, &call).await;
    // The end arrives first; the answer it implies is not lost, and the late ones change nothing.
    let mut ended = org.session_update(&call, "answer");
    ended["callAnswerTime"] = json!(1_772_357_405_000i64);
    ended["callEndTime"] = json!(1_772_357_460_000i64);
    for body in [
        ended,
        org.session_update(&call, "ringing"),
        org.session_update(&call, "answer"),
    ] {
        let (code, reply) = pbx.session(&org, &body).await;
        assert_eq!(code, StatusCode::OK, "{reply}");
        assert_eq!(reply["status"], "completed");
    }
    let stored = b.store.find_call_log(org.org.id, log.id).await.unwrap();
    assert_eq!(stored.status, CallStatus::Completed);
    assert_eq!(stored.answered_at, Some(1_772_357_405_000));
    assert_eq!(stored.ended_at, Some(1_772_357_460_000));
    assert!(pbx.listed(&org).await.is_empty());
}

async fn odd_deliveries_get_clear_answers(b: Backend) {
    let pbx = Pbx::new(&b);
    let org = RealtimeOrg::create(&b.store).await;
    let call = token();
    let (code, body) = pbx
        .session(&org, &org.session_update(&call, "teleported"))
        .await;
    assert_eq!(code, StatusCode::OK);
    assert!(body["ignored"].as_str().unwrap().contains("teleported"));
    assert_eq!(pbx.live_status(&org, &call).await, None);

    let mut tokenless = org.session_update(&call, "ringing");
    tokenless.as_object_mut().unwrap().remove("token");
    let (code, body) = pbx.session(&org, &tokenless).await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    assert!(body["error"].as_str().unwrap().contains("token"));

    let (code, _) = pbx
        .post(
            "/webhooks/cloudonix/session",
            Some(&org.webhook_key),
            "{not json",
        )
        .await;
    assert_eq!(code, StatusCode::BAD_REQUEST);

    let body = org.session_update(&call, "ringing").to_string();
    for bearer in [None, Some("not-the-key")] {
        let (code, _) = pbx.post("/webhooks/cloudonix/session", bearer, &body).await;
        assert_eq!(code, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(pbx.live_status(&org, &call).await, None, "nothing applied");

    // Cloudonix sometimes wraps the session in a one-element array.
    let (code, body) = pbx
        .session(&org, &json!([org.session_update(&call, "ringing")]))
        .await;
    assert_eq!(code, StatusCode::OK, "{body}");
    assert_eq!(
        pbx.live_status(&org, &call).await,
        Some(CallStatus::Ringing)
    );
}

async fn a_cdr_needs_its_organizations_path_token_and_domain(b: Backend) {
    let pbx = Pbx::new(&b);
    let a = RealtimeOrg::create(&b.store).await;
    let other = RealtimeOrg::create(&b.store).await;
    let call = token();
    let cdr = a.cdr(&call, "ANSWER").to_string();

    let (code, _) = pbx
        .post("/webhooks/cloudonix/cdr/not-a-token", None, &cdr)
        .await;
    assert_eq!(code, StatusCode::NOT_FOUND);
    // The other organization's URL with this organization's payload: the domain gives it away.
    let (code, body) = pbx.post(&other.cdr_path(), None, &cdr).await;
    assert_eq!(code, StatusCode::FORBIDDEN, "{body}");
    for org in [&a, &other] {
        let stored = b
            .store
            .list_cdrs(org.org.id, PageRequest::default())
            .await
            .unwrap();
        assert_eq!(stored.total, 0, "a refused CDR is not stored");
    }

    let (code, body) = pbx.post(&a.cdr_path(), None, &cdr).await;
    assert_eq!(code, StatusCode::OK, "{body}");
    assert_eq!(body["stored"], true);
    // A CDR naming no domain (`domain` is nullable in the wild) is accepted on the URL's token.
    let mut domainless = a.cdr(&token(), "ANSWER");
    domainless["domain"] = Value::Null;
    let (code, body) = pbx.post(&a.cdr_path(), None, &domainless.to_string()).await;
    assert_eq!((code, &body["stored"]), (StatusCode::OK, &json!(true)));
}

async fn a_cdr_is_stored_once_and_ends_the_call(b: Backend) {
    let pbx = Pbx::new(&b);
    let org = RealtimeOrg::create(&b.store).await;
    let call = token();
    let log = routed_call(&b, &org, &call).await;
    for status in ["ringing", "answer"] {
        pbx.session(&org, &org.session_update(&call, status)).await;
    }
    assert_eq!(pbx.listed(&org).await, vec![call.clone()]);

    let cdr = org.cdr(&call, "ANSWER").to_string();
    let (code, body) = pbx.post(&org.cdr_path(), None, &cdr).await;
    assert_eq!(code, StatusCode::OK, "{body}");
    assert_eq!(
        (body["stored"].clone(), body["status"].clone()),
        (json!(true), json!("completed"))
    );
    let (code, body) = pbx.post(&org.cdr_path(), None, &cdr).await;
    assert_eq!(
        code,
        StatusCode::OK,
        "a redelivered CDR is no error: {body}"
    );
    assert_eq!(body["stored"], false);

    let cdrs = b
        .store
        .list_cdrs(org.org.id, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(cdrs.total, 1);
    assert_eq!(cdrs.items[0].session_token, call);
    assert_eq!(cdrs.items[0].call_sid, Some(log.call_sid.clone()));
    assert_eq!(cdrs.items[0].billsec, 55);

    let done = b.store.find_call_log(org.org.id, log.id).await.unwrap();
    assert_eq!(done.status, CallStatus::Completed);
    assert_eq!(done.disposition.as_deref(), Some("ANSWER"));
    assert_eq!(done.duration_seconds, Some(60));
    assert_eq!(done.billsec, Some(55));
    assert_eq!(
        done.recording_url.as_deref(),
        Some("https://recordings.example.com/r/1.mp3")
    );
    assert_eq!(done.answered_at, Some(1_772_357_405_000));
    assert_eq!(done.ended_at, Some(1_772_357_460_000));
    assert!(
        pbx.listed(&org).await.is_empty(),
        "the call left the live view"
    );

    // A session update delivered after the CDR neither reopens the call nor errors.
    let (code, body) = pbx
        .session(&org, &org.session_update(&call, "ringing"))
        .await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(body["status"], "completed");
    assert!(pbx.listed(&org).await.is_empty());
    assert_eq!(
        b.store
            .find_call_log(org.org.id, log.id)
            .await
            .unwrap()
            .status,
        CallStatus::Completed
    );

    // Every request is in the call's trace, in order, each with what it was answered; the
    // session token is masked and the CDR URL's token appears nowhere.
    let trace = b
        .store
        .find_call_trace(org.org.id, log.id, now_ms())
        .await
        .unwrap();
    let seen: Vec<_> = trace
        .entries
        .iter()
        .map(|e| (e.webhook, e.response.clone()))
        .collect();
    let session = |status: &str, changed: bool| {
        (
            TraceWebhook::Session,
            json!({"status": status, "changed": changed}).to_string(),
        )
    };
    let cdr_reply = |stored: bool| {
        (
            TraceWebhook::Cdr,
            json!({"stored": stored, "status": "completed"}).to_string(),
        )
    };
    assert_eq!(
        seen,
        vec![
            session("ringing", true),
            session("answered", true),
            cdr_reply(true),
            cdr_reply(false),
            session("completed", false),
        ]
    );
    assert_eq!(trace.entries[0].request["status"], "ringing");
    assert_eq!(trace.entries[0].request["token"], "********");
    assert_eq!(trace.entries[2].request["disposition"], "ANSWER");
    let stored = serde_json::to_string(&trace.entries).unwrap();
    assert!(!stored.contains(&call), "session token kept: {stored}");
    let path_token = org.cdr_path().rsplit('/').next().unwrap().to_owned();
    assert!(!stored.contains(&path_token));
}

async fn a_cdr_of_a_call_routing_never_saw_still_makes_history(b: Backend) {
    let pbx = Pbx::new(&b);
    let org = RealtimeOrg::create(&b.store).await;
    let call = token();
    let mut cdr = org.cdr(&call, "NOANSWER");
    cdr["session"]["callAnswerTime"] = json!(0);
    cdr["billsec"] = json!("0");
    let (code, body) = pbx.post(&org.cdr_path(), None, &cdr.to_string()).await;
    assert_eq!(code, StatusCode::OK, "{body}");
    let log = b
        .store
        .find_call_log_by_session(org.org.id, &call)
        .await
        .unwrap();
    assert_eq!(log.status, CallStatus::NoAnswer);
    assert_eq!(log.from_number, "+12125550100");
    assert_eq!(log.answered_at, None);
    assert_eq!(log.started_at, 1_772_357_400_000);
    assert_eq!(log.billsec, Some(0));
    assert!(pbx.listed(&org).await.is_empty());
}

async fn the_voice_webhook_shows_the_call_from_its_first_request(b: Backend) {
    let pbx = Pbx::new(&b);
    let org = RealtimeOrg::create(&b.store).await;
    let call = token();
    let voice = json!({
        "CallSid": format!("sid-{call}"),
        "Session": call,
        "From": "+12125550100",
        "To": "+442071234567",
        "Direction": "inbound",
        "Domain": org.domain,
    });
    let (code, _) = pbx
        .post(
            "/webhooks/cloudonix/voice",
            Some(&org.webhook_key),
            &voice.to_string(),
        )
        .await;
    assert_eq!(code, StatusCode::OK);
    let live = pbx
        .state
        .realtime
        .live_calls
        .list_live_calls(org.org.id)
        .await
        .unwrap();
    assert_eq!(live.len(), 1, "{live:?}");
    assert_eq!(live[0].call_id, call);
    assert_eq!(live[0].status, CallStatus::Initiated);
    assert_eq!(live[0].from_number, "+12125550100");
    let log = b
        .store
        .find_call_log_by_session(org.org.id, &call)
        .await
        .unwrap();
    assert_eq!(live[0].call_log_id, Some(log.id));

    // Session updates then move that same call on.
    pbx.session(&org, &org.session_update(&call, "ringing"))
        .await;
    assert_eq!(
        pbx.live_status(&org, &call).await,
        Some(CallStatus::Ringing)
    );
    assert_eq!(
        b.store
            .find_call_log(org.org.id, log.id)
            .await
            .unwrap()
            .status,
        CallStatus::Ringing
    );
}

/// An extension 1001 behind a DID of its own (returned), so a voice request is answered with a
/// `<Dial>` whose action reports the dial's outcome.
async fn did_to_extension(b: &Backend, pbx: &Pbx, org: &RealtimeOrg) -> String {
    use opbx::domain::destination::Destination;
    use opbx::domain::e164::E164;
    use opbx::domain::extension_number::ExtensionNumber;
    use opbx::domain::ids::{ExtensionId, PhoneNumberId};
    use opbx::domain::model::{Extension, PhoneNumber, Status};
    use opbx::ports::extensions::ExtensionRepo;
    use opbx::ports::phone_numbers::PhoneNumberRepo;
    let now = now_ms();
    let id = ExtensionId::new();
    let ext = Extension {
        id,
        organization_id: org.org.id,
        number: ExtensionNumber::parse("1001").unwrap(),
        display_name: "Alice".into(),
        user_id: None,
        sip_password_enc: pbx.state.secrets.seal(
            opbx::crypto::SealedColumn::SIP_PASSWORD,
            &id.to_string(),
            "sip-secret",
        ),
        status: Status::Active,
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
    b.store.create_extension(&ext, &[]).await.unwrap();
    let did = opbx_tests::numbers::unique_e164();
    b.store
        .create_phone_number(
            &PhoneNumber {
                id: PhoneNumberId::new(),
                organization_id: org.org.id,
                number: E164::parse(&did).unwrap(),
                label: "Main".into(),
                destination: Destination::Extension { id: ext.id },
                status: Status::Active,
                created_at: now,
                updated_at: now,
            },
            &[],
        )
        .await
        .unwrap();
    did
}

/// Sends the voice request of a new call; answers the action URL of the
/// `<Dial>` it is answered with, as Cloudonix requests it.
async fn dial_action(pbx: &Pbx, org: &RealtimeOrg, voice: &serde_json::Value) -> String {
    let answer = pbx
        .app
        .clone()
        .oneshot(
            Request::post("/webhooks/cloudonix/voice")
                .header("content-type", "application/json")
                .header("authorization", format!("Bearer {}", org.webhook_key))
                .body(Body::from(voice.to_string()))
                .unwrap(),
        )
        .await
        .unwrap();
    let xml = String::from_utf8(
        answer
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap();
    let action = xml
        .split("action=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("a <Dial action>: {xml}"))
        .replace("&amp;", "&");
    // As Cloudonix requests it from the document the voice URL answered.
    opbx_tests::fake_cloudonix::resolve(
        &format!("{}/webhooks/cloudonix/voice", opbx_tests::TEST_PUBLIC_URL),
        &action,
    )
}

fn inbound_voice(call: &str, did: &str) -> serde_json::Value {
    json!({
        "CallSid": format!("sid-{call}"),
        "Session": call,
        "From": "+12125550100",
        "To": did,
        "Direction": "inbound",
    })
}

async fn an_answered_dial_moves_the_live_call_on(b: Backend) {
    let pbx = Pbx::new(&b);
    let org = RealtimeOrg::create(&b.store).await;
    let did = did_to_extension(&b, &pbx, &org).await;
    let call = token();
    let voice = inbound_voice(&call, &did);
    let action = dial_action(&pbx, &org, &voice).await;
    assert_eq!(
        pbx.live_status(&org, &call).await,
        Some(CallStatus::Initiated)
    );

    let mut outcome = voice.clone();
    outcome["DialCallStatus"] = json!("answered");
    let (code, _) = pbx
        .post(&action, Some(&org.webhook_key), &outcome.to_string())
        .await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(
        pbx.live_status(&org, &call).await,
        Some(CallStatus::Answered)
    );
}

/// The board shows where a call is, and follows it when routing moves it on.
async fn the_live_call_shows_where_routing_sent_it(b: Backend) {
    let pbx = Pbx::new(&b);
    let org = RealtimeOrg::create(&b.store).await;
    let did = did_to_extension(&b, &pbx, &org).await;
    let call = token();
    let voice = inbound_voice(&call, &did);
    let action = dial_action(&pbx, &org, &voice).await;
    let place = || async {
        let live = pbx
            .state
            .realtime
            .live_calls
            .find_live_call(org.org.id, &call);
        let location = live.await.unwrap().location.unwrap();
        (location.destination.kind().as_str(), location.name)
    };
    assert_eq!(place().await, ("extension", "1001 Alice".to_owned()));

    pbx.session(&org, &org.session_update(&call, "ringing"))
        .await;
    let mut outcome = voice.clone();
    outcome["DialCallStatus"] = json!("no-answer");
    let (code, _) = pbx
        .post(&action, Some(&org.webhook_key), &outcome.to_string())
        .await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(place().await, ("voicemail", "1001 Alice".to_owned()));
    assert_eq!(
        pbx.live_status(&org, &call).await,
        Some(CallStatus::Ringing),
        "moving the call on changes where it is, not its state"
    );
}

/// The live view's store answering nothing but "unavailable", as a stopped DynamoDB does once
/// its breaker is open.
struct LiveViewDown;

#[async_trait::async_trait]
impl LiveCalls for LiveViewDown {
    async fn put_live_call(&self, _: &LiveCall) -> StoreResult<()> {
        Err(down())
    }
    async fn insert_live_call(&self, _: &LiveCall) -> StoreResult<bool> {
        Err(down())
    }
    async fn replace_live_call(&self, _: &LiveCall, _: &LiveCall) -> StoreResult<bool> {
        Err(down())
    }
    async fn find_live_call(&self, _: OrgId, _: &str) -> StoreResult<LiveCall> {
        Err(down())
    }
    async fn list_live_calls(&self, _: OrgId) -> StoreResult<Vec<LiveCall>> {
        Err(down())
    }
}

fn down() -> StoreError {
    StoreError::Unavailable("live calls store down".into())
}

/// Issue 16.1: while the live calls' store is down, session updates and the CDR still reach the
/// call log and are answered 200 (a 503 made Cloudonix redeliver into the same outage).
async fn with_the_live_view_down_the_history_is_still_written(b: Backend) {
    let mut pbx = Pbx::new(&b);
    pbx.state.realtime.live_calls = Arc::new(LiveViewDown);
    pbx.app = opbx::http::all_functions(pbx.state.clone());
    let org = RealtimeOrg::create(&b.store).await;
    let call = token();
    let log = routed_call(&b, &org, &call).await;
    let (code, reply) = pbx
        .session(&org, &org.session_update(&call, "answer"))
        .await;
    assert_eq!(code, StatusCode::OK, "{reply}");
    assert_eq!(reply["status"], "answered");
    let stored = b.store.find_call_log(org.org.id, log.id).await.unwrap();
    assert_eq!(stored.status, CallStatus::Answered);

    let cdr = org.cdr(&call, "ANSWER").to_string();
    let (code, body) = pbx.post(&org.cdr_path(), None, &cdr).await;
    assert_eq!(code, StatusCode::OK, "{body}");
    assert_eq!(body["stored"], true);
    let stored = b.store.find_call_log(org.org.id, log.id).await.unwrap();
    assert_eq!(stored.status, CallStatus::Completed);
    assert_eq!(stored.billsec, Some(55));
}

opbx_tests::on_both_backends!(
    with_the_live_view_down_the_history_is_still_written,
    an_answered_dial_moves_the_live_call_on,
    the_live_call_shows_where_routing_sent_it,
    duplicates_and_late_updates_never_move_a_call_backwards,
    an_answered_session_that_ends_completes_the_call,
    odd_deliveries_get_clear_answers,
    a_cdr_needs_its_organizations_path_token_and_domain,
    a_cdr_is_stored_once_and_ends_the_call,
    a_cdr_of_a_call_routing_never_saw_still_makes_history,
    the_voice_webhook_shows_the_call_from_its_first_request,
);
