//! Applying what a webhook learned about a call to the two records of it: the call log (durable
//! history, SQL) and the live call (the live view, pushed to WebSocket clients).
//!
//! Every webhook of one call (voice, session update, CDR) goes through [`track`] under the call's
//! lock, and the call state machine decides the status, so duplicates and late deliveries change
//! nothing and the two records never move backwards.

use std::time::Duration;

use crate::app::AppState;
use crate::domain::call_state::{Source, advance};
use crate::domain::call_trace::{TraceLine, TraceRequest};
use crate::domain::ids::{CallLogId, OrgId};
use crate::domain::live_call::{CallLocation, LiveCall};
use crate::domain::model::{CallDirection, CallLog, CallStatus};
use crate::ports::call_logs::{CallLogInsert, CallLogRepo, CallLogUpdate};
use crate::ports::coordination::LockGuard;
use crate::ports::store::{StoreError, StoreResult};

/// Held for one tracking step (a few store round trips); the TTL only matters if we crash.
const LOCK_TTL: Duration = Duration::from_secs(10);
const LOCK_WAIT: Duration = Duration::from_secs(3);

/// What a webhook knows about a call besides its status; used to fill records that lack it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallDetails {
    pub direction: Option<CallDirection>,
    pub from_number: Option<String>,
    pub to_number: Option<String>,
    pub caller_name: Option<String>,
    /// Epoch ms.
    pub started_at: Option<i64>,
    /// The call log the voice webhook created for this call.
    pub call_log_id: Option<CallLogId>,
    /// Where routing has just sent the call.
    pub location: Option<CallLocation>,
}

/// How a call ended, as its CDR reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallEnding {
    pub disposition: String,
    pub duration_seconds: i32,
    pub billsec: i32,
    pub recording_url: Option<String>,
}

/// One webhook's news about a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observation {
    pub status: CallStatus,
    pub source: Source,
    /// When we learned it (epoch ms).
    pub at: i64,
    pub answered_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub details: CallDetails,
    /// Only from the CDR.
    pub ending: Option<CallEnding>,
    /// A session update's request, for the call's trace: its line (answered
    /// [`Tracked::summary`]) goes in the call log's write when there is one. Lost when the call
    /// has no log yet (an update before the voice request).
    pub trace: Option<TraceRequest>,
}

/// The call's status after an observation, and whether the observation changed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tracked {
    pub status: CallStatus,
    pub changed: bool,
    /// The call log's CallSid, when the call has a log.
    pub call_sid: Option<String>,
    pub call_log_id: Option<CallLogId>,
}

impl Tracked {
    /// What a session update answers.
    pub fn summary(&self) -> serde_json::Value {
        serde_json::json!({"status": self.status, "changed": self.changed})
    }
}

/// Applies `observation` about the call with session token `token`.
pub async fn track(
    state: &AppState,
    org: OrgId,
    token: &str,
    observation: &Observation,
) -> StoreResult<Tracked> {
    let guard = lock(state, org, token).await;
    let result = apply(state, org, token, observation).await;
    if let Some(guard) = guard {
        let _ = state.coordination.unlock(guard).await;
    }
    result
}

/// A routing callback's news for the live view alone (an answered dial, a new location): the
/// callback has already written its step to the call log in its one statement, so only the live
/// call moves, by the same state machine as in [`track`], without the tracking lock or the call
/// log's reads: read it, advance it, and replace it only if it is still what was read. `false`
/// when the call has no live entry or another event changed it meanwhile: then [`track`].
pub async fn move_live_call(
    state: &AppState,
    org: OrgId,
    token: &str,
    observation: &Observation,
) -> StoreResult<bool> {
    let live_calls = &state.realtime.live_calls;
    let Some(live) = found(live_calls.find_live_call(org, token).await)? else {
        return Ok(false);
    };
    let target =
        advance(live.status, observation.status, observation.source).unwrap_or(live.status);
    match changed_live_call(org, token, Some(&live), None, target, observation) {
        Some(next) => live_calls.replace_live_call(&next, &live).await,
        None => Ok(true),
    }
}

/// The call's tracking lock; its key differs from the voice webhook's call lock (keyed by
/// CallSid), which is held while the voice webhook tracks the call. `None` when it cannot be
/// had: the coordination store being down must not lose call events, and the state machine
/// still keeps each record from moving backwards.
async fn lock(state: &AppState, org: OrgId, token: &str) -> Option<LockGuard> {
    let key = format!("live-call:{org}:{token}");
    match state.coordination.lock(&key, LOCK_TTL, LOCK_WAIT).await {
        Ok(Some(guard)) => Some(guard),
        Ok(None) => {
            tracing::warn!(%org, "call lock still held after waiting; applying the event anyway");
            None
        }
        Err(e) => {
            tracing::warn!(%org, error = %e, "call lock unavailable; applying the event anyway");
            None
        }
    }
}

