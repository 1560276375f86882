//! Every API error is an RFC 9457 problem document (`application/problem+json`).
//!
//! Handlers return `Result<_, ApiError>` and use `?` on store and coordination calls: the `From`
//! conversions turn a missing row into 404, a uniqueness clash into 409, a delete of something
//! still referenced into 409 naming the referrers, and infrastructure failures into 500/503 whose
//! cause goes to the log only — a client never sees SQL, hostnames or stack traces.

use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::ports::coordination::CoordinationError;
use crate::ports::media::MediaError;
use crate::ports::store::{Referrer, StoreError};

pub const PROBLEM_JSON: &str = "application/problem+json";

/// One invalid input. `field` is the JSON path of the offending value as the client sent it
/// (`name`, `members[2]`, `destination.id`); `""` when the body as a whole is at fault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// An object that routes to another: what refuses deleting it, what routes to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Reference {
    pub object_type: String,
    pub id: String,
    pub name: String,
}

impl From<Referrer> for Reference {
    fn from(r: Referrer) -> Self {
        Self {
            object_type: r.object_type.to_owned(),
            id: r.id,
            name: r.name,
        }
    }
}

/// An organization a login may choose (see [`Problem::organizations`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct OrganizationChoice {
    /// Send as `organization` to log in there.
    pub slug: String,
    pub name: String,
}

/// The body of every error answer (RFC 9457), with OpBX's extension members.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Problem {
    /// Identifies the kind of problem, e.g. `urn:opbx:problem:validation-failed`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// This occurrence: `urn:opbx:request:<id>`, the request id the answer's `x-request-id`
    /// carries and every log line of the request names — quote it when reporting a problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// Field-level messages: of a 422 (the body breaks the documented schema), of a 409 whose
    /// fields conflict with the organization's current data (a destination that does not
    /// exist, a time already past) and of a 400 about query parameters.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// What still references the object a 409 refused to delete.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
    /// The organizations a 409 at login found accounts in for these credentials: log in again
    /// with `organization` set to one's slug.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub organizations: Vec<OrganizationChoice>,
}

/// An error answer. Build it with the constructors below or convert a store error with `?`.
#[derive(Debug)]
pub struct ApiError {
    problem: Box<Problem>,
    retry_after: Option<Duration>,
}

impl ApiError {
    fn new(status: StatusCode, slug: &str, title: &str, detail: Option<String>) -> Self {
        Self {
            problem: Box::new(Problem {
                kind: format!("urn:opbx:problem:{slug}"),
                title: title.to_owned(),
                status: status.as_u16(),
                detail,
                instance: None,
                errors: Vec::new(),
                references: Vec::new(),
                organizations: Vec::new(),
            }),
            retry_after: None,
        }
    }

