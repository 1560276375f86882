//! The HTTP adapter: exact requests, retries, timeouts, the circuit breaker, secret hygiene.

use std::time::{Duration, Instant};

use opbx::adapters::cloudonix::HttpCloudonix;
use opbx::adapters::cloudonix::breaker::BreakerState;
use opbx::ports::cloudonix::{
    ApiKey, CloudonixApplications, CloudonixDomains, CloudonixError, CloudonixSubscribers,
    DomainCredentials, SubscriberSpec, VoiceApplicationSpec,
};
use opbx_tests::fake_cloudonix::{FakeCloudonix, Reply};
use serde_json::{Map, json};

use crate::support::{POLICY, new_key, setup};

fn subscriber(msisdn: &str, active: bool) -> SubscriberSpec {
    SubscriberSpec {
        msisdn: msisdn.into(),
        sip_password: format!("sip-secret-{msisdn}"),
        active,
        owner: "opbx-test".into(),
    }
}

fn app_spec() -> VoiceApplicationSpec {
    VoiceApplicationSpec {
        name: "opbx-routing".into(),
        url: "https://pbx.example.com/webhooks/cloudonix/voice".into(),
    }
}

/// Gaps between consecutive recorded requests.
fn gaps(fake: &FakeCloudonix) -> Vec<Duration> {
    let at: Vec<Instant> = fake.requests().iter().map(|r| r.at).collect();
    at.windows(2).map(|w| w[1] - w[0]).collect()
}

#[tokio::test]
async fn requests_are_the_documented_ones() {
    let s = setup().await;
    let d = s.domain_path();

    let info = s.client.get_domain(&s.creds).await.unwrap();
    assert_eq!(info.domain.as_deref(), Some(s.creds.domain.as_str()));
    assert_eq!(info.uuid, Some(s.fake.uuid(&s.creds.domain)));
    assert!(
        info.profile.is_empty(),
        "an empty profile arrives as [] and reads as {{}}"
    );
    assert_eq!(info.default_application, None);

    let app = s
        .client
        .create_voice_application(&s.creds, &app_spec())
        .await
        .unwrap();
    assert_eq!(app.name, "opbx-routing");
    let updated = s
        .client
        .update_voice_application(&s.creds, &app.id, &app_spec())
        .await
        .unwrap();
    assert_eq!(updated.id, app.id);
    s.client
        .set_default_application(&s.creds, &app.id)
        .await
        .unwrap();
    let mut profile = Map::new();
    profile.insert("cdr-endpoint".into(), json!("https://pbx.example.com/x"));
    s.client
        .update_domain_profile(&s.creds, &profile)
        .await
        .unwrap();

    let sub = s
        .client
        .create_subscriber(&s.creds, &subscriber("1001", true))
        .await
        .unwrap();
    assert_eq!(sub.msisdn, "1001");
    let found = s.client.find_subscriber(&s.creds, "1001").await.unwrap();
    assert_eq!(found.as_ref().map(|f| &f.id), Some(&sub.id));
    assert_eq!(
        s.client.find_subscriber(&s.creds, "9999").await.unwrap(),
        None
    );
    s.client
        .update_subscriber(&s.creds, &sub.id, &subscriber("1001", false))
        .await
        .unwrap();
    s.client.delete_subscriber(&s.creds, &sub.id).await.unwrap();
    assert_eq!(
        s.client.delete_subscriber(&s.creds, &sub.id).await,
        Err(CloudonixError::NotFound)
    );

    let requests = s.fake.requests();
    let lines: Vec<String> = requests.iter().map(|r| r.line()).collect();
    assert_eq!(
        lines,
        [
            format!("GET {d}"),
            format!("POST {d}/applications"),
            format!("PUT {d}/applications/{}", app.id),
            format!("PATCH {d}"),
            format!("PUT {d}"),
            format!("POST {d}/subscribers"),
            format!("GET {d}/subscribers/1001"),
            format!("GET {d}/subscribers/9999"),
            format!("PUT {d}/subscribers/{}", sub.id),
            format!("DELETE {d}/subscribers/{}", sub.id),
            format!("DELETE {d}/subscribers/{}", sub.id),
        ]
    );
    let bodies: Vec<_> = requests.iter().map(|r| r.body.clone()).collect();
    let app_id: u64 = app.id.parse().unwrap();
    assert_eq!(
        bodies[1],
        Some(json!({
            "name": "opbx-routing", "type": "cxml", "method": "POST", "profile": {},
            "url": "https://pbx.example.com/webhooks/cloudonix/voice",
        }))
    );
    assert_eq!(
        bodies[2],
        Some(json!({
            "type": "cxml", "method": "POST",
            "url": "https://pbx.example.com/webhooks/cloudonix/voice",
        }))
    );
    assert_eq!(bodies[3], Some(json!({ "defaultApplication": app_id })));
    assert_eq!(
        bodies[4],
        Some(json!({ "profile": { "cdr-endpoint": "https://pbx.example.com/x" } }))
    );
    // The password under both spellings in use; `msisdn` only when creating (it is editable
    // at creation only).
    assert_eq!(
        bodies[5],
        Some(json!({ "msisdn": "1001", "sip-password": "sip-secret-1001",
                     "sipPassword": "sip-secret-1001", "active": true,
                     "profile": { "opbx-organization": "opbx-test" } }))
    );
    assert_eq!(
        bodies[8],
        Some(
            json!({ "sip-password": "sip-secret-1001", "sipPassword": "sip-secret-1001",
                     "active": false })
        )
    );
    assert_eq!(bodies[0], None, "a GET has no body");
    for r in &requests {
        assert_eq!(
            r.header("authorization"),
            Some(&*format!("Bearer {}", s.key()))
        );
        assert_eq!(r.header("accept"), Some("application/json"));
        if r.body.is_some() {
            assert_eq!(r.header("content-type"), Some("application/json"));
        }
    }
    let snapshot = s.fake.snapshot(&s.creds.domain);
    assert_eq!(snapshot["defaultApplication"], json!(app_id));
    assert_eq!(snapshot["subscribers"], json!([]));
}

