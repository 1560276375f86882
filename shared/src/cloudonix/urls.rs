//! The URLs an organization's Cloudonix domain calls (ARCHITECTURE §3), built from the
//! deployment's public URL (`OPBX_PUBLIC_URL`).

use serde::Serialize;

pub const VOICE_PATH: &str = "/webhooks/cloudonix/voice";
/// Authenticated by the bearer alone; followed by `/` and the organization's session-update token,
/// by the token (or the bearer): nothing documents that session updates carry the bearer.
pub const SESSION_PATH: &str = "/webhooks/cloudonix/session";
/// Followed by the organization's CDR token: Cloudonix sends CDRs without any authentication,
/// so the unguessable path is what identifies and protects them.
pub const CDR_PATH_PREFIX: &str = "/webhooks/cloudonix/cdr/";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebhookUrls {
    /// The voice application's URL (method POST).
    pub voice_application: String,
    /// The domain profile's `session-update-endpoint`, token included when there is one.
    pub session_update: String,
    /// The domain profile's `cdr-endpoint`, token included.
    pub cdr: String,
}

impl WebhookUrls {
    pub fn new(public_url: &str, cdr_token: &str, session_token: Option<&str>) -> Self {
        let base = public_url.trim_end_matches('/');
        Self {
            voice_application: format!("{base}{VOICE_PATH}"),
            session_update: match session_token {
                Some(token) => format!("{base}{SESSION_PATH}/{token}"),
                None => format!("{base}{SESSION_PATH}"),
            },
            cdr: format!("{base}{CDR_PATH_PREFIX}{cdr_token}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_follow_the_route_contract() {
        let urls = WebhookUrls::new("https://pbx.example.com/prod/", "tok_123", Some("su_456"));
        assert_eq!(
            urls.voice_application,
            "https://pbx.example.com/prod/webhooks/cloudonix/voice"
        );
        assert_eq!(
            urls.session_update,
            "https://pbx.example.com/prod/webhooks/cloudonix/session/su_456"
        );
        assert_eq!(
            WebhookUrls::new("https://pbx.example.com", "t", None).session_update,
            "https://pbx.example.com/webhooks/cloudonix/session",
            "without a token, the URL the bearer authenticates"
        );
        assert_eq!(
            urls.cdr,
            "https://pbx.example.com/prod/webhooks/cloudonix/cdr/tok_123"
        );
    }
}
