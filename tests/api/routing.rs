//! The routing simulator: the webhook's own routing, with no side effects.

use opbx::app::AppState;
use opbx::cxml::{Element, parse};
use opbx::domain::destination::Destination;
use opbx::domain::e164::E164;
use opbx::domain::ids::*;
use opbx::domain::model::*;
use opbx::domain::now_ms;
use opbx::domain::timezone::Timezone;
use opbx::ports::business_hours::BusinessHoursRepo;
use opbx::ports::call_logs::CallLogRepo;
use opbx::ports::extensions::ExtensionRepo;
use opbx::ports::ivr_menus::IvrMenuRepo;
use opbx::ports::phone_numbers::PhoneNumberRepo;
use opbx::ports::ring_groups::RingGroupRepo;
use opbx_tests::{Backend, on_both_backends, unique};
use serde_json::{Value, json};

use crate::cases::{Access, Case, Prepared, STAFF, prepare};
use crate::fixtures::Api;

const SIMULATE: &str = "/api/v1/routing/simulate";

pub fn cases() -> Vec<Case> {
    vec![Case::new("POST", SIMULATE, Access::Roles(STAFF), |ctx| {
        prepare(async move {
            let label = format!("Hotline {}", unique());
            let number = add_number(&ctx.state, ctx.org(), Destination::Hangup, &label).await;
            Prepared::at(SIMULATE)
                .body(json!({"to": number}))
                .marker(label)
        })
    })]
}

pub async fn add_number(
    state: &AppState,
    org: OrgId,
    destination: Destination,
    label: &str,
) -> String {
    let now = now_ms();
    let pn = PhoneNumber {
        id: PhoneNumberId::new(),
        organization_id: org,
        number: E164::parse(&opbx_tests::numbers::unique_e164()).unwrap(),
        label: label.into(),
        destination,
        status: Status::Active,
        created_at: now,
        updated_at: now,
    };
    state.store.create_phone_number(&pn, &[]).await.unwrap();
    pn.number.to_string()
}

async fn add_extension(state: &AppState, org: OrgId, number: &str) -> ExtensionId {
    let ext = opbx_tests::model::extension(org, number);
    state.store.create_extension(&ext, &[]).await.unwrap();
    ext.id
}

/// The document with routing state removed: the simulator's state is signed for a simulated
/// call, so only the action URLs may differ from the webhook's answer.
fn without_actions(xml: &str) -> Element {
    fn strip(el: &mut Element) {
        el.attributes.retain(|(k, _)| k != "action");
        el.children.iter_mut().for_each(strip);
    }
    let mut doc = parse(xml).unwrap();
    strip(&mut doc);
    doc
}

async fn simulator_answers_what_the_webhook_answers_without_side_effects(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let org = t.org.id;
    let token = t.token(&api.state, Role::PbxAdmin).await;
    let members = [
        add_extension(&api.state, org, "201").await,
        add_extension(&api.state, org, "202").await,
    ];
    let now = now_ms();
    let group = RingGroup {
        id: RingGroupId::new(),
        organization_id: org,
        name: "Rotation".into(),
        strategy: RingStrategy::RoundRobin,
        member_timeout: 15,
        rounds: 1,
        skip_busy: false,
        fallback: Destination::Hangup,
        status: Status::Active,
        members: members.to_vec(),
        created_at: now,
        updated_at: now,
    };
    api.state
        .store
        .create_ring_group(&group, &[])
        .await
        .unwrap();
    let number = add_number(
        &api.state,
        org,
        Destination::RingGroup { id: group.id },
        "Main",
    )
    .await;

    let simulate = || api.call("POST", SIMULATE, Some(&token), Some(json!({"to": number})));
    let first = simulate().await;
    let again = simulate().await;
    let cxml = |r: &crate::fixtures::Reply| without_actions(r.ok()["cxml"].as_str().unwrap());
    assert_eq!(
        cxml(&first),
        cxml(&again),
        "a simulation does not advance round robin"
    );
    assert_eq!(
        first.json["path"][0]["destination"],
        json!({"type": "ring_group", "id": group.id.to_string()})
    );
    assert_eq!(
        first.json["path"][0]["reason"],
        format!("call to {number} 'Main'")
    );
    assert!(
        first.json["turns"][0]["notes"]
            .to_string()
            .contains("rings extension 201")
    );
    let logs = api
        .state
        .store
        .list_call_logs(org, &Default::default(), Default::default())
        .await
        .unwrap();
    assert_eq!(logs.total, 0, "a simulation writes no call log");

    // The real call gets the same document, and moves the rotation on.
    let key = opbx::crypto::random_token();
    opbx_tests::model::save_webhook_settings(
        &api.state.store,
        &opbx_tests::model::webhook_settings(org, &key),
    )
    .await;
    let real = opbx::http::all_functions(api.state.clone());
    let webhook = crate::fixtures::send(
        &real,
        axum::http::Request::post("/webhooks/cloudonix/voice")
            .header("authorization", format!("Bearer {key}"))
            .header("content-type", "application/json")
            .body(axum::body::Body::from(
                json!({"CallSid": unique(), "From": "+10000000000", "To": number, "Direction": "inbound"}).to_string(),
            ))
            .unwrap(),
    )
    .await;
    assert_eq!(
        without_actions(&webhook.text),
        without_actions(first.json["cxml"].as_str().unwrap())
    );
    let after = simulate().await;
    assert!(
        after.ok()["turns"][0]["notes"]
            .to_string()
            .contains("rings extension 202"),
        "{}",
        after.text
    );
}