    /// 400: the request cannot be understood (malformed JSON, bad query parameters).
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "bad-request",
            "Bad request",
            Some(detail.into()),
        )
    }

    /// 400 naming each bad query parameter.
    pub fn bad_parameters(errors: Vec<FieldError>) -> Self {
        let mut e = Self::new(
            StatusCode::BAD_REQUEST,
            "bad-parameters",
            "Invalid query parameters",
            None,
        );
        e.problem.errors = errors;
        e
    }

    /// 401: no valid credentials. Deliberately says nothing about which part was wrong.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Authentication required",
            Some(detail.into()),
        )
    }

    /// 403: authenticated, but the role does not allow this.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Forbidden",
            Some(detail.into()),
        )
    }

    /// 404: also the answer for another organization's ids, so their existence is never revealed.
    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "Not found",
            Some("There is no such object in your organization.".into()),
        )
    }

    /// 404 with a reason: for one-time links, whose unknown, used and expired tokens all get it.
    pub fn not_found_because(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not-found",
            "Not found",
            Some(detail.into()),
        )
    }

    /// 403 for every token of an organization a platform operator suspended (or deleted).
    pub fn organization_suspended() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "organization-suspended",
            "Organization suspended",
            Some("Your organization is suspended; ask your service provider.".into()),
        )
    }

    /// 404 for a path no route serves.
    pub fn no_route() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "no-route",
            "Not found",
            Some("Nothing is served at this path; see /api/v1/openapi.json.".into()),
        )
    }

    /// 405: the path is served, but not for this method (the answer lists those in `Allow`).
    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            "Method not allowed",
            Some("This path does not take this method; see the Allow header.".into()),
        )
    }

    /// 409: the request clashes with the current state (a duplicate, the last owner, …).
    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "conflict",
            "Conflict",
            Some(detail.into()),
        )
    }

    /// 409 at login: the credentials open accounts in each of `organizations`.
    pub fn choose_organization(organizations: Vec<OrganizationChoice>) -> Self {
        let slugs: Vec<&str> = organizations.iter().map(|o| o.slug.as_str()).collect();
        let mut e = Self::new(
            StatusCode::CONFLICT,
            "choose-organization",
            "Choose an organization",
            Some(format!(
                "These credentials belong to accounts in several organizations; log in again \
                 with \"organization\" set to one of: {}.",
                slugs.join(", ")
            )),
        );
        e.problem.organizations = organizations;
        e
    }

    /// 409 for a delete refused because other objects still route to the target.
    pub fn in_use(referrers: Vec<Referrer>) -> Self {
        let names: Vec<String> = referrers
            .iter()
            .map(|r| format!("{} {:?}", r.object_type.replace('_', " "), r.name))
            .collect();
        let mut e = Self::new(
            StatusCode::CONFLICT,
            "in-use",
            "Still in use",
            Some(format!(
                "Cannot delete: still used by {}. Change those first.",
                names.join(", ")
            )),
        );
        e.problem.references = referrers.into_iter().map(Reference::from).collect();
        e
    }

    /// 409 naming each field that a well-formed request got wrong against the current data (a
    /// reference to nothing in the organization, the object itself, a time already past).
    pub fn conflicting(errors: Vec<FieldError>) -> Self {
        let mut e = Self::new(
            StatusCode::CONFLICT,
            "state-conflict",
            "Conflicts with current data",
            Some("Some fields do not fit the organization's current data; see errors.".into()),
        );
        e.problem.errors = errors;
        e
    }

    /// 422 with one message per invalid field.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        let mut e = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation-failed",
            "Validation failed",
            Some("Some fields are invalid; see errors.".into()),
        );
        e.problem.errors = errors;
        e
    }

    /// 422 about one field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::validation(vec![FieldError::new(field, message)])
    }

    /// 415: the body is not JSON.
    pub fn unsupported_media_type() -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            Some("Send the body as application/json.".into()),
        )
    }

    /// 415 for an upload that is not `multipart/form-data`.
    pub fn not_multipart() -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            Some("Send the upload as multipart/form-data.".into()),
        )
    }

    /// 413: the body is larger than the endpoint takes; `detail` says the limit.
    pub fn too_large(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
            "Payload too large",
            Some(detail.into()),
        )
    }

    /// 403 or 410 for a signed link that was altered or has expired.
    pub fn link_refused(status: StatusCode, detail: impl Into<String>) -> Self {
        Self::new(status, "link-refused", "Link refused", Some(detail.into()))
    }

    /// 429 with `Retry-After` (whole seconds, rounded up).
    pub fn too_many_requests(retry_after: Duration) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too-many-requests",
            "Too many requests",
            Some("Too many attempts; try again later.".into()),
        );
        e.retry_after = Some(retry_after);
        e
    }

    /// 503: a store is down. Log the cause before calling this; it is not sent.
    pub fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "Service unavailable",
            Some("A backing service is unavailable; try again shortly.".into()),
        )
    }

    /// 500: a bug or corrupt data. Log the cause before calling this; it is not sent.
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            Some("Something went wrong on our side; it has been logged.".into()),
        )
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    pub fn problem(&self) -> &Problem {
        &self.problem
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::not_found(),
            StoreError::Conflict(what) => Self::conflict(format!("The {what} is already in use.")),
            StoreError::InUse(referrers) => Self::in_use(referrers),
            StoreError::Corrupt(what) => {
                tracing::error!(problem = %what, "stored data cannot be read");
                Self::internal()
            }
            StoreError::Unavailable(source) => {
                tracing::error!(error = %source, "database unavailable");
                Self::unavailable()
            }
        }
    }
}

impl From<MediaError> for ApiError {
    fn from(e: MediaError) -> Self {
        match e {
            MediaError::NotFound => {
                tracing::error!("a recording's audio is missing from media storage");
                Self::not_found_because("The recording's audio is missing.")
            }
            MediaError::Unavailable(why) => {
                tracing::error!(error = %why, "media storage unavailable");
                Self::unavailable()
            }
        }
    }
}

impl From<CoordinationError> for ApiError {
    fn from(e: CoordinationError) -> Self {
        tracing::error!(error = %e, "coordination store failed");
        Self::unavailable()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut problem = self.problem;
        problem.instance =
            crate::observe::request::current_id().map(|id| format!("urn:opbx:request:{id}"));
        let mut response = (status, axum::Json(&*problem)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(wait) = self.retry_after {
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
        }
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"opbx\""),
            );
        }
        response
    }
}

/// `Result` of a handler.
pub type ApiResult<T> = Result<T, ApiError>;
