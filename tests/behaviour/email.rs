//! The email port's adapters (issue 12.4), each against the real thing it talks to: the SMTP
//! adapter against a real SMTP server (the sink `scripts/smtp-sink.sh` starts, which writes each
//! message it receives to a folder), the SES adapter against the AWS emulator (moto keeps what
//! SESv2 `SendEmail` accepted), and the embedded outbox. The two that deliver MIME run one
//! behaviour ([`delivers_mime`]) on what their server received.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::time::Duration;

use hyper::body::Bytes;
use opbx::adapters::aws_json::{AwsHttp, Signing};
use opbx::adapters::email::outbox::Outbox;
use opbx::adapters::email::ses::SesMailer;
use opbx::adapters::email::smtp::SmtpMailer;
use opbx::ports::email::{Attachment, Mail, MailError, Mailer};
use opbx_tests::{received_mail, unique};

fn mail(to: &str) -> Mail {
    Mail {
        to: to.into(),
        subject: "You are invited to Acmé on OpBX".into(),
        text: "Choose your password:\nhttps://app.example/invitation#token=abc123\n".into(),
        html: "<p><a href=\"https://app.example/invitation#token=abc123\">Choose</a></p>".into(),
        attachments: Vec::new(),
    }
}

/// A voicemail's audio, as voicemail-to-email will attach it.
fn with_audio(mut mail: Mail) -> Mail {
    mail.attachments.push(Attachment {
        filename: "voicemail.wav".into(),
        content_type: "audio/wav".into(),
        data: b"RIFF\x24\x00\x00\x00WAVEfmt ".to_vec(),
    });
    mail
}

/// Sends through `mailer` and checks what the server received (`received(to)`: each message
/// for `to` as its server keeps it): addressed, the subject encoded, text and HTML as
/// alternatives, an attachment in a mixed part; a bad address is refused before anything leaves.
async fn delivers_mime<F, Fut>(mailer: &dyn Mailer, from: &str, received: F)
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Vec<String>>,
{
    let to = format!("ann-{}@example.com", unique());
    mailer
        .send(&mail(&to))
        .await
        .expect("the server accepts the message");
    let got = received(to.clone()).await;
    assert_eq!(got.len(), 1, "one message for {to}");
    let message = &got[0];
    assert!(message.contains(&format!("To: {to}")), "{message}");
    assert!(message.contains(&format!("From: {from}")), "{message}");
    assert!(
        message.contains("=?utf-8?b?QWNtw6k=?="),
        "non-ASCII subject encoded: {message}"
    );
    assert!(message.contains("multipart/alternative"), "{message}");
    assert!(
        message.contains("text/plain") && message.contains("text/html"),
        "{message}"
    );
    assert!(message.contains("invitation#token=abc123"), "{message}");
    assert!(!message.contains("multipart/mixed"), "{message}");

    let to = format!("bob-{}@example.com", unique());
    mailer.send(&with_audio(mail(&to))).await.unwrap();
    let got = received(to.clone()).await;
    assert_eq!(got.len(), 1, "one message for {to}");
    let message = &got[0];
    assert!(message.contains("multipart/mixed"), "{message}");
    assert!(message.contains("multipart/alternative"), "{message}");
    assert!(message.contains("Content-Type: audio/wav"), "{message}");
    assert!(message.contains("filename=\"voicemail.wav\""), "{message}");
    // The audio's bytes, base64.
    assert!(message.contains("UklGRiQAAABXQVZFZm10IA=="), "{message}");

    assert!(matches!(
        mailer.send(&mail("not an address")).await,
        Err(MailError::BadAddress)
    ));
}

#[tokio::test]
async fn smtp_delivers_text_html_and_attachments_to_a_real_server() {
    let url = std::env::var("OPBX_TEST_SMTP_URL").expect(
        "OPBX_TEST_SMTP_URL names the SMTP sink; run scripts/test.sh or scripts/smtp-sink.sh",
    );
    let dir = PathBuf::from(std::env::var("OPBX_TEST_SMTP_DIR").expect("OPBX_TEST_SMTP_DIR"));
    let from = "OpBX <no-reply@opbx.test>";
    let mailer = SmtpMailer::new(&url, from).unwrap();
    assert_eq!(mailer.backend(), "smtp");
    delivers_mime(&mailer, from, |to| {
        let dir = dir.clone();
        async move { received_mail(&dir, &to) }
    })
    .await;

    // Nothing listens on the discard port: unavailable, not a panic or a hang.
    let down = SmtpMailer::new("smtp://127.0.0.1:9", "a@opbx.test").unwrap();
    assert!(matches!(
        down.send(&mail("b@example.com")).await,
        Err(MailError::Unavailable(_))
    ));
}

