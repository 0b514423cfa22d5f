package dev.l2r.lead.identity;

import java.util.UUID;

/**
 * What a link did: the survivor of the two ids, the id it absorbed (null when they were one lead already: nothing
 * happened, no event), and the {@code LeadsMerged} event id when it merged.
 */
public record LinkResult(String leadId, String mergedLeadId, UUID eventId) {

    public boolean merged() {
        return mergedLeadId != null;
    }
}
