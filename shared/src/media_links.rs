//! Signed, expiring links to a recording's audio, for Cloudonix to fetch while a call waits.
//! On AWS the bucket presigns them itself; media kept in a directory is served by `opbx-local`
//! at `/media/{token}` (`crate::http::media`), where the token binds the organization, the
//! recording and the expiry with the instance's key: `<org>.<recording>.<expires, unix s>.<tag>`.

use std::time::Duration;

use crate::crypto::{SecretBox, constant_time_eq};
use crate::domain::ids::{OrgId, RecordingId};
use crate::ports::media::{MediaError, MediaKey, MediaStore};

/// How long a link in a call's answer works: enough for Cloudonix to fetch it (again) during the
/// call, too short to be worth sharing. Every answer carries a fresh one.
pub const LINK_TTL: Duration = Duration::from_secs(15 * 60);

const DOMAIN: &[u8] = b"opbx-media-v1";

fn tag(secrets: &SecretBox, org: &str, recording: &str, expires: &str) -> String {
    secrets.sign(&[
        DOMAIN,
        org.as_bytes(),
        recording.as_bytes(),
        expires.as_bytes(),
    ])
}

/// The token of a link to `recording` that works until `expires` (unix seconds).
pub fn token(secrets: &SecretBox, org: OrgId, recording: RecordingId, expires: i64) -> String {
    let (org, recording, expires) = (org.to_string(), recording.to_string(), expires.to_string());
    let tag = tag(secrets, &org, &recording, &expires);
    format!("{org}.{recording}.{expires}.{tag}")
}

/// Why a token is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Not made by this instance for what it names (altered, or another instance's key).
    Forged,
    Expired,
}

/// What a token names, once its tag and expiry are checked against `now` (unix seconds).
pub fn verify(secrets: &SecretBox, token: &str, now: i64) -> Result<(OrgId, RecordingId), Refused> {
    let parts: Vec<&str> = token.split('.').collect();
    let [org, recording, expires, given] = parts[..] else {
        return Err(Refused::Forged);
    };
    if !constant_time_eq(
        tag(secrets, org, recording, expires).as_bytes(),
        given.as_bytes(),
    ) {
        return Err(Refused::Forged);
    }
    let (Ok(org), Ok(recording), Ok(expires)) =
        (org.parse(), recording.parse(), expires.parse::<i64>())
    else {
        return Err(Refused::Forged);
    };
    if now >= expires {
        return Err(Refused::Expired);
    }
    Ok((org, recording))
}

/// The URL Cloudonix fetches a recording by for the next [`LINK_TTL`]: presigned by the media
/// store when it can (S3), else a `/media/…` link under `base` (where this deployment is reached).
/// Without a `base` (nothing trustworthy names the deployment) the link is relative.
pub fn recording_url(
    media: &dyn MediaStore,
    secrets: &SecretBox,
    base: Option<&str>,
    org: OrgId,
    recording: RecordingId,
) -> Result<String, MediaError> {
    if let Some(url) = media.presigned_url(&MediaKey::recording(org, recording), LINK_TTL)? {
        return Ok(url);
    }
    let expires = jiff::Timestamp::now().as_second() + LINK_TTL.as_secs() as i64;
    Ok(format!(
        "{}/media/{}",
        base.unwrap_or_default().trim_end_matches('/'),
        token(secrets, org, recording, expires)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_names_what_it_was_made_for_until_it_expires() {
        let secrets = SecretBox::from_base64(&SecretBox::generate_key()).unwrap();
        let (org, rec) = (OrgId::new(), RecordingId::new());
        let t = token(&secrets, org, rec, 1_000);
        assert_eq!(verify(&secrets, &t, 999), Ok((org, rec)));
        assert_eq!(verify(&secrets, &t, 1_000), Err(Refused::Expired));
        // Another organization, a later expiry, another key: all refused as forged.
        let other_org = t.replacen(&org.to_string(), &OrgId::new().to_string(), 1);
        assert_eq!(verify(&secrets, &other_org, 0), Err(Refused::Forged));
        let later = t.replace(".1000.", ".9999.");
        assert_eq!(verify(&secrets, &later, 0), Err(Refused::Forged));
        let other_key = SecretBox::from_base64(&SecretBox::generate_key()).unwrap();
        assert_eq!(verify(&other_key, &t, 0), Err(Refused::Forged));
        assert_eq!(verify(&secrets, "x.y", 0), Err(Refused::Forged));
    }
}
