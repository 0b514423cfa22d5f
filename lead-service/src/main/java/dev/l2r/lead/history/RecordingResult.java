package dev.l2r.lead.history;

import dev.l2r.events.LeadDetailsChanged;
import dev.l2r.events.LeadStageChanged;

/**
 * What became of a stage change: recorded as a new event, recognised as a repeat of an event already recorded
 * (same source and source event id), or no change at all (the lead was already in that stage then). A details
 * change ({@link StageChange.Mode#DETAILS}) answers its {@code details} event instead of a stage change's
 * {@code event}.
 */
public record RecordingResult(Status status, LeadStageChanged event, LeadDetailsChanged details) {

    public RecordingResult(Status status, LeadStageChanged event) {
        this(status, event, null);
    }

    /**
     * A repeat of a change of an erased lead (docs/privacy.md): a duplicate whose original is gone, so it has no
     * event to answer with.
     */
    public static RecordingResult repeatOfErased() {
        return new RecordingResult(Status.DUPLICATE, null, null);
    }

    /** The id of the event recorded (or the original's, for a duplicate); null if none. */
    public java.util.UUID eventId() {
        return event != null ? event.eventId() : details != null ? details.eventId() : null;
    }

    public enum Status {
        RECORDED, DUPLICATE, UNCHANGED
    }

    public boolean created() {
        return status == Status.RECORDED;
    }
}
