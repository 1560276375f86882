//! One organization configured like a small company, on a backend, plus the means to call it:
//! send webhooks through the real routers and read the answers back as normalised XML.

use std::collections::HashMap;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, Uri};
use http_body_util::BodyExt;
use opbx::app::AppState;
use opbx::crypto::SealedColumn;
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
use opbx::routing::continuation::{Continuation, Step};
use opbx_tests::{Backend, TEST_PUBLIC_URL, new_org};
use tower::ServiceExt;

/// Where extension 1010 (DID +12125550170) forwards every call: no outbound route allows it.
pub const TOLL_FRAUD_NUMBER: &str = "+882345678901";
/// The organization's default caller id (its number +12125550101).
pub const DEFAULT_CALLER_ID: &str = "+12125550101";

/// The digits every number of the organization starts with in the scenarios: its numbers are
/// written `+121255501xx` there (and in this file). A number belongs to one organization, and the
/// production backend's database is shared by every fixture of every run, so each fixture stores
/// them under a prefix of its own (`Fixture::did`); requests are translated on the way in and
/// answers on the way out, so scenarios read, and are checked, as written.
const PLANNED: &str = "121255501";

/// The prompt of the main menu: markup in it must stay text.
pub const HOSTILE_PROMPT: &str =
    "Press 1 for sales.</Say><Dial><Number>+19005550000</Number></Dial><Say>";

pub struct Fixture {
    pub backend: Backend,
    pub state: AppState,
    pub app: Router,
    pub org: OrgId,
    pub key: String,
    /// What stands for [`PLANNED`] in the numbers this fixture stores.
    dids: String,
    /// Readable names of the ids that appear in documents and routing state.
    names: HashMap<String, String>,
    ids: HashMap<String, String>,
}

pub struct Answer {
    pub status: StatusCode,
    pub content_type: String,
    pub body: String,
    /// The answer's `x-request-id`.
    pub request_id: Option<String>,
}

impl Answer {
    pub fn doc(&self) -> Element {
        parse(&self.body).unwrap_or_else(|e| panic!("answer is not XML ({e}): {}", self.body))
    }
}

impl Fixture {
    pub async fn new(backend: Backend) -> Self {
        let state = backend.app_state();
        let app = opbx::http::all_functions(state.clone());
        let org = new_org(&backend.store).await.id;
        let key = opbx::crypto::random_token();
        let mut fx = Self {
            backend,
            state,
            app,
            org,
            key,
            dids: opbx_tests::numbers::unique_e164_prefix(2)[1..].to_owned(),
            names: HashMap::new(),
            ids: HashMap::new(),
        };
        fx.set_webhook_key(org, &fx.key.clone()).await;
        fx.configure().await;
        fx
    }

    /// The number stored for `planned` (`+121255501xx`, as the scenarios write it).
    pub fn did(&self, planned: &str) -> String {
        assert!(
            planned.contains(PLANNED),
            "{planned} is not a planned number"
        );
        self.stored(planned)
    }

    /// `text` with the planned numbers in it replaced by the stored ones; other text unchanged.
    pub fn stored(&self, text: &str) -> String {
        text.replace(PLANNED, &self.dids)
    }

    /// `text` with the stored numbers in it written as planned.
    pub fn planned(&self, text: &str) -> String {
        text.replace(&self.dids, PLANNED)
    }

    pub fn store(&self) -> &opbx::adapters::sql::SqlStore {
        &self.backend.store
    }

    pub async fn set_webhook_key(&self, org: OrgId, key: &str) {
        let settings = opbx_tests::model::webhook_settings(org, key);
        opbx_tests::model::save_webhook_settings(self.store(), &settings).await;
    }

    fn name(&mut self, id: impl ToString, name: &str) {
        self.names.insert(id.to_string(), name.to_owned());
        self.ids.insert(name.to_owned(), id.to_string());
    }

    /// The id of a named object of the fixture.
    pub fn id<T: std::str::FromStr>(&self, name: &str) -> T {
        let Ok(id) = self.ids[name].parse() else {
            panic!("{name} is not that kind of id")
        };
        id
    }

