package dev.l2r.forecast.model;

import dev.l2r.events.funnel.FunnelDefinition;

import java.util.List;

/**
 * The stages the sales figures are defined on, found in any funnel definition: the opportunity stage
 * ({@code OPPORTUNITY}, or the last open stage of a funnel without one) and the sales-qualified stage before it
 * ({@code SQL}, or the open stage just before the opportunity stage).
 */
public record FunnelRoles(List<String> openStages, String opportunity, String qualified) {

    public static FunnelRoles of(FunnelDefinition funnel) {
        List<String> open = funnel.openStages();
        String opportunity = open.contains(FunnelDefinition.OPPORTUNITY) ? FunnelDefinition.OPPORTUNITY
                : open.get(open.size() - 1);
        int at = open.indexOf(opportunity);
        String qualified = open.contains(FunnelDefinition.SQL) && open.indexOf(FunnelDefinition.SQL) < at
                ? FunnelDefinition.SQL : at > 0 ? open.get(at - 1) : null;
        return new FunnelRoles(open, opportunity, qualified);
    }

    /** Open opportunities: leads in the opportunity stage or an open stage after it. */
    public List<String> pipelineStages() {
        return openStages.subList(openStages.indexOf(opportunity), openStages.size());
    }
}
