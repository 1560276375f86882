//! api-voicemail: `/api/v1/voicemail`.

use opbx::app::AppState;
use opbx::domain::ids::{ExtensionId, OrgId, VoicemailId};
use opbx::domain::model::{Role, VoicemailMessage};
use opbx::domain::now_ms;
use opbx::ports::audit_log::{AuditFilter, AuditLogRepo};
use opbx::ports::media::{MediaError, MediaKey};
use opbx::ports::store::{PageRequest, StoreError};
use opbx::ports::voicemail::VoicemailRepo;
use opbx_tests::numbers::unique_e164;
use opbx_tests::{Backend, unique};
use serde_json::json;

use crate::call_logs::add_extension;
use crate::cases::{Access, Case, Ctx, Prepared, STAFF, prepare};
use crate::fixtures::{Api, Reply, send};
use crate::recordings::greeting_wav;

async fn leave_message(
    state: &AppState,
    org: OrgId,
    extension: ExtensionId,
    heard: bool,
) -> VoicemailMessage {
    let message = VoicemailMessage {
        id: VoicemailId::new(),
        organization_id: org,
        extension_id: extension,
        call_sid: format!("CA-{}", unique()),
        from_number: unique_e164(),
        recording_url: format!("https://recordings.example.com/{}.mp3", unique()),
        duration_seconds: 12,
        heard,
        created_at: now_ms(),
        audio_stored_at: None,
        emailed_at: None,
    };
    assert!(state.store.create_voicemail(&message).await.unwrap());
    message
}

/// A message in a mailbox of the row's caller; its caller's number is the marker.
async fn callers_message(ctx: &Ctx, heard: bool) -> VoicemailMessage {
    let ext = add_extension(&ctx.state, ctx.org(), Some(ctx.user().id)).await;
    leave_message(&ctx.state, ctx.org(), ext.id, heard).await
}

/// Puts `audio` where the copy job would and records the copy.
async fn store_audio(state: &AppState, message: &VoicemailMessage, audio: Vec<u8>) {
    let key = MediaKey::voicemail(message.organization_id, message.id);
    state
        .media
        .put(&key, "audio/wav", audio.into())
        .await
        .unwrap();
    state
        .store
        .mark_voicemail_audio_stored(message.organization_id, message.id, now_ms())
        .await
        .unwrap();
}

pub fn cases() -> Vec<Case> {
    vec![
        Case::new("GET", "/api/v1/voicemail", Access::Roles(STAFF), |ctx| {
            prepare(async move {
                let m = callers_message(&ctx, false).await;
                Prepared::at("/api/v1/voicemail").marker(m.from_number)
            })
        }),
        Case::new(
            "GET",
            "/api/v1/voicemail/{id}",
            Access::Roles(STAFF),
            |ctx| {
                prepare(async move {
                    let m = callers_message(&ctx, false).await;
                    Prepared::at(format!("/api/v1/voicemail/{}", m.id)).marker(m.from_number)
                })
            },
        ),
        Case::new(
            "POST",
            "/api/v1/voicemail/{id}/heard",
            Access::Roles(STAFF),
            |ctx| {
                prepare(async move {
                    let m = callers_message(&ctx, false).await;
                    Prepared::at(format!("/api/v1/voicemail/{}/heard", m.id)).marker(m.from_number)
                })
            },
        ),
        Case::new(
            "POST",
            "/api/v1/voicemail/{id}/unheard",
            Access::Roles(STAFF),
            |ctx| {
                prepare(async move {
                    let m = callers_message(&ctx, true).await;
                    Prepared::at(format!("/api/v1/voicemail/{}/unheard", m.id))
                        .marker(m.from_number)
                })
            },
        ),
        Case::new(
            "GET",
            "/api/v1/voicemail/{id}/audio",
            Access::Roles(STAFF),
            |ctx| {
                prepare(async move {
                    let m = callers_message(&ctx, false).await;
                    store_audio(&ctx.state, &m, greeting_wav()).await;
                    Prepared::at(format!("/api/v1/voicemail/{}/audio", m.id)).marker(m.from_number)
                })
            },
        ),
        Case::new(
            "DELETE",
            "/api/v1/voicemail/{id}",
            Access::Roles(STAFF),
            |ctx| {
                prepare(async move {
                    let m = callers_message(&ctx, false).await;
                    Prepared::at(format!("/api/v1/voicemail/{}", m.id)).marker(m.from_number)
                })
            },
        ),
    ]
}

