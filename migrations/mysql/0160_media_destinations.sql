-- Media in routing (issue 15). An announcement is a destination of its own: it plays a
-- recording or speaks a text, then the call goes on to its next destination. A mailbox's
-- greeting and a conference room's hold music may be uploaded recordings. Each recording
-- reference has an (organization, recording) index: deleting a recording asks who uses it.
CREATE TABLE announcements (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    organization_id VARCHAR(36) NOT NULL,
    name VARCHAR(255) NOT NULL,
    recording_id VARCHAR(36) NULL,
    speech_text TEXT NULL,
    voice VARCHAR(64) NULL,
    next_type VARCHAR(32) NOT NULL,
    next_ref VARCHAR(64) NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT uq_announcements_org_name UNIQUE (organization_id, name),
    CONSTRAINT fk_announcements_org FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
CREATE INDEX ix_announcements_org_recording ON announcements (organization_id, recording_id);

ALTER TABLE extensions ADD COLUMN voicemail_greeting_recording_id VARCHAR(36) NULL;
CREATE INDEX ix_extensions_org_greeting_recording ON extensions (organization_id, voicemail_greeting_recording_id);
-- Where each new message of the mailbox is mailed, with its audio; null: nowhere.
ALTER TABLE extensions ADD COLUMN voicemail_email VARCHAR(255) NULL;

ALTER TABLE conference_rooms ADD COLUMN hold_music_recording_id VARCHAR(36) NULL;
CREATE INDEX ix_conference_rooms_org_hold_recording ON conference_rooms (organization_id, hold_music_recording_id);

-- A message's audio is copied from Cloudonix into media storage (`<org>/voicemail/<id>`) by a
-- job; these say when the copy landed and when the mailbox's address was mailed.
ALTER TABLE voicemail_messages ADD COLUMN audio_stored_at BIGINT NULL;
ALTER TABLE voicemail_messages ADD COLUMN emailed_at BIGINT NULL;
