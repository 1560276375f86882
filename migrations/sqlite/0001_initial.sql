-- OpBX schema (SQLite; case-insensitive names and emails match MySQL utf8mb4_unicode_ci). Portable through sqlx's Any driver: ids are VARCHAR(36) UUIDv7 text, booleans are
-- INTEGER 0/1, timestamps are BIGINT UTC epoch milliseconds, JSON is TEXT. A destination is always
-- the pair <prefix>_type / <prefix>_ref (ref = target id, or the E.164 number for external_number).

CREATE TABLE organizations (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    name VARCHAR(255) NOT NULL COLLATE NOCASE,
    slug VARCHAR(64) NOT NULL COLLATE NOCASE,
    timezone VARCHAR(64) NOT NULL,
    status VARCHAR(16) NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT uq_organizations_slug UNIQUE (slug)
);

CREATE TABLE users (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    organization_id VARCHAR(36) NOT NULL,
    email VARCHAR(255) NOT NULL COLLATE NOCASE,
    name VARCHAR(255) NOT NULL COLLATE NOCASE,
    password_hash VARCHAR(255) NOT NULL,
    role VARCHAR(16) NOT NULL,
    status VARCHAR(16) NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT uq_users_org_email UNIQUE (organization_id, email),
    CONSTRAINT fk_users_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);
CREATE INDEX ix_users_email ON users (email);

