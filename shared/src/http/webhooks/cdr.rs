//! `POST /webhooks/cloudonix/cdr/{org_token}` (function webhook-cdr): the one CDR Cloudonix sends
//! per session, the authoritative record of how the call went (cloudonix.md §3.3).
//!
//! Cloudonix sends CDRs without any authentication, so the secret token in the path (stored as
//! its SHA-256, compared in constant time) identifies the organization, and the domain the
//! payload names must be that organization's: by name (`domain`), by UUID (`owner.domain.uuid`,
//! how third-party code reads it, since `domain` may be null) or by numeric id
//! (`session.domainId`), matched against the name and UUID Cloudonix reported and what the admin
//! entered. A CDR naming no domain is accepted on the token alone, and logged. The CDR is stored
//! once per session token; it ends the call log (status, disposition, duration, billsec,
//! recording URL) and the live call. A redelivered CDR changes nothing and is answered 200 as
//! well.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use serde_json::{Value, json};

use super::notify::{direction, reply, unavailable};
use super::params::WebhookParams;
use super::trace;
use crate::app::AppState;
use crate::crypto::{constant_time_eq, sha256_hex};
use crate::domain::call_state::{Source, from_disposition};
use crate::domain::call_trace::{TraceRequest, TraceWebhook};
use crate::domain::ids::{CallLogId, CdrId, OrgId};
use crate::domain::model::{CallDirection, Cdr, CloudonixSettings};
use crate::domain::now_ms;
use crate::ports::call_logs::CallLogRepo;
use crate::ports::cdrs::CdrRepo;
use crate::ports::cloudonix_settings::CloudonixSettingsRepo;
use crate::ports::store::StoreError;
use crate::realtime::tracking::{CallDetails, CallEnding, Observation, track};

pub const CDR_PATH: &str = "/webhooks/cloudonix/cdr/{org_token}";

pub fn router(state: AppState) -> Router {
    Router::new()
        .route(CDR_PATH, post(receive))
        .with_state(state)
}

fn refuse(status: StatusCode, message: &str) -> Response {
    reply(status, json!({ "error": message }))
}

/// The organization whose CDR URL carries `token`.
async fn identify(state: &AppState, token: &str) -> Result<CloudonixSettings, Response> {
    let hash = sha256_hex(token);
    let find = state.store.find_org_by_cdr_token_hash(&hash);
    let settings = match state.store.within_notification_deadline(find).await {
        Ok(s) => s,
        Err(StoreError::NotFound) => {
            tracing::warn!("CDR posted to an unknown CDR URL");
            return Err(refuse(StatusCode::NOT_FOUND, "unknown CDR endpoint"));
        }
        Err(e) => return Err(unavailable(&e)),
    };
    let stored = settings.cdr_token_hash.as_deref().unwrap_or_default();
    if !constant_time_eq(stored.as_bytes(), hash.as_bytes()) {
        return Err(refuse(StatusCode::NOT_FOUND, "unknown CDR endpoint"));
    }
    Ok(settings)
}

/// Whether a CDR names the organization's Cloudonix domain.
#[derive(Debug, PartialEq, Eq)]
enum DomainCheck {
    Matches,
    /// Neither `domain` nor `owner.domain.uuid`: the path token alone vouches for it.
    Unnamed,
    /// Names a domain that is not the organization's (what it named, for the log).
    Other(String),
}

fn check_domain(settings: &CloudonixSettings, cdr: &Value) -> DomainCheck {
    let ours: Vec<&str> = [
        &settings.domain_name,
        &settings.domain_uuid,
        &settings.domain,
    ]
    .into_iter()
    .filter_map(|s| s.as_deref().map(str::trim))
    .filter(|s| !s.is_empty())
    .collect();
    let is_ours = |named: &str| ours.iter().any(|o| o.eq_ignore_ascii_case(named));
    let named: Vec<&str> = [
        text(cdr, &["domain"]),
        text(cdr, &["owner", "domain", "uuid"]),
    ]
    .into_iter()
    .flatten()
    .collect();
    // The numeric id confirms (an admin may have entered it) but never refuses: every session
    // carries one, and the organization may not know its own.
    let id = number(cdr, &["session", "domainId"]).map(|id| id.to_string());
    if named.iter().copied().chain(id.as_deref()).any(is_ours) {
        DomainCheck::Matches
    } else if named.is_empty() {
        DomainCheck::Unnamed
    } else {
        DomainCheck::Other(named.join(", "))
    }
}

fn text<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut v = v;
    for key in path {
        v = v.get(key)?;
    }
    v.as_str().map(str::trim).filter(|s| !s.is_empty())
}