    pub fn ext(&self, number: &str) -> ExtensionId {
        self.id(number)
    }

    async fn extension(
        &mut self,
        number: &str,
        name: &str,
        edit: impl FnOnce(&mut Extension),
    ) -> ExtensionId {
        let mut ext = Extension {
            display_name: name.into(),
            ..opbx_tests::model::extension(self.org, number)
        };
        edit(&mut ext);
        ext.sip_password_enc = self.state.secrets.seal(
            SealedColumn::SIP_PASSWORD,
            &ext.id.to_string(),
            "sip-secret",
        );
        self.store().create_extension(&ext, &[]).await.unwrap();
        self.name(ext.id, number);
        ext.id
    }

    async fn ring_group(
        &mut self,
        name: &str,
        strategy: RingStrategy,
        members: &[&str],
        rounds: i32,
        fallback: Destination,
    ) -> RingGroupId {
        let now = now_ms();
        let group = RingGroup {
            id: RingGroupId::new(),
            organization_id: self.org,
            name: name.into(),
            strategy,
            member_timeout: 15,
            rounds,
            skip_busy: false,
            fallback,
            status: Status::Active,
            members: members.iter().map(|m| self.ext(m)).collect(),
            created_at: now,
            updated_at: now,
        };
        self.store().create_ring_group(&group, &[]).await.unwrap();
        self.name(group.id, name);
        group.id
    }

    async fn schedule(
        &mut self,
        name: &str,
        tz: &str,
        edit: impl FnOnce(&mut BusinessHours),
    ) -> ScheduleId {
        let now = now_ms();
        let mut s = BusinessHours {
            id: ScheduleId::new(),
            organization_id: self.org,
            name: name.into(),
            timezone: Timezone::parse(tz).unwrap(),
            open: Destination::Hangup,
            closed: Destination::Hangup,
            ranges: vec![],
            exceptions: vec![],
            manual_override: None,
            status: Status::Active,
            created_at: now,
            updated_at: now,
        };
        edit(&mut s);
        self.store().create_business_hours(&s, &[]).await.unwrap();
        self.name(s.id, name);
        s.id
    }

    async fn room(
        &mut self,
        name: &str,
        number: &str,
        edit: impl FnOnce(&mut ConferenceRoom),
    ) -> ConferenceRoomId {
        let mut room = ConferenceRoom {
            number: Some(ExtensionNumber::parse(number).unwrap()),
            max_participants: 250,
            ..opbx_tests::model::conference_room(self.org, name)
        };
        edit(&mut room);
        self.store()
            .create_conference_room(&room, &[])
            .await
            .unwrap();
        self.name(room.id, name);
        room.id
    }

    async fn route(
        &self,
        name: &str,
        priority: i32,
        (kind, value): (OutboundMatch, &str),
        edit: impl FnOnce(&mut OutboundRoute),
    ) {
        let now = now_ms();
        let mut route = OutboundRoute {
            id: OutboundRouteId::new(),
            organization_id: self.org,
            name: name.into(),
            priority,
            match_kind: kind,
            match_value: value.into(),
            strip_digits: 0,
            prepend: String::new(),
            trunk: format!("trunk-{}", name.to_lowercase()),
            caller_id: None,
            status: Status::Active,
            created_at: now,
            updated_at: now,
        };
        edit(&mut route);
        self.store()
            .create_outbound_route(&route, &[])
            .await
            .unwrap();
    }

    /// Adds the planned `number` (see [`PLANNED`]).
    pub async fn number(&self, number: &str, destination: Destination) -> PhoneNumberId {
        let now = now_ms();
        let pn = PhoneNumber {
            id: PhoneNumberId::new(),
            organization_id: self.org,
            number: E164::parse(&self.did(number)).unwrap(),
            label: format!("Line {number}"),
            destination,
            status: Status::Active,
            created_at: now,
            updated_at: now,
        };
        self.store().create_phone_number(&pn, &[]).await.unwrap();
        pn.id
    }

