-- The event log holds every kind of event of lead-stage-changed: event_type is the record's l2r-event-type header
-- (LeadDetailsChanged...), null for a LeadStageChanged, as every row from before there were other kinds is.
ALTER TABLE event_log ADD COLUMN event_type text;
