//! The configuration and call-history objects of one organization (tenant).
//! Timestamps are UTC epoch milliseconds, as stored.

use serde::{Deserialize, Serialize};

use super::calling::CallingPolicy;
use super::destination::{Destination, PathStep};
use super::e164::E164;
use super::extension_number::ExtensionNumber;
use super::ids::*;
use super::timezone::Timezone;
use crate::text_enum;

text_enum! {
    /// `deleted` is a soft deletion: the data stays for the platform's retention, then is purged.
    pub enum OrgStatus { Active => "active", Suspended => "suspended", Deleted => "deleted" }
}

text_enum! {
    /// Ordered from most to least powerful (ARCHITECTURE §6).
    pub enum Role { Owner => "owner", PbxAdmin => "pbx_admin", PbxUser => "pbx_user", Reporter => "reporter" }
}

text_enum! {
    /// Whether an object takes part in routing / may log in.
    pub enum Status { Active => "active", Inactive => "inactive" }
}

text_enum! {
    pub enum RingStrategy { Simultaneous => "simultaneous", Sequential => "sequential", RoundRobin => "round_robin" }
}

text_enum! {
    pub enum OverrideMode { Open => "open", Closed => "closed" }
}

text_enum! {
    /// What an exception (holiday, special day) does to the weekly plan.
    pub enum ExceptionMode { Closed => "closed", Open => "open" }
}

text_enum! {
    pub enum OutboundMatch { Prefix => "prefix", Pattern => "pattern" }
}

text_enum! {
    pub enum CallDirection { Inbound => "inbound", Outbound => "outbound", Internal => "internal" }
}

