//! Routing state carried from one CXML document to the callback it triggers.
//!
//! A call's next step (which ring-group member, how many wrong IVR entries so far) travels in the
//! `action` URL as `?k=<state>.<tag>`, signed with the deployment key over the organization, the
//! call and the state. Nothing is stored per call, a replayed callback carries its own state, and
//! neither a caller nor another tenant can forge or transplant it.
//!
//! Action URLs are absolute (`https://pbx.example.com/webhooks/cloudonix/voice/dial?k=…`, the
//! prefix chosen by `http::webhooks::callback_base`): Cloudonix documents only absolute
//! `<Redirect>` targets and never says what a relative `action` resolves against after a
//! callback. Only when no prefix can be trusted are they relative to the document they appear in:
//! `voice/dial?k=…` from the voice document (`…/cloudonix/voice`), `dial?k=…` from a callback's.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use crate::crypto::SecretBox;
use crate::domain::ids::{ConferenceRoomId, ExtensionId, IvrMenuId, OrgId, RingGroupId};

pub const VOICE_PATH: &str = "/webhooks/cloudonix/voice";
pub const GATHER_PATH: &str = "/webhooks/cloudonix/voice/gather";
pub const DIAL_PATH: &str = "/webhooks/cloudonix/voice/dial";

/// What the callback should do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum Step {
    /// An extension was rung; on no answer, its no-answer destination.
    Extension { ext: ExtensionId },
    /// A ring group hop: `attempt` counts dials made so far (from 0), `start` is the member the
    /// call began at (round robin).
    RingGroup {
        group: RingGroupId,
        attempt: u32,
        start: u32,
    },
    /// An outside number was dialled; nothing follows it.
    External,
    /// An IVR menu is waiting for digits.
    Ivr {
        menu: IvrMenuId,
        invalid: u32,
        timeouts: u32,
    },
    /// A conference room is waiting for its PIN.
    RoomPin { room: ConferenceRoomId, tries: u32 },
    /// A voicemail recording finished.
    Voicemail { ext: ExtensionId },
}

/// What callback URLs are built on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackBase<'a> {
    /// `https://host[/stage]`, where Cloudonix reaches this deployment.
    Absolute(&'a str),
    /// Nothing trustworthy names this deployment's address: relative to the document, which is
    /// the voice URL's answer or a callback's.
    Relative { from_voice_document: bool },
}

/// A step plus how many callbacks this call has already been through, so a configuration that
/// loops across callbacks (a ring group falling back to itself) ends instead of ringing forever.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Continuation {
    #[serde(flatten)]
    pub step: Step,
    pub hops: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContinuationError {
    #[error("no routing state in the URL")]
    Missing,
    #[error("routing state is malformed")]
    Malformed,
    #[error("routing state signature does not match")]
    Forged,
}

impl Continuation {
    /// The webhook path this step's callback lands on.
    pub fn path(&self) -> &'static str {
        match self.step {
            Step::Ivr { .. } | Step::RoomPin { .. } => GATHER_PATH,
            _ => DIAL_PATH,
        }
    }

    /// The `action` URL for this step of this call.
    pub fn url(
        &self,
        base: CallbackBase<'_>,
        secrets: &SecretBox,
        org: OrgId,
        call_sid: &str,
    ) -> String {
        let state =
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).expect("plain data serialises"));
        let tag = secrets.sign(&[
            org.to_string().as_bytes(),
            call_sid.as_bytes(),
            state.as_bytes(),
        ]);
        match base {
            CallbackBase::Absolute(prefix) => format!(
                "{}{}?k={state}.{tag}",
                prefix.trim_end_matches('/'),
                self.path()
            ),
            CallbackBase::Relative {
                from_voice_document,
            } => {
                let last = self.path().rsplit('/').next().expect("a path has segments");
                let dir = if from_voice_document { "voice/" } else { "" };
                format!("{dir}{last}?k={state}.{tag}")
            }
        }
    }

    /// Reads back the `k` parameter of a callback, refusing anything not signed for this
    /// organization and call.
    pub fn verify(
        k: Option<&str>,
        secrets: &SecretBox,
        org: OrgId,
        call_sid: &str,
    ) -> Result<Self, ContinuationError> {
        let (state, tag) = k
            .ok_or(ContinuationError::Missing)?
            .split_once('.')
            .ok_or(ContinuationError::Malformed)?;
        if !secrets.verify(
            &[
                org.to_string().as_bytes(),
                call_sid.as_bytes(),
                state.as_bytes(),
            ],
            tag,
        ) {
            return Err(ContinuationError::Forged);
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(state)
            .map_err(|_| ContinuationError::Malformed)?;
        serde_json::from_slice(&bytes).map_err(|_| ContinuationError::Malformed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SecretBox {
        SecretBox::from_base64(&SecretBox::generate_key()).unwrap()
    }

    fn k_of(url: &str) -> &str {
        url.split_once("?k=").unwrap().1
    }

    #[test]
    fn round_trips_only_for_the_same_org_and_call() {
        let secrets = key();
        let org = OrgId::new();
        let c = Continuation {
            step: Step::Ivr {
                menu: IvrMenuId::new(),
                invalid: 1,
                timeouts: 0,
            },
            hops: 2,
        };
        let url = c.url(
            CallbackBase::Absolute("https://pbx.example.com/prod/"),
            &secrets,
            org,
            "call-1",
        );
        assert!(
            url.starts_with("https://pbx.example.com/prod/webhooks/cloudonix/voice/gather?k="),
            "{url}"
        );
        let relative = |from_voice_document| {
            c.url(
                CallbackBase::Relative {
                    from_voice_document,
                },
                &secrets,
                org,
                "call-1",
            )
        };
        assert!(relative(true).starts_with("voice/gather?k="));
        assert!(relative(false).starts_with("gather?k="));
        assert_eq!(
            k_of(&relative(true)),
            k_of(&url),
            "the same state either way"
        );
        assert_eq!(
            Continuation::verify(Some(k_of(&url)), &secrets, org, "call-1"),
            Ok(c)
        );
        assert_eq!(
            Continuation::verify(Some(k_of(&url)), &secrets, org, "call-2"),
            Err(ContinuationError::Forged)
        );
        assert_eq!(
            Continuation::verify(Some(k_of(&url)), &secrets, OrgId::new(), "call-1"),
            Err(ContinuationError::Forged)
        );
        assert_eq!(
            Continuation::verify(Some(k_of(&url)), &key(), org, "call-1"),
            Err(ContinuationError::Forged)
        );
    }

    #[test]
    fn tampered_or_missing_state_is_refused() {
        let secrets = key();
        let org = OrgId::new();
        let c = Continuation {
            step: Step::External,
            hops: 0,
        };
        let url = c.url(
            CallbackBase::Absolute("https://pbx.test"),
            &secrets,
            org,
            "c",
        );
        let (state, tag) = k_of(&url).split_once('.').unwrap();
        let forged_state = URL_SAFE_NO_PAD.encode(br#"{"t":"external","hops":0,"x":1}"#);
        assert_ne!(forged_state, state);
        assert_eq!(
            Continuation::verify(Some(&format!("{forged_state}.{tag}")), &secrets, org, "c"),
            Err(ContinuationError::Forged)
        );
        assert_eq!(
            Continuation::verify(None, &secrets, org, "c"),
            Err(ContinuationError::Missing)
        );
        assert_eq!(
            Continuation::verify(Some("nodot"), &secrets, org, "c"),
            Err(ContinuationError::Malformed)
        );
    }
}
