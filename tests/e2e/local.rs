use std::time::Duration;

use opbx_tests::local::{LocalProcess, http_get, http_request};
use serde_json::Value;

#[tokio::test]
async fn first_start_on_embedded_stores_bootstraps_and_reports_healthy() {
    let dir = opbx_tests::local::temp_dir();
    let mut pbx = LocalProcess::start(&dir, &[]).await;
    assert!(
        pbx.output().contains("Generated password"),
        "first start prints the generated owner password:\n{}",
        pbx.output()
    );
    assert!(
        dir.join("opbx.db").is_file(),
        "the SQLite database is created"
    );
    assert!(
        dir.join("opbx.key").is_file(),
        "the encryption key file is created"
    );

    let (status, body) = http_get(pbx.addr(), "/health").await;
    assert_eq!(status, 200, "{body}");
    let health: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["database"]["backend"], "sqlite");
    assert_eq!(health["database"]["healthy"], true);
    assert_eq!(health["coordination"]["backend"], "memory");
    assert_eq!(health["coordination"]["healthy"], true);

    let (status, body) = http_get(pbx.addr(), "/").await;
    assert_eq!(status, 200);
    assert!(
        body.contains("OpBX"),
        "the root serves the UI (or its placeholder): {body}"
    );

    pbx.terminate_gracefully(Duration::from_secs(10)).await;

    // A second start reuses the database and key and creates no second owner.
    let key_before = std::fs::read_to_string(dir.join("opbx.key")).unwrap();
    let mut again = LocalProcess::start(&dir, &[]).await;
    assert!(
        !again.output().contains("Created organization"),
        "{}",
        again.output()
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("opbx.key")).unwrap(),
        key_before
    );
    again.terminate_gracefully(Duration::from_secs(10)).await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn same_binary_runs_on_mysql_and_redis() {
    let dir = opbx_tests::local::temp_dir();
    let db = opbx_tests::test_database_url();
    let redis = std::env::var("OPBX_TEST_REDIS_URL")
        .unwrap_or_else(|_| opbx_tests::DEFAULT_TEST_REDIS_URL.into());
    let key = opbx::crypto::SecretBox::generate_key();
    let mut pbx = LocalProcess::start(
        &dir,
        &[
            ("OPBX_DATABASE_URL", db.as_str()),
            ("OPBX_REDIS_URL", redis.as_str()),
            // Generous: this test is about the stores being used, on a machine running many
            // tests at once, not about Redis's deadline (tests/acceptance/faults.rs is).
            ("OPBX_REDIS_DEADLINE_MS", "2000"),
            ("OPBX_ENCRYPTION_KEY", key.as_str()),
        ],
    )
    .await;
    let (status, body) = http_get(pbx.addr(), "/health").await;
    assert_eq!(status, 200, "{body}");
    let health: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(health["database"]["backend"], "mysql");
    assert_eq!(health["coordination"]["backend"], "redis");
    assert!(
        !dir.join("opbx.key").exists(),
        "with OPBX_ENCRYPTION_KEY no key file is written"
    );
    pbx.terminate_gracefully(Duration::from_secs(10)).await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn bad_configuration_stops_with_a_clear_message() {
    let dir = opbx_tests::local::temp_dir();
    let out = LocalProcess::run_to_exit(&dir, &[("OPBX_DATABASE_URL", "postgres://nope")]).await;
    assert!(!out.status.success());
    let text = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("OPBX_DATABASE_URL"),
        "names the variable: {text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Without `OPBX_PUBLIC_URL`, the webhook URLs are shown at the address opbx-local listens on,
/// and the CDR URL it shows is one a local script can post CDRs to.
#[tokio::test]
async fn without_a_public_url_the_cdr_url_is_the_listen_address() {
    let dir = opbx_tests::local::temp_dir();
    let password = "Local-Urls-2026!";
    let mut pbx = LocalProcess::start(&dir, &[("OPBX_BOOTSTRAP_PASSWORD", password)]).await;
    let addr = pbx.addr();
    let login = format!(r#"{{"email":"admin@example.com","password":"{password}"}}"#);
    let (status, body) = http_request(addr, "POST", "/api/v1/auth/login", &[], Some(&login)).await;
    assert_eq!(status, 200, "{body}");
    let token = serde_json::from_str::<Value>(&body).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let auth = format!("Bearer {token}");
    let auth = [("Authorization", auth.as_str())];

    let (status, body) = http_request(
        addr,
        "POST",
        "/api/v1/settings/cloudonix/cdr-token",
        &auth,
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) =
        http_request(addr, "GET", "/api/v1/settings/cloudonix/urls", &auth, None).await;
    assert_eq!(status, 200, "{body}");
    let urls: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        urls["voice_application_url"],
        format!("http://{addr}/webhooks/cloudonix/voice")
    );
    let cdr = urls["cdr_endpoint"].as_str().unwrap();
    let path = cdr
        .strip_prefix(&format!("http://{addr}"))
        .unwrap_or_else(|| panic!("{cdr}"));
    let record = r#"{"session":{"token":"s-local"},"from":"+14155550123","to":"+12125550100",
        "disposition":"ANSWER","duration":12,"billsec":9}"#;
    let (status, body) = http_request(addr, "POST", path, &[], Some(record)).await;
    assert_eq!(status, 200, "the shown CDR URL takes CDRs: {body}");
    assert!(body.contains(r#""stored":true"#), "{body}");

    pbx.terminate_gracefully(Duration::from_secs(10)).await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// A real crash of `opbx-local` while an extension's sync waits to be retried: the job was in
/// the in-process queue, which died with the process. After a restart the job runs at once
/// (not only once overdue), and the subscriber exists.
#[tokio::test]
async fn a_killed_opbx_local_runs_its_waiting_jobs_after_a_restart() {
    use opbx_tests::fake_cloudonix::{FakeCloudonix, Reply};
    let fake = FakeCloudonix::start().await;
    let id = opbx_tests::unique();
    let domain = format!("d{}.cloudonix.net", &id[24..]);
    let hex: String = id.chars().filter(char::is_ascii_hexdigit).collect();
    let key = format!("XI{}", &hex[hex.len() - 32..]);
    fake.add_domain(&domain, &key);

    let dir = opbx_tests::local::temp_dir();
    let password = "Killed-Worker-2026!";
    let env = [
        ("OPBX_BOOTSTRAP_PASSWORD", password),
        ("OPBX_CLOUDONIX_API_URL", fake.url.as_str()),
        ("OPBX_PUBLIC_URL", "https://pbx.example.test"),
    ];
    let mut pbx = LocalProcess::start(&dir, &env).await;
    let login = format!(r#"{{"email":"admin@example.com","password":"{password}"}}"#);
    let (status, body) =
        http_request(pbx.addr(), "POST", "/api/v1/auth/login", &[], Some(&login)).await;
    assert_eq!(status, 200, "{body}");
    let token = serde_json::from_str::<Value>(&body).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let auth = format!("Bearer {token}");
    let auth = [("Authorization", auth.as_str())];
    let settings = serde_json::json!({"domain": domain, "api_key": key}).to_string();
    let (status, body) = http_request(
        pbx.addr(),
        "PUT",
        "/api/v1/settings/cloudonix",
        &auth,
        Some(&settings),
    )
    .await;
    assert_eq!(status, 200, "{body}");

    // Cloudonix fails subscriber creation: the sync's first try fails and waits to be retried.
    let subscribers = format!("/customers/self/domains/{domain}/subscribers");
    fake.script("POST", &subscribers, None, Reply::status(503));
    let extension = r#"{"number": "501", "name": "Desk"}"#;
    let (status, body) = http_request(
        pbx.addr(),
        "POST",
        "/api/v1/extensions",
        &auth,
        Some(extension),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let path = format!(
        "/api/v1/extensions/{}",
        serde_json::from_str::<Value>(&body).unwrap()["id"]
            .as_str()
            .unwrap()
    );
    let sync = |addr| {
        let path = path.clone();
        async move {
            let (_, body) = http_request(addr, "GET", &path, &auth, None).await;
            serde_json::from_str::<Value>(&body).unwrap()["cloudonix_sync"].clone()
        }
    };
    let started = std::time::Instant::now();
    while sync(pbx.addr()).await["error"].is_null() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the first try never failed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    pbx.kill().await;
    fake.clear_scripts();

    let mut again = LocalProcess::start(&dir, &env).await;
    let started = std::time::Instant::now();
    loop {
        let state = sync(again.addr()).await;
        if state["state"] == "synced" {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(25),
            "the waiting job did not run after the restart: {state}\n{}",
            again.output()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let numbers: Vec<Value> = fake.snapshot(&domain)["subscribers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["msisdn"].clone())
        .collect();
    assert_eq!(numbers, [Value::from("501")]);
    again.terminate_gracefully(Duration::from_secs(10)).await;
    let _ = std::fs::remove_dir_all(&dir);
}
