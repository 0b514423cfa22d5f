package dev.l2r.events;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Attributes used to segment funnel metrics. Every field is optional. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LeadAttributes(String channel, String segment, String owner, String campaign) {

    public static final LeadAttributes NONE = new LeadAttributes(null, null, null, null);

    /** The value of one segmenting dimension by its API name (channel, segment, owner, campaign). */
    public String get(String dimension) {
        return switch (dimension) {
            case "channel" -> channel;
            case "segment" -> segment;
            case "owner" -> owner;
            case "campaign" -> campaign;
            default -> throw new IllegalArgumentException("unknown dimension " + dimension);
        };
    }

    /** These attributes with the blanks filled in from {@code earlier}: a later event may omit what is already known. */
    public LeadAttributes orElse(LeadAttributes earlier) {
        if (earlier == null) {
            return this;
        }
        return new LeadAttributes(
                channel != null ? channel : earlier.channel,
                segment != null ? segment : earlier.segment,
                owner != null ? owner : earlier.owner,
                campaign != null ? campaign : earlier.campaign);
    }
}
