-- Issue 12: a Cloudonix domain belongs to one organization. Enforced here, not by a lookup before
-- the write, so two organizations saving the same domain at once cannot both succeed. The domain
-- as entered (name, numeric id or UUID) and the name and UUID Cloudonix reported are each unique,
-- so the same domain entered in two forms is caught once Cloudonix has been asked. The columns'
-- collation (utf8mb4_unicode_ci) makes the comparison case-insensitive, like DNS names.
-- A soft-deleted organization keeps its domain until it is purged: reactivation restores
-- everything. This migration stops if two organizations already hold one domain; find them with
--   SELECT domain, COUNT(*) FROM cloudonix_settings GROUP BY domain HAVING COUNT(*) > 1
-- (and the same for domain_name, domain_uuid), then clear the wrong organization's settings.
CREATE UNIQUE INDEX uq_cloudonix_domain ON cloudonix_settings (domain);
CREATE UNIQUE INDEX uq_cloudonix_domain_name ON cloudonix_settings (domain_name);
CREATE UNIQUE INDEX uq_cloudonix_domain_uuid ON cloudonix_settings (domain_uuid);
