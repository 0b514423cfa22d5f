package dev.l2r.forecast.store;

import dev.l2r.events.LeadAttributes;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One instance per distinct stage, currency and set of lead attributes read from the projection. A million leads'
 * rows (open intervals, spells, closes, arrivals) repeat a few hundred such values millions of times: read as they
 * come, each row held its own copies (gigabytes at that size), and every lookup keyed by them (the model's cells, a
 * stage's frame) compared their characters instead of finding the very instance it was keyed by.
 */
final class SharedValues {

    /** Past this many distinct values of a kind, new ones are kept as read (a campaign per lead cannot fill the heap). */
    static final int MAX = 100_000;

    private final Map<String, String> texts = new ConcurrentHashMap<>();
    private final Map<LeadAttributes, LeadAttributes> attributes = new ConcurrentHashMap<>();

    String text(String value) {
        return value == null ? null : shared(texts, value);
    }

    /** The attributes with each value shared, themselves shared. */
    LeadAttributes attributes(String channel, String segment, String owner, String campaign) {
        return shared(attributes, new LeadAttributes(text(channel), text(segment), text(owner), text(campaign)));
    }

    private static <T> T shared(Map<T, T> kept, T value) {
        T known = kept.get(value);
        if (known != null) {
            return known;
        }
        if (kept.size() >= MAX) {
            return value;
        }
        T raced = kept.putIfAbsent(value, value);
        return raced == null ? value : raced;
    }
}
