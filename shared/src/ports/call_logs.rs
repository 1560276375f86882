use async_trait::async_trait;

use super::store::{Page, PageRequest, StoreResult};
use crate::domain::call_trace::{CallTrace, TraceLine};
use crate::domain::destination::PathStep;
use crate::domain::ids::{CallLogId, ExtensionId, OrgId};
use crate::domain::model::{CallDirection, CallLog, CallStatus, Extension};

/// What `create_call_log` did. Cloudonix retries webhooks, so a second create for the same call
/// is expected and must not produce a second row.
#[derive(Debug, Clone, PartialEq)]
pub enum CallLogInsert {
    Created,
    /// The organization already had a log for this call SID; here it is, unchanged.
    AlreadyExists(Box<CallLog>),
}

/// The changes one call event brings. `None` keeps the stored value; `append_path` is added to the
/// end of the stored path.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallLogUpdate {
    pub status: Option<CallStatus>,
    pub extension_id: Option<ExtensionId>,
    pub answered_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub duration_seconds: Option<i32>,
    pub billsec: Option<i32>,
    pub disposition: Option<String>,
    pub recording_url: Option<String>,
    pub append_path: Vec<PathStep>,
    /// Added to the call's trace when it fits under the cap (counted as dropped otherwise).
    pub trace: Option<TraceLine>,
    pub updated_at: i64,
}

/// Criteria a listed call must meet; `None` means any.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallLogFilter {
    /// Started at or after this epoch ms.
    pub from: Option<i64>,
    /// Started before this epoch ms.
    pub to: Option<i64>,
    pub direction: Option<CallDirection>,
    pub status: Option<CallStatus>,
    /// The end of the calling or the called number.
    pub number: Option<String>,
    /// Exactly this Cloudonix call id.
    pub call_sid: Option<String>,
    /// Only the calls of these extensions, in the sense of [`belongs_to`]. `Some(empty)` matches
    /// no call.
    pub extensions: Option<Vec<ExtensionId>>,
}

/// Whether a call is one of an extension's calls: it was offered to the extension (inbound and
/// internal calls record the first extension they rang), or the extension placed it (outbound
/// and internal calls come from the subscriber, whose number is the extension's). The stores'
/// `extensions` filter applies this same rule.
pub fn belongs_to(log: &CallLog, ext: &Extension) -> bool {
    log.extension_id == Some(ext.id)
        || (log.direction != CallDirection::Inbound && log.from_number == ext.number.as_str())
}

/// How many matching calls a list counts at most (its `total` then says "more than this"): an
/// exact count would read every call of a busy organization's history, for every page.
pub const LIST_COUNT_BOUND: i64 = 10_000;

/// Statuses that count as answered, and as missed, in statistics. Calls still initiated or
/// ringing are neither.
pub const ANSWERED: &[CallStatus] = &[CallStatus::Answered, CallStatus::Completed];
pub const MISSED: &[CallStatus] = &[
    CallStatus::Busy,
    CallStatus::NoAnswer,
    CallStatus::Failed,
    CallStatus::Canceled,
];

/// Where a newest-first read resumes: after the call that started at `started_at` with `id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallLogCursor {
    pub started_at: i64,
    pub id: CallLogId,
}

impl From<&CallLog> for CallLogCursor {
    fn from(log: &CallLog) -> Self {
        Self {
            started_at: log.started_at,
            id: log.id,
        }
    }
}

/// The calls that started in one time slot `[start, start + slot)`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallSlot {
    /// Epoch ms, a multiple of the slot length.
    pub start: i64,
    pub calls: i64,
    /// In [`ANSWERED`] statuses.
    pub answered: i64,
    /// In [`MISSED`] statuses.
    pub missed: i64,
    /// Calls with a known duration, and the sum of those durations in seconds.
    pub timed: i64,
    pub duration_seconds: i64,
    /// Answered calls with a known answer time, and the sum of their waits (start to answer)
    /// in milliseconds.
    pub waited: i64,
    pub wait_ms: i64,
    /// Answered calls with a known talk time (Cloudonix's billed seconds, else answer to end),
    /// and the sum of those talk times in milliseconds.
    pub talked: i64,
    pub talk_ms: i64,
}

impl CallSlot {
    /// Adds `other`'s counts and sums to this slot's; its start stays.
    pub fn add(&mut self, other: &CallSlot) {
        self.calls += other.calls;
        self.answered += other.answered;
        self.missed += other.missed;
        self.timed += other.timed;
        self.duration_seconds += other.duration_seconds;
        self.waited += other.waited;
        self.wait_ms += other.wait_ms;
        self.talked += other.talked;
        self.talk_ms += other.talk_ms;
    }
}

/// How many calls one of the organization's numbers carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberCalls {
    pub number: String,
    pub calls: i64,
}

