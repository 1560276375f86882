//! Sealed values are bound to their table, column and row (issue 18.12): values an earlier
//! release sealed without that binding are re-sealed when the schema is migrated, and a value a
//! database writer copies onto another row no longer opens there.

use aws_lc_rs::aead::{AES_256_GCM, Aad, RandomizedNonceKey};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use opbx::crypto::{SealedColumn, SecretBox};
use opbx::domain::model::{CloudonixSettings, ConferenceRoom};
use opbx::ports::cloudonix_settings::CloudonixSettingsRepo;
use opbx::ports::conference_rooms::ConferenceRoomRepo;
use opbx::ports::extensions::ExtensionRepo;
use opbx_tests::{Backend, model, new_org, on_both_backends};

/// What releases before 18.12 stored: `base64(nonce ‖ ciphertext ‖ tag)`, no associated data.
fn sealed_unbound(key: &[u8; 32], plain: &str) -> String {
    let key = RandomizedNonceKey::new(&AES_256_GCM, key).unwrap();
    let mut buf = plain.as_bytes().to_vec();
    let nonce = key
        .seal_in_place_append_tag(Aad::empty(), &mut buf)
        .unwrap();
    STANDARD.encode([nonce.as_ref(), &buf[..]].concat())
}

async fn unbound_values_are_resealed_to_their_rows_once(b: Backend) {
    let key = [7u8; 32];
    let secrets = SecretBox::from_base64(&STANDARD.encode(key)).unwrap();
    let org = new_org(&b.store).await.id;
    let mut alice = model::extension(org, "101");
    alice.sip_password_enc = sealed_unbound(&key, "alice-sip-secret");
    let mut bob = model::extension(org, "102");
    bob.sip_password_enc = sealed_unbound(&key, "bob-sip-secret");
    for ext in [&alice, &bob] {
        b.store.create_extension(ext, &[]).await.unwrap();
    }
    let room = ConferenceRoom {
        pin_enc: Some(sealed_unbound(&key, "4321")),
        ..model::conference_room(org, "Board")
    };
    b.store.create_conference_room(&room, &[]).await.unwrap();
    b.store
        .upsert_cloudonix_settings(&CloudonixSettings {
            api_key_enc: Some(sealed_unbound(&key, "XIapikey")),
            cdr_token_enc: Some(sealed_unbound(&key, "cdr-token")),
            ..model::webhook_settings(org, "bearer")
        })
        .await
        .unwrap();

    // Other organizations' rows in the shared test database may be re-sealed too: count ours.
    assert!(b.store.reseal_unbound(&secrets).await.unwrap() >= 5);
    let open = |at: SealedColumn, row: String, sealed: &str| secrets.open(at, &row, sealed);
    let alice_now = b.store.find_extension(org, alice.id).await.unwrap();
    let bob_now = b.store.find_extension(org, bob.id).await.unwrap();
    let sip = SealedColumn::SIP_PASSWORD;
    assert_eq!(
        open(sip, alice.id.to_string(), &alice_now.sip_password_enc).unwrap(),
        "alice-sip-secret"
    );
    let room_now = b.store.find_conference_room(org, room.id).await.unwrap();
    assert_eq!(
        open(
            SealedColumn::ROOM_PIN,
            room.id.to_string(),
            room_now.pin_enc.as_deref().unwrap()
        )
        .unwrap(),
        "4321"
    );
    let cx = b.store.find_cloudonix_settings(org).await.unwrap();
    let o = org.to_string();
    assert_eq!(
        open(
            SealedColumn::CLOUDONIX_API_KEY,
            o.clone(),
            cx.api_key_enc.as_deref().unwrap()
        )
        .unwrap(),
        "XIapikey"
    );
    assert_eq!(
        open(
            SealedColumn::CLOUDONIX_CDR_TOKEN,
            o,
            cx.cdr_token_enc.as_deref().unwrap()
        )
        .unwrap(),
        "cdr-token"
    );

    assert_eq!(
        b.store.reseal_unbound(&secrets).await.unwrap(),
        0,
        "nothing left to re-seal"
    );
    assert_eq!(
        b.store.find_extension(org, alice.id).await.unwrap(),
        alice_now
    );

    // Alice's sealed password copied onto Bob's row opens for neither Bob nor anyone else.
    let moved = alice_now.sip_password_enc.clone();
    assert!(open(sip, bob.id.to_string(), &moved).is_err());
    assert!(open(SealedColumn::ROOM_PIN, alice.id.to_string(), &moved).is_err());
    assert_ne!(bob_now.sip_password_enc, moved);
}

on_both_backends!(unbound_values_are_resealed_to_their_rows_once);
