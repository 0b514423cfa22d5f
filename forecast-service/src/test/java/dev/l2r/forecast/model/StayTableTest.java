package dev.l2r.forecast.model;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.funnel.StageOutcome;
import dev.l2r.infra.test.Draw;
import dev.l2r.infra.test.Tries;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.l2r.forecast.model.StaleStaysTest.day;
import static dev.l2r.forecast.model.StaleStaysTest.in;
import static dev.l2r.forecast.model.StaleStaysTest.won;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stay table (microseconds, stays by since, won closes per stay) against the plain way (instants, every
 * interval): stage frames and stale shares alike, where the long form could go wrong: a stay ending exactly at an
 * age, an interval begun after asOf inside a stay, gaps between a stay's intervals, won closes exactly at a
 * window's ends, corrected closes known only later, stays begun after asOf.
 */
class StayTableTest {

    private static final double[] HORIZONS = {0, 7, 30, 45.25, 90};

    /** The plain way's inputs at asOf: intervals begun by then, closes made and known by then. */
    private record Case(List<OpenInterval> open, List<Close> closes, Map<String, Double> frames) {

        StaleStays plain(Instant asOf, int minStays) {
            return new StaleStays(open, known(asOf), frames, asOf, minStays);
        }

        StaleStays table(Instant asOf, int minStays) {
            StayTable table = new StayTable(open, closes);
            assertThat(table.answers(asOf)).isTrue();
            return new StaleStays(table, frames, asOf, minStays);
        }

        List<Close> known(Instant asOf) {
            return closes.stream().filter(c -> !c.closedAt().isAfter(asOf) && c.knownAt(asOf)).toList();
        }

        Map<String, Double> plainFrames(Instant asOf) {
            return StageTimeFrames.of(open.stream().filter(i -> !i.validFrom().isAfter(asOf)).toList(), asOf);
        }
    }

    /**
     * Frame 10 days in A, asOf day 100. t1 stays 0..20 in A: at age 20 it ended exactly then (not counted), at 10
     * it counts. t2's stay in A is two intervals with a gap, the second begun after asOf: it lasts to day 40. t3
     * is won exactly at 10 + 30 = 40 (counted: the window is (from, until]) and t4 exactly at 10 (not). t5 was won
     * at 45 but that close was corrected at 120 (after asOf) and a version known from 90 holds: it counts; t6's
     * win is known only from 101: it does not. t7 entered A after asOf.
     */
    @Test
    void boundariesCountAsThePlainWayCountsThem() {
        Close corrected = won("t5", 45);
        Case c = new Case(List.of(
                in("t1", "A", 0, 0, 20.0),
                in("t2", "A", 0, 0, 25.0), in("t2", "A", 0, 30, 40.0), in("t2", "A", 0, 150, null),
                in("t3", "A", 0, 0, 40.0),
                in("t4", "A", 0, 0, 50.0),
                in("t5", "A", 0, 0, 45.0),
                in("t6", "A", 0, 0, 60.0),
                in("t7", "A", 120, 120, null)),
                List.of(won("t3", 40), won("t4", 10),
                        corrected.until(day(90)), corrected.corrected(day(90), BigDecimal.ONE, "USD",
                                LeadAttributes.NONE),
                        new Close("t6", day(50), StageOutcome.WON, BigDecimal.TEN, "USD", LeadAttributes.NONE, null,
                                day(101), null)),
                Map.of("A", 10.0));
        Instant asOf = day(100);
        // age 10, h 30: all six known stays count; in (10, 40] only t3 is won (t4 at 10 is not inside)
        assertThat(c.table(asOf, 1).winWithin("A", 10, 30)).isEqualTo(1.0 / 6);
        // age 20, h 30: t1 ended exactly at 20 and is out; in (20, 50] t3 (at 40) and t5 (at 45, as corrected)
        // are won, t6's win was not known yet: 2 of 5
        assertThat(c.table(asOf, 1).winWithin("A", 20, 30)).isEqualTo(2.0 / 5);
        for (double age = 10; age <= 60; age += 0.5) {
            for (double h : HORIZONS) {
                same(c.table(asOf, 1).winWithin("A", age, h), c.plain(asOf, 1).winWithin("A", age, h),
                        "age " + age + ", h " + h);
            }
        }
        assertThat(StageTimeFrames.of(new StayTable(c.open(), c.closes()), asOf)).isEqualTo(c.plainFrames(asOf));
    }

