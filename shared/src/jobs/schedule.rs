//! Scheduled jobs on the jobs queue (issue 13, item 5): the periodic Cloudonix reconcile of every
//! organization connected to Cloudonix, and the retention [`super::purge`].
//!
//! A schedule ticks by putting a [`Tick`] message on the jobs queue — EventBridge Scheduler in
//! AWS (infra/template.yaml), a timer in `opbx-local` ([`run_local`]) — and the worker turns a
//! tick into jobs ([`run_tick`]) written with a key naming the schedule, the tick and, for a
//! reconcile, the organization. A tick delivered twice, or ticked again by a restarted
//! `opbx-local` within the same period, finds its keys taken and adds nothing. The jobs then run,
//! retry and show their state like any other: a reconcile job in its organization's
//! `GET /api/v1/jobs/{id}`, the purge (the platform's, of no organization) in the jobs table and
//! the log.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::dispatch;
use crate::app::AppState;
use crate::domain::ids::JobId;
use crate::domain::now_ms;
use crate::ports::jobs::{Job, JobPayload, JobStore, Undelivered};
use crate::ports::retention::RetentionRepo;
use crate::ports::store::StoreResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Schedule {
    /// The retention purge (AWS default: hourly).
    Purge,
    /// One reconcile job per organization with Cloudonix settings (AWS default: every 4 hours).
    Reconcile,
}

impl Schedule {
    fn as_str(self) -> &'static str {
        match self {
            Self::Purge => "purge",
            Self::Reconcile => "reconcile",
        }
    }
}

/// One tick of a schedule, as a jobs queue message:
/// `{"schedule": "purge", "tick": "2026-12-05T06:00:00Z"}`. `tick` names the tick, the same in
/// every delivery of it: EventBridge Scheduler's `<aws.scheduler.scheduled-time>`, or the start
/// of the timer's period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tick {
    pub schedule: Schedule,
    pub tick: String,
}

/// Longer than any timestamp; keeps the jobs' keys within their column.
const MAX_TICK_CHARS: usize = 40;

impl Tick {
    /// A queue message's body, if it is a tick.
    pub fn parse(body: &str) -> Option<Self> {
        serde_json::from_str::<Self>(body).ok().filter(|t| {
            !t.tick.is_empty()
                && t.tick.len() <= MAX_TICK_CHARS
                && t.tick.bytes().all(|b| b.is_ascii_graphic())
        })
    }

    /// The tick of the period of length `every` that `now` (epoch ms) falls in.
    pub fn of_period(schedule: Schedule, now: i64, every: Duration) -> Self {
        let period = i64::try_from(every.as_millis()).unwrap_or(i64::MAX).max(1);
        let start = now - now.rem_euclid(period);
        let tick = jiff::Timestamp::from_millisecond(start)
            .map(|t| t.to_string())
            .unwrap_or_else(|_| start.to_string());
        Self { schedule, tick }
    }
}

/// Writes the tick's jobs, none already written for it, and hands them to the queue. Answers
/// the jobs written (none for a repeated tick).
pub async fn run_tick(state: &AppState, tick: &Tick) -> StoreResult<Vec<JobId>> {
    let now = now_ms();
    let name = tick.schedule.as_str();
    let jobs: Vec<(Job, String)> = match tick.schedule {
        Schedule::Purge => vec![(
            Job::of(None, JobPayload::Purge, now),
            format!("{name}:{}", tick.tick),
        )],
        Schedule::Reconcile => state
            .store
            .reconcilable_organizations()
            .await?
            .into_iter()
            .map(|org| {
                (
                    Job::new(org, JobPayload::Reconcile, now),
                    format!("{name}:{}:{org}", tick.tick),
                )
            })
            .collect(),
    };
    let mut written = Vec::new();
    for (job, key) in &jobs {
        if state.store.insert_scheduled_job(job, key).await? {
            written.push(Undelivered {
                id: job.id,
                run_after: job.run_after,
            });
        }
    }
    tracing::info!(
        schedule = name,
        tick = %tick.tick,
        jobs = written.len(),
        repeated = jobs.len() - written.len(),
        "schedule ticked"
    );
    // What is not handed over now (the queue refused), the sweeper hands over.
    dispatch::hand_over(state, &written).await;
    Ok(written.iter().map(|j| j.id).collect())
}

/// How often `opbx-local` ticks each schedule (`OPBX_PURGE_INTERVAL_SECONDS`,
/// `OPBX_RECONCILE_INTERVAL_SECONDS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalSchedule {
    pub purge_every: Duration,
    pub reconcile_every: Duration,
}

impl LocalSchedule {
    pub const DEFAULT: Self = Self {
        purge_every: Duration::from_secs(3600),
        reconcile_every: Duration::from_secs(4 * 3600),
    };
}

/// `opbx-local`'s timer: ticks each schedule at start and then once per interval (a restart
/// within a period repeats that period's tick, which adds nothing). Runs until the process ends.
pub async fn run_local(state: AppState, schedule: LocalSchedule) {
    let purge = tokio::spawn(every(state.clone(), Schedule::Purge, schedule.purge_every));
    every(state, Schedule::Reconcile, schedule.reconcile_every).await;
    purge.abort();
}

async fn every(state: AppState, schedule: Schedule, interval: Duration) {
    let mut timer = tokio::time::interval(interval);
    timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        timer.tick().await;
        let tick = Tick::of_period(schedule, now_ms(), interval);
        if let Err(e) = run_tick(&state, &tick).await {
            tracing::warn!(error = %e, schedule = schedule.as_str(), "schedule tick failed; the next one tries again");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tick_is_named_by_its_period() {
        let hour = Duration::from_secs(3600);
        let at = 1_764_914_400_000; // 2025-12-05T06:00:00Z
        let a = Tick::of_period(Schedule::Purge, at + 1, hour);
        let b = Tick::of_period(Schedule::Purge, at + 3_599_999, hour);
        assert_eq!(a, b);
        assert_eq!(a.tick, "2025-12-05T06:00:00Z");
        assert_ne!(a, Tick::of_period(Schedule::Purge, at + 3_600_000, hour));
    }

    #[test]
    fn only_a_tick_message_parses_as_one() {
        let tick = Tick::parse(r#"{"schedule":"reconcile","tick":"2026-12-05T06:00:00Z"}"#);
        assert_eq!(
            tick,
            Some(Tick {
                schedule: Schedule::Reconcile,
                tick: "2026-12-05T06:00:00Z".into()
            })
        );
        for body in [
            "0193a5d0-0000-7000-8000-000000000000",
            r#"{"schedule":"unknown","tick":"x"}"#,
            r#"{"schedule":"purge","tick":""}"#,
            r#"{"schedule":"purge","tick":"a b"}"#,
            &format!(r#"{{"schedule":"purge","tick":"{}"}}"#, "9".repeat(41)),
        ] {
            assert_eq!(Tick::parse(body), None, "{body}");
        }
    }
}
