-- Call history at a million calls, part two (issue 14.5; plans in tests/bench/history.rs's output).
-- A number is searched by its end (the digits people remember and type, whatever prefix the
-- number carries): each number is kept reversed, so that its end is an index range instead of a
-- read of every call. Statistics read the organization's calls of a period from one index that
-- holds every column they group and count, without visiting the rows.
ALTER TABLE call_logs
    ADD COLUMN from_reversed VARCHAR(64) AS (REVERSE(from_number)) VIRTUAL,
    ADD COLUMN to_reversed VARCHAR(64) AS (REVERSE(to_number)) VIRTUAL;
CREATE INDEX ix_call_logs_org_from_reversed ON call_logs (organization_id, from_reversed, started_at);
CREATE INDEX ix_call_logs_org_to_reversed ON call_logs (organization_id, to_reversed, started_at);
CREATE INDEX ix_call_logs_org_stats ON call_logs (organization_id, started_at, direction, status, extension_id, from_number, to_number, duration_seconds, answered_at, ended_at, billsec);
