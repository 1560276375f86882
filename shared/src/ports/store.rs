//! Errors shared by every repository port.

use serde::Serialize;

use crate::domain::model::Status;

/// An object that still points at the one being deleted (e.g. a phone number whose destination is
/// the extension). Deleting a referenced object is refused, naming these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Referrer {
    pub object_type: &'static str,
    pub id: String,
    pub name: String,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was violated; the text names the field (e.g. "extension number").
    #[error("{0} is already in use")]
    Conflict(String),
    #[error("still referenced by {} object(s)", .0.len())]
    InUse(Vec<Referrer>),
    /// A row that cannot be turned back into a domain object (hand-edited or corrupted data).
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// The store could not be reached or failed; details are for logs, not for clients.
    #[error("store unavailable")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// One page of a list query. `page` starts at 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u32,
    pub per_page: u32,
    /// Ordering asked for by the client; the list's natural order breaks ties and applies when
    /// `None`.
    pub sort: Option<Sort>,
}

/// Order a list by one column of the resource's table. `column` is `'static` on purpose: it can
/// only come from an allow-list in code (the API's per-resource sort fields), never from request
/// text, so it is safe to splice into SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub column: &'static str,
    pub descending: bool,
}

impl PageRequest {
    pub const MAX_PER_PAGE: u32 = 100;

    pub fn new(page: u32, per_page: u32) -> Self {
        Self {
            page: page.max(1),
            per_page: per_page.clamp(1, Self::MAX_PER_PAGE),
            sort: None,
        }
    }

    pub fn sorted_by(self, sort: Option<Sort>) -> Self {
        Self { sort, ..self }
    }

    pub fn offset(self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }

    pub fn limit(self) -> i64 {
        i64::from(self.per_page)
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self::new(1, 25)
    }
}

/// The narrowing every configuration list offers. `q` matches the list's natural text fields
/// (number, name, label, email) anywhere, ignoring case; `status` keeps one status only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    pub q: Option<String>,
    pub status: Option<Status>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    /// More than `total` items match: the store counts some lists only so far.
    pub total_capped: bool,
    pub page: u32,
    pub per_page: u32,
}
