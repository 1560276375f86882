-- Call history at a million calls, part two (issue 14.5; plans in tests/bench/history.rs's output).
-- A number is searched by its end (the digits people remember and type, whatever prefix the
-- number carries): each number is kept reversed, so that its end is an index range instead of a
-- read of every call. One index in newest-first order holds every column that lists filter on and
-- statistics group and count (it replaces 0040's (organization_id, started_at, id)): a page
-- visits only the rows it shows, and statistics read a period without visiting any.
-- SQLite has no REVERSE: the 64 characters a number may have are concatenated last to first
-- (beyond a number's start, substr gives ''). NOCASE lets LIKE 'x%' use the index, as MariaDB's
-- case-insensitive collation does.
ALTER TABLE call_logs ADD COLUMN from_reversed VARCHAR(64) COLLATE NOCASE GENERATED ALWAYS AS (
    substr(from_number, -1, 1) || substr(from_number, -2, 1) || substr(from_number, -3, 1) || substr(from_number, -4, 1)
    || substr(from_number, -5, 1) || substr(from_number, -6, 1) || substr(from_number, -7, 1) || substr(from_number, -8, 1)
    || substr(from_number, -9, 1) || substr(from_number, -10, 1) || substr(from_number, -11, 1) || substr(from_number, -12, 1)
    || substr(from_number, -13, 1) || substr(from_number, -14, 1) || substr(from_number, -15, 1) || substr(from_number, -16, 1)
    || substr(from_number, -17, 1) || substr(from_number, -18, 1) || substr(from_number, -19, 1) || substr(from_number, -20, 1)
    || substr(from_number, -21, 1) || substr(from_number, -22, 1) || substr(from_number, -23, 1) || substr(from_number, -24, 1)
    || substr(from_number, -25, 1) || substr(from_number, -26, 1) || substr(from_number, -27, 1) || substr(from_number, -28, 1)
    || substr(from_number, -29, 1) || substr(from_number, -30, 1) || substr(from_number, -31, 1) || substr(from_number, -32, 1)
    || substr(from_number, -33, 1) || substr(from_number, -34, 1) || substr(from_number, -35, 1) || substr(from_number, -36, 1)
    || substr(from_number, -37, 1) || substr(from_number, -38, 1) || substr(from_number, -39, 1) || substr(from_number, -40, 1)
    || substr(from_number, -41, 1) || substr(from_number, -42, 1) || substr(from_number, -43, 1) || substr(from_number, -44, 1)
    || substr(from_number, -45, 1) || substr(from_number, -46, 1) || substr(from_number, -47, 1) || substr(from_number, -48, 1)
    || substr(from_number, -49, 1) || substr(from_number, -50, 1) || substr(from_number, -51, 1) || substr(from_number, -52, 1)
    || substr(from_number, -53, 1) || substr(from_number, -54, 1) || substr(from_number, -55, 1) || substr(from_number, -56, 1)
    || substr(from_number, -57, 1) || substr(from_number, -58, 1) || substr(from_number, -59, 1) || substr(from_number, -60, 1)
    || substr(from_number, -61, 1) || substr(from_number, -62, 1) || substr(from_number, -63, 1) || substr(from_number, -64, 1)
) VIRTUAL;
ALTER TABLE call_logs ADD COLUMN to_reversed VARCHAR(64) COLLATE NOCASE GENERATED ALWAYS AS (
    substr(to_number, -1, 1) || substr(to_number, -2, 1) || substr(to_number, -3, 1) || substr(to_number, -4, 1)
    || substr(to_number, -5, 1) || substr(to_number, -6, 1) || substr(to_number, -7, 1) || substr(to_number, -8, 1)
    || substr(to_number, -9, 1) || substr(to_number, -10, 1) || substr(to_number, -11, 1) || substr(to_number, -12, 1)
    || substr(to_number, -13, 1) || substr(to_number, -14, 1) || substr(to_number, -15, 1) || substr(to_number, -16, 1)
    || substr(to_number, -17, 1) || substr(to_number, -18, 1) || substr(to_number, -19, 1) || substr(to_number, -20, 1)
    || substr(to_number, -21, 1) || substr(to_number, -22, 1) || substr(to_number, -23, 1) || substr(to_number, -24, 1)
    || substr(to_number, -25, 1) || substr(to_number, -26, 1) || substr(to_number, -27, 1) || substr(to_number, -28, 1)
    || substr(to_number, -29, 1) || substr(to_number, -30, 1) || substr(to_number, -31, 1) || substr(to_number, -32, 1)
    || substr(to_number, -33, 1) || substr(to_number, -34, 1) || substr(to_number, -35, 1) || substr(to_number, -36, 1)
    || substr(to_number, -37, 1) || substr(to_number, -38, 1) || substr(to_number, -39, 1) || substr(to_number, -40, 1)
    || substr(to_number, -41, 1) || substr(to_number, -42, 1) || substr(to_number, -43, 1) || substr(to_number, -44, 1)
    || substr(to_number, -45, 1) || substr(to_number, -46, 1) || substr(to_number, -47, 1) || substr(to_number, -48, 1)
    || substr(to_number, -49, 1) || substr(to_number, -50, 1) || substr(to_number, -51, 1) || substr(to_number, -52, 1)
    || substr(to_number, -53, 1) || substr(to_number, -54, 1) || substr(to_number, -55, 1) || substr(to_number, -56, 1)
    || substr(to_number, -57, 1) || substr(to_number, -58, 1) || substr(to_number, -59, 1) || substr(to_number, -60, 1)
    || substr(to_number, -61, 1) || substr(to_number, -62, 1) || substr(to_number, -63, 1) || substr(to_number, -64, 1)
) VIRTUAL;
CREATE INDEX ix_call_logs_org_from_reversed ON call_logs (organization_id, from_reversed, started_at);
CREATE INDEX ix_call_logs_org_to_reversed ON call_logs (organization_id, to_reversed, started_at);
CREATE INDEX ix_call_logs_org_history ON call_logs (organization_id, started_at, id, direction, status, extension_id, from_number, to_number, duration_seconds, answered_at, ended_at, billsec);
DROP INDEX ix_call_logs_org_started_id;
-- Calls placed from an extension's number: with the direction in the key, the extension filter's
-- second half is counted from this index alone.
DROP INDEX ix_call_logs_org_from;
CREATE INDEX ix_call_logs_org_from ON call_logs (organization_id, from_number, direction, started_at, id);
-- The calls offered to each extension with their status: the busiest extensions are counted from
-- this index alone.
DROP INDEX ix_call_logs_org_extension;
CREATE INDEX ix_call_logs_org_extension ON call_logs (organization_id, extension_id, started_at, id, status);
