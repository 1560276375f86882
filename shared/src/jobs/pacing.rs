//! Keeping background work within Cloudonix's rate limit (10 requests per domain per 10 s, 429
//! beyond; reference cloudonix.md). Every request a job makes first takes a slot of the domain's
//! window in the coordination store — Redis when configured, so every worker of the deployment
//! shares one budget — and waits for the next window when the slots are taken. The window is a
//! fixed one, which lets up to twice its slots through across a window edge: pacing at half of
//! Cloudonix's limit keeps any 10 s within it. The client still honours 429 and `Retry-After`
//! should an interactive request share the budget.

use std::time::Duration;

use async_trait::async_trait;
use serde_json::{Map, Value};

use crate::ports::cloudonix::{
    CloudonixApi, CloudonixApplications, CloudonixDomains, CloudonixResult, CloudonixSubscribers,
    DomainCredentials, DomainInfo, Subscriber, SubscriberSpec, VoiceApplication,
    VoiceApplicationSpec,
};
use crate::ports::coordination::RateLimits;

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

/// A Cloudonix client whose every request waits for a slot of its domain's window.
pub struct Paced<'a> {
    pub api: &'a dyn CloudonixApi,
    pub limits: &'a dyn RateLimits,
    pub pace: Pace,
}

impl Paced<'_> {
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
        self.slot(creds).await;
        self.api.get_domain(creds).await
    }

    async fn update_domain_profile(
        &self,
        creds: &DomainCredentials,
        profile: &Map<String, Value>,
    ) -> CloudonixResult<()> {
        self.slot(creds).await;
        self.api.update_domain_profile(creds, profile).await
    }

    async fn set_default_application(
        &self,
        creds: &DomainCredentials,
        application_id: &str,
    ) -> CloudonixResult<()> {
        self.slot(creds).await;
        self.api
            .set_default_application(creds, application_id)
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
        self.slot(creds).await;
        self.api.create_voice_application(creds, spec).await
    }

    async fn update_voice_application(
        &self,
        creds: &DomainCredentials,
        id_or_name: &str,
        spec: &VoiceApplicationSpec,
    ) -> CloudonixResult<VoiceApplication> {
        self.slot(creds).await;
        self.api
            .update_voice_application(creds, id_or_name, spec)
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
        self.slot(creds).await;
        self.api.find_subscriber(creds, id_or_msisdn).await
    }

    async fn create_subscriber(
        &self,
        creds: &DomainCredentials,
        spec: &SubscriberSpec,
    ) -> CloudonixResult<Subscriber> {
        self.slot(creds).await;
        self.api.create_subscriber(creds, spec).await
    }

    async fn update_subscriber(
        &self,
        creds: &DomainCredentials,
        id: &str,
        spec: &SubscriberSpec,
    ) -> CloudonixResult<Subscriber> {
        self.slot(creds).await;
        self.api.update_subscriber(creds, id, spec).await
    }

    async fn delete_subscriber(&self, creds: &DomainCredentials, id: &str) -> CloudonixResult<()> {
        self.slot(creds).await;
        self.api.delete_subscriber(creds, id).await
    }
}
