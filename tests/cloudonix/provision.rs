//! Provisioning through the HTTP adapter against the fake Cloudonix, on both store backends.

use std::time::Duration;

use opbx::cloudonix::provision::{
    ProvisionError, ProvisionReport, ProvisionRequest, RunLimits, StepKind, StepStatus, provision,
};
use opbx::crypto::{SealedColumn, SecretBox, random_token, sha256_hex};
use opbx::domain::extension_number::ExtensionNumber;
use opbx::domain::ids::{ExtensionId, OrgId};
use opbx::domain::model::{CloudonixSettings, Extension, Status};
use opbx::domain::now_ms;
use opbx::ports::cloudonix::{ApiKey, DomainCredentials};
use opbx::ports::cloudonix_settings::CloudonixSettingsRepo;
use opbx::ports::extensions::ExtensionRepo;
use opbx_tests::fake_cloudonix::Reply;
use opbx_tests::{Backend, new_org, on_both_backends};
use serde_json::json;

use crate::support::{Setup, new_key, setup};

const PUBLIC_URL: &str = "https://pbx.example.com/prod";

struct World {
    backend: Backend,
    cx: Setup,
    secrets: SecretBox,
    org: OrgId,
    cdr_token: String,
    session_token: String,
}

impl World {
    async fn new(backend: Backend) -> Self {
        let cx = setup().await;
        let org = new_org(&backend.store).await.id;
        let secrets = SecretBox::from_base64(&SecretBox::generate_key()).unwrap();
        let settings = CloudonixSettings {
            organization_id: org,
            domain: Some(cx.creds.domain.clone()),
            api_key_enc: Some(secrets.seal(
                SealedColumn::CLOUDONIX_API_KEY,
                &org.to_string(),
                cx.key(),
            )),
            updated_at: now_ms(),
            ..CloudonixSettings::new(org)
        };
        backend
            .store
            .upsert_cloudonix_settings(&settings)
            .await
            .unwrap();
        Self {
            backend,
            cx,
            secrets,
            org,
            cdr_token: random_token(),
            session_token: random_token(),
        }
    }

    async fn extension(&self, number: &str, status: Status) -> Extension {
        let now = now_ms();
        let id = ExtensionId::new();
        let ext = Extension {
            id,
            organization_id: self.org,
            number: ExtensionNumber::parse(number).unwrap(),
            display_name: format!("Desk {number}"),
            user_id: None,
            sip_password_enc: self.secrets.seal(
                SealedColumn::SIP_PASSWORD,
                &id.to_string(),
                &format!("sip-pass-{number}"),
            ),
            status,
            do_not_disturb: false,
            forward_always: None,
            no_answer_timeout: 20,
            no_answer: None,
            voicemail_enabled: false,
            voicemail_greeting: None,
            voicemail_greeting_recording_id: None,
            voicemail_email: None,
            cloudonix_subscriber_id: None,
            created_at: now,
            updated_at: now,
        };
        self.backend
            .store
            .create_extension(&ext, &[])
            .await
            .unwrap();
        ext
    }

    fn request(&self, webhook_key: &str) -> ProvisionRequest {
        ProvisionRequest {
            scope: opbx::cloudonix::provision::Scope::Everything,
            organization_id: self.org,
            credentials: self.cx.creds.clone(),
            public_url: PUBLIC_URL.into(),
            webhook_key: webhook_key.into(),
            key_grace: Duration::ZERO,
            cdr_token: self.cdr_token.clone(),
            session_token: self.session_token.clone(),
        }
    }

    async fn run(&self, webhook_key: &str) -> ProvisionReport {
        self.try_run(&self.request(webhook_key)).await.unwrap()
    }

    async fn try_run(&self, request: &ProvisionRequest) -> Result<ProvisionReport, ProvisionError> {
        provision(
            &self.cx.client,
            &self.backend.store,
            &*self.backend.coordination,
            &self.secrets,
            request,
            RunLimits::whole(),
        )
        .await
    }

    async fn settings(&self) -> CloudonixSettings {
        self.backend
            .store
            .find_cloudonix_settings(self.org)
            .await
            .unwrap()
    }

    async fn subscriber_id(&self, ext: &Extension) -> Option<String> {
        self.backend
            .store
            .find_extension(self.org, ext.id)
            .await
            .unwrap()
            .cloudonix_subscriber_id
    }
}

fn statuses(report: &ProvisionReport) -> Vec<(StepKind, Option<&str>, StepStatus)> {
    report
        .steps
        .iter()
        .map(|s| (s.step, s.target.as_deref(), s.status))
        .collect()
}