/// A whole number that may arrive as a number or as text.
fn number(v: &Value, path: &[&str]) -> Option<i64> {
    let mut v = v;
    for key in path {
        v = v.get(key)?;
    }
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse::<f64>().ok().map(|f| f as i64),
        _ => None,
    }
}

fn seconds(v: &Value, key: &str) -> i32 {
    number(v, &[key]).unwrap_or(0).clamp(0, i64::from(i32::MAX)) as i32
}

fn time_ms(v: &Value, key: &str) -> Option<i64> {
    number(v, &["session", key]).filter(|ms| *ms > 0)
}

/// Cloudonix's CDR names no direction: a call a subscriber placed is outbound, or internal when
/// it went to a short (extension) number; anything else came in.
fn guess_direction(cdr: &Value) -> CallDirection {
    if let Some(d) = direction(text(cdr, &["direction"])) {
        return d;
    }
    match text(cdr, &["subscriber"]) {
        Some(_) => {
            let to = text(cdr, &["to"]).unwrap_or_default();
            let digits = to.chars().filter(char::is_ascii_digit).count();
            if !to.starts_with('+') && digits <= 6 {
                CallDirection::Internal
            } else {
                CallDirection::Outbound
            }
        }
        None => CallDirection::Inbound,
    }
}

/// One CDR: Cloudonix posts an object, some integrations a one-item array.
pub fn parse_cdr(body: &[u8]) -> Result<Value, serde_json::Error> {
    Ok(match serde_json::from_slice(body)? {
        Value::Array(mut items) if items.len() == 1 => items.remove(0),
        v => v,
    })
}

/// What a CDR says about its call, read without I/O (a fuzz target: fuzz/src/lib.rs).
#[derive(Debug, Clone)]
pub struct CdrReading {
    /// Upper-case, `UNKNOWN` when absent.
    pub disposition: String,
    pub from_number: String,
    pub to_number: String,
    /// Epoch milliseconds, positive when present.
    pub started_at: Option<i64>,
    pub answered_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub ending: CallEnding,
    pub direction: CallDirection,
}

/// Reads a CDR's fields (cloudonix.md §3.3), tolerating numbers sent as text.
pub fn read_cdr(cdr: &Value) -> CdrReading {
    let disposition = text(cdr, &["disposition"])
        .unwrap_or("UNKNOWN")
        .to_ascii_uppercase();
    CdrReading {
        ending: CallEnding {
            disposition: disposition.clone(),
            duration_seconds: seconds(cdr, "duration"),
            billsec: seconds(cdr, "billsec"),
            recording_url: text(cdr, &["recording_url"]).map(str::to_owned),
        },
        disposition,
        from_number: text(cdr, &["from"]).unwrap_or_default().to_owned(),
        to_number: text(cdr, &["to"]).unwrap_or_default().to_owned(),
        started_at: time_ms(cdr, "callStartTime"),
        answered_at: time_ms(cdr, "callAnswerTime"),
        ended_at: time_ms(cdr, "callEndTime").or_else(|| {
            number(cdr, &["timestamp"])
                .map(|s| s.saturating_mul(1000))
                .filter(|ms| *ms > 0)
        }),
        direction: guess_direction(cdr),
    }
}

/// The session token the CDR belongs to.
pub fn session_token(cdr: &Value) -> Option<&str> {
    text(cdr, &["session", "token"])
}

