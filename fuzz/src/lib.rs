//! Coverage-guided fuzz targets over what OpBX reads from outside (issue 16.3). Each function
//! takes arbitrary bytes and panics only on a real defect: a parser that panics, a builder whose
//! output does not parse back to what it was given, a forged callback state that verifies, a
//! schedule without a decision. `scripts/fuzz.sh` runs them under libFuzzer; `tests/corpus.rs`
//! replays the committed corpora (`fuzz/corpus/<target>/`) as ordinary tests.

use opbx::crypto::SecretBox;
use opbx::cxml::{self, Response, Say};
use opbx::domain::destination::Destination;
use opbx::domain::dial_plan;
use opbx::domain::e164::E164;
use opbx::domain::extension_number::ExtensionNumber;
use opbx::domain::ids::{ExtensionId, OrgId, ScheduleId};
use opbx::domain::model::{
    BusinessHours, ExceptionMode, ManualOverride, OutboundMatch, OverrideMode, ScheduleException,
    Status, WeeklyRange,
};
use opbx::domain::schedule;
use opbx::domain::timezone::Timezone;
use opbx::http::webhooks::cdr::{parse_cdr, read_cdr, session_token};
use opbx::http::webhooks::params::WebhookParams;
use opbx::http::webhooks::session::{SessionReading, read_session_update};
use opbx::routing::continuation::Continuation;

/// One fuzz target: takes any bytes, panics only on a defect.
pub type Target = fn(&[u8]);

/// The targets by name, for the corpus replay and `scripts/fuzz.sh`.
pub const TARGETS: &[(&str, Target)] = &[
    ("webhook_params", webhook_params),
    ("call_events", call_events),
    ("cxml", cxml),
    ("callback_state", callback_state),
    ("numbers", numbers),
    ("dial_plan", dial_plan),
    ("schedule", schedule),
];

/// Splits the input into `n` parts at `0xFF` bytes (never valid UTF-8), so one input can carry
/// several strings.
fn parts(data: &[u8], n: usize) -> Vec<&[u8]> {
    let mut out: Vec<&[u8]> = data.splitn(n, |b| *b == 0xFF).collect();
    out.resize(n, &[]);
    out
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The content type a webhook claims, chosen by the input's first byte.
fn content_type(selector: &[u8]) -> Option<&'static str> {
    match selector.first().map(|b| b % 4) {
        Some(0) => Some("application/json"),
        Some(1) => Some("application/x-www-form-urlencoded"),
        Some(2) => Some("text/plain; charset=utf-8"),
        _ => None,
    }
}

/// A webhook body with any content type, and a query string: parsing answers a value or an
/// error, and every field read back is one the request carried.
pub fn webhook_params(data: &[u8]) {
    let [selector, body, query] = parts(data, 3)[..] else {
        unreachable!()
    };
    let query = std::str::from_utf8(query).ok();
    if let Ok(params) = WebhookParams::parse(content_type(selector), body, query) {
        for name in [
            "CallSid",
            "From",
            "To",
            "Digits",
            "Direction",
            "SessionData",
        ] {
            let _ = params.get(name);
        }
    }
}

/// A session update (any content type and query) and a CDR body: reading them never panics and
/// yields what the call state machine can trust: times after 1970, durations not negative, a
/// disposition in upper case.
pub fn call_events(data: &[u8]) {
    let [selector, body, query] = parts(data, 3)[..] else {
        unreachable!()
    };
    let query = std::str::from_utf8(query).ok();
    if let Ok(params) = WebhookParams::parse(content_type(selector), body, query)
        && let SessionReading::Update { observation, .. } = read_session_update(&params, 1)
    {
        let times = [
            observation.answered_at,
            observation.ended_at,
            observation.details.started_at,
        ];
        assert!(
            times.into_iter().flatten().all(|t| t > 0),
            "{observation:?}"
        );
    }
    if let Ok(cdr) = parse_cdr(body) {
        let reading = read_cdr(&cdr);
        let times = [reading.started_at, reading.answered_at, reading.ended_at];
        assert!(times.into_iter().flatten().all(|t| t > 0), "{reading:?}");
        assert!(reading.ending.duration_seconds >= 0 && reading.ending.billsec >= 0);
        assert_eq!(
            reading.disposition,
            reading.disposition.to_ascii_uppercase()
        );
        let _ = session_token(&cdr);
    }
}

/// Any text in a `<Say>` (text content) and a `<Sip>` URI (attribute-free text of a noun) comes
/// out as a well-formed document whose tree holds exactly that text.
pub fn cxml(data: &[u8]) {
    let [said, uri] = parts(data, 2)[..] else {
        unreachable!()
    };
    let (said, uri) = (text(said), text(uri));
    let doc = Response::new()
        .with(Say::new(said.clone()))
        .with(cxml::Dial::new(cxml::Sip::new(uri.clone())))
        .to_xml();
    let tree = cxml::parse(&doc).unwrap_or_else(|e| panic!("{doc:?} does not parse: {e}"));
    let expect = |t: &str| {
        if t.trim().is_empty() {
            String::new()
        } else {
            t.to_owned()
        }
    };
    let say = tree.child("Say").expect("a Say");
    assert_eq!(say.text, expect(&said), "{doc:?}");
    let sip = tree
        .child("Dial")
        .and_then(|d| d.child("Sip"))
        .expect("a Sip");
    assert_eq!(sip.text, expect(&uri), "{doc:?}");
    // And the parser itself on anything.
    let _ = cxml::parse(&text(data));
}

