//! Keeping background work within Cloudonix's rate limit (10 requests per domain per 10 s, 429
//! beyond; reference cloudonix.md). Every request a job makes first takes a slot of the domain's
//! window in the coordination store — Redis when configured, so every worker of the deployment
//! shares one budget — and waits for the next window when the slots are taken. The window is a
//! fixed one, which lets up to twice its slots through across a window edge: pacing at half of
//! Cloudonix's limit keeps any 10 s within it. The client still honours 429 and `Retry-After`
//! should an interactive request share the budget.
//!
//! The same store holds each domain's circuit breaker ([`CLOUDONIX_CIRCUIT`]): after repeated
//! 5xx answers or timeouts, every worker skips the domain's calls for the cool-down (the job is
//! retried after it) instead of each worker finding the outage on its own.

use std::future::Future;
use std::time::Duration;

use async_trait::async_trait;
use serde_json::{Map, Value};

use crate::ports::cloudonix::{
    CloudonixApi, CloudonixApplications, CloudonixDomains, CloudonixError, CloudonixRecordings,
    CloudonixResult, CloudonixSubscribers, DomainCredentials, DomainInfo, Subscriber,
    SubscriberSpec, VoiceApplication, VoiceApplicationSpec,
};
use crate::ports::coordination::{CircuitPolicy, Circuits, RateLimits};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pace {
    pub requests: u64,
    pub window: Duration,
}

impl Pace {
    /// Half of Cloudonix's documented 10 requests per domain per 10 s.
    pub const CLOUDONIX: Self = Self {
        requests: 5,
        window: Duration::from_secs(10),
    };
}

/// Five failed calls in a row (each already retried by the client) pause a domain's background
/// calls for 30 s across every worker.
pub const CLOUDONIX_CIRCUIT: CircuitPolicy = CircuitPolicy {
    threshold: 5,
    cool_down: Duration::from_secs(30),
    memory: Duration::from_secs(120),
};

/// A Cloudonix client whose every request waits for a slot of its domain's window, unless the
/// domain's circuit is open.
pub struct Paced<'a> {
    pub api: &'a dyn CloudonixApi,
    pub limits: &'a dyn RateLimits,
    pub pace: Pace,
    pub circuits: &'a dyn Circuits,
    pub circuit: CircuitPolicy,
}

impl Paced<'_> {
    /// `call`, unless the domain's shared circuit is open (then `CircuitOpen`, nothing sent);
    /// its outcome is counted for the circuit. 5xx, timeouts and unreachability count as
    /// failures: Cloudonix is in trouble. A 429 does not (pacing and `Retry-After` answer it),
    /// nor does an answer about the request itself.
    async fn guarded<T>(
        &self,
        creds: &DomainCredentials,
        call: impl Future<Output = CloudonixResult<T>>,
    ) -> CloudonixResult<T> {
        let key = format!("cloudonix:{}", creds.domain.to_ascii_lowercase());
        match self.circuits.circuit_open_for(&key).await {
            Ok(Some(retry_in)) => return Err(CloudonixError::CircuitOpen { retry_in }),
            Ok(None) => {}
            // Without the store nothing is shared; the client's own breaker remains.
            Err(e) => tracing::warn!(error = %e, "shared Cloudonix circuit unavailable"),
        }
        self.slot(creds).await;
        let result = call.await;
        let outcome = match &result {
            Err(
                CloudonixError::Server { .. }
                | CloudonixError::Timeout(_)
                | CloudonixError::Unreachable(_),
            ) => self.circuits.circuit_failed(&key, self.circuit).await.map(|opened| {
                if opened {
                    tracing::warn!(domain = %creds.domain, "Cloudonix circuit opened for every worker after repeated failures");
                }
            }),
            Err(CloudonixError::CircuitOpen { .. } | CloudonixError::RateLimited { .. }) => Ok(()),
            _ => self.circuits.circuit_succeeded(&key).await,
        };
        if let Err(e) = outcome {
            tracing::warn!(error = %e, "shared Cloudonix circuit not updated");
        }
        result
    }

    async fn slot(&self, creds: &DomainCredentials) {
        let key = format!("cloudonix-pace:{}", creds.domain.to_ascii_lowercase());
        loop {
            match self
                .limits
                .hit(&key, self.pace.requests, self.pace.window)
                .await
            {
                Ok(d) if !d.allowed => {
                    tokio::time::sleep(d.retry_after.max(Duration::from_millis(5))).await;
                }
                Ok(_) => return,
                Err(e) => {
                    // Without the store nothing is shared; the client's 429 handling remains.
                    tracing::warn!(error = %e, "Cloudonix pacing unavailable");
                    return;
                }
            }
        }
    }
}

