package dev.l2r.funnel.consumer;

import dev.l2r.events.EventJson;
import dev.l2r.events.LeadStageChanged;

/** Reads one payload of lead-stage-changed, refusing what the funnel could not place on a timeline. */
public final class EventChecks {

    private EventChecks() {
    }

    /** @throws IllegalArgumentException (or Jackson's error) naming what is wrong */
    public static LeadStageChanged read(String payload) {
        if (payload == null) {
            throw new IllegalArgumentException("empty payload (tombstone)");
        }
        LeadStageChanged e;
        try {
            e = EventJson.readLeadStageChanged(payload);
        } catch (RuntimeException notJson) {
            throw new IllegalArgumentException("not a LeadStageChanged: " + rootMessage(notJson), notJson);
        }
        if (e.eventId() == null) {
            throw new IllegalArgumentException("eventId is missing");
        }
        if (e.leadId() == null || e.leadId().isBlank()) {
            throw new IllegalArgumentException("leadId is missing");
        }
        if (e.toStage() == null || e.toStage().isBlank()) {
            throw new IllegalArgumentException("toStage is missing");
        }
        if (e.occurredAt() == null) {
            throw new IllegalArgumentException("occurredAt is missing");
        }
        return e;
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }
}
