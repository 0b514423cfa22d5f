package dev.l2r.platform.pipeline;

import java.util.Arrays;

/**
 * Why a record was set aside: one of a few reasons (a metric tag, a header, a column) and the words an operator
 * reads. Both consumers give the same record the same refusal, word for word.
 */
public record Refusal(Reason reason, String detail) {

    /** The reasons, most telling first: a record with several problems is filed under the first of them. */
    public enum Reason {
        /**
         * A kind of event (header l2r-event-type) this consumer does not read: a producer newer than the consumer.
         * Set aside, not misread and not fatal; replayed once the consumer is upgraded.
         */
        UNKNOWN_TYPE("unknown_type"),
        /** No payload at all (a tombstone) or only white space. */
        EMPTY("empty"),
        /** Not JSON, or JSON that is not an object. */
        UNREADABLE("unreadable"),
        /** schemaVersion missing or not the one this code reads. */
        SCHEMA_VERSION("schema_version"),
        /** A field the contract requires is absent, null or blank. */
        MISSING_FIELD("missing_field"),
        /** A negative amount, or an amount without its currency. */
        INVALID_AMOUNT("invalid_amount"),
        /** A currency that is not an ISO 4217 code. */
        INVALID_CURRENCY("invalid_currency"),
        /** Any other breach of the contract (a type, a format, a length, an unknown kind). */
        INVALID_FIELD("invalid_field"),
        /** Readable, but the projection refused it again and again. */
        APPLY_FAILED("apply_failed");

        private final String tag;

        Reason(String tag) {
            this.tag = tag;
        }

        /** The value in metrics, headers and the API. */
        public String tag() {
            return tag;
        }

        public static Reason ofTag(String tag) {
            return Arrays.stream(values()).filter(r -> r.tag.equals(tag)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no dead-letter reason " + tag));
        }
    }
}
