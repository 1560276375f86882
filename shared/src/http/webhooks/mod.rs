//! The Cloudonix webhooks of the execution plane (ARCHITECTURE §5).

pub mod auth;
pub mod params;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::cxml;

/// A CXML answer. Voice webhooks answer 200 even when a call cannot be routed (the document says
/// so to the caller); only an unauthenticated request gets another status.
pub fn cxml_reply(status: StatusCode, doc: &cxml::Response) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, cxml::CONTENT_TYPE)],
        doc.to_xml(),
    )
        .into_response()
}

/// What an unauthenticated request gets: 401, and a document that ends the call, in case the
/// platform plays it anyway.
pub fn unauthorized() -> Response {
    cxml_reply(
        StatusCode::UNAUTHORIZED,
        &cxml::Response::new().with(cxml::Hangup),
    )
}
