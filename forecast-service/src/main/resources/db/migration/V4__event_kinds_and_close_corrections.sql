-- The event log holds every kind of event of lead-stage-changed: event_type is the record's l2r-event-type header
-- (LeadDetailsChanged...), null for a LeadStageChanged, as every row from before there were other kinds is.
ALTER TABLE event_log ADD COLUMN event_type text;

-- A close's amount corrected after the close (a details change) is a new version of the same close, known in event
-- time over [known_from, known_to): the first from the close, each correction from its own event time. A view as of
-- t takes the version known at t, so a forecast as of a time before a correction comes out as it did before it.
ALTER TABLE lead_close ADD COLUMN known_from timestamptz, ADD COLUMN known_to timestamptz;
UPDATE lead_close SET known_from = closed_at;
ALTER TABLE lead_close ALTER COLUMN known_from SET NOT NULL;
CREATE INDEX lead_close_current ON lead_close (closed_at) WHERE known_to IS NULL;
