//! The per-call trace: every webhook request OpBX received for a call (voice, gather, dial,
//! session update, CDR) and what it answered, in order, with when it came and how long the answer
//! took — Twilio's request inspector for OpBX.
//!
//! Bounded so that a call cannot grow its row without limit: each entry keeps at most
//! [`MAX_FIELDS`] request fields of at most [`MAX_VALUE_CHARS`] characters and [`MAX_RESPONSE_BYTES`]
//! of the answer; a call keeps entries up to [`MAX_CALL_BYTES`] and counts the requests beyond
//! that as dropped; a trace is kept [`RETENTION_MS`] from the call's start (the call log itself
//! stays). Secret-looking fields are masked before an entry is built and request headers (the
//! bearer key) are never part of it.

use std::collections::BTreeMap;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::now_ms;

/// How long a call's trace is kept: 30 days from the call's start.
pub const RETENTION_MS: i64 = 30 * 24 * 3600 * 1000;
/// What one call's entries may take in total (their JSON lines).
pub const MAX_CALL_BYTES: i64 = 64 * 1024;
/// Request fields kept per entry, in name order.
pub const MAX_FIELDS: usize = 64;
/// Characters kept of one request field's value.
pub const MAX_VALUE_CHARS: usize = 512;
/// Bytes kept of one answer.
pub const MAX_RESPONSE_BYTES: usize = 8 * 1024;

crate::text_enum! {
    /// Which webhook a request came to: the voice application URL (the call's first request),
    /// a `<Gather>` action (digits), a `<Dial>`/`<Record>` action (how a dial ended, a
    /// recording), a session update, the CDR.
    pub enum TraceWebhook { Voice => "voice", Gather => "gather", Dial => "dial", Session => "session", Cdr => "cdr" }
}

/// One request and its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceEntry {
    /// When the request arrived, epoch ms.
    pub at: i64,
    pub webhook: TraceWebhook,
    /// From arrival until the answer was decided, in microseconds.
    pub elapsed_us: u64,
    /// The request's fields (body and query string), secret-looking ones masked.
    pub request: BTreeMap<String, String>,
    /// The HTTP status answered.
    pub status: u16,
    /// The body answered: CXML for the voice webhooks, JSON for session updates and CDRs.
    pub response: String,
    /// Whether fields, values or the answer were cut to the caps.
    #[serde(default)]
    pub truncated: bool,
}

impl TraceEntry {
    /// An entry within the per-entry caps.
    pub fn new(
        at: i64,
        webhook: TraceWebhook,
        elapsed_us: u64,
        request: impl IntoIterator<Item = (String, String)>,
        status: u16,
        response: String,
    ) -> Self {
        let mut truncated = false;
        let mut fields = BTreeMap::new();
        for (name, value) in request {
            fields.insert(name, value);
        }
        if fields.len() > MAX_FIELDS {
            truncated = true;
            fields = fields.into_iter().take(MAX_FIELDS).collect();
        }
        for value in fields.values_mut() {
            if let Some((cut, _)) = value.char_indices().nth(MAX_VALUE_CHARS) {
                value.truncate(cut);
                value.push('…');
                truncated = true;
            }
        }
        let mut response = response;
        if response.len() > MAX_RESPONSE_BYTES {
            let mut cut = MAX_RESPONSE_BYTES;
            while !response.is_char_boundary(cut) {
                cut -= 1;
            }
            response.truncate(cut);
            response.push('…');
            truncated = true;
        }
        Self {
            at,
            webhook,
            elapsed_us,
            request: fields,
            status,
            response,
            truncated,
        }
    }

    /// The entry as stored: one JSON line.
    pub fn line(&self) -> TraceLine {
        let mut text = serde_json::to_string(self).expect("trace entries always serialise");
        text.push('\n');
        TraceLine(text)
    }
}

/// A request that will have an entry once it is answered: when it arrived (the wall clock for
/// the trace, the monotonic one for its timing), where, and the fields the trace may keep
/// (already masked by the webhook that received it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceRequest {
    at: i64,
    arrived: Instant,
    webhook: TraceWebhook,
    fields: Vec<(String, String)>,
}

impl TraceRequest {
    /// A request arriving now; [`Self::with_fields`] adds what it carried once it is read.
    pub fn arriving(webhook: TraceWebhook) -> Self {
        Self {
            at: now_ms(),
            arrived: Instant::now(),
            webhook,
            fields: Vec::new(),
        }
    }

    pub fn with_fields(self, fields: Vec<(String, String)>) -> Self {
        Self { fields, ..self }
    }

    /// Its entry, answered `status` and `response` now.
    pub fn answered(&self, status: u16, response: impl Into<String>) -> TraceLine {
        let elapsed_us = u64::try_from(self.arrived.elapsed().as_micros()).unwrap_or(u64::MAX);
        TraceEntry::new(
            self.at,
            self.webhook,
            elapsed_us,
            self.fields.iter().cloned(),
            status,
            response.into(),
        )
        .line()
    }
}

/// A stored entry: one line of JSON, newline included, so that appending is concatenation in
/// either SQL dialect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceLine(String);

impl TraceLine {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What the line adds to the call's total.
    pub fn bytes(&self) -> i64 {
        self.0.len() as i64
    }
}

/// A call's trace as read back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallTrace {
    /// In the order they were stored: the order of the call's requests.
    pub entries: Vec<TraceEntry>,
    /// Requests that came after the call reached [`MAX_CALL_BYTES`].
    pub dropped: i32,
    /// When the trace expires, epoch ms; `None` when the call has none (any more).
    pub kept_until: Option<i64>,
}

impl CallTrace {
    /// Reads stored lines; an unreadable line (from a later version, say) is skipped.
    pub fn parse(text: &str, dropped: i32, kept_until: Option<i64>) -> Self {
        Self {
            entries: text
                .lines()
                .filter_map(|l| serde_json::from_str(l).ok())
                .collect(),
            dropped,
            kept_until,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_cut_to_the_caps_and_say_so() {
        let long = "é".repeat(MAX_VALUE_CHARS + 10);
        let fields = (0..MAX_FIELDS + 5).map(|i| (format!("f{i:03}"), long.clone()));
        let entry = TraceEntry::new(
            1,
            TraceWebhook::Voice,
            5,
            fields,
            200,
            "x".repeat(MAX_RESPONSE_BYTES + 100),
        );
        assert!(entry.truncated);
        assert_eq!(entry.request.len(), MAX_FIELDS);
        assert_eq!(entry.request["f000"].chars().count(), MAX_VALUE_CHARS + 1);
        assert!(entry.request["f000"].ends_with('…'));
        assert!(entry.response.len() <= MAX_RESPONSE_BYTES + '…'.len_utf8());

        let small = TraceEntry::new(
            2,
            TraceWebhook::Session,
            1,
            [("status".to_owned(), "ringing".to_owned())],
            200,
            "{}".into(),
        );
        assert!(!small.truncated);
    }

    #[test]
    fn lines_read_back_in_order_skipping_unreadable_ones() {
        let a = TraceEntry::new(1, TraceWebhook::Voice, 10, [], 200, "<Response/>".into());
        let b = TraceEntry::new(2, TraceWebhook::Cdr, 20, [], 200, "{}".into());
        let text = format!("{}not json\n{}", a.line().as_str(), b.line().as_str());
        let trace = CallTrace::parse(&text, 3, Some(9));
        assert_eq!(trace.entries, vec![a, b]);
        assert_eq!((trace.dropped, trace.kept_until), (3, Some(9)));
        assert!(trace.entries[0].line().as_str().ends_with('\n'));
    }
}
