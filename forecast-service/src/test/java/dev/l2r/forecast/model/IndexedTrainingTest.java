package dev.l2r.forecast.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.l2r.events.LeadAttributes;
import dev.l2r.events.funnel.StageOutcome;
import dev.l2r.infra.test.Tries;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Training from the {@link HistoryIndex} gives exactly what training from {@link History#asOf} snapshots gave
 * (the computation before the index): on random histories — ties between entries, closes and the asOf, closes
 * corrected later, amounts in other currencies, leads without a segment — at moments before, inside and after
 * them, the whole forecast (every lead's line, the interval with its calibration, the model section), the
 * expectation, a lever's rerun and an attainment serialise to the same JSON.
 */
class IndexedTrainingTest {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final Instant START = Instant.parse("2024-01-01T00:00:00Z");
    private static final List<String> STAGES = List.of("MQL", "SQL", "OPPORTUNITY");
    private static final StageOutcome[] OUTCOMES = {StageOutcome.WON, StageOutcome.LOST, StageOutcome.NO_DECISION};

    @Test
    void theIndexTrainsTheSameModelAsTheSnapshots() {
        Tries.forAll(40, IndexedTrainingTest::history, drawn -> {
            History history = drawn.history();
            ForecastModel.Settings settings = new ForecastModel.Settings(new WinModel.Settings(3, 1), 1, 60, 200,
                    7, 12, 4, true);
            for (Instant asOf : drawn.moments()) {
                ForecastModel before = ForecastModel.trainFromSnapshots(history, asOf, "USD", STAGES, settings);
                ForecastModel now = ForecastModel.train(history, asOf, "USD", STAGES, settings);
                for (double h : new double[] {30, 90}) {
                    for (String groupBy : new String[] {null, "owner"}) {
                        assertThat(json(now.forecast(h, groupBy))).as("forecast as of %s over %s by %s", asOf, h,
                                groupBy).isEqualTo(json(before.forecast(h, groupBy)));
                    }
                    assertThat(json(now.expectation(h, "segment"))).isEqualTo(json(before.expectation(h, "segment")));
                    Levers levers = new Levers(0.1, "SQL", 0.2, 0.1, 0.3, "ch1");
                    assertThat(now.expectedRevenueUnder(h, levers)).isEqualTo(before.expectedRevenueUnder(h, levers));
                }
                RevenueTarget target = new RevenueTarget(Days.plus(asOf, -20), Days.plus(asOf, 40), "rep1", null,
                        new BigDecimal("50000"), "USD");
                assertThat(json(now.attainment(target))).isEqualTo(json(before.attainment(target)));
            }
        });
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    record Drawn(History history, List<Instant> moments) {
        @Override
        public String toString() {
            return history.spells().size() + " spells, " + history.closes().size() + " closes, moments " + moments;
        }
    }

    /** A random history over about 400 days; times on whole days half the time, so that many coincide. */
    static Drawn history(Random r) {
        List<OpenInterval> open = new ArrayList<>();
        List<Spell> spells = new ArrayList<>();
        List<Close> closes = new ArrayList<>();
        List<Arrival> arrivals = new ArrayList<>();
        List<Instant> events = new ArrayList<>();
        int leads = 20 + r.nextInt(250);
        for (int i = 0; i < leads; i++) {
            String id = "l" + r.nextInt(1_000_000) + "-" + i;
            LeadAttributes attributes = new LeadAttributes("ch" + r.nextInt(3),
                    r.nextInt(5) == 0 ? null : "seg" + r.nextInt(3), "rep" + r.nextInt(3), null);
            Instant seen = time(r, 0, 400);
            int first = r.nextInt(STAGES.size());
            arrivals.add(new Arrival(id, seen, STAGES.get(first), attributes));
            events.add(seen);
            boolean closes_ = r.nextInt(3) > 0;
            Instant closedAt = closes_ ? Days.plus(seen, r.nextBoolean() ? r.nextInt(120) : r.nextDouble() * 120)
                    : null;
            StageOutcome outcome = closes_ ? OUTCOMES[r.nextInt(3)] : null;
            Instant since = seen;
            BigDecimal amount = r.nextInt(3) == 0 ? null : BigDecimal.valueOf(100 + r.nextInt(9_000));
            String currency = amount == null ? null : r.nextInt(6) == 0 ? "EUR" : "USD";
            for (int s = first; s < STAGES.size(); s++) {
                Instant next = s + 1 < STAGES.size() && r.nextBoolean()
                        ? Days.plus(since, r.nextInt(30)) : null;
                if (next != null && closedAt != null && next.isAfter(closedAt)) {
                    next = null;
                }
                spells.add(new Spell(id, STAGES.get(s), since, closedAt, outcome, attributes));
                Instant end = next != null ? next : closedAt;
                OpenLead lead = new OpenLead(id, STAGES.get(s), since, amount, currency, attributes);
                open.add(new OpenInterval(lead, since, end));
                events.add(since);
                if (next == null) {
                    break;
                }
                since = next;
            }
            if (closedAt != null) {
                events.add(closedAt);
                Close close = new Close(id, closedAt, outcome, amount, currency, attributes, seen);
                if (r.nextInt(4) == 0) {
                    Instant corrected = Days.plus(closedAt, 1 + r.nextInt(40));
                    closes.add(close.until(corrected));
                    closes.add(close.corrected(corrected, BigDecimal.valueOf(50 + r.nextInt(5_000)), "USD",
                            attributes));
                    events.add(corrected);
                } else {
                    closes.add(close);
                }
            }
        }
        List<Instant> moments = new ArrayList<>();
        moments.add(START.minusSeconds(86_400));
        moments.add(Days.plus(START, 600));
        for (int i = 0; i < 4; i++) {
            moments.add(time(r, 30, 420));
            moments.add(events.get(r.nextInt(events.size())));
        }
        return new Drawn(new History(open, spells, closes, arrivals), moments);
    }

    private static Instant time(Random r, int from, int to) {
        return r.nextBoolean() ? Days.plus(START, from + r.nextInt(to - from))
                : Days.plus(START, from + r.nextDouble() * (to - from));
    }
}
