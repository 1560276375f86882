//! api-recordings: `/api/v1/recordings`, uploads recognised from their bytes.

use opbx::domain::ids::RecordingId;
use opbx::domain::model::{Recording, Role};
use opbx::ports::media::{MediaError, MediaKey};
use opbx_tests::model::stored_recording;
use opbx_tests::{Backend, unique};
use serde_json::json;

use crate::cases::{ADMINS, Access, CONFIG_READERS, Case, Ctx, Prepared, prepare};
use crate::config_support::{Client, invalid_fields, message_for};
use crate::fixtures::{Api, Reply, raw_request, send};

/// A PCM WAV lasting `data.len() / byte_rate` seconds of silence.
pub fn wav(byte_rate: u32, data_len: usize) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + data_len as u32).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&[1, 0, 1, 0]); // PCM, mono
    b.extend_from_slice(&(byte_rate / 2).to_le_bytes()); // 16-bit samples
    b.extend_from_slice(&byte_rate.to_le_bytes());
    b.extend_from_slice(&[2, 0, 16, 0]);
    b.extend_from_slice(b"data");
    b.extend_from_slice(&(data_len as u32).to_le_bytes());
    b.resize(b.len() + data_len, 0);
    b
}

/// Two and a half seconds of 8 kHz 16-bit mono.
pub fn greeting_wav() -> Vec<u8> {
    wav(16_000, 40_000)
}

/// `frames` MPEG-1 Layer III frames, 128 kbit/s at 44.1 kHz (1152 samples each).
pub fn mp3(frames: usize) -> Vec<u8> {
    let mut b = b"ID3\x04\x00\x00\x00\x00\x00\x00".to_vec();
    for _ in 0..frames {
        let at = b.len();
        b.resize(at + 417, 0);
        b[at..at + 4].copy_from_slice(&[0xFF, 0xFB, 0x90, 0x40]);
    }
    b
}

const BOUNDARY: &str = "opbx-test-boundary";