    async fn configure(&mut self) {
        use Destination as D;
        let external = |n: &str| D::ExternalNumber {
            number: E164::parse(n).unwrap(),
        };
        let alice = self.extension("1001", "Alice", |_| {}).await;
        self.extension("1002", "Bob", |e| e.do_not_disturb = true)
            .await;
        self.extension("1003", "Carol", |e| {
            e.forward_always = Some(external("+14155550123"))
        })
        .await;
        self.extension("1004", "Dave", |e| {
            e.status = Status::Inactive;
            e.voicemail_enabled = false;
        })
        .await;
        let frank = self
            .extension("1006", "Frank", |e| e.voicemail_enabled = false)
            .await;
        // Toll fraud: forwarding to an international premium number no outbound route allows.
        let mallory = self
            .extension("1010", "Mallory", |e| {
                e.forward_always = Some(external(TOLL_FRAUD_NUMBER))
            })
            .await;
        let grace = self
            .extension("1007", "Grace", |e| {
                e.voicemail_greeting = Some("https://cdn.example/greet.mp3".into())
            })
            .await;
        let loop_b = ExtensionId::new();
        let loop_a = self
            .extension("1008", "Loop A", |e| {
                e.forward_always = Some(D::Extension { id: loop_b })
            })
            .await;
        let loop_b_saved = self
            .extension("1009", "Loop B", |e| {
                e.id = loop_b;
                e.forward_always = Some(D::Extension { id: loop_a });
            })
            .await;
        assert_eq!(loop_b, loop_b_saved);

        let sales = self
            .ring_group(
                "Sales",
                RingStrategy::Simultaneous,
                &["1001", "1002", "1006"],
                1,
                D::Voicemail { id: alice },
            )
            .await;
        let support = self
            .ring_group(
                "Support",
                RingStrategy::Sequential,
                &["1001", "1006", "1007"],
                2,
                D::Hangup,
            )
            .await;
        self.extension("1005", "Erin", |e| {
            e.voicemail_enabled = false;
            e.no_answer = Some(D::RingGroup { id: support });
        })
        .await;
        let rotation = self
            .ring_group(
                "Rotation",
                RingStrategy::RoundRobin,
                &["1001", "1006", "1007"],
                1,
                D::Voicemail { id: grace },
            )
            .await;
        let nobody = self
            .ring_group(
                "Nobody",
                RingStrategy::Sequential,
                &["1002", "1004"],
                1,
                D::Extension { id: frank },
            )
            .await;
        let looping = self
            .ring_group("Looping", RingStrategy::Sequential, &["1001"], 1, D::Hangup)
            .await;
        // A group that falls back to itself: legal to save, must not ring forever.
        let mut g = self
            .store()
            .find_ring_group(self.org, looping)
            .await
            .unwrap();
        g.fallback = D::RingGroup { id: looping };
        self.store().update_ring_group(&g, &[]).await.unwrap();

        let office = self
            .schedule("Office", "Europe/London", |s| {
                s.open = D::RingGroup { id: sales };
                s.closed = D::Voicemail { id: alice };
                s.ranges = (1..=5)
                    .map(|d| WeeklyRange {
                        weekday: d,
                        start_minute: 540,
                        end_minute: 1020,
                    })
                    .collect();
                s.exceptions = vec![ScheduleException {
                    name: "Christmas".into(),
                    start_date: "2026-12-25".into(),
                    end_date: "2026-12-26".into(),
                    mode: ExceptionMode::Closed,
                    destination: Some(D::Voicemail { id: grace }),
                }];
            })
            .await;
        self.schedule("Night desk", "America/New_York", |s| {
            s.open = D::Extension { id: alice };
            s.closed = D::Extension { id: frank };
            s.ranges = vec![WeeklyRange {
                weekday: 1,
                start_minute: 22 * 60,
                end_minute: 2 * 60,
            }];
        })
        .await;
        self.schedule("Storm", "Europe/London", |s| {
            s.open = D::Extension { id: alice };
            s.closed = D::Hangup;
            s.ranges = (1..=7).map(all_day).collect();
            s.manual_override = Some(ManualOverride {
                mode: OverrideMode::Closed,
                until: Some(4_102_444_800_000),
            });
        })
        .await;
        let always = self
            .schedule("Always", "Pacific/Auckland", |s| {
                s.open = D::Extension { id: alice };
                s.closed = D::Hangup;
                s.ranges = (1..=7).map(all_day).collect();
            })
            .await;

        let main_menu = IvrMenuId::new();
        let now = now_ms();
        let menu = IvrMenu {
            id: main_menu,
            organization_id: self.org,
            name: "Main".into(),
            prompt_text: Some(HOSTILE_PROMPT.into()),
            prompt_voice: Some("Polly:Joanna".into()),
            prompt_audio_url: None,
            prompt_recording_id: None,
            digit_timeout: 5,
            max_invalid: 2,
            max_timeouts: 2,
            invalid_destination: D::Voicemail { id: alice },
            timeout_destination: D::RingGroup { id: sales },
            options: vec![
                IvrOption {
                    digits: "1".into(),
                    label: "Sales".into(),
                    destination: D::RingGroup { id: sales },
                },
                IvrOption {
                    digits: "2".into(),
                    label: "Support".into(),
                    destination: D::RingGroup { id: support },
                },
                IvrOption {
                    digits: "3".into(),
                    label: "Office".into(),
                    destination: D::BusinessHours { id: office },
                },
                IvrOption {
                    digits: "9".into(),
                    label: "Repeat".into(),
                    destination: D::IvrMenu { id: main_menu },
                },
            ],
            direct_dial: true,
            direct_dial_allowlist: vec![alice, grace],
            status: Status::Active,
            created_at: now,
            updated_at: now,
        };
        self.store().create_ivr_menu(&menu, &[]).await.unwrap();
        self.name(main_menu, "Main");
        let audio = IvrMenu {
            id: IvrMenuId::new(),
            name: "Audio".into(),
            prompt_text: None,
            prompt_voice: None,
            prompt_audio_url: Some("https://cdn.example/menu.mp3".into()),
            max_invalid: 1,
            max_timeouts: 1,
            invalid_destination: D::Hangup,
            timeout_destination: D::Hangup,
            options: vec![IvrOption {
                digits: "42".into(),
                label: "Alice".into(),
                destination: D::Extension { id: alice },
            }],
            direct_dial: false,
            direct_dial_allowlist: vec![],
            ..menu.clone()
        };
        self.store().create_ivr_menu(&audio, &[]).await.unwrap();
        self.name(audio.id, "Audio");

        let board_id = ConferenceRoomId::new();
        let pin = self
            .state
            .secrets
            .seal(SealedColumn::ROOM_PIN, &board_id.to_string(), "4321");
        let board = self
            .room("Board", "7000", |r| {
                r.id = board_id;
                r.pin_enc = Some(pin);
                r.max_participants = 10;
                r.announce_join_leave = true;
                r.wait_for_moderator = true;
                r.record = true;
            })
            .await;
        let open_room = self.room("Open", "7001", |r| r.mute_on_entry = true).await;

        let caller_id = || Some(E164::parse(&self.did("+12125550100")).unwrap());
        self.route("Old", 0, (OutboundMatch::Prefix, "0"), |r| {
            r.prepend = "+44".into();
            r.status = Status::Inactive;
        })
        .await;
        self.route("US", 10, (OutboundMatch::Pattern, "NXXNXXXXXX"), |r| {
            r.prepend = "+1".into();
            r.caller_id = caller_id();
        })
        .await;
        self.route("International", 20, (OutboundMatch::Prefix, "011"), |r| {
            r.strip_digits = 3;
            r.prepend = "+".into();
        })
        .await;
        self.route("NANP", 30, (OutboundMatch::Prefix, "+1"), |r| {
            r.caller_id = caller_id()
        })
        .await;
        // No caller id of its own: forwarded inbound calls present their DID, others the
        // organization's default.
        self.route("UK", 40, (OutboundMatch::Prefix, "+44"), |_| {})
            .await;

        for (number, dest) in [
            ("+12125550101", D::Extension { id: alice }),
            (
                "+12125550102",
                D::Extension {
                    id: self.ext("1002"),
                },
            ),
            (
                "+12125550103",
                D::Extension {
                    id: self.ext("1003"),
                },
            ),
            (
                "+12125550104",
                D::Extension {
                    id: self.ext("1004"),
                },
            ),
            (
                "+12125550105",
                D::Extension {
                    id: self.ext("1005"),
                },
            ),
            ("+12125550106", D::Extension { id: frank }),
            ("+12125550108", D::Extension { id: loop_a }),
            ("+12125550110", D::RingGroup { id: sales }),
            ("+12125550111", D::RingGroup { id: support }),
            ("+12125550112", D::RingGroup { id: rotation }),
            ("+12125550113", D::RingGroup { id: nobody }),
            ("+12125550114", D::RingGroup { id: looping }),
            ("+12125550120", D::BusinessHours { id: office }),
            ("+12125550123", D::BusinessHours { id: always }),
            ("+12125550130", D::IvrMenu { id: main_menu }),
            ("+12125550131", D::IvrMenu { id: audio.id }),
            ("+12125550140", D::ConferenceRoom { id: board }),
            ("+12125550141", D::ConferenceRoom { id: open_room }),
            ("+12125550150", external("+442079460123")),
            ("+12125550151", D::Hangup),
            ("+12125550160", D::Voicemail { id: grace }),
            ("+12125550161", D::Voicemail { id: frank }),
            ("+12125550170", D::Extension { id: mallory }),
        ] {
            self.number(number, dest).await;
        }
        self.set_default_caller_id(Some(DEFAULT_CALLER_ID)).await;
        let inactive = self.number("+12125550199", D::Hangup).await;
        let mut pn = self
            .store()
            .find_phone_number(self.org, inactive)
            .await
            .unwrap();
        pn.status = Status::Inactive;
        self.store().update_phone_number(&pn, &[]).await.unwrap();
    }

