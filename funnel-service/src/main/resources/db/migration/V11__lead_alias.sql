-- Lead ids absorbed by a LeadsMerged, each with the lead it now counts for (chains collapsed); every incoming
-- event's lead id is resolved through it. Rebuilt from the topic with the other projections.
CREATE TABLE lead_alias (
    merged_lead_id text COLLATE "C" PRIMARY KEY,
    lead_id        text COLLATE "C" NOT NULL
);
CREATE INDEX lead_alias_survivor ON lead_alias (lead_id);
