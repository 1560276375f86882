//! Uploaded recordings in calls beyond IVR prompts: announcements (a recording or a spoken text,
//! then the next destination), a mailbox's recorded greeting and a conference room's hold music.
//! Each plays through a fresh signed link under the deployment's public URL that fetches the
//! audio without a login.

use opbx::cxml::Element;
use opbx::domain::destination::Destination;
use opbx::domain::ids::{AnnouncementId, ConferenceRoomId, RecordingId};
use opbx::domain::model::Announcement;
use opbx::domain::now_ms;
use opbx::ports::announcements::AnnouncementRepo;
use opbx::ports::conference_rooms::ConferenceRoomRepo;
use opbx::ports::extensions::ExtensionRepo;
use opbx_tests::model::stored_recording;
use opbx_tests::{Backend, TEST_PUBLIC_URL, unique};
use serde_json::json;
use tower::ServiceExt;

use crate::fixture::{Answer, Fixture};

/// Half a second of 8 kHz 16-bit mono silence.
fn audio() -> Vec<u8> {
    [
        b"RIFF\x2c\x00\x00\x00WAVEfmt ".as_slice(),
        &[16, 0, 0, 0, 1, 0, 1, 0],
        &8000u32.to_le_bytes(),
        &16_000u32.to_le_bytes(),
        &[2, 0, 16, 0],
        b"data",
        &8u32.to_le_bytes(),
        &[0; 8],
    ]
    .concat()
}

/// `(name, text)` of the answer's verbs, in order.
fn verbs(doc: &Element) -> Vec<(String, String)> {
    doc.children
        .iter()
        .map(|v| (v.name.clone(), v.text.clone()))
        .collect()
}

