//! Decides a call: configuration + the request → a CXML document, the path of destinations taken
//! and why. The voice, gather and dial webhooks and the routing simulator all run this code; the
//! simulator runs it in [`Mode::DryRun`], which reads the round-robin position instead of
//! advancing it and leaves every other side effect to the caller (which does none).

use std::collections::HashSet;
use std::time::Duration;

use jiff::Timestamp;
use serde::Serialize;

use super::config::{Config, ExtensionView, RingGroupView, RoomView};
use super::continuation::{CallbackBase, Continuation, Step};
use super::local_copy::LocalCopies;
use super::speech;
use crate::adapters::sql::SqlStore;
use crate::crypto::{SealedColumn, SecretBox, constant_time_eq};
use crate::cxml::{
    self, Beep, ConferenceRecord, Dial, Gather, Hangup, Number, Play, Redirect, Say,
    StartConference,
};
use crate::domain::calling::CallingPolicy;
use crate::domain::destination::{Destination, PathStep};
use crate::domain::dial_plan;
use crate::domain::e164::E164;
use crate::domain::extension_number::ExtensionNumber;
use crate::domain::ids::{ExtensionId, OrgId, PhoneNumberId, RecordingId, RingGroupId};
use crate::domain::model::{
    Announcement, BusinessHours, CallDirection, IvrMenu, OrgStatus, RingStrategy, Status,
};
use crate::domain::schedule;
use crate::log_safe::Untrusted;
use crate::ports::coordination::{Coordination, RoundRobinSnapshot};
use crate::ports::media::MediaStore;
use crate::ports::store::StoreError;

/// Destinations one request may pass through before the configuration is called a loop.
const MAX_STEPS: usize = 32;
/// Callbacks of one call that may route somewhere new (IVR choices, fallbacks) before the call
/// is ended as a loop: a ring group falling back to itself would otherwise ring forever.
const MAX_ROUTED_HOPS: u32 = 20;
/// Wrong PIN entries before a caller is turned away from a conference room.
const MAX_PIN_TRIES: u32 = 3;
/// `<Number>` nouns in one `<Dial>`: Cloudonix documents no limit, the TwiML family allows 10,
/// so a larger simultaneous ring group rings in waves of this many members.
pub const MAX_NUMBERS_PER_DIAL: usize = 10;
/// Voicemail messages are cut at two minutes.
const VOICEMAIL_MAX_SECONDS: u32 = 120;
const ROUND_ROBIN_MEMORY: Duration = Duration::from_secs(24 * 3600);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A real call: round-robin positions advance.
    Live,
    /// The simulator: nothing is written anywhere.
    DryRun,
}

/// The facts of a call the routing depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallFacts {
    pub org: OrgId,
    pub call_sid: String,
    pub from: String,
    pub to: String,
    /// Cloudonix `Direction`: `inbound`, `subscriber`, `outbound-api`, or something undocumented.
    pub direction: Option<String>,
    pub at: Timestamp,
    /// The absolute prefix of callback URLs (`https://host[/stage]`); `None` makes them relative
    /// to the document (see `continuation`).
    pub callback_base: Option<String>,
}

/// What a callback reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallbackInput {
    pub digits: Option<String>,
    /// `DialCallStatus`, or `CallStatus` when Cloudonix sent only that.
    pub dial_status: Option<String>,
    pub recording_url: Option<String>,
    pub recording_duration: Option<i32>,
}

/// A wrong turn at an IVR menu, see `Engine::menu_miss`.
struct Miss<'a> {
    what: String,
    kind: &'static str,
    count: u32,
    limit: i32,
    destination: &'a Destination,
    notice: &'static str,
}

/// How a `<Dial>` ended, from `DialCallStatus`/`CallStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DialOutcome {
    Answered,
    Busy,
    NoAnswer,
    Failed,
    /// The caller hung up while it rang.
    Canceled,
}

impl DialOutcome {
    /// The documented `DialCallStatus`/`CallStatus` values and their Twilio spellings; `None` for
    /// anything else. `in-progress` is answered: when only `CallStatus` comes back it may be the
    /// caller's own leg of a bridged call, and a caller who already talked must not be sent to the
    /// no-answer destination.
    pub fn parse(status: &str) -> Option<Self> {
        Some(match status.trim().to_ascii_lowercase().as_str() {
            "answered" | "completed" | "in-progress" => Self::Answered,
            "busy" => Self::Busy,
            "no-answer" | "noanswer" => Self::NoAnswer,
            "failed" | "congestion" => Self::Failed,
            "canceled" | "cancelled" => Self::Canceled,
            _ => return None,
        })
    }

    fn describe(self) -> &'static str {
        match self {
            Self::Answered => "answered",
            Self::Busy => "was busy",
            Self::NoAnswer => "did not answer",
            Self::Failed => "could not be reached",
            Self::Canceled => "was abandoned by the caller",
        }
    }
}

/// Something the caller of the engine must do for a live call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    SaveVoicemail {
        extension: ExtensionId,
        recording_url: String,
        duration_seconds: i32,
    },
}

/// The decision: the document to answer and what the call log needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub response: cxml::Response,
    pub path: Vec<PathStep>,
    /// Remarks that are not destinations ("called +1… 'Main line'", "dial answered").
    pub notes: Vec<String>,
    pub direction: CallDirection,
    pub phone_number_id: Option<PhoneNumberId>,
    /// The first extension the call was offered to.
    pub extension_id: Option<ExtensionId>,
    /// How people know the last destination on the path ("101 Alice", "Sales"), as routing read
    /// it: where the live view shows the call. `None` for a hangup or a deleted object.
    pub last_name: Option<String>,
    pub dial_outcome: Option<DialOutcome>,
    pub effects: Vec<Effect>,
    /// Round-robin positions taken from the snapshot (group id, counter value), for the call's
    /// last round trip to remember and advance.
    pub round_robin: Vec<(String, i64)>,
}

