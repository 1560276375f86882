//! The parts of the Cloudonix REST API (reference cloudonix.md §4) that OpBX drives: the domain
//! and its profile, the one voice application that routes every call, and one subscriber per
//! extension. Each capability is its own trait; [`CloudonixApi`] bundles them for wiring.
//!
//! Every call acts for one Cloudonix domain with that domain's API key ([`DomainCredentials`]).
//! Errors never carry the key: [`ApiKey`] prints masked and adapters scrub it from anything
//! Cloudonix echoes back.

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use serde_json::{Map, Value};

/// A Cloudonix API key (`XI…`, 34 characters). Only [`ApiKey::expose`] reveals it, for the one
/// place that must send it: the `Authorization` header.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What clients, logs and audit entries may show.
    pub fn masked(&self) -> String {
        mask_secret(&self.0)
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey({})", self.masked())
    }
}

/// `XI…abcd`: enough for an admin to recognise which key is stored, far too little to use it.
/// Short secrets show nothing, since four characters of six would give most of it away.
pub fn mask_secret(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() < 12 {
        return "…".to_owned();
    }
    let head: String = chars[..2].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

/// Which domain a call acts on, and the key that may act on it.
#[derive(Debug, Clone)]
pub struct DomainCredentials {
    /// The domain name (`acme.cloudonix.net`), numeric id or UUID; Cloudonix accepts all three.
    pub domain: String,
    pub api_key: ApiKey,
}

/// What `GET /customers/self/domains/{domain}` tells us.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainInfo {
    pub id: Option<String>,
    /// The domain's name (`acme.cloudonix.net`) and UUID as Cloudonix answers them: a CDR names
    /// its domain by either.
    pub domain: Option<String>,
    pub uuid: Option<String>,
    pub active: bool,
    pub default_application: Option<String>,
    /// The whole profile, so an update can keep the properties OpBX does not manage.
    pub profile: Map<String, Value>,
}

/// The routing application: always `type: cxml`, `method: POST` (the adapter fixes both).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoiceApplicationSpec {
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoiceApplication {
    pub id: String,
    pub name: String,
}

/// An extension as Cloudonix knows it: the extension number is the MSISDN and SIP user name.
#[derive(Clone, PartialEq, Eq)]
pub struct SubscriberSpec {
    pub msisdn: String,
    pub sip_password: String,
    pub active: bool,
    /// The organization that creates it, written into a new subscriber's profile
    /// ([`OWNER_PROFILE_KEY`]): how reconciliation tells OpBX's subscribers from others.
    pub owner: String,
}

/// The subscriber profile property naming the OpBX organization that created the subscriber.
/// Reconciliation deletes only subscribers carrying its own organization here (and linked to
/// no extension); anything else on the domain is not OpBX's to remove.
pub const OWNER_PROFILE_KEY: &str = "opbx-organization";

