//! Scheduled jobs (issue 13, item 5) against the fake Cloudonix: a schedule's tick becomes jobs
//! once however often it is delivered — on the in-process queue and as Amazon SQS messages (the
//! emulator), as EventBridge Scheduler sends them — the jobs run like any other (the reconcile
//! shows its report in the API, the purge removes what expired), and `opbx-local`'s timer ticks.
//! Each test has a database of its own: a tick visits every organization.

use std::sync::Arc;
use std::time::{Duration, Instant};

use opbx::adapters::aws_json::{AwsJsonClient, Service};
use opbx::adapters::sqs::SqsJobQueue;
use opbx::crypto::sha256_hex;
use opbx::domain::accounts::{AccountLink, LinkPurpose};
use opbx::domain::ids::{AccountLinkId, OrgId};
use opbx::domain::now_ms;
use opbx::jobs::schedule::{LocalSchedule, Schedule, Tick, run_local, run_tick};
use opbx::jobs::worker::{run_batch, run_job};
use opbx::ports::account_links::AccountLinkRepo;
use opbx::ports::jobs::{Job, JobKind, JobPayload, JobState, JobStore};
use opbx::ports::store::StoreError;
use opbx_tests::{Backend, unique};
use serde_json::{Value, json};
use sqlx::Row;

use crate::jobs::World;

fn tick(schedule: Schedule, at: &str) -> Tick {
    Tick {
        schedule,
        tick: at.into(),
    }
}

/// An invitation that expired a minute ago: the purge's to remove.
async fn expired_invitation(w: &World) -> String {
    let now = now_ms();
    let link = AccountLink {
        id: AccountLinkId::new(),
        organization_id: w.t.org.id,
        purpose: LinkPurpose::Invitation,
        email: format!("{}@example.com", unique()),
        role: None,
        invited_by: None,
        token_hash: sha256_hex(&unique()),
        created_at: now - 86_400_000,
        expires_at: now - 60_000,
        used_at: None,
    };
    w.api
        .state
        .store
        .create_account_link(&link, &[])
        .await
        .unwrap();
    link.token_hash
}

async fn link_exists(w: &World, hash: &str) -> bool {
    w.api
        .state
        .store
        .find_account_link_by_hash(hash)
        .await
        .is_ok()
}

/// The purge jobs, as (state, result): the platform's, which no organization's API shows.
async fn purge_jobs(w: &World) -> Vec<(String, Option<Value>)> {
    sqlx::query("SELECT state, progress FROM jobs WHERE kind = 'purge' ORDER BY created_at")
        .fetch_all(w.api.state.store.pool())
        .await
        .unwrap()
        .iter()
        .map(|row| {
            let progress: Option<String> = row.try_get("progress").unwrap();
            (
                row.try_get("state").unwrap(),
                progress.map(|p| serde_json::from_str(&p).unwrap()),
            )
        })
        .collect()
}

/// Extension 450's subscriber, created by its sync and then deleted in the cockpit: drift for
/// the reconcile to repair.
async fn drifted(w: &World) {
    let created = w
        .call(
            "POST",
            "/api/v1/extensions",
            Some(json!({"number": "450", "name": "Desk"})),
        )
        .await;
    let id = created.ok()["id"].as_str().unwrap().to_owned();
    w.run().await;
    let linked = w.extension(&id).await["cloudonix_subscriber_id"].clone();
    w.fake
        .remove_subscriber(&w.domain, linked.as_str().unwrap().parse().unwrap());
    assert!(w.subscribers().is_empty());
}

/// One reconcile job per organization connected to Cloudonix, once per tick, repairing drift
/// and reporting it in the organization's API; none for an organization without Cloudonix.
async fn a_reconcile_tick_starts_one_job_per_connected_organization(b: Backend) {
    let w = World::new(b.alone().await, |_| {}).await;
    drifted(&w).await;
    let unconnected = w.api.tenant().await;
    let state = &w.api.state;

    let first = tick(Schedule::Reconcile, "2026-12-05T06:00:00Z");
    let jobs = run_tick(state, &first).await.unwrap();
    assert_eq!(jobs.len(), 1);
    assert!(
        run_tick(state, &first).await.unwrap().is_empty(),
        "a tick delivered again adds nothing"
    );
    w.run().await;
    let job = w
        .call("GET", &format!("/api/v1/jobs/{}", jobs[0]), None)
        .await
        .ok()
        .clone();
    assert_eq!(
        (&job["kind"], &job["state"]),
        (&json!("reconcile"), &json!("done")),
        "{job}"
    );
    assert_eq!(job["reconcile"]["repaired"], json!(["450"]), "{job}");
    assert_eq!(w.subscribers().len(), 1);
    assert!(matches!(
        state
            .store
            .latest_job(unconnected.org.id, JobKind::Reconcile)
            .await,
        Err(StoreError::NotFound)
    ));

    let next = tick(Schedule::Reconcile, "2026-12-05T10:00:00Z");
    assert_eq!(run_tick(state, &next).await.unwrap().len(), 1);
}