    @Test
    void drawnHistoriesAnswerAsThePlainWayAtEveryMoment() {
        Tries.forAll(150, StayTableTest::draw, c -> {
            StayTable table = new StayTable(c.open(), c.closes());
            for (double at = 20; at <= 220; at += 25) {
                Instant asOf = day(at);
                assertThat(StageTimeFrames.of(table, asOf)).as("frames at %s", at).isEqualTo(c.plainFrames(asOf));
                for (int minStays : new int[]{1, 3}) {
                    StaleStays plain = c.plain(asOf, minStays);
                    StaleStays fast = new StaleStays(table, c.frames(), asOf, minStays);
                    for (String stage : c.frames().keySet()) {
                        for (double age = 0; age <= 120; age += 2.5) {
                            for (double h : HORIZONS) {
                                if (plain.stale(stage, age)) {
                                    same(fast.winWithin(stage, age, h), plain.winWithin(stage, age, h),
                                            "at " + at + ", " + stage + ", age " + age + ", h " + h);
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    @Test
    void aHistoryFinerThanAMicrosecondIsLeftToThePlainWay() {
        List<OpenInterval> open = List.of(in("a", "A", 0, 0, 10.0));
        assertThat(new StayTable(open, List.of()).answers(day(20))).isTrue();
        assertThat(new StayTable(open, List.of()).answers(day(20).plusNanos(1))).isFalse();
        List<OpenInterval> fine = List.of(new OpenInterval(open.get(0).lead(), day(0), day(10).plusNanos(500)));
        assertThat(new StayTable(fine, List.of()).answers(day(20))).isFalse();
        assertThat(new StayTable(open, List.of(won("a", 5).until(day(6).plusNanos(1)))).answers(day(20))).isFalse();
    }

    @Test
    void theKthSmallestIsWhatSortingPutsThere() {
        Tries.forAll(2000, random -> {
            double[] a = new double[Draw.between(random, 1, 60)];
            for (int i = 0; i < a.length; i++) {
                // few distinct values: ties everywhere, as stays of whole days have
                a[i] = Draw.between(random, 0, 8) / 2.0;
            }
            return a;
        }, a -> {
            double[] sorted = a.clone();
            java.util.Arrays.sort(sorted);
            for (int k = 0; k < a.length; k++) {
                assertThat(StageTimeFrames.smallest(a.clone(), a.length, k)).as("k %s", k).isEqualTo(sorted[k]);
            }
        });
    }

    /** The same double, NaN (too few stays) included. */
    private static void same(double actual, double expected, String where) {
        assertThat(Double.toString(actual)).as(where).isEqualTo(Double.toString(expected));
    }

    /** Leads on a grid of quarter days (so ends meet ages and windows exactly), in two stages, some won. */
    private static Case draw(Random random) {
        List<OpenInterval> open = new ArrayList<>();
        List<Close> closes = new ArrayList<>();
        int leads = Draw.between(random, 1, 25);
        for (int l = 0; l < leads; l++) {
            String lead = "l" + l;
            double t = Draw.between(random, 0, 160) / 2.0;
            int stays = Draw.between(random, 1, 3);
            for (int s = 0; s < stays; s++) {
                String stage = Draw.oneOf(random, "A", "B");
                double since = t;
                int intervals = Draw.between(random, 1, 3);
                double from = since;
                for (int i = 0; i < intervals; i++) {
                    double to = from + Draw.between(random, 0, 240) / 4.0;
                    boolean last = i == intervals - 1 && s == stays - 1;
                    open.add(in(lead, stage, since, from, last && random.nextBoolean() ? null : to));
                    // sometimes a gap before the next interval
                    from = to + (random.nextInt(3) == 0 ? Draw.between(random, 1, 40) / 4.0 : 0);
                }
                t = from;
            }
            if (random.nextInt(3) == 0) {
                double at = t + Draw.between(random, -20, 20) / 4.0;
                Close close = won(lead, at);
                if (random.nextBoolean()) {
                    double fix = at + Draw.between(random, 0, 80) / 4.0;
                    closes.add(close.until(day(fix)));
                    closes.add(close.corrected(day(fix), BigDecimal.ONE, "USD", LeadAttributes.NONE));
                } else {
                    closes.add(close);
                }
            }
        }
        Map<String, Double> frames = Map.of("A", Draw.between(random, 0, 120) / 4.0,
                "B", Draw.between(random, 0, 120) / 4.0);
        return new Case(open, closes, frames);
    }
}
