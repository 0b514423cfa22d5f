package dev.l2r.funnel.rebuild;

import dev.l2r.events.EventJson;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.funnel.metrics.LeadFacts;
import dev.l2r.funnel.projection.ProjectionTables;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Recomputes every lead from the shadow event log and COPYs its per-lead rows, in several workers that each take
 * the leads of one hash class, so that their reads, sorts and COPYs run side by side on the database's cores and
 * their parsing on the service's; the leads' cells are summed as they go ({@link RebuildCells}). A repeated event
 * (the topic may hold one twice) counts once.
 */
final class LeadRecompute {

    private static final int CHUNK = 5_000;

    interface Connections {
        /** A connection set up for rebuild work (see {@link Rebuilder}). */
        Connection open() throws SQLException;
    }

    private final Connections connections;
    private final FunnelDefinition funnel;
    private final ProjectionTables shadow;
    private final RebuildCells cells;
    private final int workers;

    LeadRecompute(Connections connections, FunnelDefinition funnel, ProjectionTables shadow, RebuildCells cells,
                  int workers) {
        this.connections = connections;
        this.funnel = funnel;
        this.shadow = shadow;
        this.cells = cells;
        this.workers = workers;
    }

    /** Runs the workers; {@code status} saves the progress meanwhile, in this thread. */
    void run(Connection status, RebuildProgress progress) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> new Thread(r, "funnel-rebuild-leads"));
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int worker = w;
                running.add(pool.submit(() -> {
                    recompute(worker, progress);
                    return null;
                }));
            }
            progress.await(status, running);
        } finally {
            pool.shutdownNow();
        }
    }

    private void recompute(int worker, RebuildProgress progress) throws SQLException {
        try (Connection reader = connections.open(); Connection writer = connections.open()) {
            reader.setAutoCommit(false); // a cursor: rows arrive a fetch at a time
            try (PreparedStatement ps = reader.prepareStatement("SELECT lead_id, event_id, payload FROM "
                    + shadow.table("event_log") + " WHERE (hashtext(lead_id) & 2147483647) % ? = ? ORDER BY lead_id, event_id")) {
                ps.setInt(1, workers);
                ps.setInt(2, worker);
                ps.setFetchSize(10_000);
                try (ResultSet rs = ps.executeQuery()) {
                    List<LeadFacts> chunk = new ArrayList<>(CHUNK);
                    String lead = null;
                    String lastEvent = null;
                    List<LeadStageChanged> events = new ArrayList<>();
                    while (rs.next()) {
                        String id = rs.getString(1);
                        String event = rs.getString(2);
                        if (!id.equals(lead)) {
                            if (lead != null) {
                                chunk.add(LeadFacts.of(funnel, lead, events));
                                events = new ArrayList<>();
                                if (chunk.size() == CHUNK) {
                                    flush(writer, chunk, progress);
                                }
                            }
                            lead = id;
                        } else if (event.equals(lastEvent)) {
                            continue; // the same event twice in the topic
                        }
                        lastEvent = event;
                        events.add(EventJson.readLeadStageChanged(rs.getString(3)));
                    }
                    if (lead != null) {
                        chunk.add(LeadFacts.of(funnel, lead, events));
                    }
                    flush(writer, chunk, progress);
                }
            } finally {
                reader.commit();
            }
        }
    }

    private void flush(Connection writer, List<LeadFacts> chunk, RebuildProgress progress) throws SQLException {
        shadow.insertNew(writer, funnel, chunk);
        cells.add(chunk);
        progress.leads.addAndGet(chunk.size());
        chunk.clear();
    }
}
