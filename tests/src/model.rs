//! Configuration objects as tests and benchmarks create them: valid, active, and named after
//! their number, so a test states only what it is about.

use opbx::crypto::sha256_hex;
use opbx::domain::extension_number::ExtensionNumber;
use opbx::domain::ids::{ExtensionId, OrgId};
use opbx::domain::model::{CloudonixSettings, Extension, Status};
use opbx::domain::now_ms;

/// An active extension with voicemail, ringing 20 seconds.
pub fn extension(org: OrgId, number: &str) -> Extension {
    let now = now_ms();
    Extension {
        id: ExtensionId::new(),
        organization_id: org,
        number: ExtensionNumber::parse(number).expect("a valid extension number"),
        display_name: format!("Desk {number}"),
        user_id: None,
        sip_password_enc: String::new(),
        status: Status::Active,
        do_not_disturb: false,
        forward_always: None,
        no_answer_timeout: 20,
        no_answer: None,
        voicemail_enabled: true,
        voicemail_greeting: None,
        cloudonix_subscriber_id: None,
        created_at: now,
        updated_at: now,
    }
}

/// Cloudonix settings whose webhook bearer is `key`: what lets a test call the webhooks.
pub fn webhook_settings(org: OrgId, key: &str) -> CloudonixSettings {
    CloudonixSettings {
        organization_id: org,
        webhook_key_hash: Some(sha256_hex(key)),
        updated_at: now_ms(),
        ..CloudonixSettings::new(org)
    }
}
