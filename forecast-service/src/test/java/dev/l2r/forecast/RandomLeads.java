package dev.l2r.forecast;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.LeadDetailsChanged;
import dev.l2r.events.LeadEvent;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.TransitionKind;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Random lead histories for tests that compare two ways of answering: each lead arrives at MQL, may move to SQL and
 * an opportunity with an amount, may close (won, lost, no decision), and a won deal's amount may be corrected after.
 * Each lead's events are cut in two: {@link #first} gets a prefix, {@link #second} the rest.
 */
public final class RandomLeads {

    private static final String[] SEGMENTS = {"a", "b", null};
    private static final String[] OWNERS = {"ann", "bob", "cy"};

    public final List<LeadEvent> first = new ArrayList<>();
    public final List<LeadEvent> second = new ArrayList<>();

    /** {@code leads} leads named {@code prefix + i}, arriving over the 200 days from {@code start}. */
    public RandomLeads(Random random, String prefix, int leads, Instant start) {
        for (int i = 0; i < leads; i++) {
            lead(random, prefix + i, start);
        }
    }

    private void lead(Random random, String id, Instant start) {
        LeadAttributes attributes = new LeadAttributes(null, SEGMENTS[random.nextInt(3)], OWNERS[random.nextInt(3)],
                null);
        List<LeadEvent> events = new ArrayList<>();
        double d = random.nextDouble() * 200;
        events.add(stage(id, "MQL", at(start, d), null, attributes));
        for (String s : new String[] {"SQL", "OPPORTUNITY"}) {
            if (random.nextDouble() < 0.7) {
                d += random.nextDouble() * 20;
                events.add(stage(id, s, at(start, d), s.equals("OPPORTUNITY") ? 100 + random.nextInt(900) : null,
                        attributes));
            }
        }
        String close = null;
        if (random.nextDouble() < 0.7) {
            d += random.nextDouble() * 30;
            close = new String[] {"CLOSED_WON", "CLOSED_LOST", "NO_DECISION"}[random.nextInt(3)];
            events.add(stage(id, close, at(start, d), null, attributes));
        }
        if ("CLOSED_WON".equals(close) && random.nextBoolean()) {
            events.add(new LeadDetailsChanged(UUID.randomUUID(), 1, id, at(start, d + random.nextDouble() * 10),
                    Instant.now(), "test", null, BigDecimal.valueOf(50 + random.nextInt(900)), "USD", attributes));
        }
        int cut = random.nextInt(events.size() + 1);
        first.addAll(events.subList(0, cut));
        second.addAll(events.subList(cut, events.size()));
    }

    private static Instant at(Instant start, double days) {
        return start.plusMillis(Math.round(days * 86_400_000));
    }

    private static LeadStageChanged stage(String lead, String stage, Instant at, Integer amount,
                                          LeadAttributes attributes) {
        return new LeadStageChanged(UUID.randomUUID(), 1, lead, null, stage, TransitionKind.ADVANCE, null, at,
                Instant.now(), "test", null, null, amount == null ? null : BigDecimal.valueOf(amount),
                amount == null ? null : "USD", attributes);
    }
}
