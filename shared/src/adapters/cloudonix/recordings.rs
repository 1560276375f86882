//! Fetching the audio behind a `RecordingUrl` Cloudonix sent to a `<Record>` action (voicemail).
//!
//! Cloudonix's recordings are behind its API, so the request carries the domain's key — but only
//! to Cloudonix itself: the configured API's origin or an `https://` host under `cloudonix.io`.
//! A URL anywhere else is fetched without credentials, so a forged or odd URL can never collect
//! the key. One try per call: the copy job retries with its own backoff.

use std::time::Duration;

use async_trait::async_trait;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper::header::{AUTHORIZATION, HeaderValue, USER_AGENT};
use hyper::{Request, Uri};

use super::{HttpCloudonix, error_chain, scrub};
use crate::ports::cloudonix::{
    CloudonixError, CloudonixRecordings, CloudonixResult, DomainCredentials,
};

/// A voicemail is at most a few minutes of audio; this leaves room for slow storage.
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(60);
/// Larger than any voicemail (two minutes of 16-bit 48 kHz stereo WAV is 23 MB).
const MAX_BYTES: usize = 32 * 1024 * 1024;

/// Whether `url` is Cloudonix's, so the domain's key may go with the request.
pub(super) fn carries_key(url: &Uri, api_base: &str) -> bool {
    let Some(host) = url.host().map(str::to_ascii_lowercase) else {
        return false;
    };
    let same_origin = api_base
        .parse::<Uri>()
        .ok()
        .is_some_and(|base| base.scheme() == url.scheme() && base.authority() == url.authority());
    let cloudonix_host = url.scheme_str() == Some("https")
        && (host == "cloudonix.io" || host.ends_with(".cloudonix.io"));
    same_origin || cloudonix_host
}

#[async_trait]
impl CloudonixRecordings for HttpCloudonix {
    async fn fetch_recording(
        &self,
        creds: &DomainCredentials,
        url: &str,
    ) -> CloudonixResult<Bytes> {
        let uri: Uri = url
            .parse()
            .map_err(|_| CloudonixError::InvalidResponse("the recording URL is invalid".into()))?;
        let mut request = Request::get(uri.clone())
            .header(USER_AGENT, concat!("opbx/", env!("CARGO_PKG_VERSION")));
        if carries_key(&uri, &self.base_url) {
            let mut auth = HeaderValue::try_from(format!("Bearer {}", creds.api_key.expose()))
                .map_err(|_| {
                    CloudonixError::InvalidResponse(
                        "the API key contains characters a header cannot carry".into(),
                    )
                })?;
            auth.set_sensitive(true);
            request = request.header(AUTHORIZATION, auth);
        }
        let request = request
            .body(Full::new(Bytes::new()))
            .expect("method, URI and headers were all validated");
        let exchange = async {
            let response = self
                .client
                .request(request)
                .await
                .map_err(|e| CloudonixError::Unreachable(error_chain(&e)))?;
            let status = response.status().as_u16();
            let body = Limited::new(response.into_body(), MAX_BYTES)
                .collect()
                .await
                .map_err(|e| CloudonixError::Unreachable(e.to_string()))?
                .to_bytes();
            match status {
                200..=299 if body.is_empty() => Err(CloudonixError::InvalidResponse(
                    "the recording is empty".into(),
                )),
                200..=299 => Ok(body),
                401 | 403 => Err(CloudonixError::Unauthorized { status }),
                404 | 410 => Err(CloudonixError::NotFound),
                code @ 500.. => Err(CloudonixError::Server { status: code }),
                code => Err(CloudonixError::Rejected {
                    status: code,
                    message: "the recording could not be fetched".into(),
                }),
            }
        };
        let result = match tokio::time::timeout(DOWNLOAD_TIMEOUT, exchange).await {
            Ok(result) => result,
            Err(_) => Err(CloudonixError::Timeout(DOWNLOAD_TIMEOUT)),
        };
        result.map_err(|e| scrub(e, creds.api_key.expose()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_goes_to_cloudonix_only() {
        let base = "https://api.cloudonix.io";
        let ok = |url: &str| carries_key(&url.parse().unwrap(), base);
        assert!(ok("https://api.cloudonix.io/calls/x/recordings/1.wav"));
        assert!(ok("https://storage.cloudonix.io/r/1.mp3"));
        assert!(!ok("http://storage.cloudonix.io/r/1.mp3"), "not in clear");
        assert!(!ok("https://cloudonix.io.evil.example/r/1.mp3"));
        assert!(!ok("https://evilcloudonix.io/r/1.mp3"));
        assert!(!ok("https://recordings.example.com/r/1.mp3"));
        // A local fake is the configured API.
        let fake = |url: &str| carries_key(&url.parse().unwrap(), "http://127.0.0.1:4000");
        assert!(fake("http://127.0.0.1:4000/recordings/1.wav"));
        assert!(!fake("http://127.0.0.1:4001/recordings/1.wav"));
    }
}