fn ids(r: &Reply) -> Vec<String> {
    r.ok()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn pbx_users_reach_only_their_own_mailboxes(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let user = t.user(Role::PbxUser).clone();
    let mine = add_extension(&api.state, t.org.id, Some(user.id)).await;
    let second = add_extension(&api.state, t.org.id, Some(user.id)).await;
    let colleague = add_extension(&api.state, t.org.id, None).await;
    let first = leave_message(&api.state, t.org.id, mine.id, false).await;
    let heard = leave_message(&api.state, t.org.id, second.id, true).await;
    let theirs = leave_message(&api.state, t.org.id, colleague.id, false).await;
    let own = t.token(&api.state, Role::PbxUser).await;
    let admin = t.token(&api.state, Role::PbxAdmin).await;
    let call = |token: &str, method: &'static str, uri: String| {
        let (api, token) = (&api, token.to_owned());
        async move { api.call(method, &uri, Some(&token), None).await }
    };

    let listed = call(&own, "GET", "/api/v1/voicemail".into()).await;
    assert_eq!(ids(&listed), [heard.id.to_string(), first.id.to_string()]);
    let m = &listed.json["data"][1];
    assert_eq!(
        *m,
        json!({
            "id": first.id,
            "extension_id": mine.id,
            "call_sid": first.call_sid,
            "from_number": first.from_number,
            "recording_url": first.recording_url,
            "duration_seconds": 12,
            "heard": false,
            "audio_stored": false,
            "created_at": jiff::Timestamp::from_millisecond(first.created_at).unwrap().to_string(),
        })
    );
    let new_only = call(&own, "GET", "/api/v1/voicemail?heard=false".into()).await;
    assert_eq!(ids(&new_only), [first.id.to_string()]);
    let one_box = call(
        &own,
        "GET",
        format!("/api/v1/voicemail?extension={}", second.id),
    )
    .await;
    assert_eq!(ids(&one_box), [heard.id.to_string()]);
    let peek = call(
        &own,
        "GET",
        format!("/api/v1/voicemail?extension={}", colleague.id),
    )
    .await;
    assert_eq!(peek.ok()["total"], 0);
    for (method, path) in [
        ("GET", ""),
        ("POST", "/heard"),
        ("POST", "/unheard"),
        ("DELETE", ""),
    ] {
        call(
            &own,
            method,
            format!("/api/v1/voicemail/{}{path}", theirs.id),
        )
        .await
        .problem(404);
    }
    assert!(
        !api.state
            .store
            .find_voicemail(t.org.id, theirs.id)
            .await
            .unwrap()
            .heard
    );

    // Admins reach every mailbox.
    let everything = call(&admin, "GET", "/api/v1/voicemail".into()).await;
    assert_eq!(everything.ok()["total"], 3);
    let colleagues = call(
        &admin,
        "GET",
        format!("/api/v1/voicemail?extension={}&heard=false", colleague.id),
    )
    .await;
    assert_eq!(ids(&colleagues), [theirs.id.to_string()]);

    let bad = call(
        &admin,
        "GET",
        "/api/v1/voicemail?heard=maybe&sort=created_at".into(),
    )
    .await;
    assert_eq!(bad.problem(400).field_errors()[0].0, "sort");
    let bad = call(&admin, "GET", "/api/v1/voicemail?heard=maybe".into()).await;
    assert_eq!(
        bad.problem(400).field_errors(),
        [("heard".into(), "must be true or false".into())]
    );
    call(&admin, "GET", "/api/v1/voicemail/nope".into())
        .await
        .problem(404);
    let reporter = t.token(&api.state, Role::Reporter).await;
    call(&reporter, "GET", "/api/v1/voicemail".into())
        .await
        .problem(403);
}

