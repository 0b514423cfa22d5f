package dev.l2r.lead.intake;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One refused item of a batch: its 0-based {@code index} in a JSON array, or its 1-based {@code line} in an
 * NDJSON or CSV body (the CSV header is line 1), the field at fault and why.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Rejection(Long index, Long line, String field, String error) {

    /** Where an item sits in its body. */
    public record Position(Long index, Long line) {
        public static Position index(long index) {
            return new Position(index, null);
        }

        public static Position line(long line) {
            return new Position(null, line);
        }
    }

    public static Rejection at(Position position, String field, String error) {
        return new Rejection(position.index(), position.line(), field, error);
    }
}
