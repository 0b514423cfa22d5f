package dev.l2r.forecast.pipeline;

import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.platform.consume.EventLog;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Applies a batch of events to the pipeline in one transaction; leads touched are recomputed from all their events. */
@ApplicationScoped
public class PipelineProjector {

    private static final EventLog LOG = new EventLog("event_log");

    @Inject
    AgroalDataSource dataSource;

    private final FunnelDefinition funnel = FunnelDefinition.canonical();

    @Transactional
    public int apply(List<LeadStageChanged> events) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            List<LeadStageChanged> fresh = LOG.append(c, events);
            Set<String> leads = new LinkedHashSet<>();
            fresh.forEach(e -> leads.add(e.leadId()));
            Map<String, List<LeadStageChanged>> history = LOG.eventsOf(c, leads);
            try (PreparedStatement upsert = c.prepareStatement("INSERT INTO pipeline_lead (lead_id, current_stage, "
                    + "current_since, open, outcome, closed_at, opportunity_at, amount, currency, channel, segment, "
                    + "owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (lead_id) DO UPDATE SET "
                    + "current_stage = excluded.current_stage, current_since = excluded.current_since, "
                    + "open = excluded.open, outcome = excluded.outcome, closed_at = excluded.closed_at, "
                    + "opportunity_at = excluded.opportunity_at, amount = excluded.amount, "
                    + "currency = excluded.currency, channel = excluded.channel, segment = excluded.segment, "
                    + "owner = excluded.owner")) {
                for (String lead : leads) {
                    PipelinePosition p = PipelinePosition.of(funnel, lead, history.get(lead));
                    upsert.setString(1, p.leadId());
                    upsert.setString(2, p.currentStage());
                    upsert.setTimestamp(3, Timestamp.from(p.currentSince()));
                    upsert.setBoolean(4, p.open());
                    upsert.setString(5, p.outcome() == null ? null : p.outcome().name());
                    upsert.setTimestamp(6, p.closedAt() == null ? null : Timestamp.from(p.closedAt()));
                    upsert.setTimestamp(7, p.opportunityAt() == null ? null : Timestamp.from(p.opportunityAt()));
                    upsert.setBigDecimal(8, p.amount());
                    upsert.setString(9, p.currency());
                    upsert.setString(10, p.channel());
                    upsert.setString(11, p.segment());
                    upsert.setString(12, p.owner());
                    upsert.addBatch();
                }
                upsert.executeBatch();
            }
            return fresh.size();
        }
    }
}
