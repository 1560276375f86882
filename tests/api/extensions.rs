//! api-extensions: `/api/v1/extensions`.

use opbx::domain::destination::Destination;
use opbx::domain::model::{Extension, Role, Status};
use opbx::ports::audit_log::{AuditFilter, AuditLogRepo};
use opbx::ports::extensions::ExtensionRepo;
use opbx::ports::phone_numbers::PhoneNumberRepo;
use opbx::ports::store::PageRequest;
use opbx_tests::Backend;
use opbx_tests::numbers::unique_e164;
use serde_json::{Value, json};

use crate::cases::{ADMINS, Access, CONFIG_READERS, Case, Ctx, Prepared, prepare};
use crate::config_support::{
    Client, Line, column, dialled, extension, fresh_number, invalid_fields, message_for,
    phone_number, references, room,
};
use crate::fixtures::{Api, add_user};

/// An extension in the row's tenant, linked to the user sending the request.
async fn own(ctx: &Ctx) -> Extension {
    let user = ctx.user().id;
    extension(&ctx.state, ctx.org(), |e| e.user_id = Some(user)).await
}

fn at(ext: &Extension, rest: &str) -> Prepared {
    Prepared::at(format!("/api/v1/extensions/{}{rest}", ext.id)).marker(&ext.display_name)
}

pub fn cases() -> Vec<Case> {
    vec![
        Case::new(
            "GET",
            "/api/v1/extensions",
            Access::Roles(CONFIG_READERS),
            |ctx| {
                prepare(async move {
                    let e = own(&ctx).await;
                    Prepared::at("/api/v1/extensions?per_page=100").marker(e.display_name)
                })
            },
        ),
        Case::new("POST", "/api/v1/extensions", Access::Roles(ADMINS), |_| {
            prepare(async {
                Prepared::at("/api/v1/extensions")
                    .body(json!({"number": fresh_number(), "name": "New phone"}))
            })
        }),
        Case::new(
            "GET",
            "/api/v1/extensions/{id}",
            Access::Roles(CONFIG_READERS),
            |ctx| prepare(async move { at(&own(&ctx).await, "") }),
        ),
        Case::new(
            "PATCH",
            "/api/v1/extensions/{id}",
            Access::Roles(CONFIG_READERS),
            |ctx| {
                prepare(
                    async move { at(&own(&ctx).await, "").body(json!({"do_not_disturb": true})) },
                )
            },
        ),
        Case::new(
            "DELETE",
            "/api/v1/extensions/{id}",
            Access::Roles(ADMINS),
            |ctx| prepare(async move { at(&own(&ctx).await, "") }),
        ),
        Case::new(
            "POST",
            "/api/v1/extensions/{id}/sip-password/reveal",
            Access::Roles(CONFIG_READERS),
            |ctx| prepare(async move { at(&own(&ctx).await, "/sip-password/reveal") }),
        ),
        Case::new(
            "POST",
            "/api/v1/extensions/{id}/sip-password/rotate",
            Access::Roles(CONFIG_READERS),
            |ctx| prepare(async move { at(&own(&ctx).await, "/sip-password/rotate") }),
        ),
    ]
}

fn uri(id: &Value) -> String {
    format!("/api/v1/extensions/{}", id.as_str().unwrap())
}