async fn marks_and_deletes_are_audited_and_repeats_are_harmless(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let user = t.user(Role::PbxUser).clone();
    let mine = add_extension(&api.state, t.org.id, Some(user.id)).await;
    let message = leave_message(&api.state, t.org.id, mine.id, false).await;
    let own = t.token(&api.state, Role::PbxUser).await;
    let uri = format!("/api/v1/voicemail/{}", message.id);
    let post = |suffix: &str| {
        let (api, own, uri) = (&api, own.clone(), format!("{uri}{suffix}"));
        async move { api.call("POST", &uri, Some(&own), None).await }
    };

    assert_eq!(post("/heard").await.ok()["heard"], true);
    assert_eq!(post("/heard").await.ok()["heard"], true);
    assert_eq!(
        api.state
            .store
            .count_unheard_voicemail(t.org.id, mine.id)
            .await
            .unwrap(),
        0
    );
    assert_eq!(post("/unheard").await.ok()["heard"], false);
    let deleted = api.call("DELETE", &uri, Some(&own), None).await;
    assert_eq!(deleted.status, 204);
    api.call("DELETE", &uri, Some(&own), None)
        .await
        .problem(404);
    assert!(matches!(
        api.state.store.find_voicemail(t.org.id, message.id).await,
        Err(StoreError::NotFound)
    ));

    let audit = api
        .state
        .store
        .list_audit(
            t.org.id,
            &AuditFilter {
                object_id: Some(message.id.to_string()),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap()
        .items;
    let entries: Vec<(String, Option<bool>, Option<bool>)> = audit
        .iter()
        .map(|e| {
            (
                e.action.clone(),
                e.before.as_ref().and_then(|v| v["heard"].as_bool()),
                e.after.as_ref().and_then(|v| v["heard"].as_bool()),
            )
        })
        .collect();
    // Newest first; the repeated mark changed nothing and left no entry.
    assert_eq!(
        entries,
        [
            ("delete".into(), Some(false), None),
            ("update".into(), Some(true), Some(false)),
            ("update".into(), Some(false), Some(true)),
        ]
    );
    assert!(
        audit
            .iter()
            .all(|e| e.object_type == "voicemail" && e.actor_user_id == Some(user.id))
    );
}

async fn the_audio_plays_from_our_copy_with_ranges_to_whoever_may_hear_it(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let user = t.user(Role::PbxUser).clone();
    let mine = add_extension(&api.state, t.org.id, Some(user.id)).await;
    let colleague = add_extension(&api.state, t.org.id, None).await;
    let message = leave_message(&api.state, t.org.id, mine.id, false).await;
    let theirs = leave_message(&api.state, t.org.id, colleague.id, false).await;
    let own = t.token(&api.state, Role::PbxUser).await;
    let audio_of = |m: &VoicemailMessage| format!("/api/v1/voicemail/{}/audio", m.id);

    let not_yet = api.call("GET", &audio_of(&message), Some(&own), None).await;
    assert_eq!(
        not_yet.problem(404).json["detail"],
        "The message's audio has not been copied yet."
    );
    let audio = greeting_wav();
    store_audio(&api.state, &message, audio.clone()).await;
    store_audio(&api.state, &theirs, audio.clone()).await;
    let view = api
        .call(
            "GET",
            &format!("/api/v1/voicemail/{}", message.id),
            Some(&own),
            None,
        )
        .await;
    assert_eq!(view.ok()["audio_stored"], true);

    let whole = send(&api.app, ranged(&audio_of(&message), &own, None)).await;
    let as_text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    assert_eq!(whole.status, 200);
    assert_eq!(whole.text, as_text(&audio));
    assert_eq!(
        (whole.header("content-type"), whole.header("accept-ranges")),
        (Some("audio/wav"), Some("bytes"))
    );
    let part = send(
        &api.app,
        ranged(&audio_of(&message), &own, Some("bytes=4-11")),
    )
    .await;
    assert_eq!(part.status, 206);
    assert_eq!(part.text, as_text(&audio[4..12]));
    assert_eq!(
        part.header("content-range"),
        Some(format!("bytes 4-11/{}", audio.len()).as_str())
    );
    let beyond = send(
        &api.app,
        ranged(&audio_of(&message), &own, Some("bytes=999999-")),
    )
    .await;
    assert_eq!(beyond.status, 416);

    // Someone else's mailbox is as unknown as a missing message.
    api.call("GET", &audio_of(&theirs), Some(&own), None)
        .await
        .problem(404);
    // Deleting the message deletes our copy too.
    let deleted = api
        .call(
            "DELETE",
            &format!("/api/v1/voicemail/{}", message.id),
            Some(&own),
            None,
        )
        .await;
    assert_eq!(deleted.status, 204);
    assert!(matches!(
        api.state
            .media
            .get(&MediaKey::voicemail(t.org.id, message.id))
            .await,
        Err(MediaError::NotFound)
    ));
}

/// A GET of `uri` with `token` and, when given, a `Range` header.
fn ranged(uri: &str, token: &str, range: Option<&str>) -> axum::http::Request<axum::body::Body> {
    let mut request =
        axum::http::Request::get(uri).header("authorization", format!("Bearer {token}"));
    if let Some(range) = range {
        request = request.header("range", range);
    }
    request.body(axum::body::Body::empty()).unwrap()
}

opbx_tests::on_both_backends!(
    the_audio_plays_from_our_copy_with_ranges_to_whoever_may_hear_it,
    pbx_users_reach_only_their_own_mailboxes,
    marks_and_deletes_are_audited_and_repeats_are_harmless,
);
