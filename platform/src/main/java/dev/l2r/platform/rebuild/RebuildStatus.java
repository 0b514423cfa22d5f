package dev.l2r.platform.rebuild;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;

/**
 * Progress of the latest rebuild: {@code state} is IDLE (never ran), RUNNING, DONE or FAILED; {@code phase}
 * says what it is doing; {@code eventsRead} of {@code eventsTotal} (the topic's size when it started).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RebuildStatus(String state, String reason, String phase, Instant startedAt, Instant finishedAt,
                            Long eventsTotal, long eventsRead, long unreadable, long leads,
                            BigDecimal eventsPerSecond, String error) {

    public static final RebuildStatus IDLE = new RebuildStatus("IDLE", null, null, null, null, null, 0, 0, 0, null, null);

    public boolean running() {
        return "RUNNING".equals(state);
    }

    /** Events read per second from {@code started} until {@code until}, to one decimal; null before any time passed. */
    public static BigDecimal eventsPerSecond(long read, Instant started, Instant until) {
        long millis = started == null ? 0 : Duration.between(started, until).toMillis();
        return millis <= 0 ? null : BigDecimal.valueOf(read * 1000.0 / millis).setScale(1, RoundingMode.HALF_UP);
    }
}
