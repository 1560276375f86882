//! What the webhooks promise around routing: replays are byte-identical and write nothing twice,
//! round robin advances once per call, only the right key gets in and only to its own tenant,
//! bad input still gets CXML, the rate limit answers busy, and configuration changes reach the
//! next call once the organization's cache is invalidated.

use opbx::domain::call_trace::TraceWebhook;
use opbx::domain::destination::Destination;
use opbx::domain::model::{CallLog, CallStatus};
use opbx::domain::now_ms;
use opbx::ports::call_logs::CallLogRepo;
use opbx::ports::phone_numbers::PhoneNumberRepo;
use opbx::ports::store::PageRequest;
use opbx::ports::voicemail::VoicemailRepo;
use opbx_tests::{Backend, new_org, on_both_backends, unique};
use serde_json::{Value, json};

use crate::fixture::{Fixture, expected};
use crate::scenarios::{Act, callback};

const VOICE: &str = "/webhooks/cloudonix/voice";

fn call(to: &str) -> Value {
    let sid = format!("call-{}", unique());
    json!({"CallSid": sid, "Session": format!("s-{sid}"), "From": "+14155550000", "To": to, "Direction": "inbound"})
}

fn destinations(log: &CallLog) -> Vec<Destination> {
    log.path.iter().map(|s| s.destination.clone()).collect()
}

fn sid(call: &Value) -> &str {
    call["CallSid"].as_str().unwrap()
}

/// The member a ring-group answer dials first.
fn first_number(body: &str) -> String {
    let doc = opbx::cxml::parse(body).unwrap();
    doc.child("Dial")
        .unwrap()
        .child("Number")
        .unwrap()
        .text
        .clone()
}