/// The purge tick: one job however often delivered; it removes what expired and reports it.
async fn a_purge_tick_runs_the_purge_once(b: Backend) {
    let w = World::new(b.alone().await, |_| {}).await;
    let expired = expired_invitation(&w).await;
    let state = &w.api.state;
    let purge = tick(Schedule::Purge, "2026-12-05T06:00:00Z");
    assert_eq!(run_tick(state, &purge).await.unwrap().len(), 1);
    assert!(run_tick(state, &purge).await.unwrap().is_empty());
    w.run().await;
    assert!(!link_exists(&w, &expired).await);
    let jobs = purge_jobs(&w).await;
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    assert_eq!(jobs[0].0, "done");
    let report = jobs[0]
        .1
        .clone()
        .expect("the purge reports what it removed");
    assert_eq!(report["account_links"], 1, "{report}");
    assert_eq!(report["organizations"], json!([]));
}

fn raw_sqs() -> AwsJsonClient {
    let service = Service {
        name: "sqs",
        content_type: "application/x-amz-json-1.0",
        target_prefix: "AmazonSQS",
    };
    let endpoint = std::env::var("AWS_ENDPOINT_URL_SQS").ok();
    AwsJsonClient::from_env(service, endpoint, Duration::from_secs(25)).unwrap()
}

/// Receives `want` raw messages as the Lambda event source mapping would hand them to
/// jobs-worker (message id, body), deleting them as it does after a successful batch.
async fn take_raw(sqs: &AwsJsonClient, url: &str, want: usize) -> Vec<(String, String)> {
    let started = Instant::now();
    let mut got = Vec::new();
    while got.len() < want && started.elapsed() < Duration::from_secs(10) {
        let answer = sqs
            .call(
                "ReceiveMessage",
                &json!({"QueueUrl": url, "MaxNumberOfMessages": 10, "WaitTimeSeconds": 1, "VisibilityTimeout": 60}),
            )
            .await
            .unwrap();
        for m in answer["Messages"].as_array().cloned().unwrap_or_default() {
            sqs.call(
                "DeleteMessage",
                &json!({"QueueUrl": url, "ReceiptHandle": m["ReceiptHandle"]}),
            )
            .await
            .unwrap();
            got.push((
                m["MessageId"].as_str().unwrap().to_owned(),
                m["Body"].as_str().unwrap().to_owned(),
            ));
        }
    }
    got
}

