//! What the configuration resources' tests share: a client acting as one role, objects made
//! directly in the store (so a test sets up only what it is not about), and calls through the
//! real voice webhook to see where the next call goes.

use std::sync::atomic::{AtomicU64, Ordering};

use opbx::app::AppState;
use opbx::crypto::{random_token, sha256_hex};
use opbx::cxml::{Element, parse};
use opbx::domain::destination::Destination;
use opbx::domain::e164::E164;
use opbx::domain::extension_number::ExtensionNumber;
use opbx::domain::ids::*;
use opbx::domain::model::*;
use opbx::domain::now_ms;
use opbx::domain::timezone::Timezone;
use opbx::ports::business_hours::BusinessHoursRepo;
use opbx::ports::conference_rooms::ConferenceRoomRepo;
use opbx::ports::extensions::ExtensionRepo;
use opbx::ports::ivr_menus::IvrMenuRepo;
use opbx::ports::outbound_routes::OutboundRouteRepo;
use opbx::ports::phone_numbers::PhoneNumberRepo;
use opbx::ports::ring_groups::RingGroupRepo;
use opbx_tests::unique;
use serde_json::{Value, json};

use crate::fixtures::{Api, Reply, Tenant, request, send};

/// Digits no other call in this test process returns, for extension and room numbers.
pub fn fresh_number() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(10_000_000);
    NEXT.fetch_add(1, Ordering::Relaxed).to_string()
}

/// Requests sent as one user of a tenant.
pub struct Client<'a> {
    pub api: &'a Api,
    pub token: String,
}

impl<'a> Client<'a> {
    pub async fn new(api: &'a Api, tenant: &Tenant, role: Role) -> Self {
        Self {
            api,
            token: tenant.token(&api.state, role).await,
        }
    }

    pub async fn get(&self, uri: &str) -> Reply {
        self.api.call("GET", uri, Some(&self.token), None).await
    }

    pub async fn post(&self, uri: &str, body: Value) -> Reply {
        self.api
            .call("POST", uri, Some(&self.token), Some(body))
            .await
    }

    /// A POST without a body (actions).
    pub async fn act(&self, uri: &str) -> Reply {
        self.api.call("POST", uri, Some(&self.token), None).await
    }

    pub async fn patch(&self, uri: &str, body: Value) -> Reply {
        self.api
            .call("PATCH", uri, Some(&self.token), Some(body))
            .await
    }

    pub async fn delete(&self, uri: &str) -> Reply {
        self.api.call("DELETE", uri, Some(&self.token), None).await
    }
}

/// The fields named by a 422 (or 400) answer, in order.
#[track_caller]
pub fn invalid_fields(reply: &Reply, status: u16) -> Vec<String> {
    reply
        .problem(status)
        .field_errors()
        .into_iter()
        .map(|(field, _)| field)
        .collect()
}

/// The message of the first error on `field`.
#[track_caller]
pub fn message_for(reply: &Reply, field: &str) -> String {
    reply
        .field_errors()
        .into_iter()
        .find(|(f, _)| f == field)
        .unwrap_or_else(|| panic!("no error on {field}: {}", reply.text))
        .1
}

