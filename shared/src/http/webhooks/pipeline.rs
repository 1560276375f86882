//! What every voice webhook does around the routing decision (ARCHITECTURE §5): authenticate,
//! parse, take the call's lock, replay a repeated request's answer, rate-limit new calls, route,
//! write the call log and voicemail, remember the answer.
//!
//! Exactly once: the answer is remembered under a key of (organization, URL, body), so Cloudonix
//! retrying a request gets the same bytes back and nothing is written twice. Everything that
//! changes state for a call runs under that call's lock.
//!
//! Never a 5xx: when a store fails the call still gets a document (an apology, or the routing
//! decision without the bookkeeping) and the failure is logged.
//!
//! At the store floor: a new call with unchanged configuration costs two coordination round trips
//! (`CallGate::begin_call`: lock, replay, rate count and configuration version; `finish_call`:
//! answer recorded, lock released) and one SQL statement (the call log's INSERT, which carries
//! the first line of the call's trace), plus the live call's one conditional write. A callback
//! adds its trace line to the call log's update, or, when it changes nothing else, writes it in
//! one UPDATE. A replayed request is answered from memory and leaves no second trace line. Configuration and the webhook key come from this instance's
//! copy, valid for the version `begin_call` read.

use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;

use super::auth::{self, WebhookAuthError};
use super::params::WebhookParams;
use super::trace;
use super::{cxml_reply, unauthorized};
use crate::adapters::sql::SqlStore;
use crate::app::AppState;
use crate::crypto::sha256_hex;
use crate::cxml;
use crate::domain::call_state::Source;
use crate::domain::call_trace::{TraceLine, TraceRequest, TraceWebhook};
use crate::domain::ids::{CallLogId, OrgId, VoicemailId};
use crate::domain::live_call::CallLocation;
use crate::domain::model::{CallLog, CallStatus, VoicemailMessage};
use crate::domain::now_ms;
use crate::log_safe::Untrusted;
use crate::observe::metrics::{self, Metric, store_call};
use crate::observe::request;
use crate::ports::call_logs::{CallLogInsert, CallLogRepo, CallStep};
use crate::ports::coordination::{
    CallAdmission, CallStart, Finished, LockGuard, RateDecision, Recorded, RoundRobinSnapshot,
    RoundRobinTaken,
};
use crate::ports::store::StoreError;
use crate::ports::voicemail::VoicemailRepo;
use crate::realtime::tracking::{self, CallDetails, Observation};
use crate::routing::continuation::Continuation;
use crate::routing::{
    CallFacts, CallbackInput, DialOutcome, Effect, Engine, Mode, Outcome, speech,
};

/// An answer, and what the call log records of it: the call's facts and the routing outcome
/// (none for a refusal or an apology before routing).
struct Decision {
    xml: Vec<u8>,
    routed: Option<(CallFacts, Outcome)>,
}

impl Decision {
    fn unrecorded(response: cxml::Response) -> Self {
        Self {
            xml: response.to_xml().into_bytes(),
            routed: None,
        }
    }

    /// The round-robin positions routing took from the call's snapshot.
    fn positions(&self) -> &[(String, i64)] {
        self.routed
            .as_ref()
            .map_or(&[], |(_, outcome)| &outcome.round_robin)
    }
}

/// Cloudonix may retry for a while; a day covers any retry of a live call.
const REPLAY_MEMORY: Duration = Duration::from_secs(24 * 3600);
/// Held for the milliseconds a decision takes; the TTL only matters if a process dies holding it.
const CALL_LOCK_TTL: Duration = Duration::from_secs(10);
/// A duplicate delivery waits this long for the first to finish, then replays its answer.
const CALL_LOCK_WAIT: Duration = Duration::from_secs(3);
const RATE_WINDOW: Duration = Duration::from_secs(60);
/// How long a new call's answer waits for its live-call write (one DynamoDB PutItem, a few
/// milliseconds in a region). A slower write goes on by itself, bounded by the live calls' own
/// deadline (`OPBX_LIVE_CALLS_DEADLINE_MS`): the live view may lag a moment, the caller does not
/// wait for it. (On Lambda it goes on when the instance next runs; the call's next event
/// catches the view up otherwise.)
const LIVE_CALL_WAIT: Duration = Duration::from_millis(25);

