//! How users and organizations appear in API answers (auth, profile, users).

use serde::Serialize;
use utoipa::ToSchema;

use super::time::UtcTime;
use crate::domain::ids::{OrgId, UserId};
use crate::domain::model::{OrgStatus, Organization, Role, Status, User};
use crate::domain::timezone::Timezone;

/// A user as clients see it: never the password hash.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct UserView {
    pub id: UserId,
    pub organization_id: OrgId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub status: Status,
    pub created_at: UtcTime,
    pub updated_at: UtcTime,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        Self {
            id: u.id,
            organization_id: u.organization_id,
            email: u.email.clone(),
            name: u.name.clone(),
            role: u.role,
            status: u.status,
            created_at: u.created_at.into(),
            updated_at: u.updated_at.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct OrganizationView {
    pub id: OrgId,
    pub name: String,
    pub slug: String,
    pub timezone: Timezone,
    pub status: OrgStatus,
}

impl From<&Organization> for OrganizationView {
    fn from(o: &Organization) -> Self {
        Self {
            id: o.id,
            name: o.name.clone(),
            slug: o.slug.clone(),
            timezone: o.timezone.clone(),
            status: o.status,
        }
    }
}
