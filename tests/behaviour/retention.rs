//! The scheduled jobs' store behaviour: a schedule's key is written once, a platform job has no
//! organization, and the retention purge removes exactly what expired, one organization at a
//! time.

use opbx::crypto::sha256_hex;
use opbx::domain::accounts::{AccountLink, LinkPurpose};
use opbx::domain::call_trace::{RETENTION_MS, TraceEntry, TraceWebhook};
use opbx::domain::destination::{Destination, PathStep};
use opbx::domain::ids::{AccountLinkId, CallLogId, OrgId, ScheduleId};
use opbx::domain::model::{CallDirection, CallLog, CallStatus, Role};
use opbx::domain::now_ms;
use opbx::jobs::purge::{Removed, Retention, purge_due, purge_organization};
use opbx::ports::account_links::AccountLinkRepo;
use opbx::ports::call_logs::CallLogRepo;
use opbx::ports::jobs::{Job, JobOutcome, JobPayload, JobState, JobStore};
use opbx::ports::platform::PlatformRepo;
use opbx::ports::retention::RetentionRepo;
use opbx::ports::store::StoreError;
use opbx_tests::{Backend, new_org, unique};
use std::time::Duration;

use crate::extensions::add_extension;

const DAY: i64 = 86_400_000;
const RETENTION: Retention = Retention {
    organizations: Duration::from_secs(30 * 86_400),
    jobs: Duration::from_secs(30 * 86_400),
};

async fn scheduled_jobs_are_written_once_per_key(b: Backend) {
    let org = new_org(&b.store).await;
    let key = format!("reconcile:{}:{}", unique(), org.id);
    let first = Job::new(org.id, JobPayload::Reconcile, now_ms());
    let again = Job::new(org.id, JobPayload::Reconcile, now_ms());
    assert!(b.store.insert_scheduled_job(&first, &key).await.unwrap());
    assert!(!b.store.insert_scheduled_job(&again, &key).await.unwrap());
    assert!(matches!(
        b.store.find_job(org.id, again.id).await,
        Err(StoreError::NotFound)
    ));
    // The platform's job: no organization, and no organization's API finds it.
    let purge = Job::of(None, JobPayload::Purge, now_ms());
    assert!(
        b.store
            .insert_scheduled_job(&purge, &format!("purge:{}", unique()))
            .await
            .unwrap()
    );
    let claimed = b
        .store
        .claim_job(purge.id, Duration::from_secs(60), now_ms())
        .await
        .unwrap()
        .expect("due");
    assert_eq!(
        (claimed.organization_id, claimed.payload),
        (None, JobPayload::Purge)
    );
    assert!(matches!(
        b.store.find_job(org.id, purge.id).await,
        Err(StoreError::NotFound)
    ));
}

fn call(org: OrgId, started_at: i64) -> CallLog {
    CallLog {
        id: CallLogId::new(),
        organization_id: org,
        call_sid: format!("CA{}", unique()),
        session_token: None,
        direction: CallDirection::Inbound,
        from_number: "+12125550100".into(),
        to_number: "+442079460000".into(),
        caller_name: None,
        phone_number_id: None,
        extension_id: None,
        status: CallStatus::Completed,
        path: vec![PathStep {
            reason: "open".into(),
            destination: Destination::BusinessHours {
                id: ScheduleId::new(),
            },
        }],
        disposition: None,
        started_at,
        answered_at: None,
        ended_at: None,
        duration_seconds: None,
        billsec: None,
        recording_url: None,
        updated_at: started_at,
    }
}

fn link(org: OrgId, purpose: LinkPurpose, expires_at: i64, used_at: Option<i64>) -> AccountLink {
    AccountLink {
        id: AccountLinkId::new(),
        organization_id: org,
        purpose,
        email: format!("{}@example.com", unique()),
        role: (purpose == LinkPurpose::Invitation).then_some(Role::PbxUser),
        invited_by: None,
        token_hash: sha256_hex(&unique()),
        created_at: expires_at - DAY,
        expires_at,
        used_at,
    }
}

/// One organization's rows, each either past its retention or not.
struct Rows {
    org: OrgId,
    old_call: CallLog,
    new_call: CallLog,
    expired: Vec<AccountLink>,
    kept: Vec<AccountLink>,
    old_jobs: Vec<Job>,
    kept_jobs: Vec<Job>,
}

async fn job_in_state(b: &Backend, org: OrgId, state: JobState, at: i64) -> Job {
    let mut job = Job::new(org, JobPayload::Reconcile, at);
    job.state = state;
    job.updated_at = at;
    b.store.insert_job(&job, &[]).await.unwrap();
    job
}