#[tokio::test]
async fn rate_limits_are_waited_out_as_retry_after_says() {
    let s = setup().await;
    let d = s.domain_path();
    s.fake
        .script("GET", &d, Some(1), Reply::status(429).retry_after("1"));
    s.fake.script("GET", &d, Some(1), Reply::status(429));

    s.client.get_domain(&s.creds).await.unwrap();

    assert_eq!(s.fake.lines(), vec![format!("GET {d}"); 3]);
    let gaps = gaps(&s.fake);
    assert!(
        gaps[0] >= Duration::from_secs(1),
        "Retry-After: 1 must be honoured, waited {:?}",
        gaps[0]
    );
    // Without Retry-After: the second backoff step, 2 × 40 ms with the upper half jittered.
    assert!(
        gaps[1] >= Duration::from_millis(40) && gaps[1] < Duration::from_millis(900),
        "second wait {:?}",
        gaps[1]
    );
}

#[tokio::test]
async fn persistent_rate_limits_back_off_exponentially_then_give_up() {
    let s = setup().await;
    let d = s.domain_path();
    s.fake.script("GET", &d, None, Reply::status(429));

    let err = s.client.get_domain(&s.creds).await.unwrap_err();

    assert_eq!(
        err,
        CloudonixError::RateLimited {
            attempts: 3,
            retry_after: None
        }
    );
    assert_eq!(s.fake.requests().len(), 3);
    let gaps = gaps(&s.fake);
    assert!(
        gaps[0] >= Duration::from_millis(20),
        "first wait {:?}",
        gaps[0]
    );
    assert!(
        gaps[1] >= Duration::from_millis(40),
        "second wait {:?}",
        gaps[1]
    );
}

