package dev.l2r.forecast.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.l2r.forecast.model.CalibrationMemo;
import dev.l2r.forecast.model.Days;
import dev.l2r.forecast.model.ForecastModel;
import dev.l2r.forecast.model.History;
import dev.l2r.forecast.model.RandomHistory;
import dev.l2r.forecast.model.WinModel;
import dev.l2r.infra.test.Tries;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.l2r.forecast.model.RandomHistory.STAGES;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calibration points kept from one revision and carried over a change give the forecast a fresh start gives: on
 * random histories held in a {@link LiveHistory}, some leads are drawn again (their rows changed at any time: the
 * points from then on must go), some leave, and leads arrive late (only points after them may go); every forecast
 * asked before the change is asked again after it, with the carried memo and with an empty one, and the two
 * serialise to the same JSON. The moment the change reports is checked against the histories themselves: as known
 * at any time before it, they hold the same rows.
 */
class CalibrationCarryOverTest {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final ForecastModel.Settings SETTINGS = new ForecastModel.Settings(new WinModel.Settings(3, 1), 1,
            60, 200, 7, 12, 4, true, true);

    record Drawn(RandomHistory.Rows before, List<String> changed, RandomHistory.Rows after, List<Instant> asks,
                 boolean lateOnly) {
        @Override
        public String toString() {
            return before.spells.size() + " spells, changed " + changed.size() + (lateOnly ? " late" : "")
                    + ", asked at " + asks;
        }
    }

    @Test
    void carriedPointsGiveWhatAFreshMemoGives() {
        AtomicInteger carried = new AtomicInteger();
        AtomicInteger made = new AtomicInteger();
        Tries.forAll(30, CalibrationCarryOverTest::draw, drawn -> {
            LiveHistory live = new LiveHistory();
            live.load(drawn.before().history());
            History first = live.rows().all();
            CalibrationMemo memo = new CalibrationMemo();
            for (Instant asOf : drawn.asks()) {
                ForecastModel.train(first, asOf, "USD", STAGES, SETTINGS, memo).forecast(90, null);
            }
            Instant changedFrom = live.replace(drawn.changed(), drawn.after().history());
            History second = live.rows().all();
            CalibrationMemo kept = memo.carriedOver(changedFrom);
            made.addAndGet(memo.size());
            carried.addAndGet(kept == memo ? memo.size() : kept.size());
            assertThat(changedFrom).as("the change is seen").isNotNull();
            for (Instant t : new Instant[] {changedFrom.minusNanos(1000), Days.plus(changedFrom, -3),
                    RandomHistory.START, Days.plus(changedFrom, -40)}) {
                assertThat(knownAt(second, t)).as("as known at %s, before the change at %s", t, changedFrom)
                        .isEqualTo(knownAt(first, t));
            }
            for (Instant asOf : drawn.asks()) {
                for (String groupBy : new String[] {null, "owner"}) {
                    String fresh = json(ForecastModel.train(second, asOf, "USD", STAGES, SETTINGS,
                            new CalibrationMemo()).forecast(90, groupBy));
                    assertThat(json(ForecastModel.train(second, asOf, "USD", STAGES, SETTINGS, kept)
                            .forecast(90, groupBy))).as("as of %s by %s, changed from %s", asOf, groupBy, changedFrom)
                            .isEqualTo(fresh);
                }
            }
        });
        assertThat(carried.get()).as("points carried over (of %s made)", made.get()).isGreaterThan(made.get() / 10);
        assertThat(carried.get()).as("points dropped").isLessThan(made.get());
    }

    static Drawn draw(Random r) {
        RandomHistory.Rows before = new RandomHistory.Rows();
        int leads = 60 + r.nextInt(200);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < leads; i++) {
            ids.add("l" + i);
            RandomHistory.lead(r, "l" + i, 0, before);
        }
        boolean lateOnly = r.nextBoolean();
        Set<String> changed = new HashSet<>();
        RandomHistory.Rows after = new RandomHistory.Rows();
        if (!lateOnly) {
            for (int i = 0; i < 1 + r.nextInt(4); i++) {
                String id = ids.get(r.nextInt(ids.size()));
                if (changed.add(id) && r.nextInt(4) > 0) {
                    RandomHistory.lead(r, id, 0, after);
                }
            }
        }
        int from = 300 + r.nextInt(100);
        for (int i = 0; i < 1 + r.nextInt(10); i++) {
            changed.add("late" + i);
            RandomHistory.lead(r, "late" + i, from, after);
        }
        List<Instant> asks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            asks.add(RandomHistory.time(r, 200, 420));
        }
        // a second question the same day, and one just before the late leads
        asks.add(asks.get(0).plusSeconds(60));
        asks.add(Days.plus(RandomHistory.START, from - 1));
        return new Drawn(before, List.copyOf(changed), after, asks, lateOnly);
    }

    /** Every row as known at {@code t} (ends and closes not come yet left out), as sets. */
    private static List<Set<String>> knownAt(History h, Instant t) {
        Set<String> open = new HashSet<>();
        h.open().stream().filter(i -> !i.validFrom().isAfter(t))
                .forEach(i -> open.add(i.lead() + " from " + i.validFrom() + " to "
                        + (i.validTo() == null || i.validTo().isAfter(t) ? "-" : i.validTo())));
        Set<String> spells = new HashSet<>();
        h.spells().stream().filter(s -> !s.enteredAt().isAfter(t))
                .forEach(s -> spells.add(s.leadId() + s.stage() + s.enteredAt() + s.outcomeAt(t)
                        + (s.closedBy(t) ? s.closedAt() : "-") + s.attributes()));
        Set<String> closes = new HashSet<>();
        h.closesBetween(Instant.EPOCH, t).forEach(c -> closes.add(c.leadId() + c.closedAt() + c.amount()
                + c.currency() + c.attributes()));
        Set<String> arrivals = new HashSet<>();
        h.arrivals().stream().filter(a -> !a.firstSeenAt().isAfter(t)).forEach(a -> arrivals.add(a.toString()));
        return List.of(open, spells, closes, arrivals);
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
