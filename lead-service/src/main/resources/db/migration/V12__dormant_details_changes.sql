-- A details change that states nothing new at its time (the lead already had that value then) is kept dormant:
-- stored, not published. A later-arriving stage change that happened before it with another value makes it a real
-- change (MQL with 100, details with 100, then a late SQL between them with 200: the sender's last word is 100);
-- it is published then, like a dormant stage observation (V3). Rows stored before this were all published.
ALTER TABLE lead_detail_change ADD COLUMN published boolean NOT NULL DEFAULT true;
