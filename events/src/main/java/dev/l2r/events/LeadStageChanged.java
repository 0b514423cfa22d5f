package dev.l2r.events;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One recorded stage change of one lead, on topic {@value #TOPIC}, keyed by {@code leadId}; the topic's first kind
 * of event, so a record without a {@value LeadEventTypes#HEADER} header is one (see {@link LeadEventTypes}).
 * The JSON Schema beside it ({@value #SCHEMA_RESOURCE}) is the published contract; additive changes keep
 * {@link #CURRENT_SCHEMA_VERSION}, breaking ones get a new version and a new topic; a new kind of event on the topic
 * gets a header value of its own.
 *
 * <p>{@code fromStage}, {@code kind} and {@code skippedStages} describe the change as lead-service saw it when
 * recording. A consumer that must be right about out-of-order arrivals re-reads a lead's events in
 * event-time order instead (see {@link dev.l2r.events.timeline.LeadTimeline}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LeadStageChanged(
        UUID eventId,
        int schemaVersion,
        String leadId,
        String fromStage,
        String toStage,
        TransitionKind kind,
        List<String> skippedStages,
        Instant occurredAt,
        Instant recordedAt,
        String source,
        String sourceEventId,
        String rawStage,
        BigDecimal amount,
        String currency,
        LeadAttributes attributes) implements LeadEvent {

    public static final String TOPIC = "lead-stage-changed";
    public static final int CURRENT_SCHEMA_VERSION = 1;
    public static final String SCHEMA_RESOURCE = "/schema/lead-stage-changed-v1.schema.json";

    public LeadStageChanged {
        skippedStages = skippedStages == null ? List.of() : List.copyOf(skippedStages);
        attributes = attributes == null ? LeadAttributes.NONE : attributes;
    }
}
