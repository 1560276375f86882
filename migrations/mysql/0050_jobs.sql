-- Background jobs (issue 13).
-- jobs: the transactional outbox and every job's state. A job row is written in the same
--   transaction as the change that needs it, then handed to the queue (SQS, or the in-process
--   one); dispatched_at records the hand-over, so a sweeper re-sends what was never handed over or
--   was lost. state: pending | running | done | failed (after the last try, with last_error).
--   lease_until: a running job whose worker died is claimed again after it. progress: JSON the
--   job reports as it goes (provisioning's steps).
-- extensions.cloudonix_sync_*: whether Cloudonix's subscriber matches the extension
--   (pending | synced | failed | not_configured), why not, and the newest sync job; only that job
--   may mark it synced.
-- cloudonix_settings staged/previous webhook keys: provisioning stages the new bearer (accepted at
--   once) before pushing it to Cloudonix, then promotes it; the replaced one stays accepted until
--   previous_webhook_key_expires_at (a grace period), so no call is refused meanwhile.
CREATE TABLE jobs (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    organization_id VARCHAR(36) NOT NULL,
    kind VARCHAR(32) NOT NULL,
    subject VARCHAR(64) NULL,
    payload TEXT NOT NULL,
    state VARCHAR(16) NOT NULL,
    attempts INT NOT NULL,
    run_after BIGINT NOT NULL,
    lease_until BIGINT NULL,
    dispatched_at BIGINT NULL,
    last_error TEXT NULL,
    progress MEDIUMTEXT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT fk_jobs_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX ix_jobs_state_run_after ON jobs (state, run_after);
CREATE INDEX ix_jobs_org_kind_created ON jobs (organization_id, kind, created_at);
ALTER TABLE extensions ADD COLUMN cloudonix_sync_state VARCHAR(16) NOT NULL DEFAULT 'pending';
ALTER TABLE extensions ADD COLUMN cloudonix_sync_error TEXT NULL;
ALTER TABLE extensions ADD COLUMN cloudonix_sync_job VARCHAR(36) NULL;
ALTER TABLE cloudonix_settings ADD COLUMN staged_webhook_key_hash VARCHAR(64) NULL;
ALTER TABLE cloudonix_settings ADD COLUMN staged_webhook_key_enc TEXT NULL;
ALTER TABLE cloudonix_settings ADD COLUMN previous_webhook_key_hash VARCHAR(64) NULL;
ALTER TABLE cloudonix_settings ADD COLUMN previous_webhook_key_expires_at BIGINT NULL;
CREATE UNIQUE INDEX uq_cloudonix_staged_key ON cloudonix_settings (staged_webhook_key_hash);
CREATE UNIQUE INDEX uq_cloudonix_previous_key ON cloudonix_settings (previous_webhook_key_hash);