async fn call(fx: &Fixture, to: &str) -> Answer {
    let call_sid = format!("call-{}", unique());
    let answer = fx
        .post(
            &format!("{TEST_PUBLIC_URL}/webhooks/cloudonix/voice"),
            json!({"CallSid": call_sid, "Session": format!("s-{call_sid}"), "From": "+15551230000",
                   "To": to, "Direction": "inbound", "Domain": "acme.cloudonix.net",
                   "CallStatus": "in-progress"}),
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer
}

/// Fetches a played link as Cloudonix would (no login) and checks it is the audio.
async fn assert_link_plays(fx: &Fixture, link: &str, audio: &[u8]) {
    let path = link
        .strip_prefix(TEST_PUBLIC_URL)
        .unwrap_or_else(|| panic!("a link of this deployment: {link}"));
    assert!(path.starts_with("/media/"), "{path}");
    let fetched = opbx::http::media::router(fx.state.clone())
        .oneshot(
            axum::http::Request::get(path)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(fetched.status(), 200);
    let body = http_body_util::BodyExt::collect(fetched.into_body())
        .await
        .unwrap()
        .to_bytes();
    assert_eq!(body.as_ref(), audio);
}

async fn announcement(
    fx: &Fixture,
    name: &str,
    recording: Option<RecordingId>,
    text: Option<&str>,
    next: Destination,
) -> AnnouncementId {
    let now = now_ms();
    let a = Announcement {
        id: AnnouncementId::new(),
        organization_id: fx.org,
        name: name.into(),
        recording_id: recording,
        text: text.map(str::to_owned),
        voice: Some("Polly:Amy".into()),
        next,
        created_at: now,
        updated_at: now,
    };
    fx.store().create_announcement(&a, &[]).await.unwrap();
    a.id
}

async fn announcements_play_in_turn_then_the_call_goes_on(b: Backend) {
    let fx = Fixture::new(b).await;
    let audio = audio();
    let recording = stored_recording(&fx.state, fx.org, audio.clone()).await;
    let alice = Destination::Extension { id: fx.ext("1001") };
    let spoken = announcement(
        &fx,
        "Recorded calls",
        None,
        Some("Calls may be recorded."),
        alice,
    )
    .await;
    let recorded = announcement(
        &fx,
        "Welcome",
        Some(recording.id),
        Some("Welcome."),
        Destination::Announcement { id: spoken },
    )
    .await;
    fx.number("+12125550180", Destination::Announcement { id: recorded })
        .await;

    let answer = call(&fx, "+12125550180").await;
    let doc = answer.doc();
    let played = verbs(&doc);
    assert_eq!(
        played
            .iter()
            .map(|(name, _)| name.as_str())
            .collect::<Vec<_>>(),
        ["Play", "Say", "Dial"],
        "{}",
        answer.body
    );
    assert_eq!(played[1].1, "Calls may be recorded.");
    assert_eq!(doc.children[1].attr("voice"), Some("Polly:Amy"));
    assert_eq!(
        doc.children[2].child("Number").map(|n| n.text.as_str()),
        Some("1001")
    );
    assert_link_plays(&fx, &played[0].1, &audio).await;

    // An announcement that loops back to itself ends as any loop does.
    let looping = AnnouncementId::new();
    let now = now_ms();
    fx.store()
        .create_announcement(
            &Announcement {
                id: looping,
                organization_id: fx.org,
                name: "Again and again".into(),
                recording_id: None,
                text: Some("Hello.".into()),
                voice: None,
                next: Destination::Announcement { id: looping },
                created_at: now,
                updated_at: now,
            },
            &[],
        )
        .await
        .unwrap();
    fx.number("+12125550181", Destination::Announcement { id: looping })
        .await;
    let answer = call(&fx, "+12125550181").await;
    let played = verbs(&answer.doc());
    assert_eq!(played[0], ("Say".to_owned(), "Hello.".to_owned()));
    assert_eq!(
        played[1],
        ("Say".to_owned(), opbx::routing::speech::LOOP.to_owned()),
        "{}",
        answer.body
    );
}

async fn a_recorded_greeting_and_hold_music_play_through_signed_links(b: Backend) {
    let fx = Fixture::new(b).await;
    let audio = audio();
    let recording = stored_recording(&fx.state, fx.org, audio.clone()).await;
    let mut grace = fx
        .store()
        .find_extension(fx.org, fx.ext("1007"))
        .await
        .unwrap();
    grace.voicemail_greeting_recording_id = Some(recording.id);
    fx.store().update_extension(&grace, &[]).await.unwrap();
    let room_id: ConferenceRoomId = fx.id("Open");
    let mut room = fx
        .store()
        .find_conference_room(fx.org, room_id)
        .await
        .unwrap();
    room.hold_music_recording_id = Some(recording.id);
    fx.store().update_conference_room(&room, &[]).await.unwrap();
    fx.state
        .coordination
        .invalidate_org(&fx.org.to_string())
        .await
        .unwrap();

    // Grace's mailbox: the recording wins over her greeting URL, before the beep.
    let answer = call(&fx, "+12125550160").await;
    let doc = answer.doc();
    let record = doc.child("Record").expect("a Record");
    let greeting = record.child("Play").expect("a greeting to play");
    assert_ne!(greeting.text, "https://cdn.example/greet.mp3");
    assert_link_plays(&fx, &greeting.text, &audio).await;

    // The open room: the music plays as the caller enters, then the conference.
    let answer = call(&fx, "+12125550141").await;
    let doc = answer.doc();
    let played = verbs(&doc);
    assert_eq!(
        played
            .iter()
            .map(|(name, _)| name.as_str())
            .collect::<Vec<_>>(),
        ["Play", "Dial"],
        "{}",
        answer.body
    );
    assert!(doc.children[1].child("Conference").is_some());
    assert_link_plays(&fx, &played[0].1, &audio).await;
}

opbx_tests::on_both_backends!(
    announcements_play_in_turn_then_the_call_goes_on,
    a_recorded_greeting_and_hold_music_play_through_signed_links,
);
