package dev.l2r.platform.problem;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * An RFC 7807 problem body ({@code application/problem+json}). {@code field} names the first offending input
 * field; {@code errors} lists every one found. {@code requestId} (an extension member) is set on the service's
 * own failures (5xx): the id its log lines carry, for a caller to quote.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String field, List<FieldError> errors,
                      String requestId) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public record FieldError(String field, String message) {
    }

    public Problem {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    /** A refusal of the client's input: no request id in the body (the response header carries it). */
    public Problem(String type, String title, int status, String detail, String field, List<FieldError> errors) {
        this(type, title, status, detail, field, errors, null);
    }
}
