package dev.l2r.platform.consume;

import dev.l2r.events.EventJson;
import dev.l2r.events.LeadStageChanged;

import java.math.BigDecimal;

/**
 * Reads one record of the lead-stage-changed topic and says why it cannot be used when it cannot: not JSON, not
 * the contract's shape, another schema version, or a required field missing or out of range. A consumer sends such
 * a record to its dead-letter topic with the reason, rather than dropping it.
 */
public final class EventReader {

    /** Either an event or the reason there is none. */
    public record Read(LeadStageChanged event, String error) {
        public boolean ok() {
            return event != null;
        }
    }

    private EventReader() {
    }

    public static Read read(String payload) {
        if (payload == null || payload.isBlank()) {
            return new Read(null, "empty record");
        }
        LeadStageChanged e;
        try {
            e = EventJson.readLeadStageChanged(payload);
        } catch (RuntimeException ex) {
            String message = ex.getCause() != null ? ex.getCause().getMessage() : ex.getMessage();
            return new Read(null, "not a LeadStageChanged: " + firstLine(message));
        }
        String problem = problem(e);
        return problem == null ? new Read(e, null) : new Read(null, problem);
    }

    private static String problem(LeadStageChanged e) {
        if (e.schemaVersion() != LeadStageChanged.CURRENT_SCHEMA_VERSION) {
            return "schemaVersion " + e.schemaVersion() + " is not " + LeadStageChanged.CURRENT_SCHEMA_VERSION;
        }
        if (e.eventId() == null) {
            return "eventId is missing";
        }
        if (e.leadId() == null || e.leadId().isBlank()) {
            return "leadId is missing";
        }
        if (e.toStage() == null || e.toStage().isBlank()) {
            return "toStage is missing";
        }
        if (e.occurredAt() == null) {
            return "occurredAt is missing";
        }
        if (e.amount() != null && e.amount().compareTo(BigDecimal.ZERO) < 0) {
            return "amount is negative";
        }
        if (e.currency() != null && !e.currency().matches("[A-Z]{3}")) {
            return "currency '" + e.currency() + "' is not an ISO 4217 code";
        }
        return null;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
