package dev.l2r.forecast.model;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.funnel.StageOutcome;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import static dev.l2r.forecast.model.ForecastModelTest.day;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * What a backtest period counts as won, and who it counts it for, on {@link BacktestBiasAndGroupsTest}'s owned
 * history with three more leads, none of them known before day 100: u (carl's) enters on day 100.5 and wins 50 USD
 * on day 101; v (bob's) enters then too and wins on day 102 without an amount; w (bob's) has sat in OPPORTUNITY
 * since day 99 with 5000 EUR and no spell. Period p1 (day 100 to 110), forecast just before day 100, as in
 * BacktestTest: c 1/3 of 1000 (ann), e 7/15 of 750 (bob) = 683.33; w is in another currency, so neither the model
 * nor the weighted pipeline (2/3 × (1000 + 750)) counts it.
 * <pre>
 * won in p1: c 1000 (ann), u 50 (carl), v without amount       actual 1050 from 3 won deals, 1 without amount
 * carl: nothing open or arriving at the start, so not forecast: forecast and band 0, actual 50, outside the band,
 *       MAPE |0 − 50| / 50 = 1, bias −1, coverage 0
 * </pre>
 */
class BacktestActualsTest {

    static LeadAttributes owner(String name) {
        return new LeadAttributes(null, null, name, null);
    }

    static History history() {
        History h = BacktestBiasAndGroupsTest.withOwners();
        List<OpenInterval> open = new ArrayList<>(h.open());
        List<Spell> spells = new ArrayList<>(h.spells());
        List<Close> closes = new ArrayList<>(h.closes());
        List<Arrival> arrivals = new ArrayList<>(h.arrivals());
        open.add(new OpenInterval(new OpenLead("u", "OPPORTUNITY", day(100.5), new BigDecimal("50"), "USD",
                owner("carl")), day(100.5), day(101)));
        spells.add(new Spell("u", "OPPORTUNITY", day(100.5), day(101), StageOutcome.WON, owner("carl")));
        closes.add(new Close("u", day(101), StageOutcome.WON, new BigDecimal("50"), "USD", owner("carl"), day(100.5)));
        arrivals.add(new Arrival("u", day(100.5), "OPPORTUNITY", owner("carl")));
        open.add(new OpenInterval(new OpenLead("v", "OPPORTUNITY", day(100.5), null, null, owner("bob")), day(100.5),
                day(102)));
        spells.add(new Spell("v", "OPPORTUNITY", day(100.5), day(102), StageOutcome.WON, owner("bob")));
        closes.add(new Close("v", day(102), StageOutcome.WON, null, null, owner("bob"), day(100.5)));
        arrivals.add(new Arrival("v", day(100.5), "OPPORTUNITY", owner("bob")));
        open.add(new OpenInterval(new OpenLead("w", "OPPORTUNITY", day(99), new BigDecimal("5000"), "EUR",
                owner("bob")), day(99), null));
        return new History(open, spells, closes, arrivals);
    }

    @Test
    void wonDealsWithoutAmountAreCountedApartAndOtherCurrenciesStayOutOfTheBaselines() {
        Backtest.Result r = Backtest.run(history(), List.of(BacktestBiasAndGroupsTest.PERIODS.get(0)), null,
                "custom", "USD", List.of("OPPORTUNITY"), BacktestBiasAndGroupsTest.SETTINGS, "owner");
        Backtest.Row p1 = r.periods().get(0);
        assertThat(p1.forecast().doubleValue()).isCloseTo(1000 / 3.0 + 350, within(0.006));
        assertThat(p1.actual()).isEqualByComparingTo("1050");
        assertThat(p1.actualWonDeals()).isEqualTo(3);
        assertThat(p1.actualWonWithoutAmount()).isEqualTo(1);
        assertThat(p1.openLeads()).isEqualTo(3);
        assertThat(p1.weightedPipeline().doubleValue()).isCloseTo(1750 * 2 / 3.0, within(0.006));
        assertThat(r.mape()).isCloseTo(Math.abs(683.33 - 1050) / 1050, within(1e-5));

        assertThat(p1.groups()).extracting(Backtest.GroupRow::key).containsExactly("ann", "bob", "carl");
        Backtest.GroupRow carl = p1.groups().get(2);
        assertThat(carl.forecast()).isEqualByComparingTo("0");
        assertThat(carl.p10()).isEqualByComparingTo("0");
        assertThat(carl.p90()).isEqualByComparingTo("0");
        assertThat(carl.actual()).isEqualByComparingTo("50");
        assertThat(carl.withinInterval()).isFalse();
        assertThat(carl.weightedPipeline()).isEqualByComparingTo("0");
        // bob's v won without an amount: nothing counted for bob
        assertThat(p1.groups().get(1).actual()).isEqualByComparingTo("0");
        // and bob's band starts at 0 (e is more likely lost than won): an actual of 0 lies inside it, ends included
        assertThat(p1.groups().get(1).p10()).isEqualByComparingTo("0");
        assertThat(p1.groups().get(1).withinInterval()).isTrue();
        assertThat(p1.groups().get(1).weightedPipeline().doubleValue()).isCloseTo(500, within(0.006));

        Backtest.GroupResult carlScore = r.groups().get(2);
        assertThat(carlScore.key()).isEqualTo("carl");
        assertThat(carlScore.periodsScored()).isEqualTo(1);
        assertThat(carlScore.mape()).isEqualTo(1.0);
        assertThat(carlScore.bias()).isEqualTo(-1.0);
        assertThat(carlScore.coverage()).isEqualTo(0.0);
    }
}
