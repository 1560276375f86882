//! A voicemail message's audio is copied from Cloudonix into media storage by a job committed
//! with the message (issue 15): through a Cloudonix that fails before it recovers, and it still
//! plays in the UI once Cloudonix has forgotten the recording.

use std::sync::Arc;

use opbx::adapters::email::smtp::SmtpMailer;
use opbx::crypto::{random_token, sha256_hex};
use opbx::domain::destination::Destination;
use opbx::domain::model::Role;
use opbx::ports::cloudonix_settings::CloudonixSettingsRepo;
use opbx::ports::jobs::{Job, JobKind, JobPayload, JobState, JobStore};
use opbx::ports::voicemail::VoicemailRepo;
use opbx_tests::fake_cloudonix::Reply as FakeReply;
use opbx_tests::numbers::unique_e164;
use opbx_tests::{Backend, TEST_APP_URL, TEST_PUBLIC_URL, mail_attachment, received_mail, unique};
use serde_json::json;

use crate::config_support::{extension, phone_number};
use crate::fixtures::{request, send};
use crate::jobs::World;
use crate::recordings::greeting_wav;

/// Leaves a message in the mailbox `to` routes to, as Cloudonix would: the call, then the
/// `<Record>` action with `recording_url`.
async fn leave_message(w: &World, key: &str, to: &str, recording_url: &str) {
    let sid = format!("call-{}", unique());
    let call = json!({"CallSid": sid, "Session": format!("s-{sid}"), "From": "+14155550000",
                      "To": to, "Direction": "inbound", "CallStatus": "in-progress"});
    let answer = send(
        &w.api.app,
        request(
            "POST",
            "/webhooks/cloudonix/voice",
            Some(key),
            Some(call.clone()),
        ),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let doc = opbx::cxml::parse(&answer.text).unwrap();
    let action = doc.child("Record").unwrap().attr("action").unwrap();
    let path = action.strip_prefix(TEST_PUBLIC_URL).unwrap_or(action);
    let mut body = call;
    body["RecordingUrl"] = json!(recording_url);
    body["RecordingDuration"] = json!("3");
    let saved = send(&w.api.app, request("POST", path, Some(key), Some(body))).await;
    assert_eq!(saved.status, 200, "{}", saved.text);
}

/// A webhook bearer Cloudonix sends for the world's organization.
async fn webhook_key(w: &World) -> String {
    let key = random_token();
    let store = &w.api.state.store;
    let mut settings = store.find_cloudonix_settings(w.t.org.id).await.unwrap();
    settings.webhook_key_hash = Some(sha256_hex(&key));
    opbx_tests::model::save_webhook_settings(store, &settings).await;
    key
}

async fn a_message_is_copied_through_failures_and_plays_after_cloudonix_forgot_it(b: Backend) {
    let w = World::new(b, |_| {}).await;
    let org = w.t.org.id;
    let key = webhook_key(&w).await;
    let user = w.t.user(Role::PbxUser).clone();
    let mailbox = extension(&w.api.state, org, |e| e.user_id = Some(user.id)).await;
    let number = unique_e164();
    phone_number(
        &w.api.state,
        org,
        &number,
        Destination::Voicemail { id: mailbox.id },
    )
    .await;
    let audio = greeting_wav();
    let url = w.fake.add_recording(&w.domain, "vm-1.wav", audio.clone());
    let path = url.strip_prefix(&w.fake.url).unwrap().to_owned();
    // Cloudonix's storage fails twice, then recovers.
    w.fake.script("GET", &path, Some(2), FakeReply::status(503));

    leave_message(&w, &key, &number, &url).await;
    let listed = w
        .api
        .state
        .store
        .list_voicemail_for_extension(org, mailbox.id, Default::default())
        .await
        .unwrap();
    let message = listed.items[0].clone();
    assert_eq!(message.audio_stored_at, None);
    let job = w
        .api
        .state
        .store
        .latest_job(org, JobKind::CopyVoicemail)
        .await
        .expect("the copy job commits with the message");
    assert_eq!(job.state, JobState::Pending);

    w.run().await;
    let fetches: Vec<_> = w
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.path == path)
        .collect();
    assert_eq!(fetches.len(), 3, "two failures, then the copy");
    assert!(
        fetches.iter().all(|r| r
            .header("authorization")
            .is_some_and(|a| a.starts_with("Bearer XI"))),
        "Cloudonix's storage is fetched with the domain's key"
    );
    let done = w.api.state.store.find_job(org, job.id).await.unwrap();
    assert_eq!((done.state, done.attempts), (JobState::Done, 3));

    // Cloudonix's retention passes; the message still plays, from our copy.
    w.fake.remove_recording(&url);
    let token = w.t.token(&w.api.state, Role::PbxUser).await;
    let view = w
        .api
        .call(
            "GET",
            &format!("/api/v1/voicemail/{}", message.id),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(view.ok()["audio_stored"], true);
    let played = w
        .api
        .call(
            "GET",
            &format!("/api/v1/voicemail/{}/audio", message.id),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(played.status, 200);
    assert_eq!(played.header("content-type"), Some("audio/wav"));
    assert_eq!(played.text, String::from_utf8_lossy(&audio));

    // A second message whose recording is gone already fails for good, saying why.
    let gone = w.fake.add_recording(&w.domain, "vm-2.wav", audio);
    w.fake.remove_recording(&gone);
    leave_message(&w, &key, &number, &gone).await;
    w.run().await;
    let failed = w
        .api
        .state
        .store
        .latest_job(org, JobKind::CopyVoicemail)
        .await
        .unwrap();
    assert_eq!(
        (failed.state, failed.last_error.as_deref()),
        (
            JobState::Failed,
            Some("Cloudonix no longer has the recording")
        )
    );
}

async fn the_mailbox_owner_is_mailed_the_message_with_its_audio(b: Backend) {
    let url = std::env::var("OPBX_TEST_SMTP_URL").expect("OPBX_TEST_SMTP_URL names the SMTP sink");
    let dir =
        std::path::PathBuf::from(std::env::var("OPBX_TEST_SMTP_DIR").expect("OPBX_TEST_SMTP_DIR"));
    let mailer = SmtpMailer::new(&url, "OpBX <no-reply@opbx.test>").unwrap();
    let w = World::new(b, |s| s.mailer = Arc::new(mailer)).await;
    let org = w.t.org.id;
    let key = webhook_key(&w).await;
    let to = format!("grace-{}@example.com", unique());
    let mailbox = extension(&w.api.state, org, |e| e.voicemail_email = Some(to.clone())).await;
    let number = unique_e164();
    phone_number(
        &w.api.state,
        org,
        &number,
        Destination::Voicemail { id: mailbox.id },
    )
    .await;
    let audio = greeting_wav();
    let url = w
        .fake
        .add_recording(&w.domain, "vm-mail.wav", audio.clone());

    leave_message(&w, &key, &number, &url).await;
    w.run().await;
    let message = w
        .api
        .state
        .store
        .list_voicemail_for_extension(org, mailbox.id, Default::default())
        .await
        .unwrap()
        .items
        .remove(0);
    assert!(message.audio_stored_at.is_some() && message.emailed_at.is_some());
    let got = received_mail(&dir, &to);
    assert_eq!(got.len(), 1, "one mail for {to}");
    let mail = &got[0];
    assert!(
        mail.contains("Subject: New voicemail from +14155550000"),
        "{mail}"
    );
    // The text part is quoted-printable: soft line breaks and `=` as `=3D`.
    let text = mail.replace("=\r\n", "").replace("=3D", "=");
    assert!(
        text.contains(&format!(
            "{TEST_APP_URL}/voicemail?extension={}&message={}",
            mailbox.id, message.id
        )),
        "{mail}"
    );
    assert_eq!(
        mail_attachment(mail, "voicemail-14155550000.wav"),
        Some(audio),
        "the audio is attached as recorded"
    );

    // A repeated job finds both steps done and mails nothing twice.
    let again = Job::new(
        org,
        JobPayload::CopyVoicemail {
            voicemail_id: message.id,
        },
        opbx::domain::now_ms(),
    );
    opbx::jobs::dispatch::enqueue(&w.api.state, &again, &[])
        .await
        .unwrap();
    w.run().await;
    let repeated = w.api.state.store.find_job(org, again.id).await.unwrap();
    assert_eq!(repeated.state, JobState::Done);
    assert_eq!(received_mail(&dir, &to).len(), 1);
}

opbx_tests::on_both_backends!(
    a_message_is_copied_through_failures_and_plays_after_cloudonix_forgot_it,
    the_mailbox_owner_is_mailed_the_message_with_its_audio,
);
