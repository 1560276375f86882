//! api-ring-groups: `/api/v1/ring-groups`.

use opbx::domain::destination::Destination;
use opbx::domain::ids::{ExtensionId, RingGroupId};
use opbx::domain::model::{RingGroup, Role};
use opbx::ports::ring_groups::RingGroupRepo;
use opbx_tests::Backend;
use opbx_tests::numbers::unique_e164;
use serde_json::{Value, json};

use crate::cases::{ADMINS, Access, CONFIG_READERS, Case, Ctx, Prepared, prepare};
use crate::config_support::{
    Client, Line, column, dialled, extension, invalid_fields, message_for, phone_number,
    references, ring_group,
};
use crate::fixtures::Api;

async fn target(ctx: &Ctx) -> RingGroup {
    let member = extension(&ctx.state, ctx.org(), |_| {}).await;
    ring_group(&ctx.state, ctx.org(), &[member.id]).await
}

fn at(g: &RingGroup) -> Prepared {
    Prepared::at(format!("/api/v1/ring-groups/{}", g.id)).marker(&g.name)
}

pub fn cases() -> Vec<Case> {
    vec![
        Case::new(
            "GET",
            "/api/v1/ring-groups",
            Access::Roles(CONFIG_READERS),
            |ctx| {
                prepare(async move {
                    let g = target(&ctx).await;
                    Prepared::at("/api/v1/ring-groups").marker(g.name)
                })
            },
        ),
        Case::new(
            "POST",
            "/api/v1/ring-groups",
            Access::Roles(ADMINS),
            |ctx| {
                prepare(async move {
                    let member = extension(&ctx.state, ctx.org(), |_| {}).await;
                    Prepared::at("/api/v1/ring-groups").body(json!({
                        "name": format!("Group {}", member.number),
                        "members": [member.id],
                    }))
                })
            },
        ),
        Case::new(
            "GET",
            "/api/v1/ring-groups/{id}",
            Access::Roles(CONFIG_READERS),
            |ctx| prepare(async move { at(&target(&ctx).await) }),
        ),
        Case::new(
            "PATCH",
            "/api/v1/ring-groups/{id}",
            Access::Roles(ADMINS),
            |ctx| prepare(async move { at(&target(&ctx).await).body(json!({"rounds": 2})) }),
        ),
        Case::new(
            "DELETE",
            "/api/v1/ring-groups/{id}",
            Access::Roles(ADMINS),
            |ctx| prepare(async move { at(&target(&ctx).await) }),
        ),
    ]
}

fn ids(members: &[&opbx::domain::model::Extension]) -> Vec<ExtensionId> {
    members.iter().map(|e| e.id).collect()
}

