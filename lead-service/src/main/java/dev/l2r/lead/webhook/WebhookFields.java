package dev.l2r.lead.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.l2r.lead.intake.Reason;
import dev.l2r.lead.intake.RejectedInput;

import java.math.BigDecimal;

/**
 * Reads one value of a sender's payload whatever the payload holds: a missing or null value is null, a value of
 * the wrong kind, too long, or with control characters is a refusal naming its path ({@code [3].objectId}), never
 * an exception of another type. Values are bounded like REST's (200 characters), so that no problem answer
 * echoes an unbounded value and nothing unstorable reaches the database.
 */
public final class WebhookFields {

    /** The longest text L2R reads from a payload, as REST's ids and names. */
    public static final int MAX_LENGTH = 200;

    private WebhookFields() {
    }

    /** A scalar as text (a number's digits, a boolean's word), or null when absent or null. */
    public static String text(JsonNode parent, String name, String path) {
        JsonNode value = parent == null ? null : parent.get(name);
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        if (value.isContainerNode()) {
            throw invalid(path, "must be a string, not " + (value.isArray() ? "an array" : "an object"));
        }
        return checked(value.asText(), path);
    }

    /** Like {@link #text} but blank counts as absent. */
    public static String nonBlank(JsonNode parent, String name, String path) {
        String value = text(parent, name, path);
        return value == null || value.isBlank() ? null : value;
    }

    /** A text read some other way (a map key, a header), checked like every other. */
    public static String checked(String value, String path) {
        if (value.length() > MAX_LENGTH) {
            throw invalid(path, "must be at most " + MAX_LENGTH + " characters");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw invalid(path, "must not contain control characters");
        }
        return value;
    }

    /** A number, or a string holding one (some senders quote them); null when absent or null. */
    public static BigDecimal number(JsonNode parent, String name, String path) {
        JsonNode value = parent == null ? null : parent.get(name);
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        if (value.isNumber()) {
            if (value.isFloatingPointNumber() && !value.isBigDecimal() && !Double.isFinite(value.doubleValue())) {
                throw invalid(path, "must be a finite number");
            }
            return value.decimalValue();
        }
        if (value.isTextual()) {
            String text = value.asText().trim();
            // BigDecimal reads exponents of any size; the length bound keeps it from reading a megabyte of digits
            if (text.length() <= MAX_LENGTH && text.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d{1,9})?")) {
                return new BigDecimal(text);
            }
        }
        throw invalid(path, "must be a number");
    }

    private static RejectedInput invalid(String path, String error) {
        return RejectedInput.badRequest(Reason.INVALID, path, error);
    }
}