#[async_trait]
impl CloudonixDomains for Paced<'_> {
    async fn get_domain(&self, creds: &DomainCredentials) -> CloudonixResult<DomainInfo> {
        self.guarded(creds, self.api.get_domain(creds)).await
    }

    async fn update_domain_profile(
        &self,
        creds: &DomainCredentials,
        profile: &Map<String, Value>,
    ) -> CloudonixResult<()> {
        self.guarded(creds, self.api.update_domain_profile(creds, profile))
            .await
    }

    async fn set_default_application(
        &self,
        creds: &DomainCredentials,
        application_id: &str,
    ) -> CloudonixResult<()> {
        self.guarded(
            creds,
            self.api.set_default_application(creds, application_id),
        )
        .await
    }
}

#[async_trait]
impl CloudonixApplications for Paced<'_> {
    async fn create_voice_application(
        &self,
        creds: &DomainCredentials,
        spec: &VoiceApplicationSpec,
    ) -> CloudonixResult<VoiceApplication> {
        self.guarded(creds, self.api.create_voice_application(creds, spec))
            .await
    }

    async fn update_voice_application(
        &self,
        creds: &DomainCredentials,
        id_or_name: &str,
        spec: &VoiceApplicationSpec,
    ) -> CloudonixResult<VoiceApplication> {
        self.guarded(
            creds,
            self.api.update_voice_application(creds, id_or_name, spec),
        )
        .await
    }
}

#[async_trait]
impl CloudonixRecordings for Paced<'_> {
    async fn fetch_recording(
        &self,
        creds: &DomainCredentials,
        url: &str,
    ) -> CloudonixResult<hyper::body::Bytes> {
        self.guarded(creds, self.api.fetch_recording(creds, url))
            .await
    }
}

#[async_trait]
impl CloudonixSubscribers for Paced<'_> {
    async fn find_subscriber(
        &self,
        creds: &DomainCredentials,
        id_or_msisdn: &str,
    ) -> CloudonixResult<Option<Subscriber>> {
        self.guarded(creds, self.api.find_subscriber(creds, id_or_msisdn))
            .await
    }

    async fn create_subscriber(
        &self,
        creds: &DomainCredentials,
        spec: &SubscriberSpec,
    ) -> CloudonixResult<Subscriber> {
        self.guarded(creds, self.api.create_subscriber(creds, spec))
            .await
    }

    async fn update_subscriber(
        &self,
        creds: &DomainCredentials,
        id: &str,
        spec: &SubscriberSpec,
    ) -> CloudonixResult<Subscriber> {
        self.guarded(creds, self.api.update_subscriber(creds, id, spec))
            .await
    }

    async fn delete_subscriber(&self, creds: &DomainCredentials, id: &str) -> CloudonixResult<()> {
        self.guarded(creds, self.api.delete_subscriber(creds, id))
            .await
    }

    async fn list_subscribers(
        &self,
        creds: &DomainCredentials,
    ) -> CloudonixResult<Vec<Subscriber>> {
        self.guarded(creds, self.api.list_subscribers(creds)).await
    }
}