async fn admins_build_ring_groups_with_ordered_members(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let a = extension(&api.state, t.org.id, |_| {}).await;
    let b2 = extension(&api.state, t.org.id, |_| {}).await;
    let c = extension(&api.state, t.org.id, |_| {}).await;
    let created = admin
        .post(
            "/api/v1/ring-groups",
            json!({"name": " Sales ", "strategy": "sequential", "members": [c.id, a.id, b2.id],
                   "fallback": {"type": "voicemail", "id": a.id}}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let view = &created.json;
    assert_eq!(view["name"], "Sales");
    assert_eq!(view["members"], json!(ids(&[&c, &a, &b2])));
    assert_eq!(
        (&view["member_timeout"], &view["rounds"], &view["skip_busy"]),
        (&json!(20), &json!(1), &json!(false))
    );
    let at = format!("/api/v1/ring-groups/{}", view["id"].as_str().unwrap());
    assert_eq!(
        Client::new(&api, &t, Role::PbxUser)
            .await
            .get(&at)
            .await
            .ok(),
        view
    );

    let r = admin
        .patch(
            &at,
            json!({"members": [b2.id, c.id], "strategy": "round_robin", "rounds": 3}),
        )
        .await;
    assert_eq!(r.ok()["members"], json!(ids(&[&b2, &c])));
    assert_eq!(
        (&r.json["strategy"], &r.json["rounds"]),
        (&json!("round_robin"), &json!(3))
    );
    let id: RingGroupId = view["id"].as_str().unwrap().parse().unwrap();
    let stored = api.state.store.find_ring_group(t.org.id, id).await.unwrap();
    assert_eq!(stored.members, ids(&[&b2, &c]));
    assert_eq!(stored.fallback, Destination::Voicemail { id: a.id });
}

async fn names_are_unique_ignoring_case(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let member = extension(&api.state, t.org.id, |_| {}).await;
    let existing = ring_group(&api.state, t.org.id, &[member.id]).await;
    let r = admin
        .post(
            "/api/v1/ring-groups",
            json!({"name": existing.name.to_uppercase(), "members": [member.id]}),
        )
        .await;
    assert!(
        r.problem(409).json["detail"]
            .as_str()
            .unwrap()
            .contains("ring group name")
    );
    let other = ring_group(&api.state, t.org.id, &[member.id]).await;
    admin
        .patch(
            &format!("/api/v1/ring-groups/{}", other.id),
            json!({"name": existing.name.to_lowercase()}),
        )
        .await
        .problem(409);
}

async fn invalid_ring_groups_are_refused_naming_every_field(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let other = api.tenant().await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let a = extension(&api.state, t.org.id, |_| {}).await;
    let b2 = extension(&api.state, t.org.id, |_| {}).await;
    let foreign = extension(&api.state, other.org.id, |_| {}).await;
    let foreign_group = ring_group(&api.state, other.org.id, &[foreign.id]).await;
    let post = |body: Value| admin.post("/api/v1/ring-groups", body);

    let r = post(json!({"name": "", "member_timeout": 3, "rounds": 11,
                        "members": [a.id, foreign.id, b2.id, a.id],
                        "fallback": {"type": "ring_group", "id": foreign_group.id}}))
    .await;
    assert_eq!(
        invalid_fields(&r, 422),
        [
            "name",
            "member_timeout",
            "rounds",
            "members[1]",
            "members[3]",
            "fallback"
        ]
    );
    assert_eq!(message_for(&r, "members[3]"), "is listed twice");
    assert_eq!(
        message_for(&r, "members[1]"),
        "no such extension in your organization"
    );
    assert_eq!(message_for(&r, "rounds"), "must be 1 to 10 rounds");

    let r = post(json!({"name": "Empty", "members": []})).await;
    assert_eq!(invalid_fields(&r, 422), ["members"]);
    let r = post(json!({"name": "No list"})).await;
    assert_eq!(invalid_fields(&r, 422), ["members"]);
    let r = post(json!({"name": "Odd", "members": [a.id], "strategy": "random"})).await;
    assert_eq!(invalid_fields(&r, 422), ["strategy"]);
    let many: Vec<ExtensionId> = (0..51).map(|_| a.id).collect();
    let r = post(json!({"name": "Crowd", "members": many})).await;
    assert_eq!(
        message_for(&r, "members"),
        "must list at most 50 extensions"
    );

    // Falling back to itself would ring the same people forever.
    let g = ring_group(&api.state, t.org.id, &[a.id]).await;
    let r = admin
        .patch(
            &format!("/api/v1/ring-groups/{}", g.id),
            json!({"fallback": {"type": "ring_group", "id": g.id}}),
        )
        .await;
    assert_eq!(
        message_for(&r, "fallback"),
        "must not point at the object itself"
    );
    let r = admin.get("/api/v1/ring-groups").await;
    assert_eq!(r.ok()["total"], 1, "only the fixture group exists");
}

async fn what_routes_to_a_group_or_its_members_blocks_their_deletion(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let member = extension(&api.state, t.org.id, |_| {}).await;
    let g = ring_group(&api.state, t.org.id, &[member.id]).await;
    let pn = phone_number(
        &api.state,
        t.org.id,
        &unique_e164(),
        Destination::RingGroup { id: g.id },
    )
    .await;
    let at = format!("/api/v1/ring-groups/{}", g.id);
    assert_eq!(
        references(&admin.delete(&at).await),
        [("phone_number".to_owned(), pn.label.clone())]
    );
    // A member extension cannot go while the group lists it.
    let r = admin
        .delete(&format!("/api/v1/extensions/{}", member.id))
        .await;
    assert_eq!(references(&r), [("ring_group".to_owned(), g.name.clone())]);

    admin
        .patch(
            &format!("/api/v1/phone-numbers/{}", pn.id),
            json!({"destination": {"type": "hangup"}}),
        )
        .await
        .ok();
    assert_eq!(admin.delete(&at).await.status, 204);
    assert_eq!(
        admin
            .delete(&format!("/api/v1/extensions/{}", member.id))
            .await
            .status,
        204
    );
}

async fn the_list_searches_filters_and_sorts(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let member = extension(&api.state, t.org.id, |_| {}).await;
    for (name, active) in [
        ("Sales east", true),
        ("Sales west", false),
        ("Support", true),
    ] {
        let mut g = ring_group(&api.state, t.org.id, &[member.id]).await;
        g.name = name.into();
        if !active {
            g.status = opbx::domain::model::Status::Inactive;
        }
        api.state.store.update_ring_group(&g, &[]).await.unwrap();
    }
    let reader = Client::new(&api, &t, Role::PbxUser).await;
    let names = |r: &crate::fixtures::Reply| column(r, "name");
    assert_eq!(
        names(&reader.get("/api/v1/ring-groups").await),
        ["Sales east", "Sales west", "Support"]
    );
    assert_eq!(
        names(&reader.get("/api/v1/ring-groups?q=sales&sort=-name").await),
        ["Sales west", "Sales east"]
    );
    assert_eq!(
        names(&reader.get("/api/v1/ring-groups?status=inactive").await),
        ["Sales west"]
    );
    let r = reader.get("/api/v1/ring-groups?strategy=sequential").await;
    assert_eq!(invalid_fields(&r, 400), ["strategy"]);
}

async fn new_members_ring_on_the_next_call(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let line = Line::new(&api, t.org.id).await;
    let a = extension(&api.state, t.org.id, |_| {}).await;
    let b2 = extension(&api.state, t.org.id, |_| {}).await;
    let c = extension(&api.state, t.org.id, |_| {}).await;
    let g = ring_group(&api.state, t.org.id, &[a.id]).await;
    let did = phone_number(
        &api.state,
        t.org.id,
        &unique_e164(),
        Destination::RingGroup { id: g.id },
    )
    .await;
    assert_eq!(
        dialled(&line.inbound(did.number.as_str()).await),
        [a.number.as_str()]
    );

    Client::new(&api, &t, Role::Owner)
        .await
        .patch(
            &format!("/api/v1/ring-groups/{}", g.id),
            json!({"members": [c.id, b2.id]}),
        )
        .await
        .ok();
    assert_eq!(
        dialled(&line.inbound(did.number.as_str()).await),
        [c.number.as_str(), b2.number.as_str()]
    );
}

opbx_tests::on_both_backends!(
    admins_build_ring_groups_with_ordered_members,
    names_are_unique_ignoring_case,
    invalid_ring_groups_are_refused_naming_every_field,
    what_routes_to_a_group_or_its_members_blocks_their_deletion,
    the_list_searches_filters_and_sorts,
    new_members_ring_on_the_next_call,
);
