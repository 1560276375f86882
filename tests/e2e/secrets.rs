//! Secrets never leak (issue 16.5): a run of the real `opbx-local` at the most verbose log level
//! creates every kind of secret a tenant has — passwords (right and wrong), API tokens, the
//! Cloudonix API key, SIP passwords, conference PINs, the webhook bearer, the CDR and session
//! tokens — and uses each the way its owner would. Afterwards no secret appears anywhere in the
//! process's output, nor in any response other than the one(s) meant to show it.

use std::net::SocketAddr;
use std::time::Duration;

use opbx_tests::local::{LocalProcess, http_request};
use serde_json::{Value, json};

/// A random value of `len` characters from `alphabet`, so no secret can be a substring of
/// anything else by chance.
fn random(alphabet: &str, len: usize) -> String {
    let token = opbx::crypto::random_token();
    let chars: Vec<char> = alphabet.chars().collect();
    token
        .bytes()
        .cycle()
        .zip(0..len)
        .enumerate()
        .map(|(i, (b, _))| chars[(usize::from(b) * 31 + i * 7) % chars.len()])
        .collect()
}

struct Run {
    addr: SocketAddr,
    /// Every response: (what was asked, body).
    responses: Vec<(String, String)>,
}

impl Run {
    async fn call(
        &mut self,
        method: &str,
        path: &str,
        bearer: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let auth = bearer.map(|t| format!("Bearer {t}"));
        let headers: Vec<(&str, &str)> = auth
            .as_deref()
            .map(|a| vec![("Authorization", a)])
            .unwrap_or_default();
        let text = body.map(|b| b.to_string());
        let (status, answer) =
            http_request(self.addr, method, path, &headers, text.as_deref()).await;
        self.responses
            .push((format!("{method} {path} → {status}"), answer.clone()));
        (status, serde_json::from_str(&answer).unwrap_or(Value::Null))
    }
}

