package dev.l2r.funnel.catchup;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * How far the live consumer trails the topic. Per partition it stands at its committed offset, or at the last
 * rebuild's replay point when that is further (what lies below is in the projections already), never before the
 * first record still retained nor past the end.
 *
 * @param positions per partition, the first offset the projections do not hold yet
 * @param lag       records from the positions to the end, summed over partitions
 * @param retained  records the topic holds, summed over partitions: what a rebuild would read
 */
public record Backlog(Map<Integer, Long> positions, long lag, long retained) {

    /** One partition's offsets; {@code committed} and {@code replayed} are null when there are none. */
    public record Partition(int partition, long earliest, long latest, Long committed, Long replayed) {

        long position() {
            long position = earliest;
            if (committed != null) {
                position = Math.max(position, committed);
            }
            if (replayed != null) {
                position = Math.max(position, replayed);
            }
            return Math.min(position, latest);
        }
    }

    public static Backlog of(Collection<Partition> partitions) {
        Map<Integer, Long> positions = new TreeMap<>();
        long lag = 0;
        long retained = 0;
        for (Partition p : partitions) {
            long position = p.position();
            positions.put(p.partition(), position);
            lag += p.latest() - position;
            retained += p.latest() - p.earliest();
        }
        return new Backlog(Map.copyOf(positions), lag, retained);
    }

    /** The lag as a share of what the topic holds (0 for an empty topic). */
    public double share() {
        return retained == 0 ? 0 : (double) lag / retained;
    }
}
