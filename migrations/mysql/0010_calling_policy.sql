-- Toll-fraud controls (issue 18.1) and caller id of outward calls (issue 19.7):
-- default_caller_id: one of the organization's numbers, presented when a route has no caller id;
-- external_forwarding: outbound_routes | listed_prefixes | never (how far extensions may forward);
-- forwarding_prefixes: JSON array of E.164 prefixes for listed_prefixes.
ALTER TABLE organizations ADD COLUMN default_caller_id VARCHAR(16) NULL;
ALTER TABLE organizations ADD COLUMN external_forwarding VARCHAR(16) NOT NULL DEFAULT 'outbound_routes';
ALTER TABLE organizations ADD COLUMN forwarding_prefixes TEXT NULL;