impl Outcome {
    /// What the answer does for the caller, for metrics: refused unanswered, the kind of
    /// destination the path ended at, the next step after a dial's result, or an apology.
    pub fn label(&self) -> &'static str {
        let refused = self
            .response
            .verbs
            .iter()
            .any(|v| matches!(v, cxml::Verb::Reject(_)));
        match self.path.last() {
            _ if refused => "refused",
            Some(step) => step.destination.kind().as_str(),
            None if self.dial_outcome.is_some() => "dial_result",
            None => "apology",
        }
    }
}

#[derive(Debug, thiserror::Error)]
enum RouteError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

type Routed = Result<cxml::Response, RouteError>;

/// Where a destination leads: a document to answer, or another destination.
enum Resolved {
    Answer(cxml::Response),
    Next(Destination, String),
    /// An extension's own forwarding (forward-always, no-answer): an outside number reached
    /// this way must also pass the organization's forwarding rule.
    Forward(Destination, String),
    /// An announcement: what the caller hears first (nothing when neither its recording can be
    /// linked nor a text spoken), then another destination.
    Announce(Option<cxml::Verb>, Destination, String),
}

pub struct Engine<'a> {
    config: Config<'a>,
    coordination: &'a dyn Coordination,
    secrets: &'a SecretBox,
    call: &'a CallFacts,
    mode: Mode,
    hops: u32,
    /// Whether the document being built answers the voice URL (relative action URLs, used only
    /// without a callback base, depend on it).
    from_voice_document: bool,
    /// Staff calling from their own phones (`Direction=subscriber`) are conference moderators.
    internal: bool,
    visited: HashSet<Destination>,
    /// Whether the destination being resolved is an extension's forwarding.
    forwarding: bool,
    out: Outcome,
    round_robin: Option<&'a RoundRobinSnapshot>,
    /// Where uploaded prompts are, to link them in answers; without it they are not played.
    media: Option<&'a dyn MediaStore>,
}

impl<'a> Engine<'a> {
    pub fn new(
        store: &'a SqlStore,
        coordination: &'a dyn Coordination,
        secrets: &'a SecretBox,
        call: &'a CallFacts,
        mode: Mode,
    ) -> Self {
        Self {
            config: Config::new(store, coordination, call.org).for_live_call(mode == Mode::Live),
            coordination,
            secrets,
            call,
            mode,
            hops: 0,
            from_voice_document: true,
            internal: call.direction.as_deref() == Some("subscriber"),
            visited: HashSet::new(),
            forwarding: false,
            out: Outcome {
                response: cxml::Response::new(),
                path: Vec::new(),
                notes: Vec::new(),
                direction: CallDirection::Inbound,
                phone_number_id: None,
                extension_id: None,
                last_name: None,
                dial_outcome: None,
                effects: Vec::new(),
                round_robin: Vec::new(),
            },
            round_robin: None,
            media: None,
        }
    }

    /// Reads configuration through this instance's copy of `version` first (the voice pipeline,
    /// which has just read the version).
    pub fn with_local_copy(self, local: &'a LocalCopies, version: i64) -> Self {
        Self {
            config: self.config.with_local_copy(local, version),
            ..self
        }
    }

    /// Links uploaded recordings from `media` (fresh signed links in each answer).
    pub fn with_media(self, media: &'a dyn MediaStore) -> Self {
        Self {
            media: Some(media),
            ..self
        }
    }

    /// A fresh link Cloudonix can fetch recording `id` by; `None` when it cannot be made (the
    /// caller then falls back, as a call never fails for a prompt).
    fn recording_url(&self, id: RecordingId) -> Option<String> {
        let media = self.media?;
        let base = self.call.callback_base.as_deref();
        crate::media_links::recording_url(media, self.secrets, base, self.call.org, id)
            .inspect_err(
                |e| tracing::warn!(error = %e, recording = %id, "no link to a recorded prompt"),
            )
            .ok()
    }

    /// Takes round-robin positions from `snapshot` (read in the call's first round trip).
    pub fn with_round_robin(self, snapshot: &'a RoundRobinSnapshot) -> Self {
        Self {
            round_robin: Some(snapshot),
            ..self
        }
    }

    /// The first voice request of a call.
    pub async fn start(mut self) -> Outcome {
        let routed = self.first_request().await;
        self.finish(routed)
    }

    /// A `<Gather>`, `<Dial>` or `<Record>` callback carrying `cont`.
    pub async fn resume(mut self, cont: Continuation, input: &CallbackInput) -> Outcome {
        self.hops = cont.hops;
        self.from_voice_document = false;
        let routed = self.callback(cont.step, input).await;
        self.finish(routed)
    }

    fn finish(mut self, routed: Routed) -> Outcome {
        self.out.response = routed.unwrap_or_else(|e| {
            tracing::error!(org = %self.call.org, call = %Untrusted(&self.call.call_sid), error = %e, "routing failed");
            self.out.notes.push("routing failed: configuration could not be read".into());
            cxml::Response::apology(speech::TECHNICAL_PROBLEM)
        });
        self.out
    }

    fn note(&mut self, text: impl Into<String>) {
        self.out.notes.push(text.into());
    }

    fn apology(&mut self, why: impl Into<String>, text: &str) -> cxml::Response {
        self.note(why);
        cxml::Response::apology(text)
    }

    async fn first_request(&mut self) -> Routed {
        if let Some(org) = self.config.organization().await?
            && org.status != OrgStatus::Active
        {
            return Ok(self.apology("organization is suspended", speech::SERVICE_SUSPENDED));
        }
        match self.call.direction.as_deref() {
            Some("subscriber") => self.subscriber_call().await,
            Some("inbound") => self.inbound().await,
            // `outbound-api`, `application` and anything undocumented: route by what was dialled.
            _ => match self.our_number().await? {
                Some(_) => self.inbound().await,
                None if self.is_our_extension(&self.call.from).await? => {
                    self.subscriber_call().await
                }
                None => {
                    self.unassigned(format!(
                        "direction {:?} and {} is not our number",
                        self.call.direction, self.call.to
                    ))
                    .await
                }
            },
        }
    }

