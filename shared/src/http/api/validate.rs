//! Collecting every field error of a request before answering 422, so a form can mark all bad
//! fields at once.
//!
//! Types that can be checked on their own are parsed by serde already (`E164`, `ExtensionNumber`,
//! `Timezone`, `Destination`, the typed ids and enums are newtypes valid by construction, so a bad
//! value in the body is a 422 from [`ApiJson`](super::extract::ApiJson) naming the field). What
//! needs rules or the store goes through a [`Validator`]:
//!
//! ```ignore
//! let mut v = Validator::new();
//! let name = v.text("name", &body.name, 1, 100);
//! v.check("member_timeout", (5..=120).contains(&body.member_timeout), "must be 5 to 120 seconds");
//! v.destination(&state, caller.org(), "fallback", &body.fallback, Some(SelfRef::ring_group(id))).await?;
//! v.finish()?; // 422 listing every error, or Ok
//! ```

use std::ops::RangeInclusive;

use super::problem::{ApiError, ApiResult, FieldError};
use crate::app::AppState;
use crate::domain::destination::{Destination, DestinationKind};
use crate::domain::dial_plan;
use crate::domain::e164::E164;
use crate::domain::ids::{ExtensionId, OrgId, RecordingId};
use crate::ports::organizations::OrganizationRepo;
use crate::ports::outbound_routes::OutboundRouteRepo;
use crate::ports::recordings::RecordingRepo;
use crate::ports::references::ReferenceRepo;
use crate::ports::store::StoreError;

/// Errors come in two kinds: the body breaks a rule the OpenAPI document states (422), or a
/// well-formed body does not fit the organization's current data (409, see [`Self::conflict`]).
/// Clients map both onto their form fields.
#[derive(Debug, Default)]
pub struct Validator {
    /// In the order recorded; `true` marks a conflict.
    errors: Vec<(FieldError, bool)>,
}

/// The object being written, so a destination cannot point at the object itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelfRef {
    pub kind: DestinationKind,
    pub id: String,
}

impl SelfRef {
    pub fn new(kind: DestinationKind, id: impl ToString) -> Self {
        Self {
            kind,
            id: id.to_string(),
        }
    }
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn error(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push((FieldError::new(field, message), false));
    }

    /// Records a field that is well formed but does not fit the current data: an object that
    /// does not exist in the organization, the object itself, a time already past.
    pub fn conflict(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push((FieldError::new(field, message), true));
    }

    /// Records `message` against `field` unless `ok`.
    pub fn check(&mut self, field: &str, ok: bool, message: &str) {
        if !ok {
            self.error(field, message);
        }
    }

    /// Records the message of a failed rule (see [`super::rules`]) against `field`.
    pub fn rule(&mut self, field: &str, result: Result<(), impl std::fmt::Display>) {
        if let Err(message) = result {
            self.error(field, message.to_string());
        }
    }

    /// Records an error unless `value` lies in `range` (of seconds, tries, …: `unit`, or `""`).
    pub fn range(&mut self, field: &str, value: i32, range: RangeInclusive<i32>, unit: &str) {
        if !range.contains(&value) {
            let message = format!("must be {} to {} {unit}", range.start(), range.end());
            self.error(field, message.trim_end());
        }
    }

    /// The value of a parse, or `None` with the parser's message recorded against `field`.
    pub fn parsed<T, E: std::fmt::Display>(
        &mut self,
        field: &str,
        result: Result<T, E>,
    ) -> Option<T> {
        result.map_err(|e| self.error(field, e.to_string())).ok()
    }

