-- Call history at a million calls, part two (issue 14.5; plans in tests/bench/history.rs's output).
-- A number is searched by its end (the digits people remember and type, whatever prefix the
-- number carries): each number is kept reversed, so that its end is an index range instead of a
-- read of every call. One index in newest-first order holds every column that lists filter on and
-- statistics group and count (it replaces 0040's (organization_id, started_at, id)): a page
-- visits only the rows it shows, and statistics read a period without visiting any.
ALTER TABLE call_logs
    ADD COLUMN from_reversed VARCHAR(64) AS (REVERSE(from_number)) VIRTUAL,
    ADD COLUMN to_reversed VARCHAR(64) AS (REVERSE(to_number)) VIRTUAL;
CREATE INDEX ix_call_logs_org_from_reversed ON call_logs (organization_id, from_reversed, started_at);
CREATE INDEX ix_call_logs_org_to_reversed ON call_logs (organization_id, to_reversed, started_at);
CREATE INDEX ix_call_logs_org_history ON call_logs (organization_id, started_at, id, direction, status, extension_id, from_number, to_number, duration_seconds, answered_at, ended_at, billsec);
DROP INDEX ix_call_logs_org_started_id ON call_logs;
-- Calls placed from an extension's number: with the direction in the key, the extension filter's
-- second half is counted from this index alone.
DROP INDEX ix_call_logs_org_from ON call_logs;
CREATE INDEX ix_call_logs_org_from ON call_logs (organization_id, from_number, direction, started_at, id);
-- The calls offered to each extension with their status: the busiest extensions are counted from
-- this index alone.
DROP INDEX ix_call_logs_org_extension ON call_logs;
CREATE INDEX ix_call_logs_org_extension ON call_logs (organization_id, extension_id, started_at, id, status);
