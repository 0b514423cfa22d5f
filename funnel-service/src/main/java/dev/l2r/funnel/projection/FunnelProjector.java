package dev.l2r.funnel.projection;

import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.events.timeline.LeadTimeline;
import dev.l2r.platform.consume.EventLog;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies a batch of events to the projections in one transaction: events already seen are dropped by the
 * event log, and each lead touched by a new event has its stage entries recomputed from all its events, so
 * arrival order never matters.
 */
@ApplicationScoped
public class FunnelProjector {

    private static final EventLog LOG = new EventLog("event_log");

    @Inject
    AgroalDataSource dataSource;

    private final FunnelDefinition funnel = FunnelDefinition.canonical();

    /** @return how many events were new */
    @Transactional
    public int apply(List<LeadStageChanged> events) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            List<LeadStageChanged> fresh = LOG.append(c, events);
            Set<String> leads = new LinkedHashSet<>();
            fresh.forEach(e -> leads.add(e.leadId()));
            Map<String, List<LeadStageChanged>> history = LOG.eventsOf(c, leads);
            List<LeadFunnelFacts> facts = new ArrayList<>(leads.size());
            for (String lead : leads) {
                facts.add(LeadFunnelFacts.of(funnel, lead, history.get(lead)));
            }
            replaceEntries(c, leads, facts);
            return fresh.size();
        }
    }

    private static void replaceEntries(Connection c, Set<String> leads, List<LeadFunnelFacts> facts)
            throws SQLException {
        if (leads.isEmpty()) {
            return;
        }
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM lead_stage_entry WHERE lead_id = ANY (?)")) {
            delete.setArray(1, c.createArrayOf("text", leads.toArray()));
            delete.executeUpdate();
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO lead_stage_entry "
                + "(lead_id, stage, entered_at, skipped, channel, segment, owner) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (LeadFunnelFacts f : facts) {
                for (LeadTimeline.Entry e : f.entries()) {
                    insert.setString(1, f.leadId());
                    insert.setString(2, e.stage());
                    insert.setTimestamp(3, Timestamp.from(e.enteredAt()));
                    insert.setBoolean(4, e.skipped());
                    insert.setString(5, f.channel());
                    insert.setString(6, f.segment());
                    insert.setString(7, f.owner());
                    insert.addBatch();
                }
            }
            insert.executeBatch();
        }
    }
}
