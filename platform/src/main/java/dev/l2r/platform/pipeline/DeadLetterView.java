package dev.l2r.platform.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A dead letter as an operator reads it: what (the record, and its event and lead when they can be read), why
 * (reason and detail), when (set aside, last failed, replayed), and where it stands.
 *
 * @param status {@code open} until a replay applied it, then {@code replayed}
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record DeadLetterView(long id, String projection, String status, String reason, String detail, String foundBy,
                             int attempts, Instant deadLetteredAt, Instant lastFailedAt, Instant replayedAt,
                             Source record) {

    public static final String OPEN = "open";
    public static final String REPLAYED = "replayed";

    /** The record as it was on the topic; {@code eventId} and {@code leadId} when the payload names them. */
    public record Source(String topic, int partition, long offset, Instant producedAt, String key,
                         Map<String, String> headers, String payload, String eventId, String leadId) {
    }

    /** A page of dead letters, oldest first; {@code nextAfter} asks for the next page ({@code after=}), if any. */
    public record Page(long open, List<DeadLetterView> deadLetters, Long nextAfter) {
    }

    /**
     * What a replay did: {@code applied} (the record is in the projection now, {@code newEvents} of it new) or
     * {@code refused} (it stays open, with the new reason).
     */
    public record Replay(String outcome, int newEvents, DeadLetterView deadLetter) {
    }
}
