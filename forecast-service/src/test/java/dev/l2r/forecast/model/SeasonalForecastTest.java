package dev.l2r.forecast.model;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.funnel.StageOutcome;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The quarter's calendar inside the forecast, on {@link SeasonalityTest}'s half year of wins (factors 0.498328,
 * 0.504737, 1.971625 for a quarter's months). Two open leads of 1000, a day in their stage: in A (one spell won
 * at 2 days, one lost at 4) a lead a day old wins with 1/2, in B (one spell, won at 2 days) with 1. Every chance of
 * winning in the horizon is scaled by the horizon's factor, and stays a chance: at most 1.
 * <pre>
 * July (31 days, factor 0.498328):   A 0.249164 × 1000, B 0.498328 × 1000              = 747.49
 * September (30 days, 1.971625):     A min(1, 0.985812) × 1000, B min(1, 1.971625) × 1000 = 1985.81
 * </pre>
 */
class SeasonalForecastTest {

    static final Instant JULY = Instant.parse("2030-07-01T00:00:00Z");
    static final Instant SEPTEMBER = Instant.parse("2030-09-01T00:00:00Z");

    static History history(Instant asOf) {
        Instant start = Instant.parse("2030-01-01T00:00:00Z");
        List<Spell> spells = List.of(
                new Spell("a1", "A", start, Days.plus(start, 2), StageOutcome.WON, LeadAttributes.NONE),
                new Spell("a2", "A", start, Days.plus(start, 4), StageOutcome.LOST, LeadAttributes.NONE),
                new Spell("b1", "B", start, Days.plus(start, 2), StageOutcome.WON, LeadAttributes.NONE));
        Instant since = Days.plus(asOf, -1);
        List<OpenInterval> open = List.of(
                new OpenInterval(new OpenLead("oa", "A", since, new BigDecimal("1000"), "USD", LeadAttributes.NONE),
                        since, null),
                new OpenInterval(new OpenLead("ob", "B", since, new BigDecimal("1000"), "USD", LeadAttributes.NONE),
                        since, null));
        return new History(open, spells, SeasonalityTest.wins(new int[]{10, 10, 70, 20, 20, 50},
                SeasonalityTest.HALF_YEAR), List.of());
    }

    static ForecastModel model(Instant asOf, boolean seasonality) {
        return ForecastModel.train(history(asOf), asOf, "USD", List.of("A", "B"),
                new ForecastModel.Settings(new WinModel.Settings(1, 1), 1, 90, 10, 1, 0, 4, seasonality));
    }

    @Test
    void aQuietMonthScalesEveryChanceDown() {
        Forecast july = model(JULY, true).forecast(31, null);
        assertThat(july.model().seasonality().used()).isTrue();
        assertThat(july.model().seasonality().horizonFactor()).isEqualTo(0.4983);
        assertThat(july.byStage()).extracting(l -> l.expectedRevenue().doubleValue()).containsExactly(249.16, 498.33);
        assertThat(july.expectedRevenue()).isEqualByComparingTo("747.49");
        Forecast off = model(JULY, false).forecast(31, null);
        assertThat(off.expectedRevenue()).isEqualByComparingTo("1500");
        // a lever pulls on the seasonal chance: conversion × 3 makes A's 0.249164 three times that, B's 0.498328
        // is cut at 1
        assertThat(model(JULY, true).expectedRevenueUnder(31, new Levers(2.0, null, 0, 0, 0, null)))
                .isCloseTo(747.491 + 1000, within(0.01));
    }

    @Test
    void aBusyMonthScalesChancesUpToOneAtMost() {
        Forecast september = model(SEPTEMBER, true).forecast(30, null);
        assertThat(september.model().seasonality().horizonFactor()).isEqualTo(1.9716);
        assertThat(september.byStage()).extracting(l -> l.expectedRevenue().doubleValue())
                .containsExactly(985.81, 1000.0);
        assertThat(september.expectedWonDeals()).isCloseTo(1.9858, within(1e-4));
    }

    /**
     * Attainment's band is what was won so far plus the simulated band: without the calendar, as of July, A wins
     * 1000 with 1/2 and B surely: the simulated totals are 1000 or 2000, so with June's 50 wins of 10 won so far a
     * target of 2500 from June 1st has P10 500 + 1000 and P90 500 + 2000, and is reached when B and A both win.
     */
    @Test
    void attainmentsBandIsWonSoFarPlusTheSimulatedBand() {
        ForecastModel model = ForecastModel.train(history(JULY), JULY, "USD", List.of("A", "B"),
                new ForecastModel.Settings(new WinModel.Settings(1, 1), 1, 90, 2000, 1, 0, 4, false));
        Forecast.Attainment a = model.attainment(new RevenueTarget(Instant.parse("2030-06-01T00:00:00Z"),
                Days.plus(JULY, 31), null, null, new BigDecimal("2500"), "USD"));
        assertThat(a.attainmentSoFar()).isEqualByComparingTo("500");
        assertThat(a.expectedAttainment()).isEqualByComparingTo("2000");
        assertThat(a.expectedAttainmentP10()).isEqualByComparingTo("1500");
        assertThat(a.expectedAttainmentP90()).isEqualByComparingTo("2500");
        assertThat(a.probabilityToReach()).isCloseTo(0.5, within(0.04));
    }
}
