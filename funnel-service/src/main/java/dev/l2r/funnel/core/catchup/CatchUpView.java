package dev.l2r.funnel.core.catchup;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.OptionalDouble;

/**
 * The watch's last look at the consumer's backlog, as {@code GET /api/admin/catch-up} shows it: how far behind,
 * whether that calls for a replay and why, and the speeds and estimates the choice went by (absent until measured).
 * Without a look yet (no topic, or just started) only {@code why} is given.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CatchUpView(Instant lookedAt, Long backlog, Long retained, BigDecimal share, Boolean rebuildRunning,
                          Boolean replay, String why, BigDecimal consumerEventsPerSecond,
                          BigDecimal lastRebuildEventsPerSecond, BigDecimal applyingSeconds,
                          BigDecimal replayingSeconds) {

    public static final CatchUpView NOT_YET = new CatchUpView(null, null, null, null, null, null,
            "the backlog has not been looked at yet (the topic may not exist)", null, null, null, null);

    public static CatchUpView of(Instant at, Backlog backlog, CatchUpPolicy.Decision decision) {
        return new CatchUpView(at, backlog.lag(), backlog.retained(), share(backlog), false, decision.replay(),
                decision.why(), rounded(decision.liveRate()), rounded(decision.replayRate()), rounded(decision.applyingSeconds()),
                rounded(decision.replayingSeconds()));
    }

    /** A look while a rebuild runs: the policy is not asked (that rebuild is catching up already). */
    public static CatchUpView rebuilding(Instant at, Backlog backlog) {
        return new CatchUpView(at, backlog.lag(), backlog.retained(), share(backlog), true, false,
                "a rebuild is running", null, null, null, null);
    }

    private static BigDecimal share(Backlog backlog) {
        return BigDecimal.valueOf(backlog.share()).setScale(4, RoundingMode.HALF_UP);
    }

    private static BigDecimal rounded(OptionalDouble value) {
        return value.isPresent() ? BigDecimal.valueOf(value.getAsDouble()).setScale(1, RoundingMode.HALF_UP) : null;
    }
}