text_enum! {
    /// The call state machine: initiated → ringing → answered → completed, or one of the
    /// unsuccessful ends.
    pub enum CallStatus {
        Initiated => "initiated",
        Ringing => "ringing",
        Answered => "answered",
        Completed => "completed",
        Busy => "busy",
        NoAnswer => "no_answer",
        Failed => "failed",
        Canceled => "canceled",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    pub id: OrgId,
    pub name: String,
    pub slug: String,
    pub timezone: Timezone,
    pub status: OrgStatus,
    /// Spoken (as early media, unbilled) before refusing a call to a number the organization does
    /// not have or has switched off; `None` refuses it silently.
    #[serde(default)]
    pub unassigned_number_message: Option<String>,
    /// Caller id and forwarding rules of outward calls.
    #[serde(default)]
    pub calling: CallingPolicy,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub organization_id: OrgId,
    /// Stored lower-cased; unique within the organization.
    pub email: String,
    pub name: String,
    /// argon2id PHC string. Never serialised to clients.
    #[serde(skip_serializing)]
    pub password_hash: String,
    pub role: Role,
    pub status: Status,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiToken {
    pub id: TokenId,
    pub organization_id: OrgId,
    pub user_id: UserId,
    /// Hex SHA-256 of the bearer token; the token itself is never stored.
    pub token_hash: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extension {
    pub id: ExtensionId,
    pub organization_id: OrgId,
    pub number: ExtensionNumber,
    pub display_name: String,
    pub user_id: Option<UserId>,
    /// Sealed with the deployment's encryption key (`crate::crypto`); never the plain password.
    #[serde(skip_serializing)]
    pub sip_password_enc: String,
    pub status: Status,
    pub do_not_disturb: bool,
    pub forward_always: Option<Destination>,
    /// Seconds to ring before the no-answer destination takes over.
    pub no_answer_timeout: i32,
    pub no_answer: Option<Destination>,
    pub voicemail_enabled: bool,
    pub voicemail_greeting: Option<String>,
    /// An uploaded recording greeting callers; it wins over `voicemail_greeting`.
    #[serde(default)]
    pub voicemail_greeting_recording_id: Option<RecordingId>,
    /// Where each new message is mailed with its audio; `None`: nowhere.
    #[serde(default)]
    pub voicemail_email: Option<String>,
    pub cloudonix_subscriber_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhoneNumber {
    pub id: PhoneNumberId,
    pub organization_id: OrgId,
    pub number: E164,
    pub label: String,
    pub destination: Destination,
    pub status: Status,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RingGroup {
    pub id: RingGroupId,
    pub organization_id: OrgId,
    pub name: String,
    pub strategy: RingStrategy,
    /// Seconds each member rings (all members at once for simultaneous).
    pub member_timeout: i32,
    /// How many times the member list is tried before the fallback.
    pub rounds: i32,
    pub skip_busy: bool,
    pub fallback: Destination,
    pub status: Status,
    /// In ring order.
    pub members: Vec<ExtensionId>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One weekly opening range in the schedule's local time. `end_minute <= start_minute` means the
/// range runs past midnight into the next day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklyRange {
    /// 1 = Monday … 7 = Sunday (ISO 8601).
    pub weekday: i32,
    pub start_minute: i32,
    pub end_minute: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduleException {
    pub name: String,
    /// Local dates, inclusive, `YYYY-MM-DD`.
    pub start_date: String,
    pub end_date: String,
    pub mode: ExceptionMode,
    /// Where calls go during the exception instead of the open/closed destination.
    pub destination: Option<Destination>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManualOverride {
    pub mode: OverrideMode,
    /// Epoch ms after which the override no longer applies; `None` until switched off.
    pub until: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BusinessHours {
    pub id: ScheduleId,
    pub organization_id: OrgId,
    pub name: String,
    pub timezone: Timezone,
    pub open: Destination,
    pub closed: Destination,
    pub ranges: Vec<WeeklyRange>,
    pub exceptions: Vec<ScheduleException>,
    pub manual_override: Option<ManualOverride>,
    pub status: Status,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IvrOption {
    pub digits: String,
    pub label: String,
    pub destination: Destination,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IvrMenu {
    pub id: IvrMenuId,
    pub organization_id: OrgId,
    pub name: String,
    /// Text spoken with `<Say>`; used when there is no audio URL.
    pub prompt_text: Option<String>,
    pub prompt_voice: Option<String>,
    pub prompt_audio_url: Option<String>,
    /// An uploaded recording to play; it wins over the URL and the text.
    pub prompt_recording_id: Option<RecordingId>,
    /// Seconds to wait for the caller's first digit.
    pub digit_timeout: i32,
    pub max_invalid: i32,
    pub max_timeouts: i32,
    pub invalid_destination: Destination,
    pub timeout_destination: Destination,
    pub options: Vec<IvrOption>,
    pub direct_dial: bool,
    /// Extensions reachable by direct dial; empty means every active extension.
    pub direct_dial_allowlist: Vec<ExtensionId>,
    pub status: Status,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Uploaded audio; its bytes are in media storage under `MediaKey::recording`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recording {
    pub id: RecordingId,
    pub organization_id: OrgId,
    pub name: String,
    /// Read from the bytes, not from the file's name.
    pub format: super::audio::AudioFormat,
    pub size_bytes: i64,
    pub duration_ms: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConferenceRoom {
    pub id: ConferenceRoomId,
    pub organization_id: OrgId,
    pub name: String,
    pub number: Option<ExtensionNumber>,
    #[serde(skip_serializing)]
    pub pin_enc: Option<String>,
    pub max_participants: i32,
    pub mute_on_entry: bool,
    pub announce_join_leave: bool,
    pub wait_for_moderator: bool,
    pub record: bool,
    /// An uploaded recording callers hear while they wait for the conference to start.
    #[serde(default)]
    pub hold_music_recording_id: Option<RecordingId>,
    pub status: Status,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A destination that plays a recording (or speaks a text when there is none), then sends the
/// call on to `next`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Announcement {
    pub id: AnnouncementId,
    pub organization_id: OrgId,
    pub name: String,
    pub recording_id: Option<RecordingId>,
    /// Spoken with `<Say>` when there is no recording.
    pub text: Option<String>,
    pub voice: Option<String>,
    pub next: Destination,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboundRoute {
    pub id: OutboundRouteId,
    pub organization_id: OrgId,
    pub name: String,
    /// Lower runs first.
    pub priority: i32,
    pub match_kind: OutboundMatch,
    pub match_value: String,
    pub strip_digits: i32,
    pub prepend: String,
    /// Cloudonix trunk name used in `<Dial trunks=…>`.
    pub trunk: String,
    pub caller_id: Option<E164>,
    pub status: Status,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallLog {
    pub id: CallLogId,
    pub organization_id: OrgId,
    pub call_sid: String,
    pub session_token: Option<String>,
    pub direction: CallDirection,
    pub from_number: String,
    pub to_number: String,
    pub caller_name: Option<String>,
    pub phone_number_id: Option<PhoneNumberId>,
    pub extension_id: Option<ExtensionId>,
    pub status: CallStatus,
    /// The destinations the call passed through, in order, with why it went to each.
    pub path: Vec<PathStep>,
    pub disposition: Option<String>,
    pub started_at: i64,
    pub answered_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub duration_seconds: Option<i32>,
    pub billsec: Option<i32>,
    pub recording_url: Option<String>,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cdr {
    pub id: CdrId,
    pub organization_id: OrgId,
    pub session_token: String,
    pub call_sid: Option<String>,
    pub from_number: String,
    pub to_number: String,
    pub disposition: String,
    pub duration_seconds: i32,
    pub billsec: i32,
    pub started_at: Option<i64>,
    pub answered_at: Option<i64>,
    pub ended_at: Option<i64>,
    /// The CDR exactly as Cloudonix sent it (JSON text).
    pub raw: String,
    pub received_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VoicemailMessage {
    pub id: VoicemailId,
    pub organization_id: OrgId,
    pub extension_id: ExtensionId,
    pub call_sid: String,
    pub from_number: String,
    pub recording_url: String,
    pub duration_seconds: i32,
    pub heard: bool,
    pub created_at: i64,
    /// When the audio was copied into media storage (`MediaKey::voicemail`); `None` until then.
    #[serde(default)]
    pub audio_stored_at: Option<i64>,
    /// When the mailbox's address was mailed the message.
    #[serde(default)]
    pub emailed_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CloudonixSettings {
    pub organization_id: OrgId,
    /// As the admin entered it: a domain name, numeric id or UUID.
    pub domain: Option<String>,
    /// The domain's name and UUID as Cloudonix reported them when the settings were saved or
    /// provisioned; `None` until Cloudonix could be asked. A CDR names its domain either way.
    pub domain_name: Option<String>,
    pub domain_uuid: Option<String>,
    #[serde(skip_serializing)]
    pub api_key_enc: Option<String>,
    #[serde(skip_serializing)]
    pub webhook_key_hash: Option<String>,
    #[serde(skip_serializing)]
    pub cdr_token_hash: Option<String>,
    #[serde(skip_serializing)]
    pub cdr_token_enc: Option<String>,
    /// The secret segment of the session-update endpoint, hashed and sealed like the CDR token.
    #[serde(skip_serializing)]
    pub session_token_hash: Option<String>,
    #[serde(skip_serializing)]
    pub session_token_enc: Option<String>,
    pub voice_application_id: Option<String>,
    pub provisioned_at: Option<i64>,
    pub updated_at: i64,
}

impl CloudonixSettings {
    /// An organization's settings before anything is saved.
    pub fn new(organization_id: OrgId) -> Self {
        Self {
            organization_id,
            domain: None,
            domain_name: None,
            domain_uuid: None,
            api_key_enc: None,
            webhook_key_hash: None,
            cdr_token_hash: None,
            cdr_token_enc: None,
            session_token_hash: None,
            session_token_enc: None,
            voice_application_id: None,
            provisioned_at: None,
            updated_at: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: AuditId,
    pub organization_id: OrgId,
    pub actor_user_id: Option<UserId>,
    pub actor_label: String,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    /// JSON snapshots with secrets already masked by the caller.
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub source_ip: Option<String>,
    pub created_at: i64,
}

impl Role {
    /// True when this role is at least as powerful as `other`.
    pub fn at_least(self, other: Role) -> bool {
        self.rank() <= other.rank()
    }

    fn rank(self) -> u8 {
        match self {
            Role::Owner => 0,
            Role::PbxAdmin => 1,
            Role::PbxUser => 2,
            Role::Reporter => 3,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_round_trip_as_text() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(*r));
        }
        assert_eq!(
            RingStrategy::parse("round_robin"),
            Some(RingStrategy::RoundRobin)
        );
        assert_eq!(RingStrategy::parse("random"), None);
        assert_eq!(
            serde_json::to_string(&CallStatus::NoAnswer).unwrap(),
            "\"no_answer\""
        );
    }

    #[test]
    fn roles_are_ordered() {
        assert!(Role::Owner.at_least(Role::PbxAdmin));
        assert!(Role::PbxAdmin.at_least(Role::PbxAdmin));
        assert!(!Role::PbxUser.at_least(Role::PbxAdmin));
        assert!(!Role::Reporter.at_least(Role::PbxUser));
    }
}