/// Which webhook is being answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hook {
    /// The voice application URL: a new call.
    Voice,
    /// A `<Gather>` or `<Dial>`/`<Record>` action carrying routing state.
    Callback,
}

/// Answers one voice webhook. `callback_base` prefixes the callback URLs of the answer (see
/// `callback_base`).
pub async fn answer(
    state: &AppState,
    webhook: TraceWebhook,
    callback_base: Option<String>,
    headers: &HeaderMap,
    uri: &Uri,
    body: &[u8],
) -> Response {
    let arrival = TraceRequest::arriving(webhook);
    let hook = match webhook {
        TraceWebhook::Voice => Hook::Voice,
        _ => Hook::Callback,
    };
    let key = match auth::recognise(state, headers).await {
        Ok(key) => key,
        Err(WebhookAuthError::Store(e)) => {
            tracing::error!(error = %e, "webhook key lookup failed");
            return ok(&cxml::Response::apology(speech::TECHNICAL_PROBLEM));
        }
        Err(e) => {
            tracing::warn!(error = %e, path = uri.path(), "unauthenticated webhook");
            return unauthorized();
        }
    };
    let org = key.org;
    request::record_org(org);
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let params = match WebhookParams::parse(content_type, body, uri.query()) {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(%org, error = %e, "unreadable webhook body");
            return ok(&cxml::Response::apology(speech::TECHNICAL_PROBLEM));
        }
    };
    let Some(call_sid) = params
        .get("CallSid")
        .or_else(|| params.get("Session"))
        .map(str::to_owned)
    else {
        tracing::warn!(%org, "webhook without CallSid or Session");
        return ok(&cxml::Response::apology(speech::TECHNICAL_PROBLEM));
    };
    request::record_call(&call_sid);
    // The organization's hash tag keeps the keys of one call's first step in one cluster slot.
    let request = Request {
        state,
        org,
        hook,
        arrival,
        lock_key: format!("call:{{{org}}}:{call_sid}"),
        callback_base,
        call_sid,
        params,
        replay_key: format!("voice:{{{org}}}:{}", replay_fingerprint(uri, body)),
    };
    let mut start = request.begin().await;
    if let Some(version) = start.as_ref().map(|s| s.config_version)
        && !auth::still_valid(state, &key, version).await
    {
        if let Some(guard) = start.take().and_then(|s| s.guard) {
            request.release(guard).await;
        }
        return unauthorized();
    }
    let xml = request.exactly_once(start).await;
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, cxml::CONTENT_TYPE)],
        xml,
    )
        .into_response()
}

fn ok(doc: &cxml::Response) -> Response {
    cxml_reply(StatusCode::OK, doc)
}

/// Same URL (which carries the routing state) and same body: the same request.
fn replay_fingerprint(uri: &Uri, body: &[u8]) -> String {
    let mut input = Vec::with_capacity(body.len() + 64);
    input.extend_from_slice(uri.path().as_bytes());
    input.push(b'?');
    input.extend_from_slice(uri.query().unwrap_or_default().as_bytes());
    input.push(0);
    input.extend_from_slice(body);
    sha256_hex(&String::from_utf8_lossy(&input))
}

struct Request<'a> {
    state: &'a AppState,
    org: OrgId,
    hook: Hook,
    /// For the call's trace.
    arrival: TraceRequest,
    callback_base: Option<String>,
    call_sid: String,
    params: WebhookParams,
    lock_key: String,
    replay_key: String,
}

