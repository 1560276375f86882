//! What the two notification webhooks (session updates and CDRs) share: they expect no CXML,
//! answer JSON, and read Cloudonix's times and directions in their several spellings.

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::domain::model::CallDirection;
use crate::ports::store::StoreError;

pub fn reply(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

/// Our store failed: Cloudonix may deliver again later, and nothing was half-applied that a
/// redelivery would apply twice.
pub fn unavailable(e: &StoreError) -> Response {
    tracing::error!(error = %e, "webhook not applied: store unavailable");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "5")],
        Json(json!({"error": "temporarily unavailable, deliver again"})),
    )
        .into_response()
}

/// Epoch ms from epoch milliseconds (`callStartTime`), or an RFC 3339 time (`startTime`).
/// Zero and garbage mean "not set".
pub fn epoch_ms(text: Option<&str>) -> Option<i64> {
    let text = text?.trim();
    if let Ok(ms) = text.parse::<f64>() {
        // Compared after the cast: a fraction of a millisecond (`12e-5`) is zero, "not set".
        let ms = ms as i64;
        return (ms > 0).then_some(ms);
    }
    // A date before 1970 is as meaningless for a call as a negative number.
    text.parse::<jiff::Timestamp>()
        .ok()
        .map(|t| t.as_millisecond())
        .filter(|ms| *ms > 0)
}

/// Session updates say `incoming`/`outgoing`/`internal`/`application`, voice requests
/// `inbound`/`subscriber`/`outbound-api` (cloudonix.md §1.3, §3.2).
pub fn direction(text: Option<&str>) -> Option<CallDirection> {
    match text?.trim().to_ascii_lowercase().as_str() {
        "incoming" | "inbound" => Some(CallDirection::Inbound),
        "outgoing" | "outbound" | "outbound-api" | "application" => Some(CallDirection::Outbound),
        "internal" => Some(CallDirection::Internal),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_milliseconds_or_rfc3339() {
        assert_eq!(epoch_ms(Some("1772357400000")), Some(1_772_357_400_000));
        assert_eq!(
            epoch_ms(Some("2026-03-01T09:30:00Z")),
            Some(1_772_357_400_000)
        );
        assert_eq!(epoch_ms(Some("0")), None);
        assert_eq!(epoch_ms(Some("soon")), None);
        assert_eq!(epoch_ms(None), None);
    }

    #[test]
    fn directions_in_both_vocabularies() {
        assert_eq!(direction(Some("incoming")), Some(CallDirection::Inbound));
        assert_eq!(direction(Some("Outgoing")), Some(CallDirection::Outbound));
        assert_eq!(direction(Some("internal")), Some(CallDirection::Internal));
        assert_eq!(direction(Some("subscriber")), None);
    }
}
