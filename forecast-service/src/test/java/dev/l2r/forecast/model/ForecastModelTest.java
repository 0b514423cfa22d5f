package dev.l2r.forecast.model;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.funnel.StageOutcome;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.l2r.events.funnel.StageOutcome.LOST;
import static dev.l2r.events.funnel.StageOutcome.NO_DECISION;
import static dev.l2r.events.funnel.StageOutcome.WON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A pipeline small enough to work by hand. Six leads reached OPPORTUNITY (day numbers from 2025-01-01):
 * a on day 10, won day 12 for 600; b on 20, lost 23; c on 97, still open with 1000; d on 30, won 35 for 900;
 * e on 98, still open without an amount, segment x; f on 40, no decision on 48. As of day 100 the spells are
 * 2W, 2c, 3L, 3c, 5W, 8N, so
 * <pre>
 *   t  at risk  S(t)          F_won(t)
 *   2  6        5/6           1/6
 *   3  4        5/8           1/6
 *   5  2        5/16          1/6 + 5/8·1/2 = 23/48
 *   8  1        0             23/48
 * </pre>
 * Over 3 days: c (age 3) wins with (23/48 − 8/48) / (5/8) = 1/2 and is worth 1000; e (age 2) with
 * (23/48 − 8/48) / (5/6) = 3/8, worth the average won deal (600 + 900) / 2 = 750. Expected: 500 + 281.25.
 */
class ForecastModelTest {

    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    static final Instant AS_OF = day(100);
    static final List<String> STAGES = List.of("MQL", "SQL", "OPPORTUNITY");

    static Instant day(double d) {
        return Days.plus(T0, d);
    }

    static LeadAttributes segment(String s) {
        return new LeadAttributes(null, s, s == null ? null : "owner-" + s, null);
    }

    static History history(List<OpenLead> extraOpen) {
        List<Spell> spells = new ArrayList<>();
        List<Close> closes = new ArrayList<>();
        List<Arrival> arrivals = new ArrayList<>();
        Object[][] leads = {
                {"a", 10.0, 12.0, WON, "600"}, {"b", 20.0, 23.0, LOST, null}, {"c", 97.0, null, null, "1000"},
                {"d", 30.0, 35.0, WON, "900"}, {"e", 98.0, null, null, null}, {"f", 40.0, 48.0, NO_DECISION, null}};
        List<OpenInterval> open = new ArrayList<>();
        for (Object[] l : leads) {
            String id = (String) l[0];
            LeadAttributes attrs = segment(id.equals("e") ? "x" : null);
            Instant entered = day((Double) l[1]);
            Instant closed = l[2] == null ? null : day((Double) l[2]);
            BigDecimal amount = l[4] == null ? null : new BigDecimal((String) l[4]);
            spells.add(new Spell(id, "OPPORTUNITY", entered, closed, (StageOutcome) l[3], attrs));
            arrivals.add(new Arrival(id, entered, "OPPORTUNITY", attrs));
            if (closed != null) {
                closes.add(new Close(id, closed, (StageOutcome) l[3], amount, amount == null ? null : "USD", attrs,
                        entered));
            } else {
                open.add(new OpenInterval(new OpenLead(id, "OPPORTUNITY", entered, amount,
                        amount == null ? null : "USD", attrs), entered, null));
            }
        }
        extraOpen.forEach(o -> open.add(new OpenInterval(o, o.stageSince(), null)));
        return new History(open, spells, closes, arrivals);
    }

    static ForecastModel.Settings settings(double arrivalWindowDays, int simulations, long seed) {
        return new ForecastModel.Settings(new WinModel.Settings(1, 1), 1, arrivalWindowDays, simulations, seed, 0, 4);
    }

    static ForecastModel model(double arrivalWindowDays, int simulations, long seed) {
        return ForecastModel.train(history(List.of()), AS_OF, "USD", STAGES,
                settings(arrivalWindowDays, simulations, seed));
    }

