//! Secrets at rest and credentials: AES-256-GCM sealing of stored secrets (SIP passwords,
//! Cloudonix API keys), SHA-256 fingerprints for bearer tokens we only need to recognise,
//! argon2id for passwords, and random tokens.

use aws_lc_rs::aead::{AES_256_GCM, Aad, NONCE_LEN, Nonce, RandomizedNonceKey};
use aws_lc_rs::{digest, hmac};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("the encryption key must be 32 bytes, base64-encoded")]
    BadKey,
    #[error("sealed value is damaged or was sealed with another key")]
    Unsealable,
    #[error("could not hash the password")]
    Hashing,
    #[error("this function has no encryption key")]
    NoKey,
}

/// The deployment's key for secrets at rest (`OPBX_ENCRYPTION_KEY`; Secrets Manager in AWS).
pub struct SecretBox {
    keys: Option<Keys>,
}

struct Keys {
    key: RandomizedNonceKey,
    /// Signs state we hand out and must get back unchanged (the routing state in CXML action
    /// URLs). Derived from the same deployment key so there is one secret to manage.
    mac: hmac::Key,
}

/// Sealing or signing without a key would write what no key opens: a deployment mistake that
/// the deploy tests rule out, so it stops the request loudly.
const NO_KEY: &str = "this function was deployed without the encryption key; see \
                      opbx::deployed_secrets::secrets_of and infra/template.yaml";

impl SecretBox {
    pub fn from_base64(encoded: &str) -> Result<Self, CryptoError> {
        let bytes = STANDARD
            .decode(encoded.trim())
            .map_err(|_| CryptoError::BadKey)?;
        if bytes.len() != 32 {
            return Err(CryptoError::BadKey);
        }
        let key = RandomizedNonceKey::new(&AES_256_GCM, &bytes).map_err(|_| CryptoError::BadKey)?;
        // A separate key per purpose: a MAC never leaks anything about the encryption key.
        let derived = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, &bytes), b"opbx-mac-v1");
        let mac = hmac::Key::new(hmac::HMAC_SHA256, derived.as_ref());
        Ok(Self {
            keys: Some(Keys { key, mac }),
        })
    }

    /// The box of a function that is not given the key (issue 18.3: each function gets only the
    /// secrets it uses): opening and verifying fail, sealing and signing panic.
    pub fn without_key() -> Self {
        Self { keys: None }
    }

    fn keys(&self) -> Result<&Keys, CryptoError> {
        self.keys.as_ref().ok_or(CryptoError::NoKey)
    }

    /// A new random key, base64-encoded, for first-run setups.
    pub fn generate_key() -> String {
        let mut bytes = [0u8; 32];
        aws_lc_rs::rand::fill(&mut bytes).expect("the system RNG works");
        STANDARD.encode(bytes)
    }

    /// Encrypts `plain` for the column `at` of the row `row` (its id) into
    /// `v2:base64(nonce ‖ ciphertext ‖ tag)`; every call uses a fresh nonce. The place is the
    /// AES-GCM associated data, so a value copied to another row, column or table does not open
    /// there: a database writer cannot move one extension's SIP password onto another to read it.
    pub fn seal(&self, at: SealedColumn, row: &str, plain: &str) -> String {
        let mut buf = plain.as_bytes().to_vec();
        let nonce = self
            .keys()
            .expect(NO_KEY)
            .key
            .seal_in_place_append_tag(Aad::from(at.associated_data(row)), &mut buf)
            .expect("AES-GCM sealing of an in-memory buffer cannot fail");
        let mut out = Vec::with_capacity(NONCE_LEN + buf.len());
        out.extend_from_slice(nonce.as_ref());
        out.extend_from_slice(&buf);
        format!("{BOUND_PREFIX}{}", STANDARD.encode(out))
    }

    /// Opens what [`Self::seal`] sealed for this column and row.
    pub fn open(&self, at: SealedColumn, row: &str, sealed: &str) -> Result<String, CryptoError> {
        let body = sealed
            .strip_prefix(BOUND_PREFIX)
            .ok_or(CryptoError::Unsealable)?;
        self.open_with(body, Aad::from(at.associated_data(row)))
    }

    /// Opens a value sealed before values were bound to their place (no associated data, no
    /// prefix), for re-sealing it; `None` when `sealed` is already bound.
    pub fn open_unbound(&self, sealed: &str) -> Option<Result<String, CryptoError>> {
        (!sealed.starts_with(BOUND_PREFIX)).then(|| self.open_with(sealed, Aad::empty()))
    }

    fn open_with<A: AsRef<[u8]>>(&self, body: &str, aad: Aad<A>) -> Result<String, CryptoError> {
        let bytes = STANDARD.decode(body).map_err(|_| CryptoError::Unsealable)?;
        if bytes.len() < NONCE_LEN {
            return Err(CryptoError::Unsealable);
        }
        let (nonce, rest) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| CryptoError::Unsealable)?;
        let mut rest = rest.to_vec();
        let plain = self
            .keys()?
            .key
            .open_in_place(nonce, aad, &mut rest)
            .map_err(|_| CryptoError::Unsealable)?;
        String::from_utf8(plain.to_vec()).map_err(|_| CryptoError::Unsealable)
    }
}

