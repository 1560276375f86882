//! api-conference-rooms: `/api/v1/conference-rooms`.

use opbx::domain::destination::Destination;
use opbx::domain::model::{ConferenceRoom, Role};
use opbx::ports::audit_log::{AuditFilter, AuditLogRepo};
use opbx::ports::conference_rooms::ConferenceRoomRepo;
use opbx::ports::store::PageRequest;
use opbx::routing::speech;
use opbx_tests::Backend;
use opbx_tests::numbers::unique_e164;
use serde_json::{Value, json};

use crate::cases::{ADMINS, Access, CONFIG_READERS, Case, Ctx, Prepared, prepare};
use crate::config_support::{
    Client, Line, column, extension, fresh_number, invalid_fields, message_for, phone_number,
    references, room, spoken,
};
use crate::fixtures::Api;

async fn target(ctx: &Ctx) -> ConferenceRoom {
    room(&ctx.state, ctx.org(), |_| {}).await
}

fn at(r: &ConferenceRoom) -> Prepared {
    Prepared::at(format!("/api/v1/conference-rooms/{}", r.id)).marker(&r.name)
}

pub fn cases() -> Vec<Case> {
    vec![
        Case::new(
            "GET",
            "/api/v1/conference-rooms",
            Access::Roles(CONFIG_READERS),
            |ctx| {
                prepare(async move {
                    let r = target(&ctx).await;
                    Prepared::at("/api/v1/conference-rooms").marker(r.name)
                })
            },
        ),
        Case::new(
            "POST",
            "/api/v1/conference-rooms",
            Access::Roles(ADMINS),
            |_| {
                prepare(async {
                    let number = fresh_number();
                    Prepared::at("/api/v1/conference-rooms")
                        .body(json!({"name": format!("Room {number}"), "number": number}))
                })
            },
        ),
        Case::new(
            "GET",
            "/api/v1/conference-rooms/{id}",
            Access::Roles(CONFIG_READERS),
            |ctx| prepare(async move { at(&target(&ctx).await) }),
        ),
        Case::new(
            "PATCH",
            "/api/v1/conference-rooms/{id}",
            Access::Roles(ADMINS),
            |ctx| prepare(async move { at(&target(&ctx).await).body(json!({"record": true})) }),
        ),
        Case::new(
            "DELETE",
            "/api/v1/conference-rooms/{id}",
            Access::Roles(ADMINS),
            |ctx| prepare(async move { at(&target(&ctx).await) }),
        ),
    ]
}