    @Test
    void expectedRevenueIsTheSumOfValueTimesConditionalWinProbability() {
        Forecast f = model(0.5, 1000, 1).forecast(3, null);
        assertThat(f.expectedRevenue()).isEqualByComparingTo("781.25");
        assertThat(f.expectedWonDeals()).isEqualTo(0.875);
        Forecast.StageLine opp = f.byStage().get(2);
        assertThat(opp.stage()).isEqualTo("OPPORTUNITY");
        assertThat(opp.openLeads()).isEqualTo(2);
        assertThat(opp.pipelineValue()).isEqualByComparingTo("1000");
        assertThat(opp.meanWinProbability()).isEqualTo(0.4375);
        assertThat(opp.levels()).isEqualTo(Map.of(WinModel.Level.ALL_SEGMENTS, 2));
        assertThat(f.byStage().get(0).openLeads()).isZero();
        assertThat(f.model().values()).isEqualTo(Map.of(DealValues.Source.AMOUNT, 1,
                DealValues.Source.OVERALL_AVERAGE, 1));
        assertThat(f.model().closedSpells()).isEqualTo(4);
        assertThat(f.newLeads().expectedRevenue()).isEqualByComparingTo("0");

        Forecast.LeadLine c = f.leads().stream().filter(l -> l.leadId().equals("c")).findFirst().orElseThrow();
        assertThat(c.winProbability()).isEqualTo(0.5);
        assertThat(c.ageDays()).isEqualTo(3.0);
        assertThat(c.expectedRevenue()).isEqualByComparingTo("500");
        Forecast.LeadLine e = f.leads().stream().filter(l -> l.leadId().equals("e")).findFirst().orElseThrow();
        assertThat(e.winProbability()).isEqualTo(0.375);
        assertThat(e.value()).isEqualByComparingTo("750");
        assertThat(e.valueSource()).isEqualTo(DealValues.Source.OVERALL_AVERAGE);
    }

    @Test
    void newLeadsArriveAtTheRecentRateAndWinInTheTimeTheyHaveLeft() {
        // all six arrivals lie in the 90 days before day 100 (the window is cut to the 90 days of history):
        // rate 6/90 a day; each wins within the 6-day horizon on average ∫_0^6 F_won / 6, where
        // ∫_0^6 F_won = 3·(1/6) + 1·(23/48) = 47/48; expected wins = 6/90 · 47/48, worth 750 each
        Forecast f = model(90, 1000, 1).forecast(6, null);
        double wins = 6.0 / 90 * 47.0 / 48;
        assertThat(f.newLeads().leadsInWindow()).isEqualTo(6);
        assertThat(f.newLeads().windowDays()).isEqualTo(90.0);
        assertThat(f.newLeads().expectedLeads()).isEqualTo(0.4);
        assertThat(f.newLeads().expectedWonDeals()).isCloseTo(wins, within(1e-4));
        assertThat(f.newLeads().expectedRevenue().doubleValue()).isCloseTo(wins * 750, within(0.005));
        // open leads over 6 days: c (age 3) still 1/2; e (age 2): (23/48 − 8/48) / (5/6) = 3/8
        assertThat(f.expectedRevenue().doubleValue()).isCloseTo(500 + 281.25 + wins * 750, within(0.005));
    }

    @Test
    void theSimulationIsSeededAndCentredOnTheExpectation() {
        Forecast once = model(0.5, 20_000, 7).forecast(3, null);
        Forecast again = model(0.5, 20_000, 7).forecast(3, null);
        assertThat(again.p10()).isEqualTo(once.p10());
        assertThat(again.p50()).isEqualTo(once.p50());
        assertThat(again.p90()).isEqualTo(once.p90());
        assertThat(again.simulated()).isEqualTo(once.simulated());
        // outcomes: nothing (p 0.3125), e alone for 600 or 900, c alone for 1000 (0.3125), both for 1600 or 1900;
        // P(total ≤ 1000) = 0.8125 < 0.9 ≤ P(total ≤ 1600) = 0.90625
        assertThat(once.p10()).isEqualByComparingTo("0");
        assertThat(once.p90()).isEqualByComparingTo("1600");
        double mean = java.util.Arrays.stream(once.simulated()).average().orElseThrow();
        // standard deviation of one draw is 625, so 20,000 draws put the mean within 4.4 of 781.25 (1 SE)
        assertThat(mean).isCloseTo(781.25, within(20.0));
        assertThat(model(0.5, 20_000, 8).forecast(3, null).simulated()).isNotEqualTo(once.simulated());
    }

