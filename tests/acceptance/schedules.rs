//! Business-hours edges through the routing engine at chosen instants (the webhook always routes
//! "now"): boundaries, the UK daylight-saving change, a holiday, a range crossing midnight and a
//! manual override. The reasons are what the routing simulator shows admins.

use jiff::Timestamp;
use opbx::routing::{CallFacts, Engine, Mode};
use opbx_tests::{Backend, on_both_backends};

use crate::fixture::{Answer, Fixture, expected};

const SALES: &str = r#"<Response><Dial method="POST" action="dial: ring group Sales attempt 0 start 0" timeout="15"><Number>1001</Number><Number>1006</Number></Dial></Response>"#;
const ALICE_VOICEMAIL: &str = r##"<Response><Record method="POST" action="dial: voicemail 1001" finishOnKey="#" maxLength="120" playBeep="true"><Say>Alice is not available. Please leave a message after the tone.</Say></Record><Say>No message was recorded. Goodbye.</Say><Hangup/></Response>"##;
const GRACE_VOICEMAIL: &str = r##"<Response><Record method="POST" action="dial: voicemail 1007" finishOnKey="#" maxLength="120" playBeep="true"><Play>https://cdn.example/greet.mp3</Play></Record><Say>No message was recorded. Goodbye.</Say><Hangup/></Response>"##;
const ALICE: &str = r#"<Response><Dial method="POST" action="dial: extension 1001" timeout="20"><Number>1001</Number></Dial></Response>"#;
const FRANK: &str = r#"<Response><Dial method="POST" action="dial: extension 1006" timeout="20"><Number>1006</Number></Dial></Response>"#;

/// (what, DID, UTC instant, expected document, expected schedule reason)
fn cases() -> Vec<(
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
)> {
    vec![
        (
            "a second before opening (Friday, GMT)",
            "+12125550120",
            "2026-03-27T08:59:59Z",
            ALICE_VOICEMAIL,
            "schedule 'Office' closed: outside weekly hours",
        ),
        (
            "opening minute",
            "+12125550120",
            "2026-03-27T09:00:00Z",
            SALES,
            "schedule 'Office' open: Friday 09:00–17:00",
        ),
        (
            "a second before closing",
            "+12125550120",
            "2026-03-27T16:59:59Z",
            SALES,
            "schedule 'Office' open: Friday 09:00–17:00",
        ),
        (
            "closing minute",
            "+12125550120",
            "2026-03-27T17:00:00Z",
            ALICE_VOICEMAIL,
            "schedule 'Office' closed: outside weekly hours",
        ),
        // The clocks went forward on Sunday 29 March: 08:30 UTC is 09:30 in London.
        (
            "after the DST change 08:30 UTC is open",
            "+12125550120",
            "2026-03-30T08:30:00Z",
            SALES,
            "schedule 'Office' open: Monday 09:00–17:00",
        ),
        (
            "after the DST change 16:30 UTC is closed",
            "+12125550120",
            "2026-03-30T16:30:00Z",
            ALICE_VOICEMAIL,
            "schedule 'Office' closed: outside weekly hours",
        ),
        (
            "the DST change day itself is a Sunday: closed",
            "+12125550120",
            "2026-03-29T10:00:00Z",
            ALICE_VOICEMAIL,
            "schedule 'Office' closed: outside weekly hours",
        ),
        (
            "a holiday beats the weekly plan and has its own destination",
            "+12125550120",
            "2026-12-25T12:00:00Z",
            GRACE_VOICEMAIL,
            "schedule 'Office' closed: holiday 'Christmas' (2026-12-25..2026-12-26)",
        ),
        // Night desk: Monday 22:00 to Tuesday 02:00 in New York (EST, UTC-5, in early March).
        (
            "a range crossing midnight is open after midnight",
            "+12125550121",
            "2026-03-03T06:30:00Z",
            ALICE,
            "schedule 'Night desk' open: Monday 22:00–02:00",
        ),
        (
            "and closed when it ends",
            "+12125550121",
            "2026-03-03T07:00:00Z",
            FRANK,
            "schedule 'Night desk' closed: outside weekly hours",
        ),
        (
            "the day before the range is closed",
            "+12125550121",
            "2026-03-02T03:30:00Z",
            FRANK,
            "schedule 'Night desk' closed: outside weekly hours",
        ),
        (
            "a manual override beats round-the-clock hours",
            "+12125550122",
            "2026-06-01T12:00:00Z",
            "<Response><Hangup/></Response>",
            "schedule 'Storm' closed: override: closed until 2100-01-01 00:00 Europe/London",
        ),
    ]
}

async fn schedule_edges(backend: Backend) {
    let fx = Fixture::new(backend).await;
    // Numbers for the schedules the webhook scenarios do not use.
    fx.number(
        "+12125550121",
        opbx::domain::destination::Destination::BusinessHours {
            id: fx.id("Night desk"),
        },
    )
    .await;
    fx.number(
        "+12125550122",
        opbx::domain::destination::Destination::BusinessHours { id: fx.id("Storm") },
    )
    .await;
    for (what, did, at, want, reason) in cases() {
        let facts = CallFacts {
            org: fx.org,
            call_sid: format!("sched-{at}"),
            from: "+14155550000".into(),
            to: fx.did(did),
            direction: Some("inbound".into()),
            at: at.parse::<Timestamp>().unwrap(),
            callback_base: Some(opbx_tests::TEST_PUBLIC_URL.into()),
        };
        let outcome = Engine::new(
            fx.store(),
            fx.state.coordination.as_ref(),
            &fx.state.secrets,
            &facts,
            Mode::DryRun,
        )
        .start()
        .await;
        let answer = Answer {
            status: axum::http::StatusCode::OK,
            content_type: String::new(),
            body: fx.planned(&outcome.response.to_xml()),
            request_id: None,
        };
        assert_eq!(
            fx.normalise(&answer, &facts.call_sid),
            expected(want),
            "{what} ({at}): {}",
            answer.body
        );
        let reasons: Vec<&str> = outcome.path.iter().map(|s| s.reason.as_str()).collect();
        assert!(
            reasons.contains(&reason),
            "{what}: reasons {reasons:?} lack {reason:?}"
        );
    }
}

on_both_backends!(schedule_edges);
