package dev.l2r.funnel.rebuild;

import dev.l2r.events.EventJson;
import dev.l2r.events.LeadEvent;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.funnel.core.LeadFacts;
import dev.l2r.funnel.storage.ProjectionTables;

import java.sql.Connection;
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
            Leads leads = new Leads(writer, progress);
            shadow.eventsByLead(reader, workers, worker, leads::accept);
            leads.finish();
        }
    }

    /** Gathers the events of one lead after another (they arrive by lead), recomputing each lead complete. */
    private final class Leads {
        private final Connection writer;
        private final RebuildProgress progress;
        private final List<LeadFacts> chunk = new ArrayList<>(CHUNK);
        private String lead;
        private String lastEvent;
        private List<LeadEvent> events = new ArrayList<>();

        Leads(Connection writer, RebuildProgress progress) {
            this.writer = writer;
            this.progress = progress;
        }

        void accept(String id, String event, String payload, String type) throws SQLException {
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
                return; // the same event twice in the topic
            }
            lastEvent = event;
            events.add(EventJson.readLeadEvent(type, payload));
        }

        void finish() throws SQLException {
            if (lead != null) {
                chunk.add(LeadFacts.of(funnel, lead, events));
            }
            flush(writer, chunk, progress);
        }
    }

    private void flush(Connection writer, List<LeadFacts> chunk, RebuildProgress progress) throws SQLException {
        shadow.insertNew(writer, funnel, chunk);
        cells.add(chunk);
        progress.leads.addAndGet(chunk.size());
        chunk.clear();
    }
}