async fn receive(
    State(state): State<AppState>,
    Path(org_token): Path<String>,
    body: Bytes,
) -> Response {
    let arrival = TraceRequest::arriving(TraceWebhook::Cdr);
    let settings = match identify(&state, &org_token).await {
        Ok(s) => s,
        Err(refused) => return refused,
    };
    let org = settings.organization_id;
    let cdr = match parse_cdr(&body) {
        Ok(cdr) => cdr,
        Err(e) => {
            tracing::warn!(%org, error = %e, "unreadable CDR");
            return refuse(StatusCode::BAD_REQUEST, "the CDR is not JSON");
        }
    };
    // The path token alone could have leaked; a domain the payload names must also be this
    // organization's.
    match check_domain(&settings, &cdr) {
        DomainCheck::Matches => {}
        DomainCheck::Unnamed => {
            tracing::info!(%org, "CDR names no domain; accepted on its URL token");
        }
        DomainCheck::Other(named) => {
            tracing::warn!(%org, domain = %named, "CDR domain does not match the organization");
            return refuse(
                StatusCode::FORBIDDEN,
                "the CDR's domain is not this organization's",
            );
        }
    }
    let Some(token) = session_token(&cdr) else {
        tracing::warn!(%org, "CDR without a session token");
        return refuse(StatusCode::BAD_REQUEST, "the CDR has no session.token");
    };

    let now = now_ms();
    let reading = read_cdr(&cdr);
    let observation = Observation {
        status: from_disposition(&reading.disposition),
        source: Source::Cdr,
        at: now,
        answered_at: reading.answered_at,
        ended_at: reading.ended_at,
        details: CallDetails {
            direction: Some(reading.direction),
            from_number: Some(reading.from_number.clone()),
            to_number: Some(reading.to_number.clone()),
            caller_name: None,
            started_at: reading.started_at,
            call_log_id: None,
            location: None,
        },
        ending: Some(reading.ending.clone()),
        // Its line is written once the answer is known (below).
        trace: None,
    };
    // The call first: it creates the call log if routing never did, and the stored CDR then
    // points at it. Both steps are idempotent, so a redelivery after a failure completes them.
    let tracking = track(&state, org, token, &observation);
    let tracked = match state.store.within_notification_deadline(tracking).await {
        Ok(t) => t,
        Err(e) => return unavailable(&e),
    };
    let record = Cdr {
        id: CdrId::new(),
        organization_id: org,
        session_token: token.to_owned(),
        call_sid: tracked.call_sid.clone(),
        from_number: reading.from_number,
        to_number: reading.to_number,
        disposition: reading.disposition,
        duration_seconds: reading.ending.duration_seconds,
        billsec: reading.ending.billsec,
        started_at: reading.started_at,
        answered_at: reading.answered_at,
        ended_at: reading.ended_at,
        raw: String::from_utf8_lossy(&body).into_owned(),
        received_at: now,
    };
    let insert = state.store.insert_cdr(&record);
    let answer = match state.store.within_notification_deadline(insert).await {
        Ok(stored) => json!({"stored": stored, "status": tracked.status}),
        Err(e) => return unavailable(&e),
    };
    if let Some(id) = tracked.call_log_id {
        finish_trace(&state, org, id, arrival, &body, &answer).await;
    }
    reply(StatusCode::OK, answer)
}

/// The CDR's line in the call's trace (expired traces are cleared by the scheduled purge,
/// `crate::jobs::purge`). A failure does not cost the CDR: it is logged.
async fn finish_trace(
    state: &AppState,
    org: OrgId,
    id: CallLogId,
    arrival: TraceRequest,
    body: &[u8],
    answer: &Value,
) {
    let params = WebhookParams::parse(Some("application/json"), body, None).unwrap_or_default();
    let line = trace::with_params(arrival, &params).answered(200, answer.to_string());
    if let Err(e) = state.store.append_call_trace(org, id, &line).await {
        tracing::error!(%org, error = %e, "CDR not added to the call's trace");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::OrgId;

    fn settings(entered: &str, name: Option<&str>, uuid: Option<&str>) -> CloudonixSettings {
        CloudonixSettings {
            domain: Some(entered.into()),
            domain_name: name.map(Into::into),
            domain_uuid: uuid.map(Into::into),
            ..CloudonixSettings::new(OrgId::new())
        }
    }

    const UUID: &str = "0b6bbcd4-8f6a-4d43-9a5a-2f5d1f9a3c11";

    #[test]
    fn a_cdr_matches_by_name_uuid_or_entered_id() {
        let entered_uuid = settings(UUID, Some("acme.cloudonix.net"), Some(UUID));
        let by_name = json!({"domain": "Acme.Cloudonix.net"});
        let by_uuid = json!({"domain": null, "owner": {"domain": {"uuid": UUID}}});
        let by_id = json!({"session": {"domainId": 4711}});
        assert_eq!(check_domain(&entered_uuid, &by_name), DomainCheck::Matches);
        assert_eq!(check_domain(&entered_uuid, &by_uuid), DomainCheck::Matches);
        // Before Cloudonix was asked, what the admin entered still matches.
        let unverified = settings(UUID, None, None);
        assert_eq!(check_domain(&unverified, &by_uuid), DomainCheck::Matches);
        let entered_id = settings("4711", None, None);
        assert_eq!(check_domain(&entered_id, &by_id), DomainCheck::Matches);
    }

    #[test]
    fn a_cdr_naming_no_domain_is_unnamed_and_another_domain_refused() {
        let ours = settings("acme.cloudonix.net", Some("acme.cloudonix.net"), Some(UUID));
        assert_eq!(
            check_domain(&ours, &json!({"session": {"domainId": 99}})),
            DomainCheck::Unnamed,
            "a numeric id that is not ours does not refuse"
        );
        assert_eq!(
            check_domain(&ours, &json!({"domain": "", "owner": {"domain": {}}})),
            DomainCheck::Unnamed
        );
        assert_eq!(
            check_domain(
                &ours,
                &json!({"domain": "globex.cloudonix.net", "owner": {"domain": {"uuid": "x"}}})
            ),
            DomainCheck::Other("globex.cloudonix.net, x".into())
        );
    }
}