async fn the_first_run_creates_and_the_second_updates(backend: Backend) {
    let w = World::new(backend).await;
    w.cx.fake
        .set_profile(&w.cx.creds.domain, json!({ "call-timeout": 45 }));
    let e1 = w.extension("1001", Status::Active).await;
    let e2 = w.extension("1002", Status::Active).await;
    let e3 = w.extension("1003", Status::Inactive).await;
    let d = w.cx.domain_path();

    // Keys are unique across tenants, and the MariaDB test database outlives a run.
    let (key_one, key_two) = (random_token(), random_token());
    let report = w.run(&key_one).await;

    use StepKind::*;
    use StepStatus::*;
    assert!(report.ok, "{report:#?}");
    assert_eq!(
        statuses(&report),
        [
            (CheckDomain, None, Unchanged),
            (VoiceApplication, None, Created),
            (DefaultApplication, None, Updated),
            (DomainProfile, None, Updated),
            (Subscriber, Some("1001"), Created),
            (Subscriber, Some("1002"), Created),
            (Subscriber, Some("1003"), Skipped),
            (SaveSettings, None, Updated),
        ]
    );
    assert_eq!(
        w.cx.fake.lines(),
        [
            format!("GET {d}"),
            format!("PUT {d}/applications/opbx-routing"),
            format!("POST {d}/applications"),
            format!("PATCH {d}"),
            format!("PUT {d}"),
            format!("GET {d}/subscribers/1001"),
            format!("POST {d}/subscribers"),
            format!("GET {d}/subscribers/1002"),
            format!("POST {d}/subscribers"),
            format!("GET {d}/subscribers/1003"),
        ]
    );

    let cx = w.cx.fake.snapshot(&w.cx.creds.domain);
    let apps = cx["applications"].as_array().unwrap();
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0]["type"], "cxml");
    assert_eq!(apps[0]["method"], "POST");
    assert_eq!(
        apps[0]["url"],
        format!("{PUBLIC_URL}/webhooks/cloudonix/voice")
    );
    assert_eq!(cx["defaultApplication"], apps[0]["id"]);
    assert_eq!(
        cx["profile"],
        json!({
            "call-timeout": 45,
            "authorization-api-key": key_one,
            "session-update-endpoint":
                format!("{PUBLIC_URL}/webhooks/cloudonix/session/{}", w.session_token),
            "cdr-endpoint": format!("{PUBLIC_URL}/webhooks/cloudonix/cdr/{}", w.cdr_token),
        }),
        "OpBX's properties are set and the admin's own survive"
    );
    let subs = cx["subscribers"].as_array().unwrap();
    assert_eq!(subs.len(), 2);
    assert_eq!(subs[0]["msisdn"], "1001");
    assert_eq!(subs[0]["sipPassword"], "sip-pass-1001");
    assert_eq!(subs[0]["active"], true);

    let id1 = w.subscriber_id(&e1).await.expect("1001 is linked");
    assert_eq!(json!(id1.parse::<u64>().unwrap()), subs[0]["id"]);
    assert!(w.subscriber_id(&e2).await.is_some());
    assert_eq!(w.subscriber_id(&e3).await, None);

    let settings = w.settings().await;
    let app_id = apps[0]["id"].to_string();
    assert_eq!(settings.voice_application_id.as_deref(), Some(&*app_id));
    assert_eq!(
        settings.webhook_key_hash.as_deref(),
        Some(&*sha256_hex(&key_one))
    );
    assert_eq!(
        settings.cdr_token_hash.as_deref(),
        Some(&*sha256_hex(&w.cdr_token))
    );
    assert_eq!(
        w.secrets
            .open(
                SealedColumn::CLOUDONIX_CDR_TOKEN,
                &settings.organization_id.to_string(),
                settings.cdr_token_enc.as_deref().unwrap()
            )
            .unwrap(),
        w.cdr_token
    );
    assert_eq!(
        settings.session_token_hash.as_deref(),
        Some(&*sha256_hex(&w.session_token))
    );
    assert_eq!(
        w.secrets
            .open(
                SealedColumn::CLOUDONIX_SESSION_TOKEN,
                &settings.organization_id.to_string(),
                settings.session_token_enc.as_deref().unwrap()
            )
            .unwrap(),
        w.session_token
    );
    assert_eq!(
        (settings.domain_name.as_deref(), settings.domain_uuid),
        (
            Some(w.cx.creds.domain.as_str()),
            Some(w.cx.fake.uuid(&w.cx.creds.domain))
        ),
        "what Cloudonix calls the domain, for matching CDRs"
    );
    assert!(settings.provisioned_at.is_some());
    let by_key = w
        .backend
        .store
        .find_org_by_webhook_key_hash(&sha256_hex(&key_one))
        .await
        .unwrap();
    assert_eq!(by_key.organization_id, w.org);

    // Second run: everything is found by stored id; nothing is created.
    w.cx.fake.clear_requests();
    let report = w.run(&key_two).await;
    assert!(report.ok, "{report:#?}");
    assert_eq!(
        statuses(&report),
        [
            (CheckDomain, None, Unchanged),
            (VoiceApplication, None, Updated),
            (DefaultApplication, None, Unchanged),
            (DomainProfile, None, Updated),
            (Subscriber, Some("1001"), Updated),
            (Subscriber, Some("1002"), Updated),
            (Subscriber, Some("1003"), Skipped),
            (SaveSettings, None, Updated),
        ]
    );
    let id2 = w.subscriber_id(&e2).await.unwrap();
    assert_eq!(
        w.cx.fake.lines(),
        [
            format!("GET {d}"),
            format!("PUT {d}/applications/{app_id}"),
            format!("PUT {d}"),
            format!("PUT {d}/subscribers/{id1}"),
            format!("PUT {d}/subscribers/{id2}"),
            format!("GET {d}/subscribers/1003"),
        ]
    );
    let cx = w.cx.fake.snapshot(&w.cx.creds.domain);
    assert_eq!(cx["applications"].as_array().unwrap().len(), 1);
    assert_eq!(cx["subscribers"].as_array().unwrap().len(), 2);
    assert_eq!(cx["profile"]["authorization-api-key"], json!(key_two));
    assert_eq!(
        w.settings().await.webhook_key_hash.as_deref(),
        Some(&*sha256_hex(&key_two))
    );
}