async fn admins_create_extensions_whose_sip_password_is_sealed_and_masked(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let number = fresh_number();
    let created = admin
        .post(
            "/api/v1/extensions",
            json!({"number": format!(" {number} "), "name": "  Front desk "}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let view = created.json.clone();
    assert_eq!(view["number"], number.as_str());
    assert_eq!(view["name"], "Front desk");
    assert_eq!(view["sip_password"], "********");
    assert_eq!(
        (
            &view["status"],
            &view["no_answer_timeout"],
            &view["voicemail_enabled"]
        ),
        (&json!("active"), &json!(20), &json!(true))
    );
    assert_eq!(admin.get(&uri(&view["id"])).await.ok(), &view);

    // Stored sealed; reveal shows what was generated, and it is audited.
    let id = view["id"].as_str().unwrap().parse().unwrap();
    let stored = api.state.store.find_extension(t.org.id, id).await.unwrap();
    let generated = api
        .state
        .secrets
        .open(
            opbx::crypto::SealedColumn::SIP_PASSWORD,
            &id.to_string(),
            &stored.sip_password_enc,
        )
        .unwrap();
    assert_eq!(generated.len(), 20);
    assert!(!stored.sip_password_enc.contains(&generated));
    let revealed = admin
        .act(&format!("{}/sip-password/reveal", uri(&view["id"])))
        .await;
    assert_eq!(revealed.ok()["sip_password"], generated.as_str());

    // Rotation answers the new one once; later reads stay masked.
    let rotated = admin
        .act(&format!("{}/sip-password/rotate", uri(&view["id"])))
        .await;
    let fresh = rotated.ok()["sip_password"].as_str().unwrap().to_owned();
    assert_ne!(fresh, generated);
    let revealed = admin
        .act(&format!("{}/sip-password/reveal", uri(&view["id"])))
        .await;
    assert_eq!(revealed.ok()["sip_password"], fresh.as_str());
    assert_eq!(
        admin.get(&uri(&view["id"])).await.ok()["sip_password"],
        "********"
    );

    // A chosen password is kept as given.
    let chosen = admin
        .post(
            "/api/v1/extensions",
            json!({"number": fresh_number(), "name": "Lab", "sip_password": "Amber3Falcon7River!4"}),
        )
        .await;
    let revealed = admin
        .act(&format!("{}/sip-password/reveal", uri(&chosen.ok()["id"])))
        .await;
    assert_eq!(revealed.ok()["sip_password"], "Amber3Falcon7River!4");

    let audit = api
        .state
        .store
        .list_audit(
            t.org.id,
            &AuditFilter {
                object_id: Some(id.to_string()),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
    let actions: Vec<&str> = audit.items.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "reveal_sip_password",
            "rotate_sip_password",
            "reveal_sip_password",
            "create"
        ]
    );
    let logged = serde_json::to_string(&audit.items).unwrap();
    assert!(!logged.contains(&generated) && !logged.contains(&fresh));
}

async fn sip_passwords_are_for_admins_and_the_phones_own_user_only(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let user = t.user(Role::PbxUser).id;
    let reporter = t.user(Role::Reporter).id;
    let mine = extension(&api.state, t.org.id, |e| e.user_id = Some(user)).await;
    let theirs = extension(&api.state, t.org.id, |_| {}).await;
    let reporters = extension(&api.state, t.org.id, |e| e.user_id = Some(reporter)).await;
    let reveal = |e: &Extension| format!("/api/v1/extensions/{}/sip-password/reveal", e.id);
    let rotate = |e: &Extension| format!("/api/v1/extensions/{}/sip-password/rotate", e.id);

    let pbx_user = Client::new(&api, &t, Role::PbxUser).await;
    assert_eq!(
        pbx_user.act(&reveal(&mine)).await.ok()["sip_password"],
        "fixture-sip-password"
    );
    pbx_user.act(&reveal(&theirs)).await.problem(403);
    pbx_user.act(&rotate(&theirs)).await.problem(403);
    // Reporters see no configuration, their own phone included.
    let as_reporter = Client::new(&api, &t, Role::Reporter).await;
    as_reporter.act(&reveal(&reporters)).await.problem(403);
    as_reporter
        .get(&format!("/api/v1/extensions/{}", reporters.id))
        .await
        .problem(403);
    // Neither the list nor one extension ever carries a password.
    let owner = Client::new(&api, &t, Role::Owner).await;
    let list = owner.get("/api/v1/extensions").await;
    assert!(!list.text.contains("fixture-sip-password"));
    assert_eq!(column(&list, "sip_password"), ["********"; 3]);
}

async fn numbers_are_unique_among_extensions_and_conference_rooms(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let taken = extension(&api.state, t.org.id, |_| {}).await;
    let r = admin
        .post(
            "/api/v1/extensions",
            json!({"number": taken.number.as_str(), "name": "Twin"}),
        )
        .await;
    assert!(
        r.problem(409).json["detail"]
            .as_str()
            .unwrap()
            .contains("extension number")
    );

    let board_number = fresh_number();
    let n = board_number.clone();
    room(&api.state, t.org.id, |r| {
        r.name = "Board".into();
        r.number = Some(n.parse().unwrap());
    })
    .await;
    let r = admin
        .post(
            "/api/v1/extensions",
            json!({"number": board_number, "name": "Clash"}),
        )
        .await;
    let detail = r.problem(409).json["detail"].as_str().unwrap().to_owned();
    assert!(
        detail.contains("extension number") && detail.contains("\"Board\""),
        "{detail}"
    );
    admin
        .patch(
            &format!("/api/v1/extensions/{}", taken.id),
            json!({"number": board_number}),
        )
        .await
        .problem(409);

    // Another organization may use the same numbers.
    let other = api.tenant().await;
    let elsewhere = Client::new(&api, &other, Role::Owner).await;
    let r = elsewhere
        .post(
            "/api/v1/extensions",
            json!({"number": taken.number.as_str(), "name": "Same number"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let unchanged = api
        .state
        .store
        .find_extension(t.org.id, taken.id)
        .await
        .unwrap();
    assert_eq!(unchanged.number, taken.number);
}

async fn invalid_extensions_are_refused_naming_every_field(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let other = api.tenant().await;
    let foreign_user = other.user(Role::PbxUser).id;
    let foreign_ext = extension(&api.state, other.org.id, |_| {}).await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let r = admin
        .post(
            "/api/v1/extensions",
            json!({
                "number": fresh_number(),
                "name": " ",
                "sip_password": "short",
                "no_answer_timeout": 3,
                "voicemail_greeting": "http://cdn.example.com/greeting.mp3",
                "user_id": foreign_user,
                "forward_always": {"type": "extension", "id": foreign_ext.id},
                "no_answer": {"type": "voicemail", "id": foreign_ext.id},
            }),
        )
        .await;
    assert_eq!(
        invalid_fields(&r, 422),
        [
            "name",
            "sip_password",
            "no_answer_timeout",
            "voicemail_greeting",
            "user_id",
            "forward_always",
            "no_answer"
        ]
    );
    assert_eq!(
        message_for(&r, "no_answer_timeout"),
        "must be 5 to 120 seconds"
    );
    assert_eq!(
        message_for(&r, "forward_always"),
        "no such extension in your organization"
    );

    for (body, field) in [
        (json!({"number": "12a", "name": "x"}), "number"),
        (json!({"number": "1", "name": "x"}), "number"),
        (json!({"name": "x"}), "number"),
        (
            json!({"number": fresh_number(), "name": "x", "colour": "red"}),
            "colour",
        ),
        (
            json!({"number": fresh_number(), "name": "x", "forward_always": {"type": "extension", "id": "ext-13"}}),
            "forward_always.id",
        ),
    ] {
        let r = admin.post("/api/v1/extensions", body).await;
        assert_eq!(invalid_fields(&r, 422)[0], field, "{}", r.text);
    }

    // An extension forwarding to itself would ring itself forever; to its own voicemail is fine.
    let e = extension(&api.state, t.org.id, |_| {}).await;
    let at = format!("/api/v1/extensions/{}", e.id);
    let r = admin
        .patch(
            &at,
            json!({"forward_always": {"type": "extension", "id": e.id}}),
        )
        .await;
    // Well formed: it conflicts with which object is being changed (409).
    assert_eq!(invalid_fields(&r, 409), ["forward_always"]);
    assert_eq!(
        message_for(&r, "forward_always"),
        "must not point at the object itself"
    );
    let r = admin
        .patch(
            &at,
            json!({"no_answer": {"type": "voicemail", "id": e.id}, "no_answer_timeout": 30}),
        )
        .await;
    assert_eq!(
        r.ok()["no_answer"],
        json!({"type": "voicemail", "id": e.id})
    );
    // null clears.
    let r = admin.patch(&at, json!({"no_answer": null})).await;
    assert_eq!(r.ok()["no_answer"], Value::Null);
    assert_eq!(r.json["no_answer_timeout"], 30);
}

async fn pbx_users_change_only_the_call_handling_of_their_own_extensions(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let user = t.user(Role::PbxUser).id;
    let mine = extension(&api.state, t.org.id, |e| e.user_id = Some(user)).await;
    let colleague = extension(&api.state, t.org.id, |_| {}).await;
    let pbx_user = Client::new(&api, &t, Role::PbxUser).await;
    let at = |e: &Extension| format!("/api/v1/extensions/{}", e.id);

    let r = pbx_user
        .patch(
            &at(&mine),
            json!({
                "do_not_disturb": true,
                "forward_always": {"type": "extension", "id": colleague.id},
                "voicemail_greeting": "Back on Monday.",
            }),
        )
        .await;
    assert_eq!(r.ok()["do_not_disturb"], true);
    assert_eq!(r.json["voicemail_greeting"], "Back on Monday.");

    for (body, names) in [
        (json!({"name": "Mine now"}), "name"),
        (
            json!({"status": "inactive", "do_not_disturb": false}),
            "status",
        ),
        (json!({"user_id": null}), "user_id"),
        (
            json!({"number": fresh_number(), "sip_password": "Amber3Falcon7River!4"}),
            "number, sip_password",
        ),
    ] {
        let r = pbx_user.patch(&at(&mine), body).await;
        let detail = r.problem(403).json["detail"].as_str().unwrap().to_owned();
        assert!(detail.ends_with(&format!("change {names}.")), "{detail}");
    }
    pbx_user
        .patch(&at(&colleague), json!({"do_not_disturb": true}))
        .await
        .problem(403);
    pbx_user.delete(&at(&mine)).await.problem(403);
    pbx_user
        .post(
            "/api/v1/extensions",
            json!({"number": fresh_number(), "name": "Extra"}),
        )
        .await
        .problem(403);

    let saved = api
        .state
        .store
        .find_extension(t.org.id, mine.id)
        .await
        .unwrap();
    assert_eq!(
        (saved.display_name, saved.status),
        (mine.display_name, Status::Active)
    );
    assert!(saved.do_not_disturb);
    let untouched = api
        .state
        .store
        .find_extension(t.org.id, colleague.id)
        .await
        .unwrap();
    assert!(!untouched.do_not_disturb);
}

async fn users_linked_to_extensions_belong_to_the_organization(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let owner = Client::new(&api, &t, Role::Owner).await;
    let person = add_user(&api.state, &t.org, Role::PbxUser).await;
    let r = owner
        .post(
            "/api/v1/extensions",
            json!({"number": fresh_number(), "name": "Desk", "user_id": person.id}),
        )
        .await;
    assert_eq!(r.ok()["user_id"], person.id.to_string());
    let at = uri(&r.json["id"]);
    assert_eq!(
        owner.patch(&at, json!({"user_id": null})).await.ok()["user_id"],
        Value::Null
    );
}

async fn deleting_an_extension_something_routes_to_names_the_referrers(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let e = extension(&api.state, t.org.id, |_| {}).await;
    let pn = phone_number(
        &api.state,
        t.org.id,
        &unique_e164(),
        Destination::Voicemail { id: e.id },
    )
    .await;
    let at = format!("/api/v1/extensions/{}", e.id);
    let r = admin.delete(&at).await;
    assert_eq!(
        references(&r),
        [("phone_number".to_owned(), pn.label.clone())]
    );
    assert!(r.json["detail"].as_str().unwrap().contains(&pn.label));

    api.state
        .store
        .delete_phone_number(t.org.id, pn.id, &[])
        .await
        .unwrap();
    assert_eq!(admin.delete(&at).await.status, 204);
    admin.get(&at).await.problem(404);
    admin.delete(&at).await.problem(404);
}

async fn the_list_searches_filters_sorts_and_pages(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let reader = Client::new(&api, &t, Role::PbxUser).await;
    let mut made = Vec::new();
    for name in ["Alpha desk", "Bravo desk", "Charlie lab"] {
        let n = name.to_owned();
        made.push(extension(&api.state, t.org.id, |e| e.display_name = n).await);
    }
    let mut inactive = made[2].clone();
    inactive.status = Status::Inactive;
    api.state
        .store
        .update_extension(&inactive, &[])
        .await
        .unwrap();

    let all = reader.get("/api/v1/extensions").await;
    assert_eq!(
        column(&all, "name"),
        ["Alpha desk", "Bravo desk", "Charlie lab"],
        "by number"
    );
    let desks = reader.get("/api/v1/extensions?q=DESK&sort=-name").await;
    assert_eq!(column(&desks, "name"), ["Bravo desk", "Alpha desk"]);
    let by_number = reader
        .get(&format!("/api/v1/extensions?q={}", made[1].number))
        .await;
    assert_eq!(column(&by_number, "name"), ["Bravo desk"]);
    let inactive = reader.get("/api/v1/extensions?status=inactive").await;
    assert_eq!(column(&inactive, "name"), ["Charlie lab"]);
    let page = reader.get("/api/v1/extensions?per_page=2&page=2").await;
    assert_eq!(
        (page.ok()["total"].clone(), column(&page, "name")),
        (json!(3), vec!["Charlie lab".to_owned()])
    );
    let r = reader
        .get("/api/v1/extensions?sort=sip_password_enc&user=me")
        .await;
    assert_eq!(invalid_fields(&r, 400), ["sort", "user"]);
}

async fn forwarding_set_through_the_api_routes_the_next_call(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let line = Line::new(&api, t.org.id).await;
    let desk = extension(&api.state, t.org.id, |_| {}).await;
    let mobile = extension(&api.state, t.org.id, |_| {}).await;
    let did = phone_number(
        &api.state,
        t.org.id,
        &unique_e164(),
        Destination::Extension { id: desk.id },
    )
    .await;
    assert_eq!(
        dialled(&line.inbound(did.number.as_str()).await),
        [desk.number.as_str()]
    );

    let owner = Client::new(&api, &t, Role::Owner).await;
    owner
        .patch(
            &format!("/api/v1/extensions/{}", desk.id),
            json!({"forward_always": {"type": "extension", "id": mobile.id}}),
        )
        .await
        .ok();
    assert_eq!(
        dialled(&line.inbound(did.number.as_str()).await),
        [mobile.number.as_str()]
    );
}

/// 18.12: a database writer who copies one extension's sealed SIP password onto another row
/// (their own phone's) learns nothing by revealing it there.
async fn a_sealed_password_moved_to_another_extension_reveals_nothing(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let victim = extension(&api.state, t.org.id, |_| {}).await;
    let mut mine = extension(&api.state, t.org.id, |_| {}).await;
    mine.sip_password_enc = victim.sip_password_enc.clone();
    api.state.store.update_extension(&mine, &[]).await.unwrap();
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let r = admin
        .act(&format!(
            "/api/v1/extensions/{}/sip-password/reveal",
            mine.id
        ))
        .await;
    r.problem(500);
    assert!(!r.text.contains("fixture-sip-password"), "{}", r.text);
    let own = admin
        .act(&format!(
            "/api/v1/extensions/{}/sip-password/reveal",
            victim.id
        ))
        .await;
    assert_eq!(own.ok()["sip_password"], "fixture-sip-password");
}

opbx_tests::on_both_backends!(
    a_sealed_password_moved_to_another_extension_reveals_nothing,
    admins_create_extensions_whose_sip_password_is_sealed_and_masked,
    sip_passwords_are_for_admins_and_the_phones_own_user_only,
    numbers_are_unique_among_extensions_and_conference_rooms,
    invalid_extensions_are_refused_naming_every_field,
    pbx_users_change_only_the_call_handling_of_their_own_extensions,
    users_linked_to_extensions_belong_to_the_organization,
    deleting_an_extension_something_routes_to_names_the_referrers,
    the_list_searches_filters_sorts_and_pages,
    forwarding_set_through_the_api_routes_the_next_call,
);