    async fn our_number(&self) -> Result<Option<crate::domain::model::PhoneNumber>, RouteError> {
        let Some(number) = parse_did(&self.call.to) else {
            return Ok(None);
        };
        Ok(self.config.phone_number(&number).await?)
    }

    async fn is_our_extension(&self, number: &str) -> Result<bool, RouteError> {
        Ok(match ExtensionNumber::parse(number) {
            Ok(n) => self.config.extension_by_number(&n).await?.is_some(),
            Err(_) => false,
        })
    }

    async fn inbound(&mut self) -> Routed {
        self.out.direction = CallDirection::Inbound;
        let Some(number) = self.our_number().await? else {
            let to = self.call.to.clone();
            return self
                .unassigned(format!("{to} is not a phone number of this organization"))
                .await;
        };
        self.out.phone_number_id = Some(number.id);
        if number.status != Status::Active {
            return self
                .unassigned(format!("phone number {} is inactive", number.number))
                .await;
        }
        let reason = format!("call to {} '{}'", number.number, number.label);
        self.route(number.destination, reason).await
    }

    /// A call to a number the organization does not have or has switched off: refused without
    /// answering it, so nobody is billed for it; the organization's message, if it set one, is
    /// spoken first as early media.
    async fn unassigned(&mut self, why: String) -> Routed {
        self.note(why);
        let message = self
            .config
            .organization()
            .await?
            .and_then(|org| org.unassigned_number_message);
        Ok(cxml::Response::refusal(
            message,
            cxml::RejectReason::Rejected,
        ))
    }

    async fn subscriber_call(&mut self) -> Routed {
        self.out.direction = CallDirection::Internal;
        let dialled = self.call.to.clone();
        if let Ok(n) = ExtensionNumber::parse(&dialled) {
            if let Some(ext) = self.config.extension_by_number(&n).await? {
                return self
                    .route(
                        Destination::Extension { id: ext.id },
                        format!("dialled extension {n}"),
                    )
                    .await;
            }
            if let Some(room) = self.config.room_by_number(&n).await? {
                return self
                    .route(
                        Destination::ConferenceRoom { id: room.id },
                        format!("dialled conference room {n}"),
                    )
                    .await;
            }
        }
        self.out.direction = CallDirection::Outbound;
        let routes = self.config.outbound_routes().await?;
        let policy = self.calling_policy().await?;
        let out =
            match dial_plan::outward(&routes, &dialled, None, policy.default_caller_id.as_ref()) {
                Ok(out) => out,
                Err(refused) => return Ok(self.apology(refused.to_string(), speech::NO_ROUTE)),
            };
        Ok(self.dial_out(out))
    }

    /// The `<Dial>` of a call allowed out (see [`dial_plan::outward`]).
    fn dial_out(&mut self, out: dial_plan::Outward<'_>) -> cxml::Response {
        self.note(format!(
            "outbound route '{}' dials {} via trunk '{}' as {}",
            out.route.name, out.number, out.route.trunk, out.caller_id
        ));
        let dial = Dial {
            caller_id: Some(out.caller_id.to_string()),
            trunks: Some(out.route.trunk.clone()).filter(|t| !t.is_empty()),
            action: Some(self.action(Step::External)),
            ..Dial::new(Number(out.number.to_string()))
        };
        cxml::Response::new().with(dial)
    }

    async fn calling_policy(&self) -> Result<CallingPolicy, RouteError> {
        Ok(self
            .config
            .organization()
            .await?
            .map(|o| o.calling)
            .unwrap_or_default())
    }

    /// Follows destinations until one answers with a document, which starts with what the
    /// announcements on the way play.
    async fn route(&mut self, dest: Destination, reason: String) -> Routed {
        let mut lead_in = Vec::new();
        let mut doc = self.follow(dest, reason, &mut lead_in).await?;
        doc.verbs.splice(0..0, lead_in);
        Ok(doc)
    }

    async fn follow(
        &mut self,
        mut dest: Destination,
        mut reason: String,
        lead_in: &mut Vec<cxml::Verb>,
    ) -> Routed {
        loop {
            if self.out.path.len() >= MAX_STEPS || !self.visited.insert(dest.clone()) {
                return Ok(self.apology(
                    format!("loop: {reason} leads back to an earlier destination"),
                    speech::LOOP,
                ));
            }
            self.out.path.push(PathStep {
                destination: dest.clone(),
                reason,
            });
            self.out.last_name = None;
            (dest, reason) = match self.resolve(&dest).await? {
                Resolved::Answer(doc) => return Ok(doc),
                Resolved::Next(next, why) => self.onward(next, why, false),
                Resolved::Forward(next, why) => self.onward(next, why, true),
                Resolved::Announce(played, next, why) => {
                    lead_in.extend(played);
                    self.onward(next, why, false)
                }
            };
        }
    }

    fn onward(
        &mut self,
        next: Destination,
        why: String,
        forwarding: bool,
    ) -> (Destination, String) {
        self.forwarding = forwarding;
        (next, why)
    }