#[tokio::test]
async fn a_retry_after_beyond_the_limit_is_reported_not_waited() {
    let s = setup().await;
    let d = s.domain_path();
    s.fake
        .script("GET", &d, None, Reply::status(429).retry_after("60"));
    let started = Instant::now();

    let err = s.client.get_domain(&s.creds).await.unwrap_err();

    assert_eq!(
        err,
        CloudonixError::RateLimited {
            attempts: 1,
            retry_after: Some(Duration::from_secs(60))
        }
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(s.fake.requests().len(), 1);
}

#[tokio::test]
async fn a_rate_limited_post_is_retried_and_creates_once() {
    let s = setup().await;
    let path = format!("{}/subscribers", s.domain_path());
    s.fake.script("POST", &path, Some(1), Reply::status(429));

    s.client
        .create_subscriber(&s.creds, &subscriber("1001", true))
        .await
        .unwrap();

    assert_eq!(s.fake.lines(), vec![format!("POST {path}"); 2]);
    let subs = &s.fake.snapshot(&s.creds.domain)["subscribers"];
    assert_eq!(subs.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn slow_answers_time_out_and_only_idempotent_requests_retry() {
    let s = setup().await;
    let d = s.domain_path();
    s.fake
        .script("GET", &d, None, Reply::slow(Duration::from_millis(800)));
    let started = Instant::now();
    let err = s.client.get_domain(&s.creds).await.unwrap_err();
    assert_eq!(err, CloudonixError::Timeout(POLICY.request_timeout));
    assert_eq!(s.fake.requests().len(), 3, "GET is retried after a timeout");
    assert!(
        started.elapsed() < Duration::from_millis(3 * 300 + 600),
        "each attempt stops at the timeout: {:?}",
        started.elapsed()
    );

    s.fake.clear_requests();
    let path = format!("{d}/subscribers");
    s.fake
        .script("POST", &path, None, Reply::slow(Duration::from_millis(800)));
    let err = s
        .client
        .create_subscriber(&s.creds, &subscriber("1001", true))
        .await
        .unwrap_err();
    assert_eq!(err, CloudonixError::Timeout(POLICY.request_timeout));
    assert_eq!(
        s.fake.lines(),
        [format!("POST {path}")],
        "a POST that may have run is not sent twice"
    );
}

#[tokio::test]
async fn server_errors_retry_only_when_transient_and_idempotent() {
    let s = setup().await;
    let d = s.domain_path();
    s.fake.script("GET", &d, Some(2), Reply::status(503));
    s.client.get_domain(&s.creds).await.unwrap();
    assert_eq!(s.fake.requests().len(), 3);

    s.fake.clear_requests();
    let path = format!("{d}/applications");
    s.fake.script("POST", &path, Some(1), Reply::status(503));
    let err = s
        .client
        .create_voice_application(&s.creds, &app_spec())
        .await
        .unwrap_err();
    assert_eq!(err, CloudonixError::Server { status: 503 });
    assert_eq!(s.fake.requests().len(), 1);

    s.fake.clear_requests();
    s.fake.script("GET", &d, Some(1), Reply::status(500));
    let err = s.client.get_domain(&s.creds).await.unwrap_err();
    assert_eq!(err, CloudonixError::Server { status: 500 });
    assert_eq!(s.fake.requests().len(), 1, "a plain 500 is not retried");
}

#[tokio::test]
async fn refused_connections_are_retried_then_reported() {
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let key = new_key();
    let creds = DomainCredentials {
        domain: "nowhere.cloudonix.net".into(),
        api_key: ApiKey::new(key.clone()),
    };
    let client = HttpCloudonix::new(&url, POLICY);
    let started = Instant::now();

    let err = client.get_domain(&creds).await.unwrap_err();

    assert!(matches!(err, CloudonixError::Unreachable(_)), "{err:?}");
    // Two backoff waits of at least 20 ms and 40 ms lie between the three attempts.
    assert!(started.elapsed() >= Duration::from_millis(60));
    assert!(!format!("{err} {err:?}").contains(&key));
}

#[tokio::test]
async fn the_breaker_opens_per_domain_and_stops_calling() {
    let s = setup().await;
    let d = s.domain_path();
    let other_key = new_key();
    let other = DomainCredentials {
        domain: format!("other-{}", s.creds.domain),
        api_key: ApiKey::new(other_key.clone()),
    };
    s.fake.add_domain(&other.domain, &other_key);
    s.fake.script("GET", &d, None, Reply::status(500));

    for _ in 0..3 {
        assert_eq!(
            s.client.get_domain(&s.creds).await,
            Err(CloudonixError::Server { status: 500 })
        );
    }
    let refused = s.client.get_domain(&s.creds).await.unwrap_err();
    assert!(
        matches!(refused, CloudonixError::CircuitOpen { retry_in } if retry_in <= POLICY.breaker.cool_down),
        "{refused:?}"
    );
    assert_eq!(s.fake.requests().len(), 3, "an open circuit sends nothing");
    assert!(matches!(
        s.client.breaker_state(&s.creds.domain),
        BreakerState::Open { .. }
    ));

    s.client.get_domain(&other).await.unwrap();
    assert_eq!(
        s.client.breaker_state(&other.domain),
        BreakerState::Closed { failures: 0 },
        "another tenant's domain is unaffected"
    );
}

/// Opens the circuit of `s`'s domain with three 500s and clears the script.
async fn open_circuit(s: &crate::support::Setup) {
    let d = s.domain_path();
    s.fake.script("GET", &d, None, Reply::status(500));
    for _ in 0..3 {
        let _ = s.client.get_domain(&s.creds).await;
    }
    s.fake.clear_scripts();
    assert!(matches!(
        s.client.breaker_state(&s.creds.domain),
        BreakerState::Open { .. }
    ));
}

#[tokio::test]
async fn after_the_cool_down_one_probe_decides() {
    let s = setup().await;
    let d = s.domain_path();
    open_circuit(&s).await;
    tokio::time::sleep(POLICY.breaker.cool_down).await;

    // The probe is slow; a call made meanwhile is refused without being sent.
    s.fake
        .script("GET", &d, Some(1), Reply::slow(Duration::from_millis(150)));
    s.fake.clear_requests();
    let (probe, meanwhile) = tokio::join!(s.client.get_domain(&s.creds), async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        s.client.get_domain(&s.creds).await
    });
    probe.unwrap();
    assert!(
        matches!(meanwhile, Err(CloudonixError::CircuitOpen { .. })),
        "{meanwhile:?}"
    );
    assert_eq!(s.fake.requests().len(), 1, "exactly one probe");
    assert_eq!(
        s.client.breaker_state(&s.creds.domain),
        BreakerState::Closed { failures: 0 }
    );
    s.client.get_domain(&s.creds).await.unwrap();
}

#[tokio::test]
async fn a_failed_probe_opens_the_circuit_again() {
    let s = setup().await;
    let d = s.domain_path();
    open_circuit(&s).await;
    tokio::time::sleep(POLICY.breaker.cool_down).await;
    s.fake.script("GET", &d, Some(1), Reply::status(500));
    s.fake.clear_requests();

    assert_eq!(
        s.client.get_domain(&s.creds).await,
        Err(CloudonixError::Server { status: 500 })
    );
    assert!(matches!(
        s.client.get_domain(&s.creds).await,
        Err(CloudonixError::CircuitOpen { .. })
    ));
    assert_eq!(s.fake.requests().len(), 1);
}

#[tokio::test]
async fn refusals_are_not_outages_and_never_carry_the_key() {
    let s = setup().await;
    let d = s.domain_path();
    let wrong = DomainCredentials {
        domain: s.creds.domain.clone(),
        api_key: ApiKey::new(new_key()),
    };
    for _ in 0..5 {
        assert_eq!(
            s.client.get_domain(&wrong).await,
            Err(CloudonixError::Unauthorized { status: 401 })
        );
    }
    assert_eq!(
        s.client.breaker_state(&s.creds.domain),
        BreakerState::Closed { failures: 0 },
        "a wrong key is the admin's problem, not Cloudonix being down"
    );

    // Cloudonix echoing the key back in an error must not put it into ours.
    s.fake.script(
        "PATCH",
        &d,
        Some(1),
        Reply::status(400).body(json!({ "message": format!("bad request from {}", s.key()) })),
    );
    let err = s
        .client
        .set_default_application(&s.creds, "1")
        .await
        .unwrap_err();
    let masked = s.creds.api_key.masked();
    assert_eq!(
        err,
        CloudonixError::Rejected {
            status: 400,
            message: format!("bad request from {masked}")
        }
    );
    for text in [
        err.to_string(),
        format!("{err:?}"),
        format!("{:?}", s.creds),
    ] {
        assert!(!text.contains(s.key()), "{text}");
    }
}

#[tokio::test]
async fn a_key_no_header_can_carry_fails_at_once_without_sending() {
    let s = setup().await;
    let bad = DomainCredentials {
        domain: s.creds.domain.clone(),
        api_key: ApiKey::new("XI0123456789\nabcdefghijklmnopqrstu"),
    };
    let started = Instant::now();

    let err = s.client.get_domain(&bad).await.unwrap_err();

    assert_eq!(
        err,
        CloudonixError::Unreachable("the API key contains characters a header cannot carry".into())
    );
    assert!(
        started.elapsed() < POLICY.retry.base_backoff / 2,
        "not retried"
    );
    assert!(s.fake.requests().is_empty());
}
