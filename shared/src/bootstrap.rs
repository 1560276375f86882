//! First start: with no user in the database, create the first organization and its owner, so a
//! newcomer can log in straight away. And the first platform operator ([`add_operator`]), from
//! `opbx-local operator add EMAIL` or the `migrate` function's `{"operator": …}` payload: the
//! operator API cannot create the first operator, since nobody could sign in to call it.

use crate::config::Bootstrap;
use crate::crypto::{hash_password, random_password};
use crate::domain::accounts::{Operator, PlatformAuditEntry};
use crate::domain::ids::{OperatorId, OrgId, PlatformAuditId, UserId};
use crate::domain::model::{OrgStatus, Organization, Role, Status, User};
use crate::domain::now_ms;
use crate::domain::password::{WeakPassword, check_strength};
use crate::domain::timezone::{InvalidTimezone, Timezone};
use crate::ports::operators::OperatorRepo;
use crate::ports::organizations::OrganizationRepo;
use crate::ports::platform::PlatformRepo;
use crate::ports::store::StoreError;
use crate::ports::users::UserRepo;

#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error("OPBX_BOOTSTRAP_TIMEZONE: {0}")]
    Timezone(#[from] InvalidTimezone),
    #[error("OPBX_BOOTSTRAP_PASSWORD {0}")]
    WeakPassword(#[from] WeakPassword),
    #[error("OPBX_BOOTSTRAP_EMAIL {0:?} is not an email address")]
    BadEmail(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("could not hash the password")]
    Hashing,
    #[error("an operator with the email {0} exists already")]
    OperatorExists(String),
}

/// What was created, so the caller can tell the operator how to log in.
#[derive(Debug)]
pub struct Bootstrapped {
    pub organization: Organization,
    pub owner_email: String,
    /// Set only when the password was generated; print it once, never log it again.
    pub generated_password: Option<String>,
}

/// Creates the first organization and owner unless any user exists. Safe to run on every start
/// and from several processes at once: the organization's slug is unique, so only one wins.
pub async fn ensure_first_owner<S>(
    store: &S,
    cfg: &Bootstrap,
) -> Result<Option<Bootstrapped>, BootstrapError>
where
    S: OrganizationRepo + UserRepo,
{
    if store.count_all_users().await? > 0 {
        return Ok(None);
    }
    let email = cfg.email.trim().to_lowercase();
    if !looks_like_email(&email) {
        return Err(BootstrapError::BadEmail(cfg.email.clone()));
    }
    let timezone = Timezone::parse(&cfg.timezone)?;
    let (password, generated) = match &cfg.password {
        Some(p) => {
            check_strength(p, &email)?;
            (p.clone(), None)
        }
        None => {
            let p = random_password();
            (p.clone(), Some(p))
        }
    };
    let now = now_ms();
    let slug = slugify(&cfg.organization);
    let organization = match store.find_organization_by_slug(&slug).await {
        Ok(existing) => existing,
        Err(StoreError::NotFound) => {
            let org = Organization {
                id: OrgId::new(),
                name: cfg.organization.trim().to_owned(),
                slug,
                timezone,
                status: OrgStatus::Active,
                unassigned_number_message: None,
                calling: Default::default(),
                created_at: now,
                updated_at: now,
            };
            match store.create_organization(&org).await {
                Ok(()) => org,
                // Another process bootstrapped at the same moment.
                Err(StoreError::Conflict(_)) => return Ok(None),
                Err(e) => return Err(e.into()),
            }
        }
        Err(e) => return Err(e.into()),
    };
    let owner = User {
        id: UserId::new(),
        organization_id: organization.id,
        email: email.clone(),
        name: "Owner".into(),
        password_hash: hash_password(&password).map_err(|_| BootstrapError::Hashing)?,
        role: Role::Owner,
        status: Status::Active,
        created_at: now,
        updated_at: now,
    };
    match store.create_user(&owner, &[]).await {
        Ok(()) => Ok(Some(Bootstrapped {
            organization,
            owner_email: email,
            generated_password: generated,
        })),
        Err(StoreError::Conflict(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// A new operator and the password generated for them (print it once, never log it).
#[derive(Debug)]
pub struct AddedOperator {
    pub email: String,
    pub generated_password: String,
}

/// Creates a platform operator with a generated password; `via` says who did it in the
/// platform audit log (`command line`, `migrate`).
pub async fn add_operator<S>(
    store: &S,
    email: &str,
    via: &str,
) -> Result<AddedOperator, BootstrapError>
where
    S: OperatorRepo + PlatformRepo,
{
    let email = email.trim().to_lowercase();
    if !looks_like_email(&email) {
        return Err(BootstrapError::BadEmail(email));
    }
    let password = random_password();
    let now = now_ms();
    let operator = Operator {
        id: OperatorId::new(),
        email: email.clone(),
        name: email.split('@').next().unwrap_or_default().to_owned(),
        password_hash: hash_password(&password).map_err(|_| BootstrapError::Hashing)?,
        status: Status::Active,
        created_at: now,
        updated_at: now,
    };
    let audit = PlatformAuditEntry {
        id: PlatformAuditId::new(),
        operator_id: None,
        actor_label: via.to_owned(),
        action: "add_operator".into(),
        organization_id: None,
        detail: Some(serde_json::json!({ "email": email, "operator_id": operator.id })),
        source_ip: None,
        created_at: now,
    };
    match store.create_operator(&operator, &audit).await {
        Err(StoreError::Conflict(_)) => return Err(BootstrapError::OperatorExists(email)),
        other => other?,
    }
    Ok(AddedOperator {
        email,
        generated_password: password,
    })
}

/// Lower-case ASCII letters and digits joined by single dashes: URL- and subdomain-safe.
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    let slug: String = slug.chars().take(48).collect();
    if slug.is_empty() {
        "organization".into()
    } else {
        slug
    }
}

fn looks_like_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !email.contains(char::is_whitespace)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_url_safe() {
        assert_eq!(slugify("Acme Dental, Inc."), "acme-dental-inc");
        assert_eq!(slugify("  Ünïcode Café  "), "n-code-caf");
        assert_eq!(slugify("!!!"), "organization");
    }

    #[test]
    fn emails_need_a_local_part_and_a_domain() {
        assert!(looks_like_email("admin@example.com"));
        assert!(!looks_like_email("admin"));
        assert!(!looks_like_email("@example.com"));
        assert!(!looks_like_email("admin@localhost"));
        assert!(!looks_like_email("ad min@example.com"));
    }
}
