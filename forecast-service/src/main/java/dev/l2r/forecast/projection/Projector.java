package dev.l2r.forecast.projection;

import dev.l2r.events.EventJson;
import dev.l2r.events.LeadEvent;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.platform.consume.EventLog;
import dev.l2r.platform.consume.LeadAliases;
import dev.l2r.platform.pipeline.LeadIdentity;
import dev.l2r.platform.pipeline.Projection;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.runtime.TransactionConfiguration;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Keeps the forecast's tables in step with the events; the forecast's step of the platform pipeline. A poll is
 * applied in the pipeline's transaction: new events of every kind (stage and details changes) go to the event log (idempotent on event id) and every lead
 * they touch is re-derived from all its events. A newer funnel definition, or a new projection version of this
 * code, rebuilds every lead from the event log in one transaction. The projection_state row orders the two: a poll
 * holds it shared, a rebuild exclusively.
 */
@ApplicationScoped
public class Projector implements Projection {

    /** Raise when the derived tables change meaning: every lead is then re-derived at start-up. */
    public static final int PROJECTION_VERSION = 1;

    private static final Logger LOG = Logger.getLogger(Projector.class);
    private static final EventLog EVENT_LOG = new EventLog("event_log");
    private static final LeadIdentity IDENTITY = new LeadIdentity(EVENT_LOG, new LeadAliases("lead_alias"));
    private static final int REBUILD_CHUNK = 1000;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    MeterRegistry registry;

    private Counter rebuilds;
    private volatile VersionedFunnel cached = new VersionedFunnel(0, FunnelDefinition.canonical());

    private record VersionedFunnel(long version, FunnelDefinition definition) {
    }

    @PostConstruct
    void metrics() {
        rebuilds = Counter.builder("l2r.forecast.rebuilds")
                .description("full rebuilds from the event log (funnel definition or projection version changed)")
                .register(registry);
    }

    void onStart(@Observes StartupEvent start) throws SQLException {
        upgradeIfNeeded();
    }

    @Override
    public String name() {
        return "forecast";
    }

    /**
     * Applies one poll's events in the caller's transaction: the state row shared (a rebuild locks it exclusively),
     * then a lock per lead (a replayed dead letter may touch a lead beside a poll), merges and erasures as the
     * platform's {@link LeadIdentity} applies them; returns how many were new.
     */
    @Override
    public int apply(Connection c, List<LeadEvent> events) throws SQLException {
        FunnelDefinition funnel = readFunnel(c, "FOR SHARE");
        return IDENTITY.apply(c, events, new LeadIdentity.Leads() {
            @Override
            public void recompute(Connection c, Collection<String> leads, Map<String, List<LeadEvent>> history)
                    throws SQLException {
                ProjectionWriter.rewrite(c, funnel, leads, history);
            }

            @Override
            public void cutLoose(Connection c, Map<String, String> surrogates) throws SQLException {
                ProjectionWriter.cutLoose(c, surrogates);
            }
        });
    }

    /** Adopts a funnel definition newer than the one in force and rebuilds under it; false if it is not newer. */
    @Transactional(rollbackOn = Exception.class)
    @TransactionConfiguration(timeout = 3600)
    public boolean adopt(long version, FunnelDefinition definition) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            FunnelDefinition current = readFunnel(c, "FOR UPDATE");
            if (version <= cached.version()) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE projection_state SET funnel_version = ?, funnel = ? WHERE id = 1")) {
                ps.setLong(1, version);
                ps.setString(2, EventJson.write(definition));
                ps.executeUpdate();
            }
            // lead-service announces its first version, the canonical funnel, on first start: nothing to redo then
            boolean changed = !definition.equals(current);
            if (changed) {
                rebuild(c, definition);
            }
            cached = new VersionedFunnel(version, definition);
            LOG.infof("funnel definition version %d adopted%s", version, changed ? "; projection rebuilt" : "");
            return true;
        }
    }

    /** Rebuilds every lead if the tables were built by an older version of this code. */
    @Transactional(rollbackOn = Exception.class)
    @TransactionConfiguration(timeout = 3600)
    public boolean upgradeIfNeeded() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            FunnelDefinition funnel = readFunnel(c, "FOR UPDATE");
            int built;
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT projection_version FROM projection_state WHERE id = 1")) {
                rs.next();
                built = rs.getInt(1);
            }
            if (built >= PROJECTION_VERSION) {
                return false;
            }
            rebuild(c, funnel);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE projection_state SET projection_version = " + PROJECTION_VERSION);
            }
            LOG.infof("projection rebuilt from the event log (version %d to %d)", built, PROJECTION_VERSION);
            return true;
        }
    }

    /** The funnel definition in force (as last read; the canonical one until a definition has been adopted). */
    public FunnelDefinition funnel() {
        return cached.definition();
    }

    /** Reads the definition in force, locking the state row as asked, and caches it by version. */
    private FunnelDefinition readFunnel(Connection c, String lock) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT funnel_version, funnel FROM projection_state WHERE id = 1 " + lock)) {
            rs.next();
            long version = rs.getLong(1);
            if (version != cached.version()) {
                String json = rs.getString(2);
                cached = new VersionedFunnel(version, json == null ? FunnelDefinition.canonical()
                        : EventJson.read(json, FunnelDefinition.class));
            }
            return cached.definition();
        }
    }

    private void rebuild(Connection c, FunnelDefinition funnel) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("TRUNCATE lead_state, stage_spell, lead_close, lead_arrival");
        }
        List<String> leads = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT DISTINCT lead_id FROM event_log ORDER BY lead_id")) {
            while (rs.next()) {
                leads.add(rs.getString(1));
            }
        }
        for (int from = 0; from < leads.size(); from += REBUILD_CHUNK) {
            List<String> chunk = leads.subList(from, Math.min(leads.size(), from + REBUILD_CHUNK));
            ProjectionWriter.rewrite(c, funnel, chunk, EVENT_LOG.eventsOf(c, chunk));
        }
        rebuilds.increment();
    }
}
