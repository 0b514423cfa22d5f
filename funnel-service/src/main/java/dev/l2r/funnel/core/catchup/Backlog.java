package dev.l2r.funnel.core.catchup;

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
 * @param consumed  the consumer group's own offsets (committed, or the first retained), summed: it moves only as
 *                  the consumer gets past records, which is how its speed is measured
 * @param passingOver whether some partition's replay point lies ahead of the group's offset: the consumer is
 *                  passing over replayed records there, far faster than it applies them
 */
public record Backlog(Map<Integer, Long> positions, long lag, long retained, long consumed, boolean passingOver) {

    /** One partition's offsets; {@code committed} and {@code replayed} are null when there are none. */
    public record Partition(int partition, long earliest, long latest, Long committed, Long replayed) {

        long position() {
            return Math.min(replayed == null ? consumed() : Math.max(consumed(), replayed), latest);
        }

        long consumed() {
            return committed == null ? earliest : Math.max(earliest, committed);
        }

        boolean passingOver() {
            return replayed != null && replayed > consumed() && consumed() < latest;
        }
    }

    public static Backlog of(Collection<Partition> partitions) {
        Map<Integer, Long> positions = new TreeMap<>();
        long lag = 0;
        long retained = 0;
        long consumed = 0;
        boolean passingOver = false;
        for (Partition p : partitions) {
            long position = p.position();
            positions.put(p.partition(), position);
            lag += p.latest() - position;
            retained += p.latest() - p.earliest();
            consumed += p.consumed();
            passingOver |= p.passingOver();
        }
        return new Backlog(Map.copyOf(positions), lag, retained, consumed, passingOver);
    }

    /** The lag as a share of what the topic holds (0 for an empty topic). */
    public double share() {
        return retained == 0 ? 0 : (double) lag / retained;
    }
}
