//! api-settings: `/api/v1/settings/organization` and `/api/v1/settings/cloudonix[/…]`.

use std::sync::Arc;
use std::time::Duration;

use opbx::adapters::cloudonix::{ClientPolicy, HttpCloudonix};
use opbx::app::AppState;
use opbx::crypto::{SealedColumn, random_token, sha256_hex};
use opbx::domain::extension_number::ExtensionNumber;
use opbx::domain::ids::{ExtensionId, OrgId};
use opbx::domain::model::{AuditEntry, CloudonixSettings, Extension, Role, Status};
use opbx::domain::now_ms;
use opbx::ports::audit_log::{AuditFilter, AuditLogRepo};
use opbx::ports::cloudonix::mask_secret;
use opbx::ports::cloudonix_settings::CloudonixSettingsRepo;
use opbx::ports::extensions::ExtensionRepo;
use opbx::ports::organizations::OrganizationRepo;
use opbx::ports::store::{PageRequest, StoreError};
use opbx_tests::fake_cloudonix::{FakeCloudonix, Reply as FakeReply};
use opbx_tests::{Backend, TEST_PUBLIC_URL, run_jobs, unique};
use serde_json::{Value, json};

use crate::cases::{ADMINS, Access, Case, Ctx, OWNER_ONLY, Prepared, prepare};
use crate::fixtures::{Api, Reply, Tenant};

const ORG: &str = "/api/v1/settings/organization";
const CX: &str = "/api/v1/settings/cloudonix";
const WEBHOOK_KEY: &str = "/api/v1/settings/cloudonix/webhook-key";
const CDR_TOKEN: &str = "/api/v1/settings/cloudonix/cdr-token";
const URLS: &str = "/api/v1/settings/cloudonix/urls";
const PROVISION: &str = "/api/v1/settings/cloudonix/provision";

/// A key shaped like Cloudonix's: 34 characters starting `XI`, unique per call.
fn api_key() -> String {
    let hex: String = unique().chars().filter(char::is_ascii_hexdigit).collect();
    format!("XI{}", &hex[hex.len() - 32..])
}

fn domain() -> String {
    format!("d{}.cloudonix.net", &unique()[24..])
}

/// Saves Cloudonix settings for the row's tenant directly (a unique domain, a key, a CDR token)
/// and returns them with the plain CDR token.
async fn saved_settings(state: &AppState, org: OrgId) -> (CloudonixSettings, String) {
    let token = random_token();
    let settings = CloudonixSettings {
        organization_id: org,
        domain: Some(domain()),
        api_key_enc: Some(state.secrets.seal(
            SealedColumn::CLOUDONIX_API_KEY,
            &org.to_string(),
            &api_key(),
        )),
        cdr_token_hash: Some(sha256_hex(&token)),
        cdr_token_enc: Some(state.secrets.seal(
            SealedColumn::CLOUDONIX_CDR_TOKEN,
            &org.to_string(),
            &token,
        )),
        updated_at: now_ms(),
        ..CloudonixSettings::new(org)
    };
    state
        .store
        .upsert_cloudonix_settings(&settings)
        .await
        .unwrap();
    (settings, token)
}

async fn stored_settings(api: &Api, org: OrgId) -> CloudonixSettings {
    api.state.store.find_cloudonix_settings(org).await.unwrap()
}

async fn saved_domain(ctx: &Ctx) -> String {
    saved_settings(&ctx.state, ctx.org())
        .await
        .0
        .domain
        .unwrap()
}

