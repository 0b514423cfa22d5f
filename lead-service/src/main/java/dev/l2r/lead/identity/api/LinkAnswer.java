package dev.l2r.lead.identity.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.l2r.lead.identity.LinkResult;

import java.util.UUID;

/**
 * What a link did: {@code leadId} is the survivor both ids now mean; {@code mergedLeadId} the lead it absorbed and
 * {@code eventId} the {@code LeadsMerged} event, both absent when the two were one lead already.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(description = "The lead both ids now mean")
public record LinkAnswer(String leadId, String mergedLeadId, UUID eventId, boolean merged) {

    static LinkAnswer of(LinkResult result) {
        return new LinkAnswer(result.leadId(), result.mergedLeadId(), result.eventId(), result.merged());
    }
}
