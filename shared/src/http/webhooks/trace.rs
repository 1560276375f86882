//! Building a webhook's entry of the per-call trace ([`crate::domain::call_trace`]): the request
//! as the trace may keep it and the answer, timed from the request's arrival.

use serde_json::Value;

use super::params::WebhookParams;
use crate::domain::call_trace::TraceRequest;
use crate::http::api::audit::{MASK, is_secret_name, mask_secrets};

/// `request` with the fields of `params` the trace may keep.
pub fn with_params(request: TraceRequest, params: &WebhookParams) -> TraceRequest {
    request.with_fields(kept_fields(params))
}

/// The fields a trace keeps: every field but `k` (our own signed routing state on callback
/// URLs, which would let its holder resume the call's routing), secret-looking names masked,
/// and inside JSON values (`SessionData`, a CDR's `session`) too.
fn kept_fields(params: &WebhookParams) -> Vec<(String, String)> {
    params
        .fields()
        .filter(|(name, _)| *name != "k")
        .map(|(name, value)| {
            let kept = if secret_looking(name) {
                MASK.to_owned()
            } else {
                match serde_json::from_str::<Value>(value) {
                    Ok(mut nested @ (Value::Object(_) | Value::Array(_))) => {
                        mask_secrets(&mut nested);
                        nested.to_string()
                    }
                    _ => value.to_owned(),
                }
            };
            (name.to_owned(), kept)
        })
        .collect()
}

/// The audit log's rule, plus the spellings webhook fields use (`ApiKey`, `X-CX-APIKey`,
/// `Authorization`).
fn secret_looking(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    is_secret_name(name) || lower.ends_with("key") || lower.contains("auth")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::call_trace::{TraceEntry, TraceWebhook};

    #[test]
    fn secrets_and_routing_state_are_not_kept() {
        let params = WebhookParams::parse(
            Some("application/json"),
            br#"{"CallSid":"CA1","From":"+12125550100","ApiKey":"XI123","SessionData":{"token":"s3cret","n":1}}"#,
            Some("k=signed-state&Digits=1"),
        )
        .unwrap();
        let request = with_params(TraceRequest::arriving(TraceWebhook::Gather), &params);
        let line = request.answered(200, "<Response/>");
        let entry: TraceEntry = serde_json::from_str(line.as_str()).unwrap();
        assert_eq!(entry.request["CallSid"], "CA1");
        assert_eq!(entry.request["Digits"], "1");
        assert_eq!(entry.request["ApiKey"], MASK);
        assert_eq!(
            entry.request["SessionData"],
            r#"{"n":1,"token":"********"}"#
        );
        assert!(!entry.request.contains_key("k"));
        assert!(!line.as_str().contains("signed-state") && !line.as_str().contains("s3cret"));
        assert_eq!((entry.webhook, entry.status), (TraceWebhook::Gather, 200));
    }
}
