//! api-phone-numbers: `/api/v1/phone-numbers`.

use opbx::domain::destination::Destination;
use opbx::domain::model::{PhoneNumber, Role};
use opbx::ports::phone_numbers::PhoneNumberRepo;
use opbx_tests::{Backend, unique};
use serde_json::{Value, json};

use crate::cases::{ADMINS, Access, CONFIG_READERS, Case, Ctx, Prepared, prepare};
use crate::config_support::{
    Client, Line, column, dialled, extension, fresh_number, invalid_fields, message_for,
    phone_number,
};
use crate::fixtures::Api;

async fn target(ctx: &Ctx) -> PhoneNumber {
    let number = format!("+4420{}", fresh_number());
    phone_number(&ctx.state, ctx.org(), &number, Destination::Hangup).await
}

fn at(pn: &PhoneNumber) -> Prepared {
    Prepared::at(format!("/api/v1/phone-numbers/{}", pn.id)).marker(&pn.label)
}

pub fn cases() -> Vec<Case> {
    vec![
        Case::new(
            "GET",
            "/api/v1/phone-numbers",
            Access::Roles(CONFIG_READERS),
            |ctx| {
                prepare(async move {
                    let pn = target(&ctx).await;
                    Prepared::at("/api/v1/phone-numbers").marker(pn.label)
                })
            },
        ),
        Case::new(
            "POST",
            "/api/v1/phone-numbers",
            Access::Roles(ADMINS),
            |_| {
                prepare(async {
                    Prepared::at("/api/v1/phone-numbers").body(json!({
                        "number": format!("+4420{}", fresh_number()),
                        "destination": {"type": "hangup"},
                    }))
                })
            },
        ),
        Case::new(
            "GET",
            "/api/v1/phone-numbers/{id}",
            Access::Roles(CONFIG_READERS),
            |ctx| prepare(async move { at(&target(&ctx).await) }),
        ),
        Case::new(
            "PATCH",
            "/api/v1/phone-numbers/{id}",
            Access::Roles(ADMINS),
            |ctx| prepare(async move { at(&target(&ctx).await).body(json!({"label": "Changed"})) }),
        ),
        Case::new(
            "DELETE",
            "/api/v1/phone-numbers/{id}",
            Access::Roles(ADMINS),
            |ctx| prepare(async move { at(&target(&ctx).await) }),
        ),
    ]
}

