use std::time::Duration;

use opbx::adapters::cloudonix::breaker::BreakerPolicy;
use opbx::adapters::cloudonix::retry::RetryPolicy;
use opbx::adapters::cloudonix::{ClientPolicy, HttpCloudonix};
use opbx::ports::cloudonix::{ApiKey, DomainCredentials};
use opbx_tests::fake_cloudonix::FakeCloudonix;
use opbx_tests::unique;

/// Short waits so retries, timeouts and cool-downs are observable in milliseconds.
pub const POLICY: ClientPolicy = ClientPolicy {
    request_timeout: Duration::from_millis(300),
    retry: RetryPolicy {
        max_attempts: 3,
        base_backoff: Duration::from_millis(40),
        max_backoff: Duration::from_millis(200),
        max_retry_after: Duration::from_secs(3),
    },
    breaker: BreakerPolicy {
        failure_threshold: 3,
        cool_down: Duration::from_millis(400),
    },
};

/// A key shaped like Cloudonix's (34 characters, `XI…`), unique per test so that finding it in
/// shared log output points at exactly one test.
pub fn new_key() -> String {
    let tail: String = unique()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    format!("XI{}", &tail[tail.len() - 32..])
}

pub struct Setup {
    pub fake: FakeCloudonix,
    pub client: HttpCloudonix,
    pub creds: DomainCredentials,
}

/// A fake Cloudonix with one domain, and a client pointed at it.
pub async fn setup() -> Setup {
    let fake = FakeCloudonix::start().await;
    let domain = format!("d{}.cloudonix.net", &unique()[24..]);
    let key = new_key();
    fake.add_domain(&domain, &key);
    let client = HttpCloudonix::new(&fake.url, POLICY);
    Setup {
        fake,
        client,
        creds: DomainCredentials {
            domain,
            api_key: ApiKey::new(key),
        },
    }
}

impl Setup {
    pub fn domain_path(&self) -> String {
        format!("/customers/self/domains/{}", self.creds.domain)
    }

    pub fn key(&self) -> &str {
        self.creds.api_key.expose()
    }
}
