package dev.l2r.forecast.model;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.events.funnel.StageOutcome;
import dev.l2r.forecast.store.LiveHistory;
import dev.l2r.infra.test.Draw;
import dev.l2r.infra.test.Tries;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link KpiIndex}'s running totals answer what {@link Kpis#compute} answers over a pass of the rows
 * ({@code closesIn} and {@code openAt}, as the service asked before the index): on random histories with closes and
 * interval ends on the periods' bounds and a microsecond either side, several currencies, unpriced wins, amounts of
 * many scales and some too large for a long, corrected closes, leads without a group key, no-decision closes,
 * cycles without a start, stages outside the pipeline and intervals that never hold.
 */
class KpiIndexTest {

    private static final Instant START = Instant.parse("2024-01-01T00:00:00Z");
    private static final FunnelRoles ROLES = FunnelRoles.of(FunnelDefinition.canonical());
    private static final List<String> STAGES = FunnelDefinition.canonical().openStages();
    private static final String[] GROUP_BY = {null, "channel", "segment", "owner", "campaign"};

    record Drawn(History history, List<Instant[]> periods) {
    }

    @Test
    void theRunningTotalsAnswerAsThePassOverTheRows() {
        Tries.forAll(200, KpiIndexTest::draw, drawn -> {
            History h = drawn.history();
            LiveHistory.Rows rows = new LiveHistory.Rows(h.open(), h.spells(), h.closes(), h.arrivals());
            for (Instant[] p : drawn.periods()) {
                Instant end = p[1].minusNanos(1000);
                for (String groupBy : GROUP_BY) {
                    for (String currency : new String[] {"USD", "EUR", null}) {
                        Kpis.Result expected = Kpis.compute(p[0], p[1], rows.closesIn(p[0], p[1]), rows.openAt(end),
                                ROLES, currency, groupBy);
                        assertThat(h.kpiIndex().kpis(p[0], p[1], end, ROLES, currency, groupBy))
                                .as("%s to %s by %s in %s", p[0], p[1], groupBy, currency).isEqualTo(expected);
                    }
                }
            }
        });
    }

    /**
     * Worked by hand, so that an index and a reference wrong alike would fail: the period [day 10, day 20) holds the
     * close at its start, not the one at its end; at its last microsecond the interval begun then is open and the
     * one ended then is not.
     */
    @Test
    void thePeriodHoldsItsStartNotItsEnd() {
        Instant from = day(10);
        Instant to = day(20);
        Instant end = to.minusNanos(1000);
        List<Close> closes = List.of(
                new Close("a", from, StageOutcome.WON, new BigDecimal("100.10"), "USD", owner("x"), day(5)),
                new Close("b", to, StageOutcome.WON, new BigDecimal("999"), "USD", owner("x"), day(5)),
                new Close("c", from.minusNanos(1000), StageOutcome.LOST, null, null, owner("x"), null),
                new Close("d", end, StageOutcome.LOST, null, null, owner(null), null));
        List<OpenInterval> open = List.of(
                interval("e", "OPPORTUNITY", "40", end, null),
                interval("f", "OPPORTUNITY", "50", day(1), end),
                interval("g", "OPPORTUNITY", "60", day(1), to),
                interval("h", "OPPORTUNITY", "70", to, null));
        Kpis.Result k = new History(open, List.of(), closes, List.of()).kpiIndex()
                .kpis(from, to, end, ROLES, "USD", "owner");
        assertThat(k.won()).isEqualTo(1);
        assertThat(k.lost()).isEqualTo(1);
        assertThat(k.wonRevenue()).isEqualByComparingTo("100.10");
        assertThat(k.salesCycleDays()).isEqualTo(5.0);
        assertThat(k.openOpportunities()).isEqualTo(2);
        assertThat(k.pipelineValue()).isEqualByComparingTo("100");
        assertThat(k.groups()).extracting(Kpis.Figures::key).containsExactly("x", null);
        assertThat(k.groups()).extracting(Kpis.Figures::won).containsExactly(1, 0);
        assertThat(k.groups()).extracting(Kpis.Figures::lost).containsExactly(0, 1);
        assertThat(k.groups()).extracting(Kpis.Figures::openOpportunities).containsExactly(2, 0);
    }

    /**
     * Money rounds from the exact sums, half to even, in both paths: 0.20 and 0.01 average 0.105, which is 0.10
     * (a double running sum made it 0.11); 0.1 and 0.005 sum to 0.105, which is 0.10 too.
     */
    @Test
    void moneyRoundsFromTheExactSums() {
        for (String[] amounts : new String[][] {{"0.20", "0.01", "0.10", "0.21"}, {"0.1", "0.005", "0.05", "0.10"}}) {
            List<Close> closes = List.of(
                    new Close("a", day(1), StageOutcome.WON, new BigDecimal(amounts[0]), "USD", owner("x"), null),
                    new Close("b", day(2), StageOutcome.WON, new BigDecimal(amounts[1]), "USD", owner("x"), null));
            Kpis.Result fast = new History(List.of(), List.of(), closes, List.of()).kpiIndex()
                    .kpis(day(0), day(3), day(3).minusNanos(1000), ROLES, "USD", null);
            assertThat(fast.averageDealSize()).isEqualTo(new BigDecimal(amounts[2]));
            assertThat(fast.wonRevenue()).isEqualTo(new BigDecimal(amounts[3]));
            assertThat(Kpis.compute(day(0), day(3), closes, List.of(), ROLES, "USD", null)).isEqualTo(fast);
        }
    }