    async fn resolve(&mut self, dest: &Destination) -> Result<Resolved, RouteError> {
        Ok(match dest {
            Destination::Extension { id } => match self.config.extension(*id).await? {
                Some(ext) => {
                    self.out.last_name = Some(ext.label());
                    self.extension(ext)
                }
                None => self.missing("extension"),
            },
            Destination::RingGroup { id } => match self.config.ring_group(*id).await? {
                Some(group) => {
                    self.out.last_name = Some(group.name.clone());
                    self.ring_group(group).await
                }
                None => self.missing("ring group"),
            },
            Destination::BusinessHours { id } => match self.config.schedule(*id).await? {
                Some(s) => {
                    self.out.last_name = Some(s.name.clone());
                    self.schedule(&s)
                }
                None => self.missing("schedule"),
            },
            Destination::IvrMenu { id } => match self.config.ivr_menu(*id).await? {
                Some(m) => {
                    self.out.last_name = Some(m.name.clone());
                    self.enter_menu(&m)
                }
                None => self.missing("IVR menu"),
            },
            Destination::Voicemail { id } => match self.config.extension(*id).await? {
                Some(ext) => {
                    self.out.last_name = Some(ext.label());
                    // Straight to a mailbox is offered to its extension: the call is theirs
                    // in history and statistics, as if it had rung first.
                    self.out.extension_id.get_or_insert(ext.id);
                    Resolved::Answer(self.voicemail(&ext))
                }
                None => self.missing("mailbox"),
            },
            Destination::ConferenceRoom { id } => match self.config.room(*id).await? {
                Some(room) => {
                    self.out.last_name = Some(room.name.clone());
                    Resolved::Answer(self.enter_room(&room))
                }
                None => self.missing("conference room"),
            },
            Destination::Announcement { id } => match self.config.announcement(*id).await? {
                Some(a) => {
                    self.out.last_name = Some(a.name.clone());
                    self.announcement(&a)
                }
                None => self.missing("announcement"),
            },
            Destination::ExternalNumber { number } => {
                self.out.last_name = Some(number.to_string());
                Resolved::Answer(self.external(number).await?)
            }
            Destination::Hangup => Resolved::Answer(cxml::Response::new().with(Hangup)),
        })
    }

    fn schedule(&mut self, s: &BusinessHours) -> Resolved {
        if s.status != Status::Active {
            return Resolved::Next(
                s.open.clone(),
                format!("schedule '{}' is switched off: always open", s.name),
            );
        }
        let d = schedule::evaluate(s, self.call.at);
        let state = d.state.as_str();
        let reason = if d.reason.starts_with(state) {
            format!("schedule '{}' {}", s.name, d.reason)
        } else {
            format!("schedule '{}' {state}: {}", s.name, d.reason)
        };
        Resolved::Next(d.destination, reason)
    }

    fn enter_menu(&mut self, m: &IvrMenu) -> Resolved {
        if m.status != Status::Active {
            return Resolved::Next(
                m.timeout_destination.clone(),
                format!("IVR menu '{}' is inactive", m.name),
            );
        }
        Resolved::Answer(self.menu(m, 0, 0, None))
    }

    /// The announcement's recording (a fresh link), else its text, then its next destination.
    fn announcement(&mut self, a: &Announcement) -> Resolved {
        let recorded = a.recording_id.and_then(|id| self.recording_url(id));
        let played: Option<cxml::Verb> = match (recorded, &a.text) {
            (Some(url), _) => Some(Play::url(url).into()),
            (None, Some(text)) => Some(say_in(a.voice.clone(), text).into()),
            (None, None) => {
                self.note(format!(
                    "announcement '{}': its recording cannot be linked, nothing played",
                    a.name
                ));
                None
            }
        };
        Resolved::Announce(
            played,
            a.next.clone(),
            format!("after announcement '{}'", a.name),
        )
    }

    fn enter_room(&mut self, room: &RoomView) -> cxml::Response {
        if room.status != Status::Active {
            self.apology(
                format!("conference room '{}' is inactive", room.name),
                speech::ROOM_CLOSED,
            )
        } else if room.pin_enc.is_some() {
            self.pin_prompt(room, 0, None)
        } else {
            self.join(room)
        }
    }

    /// A destination whose object was deleted after the reference was read (destinations have no
    /// foreign keys): the caller hears an apology rather than silence.
    fn missing(&mut self, what: &str) -> Resolved {
        Resolved::Answer(self.apology(
            format!("the {what} no longer exists"),
            speech::NOT_IN_SERVICE,
        ))
    }

    fn action(&self, step: Step) -> String {
        let base = match &self.call.callback_base {
            Some(prefix) => CallbackBase::Absolute(prefix),
            None => CallbackBase::Relative {
                from_voice_document: self.from_voice_document,
            },
        };
        Continuation {
            step,
            hops: self.hops,
        }
        .url(base, self.secrets, self.call.org, &self.call.call_sid)
    }

    fn extension(&mut self, ext: ExtensionView) -> Resolved {
        self.out.extension_id.get_or_insert(ext.id);
        let n = &ext.number;
        if ext.status != Status::Active {
            return self.unavailable(&ext, format!("extension {n} is inactive"));
        }
        if ext.do_not_disturb {
            return self.unavailable(&ext, format!("extension {n} is on do-not-disturb"));
        }
        if let Some(forward) = &ext.forward_always {
            return Resolved::Forward(
                forward.clone(),
                format!("extension {n} forwards every call"),
            );
        }
        let dial = Dial {
            timeout: Some(ext.no_answer_timeout.max(1) as u32),
            action: Some(self.action(Step::Extension { ext: ext.id })),
            ..Dial::new(Number(n.to_string()))
        };
        Resolved::Answer(cxml::Response::new().with(dial))
    }

    /// Where a call goes when the extension cannot take it: its no-answer destination, else its
    /// voicemail when enabled, else a polite goodbye.
    fn unavailable(&mut self, ext: &ExtensionView, why: String) -> Resolved {
        if let Some(dest) = &ext.no_answer {
            Resolved::Forward(dest.clone(), format!("{why}: no-answer destination"))
        } else if ext.voicemail_enabled {
            Resolved::Next(
                Destination::Voicemail { id: ext.id },
                format!("{why}: voicemail"),
            )
        } else {
            Resolved::Answer(self.apology(why, speech::UNAVAILABLE))
        }
    }