async fn a_partial_failure_is_visible_and_keeps_the_working_key(backend: Backend) {
    let w = World::new(backend).await;
    w.extension("2001", Status::Active).await;
    let (working, unsaved) = (random_token(), random_token());
    assert!(w.run(&working).await.ok);
    let before = w.settings().await;

    w.cx.fake
        .script("PUT", &w.cx.domain_path(), Some(1), Reply::status(500));
    let report = w.run(&unsaved).await;

    assert!(!report.ok);
    let profile = report.step(StepKind::DomainProfile, None).unwrap();
    assert_eq!(profile.status, StepStatus::Failed);
    assert_eq!(
        profile.detail.as_deref(),
        Some("Cloudonix failed (HTTP 500)")
    );
    assert_eq!(
        report
            .step(StepKind::Subscriber, Some("2001"))
            .unwrap()
            .status,
        StepStatus::Updated,
        "independent steps still run"
    );
    let after = w.settings().await;
    assert_eq!(
        after.webhook_key_hash, before.webhook_key_hash,
        "Cloudonix still sends the old key, so the old key stays valid"
    );
    assert_eq!(after.provisioned_at, before.provisioned_at);
    let cx = w.cx.fake.snapshot(&w.cx.creds.domain);
    assert_eq!(cx["profile"]["authorization-api-key"], json!(working));

    let report = w.run(&unsaved).await;
    assert!(report.ok, "a re-run repairs it: {report:#?}");
    assert_eq!(
        w.settings().await.webhook_key_hash.as_deref(),
        Some(&*sha256_hex(&unsaved))
    );
}

async fn an_unreadable_domain_stops_before_changing_anything(backend: Backend) {
    let w = World::new(backend).await;
    w.extension("3001", Status::Active).await;
    let mut request = w.request(&random_token());
    request.credentials = DomainCredentials {
        domain: w.cx.creds.domain.clone(),
        api_key: ApiKey::new(new_key()),
    };

    let report = w.try_run(&request).await.unwrap();

    assert!(!report.ok);
    let check = report.step(StepKind::CheckDomain, None).unwrap();
    assert_eq!(check.status, StepStatus::Failed);
    assert_eq!(
        check.detail.as_deref(),
        Some("Cloudonix refused the API key for this domain (HTTP 401)")
    );
    assert!(
        report.steps[1..]
            .iter()
            .all(|s| s.status == StepStatus::Skipped),
        "{report:#?}"
    );
    assert_eq!(w.cx.fake.requests().len(), 1);
    assert_eq!(w.settings().await.webhook_key_hash, None);
    let json = serde_json::to_string(&report).unwrap();
    assert!(!json.contains(request.credentials.api_key.expose()));
}