/// Marks a value sealed for its place; base64 never contains `:`.
pub const BOUND_PREFIX: &str = "v2:";

/// A column holding sealed values, named as in the schema, with the column identifying the row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SealedColumn {
    pub table: &'static str,
    pub column: &'static str,
    pub id_column: &'static str,
}

impl SealedColumn {
    pub const SIP_PASSWORD: Self = Self::new("extensions", "sip_password_enc", "id");
    pub const ROOM_PIN: Self = Self::new("conference_rooms", "pin_enc", "id");
    pub const CLOUDONIX_API_KEY: Self =
        Self::new("cloudonix_settings", "api_key_enc", "organization_id");
    pub const CLOUDONIX_CDR_TOKEN: Self =
        Self::new("cloudonix_settings", "cdr_token_enc", "organization_id");
    pub const CLOUDONIX_SESSION_TOKEN: Self =
        Self::new("cloudonix_settings", "session_token_enc", "organization_id");
    /// The webhook bearer provisioning is about to push, kept so a retried run pushes the same.
    pub const CLOUDONIX_STAGED_WEBHOOK_KEY: Self = Self::new(
        "cloudonix_settings",
        "staged_webhook_key_enc",
        "organization_id",
    );
    /// Every column of the schema that holds sealed values.
    pub const ALL: [Self; 6] = [
        Self::SIP_PASSWORD,
        Self::ROOM_PIN,
        Self::CLOUDONIX_API_KEY,
        Self::CLOUDONIX_CDR_TOKEN,
        Self::CLOUDONIX_SESSION_TOKEN,
        Self::CLOUDONIX_STAGED_WEBHOOK_KEY,
    ];

    const fn new(table: &'static str, column: &'static str, id_column: &'static str) -> Self {
        Self {
            table,
            column,
            id_column,
        }
    }

    fn associated_data(self, row: &str) -> Vec<u8> {
        framed(&[
            b"opbx-sealed-v2",
            self.table.as_bytes(),
            self.column.as_bytes(),
            row.as_bytes(),
        ])
    }
}

impl SecretBox {
    /// A URL-safe 128-bit tag over `parts` (length-prefixed, so `["ab","c"]` and `["a","bc"]`
    /// sign differently).
    pub fn sign(&self, parts: &[&[u8]]) -> String {
        let tag = hmac::sign(&self.keys().expect(NO_KEY).mac, &framed(parts));
        URL_SAFE_NO_PAD.encode(&tag.as_ref()[..16])
    }

    /// Constant-time check of a tag made by [`SecretBox::sign`].
    pub fn verify(&self, parts: &[&[u8]], tag: &str) -> bool {
        self.keys.is_some() && constant_time_eq(self.sign(parts).as_bytes(), tag.as_bytes())
    }
}

fn framed(parts: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in parts {
        out.extend_from_slice(&(p.len() as u64).to_be_bytes());
        out.extend_from_slice(p);
    }
    out
}

