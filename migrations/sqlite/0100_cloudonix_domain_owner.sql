-- Issue 12: a Cloudonix domain belongs to one organization (see the MySQL migration of the same
-- number). NOCASE makes the comparison case-insensitive, as MySQL's collation does.
CREATE UNIQUE INDEX uq_cloudonix_domain ON cloudonix_settings (domain COLLATE NOCASE);
CREATE UNIQUE INDEX uq_cloudonix_domain_name ON cloudonix_settings (domain_name COLLATE NOCASE);
CREATE UNIQUE INDEX uq_cloudonix_domain_uuid ON cloudonix_settings (domain_uuid COLLATE NOCASE);
