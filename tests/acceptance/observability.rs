//! What an operator finds of a call (issue 17): its request id in the answer, on every log line
//! it wrote and in its problem documents; the call counted in the metrics, with no phone number
//! among the labels; the same figures as CloudWatch EMF documents.

use std::io::Write;
use std::sync::{Arc, Mutex};

use opbx::observe::metrics::{self, Metric};
use opbx::observe::{emf, prometheus};
use opbx_tests::Backend;
use serde_json::{Value, json};

use crate::fixture::Fixture;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn lines(&self) -> Vec<Value> {
        String::from_utf8(self.0.lock().unwrap().clone())
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
            .collect()
    }
}

const CALLER: &str = "+14155550123";

fn new_call(call_sid: &str) -> Value {
    json!({"CallSid": call_sid, "From": CALLER, "To": "+12125550101", "Direction": "inbound",
           "Session": format!("session-{call_sid}")})
}

// One thread, so the subscriber set for this test sees every line the request writes.
#[tokio::test(flavor = "current_thread")]
async fn every_log_line_of_a_call_names_its_request_organization_and_call() {
    let fx = Fixture::new(Backend::embedded().await).await;
    let captured = Captured::default();
    let writer = captured.clone();
    let _guard =
        tracing::subscriber::set_default(opbx::observe::logging::json(move || writer.clone()));

    let answer = fx
        .post("/webhooks/cloudonix/voice", new_call("CAobs1"))
        .await;
    assert_eq!(answer.status, 200);
    let id = answer.request_id.expect("x-request-id on the answer");

    let lines = captured.lines();
    assert!(
        lines.iter().any(|l| l["fields"]["message"] == "answered"),
        "no line for the answer: {lines:#?}"
    );
    for line in &lines {
        let request = &line["spans"][0];
        assert_eq!(request["name"], "request", "{line}");
        assert_eq!(request["request_id"], id.as_str(), "{line}");
        assert_eq!(request["org"], fx.org.to_string(), "{line}");
        assert_eq!(request["call_sid"], "CAobs1", "{line}");
        assert_eq!(request["function"], "webhook-voice", "{line}");
    }
}

#[tokio::test]
async fn a_problem_document_names_the_request_that_got_it() {
    let fx = Fixture::new(Backend::embedded().await).await;
    let answer = fx
        .post_as("/api/v1/users", None, "application/json", String::new())
        .await;
    assert_eq!(answer.status, 401);
    let problem: Value = serde_json::from_str(&answer.body).unwrap();
    let id = answer.request_id.expect("x-request-id on the answer");
    assert_eq!(problem["instance"], format!("urn:opbx:request:{id}"));

    let again = fx
        .post_as("/api/v1/users", None, "application/json", String::new())
        .await;
    assert_ne!(
        again.request_id,
        Some(id),
        "each request has an id of its own"
    );
}

/// One line of Prometheus' text format: name, labels, value.
type Series = (String, Vec<(String, String)>, f64);

/// Parses Prometheus' text format strictly enough to catch a malformed line.
fn series(text: &str) -> Vec<Series> {
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let (head, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("{line}"));
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("value of {line}"));
        let (name, labels) = match head.split_once('{') {
            Some((name, rest)) => {
                let body = rest.strip_suffix('}').unwrap_or_else(|| panic!("{line}"));
                let labels = body
                    .split(',')
                    .map(|pair| {
                        let (k, v) = pair.split_once('=').unwrap_or_else(|| panic!("{line}"));
                        let v = v.strip_prefix('"').and_then(|v| v.strip_suffix('"'));
                        (
                            k.to_owned(),
                            v.unwrap_or_else(|| panic!("{line}")).to_owned(),
                        )
                    })
                    .collect();
                (name, labels)
            }
            None => (head, Vec::new()),
        };
        assert!(
            name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "metric name in {line}"
        );
        out.push((name.to_owned(), labels, value));
    }
    out
}

fn routed_calls_of(text: &str, org: &str) -> f64 {
    series(text)
        .iter()
        .filter(|(name, labels, _)| {
            name == "opbx_calls_routed_total"
                && labels.contains(&("organization".into(), org.into()))
                && labels.contains(&("step".into(), "new_call".into()))
        })
        .map(|(_, _, v)| v)
        .sum()
}