    @Test
    void groupsSplitTheSameTotal() {
        Forecast f = model(0.5, 1000, 1).forecast(3, "segment");
        assertThat(f.groups()).extracting(Forecast.GroupLine::key).containsExactly("x", null);
        assertThat(f.groups().get(0).expectedRevenue()).isEqualByComparingTo("281.25");
        assertThat(f.groups().get(1).expectedRevenue()).isEqualByComparingTo("500");
    }

    @Test
    void amountsInAnotherCurrencyAreLeftOutAndCounted() {
        OpenLead euro = new OpenLead("g", "OPPORTUNITY", day(99), new BigDecimal("5000"), "EUR", segment(null));
        Forecast f = ForecastModel.train(history(List.of(euro)), AS_OF, "USD", STAGES,
                settings(0.5, 100, 1)).forecast(3, null);
        assertThat(f.expectedRevenue()).isEqualByComparingTo("781.25");
        assertThat(f.model().excludedOtherCurrency()).isEqualTo(1);
    }

    @Test
    void attainmentAddsWonSoFarToWhatTheRestOfThePeriodIsExpectedToWin() {
        ForecastModel model = model(0.5, 20_000, 3);
        RevenueTarget target = new RevenueTarget(day(0), day(120), null, null, new BigDecimal("3000"), "USD");
        Forecast.Attainment a = model.attainment(target);
        // won so far: 600 + 900; by day 120 c and e add 500 + 281.25 (no win comes later than 5 days in)
        assertThat(a.attainmentSoFar()).isEqualByComparingTo("1500");
        assertThat(a.expectedAttainment()).isEqualByComparingTo("2281.25");
        assertThat(a.gap()).isEqualByComparingTo("718.75");
        // reaching 3000 takes both deals (1600 or 1900): probability 0.5 · 0.375 = 0.1875
        assertThat(a.probabilityToReach()).isCloseTo(0.1875, within(0.01));

        Forecast.Attainment x = model.attainment(new RevenueTarget(day(0), day(120), null, "x",
                new BigDecimal("500"), "USD"));
        assertThat(x.attainmentSoFar()).isEqualByComparingTo("0");
        assertThat(x.expectedAttainment()).isEqualByComparingTo("281.25");

        Forecast.Attainment euro = model.attainment(new RevenueTarget(day(0), day(120), null, null,
                new BigDecimal("500"), "EUR"));
        assertThat(euro.expectedAttainment()).isNull();
        assertThat(euro.note()).contains("EUR").contains("USD");

        // a period already over: only what was won in it counts
        Forecast.Attainment past = model.attainment(new RevenueTarget(day(0), day(20), null, null,
                new BigDecimal("1000"), "USD"));
        assertThat(past.expectedAttainment()).isEqualByComparingTo("600");
        assertThat(past.probabilityToReach()).isEqualTo(0.0);
    }

    @Test
    void eventsAfterAsOfChangeNothing() {
        Forecast before = model(90, 500, 5).forecast(30, "segment");
        History later = history(List.of(new OpenLead("late", "OPPORTUNITY", day(101), new BigDecimal("70000"), "USD",
                segment("x"))));
        List<Spell> spells = new ArrayList<>(later.spells());
        spells.add(new Spell("late", "OPPORTUNITY", day(101), day(102), WON, segment("x")));
        List<Close> closes = new ArrayList<>(later.closes());
        closes.add(new Close("late", day(102), WON, new BigDecimal("70000"), "USD", segment("x"), day(101)));
        List<Arrival> arrivals = new ArrayList<>(later.arrivals());
        arrivals.add(new Arrival("late", day(101), "OPPORTUNITY", segment("x")));
        History withLater = new History(later.open(), spells, closes, arrivals);
        Forecast after = ForecastModel.train(withLater, AS_OF, "USD", STAGES, settings(90, 500, 5))
                .forecast(30, "segment");
        assertThat(after).usingRecursiveComparison().isEqualTo(before);
    }
}
