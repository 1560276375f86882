//! api-announcements: `/api/v1/announcements`, and the recordings that greetings, hold music and
//! announcements play (validated per organization, guarded on delete, listed as references).

use opbx::app::AppState;
use opbx::domain::destination::Destination;
use opbx::domain::ids::{AnnouncementId, OrgId};
use opbx::domain::model::{Announcement, Role};
use opbx::domain::now_ms;
use opbx::ports::announcements::AnnouncementRepo;
use opbx_tests::model::stored_recording;
use opbx_tests::numbers::unique_e164;
use opbx_tests::{Backend, unique};
use serde_json::json;

use crate::cases::{ADMINS, Access, CONFIG_READERS, Case, Ctx, Prepared, prepare};
use crate::config_support::{
    Client, extension, invalid_fields, message_for, phone_number, references, room,
};
use crate::fixtures::Api;
use crate::recordings::greeting_wav;

/// A spoken announcement of `org` that hangs up after.
pub async fn announcement(
    state: &AppState,
    org: OrgId,
    edit: impl FnOnce(&mut Announcement),
) -> Announcement {
    let now = now_ms();
    let mut a = Announcement {
        id: AnnouncementId::new(),
        organization_id: org,
        name: format!("Notice {}", unique()),
        recording_id: None,
        text: Some("Calls may be recorded.".into()),
        voice: None,
        next: Destination::Hangup,
        created_at: now,
        updated_at: now,
    };
    edit(&mut a);
    state.store.create_announcement(&a, &[]).await.unwrap();
    a
}

async fn target(ctx: &Ctx) -> Announcement {
    announcement(&ctx.state, ctx.org(), |_| {}).await
}

fn at(a: &Announcement) -> Prepared {
    Prepared::at(format!("/api/v1/announcements/{}", a.id)).marker(&a.name)
}

pub fn cases() -> Vec<Case> {
    vec![
        Case::new(
            "GET",
            "/api/v1/announcements",
            Access::Roles(CONFIG_READERS),
            |ctx| {
                prepare(async move {
                    let a = target(&ctx).await;
                    Prepared::at("/api/v1/announcements").marker(a.name)
                })
            },
        ),
        Case::new(
            "POST",
            "/api/v1/announcements",
            Access::Roles(ADMINS),
            |_| {
                prepare(async {
                    Prepared::at("/api/v1/announcements").body(json!({
                        "name": format!("Notice {}", unique()),
                        "text": "Welcome.",
                        "next": {"type": "hangup"}
                    }))
                })
            },
        ),
        Case::new(
            "GET",
            "/api/v1/announcements/{id}",
            Access::Roles(CONFIG_READERS),
            |ctx| prepare(async move { at(&target(&ctx).await) }),
        ),
        Case::new(
            "PATCH",
            "/api/v1/announcements/{id}",
            Access::Roles(ADMINS),
            |ctx| prepare(async move { at(&target(&ctx).await).body(json!({"voice": "woman"})) }),
        ),
        Case::new(
            "DELETE",
            "/api/v1/announcements/{id}",
            Access::Roles(ADMINS),
            |ctx| prepare(async move { at(&target(&ctx).await) }),
        ),
    ]
}