async fn rows(b: &Backend, now: i64) -> Rows {
    let org = new_org(&b.store).await.id;
    let line = TraceEntry::new(
        now,
        TraceWebhook::Voice,
        1_000,
        [("CallSid".to_owned(), "CA".to_owned())],
        200,
        "<Response/>".to_owned(),
    )
    .line();
    let old_call = call(org, now - RETENTION_MS - DAY);
    let new_call = call(org, now - DAY);
    for log in [&old_call, &new_call] {
        b.store.insert_call_log(log, Some(&line)).await.unwrap();
    }
    let expired = vec![
        link(org, LinkPurpose::Invitation, now - 1, None),
        link(org, LinkPurpose::PasswordReset, now - 1, None),
        link(org, LinkPurpose::PasswordReset, now + DAY, Some(now - 1)),
    ];
    let kept = vec![
        link(org, LinkPurpose::Invitation, now + DAY, None),
        link(org, LinkPurpose::Invitation, now + DAY, Some(now - 1)),
        link(org, LinkPurpose::PasswordReset, now + DAY, None),
    ];
    for l in expired.iter().chain(&kept) {
        b.store.create_account_link(l, &[]).await.unwrap();
    }
    let old = now - 31 * DAY;
    let old_jobs = vec![
        job_in_state(b, org, JobState::Done, old).await,
        job_in_state(b, org, JobState::Failed, old).await,
    ];
    let mut kept_jobs = vec![
        job_in_state(b, org, JobState::Done, now - DAY).await,
        job_in_state(b, org, JobState::Pending, old).await,
    ];
    // An extension's newest sync job stays, failed and old: it carries the retry action.
    let ext = add_extension(&b.store, org, "201").await;
    let sync = b
        .store
        .extension_sync(org, &[ext.id])
        .await
        .unwrap()
        .remove(0)
        .1
        .job_id
        .expect("a sync job");
    let failed = JobOutcome::Failed {
        error: "Cloudonix said no".into(),
    };
    b.store.finish_job(sync, &failed, old).await.unwrap();
    kept_jobs.push(b.store.find_job(org, sync).await.unwrap());
    Rows {
        org,
        old_call,
        new_call,
        expired,
        kept,
        old_jobs,
        kept_jobs,
    }
}

impl Rows {
    /// Checks which rows remain: the unexpired ones always, the expired ones until purged.
    async fn check(&self, b: &Backend, purged: bool) {
        for (log, kept) in [(&self.old_call, !purged), (&self.new_call, true)] {
            let trace = b.store.find_call_trace(self.org, log.id, log.started_at);
            assert_eq!(!trace.await.unwrap().entries.is_empty(), kept);
        }
        for l in &self.expired {
            let found = b.store.find_account_link_by_hash(&l.token_hash).await;
            assert_eq!(found.is_err(), purged, "{l:?}");
        }
        for l in &self.kept {
            b.store
                .find_account_link_by_hash(&l.token_hash)
                .await
                .unwrap();
        }
        for j in &self.old_jobs {
            assert_eq!(b.store.find_job(self.org, j.id).await.is_err(), purged);
        }
        for j in &self.kept_jobs {
            b.store.find_job(self.org, j.id).await.unwrap();
        }
    }
}

/// Expired and unexpired rows in two organizations: a purge of one removes its expired rows
/// only, and reports them; a second purge finds nothing.
async fn the_purge_removes_only_what_expired(b: Backend) {
    let now = now_ms();
    let (ours, theirs) = (rows(&b, now).await, rows(&b, now).await);
    let removed = purge_organization(&b.store, ours.org, RETENTION, now)
        .await
        .unwrap();
    let expected = Removed {
        call_traces: 1,
        account_links: 3,
        jobs: 2,
    };
    assert_eq!(removed, expected);
    ours.check(&b, true).await;
    theirs.check(&b, false).await;
    let again = purge_organization(&b.store, ours.org, RETENTION, now)
        .await
        .unwrap();
    assert_eq!(again, Removed::default());
    assert_eq!(
        purge_organization(&b.store, theirs.org, RETENTION, now)
            .await
            .unwrap(),
        expected
    );
    theirs.check(&b, true).await;
}

/// The whole purge, on a database of its own: organizations deleted past their retention go,
/// with everything they held; a recently deleted one, the platform's recent jobs and every
/// live organization's unexpired rows stay.
async fn the_whole_purge_reports_what_it_removed(b: Backend) {
    let b = b.alone().await;
    let now = now_ms();
    let (live, doomed, recent) = (
        rows(&b, now).await,
        new_org(&b.store).await,
        new_org(&b.store).await,
    );
    for (org, deleted_at) in [(&doomed, now - 31 * DAY), (&recent, now - DAY)] {
        sqlx::query("UPDATE organizations SET status = 'deleted', deleted_at = ? WHERE id = ?")
            .bind(deleted_at)
            .bind(org.id.to_string())
            .execute(b.store.pool())
            .await
            .unwrap();
    }
    let platform_old = Job::of(None, JobPayload::Purge, now - 31 * DAY);
    let platform_new = Job::of(None, JobPayload::Purge, now - DAY);
    for (job, key) in [(&platform_old, "old"), (&platform_new, "new")] {
        let mut done = job.clone();
        done.state = JobState::Done;
        b.store.insert_scheduled_job(&done, key).await.unwrap();
    }

    let report = purge_due(&b.store, RETENTION, now).await.unwrap();
    assert_eq!(report.organizations, [doomed.id]);
    assert_eq!(
        report.removed,
        Removed {
            call_traces: 1,
            account_links: 3,
            jobs: 3,
        }
    );
    live.check(&b, true).await;
    let ids = b.store.organization_ids().await.unwrap();
    assert!(!ids.contains(&doomed.id) && ids.contains(&recent.id));
    let audit = b
        .store
        .list_platform_audit(opbx::ports::store::PageRequest::new(1, 10))
        .await
        .unwrap();
    assert!(
        audit
            .items
            .iter()
            .any(|e| e.action == "purge_organization" && e.organization_id == Some(doomed.id))
    );
    let again = purge_due(&b.store, RETENTION, now).await.unwrap();
    assert_eq!(again, Default::default());
}

opbx_tests::on_both_backends!(
    scheduled_jobs_are_written_once_per_key,
    the_purge_removes_only_what_expired,
    the_whole_purge_reports_what_it_removed,
);
