package dev.l2r.forecast.model;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.funnel.StageOutcome;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random histories for the forecast's property tests: about 400 days of leads through three open stages, times on
 * whole days half the time (so that many coincide), closes corrected later, amounts in another currency or none,
 * leads without a segment.
 */
public final class RandomHistory {

    public static final Instant START = Instant.parse("2024-01-01T00:00:00Z");
    public static final List<String> STAGES = List.of("MQL", "SQL", "OPPORTUNITY");
    private static final StageOutcome[] OUTCOMES = {StageOutcome.WON, StageOutcome.LOST, StageOutcome.NO_DECISION};

    private RandomHistory() {
    }

    /** A history and moments to ask it at (before it, after it, inside it, and at some of its events). */
    public record Drawn(History history, List<Instant> moments) {
        @Override
        public String toString() {
            return history.spells().size() + " spells, " + history.closes().size() + " closes, moments " + moments;
        }
    }

    /** Rows being drawn, and the instants of their events. */
    public static final class Rows {
        public final List<OpenInterval> open = new ArrayList<>();
        public final List<Spell> spells = new ArrayList<>();
        public final List<Close> closes = new ArrayList<>();
        public final List<Arrival> arrivals = new ArrayList<>();
        public final List<Instant> events = new ArrayList<>();

        public History history() {
            return new History(open, spells, closes, arrivals);
        }
    }

    public static Drawn draw(Random r) {
        Rows rows = new Rows();
        int leads = 20 + r.nextInt(250);
        for (int i = 0; i < leads; i++) {
            lead(r, "l" + r.nextInt(1_000_000) + "-" + i, 0, rows);
        }
        List<Instant> moments = new ArrayList<>();
        moments.add(START.minusSeconds(86_400));
        moments.add(Days.plus(START, 600));
        for (int i = 0; i < 4; i++) {
            moments.add(time(r, 30, 420));
            moments.add(rows.events.get(r.nextInt(rows.events.size())));
        }
        return new Drawn(rows.history(), moments);
    }

    /** One lead's rows, first seen {@code from} days or more after the start. */
    public static void lead(Random r, String id, int from, Rows rows) {
        LeadAttributes attributes = new LeadAttributes("ch" + r.nextInt(3),
                r.nextInt(5) == 0 ? null : "seg" + r.nextInt(3), "rep" + r.nextInt(3), null);
        Instant seen = time(r, from, Math.max(from + 1, 400));
        int first = r.nextInt(STAGES.size());
        rows.arrivals.add(new Arrival(id, seen, STAGES.get(first), attributes));
        rows.events.add(seen);
        boolean closes = r.nextInt(3) > 0;
        Instant closedAt = closes ? Days.plus(seen, r.nextBoolean() ? r.nextInt(120) : r.nextDouble() * 120) : null;
        StageOutcome outcome = closes ? OUTCOMES[r.nextInt(3)] : null;
        Instant since = seen;
        BigDecimal amount = r.nextInt(3) == 0 ? null : BigDecimal.valueOf(100 + r.nextInt(9_000));
        String currency = amount == null ? null : r.nextInt(6) == 0 ? "EUR" : "USD";
        for (int s = first; s < STAGES.size(); s++) {
            Instant next = s + 1 < STAGES.size() && r.nextBoolean() ? Days.plus(since, r.nextInt(30)) : null;
            if (next != null && closedAt != null && next.isAfter(closedAt)) {
                next = null;
            }
            rows.spells.add(new Spell(id, STAGES.get(s), since, closedAt, outcome, attributes));
            Instant end = next != null ? next : closedAt;
            OpenLead lead = new OpenLead(id, STAGES.get(s), since, amount, currency, attributes);
            rows.open.add(new OpenInterval(lead, since, end));
            rows.events.add(since);
            if (next == null) {
                break;
            }
            since = next;
        }
        if (closedAt != null) {
            rows.events.add(closedAt);
            Close close = new Close(id, closedAt, outcome, amount, currency, attributes, seen);
            if (r.nextInt(4) == 0) {
                Instant corrected = Days.plus(closedAt, 1 + r.nextInt(40));
                rows.closes.add(close.until(corrected));
                rows.closes.add(close.corrected(corrected, BigDecimal.valueOf(50 + r.nextInt(5_000)), "USD",
                        attributes));
                rows.events.add(corrected);
            } else {
                rows.closes.add(close);
            }
        }
    }

    public static Instant time(Random r, int from, int to) {
        return r.nextBoolean() ? Days.plus(START, from + r.nextInt(to - from))
                : Days.plus(START, from + r.nextDouble() * (to - from));
    }
}
