package dev.l2r.lead.funnel;

/**
 * Fired (a CDI event) after a new version of the funnel definition is committed, for what its mappings may now
 * settle: webhook items parked while their value was not mapped.
 */
public record DefinitionStored(FunnelVersion version) {
}
