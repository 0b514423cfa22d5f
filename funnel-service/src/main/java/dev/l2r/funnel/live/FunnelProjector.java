package dev.l2r.funnel.live;

import dev.l2r.events.LeadEvent;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.funnel.core.LeadFacts;
import dev.l2r.funnel.storage.DefinitionStore;
import dev.l2r.funnel.storage.ProjectionLocks;
import dev.l2r.funnel.storage.ProjectionTables;
import dev.l2r.platform.consume.EventLog;
import dev.l2r.platform.pipeline.LeadLocks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies a poll's events (stage changes and details changes alike) to the projections in the pipeline's
 * transaction: events already seen are dropped by the event log, and each lead touched by a new event is recomputed from all its events in event-time order,
 * its old contribution to every cell taken out and its new one put in. Arrival order and redelivery therefore
 * never change the figures.
 */
@ApplicationScoped
public class FunnelProjector {

    private static final EventLog LOG = new EventLog("event_log");
    private static final ProjectionTables TABLES = new ProjectionTables("public");

    @Inject
    DefinitionStore definitions;

    /**
     * Applies events in the caller's transaction: the projection lock shared (a rebuild takes it exclusively), then
     * a lock per lead, before anything else.
     *
     * @return how many events were new
     */
    public int apply(Connection c, List<LeadEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return 0;
        }
        ProjectionLocks.shareForTransaction(c);
        LeadLocks.lock(c, events);
        return apply(c, definitions.current(c), events);
    }

    static int apply(Connection c, FunnelDefinition funnel, List<LeadEvent> events) throws SQLException {
        List<LeadEvent> fresh = LOG.append(c, events);
        if (fresh.isEmpty()) {
            return 0;
        }
        Set<String> leads = new LinkedHashSet<>();
        fresh.forEach(e -> leads.add(e.leadId()));
        Map<String, List<LeadEvent>> history = LOG.eventsOf(c, leads, fresh);
        List<LeadFacts> facts = new ArrayList<>(leads.size());
        for (String lead : leads) {
            facts.add(LeadFacts.of(funnel, lead, history.get(lead)));
        }
        TABLES.replace(c, funnel, leads, facts);
        return fresh.size();
    }
}
