//! The configuration a call needs, read through the coordination cache.
//!
//! Every entry lives in its organization's cache partition, so one `invalidate_org` after any
//! control-plane write drops all of it (ARCHITECTURE §1). Entries are small views holding only
//! what routing reads — no SIP passwords — and ring groups carry their member extensions, so a
//! ring-group call costs one cache read, not one per member. A miss, or a cache that cannot be
//! reached, falls back to the database; a call never fails because the cache did.

use std::future::Future;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::local_copy::LocalCopies;
use crate::adapters::sql::SqlStore;
use crate::domain::destination::Destination;
use crate::domain::e164::E164;
use crate::domain::extension_number::ExtensionNumber;
use crate::domain::ids::{
    AnnouncementId, ConferenceRoomId, ExtensionId, IvrMenuId, OrgId, RecordingId, RingGroupId,
    ScheduleId,
};
use crate::domain::model::{
    Announcement, BusinessHours, ConferenceRoom, Extension, IvrMenu, Organization, OutboundRoute,
    PhoneNumber, RingStrategy, Status,
};
use crate::ports::announcements::AnnouncementRepo;
use crate::ports::business_hours::BusinessHoursRepo;
use crate::ports::conference_rooms::ConferenceRoomRepo;
use crate::ports::coordination::Cache;
use crate::ports::extensions::ExtensionRepo;
use crate::ports::ivr_menus::IvrMenuRepo;
use crate::ports::organizations::OrganizationRepo;
use crate::ports::outbound_routes::OutboundRouteRepo;
use crate::ports::phone_numbers::PhoneNumberRepo;
use crate::ports::ring_groups::RingGroupRepo;
use crate::ports::store::{StoreError, StoreResult};

/// Invalidation, not expiry, keeps entries fresh; the TTL only bounds memory for idle tenants.
const ENTRY_TTL: Duration = Duration::from_secs(900);

/// An extension as routing sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtensionView {
    pub id: ExtensionId,
    pub number: ExtensionNumber,
    pub display_name: String,
    pub status: Status,
    pub do_not_disturb: bool,
    pub forward_always: Option<Destination>,
    pub no_answer_timeout: i32,
    pub no_answer: Option<Destination>,
    pub voicemail_enabled: bool,
    pub voicemail_greeting: Option<String>,
    /// Defaulted: entries cached before greetings could be recordings still read.
    #[serde(default)]
    pub voicemail_greeting_recording_id: Option<RecordingId>,
}

impl From<Extension> for ExtensionView {
    fn from(e: Extension) -> Self {
        Self {
            id: e.id,
            number: e.number,
            display_name: e.display_name,
            status: e.status,
            do_not_disturb: e.do_not_disturb,
            forward_always: e.forward_always,
            no_answer_timeout: e.no_answer_timeout,
            no_answer: e.no_answer,
            voicemail_enabled: e.voicemail_enabled,
            voicemail_greeting: e.voicemail_greeting,
            voicemail_greeting_recording_id: e.voicemail_greeting_recording_id,
        }
    }
}

impl ExtensionView {
    /// How people know it: `101 Alice Smith`, or the number alone.
    pub fn label(&self) -> String {
        if self.display_name.trim().is_empty() {
            self.number.to_string()
        } else {
            format!("{} {}", self.number, self.display_name)
        }
    }

    /// Can ring now: active and not on do-not-disturb.
    pub fn reachable(&self) -> bool {
        self.status == Status::Active && !self.do_not_disturb
    }
}

/// A ring group with its members resolved, in ring order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RingGroupView {
    pub id: RingGroupId,
    pub name: String,
    pub strategy: RingStrategy,
    pub member_timeout: i32,
    pub rounds: i32,
    pub fallback: Destination,
    pub status: Status,
    pub members: Vec<ExtensionView>,
}

/// A conference room; the PIN stays sealed until a caller enters one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoomView {
    pub id: ConferenceRoomId,
    pub name: String,
    pub number: Option<ExtensionNumber>,
    pub pin_enc: Option<String>,
    pub max_participants: i32,
    pub mute_on_entry: bool,
    pub announce_join_leave: bool,
    pub wait_for_moderator: bool,
    pub record: bool,
    #[serde(default)]
    pub hold_music_recording_id: Option<RecordingId>,
    pub status: Status,
}

impl From<ConferenceRoom> for RoomView {
    fn from(r: ConferenceRoom) -> Self {
        Self {
            id: r.id,
            name: r.name,
            number: r.number,
            pin_enc: r.pin_enc,
            max_participants: r.max_participants,
            mute_on_entry: r.mute_on_entry,
            announce_join_leave: r.announce_join_leave,
            wait_for_moderator: r.wait_for_moderator,
            record: r.record,
            hold_music_recording_id: r.hold_music_recording_id,
            status: r.status,
        }
    }
}

/// One organization's routing configuration, cached.
pub struct Config<'a> {
    store: &'a SqlStore,
    cache: &'a dyn Cache,
    org: OrgId,
    partition: String,
    /// This instance's copy and the configuration version the request read.
    local: Option<(&'a LocalCopies, i64)>,
    /// A caller is waiting: database reads get the webhook deadline and breaker.
    live_call: bool,
}

impl<'a> Config<'a> {
    pub fn new(store: &'a SqlStore, cache: &'a dyn Cache, org: OrgId) -> Self {
        Self {
            store,
            cache,
            org,
            partition: org.to_string(),
            local: None,
            live_call: false,
        }
    }

    /// Reads for a live call, which cannot wait for a database that stopped answering.
    pub fn for_live_call(self, live_call: bool) -> Self {
        Self { live_call, ..self }
    }