    async fn ring_group(&mut self, group: RingGroupView) -> Resolved {
        if group.status != Status::Active {
            return Resolved::Next(
                group.fallback.clone(),
                format!("ring group '{}' is inactive: fallback", group.name),
            );
        }
        let reachable = reachable_members(&group);
        if reachable.is_empty() {
            return Resolved::Next(
                group.fallback.clone(),
                format!(
                    "no member of ring group '{}' can take calls: fallback",
                    group.name
                ),
            );
        }
        let start = match group.strategy {
            RingStrategy::RoundRobin => self.round_robin_start(group.id, reachable.len()).await,
            _ => 0,
        };
        Resolved::Answer(self.ring_hop(&group, &reachable, start, 0))
    }

    /// The dial of one hop: every member at once (simultaneous; in waves of
    /// [`MAX_NUMBERS_PER_DIAL`] when there are more) or one member.
    fn ring_hop(
        &mut self,
        group: &RingGroupView,
        members: &[&ExtensionView],
        start: u32,
        attempt: u32,
    ) -> cxml::Response {
        let step = Step::RingGroup {
            group: group.id,
            attempt,
            start,
        };
        let nouns: Vec<cxml::Noun> = match group.strategy {
            RingStrategy::Simultaneous => {
                let waves = hops_per_round(group.strategy, members.len());
                let wave = attempt as usize % waves;
                if waves > 1 {
                    self.note(format!(
                        "ring group '{}' rings wave {} of {waves}",
                        group.name,
                        wave + 1
                    ));
                }
                members
                    .chunks(MAX_NUMBERS_PER_DIAL)
                    .nth(wave)
                    .unwrap_or_default()
                    .iter()
                    .map(|m| Number(m.number.to_string()).into())
                    .collect()
            }
            _ => {
                let member = members[(start as usize + attempt as usize) % members.len()];
                self.note(format!(
                    "ring group '{}' rings extension {}",
                    group.name, member.number
                ));
                vec![Number(member.number.to_string()).into()]
            }
        };
        let dial = Dial {
            nouns,
            timeout: Some(group.member_timeout.max(1) as u32),
            action: Some(self.action(step)),
            ..Dial::default()
        };
        cxml::Response::new().with(dial)
    }

    /// The member a round-robin call starts at. The group's counter advances once per call: a
    /// replayed or repeated request of the same call finds the position it was given (in the
    /// snapshot of the call's first round trip, when there is one). A new position is the
    /// snapshot's counter, taken in the call's last round trip only if no other call took it in
    /// the meantime (else the call is routed again, taking positions one by one); without a
    /// snapshot it costs one atomic round trip.
    async fn round_robin_start(&mut self, group: RingGroupId, members: usize) -> u32 {
        let (org, group_key) = (self.call.org.to_string(), group.to_string());
        let members = members as i64;
        let taken = self
            .out
            .round_robin
            .iter()
            .find(|(g, _)| *g == group_key)
            .map(|(_, p)| *p);
        let result = match (self.mode, self.round_robin) {
            (Mode::DryRun, _) => {
                self.coordination
                    .round_robin_position(&org, &group_key)
                    .await
            }
            (Mode::Live, Some(snapshot)) => Ok(snapshot
                .this_call
                .get(&group_key)
                .copied()
                .or(taken)
                .unwrap_or_else(|| {
                    let position = snapshot.counters.get(&group_key).copied().unwrap_or(0);
                    self.out.round_robin.push((group_key.clone(), position));
                    position
                })),
            (Mode::Live, None) => {
                self.coordination
                    .advance_round_robin(&org, &group_key, &self.call.call_sid, ROUND_ROBIN_MEMORY)
                    .await
            }
        };
        match result {
            Ok(position) => position.rem_euclid(members) as u32,
            Err(e) => {
                tracing::warn!(error = %e, "round-robin position unavailable; starting where the call's id points");
                fallback_start(&self.call.call_sid, members)
            }
        }
    }

    fn menu(
        &mut self,
        menu: &IvrMenu,
        invalid: u32,
        timeouts: u32,
        notice: Option<&str>,
    ) -> cxml::Response {
        let action = self.action(Step::Ivr {
            menu: menu.id,
            invalid,
            timeouts,
        });
        let mut prompts: Vec<cxml::Prompt> = Vec::new();
        if let Some(text) = notice {
            prompts.push(Say::new(text).into());
        }
        let recorded = menu
            .prompt_recording_id
            .and_then(|id| self.recording_url(id));
        prompts.push(
            match (
                recorded.or_else(|| menu.prompt_audio_url.clone()),
                &menu.prompt_text,
            ) {
                (Some(url), _) => Play::url(url).into(),
                (None, text) => say_in(
                    menu.prompt_voice.clone(),
                    text.as_deref().unwrap_or(speech::DEFAULT_MENU_PROMPT),
                )
                .into(),
            },
        );
        // With direct dial the caller may type a whole extension number and finish with '#'.
        let num_digits = (!menu.direct_dial)
            .then(|| menu.options.iter().map(|o| o.digits.len() as u32).max())
            .flatten();
        let gather = Gather {
            action: Some(action.clone()),
            num_digits,
            timeout: Some(menu.digit_timeout.max(1) as u32),
            action_on_empty_result: Some(true),
            prompts,
            ..Gather::default()
        };
        // Should the platform fall through after an empty Gather anyway, the same callback
        // counts it as a timeout.
        cxml::Response::new()
            .with(gather)
            .with(Redirect::new(action))
    }