/// EventBridge Scheduler's messages on the SQS jobs queue (the emulator): the ticks become jobs
/// on the same queue, a repeated tick adds none, the jobs run; a message that is neither a job
/// nor a tick is reported failed, for SQS to redeliver and dead-letter.
async fn schedule_messages_on_amazon_sqs_become_jobs(b: Backend) {
    assert!(
        std::env::var("AWS_ENDPOINT_URL_SQS").is_ok(),
        "AWS_ENDPOINT_URL_SQS is not set: run `eval \"$(bash scripts/moto.sh)\"` (scripts/test.sh does it)"
    );
    let url = SqsJobQueue::connect("unused")
        .unwrap()
        .create_queue(&format!("opbx-schedule-{}", &unique()[24..]))
        .await
        .unwrap();
    let queue = Arc::new(SqsJobQueue::connect(&url).unwrap());
    let w = World::new(b.alone().await, |s| s.jobs = queue).await;
    drifted(&w).await;
    let expired = expired_invitation(&w).await;
    let state = &w.api.state;

    let sqs = raw_sqs();
    let bodies = [
        json!({"schedule": "purge", "tick": "2026-12-05T06:00:00Z"}),
        json!({"schedule": "purge", "tick": "2026-12-05T06:00:00Z"}),
        json!({"schedule": "reconcile", "tick": "2026-12-05T06:00:00Z"}),
    ];
    for body in &bodies {
        let message = json!({"QueueUrl": url, "MessageBody": body.to_string()});
        sqs.call("SendMessage", &message).await.unwrap();
    }
    let ticks = take_raw(&sqs, &url, bodies.len()).await;
    assert_eq!(ticks.len(), bodies.len());
    assert_eq!(run_batch(state, &ticks).await, Vec::<String>::new());

    // The ticks' jobs arrive on the same queue: the purge once, one reconcile (which may start
    // a domain sync, delivered with them).
    let started = Instant::now();
    let mut ran = Vec::new();
    while (ran.len() < 2 || !link_exists(&w, &expired).await)
        && started.elapsed() < Duration::from_secs(10)
    {
        for delivery in state
            .jobs
            .receive(10, Duration::from_secs(1), Duration::from_secs(60))
            .await
            .unwrap()
        {
            run_job(state, delivery.job).await.unwrap();
            state.jobs.ack(&delivery).await.unwrap();
            ran.push(delivery.job);
        }
    }
    let purges = purge_jobs(&w).await;
    assert_eq!(purges.len(), 1, "{purges:?}");
    assert_eq!(purges[0].0, "done");
    assert!(!link_exists(&w, &expired).await);
    let reconcile = state
        .store
        .latest_job(w.t.org.id, JobKind::Reconcile)
        .await
        .unwrap();
    assert!(ran.contains(&reconcile.id));
    assert_eq!(w.subscribers().len(), 1, "the reconcile repaired the drift");

    let garbage = [("m-1".to_owned(), "not a job".to_owned())];
    assert_eq!(run_batch(state, &garbage).await, ["m-1"]);
}

/// jobs-worker's partial batch answer, which drives SQS's redelivery and dead-letter queue: a
/// message is reported failed only when its outcome could not be recorded (here the database is
/// gone) or it is not a job or tick at all; a job that ran — or failed, which the database
/// records — is not.
async fn the_batch_answer_names_only_messages_to_redeliver(b: Backend) {
    let w = World::new(b, |_| {}).await;
    let state = &w.api.state;
    let job = Job::new(w.t.org.id, JobPayload::ExpireWebhookKey, now_ms());
    state.store.insert_job(&job, &[]).await.unwrap();
    let batch = [("m-1".to_owned(), job.id.to_string())];
    assert_eq!(run_batch(state, &batch).await, Vec::<String>::new());
    assert_eq!(
        state
            .store
            .find_job(w.t.org.id, job.id)
            .await
            .unwrap()
            .state,
        JobState::Done
    );

    let pending = Job::new(w.t.org.id, JobPayload::ExpireWebhookKey, now_ms());
    state.store.insert_job(&pending, &[]).await.unwrap();
    state.store.close().await;
    let batch = [
        ("m-2".to_owned(), pending.id.to_string()),
        ("m-3".to_owned(), "not a job".to_owned()),
    ];
    assert_eq!(run_batch(state, &batch).await, ["m-2", "m-3"]);
}

/// `opbx-local`'s timer ticks the schedules at start and every interval, and the in-process
/// worker runs their jobs.
async fn the_local_timer_ticks_the_schedules(b: Backend) {
    let w = World::new(b.alone().await, |_| {}).await;
    let expired = expired_invitation(&w).await;
    let state = w.api.state.clone();
    let schedule = LocalSchedule {
        purge_every: Duration::from_millis(1000),
        reconcile_every: Duration::from_secs(3600),
    };
    let timer = tokio::spawn(run_local(state.clone(), schedule));
    let worker = tokio::spawn(opbx::jobs::worker::run_local(state.clone()));
    let started = Instant::now();
    while (link_exists(&w, &expired).await || purge_jobs(&w).await.len() < 2)
        && started.elapsed() < Duration::from_secs(15)
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    timer.abort();
    worker.abort();
    assert!(!link_exists(&w, &expired).await, "the purge ran");
    assert!(purge_jobs(&w).await.len() >= 2, "a tick per period");
    let org: OrgId = w.t.org.id;
    assert!(
        state
            .store
            .latest_job(org, JobKind::Reconcile)
            .await
            .is_ok(),
        "the reconcile ticked at start"
    );
}

opbx_tests::on_both_backends!(
    a_reconcile_tick_starts_one_job_per_connected_organization,
    a_purge_tick_runs_the_purge_once,
    schedule_messages_on_amazon_sqs_become_jobs,
    the_local_timer_ticks_the_schedules,
    the_batch_answer_names_only_messages_to_redeliver,
);