/// A `multipart/form-data` body: `(field, file name, bytes)` parts.
pub fn form(parts: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let mut body = Vec::new();
    for (field, file_name, bytes) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        let disposition = match file_name {
            Some(f) => format!(
                "Content-Disposition: form-data; name=\"{field}\"; filename=\"{f}\"\r\n\
                 Content-Type: application/octet-stream\r\n"
            ),
            None => format!("Content-Disposition: form-data; name=\"{field}\"\r\n"),
        };
        body.extend_from_slice(disposition.as_bytes());
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

/// Uploads `bytes` as `file_name` (and `name` when given).
pub async fn upload(c: &Client<'_>, file_name: &str, name: Option<&str>, bytes: &[u8]) -> Reply {
    let mut parts = vec![("file", Some(file_name), bytes)];
    if let Some(name) = name {
        parts.push(("name", None, name.as_bytes()));
    }
    let (content_type, body) = form(&parts);
    send(
        &c.api.app,
        raw_request(
            "POST",
            "/api/v1/recordings",
            Some(&c.token),
            &content_type,
            body,
        ),
    )
    .await
}

async fn target(ctx: &Ctx) -> Recording {
    stored_recording(&ctx.state, ctx.org(), greeting_wav()).await
}

fn at(r: &Recording) -> Prepared {
    Prepared::at(format!("/api/v1/recordings/{}", r.id)).marker(&r.name)
}

pub fn cases() -> Vec<Case> {
    vec![
        Case::new(
            "GET",
            "/api/v1/recordings",
            Access::Roles(CONFIG_READERS),
            |ctx| {
                prepare(async move {
                    let r = target(&ctx).await;
                    Prepared::at("/api/v1/recordings").marker(r.name)
                })
            },
        ),
        Case::new("POST", "/api/v1/recordings", Access::Roles(ADMINS), |_| {
            prepare(async {
                let name = format!("Upload {}", &unique()[24..]);
                let (content_type, body) = form(&[
                    ("file", Some("upload.wav"), &greeting_wav()),
                    ("name", None, name.as_bytes()),
                ]);
                Prepared::at("/api/v1/recordings").raw(content_type, body)
            })
        }),
        Case::new(
            "GET",
            "/api/v1/recordings/{id}",
            Access::Roles(CONFIG_READERS),
            |ctx| prepare(async move { at(&target(&ctx).await) }),
        ),
        Case::new(
            "GET",
            "/api/v1/recordings/{id}/audio",
            Access::Roles(CONFIG_READERS),
            |ctx| {
                prepare(async move {
                    let r = target(&ctx).await;
                    Prepared::at(format!("/api/v1/recordings/{}/audio", r.id)).marker(&r.name)
                })
            },
        ),
        Case::new(
            "PATCH",
            "/api/v1/recordings/{id}",
            Access::Roles(ADMINS),
            |ctx| {
                prepare(async move {
                    let name = format!("Renamed {}", &unique()[24..]);
                    at(&target(&ctx).await).body(json!({ "name": name }))
                })
            },
        ),
        Case::new(
            "DELETE",
            "/api/v1/recordings/{id}",
            Access::Roles(ADMINS),
            |ctx| prepare(async move { at(&target(&ctx).await) }),
        ),
    ]
}

async fn uploads_are_recognised_from_their_bytes_not_their_names(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;

    let wav = greeting_wav();
    let r = upload(&admin, "Main greeting.wav", None, &wav).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        (
            &r.json["name"],
            &r.json["format"],
            &r.json["content_type"],
            &r.json["duration_ms"],
            &r.json["size_bytes"]
        ),
        (
            &json!("Main greeting"),
            &json!("wav"),
            &json!("audio/wav"),
            &json!(2500),
            &json!(wav.len())
        )
    );
    let id: RecordingId = r.json["id"].as_str().unwrap().parse().unwrap();
    let stored = api
        .state
        .media
        .get(&MediaKey::recording(t.org.id, id))
        .await
        .unwrap();
    assert_eq!(
        stored.as_ref(),
        wav.as_slice(),
        "the audio is kept as uploaded"
    );
    // The admin screens play it from the API (calls get signed /media links instead).
    let played = admin.get(&format!("/api/v1/recordings/{id}/audio")).await;
    assert_eq!(played.status, 200);
    assert_eq!(played.header("content-type"), Some("audio/wav"));
    assert_eq!(played.text, String::from_utf8_lossy(&wav));

    // An MP3 whose name says WAV is the MP3 it is: 100 frames × 1152 / 44 100 Hz.
    let r = upload(&admin, "hold.wav", Some("Hold music"), &mp3(100)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(
        (
            &r.json["name"],
            &r.json["format"],
            &r.json["content_type"],
            &r.json["duration_ms"]
        ),
        (
            &json!("Hold music"),
            &json!("mp3"),
            &json!("audio/mpeg"),
            &json!(2612)
        )
    );

    let list = admin.get("/api/v1/recordings?q=hold").await;
    let names: Vec<&str> = list.ok()["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Hold music"]);
    let refused = admin.get("/api/v1/recordings?status=active").await;
    assert_eq!(
        invalid_fields(&refused, 400),
        ["status"],
        "recordings have no status"
    );
}

async fn bad_uploads_are_refused_saying_why(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let file_error = |r: &Reply| {
        assert_eq!(invalid_fields(r, 422), ["file"], "{}", r.text);
        message_for(r, "file")
    };

    let text = upload(
        &admin,
        "greeting.wav",
        None,
        b"Hello, this is a text file.\n",
    )
    .await;
    assert_eq!(file_error(&text), "the file is neither WAV nor MP3 audio");
    let empty = upload(&admin, "greeting.wav", None, b"").await;
    assert_eq!(file_error(&empty), "the file is empty");
    let no_data = upload(&admin, "cut.wav", None, &greeting_wav()[..36]).await;
    assert_eq!(file_error(&no_data), "the WAV file has no data chunk");
    // Ten minutes and a second at 1 000 bytes a second: small, but too long.
    let long = upload(&admin, "long.wav", None, &wav(1_000, 601_000)).await;
    assert_eq!(
        file_error(&long),
        "lasts 601 s; a recording may last at most 10 minutes"
    );

    let oversize = upload(&admin, "big.wav", None, &wav(16_000, 4 * 1024 * 1024)).await;
    oversize.problem(413);
    assert_eq!(oversize.json["detail"], "A recording may be at most 4 MiB.");

    let (_, body) = form(&[("name", None, b"No file")]);
    let (content_type, _) = form(&[]);
    let missing = send(
        &api.app,
        raw_request(
            "POST",
            "/api/v1/recordings",
            Some(&admin.token),
            &content_type,
            body,
        ),
    )
    .await;
    assert_eq!(message_for(&missing, "file"), "required: the audio file");
    let json = admin.post("/api/v1/recordings", json!({"name": "x"})).await;
    json.problem(415);

    let listed = admin.get("/api/v1/recordings").await;
    assert_eq!(listed.ok()["total"], 0, "nothing refused was kept");
}