    fn voicemail(&mut self, ext: &ExtensionView) -> cxml::Response {
        if !ext.voicemail_enabled {
            return self.apology(
                format!("voicemail of extension {} is disabled", ext.number),
                speech::MAILBOX_UNAVAILABLE,
            );
        }
        let recorded = ext
            .voicemail_greeting_recording_id
            .and_then(|id| self.recording_url(id));
        let greeting: cxml::Prompt = match (recorded, ext.voicemail_greeting.as_deref()) {
            (Some(url), _) => Play::url(url).into(),
            (None, Some(url)) if url.starts_with("https://") || url.starts_with("http://") => {
                Play::url(url).into()
            }
            (None, Some(text)) if !text.trim().is_empty() => Say::new(text).into(),
            _ => Say::new(speech::default_greeting(&ext.display_name)).into(),
        };
        let record = cxml::Record {
            action: Some(self.action(Step::Voicemail { ext: ext.id })),
            max_length: Some(VOICEMAIL_MAX_SECONDS),
            finish_on_key: Some("#".into()),
            play_beep: Some(true),
            prompts: vec![greeting],
            ..cxml::Record::default()
        };
        cxml::Response::new()
            .with(record)
            .with(Say::new(speech::NO_MESSAGE))
            .with(Hangup)
    }

    fn pin_prompt(&mut self, room: &RoomView, tries: u32, notice: Option<&str>) -> cxml::Response {
        let action = self.action(Step::RoomPin {
            room: room.id,
            tries,
        });
        let mut prompts: Vec<cxml::Prompt> =
            notice.map(|t| Say::new(t).into()).into_iter().collect();
        prompts.push(Say::new(speech::ENTER_PIN).into());
        let gather = Gather {
            action: Some(action.clone()),
            finish_on_key: Some("#".into()),
            timeout: Some(10),
            action_on_empty_result: Some(true),
            prompts,
            ..Gather::default()
        };
        cxml::Response::new()
            .with(gather)
            .with(Redirect::new(action))
    }

    fn join(&mut self, room: &RoomView) -> cxml::Response {
        // Rooms are named by id: names are unique per Cloudonix domain, and ours may be renamed.
        let conference = cxml::Conference {
            muted: room.mute_on_entry.then_some(true),
            beep: Some(if room.announce_join_leave {
                Beep::True
            } else {
                Beep::False
            }),
            max_participants: Some(room.max_participants.clamp(2, 250) as u32),
            // Outside callers wait (with hold music) until someone from the organization joins.
            start_conference_on_enter: (room.wait_for_moderator && !self.internal)
                .then_some(StartConference::False),
            record: room.record.then_some(ConferenceRecord::RecordFromStart),
            ..cxml::Conference::new(room.id.to_string())
        };
        // Cloudonix's `<Conference>` takes no music of ours (`holdMusic` is only on or off), so
        // the room's recording plays as the caller enters; its own hold music follows.
        let hold_music = room
            .hold_music_recording_id
            .and_then(|id| self.recording_url(id));
        let doc = match hold_music {
            Some(url) => cxml::Response::new().with(Play::url(url)),
            None => cxml::Response::new(),
        };
        doc.with(Dial::new(conference))
    }

    /// An outside number as a destination. It leaves only as a call dialled from one of our
    /// phones would (a matching route, its trunk, a caller id), and an extension's forwarding
    /// must also pass the organization's forwarding rule; otherwise the caller hears a refusal
    /// and nothing is dialled (toll fraud: a forwarding set to a premium or foreign number).
    async fn external(&mut self, number: &E164) -> Routed {
        let policy = self.calling_policy().await?;
        if self.forwarding
            && let Err(refused) = policy.may_forward(number)
        {
            return Ok(self.apology(
                format!("forwarding to {number} refused: {refused}"),
                speech::OUTSIDE_REFUSED,
            ));
        }
        let routes = self.config.outbound_routes().await?;
        let did = self.inbound_did().await?;
        match dial_plan::outward(
            &routes,
            number.as_str(),
            did.as_ref(),
            policy.default_caller_id.as_ref(),
        ) {
            Ok(out) => Ok(self.dial_out(out)),
            Err(refused) => Ok(self.apology(
                format!("call to {number} refused: {refused}"),
                speech::OUTSIDE_REFUSED,
            )),
        }
    }

    /// The organization's number an inbound call came in on: what a forwarded call presents.
    async fn inbound_did(&self) -> Result<Option<E164>, RouteError> {
        if self.internal {
            return Ok(None);
        }
        Ok(self.our_number().await?.map(|n| n.number))
    }

    async fn callback(&mut self, step: Step, input: &CallbackInput) -> Routed {
        match step {
            Step::Extension { ext } => self.after_extension_dial(ext, input).await,
            Step::RingGroup {
                group,
                attempt,
                start,
            } => self.after_ring_hop(group, attempt, start, input).await,
            Step::External => Ok(match self.dial_result(input) {
                DialOutcome::Answered | DialOutcome::Canceled => hang_up(),
                _ => cxml::Response::apology(speech::NOT_REACHABLE),
            }),
            Step::Ivr {
                menu,
                invalid,
                timeouts,
            } => self.after_menu(menu, invalid, timeouts, input).await,
            Step::RoomPin { room, tries } => self.after_pin(room, tries, input).await,
            Step::Voicemail { ext } => Ok(self.after_recording(ext, input)),
        }
    }

    /// How the dial went. Anything unknown (or no status at all) counts as not answered, so the
    /// call moves on rather than being dropped, and is logged: it is a status Cloudonix sends
    /// that nobody has seen yet.
    fn dial_result(&mut self, input: &CallbackInput) -> DialOutcome {
        let status = input.dial_status.as_deref();
        let outcome = status.and_then(DialOutcome::parse).unwrap_or_else(|| {
            tracing::warn!(org = %self.call.org, call = %Untrusted(&self.call.call_sid), status = %Untrusted(status.unwrap_or("(none)")), "unknown dial status; treated as no answer");
            self.note(format!("unknown dial status {status:?}: treated as no answer"));
            DialOutcome::NoAnswer
        });
        self.out.dial_outcome = Some(outcome);
        outcome
    }

