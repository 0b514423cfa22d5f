package dev.l2r.funnel.catchup;

import java.util.Locale;

/**
 * When the live consumer should stop applying its backlog poll by poll and have a rebuild replay the topic
 * instead. A rebuild reads everything the topic holds but writes each cell once, about seven times faster per
 * event than live batches when the backlog spreads over years (BENCHMARKS.md); live batches cost in proportion to
 * the backlog. So a replay pays off once the backlog is a large enough share of the topic, and is worth its
 * disruption (queries answer from the previous state until it swaps in) only when the backlog is large at all.
 *
 * @param minLag   replay only from this many records behind
 * @param minShare and only when the backlog is at least this share of what the topic holds
 */
public record CatchUpPolicy(boolean enabled, long minLag, double minShare) {

    public CatchUpPolicy {
        if (minLag < 1) {
            throw new IllegalArgumentException("l2r.catch-up.min-lag must be at least 1, not " + minLag);
        }
        if (!(minShare >= 0 && minShare <= 1)) {
            throw new IllegalArgumentException("l2r.catch-up.min-share must be between 0 and 1, not " + minShare);
        }
    }

    public boolean replay(Backlog backlog) {
        return enabled && backlog.lag() >= minLag && backlog.share() >= minShare;
    }

    /** Why a replay was started, as the rebuild reports it. */
    public static String reason(Backlog backlog) {
        return String.format(Locale.ROOT, "catching up: the consumer was %,d events behind (%.1f %% of the %,d the "
                + "topic holds); replaying them is faster than applying them poll by poll", backlog.lag(),
                backlog.share() * 100, backlog.retained());
    }
}