/// How many calls were offered to one extension (rang it or reached its mailbox).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionCalls {
    pub extension_id: ExtensionId,
    pub calls: i64,
    /// In [`ANSWERED`] statuses.
    pub answered: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallLogStats {
    /// Only slots with calls, earliest first.
    pub slots: Vec<CallSlot>,
    /// Most calls first (ties by number): the called number of inbound calls and the calling
    /// number of outbound ones, i.e. the organization's own side. Internal calls do not count.
    pub busiest: Vec<NumberCalls>,
    /// Most calls first (ties by id): the extensions the calls were offered to. Under an
    /// `extensions` filter, only those extensions.
    pub busiest_extensions: Vec<ExtensionCalls>,
}

/// What one routing request adds to its call's log ([`CallLogRepo::record_call_step`]).
#[derive(Debug, Clone, Copy)]
pub struct CallStep<'a> {
    pub dial_answered: bool,
    pub extension_id: Option<ExtensionId>,
    pub append_path: &'a [PathStep],
    pub trace: &'a TraceLine,
    pub at: i64,
}

#[async_trait]
pub trait CallLogRepo: Send + Sync {
    /// Idempotent on (organization, call SID). `trace` starts the call's trace (kept
    /// [`RETENTION_MS`](crate::domain::call_trace::RETENTION_MS) from its start).
    async fn create_call_log(
        &self,
        log: &CallLog,
        trace: Option<&TraceLine>,
    ) -> StoreResult<CallLogInsert>;

    /// The new-call path's one statement: inserts `log` with the first line of its trace and
    /// answers `true`, or answers `false` (writing nothing) when the organization already has a
    /// log of that CallSid.
    async fn insert_call_log(&self, log: &CallLog, trace: Option<&TraceLine>) -> StoreResult<bool>;
    /// A callback's (or a repeated voice request's) whole write to the log of `call_sid`, in one
    /// statement: its trace line, its path, the extension routing reached when the log names
    /// none, and — when `step.dial_answered` — an initiated or ringing call answered at
    /// `step.at`. `updated_at` moves only when something besides the trace changed. Answers
    /// `false` (writing nothing) when the organization has no log of that CallSid.
    async fn record_call_step(
        &self,
        org: OrgId,
        call_sid: &str,
        step: &CallStep<'_>,
    ) -> StoreResult<bool>;
    /// Adds a line to the call's trace in one statement, when the request changed nothing else;
    /// a request that did goes in [`CallLogUpdate::trace`]. Beyond the cap it counts as dropped.
    async fn append_call_trace(
        &self,
        org: OrgId,
        id: CallLogId,
        line: &TraceLine,
    ) -> StoreResult<()>;
    /// The call's trace as of `now` (an expired one reads as empty, pruned or not).
    async fn find_call_trace(&self, org: OrgId, id: CallLogId, now: i64) -> StoreResult<CallTrace>;
    /// Forgets the organization's traces that expired before `now` (the call logs stay); answers
    /// how many calls lost theirs.
    async fn prune_call_traces(&self, org: OrgId, now: i64) -> StoreResult<u64>;
    async fn find_call_log(&self, org: OrgId, id: CallLogId) -> StoreResult<CallLog>;
    async fn find_call_log_by_sid(&self, org: OrgId, call_sid: &str) -> StoreResult<CallLog>;
    /// By Cloudonix session token, the key session updates and CDRs carry.
    async fn find_call_log_by_session(&self, org: OrgId, token: &str) -> StoreResult<CallLog>;
    /// Applies the update atomically (concurrent events never lose each other's path entries) and
    /// returns the log as stored afterwards.
    async fn update_call_log(
        &self,
        org: OrgId,
        id: CallLogId,
        update: &CallLogUpdate,
    ) -> StoreResult<CallLog>;
    /// Newest first; the total is counted up to [`LIST_COUNT_BOUND`] (or to the page's end).
    async fn list_call_logs(
        &self,
        org: OrgId,
        filter: &CallLogFilter,
        page: PageRequest,
    ) -> StoreResult<Page<CallLog>>;
    /// Up to `limit` calls, newest first, starting after `after` (from the newest when `None`).
    /// Reading every matching call this way needs no offsets, so calls logged meanwhile neither
    /// repeat a row nor push one out of the read.
    async fn call_logs_after(
        &self,
        org: OrgId,
        filter: &CallLogFilter,
        after: Option<CallLogCursor>,
        limit: u32,
    ) -> StoreResult<Vec<CallLog>>;
    /// The matching calls counted per `slot_ms` slot (aligned to the Unix epoch; a multiple of
    /// 15 minutes lets callers regroup slots into local hours and days of any time zone), and
    /// the `top` busiest numbers and extensions.
    async fn call_log_stats(
        &self,
        org: OrgId,
        filter: &CallLogFilter,
        slot_ms: i64,
        top: u32,
    ) -> StoreResult<CallLogStats>;
}
