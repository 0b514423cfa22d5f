package dev.l2r.funnel.core.catchup;


import java.util.Locale;
import java.util.OptionalDouble;

/**
 * When the live consumer should stop applying its backlog poll by poll and have a rebuild replay the topic
 * instead. A rebuild reads everything the topic holds but writes each cell once, several times faster per event
 * than live batches when the backlog spreads over years (BENCHMARKS.md); live batches cost in proportion to the
 * backlog. So a replay pays off once the backlog is a large enough share of the topic, and is worth its
 * disruption (queries answer from the previous state until it swaps in) only when the backlog is large at all.
 * <p>
 * Where that share lies is measured, not guessed, once both speeds are known: the consumer's own rate through a
 * backlog ({@link LiveRate}) and the last rebuild's, if it read at least {@code minLag} events. Applying a
 * backlog of L records at v events/s while intake adds i takes L / (v − i); replaying the N records the topic
 * holds at r takes N / r, and the records that arrive meanwhile are applied after it, which stretches it by
 * v / (v − i). The intake cancels out: a replay is faster when L / N exceeds v / r. It is started when faster by
 * at least {@code minSpeedUp}. Until both speeds are known, a replay needs the backlog to be {@code minShare} of
 * the topic.
 *
 * @param minLag     replay only from this many records behind
 * @param minShare   without measured speeds, only when the backlog is at least this share of the topic
 * @param minSpeedUp with measured speeds, only when a replay is estimated this many times faster
 */
public record CatchUpPolicy(boolean enabled, long minLag, double minShare, double minSpeedUp) {

    public CatchUpPolicy {
        if (minLag < 1) {
            throw new IllegalArgumentException("l2r.catch-up.min-lag must be at least 1, not " + minLag);
        }
        if (!(minShare >= 0 && minShare <= 1)) {
            throw new IllegalArgumentException("l2r.catch-up.min-share must be between 0 and 1, not " + minShare);
        }
        if (!(minSpeedUp >= 1 && minSpeedUp < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("l2r.catch-up.min-speed-up must be at least 1, not " + minSpeedUp);
        }
    }

    /**
     * What the policy made of one look at the backlog: whether to replay, why (as the rebuild and
     * {@code GET /api/admin/catch-up} report it), and the speeds and estimates it went by, where known.
     */
    public record Decision(boolean replay, String why, OptionalDouble liveRate, OptionalDouble replayRate,
                           OptionalDouble applyingSeconds, OptionalDouble replayingSeconds) {
    }

    /**
     * What the policy needs of the latest rebuild: whether it finished, how many events it read and how fast (the
     * rebuild's full status is the API's; this keeps the core free of it).
     */
    public record LastReplay(boolean finished, long eventsRead, double eventsPerSecond) {

        /** No rebuild ran, or none that finished. */
        public static final LastReplay NONE = new LastReplay(false, 0, 0);
    }

    /**
     * @param liveRate    the consumer's measured rate through a backlog, if measured
     * @param lastRebuild the latest rebuild, whose rate counts when it finished and read at least minLag events
     */
    public Decision decide(Backlog backlog, OptionalDouble liveRate, LastReplay lastRebuild) {
        OptionalDouble replayRate = replayRate(lastRebuild);
        OptionalDouble applying = divide(backlog.lag(), liveRate);
        OptionalDouble replaying = divide(backlog.retained(), replayRate);
        String behind = String.format(Locale.ROOT, "the consumer was %,d events behind (%.1f %% of the %,d the "
                + "topic holds); ", backlog.lag(), backlog.share() * 100, backlog.retained());
        boolean replay;
        String why;
        if (!enabled) {
            replay = false;
            why = behind + "catching up by replay is turned off";
        } else if (backlog.lag() < minLag) {
            replay = false;
            why = behind + String.format(Locale.ROOT, "a replay is considered from %,d", minLag);
        } else if (applying.isEmpty() || replaying.isEmpty()) {
            replay = backlog.share() >= minShare;
            why = behind + (replay ? "replaying them is faster than applying them poll by poll"
                    : String.format(Locale.ROOT, "until the speeds are measured, a replay needs %.1f %% of the topic",
                    minShare * 100));
        } else {
            double speedUp = applying.getAsDouble() / replaying.getAsDouble();
            replay = speedUp >= minSpeedUp;
            why = behind + String.format(Locale.ROOT, "replaying the topic takes an estimated %,.0f s at the last "
                    + "rebuild's %,.0f events/s, applying them poll by poll %,.0f s at the consumer's measured %,.0f "
                    + "events/s", replaying.getAsDouble(), replayRate.getAsDouble(), applying.getAsDouble(),
                    liveRate.getAsDouble())
                    + (replay ? "" : String.format(Locale.ROOT, ": %.2f times faster, not the %.2f asked for", speedUp,
                    minSpeedUp));
        }
        return new Decision(replay, replay ? "catching up: " + why : why, liveRate, replayRate, applying, replaying);
    }

    private static OptionalDouble divide(long records, OptionalDouble perSecond) {
        return perSecond.isPresent() ? OptionalDouble.of(records / perSecond.getAsDouble()) : OptionalDouble.empty();
    }

    private OptionalDouble replayRate(LastReplay last) {
        boolean measured = last.finished() && last.eventsRead() >= minLag && last.eventsPerSecond() > 0;
        return measured ? OptionalDouble.of(last.eventsPerSecond()) : OptionalDouble.empty();
    }
}
