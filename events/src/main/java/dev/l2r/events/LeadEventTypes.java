package dev.l2r.events;

import java.util.Map;
import java.util.Optional;

/**
 * The kinds of event on topic {@value LeadStageChanged#TOPIC} and the record header that names them. The topic
 * began with one kind and no header, so a record without the header is a {@link LeadStageChanged}: old records
 * and old producers stay valid. Each kind (the identity kinds {@link LeadsMerged} and {@link LeadErased} came third
 * and fourth) is listed here with its own record, schema and name; a consumer that does not know a name sets the record aside (a dead
 * letter it can replay once upgraded) instead of misreading it or stopping.
 */
public final class LeadEventTypes {

    /** The Kafka record header naming the event's kind. */
    public static final String HEADER = "l2r-event-type";
    public static final String LEAD_STAGE_CHANGED = "LeadStageChanged";
    public static final String LEAD_DETAILS_CHANGED = "LeadDetailsChanged";
    public static final String LEADS_MERGED = "LeadsMerged";
    public static final String LEAD_ERASED = "LeadErased";

    /** Each kind by its header value, with its schema. */
    private static final Map<String, Kind> KINDS = Map.of(
            LEAD_STAGE_CHANGED, new Kind(LEAD_STAGE_CHANGED, LeadStageChanged.class, LeadStageChanged.SCHEMA_RESOURCE,
                    LeadStageChanged.CURRENT_SCHEMA_VERSION),
            LEAD_DETAILS_CHANGED, new Kind(LEAD_DETAILS_CHANGED, LeadDetailsChanged.class,
                    LeadDetailsChanged.SCHEMA_RESOURCE, LeadDetailsChanged.CURRENT_SCHEMA_VERSION),
            LEADS_MERGED, new Kind(LEADS_MERGED, LeadsMerged.class, LeadsMerged.SCHEMA_RESOURCE,
                    LeadsMerged.CURRENT_SCHEMA_VERSION),
            LEAD_ERASED, new Kind(LEAD_ERASED, LeadErased.class, LeadErased.SCHEMA_RESOURCE,
                    LeadErased.CURRENT_SCHEMA_VERSION));

    /** One kind of event: its header value, Java type, schema on the class path and the schema version read. */
    public record Kind(String name, Class<? extends LeadEvent> type, String schemaResource, int schemaVersion) {
    }

    private LeadEventTypes() {
    }

    /** The kind a header value names; a missing header ({@code null}) is a {@link LeadStageChanged}. */
    public static Optional<Kind> kind(String header) {
        return Optional.ofNullable(KINDS.get(header == null ? LEAD_STAGE_CHANGED : header));
    }

    /** The header value of an event. */
    public static String of(LeadEvent event) {
        if (event instanceof LeadDetailsChanged) {
            return LEAD_DETAILS_CHANGED;
        }
        if (event instanceof LeadsMerged) {
            return LEADS_MERGED;
        }
        return event instanceof LeadErased ? LEAD_ERASED : LEAD_STAGE_CHANGED;
    }

    /** Every kind this code reads. */
    public static Map<String, Kind> kinds() {
        return KINDS;
    }
}
