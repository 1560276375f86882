//! api-ivr-menus: `/api/v1/ivr-menus`.

use opbx::domain::destination::Destination;
use opbx::domain::ids::ExtensionId;
use opbx::domain::model::{IvrMenu, IvrOption, Role};
use opbx::ports::ivr_menus::IvrMenuRepo;
use opbx_tests::Backend;
use opbx_tests::numbers::unique_e164;
use serde_json::{Value, json};

use crate::cases::{ADMINS, Access, CONFIG_READERS, Case, Ctx, Prepared, prepare};
use crate::config_support::{
    Client, Line, column, extension, invalid_fields, menu, message_for, phone_number, references,
    spoken,
};
use crate::fixtures::Api;

async fn target(ctx: &Ctx) -> IvrMenu {
    menu(&ctx.state, ctx.org(), |_| {}).await
}

fn at(m: &IvrMenu) -> Prepared {
    Prepared::at(format!("/api/v1/ivr-menus/{}", m.id)).marker(&m.name)
}

pub fn cases() -> Vec<Case> {
    vec![
        Case::new(
            "GET",
            "/api/v1/ivr-menus",
            Access::Roles(CONFIG_READERS),
            |ctx| {
                prepare(async move {
                    let m = target(&ctx).await;
                    Prepared::at("/api/v1/ivr-menus").marker(m.name)
                })
            },
        ),
        Case::new("POST", "/api/v1/ivr-menus", Access::Roles(ADMINS), |_| {
            prepare(async {
                Prepared::at("/api/v1/ivr-menus").body(json!({
                    "name": format!("Menu {}", opbx_tests::unique()),
                    "prompt_text": "Press 1 to leave.",
                    "options": [{"digits": "1", "destination": {"type": "hangup"}}],
                }))
            })
        }),
        Case::new(
            "GET",
            "/api/v1/ivr-menus/{id}",
            Access::Roles(CONFIG_READERS),
            |ctx| prepare(async move { at(&target(&ctx).await) }),
        ),
        Case::new(
            "PATCH",
            "/api/v1/ivr-menus/{id}",
            Access::Roles(ADMINS),
            |ctx| prepare(async move { at(&target(&ctx).await).body(json!({"digit_timeout": 8})) }),
        ),
        Case::new(
            "DELETE",
            "/api/v1/ivr-menus/{id}",
            Access::Roles(ADMINS),
            |ctx| prepare(async move { at(&target(&ctx).await) }),
        ),
    ]
}