impl fmt::Debug for SubscriberSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SubscriberSpec")
            .field("msisdn", &self.msisdn)
            .field("sip_password", &"***")
            .field("active", &self.active)
            .field("owner", &self.owner)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscriber {
    pub id: String,
    pub msisdn: String,
    /// Its profile's [`OWNER_PROFILE_KEY`], when it has one.
    pub owner: Option<String>,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CloudonixError {
    /// 401/403: the key is wrong, revoked, or scoped below this domain.
    #[error("Cloudonix refused the API key for this domain (HTTP {status})")]
    Unauthorized { status: u16 },
    #[error("not found on Cloudonix")]
    NotFound,
    /// Cloudonix refused the request itself (400, 409, 422…); `message` is its explanation.
    #[error("Cloudonix refused the request (HTTP {status}): {message}")]
    Rejected { status: u16, message: String },
    /// Still HTTP 429 after waiting and retrying; `retry_after` is Cloudonix's last hint.
    #[error("Cloudonix rate limit still exceeded after {attempts} attempts")]
    RateLimited {
        attempts: u32,
        retry_after: Option<Duration>,
    },
    #[error("Cloudonix failed (HTTP {status})")]
    Server { status: u16 },
    #[error("Cloudonix did not answer within {0:?}")]
    Timeout(Duration),
    #[error("cannot reach Cloudonix: {0}")]
    Unreachable(String),
    /// Calls for this domain are suspended after repeated failures; nothing was sent.
    #[error("Cloudonix calls for this domain are paused for {retry_in:?} after repeated failures")]
    CircuitOpen { retry_in: Duration },
    #[error("unexpected answer from Cloudonix: {0}")]
    InvalidResponse(String),
}

pub type CloudonixResult<T> = Result<T, CloudonixError>;

#[async_trait]
pub trait CloudonixDomains: Send + Sync {
    /// Reads the domain; also how a key is validated.
    async fn get_domain(&self, creds: &DomainCredentials) -> CloudonixResult<DomainInfo>;
    /// Replaces the domain profile with `profile` (pass the current one with changes merged in).
    async fn update_domain_profile(
        &self,
        creds: &DomainCredentials,
        profile: &Map<String, Value>,
    ) -> CloudonixResult<()>;
    /// Makes the application answer every call of the domain that nothing more specific claims.
    async fn set_default_application(
        &self,
        creds: &DomainCredentials,
        application_id: &str,
    ) -> CloudonixResult<()>;
}

#[async_trait]
pub trait CloudonixApplications: Send + Sync {
    async fn create_voice_application(
        &self,
        creds: &DomainCredentials,
        spec: &VoiceApplicationSpec,
    ) -> CloudonixResult<VoiceApplication>;
    /// `id_or_name` as Cloudonix accepts it in the path; `NotFound` when there is no such app.
    async fn update_voice_application(
        &self,
        creds: &DomainCredentials,
        id_or_name: &str,
        spec: &VoiceApplicationSpec,
    ) -> CloudonixResult<VoiceApplication>;
}

#[async_trait]
pub trait CloudonixSubscribers: Send + Sync {
    /// `id_or_msisdn` as Cloudonix accepts it in the path; `None` when there is none.
    async fn find_subscriber(
        &self,
        creds: &DomainCredentials,
        id_or_msisdn: &str,
    ) -> CloudonixResult<Option<Subscriber>>;
    async fn create_subscriber(
        &self,
        creds: &DomainCredentials,
        spec: &SubscriberSpec,
    ) -> CloudonixResult<Subscriber>;
    /// `NotFound` when the subscriber no longer exists.
    async fn update_subscriber(
        &self,
        creds: &DomainCredentials,
        id: &str,
        spec: &SubscriberSpec,
    ) -> CloudonixResult<Subscriber>;
    /// `NotFound` when it was already gone.
    async fn delete_subscriber(&self, creds: &DomainCredentials, id: &str) -> CloudonixResult<()>;
    /// Every subscriber of the domain.
    async fn list_subscribers(&self, creds: &DomainCredentials)
    -> CloudonixResult<Vec<Subscriber>>;
}

#[async_trait]
pub trait CloudonixRecordings: Send + Sync {
    /// The audio behind a `RecordingUrl` Cloudonix sent, fetched with the domain's key when the
    /// URL is Cloudonix's own (never sent anywhere else). `NotFound` once Cloudonix no longer
    /// keeps it.
    async fn fetch_recording(
        &self,
        creds: &DomainCredentials,
        url: &str,
    ) -> CloudonixResult<hyper::body::Bytes>;
}

/// Everything OpBX asks of Cloudonix, for wiring one client into the application state.
pub trait CloudonixApi:
    CloudonixDomains + CloudonixApplications + CloudonixSubscribers + CloudonixRecordings
{
}

impl<T> CloudonixApi for T where
    T: CloudonixDomains + CloudonixApplications + CloudonixSubscribers + CloudonixRecordings
{
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_print_masked() {
        let key = ApiKey::new("XI0123456789abcdefghijklmnopqrstuv");
        assert_eq!(key.masked(), "XI…stuv");
        assert_eq!(format!("{key:?}"), "ApiKey(XI…stuv)");
        assert_eq!(mask_secret("short"), "…");
        let spec = SubscriberSpec {
            msisdn: "1001".into(),
            sip_password: "hunter2hunter2".into(),
            active: true,
            owner: "org".into(),
        };
        assert!(!format!("{spec:?}").contains("hunter2"));
    }
}