async fn pins_are_sealed_and_never_answered(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let number = fresh_number();
    let created = admin
        .post(
            "/api/v1/conference-rooms",
            json!({"name": " Board ", "number": number, "pin": "4321", "mute_on_entry": true}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let view = &created.json;
    assert_eq!(
        (&view["name"], &view["number"], &view["has_pin"]),
        (&json!("Board"), &json!(number), &json!(true))
    );
    assert_eq!(view["max_participants"], 50);
    assert!(view.get("pin").is_none() && !created.text.contains("4321"));
    let id = view["id"].as_str().unwrap().to_owned();
    let stored = api
        .state
        .store
        .find_conference_room(t.org.id, id.parse().unwrap())
        .await
        .unwrap();
    let sealed = stored.pin_enc.unwrap();
    let opened = api
        .state
        .secrets
        .open(opbx::crypto::SealedColumn::ROOM_PIN, &id, &sealed);
    assert_eq!(opened.unwrap(), "4321");
    assert!(!sealed.contains("4321"));

    let at = format!("/api/v1/conference-rooms/{id}");
    let reader = Client::new(&api, &t, Role::PbxUser).await;
    assert_eq!(reader.get(&at).await.ok(), view);
    let r = admin.patch(&at, json!({"pin": "98765"})).await;
    assert_eq!(r.ok()["has_pin"], true);
    let r = admin.patch(&at, json!({"pin": null, "number": null})).await;
    assert_eq!(
        (&r.ok()["has_pin"], &r.json["number"]),
        (&json!(false), &Value::Null)
    );

    let audit = api
        .state
        .store
        .list_audit(
            t.org.id,
            &AuditFilter {
                object_id: Some(id),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
    let logged = serde_json::to_string(&audit.items).unwrap();
    assert!(!logged.contains("4321") && !logged.contains("98765"));
    let actions: Vec<&str> = audit.items.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["change_pin", "update", "change_pin", "update", "create"]
    );
}

async fn names_and_numbers_are_unique_extensions_included(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let existing = room(&api.state, t.org.id, |r| {
        r.number = Some(fresh_number().parse().unwrap())
    })
    .await;
    let r = admin
        .post(
            "/api/v1/conference-rooms",
            json!({"name": existing.name.to_uppercase()}),
        )
        .await;
    assert!(
        r.problem(409).json["detail"]
            .as_str()
            .unwrap()
            .contains("conference room name")
    );
    let r = admin
        .post(
            "/api/v1/conference-rooms",
            json!({"name": "Second", "number": existing.number}),
        )
        .await;
    assert!(
        r.problem(409).json["detail"]
            .as_str()
            .unwrap()
            .contains("conference room number")
    );

    let desk = extension(&api.state, t.org.id, |e| e.display_name = "Desk".into()).await;
    let r = admin
        .post(
            "/api/v1/conference-rooms",
            json!({"name": "Clash", "number": desk.number}),
        )
        .await;
    let detail = r.problem(409).json["detail"].as_str().unwrap().to_owned();
    assert!(
        detail.contains("conference room number") && detail.contains("\"Desk\""),
        "{detail}"
    );
    admin
        .patch(
            &format!("/api/v1/conference-rooms/{}", existing.id),
            json!({"number": desk.number}),
        )
        .await
        .problem(409);
    // Keeping its own number is no clash.
    let r = admin
        .patch(
            &format!("/api/v1/conference-rooms/{}", existing.id),
            json!({"number": existing.number, "max_participants": 10}),
        )
        .await;
    assert_eq!(r.ok()["max_participants"], 10);
}

async fn invalid_rooms_are_refused_naming_every_field(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let r = admin
        .post(
            "/api/v1/conference-rooms",
            json!({"name": "", "pin": "12a4", "max_participants": 251}),
        )
        .await;
    assert_eq!(invalid_fields(&r, 422), ["name", "pin", "max_participants"]);
    assert_eq!(message_for(&r, "pin"), "must be 4 to 10 digits");
    assert_eq!(
        message_for(&r, "max_participants"),
        "must be 2 to 250 participants"
    );
    for (body, field) in [
        (json!({"name": "A", "number": "7x"}), "number"),
        (json!({"name": "A", "pin": 1234}), "pin"),
        (
            json!({"name": "A", "moderator_pin": "1234"}),
            "moderator_pin",
        ),
    ] {
        let r = admin.post("/api/v1/conference-rooms", body).await;
        assert_eq!(invalid_fields(&r, 422), [field], "{}", r.text);
    }
    let existing = room(&api.state, t.org.id, |_| {}).await;
    let r = admin
        .patch(
            &format!("/api/v1/conference-rooms/{}", existing.id),
            json!({"pin": "123", "max_participants": 1}),
        )
        .await;
    assert_eq!(invalid_fields(&r, 422), ["pin", "max_participants"]);
    let list = admin.get("/api/v1/conference-rooms").await;
    assert_eq!(column(&list, "name"), [existing.name]);
}

async fn deleting_a_room_something_routes_to_names_the_referrers(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let r = room(&api.state, t.org.id, |_| {}).await;
    let pn = phone_number(
        &api.state,
        t.org.id,
        &unique_e164(),
        Destination::ConferenceRoom { id: r.id },
    )
    .await;
    let at = format!("/api/v1/conference-rooms/{}", r.id);
    assert_eq!(
        references(&admin.delete(&at).await),
        [("phone_number".to_owned(), pn.label)]
    );
    admin
        .patch(
            &format!("/api/v1/phone-numbers/{}", pn.id),
            json!({"destination": {"type": "hangup"}}),
        )
        .await
        .ok();
    assert_eq!(admin.delete(&at).await.status, 204);
}

async fn a_number_and_pin_set_through_the_api_apply_to_the_next_call(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let line = Line::new(&api, t.org.id).await;
    let phone = extension(&api.state, t.org.id, |_| {}).await;
    let r = room(&api.state, t.org.id, |_| {}).await;
    let number = fresh_number();
    let joins_room = |doc: &opbx::cxml::Element| {
        doc.child("Dial")
            .and_then(|d| d.child("Conference"))
            .is_some_and(|c| c.text == r.id.to_string())
    };
    // Before it has a number, dialling the number goes nowhere near the room.
    let before = line.internal(phone.number.as_str(), &number).await;
    assert!(!joins_room(&before), "{before:?}");

    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let at = format!("/api/v1/conference-rooms/{}", r.id);
    admin.patch(&at, json!({"number": number})).await.ok();
    let joined = line.internal(phone.number.as_str(), &number).await;
    assert!(joins_room(&joined), "{joined:?}");

    admin.patch(&at, json!({"pin": "2468"})).await.ok();
    let asked = line.internal(phone.number.as_str(), &number).await;
    assert!(!joins_room(&asked));
    assert_eq!(spoken(&asked), [speech::ENTER_PIN]);
}

opbx_tests::on_both_backends!(
    pins_are_sealed_and_never_answered,
    names_and_numbers_are_unique_extensions_included,
    invalid_rooms_are_refused_naming_every_field,
    deleting_a_room_something_routes_to_names_the_referrers,
    a_number_and_pin_set_through_the_api_apply_to_the_next_call,
);
