-- Cloudonix fidelity (issue 19).
-- unassigned_number_message: spoken (as early media) before refusing a call to a number the
--   organization does not have; NULL refuses it without a word (no billed answer).
-- domain_name / domain_uuid: the domain as Cloudonix names it, read when the settings are saved or
--   provisioned, so a CDR naming the domain either way matches (the admin may enter an id or UUID).
-- session_token_hash: SHA-256 of the token in the session-update endpoint path, which
--   authenticates session updates that arrive without the bearer; session_token_enc lets settings
--   show the URL again.
ALTER TABLE organizations ADD COLUMN unassigned_number_message TEXT NULL;
ALTER TABLE cloudonix_settings ADD COLUMN domain_name VARCHAR(255) NULL;
ALTER TABLE cloudonix_settings ADD COLUMN domain_uuid VARCHAR(64) NULL;
ALTER TABLE cloudonix_settings ADD COLUMN session_token_hash VARCHAR(64) NULL;
ALTER TABLE cloudonix_settings ADD COLUMN session_token_enc TEXT NULL;
CREATE UNIQUE INDEX uq_cloudonix_session_token ON cloudonix_settings (session_token_hash);
