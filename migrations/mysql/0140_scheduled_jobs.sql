-- Scheduled jobs (issue 13, item 5). The schedule (EventBridge Scheduler in AWS, a timer in
-- opbx-local) ticks; each tick writes its jobs with a schedule_key naming the schedule, the tick
-- and, for per-organization work, the organization: a second delivery of the same tick finds the
-- key taken and adds nothing. Platform-wide jobs (the retention purge) belong to no organization,
-- so organization_id may be NULL; the jobs API, scoped by organization, never shows them.
-- ix_jobs_state_updated: the purge of finished jobs reads only the old ones.
ALTER TABLE jobs MODIFY organization_id VARCHAR(36) NULL;
ALTER TABLE jobs ADD COLUMN schedule_key VARCHAR(128) NULL;
CREATE UNIQUE INDEX uq_jobs_schedule_key ON jobs (schedule_key);
CREATE INDEX ix_jobs_state_updated ON jobs (state, updated_at);