/// A callback's signed routing state: anything not signed with this instance's key for this
/// organization and call is refused, and what was signed reads back as it was written.
pub fn callback_state(data: &[u8]) {
    use std::sync::LazyLock;
    static SECRETS: LazyLock<SecretBox> =
        LazyLock::new(|| SecretBox::from_base64(&SecretBox::generate_key()).unwrap());
    static ORG: LazyLock<OrgId> = LazyLock::new(OrgId::new);
    let [k, call] = parts(data, 2)[..] else {
        unreachable!()
    };
    let (k, call) = (text(k), text(call));
    assert!(
        Continuation::verify(Some(&k), &SECRETS, *ORG, &call).is_err(),
        "an unsigned state verified: {k:?}"
    );
    if let Ok(state) = serde_json::from_str::<Continuation>(&k) {
        let url = state.url(
            opbx::routing::continuation::CallbackBase::Absolute("https://pbx.test"),
            &SECRETS,
            *ORG,
            &call,
        );
        let signed = url.split_once("?k=").expect("a k parameter").1;
        let back = Continuation::verify(Some(signed), &SECRETS, *ORG, &call)
            .unwrap_or_else(|e| panic!("own state refused ({e}): {url}"));
        assert_eq!(back, state);
        let other = format!("{call}x");
        assert!(Continuation::verify(Some(signed), &SECRETS, *ORG, &other).is_err());
    }
}

/// E.164 numbers and extension numbers: a value that parses prints as text that parses to the
/// same value.
pub fn numbers(data: &[u8]) {
    let input = text(data);
    if let Ok(n) = E164::parse(&input) {
        assert_eq!(E164::parse(n.as_str()).as_ref(), Ok(&n), "{input:?}");
    }
    if let Ok(n) = ExtensionNumber::parse(&input) {
        assert_eq!(
            ExtensionNumber::parse(n.as_str()).as_ref(),
            Ok(&n),
            "{input:?}"
        );
    }
}

/// Outbound-route matching on any stored value and anything dialled: never panics, and an empty
/// prefix matches nothing.
pub fn dial_plan(data: &[u8]) {
    let [kind, value, dialled] = parts(data, 3)[..] else {
        unreachable!()
    };
    let kind = if kind.first().is_some_and(|b| b % 2 == 0) {
        OutboundMatch::Prefix
    } else {
        OutboundMatch::Pattern
    };
    let dialled = dial_plan::normalise(&text(dialled));
    let matched = dial_plan::matches(kind, &text(value), &dialled);
    if kind == OutboundMatch::Prefix && value.is_empty() {
        assert!(!matched);
    }
}

const ZONES: &[&str] = &[
    "UTC",
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Asia/Kolkata",
    "America/Santiago",
];

/// A schedule the API accepts (checked with `schedule::validate`) evaluated at any instant:
/// never panics and always decides for one of its destinations.
pub fn schedule(data: &[u8]) {
    let mut bytes = data.iter().copied();
    let mut next = || bytes.next().unwrap_or(0);
    let zone = ZONES[usize::from(next()) % ZONES.len()];
    let mut i64_from = |n: usize| (0..n).fold(0i64, |acc, _| (acc << 8) | i64::from(next()));
    let at_ms = i64_from(4) * 1000 + 946_684_800_000; // 2000 … 2136
    let ranges: Vec<WeeklyRange> = (0..(i64_from(1) % 6))
        .map(|_| WeeklyRange {
            weekday: (i64_from(1) % 9) as i32,
            start_minute: (i64_from(2) % 1500) as i32,
            end_minute: (i64_from(2) % 1500) as i32,
        })
        .collect();
    let date = |n: i64| {
        let d = jiff::civil::date(2024, 1, 1) + jiff::Span::new().days(n % 800);
        d.to_string()
    };
    let exceptions: Vec<ScheduleException> = (0..(i64_from(1) % 3))
        .map(|i| {
            let start = i64_from(2);
            ScheduleException {
                name: format!("e{i}"),
                start_date: date(start),
                end_date: date(start + i64_from(1) % 40),
                mode: if start % 2 == 0 {
                    ExceptionMode::Closed
                } else {
                    ExceptionMode::Open
                },
                destination: None,
            }
        })
        .collect();
    let manual_override = match i64_from(1) % 3 {
        0 => None,
        mode => Some(ManualOverride {
            mode: if mode == 1 {
                OverrideMode::Open
            } else {
                OverrideMode::Closed
            },
            until: Some(at_ms + (i64_from(3) - (1 << 23)) * 1000),
        }),
    };
    if schedule::validate(&ranges, &exceptions).is_err() {
        return;
    }
    let hours = BusinessHours {
        id: ScheduleId::new(),
        organization_id: OrgId::new(),
        name: "fuzz".into(),
        timezone: Timezone::parse(zone).expect("a known zone"),
        open: Destination::Hangup,
        closed: Destination::Extension {
            id: ExtensionId::new(),
        },
        ranges,
        exceptions,
        manual_override,
        status: Status::Active,
        created_at: 0,
        updated_at: 0,
    };
    let at = jiff::Timestamp::from_millisecond(at_ms).expect("in range");
    let decision = schedule::evaluate(&hours, at);
    assert!(
        decision.destination == hours.open || decision.destination == hours.closed,
        "{decision:?}"
    );
}