/// The emulator's SES endpoint, spoken to with the same signed client the adapter uses.
fn moto_ses() -> AwsHttp {
    let endpoint = std::env::var("AWS_ENDPOINT_URL_SESV2").unwrap_or_else(|_| {
        panic!(
            "AWS_ENDPOINT_URL_SESV2 is not set: the SES test needs the emulator. Run \
             `eval \"$(bash scripts/moto.sh)\"` (scripts/test.sh does it)"
        )
    });
    AwsHttp::from_env_at_host("ses", "email", Some(endpoint), Duration::from_secs(10))
        .expect("the AWS variables of scripts/moto.sh")
}

/// The raw messages moto's SES accepted for `to`, from the emulator's model dump.
async fn sent_through_moto(ses: &AwsHttp, to: &str) -> Vec<String> {
    let answer = ses
        .send(
            Signing::Json,
            "GET",
            "/moto-api/data.json",
            &[],
            Bytes::new(),
        )
        .await
        .unwrap();
    let data: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
    data["ses"]["RawMessage"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| {
            m["destinations"]
                .as_array()
                .is_some_and(|d| d.iter().any(|d| d == to))
        })
        .map(|m| m["raw_data"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn ses_delivers_text_html_and_attachments_through_the_api() {
    let ses = moto_ses();
    let address = format!("no-reply-{}@opbx.test", unique());
    // SES sends only from an identity of the account; moto's is verified once created.
    let created = ses
        .send(
            Signing::Json,
            "POST",
            "/v2/email/identities",
            &[("content-type", "application/json")],
            Bytes::from(serde_json::json!({"EmailIdentity": address}).to_string()),
        )
        .await
        .unwrap();
    assert_eq!(created.status, 200, "{:?}", created.body);

    let from = format!("OpBX <{address}>");
    let mailer = SesMailer::from_env(&from).expect("the AWS variables of scripts/moto.sh");
    assert_eq!(mailer.backend(), "ses");
    delivers_mime(&mailer, &from, |to| {
        let ses = &ses;
        async move { sent_through_moto(ses, &to).await }
    })
    .await;

    // An address SES has not verified is refused by SES, and said so.
    let stranger = SesMailer::from_env(&format!("x-{}@unverified.test", unique())).unwrap();
    match stranger.send(&mail("b@example.com")).await {
        Err(MailError::Unavailable(why)) => assert!(why.contains("SES refused"), "{why}"),
        other => panic!("an unverified sender is refused: {other:?}"),
    }
}

#[tokio::test]
async fn the_outbox_keeps_each_mail_in_memory_and_in_an_owner_only_file() {
    let dir = std::env::temp_dir().join(format!("opbx-outbox-{}", unique()));
    let outbox = Outbox::new(Some(dir.clone()));
    assert_eq!(outbox.backend(), "outbox");
    let to = "ann@example.com";
    outbox.send(&mail(to)).await.unwrap();
    assert_eq!(outbox.sent(), [mail(to)]);
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    let mode = std::fs::metadata(&files[0]).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(text.starts_with("To: ann@example.com\r\n"), "{text}");
    assert!(text.contains("invitation#token=abc123"), "{text}");
    // A header injection attempt is refused before anything is written.
    assert!(matches!(
        outbox
            .send(&mail("a@example.com\r\nBcc: x@example.com"))
            .await,
        Err(MailError::BadAddress)
    ));
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    // Debug never shows the body (it holds the one-time link) nor an attachment's bytes.
    let audio = with_audio(mail(to));
    assert!(!format!("{audio:?}").contains("abc123"));
    assert!(format!("{audio:?}").contains("bytes: 16"), "{audio:?}");

    // An attachment is kept with the mail and named in its file.
    let bob = "bob@example.com";
    outbox.send(&with_audio(mail(bob))).await.unwrap();
    assert_eq!(outbox.sent()[1], with_audio(mail(bob)));
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains(bob))
        .unwrap();
    let text = std::fs::read_to_string(file).unwrap();
    assert!(
        text.contains("X-Attachment: \"voicemail.wav\" (audio/wav, 16 bytes)\r\n"),
        "{text}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}
