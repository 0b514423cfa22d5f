package dev.l2r.funnel.rebuild;

import dev.l2r.events.timeline.LeadTimeline;
import dev.l2r.funnel.core.CellSums;
import dev.l2r.funnel.core.LeadFacts;
import dev.l2r.funnel.storage.ProjectionTables;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The cells of a rebuild, summed in memory while the workers recompute the leads and COPYed once at the end: far
 * cheaper than aggregating the millions of per-lead rows again in the database. Memory stays bounded: when the
 * cells would take more than the limit, the sums are dropped and, at the end, made from the per-lead rows read back
 * a range of months at a time (each range's cells taking about the limit at most), written aside and added up in
 * the database (a week can span two ranges).
 */
final class RebuildCells {

    private static final Logger LOG = Logger.getLogger(RebuildCells.class);

    private final ProjectionTables shadow;
    private final Map<String, Set<String>> hotTargets;
    private final long limitBytes;
    private CellSums sums = new CellSums();
    /** Stage entries by month: how the read-back divides the months so that each range's cells fit. */
    private final TreeMap<YearMonth, long[]> entriesByMonth = new TreeMap<>();
    private long entries;
    /** Bytes of cells per stage entry when the limit was passed (an overestimate later: entries share cells more). */
    private double bytesPerEntry;

    RebuildCells(ProjectionTables shadow, Map<String, Set<String>> hotTargets, long limitBytes) {
        this.shadow = shadow;
        this.hotTargets = hotTargets;
        this.limitBytes = limitBytes;
    }

    /** Counts a worker's chunk of leads in. */
    synchronized void add(List<LeadFacts> leads) {
        for (LeadFacts lead : leads) {
            for (LeadTimeline.Entry e : lead.entries()) {
                entriesByMonth.computeIfAbsent(YearMonth.from(e.enteredAt().atZone(ZoneOffset.UTC)), m -> new long[1])[0]++;
            }
            entries += lead.entries().size();
            if (sums != null) {
                sums.add(1, lead, hotTargets);
            }
        }
        if (sums != null && sums.bytes() > limitBytes) {
            bytesPerEntry = sums.bytes() / (double) entries;
            LOG.infof("rebuild: the cells take more than %d bytes (l2r.rebuild.cell-memory) after %d of them; they are "
                    + "summed from the per-lead rows at the end instead", limitBytes, sums.size());
            sums = null;
        }
    }

    /** Writes the cells into the shadow cubes, after every worker has finished. */
    synchronized void write(Connection c) throws SQLException {
        if (sums != null) {
            shadow.copyCells(c, sums);
            sums = null;
            return;
        }
        long perRange = Math.max(1, (long) (limitBytes / bytesPerEntry));
        YearMonth first = null;
        long inRange = 0;
        for (Map.Entry<YearMonth, long[]> month : entriesByMonth.entrySet()) {
            if (first != null && inRange + month.getValue()[0] > perRange) {
                sumRange(c, first, month.getKey());
                first = null;
                inRange = 0;
            }
            if (first == null) {
                first = month.getKey();
            }
            inRange += month.getValue()[0];
        }
        if (first != null) {
            sumRange(c, first, entriesByMonth.lastKey().plusMonths(1));
        }
        shadow.mergeSpilledCells(c);
    }

    private void sumRange(Connection c, YearMonth from, YearMonth until) throws SQLException {
        CellSums range = new CellSums();
        LocalDate start = from.atDay(1);
        LocalDate end = until.atDay(1);
        shadow.sumCells(c, start, end, range);
        LOG.infof("rebuild: %d cells of %s to %s summed from the per-lead rows", range.size(), start, end);
        shadow.spillCells(c, range);
    }
}
