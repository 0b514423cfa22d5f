package dev.l2r.lead.history;

import dev.l2r.events.LeadStageChanged;

/**
 * What became of a stage change: recorded as a new event, recognised as a repeat of an event already recorded
 * (same source and source event id), or no change at all (the lead was already in that stage then).
 */
public record RecordingResult(Status status, LeadStageChanged event) {

    public enum Status {
        RECORDED, DUPLICATE, UNCHANGED
    }

    public boolean created() {
        return status == Status.RECORDED;
    }
}
