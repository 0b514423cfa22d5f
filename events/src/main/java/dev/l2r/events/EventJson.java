package dev.l2r.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.UncheckedIOException;

/**
 * The one JSON mapping of the contract. Producers and consumers use it so that dates are ISO-8601 strings
 * and unknown (newer, additive) fields are ignored rather than fatal.
 */
public final class EventJson {

    private static final ObjectMapper MAPPER = configure(new ObjectMapper());

    private EventJson() {
    }

    /** Applies the contract's settings to a mapper (also used for a framework-managed one). */
    public static ObjectMapper configure(ObjectMapper mapper) {
        return mapper.registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static String write(Object event) {
        try {
            return MAPPER.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T> T read(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static LeadStageChanged readLeadStageChanged(String json) {
        return read(json, LeadStageChanged.class);
    }

    public static LeadDetailsChanged readLeadDetailsChanged(String json) {
        return read(json, LeadDetailsChanged.class);
    }

    /**
     * An event of topic lead-stage-changed by the value of its {@value LeadEventTypes#HEADER} header (null: a
     * {@link LeadStageChanged}, as every record before the header was).
     *
     * @throws IllegalArgumentException for a kind this code does not know
     */
    public static LeadEvent readLeadEvent(String type, String json) {
        return read(json, LeadEventTypes.kind(type)
                .orElseThrow(() -> new IllegalArgumentException("unknown event type " + type)).type());
    }
}