#[tokio::test]
async fn metrics_count_a_routed_call_and_label_no_number() {
    let fx = Fixture::new(Backend::embedded().await).await;
    let org = fx.org.to_string();
    let before = prometheus::render(&metrics::snapshot());
    assert_eq!(routed_calls_of(&before, &org), 0.0);

    let call = new_call("CAobs2");
    assert_eq!(
        fx.post("/webhooks/cloudonix/voice", call.clone())
            .await
            .status,
        200
    );
    // A second delivery is a replay, not a second call.
    assert_eq!(fx.post("/webhooks/cloudonix/voice", call).await.status, 200);

    let after = prometheus::render(&metrics::snapshot());
    assert_eq!(routed_calls_of(&after, &org), 1.0, "{after}");
    let replays: f64 = series(&after)
        .iter()
        .filter(|(n, l, _)| {
            n == "opbx_replays_served_total" && l.contains(&("organization".into(), org.clone()))
        })
        .map(|(_, _, v)| v)
        .sum();
    assert_eq!(replays, 1.0);
    for (name, labels, _) in series(&after) {
        for (key, value) in labels.into_iter().filter(|(k, _)| k != "le") {
            // The call's numbers, in any spelling (an id may contain "555" by chance).
            let digits: String = value.chars().filter(char::is_ascii_digit).collect();
            assert!(
                !value.contains('+')
                    && ["2125550101", CALLER.trim_start_matches('+')]
                        .iter()
                        .all(|number| !digits.contains(number)),
                "{name} labels {key}={value}: a phone number is not a label"
            );
        }
    }
}

#[tokio::test]
async fn a_calls_metrics_become_cloudwatch_emf_documents() {
    let fx = Fixture::new(Backend::embedded().await).await;
    let org = fx.org.to_string();
    metrics::keep_samples();
    assert_eq!(
        fx.post("/webhooks/cloudonix/voice", new_call("CAobs3"))
            .await
            .status,
        200
    );
    let samples: Vec<_> = metrics::take_samples()
        .into_iter()
        .filter(|s| {
            s.labels
                .iter()
                .all(|(k, v)| *k != "organization" || *v == org)
                && s.metric != Metric::RoutingCache
        })
        .collect();
    let docs = emf::documents(&samples, 1_780_000_000_000);
    for doc in &docs {
        assert_emf(doc);
    }
    let routed = docs
        .iter()
        .find(|d| d.get("calls_routed").is_some() && d["organization"] == org.as_str())
        .unwrap_or_else(|| panic!("no calls_routed document: {docs:#?}"));
    assert_eq!(routed["calls_routed"], 1.0);
    assert_eq!(routed["step"], "new_call");
    assert!(
        docs.iter()
            .any(|d| d["function"] == "webhook-voice" && d["request_duration"].is_array()),
        "{docs:#?}"
    );
}

/// CloudWatch's Embedded Metric Format specification: the `_aws` member with an integer
/// timestamp and metric directives whose dimensions and metrics name members of the document.
fn assert_emf(doc: &Value) {
    let aws = &doc["_aws"];
    assert!(aws["Timestamp"].is_i64(), "{doc}");
    let directives = aws["CloudWatchMetrics"].as_array().expect("directives");
    assert!(!directives.is_empty(), "{doc}");
    for d in directives {
        assert_eq!(d["Namespace"], "OpBX");
        for set in d["Dimensions"].as_array().expect("dimension sets") {
            let set = set.as_array().unwrap();
            assert!(set.len() <= 30, "{doc}");
            for dim in set {
                assert!(
                    doc[dim.as_str().unwrap()].is_string(),
                    "dimension {dim}: {doc}"
                );
            }
        }
        for m in d["Metrics"].as_array().expect("metrics") {
            let name = m["Name"].as_str().unwrap();
            assert!(["Count", "Milliseconds"].contains(&m["Unit"].as_str().unwrap()));
            match &doc[name] {
                Value::Number(_) => {}
                Value::Array(values) => {
                    assert!(!values.is_empty() && values.len() <= 100, "{doc}");
                    assert!(values.iter().all(Value::is_number), "{doc}");
                }
                other => panic!("metric {name} is {other}: {doc}"),
            }
        }
    }
}
