-- Issue 12: platform operators (accounts above organizations, stored apart from their users),
-- their sessions, the platform audit log, one-time account links (invitations and password
-- resets) and the soft deletion of organizations (kept for a retention, then purged).

CREATE TABLE operators (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    email VARCHAR(255) NOT NULL COLLATE NOCASE,
    name VARCHAR(255) NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    status VARCHAR(16) NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT uq_operators_email UNIQUE (email)
);

CREATE TABLE operator_tokens (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    operator_id VARCHAR(36) NOT NULL,
    token_hash VARCHAR(64) NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT NULL,
    CONSTRAINT uq_operator_tokens_hash UNIQUE (token_hash),
    CONSTRAINT fk_operator_tokens_operator FOREIGN KEY (operator_id) REFERENCES operators (id) ON DELETE CASCADE
);

-- No foreign key to organizations: the entry about a purge outlives the organization.
CREATE TABLE platform_audit_log (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    operator_id VARCHAR(36) NULL,
    actor_label VARCHAR(255) NOT NULL,
    action VARCHAR(64) NOT NULL,
    organization_id VARCHAR(36) NULL,
    detail_json TEXT NULL,
    source_ip VARCHAR(64) NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX ix_platform_audit_created ON platform_audit_log (created_at, id);

CREATE TABLE account_links (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    organization_id VARCHAR(36) NOT NULL,
    purpose VARCHAR(16) NOT NULL,
    email VARCHAR(255) NOT NULL COLLATE NOCASE,
    role VARCHAR(16) NULL,
    token_hash VARCHAR(64) NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT NULL,
    CONSTRAINT uq_account_links_hash UNIQUE (token_hash),
    CONSTRAINT fk_account_links_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
);
CREATE INDEX ix_account_links_org_email ON account_links (organization_id, email);

ALTER TABLE organizations ADD COLUMN deleted_at BIGINT NULL;
