-- The per-call trace (issue 11): every webhook request OpBX received for a call and what it
-- answered, one JSON line per request, kept on the call's row so that a new call still costs one
-- INSERT. `trace_bytes` is what the lines take (the cap is checked against it, in both dialects
-- alike); `trace_dropped` counts requests refused by the cap; `trace_until` is when the trace
-- expires (NULL: none kept), indexed so pruning reads only the expired rows.
ALTER TABLE call_logs ADD COLUMN trace TEXT NULL;
ALTER TABLE call_logs ADD COLUMN trace_bytes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE call_logs ADD COLUMN trace_dropped INTEGER NOT NULL DEFAULT 0;
ALTER TABLE call_logs ADD COLUMN trace_until BIGINT NULL;
CREATE INDEX ix_call_logs_org_trace_until ON call_logs (organization_id, trace_until);