/// Hex SHA-256: how bearer tokens and webhook keys are stored, so a database leak reveals none.
pub fn sha256_hex(input: &str) -> String {
    let d = digest::digest(&digest::SHA256, input.as_bytes());
    d.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares secrets without leaking, through timing, how many leading bytes matched.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// 256 random bits, URL-safe: API tokens, webhook keys, CDR path tokens.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    aws_lc_rs::rand::fill(&mut bytes).expect("the system RNG works");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A password people can type once and then change: 20 characters from an unambiguous alphabet.
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    aws_lc_rs::rand::fill(&mut bytes).expect("the system RNG works");
    bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

/// argon2id PHC string with a random salt.
pub fn hash_password(password: &str) -> Result<String, CryptoError> {
    use argon2::password_hash::PasswordHasher;
    argon2::Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|_| CryptoError::Hashing)
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    use argon2::password_hash::PasswordVerifier;
    argon2::Argon2::default()
        .verify_password(password.as_bytes(), phc)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_with_the_same_key_in_the_same_place_only() {
        let key = SecretBox::from_base64(&SecretBox::generate_key()).unwrap();
        let at = SealedColumn::SIP_PASSWORD;
        let sealed = key.seal(at, "ext-1", "sip-pass-1234");
        assert!(sealed.starts_with("v2:") && !sealed.contains("sip-pass"));
        assert_ne!(
            sealed,
            key.seal(at, "ext-1", "sip-pass-1234"),
            "each seal uses a fresh nonce"
        );
        assert_eq!(key.open(at, "ext-1", &sealed).unwrap(), "sip-pass-1234");
        // Moved to another row, column or table, it does not open.
        assert_eq!(key.open(at, "ext-2", &sealed), Err(CryptoError::Unsealable));
        assert_eq!(
            key.open(SealedColumn::ROOM_PIN, "ext-1", &sealed),
            Err(CryptoError::Unsealable)
        );
        assert_eq!(key.open_unbound(&sealed), None);

        let other = SecretBox::from_base64(&SecretBox::generate_key()).unwrap();
        assert_eq!(
            other.open(at, "ext-1", &sealed),
            Err(CryptoError::Unsealable)
        );
        assert_eq!(
            key.open(at, "ext-1", "v2:not base64!"),
            Err(CryptoError::Unsealable)
        );
        assert_eq!(
            key.open(at, "ext-1", "v2:AAAA"),
            Err(CryptoError::Unsealable)
        );
        assert_eq!(
            key.open(at, "ext-1", sealed.trim_start_matches("v2:")),
            Err(CryptoError::Unsealable),
            "an unbound value is re-sealed, never opened where a bound one is expected"
        );
    }

    #[test]
    fn without_a_key_nothing_opens_or_verifies() {
        let key = SecretBox::from_base64(&SecretBox::generate_key()).unwrap();
        let sealed = key.seal(SealedColumn::ROOM_PIN, "r", "1234");
        let tag = key.sign(&[b"x"]);
        let none = SecretBox::without_key();
        assert_eq!(
            none.open(SealedColumn::ROOM_PIN, "r", &sealed),
            Err(CryptoError::NoKey)
        );
        assert!(!none.verify(&[b"x"], &tag));
        let sealing = std::panic::catch_unwind(|| none.seal(SealedColumn::ROOM_PIN, "r", "1"));
        assert!(
            sealing.is_err(),
            "sealing without a key must not write what no key opens"
        );
    }

    #[test]
    fn signatures_bind_every_part_and_the_key() {
        let key = SecretBox::from_base64(&SecretBox::generate_key()).unwrap();
        let tag = key.sign(&[b"org", b"call-1", b"state"]);
        assert!(key.verify(&[b"org", b"call-1", b"state"], &tag));
        assert!(!key.verify(&[b"org", b"call-2", b"state"], &tag));
        assert!(!key.verify(&[b"orgc", b"all-1", b"state"], &tag));
        let other = SecretBox::from_base64(&SecretBox::generate_key()).unwrap();
        assert!(!other.verify(&[b"org", b"call-1", b"state"], &tag));
    }

    #[test]
    fn keys_must_be_32_bytes() {
        assert!(matches!(
            SecretBox::from_base64("c2hvcnQ="),
            Err(CryptoError::BadKey)
        ));
        assert!(matches!(
            SecretBox::from_base64("%%%"),
            Err(CryptoError::BadKey)
        ));
    }

    #[test]
    fn sha256_matches_the_standard_vector() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn constant_time_eq_compares_content_and_length() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(!constant_time_eq(b"secret", b"secreT"));
        assert!(!constant_time_eq(b"secret", b"secret2"));
    }

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let phc = hash_password("correct horse battery staple").unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery staple", &phc));
        assert!(!verify_password("Correct horse battery staple", &phc));
        assert!(!verify_password("x", "not a phc string"));
    }

    #[test]
    fn random_tokens_are_long_and_distinct() {
        let a = random_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, random_token());
        let p = random_password();
        assert_eq!(p.len(), 20);
        assert!(p.chars().all(|c| c.is_ascii_alphanumeric()));
    }
}
