package dev.l2r.funnel.projection;

import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.funnel.definition.DefinitionStore;
import dev.l2r.funnel.metrics.LeadFacts;
import dev.l2r.platform.consume.EventLog;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies a poll's events to the projections in one database transaction: events already seen are dropped by
 * the event log, and each lead touched by a new event is recomputed from all its events in event-time order,
 * its old contribution to every cell taken out and its new one put in. Arrival order and redelivery therefore
 * never change the figures.
 */
@ApplicationScoped
public class FunnelProjector {

    /** Live batches hold this advisory lock shared; a rebuild holds it exclusively while it replaces the tables. */
    public static final long PROJECTION_LOCK = 0x4c32_5246_756eL;
    /** The first key of the per-lead advisory locks (the second is a hash of the lead id). */
    private static final int LEAD_LOCKS = 0x4c32_4c44;

    private static final EventLog LOG = new EventLog("event_log");
    private static final ProjectionTables TABLES = new ProjectionTables("public");

    @Inject
    AgroalDataSource dataSource;

    @Inject
    DefinitionStore definitions;

    /** @return how many events were new */
    public int apply(List<LeadStageChanged> events) throws SQLException {
        if (events.isEmpty()) {
            return 0;
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock_shared(?)")) {
                    lock.setLong(1, PROJECTION_LOCK);
                    lock.execute();
                }
                lockLeads(c, events);
                int fresh = apply(c, definitions.current(c), events);
                c.commit();
                return fresh;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /**
     * Batches are applied concurrently (one lead's events may arrive in two of them): a batch holds a lock per
     * lead it touches, so it reads and rewrites a lead only after any other batch touching it has committed. The
     * locks are taken in one order, before anything else, so two batches never wait for each other in a cycle.
     */
    private static void lockLeads(Connection c, List<LeadStageChanged> events) throws SQLException {
        int[] hashes = events.stream().mapToInt(e -> e.leadId().hashCode()).distinct().sorted().toArray();
        try (PreparedStatement ps = c.prepareStatement("SELECT count(pg_advisory_xact_lock(?, h)) FROM "
                + "(SELECT h FROM unnest(?::int[]) AS h ORDER BY h) AS sorted")) {
            ps.setInt(1, LEAD_LOCKS);
            ps.setObject(2, hashes);
            ps.execute();
        }
    }

    static int apply(Connection c, FunnelDefinition funnel, List<LeadStageChanged> events) throws SQLException {
        List<LeadStageChanged> fresh = LOG.append(c, events);
        if (fresh.isEmpty()) {
            return 0;
        }
        Set<String> leads = new LinkedHashSet<>();
        fresh.forEach(e -> leads.add(e.leadId()));
        Map<String, List<LeadStageChanged>> history = LOG.eventsOf(c, leads, fresh);
        List<LeadFacts> facts = new ArrayList<>(leads.size());
        for (String lead : leads) {
            facts.add(LeadFacts.of(funnel, lead, history.get(lead)));
        }
        TABLES.replace(c, funnel, leads, facts);
        return fresh.size();
    }
}