    /// Routing onward from a callback counts against the loop guard.
    async fn route_on(&mut self, dest: Destination, reason: String) -> Routed {
        self.hops += 1;
        if self.hops > MAX_ROUTED_HOPS {
            return Ok(self.apology(
                format!("loop: {MAX_ROUTED_HOPS} callbacks without an end"),
                speech::LOOP,
            ));
        }
        self.route(dest, reason).await
    }

    async fn after_extension_dial(&mut self, id: ExtensionId, input: &CallbackInput) -> Routed {
        let outcome = self.dial_result(input);
        self.out.extension_id = Some(id);
        if matches!(outcome, DialOutcome::Answered | DialOutcome::Canceled) {
            return Ok(hang_up());
        }
        let Some(ext) = self.config.extension(id).await? else {
            return Ok(self.apology("the extension no longer exists", speech::UNAVAILABLE));
        };
        let why = format!("extension {} {}", ext.number, outcome.describe());
        let (dest, reason) = match self.unavailable(&ext, why) {
            Resolved::Answer(doc) => return Ok(doc),
            Resolved::Next(dest, reason) => self.onward(dest, reason, false),
            Resolved::Forward(dest, reason) => self.onward(dest, reason, true),
            Resolved::Announce(..) => unreachable!("an unavailable extension announces nothing"),
        };
        self.route_on(dest, reason).await
    }

    async fn after_ring_hop(
        &mut self,
        id: RingGroupId,
        attempt: u32,
        start: u32,
        input: &CallbackInput,
    ) -> Routed {
        let outcome = self.dial_result(input);
        if matches!(outcome, DialOutcome::Answered | DialOutcome::Canceled) {
            return Ok(hang_up());
        }
        let Some(group) = self.config.ring_group(id).await? else {
            return Ok(self.apology("the ring group no longer exists", speech::UNAVAILABLE));
        };
        let members = reachable_members(&group);
        let per_round = hops_per_round(group.strategy, members.len()) as u32;
        let next = attempt + 1;
        if group.status != Status::Active
            || members.is_empty()
            || next >= per_round * group.rounds.max(1) as u32
        {
            let reason = format!("nobody in ring group '{}' answered: fallback", group.name);
            return self.route_on(group.fallback.clone(), reason).await;
        }
        Ok(self.ring_hop(&group, &members, start, next))
    }

    async fn after_menu(
        &mut self,
        id: crate::domain::ids::IvrMenuId,
        invalid: u32,
        timeouts: u32,
        input: &CallbackInput,
    ) -> Routed {
        let Some(menu) = self.config.ivr_menu(id).await? else {
            return Ok(self.apology("the IVR menu no longer exists", speech::NOT_IN_SERVICE));
        };
        let digits = input
            .digits
            .as_deref()
            .unwrap_or_default()
            .trim()
            .trim_end_matches('#');
        if digits.is_empty() {
            let miss = Miss {
                what: "no input".into(),
                kind: "timeout",
                count: timeouts + 1,
                limit: menu.max_timeouts,
                destination: &menu.timeout_destination,
                notice: speech::NO_INPUT,
            };
            return self.menu_miss(&menu, miss, (invalid, timeouts + 1)).await;
        }
        if let Some(option) = menu.options.iter().find(|o| o.digits == digits) {
            let reason = format!(
                "IVR menu '{}': caller pressed {digits} ({})",
                menu.name, option.label
            );
            return self.route_on(option.destination.clone(), reason).await;
        }
        if let Some(ext) = self.direct_dial_target(&menu, digits).await? {
            let reason = format!(
                "IVR menu '{}': direct dial to extension {}",
                menu.name, ext.number
            );
            return self
                .route_on(Destination::Extension { id: ext.id }, reason)
                .await;
        }
        let miss = Miss {
            what: format!("invalid input {digits:?}"),
            kind: "invalid",
            count: invalid + 1,
            limit: menu.max_invalid,
            destination: &menu.invalid_destination,
            notice: speech::INVALID_OPTION,
        };
        self.menu_miss(&menu, miss, (invalid + 1, timeouts)).await
    }

    /// No input or an invalid entry at a menu: the menu again, with a notice, until the limit for
    /// that kind of miss is reached; then that kind's destination. The two kinds count apart.
    async fn menu_miss(
        &mut self,
        menu: &IvrMenu,
        miss: Miss<'_>,
        (invalid, timeouts): (u32, u32),
    ) -> Routed {
        let Miss {
            what,
            kind,
            count,
            limit,
            destination,
            notice,
        } = miss;
        if count >= limit.max(1) as u32 {
            let reason = format!(
                "{what} to IVR menu '{}' ({count} times): {kind} destination",
                menu.name
            );
            return self.route_on(destination.clone(), reason).await;
        }
        self.note(format!(
            "{what} to IVR menu '{}' ({count} times): menu repeated",
            menu.name
        ));
        Ok(self.menu(menu, invalid, timeouts, Some(notice)))
    }

    async fn direct_dial_target(
        &self,
        menu: &IvrMenu,
        digits: &str,
    ) -> Result<Option<ExtensionView>, RouteError> {
        if !menu.direct_dial {
            return Ok(None);
        }
        let Ok(number) = ExtensionNumber::parse(digits) else {
            return Ok(None);
        };
        Ok(self
            .config
            .extension_by_number(&number)
            .await?
            .filter(|ext| {
                ext.status == Status::Active
                    && (menu.direct_dial_allowlist.is_empty()
                        || menu.direct_dial_allowlist.contains(&ext.id))
            }))
    }

