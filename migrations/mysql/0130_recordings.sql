-- Uploaded audio (issue 15). The bytes live in media storage under
-- `<organization_id>/recordings/<id>`; the row keeps what was read from them. An IVR menu's
-- prompt may be a recording instead of spoken text or a URL.
CREATE TABLE recordings (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    organization_id VARCHAR(36) NOT NULL,
    name VARCHAR(255) NOT NULL,
    format VARCHAR(8) NOT NULL,
    size_bytes BIGINT NOT NULL,
    duration_ms BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT uq_recordings_org_name UNIQUE (organization_id, name),
    CONSTRAINT fk_recordings_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE ivr_menus ADD COLUMN prompt_recording_id VARCHAR(36) NULL;
CREATE INDEX ix_ivr_menus_org_prompt_recording ON ivr_menus (organization_id, prompt_recording_id);
