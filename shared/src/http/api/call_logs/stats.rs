//! `GET /api/v1/call-logs/stats`: calls per local hour or day, answered and missed, the average
//! duration, wait and talk time, and the busiest numbers and extensions, over the list's filters.
//!
//! Buckets are the organization's local hours or days, so a DST change shows as it was lived:
//! the spring-forward day has 23 hourly buckets, the fall-back day 25 (the repeated hour twice,
//! told apart by its offset). The store counts calls per UTC slot of 15 minutes, or longer when
//! no bucket boundary falls inside ([`slot_length`]); every time zone's offset is a multiple of
//! 15 minutes, so each slot lies within one local hour and day, and regrouping slots here is
//! exact.

use axum::Json;
use axum::extract::State;
use axum::http::Uri;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use super::{FILTERS, Params, call_filter, period, timezone};
use crate::app::AppState;
use crate::domain::destination::Destination;
use crate::domain::ids::ExtensionId;
use crate::http::api::caller::Caller;
use crate::http::api::problem::{ApiError, ApiResult, FieldError};
use crate::http::api::scope::Scope;
use crate::http::api::time::UtcTime;
use crate::ports::call_logs::{CallLogRepo, CallSlot};
use crate::ports::references::ReferenceRepo;

const SLOT_MS: i64 = 15 * 60 * 1000;
const DAY_MS: i64 = 24 * 3_600_000;
/// How many busiest numbers are listed.
const TOP: u32 = 10;

/// The widest range each bucket size covers: a month of hours, a year of days.
const MAX_HOURS: usize = 31 * 24 + 1;
const MAX_DAYS: usize = 366;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Bucket {
    Hour,
    Day,
}