impl Request<'_> {
    /// The first round trip: the call's lock, a replayed answer, the rate count and the
    /// configuration version. A second delivery of the call waits for the first (each retry is
    /// another round trip, only then). `None` when the store cannot be reached: the call is
    /// answered without lock, replay or rate limit, reading configuration from the database.
    async fn begin(&self) -> Option<CallStart> {
        let rate_key = format!("voice-rate:{{{}}}", self.org);
        let org = self.org.to_string();
        let mut admission = CallAdmission {
            org: &org,
            lock_key: &self.lock_key,
            lock_ttl: CALL_LOCK_TTL,
            take_lock: true,
            replay_key: &self.replay_key,
            rate: (self.hook == Hook::Voice).then_some((
                rate_key.as_str(),
                self.state.voice_rate_limit,
                RATE_WINDOW,
            )),
            round_robin_call: Some(&self.call_sid),
        };
        let waited_until = Instant::now() + CALL_LOCK_WAIT;
        let mut pause = Duration::from_millis(5);
        loop {
            let began = store_call(
                self.state.coordination_backend,
                "begin_call",
                self.state.coordination.begin_call(&admission),
            );
            match began.await {
                Ok(start) if start.busy => {
                    let left = waited_until.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        tracing::warn!(org = %self.org, call = %Untrusted(&self.call_sid), "call lock busy; answering without it");
                        admission.take_lock = false;
                    } else {
                        tokio::time::sleep(pause.min(left)).await;
                        pause = (pause * 2).min(Duration::from_millis(50));
                    }
                }
                Ok(start) => return Some(start),
                Err(e) => {
                    tracing::warn!(org = %self.org, error = %e, "coordination store unavailable; answering without the call lock, replays or rate limit");
                    return None;
                }
            }
        }
    }

    async fn release(&self, guard: LockGuard) {
        if let Err(e) = self.state.coordination.unlock(guard).await {
            tracing::warn!(error = %e, "could not release the call lock; it lapses by itself");
        }
    }

    async fn exactly_once(&self, start: Option<CallStart>) -> Vec<u8> {
        let (guard, version, rate, snapshot) = match start {
            Some(CallStart {
                replay: Some(previous),
                ..
            }) => {
                metrics::count(Metric::ReplaysServed, self.org_label());
                return previous;
            }
            Some(s) => {
                self.state.local.confirm(self.org, s.config_version);
                (s.guard, Some(s.config_version), s.rate, s.round_robin)
            }
            // Coordination is down: this instance's recent copy answers instead of the
            // database, so the outage costs no configuration reads.
            None => (None, self.state.local.recent_version(self.org), None, None),
        };
        let (mut guard, mut snapshot) = (guard, snapshot);
        loop {
            let decision = match self.admit(rate) {
                Some(busy) => Decision::unrecorded(busy),
                None => self.decide(version, snapshot.as_ref()).await,
            };
            let answer = if decision.positions().is_empty() {
                // The answer's record and the call log are in different stores: neither waits
                // for the other. A retry arriving in between replays the answer and writes
                // nothing (the call log is keyed by the call).
                let (answer, ()) =
                    tokio::join!(self.finish(guard, &decision), self.record(&decision));
                answer
            } else {
                // A position read in the snapshot counts only if no other call took it since:
                // the call log records the answer once that is settled.
                let answer = self.finish(guard, &decision).await;
                if answer.is_ok() {
                    self.record(&decision).await;
                }
                answer
            };
            match answer {
                Ok(first) => return first.unwrap_or(decision.xml),
                Err(held) => {
                    tracing::debug!(org = %self.org, "round-robin position taken by another call; routing again");
                    (guard, snapshot) = (held, None);
                }
            }
        }
    }

    /// Records `decision`'s answer for retries and releases the call's lock, in one round trip:
    /// another delivery's answer when it recorded first (`None`: this one stands), or the lock,
    /// still held, when a round-robin position the decision took went to another call first.
    async fn finish(
        &self,
        guard: Option<LockGuard>,
        decision: &Decision,
    ) -> Result<Option<Vec<u8>>, Option<LockGuard>> {
        let org = self.org.to_string();
        let positions = decision.positions();
        let taken = (!positions.is_empty()).then_some(RoundRobinTaken {
            org: &org,
            call: &self.call_sid,
            positions,
        });
        let finished = store_call(
            self.state.coordination_backend,
            "finish_call",
            self.state.coordination.finish_call(
                guard,
                &self.replay_key,
                &decision.xml,
                REPLAY_MEMORY,
                taken,
            ),
        );
        match finished.await {
            Ok(Finished::Recorded(Recorded::Existing(first))) => Ok(Some(first)),
            Ok(Finished::Recorded(Recorded::Stored)) => Ok(None),
            Ok(Finished::Overtaken(guard)) => Err(guard),
            Err(e) => {
                tracing::warn!(error = %e, "could not remember the answer for retries; the call lock lapses by itself");
                Ok(None)
            }
        }
    }

    /// A busy refusal when the organization is over its rate of new calls (counted in the first
    /// round trip, for new calls only): the message plays as early media and the call is
    /// rejected, never answered, so nobody is billed for it. Callbacks of calls already admitted
    /// are never refused.
    fn admit(&self, rate: Option<RateDecision>) -> Option<cxml::Response> {
        if rate.is_some_and(|d| !d.allowed) {
            tracing::warn!(org = %self.org, "voice rate limit reached");
            metrics::count(Metric::RateLimited, self.org_label());
            self.count_routed("refused");
            return Some(cxml::Response::refusal(
                Some(speech::BUSY.into()),
                cxml::RejectReason::Busy,
            ));
        }
        None
    }

    /// Routes the request: the answer, with what the call log records of it (round-robin
    /// positions taken from `snapshot` among it).
    async fn decide(
        &self,
        config_version: Option<i64>,
        snapshot: Option<&RoundRobinSnapshot>,
    ) -> Decision {
        let p = &self.params;
        let facts = CallFacts {
            org: self.org,
            call_sid: self.call_sid.clone(),
            from: p.get("From").unwrap_or_default().to_owned(),
            to: p.get("To").unwrap_or_default().to_owned(),
            direction: p.get("Direction").map(str::to_owned),
            at: Timestamp::now(),
            callback_base: self.callback_base.clone(),
        };
        let state = self.state;
        let mut engine = Engine::new(
            &state.store,
            state.coordination.as_ref(),
            &state.secrets,
            &facts,
            Mode::Live,
        )
        .with_media(state.media.as_ref());
        if let Some(version) = config_version {
            engine = engine.with_local_copy(&state.local, version);
        }
        if let Some(snapshot) = snapshot {
            engine = engine.with_round_robin(snapshot);
        }
        let outcome = match self.hook {
            Hook::Voice => engine.start().await,
            Hook::Callback => {
                match Continuation::verify(p.query("k"), &state.secrets, self.org, &self.call_sid) {
                    Ok(cont) => engine.resume(cont, &callback_input(p)).await,
                    Err(e) => {
                        tracing::warn!(org = %self.org, call = %Untrusted(&self.call_sid), error = %e, "callback with bad routing state");
                        self.count_routed("apology");
                        return Decision::unrecorded(cxml::Response::apology(
                            speech::TECHNICAL_PROBLEM,
                        ));
                    }
                }
            }
        };
        Decision {
            xml: outcome.response.to_xml().into_bytes(),
            routed: Some((facts, outcome)),
        }
    }

    fn org_label(&self) -> metrics::Labels {
        vec![("organization", self.org.to_string())]
    }

    /// One answer in `opbx_calls_routed_total`, by what it does for the caller.
    fn count_routed(&self, outcome: &'static str) {
        let step = match self.hook {
            Hook::Voice => "new_call",
            Hook::Callback => "callback",
        };
        let mut labels = self.org_label();
        labels.extend([("step", step.into()), ("outcome", outcome.into())]);
        metrics::count(Metric::CallsRouted, labels);
    }

    /// The call log and voicemail of a routed answer, counted in the metrics once it is the one
    /// given. A failure here is logged loudly but does not cost the caller the call: the routing
    /// decision is still answered.
    async fn record(&self, decision: &Decision) {
        let Some((facts, outcome)) = &decision.routed else {
            return;
        };
        let xml = &decision.xml;
        self.count_routed(outcome.label());
        let line = trace::with_params(self.arrival.clone(), &self.params)
            .answered(StatusCode::OK.as_u16(), String::from_utf8_lossy(xml));
        let dialect = self.state.store.dialect().name();
        let write = self.call_log_write(facts, outcome, line);
        let written = store_call(
            dialect,
            "call_log",
            self.state
                .store
                .write_within_webhook_deadline("call log", move || write.clone().run()),
        );
        match written.await {
            Ok(created) => {
                let live = self.track_live_call(facts, outcome, created.as_ref());
                store_call(self.state.realtime.backend, "live_call", live).await;
            }
            // Tracking the live call would read the database again: the caller would wait a
            // second deadline. The live view catches up with the call's next event.
            Err(e) => {
                tracing::error!(org = %self.org, call = %Untrusted(&self.call_sid), error = %e, "call log write failed; live call not updated");
            }
        }
        for effect in &outcome.effects {
            let Effect::SaveVoicemail {
                extension,
                recording_url,
                duration_seconds,
            } = effect;
            let message = VoicemailMessage {
                id: VoicemailId::new(),
                organization_id: self.org,
                extension_id: *extension,
                call_sid: self.call_sid.clone(),
                from_number: facts.from.clone(),
                recording_url: recording_url.clone(),
                duration_seconds: *duration_seconds,
                heard: false,
                created_at: now_ms(),
                audio_stored_at: None,
                emailed_at: None,
            };
            let store = self.state.store.clone();
            let create = move || {
                let (store, message) = (store.clone(), message.clone());
                async move { store.create_voicemail(&message).await }
            };
            match self
                .state
                .store
                .write_within_webhook_deadline("voicemail", create)
                .await
            {
                // Its copy job is committed: hand it over now (else the sweeper will).
                Ok(true) => crate::jobs::dispatch::dispatch_org(self.state, self.org).await,
                Ok(false) => {}
                Err(e) => {
                    tracing::error!(org = %self.org, call = %Untrusted(&self.call_sid), error = %e, "voicemail could not be stored")
                }
            }
        }
    }

    /// The live view shows a call from its first request, and where routing sent it; an answered
    /// dial, or a callback routing the call somewhere new (a menu choice, a fallback), moves it
    /// on. Other callbacks would change nothing, so they skip the round trips. Session updates and the CDR
    /// carry the session token, so that is the live call's key. A call whose log this request
    /// `created` usually has no live entry yet: one conditional write, under the call's lock,
    /// instead of the tracking lock and reads; when a session update came first, the full
    /// tracking step. A callback has written its step to the call log already, so it moves the
    /// live entry alone, by compare and set ([`tracking::move_live_call`]); the full tracking
    /// step only when that entry is missing or changed meanwhile.
    async fn track_live_call(
        &self,
        facts: &CallFacts,
        outcome: &Outcome,
        created: Option<&CallLog>,
    ) {
        let location = outcome.path.last().map(|step| CallLocation {
            destination: step.destination.clone(),
            name: outcome.last_name.clone().unwrap_or_default(),
        });
        let status = match (self.hook, outcome.dial_outcome) {
            (_, Some(DialOutcome::Answered)) => CallStatus::Answered,
            (Hook::Voice, _) => CallStatus::Initiated,
            // Never a step forward: the state machine keeps the status the call has.
            (Hook::Callback, _) if location.is_some() => CallStatus::Initiated,
            (Hook::Callback, _) => return,
        };
        let observation = Observation {
            status,
            source: Source::SessionUpdate,
            at: now_ms(),
            answered_at: None,
            ended_at: None,
            details: CallDetails {
                direction: Some(outcome.direction),
                from_number: Some(facts.from.clone()),
                to_number: Some(facts.to.clone()),
                caller_name: self.params.get("CallerName").map(str::to_owned),
                started_at: None,
                call_log_id: None,
                location,
            },
            ending: None,
            // This request's line goes in with the call log's write.
            trace: None,
        };
        let token = self.params.get("Session").unwrap_or(&self.call_sid);
        if let Some(log) = created {
            let first = tracking::first_live_call(self.org, token, log, &observation);
            let live_calls = self.state.realtime.live_calls.clone();
            let mut insert = tokio::spawn(async move { live_calls.insert_live_call(&first).await });
            match tokio::time::timeout(LIVE_CALL_WAIT, &mut insert).await {
                Ok(Ok(Ok(true))) => return,
                Ok(Ok(Ok(false))) => {}
                Ok(Ok(Err(e))) => {
                    tracing::error!(org = %self.org, call = %Untrusted(&self.call_sid), error = %e, "live call not updated");
                    return;
                }
                Ok(Err(e)) => {
                    tracing::error!(org = %self.org, call = %Untrusted(&self.call_sid), error = %e, "live call write ended");
                    return;
                }
                // Still going, within the live calls' own deadline; the caller does not wait.
                Err(_) => return,
            }
        }
        if self.hook == Hook::Callback {
            match tracking::move_live_call(self.state, self.org, token, &observation).await {
                Ok(true) => return,
                Ok(false) => {}
                Err(e) => {
                    tracing::error!(org = %self.org, call = %Untrusted(&self.call_sid), error = %e, "live call not updated");
                    return;
                }
            }
        }
        let tracking = tracking::track(self.state, self.org, token, &observation);
        if let Err(e) = self.state.store.within_webhook_deadline(tracking).await {
            tracing::error!(org = %self.org, call = %Untrusted(&self.call_sid), error = %e, "live call not updated");
        }
    }

    /// What this request writes to its call's log, owned so that the write can outlive the
    /// answer when the database is slow.
    fn call_log_write(
        &self,
        facts: &CallFacts,
        outcome: &Outcome,
        line: TraceLine,
    ) -> CallLogWrite {
        let now = now_ms();
        CallLogWrite {
            store: self.state.store.clone(),
            hook: self.hook,
            log: CallLog {
                id: CallLogId::new(),
                organization_id: self.org,
                call_sid: self.call_sid.clone(),
                session_token: self.params.get("Session").map(str::to_owned),
                direction: outcome.direction,
                from_number: facts.from.clone(),
                to_number: facts.to.clone(),
                caller_name: self.params.get("CallerName").map(str::to_owned),
                phone_number_id: outcome.phone_number_id,
                extension_id: outcome.extension_id,
                status: CallStatus::Initiated,
                path: outcome.path.clone(),
                disposition: None,
                started_at: now,
                answered_at: None,
                ended_at: None,
                duration_seconds: None,
                billsec: None,
                recording_url: None,
                updated_at: now,
            },
            dial_answered: outcome.dial_outcome == Some(DialOutcome::Answered),
            line,
        }
    }
}