fn found<T>(result: StoreResult<T>) -> StoreResult<Option<T>> {
    match result {
        Ok(v) => Ok(Some(v)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

async fn apply(
    state: &AppState,
    org: OrgId,
    token: &str,
    observation: &Observation,
) -> StoreResult<Tracked> {
    let log = found(state.store.find_call_log_by_session(org, token).await)?;
    // The live view is a convenience next to the call log: while its store is down the event
    // still reaches the history (refusing it would make Cloudonix redeliver into the same
    // outage), and the live entry catches up with the call's next event.
    let live = match found(state.realtime.live_calls.find_live_call(org, token).await) {
        Ok(live) => Some(live),
        Err(e) => {
            tracing::warn!(%org, error = %e, "live call unreadable; the call log alone decides");
            None
        }
    };
    let live_readable = live.is_some();
    let live = live.flatten();
    // The two records can differ after a crash between their writes; the further one counts.
    let current = match (&log, &live) {
        (Some(l), Some(c)) => {
            Some(advance(l.status, c.status, Source::SessionUpdate).unwrap_or(l.status))
        }
        (Some(l), None) => Some(l.status),
        (None, Some(c)) => Some(c.status),
        (None, None) => None,
    };
    let target = match current {
        None => observation.status,
        Some(current) => {
            advance(current, observation.status, observation.source).unwrap_or(current)
        }
    };

    let changed = current != Some(target);
    let line = observation.trace.as_ref().map(|request| {
        let summary = Tracked {
            status: target,
            changed,
            call_sid: None,
            call_log_id: None,
        }
        .summary();
        request.answered(200, summary.to_string())
    });
    let log = match log {
        Some(log) => Some(update_log(state, log, target, observation, line).await?),
        // Only the CDR creates a missing call log: it is the one record of every session, and a
        // session update may come before the voice webhook has created the log itself.
        None if observation.source == Source::Cdr => {
            Some(create_log(state, org, token, target, observation).await?)
        }
        None => None,
    };

    // An ended call that has a call log needs no live entry to stay ended.
    let remembered = log.as_ref().is_some_and(|l| l.status.is_terminal());
    if live_readable && (live.is_some() || !(target.is_terminal() && remembered)) {
        let next = changed_live_call(org, token, live.as_ref(), log.as_ref(), target, observation);
        if let Some(next) = next
            && let Err(e) = state.realtime.live_calls.put_live_call(&next).await
        {
            tracing::warn!(%org, error = %e, "live call not updated; it catches up with the call's next event");
        }
    }

    Ok(Tracked {
        status: target,
        changed,
        call_log_id: log.as_ref().map(|l| l.id),
        call_sid: log.map(|l| l.call_sid),
    })
}

/// `new` when it is something and differs from `old`: the update then carries only news.
fn news<T: PartialEq + Clone>(new: Option<&T>, old: Option<&T>) -> Option<T> {
    new.filter(|n| Some(*n) != old).cloned()
}

/// `line` goes into the call's trace, with the update or on its own.
async fn update_log(
    state: &AppState,
    log: CallLog,
    target: CallStatus,
    observation: &Observation,
    line: Option<TraceLine>,
) -> StoreResult<CallLog> {
    let answered_at = answered_at(target, observation);
    let ended_at = ended_at(target, observation);
    let authoritative = observation.source == Source::Cdr;
    let ending = observation.ending.as_ref();
    let update = CallLogUpdate {
        status: news(Some(&target), Some(&log.status)),
        // Session updates fill the times in once; the CDR's times replace them.
        answered_at: if authoritative || log.answered_at.is_none() {
            news(answered_at.as_ref(), log.answered_at.as_ref())
        } else {
            None
        },
        ended_at: if authoritative || log.ended_at.is_none() {
            news(ended_at.as_ref(), log.ended_at.as_ref())
        } else {
            None
        },
        disposition: news(ending.map(|e| &e.disposition), log.disposition.as_ref()),
        duration_seconds: news(
            ending.map(|e| &e.duration_seconds),
            log.duration_seconds.as_ref(),
        ),
        billsec: news(ending.map(|e| &e.billsec), log.billsec.as_ref()),
        recording_url: news(
            ending.and_then(|e| e.recording_url.as_ref()),
            log.recording_url.as_ref(),
        ),
        updated_at: observation.at,
        ..CallLogUpdate::default()
    };
    if update
        == (CallLogUpdate {
            updated_at: observation.at,
            ..CallLogUpdate::default()
        })
    {
        if let Some(line) = &line {
            state
                .store
                .append_call_trace(log.organization_id, log.id, line)
                .await?;
        }
        return Ok(log);
    }
    let update = CallLogUpdate {
        trace: line,
        ..update
    };
    state
        .store
        .update_call_log(log.organization_id, log.id, &update)
        .await
}

async fn create_log(
    state: &AppState,
    org: OrgId,
    token: &str,
    target: CallStatus,
    observation: &Observation,
) -> StoreResult<CallLog> {
    let details = &observation.details;
    let ending = observation.ending.as_ref();
    let answered_at = answered_at(target, observation);
    let log = CallLog {
        id: CallLogId::new(),
        organization_id: org,
        // The voice webhook never saw this call, so its CallSid is unknown; the session token
        // identifies it just as uniquely.
        call_sid: token.to_owned(),
        session_token: Some(token.to_owned()),
        direction: details.direction.unwrap_or(CallDirection::Inbound),
        from_number: details.from_number.clone().unwrap_or_default(),
        to_number: details.to_number.clone().unwrap_or_default(),
        caller_name: details.caller_name.clone(),
        phone_number_id: None,
        extension_id: None,
        status: target,
        path: Vec::new(),
        disposition: ending.map(|e| e.disposition.clone()),
        started_at: details.started_at.or(answered_at).unwrap_or(observation.at),
        answered_at,
        ended_at: ended_at(target, observation),
        duration_seconds: ending.map(|e| e.duration_seconds),
        billsec: ending.map(|e| e.billsec),
        recording_url: ending.and_then(|e| e.recording_url.clone()),
        updated_at: observation.at,
    };
    match state.store.create_call_log(&log, None).await? {
        CallLogInsert::Created => Ok(log),
        // Created meanwhile by a webhook that did not hold the call's lock.
        CallLogInsert::AlreadyExists(existing) => {
            update_log(state, *existing, target, observation, None).await
        }
    }
}

/// What [`track`] would write for a call that has just got its call log and has no live entry:
/// the new-call path writes it in one conditional put instead of a locked read-modify-write.
pub fn first_live_call(
    org: OrgId,
    token: &str,
    log: &CallLog,
    observation: &Observation,
) -> LiveCall {
    LiveCall {
        updated_at: observation.at,
        ..next_live_call(org, token, None, Some(log), observation.status, observation)
    }
}

fn answered_at(target: CallStatus, observation: &Observation) -> Option<i64> {
    observation.answered_at.or_else(|| {
        (target == CallStatus::Answered && observation.status == CallStatus::Answered)
            .then_some(observation.at)
    })
}

fn ended_at(target: CallStatus, observation: &Observation) -> Option<i64> {
    target
        .is_terminal()
        .then(|| observation.ended_at.unwrap_or(observation.at))
}

/// The live call after the observation, `updated_at` left as it was (the caller stamps it only
/// when something changed).
/// [`next_live_call`], updated at the observation, when it differs from `live`; `None` when the
/// observation changes nothing there.
fn changed_live_call(
    org: OrgId,
    token: &str,
    live: Option<&LiveCall>,
    log: Option<&CallLog>,
    target: CallStatus,
    observation: &Observation,
) -> Option<LiveCall> {
    let next = next_live_call(org, token, live, log, target, observation);
    (live != Some(&next)).then_some(LiveCall {
        updated_at: observation.at,
        ..next
    })
}

fn next_live_call(
    org: OrgId,
    token: &str,
    live: Option<&LiveCall>,
    log: Option<&CallLog>,
    target: CallStatus,
    observation: &Observation,
) -> LiveCall {
    let details = &observation.details;
    let mut call = live.cloned().unwrap_or_else(|| LiveCall {
        organization_id: org,
        call_id: token.to_owned(),
        call_log_id: None,
        direction: None,
        from_number: String::new(),
        to_number: String::new(),
        caller_name: None,
        status: target,
        started_at: log
            .map(|l| l.started_at)
            .or(details.started_at)
            .unwrap_or(observation.at),
        answered_at: None,
        ended_at: None,
        updated_at: observation.at,
        location: None,
    });
    call.call_log_id = call
        .call_log_id
        .or(log.map(|l| l.id))
        .or(details.call_log_id);
    call.direction = call
        .direction
        .or(log.map(|l| l.direction))
        .or(details.direction);
    for (field, from_log, observed) in [
        (
            &mut call.from_number,
            log.map(|l| &l.from_number),
            details.from_number.as_ref(),
        ),
        (
            &mut call.to_number,
            log.map(|l| &l.to_number),
            details.to_number.as_ref(),
        ),
    ] {
        if field.is_empty() {
            *field = from_log
                .filter(|s| !s.is_empty())
                .or(observed)
                .cloned()
                .unwrap_or_default();
        }
    }
    if call.caller_name.is_none() {
        call.caller_name = log
            .and_then(|l| l.caller_name.clone())
            .or_else(|| details.caller_name.clone());
    }
    call.status = target;
    // An ended call is nowhere; a late callback must not place it somewhere.
    if !target.is_terminal() && details.location.is_some() {
        call.location = details.location.clone();
    }
    if matches!(target, CallStatus::Answered | CallStatus::Completed) && call.answered_at.is_none()
    {
        call.answered_at = log
            .and_then(|l| l.answered_at)
            .or(answered_at(target, observation));
    }
    if target.is_terminal() && call.ended_at.is_none() {
        call.ended_at = ended_at(target, observation);
    }
    call
}
