//! The API key never reaches the logs, whatever happens to a request.

use std::io::Write;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use opbx::ports::cloudonix::{CloudonixDomains, CloudonixSubscribers, SubscriberSpec};
use opbx_tests::fake_cloudonix::Reply;

use crate::support::setup;

/// Everything every test of this binary logged at any level, once capture is installed.
static LOGS: Mutex<Vec<u8>> = Mutex::new(Vec::new());

struct Capture;

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        LOGS.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn captured() -> String {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(|| Capture)
            .init();
    });
    String::from_utf8_lossy(&LOGS.lock().unwrap()).into_owned()
}

#[tokio::test]
async fn retries_failures_and_breaker_changes_are_logged_without_the_key() {
    captured();
    let s = setup().await;
    let d = s.domain_path();
    s.fake.script("GET", &d, Some(1), Reply::status(429));
    s.client.get_domain(&s.creds).await.unwrap();
    let subs = format!("{d}/subscribers");
    s.fake.script(
        "POST",
        &subs,
        Some(1),
        Reply::slow(Duration::from_millis(600)),
    );
    let spec = SubscriberSpec {
        msisdn: "1001".into(),
        sip_password: "sip-secret-in-body".into(),
        active: true,
        owner: "opbx-test".into(),
    };
    let _ = s.client.create_subscriber(&s.creds, &spec).await;
    s.fake.script("GET", &d, None, Reply::status(500));
    for _ in 0..4 {
        let _ = s.client.get_domain(&s.creds).await;
    }

    let logs = captured();
    let ours: Vec<&str> = logs.lines().filter(|l| l.contains(&d)).collect();
    assert!(
        ours.iter()
            .any(|l| l.contains("retrying") && l.contains("429")),
        "the 429 retry is logged: {ours:#?}"
    );
    assert!(
        logs.lines()
            .any(|l| l.contains("circuit opened") && l.contains(&s.creds.domain)),
        "the breaker opening is logged"
    );
    assert!(!logs.contains(s.key()), "the API key was logged");
    assert!(
        !logs.contains("sip-secret-in-body"),
        "a SIP password was logged"
    );
}