async fn admins_build_menus_whose_options_may_repeat_the_menu(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let sales = extension(&api.state, t.org.id, |_| {}).await;
    let created = admin
        .post(
            "/api/v1/ivr-menus",
            json!({
                "name": "Main",
                "prompt_text": "  For sales press 1.  ",
                "prompt_voice": "Polly:Joanna",
                "options": [
                    {"digits": " 1 ", "label": "Sales", "destination": {"type": "extension", "id": sales.id}},
                    {"digits": "*9#", "destination": {"type": "voicemail", "id": sales.id}},
                ],
                "direct_dial": true,
                "direct_dial_allowlist": [sales.id],
                "timeout_destination": {"type": "extension", "id": sales.id},
            }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let view = &created.json;
    assert_eq!(view["prompt_text"], "For sales press 1.");
    assert_eq!(view["options"][0]["digits"], "1");
    assert_eq!(view["options"][1]["label"], "");
    assert_eq!(
        (
            &view["digit_timeout"],
            &view["max_invalid"],
            &view["max_timeouts"]
        ),
        (&json!(5), &json!(3), &json!(3))
    );
    assert_eq!(view["invalid_destination"], json!({"type": "hangup"}));
    let id = view["id"].as_str().unwrap();
    let at = format!("/api/v1/ivr-menus/{id}");
    assert_eq!(
        Client::new(&api, &t, Role::PbxUser)
            .await
            .get(&at)
            .await
            .ok(),
        view
    );

    // "Press 9 to hear the menu again": an option leading back to its own menu is no loop.
    let mut options = view["options"].as_array().unwrap().clone();
    options.push(
        json!({"digits": "9", "label": "Repeat", "destination": {"type": "ivr_menu", "id": id}}),
    );
    let r = admin
        .patch(
            &at,
            json!({"options": options, "prompt_text": null, "prompt_audio_url": "https://cdn.example.com/main.mp3"}),
        )
        .await;
    assert_eq!(
        r.ok()["options"][2]["destination"],
        json!({"type": "ivr_menu", "id": id})
    );
    assert_eq!(
        (&r.json["prompt_text"], &r.json["prompt_audio_url"]),
        (&Value::Null, &json!("https://cdn.example.com/main.mp3"))
    );
    // Its own "repeat" option does not keep the menu from being deleted.
    assert_eq!(admin.delete(&at).await.status, 204);
}

async fn invalid_menus_are_refused_naming_every_field(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let other = api.tenant().await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let mine = extension(&api.state, t.org.id, |_| {}).await;
    let foreign = extension(&api.state, other.org.id, |_| {}).await;
    let r = admin
        .post(
            "/api/v1/ivr-menus",
            json!({
                "name": "Broken",
                "prompt_audio_url": "http://cdn.example.com/menu.mp3",
                "digit_timeout": 0,
                "max_invalid": 11,
                "max_timeouts": 0,
                "options": [
                    {"digits": "12345", "destination": {"type": "hangup"}},
                    {"digits": "1", "destination": {"type": "extension", "id": foreign.id}},
                    {"digits": "a", "destination": {"type": "hangup"}},
                    {"digits": "1", "destination": {"type": "hangup"}},
                ],
                "invalid_destination": {"type": "voicemail", "id": foreign.id},
                "direct_dial_allowlist": [mine.id, foreign.id, mine.id],
            }),
        )
        .await;
    assert_eq!(
        invalid_fields(&r, 422),
        [
            "prompt_audio_url",
            "digit_timeout",
            "max_invalid",
            "max_timeouts",
            "options[0].digits",
            "options[1].destination",
            "options[2].digits",
            "options[3].digits",
            "invalid_destination",
            "direct_dial_allowlist[1]",
            "direct_dial_allowlist[2]",
        ]
    );
    assert_eq!(
        message_for(&r, "prompt_audio_url"),
        "must be an https:// URL"
    );
    assert_eq!(
        message_for(&r, "options[3].digits"),
        "is used by another option"
    );
    assert_eq!(
        message_for(&r, "options[0].digits"),
        "must be 1 to 4 of the keys 0-9, * and #"
    );

    let r = admin
        .post(
            "/api/v1/ivr-menus",
            json!({"name": "Silent", "prompt_text": "  ", "prompt_voice": "Polly:Joanna"}),
        )
        .await;
    assert_eq!(invalid_fields(&r, 422), ["prompt_text"]);
    assert_eq!(message_for(&r, "prompt_text"), "must not be empty");
    let r = admin
        .post(
            "/api/v1/ivr-menus",
            json!({"name": "Silent", "prompt_voice": "Polly:Joanna"}),
        )
        .await;
    assert_eq!(invalid_fields(&r, 422), ["prompt_text"]);
    assert_eq!(
        message_for(&r, "prompt_text"),
        "a menu needs prompt_text, prompt_audio_url or prompt_recording_id"
    );

    // Running out of tries must lead out of the menu, never back into it.
    let m = menu(&api.state, t.org.id, |_| {}).await;
    let r = admin
        .patch(
            &format!("/api/v1/ivr-menus/{}", m.id),
            json!({"timeout_destination": {"type": "ivr_menu", "id": m.id},
                   "invalid_destination": {"type": "ivr_menu", "id": m.id}}),
        )
        .await;
    assert_eq!(
        invalid_fields(&r, 409),
        ["invalid_destination", "timeout_destination"]
    );
    let taken = admin
        .post(
            "/api/v1/ivr-menus",
            json!({"name": m.name.to_lowercase(), "prompt_text": "Hi"}),
        )
        .await;
    assert!(
        taken.problem(409).json["detail"]
            .as_str()
            .unwrap()
            .contains("IVR menu name")
    );
}

async fn menus_and_numbers_leading_to_a_menu_block_its_deletion(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let sub = menu(&api.state, t.org.id, |_| {}).await;
    let sub_id = sub.id;
    let main = menu(&api.state, t.org.id, |m| {
        m.name = "Main".into();
        m.options.push(IvrOption {
            digits: "2".into(),
            label: "More".into(),
            destination: Destination::IvrMenu { id: sub_id },
        });
    })
    .await;
    let pn = phone_number(
        &api.state,
        t.org.id,
        &unique_e164(),
        Destination::IvrMenu { id: sub.id },
    )
    .await;
    let r = admin.delete(&format!("/api/v1/ivr-menus/{}", sub.id)).await;
    assert_eq!(
        references(&r),
        [
            ("ivr_menu".to_owned(), "Main".to_owned()),
            ("phone_number".to_owned(), pn.label.clone())
        ]
    );
    // An allowlisted extension cannot go while the menu lists it.
    let ext = extension(&api.state, t.org.id, |_| {}).await;
    admin
        .patch(
            &format!("/api/v1/ivr-menus/{}", main.id),
            json!({"direct_dial": true, "direct_dial_allowlist": [ext.id]}),
        )
        .await
        .ok();
    let r = admin
        .delete(&format!("/api/v1/extensions/{}", ext.id))
        .await;
    assert_eq!(references(&r), [("ivr_menu".to_owned(), "Main".to_owned())]);
    let stored = api
        .state
        .store
        .find_ivr_menu(t.org.id, main.id)
        .await
        .unwrap();
    assert_eq!(
        stored.direct_dial_allowlist,
        Vec::<ExtensionId>::from([ext.id])
    );

    let list = admin.get("/api/v1/ivr-menus?sort=-name").await;
    assert_eq!(column(&list, "name")[1], "Main");
}

async fn a_new_prompt_is_heard_on_the_next_call(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let line = Line::new(&api, t.org.id).await;
    let m = menu(&api.state, t.org.id, |_| {}).await;
    let did = phone_number(
        &api.state,
        t.org.id,
        &unique_e164(),
        Destination::IvrMenu { id: m.id },
    )
    .await;
    assert_eq!(
        spoken(&line.inbound(did.number.as_str()).await),
        ["Welcome"]
    );

    Client::new(&api, &t, Role::PbxAdmin)
        .await
        .patch(
            &format!("/api/v1/ivr-menus/{}", m.id),
            json!({"prompt_text": "We have moved. Press 1."}),
        )
        .await
        .ok();
    assert_eq!(
        spoken(&line.inbound(did.number.as_str()).await),
        ["We have moved. Press 1."]
    );
}

opbx_tests::on_both_backends!(
    admins_build_menus_whose_options_may_repeat_the_menu,
    invalid_menus_are_refused_naming_every_field,
    menus_and_numbers_leading_to_a_menu_block_its_deletion,
    a_new_prompt_is_heard_on_the_next_call,
);