/// The bucket size, for the OpenAPI document.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // read by utoipa's derive only
struct BucketParams {
    /// `hour` (at most 31 days) or `day` (the default; at most 366 days). Without `from`/`to`,
    /// hours cover today and days the last 7 days, today included.
    bucket: Option<Bucket>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CallStats {
    /// The organization's time zone, which the buckets follow.
    pub timezone: String,
    pub bucket: Bucket,
    pub from: UtcTime,
    pub to: UtcTime,
    pub calls: i64,
    /// Answered or completed.
    pub answered: i64,
    /// Busy, no answer, failed or canceled.
    pub missed: i64,
    /// Mean duration of the calls whose duration is known, in seconds (one decimal); null when
    /// there is none.
    pub average_duration_seconds: Option<f64>,
    /// Mean time answered callers waited, from the call's start to its answer, in seconds (one
    /// decimal); null when no answered call has an answer time.
    pub average_wait_seconds: Option<f64>,
    /// Mean talk time of answered calls (Cloudonix's billed seconds once the CDR is in, else
    /// answer to hang-up), in seconds (one decimal); null when none is known yet.
    pub average_talk_seconds: Option<f64>,
    /// Every bucket of the range, empty ones included, earliest first.
    pub buckets: Vec<BucketCount>,
    /// The organization's numbers with the most calls (the called number of inbound calls, the
    /// calling number of outbound ones), at most 10.
    pub busiest_numbers: Vec<BusyNumber>,
    /// The extensions offered the most calls (rung, or reached through their mailbox), at most
    /// 10; a PBX user sees only their own.
    pub busiest_extensions: Vec<BusyExtension>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BucketCount {
    pub start: UtcTime,
    /// The local start with its offset, `2026-03-29T02:00+01:00`.
    pub local_start: String,
    pub calls: i64,
    pub answered: i64,
    pub missed: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BusyNumber {
    pub number: String,
    pub calls: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BusyExtension {
    pub extension_id: ExtensionId,
    /// `101 Alice Smith`; null for an extension deleted since.
    pub name: Option<String>,
    pub calls: i64,
    pub answered: i64,
}

/// Call statistics per local hour or day.
#[utoipa::path(
    get,
    path = "/api/v1/call-logs/stats",
    tag = "call-logs",
    params(super::FilterParams, BucketParams),
    responses((status = 200, body = CallStats))
)]
pub(super) async fn call_stats(
    State(state): State<AppState>,
    caller: Caller,
    uri: Uri,
) -> ApiResult<Json<CallStats>> {
    let params = Params::parse(&uri, &[FILTERS, &["bucket"]].concat())?;
    let bucket = match params.given("bucket") {
        None | Some("day") => Bucket::Day,
        Some("hour") => Bucket::Hour,
        Some(_) => return Err(invalid("bucket", "must be hour or day")),
    };
    let scope = Scope::of(&state, &caller).await?;
    let tz = timezone(&state, &caller).await?;
    let mut filter = call_filter(|name| params.given(name), &tz, &scope)?;
    let now = crate::domain::now_ms();
    let to = match filter.to {
        Some(to) => to,
        None => period::day_start(now, &tz, 1).ok_or_else(ApiError::internal)?,
    };
    let from = match filter.from {
        Some(from) => from,
        None => {
            let days = if bucket == Bucket::Day { -6 } else { 0 };
            period::day_start(to - 1, &tz, days).ok_or_else(ApiError::internal)?
        }
    };
    if from >= to {
        return Err(invalid("from", "must be earlier than to"));
    }
    let (name, max) = match bucket {
        Bucket::Hour => ("hourly", MAX_HOURS),
        Bucket::Day => ("daily", MAX_DAYS),
    };
    // Checked on the span first so that no huge range is walked to count its buckets.
    let starts = (to - from <= (MAX_DAYS as i64 + 1) * DAY_MS)
        .then(|| bucket_starts(from, to, &tz, bucket))
        .filter(|starts| starts.len() <= max)
        .ok_or_else(|| {
            invalid(
                "to",
                format!("{name} statistics cover at most {max} buckets; narrow from/to"),
            )
        })?;
    (filter.from, filter.to) = (Some(from), Some(to));

    let stored = state
        .store
        .call_log_stats(caller.org(), &filter, slot_length(&starts), TOP)
        .await?;
    let mut buckets: Vec<BucketCount> = starts
        .iter()
        .map(|&start| BucketCount {
            start: start.into(),
            local_start: local_start(start, &tz),
            calls: 0,
            answered: 0,
            missed: 0,
        })
        .collect();
    let mut total = CallSlot::default();
    for slot in &stored.slots {
        // The first slot may begin before `from`; its calls do not.
        let i = starts
            .partition_point(|&s| s <= slot.start)
            .saturating_sub(1);
        let b = &mut buckets[i];
        b.calls += slot.calls;
        b.answered += slot.answered;
        b.missed += slot.missed;
        total.add(slot);
    }
    let offered: Vec<Destination> = stored
        .busiest_extensions
        .iter()
        .map(|e| Destination::Extension { id: e.extension_id })
        .collect();
    let mut names = state
        .store
        .destination_names(caller.org(), &offered)
        .await?;
    Ok(Json(CallStats {
        timezone: tz.iana_name().unwrap_or("UTC").to_owned(),
        bucket,
        from: from.into(),
        to: to.into(),
        calls: total.calls,
        answered: total.answered,
        missed: total.missed,
        average_duration_seconds: mean(total.duration_seconds as f64, total.timed),
        average_wait_seconds: mean(total.wait_ms as f64 / 1000.0, total.waited),
        average_talk_seconds: mean(total.talk_ms as f64 / 1000.0, total.talked),
        buckets,
        busiest_numbers: stored
            .busiest
            .into_iter()
            .map(|n| BusyNumber {
                number: n.number,
                calls: n.calls,
            })
            .collect(),
        busiest_extensions: stored
            .busiest_extensions
            .into_iter()
            .zip(offered)
            .map(|(e, destination)| BusyExtension {
                extension_id: e.extension_id,
                name: names.remove(&destination),
                calls: e.calls,
                answered: e.answered,
            })
            .collect(),
    }))
}

/// `sum / count` to one decimal; none of nothing.
fn mean(sum: f64, count: i64) -> Option<f64> {
    (count > 0).then(|| (sum / count as f64 * 10.0).round() / 10.0)
}

fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::bad_parameters(vec![FieldError::new(field, message)])
}

/// The start of every bucket from `from` to `to`: `from` itself, then each slot start where the
/// local hour (with its offset, so a repeated hour counts twice) or the local date changes.
fn bucket_starts(from: i64, to: i64, tz: &TimeZone, bucket: Bucket) -> Vec<i64> {
    let key = |ms: i64| {
        let t = Timestamp::from_millisecond(ms).unwrap_or_default();
        let local = tz.to_datetime(t);
        match bucket {
            Bucket::Hour => (local.date(), local.hour(), tz.to_offset(t).seconds()),
            Bucket::Day => (local.date(), 0, 0),
        }
    };
    let mut starts = vec![from];
    let mut current = key(from);
    let mut slot = from - from.rem_euclid(SLOT_MS) + SLOT_MS;
    while slot < to {
        let k = key(slot);
        if k != current {
            starts.push(slot);
            current = k;
        }
        slot += SLOT_MS;
    }
    starts
}

/// The longest slot the store may count calls in without a bucket boundary falling inside one:
/// the greatest common divisor of a day and the boundaries' times of day (every boundary after
/// `from` is a multiple of [`SLOT_MS`]; the slot holding `from` ends by the next boundary). A
/// year of London's days is then 8 760 hourly slots for the database to group, not 35 040.
fn slot_length(starts: &[i64]) -> i64 {
    fn gcd(a: i64, b: i64) -> i64 {
        if b == 0 { a } else { gcd(b, a % b) }
    }
    starts[1..]
        .iter()
        .fold(DAY_MS, |g, start| gcd(g, start.rem_euclid(DAY_MS)))
}

fn local_start(ms: i64, tz: &TimeZone) -> String {
    Timestamp::from_millisecond(ms)
        .map(|t| {
            t.to_zoned(tz.clone())
                .strftime("%Y-%m-%dT%H:%M%:z")
                .to_string()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> i64 {
        text.parse::<Timestamp>().unwrap().as_millisecond()
    }

    fn locals(starts: &[i64], tz: &TimeZone) -> Vec<String> {
        starts.iter().map(|&s| local_start(s, tz)).collect()
    }

    #[test]
    fn slots_are_as_long_as_the_boundaries_allow() {
        let days = |zone: &str, from: &str, to: &str| {
            let tz = jiff::tz::db().get(zone).unwrap();
            slot_length(&bucket_starts(utc(from), utc(to), &tz, Bucket::Day))
        };
        let hour = 3_600_000;
        assert_eq!(
            days("UTC", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
            DAY_MS
        );
        // London's midnights are 00:00 or 23:00 UTC; Kolkata's 18:30; Kathmandu's 18:15.
        let london = days(
            "Europe/London",
            "2026-01-01T00:00:00Z",
            "2027-01-01T00:00:00Z",
        );
        assert_eq!(london, hour);
        let kolkata = days(
            "Asia/Kolkata",
            "2025-12-31T18:30:00Z",
            "2026-02-01T00:00:00Z",
        );
        assert_eq!(kolkata, hour / 2);
        let kathmandu = days(
            "Asia/Kathmandu",
            "2025-12-31T18:15:00Z",
            "2026-02-01T00:00:00Z",
        );
        assert_eq!(kathmandu, SLOT_MS);
        // A `from` inside a slot does not shorten it: its calls all belong to the first bucket.
        assert_eq!(
            days("UTC", "2026-01-01T09:07:13Z", "2026-01-09T00:00:00Z"),
            DAY_MS
        );
    }

    #[test]
    fn hours_follow_the_clock_through_both_dst_changes() {
        let tz = jiff::tz::db().get("Europe/London").unwrap();
        let spring = bucket_starts(
            utc("2026-03-29T00:00:00Z"),
            utc("2026-03-29T23:00:00Z"),
            &tz,
            Bucket::Hour,
        );
        assert_eq!(spring.len(), 23);
        assert_eq!(
            locals(&spring[..3], &tz),
            [
                "2026-03-29T00:00+00:00",
                "2026-03-29T02:00+01:00",
                "2026-03-29T03:00+01:00"
            ]
        );
        let autumn = bucket_starts(
            utc("2026-10-24T23:00:00Z"),
            utc("2026-10-26T00:00:00Z"),
            &tz,
            Bucket::Hour,
        );
        assert_eq!(autumn.len(), 25);
        assert_eq!(
            locals(&autumn[1..4], &tz),
            [
                "2026-10-25T01:00+01:00",
                "2026-10-25T01:00+00:00",
                "2026-10-25T02:00+00:00"
            ]
        );
    }

    #[test]
    fn days_start_at_local_midnight_and_half_hour_zones_work() {
        let tz = jiff::tz::db().get("Europe/London").unwrap();
        let days = bucket_starts(
            utc("2026-03-28T00:00:00Z"),
            utc("2026-03-31T23:00:00Z"),
            &tz,
            Bucket::Day,
        );
        assert_eq!(
            days,
            [
                utc("2026-03-28T00:00:00Z"),
                utc("2026-03-29T00:00:00Z"),
                utc("2026-03-29T23:00:00Z"),
                utc("2026-03-30T23:00:00Z"),
            ]
        );
        let kathmandu = jiff::tz::db().get("Asia/Kathmandu").unwrap();
        let hours = bucket_starts(
            utc("2026-01-01T00:00:00Z"),
            utc("2026-01-01T02:00:00Z"),
            &kathmandu,
            Bucket::Hour,
        );
        assert_eq!(
            locals(&hours, &kathmandu),
            [
                "2026-01-01T05:45+05:45",
                "2026-01-01T06:00+05:45",
                "2026-01-01T07:00+05:45"
            ]
        );
    }
}