async fn names_are_unique_and_renaming_keeps_the_audio(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let first = upload(&admin, "a.wav", Some("Welcome"), &greeting_wav()).await;
    let first_id = first.ok()["id"].as_str().unwrap().to_owned();
    let again = upload(&admin, "b.wav", Some("WELCOME"), &greeting_wav()).await;
    again.problem(409);
    let second = upload(&admin, "b.mp3", Some("Closed"), &mp3(10)).await;
    let second_id = second.ok()["id"].as_str().unwrap().to_owned();

    let renamed = admin
        .patch(
            &format!("/api/v1/recordings/{first_id}"),
            json!({"name": " Good morning "}),
        )
        .await;
    assert_eq!(
        (&renamed.ok()["name"], &renamed.json["duration_ms"]),
        (&json!("Good morning"), &json!(2500))
    );
    let clash = admin
        .patch(
            &format!("/api/v1/recordings/{second_id}"),
            json!({"name": "good morning"}),
        )
        .await;
    clash.problem(409);
    let blank = admin
        .patch(
            &format!("/api/v1/recordings/{second_id}"),
            json!({"name": "  "}),
        )
        .await;
    assert_eq!(invalid_fields(&blank, 422), ["name"]);
    let unknown = admin
        .patch(
            &format!("/api/v1/recordings/{second_id}"),
            json!({"format": "wav"}),
        )
        .await;
    unknown.problem(422);

    let deleted = admin
        .delete(&format!("/api/v1/recordings/{first_id}"))
        .await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    admin
        .get(&format!("/api/v1/recordings/{first_id}"))
        .await
        .problem(404);
    let key = MediaKey::recording(t.org.id, first_id.parse().unwrap());
    assert!(
        matches!(api.state.media.get(&key).await, Err(MediaError::NotFound)),
        "the audio goes with the recording"
    );
}

async fn a_recording_an_ivr_menu_plays_cannot_be_deleted(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let other = api.tenant().await;
    let admin = Client::new(&api, &t, Role::PbxAdmin).await;
    let mine = upload(&admin, "welcome.wav", None, &greeting_wav()).await;
    let mine = mine.ok()["id"].as_str().unwrap().to_owned();
    let theirs = stored_recording(&api.state, other.org.id, greeting_wav()).await;

    let foreign = admin
        .post(
            "/api/v1/ivr-menus",
            json!({"name": "Main", "prompt_recording_id": theirs.id}),
        )
        .await;
    assert_eq!(invalid_fields(&foreign, 409), ["prompt_recording_id"]);
    assert_eq!(
        message_for(&foreign, "prompt_recording_id"),
        "no such recording in your organization"
    );

    let menu = admin
        .post(
            "/api/v1/ivr-menus",
            json!({"name": "Main", "prompt_recording_id": mine}),
        )
        .await;
    assert_eq!(menu.ok()["prompt_recording_id"], json!(mine));
    let menu_id = menu.json["id"].as_str().unwrap().to_owned();

    let refused = admin.delete(&format!("/api/v1/recordings/{mine}")).await;
    assert_eq!(
        crate::config_support::references(&refused),
        [("ivr_menu".to_owned(), "Main".to_owned())]
    );
    admin
        .patch(
            &format!("/api/v1/ivr-menus/{menu_id}"),
            json!({"prompt_recording_id": null, "prompt_text": "Welcome"}),
        )
        .await
        .ok();
    let deleted = admin.delete(&format!("/api/v1/recordings/{mine}")).await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
}

opbx_tests::on_both_backends!(
    a_recording_an_ivr_menu_plays_cannot_be_deleted,
    uploads_are_recognised_from_their_bytes_not_their_names,
    bad_uploads_are_refused_saying_why,
    names_are_unique_and_renaming_keeps_the_audio,
);
