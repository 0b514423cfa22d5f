package dev.l2r.funnel.core.catchup;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalDouble;

/**
 * How fast the live consumer gets through a backlog, measured from successive looks at it: the records its group
 * got past between two looks, per second, counted only when it had work all along (well behind at both looks)
 * and did nothing else (no replay running, no replayed records passed over). A consumer that keeps up only shows
 * the intake's rate, and one that competes with a replay or skips replayed records a rate it would not keep, so
 * such intervals leave the last measurement as it was. Successive measurements are averaged, the latest weighing
 * half, as offsets are committed every few seconds rather than continuously.
 */
public final class LiveRate {

    private final long busyLag;
    private Look last;
    private volatile double rate = Double.NaN; // read by a gauge from other threads

    private record Look(Instant at, long consumed, boolean counts) {
    }

    /** @param busyLag from how many records behind the consumer surely has work until the next look */
    public LiveRate(long busyLag) {
        if (busyLag < 1) {
            throw new IllegalArgumentException("busyLag must be at least 1, not " + busyLag);
        }
        this.busyLag = busyLag;
    }

    /** One look at the backlog, and whether a rebuild was running at it. */
    public void observe(Instant at, Backlog backlog, boolean rebuildRunning) {
        Look look = new Look(at, backlog.consumed(), backlog.lag() >= busyLag && !backlog.passingOver() && !rebuildRunning);
        if (last != null && last.counts && look.counts && look.consumed > last.consumed && at.isAfter(last.at)) {
            double seconds = Duration.between(last.at, at).toNanos() / 1e9;
            double sample = (look.consumed - last.consumed) / seconds;
            rate = Double.isNaN(rate) ? sample : (rate + sample) / 2;
        }
        last = look;
    }

    /** Records per second, once measured. */
    public OptionalDouble eventsPerSecond() {
        return Double.isNaN(rate) ? OptionalDouble.empty() : OptionalDouble.of(rate);
    }
}
