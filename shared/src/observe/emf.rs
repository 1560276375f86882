//! CloudWatch Embedded Metric Format: on Lambda, what an invocation recorded is written to
//! stdout as JSON lines that CloudWatch Logs turns into metrics, with no API call and no agent.
//! One document per metric and label set; latencies carry their values as an array (EMF takes
//! up to 100 per metric and document).

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::metrics::{Labels, Metric, Sample};

pub const NAMESPACE: &str = "OpBX";
const MAX_VALUES: usize = 100;

/// The EMF documents for `samples`, stamped `timestamp_ms`.
pub fn documents(samples: &[Sample], timestamp_ms: i64) -> Vec<Value> {
    let mut grouped: BTreeMap<(Metric, &Labels), Vec<f64>> = BTreeMap::new();
    for s in samples {
        grouped
            .entry((s.metric, &s.labels))
            .or_default()
            .push(s.value);
    }
    let mut out = Vec::new();
    for ((metric, labels), values) in grouped {
        let name = cloudwatch_name(metric);
        let (unit, chunks): (&str, Vec<Value>) = if metric.is_latency() {
            let chunks = values.chunks(MAX_VALUES).map(|c| json!(c)).collect();
            ("Milliseconds", chunks)
        } else {
            ("Count", vec![json!(values.iter().sum::<f64>())])
        };
        for value in chunks {
            let mut doc = Map::new();
            doc.insert(
                "_aws".into(),
                json!({
                    "Timestamp": timestamp_ms,
                    "CloudWatchMetrics": [{
                        "Namespace": NAMESPACE,
                        "Dimensions": dimension_sets(metric, labels),
                        "Metrics": [{ "Name": name, "Unit": unit }],
                    }],
                }),
            );
            for (k, v) in labels {
                doc.insert((*k).into(), json!(v));
            }
            doc.insert(name.into(), value);
            out.push(Value::Object(doc));
        }
    }
    out
}

/// The series' own labels, plus the rollups alarms and the dashboard read across
/// organizations (an alarm cannot add up a metric over a dimension's values).
fn dimension_sets(metric: Metric, labels: &Labels) -> Vec<Vec<&'static str>> {
    let own: Vec<&'static str> = labels.iter().map(|(k, _)| *k).collect();
    let rollups: &[&[&'static str]] = match metric {
        Metric::CallsRouted => &[&["outcome"]],
        Metric::Requests => &[&["status"]],
        Metric::RequestLatency => &[&[]],
        Metric::StoreLatency => &[&["store"]],
        Metric::Jobs => &[&["result"]],
        _ => &[],
    };
    let mut sets = vec![own];
    sets.extend(rollups.iter().map(|r| r.to_vec()));
    sets
}

/// `opbx_calls_routed_total` → `calls_routed`: CloudWatch has no metric types to suffix.
pub fn cloudwatch_name(metric: Metric) -> &'static str {
    let name = metric.name().trim_start_matches("opbx_");
    name.strip_suffix("_total")
        .or_else(|| name.strip_suffix("_seconds"))
        .unwrap_or(name)
}

/// Writes what was recorded since the last flush to stdout, one document a line.
pub fn flush() {
    use std::io::Write;
    let samples = super::metrics::take_samples();
    if samples.is_empty() {
        return;
    }
    let lines: String = documents(&samples, crate::domain::now_ms())
        .iter()
        .map(|d| format!("{d}\n"))
        .collect();
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(lines.as_bytes());
    let _ = stdout.flush();
}
