-- A change that is no move when it arrives (the lead already was in that stage at that time) is kept as a dormant
-- observation: stored, not published, kind NULL. A later-arriving event that happened earlier can make it a real
-- move (e.g. MQL, then a late SAL between two MQLs makes the second MQL a recycle); it is published then.
ALTER TABLE stage_transition ADD COLUMN published boolean NOT NULL DEFAULT true;
ALTER TABLE stage_transition ALTER COLUMN kind DROP NOT NULL;
