//! Serves the built admin SPA (`frontend/dist`, or `OPBX_UI_DIR`) as CloudFront does in AWS
//! (ARCHITECTURE §10): precompressed files (`.br`, `.gz` beside the originals) for clients that
//! accept them; content-hashed `/assets/*` cached for a year, `index.html` revalidated on every
//! load; a client-side route (a dotless path outside the API's) answered with `index.html` so it
//! survives a reload, while a missing file stays a 404. HTML pages carry a CSP that lets the
//! page talk only to its own origin (and its WebSocket) and be framed by no one.

use std::path::{Path, PathBuf};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use opbx::http::api::problem::ApiError;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

/// Paths that are never the UI's, even when nothing else answered them.
const RESERVED: [&str; 4] = ["/api", "/webhooks", "/ws", "/health"];

/// `media-src https: blob:` as CloudFront's policy has it: voicemail plays from Cloudonix's
/// recording URLs, and from OpBX's copy fetched with the session's token into a `blob:` URL (an
/// audio element cannot send the token itself).
const CSP: &str = "default-src 'self'; connect-src 'self' ws: wss:; frame-ancestors 'none'; \
                   img-src 'self' data:; media-src 'self' https: blob:; \
                   style-src 'self' 'unsafe-inline'";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The UI directory from `OPBX_UI_DIR` (default `frontend/dist`).
pub fn dir() -> PathBuf {
    std::env::var_os("OPBX_UI_DIR").map_or_else(|| PathBuf::from("frontend/dist"), PathBuf::from)
}

/// The router that answers every request no API, webhook or WebSocket route took.
pub fn router(dir: &Path) -> Router {
    let built = dir.join("index.html").is_file();
    if !built {
        tracing::info!("no built UI at {}; serving the API only", dir.display());
    }
    Router::new()
        .fallback(serve)
        .with_state(built.then(|| dir.to_owned()))
}

async fn serve(State(dir): State<Option<PathBuf>>, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    if is_reserved(&path) {
        return ApiError::no_route().into_response();
    }
    let Some(dir) = dir else {
        return if is_client_route(&path) {
            html(Html(NOT_BUILT).into_response())
        } else {
            StatusCode::NOT_FOUND.into_response()
        };
    };
    let files = ServeDir::new(&dir).precompressed_br().precompressed_gzip();
    let mut response = match files.oneshot(req).await {
        Ok(r) if r.status() == StatusCode::NOT_FOUND && is_client_route(&path) => {
            let index = ServeFile::new(dir.join("index.html"))
                .precompressed_br()
                .precompressed_gzip();
            let request = Request::new(Body::empty());
            match index.oneshot(request).await {
                Ok(r) => r.map(Body::new),
                Err(never) => match never {},
            }
        }
        Ok(r) => r.map(Body::new),
        Err(never) => match never {},
    };
    if response.status().is_success() && path.starts_with("/assets/") {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
    }
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html { html(response) } else { response }
}

/// The headers of an HTML page: always revalidated (it names the current hashed assets), and
/// locked down by the CSP.
fn html(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CACHE_CONTROL, "no-cache"),
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

