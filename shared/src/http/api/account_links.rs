//! One-time links in mails (issue 12): invitations into an organization and password resets.
//!
//! A link is `{OPBX_APP_URL}/invitation#token=…` or `…/reset-password#token=…`: the token rides
//! in the fragment, which browsers never send to a server, so it stays out of access logs and
//! `Referer` headers. It is 256 random bits, stored only as its SHA-256, works once and expires
//! ([`INVITATION_LIFETIME`], [`RESET_LIFETIME`]). Mails are plain text + HTML, in English (the
//! organizations' language setting has no other value yet).

use std::time::Duration;

use crate::app::AppState;
use crate::crypto::{random_token, sha256_hex};
use crate::domain::accounts::{AccountLink, LinkPurpose};
use crate::domain::ids::{AccountLinkId, OrgId};
use crate::domain::model::{Organization, Role};
use crate::domain::now_ms;
use crate::ports::email::Mail;

/// An invitation leaves time for a weekend and a holiday.
pub const INVITATION_LIFETIME: Duration = Duration::from_secs(7 * 24 * 3600);
/// A reset is for someone waiting at the sign-in page.
pub const RESET_LIFETIME: Duration = Duration::from_secs(3600);

/// A fresh link: the token to mail (never stored) and the row to store.
pub fn new_link(
    org: OrgId,
    purpose: LinkPurpose,
    email: &str,
    role: Option<Role>,
) -> (String, AccountLink) {
    let token = random_token();
    let now = now_ms();
    let lifetime = match purpose {
        LinkPurpose::Invitation => INVITATION_LIFETIME,
        LinkPurpose::PasswordReset => RESET_LIFETIME,
    };
    let link = AccountLink {
        id: AccountLinkId::new(),
        organization_id: org,
        purpose,
        email: email.to_owned(),
        role,
        invited_by: None,
        token_hash: sha256_hex(&token),
        created_at: now,
        expires_at: now + lifetime.as_millis() as i64,
        used_at: None,
    };
    (token, link)
}

/// The page of the admin UI that takes the token.
fn url(state: &AppState, purpose: LinkPurpose, token: &str) -> String {
    let page = match purpose {
        LinkPurpose::Invitation => "invitation",
        LinkPurpose::PasswordReset => "reset-password",
    };
    format!(
        "{}/{page}#token={token}",
        state.app_url.trim_end_matches('/')
    )
}

pub fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The mail carrying `link`'s token.
pub fn mail(state: &AppState, org: &Organization, link: &AccountLink, token: &str) -> Mail {
    let url = url(state, link.purpose, token);
    let (subject, lead, action, expiry) = match link.purpose {
        LinkPurpose::Invitation => (
            format!("You are invited to {} on OpBX", org.name),
            format!(
                "You have been invited to join {} on OpBX as {}.",
                org.name,
                link.role.map_or("a user", |r| role_words(r))
            ),
            "Choose your name and password",
            "The link works once and expires in 7 days.",
        ),
        LinkPurpose::PasswordReset => (
            format!("Reset your OpBX password for {}", org.name),
            format!(
                "Someone asked to reset the password of your account in {} on OpBX. If it was \
                 not you, ignore this mail: your password stays as it is.",
                org.name
            ),
            "Choose a new password",
            "The link works once and expires in 1 hour.",
        ),
    };
    let text = format!("{lead}\n\n{action}:\n{url}\n\n{expiry}\n");
    let html = format!(
        "<!doctype html><html><body><p>{}</p><p><a href=\"{}\">{action}</a></p><p>{expiry}</p>\
         </body></html>",
        html_escape(&lead),
        html_escape(&url)
    );
    Mail {
        to: link.email.clone(),
        subject,
        text,
        html,
        attachments: Vec::new(),
    }
}

fn role_words(role: Role) -> &'static str {
    match role {
        Role::Owner => "an owner",
        Role::PbxAdmin => "a PBX admin",
        Role::PbxUser => "a PBX user",
        Role::Reporter => "a reporter",
    }
}

/// Sends `mail`; `false` (logged, without the body) when it could not leave. The link is
/// already stored, so a failed mail is answered as such rather than as a failed request.
pub async fn send(state: &AppState, mail: &Mail) -> bool {
    match state.mailer.send(mail).await {
        Ok(()) => true,
        Err(e) => {
            tracing::error!(error = %e, to = %mail.to, subject = %mail.subject, "mail not sent");
            false
        }
    }
}
