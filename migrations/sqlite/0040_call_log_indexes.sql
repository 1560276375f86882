-- Call history at a million calls (issue 14; plans in tests/bench/history.rs's output).
-- Newest first with the id as tie-breaker, read straight from the index (SQLite needs the id in
-- the key; InnoDB appends it anyway), and one index per equality filter so that counting a
-- filtered list reads only the matching entries. Placed calls of an extension are found by their
-- caller number.
CREATE INDEX ix_call_logs_org_started_id ON call_logs (organization_id, started_at, id);
DROP INDEX ix_call_logs_org_started;
CREATE INDEX ix_call_logs_org_direction ON call_logs (organization_id, direction, started_at, id);
CREATE INDEX ix_call_logs_org_status ON call_logs (organization_id, status, started_at, id);
CREATE INDEX ix_call_logs_org_extension ON call_logs (organization_id, extension_id, started_at, id);
CREATE INDEX ix_call_logs_org_from ON call_logs (organization_id, from_number, started_at, id);