pub fn cases() -> Vec<Case> {
    vec![
        Case::new("GET", ORG, Access::Roles(ADMINS), |ctx| {
            prepare(async move { Prepared::at(ORG).marker(&ctx.tenant.org.name) })
        }),
        Case::new("PATCH", ORG, Access::Roles(OWNER_ONLY), |ctx| {
            prepare(async move {
                Prepared::at(ORG)
                    .body(json!({"name": "Renamed Ltd", "timezone": "America/New_York"}))
                    .marker(ctx.org())
            })
        }),
        Case::new("GET", CX, Access::Roles(ADMINS), |ctx| {
            prepare(async move { Prepared::at(CX).marker(saved_domain(&ctx).await) })
        }),
        Case::new("PUT", CX, Access::Roles(OWNER_ONLY), |ctx| {
            prepare(async move {
                let theirs = saved_domain(&ctx).await;
                Prepared::at(CX)
                    .body(json!({"domain": domain(), "api_key": api_key()}))
                    .marker(theirs)
            })
        }),
        Case::new("POST", WEBHOOK_KEY, Access::Roles(OWNER_ONLY), |ctx| {
            prepare(async move { Prepared::at(WEBHOOK_KEY).marker(saved_domain(&ctx).await) })
        }),
        Case::new("POST", CDR_TOKEN, Access::Roles(OWNER_ONLY), |ctx| {
            prepare(async move {
                let (_, token) = saved_settings(&ctx.state, ctx.org()).await;
                Prepared::at(CDR_TOKEN).marker(token)
            })
        }),
        Case::new("GET", URLS, Access::Roles(OWNER_ONLY), |ctx| {
            prepare(async move {
                let (_, token) = saved_settings(&ctx.state, ctx.org()).await;
                Prepared::at(URLS).marker(token)
            })
        }),
        // The state's Cloudonix client refuses every connection, so the run reports a failed
        // domain check; answering that report is still a 200.
        Case::new("POST", PROVISION, Access::Roles(OWNER_ONLY), |ctx| {
            prepare(async move { Prepared::at(PROVISION).marker(saved_domain(&ctx).await) })
        }),
    ]
}

struct Session<'a> {
    api: &'a Api,
    token: String,
}

impl<'a> Session<'a> {
    async fn of(api: &'a Api, t: &Tenant, role: Role) -> Self {
        Self {
            api,
            token: t.token(&api.state, role).await,
        }
    }

    async fn call(&self, method: &str, uri: &str, body: Option<Value>) -> Reply {
        self.api.call(method, uri, Some(&self.token), body).await
    }
}

