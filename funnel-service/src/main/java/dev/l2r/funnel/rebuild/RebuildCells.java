package dev.l2r.funnel.rebuild;

import dev.l2r.funnel.metrics.LeadFacts;
import dev.l2r.funnel.projection.CellSums;
import dev.l2r.funnel.projection.ProjectionTables;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cells of a rebuild, summed in memory while the workers recompute leads and written once at the end: far
 * cheaper than aggregating the millions of per-lead rows again in the database. Memory stays bounded: when more
 * cells than the limit are held, their partial sums are spilled to the shadow schema, and added up there at the
 * end.
 */
final class RebuildCells {

    private final ProjectionTables shadow;
    private final Map<String, Set<String>> hotTargets;
    private final int limit;
    private CellSums sums = new CellSums();
    private boolean spilled;

    RebuildCells(ProjectionTables shadow, Map<String, Set<String>> hotTargets, int limit) {
        this.shadow = shadow;
        this.hotTargets = hotTargets;
        this.limit = limit;
    }

    /** Counts a worker's chunk of leads in; spills (on the worker's own connection) when the limit is passed. */
    void add(Connection writer, List<LeadFacts> leads) throws SQLException {
        CellSums full = null;
        synchronized (this) {
            for (LeadFacts lead : leads) {
                sums.add(1, lead, hotTargets);
            }
            if (sums.size() > limit) {
                full = sums;
                sums = new CellSums();
                spilled = true;
            }
        }
        if (full != null) {
            shadow.spillCells(writer, full);
        }
    }

    /** Writes the cells into the shadow cubes, after every worker has finished. */
    synchronized void write(Connection c) throws SQLException {
        if (spilled) {
            shadow.spillCells(c, sums);
            shadow.mergeSpilledCells(c);
        } else {
            shadow.copyCells(c, sums);
        }
        sums = new CellSums();
    }
}
