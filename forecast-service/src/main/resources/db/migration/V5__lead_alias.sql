-- Lead ids absorbed by a LeadsMerged, each with the lead it now counts for (chains collapsed); every incoming
-- event's lead id is resolved through it. The event log's rows are kept under the lead they count for, so a rebuild
-- from the event log needs nothing else.
CREATE TABLE lead_alias (
    merged_lead_id text PRIMARY KEY,
    lead_id        text NOT NULL
);
CREATE INDEX lead_alias_survivor ON lead_alias (lead_id);
