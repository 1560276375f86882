//! The requests of reference cloudonix.md §4.2 and the parts of their answers OpBX reads. The
//! customer is always `self` (the key's own customer) and domains are addressed as given.

use async_trait::async_trait;
use hyper::Method;
use serde_json::{Map, Value, json};

use super::{HttpCloudonix, segment};
use crate::ports::cloudonix::{
    CloudonixApplications, CloudonixDomains, CloudonixError, CloudonixResult, CloudonixSubscribers,
    DomainCredentials, DomainInfo, OWNER_PROFILE_KEY, Subscriber, SubscriberSpec, VoiceApplication,
    VoiceApplicationSpec,
};

fn domain_path(creds: &DomainCredentials) -> String {
    format!("/customers/self/domains/{}", segment(&creds.domain))
}

fn resource_path(creds: &DomainCredentials, collection: &str, id: Option<&str>) -> String {
    match id {
        Some(id) => format!("{}/{collection}/{}", domain_path(creds), segment(id)),
        None => format!("{}/{collection}", domain_path(creds)),
    }
}

/// Cloudonix ids are numbers; OpBX keeps them as text.
fn id_text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// Sends an id back the way Cloudonix issued it: numeric ids as numbers.
fn id_json(id: &str) -> Value {
    id.parse::<u64>().map_or_else(|_| json!(id), |n| json!(n))
}

fn required_id(body: &Value, what: &str) -> CloudonixResult<String> {
    id_text(body.get("id"))
        .ok_or_else(|| CloudonixError::InvalidResponse(format!("{what} without an id")))
}