/// `(object_type, name)` of the referrers a refused delete names.
#[track_caller]
pub fn references(reply: &Reply) -> Vec<(String, String)> {
    reply.problem(409).json["references"]
        .as_array()
        .unwrap_or_else(|| panic!("no references: {}", reply.text))
        .iter()
        .map(|r| {
            (
                r["object_type"].as_str().unwrap().to_owned(),
                r["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The `name` (or other text field) of each item of a list answer.
pub fn column(reply: &Reply, field: &str) -> Vec<String> {
    reply.ok()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item[field].as_str().unwrap_or_default().to_owned())
        .collect()
}

pub async fn extension(
    state: &AppState,
    org: OrgId,
    edit: impl FnOnce(&mut Extension),
) -> Extension {
    let now = now_ms();
    let number = fresh_number();
    let mut ext = Extension {
        id: ExtensionId::new(),
        organization_id: org,
        number: ExtensionNumber::parse(&number).unwrap(),
        display_name: format!("Phone {number}"),
        user_id: None,
        sip_password_enc: String::new(),
        status: Status::Active,
        do_not_disturb: false,
        forward_always: None,
        no_answer_timeout: 20,
        no_answer: None,
        voicemail_enabled: true,
        voicemail_greeting: None,
        voicemail_greeting_recording_id: None,
        voicemail_email: None,
        cloudonix_subscriber_id: None,
        created_at: now,
        updated_at: now,
    };
    edit(&mut ext);
    ext.sip_password_enc = state.secrets.seal(
        opbx::crypto::SealedColumn::SIP_PASSWORD,
        &ext.id.to_string(),
        "fixture-sip-password",
    );
    state.store.create_extension(&ext, &[]).await.unwrap();
    ext
}

pub async fn outbound_route(
    state: &AppState,
    org: OrgId,
    edit: impl FnOnce(&mut OutboundRoute),
) -> OutboundRoute {
    let now = now_ms();
    let mut route = OutboundRoute {
        id: OutboundRouteId::new(),
        organization_id: org,
        name: format!("Route {}", unique()),
        priority: 100,
        match_kind: OutboundMatch::Prefix,
        match_value: "+".into(),
        strip_digits: 0,
        prepend: String::new(),
        trunk: "trunk-main".into(),
        caller_id: None,
        status: Status::Active,
        created_at: now,
        updated_at: now,
    };
    edit(&mut route);
    state
        .store
        .create_outbound_route(&route, &[])
        .await
        .unwrap();
    route
}

pub async fn phone_number(
    state: &AppState,
    org: OrgId,
    number: &str,
    to: Destination,
) -> PhoneNumber {
    let now = now_ms();
    let pn = PhoneNumber {
        id: PhoneNumberId::new(),
        organization_id: org,
        number: E164::parse(number).unwrap(),
        label: format!("Line {}", unique()),
        destination: to,
        status: Status::Active,
        created_at: now,
        updated_at: now,
    };
    state.store.create_phone_number(&pn, &[]).await.unwrap();
    pn
}

pub async fn ring_group(state: &AppState, org: OrgId, members: &[ExtensionId]) -> RingGroup {
    let now = now_ms();
    let group = RingGroup {
        id: RingGroupId::new(),
        organization_id: org,
        name: format!("Group {}", unique()),
        strategy: RingStrategy::Simultaneous,
        member_timeout: 20,
        rounds: 1,
        skip_busy: false,
        fallback: Destination::Hangup,
        status: Status::Active,
        members: members.to_vec(),
        created_at: now,
        updated_at: now,
    };
    state.store.create_ring_group(&group, &[]).await.unwrap();
    group
}

/// A schedule open around the clock every day unless `edit` says otherwise, in Europe/London.
pub async fn schedule(
    state: &AppState,
    org: OrgId,
    edit: impl FnOnce(&mut BusinessHours),
) -> BusinessHours {
    let now = now_ms();
    let mut s = BusinessHours {
        id: ScheduleId::new(),
        organization_id: org,
        name: format!("Hours {}", unique()),
        timezone: Timezone::parse("Europe/London").unwrap(),
        open: Destination::Hangup,
        closed: Destination::Hangup,
        ranges: (1..=7)
            .map(|weekday| WeeklyRange {
                weekday,
                start_minute: 0,
                end_minute: 0,
            })
            .collect(),
        exceptions: vec![],
        manual_override: None,
        status: Status::Active,
        created_at: now,
        updated_at: now,
    };
    edit(&mut s);
    state.store.create_business_hours(&s, &[]).await.unwrap();
    s
}

/// A menu saying `Welcome` with option 1 hanging up.
pub async fn menu(state: &AppState, org: OrgId, edit: impl FnOnce(&mut IvrMenu)) -> IvrMenu {
    let now = now_ms();
    let mut menu = IvrMenu {
        id: IvrMenuId::new(),
        organization_id: org,
        name: format!("Menu {}", unique()),
        prompt_text: Some("Welcome".into()),
        prompt_voice: None,
        prompt_audio_url: None,
        prompt_recording_id: None,
        digit_timeout: 5,
        max_invalid: 3,
        max_timeouts: 3,
        invalid_destination: Destination::Hangup,
        timeout_destination: Destination::Hangup,
        options: vec![IvrOption {
            digits: "1".into(),
            label: "Leave".into(),
            destination: Destination::Hangup,
        }],
        direct_dial: false,
        direct_dial_allowlist: vec![],
        status: Status::Active,
        created_at: now,
        updated_at: now,
    };
    edit(&mut menu);
    state.store.create_ivr_menu(&menu, &[]).await.unwrap();
    menu
}

pub async fn room(
    state: &AppState,
    org: OrgId,
    edit: impl FnOnce(&mut ConferenceRoom),
) -> ConferenceRoom {
    let mut room = ConferenceRoom {
        max_participants: 50,
        ..opbx_tests::model::conference_room(org, &format!("Room {}", unique()))
    };
    edit(&mut room);
    state
        .store
        .create_conference_room(&room, &[])
        .await
        .unwrap();
    room
}

/// The organization's voice webhook as Cloudonix calls it, with the organization's key.
pub struct Line<'a> {
    api: &'a Api,
    key: String,
}

impl<'a> Line<'a> {
    pub async fn new(api: &'a Api, org: OrgId) -> Self {
        let key = random_token();
        let settings = CloudonixSettings {
            organization_id: org,
            domain: Some(format!("{org}.cloudonix.net")),
            webhook_key_hash: Some(sha256_hex(&key)),
            updated_at: now_ms(),
            ..CloudonixSettings::new(org)
        };
        opbx_tests::model::save_webhook_settings(&api.state.store, &settings).await;
        Self { api, key }
    }

    /// A new call from outside to one of the organization's numbers.
    pub async fn inbound(&self, to: &str) -> Element {
        self.call(to, "+14155550000", "inbound").await
    }

    /// A new call a phone of the organization (extension `from`) places.
    pub async fn internal(&self, from: &str, to: &str) -> Element {
        self.call(to, from, "subscriber").await
    }

    async fn call(&self, to: &str, from: &str, direction: &str) -> Element {
        let sid = format!("call-{}", unique());
        let body = json!({"CallSid": sid, "Session": format!("s-{sid}"), "From": from, "To": to,
                          "Direction": direction, "CallStatus": "in-progress"});
        let reply = send(
            &self.api.app,
            request(
                "POST",
                "/webhooks/cloudonix/voice",
                Some(&self.key),
                Some(body),
            ),
        )
        .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        parse(&reply.text).unwrap_or_else(|e| panic!("not CXML ({e}): {}", reply.text))
    }
}

/// The numbers a `<Dial>` answer rings, in order; empty for any other answer.
pub fn dialled(doc: &Element) -> Vec<String> {
    doc.child("Dial")
        .map(|dial| {
            dial.children
                .iter()
                .filter(|c| c.name == "Number")
                .map(|c| c.text.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// Every text the answer speaks, in document order.
pub fn spoken(doc: &Element) -> Vec<String> {
    let mut out = Vec::new();
    collect_say(doc, &mut out);
    out
}

fn collect_say(el: &Element, out: &mut Vec<String>) {
    if el.name == "Say" {
        out.push(el.text.clone());
    }
    el.children.iter().for_each(|c| collect_say(c, out));
}