async fn simulator_follows_key_presses_and_explains_holidays(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let org = t.org.id;
    let token = t.token(&api.state, Role::PbxUser).await;
    let alice = add_extension(&api.state, org, "301").await;
    let now = now_ms();
    let schedule = BusinessHours {
        id: ScheduleId::new(),
        organization_id: org,
        name: "Office".into(),
        timezone: Timezone::parse("Europe/Berlin").unwrap(),
        open: Destination::Extension { id: alice },
        closed: Destination::Voicemail { id: alice },
        ranges: (1..=5)
            .map(|d| WeeklyRange {
                weekday: d,
                start_minute: 480,
                end_minute: 1080,
            })
            .collect(),
        exceptions: vec![ScheduleException {
            name: "Christmas".into(),
            start_date: "2026-12-25".into(),
            end_date: "2026-12-25".into(),
            mode: ExceptionMode::Closed,
            destination: None,
        }],
        manual_override: None,
        status: Status::Active,
        created_at: now,
        updated_at: now,
    };
    api.state
        .store
        .create_business_hours(&schedule, &[])
        .await
        .unwrap();
    let menu = IvrMenu {
        id: IvrMenuId::new(),
        organization_id: org,
        name: "Front desk".into(),
        prompt_text: Some("Press 1 for the office.".into()),
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
            label: "Office".into(),
            destination: Destination::BusinessHours { id: schedule.id },
        }],
        direct_dial: false,
        direct_dial_allowlist: vec![],
        status: Status::Active,
        created_at: now,
        updated_at: now,
    };
    api.state.store.create_ivr_menu(&menu, &[]).await.unwrap();
    let number = add_number(
        &api.state,
        org,
        Destination::IvrMenu { id: menu.id },
        "Front",
    )
    .await;

    let body = json!({"to": number, "at": "2026-12-25T10:00:00Z", "digits": ["7", "1", "9"]});
    let reply = api.call("POST", SIMULATE, Some(&token), Some(body)).await;
    let r = reply.ok();
    let reasons: Vec<&str> = r["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["reason"].as_str().unwrap())
        .collect();
    assert_eq!(
        reasons,
        [
            format!("call to {number} 'Front'").as_str(),
            "IVR menu 'Front desk': caller pressed 1 (Office)",
            "schedule 'Office' closed: holiday 'Christmas' (2026-12-25)",
        ]
    );
    let kinds: Vec<&str> = r["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["destination"]["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["ivr_menu", "business_hours", "voicemail"]);
    let turns: Vec<(&str, &Value)> = r["turns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["request"].as_str().unwrap(), &t["digits"]))
        .collect();
    assert_eq!(
        turns,
        [
            ("voice", &Value::Null),
            ("gather", &json!("7")),
            ("gather", &json!("1"))
        ]
    );
    assert!(r["turns"][1]["notes"].to_string().contains("invalid input"));
    assert_eq!(
        r["unused_digits"],
        json!(["9"]),
        "no menu was waiting for the last key"
    );
    assert!(
        parse(r["cxml"].as_str().unwrap())
            .unwrap()
            .child("Record")
            .is_some(),
        "ends in voicemail"
    );

    // The same call on a working morning reaches the person.
    let open = api
        .call(
            "POST",
            SIMULATE,
            Some(&token),
            Some(json!({"to": number, "at": "2026-12-22T10:00:00Z", "digits": ["1"]})),
        )
        .await;
    assert_eq!(
        open.ok()["path"][2]["reason"],
        "schedule 'Office' open: Tuesday 08:00–18:00"
    );
}

async fn simulator_rejects_bad_requests_precisely(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let token = t.token(&api.state, Role::Owner).await;
    let reply = api
        .call(
            "POST",
            SIMULATE,
            Some(&token),
            Some(json!({"to": " ", "at": "tomorrow", "digits": vec!["1"; 21]})),
        )
        .await;
    reply.problem(422);
    let fields: Vec<String> = reply.field_errors().into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["to", "at", "digits"]);
    api.call(
        "POST",
        SIMULATE,
        Some(&token),
        Some(json!({"to": "1", "extra": 1})),
    )
    .await
    .problem(422);
    let unknown = api
        .call(
            "POST",
            SIMULATE,
            Some(&token),
            Some(json!({"to": "+19999999999"})),
        )
        .await;
    assert!(
        unknown.ok()["cxml"]
            .as_str()
            .unwrap()
            .contains(r#"<Reject reason="rejected"/>"#),
        "{}",
        unknown.text
    );
    assert!(
        unknown.ok()["turns"][0]["notes"][0]
            .as_str()
            .unwrap()
            .contains("is not a phone number of this organization"),
        "{}",
        unknown.text
    );
}

/// A room with PIN 4321 behind a number of its own.
async fn pin_room(api: &Api, org: OrgId) -> String {
    let room = crate::config_support::room(&api.state, org, |r| {
        r.name = "Board".into();
        let row = r.id.to_string();
        r.pin_enc = Some(api.state.secrets.seal(
            opbx::crypto::SealedColumn::ROOM_PIN,
            &row,
            "4321",
        ));
    })
    .await;
    add_number(
        &api.state,
        org,
        Destination::ConferenceRoom { id: room.id },
        "Board line",
    )
    .await
}

async fn the_simulator_never_checks_a_conference_pin(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let token = t.token(&api.state, Role::PbxUser).await;
    let number = pin_room(&api, t.org.id).await;
    let simulate = |pin: &str| {
        let body = json!({"to": number, "digits": [pin]});
        api.call("POST", SIMULATE, Some(&token), Some(body))
    };
    let right = simulate("4321").await;
    let wrong = simulate("0000").await;
    // Routing state is signed per simulated call, so only the words and verbs are compared.
    let answer = |r: &crate::fixtures::Reply| {
        let mut doc = without_actions(r.ok()["cxml"].as_str().unwrap());
        doc.children.retain(|c| c.name != "Redirect");
        doc
    };
    assert_eq!(
        answer(&right),
        answer(&wrong),
        "the right PIN and a wrong one must look alike: {}",
        right.text
    );
    let doc = answer(&right);
    assert!(
        doc.child("Gather").is_some(),
        "still at the PIN prompt: {}",
        right.text
    );
    assert!(!right.text.contains("Conference"), "{}", right.text);
    let notes = right.json["turns"][1]["notes"].to_string();
    assert!(notes.contains("PIN prompt"), "{notes}");
    assert!(
        !notes.contains("accepted") && !notes.contains("wrong"),
        "{notes}"
    );
}

async fn the_simulator_is_rate_limited_per_user(b: Backend) {
    use opbx::http::api::routing::SIMULATIONS_PER_WINDOW;
    let api = Api::new(b);
    let t = api.tenant().await;
    let mine = t.token(&api.state, Role::PbxUser).await;
    let theirs = t.token(&api.state, Role::PbxAdmin).await;
    let body = || Some(json!({"to": "+19999999999"}));
    for _ in 0..SIMULATIONS_PER_WINDOW {
        api.call("POST", SIMULATE, Some(&mine), body()).await.ok();
    }
    let refused = api.call("POST", SIMULATE, Some(&mine), body()).await;
    refused.problem(429);
    let wait: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    api.call("POST", SIMULATE, Some(&theirs), body()).await.ok();
}

async fn the_simulator_shows_a_toll_fraud_refusal_and_why(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let org = t.org.id;
    let token = t.token(&api.state, Role::PbxUser).await;
    // Saved behind the API's back, as before the fix or by a database writer.
    let ext = opbx_tests::model::extension(org, "401");
    let ext = Extension {
        forward_always: Some(Destination::ExternalNumber {
            number: E164::parse("+882345678901").unwrap(),
        }),
        ..ext
    };
    api.state.store.create_extension(&ext, &[]).await.unwrap();
    let number = add_number(
        &api.state,
        org,
        Destination::Extension { id: ext.id },
        "Desk",
    )
    .await;
    let r = api
        .call("POST", SIMULATE, Some(&token), Some(json!({"to": number})))
        .await;
    let cxml = r.ok()["cxml"].as_str().unwrap();
    assert!(!cxml.contains("<Dial"), "{cxml}");
    assert!(
        cxml.contains("cannot be connected to an outside number"),
        "{cxml}"
    );
    let notes = r.json["turns"][0]["notes"].to_string();
    assert!(
        notes.contains("no active outbound route matches +882345678901"),
        "{notes}"
    );
    assert_eq!(
        r.json["path"][1]["reason"],
        "extension 401 forwards every call"
    );
}

on_both_backends!(
    the_simulator_never_checks_a_conference_pin,
    the_simulator_is_rate_limited_per_user,
    the_simulator_shows_a_toll_fraud_refusal_and_why,
    simulator_answers_what_the_webhook_answers_without_side_effects,
    simulator_follows_key_presses_and_explains_holidays,
    simulator_rejects_bad_requests_precisely,
);