async fn an_announcement_plays_something_then_goes_somewhere_of_its_own(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let other = api.tenant().await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let mine = stored_recording(&api.state, t.org.id, greeting_wav()).await;
    let theirs = stored_recording(&api.state, other.org.id, greeting_wav()).await;
    let their_room = room(&api.state, other.org.id, |_| {}).await;

    let silent = admin
        .post(
            "/api/v1/announcements",
            json!({"name": "Silent", "next": {"type": "hangup"}}),
        )
        .await;
    assert_eq!(invalid_fields(&silent, 422), ["text"]);
    assert_eq!(
        message_for(&silent, "text"),
        "an announcement needs recording_id or text"
    );
    let foreign = admin
        .post(
            "/api/v1/announcements",
            json!({
                "name": "Foreign",
                "recording_id": theirs.id,
                "next": {"type": "conference_room", "id": their_room.id}
            }),
        )
        .await;
    assert_eq!(invalid_fields(&foreign, 409), ["recording_id", "next"]);
    assert_eq!(
        message_for(&foreign, "recording_id"),
        "no such recording in your organization"
    );

    let created = admin
        .post(
            "/api/v1/announcements",
            json!({
                "name": " Recorded notice ",
                "recording_id": mine.id,
                "text": "Calls may be recorded.",
                "next": {"type": "hangup"}
            }),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.json["id"].as_str().unwrap().to_owned();
    assert_eq!(
        (
            &created.json["name"],
            &created.json["recording_id"],
            &created.json["voice"],
            &created.json["next"]
        ),
        (
            &json!("Recorded notice"),
            &json!(mine.id),
            &json!(null),
            &json!({"type": "hangup"})
        )
    );
    let again = admin
        .post(
            "/api/v1/announcements",
            json!({"name": "RECORDED NOTICE", "text": "x", "next": {"type": "hangup"}}),
        )
        .await;
    again.problem(409);

    let itself = admin
        .patch(
            &format!("/api/v1/announcements/{id}"),
            json!({"next": {"type": "announcement", "id": id}}),
        )
        .await;
    assert_eq!(invalid_fields(&itself, 409), ["next"]);
    let nothing_left = admin
        .patch(
            &format!("/api/v1/announcements/{id}"),
            json!({"recording_id": null, "text": null}),
        )
        .await;
    assert_eq!(invalid_fields(&nothing_left, 409), ["text"]);
    let spoken = admin
        .patch(
            &format!("/api/v1/announcements/{id}"),
            json!({"recording_id": null, "voice": "woman"}),
        )
        .await;
    assert_eq!(
        (&spoken.ok()["recording_id"], &spoken.json["text"]),
        (&json!(null), &json!("Calls may be recorded."))
    );
}

async fn what_routes_to_an_announcement_and_what_it_plays_cannot_be_deleted(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let recording = stored_recording(&api.state, t.org.id, greeting_wav()).await;
    let notice = announcement(&api.state, t.org.id, |a| {
        a.name = "Recorded notice".into();
        a.recording_id = Some(recording.id);
    })
    .await;
    let to_notice = Destination::Announcement { id: notice.id };
    let number = phone_number(&api.state, t.org.id, &unique_e164(), to_notice).await;
    let ext = extension(&api.state, t.org.id, |e| {
        e.voicemail_greeting_recording_id = Some(recording.id);
    })
    .await;
    let hold = room(&api.state, t.org.id, |r| {
        r.name = "Board".into();
        r.hold_music_recording_id = Some(recording.id);
    })
    .await;

    let refused = admin
        .delete(&format!("/api/v1/announcements/{}", notice.id))
        .await;
    assert_eq!(
        references(&refused),
        [("phone_number".to_owned(), number.label.clone())]
    );
    let routed_here = admin
        .get(&format!(
            "/api/v1/routing/references/announcement/{}",
            notice.id
        ))
        .await;
    assert_eq!(routed_here.ok()["data"][0]["id"], json!(number.id));

    let expected = vec![
        ("announcement".to_owned(), "Recorded notice".to_owned()),
        ("conference_room".to_owned(), "Board".to_owned()),
        ("extension".to_owned(), ext.number.to_string()),
    ];
    let in_use = admin
        .delete(&format!("/api/v1/recordings/{}", recording.id))
        .await;
    assert_eq!(references(&in_use), expected);
    let played_by = admin
        .get(&format!(
            "/api/v1/routing/references/recording/{}",
            recording.id
        ))
        .await;
    let listed: Vec<(String, String)> = played_by.ok()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["object_type"].as_str().unwrap().to_owned(),
                r["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(listed, expected);
    let unknown = admin
        .get(&format!(
            "/api/v1/routing/references/recording/{}",
            opbx::domain::ids::RecordingId::new()
        ))
        .await;
    unknown.problem(404);

    admin
        .patch(
            &format!("/api/v1/extensions/{}", ext.id),
            json!({"voicemail_greeting_recording_id": null}),
        )
        .await
        .ok();
    admin
        .patch(
            &format!("/api/v1/conference-rooms/{}", hold.id),
            json!({"hold_music_recording_id": null}),
        )
        .await
        .ok();
    admin
        .patch(
            &format!("/api/v1/phone-numbers/{}", number.id),
            json!({"destination": {"type": "hangup"}}),
        )
        .await
        .ok();
    let gone = admin
        .delete(&format!("/api/v1/announcements/{}", notice.id))
        .await;
    assert_eq!(gone.status, 204, "{}", gone.text);
    let free = admin
        .delete(&format!("/api/v1/recordings/{}", recording.id))
        .await;
    assert_eq!(free.status, 204, "{}", free.text);
}

async fn greetings_and_hold_music_are_recordings_of_the_organization(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let other = api.tenant().await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let mine = stored_recording(&api.state, t.org.id, greeting_wav()).await;
    let theirs = stored_recording(&api.state, other.org.id, greeting_wav()).await;
    let ext = extension(&api.state, t.org.id, |_| {}).await;
    let r = room(&api.state, t.org.id, |_| {}).await;

    let foreign = admin
        .patch(
            &format!("/api/v1/extensions/{}", ext.id),
            json!({"voicemail_greeting_recording_id": theirs.id}),
        )
        .await;
    assert_eq!(
        invalid_fields(&foreign, 409),
        ["voicemail_greeting_recording_id"]
    );
    let foreign = admin
        .patch(
            &format!("/api/v1/conference-rooms/{}", r.id),
            json!({"hold_music_recording_id": theirs.id}),
        )
        .await;
    assert_eq!(invalid_fields(&foreign, 409), ["hold_music_recording_id"]);
    let bad_email = admin
        .patch(
            &format!("/api/v1/extensions/{}", ext.id),
            json!({"voicemail_email": "not an address"}),
        )
        .await;
    assert_eq!(invalid_fields(&bad_email, 422), ["voicemail_email"]);

    let set = admin
        .patch(
            &format!("/api/v1/extensions/{}", ext.id),
            json!({
                "voicemail_greeting_recording_id": mine.id,
                "voicemail_email": " Ann@Example.com "
            }),
        )
        .await;
    assert_eq!(
        (
            &set.ok()["voicemail_greeting_recording_id"],
            &set.json["voicemail_email"]
        ),
        (&json!(mine.id), &json!("ann@example.com"))
    );
    let set = admin
        .patch(
            &format!("/api/v1/conference-rooms/{}", r.id),
            json!({"hold_music_recording_id": mine.id}),
        )
        .await;
    assert_eq!(set.ok()["hold_music_recording_id"], json!(mine.id));

    // A PBX user sets the greeting and the address of their own mailbox.
    let user = t.user(Role::PbxUser).clone();
    let own = extension(&api.state, t.org.id, |e| e.user_id = Some(user.id)).await;
    let pbx_user = Client::new(&api, &t, Role::PbxUser).await;
    let mine_too = pbx_user
        .patch(
            &format!("/api/v1/extensions/{}", own.id),
            json!({"voicemail_greeting_recording_id": mine.id, "voicemail_email": null}),
        )
        .await;
    assert_eq!(
        mine_too.ok()["voicemail_greeting_recording_id"],
        json!(mine.id)
    );
}

async fn the_simulator_and_the_call_flow_show_announcements(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let recording = stored_recording(&api.state, t.org.id, greeting_wav()).await;
    let closed = announcement(&api.state, t.org.id, |a| {
        a.text = Some("We are closed today.".into());
    })
    .await;
    let welcome = announcement(&api.state, t.org.id, |a| {
        a.recording_id = Some(recording.id);
        a.next = Destination::Announcement { id: closed.id };
    })
    .await;
    let number = phone_number(
        &api.state,
        t.org.id,
        &unique_e164(),
        Destination::Announcement { id: welcome.id },
    )
    .await;

    let sim = admin
        .post(
            "/api/v1/routing/simulate",
            json!({"to": number.number.to_string()}),
        )
        .await;
    let kinds: Vec<&str> = sim.ok()["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["destination"]["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["announcement", "announcement", "hangup"]);
    let cxml = sim.json["cxml"].as_str().unwrap();
    let play = cxml.find("<Play>").expect("the recording plays");
    let say = cxml
        .find("<Say>We are closed today.</Say>")
        .expect("then the text");
    assert!(play < say && cxml.contains("/media/"), "{cxml}");
    assert!(cxml.ends_with("<Hangup/></Response>"), "{cxml}");

    let flow = admin
        .get(&format!("/api/v1/routing/call-flow/{}", number.id))
        .await;
    let nodes = flow.ok()["nodes"].as_array().unwrap();
    let node = |id: AnnouncementId| {
        nodes
            .iter()
            .find(|n| n["id"] == json!(id))
            .unwrap_or_else(|| panic!("no node for {id}: {}", flow.text))
    };
    assert_eq!(
        (&node(welcome.id)["kind"], &node(welcome.id)["recording_id"]),
        (&json!("announcement"), &json!(recording.id))
    );
    assert_eq!(
        node(closed.id)["notes"],
        json!(["says \"We are closed today.\""])
    );
    let edges = flow.json["edges"].as_array().unwrap();
    assert!(edges.iter().any(
        |e| e["from"] == json!(format!("announcement:{}", welcome.id))
            && e["to"] == json!(format!("announcement:{}", closed.id))
            && e["label"] == "then"
    ));
}

opbx_tests::on_both_backends!(
    the_simulator_and_the_call_flow_show_announcements,
    an_announcement_plays_something_then_goes_somewhere_of_its_own,
    what_routes_to_an_announcement_and_what_it_plays_cannot_be_deleted,
    greetings_and_hold_music_are_recordings_of_the_organization,
);
