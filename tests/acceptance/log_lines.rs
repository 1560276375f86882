//! Caller-supplied values cannot forge log lines (issue 18.7): `opbx-local` writes text logs, and
//! a `CallSid` holding a newline and a fake log line must come out escaped on the line of the
//! warning it belongs to.

use std::io::Write;
use std::sync::{Arc, Mutex};

use opbx_tests::Backend;
use serde_json::json;

use crate::fixture::Fixture;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

// One thread, so the subscriber set for this test sees every line the request writes.
#[tokio::test(flavor = "current_thread")]
async fn a_call_sid_with_a_newline_cannot_forge_a_log_line() {
    let fx = Fixture::new(Backend::embedded().await).await;
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let forged = "2026-01-01T00:00:00.000000Z  INFO opbx: admin password changed";
    let call_sid = format!("CA1\n{forged}");
    // A callback whose routing state is not ours: warned about, naming the call.
    let answer = fx
        .post(
            "/webhooks/cloudonix/voice/gather?k=forged.state",
            json!({"CallSid": call_sid, "From": "+14155550000", "To": "+12125550101",
                   "Direction": "inbound"}),
        )
        .await;
    assert_eq!(answer.status, 200);

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let warning = text
        .lines()
        .find(|l| l.contains("callback with bad routing state"))
        .unwrap_or_else(|| panic!("no warning logged: {text}"));
    assert!(warning.contains("CA1\\n2026-01-01"), "{warning}");
    assert!(
        !text.lines().any(|l| l.starts_with(forged)),
        "a forged line made it into the log:\n{text}"
    );
}