CREATE TABLE api_tokens (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    organization_id VARCHAR(36) NOT NULL,
    user_id VARCHAR(36) NOT NULL,
    token_hash VARCHAR(64) NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT NULL,
    CONSTRAINT uq_api_tokens_hash UNIQUE (token_hash),
    CONSTRAINT fk_api_tokens_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
    CONSTRAINT fk_api_tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_api_tokens_user ON api_tokens (user_id);

CREATE TABLE extensions (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    organization_id VARCHAR(36) NOT NULL,
    number VARCHAR(16) NOT NULL,
    display_name VARCHAR(255) NOT NULL,
    user_id VARCHAR(36) NULL,
    sip_password_enc TEXT NOT NULL,
    status VARCHAR(16) NOT NULL,
    do_not_disturb INTEGER NOT NULL,
    forward_type VARCHAR(32) NULL,
    forward_ref VARCHAR(64) NULL,
    no_answer_timeout INTEGER NOT NULL,
    no_answer_type VARCHAR(32) NULL,
    no_answer_ref VARCHAR(64) NULL,
    voicemail_enabled INTEGER NOT NULL,
    voicemail_greeting TEXT NULL,
    cloudonix_subscriber_id VARCHAR(64) NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT uq_extensions_org_number UNIQUE (organization_id, number),
    CONSTRAINT fk_extensions_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
    CONSTRAINT fk_extensions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL
);

CREATE TABLE phone_numbers (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    organization_id VARCHAR(36) NOT NULL,
    number VARCHAR(16) NOT NULL,
    label VARCHAR(255) NOT NULL,
    destination_type VARCHAR(32) NOT NULL,
    destination_ref VARCHAR(64) NULL,
    status VARCHAR(16) NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT uq_phone_numbers_org_number UNIQUE (organization_id, number),
    CONSTRAINT fk_phone_numbers_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);

CREATE TABLE ring_groups (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    organization_id VARCHAR(36) NOT NULL,
    name VARCHAR(255) NOT NULL COLLATE NOCASE,
    strategy VARCHAR(16) NOT NULL,
    member_timeout INTEGER NOT NULL,
    rounds INTEGER NOT NULL,
    skip_busy INTEGER NOT NULL,
    fallback_type VARCHAR(32) NOT NULL,
    fallback_ref VARCHAR(64) NULL,
    status VARCHAR(16) NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT uq_ring_groups_org_name UNIQUE (organization_id, name),
    CONSTRAINT fk_ring_groups_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);

CREATE TABLE ring_group_members (
    ring_group_id VARCHAR(36) NOT NULL,
    extension_id VARCHAR(36) NOT NULL,
    organization_id VARCHAR(36) NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (ring_group_id, extension_id),
    CONSTRAINT fk_rgm_group FOREIGN KEY (ring_group_id) REFERENCES ring_groups (id) ON DELETE CASCADE,
    CONSTRAINT fk_rgm_extension FOREIGN KEY (extension_id) REFERENCES extensions (id),
    CONSTRAINT fk_rgm_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);
CREATE INDEX ix_rgm_extension ON ring_group_members (extension_id);

CREATE TABLE business_hours_schedules (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    organization_id VARCHAR(36) NOT NULL,
    name VARCHAR(255) NOT NULL COLLATE NOCASE,
    timezone VARCHAR(64) NOT NULL,
    open_type VARCHAR(32) NOT NULL,
    open_ref VARCHAR(64) NULL,
    closed_type VARCHAR(32) NOT NULL,
    closed_ref VARCHAR(64) NULL,
    override_mode VARCHAR(16) NULL,
    override_until BIGINT NULL,
    status VARCHAR(16) NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT uq_bhs_org_name UNIQUE (organization_id, name),
    CONSTRAINT fk_bhs_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);

-- weekday 1 = Monday … 7 = Sunday; minutes since local midnight; end <= start crosses midnight.
CREATE TABLE business_hours_ranges (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    schedule_id VARCHAR(36) NOT NULL,
    organization_id VARCHAR(36) NOT NULL,
    weekday INTEGER NOT NULL,
    start_minute INTEGER NOT NULL,
    end_minute INTEGER NOT NULL,
    CONSTRAINT fk_bhr_schedule FOREIGN KEY (schedule_id) REFERENCES business_hours_schedules (id) ON DELETE CASCADE,
    CONSTRAINT fk_bhr_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);
CREATE INDEX ix_bhr_schedule ON business_hours_ranges (schedule_id);

-- Dates are local to the schedule's timezone, inclusive, as YYYY-MM-DD. mode: closed | open.
CREATE TABLE business_hours_exceptions (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    schedule_id VARCHAR(36) NOT NULL,
    organization_id VARCHAR(36) NOT NULL,
    name VARCHAR(255) NOT NULL COLLATE NOCASE,
    start_date VARCHAR(10) NOT NULL,
    end_date VARCHAR(10) NOT NULL,
    mode VARCHAR(16) NOT NULL,
    destination_type VARCHAR(32) NULL,
    destination_ref VARCHAR(64) NULL,
    CONSTRAINT fk_bhe_schedule FOREIGN KEY (schedule_id) REFERENCES business_hours_schedules (id) ON DELETE CASCADE,
    CONSTRAINT fk_bhe_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);
CREATE INDEX ix_bhe_schedule ON business_hours_exceptions (schedule_id);

CREATE TABLE ivr_menus (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    organization_id VARCHAR(36) NOT NULL,
    name VARCHAR(255) NOT NULL COLLATE NOCASE,
    prompt_text TEXT NULL,
    prompt_voice VARCHAR(64) NULL,
    prompt_audio_url VARCHAR(2048) NULL,
    digit_timeout INTEGER NOT NULL,
    max_invalid INTEGER NOT NULL,
    max_timeouts INTEGER NOT NULL,
    invalid_type VARCHAR(32) NOT NULL,
    invalid_ref VARCHAR(64) NULL,
    timeout_type VARCHAR(32) NOT NULL,
    timeout_ref VARCHAR(64) NULL,
    direct_dial INTEGER NOT NULL,
    status VARCHAR(16) NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT uq_ivr_menus_org_name UNIQUE (organization_id, name),
    CONSTRAINT fk_ivr_menus_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);

CREATE TABLE ivr_menu_options (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    menu_id VARCHAR(36) NOT NULL,
    organization_id VARCHAR(36) NOT NULL,
    digits VARCHAR(8) NOT NULL,
    label VARCHAR(255) NOT NULL,
    destination_type VARCHAR(32) NOT NULL,
    destination_ref VARCHAR(64) NULL,
    CONSTRAINT uq_ivr_options_menu_digits UNIQUE (menu_id, digits),
    CONSTRAINT fk_ivr_options_menu FOREIGN KEY (menu_id) REFERENCES ivr_menus (id) ON DELETE CASCADE,
    CONSTRAINT fk_ivr_options_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);

-- Extensions a caller may reach by dialling their number inside the menu (when direct_dial = 1).
-- No rows with direct_dial = 1 means every active extension.
CREATE TABLE ivr_direct_dial (
    menu_id VARCHAR(36) NOT NULL,
    extension_id VARCHAR(36) NOT NULL,
    organization_id VARCHAR(36) NOT NULL,
    PRIMARY KEY (menu_id, extension_id),
    CONSTRAINT fk_ivr_dd_menu FOREIGN KEY (menu_id) REFERENCES ivr_menus (id) ON DELETE CASCADE,
    CONSTRAINT fk_ivr_dd_extension FOREIGN KEY (extension_id) REFERENCES extensions (id),
    CONSTRAINT fk_ivr_dd_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);
CREATE INDEX ix_ivr_dd_extension ON ivr_direct_dial (extension_id);

CREATE TABLE conference_rooms (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    organization_id VARCHAR(36) NOT NULL,
    name VARCHAR(255) NOT NULL COLLATE NOCASE,
    number VARCHAR(16) NULL,
    pin_enc TEXT NULL,
    max_participants INTEGER NOT NULL,
    mute_on_entry INTEGER NOT NULL,
    announce_join_leave INTEGER NOT NULL,
    wait_for_moderator INTEGER NOT NULL,
    record INTEGER NOT NULL,
    status VARCHAR(16) NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT uq_conference_rooms_org_name UNIQUE (organization_id, name),
    CONSTRAINT uq_conference_rooms_org_number UNIQUE (organization_id, number),
    CONSTRAINT fk_conference_rooms_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);

-- match_kind: prefix | pattern (a dial pattern such as NXXNXXXXXX, X = any digit, N = 2-9, Z = 1-9).
CREATE TABLE outbound_routes (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    organization_id VARCHAR(36) NOT NULL,
    name VARCHAR(255) NOT NULL COLLATE NOCASE,
    priority INTEGER NOT NULL,
    match_kind VARCHAR(16) NOT NULL,
    match_value VARCHAR(64) NOT NULL,
    strip_digits INTEGER NOT NULL,
    prepend VARCHAR(32) NOT NULL,
    trunk VARCHAR(255) NOT NULL,
    caller_id VARCHAR(16) NULL,
    status VARCHAR(16) NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT uq_outbound_routes_org_name UNIQUE (organization_id, name),
    CONSTRAINT fk_outbound_routes_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);
CREATE INDEX ix_outbound_routes_org_priority ON outbound_routes (organization_id, priority);

-- One row per call; path is a JSON array of the destinations the call took.
CREATE TABLE call_logs (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    organization_id VARCHAR(36) NOT NULL,
    call_sid VARCHAR(128) NOT NULL,
    session_token VARCHAR(128) NULL,
    direction VARCHAR(16) NOT NULL,
    from_number VARCHAR(64) NOT NULL,
    to_number VARCHAR(64) NOT NULL,
    caller_name VARCHAR(255) NULL,
    phone_number_id VARCHAR(36) NULL,
    extension_id VARCHAR(36) NULL,
    status VARCHAR(16) NOT NULL,
    path TEXT NOT NULL,
    disposition VARCHAR(32) NULL,
    started_at BIGINT NOT NULL,
    answered_at BIGINT NULL,
    ended_at BIGINT NULL,
    duration_seconds INTEGER NULL,
    billsec INTEGER NULL,
    recording_url VARCHAR(2048) NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT uq_call_logs_org_call UNIQUE (organization_id, call_sid),
    CONSTRAINT fk_call_logs_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);
CREATE INDEX ix_call_logs_org_started ON call_logs (organization_id, started_at);
CREATE INDEX ix_call_logs_session ON call_logs (session_token);

CREATE TABLE cdrs (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    organization_id VARCHAR(36) NOT NULL,
    session_token VARCHAR(128) NOT NULL,
    call_sid VARCHAR(128) NULL,
    from_number VARCHAR(128) NOT NULL,
    to_number VARCHAR(128) NOT NULL,
    disposition VARCHAR(32) NOT NULL,
    duration_seconds INTEGER NOT NULL,
    billsec INTEGER NOT NULL,
    started_at BIGINT NULL,
    answered_at BIGINT NULL,
    ended_at BIGINT NULL,
    raw TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    CONSTRAINT uq_cdrs_org_session UNIQUE (organization_id, session_token),
    CONSTRAINT fk_cdrs_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);
CREATE INDEX ix_cdrs_org_received ON cdrs (organization_id, received_at);

CREATE TABLE voicemail_messages (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    organization_id VARCHAR(36) NOT NULL,
    extension_id VARCHAR(36) NOT NULL,
    call_sid VARCHAR(128) NOT NULL,
    from_number VARCHAR(64) NOT NULL,
    recording_url VARCHAR(2048) NOT NULL,
    duration_seconds INTEGER NOT NULL,
    heard INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT uq_voicemail_org_call_ext UNIQUE (organization_id, call_sid, extension_id),
    CONSTRAINT fk_voicemail_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE,
    CONSTRAINT fk_voicemail_extension FOREIGN KEY (extension_id) REFERENCES extensions (id) ON DELETE CASCADE
);
CREATE INDEX ix_voicemail_ext_created ON voicemail_messages (extension_id, created_at);

-- webhook_key_hash: SHA-256 of the bearer Cloudonix sends (domain authorization-api-key).
-- cdr_token_hash: SHA-256 of the token in the CDR endpoint path; cdr_token_enc lets settings show the URL.
CREATE TABLE cloudonix_settings (
    organization_id VARCHAR(36) NOT NULL PRIMARY KEY,
    domain VARCHAR(255) NULL,
    api_key_enc TEXT NULL,
    webhook_key_hash VARCHAR(64) NULL,
    cdr_token_hash VARCHAR(64) NULL,
    cdr_token_enc TEXT NULL,
    voice_application_id VARCHAR(128) NULL,
    provisioned_at BIGINT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT uq_cloudonix_webhook_key UNIQUE (webhook_key_hash),
    CONSTRAINT uq_cloudonix_cdr_token UNIQUE (cdr_token_hash),
    CONSTRAINT fk_cloudonix_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);

CREATE TABLE audit_log (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    organization_id VARCHAR(36) NOT NULL,
    actor_user_id VARCHAR(36) NULL,
    actor_label VARCHAR(255) NOT NULL,
    action VARCHAR(64) NOT NULL,
    object_type VARCHAR(64) NOT NULL,
    object_id VARCHAR(64) NULL,
    before_json TEXT NULL,
    after_json TEXT NULL,
    source_ip VARCHAR(64) NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT fk_audit_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);
CREATE INDEX ix_audit_org_created ON audit_log (organization_id, created_at);
