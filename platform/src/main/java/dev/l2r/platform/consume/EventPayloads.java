package dev.l2r.platform.consume;

import dev.l2r.events.EventJson;
import dev.l2r.events.LeadStageChanged;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;

/** Reads a poll's payloads; one that is not a LeadStageChanged is logged with its content and left out. */
public final class EventPayloads {

    private static final Logger LOG = Logger.getLogger(EventPayloads.class);

    private EventPayloads() {
    }

    public static List<LeadStageChanged> parse(List<String> payloads) {
        List<LeadStageChanged> events = new ArrayList<>(payloads.size());
        for (String payload : payloads) {
            try {
                events.add(EventJson.readLeadStageChanged(payload));
            } catch (RuntimeException e) {
                LOG.errorf("unreadable event skipped: %s (%s)", e.getMessage(), payload);
            }
        }
        return events;
    }
}