async fn subscribers_are_found_by_msisdn_never_by_a_lookalike_id(backend: Backend) {
    let w = World::new(backend).await;
    let domain = w.cx.creds.domain.clone();
    // Made outside OpBX (or OpBX lost the link): adopted, not duplicated.
    let existing = w.cx.fake.add_subscriber(&domain, "4001", true);
    // A subscriber whose id reads like an extension number OpBX is about to provision.
    let lookalike = w.cx.fake.add_subscriber(&domain, "555000", true);
    let adopted = w.extension("4001", Status::Active).await;
    let numbered_like_id = w.extension(&lookalike.to_string(), Status::Active).await;

    let report = w.run(&random_token()).await;

    assert!(report.ok, "{report:#?}");
    assert_eq!(
        report
            .step(StepKind::Subscriber, Some("4001"))
            .unwrap()
            .status,
        StepStatus::Updated
    );
    assert_eq!(w.subscriber_id(&adopted).await, Some(existing.to_string()));
    let own = w.subscriber_id(&numbered_like_id).await.unwrap();
    assert_ne!(own, lookalike.to_string());
    let subs = w.cx.fake.snapshot(&domain)["subscribers"].clone();
    let msisdns: Vec<&str> = subs
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["msisdn"].as_str().unwrap())
        .collect();
    assert_eq!(
        msisdns,
        ["4001", "555000", &*lookalike.to_string()],
        "the lookalike keeps its MSISDN and extension {lookalike} gets its own subscriber"
    );
    assert_eq!(subs[0]["sipPassword"], "sip-pass-4001");
}

async fn removed_and_deactivated_subscribers_are_repaired(backend: Backend) {
    let w = World::new(backend).await;
    let domain = w.cx.creds.domain.clone();
    let gone = w.extension("5001", Status::Active).await;
    let mut retired = w.extension("5002", Status::Active).await;
    assert!(w.run(&random_token()).await.ok);
    let old_id = w.subscriber_id(&gone).await.unwrap();
    w.cx.fake
        .remove_subscriber(&domain, old_id.parse().unwrap());
    retired.status = Status::Inactive;
    retired.cloudonix_subscriber_id = w.subscriber_id(&retired).await;
    retired.updated_at = now_ms();
    w.backend
        .store
        .update_extension(&retired, &[])
        .await
        .unwrap();

    let report = w.run(&random_token()).await;

    assert!(report.ok, "{report:#?}");
    let recreated = report.step(StepKind::Subscriber, Some("5001")).unwrap();
    assert_eq!(recreated.status, StepStatus::Created);
    let new_id = w.subscriber_id(&gone).await.unwrap();
    assert_ne!(new_id, old_id);
    assert_eq!(recreated.cloudonix_id.as_deref(), Some(&*new_id));
    let subs = w.cx.fake.snapshot(&domain)["subscribers"].clone();
    let retired_sub = subs
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["msisdn"] == "5002")
        .unwrap();
    assert_eq!(
        retired_sub["active"], false,
        "an inactive extension cannot register"
    );
}

async fn one_run_at_a_time_per_organization(backend: Backend) {
    let w = World::new(backend).await;
    let held = w
        .backend
        .coordination
        .try_lock(
            &format!("cloudonix-provision:{}", w.org),
            Duration::from_secs(30),
        )
        .await
        .unwrap()
        .unwrap();

    let result = w.try_run(&w.request(&random_token())).await;

    assert!(
        matches!(result, Err(ProvisionError::AlreadyRunning)),
        "{result:?}"
    );
    assert!(w.cx.fake.requests().is_empty());
    w.backend.coordination.unlock(held).await.unwrap();
    assert!(w.run(&random_token()).await.ok);
}

async fn a_domain_move_during_the_run_is_not_recorded(backend: Backend) {
    let w = World::new(backend).await;
    w.extension("6001", Status::Active).await;
    let slow = format!("{}/subscribers/6001", w.cx.domain_path());
    w.cx.fake.script(
        "GET",
        &slow,
        Some(1),
        Reply::slow(Duration::from_millis(400)),
    );
    let key = random_token();
    // A domain belongs to one organization, and the MariaDB test database outlives a run.
    let elsewhere = format!("moved-{}.cloudonix.net", opbx_tests::unique());

    let (report, ()) = tokio::join!(w.run(&key), async {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let mut moved = w.settings().await;
        moved.domain = Some(elsewhere.clone());
        w.backend
            .store
            .upsert_cloudonix_settings(&moved)
            .await
            .unwrap();
    });

    assert!(!report.ok);
    let save = report.step(StepKind::SaveSettings, None).unwrap();
    assert_eq!(save.status, StepStatus::Failed);
    assert_eq!(
        save.detail.as_deref(),
        Some("the Cloudonix domain changed during provisioning; run it again")
    );
    let settings = w.settings().await;
    assert_eq!(settings.domain.as_deref(), Some(elsewhere.as_str()));
    assert_eq!(
        settings.provisioned_at, None,
        "the new domain is not provisioned"
    );
}

on_both_backends!(
    the_first_run_creates_and_the_second_updates,
    a_partial_failure_is_visible_and_keeps_the_working_key,
    an_unreadable_domain_stops_before_changing_anything,
    subscribers_are_found_by_msisdn_never_by_a_lookalike_id,
    removed_and_deactivated_subscribers_are_repaired,
    one_run_at_a_time_per_organization,
    a_domain_move_during_the_run_is_not_recorded,
);