async fn admins_add_numbers_in_e164_form(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let desk = extension(&api.state, t.org.id, |_| {}).await;
    let created = admin
        .post(
            "/api/v1/phone-numbers",
            json!({"number": "+1 (212) 555-0100", "label": " Main line ",
                   "destination": {"type": "extension", "id": desk.id}}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.json["number"], "+12125550100");
    assert_eq!(created.json["label"], "Main line");
    assert_eq!(created.json["status"], "active");
    assert_eq!(
        created.json["destination"],
        json!({"type": "extension", "id": desk.id})
    );
    let at = format!(
        "/api/v1/phone-numbers/{}",
        created.json["id"].as_str().unwrap()
    );
    let reader = Client::new(&api, &t, Role::PbxUser).await;
    assert_eq!(reader.get(&at).await.ok(), &created.json);

    let changed = admin
        .patch(
            &at,
            json!({"number": "0044 20 7946 0000", "destination": {"type": "hangup"}, "status": "inactive"}),
        )
        .await;
    assert_eq!(changed.ok()["number"], "+442079460000");
    assert_eq!(changed.json["destination"], json!({"type": "hangup"}));
    assert_eq!(changed.json["label"], "Main line");
    assert_eq!(admin.delete(&at).await.status, 204);
    admin.get(&at).await.problem(404);
}

async fn a_number_belongs_to_one_line_of_an_organization(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let first = phone_number(&api.state, t.org.id, "+12125550100", Destination::Hangup).await;
    let hangup = json!({"type": "hangup"});
    let r = admin
        .post(
            "/api/v1/phone-numbers",
            json!({"number": "+1 212 555 0100", "destination": hangup}),
        )
        .await;
    assert!(
        r.problem(409).json["detail"]
            .as_str()
            .unwrap()
            .contains("phone number")
    );
    let second = phone_number(&api.state, t.org.id, "+12125550101", Destination::Hangup).await;
    admin
        .patch(
            &format!("/api/v1/phone-numbers/{}", second.id),
            json!({"number": first.number}),
        )
        .await
        .problem(409);
    // Each organization has its own Cloudonix domain, so the same number elsewhere is no clash.
    let other = api.tenant().await;
    let r = Client::new(&api, &other, Role::Owner)
        .await
        .post(
            "/api/v1/phone-numbers",
            json!({"number": "+12125550100", "destination": hangup}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
}

async fn invalid_numbers_and_destinations_are_refused(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let other = api.tenant().await;
    let foreign = extension(&api.state, other.org.id, |_| {}).await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let post = |body: Value| admin.post("/api/v1/phone-numbers", body);

    let r = post(json!({"number": "212-555-0100", "destination": {"type": "hangup"}})).await;
    assert_eq!(invalid_fields(&r, 422), ["number"]);
    assert!(message_for(&r, "number").contains("must start with +"));
    let r = post(json!({"number": "+12125550100"})).await;
    assert_eq!(invalid_fields(&r, 422), ["destination"]);
    let id = opbx::domain::ids::RingGroupId::new();
    let r =
        post(json!({"number": "+12125550100", "destination": {"type": "queue", "id": id}})).await;
    assert_eq!(invalid_fields(&r, 422), ["destination.type"]);
    // A field that belongs to no destination of its type names itself, not the destination.
    let r = post(json!({"number": "+12125550100",
                        "destination": {"type": "external_number", "number": "+442079460000", "id": id}}))
    .await;
    assert_eq!(invalid_fields(&r, 422), ["destination.id"]);
    assert_eq!(
        message_for(&r, "destination.id"),
        "is not a known field; expected `type`, `number`"
    );
    let r = post(json!({"number": "+12125550100", "destination": {"type": "ring_group"}})).await;
    assert_eq!(invalid_fields(&r, 422), ["destination.id"]);
    assert_eq!(message_for(&r, "destination.id"), "is required");

    // Well formed, but naming nothing of this organization.
    let r = post(json!({"number": "+12125550100", "label": "x".repeat(101),
                        "destination": {"type": "extension", "id": foreign.id}}))
    .await;
    assert_eq!(invalid_fields(&r, 422), ["label", "destination"]);
    assert_eq!(
        message_for(&r, "destination"),
        "no such extension in your organization"
    );
    let r = post(json!({"number": "+12125550100",
                        "destination": {"type": "ring_group", "id": opbx::domain::ids::RingGroupId::new()}}))
    .await;
    assert_eq!(
        message_for(&r, "destination"),
        "no such ring group in your organization"
    );
    let r = admin.get("/api/v1/phone-numbers").await;
    assert_eq!(r.ok()["total"], 0, "nothing was saved");
}

async fn the_list_searches_filters_and_sorts(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let tag = unique();
    for (number, label) in [
        ("+12125550102", "Sales"),
        ("+12125550101", "Support"),
        ("+442079460000", "London"),
    ] {
        let mut pn = phone_number(&api.state, t.org.id, number, Destination::Hangup).await;
        pn.label = format!("{label} {tag}");
        if label == "London" {
            pn.status = opbx::domain::model::Status::Inactive;
        }
        api.state.store.update_phone_number(&pn).await.unwrap();
    }
    let reader = Client::new(&api, &t, Role::PbxUser).await;
    let numbers = |r: &crate::fixtures::Reply| column(r, "number");
    assert_eq!(
        numbers(&reader.get("/api/v1/phone-numbers").await),
        ["+12125550101", "+12125550102", "+442079460000"]
    );
    assert_eq!(
        numbers(&reader.get("/api/v1/phone-numbers?q=SUPPORT").await),
        ["+12125550101"]
    );
    assert_eq!(
        numbers(&reader.get("/api/v1/phone-numbers?q=4420").await),
        ["+442079460000"]
    );
    assert_eq!(
        numbers(
            &reader
                .get("/api/v1/phone-numbers?status=active&sort=-label")
                .await
        ),
        ["+12125550101", "+12125550102"]
    );
    let r = reader.get("/api/v1/phone-numbers?sort=destination").await;
    assert_eq!(invalid_fields(&r, 400), ["sort"]);
}

async fn a_new_destination_routes_the_next_inbound_call(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let line = Line::new(&api, t.org.id).await;
    let alice = extension(&api.state, t.org.id, |_| {}).await;
    let bob = extension(&api.state, t.org.id, |_| {}).await;
    let pn = phone_number(
        &api.state,
        t.org.id,
        "+12125550100",
        Destination::Extension { id: alice.id },
    )
    .await;
    assert_eq!(
        dialled(&line.inbound("+12125550100").await),
        [alice.number.as_str()]
    );

    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let at = format!("/api/v1/phone-numbers/{}", pn.id);
    admin
        .patch(
            &at,
            json!({"destination": {"type": "extension", "id": bob.id}}),
        )
        .await
        .ok();
    assert_eq!(
        dialled(&line.inbound("+12125550100").await),
        [bob.number.as_str()]
    );

    admin.patch(&at, json!({"status": "inactive"})).await.ok();
    let answer = line.inbound("+12125550100").await;
    assert!(dialled(&answer).is_empty());
    assert!(
        answer.child("Reject").is_some(),
        "a switched-off number is refused: {answer:?}"
    );
}

opbx_tests::on_both_backends!(
    admins_add_numbers_in_e164_form,
    a_number_belongs_to_one_line_of_an_organization,
    invalid_numbers_and_destinations_are_refused,
    the_list_searches_filters_and_sorts,
    a_new_destination_routes_the_next_inbound_call,
);
