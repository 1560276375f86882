-- Issue 12: a phone number (E.164) belongs to one organization. Enforced here, not by a lookup
-- before the write, so two organizations saving the same number at once cannot both succeed.
-- uq_phone_numbers_org_number stays: it backs the organization foreign key and the per-organization
-- lookups by number. A soft-deleted organization keeps its numbers until it is purged (reactivation
-- restores everything). This migration stops if two organizations already hold one number; find
-- them with
--   SELECT number, COUNT(*) FROM phone_numbers GROUP BY number HAVING COUNT(*) > 1
-- then delete the wrong organization's row.
CREATE UNIQUE INDEX uq_phone_numbers_number ON phone_numbers (number);