    /** The packed sort puts instants in order: ties, nanoseconds apart, and too far apart to pack. */
    @Test
    void rowsAreSortedByTheirInstants() {
        Tries.forAll(300, r -> {
            List<Instant> at = new ArrayList<>();
            int n = r.nextInt(50);
            for (int i = 0; i < n; i++) {
                at.add(switch (r.nextInt(5)) {
                    case 0 -> Instant.ofEpochSecond(Draw.between(r, -1_000_000_000_000L, 1_000_000_000_000L),
                            r.nextInt(1_000_000_000));
                    case 1 -> START.plusNanos(r.nextInt(3));
                    default -> moment(r).plusNanos(r.nextInt(2) * r.nextInt(1_000_000_000));
                });
            }
            return at;
        }, at -> assertThat(KpiIndex.sorted(at, t -> t)).isEqualTo(at.stream().sorted().toList()));
    }

    /** 2^17 rows spanning more seconds than fit beside their positions in a long take the comparator. */
    @Test
    void rowsTooFarApartToPackAreSortedToo() {
        Random r = new Random(Tries.seed());
        List<Instant> at = new ArrayList<>();
        at.add(Instant.MAX);
        at.add(Instant.MIN);
        while (at.size() < 1 << 17) {
            at.add(moment(r));
        }
        assertThat(KpiIndex.sorted(at, t -> t)).isEqualTo(at.stream().sorted().toList());
    }

    private static Instant day(double d) {
        return Days.plus(START, d);
    }

    private static LeadAttributes owner(String owner) {
        return new LeadAttributes(null, null, owner, null);
    }

    private static OpenInterval interval(String id, String stage, String amount, Instant from, Instant to) {
        return new OpenInterval(new OpenLead(id, stage, from, new BigDecimal(amount), "USD", owner("x")), from,
                to);
    }

    /** A whole day, or a microsecond either side of one, so that rows fall on the periods' bounds. */
    private static Instant moment(Random r) {
        Instant t = day(Draw.between(r, 0, 30));
        return switch (r.nextInt(6)) {
            case 0 -> t.minusNanos(1000);
            case 1 -> t.plusNanos(1000);
            case 2 -> t.plusSeconds(r.nextInt(86_400));
            default -> t;
        };
    }

    private static String key(Random r, String... values) {
        return r.nextInt(4) == 0 ? null : Draw.oneOf(r, values);
    }

    private static LeadAttributes attributes(Random r) {
        return new LeadAttributes(key(r, "web", "ads"), key(r, "smb", "ent", "mid"), key(r, "ann", "bob", "cy"),
                key(r, "spring", "fall"));
    }

    private static BigDecimal amount(Random r) {
        return switch (r.nextInt(8)) {
            case 0 -> null;
            case 1 -> new BigDecimal(r.nextLong(1, Long.MAX_VALUE)).scaleByPowerOfTen(r.nextInt(8) - 2);
            default -> BigDecimal.valueOf(r.nextInt(1_000_000), r.nextInt(5));
        };
    }

    private static Drawn draw(Random r) {
        List<Close> closes = new ArrayList<>();
        List<OpenInterval> open = new ArrayList<>();
        int leads = r.nextInt(40);
        for (int i = 0; i < leads; i++) {
            String id = "lead-" + i;
            LeadAttributes attributes = attributes(r);
            String currency = Draw.oneOf(r, "USD", "USD", "EUR", null);
            if (r.nextBoolean()) {
                Instant at = moment(r);
                StageOutcome outcome = Draw.oneOf(r, StageOutcome.WON, StageOutcome.WON, StageOutcome.LOST,
                        StageOutcome.NO_DECISION);
                Instant cycleStart = r.nextInt(3) == 0 ? null : at.minusSeconds(r.nextInt(90 * 86_400));
                Close c = new Close(id, at, outcome, amount(r), currency, attributes, cycleStart);
                if (r.nextInt(3) == 0) {
                    // corrected: the first version known until the correction, the latest from it
                    Instant correction = at.plusSeconds(r.nextInt(10 * 86_400) + 1);
                    closes.add(c.until(correction));
                    closes.add(c.corrected(correction, amount(r), Draw.oneOf(r, "USD", "EUR", null),
                            attributes(r)));
                } else {
                    closes.add(c);
                }
            }
            Instant from = moment(r);
            for (int k = r.nextInt(3); k > 0; k--) {
                Instant to = r.nextInt(3) == 0 ? null : r.nextInt(8) == 0 ? from : moment(r);
                if (to != null && to.isBefore(from)) {
                    to = from;
                }
                open.add(new OpenInterval(new OpenLead(id, Draw.oneOf(r, STAGES.toArray(String[]::new)), from,
                        amount(r), Draw.oneOf(r, "USD", "EUR", null), r.nextInt(4) == 0 ? attributes : attributes(r)),
                        from, to));
                if (to == null) {
                    break;
                }
                from = to;
            }
        }
        List<Instant[]> periods = new ArrayList<>();
        for (int k = 0; k < 6; k++) {
            Instant a = day(Draw.between(r, 0, 31));
            Instant b = day(Draw.between(r, 0, 31));
            periods.add(a.isAfter(b) ? new Instant[] {b, a} : new Instant[] {a, b});
        }
        return new Drawn(new History(open, List.of(), closes, List.of()), periods);
    }
}
