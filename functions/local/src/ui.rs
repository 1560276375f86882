//! Serves the built admin SPA (`frontend/dist`, or `OPBX_UI_DIR`), with unknown paths falling back
//! to `index.html` so client-side routes survive a reload.

use std::path::PathBuf;

use axum::response::Html;
use axum::routing::{MethodRouter, get};
use tower_http::services::{ServeDir, ServeFile};

pub fn service() -> MethodRouter {
    let dir = std::env::var_os("OPBX_UI_DIR")
        .map_or_else(|| PathBuf::from("frontend/dist"), PathBuf::from);
    let index = dir.join("index.html");
    if index.is_file() {
        axum::routing::get_service(ServeDir::new(&dir).fallback(ServeFile::new(index)))
    } else {
        tracing::info!("no built UI at {}; serving the API only", dir.display());
        get(|| async { Html(NOT_BUILT) })
    }
}

const NOT_BUILT: &str = "<!doctype html><title>OpBX</title><h1>OpBX is running</h1>\
<p>The API and webhooks are up; see <a href=\"/health\">/health</a>. \
The admin UI is served from <code>frontend/dist</code> once it has been built.</p>";
