//! The call scenarios: configuration (the fixture) + a sequence of webhook requests → the CXML
//! each must answer, compared as parsed XML with routing state decoded to readable text
//! (`dial: extension 1001 hops 1` is a `<Dial action>` whose signed state says "extension 1001,
//! one routed callback so far").

use opbx::cloudonix::urls::VOICE_PATH;
use opbx::cxml::Element;
use opbx_tests::fake_cloudonix::resolve;
use opbx_tests::{Backend, TEST_PUBLIC_URL, on_both_backends, unique};
use serde_json::json;

use crate::fixture::{Fixture, expected};

/// One request of a scenario.
#[derive(Debug, Clone, Copy)]
pub enum Act {
    /// The first voice request: To, From, Direction.
    Call(&'static str, &'static str, &'static str),
    /// The previous answer's `<Dial action>` with this `DialCallStatus`.
    Dial(&'static str),
    /// The previous answer's `<Dial action>` with only `CallStatus` (the documented field).
    DialCallStatusOnly(&'static str),
    /// The previous answer's `<Gather action>` with these digits.
    Digits(&'static str),
    /// The previous answer's `<Gather action>` without digits (actionOnEmptyResult).
    NoInput,
    /// The previous answer's `<Redirect>` (a platform that fell through an empty Gather).
    Redirect,
    /// The previous answer's `<Record action>` with a recording.
    Recording(&'static str),
}

pub struct Scenario {
    pub name: &'static str,
    pub steps: Vec<(Act, &'static str)>,
}

const INBOUND_FROM: &str = "+14155550000";

fn inbound(to: &'static str) -> Act {
    Act::Call(to, INBOUND_FROM, "inbound")
}

fn internal(to: &'static str) -> Act {
    Act::Call(to, "1001", "subscriber")
}

/// The voice answer for a call to Alice (extension 1001).
const RING_ALICE: &str = r#"<Response><Dial method="POST" action="dial: extension 1001" timeout="20"><Number>1001</Number></Dial></Response>"#;

const HANGUP: &str = "<Response><Hangup/></Response>";

macro_rules! apology {
    ($text:expr) => {
        concat!("<Response><Say>", $text, "</Say><Hangup/></Response>")
    };
}

/// A call to a number the organization does not have: refused, never answered.
const UNASSIGNED: &str = r#"<Response><Reject reason="rejected"/></Response>"#;
const UNAVAILABLE: &str = apology!("The person you are calling is not available. Goodbye.");
const LOOP: &str = apology!(
    "We are sorry, this call cannot be connected because of a configuration problem. Goodbye."
);
const NO_ROUTE: &str =
    apology!("The number you have dialled cannot be reached from this phone. Goodbye.");
const SAVED: &str = apology!("Thank you. Your message has been saved. Goodbye.");

const ALICE_VOICEMAIL_AFTER_DIAL: &str = r##"<Response>
  <Record method="POST" action="dial: voicemail 1001 hops 1" finishOnKey="#" maxLength="120" playBeep="true">
    <Say>Alice is not available. Please leave a message after the tone.</Say>
  </Record>
  <Say>No message was recorded. Goodbye.</Say><Hangup/>
</Response>"##;

/// The main menu as answered with this routing state, after `notice` when there is one.
fn main_menu(state: &str, notice: Option<&str>) -> &'static str {
    let notice = notice
        .map(|n| format!("<Say>{n}</Say>"))
        .unwrap_or_default();
    format!(
        r#"<Response>
  <Gather method="POST" action="gather: menu Main {state}" actionOnEmptyResult="true" timeout="5">
    {notice}<Say voice="Polly:Joanna">Press 1 for sales.&lt;/Say&gt;&lt;Dial&gt;&lt;Number&gt;+19005550000&lt;/Number&gt;&lt;/Dial&gt;&lt;Say&gt;</Say>
  </Gather>
  <Redirect method="POST">gather: menu Main {state}</Redirect>
</Response>"#
    )
    .leak()
}

const SALES_AFTER_MENU: &str = r#"<Response>
  <Dial method="POST" action="dial: ring group Sales attempt 0 start 0 hops 1" timeout="15"><Number>1001</Number><Number>1006</Number></Dial>
</Response>"#;

/// The Board room's PIN prompt with this many wrong tries so far (after a "not correct" notice
/// once there is one).
fn board_pin(tries: u32) -> &'static str {
    let notice = if tries > 0 {
        "<Say>That PIN is not correct.</Say>"
    } else {
        ""
    };
    format!(
        r##"<Response>
  <Gather method="POST" action="gather: pin Board tries {tries}" actionOnEmptyResult="true" finishOnKey="#" timeout="10">
    {notice}<Say>Please enter the conference PIN, followed by the hash key.</Say>
  </Gather>
  <Redirect method="POST">gather: pin Board tries {tries}</Redirect>
</Response>"##
    )
    .leak()
}

fn sequential_hop(attempt: u32, member: &str) -> String {
    format!(
        r#"<Response><Dial method="POST" action="dial: ring group Support attempt {attempt} start 0" timeout="15"><Number>{member}</Number></Dial></Response>"#
    )
}

pub fn table() -> Vec<Scenario> {
    use Act::*;
    let support_hops: Vec<(Act, &'static str)> = [
        (Dial("no-answer"), 1, "1006"),
        (Dial("busy"), 2, "1007"),
        (Dial("no-answer"), 3, "1001"),
        (Dial("failed"), 4, "1006"),
        (Dial("noanswer"), 5, "1007"),
    ]
    .into_iter()
    .map(|(act, attempt, member)| (act, &*sequential_hop(attempt, member).leak()))
    .collect();
    let mut support = vec![(inbound("+12125550111"), &*sequential_hop(0, "1001").leak())];
    support.extend(support_hops);
    support.push((Dial("no-answer"), HANGUP));

    vec![
        Scenario {
            name: "extension rings, no answer goes to its voicemail, the recording is saved",
            steps: vec![
                (inbound("+12125550101"), RING_ALICE),
                (Dial("no-answer"), ALICE_VOICEMAIL_AFTER_DIAL),
                (Recording("https://rec.example/vm1.wav"), SAVED),
            ],
        },
        Scenario {
            name: "an answered extension call ends when the callee hangs up",
            steps: vec![
                (inbound("+12125550101"), RING_ALICE),
                (Dial("completed"), HANGUP),
            ],
        },
        Scenario {
            name: "a busy extension goes to voicemail (CallStatus when DialCallStatus is absent)",
            steps: vec![
                (inbound("+12125550101"), RING_ALICE),
                (DialCallStatusOnly("busy"), ALICE_VOICEMAIL_AFTER_DIAL),
            ],
        },
        Scenario {
            name: "a dial reported only as in-progress (the bridged caller's leg) was answered",
            steps: vec![
                (inbound("+12125550101"), RING_ALICE),
                (DialCallStatusOnly("in-progress"), HANGUP),
            ],
        },
        Scenario {
            name: "an unknown dial status counts as no answer: the call moves on",
            steps: vec![
                (inbound("+12125550101"), RING_ALICE),
                (DialCallStatusOnly("unknown"), ALICE_VOICEMAIL_AFTER_DIAL),
            ],
        },
        Scenario {
            name: "do-not-disturb goes straight to voicemail",
            steps: vec![(
                inbound("+12125550102"),
                r##"<Response><Record method="POST" action="dial: voicemail 1002" finishOnKey="#" maxLength="120" playBeep="true"><Say>Bob is not available. Please leave a message after the tone.</Say></Record><Say>No message was recorded. Goodbye.</Say><Hangup/></Response>"##,
            )],
        },
        Scenario {
            name: "forward-always dials the outside number through the matching trunk",
            steps: vec![
                (
                    inbound("+12125550103"),
                    r#"<Response><Dial method="POST" action="dial: external" trunks="trunk-e164"><Number>+14155550123</Number></Dial></Response>"#,
                ),
                (
                    Dial("failed"),
                    apology!("The number you are calling could not be reached. Goodbye."),
                ),
            ],
        },
        Scenario {
            name: "an inactive extension without voicemail apologises",
            steps: vec![(inbound("+12125550104"), UNAVAILABLE)],
        },
        Scenario {
            name: "no answer follows the extension's no-answer destination (a ring group)",
            steps: vec![
                (
                    inbound("+12125550105"),
                    r#"<Response><Dial method="POST" action="dial: extension 1005" timeout="20"><Number>1005</Number></Dial></Response>"#,
                ),
                (
                    Dial("no-answer"),
                    r#"<Response><Dial method="POST" action="dial: ring group Support attempt 0 start 0 hops 1" timeout="15"><Number>1001</Number></Dial></Response>"#,
                ),
            ],
        },
        Scenario {
            name: "no answer without voicemail or destination apologises",
            steps: vec![
                (
                    inbound("+12125550106"),
                    r#"<Response><Dial method="POST" action="dial: extension 1006" timeout="20"><Number>1006</Number></Dial></Response>"#,
                ),
                (Dial("no-answer"), UNAVAILABLE),
            ],
        },
        Scenario {
            name: "extensions forwarding to each other are a loop, not an endless call",
            steps: vec![(inbound("+12125550108"), LOOP)],
        },
        Scenario {
            name: "simultaneous ring group rings every reachable member, then its fallback",
            steps: vec![
                (
                    inbound("+12125550110"),
                    r#"<Response><Dial method="POST" action="dial: ring group Sales attempt 0 start 0" timeout="15"><Number>1001</Number><Number>1006</Number></Dial></Response>"#,
                ),
                (Dial("no-answer"), ALICE_VOICEMAIL_AFTER_DIAL),
            ],
        },
        Scenario {
            name: "an answered ring group call never rings the next member",
            steps: vec![
                (
                    inbound("+12125550111"),
                    r#"<Response><Dial method="POST" action="dial: ring group Support attempt 0 start 0" timeout="15"><Number>1001</Number></Dial></Response>"#,
                ),
                (Dial("answered"), HANGUP),
            ],
        },
        Scenario {
            name: "sequential ring group: one member per hop for two rounds, then the fallback",
            steps: support,
        },
        Scenario {
            name: "a ring group nobody can answer goes to its fallback at once",
            steps: vec![(
                inbound("+12125550113"),
                r#"<Response><Dial method="POST" action="dial: extension 1006" timeout="20"><Number>1006</Number></Dial></Response>"#,
            )],
        },
        Scenario {
            name: "a schedule that is open around the clock routes to its open destination",
            steps: vec![(inbound("+12125550123"), RING_ALICE)],
        },
        Scenario {
            name: "IVR: menu prompt stays text, a valid option routes",
            steps: vec![
                (
                    inbound("+12125550130"),
                    main_menu("invalid 0 timeouts 0", None),
                ),
                (Digits("1"), SALES_AFTER_MENU),
            ],
        },
        Scenario {
            name: "IVR: invalid input replays with a notice, the limit takes the invalid destination",
            steps: vec![
                (
                    inbound("+12125550130"),
                    main_menu("invalid 0 timeouts 0", None),
                ),
                (
                    Digits("5"),
                    main_menu(
                        "invalid 1 timeouts 0",
                        Some("Sorry, that is not a valid option."),
                    ),
                ),
                (Digits("8"), ALICE_VOICEMAIL_AFTER_DIAL),
            ],
        },
        Scenario {
            name: "IVR: timeouts are counted apart from invalid input, via action or redirect",
            steps: vec![
                (
                    inbound("+12125550130"),
                    main_menu("invalid 0 timeouts 0", None),
                ),
                (
                    Digits("5"),
                    main_menu(
                        "invalid 1 timeouts 0",
                        Some("Sorry, that is not a valid option."),
                    ),
                ),
                (
                    NoInput,
                    main_menu(
                        "invalid 1 timeouts 1",
                        Some("Sorry, we did not receive your selection."),
                    ),
                ),
                (Redirect, SALES_AFTER_MENU),
            ],
        },
        Scenario {
            name: "IVR: direct dial reaches allow-listed extensions only",
            steps: vec![
                (
                    inbound("+12125550130"),
                    main_menu("invalid 0 timeouts 0", None),
                ),
                (
                    Digits("1006"),
                    main_menu(
                        "invalid 1 timeouts 0",
                        Some("Sorry, that is not a valid option."),
                    ),
                ),
                (
                    Digits("1007#"),
                    r#"<Response><Dial method="POST" action="dial: extension 1007 hops 1" timeout="20"><Number>1007</Number></Dial></Response>"#,
                ),
            ],
        },
        Scenario {
            name: "IVR: an option may lead back to the menu itself",
            steps: vec![
                (
                    inbound("+12125550130"),
                    main_menu("invalid 0 timeouts 0", None),
                ),
                (Digits("9"), main_menu("invalid 0 timeouts 0 hops 1", None)),
            ],
        },
        Scenario {
            name: "IVR with an audio prompt and two-digit options",
            steps: vec![
                (
                    inbound("+12125550131"),
                    r#"<Response>
                  <Gather method="POST" action="gather: menu Audio invalid 0 timeouts 0" actionOnEmptyResult="true" numDigits="2" timeout="5">
                    <Play>https://cdn.example/menu.mp3</Play>
                  </Gather>
                  <Redirect method="POST">gather: menu Audio invalid 0 timeouts 0</Redirect></Response>"#,
                ),
                (
                    Digits("42"),
                    r#"<Response><Dial method="POST" action="dial: extension 1001 hops 1" timeout="20"><Number>1001</Number></Dial></Response>"#,
                ),
            ],
        },
        Scenario {
            name: "IVR: one invalid entry allowed means the first takes the invalid destination",
            steps: vec![
                (
                    inbound("+12125550131"),
                    r#"<Response>
                  <Gather method="POST" action="gather: menu Audio invalid 0 timeouts 0" actionOnEmptyResult="true" numDigits="2" timeout="5">
                    <Play>https://cdn.example/menu.mp3</Play>
                  </Gather>
                  <Redirect method="POST">gather: menu Audio invalid 0 timeouts 0</Redirect></Response>"#,
                ),
                (Digits("11"), HANGUP),
            ],
        },
        Scenario {
            name: "conference with a PIN: wrong PIN asks again, the right one joins (outside caller waits for staff)",
            steps: vec![
                (inbound("+12125550140"), board_pin(0)),
                (Digits("1111"), board_pin(1)),
                (
                    Digits("4321#"),
                    r#"<Response><Dial><Conference beep="true" maxParticipants="10" record="record-from-start" startConferenceOnEnter="false">Board</Conference></Dial></Response>"#,
                ),
            ],
        },
        Scenario {
            name: "conference: staff dialling the room number start it",
            steps: vec![
                (internal("7000"), board_pin(0)),
                (
                    Digits("4321"),
                    r#"<Response><Dial><Conference beep="true" maxParticipants="10" record="record-from-start">Board</Conference></Dial></Response>"#,
                ),
            ],
        },
        Scenario {
            name: "conference: three wrong PINs end the call",
            steps: vec![
                (inbound("+12125550140"), board_pin(0)),
                (Digits("1"), board_pin(1)),
                (Digits("2"), board_pin(2)),
                (NoInput, apology!("That PIN is not correct. Goodbye.")),
            ],
        },
        Scenario {
            name: "conference without a PIN joins at once, muted",
            steps: vec![(
                inbound("+12125550141"),
                r#"<Response><Dial><Conference beep="false" maxParticipants="250" muted="true">Open</Conference></Dial></Response>"#,
            )],
        },
        Scenario {
            name: "external number destination",
            steps: vec![
                (
                    inbound("+12125550150"),
                    r#"<Response><Dial method="POST" action="dial: external" trunks="trunk-e164"><Number>+442079460123</Number></Dial></Response>"#,
                ),
                (Dial("completed"), HANGUP),
            ],
        },
        Scenario {
            name: "hangup destination",
            steps: vec![(inbound("+12125550151"), HANGUP)],
        },
        Scenario {
            name: "voicemail with a recorded greeting",
            steps: vec![(
                inbound("+12125550160"),
                r##"<Response>
              <Record method="POST" action="dial: voicemail 1007" finishOnKey="#" maxLength="120" playBeep="true"><Play>https://cdn.example/greet.mp3</Play></Record>
              <Say>No message was recorded. Goodbye.</Say><Hangup/></Response>"##,
            )],
        },
        Scenario {
            name: "a mailbox that is switched off apologises",
            steps: vec![(
                inbound("+12125550161"),
                apology!("This mailbox is not available. Goodbye."),
            )],
        },
        Scenario {
            name: "an unknown number is not in service",
            steps: vec![(inbound("+12125559999"), UNASSIGNED)],
        },
        Scenario {
            name: "an inactive number is not in service",
            steps: vec![(inbound("+12125550199"), UNASSIGNED)],
        },
        Scenario {
            name: "a DID delivered without '+' still routes",
            steps: vec![(inbound("12125550101"), RING_ALICE)],
        },
        Scenario {
            name: "an API-originated call to one of our numbers routes like an inbound call",
            steps: vec![(Call("+12125550151", "+14155550000", "outbound-api"), HANGUP)],
        },
        Scenario {
            name: "extension to extension",
            steps: vec![(
                internal("1006"),
                r#"<Response><Dial method="POST" action="dial: extension 1006" timeout="20"><Number>1006</Number></Dial></Response>"#,
            )],
        },
        Scenario {
            name: "outbound by pattern: national number gets +1, the route's caller id and trunk",
            steps: vec![(
                internal("2125550199"),
                r#"<Response><Dial method="POST" action="dial: external" callerId="+12125550100" trunks="trunk-us"><Number>+12125550199</Number></Dial></Response>"#,
            )],
        },
        Scenario {
            name: "outbound by prefix with stripped digits",
            steps: vec![(
                internal("011442079460000"),
                r#"<Response><Dial method="POST" action="dial: external" trunks="trunk-international"><Number>+442079460000</Number></Dial></Response>"#,
            )],
        },
        Scenario {
            name: "outbound: dialled E.164 with punctuation",
            steps: vec![(
                internal("+1 (415) 555-0199"),
                r#"<Response><Dial method="POST" action="dial: external" callerId="+12125550100" trunks="trunk-e164"><Number>+14155550199</Number></Dial></Response>"#,
            )],
        },
        Scenario {
            name: "outbound: only an inactive route matches, so the call is refused",
            steps: vec![(internal("02079460000"), NO_ROUTE)],
        },
        Scenario {
            name: "outbound: nothing matches a short code",
            steps: vec![(internal("123"), NO_ROUTE)],
        },
    ]
}

/// Runs one scenario with a fresh call SID, failing with both documents on the first mismatch.
pub async fn play(fx: &Fixture, scenario: &Scenario) {
    let call_sid = format!("call-{}", unique());
    let mut previous: Option<Element> = None;
    let mut answered = String::new();
    let mut call = json!({});
    for (i, (act, want)) in scenario.steps.iter().enumerate() {
        let answer = match *act {
            Act::Call(to, from, direction) => {
                // Cloudonix repeats the call's standard parameters on every callback.
                call = json!({"CallSid": call_sid, "Session": format!("s-{call_sid}"), "From": from, "To": to,
                              "Direction": direction, "Domain": "acme.cloudonix.net"});
                let mut first = call.clone();
                first["CallStatus"] = json!("in-progress");
                answered = format!("{TEST_PUBLIC_URL}{VOICE_PATH}");
                fx.post(&answered, first).await
            }
            act => {
                let prev = previous.as_ref().expect("a callback follows an answer");
                let (url, body) = callback(&answered, prev, act, &call);
                answered = url;
                fx.post(&answered, body).await
            }
        };
        assert_eq!(answer.status, 200, "{}: step {i}", scenario.name);
        assert_eq!(
            answer.content_type, "application/xml",
            "{}: step {i}",
            scenario.name
        );
        fx.assert_callbacks_are_absolute_posts(&answer.doc());
        let got = fx.normalise(&answer, &call_sid);
        let want = expected(want);
        assert!(
            got == want,
            "scenario {:?}, step {i} ({act:?}):\n got: {}\nwant: {}",
            scenario.name,
            answer.body,
            want_text(&want)
        );
        previous = Some(answer.doc());
    }
}

fn want_text(el: &Element) -> String {
    format!("{el:?}")
}

/// The URL and body of the callback `act` makes to the previous answer.
/// `answered` is the URL that answered `prev`: Cloudonix requests the document's URLs as
/// [`resolve`] says (they are absolute, so as they are).
pub fn callback(
    answered: &str,
    prev: &Element,
    act: Act,
    call: &serde_json::Value,
) -> (String, serde_json::Value) {
    let (url, body) = callback_relative(prev, act, call);
    (resolve(answered, &url), body)
}

fn callback_relative(
    prev: &Element,
    act: Act,
    call: &serde_json::Value,
) -> (String, serde_json::Value) {
    let base = call.clone();
    let with = |extra: serde_json::Value| {
        let mut b = base.clone();
        b.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        b
    };
    match act {
        Act::Dial(status) => (
            action_of(prev, "Dial"),
            with(json!({"DialCallStatus": status, "CallStatus": "in-progress"})),
        ),
        Act::DialCallStatusOnly(status) => {
            (action_of(prev, "Dial"), with(json!({"CallStatus": status})))
        }
        Act::Digits(d) => (action_of(prev, "Gather"), with(json!({"Digits": d}))),
        Act::NoInput => (action_of(prev, "Gather"), base),
        Act::Redirect => (
            prev.child("Redirect").expect("a <Redirect>").text.clone(),
            base,
        ),
        Act::Recording(url) => (
            action_of(prev, "Record"),
            with(json!({"RecordingUrl": url, "RecordingDuration": "7"})),
        ),
        Act::Call(..) => unreachable!("not a callback"),
    }
}

fn action_of(doc: &Element, verb: &str) -> String {
    let el = doc
        .child(verb)
        .unwrap_or_else(|| panic!("the previous answer has no <{verb}>: {doc:?}"));
    el.attr("action")
        .unwrap_or_else(|| panic!("<{verb}> without action"))
        .to_owned()
}

async fn every_scenario(backend: Backend) {
    let fx = Fixture::new(backend).await;
    for scenario in table() {
        play(&fx, &scenario).await;
    }
}

on_both_backends!(every_scenario);