async fn replays_are_identical_and_logged_once(b: Backend) {
    let fx = Fixture::new(b).await;
    let c = call("+12125550110");
    let first = fx.post(VOICE, c.clone()).await;
    let again = fx.post(VOICE, c.clone()).await;
    assert_eq!(
        first.body, again.body,
        "a retried request gets the same bytes"
    );
    let (a, b) = tokio::join!(fx.post(VOICE, c.clone()), fx.post(VOICE, c.clone()));
    assert_eq!(
        (a.body.as_str(), b.body.as_str()),
        (first.body.as_str(), first.body.as_str())
    );

    let log = fx
        .store()
        .find_call_log_by_sid(fx.org, sid(&c))
        .await
        .unwrap();
    let logs = fx
        .store()
        .list_call_logs(fx.org, &Default::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(
        logs.items.iter().filter(|l| l.call_sid == sid(&c)).count(),
        1,
        "one call-log row"
    );
    assert_eq!(
        destinations(&log),
        vec![Destination::RingGroup { id: fx.id("Sales") }],
        "path written once"
    );

    // Concurrent first deliveries of a new call agree too.
    let c2 = call("+12125550110");
    let (x, y) = tokio::join!(fx.post(VOICE, c2.clone()), fx.post(VOICE, c2.clone()));
    assert_eq!(x.body, y.body);
    let logs = fx
        .store()
        .list_call_logs(fx.org, &Default::default(), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(
        logs.items.iter().filter(|l| l.call_sid == sid(&c2)).count(),
        1
    );
}

async fn round_robin_advances_once_per_call(b: Backend) {
    let fx = Fixture::new(b).await;
    let calls: Vec<Value> = (0..4).map(|_| call("+12125550112")).collect();
    let mut firsts = Vec::new();
    for (i, c) in calls.iter().enumerate() {
        let answer = fx.post(VOICE, c.clone()).await;
        firsts.push(first_number(&answer.body));
        if i == 1 {
            // A retry of the second call must not move the rotation.
            assert_eq!(fx.post(VOICE, c.clone()).await.body, answer.body);
        }
    }
    assert_eq!(
        firsts,
        ["1001", "1006", "1007", "1001"],
        "each new call starts at the next member"
    );

    // Within a call the next hop is the next member after the call's own start.
    let second = fx.post(VOICE, calls[1].clone()).await;
    let (url, body) = callback(VOICE, &second.doc(), Act::Dial("no-answer"), &calls[1]);
    let hop = fx.post(&url, body.clone()).await;
    assert_eq!(first_number(&hop.body), "1007");
    assert_eq!(
        fx.post(&url, body).await.body,
        hop.body,
        "a retried callback replays"
    );
    let fifth = fx.post(VOICE, call("+12125550112")).await;
    assert_eq!(
        first_number(&fifth.body),
        "1006",
        "callbacks do not advance the rotation"
    );
}

async fn only_the_right_key_gets_in_and_only_to_its_tenant(b: Backend) {
    let fx = Fixture::new(b).await;
    let c = call("+12125550101");
    for key in [None, Some("wrong-key"), Some("")] {
        let a = fx
            .post_as(VOICE, key, "application/json", c.to_string())
            .await;
        assert_eq!(a.status, 401, "key {key:?}");
        assert_eq!(a.content_type, "application/xml");
        assert_eq!(a.doc(), expected("<Response><Hangup/></Response>"));
    }
    // Organization B has its own key and its own number.
    let org_b = new_org(fx.store()).await.id;
    let key_b = opbx::crypto::random_token();
    fx.set_webhook_key(org_b, &key_b).await;
    let b_says = fx
        .post_as(
            VOICE,
            Some(&key_b),
            "application/json",
            call("+12125550110").to_string(),
        )
        .await;
    assert_eq!(
        b_says.doc(),
        expected(r#"<Response><Reject reason="rejected"/></Response>"#),
        "B's key never reaches A's configuration: A's number is unassigned for B"
    );
    let mut pn = fx
        .store()
        .find_phone_number_by_number(fx.org, &fx.did("+12125550151").parse().unwrap())
        .await
        .unwrap();
    pn.id = opbx::domain::ids::PhoneNumberId::new();
    pn.organization_id = org_b;
    pn.number = opbx_tests::numbers::unique_e164().parse().unwrap();
    pn.destination = Destination::Hangup;
    fx.store().create_phone_number(&pn, &[]).await.unwrap();
    let b_call = call(pn.number.as_str());
    let b_hangs_up = fx
        .post_as(VOICE, Some(&key_b), "application/json", b_call.to_string())
        .await;
    assert_eq!(b_hangs_up.doc(), expected("<Response><Hangup/></Response>"));
    assert!(
        fx.store()
            .find_call_log_by_sid(fx.org, sid(&b_call))
            .await
            .is_err(),
        "B's call is not in A's log"
    );
    assert!(
        fx.store()
            .find_call_log_by_sid(org_b, sid(&b_call))
            .await
            .is_ok()
    );
    // A callback of A's call replayed with B's key cannot use A's signed state.
    let a_call = call("+12125550130");
    let menu = fx.post(VOICE, a_call.clone()).await;
    let (url, body) = callback(VOICE, &menu.doc(), Act::Digits("1"), &a_call);
    let stolen = fx
        .post_as(&url, Some(&key_b), "application/json", body.to_string())
        .await;
    assert_eq!(stolen.status, 200);
    assert_eq!(
        stolen.doc().child("Say").unwrap().text,
        opbx::routing::speech::TECHNICAL_PROBLEM
    );
}

async fn bad_input_still_gets_cxml(b: Backend) {
    let fx = Fixture::new(b).await;
    let apology = expected(&format!(
        "<Response><Say>{}</Say><Hangup/></Response>",
        opbx::routing::speech::TECHNICAL_PROBLEM
    ));
    for (content_type, body) in [
        ("application/json", "{\"CallSid\": "),
        ("application/json", "[1, 2]"),
        ("application/json", "{\"To\": \"+12125550101\"}"),
        ("text/plain", "\u{0}\u{1}garbage"),
    ] {
        let a = fx
            .post_as(VOICE, Some(&fx.key), content_type, body.into())
            .await;
        assert_eq!(
            (a.status.as_u16(), a.content_type.as_str()),
            (200, "application/xml"),
            "{body:?}"
        );
        assert_eq!(a.doc(), apology, "{body:?}");
    }
    // A form-encoded body routes like JSON.
    let form = format!(
        "CallSid=form-{}&From=%2B14155550000&To=%2B12125550151&Direction=inbound",
        unique()
    );
    let a = fx
        .post_as(
            VOICE,
            Some(&fx.key),
            "application/x-www-form-urlencoded",
            form,
        )
        .await;
    assert_eq!(a.doc(), expected("<Response><Hangup/></Response>"));
    // Routing state that was tampered with, or belongs to another call, is refused.
    let c = call("+12125550130");
    let menu = fx.post(VOICE, c.clone()).await;
    let (url, body) = callback(VOICE, &menu.doc(), Act::Digits("1"), &c);
    let tampered = url.replacen("k=", "k=x", 1);
    assert_eq!(fx.post(&tampered, body.clone()).await.doc(), apology);
    let other = call("+12125550130");
    let (_, other_body) = callback(VOICE, &menu.doc(), Act::Digits("1"), &other);
    assert_eq!(
        fx.post(&url, other_body).await.doc(),
        apology,
        "state is bound to its call"
    );
    let no_state = fx.post("/webhooks/cloudonix/voice/dial", body).await;
    assert_eq!(no_state.doc(), apology);
}

async fn rate_limit_answers_busy_for_new_calls_only(b: Backend) {
    let mut fx = Fixture::new(b).await;
    fx.state.voice_rate_limit = 2;
    fx.app = opbx::http::all_functions(fx.state.clone());
    let first = call("+12125550101");
    let answer = fx.post(VOICE, first.clone()).await;
    fx.post(VOICE, call("+12125550101")).await;
    let busy = fx.post(VOICE, call("+12125550101")).await;
    assert_eq!(busy.status, 200);
    assert_eq!(
        busy.doc(),
        expected(
            r#"<Response><Say answer="false">All our lines are busy. Please try again later. Goodbye.</Say><Reject reason="busy"/></Response>"#
        )
    );
    let (url, body) = callback(VOICE, &answer.doc(), Act::Dial("completed"), &first);
    assert_eq!(
        fx.post(&url, body).await.doc(),
        expected("<Response><Hangup/></Response>"),
        "admitted calls continue"
    );
    assert_eq!(
        fx.post(VOICE, first).await.body,
        answer.body,
        "a retry of an admitted call is replayed, not refused"
    );
}

async fn configuration_changes_reach_the_next_call_after_invalidation(b: Backend) {
    let fx = Fixture::new(b).await;
    let hangup = expected("<Response><Hangup/></Response>");
    assert_eq!(fx.post(VOICE, call("+12125550151")).await.doc(), hangup);
    let mut pn = fx
        .store()
        .find_phone_number_by_number(fx.org, &fx.did("+12125550151").parse().unwrap())
        .await
        .unwrap();
    pn.destination = Destination::Extension { id: fx.ext("1001") };
    fx.store().update_phone_number(&pn, &[]).await.unwrap();
    assert_eq!(
        fx.post(VOICE, call("+12125550151")).await.doc(),
        hangup,
        "routing reads the cache, not the database, until the control plane invalidates it"
    );
    fx.state
        .coordination
        .invalidate_org(&fx.org.to_string())
        .await
        .unwrap();
    let c = call("+12125550151");
    let a = fx.post(VOICE, c.clone()).await;
    assert_eq!(first_number(&a.body), "1001");
}

async fn call_log_and_voicemail_are_written_once(b: Backend) {
    let fx = Fixture::new(b).await;
    let c = call("+12125550101");
    let ring = fx.post(VOICE, c.clone()).await;
    let (dial_url, body) = callback(VOICE, &ring.doc(), Act::Dial("no-answer"), &c);
    let record = fx.post(&dial_url, body).await;
    let (url, body) = callback(
        &dial_url,
        &record.doc(),
        Act::Recording("https://rec.example/m.wav"),
        &c,
    );
    fx.post(&url, body.clone()).await;
    fx.post(&url, body).await;

    let log = fx
        .store()
        .find_call_log_by_sid(fx.org, sid(&c))
        .await
        .unwrap();
    assert_eq!(log.direction, opbx::domain::model::CallDirection::Inbound);
    assert_eq!(
        (log.from_number.as_str(), log.to_number.as_str()),
        ("+14155550000", fx.did("+12125550101").as_str())
    );
    assert_eq!(
        log.session_token.as_deref(),
        Some(format!("s-{}", sid(&c)).as_str())
    );
    assert!(log.phone_number_id.is_some());
    assert_eq!(log.extension_id, Some(fx.ext("1001")));
    let alice = fx.ext("1001");
    assert_eq!(
        destinations(&log),
        vec![
            Destination::Extension { id: alice },
            Destination::Voicemail { id: alice }
        ]
    );
    // Each with the routing engine's reason, as the simulator words it.
    assert!(log.path[0].reason.starts_with("call to "), "{:?}", log.path);
    assert!(log.path[1].reason.contains("1001"), "{:?}", log.path);

    // The trace: one line per request in order, none for the replayed recording callback, no
    // routing state, each with its answer.
    let trace = fx
        .store()
        .find_call_trace(fx.org, log.id, now_ms())
        .await
        .unwrap();
    let hooks: Vec<_> = trace.entries.iter().map(|e| e.webhook).collect();
    assert_eq!(
        hooks,
        [TraceWebhook::Voice, TraceWebhook::Dial, TraceWebhook::Dial]
    );
    let [voice, no_answer, recorded] = &trace.entries[..] else {
        unreachable!()
    };
    assert_eq!(voice.request["To"], fx.did("+12125550101"));
    assert!(voice.response.contains("<Dial"), "{}", voice.response);
    assert_eq!(no_answer.request["DialCallStatus"], "no-answer");
    assert!(
        no_answer.response.contains("<Record"),
        "{}",
        no_answer.response
    );
    assert_eq!(
        recorded.request["RecordingUrl"],
        "https://rec.example/m.wav"
    );
    assert!(trace.entries.windows(2).all(|w| w[0].at <= w[1].at));
    assert!(
        trace
            .entries
            .iter()
            .all(|e| e.status == 200 && !e.request.contains_key("k"))
    );
    assert_eq!(trace.dropped, 0);
    assert!(trace.kept_until.is_some_and(|t| t > now_ms()));
    assert_eq!(log.status, CallStatus::Initiated);
    let mailbox = fx
        .store()
        .list_voicemail_for_extension(fx.org, alice, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(
        mailbox.total, 1,
        "a replayed recording callback stores one message"
    );
    assert_eq!(mailbox.items[0].recording_url, "https://rec.example/m.wav");
    assert_eq!(
        (
            mailbox.items[0].duration_seconds,
            mailbox.items[0].from_number.as_str()
        ),
        (7, "+14155550000")
    );

    let answered = call("+12125550101");
    let ring = fx.post(VOICE, answered.clone()).await;
    let (url, body) = callback(VOICE, &ring.doc(), Act::Dial("answered"), &answered);
    fx.post(&url, body).await;
    let log = fx
        .store()
        .find_call_log_by_sid(fx.org, sid(&answered))
        .await
        .unwrap();
    assert_eq!(log.status, CallStatus::Answered);
    assert!(log.answered_at.is_some());
}

/// A number routed straight to a mailbox: the call never rang the extension, yet it is the
/// extension's call in history (its filter, a PBX user's own calls) like one that rang first.
async fn a_call_straight_to_voicemail_is_its_extensions(b: Backend) {
    let fx = Fixture::new(b).await;
    let grace = fx.ext("1007");
    let c = call("+12125550160");
    let record = fx.post(VOICE, c.clone()).await;
    assert!(record.doc().child("Record").is_some(), "{}", record.body);
    let log = fx
        .store()
        .find_call_log_by_sid(fx.org, sid(&c))
        .await
        .unwrap();
    assert_eq!(log.extension_id, Some(grace));
    assert_eq!(destinations(&log), [Destination::Voicemail { id: grace }]);

    let (url, body) = callback(
        VOICE,
        &record.doc(),
        Act::Recording("https://rec.example/straight.wav"),
        &c,
    );
    fx.post(&url, body).await;
    let log = fx
        .store()
        .find_call_log_by_sid(fx.org, sid(&c))
        .await
        .unwrap();
    assert_eq!(log.extension_id, Some(grace));
    let mailbox = fx
        .store()
        .list_voicemail_for_extension(fx.org, grace, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(
        mailbox
            .items
            .iter()
            .map(|m| (m.call_sid.as_str(), m.recording_url.as_str()))
            .collect::<Vec<_>>(),
        [(sid(&c), "https://rec.example/straight.wav")]
    );
}

async fn a_group_falling_back_to_itself_ends(b: Backend) {
    let fx = Fixture::new(b).await;
    let c = call("+12125550114");
    let mut answer = fx.post(VOICE, c.clone()).await;
    let mut answered = VOICE.to_owned();
    let mut hops = 0;
    while answer.doc().child("Dial").is_some() {
        let (url, body) = callback(&answered, &answer.doc(), Act::Dial("no-answer"), &c);
        answer = fx.post(&url, body).await;
        answered = url;
        hops += 1;
        assert!(hops <= 25, "still ringing after {hops} callbacks");
    }
    assert_eq!(
        answer.doc().child("Say").unwrap().text,
        opbx::routing::speech::LOOP
    );
    assert_eq!(
        hops, 21,
        "twenty fallbacks are allowed, the next one ends the call"
    );
}

on_both_backends!(
    replays_are_identical_and_logged_once,
    round_robin_advances_once_per_call,
    only_the_right_key_gets_in_and_only_to_its_tenant,
    bad_input_still_gets_cxml,
    rate_limit_answers_busy_for_new_calls_only,
    configuration_changes_reach_the_next_call_after_invalidation,
    call_log_and_voicemail_are_written_once,
    a_call_straight_to_voicemail_is_its_extensions,
    a_group_falling_back_to_itself_ends,
);
