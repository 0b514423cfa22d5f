package dev.l2r.events;

import dev.l2r.events.funnel.FunnelDefinition;

import java.time.Instant;

/**
 * The funnel definition in force, published by lead-service on topic {@value #TOPIC} (compacted, key
 * {@value #KEY}) whenever it changes and once at start-up. Consumers use the latest one to order stages; until
 * they have seen one they use {@link FunnelDefinition#canonical()}.
 */
public record FunnelDefinitionChanged(long version, Instant changedAt, FunnelDefinition definition) {

    public static final String TOPIC = "funnel-definition";
    public static final String KEY = "funnel";
}
