package dev.l2r.forecast.projection;

import dev.l2r.events.LeadEvent;
import dev.l2r.events.funnel.FunnelDefinition;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Writes leads' projected rows straight from their events, by the projection's own code, leaving out the topic and
 * the event log: how the benchmark harness loads a million leads in minutes (the live path projects a few thousand
 * events a second). The service itself never calls it.
 */
public final class DirectLoad {

    private DirectLoad() {
    }

    /** Replaces the rows of {@code byLead}'s leads, in the caller's transaction. */
    public static void write(Connection c, FunnelDefinition funnel, Map<String, List<LeadEvent>> byLead)
            throws SQLException {
        ProjectionWriter.rewrite(c, funnel, byLead.keySet(), byLead);
    }
}