    async fn after_pin(
        &mut self,
        id: crate::domain::ids::ConferenceRoomId,
        tries: u32,
        input: &CallbackInput,
    ) -> Routed {
        let Some(room) = self.config.room(id).await? else {
            return Ok(self.apology("the conference room no longer exists", speech::ROOM_CLOSED));
        };
        if self.mode == Mode::DryRun {
            // The simulator is open to every PBX user: checking real PINs would make it an
            // oracle for guessing them.
            self.note(format!(
                "PIN prompt of conference room '{}': the simulator never checks PINs",
                room.name
            ));
            return Ok(self.pin_prompt(&room, tries, None));
        }
        let entered = input
            .digits
            .as_deref()
            .unwrap_or_default()
            .trim()
            .trim_end_matches('#');
        let pin = room.pin_enc.as_deref().map(|sealed| {
            self.secrets
                .open(SealedColumn::ROOM_PIN, &room.id.to_string(), sealed)
        });
        match pin {
            None => return Ok(self.join(&room)),
            Some(Ok(pin))
                if !entered.is_empty() && constant_time_eq(pin.as_bytes(), entered.as_bytes()) =>
            {
                self.note(format!("PIN accepted for conference room '{}'", room.name));
                return Ok(self.join(&room));
            }
            Some(Ok(_)) => {}
            Some(Err(e)) => {
                tracing::error!(room = %room.id, error = %e, "conference PIN cannot be opened with this key");
                return Ok(self.apology("the room's PIN cannot be read", speech::TECHNICAL_PROBLEM));
            }
        }
        let tries = tries + 1;
        if tries >= MAX_PIN_TRIES {
            return Ok(self.apology(
                format!(
                    "wrong PIN for conference room '{}' {tries} times",
                    room.name
                ),
                speech::PIN_REFUSED,
            ));
        }
        self.note(format!("wrong PIN for conference room '{}'", room.name));
        Ok(self.pin_prompt(&room, tries, Some(speech::WRONG_PIN)))
    }

    fn after_recording(&mut self, ext: ExtensionId, input: &CallbackInput) -> cxml::Response {
        // A call logged before its mailbox was known (its first write failed) learns it here.
        self.out.extension_id.get_or_insert(ext);
        let Some(url) = input.recording_url.clone().filter(|u| !u.trim().is_empty()) else {
            self.note("voicemail callback without a recording");
            return cxml::Response::apology(speech::NO_MESSAGE);
        };
        self.out.effects.push(Effect::SaveVoicemail {
            extension: ext,
            recording_url: url,
            duration_seconds: input.recording_duration.unwrap_or(0).max(0),
        });
        cxml::Response::apology(speech::MESSAGE_SAVED)
    }
}

/// `<Say>` of `text` in `voice`, when one is given.
fn say_in(voice: Option<String>, text: &str) -> Say {
    Say {
        voice,
        ..Say::new(text)
    }
}

fn hang_up() -> cxml::Response {
    cxml::Response::new().with(Hangup)
}

fn reachable_members(group: &RingGroupView) -> Vec<&ExtensionView> {
    group.members.iter().filter(|m| m.reachable()).collect()
}

/// Dials one round of a ring group takes: one per member in turn, or one per wave of at most
/// [`MAX_NUMBERS_PER_DIAL`] members at once.
fn hops_per_round(strategy: RingStrategy, members: usize) -> usize {
    match strategy {
        RingStrategy::Simultaneous => members.div_ceil(MAX_NUMBERS_PER_DIAL).max(1),
        _ => members,
    }
}

/// The DID of an inbound call. Cloudonix sends E.164 with `+`, but trunks sometimes deliver the
/// digits alone.
fn parse_did(to: &str) -> Option<E164> {
    E164::parse(to).ok().or_else(|| {
        let digits = to.trim();
        (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| E164::parse(&format!("+{digits}")).ok())
            .flatten()
    })
}

/// Where a round-robin call starts when the group's shared counter cannot be reached: a hash of
/// the call's id (FNV-1a), so every retry of the call rings the same member first (its answer
/// replays identically) and calls spread evenly over the members instead of all ringing the
/// first one.
fn fallback_start(call_sid: &str, members: i64) -> u32 {
    let hash = call_sid.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    (hash % members.max(1) as u64) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dial_outcomes_read_cloudonix_and_twilio_spellings() {
        use DialOutcome::*;
        for (status, outcome) in [
            ("completed", Answered),
            ("ANSWERED", Answered),
            ("in-progress", Answered),
            ("no-answer", NoAnswer),
            ("noanswer", NoAnswer),
            ("busy", Busy),
            ("canceled", Canceled),
            ("failed", Failed),
            ("congestion", Failed),
        ] {
            assert_eq!(DialOutcome::parse(status), Some(outcome), "{status}");
        }
        for unknown in ["unknown", "ringing", "queued", ""] {
            assert_eq!(DialOutcome::parse(unknown), None, "{unknown}");
        }
    }

    #[test]
    fn without_the_counter_a_call_always_starts_at_the_same_member_and_calls_spread() {
        let mut firsts = [0u32; 7];
        for i in 0..7000 {
            let sid = format!("CA{i:032x}");
            let start = fallback_start(&sid, 7);
            assert_eq!(
                start,
                fallback_start(&sid, 7),
                "a retry starts where the call did"
            );
            firsts[start as usize] += 1;
        }
        // Even within a few percent (all on the first member before).
        assert!(firsts.iter().all(|n| (900..1100).contains(n)), "{firsts:?}");
        assert_eq!(fallback_start("any", 1), 0);
    }

    #[test]
    fn simultaneous_groups_ring_in_waves_of_ten() {
        use RingStrategy::*;
        assert_eq!(hops_per_round(Simultaneous, 1), 1);
        assert_eq!(hops_per_round(Simultaneous, 10), 1);
        assert_eq!(hops_per_round(Simultaneous, 11), 2);
        assert_eq!(hops_per_round(Simultaneous, 25), 3);
        assert_eq!(hops_per_round(Sequential, 25), 25);
    }

    #[test]
    fn dids_accept_digits_without_plus() {
        assert_eq!(parse_did("12125550100").unwrap().as_str(), "+12125550100");
        assert_eq!(parse_did("+12125550100").unwrap().as_str(), "+12125550100");
        assert_eq!(parse_did("1001"), None);
        assert_eq!(parse_did("abc"), None);
    }
}
