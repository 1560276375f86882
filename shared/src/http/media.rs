//! `opbx-local`'s `GET /media/{token}`: the audio behind a link of [`crate::media_links`]. An
//! altered token is refused with 403, an expired one with 410; nothing else is served, and no
//! login is asked. Answers honour a single HTTP `Range`, so players can seek.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hyper::body::Bytes;

use super::api::problem::ApiError;
use crate::app::AppState;
use crate::domain::audio;
use crate::media_links::{Refused, verify};
use crate::ports::media::{MediaError, MediaKey};

/// `opbx-local`'s `/media/{token}` (on AWS the links point at S3).
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/media/{token}", get(serve))
        .layer(axum::middleware::map_response(
            super::api::headers::security_headers,
        ))
        .with_state(state)
}

async fn serve(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    let (org, recording) = match verify(&state.secrets, &token, jiff::Timestamp::now().as_second())
    {
        Ok(named) => named,
        Err(Refused::Forged) => {
            return ApiError::link_refused(StatusCode::FORBIDDEN, "This link is not valid.")
                .into_response();
        }
        Err(Refused::Expired) => {
            return ApiError::link_refused(StatusCode::GONE, "This link has expired.")
                .into_response();
        }
    };
    let bytes = match state.media.get(&MediaKey::recording(org, recording)).await {
        Ok(bytes) => bytes,
        // Deleted since the link was made.
        Err(MediaError::NotFound) => return ApiError::not_found().into_response(),
        Err(e) => return ApiError::from(e).into_response(),
    };
    audio_response(bytes, &headers)
}

/// `bytes` of audio as an answer, typed from the bytes, honouring a single `Range` of `headers`
/// (206, or 416 when it cannot be met) so players can seek; never cached by the browser.
pub fn audio_response(bytes: Bytes, headers: &HeaderMap) -> Response {
    let content_type = audio::probe(&bytes)
        .map(|info| info.format.content_type())
        .unwrap_or("application/octet-stream");
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(|v| byte_range(v, bytes.len()));
    let total = bytes.len();
    let mut response = match range {
        None => (StatusCode::OK, bytes).into_response(),
        Some(Some((start, end))) => {
            let mut r = (StatusCode::PARTIAL_CONTENT, bytes.slice(start..=end)).into_response();
            r.headers_mut().insert(
                header::CONTENT_RANGE,
                header_value(format!("bytes {start}-{end}/{total}")),
            );
            r
        }
        Some(None) => {
            let mut r = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
            r.headers_mut().insert(
                header::CONTENT_RANGE,
                header_value(format!("bytes */{total}")),
            );
            return r;
        }
    };
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

fn header_value(text: String) -> HeaderValue {
    HeaderValue::try_from(text).expect("digits, dashes and slashes are a valid header value")
}

/// The one range `bytes=a-b`, `bytes=a-` or `bytes=-n` of a `len`-byte body, inclusive;
/// `None` when it is unsatisfiable or not a single byte range.
pub fn byte_range(header: &str, len: usize) -> Option<(usize, usize)> {
    let spec = header.trim().strip_prefix("bytes=")?;
    if spec.contains(',') || len == 0 {
        return None;
    }
    let (first, last) = spec.split_once('-')?;
    let (first, last) = (first.trim(), last.trim());
    let (start, end) = if first.is_empty() {
        let suffix: usize = last.parse().ok()?;
        if suffix == 0 {
            return None;
        }
        (len.saturating_sub(suffix), len - 1)
    } else {
        let start: usize = first.parse().ok()?;
        let end = match last {
            "" => len - 1,
            n => n.parse::<usize>().ok()?.min(len - 1),
        };
        (start, end)
    };
    (start <= end && start < len).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_follow_rfc_9110() {
        assert_eq!(byte_range("bytes=0-99", 1000), Some((0, 99)));
        assert_eq!(byte_range("bytes=900-", 1000), Some((900, 999)));
        assert_eq!(byte_range("bytes=-100", 1000), Some((900, 999)));
        assert_eq!(byte_range("bytes=990-2000", 1000), Some((990, 999)));
        assert_eq!(byte_range("bytes=-5000", 1000), Some((0, 999)));
        assert_eq!(byte_range("bytes=1000-", 1000), None);
        assert_eq!(byte_range("bytes=5-1", 1000), None);
        assert_eq!(byte_range("bytes=0-1,5-6", 1000), None);
        assert_eq!(byte_range("items=0-1", 1000), None);
    }
}
