package dev.l2r.funnel.live;

import dev.l2r.events.LeadEvent;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.funnel.core.LeadFacts;
import dev.l2r.funnel.storage.DefinitionStore;
import dev.l2r.funnel.storage.ProjectionLocks;
import dev.l2r.funnel.storage.ProjectionTables;
import dev.l2r.platform.consume.EventLog;
import dev.l2r.platform.consume.LeadAliases;
import dev.l2r.platform.pipeline.LeadIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Applies a poll's events (stage changes and details changes alike) to the projections in the pipeline's
 * transaction: events already seen are dropped by the event log, and each lead touched by a new event is recomputed from all its events in event-time order,
 * its old contribution to every cell taken out and its new one put in. Arrival order and redelivery therefore
 * never change the figures. Merges and erasures are applied by the platform's {@link LeadIdentity}: a merge
 * recomputes both leads through the same replacement, an erasure re-keys the lead's rows to a surrogate.
 */
@ApplicationScoped
public class FunnelProjector {

    private static final EventLog LOG = new EventLog("event_log");
    private static final ProjectionTables TABLES = new ProjectionTables("public");
    private static final LeadIdentity IDENTITY = new LeadIdentity(LOG, new LeadAliases("lead_alias"));

    @Inject
    DefinitionStore definitions;

    /**
     * Applies events in the caller's transaction: the projection lock shared (a rebuild takes it exclusively), then
     * a lock per lead (taken by {@link LeadIdentity}, which also applies merges and erasures), before anything else.
     *
     * @return how many events were new
     */
    public int apply(Connection c, List<LeadEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return 0;
        }
        ProjectionLocks.shareForTransaction(c);
        return apply(c, definitions.current(c), events);
    }

    static int apply(Connection c, FunnelDefinition funnel, List<LeadEvent> events) throws SQLException {
        return IDENTITY.apply(c, events, new LeadIdentity.Leads() {
            @Override
            public void recompute(Connection c, Collection<String> leads, Map<String, List<LeadEvent>> history)
                    throws SQLException {
                List<LeadFacts> facts = new ArrayList<>(leads.size());
                for (String lead : leads) {
                    List<LeadEvent> events = history.get(lead);
                    if (events != null && !events.isEmpty()) {
                        facts.add(LeadFacts.of(funnel, lead, events));
                    }
                }
                TABLES.replace(c, funnel, leads, facts);
            }

            @Override
            public void cutLoose(Connection c, Map<String, String> surrogates) throws SQLException {
                TABLES.cutLoose(c, surrogates);
            }
        });
    }
}