    /// `value` trimmed, checked to be at least `min` characters long once trimmed, at most `max`
    /// as sent and free of control characters (the `maxLength` and `pattern` of
    /// [`schema::Name`](super::schema::Name) and its kin). On error the trimmed text is still
    /// returned, for the caller to carry on.
    pub fn text(&mut self, field: &str, value: &str, min: usize, max: usize) -> String {
        let trimmed = value.trim();
        if trimmed.chars().count() < min {
            self.error(
                field,
                if min == 1 {
                    "must not be empty".to_owned()
                } else {
                    format!("must be at least {min} characters")
                },
            );
        } else if value.chars().count() > max {
            self.error(field, format!("must be at most {max} characters"));
        } else if value.chars().any(char::is_control) {
            self.error(field, "must not contain control characters");
        }
        trimmed.to_owned()
    }

    /// An email address, trimmed and lower-cased (emails identify logins case-insensitively).
    /// Only the shape is checked — one `@`, a dotted domain, no spaces; whether mail arrives is
    /// not ours to know.
    pub fn email(&mut self, field: &str, value: &str) -> String {
        let email = self.text(field, value, 3, 255).to_lowercase();
        let shaped = match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !email.chars().any(char::is_whitespace)
            }
            None => false,
        };
        if !shaped && (3..=255).contains(&email.chars().count()) {
            self.error(field, "must be an email address such as ann@example.com");
        }
        email
    }

    /// Checks that `destination` points at an object of the caller's organization (never
    /// another tenant's, never a deleted one) and not at the object being written, and that an
    /// outside number is one a call may leave for: an active outbound route matches it, and the
    /// route or the organization has a caller id (the errors name `<field>.number`).
    pub async fn destination(
        &mut self,
        state: &AppState,
        org: OrgId,
        field: &str,
        destination: &Destination,
        itself: Option<&SelfRef>,
    ) -> ApiResult<()> {
        if let Some(me) = itself
            && destination.kind() == me.kind
            && destination.reference().as_deref() == Some(me.id.as_str())
        {
            self.conflict(field, "must not point at the object itself");
            return Ok(());
        }
        if let Destination::ExternalNumber { number } = destination {
            // Whether a number may be called depends on the routes and rules stored now: a
            // conflict with current data (409), like a destination that does not exist.
            if let Err(refused) = outward_allowed(state, org, number).await? {
                self.conflict(format!("{field}.number"), refused);
            }
            return Ok(());
        }
        if !state.store.destination_exists(org, destination).await? {
            self.conflict(
                field,
                format!(
                    "no such {} in your organization",
                    destination.kind().as_str().replace('_', " ")
                ),
            );
        }
        Ok(())
    }

    /// [`Self::destination`] for an extension's forwarding (forward-always, no-answer): an
    /// outside number must also pass the organization's forwarding rule.
    pub async fn forwarding(
        &mut self,
        state: &AppState,
        org: OrgId,
        field: &str,
        destination: &Destination,
        itself: Option<&SelfRef>,
    ) -> ApiResult<()> {
        if let Destination::ExternalNumber { number } = destination {
            let policy = state.store.find_organization(org).await?.calling;
            if let Err(refused) = policy.may_forward(number) {
                self.conflict(format!("{field}.number"), refused.to_string());
                return Ok(());
            }
        }
        self.destination(state, org, field, destination, itself)
            .await
    }

    /// Checks that the recording to play, if any, is one of the organization's (409 otherwise:
    /// another tenant's recording is as unknown as a deleted one).
    pub async fn recording(
        &mut self,
        state: &AppState,
        org: OrgId,
        field: &str,
        id: Option<RecordingId>,
    ) -> ApiResult<()> {
        let Some(id) = id else {
            return Ok(());
        };
        match state.store.find_recording(org, id).await {
            Ok(_) => Ok(()),
            Err(StoreError::NotFound) => {
                self.conflict(field, "no such recording in your organization");
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Checks a list of extensions (ring-group members, a direct-dial allowlist): each one of
    /// the organization and listed once, errors naming the position (`members[2]`).
    pub async fn extensions(
        &mut self,
        state: &AppState,
        org: OrgId,
        field: &str,
        ids: &[ExtensionId],
    ) -> ApiResult<()> {
        let repeated = super::rules::repeats(ids);
        for (i, id) in ids.iter().enumerate() {
            let field = format!("{field}[{i}]");
            if repeated.contains(&i) {
                self.error(field, "is listed twice");
            } else if !state
                .store
                .destination_exists(org, &Destination::Extension { id: *id })
                .await?
            {
                self.conflict(field, "no such extension in your organization");
            }
        }
        Ok(())
    }

    /// Whether an error about `field` is recorded already.
    pub fn has(&self, field: &str) -> bool {
        self.errors.iter().any(|(e, _)| e.field == field)
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// 422 with every recorded error (conflicts included, so a form shows them all at once);
    /// 409 when the body is well formed and only conflicts with the current data; `Ok` when
    /// there is nothing to say.
    pub fn finish(self) -> ApiResult<()> {
        if self.errors.is_empty() {
            return Ok(());
        }
        let only_conflicts = self.errors.iter().all(|(_, conflict)| *conflict);
        let errors = self.errors.into_iter().map(|(e, _)| e).collect();
        Err(if only_conflicts {
            ApiError::conflicting(errors)
        } else {
            ApiError::validation(errors)
        })
    }
}

/// Whether a call to `number` could leave the organization now, by the rule calls are placed
/// with ([`dial_plan::outward`]); the error says why not.
async fn outward_allowed(
    state: &AppState,
    org: OrgId,
    number: &E164,
) -> ApiResult<Result<(), String>> {
    let routes = state.store.outbound_routes_by_priority(org, true).await?;
    let policy = state.store.find_organization(org).await?.calling;
    Ok(dial_plan::outward(
        &routes,
        number.as_str(),
        None,
        policy.default_caller_id.as_ref(),
    )
    .map(drop)
    .map_err(|refused| format!("a call to {number} cannot leave: {refused}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_every_error_in_order() {
        let mut v = Validator::new();
        assert_eq!(v.text("name", "  Sales  ", 1, 10), "Sales");
        v.text("label", "   ", 1, 10);
        v.text("code", "abcdef", 2, 5);
        v.text("note", "a\u{7}b", 0, 5);
        v.check("timeout", false, "must be 5 to 120 seconds");
        v.range("rounds", 0, 1..=10, "rounds");
        v.range("tries", 3, 1..=10, "tries");
        v.rule("pin", Err("must be 4 to 10 digits"));
        v.rule("digits", Ok::<(), &str>(()));
        let n: Option<u8> = v.parsed("count", "x".parse::<u8>());
        assert_eq!(n, None);
        let e = v.finish().unwrap_err();
        assert_eq!(e.status().as_u16(), 422);
        let got: Vec<(&str, &str)> = e
            .problem()
            .errors
            .iter()
            .map(|f| (f.field.as_str(), f.message.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("label", "must not be empty"),
                ("code", "must be at most 5 characters"),
                ("note", "must not contain control characters"),
                ("timeout", "must be 5 to 120 seconds"),
                ("rounds", "must be 1 to 10 rounds"),
                ("pin", "must be 4 to 10 digits"),
                ("count", "invalid digit found in string"),
            ]
        );
    }

    #[test]
    fn emails_are_lower_cased_and_shaped_like_emails() {
        let mut v = Validator::new();
        assert_eq!(v.email("email", " Ann@Example.COM "), "ann@example.com");
        assert!(v.is_empty());
        for bad in [
            "ann",
            "ann@example",
            "@example.com",
            "a b@example.com",
            "a@b@c.com",
            "a@.com",
        ] {
            let mut v = Validator::new();
            v.email("email", bad);
            assert!(!v.is_empty(), "{bad}");
        }
    }

    #[test]
    fn no_errors_is_ok() {
        let mut v = Validator::new();
        v.text("name", "ok", 1, 10);
        assert!(v.is_empty());
        assert!(v.finish().is_ok());
    }
}