    /// Reads through this instance's copy of version `version` first.
    pub fn with_local_copy(self, local: &'a LocalCopies, version: i64) -> Self {
        Self {
            local: Some((local, version)),
            ..self
        }
    }

    pub fn org_id(&self) -> OrgId {
        self.org
    }

    pub async fn organization(&self) -> StoreResult<Option<Organization>> {
        self.cached("org", optional(self.store.find_organization(self.org)))
            .await
    }

    pub async fn phone_number(&self, number: &E164) -> StoreResult<Option<PhoneNumber>> {
        let key = format!("did:{number}");
        self.cached(
            &key,
            optional(self.store.find_phone_number_by_number(self.org, number)),
        )
        .await
    }

    pub async fn extension(&self, id: ExtensionId) -> StoreResult<Option<ExtensionView>> {
        let load = async {
            Ok(optional(self.store.find_extension(self.org, id))
                .await?
                .map(ExtensionView::from))
        };
        self.cached(&format!("ext:{id}"), load).await
    }

    pub async fn extension_by_number(
        &self,
        number: &ExtensionNumber,
    ) -> StoreResult<Option<ExtensionView>> {
        let load = async {
            Ok(
                optional(self.store.find_extension_by_number(self.org, number))
                    .await?
                    .map(ExtensionView::from),
            )
        };
        self.cached(&format!("extnum:{number}"), load).await
    }

    pub async fn ring_group(&self, id: RingGroupId) -> StoreResult<Option<RingGroupView>> {
        let load = async {
            let Some(g) = optional(self.store.find_ring_group(self.org, id)).await? else {
                return Ok(None);
            };
            let members = self
                .store
                .ring_group_member_extensions(self.org, id)
                .await?;
            Ok(Some(RingGroupView {
                id: g.id,
                name: g.name,
                strategy: g.strategy,
                member_timeout: g.member_timeout,
                rounds: g.rounds,
                fallback: g.fallback,
                status: g.status,
                members: members.into_iter().map(ExtensionView::from).collect(),
            }))
        };
        self.cached(&format!("rg:{id}"), load).await
    }

    pub async fn schedule(&self, id: ScheduleId) -> StoreResult<Option<BusinessHours>> {
        self.cached(
            &format!("bh:{id}"),
            optional(self.store.find_business_hours(self.org, id)),
        )
        .await
    }

    pub async fn ivr_menu(&self, id: IvrMenuId) -> StoreResult<Option<IvrMenu>> {
        self.cached(
            &format!("ivr:{id}"),
            optional(self.store.find_ivr_menu(self.org, id)),
        )
        .await
    }

    pub async fn announcement(&self, id: AnnouncementId) -> StoreResult<Option<Announcement>> {
        self.cached(
            &format!("ann:{id}"),
            optional(self.store.find_announcement(self.org, id)),
        )
        .await
    }

    pub async fn room(&self, id: ConferenceRoomId) -> StoreResult<Option<RoomView>> {
        let load = async {
            Ok(optional(self.store.find_conference_room(self.org, id))
                .await?
                .map(RoomView::from))
        };
        self.cached(&format!("room:{id}"), load).await
    }

    pub async fn room_by_number(&self, number: &ExtensionNumber) -> StoreResult<Option<RoomView>> {
        let load = async {
            Ok(
                optional(self.store.find_conference_room_by_number(self.org, number))
                    .await?
                    .map(RoomView::from),
            )
        };
        self.cached(&format!("roomnum:{number}"), load).await
    }

    /// Active routes, in the order they are tried.
    pub async fn outbound_routes(&self) -> StoreResult<Vec<OutboundRoute>> {
        self.cached(
            "routes",
            self.store.outbound_routes_by_priority(self.org, true),
        )
        .await
    }

    async fn cached<T, F>(&self, key: &str, load: F) -> StoreResult<T>
    where
        T: Serialize + DeserializeOwned,
        F: Future<Output = StoreResult<T>>,
    {
        if let Some((local, version)) = self.local
            && let Some(bytes) = local.get(self.org, version, key)
            && let Ok(value) = serde_json::from_slice(&bytes)
        {
            cache_read("local");
            return Ok(value);
        }
        let keep = |bytes: &[u8]| {
            if let Some((local, version)) = self.local {
                local.put(self.org, version, key, bytes);
            }
        };
        match self.cache.cache_get(&self.partition, key).await {
            Ok(Some(bytes)) => match serde_json::from_slice(&bytes) {
                Ok(value) => {
                    keep(&bytes);
                    cache_read("shared");
                    return Ok(value);
                }
                // An entry written by an older release: reload and overwrite it.
                Err(e) => tracing::warn!(key, error = %e, "unreadable routing cache entry"),
            },
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(key, error = %e, "routing cache unavailable; reading the database")
            }
        }
        let value = if self.live_call {
            self.store.within_webhook_deadline(load).await?
        } else {
            load.await?
        };
        cache_read("database");
        if let Ok(bytes) = serde_json::to_vec(&value) {
            keep(&bytes);
            if let Err(e) = self
                .cache
                .cache_put(&self.partition, key, &bytes, ENTRY_TTL)
                .await
            {
                tracing::warn!(key, error = %e, "could not fill the routing cache");
            }
        }
        Ok(value)
    }
}

/// One configuration read in `opbx_routing_cache_reads_total`, by where it was answered from.
fn cache_read(source: &'static str) {
    use crate::observe::metrics::{Metric, count};
    count(Metric::RoutingCache, vec![("source", source.into())]);
}

/// Absence is an answer worth caching too: an unknown number is looked up once, not per call.
async fn optional<T>(lookup: impl Future<Output = StoreResult<T>>) -> StoreResult<Option<T>> {
    match lookup.await {
        Ok(v) => Ok(Some(v)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}
