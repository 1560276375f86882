-- Scheduled jobs (issue 13, item 5); see the MySQL migration of the same number. SQLite cannot
-- drop a NOT NULL constraint in place, so the table is rebuilt (nothing references it).
CREATE TABLE jobs_rebuilt (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    organization_id VARCHAR(36) NULL,
    kind VARCHAR(32) NOT NULL,
    subject VARCHAR(64) NULL,
    payload TEXT NOT NULL,
    state VARCHAR(16) NOT NULL,
    attempts INTEGER NOT NULL,
    run_after BIGINT NOT NULL,
    lease_until BIGINT NULL,
    dispatched_at BIGINT NULL,
    last_error TEXT NULL,
    progress TEXT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    schedule_key VARCHAR(128) NULL,
    CONSTRAINT fk_jobs_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);
INSERT INTO jobs_rebuilt (id, organization_id, kind, subject, payload, state, attempts, run_after,
    lease_until, dispatched_at, last_error, progress, created_at, updated_at)
SELECT id, organization_id, kind, subject, payload, state, attempts, run_after,
    lease_until, dispatched_at, last_error, progress, created_at, updated_at FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_rebuilt RENAME TO jobs;
CREATE INDEX ix_jobs_state_run_after ON jobs (state, run_after);
CREATE INDEX ix_jobs_org_kind_created ON jobs (organization_id, kind, created_at);
CREATE UNIQUE INDEX uq_jobs_schedule_key ON jobs (schedule_key);
CREATE INDEX ix_jobs_state_updated ON jobs (state, updated_at);