#[tokio::test]
async fn no_secret_reaches_the_logs_or_another_response() {
    let dir = opbx_tests::local::temp_dir();
    let owner_password = random("abcdefghjkmnpqrstuvwxyzABCDEFGH23456789", 24);
    let mut pbx = LocalProcess::start(
        &dir,
        &[
            ("RUST_LOG", "trace"),
            ("OPBX_BOOTSTRAP_EMAIL", "owner@example.com"),
            ("OPBX_BOOTSTRAP_PASSWORD", owner_password.as_str()),
            ("OPBX_PUBLIC_URL", "https://pbx.example.com"),
            // Cloudonix is asked about the domain when the settings are saved: nobody listens
            // there, so the attempt fails at once and is logged.
            ("OPBX_CLOUDONIX_API_URL", "http://127.0.0.1:9"),
        ],
    )
    .await;
    let mut run = Run {
        addr: pbx.addr(),
        responses: Vec::new(),
    };
    // (name, value, the responses allowed to show it)
    let mut secrets: Vec<(&str, String, Vec<&str>)> = Vec::new();

    let wrong_password = random("abcdefghjkmnpqrstuvwxyz23456789", 22);
    let (status, _) = run
        .call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "owner@example.com", "password": wrong_password})),
        )
        .await;
    assert_eq!(status, 401);
    secrets.push(("a wrong password", wrong_password, vec![]));

    let (status, login) = run
        .call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "owner@example.com", "password": owner_password})),
        )
        .await;
    assert_eq!(status, 200, "{login}");
    let token = login["token"].as_str().unwrap().to_owned();
    secrets.push(("the owner's password", owner_password, vec![]));
    secrets.push((
        "the owner's API token",
        token.clone(),
        vec!["POST /api/v1/auth/login → 200"],
    ));

    let user_password = random("abcdefghjkmnpqrstuvwxyzABCDEFGH23456789", 20);
    let (status, user) = run
        .call("POST", "/api/v1/users", Some(&token), Some(json!({"email": "ann@example.com", "name": "Ann", "password": user_password, "role": "pbx_user"})))
        .await;
    assert_eq!(status, 201, "{user}");
    let (status, ann) = run
        .call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "ann@example.com", "password": user_password})),
        )
        .await;
    assert_eq!(status, 200, "{ann}");
    secrets.push(("a user's password", user_password, vec![]));
    secrets.push((
        "a user's API token",
        ann["token"].as_str().unwrap().to_owned(),
        vec!["POST /api/v1/auth/login → 200"],
    ));

    let sip_password = random("abcdefghjkmnpqrstuvwxyzABCDEFGH23456789", 24);
    let (status, ext) = run
        .call(
            "POST",
            "/api/v1/extensions",
            Some(&token),
            Some(json!({"number": "1001", "name": "Front desk", "sip_password": sip_password})),
        )
        .await;
    assert_eq!(status, 201, "{ext}");
    let ext_id = ext["id"].as_str().unwrap().to_owned();
    let reveal = format!("/api/v1/extensions/{ext_id}/sip-password/reveal");
    let (status, shown) = run.call("POST", &reveal, Some(&token), None).await;
    assert_eq!(
        (status, shown["sip_password"].as_str()),
        (200, Some(sip_password.as_str()))
    );
    secrets.push((
        "a SIP password",
        sip_password,
        vec!["POST /api/v1/extensions/{id}/sip-password/reveal → 200"],
    ));
    let rotate = format!("/api/v1/extensions/{ext_id}/sip-password/rotate");
    let (status, rotated) = run.call("POST", &rotate, Some(&token), None).await;
    assert_eq!(status, 200, "{rotated}");
    if let Some(new) = rotated["sip_password"].as_str() {
        secrets.push((
            "a rotated SIP password",
            new.to_owned(),
            vec!["POST /api/v1/extensions/{id}/sip-password/rotate → 200"],
        ));
    }

    let pin = random("0123456789", 10);
    let (status, room) = run
        .call(
            "POST",
            "/api/v1/conference-rooms",
            Some(&token),
            Some(json!({"name": "Board", "number": "7001", "pin": pin})),
        )
        .await;
    assert_eq!(status, 201, "{room}");
    secrets.push(("a conference PIN", pin, vec![]));

    let api_key = format!("XI{}", random("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", 30));
    let (status, saved) = run
        .call(
            "PUT",
            "/api/v1/settings/cloudonix",
            Some(&token),
            Some(json!({"domain": "acme.cloudonix.net", "api_key": api_key})),
        )
        .await;
    assert_eq!(status, 200, "{saved}");
    secrets.push(("the Cloudonix API key", api_key, vec![]));

    let (status, issued) = run
        .call(
            "POST",
            "/api/v1/settings/cloudonix/webhook-key",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, 200, "{issued}");
    let webhook_key = issued["webhook_key"].as_str().unwrap().to_owned();
    secrets.push((
        "the webhook bearer",
        webhook_key.clone(),
        vec!["POST /api/v1/settings/cloudonix/webhook-key → 200"],
    ));

    let (status, urls) = run
        .call("GET", "/api/v1/settings/cloudonix/urls", Some(&token), None)
        .await;
    assert_eq!(status, 200, "{urls}");
    let url_views = vec![
        "GET /api/v1/settings/cloudonix/urls → 200",
        "POST /api/v1/settings/cloudonix/cdr-token → 200",
    ];
    let cdr_path = urls["cdr_endpoint"]
        .as_str()
        .expect("saving the settings issues a CDR token")
        .trim_start_matches("https://pbx.example.com")
        .to_owned();
    let cdr_token = cdr_path.rsplit('/').next().unwrap().to_owned();
    secrets.push(("the CDR token", cdr_token, url_views.clone()));
    let session_url = urls["session_update_endpoint"].as_str().unwrap().to_owned();
    let session_path = session_url
        .trim_start_matches("https://pbx.example.com")
        .to_owned();
    if let Some(token) = session_path
        .split(['?', '&', '/'])
        .filter(|p| p.len() >= 20)
        .map(|p| p.trim_start_matches("k=").to_owned())
        .next_back()
    {
        secrets.push(("the session-update token", token, url_views));
    }

    // Cloudonix using them: a call, its session updates, its CDR; and one forged request.
    let call = json!({"CallSid": "CA-secrets-1", "Session": "s-secrets-1", "From": "+14155550000",
                      "To": "1001", "Direction": "inbound"});
    let (status, _) = run
        .call(
            "POST",
            "/webhooks/cloudonix/voice",
            Some(&webhook_key),
            Some(call),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = run
        .call(
            "POST",
            "/webhooks/cloudonix/voice",
            Some(&format!("{webhook_key}x")),
            Some(json!({"CallSid": "CA-forged"})),
        )
        .await;
    assert_eq!(status, 401);
    let session = json!({"token": "s-secrets-1", "callId": "CA-secrets-1", "status": "connected",
                         "domain": "acme.cloudonix.net"});
    run.call("POST", &session_path, Some(&webhook_key), Some(session))
        .await;
    let cdr = json!({"call_id": "CA-secrets-1", "session": {"token": "s-secrets-1"},
                     "disposition": "ANSWER", "duration": 12, "billsec": 10,
                     "from": "+14155550000", "to": "1001", "domain": "acme.cloudonix.net"});
    let (status, body) = run.call("POST", &cdr_path, None, Some(cdr)).await;
    assert!(status < 500, "{status} {body}");

    // And the owner leaving.
    let (status, _) = run
        .call("POST", "/api/v1/auth/logout", Some(&token), None)
        .await;
    assert!(status < 300, "{status}");
    pbx.terminate_gracefully(Duration::from_secs(10)).await;
    let logs = pbx.output().to_owned();
    let _ = std::fs::remove_dir_all(&dir);

    let mut hits = Vec::new();
    for (name, value, allowed) in &secrets {
        for line in logs.lines().filter(|l| l.contains(value.as_str())) {
            hits.push(format!("{name} in the log: {line}"));
        }
        for (asked, body) in &run.responses {
            let pattern = asked.replace(&ext_id, "{id}");
            if body.contains(value.as_str()) && !allowed.contains(&pattern.as_str()) {
                hits.push(format!("{name} in the response to {asked}"));
            }
        }
    }
    println!(
        "secrets: {} secrets searched in {} log lines and {} responses: {} hits",
        secrets.len(),
        logs.lines().count(),
        run.responses.len(),
        hits.len()
    );
    assert!(hits.is_empty(), "{}", hits.join("\n"));
}
