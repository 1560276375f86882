-- Issue 12: a phone number (E.164) belongs to one organization (see the MySQL migration of the
-- same number).
CREATE UNIQUE INDEX uq_phone_numbers_number ON phone_numbers (number);
