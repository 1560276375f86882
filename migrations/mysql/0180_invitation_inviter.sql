-- Pending invitations are listed to owners and PBX admins (issue 12.3) with who sent them: the
-- inviter's email as it was then, kept like an audit entry's actor label (NULL when the platform
-- invited an organization's first owner).
ALTER TABLE account_links ADD COLUMN invited_by VARCHAR(255) NULL;