fn subscriber_from(body: &Value, fallback_msisdn: &str) -> CloudonixResult<Subscriber> {
    Ok(Subscriber {
        id: required_id(body, "subscriber")?,
        msisdn: id_text(body.get("msisdn")).unwrap_or_else(|| fallback_msisdn.to_owned()),
        owner: body
            .pointer(&format!("/profile/{OWNER_PROFILE_KEY}"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        active: body.get("active").and_then(Value::as_bool).unwrap_or(true),
    })
}

fn application_from(body: &Value, fallback_name: &str) -> CloudonixResult<VoiceApplication> {
    Ok(VoiceApplication {
        id: required_id(body, "application")?,
        name: body
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or(fallback_name)
            .to_owned(),
    })
}

#[async_trait]
impl CloudonixDomains for HttpCloudonix {
    async fn get_domain(&self, creds: &DomainCredentials) -> CloudonixResult<DomainInfo> {
        let body = self
            .call(creds, Method::GET, &domain_path(creds), None)
            .await?;
        if !body.is_object() {
            return Err(CloudonixError::InvalidResponse(
                "domain is not a JSON object".into(),
            ));
        }
        let text = |key| {
            body.get(key)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        Ok(DomainInfo {
            id: id_text(body.get("id")),
            domain: text("domain"),
            uuid: text("uuid"),
            active: body.get("active").and_then(Value::as_bool).unwrap_or(true),
            default_application: id_text(body.get("defaultApplication")),
            // An empty profile comes back as `[]` (reference §4.1); treat it as `{}`.
            profile: body
                .get("profile")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
        })
    }

    async fn update_domain_profile(
        &self,
        creds: &DomainCredentials,
        profile: &Map<String, Value>,
    ) -> CloudonixResult<()> {
        let body = json!({ "profile": profile });
        self.call(creds, Method::PUT, &domain_path(creds), Some(&body))
            .await
            .map(drop)
    }

    async fn set_default_application(
        &self,
        creds: &DomainCredentials,
        application_id: &str,
    ) -> CloudonixResult<()> {
        // PATCH: the documented way to change `defaultApplication` (reference §4.2) without
        // resending the rest of the domain.
        let body = json!({ "defaultApplication": id_json(application_id) });
        self.call(creds, Method::PATCH, &domain_path(creds), Some(&body))
            .await
            .map(drop)
    }
}

#[async_trait]
impl CloudonixApplications for HttpCloudonix {
    async fn create_voice_application(
        &self,
        creds: &DomainCredentials,
        spec: &VoiceApplicationSpec,
    ) -> CloudonixResult<VoiceApplication> {
        let body = json!({
            "name": spec.name,
            "type": "cxml",
            "url": spec.url,
            "method": "POST",
            "profile": {},
        });
        let path = resource_path(creds, "applications", None);
        let answer = self.call(creds, Method::POST, &path, Some(&body)).await?;
        application_from(&answer, &spec.name)
    }

    async fn update_voice_application(
        &self,
        creds: &DomainCredentials,
        id_or_name: &str,
        spec: &VoiceApplicationSpec,
    ) -> CloudonixResult<VoiceApplication> {
        // The URL is sent on every update: the first OpBX left it stale when the public URL moved.
        let body = json!({ "type": "cxml", "url": spec.url, "method": "POST" });
        let path = resource_path(creds, "applications", Some(id_or_name));
        let answer = self.call(creds, Method::PUT, &path, Some(&body)).await?;
        if answer.is_null() {
            return Ok(VoiceApplication {
                id: id_or_name.to_owned(),
                name: spec.name.clone(),
            });
        }
        application_from(&answer, &spec.name)
    }
}

/// A subscriber's body. The password goes under both spellings in use: `sip-password` (the data
/// model and the official CLI) and `sipPassword` (the REST OpenAPI, and what answers carry), until
/// a live domain shows which one takes. `msisdn` is editable at creation only (data model, CLI),
/// so updates leave it out rather than risk a 400 or a renumbered subscriber.
fn subscriber_body(spec: &SubscriberSpec, creating: bool) -> Value {
    let mut body = json!({
        "sip-password": spec.sip_password,
        "sipPassword": spec.sip_password,
        "active": spec.active,
    });
    if creating {
        body["msisdn"] = json!(spec.msisdn);
        // Only at creation: a profile sent on update would replace what an admin set there.
        body["profile"] = json!({ OWNER_PROFILE_KEY: spec.owner });
    }
    body
}

#[async_trait]
impl CloudonixSubscribers for HttpCloudonix {
    async fn find_subscriber(
        &self,
        creds: &DomainCredentials,
        id_or_msisdn: &str,
    ) -> CloudonixResult<Option<Subscriber>> {
        let path = resource_path(creds, "subscribers", Some(id_or_msisdn));
        match self.call(creds, Method::GET, &path, None).await {
            Ok(body) => subscriber_from(&body, id_or_msisdn).map(Some),
            Err(CloudonixError::NotFound) => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn create_subscriber(
        &self,
        creds: &DomainCredentials,
        spec: &SubscriberSpec,
    ) -> CloudonixResult<Subscriber> {
        let path = resource_path(creds, "subscribers", None);
        let answer = self
            .call(
                creds,
                Method::POST,
                &path,
                Some(&subscriber_body(spec, true)),
            )
            .await?;
        subscriber_from(&answer, &spec.msisdn)
    }

    async fn update_subscriber(
        &self,
        creds: &DomainCredentials,
        id: &str,
        spec: &SubscriberSpec,
    ) -> CloudonixResult<Subscriber> {
        let path = resource_path(creds, "subscribers", Some(id));
        let answer = self
            .call(
                creds,
                Method::PUT,
                &path,
                Some(&subscriber_body(spec, false)),
            )
            .await?;
        // Success may be 204 without a body (reference §4.1).
        if answer.is_null() {
            return Ok(Subscriber {
                id: id.to_owned(),
                msisdn: spec.msisdn.clone(),
                owner: None,
                active: spec.active,
            });
        }
        subscriber_from(&answer, &spec.msisdn)
    }

    async fn delete_subscriber(&self, creds: &DomainCredentials, id: &str) -> CloudonixResult<()> {
        let path = resource_path(creds, "subscribers", Some(id));
        self.call(creds, Method::DELETE, &path, None)
            .await
            .map(drop)
    }

    async fn list_subscribers(
        &self,
        creds: &DomainCredentials,
    ) -> CloudonixResult<Vec<Subscriber>> {
        let path = resource_path(creds, "subscribers", None);
        let answer = self.call(creds, Method::GET, &path, None).await?;
        let Value::Array(items) = answer else {
            return Err(CloudonixError::InvalidResponse(
                "the subscriber list is not an array".into(),
            ));
        };
        items.iter().map(|item| subscriber_from(item, "")).collect()
    }
}