/// One request's write to its call's log.
#[derive(Clone)]
struct CallLogWrite {
    store: SqlStore,
    hook: Hook,
    /// The log as this request would create it.
    log: CallLog,
    dial_answered: bool,
    line: TraceLine,
}

impl CallLogWrite {
    /// A new call's log is one INSERT; a callback, or a voice request whose log exists, adds its
    /// step to the log in one UPDATE. Answers the log when this request created it.
    async fn run(self) -> Result<Option<CallLog>, StoreError> {
        let Self {
            store,
            hook,
            log: new_log,
            dial_answered,
            line,
        } = self;
        let org = new_log.organization_id;
        if hook == Hook::Voice && store.insert_call_log(&new_log, Some(&line)).await? {
            return Ok(Some(new_log));
        }
        let step = CallStep {
            dial_answered,
            extension_id: new_log.extension_id,
            append_path: &new_log.path,
            trace: &line,
            at: new_log.updated_at,
        };
        if store
            .record_call_step(org, &new_log.call_sid, &step)
            .await?
        {
            return Ok(None);
        }
        // A callback of a call whose first request left no log (its write failed).
        match store.create_call_log(&new_log, Some(&line)).await? {
            CallLogInsert::Created => {}
            CallLogInsert::AlreadyExists(existing) => {
                tracing::debug!("call log created concurrently");
                store.append_call_trace(org, existing.id, &line).await?;
            }
        }
        Ok(None)
    }
}

fn callback_input(p: &WebhookParams) -> CallbackInput {
    CallbackInput {
        digits: p.get("Digits").map(str::to_owned),
        dial_status: p
            .get("DialCallStatus")
            .or_else(|| p.get("CallStatus"))
            .map(str::to_owned),
        recording_url: p.get("RecordingUrl").map(str::to_owned),
        recording_duration: p.get("RecordingDuration").and_then(|d| d.parse().ok()),
    }
}
