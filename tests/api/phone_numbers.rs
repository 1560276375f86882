//! api-phone-numbers: `/api/v1/phone-numbers`.

use opbx::domain::destination::Destination;
use opbx::domain::model::{PhoneNumber, Role};
use opbx::ports::phone_numbers::PhoneNumberRepo;
use opbx_tests::numbers::{unique_e164, unique_e164_prefix};
use opbx_tests::{Backend, unique};
use serde_json::{Value, json};

use crate::cases::{ADMINS, Access, CONFIG_READERS, Case, Ctx, Prepared, prepare};
use crate::config_support::{
    Client, Line, column, dialled, extension, invalid_fields, message_for, phone_number,
};
use crate::fixtures::Api;

async fn target(ctx: &Ctx) -> PhoneNumber {
    phone_number(&ctx.state, ctx.org(), &unique_e164(), Destination::Hangup).await
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
                        "number": unique_e164(),
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
    // `+1555123456789` typed as `+1 (555) 1234-56789`.
    let number = unique_e164_prefix(1);
    let typed = format!("+1 ({}) {}-{}", &number[2..5], &number[5..9], &number[9..]);
    let created = admin
        .post(
            "/api/v1/phone-numbers",
            json!({"number": typed, "label": " Main line ",
                   "destination": {"type": "extension", "id": desk.id}}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.json["number"], number.as_str());
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

    let moved = unique_e164();
    let changed = admin
        .patch(
            &at,
            json!({"number": format!("00{}", &moved[1..]), "destination": {"type": "hangup"}, "status": "inactive"}),
        )
        .await;
    assert_eq!(changed.ok()["number"], moved.as_str());
    assert_eq!(changed.json["destination"], json!({"type": "hangup"}));
    assert_eq!(changed.json["label"], "Main line");
    assert_eq!(admin.delete(&at).await.status, 204);
    admin.get(&at).await.problem(404);
}

const TAKEN: &str = "The phone number is already in use.";

async fn a_number_belongs_to_one_line_of_an_organization(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let first = phone_number(&api.state, t.org.id, &unique_e164(), Destination::Hangup).await;
    let spaced = format!(
        "{} {}",
        &first.number.as_str()[..5],
        &first.number.as_str()[5..]
    );
    let hangup = json!({"type": "hangup"});
    let r = admin
        .post(
            "/api/v1/phone-numbers",
            json!({"number": spaced, "destination": hangup}),
        )
        .await;
    assert_eq!(r.problem(409).json["detail"], TAKEN);
    let second = phone_number(&api.state, t.org.id, &unique_e164(), Destination::Hangup).await;
    admin
        .patch(
            &format!("/api/v1/phone-numbers/{}", second.id),
            json!({"number": first.number}),
        )
        .await
        .problem(409);
    // Deleted, the number can be added again.
    let first_at = format!("/api/v1/phone-numbers/{}", first.id);
    assert_eq!(admin.delete(&first_at).await.status, 204);
    let r = admin
        .post(
            "/api/v1/phone-numbers",
            json!({"number": first.number, "destination": hangup}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
}

/// A number belongs to one organization (issue 12.5): another one is refused with the words its
/// own taken number would get, which name neither the holder nor its number's details, and the
/// holder's number is untouched.
async fn a_number_held_elsewhere_is_refused_without_saying_by_whom(b: Backend) {
    let api = Api::new(b);
    let holder = api.tenant().await;
    let held = phone_number(
        &api.state,
        holder.org.id,
        &unique_e164(),
        Destination::Hangup,
    )
    .await;
    let other = api.tenant().await;
    let owner = Client::new(&api, &other, Role::Owner).await;
    let hangup = json!({"type": "hangup"});
    let created = owner
        .post(
            "/api/v1/phone-numbers",
            json!({"number": held.number, "destination": hangup}),
        )
        .await;
    let own = phone_number(
        &api.state,
        other.org.id,
        &unique_e164(),
        Destination::Hangup,
    )
    .await;
    let moved = owner
        .patch(
            &format!("/api/v1/phone-numbers/{}", own.id),
            json!({"number": held.number}),
        )
        .await;
    for r in [created, moved] {
        assert_eq!(r.problem(409).json["detail"], TAKEN);
        for secret in [
            holder.org.id.to_string(),
            holder.org.slug.clone(),
            holder.org.name.clone(),
            held.id.to_string(),
            held.label.clone(),
        ] {
            assert!(!r.text.contains(&secret), "{}", r.text);
        }
    }
    let listed = owner.get("/api/v1/phone-numbers").await;
    assert_eq!(column(&listed, "number"), [own.number.as_str()]);
    let kept = api
        .state
        .store
        .find_phone_number(holder.org.id, held.id)
        .await;
    assert_eq!(kept.unwrap(), held);
}

async fn invalid_numbers_and_destinations_are_refused(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let other = api.tenant().await;
    let foreign = extension(&api.state, other.org.id, |_| {}).await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let post = |body: Value| admin.post("/api/v1/phone-numbers", body);

    let number = unique_e164();
    let r = post(json!({"number": &number[2..], "destination": {"type": "hangup"}})).await;
    assert_eq!(invalid_fields(&r, 422), ["number"]);
    assert!(message_for(&r, "number").contains("must start with +"));
    let r = post(json!({"number": number})).await;
    assert_eq!(invalid_fields(&r, 422), ["destination"]);
    let id = opbx::domain::ids::RingGroupId::new();
    let r = post(json!({"number": number, "destination": {"type": "queue", "id": id}})).await;
    assert_eq!(invalid_fields(&r, 422), ["destination.type"]);
    // A field that belongs to no destination of its type names itself, not the destination.
    let r = post(json!({"number": number,
                        "destination": {"type": "external_number", "number": "+442079460000", "id": id}}))
    .await;
    assert_eq!(invalid_fields(&r, 422), ["destination.id"]);
    assert_eq!(
        message_for(&r, "destination.id"),
        "is not a known field; expected `type`, `number`"
    );
    let r = post(json!({"number": number, "destination": {"type": "ring_group"}})).await;
    assert_eq!(invalid_fields(&r, 422), ["destination.id"]);
    assert_eq!(message_for(&r, "destination.id"), "is required");

    // Well formed, but naming nothing of this organization.
    let r = post(json!({"number": number, "label": "x".repeat(101),
                        "destination": {"type": "extension", "id": foreign.id}}))
    .await;
    assert_eq!(invalid_fields(&r, 422), ["label", "destination"]);
    assert_eq!(
        message_for(&r, "destination"),
        "no such extension in your organization"
    );
    let r = post(json!({"number": number,
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
    // Support's and sales' numbers share digits that London's, which sorts last, lacks.
    let prefix = unique_e164_prefix(2);
    let [support, sales, london] = ["01", "02", "90"].map(|last| format!("{prefix}{last}"));
    let (shared, only_london) = (format!("{}0", &prefix[1..]), format!("{}90", &prefix[1..]));
    for (number, label) in [
        (&sales, "Sales"),
        (&support, "Support"),
        (&london, "London"),
    ] {
        let mut pn = phone_number(&api.state, t.org.id, number, Destination::Hangup).await;
        pn.label = format!("{label} {tag}");
        if label == "London" {
            pn.status = opbx::domain::model::Status::Inactive;
        }
        api.state.store.update_phone_number(&pn, &[]).await.unwrap();
    }
    let reader = Client::new(&api, &t, Role::PbxUser).await;
    let numbers = |r: &crate::fixtures::Reply| column(r, "number");
    assert_eq!(
        numbers(&reader.get("/api/v1/phone-numbers").await),
        [support.as_str(), sales.as_str(), london.as_str()]
    );
    assert_eq!(
        numbers(&reader.get("/api/v1/phone-numbers?q=SUPPORT").await),
        [support.as_str()]
    );
    assert_eq!(
        numbers(
            &reader
                .get(&format!("/api/v1/phone-numbers?q={only_london}"))
                .await
        ),
        [london.as_str()]
    );
    assert_eq!(
        numbers(
            &reader
                .get(&format!("/api/v1/phone-numbers?q={shared}"))
                .await
        ),
        [support.as_str(), sales.as_str()]
    );
    assert_eq!(
        numbers(
            &reader
                .get("/api/v1/phone-numbers?status=active&sort=-label")
                .await
        ),
        [support.as_str(), sales.as_str()]
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
        &unique_e164(),
        Destination::Extension { id: alice.id },
    )
    .await;
    assert_eq!(
        dialled(&line.inbound(pn.number.as_str()).await),
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
        dialled(&line.inbound(pn.number.as_str()).await),
        [bob.number.as_str()]
    );

    admin.patch(&at, json!({"status": "inactive"})).await.ok();
    let answer = line.inbound(pn.number.as_str()).await;
    assert!(dialled(&answer).is_empty());
    assert!(
        answer.child("Reject").is_some(),
        "a switched-off number is refused: {answer:?}"
    );
}

opbx_tests::on_both_backends!(
    admins_add_numbers_in_e164_form,
    a_number_belongs_to_one_line_of_an_organization,
    a_number_held_elsewhere_is_refused_without_saying_by_whom,
    invalid_numbers_and_destinations_are_refused,
    the_list_searches_filters_and_sorts,
    a_new_destination_routes_the_next_inbound_call,
);