fn is_reserved(path: &str) -> bool {
    RESERVED.iter().any(|prefix| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// A path the SPA's router may own: its last segment has no dot (files do).
fn is_client_route(path: &str) -> bool {
    !path.rsplit('/').next().unwrap_or_default().contains('.')
}

const NOT_BUILT: &str = "<!doctype html><title>OpBX</title><h1>OpBX is running</h1>\
<p>The API and webhooks are up; see <a href=\"/health\">/health</a>. \
The admin UI is served from <code>frontend/dist</code> once it has been built.</p>";

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake build: an index, a hashed asset with its precompressed twins, a favicon.
    struct Dist(PathBuf);

    impl Dist {
        fn new() -> Self {
            let dir = std::env::temp_dir().join(format!(
                "opbx-ui-test-{}-{}",
                std::process::id(),
                opbx::domain::ids::AuditId::new()
            ));
            let write = |name: &str, body: &[u8]| {
                let path = dir.join(name);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, body).unwrap();
            };
            write("index.html", b"<!doctype html><div id=root></div>");
            write("assets/index-abc123.js", b"console.log('plain')");
            write("assets/index-abc123.js.gz", b"GZIP BYTES");
            write("assets/index-abc123.js.br", b"BROTLI BYTES");
            write("favicon.svg", b"<svg/>");
            Self(dir)
        }
    }

    impl Drop for Dist {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    struct Answer {
        status: StatusCode,
        headers: axum::http::HeaderMap,
        body: String,
    }

    impl Answer {
        fn header(&self, name: header::HeaderName) -> Option<&str> {
            self.headers.get(name).map(|v| v.to_str().unwrap())
        }
    }

    async fn get(app: &Router, path: &str, accept_encoding: Option<&str>) -> Answer {
        let mut req = Request::builder().uri(path);
        if let Some(encodings) = accept_encoding {
            req = req.header(header::ACCEPT_ENCODING, encodings);
        }
        let response = app
            .clone()
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        Answer {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    #[track_caller]
    fn assert_is_index_page(a: &Answer) {
        assert_eq!(a.status, StatusCode::OK);
        assert!(a.body.contains("id=root"), "{}", a.body);
        assert_eq!(a.header(header::CACHE_CONTROL), Some("no-cache"));
        assert_eq!(a.header(header::CONTENT_SECURITY_POLICY), Some(CSP));
        assert!(CSP.contains("frame-ancestors 'none'"));
        assert_eq!(a.header(header::REFERRER_POLICY), Some("same-origin"));
        assert_eq!(a.header(header::X_CONTENT_TYPE_OPTIONS), Some("nosniff"));
    }

    #[tokio::test]
    async fn the_index_and_client_routes_get_the_page_revalidated_and_locked_down() {
        let dist = Dist::new();
        let app = router(&dist.0);
        for path in [
            "/",
            "/index.html",
            "/extensions",
            "/extensions/0190-abc/edit",
        ] {
            assert_is_index_page(&get(&app, path, None).await);
        }
    }

    #[tokio::test]
    async fn hashed_assets_come_precompressed_and_cached_for_good() {
        let dist = Dist::new();
        let app = router(&dist.0);
        let asset = "/assets/index-abc123.js";
        let br = get(&app, asset, Some("br, gzip")).await;
        assert_eq!(br.status, StatusCode::OK);
        assert_eq!(br.body, "BROTLI BYTES");
        assert_eq!(br.header(header::CONTENT_ENCODING), Some("br"));
        assert_eq!(br.header(header::CACHE_CONTROL), Some(IMMUTABLE));
        assert!(
            br.header(header::CONTENT_TYPE)
                .unwrap()
                .contains("javascript")
        );
        assert_eq!(br.header(header::CONTENT_SECURITY_POLICY), None);

        let gz = get(&app, asset, Some("gzip")).await;
        assert_eq!(gz.body, "GZIP BYTES");
        assert_eq!(gz.header(header::CONTENT_ENCODING), Some("gzip"));

        let plain = get(&app, asset, None).await;
        assert_eq!(plain.body, "console.log('plain')");
        assert_eq!(plain.header(header::CONTENT_ENCODING), None);
        assert_eq!(plain.header(header::CACHE_CONTROL), Some(IMMUTABLE));

        // Files outside /assets are not content-hashed: no year-long cache.
        let icon = get(&app, "/favicon.svg", None).await;
        assert_eq!(icon.status, StatusCode::OK);
        assert_eq!(icon.header(header::CACHE_CONTROL), None);
    }

    #[tokio::test]
    async fn missing_files_and_foreign_paths_are_404s_not_the_page() {
        let dist = Dist::new();
        let app = router(&dist.0);
        for path in [
            "/assets/gone-123.js",
            "/robots.txt",
            "/extensions/report.csv",
        ] {
            let a = get(&app, path, Some("br, gzip")).await;
            assert_eq!(a.status, StatusCode::NOT_FOUND, "{path}");
            assert!(!a.body.contains("id=root"), "{path}");
        }
        for path in [
            "/api",
            "/api/v1/nope",
            "/webhooks/x",
            "/ws/extra",
            "/health/deep",
        ] {
            let a = get(&app, path, None).await;
            assert_eq!(a.status, StatusCode::NOT_FOUND, "{path}");
            assert_eq!(
                a.header(header::CONTENT_TYPE),
                Some("application/problem+json"),
                "{path}"
            );
        }
        // Only the exact prefixes are reserved.
        assert_is_index_page(&get(&app, "/apis", None).await);
        assert_is_index_page(&get(&app, "/healthcheck", None).await);
    }

    #[tokio::test]
    async fn without_a_build_the_placeholder_says_so() {
        let dir = std::env::temp_dir().join("opbx-ui-test-never-built");
        let app = router(&dir);
        let a = get(&app, "/", None).await;
        assert_eq!(a.status, StatusCode::OK);
        assert!(a.body.contains("once it has been built"));
        assert_eq!(a.header(header::CONTENT_SECURITY_POLICY), Some(CSP));
        let a = get(&app, "/assets/index-abc123.js", None).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND);
    }
}