async fn audit(api: &Api, org: OrgId, action: &str) -> Vec<AuditEntry> {
    api.state
        .store
        .list_audit(
            org,
            &AuditFilter {
                action: Some(action.into()),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap()
        .items
}

/// How the voice webhook answers a call to +12125550199 (a number no test tenant has) that
/// carries `bearer`, as Cloudonix sends it.
async fn voice_webhook(api: &Api, bearer: &str) -> Reply {
    let call = json!({
        "CallSid": format!("CA{}", unique()), "Session": unique(), "From": "+12125550100",
        "To": "+12125550199", "Direction": "inbound",
    });
    api.call(
        "POST",
        "/webhooks/cloudonix/voice",
        Some(bearer),
        Some(call),
    )
    .await
}

pub(crate) async fn voice_webhook_status(api: &Api, bearer: &str) -> u16 {
    voice_webhook(api, bearer).await.status.as_u16()
}

fn field_names(r: &Reply) -> Vec<String> {
    r.problem(422)
        .field_errors()
        .into_iter()
        .map(|(field, _)| field)
        .collect()
}

async fn the_owner_renames_the_organization_and_changes_its_timezone(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let owner = Session::of(&api, &t, Role::Owner).await;
    let admin = Session::of(&api, &t, Role::PbxAdmin).await;

    let read = admin.call("GET", ORG, None).await;
    assert_eq!(read.ok()["name"], t.org.name.as_str());
    assert_eq!(read.ok()["timezone"], "Europe/London");

    let r = owner
        .call(
            "PATCH",
            ORG,
            Some(json!({"name": "  Acme Ltd ", "timezone": "America/New_York"})),
        )
        .await;
    assert_eq!(r.ok()["name"], "Acme Ltd");
    assert_eq!(r.ok()["timezone"], "America/New_York");
    let stored = api.state.store.find_organization(t.org.id).await.unwrap();
    assert_eq!(
        (stored.name.as_str(), stored.timezone.name()),
        ("Acme Ltd", "America/New_York")
    );
    assert_eq!(admin.call("GET", ORG, None).await.ok()["name"], "Acme Ltd");

    let r = owner
        .call("PATCH", ORG, Some(json!({"timezone": "EST"})))
        .await;
    assert_eq!(field_names(&r), ["timezone"]);
    let r = owner.call("PATCH", ORG, Some(json!({"name": " "}))).await;
    assert_eq!(field_names(&r), ["name"]);
    let r = owner.call("PATCH", ORG, Some(json!({"slug": "x"}))).await;
    r.problem(422);
    admin
        .call("PATCH", ORG, Some(json!({"name": "Mine now"})))
        .await
        .problem(403);

    let entries = audit(&api, t.org.id, "update").await;
    let entry = entries
        .iter()
        .find(|e| e.object_type == "organization")
        .expect("the rename is audited");
    assert_eq!(entry.object_id.as_deref(), Some(&*t.org.id.to_string()));
    assert_eq!(entry.before.as_ref().unwrap()["name"], t.org.name.as_str());
    assert_eq!(
        entry.after.as_ref().unwrap()["timezone"],
        "America/New_York"
    );
    assert_eq!(entry.actor_user_id, Some(t.user(Role::Owner).id));
}

/// Another organization's domain is refused with a 409 that says nothing of who holds it; the
/// holder's settings are untouched.
async fn a_domain_held_elsewhere_is_refused_without_saying_by_whom(b: Backend) {
    let api = Api::new(b);
    let holder = api.tenant().await;
    let taken = domain();
    Session::of(&api, &holder, Role::Owner)
        .await
        .call(
            "PUT",
            CX,
            Some(json!({"domain": taken, "api_key": api_key()})),
        )
        .await
        .ok();

    let other = api.tenant().await;
    let r = Session::of(&api, &other, Role::Owner)
        .await
        .call(
            "PUT",
            CX,
            Some(json!({"domain": taken.to_uppercase(), "api_key": api_key()})),
        )
        .await;
    r.problem(409);
    assert_eq!(r.json["detail"], "The Cloudonix domain is already in use.");
    for secret in [
        holder.org.id.to_string(),
        holder.org.slug.clone(),
        holder.org.name.clone(),
    ] {
        assert!(!r.text.contains(&secret), "{}", r.text);
    }
    assert!(matches!(
        api.state.store.find_cloudonix_settings(other.org.id).await,
        Err(StoreError::NotFound)
    ));
    let kept = api.state.store.find_cloudonix_settings(holder.org.id).await;
    assert_eq!(kept.unwrap().domain.as_deref(), Some(taken.as_str()));
}

async fn the_api_key_is_sealed_shown_masked_and_never_audited(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let owner = Session::of(&api, &t, Role::Owner).await;
    let admin = Session::of(&api, &t, Role::PbxAdmin).await;

    let empty = admin.call("GET", CX, None).await;
    assert_eq!(
        empty.ok(),
        &json!({
            "domain": null, "domain_name": null, "domain_uuid": null, "api_key": null,
            "webhook_bearer_issued": false,
            "cdr_endpoint_issued": false, "voice_application_id": null,
            "provisioned_at": null, "updated_at": null,
            "cloudonix_sync": {"state": "not_configured", "error": null, "job_id": null},
        })
    );

    let r = owner
        .call("PUT", CX, Some(json!({"domain": "acme.cloudonix.net"})))
        .await;
    // Well formed, but there is no stored key to keep yet.
    assert_eq!(
        r.problem(409).field_errors(),
        [("api_key".into(), "is required until a key is stored".into())]
    );
    let r = owner
        .call(
            "PUT",
            CX,
            Some(json!({"domain": "../apikeys", "api_key": "XI with spaces in it ok"})),
        )
        .await;
    assert_eq!(field_names(&r), ["domain", "api_key"]);

    let key = api_key();
    let first = domain();
    let r = owner
        .call("PUT", CX, Some(json!({"domain": first, "api_key": key})))
        .await;
    let masked = mask_secret(&key);
    assert_eq!(r.ok()["api_key"], masked.as_str());
    assert_eq!(r.ok()["domain"], first.as_str());
    assert_eq!(r.ok()["cdr_endpoint_issued"], true);
    assert_eq!(
        (&r.ok()["domain_name"], &r.ok()["domain_uuid"]),
        (&Value::Null, &Value::Null),
        "Cloudonix could not be asked (this state's client reaches nothing); saved all the same"
    );
    assert!(!r.text.contains(&key));
    let stored = stored_settings(&api, t.org.id).await;
    let sealed = stored.api_key_enc.clone().unwrap();
    assert!(!sealed.contains(&key));
    let opened = api.state.secrets.open(
        SealedColumn::CLOUDONIX_API_KEY,
        &t.org.id.to_string(),
        &sealed,
    );
    assert_eq!(opened.unwrap(), key);

    let read = admin.call("GET", CX, None).await;
    assert_eq!(read.ok()["api_key"], masked.as_str());
    assert!(!read.text.contains(&key));

    // A new domain without a new key keeps the key and forgets the old domain's application.
    let mut provisioned = stored.clone();
    provisioned.voice_application_id = Some("77".into());
    api.state
        .store
        .upsert_cloudonix_settings(&provisioned)
        .await
        .unwrap();
    let second = domain();
    let r = owner.call("PUT", CX, Some(json!({"domain": second}))).await;
    assert_eq!(r.ok()["api_key"], masked.as_str());
    assert_eq!(r.ok()["voice_application_id"], Value::Null);
    assert_eq!(r.ok()["domain"], second.as_str());

    let entries = audit(&api, t.org.id, "update").await;
    let ours: Vec<&AuditEntry> = entries
        .iter()
        .filter(|e| e.object_type == "cloudonix_settings")
        .collect();
    assert_eq!(ours.len(), 2);
    assert_eq!(ours[1].after.as_ref().unwrap()["domain"], first.as_str());
    assert_eq!(ours[1].after.as_ref().unwrap()["api_key"], "********");
    for entry in ours {
        let text = serde_json::to_string(entry).unwrap();
        assert!(!text.contains(&key), "{text}");
        assert!(!text.contains(&masked), "{text}");
    }
}

async fn the_webhook_bearer_is_shown_once_and_stored_as_a_hash(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let owner = Session::of(&api, &t, Role::Owner).await;

    let r = owner.call("POST", WEBHOOK_KEY, None).await;
    let first = r.ok()["webhook_key"].as_str().unwrap().to_owned();
    assert_eq!(first.len(), 43);
    let found = api
        .state
        .store
        .find_org_by_webhook_key_hash(&sha256_hex(&first))
        .await
        .unwrap();
    assert_eq!(found.organization_id, t.org.id);
    let read = owner.call("GET", CX, None).await;
    assert_eq!(read.ok()["webhook_bearer_issued"], true);
    assert!(!read.text.contains(&first));
    assert_eq!(voice_webhook_status(&api, &first).await, 200);

    let second = owner.call("POST", WEBHOOK_KEY, None).await.ok()["webhook_key"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(second, first);
    assert_eq!(
        voice_webhook_status(&api, &first).await,
        401,
        "the replaced bearer stops working at once, though the webhook had cached it"
    );
    assert_eq!(voice_webhook_status(&api, &second).await, 200);
    assert!(matches!(
        api.state
            .store
            .find_org_by_webhook_key_hash(&sha256_hex(&first))
            .await,
        Err(StoreError::NotFound)
    ));

    let entries = audit(&api, t.org.id, "rotate_webhook_key").await;
    assert_eq!(entries.len(), 2);
    let text = serde_json::to_string(&entries).unwrap();
    assert!(!text.contains(&first) && !text.contains(&second));
}

async fn the_urls_to_paste_follow_the_route_contract(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let owner = Session::of(&api, &t, Role::Owner).await;

    let before = owner.call("GET", URLS, None).await;
    assert_eq!(
        before.ok(),
        &json!({
            "voice_application_url": format!("{TEST_PUBLIC_URL}/webhooks/cloudonix/voice"),
            "session_update_endpoint": format!("{TEST_PUBLIC_URL}/webhooks/cloudonix/session"),
            "cdr_endpoint": null,
        })
    );

    owner
        .call(
            "PUT",
            CX,
            Some(json!({"domain": domain(), "api_key": api_key()})),
        )
        .await
        .ok();
    let urls = owner.call("GET", URLS, None).await;
    let session = urls.ok()["session_update_endpoint"]
        .as_str()
        .unwrap()
        .to_owned();
    let session_token = session
        .strip_prefix(&format!("{TEST_PUBLIC_URL}/webhooks/cloudonix/session/"))
        .expect("the session-update URL carries its own token once settings are saved");
    let found = api
        .state
        .store
        .find_org_by_session_token_hash(&sha256_hex(session_token))
        .await
        .unwrap();
    assert_eq!(found.organization_id, t.org.id);
    let cdr = urls.ok()["cdr_endpoint"].as_str().unwrap().to_owned();
    let prefix = format!("{TEST_PUBLIC_URL}/webhooks/cloudonix/cdr/");
    let token = cdr
        .strip_prefix(&prefix)
        .expect("CDR URL under the route")
        .to_owned();
    let found = api
        .state
        .store
        .find_org_by_cdr_token_hash(&sha256_hex(&token))
        .await
        .unwrap();
    assert_eq!(found.organization_id, t.org.id);

    let rotated = owner.call("POST", CDR_TOKEN, None).await;
    let new_cdr = rotated.ok()["cdr_endpoint"].as_str().unwrap().to_owned();
    assert_ne!(new_cdr, cdr);
    assert_eq!(
        rotated.ok()["session_update_endpoint"],
        session.as_str(),
        "rotating the CDR token leaves the session-update URL alone"
    );
    assert_eq!(
        owner.call("GET", URLS, None).await.ok()["cdr_endpoint"],
        new_cdr.as_str()
    );
    assert!(matches!(
        api.state
            .store
            .find_org_by_cdr_token_hash(&sha256_hex(&token))
            .await,
        Err(StoreError::NotFound)
    ));
    let entries = audit(&api, t.org.id, "rotate_cdr_token").await;
    assert_eq!(entries.len(), 1);
    assert!(!serde_json::to_string(&entries).unwrap().contains(&token));
}

async fn without_a_public_url_nothing_can_be_pasted_or_pushed(b: Backend) {
    let api = Api::with_state(b, |state| state.public_url = None);
    let t = api.tenant().await;
    let owner = Session::of(&api, &t, Role::Owner).await;
    owner
        .call(
            "PUT",
            CX,
            Some(json!({"domain": domain(), "api_key": api_key()})),
        )
        .await
        .ok();
    for (method, uri) in [("GET", URLS), ("POST", CDR_TOKEN), ("POST", PROVISION)] {
        let r = owner.call(method, uri, None).await;
        assert!(
            r.problem(409).json["detail"]
                .as_str()
                .unwrap()
                .contains("OPBX_PUBLIC_URL"),
            "{method} {uri}: {}",
            r.text
        );
    }
}

/// `opbx-local` without `OPBX_PUBLIC_URL`: the URLs to paste point at the address it listens on,
/// so a local setup reads its CDR URL; provisioning still needs an address Cloudonix can reach.
async fn locally_the_urls_follow_the_listen_address(b: Backend) {
    let api = Api::with_state(b, |state| {
        state.public_url = None;
        state.listen_url = Some("http://127.0.0.1:9280".into());
    });
    let t = api.tenant().await;
    let owner = Session::of(&api, &t, Role::Owner).await;
    owner
        .call(
            "PUT",
            CX,
            Some(json!({"domain": domain(), "api_key": api_key()})),
        )
        .await
        .ok();
    let rotated = owner.call("POST", CDR_TOKEN, None).await;
    let cdr = rotated.ok()["cdr_endpoint"].as_str().unwrap().to_owned();
    assert!(
        cdr.starts_with("http://127.0.0.1:9280/webhooks/cloudonix/cdr/"),
        "{cdr}"
    );
    let urls = owner.call("GET", URLS, None).await;
    let urls = urls.ok();
    assert_eq!(
        urls["voice_application_url"],
        "http://127.0.0.1:9280/webhooks/cloudonix/voice"
    );
    assert_eq!(urls["cdr_endpoint"], cdr.as_str());
    assert!(
        owner.call("POST", PROVISION, None).await.problem(409).json["detail"]
            .as_str()
            .unwrap()
            .contains("OPBX_PUBLIC_URL")
    );
}

/// An API whose Cloudonix client talks to `fake`.
fn api_with(b: Backend, fake: &FakeCloudonix) -> Api {
    let client = Arc::new(HttpCloudonix::new(&fake.url, ClientPolicy::default()));
    Api::with_state(b, |state| state.cloudonix = client)
}

async fn add_extension(api: &Api, org: OrgId, number: &str) {
    let now = now_ms();
    let id = ExtensionId::new();
    let ext = Extension {
        id,
        organization_id: org,
        number: ExtensionNumber::parse(number).unwrap(),
        display_name: format!("Desk {number}"),
        user_id: None,
        sip_password_enc: api.state.secrets.seal(
            SealedColumn::SIP_PASSWORD,
            &id.to_string(),
            &format!("sip-{number}-secret"),
        ),
        status: Status::Active,
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
    api.state.store.create_extension(&ext, &[]).await.unwrap();
}

async fn provisioning_pushes_everything_to_cloudonix_and_reruns_cleanly(b: Backend) {
    let fake = FakeCloudonix::start().await;
    let api = api_with(b, &fake);
    let t = api.tenant().await;
    let owner = Session::of(&api, &t, Role::Owner).await;
    owner.call("POST", PROVISION, None).await.problem(409);

    let (name, key) = (domain(), api_key());
    fake.add_domain(&name, &key);
    add_extension(&api, t.org.id, "201").await;
    add_extension(&api, t.org.id, "202").await;
    owner
        .call("PUT", CX, Some(json!({"domain": name, "api_key": key})))
        .await
        .ok();
    let urls = owner.call("GET", URLS, None).await.ok().clone();
    // Saving pushed the domain already (its sync job): provisioning finds the application.
    run_jobs(&api.state, Duration::from_millis(200)).await;
    let created = fake.snapshot(&name)["applications"].clone();
    assert_eq!(created.as_array().map(Vec::len), Some(1), "{created}");

    let r = provision(&api, &owner).await;

    assert_eq!(r["state"], "done", "{r}");
    assert_eq!(r["report"]["ok"], true, "{r}");
    assert!(r["report"]["next_page"].is_null());
    assert_eq!(r["report"]["subscribers_total"], 2);
    let steps: Vec<(String, String)> = r["report"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["step"].as_str().unwrap().to_owned(),
                s["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("check_domain", "unchanged"),
        ("voice_application", "updated"),
        ("default_application", "unchanged"),
        ("domain_profile", "updated"),
        // The extensions' own sync jobs created them when the domain was saved.
        ("subscriber", "updated"),
        ("subscriber", "updated"),
        ("save_settings", "updated"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(steps, expected);
    assert!(!r.to_string().contains(&key));

    let cx = fake.snapshot(&name);
    let app = &cx["applications"][0];
    assert_eq!(app["url"], urls["voice_application_url"]);
    assert_eq!(
        (&app["type"], &app["method"]),
        (&json!("cxml"), &json!("POST"))
    );
    assert_eq!(cx["defaultApplication"], app["id"]);
    assert_eq!(
        cx["profile"]["session-update-endpoint"],
        urls["session_update_endpoint"]
    );
    assert_eq!(cx["profile"]["cdr-endpoint"], urls["cdr_endpoint"]);
    let bearer = cx["profile"]["authorization-api-key"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(voice_webhook_status(&api, &bearer).await, 200);
    let found = api
        .state
        .store
        .find_org_by_webhook_key_hash(&sha256_hex(&bearer))
        .await
        .unwrap();
    assert_eq!(found.organization_id, t.org.id);
    assert_eq!(cx["subscribers"][1]["sipPassword"], "sip-202-secret");
    for request in fake.requests() {
        assert_eq!(
            request.header("authorization"),
            Some(&*format!("Bearer {key}"))
        );
    }
    let read = owner.call("GET", CX, None).await;
    assert!(read.ok()["provisioned_at"].is_string());
    assert_eq!(
        read.ok()["voice_application_id"],
        app["id"].to_string().as_str()
    );

    fake.clear_requests();
    let again = provision(&api, &owner).await;
    assert_eq!(again["report"]["ok"], true, "{again}");
    assert!(
        fake.requests().iter().all(|r| r.method != "POST"),
        "a re-run creates nothing: {:?}",
        fake.lines()
    );
    let cx = fake.snapshot(&name);
    assert_eq!(cx["applications"].as_array().unwrap().len(), 1);
    assert_eq!(cx["subscribers"].as_array().unwrap().len(), 2);

    let new_bearer = cx["profile"]["authorization-api-key"].as_str().unwrap();
    assert_ne!(new_bearer, bearer, "each run issues a fresh bearer");
    assert_eq!(voice_webhook_status(&api, new_bearer).await, 200);
    assert_eq!(
        voice_webhook_status(&api, &bearer).await,
        200,
        "the replaced bearer works through its grace period"
    );
    tokio::time::sleep(api.state.job_policy.key_grace).await;
    run_jobs(&api.state, Duration::from_millis(200)).await;
    assert_eq!(voice_webhook_status(&api, &bearer).await, 401, "then stops");
    assert_eq!(voice_webhook_status(&api, new_bearer).await, 200);

    let entries = audit(&api, t.org.id, "provision").await;
    assert_eq!(entries.len(), 2);
    let text = serde_json::to_string(&entries).unwrap();
    assert!(!text.contains(&key) && !text.contains(&bearer));
}

/// An API whose Cloudonix client talks to a fake Cloudonix holding one domain, a tenant, and
/// the domain's name and key.
async fn with_fake_domain(b: Backend) -> (FakeCloudonix, Api, Tenant, String, String) {
    let fake = FakeCloudonix::start().await;
    let api = api_with(b, &fake);
    let t = api.tenant().await;
    let (name, key) = (domain(), api_key());
    fake.add_domain(&name, &key);
    (fake, api, t, name, key)
}

/// Starts provisioning (202 with the pending job), runs the jobs, and answers the finished job.
async fn provision(api: &Api, owner: &Session<'_>) -> Value {
    let started = owner.call("POST", PROVISION, None).await;
    assert_eq!(started.status.as_u16(), 202, "{}", started.text);
    assert_eq!(started.json["state"], "pending");
    assert_eq!(started.json["kind"], "provision");
    run_jobs(&api.state, Duration::from_millis(200)).await;
    let id = started.json["id"].as_str().unwrap();
    owner
        .call("GET", &format!("/api/v1/jobs/{id}"), None)
        .await
        .ok()
        .clone()
}

async fn a_failed_step_is_reported_in_the_job_without_the_key(b: Backend) {
    let (fake, api, t, name, key) = with_fake_domain(b).await;
    let owner = Session::of(&api, &t, Role::Owner).await;
    owner
        .call("PUT", CX, Some(json!({"domain": name, "api_key": key})))
        .await
        .ok();
    run_jobs(&api.state, Duration::from_millis(200)).await;
    let pushed = fake.snapshot(&name)["profile"]["authorization-api-key"]
        .as_str()
        .unwrap()
        .to_owned();
    fake.script(
        "PUT",
        &format!("/customers/self/domains/{name}"),
        Some(1),
        FakeReply::status(400).body(json!({"message": format!("bad profile for {key}")})),
    );

    let r = provision(&api, &owner).await;

    assert_eq!(r["report"]["ok"], false);
    let profile = r["report"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["step"] == "domain_profile")
        .unwrap();
    assert_eq!(profile["status"], "failed");
    assert_eq!(
        profile["detail"],
        format!(
            "Cloudonix refused the request (HTTP 400): bad profile for {}",
            mask_secret(&key)
        )
    );
    assert!(!r.to_string().contains(&key));
    let read = owner.call("GET", CX, None).await;
    assert_eq!(read.ok()["provisioned_at"], Value::Null);
    let current = api
        .state
        .store
        .find_cloudonix_settings(t.org.id)
        .await
        .unwrap()
        .webhook_key_hash;
    assert_eq!(
        current,
        Some(sha256_hex(&pushed)),
        "the bearer Cloudonix kept stays the current one"
    );
}

fn xml(text: &str) -> opbx::cxml::Element {
    opbx::cxml::parse(text).unwrap_or_else(|e| panic!("not XML ({e}): {text}"))
}

async fn callers_of_unassigned_numbers_hear_the_message_the_owner_sets(b: Backend) {
    let api = Api::new(b);
    let t = api.tenant().await;
    let owner = Session::of(&api, &t, Role::Owner).await;
    let admin = Session::of(&api, &t, Role::PbxAdmin).await;
    let bearer = owner.call("POST", WEBHOOK_KEY, None).await.ok()["webhook_key"]
        .as_str()
        .unwrap()
        .to_owned();
    let refused = xml(r#"<Response><Reject reason="rejected"/></Response>"#);
    let field = "unassigned_number_message";
    assert_eq!(admin.call("GET", ORG, None).await.ok()[field], Value::Null);
    assert_eq!(xml(&voice_webhook(&api, &bearer).await.text), refused);

    for bad in [json!(" "), json!("x".repeat(1001)), json!("line\u{7}bell")] {
        let r = owner.call("PATCH", ORG, Some(json!({ field: bad }))).await;
        assert_eq!(field_names(&r), [field], "{bad}");
    }
    owner
        .call("PATCH", ORG, Some(json!({ field: 5 })))
        .await
        .problem(422);
    let r = owner
        .call(
            "PATCH",
            ORG,
            Some(json!({ field: "  This number is not in use. " })),
        )
        .await;
    assert_eq!(r.ok()[field], "This number is not in use.");
    assert_eq!(r.ok()["name"], t.org.name.as_str(), "other settings stay");
    assert_eq!(
        admin.call("GET", ORG, None).await.ok()[field],
        "This number is not in use."
    );
    assert_eq!(
        xml(&voice_webhook(&api, &bearer).await.text),
        xml(
            r#"<Response><Say answer="false">This number is not in use.</Say><Reject reason="rejected"/></Response>"#
        ),
        "the next call hears it, unanswered"
    );
    admin
        .call("PATCH", ORG, Some(json!({ field: "Mine" })))
        .await
        .problem(403);
    let r = owner
        .call("PATCH", ORG, Some(json!({ "name": "Renamed" })))
        .await;
    assert_eq!(
        r.ok()[field],
        "This number is not in use.",
        "absent means unchanged"
    );
    let r = owner.call("PATCH", ORG, Some(json!({ field: null }))).await;
    assert_eq!(r.ok()[field], Value::Null);
    assert_eq!(xml(&voice_webhook(&api, &bearer).await.text), refused);
}

async fn saving_records_what_cloudonix_calls_the_domain(b: Backend) {
    let (fake, api, t, name, key) = with_fake_domain(b).await;
    let owner = Session::of(&api, &t, Role::Owner).await;
    let uuid = fake.uuid(&name);

    // Entered as its UUID, as the first OpBX told admins to.
    let r = owner
        .call("PUT", CX, Some(json!({"domain": uuid, "api_key": key})))
        .await;
    assert_eq!(r.ok()["domain"], uuid.as_str());
    assert_eq!(r.ok()["domain_name"], name.as_str());
    assert_eq!(r.ok()["domain_uuid"], uuid.as_str());
    let stored = stored_settings(&api, t.org.id).await;
    assert_eq!(
        (stored.domain_name.as_deref(), stored.domain_uuid.as_deref()),
        (Some(name.as_str()), Some(uuid.as_str()))
    );

    // Moving to a domain Cloudonix does not know forgets the old one's names (a name of its own:
    // a domain belongs to one organization, and reruns share the database).
    let gone = format!("gone-{}.cloudonix.net", &unique()[24..]);
    let r = owner.call("PUT", CX, Some(json!({"domain": gone}))).await;
    assert_eq!(
        (&r.ok()["domain_name"], &r.ok()["domain_uuid"]),
        (&Value::Null, &Value::Null)
    );
}

opbx_tests::on_both_backends!(
    callers_of_unassigned_numbers_hear_the_message_the_owner_sets,
    saving_records_what_cloudonix_calls_the_domain,
    the_owner_renames_the_organization_and_changes_its_timezone,
    the_api_key_is_sealed_shown_masked_and_never_audited,
    a_domain_held_elsewhere_is_refused_without_saying_by_whom,
    the_webhook_bearer_is_shown_once_and_stored_as_a_hash,
    the_urls_to_paste_follow_the_route_contract,
    without_a_public_url_nothing_can_be_pasted_or_pushed,
    locally_the_urls_follow_the_listen_address,
    provisioning_pushes_everything_to_cloudonix_and_reruns_cleanly,
    a_failed_step_is_reported_in_the_job_without_the_key,
);
