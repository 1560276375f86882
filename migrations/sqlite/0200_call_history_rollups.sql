-- A year of daily statistics at a million calls (issue 14.5): per-organization sums of whole,
-- settled UTC days, so that statistics over months read a few thousand small rows instead of
-- every call. Built on demand by the statistics read for days that ended at least two days ago
-- (shared/src/adapters/sql/call_history_rollups.rs); a write to a call of such a day deletes its
-- day's row here, and the next read builds that day again.
CREATE TABLE call_history_days (
    organization_id VARCHAR(36) NOT NULL,
    day BIGINT NOT NULL,
    -- The build that wrote this row; `done` once its sums are in, and only if no write to the
    -- day's calls deleted the row meanwhile.
    build VARCHAR(36) NOT NULL,
    done SMALLINT NOT NULL,
    PRIMARY KEY (organization_id, day),
    CONSTRAINT fk_call_history_days_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);

-- Per 15-minute UTC slot (every time zone's offset is a multiple of 15 minutes, so slots regroup
-- into local hours and days exactly): what call-logs/stats counts and sums per bucket.
CREATE TABLE call_history_slots (
    organization_id VARCHAR(36) NOT NULL,
    slot BIGINT NOT NULL,
    calls BIGINT NOT NULL,
    answered BIGINT NOT NULL,
    missed BIGINT NOT NULL,
    timed BIGINT NOT NULL,
    duration_seconds BIGINT NOT NULL,
    waited BIGINT NOT NULL,
    wait_ms BIGINT NOT NULL,
    talked BIGINT NOT NULL,
    talk_ms BIGINT NOT NULL,
    PRIMARY KEY (organization_id, slot),
    CONSTRAINT fk_call_history_slots_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);

-- Per UTC day: calls offered to each extension, and calls of each of the organization's numbers.
CREATE TABLE call_history_extensions (
    organization_id VARCHAR(36) NOT NULL,
    day BIGINT NOT NULL,
    extension_id VARCHAR(36) NOT NULL,
    calls BIGINT NOT NULL,
    answered BIGINT NOT NULL,
    PRIMARY KEY (organization_id, day, extension_id),
    CONSTRAINT fk_call_history_extensions_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);

CREATE TABLE call_history_numbers (
    organization_id VARCHAR(36) NOT NULL,
    day BIGINT NOT NULL,
    number VARCHAR(64) NOT NULL,
    calls BIGINT NOT NULL,
    PRIMARY KEY (organization_id, day, number),
    CONSTRAINT fk_call_history_numbers_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);
