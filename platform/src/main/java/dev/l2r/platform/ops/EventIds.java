package dev.l2r.platform.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.l2r.events.EventJson;

/** The {@code eventId} of any event payload, for log lines; never fails, since a log line must not. */
public final class EventIds {

    private EventIds() {
    }

    public static String of(String payload) {
        try {
            String id = EventJson.mapper().readTree(payload).path("eventId").asText("");
            return id.isEmpty() ? "?" : id;
        } catch (JsonProcessingException | RuntimeException e) {
            return "?";
        }
    }
}
