//! Configuration objects as tests and benchmarks create them: valid, active, and named after
//! their number, so a test states only what it is about.

use opbx::crypto::sha256_hex;
use opbx::domain::extension_number::ExtensionNumber;
use opbx::domain::ids::{ConferenceRoomId, ExtensionId, OrgId};
use opbx::domain::model::{CloudonixSettings, ConferenceRoom, Extension, PhoneNumber, Status};
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
        voicemail_greeting_recording_id: None,
        voicemail_email: None,
        cloudonix_subscriber_id: None,
        created_at: now,
        updated_at: now,
    }
}

/// An active conference room without number or PIN, for ten people.
pub fn conference_room(org: OrgId, name: &str) -> ConferenceRoom {
    let now = now_ms();
    ConferenceRoom {
        id: ConferenceRoomId::new(),
        organization_id: org,
        name: name.into(),
        number: None,
        pin_enc: None,
        max_participants: 10,
        mute_on_entry: false,
        announce_join_leave: false,
        wait_for_moderator: false,
        record: false,
        hold_music_recording_id: None,
        status: Status::Active,
        created_at: now,
        updated_at: now,
    }
}

/// Saves `settings` and, the way the key flow does, their webhook key hash (which saving the
/// settings leaves alone).
pub async fn save_webhook_settings<S>(store: &S, settings: &CloudonixSettings)
where
    S: opbx::ports::cloudonix_settings::CloudonixSettingsRepo
        + opbx::ports::cloudonix_settings::WebhookKeyStaging,
{
    store
        .upsert_cloudonix_settings(settings)
        .await
        .expect("save Cloudonix settings");
    if let Some(hash) = &settings.webhook_key_hash {
        store
            .replace_webhook_key(
                settings.organization_id,
                hash,
                settings.updated_at,
                &setup_audit(settings.organization_id, "cloudonix_settings"),
            )
            .await
            .expect("save the webhook key");
    }
}

/// Cloudonix settings whose webhook bearer is `key` (saved with [`save_webhook_settings`]): what
/// lets a test call the webhooks.
pub fn webhook_settings(org: OrgId, key: &str) -> CloudonixSettings {
    CloudonixSettings {
        organization_id: org,
        webhook_key_hash: Some(sha256_hex(key)),
        updated_at: now_ms(),
        ..CloudonixSettings::new(org)
    }
}

/// An active phone number of `org` sending its calls to `destination`.
pub fn phone_number(
    org: OrgId,
    number: &str,
    destination: opbx::domain::destination::Destination,
) -> PhoneNumber {
    let now = now_ms();
    PhoneNumber {
        id: opbx::domain::ids::PhoneNumberId::new(),
        organization_id: org,
        number: opbx::domain::e164::E164::parse(number).expect("an E.164 number"),
        label: format!("Line {number}"),
        destination,
        status: Status::Active,
        created_at: now,
        updated_at: now,
    }
}

/// A 2.5 s WAV recording of `org` named uniquely, its audio `wav` in the state's media storage.
pub async fn stored_recording(
    state: &opbx::app::AppState,
    org: OrgId,
    wav: Vec<u8>,
) -> opbx::domain::model::Recording {
    use opbx::ports::recordings::RecordingRepo;
    let now = now_ms();
    let r = opbx::domain::model::Recording {
        id: opbx::domain::ids::RecordingId::new(),
        organization_id: org,
        name: format!("Greeting {}", &crate::unique()[24..]),
        format: opbx::domain::audio::AudioFormat::Wav,
        size_bytes: wav.len() as i64,
        duration_ms: 2500,
        created_at: now,
        updated_at: now,
    };
    state
        .media
        .put(
            &opbx::ports::media::MediaKey::recording(org, r.id),
            "audio/wav",
            wav.into(),
        )
        .await
        .expect("media storage takes the audio");
    state
        .store
        .create_recording(&r, &[])
        .await
        .expect("create recording");
    r
}

/// The audit entry of a write a test makes as setup: the store writes it in the write's own
/// transaction, so a write that is audited takes one.
pub fn setup_audit(org: OrgId, object_type: &str) -> opbx::domain::model::AuditEntry {
    opbx::domain::model::AuditEntry {
        id: opbx::domain::ids::AuditId::new(),
        organization_id: org,
        actor_user_id: None,
        actor_label: "test setup".into(),
        action: "update".into(),
        object_type: object_type.into(),
        object_id: None,
        before: None,
        after: None,
        source_ip: None,
        created_at: now_ms(),
    }
}

/// [`setup_audit`] for an operator action.
pub fn setup_platform_audit(action: &str) -> opbx::domain::accounts::PlatformAuditEntry {
    opbx::domain::accounts::PlatformAuditEntry {
        id: opbx::domain::ids::PlatformAuditId::new(),
        operator_id: None,
        actor_label: "test setup".into(),
        action: action.into(),
        organization_id: None,
        detail: None,
        source_ip: None,
        created_at: now_ms(),
    }
}
