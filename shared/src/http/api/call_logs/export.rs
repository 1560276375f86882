//! `GET /api/v1/call-logs/export.csv`: every call matching the list's filters, newest first, as
//! CSV ([`crate::http::api::csv`]: RFC 4180, formula-neutralised cells).
//!
//! The body is streamed: calls are read [`PAGE`] at a time by keyset (after the last call sent),
//! each batch written out before the next is read, so memory stays flat however long the history
//! and calls logged during the export neither repeat nor displace rows. The first batch is read
//! before answering, so a store that is down gets a proper 503; a failure later can only cut the
//! stream, which clients see as an incomplete download rather than a short file passing as whole.

use std::collections::HashMap;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use futures_util::{StreamExt, TryStreamExt, stream};
use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::{FILTERS, Params, call_filter, period, timezone};
use crate::app::AppState;
use crate::domain::destination::{Destination, DestinationKind};
use crate::domain::ids::OrgId;
use crate::domain::model::CallLog;
use crate::domain::now_ms;
use crate::http::api::caller::Caller;
use crate::http::api::csv;
use crate::http::api::problem::ApiResult;
use crate::http::api::scope::Scope;
use crate::ports::call_logs::{CallLogCursor, CallLogFilter, CallLogRepo};
use crate::ports::references::ReferenceRepo;
use crate::ports::store::{StoreError, StoreResult};

/// Calls per store read and per chunk of the body.
const PAGE: u32 = 500;

const COLUMNS: [&str; 17] = [
    "id",
    "call_sid",
    "started_at_local",
    "started_at_utc",
    "answered_at_utc",
    "ended_at_utc",
    "direction",
    "status",
    "from_number",
    "to_number",
    "caller_name",
    "extension",
    "path",
    "duration_seconds",
    "billsec",
    "disposition",
    "recorded",
];

/// Download every matching call as CSV.
///
/// Same filters as the list; no paging (the whole result streams) and one order, newest first.
/// Columns: id, call_sid, started_at_local (the organization's time zone, YYYY-MM-DD HH:MM:SS),
/// started_at_utc, answered_at_utc, ended_at_utc (RFC 3339), direction, status, from_number,
/// to_number, caller_name, extension (number and name), path (destinations as named now,
/// joined by " > "), duration_seconds, billsec, disposition, recorded (yes/no). Cells that a
/// spreadsheet would take for a formula start with an apostrophe, so E.164 numbers read
/// '+12125550100.
#[utoipa::path(
    get,
    path = "/api/v1/call-logs/export.csv",
    tag = "call-logs",
    params(super::FilterParams),
    responses((
        status = 200,
        description = "CSV, one header line, CRLF line ends; sent as an attachment",
        content_type = "text/csv",
        body = String
    ))
)]
pub(super) async fn export_call_logs(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
) -> ApiResult<Response> {
    let params = Params::parse(&uri, FILTERS)?;
    let scope = Scope::of(&state, &caller).await?;
    let tz = timezone(&state, &caller).await?;
    let filter = call_filter(|name| params.given(name), &tz, &scope)?;
    let filename = format!(
        "call-logs-{}.csv",
        Timestamp::from_millisecond(now_ms())
            .map(|t| tz.to_datetime(t).strftime("%Y%m%d-%H%M").to_string())
            .unwrap_or_default()
    );
    let mut export = Export {
        state,
        org: caller.org(),
        tz,
        filter,
        after: None,
        finished: false,
    };
    let mut head = String::new();
    csv::record(&mut head, COLUMNS);
    if let Some(first) = export.next_batch().await? {
        head.push_str(&first);
    }
    let rest = stream::try_unfold(export, |mut export| async move {
        Ok(export.next_batch().await?.map(|batch| (batch, export)))
    })
    .inspect_err(|e: &StoreError| tracing::error!(error = %e, "call log export cut short"));
    let body = stream::once(async { Ok(head) })
        .chain(rest)
        .map_ok(Bytes::from);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8; header=present"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
                    .expect("the file name is ASCII digits and letters"),
            ),
        ],
        Body::from_stream(body),
    )
        .into_response())
}

/// Where an export stands between two batches.
struct Export {
    state: AppState,
    org: OrgId,
    tz: TimeZone,
    filter: CallLogFilter,
    after: Option<CallLogCursor>,
    finished: bool,
}

impl Export {
    /// The CSV records of the next calls, or `None` once every call has been written.
    async fn next_batch(&mut self) -> StoreResult<Option<String>> {
        if self.finished {
            return Ok(None);
        }
        let store = &self.state.store;
        let calls = store
            .call_logs_after(self.org, &self.filter, self.after, PAGE)
            .await?;
        self.finished = calls.len() < PAGE as usize;
        let Some(last) = calls.last() else {
            return Ok(None);
        };
        self.after = Some(last.into());
        let targets: Vec<Destination> = calls
            .iter()
            .flat_map(|c| c.path.iter().map(|s| s.destination.clone()))
            .chain(
                calls
                    .iter()
                    .filter_map(|c| c.extension_id)
                    .map(|id| Destination::Extension { id }),
            )
            .collect();
        let names = store.destination_names(self.org, &targets).await?;
        let mut out = String::with_capacity(calls.len() * 256);
        for call in &calls {
            csv::record(&mut out, self.row(call, &names));
        }
        Ok(Some(out))
    }

    fn row(&self, c: &CallLog, names: &HashMap<Destination, String>) -> [String; 17] {
        let utc = |ms: Option<i64>| {
            ms.and_then(|ms| Timestamp::from_millisecond(ms).ok())
                .map(|t| t.to_string())
                .unwrap_or_default()
        };
        let number = |n: Option<i32>| n.map(|n| n.to_string()).unwrap_or_default();
        let extension = c
            .extension_id
            .map(|id| named(names, &Destination::Extension { id }))
            .unwrap_or_default();
        let path = c
            .path
            .iter()
            .map(|s| match &s.destination {
                d @ Destination::Hangup => label(d.kind()).to_owned(),
                d => format!("{} {}", label(d.kind()), named(names, d)),
            })
            .collect::<Vec<_>>()
            .join(" > ");
        [
            c.id.to_string(),
            c.call_sid.clone(),
            period::local_text(c.started_at, &self.tz),
            utc(Some(c.started_at)),
            utc(c.answered_at),
            utc(c.ended_at),
            c.direction.as_str().to_owned(),
            c.status.as_str().to_owned(),
            c.from_number.clone(),
            c.to_number.clone(),
            c.caller_name.clone().unwrap_or_default(),
            extension,
            path,
            number(c.duration_seconds),
            number(c.billsec),
            c.disposition.clone().unwrap_or_default(),
            if c.recording_url.is_some() {
                "yes"
            } else {
                "no"
            }
            .to_owned(),
        ]
    }
}

fn named(names: &HashMap<Destination, String>, d: &Destination) -> String {
    names
        .get(d)
        .cloned()
        .unwrap_or_else(|| "(deleted)".to_owned())
}

fn label(kind: DestinationKind) -> &'static str {
    match kind {
        DestinationKind::Extension => "Extension",
        DestinationKind::RingGroup => "Ring group",
        DestinationKind::BusinessHours => "Business hours",
        DestinationKind::IvrMenu => "IVR menu",
        DestinationKind::Voicemail => "Voicemail",
        DestinationKind::ConferenceRoom => "Conference room",
        DestinationKind::Announcement => "Announcement",
        DestinationKind::ExternalNumber => "External number",
        DestinationKind::Hangup => "Hang up",
    }
}