    /// Sets (or clears) the organization's default caller id (a planned number is stored as such).
    pub async fn set_default_caller_id(&self, number: Option<&str>) {
        let number = number.map(|n| E164::parse(&self.stored(n)).unwrap());
        self.edit_calling(|c| c.default_caller_id = number).await;
    }

    /// Changes the organization's rules for outward calls, as an owner's PATCH would.
    pub async fn edit_calling(&self, edit: impl FnOnce(&mut opbx::domain::calling::CallingPolicy)) {
        use opbx::ports::organizations::OrganizationRepo;
        let mut org = self.store().find_organization(self.org).await.unwrap();
        edit(&mut org.calling);
        let audit = opbx_tests::model::setup_audit(org.id, "organization");
        self.store()
            .update_organization(&org, &audit)
            .await
            .unwrap();
        self.state
            .coordination
            .invalidate_org(&self.org.to_string())
            .await
            .unwrap();
    }

    /// POSTs a JSON webhook with this organization's key.
    pub async fn post(&self, uri: &str, body: serde_json::Value) -> Answer {
        self.post_as(uri, Some(&self.key), "application/json", body.to_string())
            .await
    }

    /// POSTs `body` to `uri`: a path, or an absolute URL, sent as Cloudonix would (its path, with
    /// its host in `Host`).
    pub async fn post_as(
        &self,
        uri: &str,
        key: Option<&str>,
        content_type: &str,
        body: String,
    ) -> Answer {
        let uri: Uri = uri.parse().unwrap_or_else(|e| panic!("{uri}: {e}"));
        let path = uri.path_and_query().map_or("/", |p| p.as_str());
        let mut req = Request::post(path).header("content-type", content_type);
        if let Some(host) = uri.authority() {
            req = req.header("host", host.as_str());
        }
        if let Some(key) = key {
            req = req.header("authorization", format!("Bearer {key}"));
        }
        let response = self
            .app
            .clone()
            .oneshot(req.body(Body::from(self.stored(&body))).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let request_id = response
            .headers()
            .get("x-request-id")
            .map(|v| v.to_str().unwrap().to_owned());
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Answer {
            status,
            content_type,
            body: self.planned(std::str::from_utf8(&bytes).unwrap()),
            request_id,
        }
    }

    /// The answer with routing state and ids replaced by readable names, attributes sorted:
    /// what the scenarios are written against.
    pub fn normalise(&self, answer: &Answer, call_sid: &str) -> Element {
        let mut doc = answer.doc();
        self.rewrite(&mut doc, call_sid);
        doc
    }

    fn rewrite(&self, el: &mut Element, call_sid: &str) {
        for (name, value) in &mut el.attributes {
            if name == "action" {
                *value = self.describe_action(value, call_sid);
            }
        }
        el.attributes.sort();
        if el.name == "Redirect" {
            el.text = self.describe_action(&el.text, call_sid);
        } else if let Some(name) = self.names.get(&el.text) {
            el.text = name.clone();
        }
        for child in &mut el.children {
            self.rewrite(child, call_sid);
        }
    }

    /// Every `action` and `<Redirect>` of `doc` is an absolute URL of this deployment's callback
    /// routes, requested with POST (the only method they take).
    pub fn assert_callbacks_are_absolute_posts(&self, doc: &Element) {
        let callback_url = match (doc.attr("action"), doc.name.as_str()) {
            (Some(url), _) => Some(url),
            (None, "Redirect") => Some(doc.text.as_str()),
            _ => None,
        };
        if let Some(url) = callback_url {
            let routes = format!("{TEST_PUBLIC_URL}/webhooks/cloudonix/voice/");
            assert!(url.starts_with(&routes), "<{}> calls back {url}", doc.name);
            assert_eq!(doc.attr("method"), Some("POST"), "<{}> {url}", doc.name);
        }
        for child in &doc.children {
            self.assert_callbacks_are_absolute_posts(child);
        }
    }

    fn describe_action(&self, url: &str, call_sid: &str) -> String {
        let (path, query) = url.split_once('?').unwrap_or((url, ""));
        let k = query.strip_prefix("k=");
        let cont = Continuation::verify(k, &self.state.secrets, self.org, call_sid)
            .unwrap_or_else(|e| panic!("action {url} does not carry valid state: {e}"));
        assert_eq!(
            path,
            format!("{TEST_PUBLIC_URL}{}", cont.path()),
            "an absolute URL of the step's route"
        );
        let n = |id: &dyn ToString| {
            self.names
                .get(&id.to_string())
                .cloned()
                .unwrap_or_else(|| id.to_string())
        };
        let step = match cont.step {
            Step::Extension { ext } => format!("extension {}", n(&ext)),
            Step::RingGroup {
                group,
                attempt,
                start,
            } => format!("ring group {} attempt {attempt} start {start}", n(&group)),
            Step::External => "external".into(),
            Step::Ivr {
                menu,
                invalid,
                timeouts,
            } => format!("menu {} invalid {invalid} timeouts {timeouts}", n(&menu)),
            Step::RoomPin { room, tries } => format!("pin {} tries {tries}", n(&room)),
            Step::Voicemail { ext } => format!("voicemail {}", n(&ext)),
        };
        let hops = if cont.hops > 0 {
            format!(" hops {}", cont.hops)
        } else {
            String::new()
        };
        let endpoint = path.rsplit('/').next().unwrap();
        format!("{endpoint}: {step}{hops}")
    }
}

/// Parses an expected document the same way answers are normalised (attributes sorted).
pub fn expected(xml: &str) -> Element {
    let mut doc =
        parse(xml).unwrap_or_else(|e| panic!("expected document is not XML ({e}): {xml}"));
    sort_attributes(&mut doc);
    doc
}

fn sort_attributes(el: &mut Element) {
    el.attributes.sort();
    el.children.iter_mut().for_each(sort_attributes);
}

/// A whole day: `start == end` means 24 hours.
fn all_day(weekday: i32) -> WeeklyRange {
    WeeklyRange {
        weekday,
        start_minute: 0,
        end_minute: 0,
    }
}
