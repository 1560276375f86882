//! The `api-settings` function: the organization's own settings (name, time zone) and its
//! Cloudonix connection (domain, API key, webhook bearer, CDR token, the URLs to paste into
//! Cloudonix, and provisioning, which pushes them). pbx_admin may read; only the owner changes
//! anything (ARCHITECTURE §6).

mod cloudonix;
mod organization;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(
            organization::get_organization,
            organization::update_organization
        ))
        .routes(routes!(cloudonix::get_cloudonix, cloudonix::put_cloudonix))
        .routes(routes!(cloudonix::rotate_webhook_key))
        .routes(routes!(cloudonix::rotate_cdr_token))
        .routes(routes!(cloudonix::get_urls))
        .routes(routes!(cloudonix::provision_domain))
        .routes(routes!(super::jobs::get_job))
        .routes(routes!(super::jobs::retry_job))
}

pub fn router(state: AppState) -> axum::Router {
    super::serve(routes(), state)
}
