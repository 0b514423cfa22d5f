package dev.l2r.forecast.model;

import dev.l2r.events.LeadAttributes;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.l2r.forecast.model.ForecastModelTest.day;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Bias and per-group scores on the history of {@link BacktestTest}, the same two 10-day periods, with owners: c and
 * h are ann's, every other lead bob's. Owner plays no part in the model, so the totals are BacktestTest's.
 * <pre>
 * overall  model: p1 683.33 vs 1000, p2 1000 vs 2000   bias ((683.33−1000)/1000 + (1000−2000)/2000) / 2 = −0.408333
 *          run-rate 0 vs 1000, 1000 vs 2000           bias (−1 − 0.5) / 2 = −0.75
 *          weighted 1166.67 vs 1000, 2125 vs 2000     bias (0.166667 + 0.0625) / 2 = 0.114583
 * ann      model: c 1/3 × 1000 = 333.33 vs c's 1000; h 1/2 × 2000 = 1000 vs h's 2000
 *            mape (0.666667 + 0.5) / 2 = 0.583333, bias −0.583333
 *          run-rate 0 vs 1000 (nothing won in days 90–100), c's 1000 vs 2000: mape 0.75, bias −0.75
 *          weighted 2/3 × 1000 = 666.67 vs 1000, 3/4 × 2000 = 1500 vs 2000: mape 0.291667, bias −0.291667
 * bob      e: 7/15 × 750 = 350 in p1, 0 in p2; wins nothing in either: not scored
 * </pre>
 */
class BacktestBiasAndGroupsTest {

    static final Map<String, String> OWNERS = Map.of("c", "ann", "h", "ann");

    static LeadAttributes owned(String leadId) {
        return new LeadAttributes(null, null, OWNERS.getOrDefault(leadId, "bob"), null);
    }

    /** BacktestTest's history with each lead's owner set everywhere it appears. */
    static History withOwners() {
        History h = BacktestTest.history();
        return new History(
                h.open().stream().map(i -> new OpenInterval(new OpenLead(i.lead().leadId(), i.lead().stage(),
                        i.lead().stageSince(), i.lead().amount(), i.lead().currency(), owned(i.lead().leadId())),
                        i.validFrom(), i.validTo())).toList(),
                h.spells().stream().map(s -> new Spell(s.leadId(), s.stage(), s.enteredAt(), s.closedAt(),
                        s.outcome(), owned(s.leadId()))).toList(),
                h.closes().stream().map(c -> new Close(c.leadId(), c.closedAt(), c.outcome(), c.amount(),
                        c.currency(), owned(c.leadId()), c.cycleStart())).toList(),
                h.arrivals().stream().map(a -> new Arrival(a.leadId(), a.firstSeenAt(), a.stage(),
                        owned(a.leadId()))).toList());
    }

    static final ForecastModel.Settings SETTINGS =
            new ForecastModel.Settings(new WinModel.Settings(1, 1), 1, 0.5, 2000, 9, 0, 4);
    static final List<Backtest.Period> PERIODS = List.of(new Backtest.Period("p1", day(100), day(110)),
            new Backtest.Period("p2", day(110), day(120)));

    @Test
    void biasIsTheMeanSignedErrorAsAFractionOfActualForTheModelAndBothBaselines() {
        Backtest.Result r = Backtest.run(BacktestTest.history(), PERIODS, null, "custom", "USD",
                List.of("OPPORTUNITY"), SETTINGS);
        assertThat(r.bias()).isCloseTo(((683.33 - 1000) / 1000 - 0.5) / 2, within(1e-5));
        assertThat(r.baselines().get(0).bias()).isEqualTo(-0.75);
        assertThat(r.baselines().get(1).bias()).isCloseTo((1 / 6.0 + 0.0625) / 2, within(1e-5));
        assertThat(r.groups()).isNull();
        assertThat(r.periods()).allSatisfy(row -> assertThat(row.groups()).isNull());
    }

    @Test
    void eachGroupIsScoredOnItsOwnForecastBandAndWins() {
        Backtest.Result r = Backtest.run(withOwners(), PERIODS, null, "custom", "USD", List.of("OPPORTUNITY"),
                SETTINGS, "owner");
        // owners change nothing in the model: the totals are the ungrouped ones
        assertThat(r.mape()).isCloseTo((1 - 683.33 / 1000 + 0.5) / 2, within(1e-5));
        assertThat(r.groupBy()).isEqualTo("owner");
        assertThat(r.groups()).extracting(Backtest.GroupResult::key).containsExactly("ann", "bob");

        Backtest.GroupRow annP1 = r.periods().get(0).groups().get(0);
        assertThat(annP1.key()).isEqualTo("ann");
        assertThat(annP1.forecast().doubleValue()).isCloseTo(1000 / 3.0, within(0.006));
        assertThat(annP1.actual()).isEqualByComparingTo("1000");
        assertThat(annP1.runRate()).isEqualByComparingTo("0");
        assertThat(annP1.weightedPipeline().doubleValue()).isCloseTo(2000 / 3.0, within(0.006));
        Backtest.GroupRow bobP1 = r.periods().get(0).groups().get(1);
        assertThat(bobP1.forecast().doubleValue()).isCloseTo(350, within(0.006));
        assertThat(bobP1.actual()).isEqualByComparingTo("0");
        assertThat(bobP1.weightedPipeline().doubleValue()).isCloseTo(500, within(0.006));
        Backtest.GroupRow annP2 = r.periods().get(1).groups().get(0);
        assertThat(annP2.forecast()).isEqualByComparingTo("1000");
        assertThat(annP2.actual()).isEqualByComparingTo("2000");
        assertThat(annP2.runRate()).isEqualByComparingTo("1000");
        assertThat(annP2.weightedPipeline()).isEqualByComparingTo("1500");

        Backtest.GroupResult ann = r.groups().get(0);
        assertThat(ann.periodsScored()).isEqualTo(2);
        assertThat(ann.mape()).isCloseTo((2 / 3.0 + 0.5) / 2, within(1e-5));
        assertThat(ann.bias()).isCloseTo(-(2 / 3.0 + 0.5) / 2, within(1e-5));
        assertThat(ann.baselines().get(0).mape()).isEqualTo(0.75);
        assertThat(ann.baselines().get(0).bias()).isEqualTo(-0.75);
        assertThat(ann.baselines().get(1).mape()).isCloseTo((1 / 3.0 + 0.25) / 2, within(1e-5));
        assertThat(ann.baselines().get(1).bias()).isCloseTo(-(1 / 3.0 + 0.25) / 2, within(1e-5));
        // the group's band is the model's band for that group, and coverage counts the group's own periods
        Forecast p1 = ForecastModel.train(withOwners(), PERIODS.get(0).start().minusNanos(1000), "USD",
                List.of("OPPORTUNITY"), SETTINGS).forecast(10, "owner");
        assertThat(annP1.p10()).isEqualByComparingTo(p1.groups().get(0).p10());
        assertThat(annP1.p90()).isEqualByComparingTo(p1.groups().get(0).p90());
        long inside = r.periods().stream().map(p -> p.groups().get(0))
                .filter(g -> g.p10().compareTo(g.actual()) <= 0 && g.actual().compareTo(g.p90()) <= 0).count();
        assertThat(ann.coverage()).isEqualTo(inside / 2.0);

        Backtest.GroupResult bob = r.groups().get(1);
        assertThat(bob.periodsScored()).isZero();
        assertThat(bob.mape()).isNull();
        assertThat(bob.bias()).isNull();
        assertThat(bob.coverage()).isNull();
    }
}
