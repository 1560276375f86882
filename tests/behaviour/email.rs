//! The email port's adapters (issue 12.4): the SMTP adapter against a real SMTP server (the
//! sink `scripts/smtp-sink.sh` starts, which writes each message it receives to a folder) and
//! the embedded outbox.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use opbx::adapters::email::outbox::Outbox;
use opbx::adapters::email::smtp::SmtpMailer;
use opbx::ports::email::{Attachment, Mail, MailError, Mailer};
use opbx_tests::{mail_attachment, received_mail, unique};

fn mail(to: &str) -> Mail {
    Mail {
        to: to.into(),
        subject: "You are invited to Acmé on OpBX".into(),
        text: "Choose your password:\nhttps://app.example/invitation#token=abc123\n".into(),
        html: "<p><a href=\"https://app.example/invitation#token=abc123\">Choose</a></p>".into(),
        attachments: Vec::new(),
    }
}

#[tokio::test]
async fn smtp_delivers_plain_text_and_html_to_a_real_server() {
    let url = std::env::var("OPBX_TEST_SMTP_URL").expect(
        "OPBX_TEST_SMTP_URL names the SMTP sink; run scripts/test.sh or scripts/smtp-sink.sh",
    );
    let dir = PathBuf::from(std::env::var("OPBX_TEST_SMTP_DIR").expect("OPBX_TEST_SMTP_DIR"));
    let mailer = SmtpMailer::new(&url, "OpBX <no-reply@opbx.test>").unwrap();
    assert_eq!(mailer.backend(), "smtp");
    let to = format!("ann-{}@example.com", unique());
    mailer
        .send(&mail(&to))
        .await
        .expect("the sink accepts the message");
    let got = received_mail(&dir, &to);
    assert_eq!(got.len(), 1, "one message for {to} in {}", dir.display());
    let message = &got[0];
    assert!(message.contains(&format!("To: {to}")), "{message}");
    assert!(
        message.contains("From: OpBX <no-reply@opbx.test>"),
        "{message}"
    );
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

    assert!(matches!(
        mailer.send(&mail("not an address")).await,
        Err(MailError::BadAddress)
    ));
    // Nothing listens on the discard port: unavailable, not a panic or a hang.
    let down = SmtpMailer::new("smtp://127.0.0.1:9", "a@opbx.test").unwrap();
    assert!(matches!(
        down.send(&mail("b@example.com")).await,
        Err(MailError::Unavailable(_))
    ));
}

#[tokio::test]
async fn smtp_sends_attachments_beside_the_text_and_html() {
    let url = std::env::var("OPBX_TEST_SMTP_URL").expect("OPBX_TEST_SMTP_URL");
    let dir = PathBuf::from(std::env::var("OPBX_TEST_SMTP_DIR").expect("OPBX_TEST_SMTP_DIR"));
    let mailer = SmtpMailer::new(&url, "OpBX <no-reply@opbx.test>").unwrap();
    let to = format!("vm-{}@example.com", unique());
    let audio: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    let with_audio = Mail {
        attachments: vec![Attachment {
            filename: "voicemail.wav".into(),
            content_type: "audio/wav".into(),
            bytes: audio.clone().into(),
        }],
        ..mail(&to)
    };
    mailer.send(&with_audio).await.unwrap();
    let got = received_mail(&dir, &to);
    assert_eq!(got.len(), 1);
    let message = &got[0];
    assert!(message.contains("multipart/mixed"), "{message}");
    assert!(message.contains("multipart/alternative"), "{message}");
    assert!(message.contains("Content-Type: audio/wav"), "{message}");
    assert_eq!(mail_attachment(message, "voicemail.wav"), Some(audio));
    assert!(!format!("{with_audio:?}").contains("abc123"));
    assert!(format!("{with_audio:?}").contains("voicemail.wav"));
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
    // Debug never shows the body (it holds the one-time link).
    assert!(!format!("{:?}", mail(to)).contains("abc123"));
    std::fs::remove_dir_all(dir).unwrap();
}
