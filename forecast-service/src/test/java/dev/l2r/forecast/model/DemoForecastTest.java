package dev.l2r.forecast.model;

import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.tools.demo.DemoHistory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The forecast on the demo's history ({@code bin/l2r up --demo}: seed 1, 8,000 leads, two years to 2026-12-07).
 * The demo's leads stall for good in a stage 4% of the time at each step; before {@link StaleStays}, a lead stuck
 * in KNOWN or MQL for months was read as winnable as a spell of that age (mostly deals long since in OPPORTUNITY),
 * and the forecast ran about 2.5 times too high: its own past 90-day forecasts won a median 0.47 of what they said,
 * this quarter's expected attainment was 1.57 M EUR against a target of 710 k (last year's same quarter, 610 k,
 * plus 15%), and the 15-day band was 0.04 M–13.8 M.
 */
@Tag("slow")
class DemoForecastTest {

    static final LocalDate TODAY = LocalDate.parse("2026-12-07");
    static final List<String> STAGES = FunnelDefinition.canonical().openStages();

    @Test
    void leadsStalledInAnEarlyStageAreNotReadAsWinnable() {
        History h = DemoData.history(1, TODAY, DemoHistory.DEFAULT_LEADS);
        Instant now = Days.plus(TODAY.atStartOfDay(java.time.ZoneOffset.UTC).toInstant(), 1.0 / 24);
        for (int back : new int[]{120, 200, 300}) {
            Instant t = Days.plus(now, -back);
            ForecastModel m = ForecastModel.train(h, t, "EUR", STAGES,
                    IntervalCoverageTest.DEFAULTS.uncalibrated().withSeasonality(false));
            Forecast f = m.forecast(90, null);
            double frameless = 0;
            double staleEarly = 0;
            double staleEarlyWon = 0;
            java.util.Map<String, Double> frames = StageTimeFrames.of(h.open(), t);
            for (Forecast.LeadLine l : f.leads()) {
                Double frame = frames.get(l.stage());
                if (frame == null) {
                    frameless += l.expectedRevenue().doubleValue();
                } else if (!l.stage().equals(FunnelDefinition.OPPORTUNITY) && l.ageDays() > frame) {
                    staleEarly += l.expectedRevenue().doubleValue();
                    for (Close c : h.closesBetween(t, Days.plus(t, 90))) {
                        staleEarlyWon += c.won() && c.leadId().equals(l.leadId()) ? c.amount().doubleValue() : 0;
                    }
                }
            }
            System.out.printf("back %d: total %s, stale early %.0f (won %.0f), frameless %.0f%n", back,
                    f.expectedRevenue(), staleEarly, staleEarlyWon, frameless);
            // they won next to nothing; the forecast now expects little of them (it expected about 1 M before)
            assertThat(staleEarly).as("%d days back", back).isLessThan(0.05 * f.expectedRevenue().doubleValue());
        }

        ForecastModel today = ForecastModel.train(h, now, "EUR", STAGES, IntervalCoverageTest.DEFAULTS);
        double[] ratios = today.calibrationRatios(90).clone();
        Arrays.sort(ratios);
        System.out.println("90-day ratios " + Arrays.toString(ratios));
        // 0.47 before
        assertThat(Quantiles.of(ratios, 0.5)).isGreaterThan(0.6);
        Forecast.Attainment a = today.attainment(new RevenueTarget(Instant.parse("2026-10-01T00:00:00Z"),
                Instant.parse("2027-01-01T00:00:00Z"), null, null, new java.math.BigDecimal("710000"), "EUR"));
        Forecast f15 = today.forecast(15, null);
        System.out.println("attainment " + a + "\n15 days " + f15.expectedRevenue() + " " + f15.p10() + " "
                + f15.p90());
        // 1.57 M before (P10-P90 0.44-9.9 M); now 1.06 M (0.60-1.65 M)
        assertThat(a.expectedAttainment().doubleValue()).isLessThan(1.1e6);
        assertThat(a.expectedAttainmentP90().doubleValue()).isLessThan(2e6);
        // the 15-day band stays wide (0.03-8.4 M about 0.54 M): the demo pushes 45% of its wins into the last week
        // of their quarter, so a fortnight inside a quarter's last month holds next to nothing or a flood, which a
        // month-of-quarter factor cannot tell apart; the band says so rather than hide it
        assertThat(f15.p10().doubleValue()).isLessThan(f15.expectedRevenue().doubleValue() / 10);
    }
}
