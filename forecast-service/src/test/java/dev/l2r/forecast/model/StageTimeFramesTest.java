package dev.l2r.forecast.model;

import dev.l2r.events.LeadAttributes;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.l2r.forecast.model.ForecastModelTest.day;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Time frames on the history of {@link BacktestTest}, as of just before day 110. Every lead is one stay in
 * OPPORTUNITY; those that had left it by then took a 2, b 3, d 5, c 7 (97 → 104) and f 8 days; e (in since 98) and
 * h (since 105) are still there. Nearest-rank p90 of five: the 5th, 8 days. e, 12 days in, is past it and is
 * expected to bring 0 in the next 10 days (older than every win, BacktestTest's p2); h, 5 days in, is not.
 */
class StageTimeFramesTest {

    static final Instant AS_OF = day(110).minusNanos(1000);

    @Test
    void theFrameIsTheP90OfTheTimeLeadsTookToLeaveTheStage() {
        assertThat(StageTimeFrames.of(BacktestTest.history().open(), AS_OF)).isEqualTo(Map.of("OPPORTUNITY", 8.0));
        // a year later every stay entered more than 365 days before: no frame
        assertThat(StageTimeFrames.of(BacktestTest.history().open(), day(500))).isEmpty();
    }

    @Test
    void theForecastCountsTheOpenLeadsPastTheFrameAndWhatTheyBring() {
        Forecast f = ForecastModel.train(BacktestTest.history(), AS_OF, "USD", List.of("OPPORTUNITY"),
                new ForecastModel.Settings(new WinModel.Settings(1, 1), 1, 0.5, 100, 9, 0, 4)).forecast(10, null);
        Forecast.StageLine line = f.byStage().get(0);
        assertThat(line.openLeads()).isEqualTo(2);
        assertThat(line.timeFrameDays()).isEqualTo(8.0);
        assertThat(line.pastTimeFrame()).isEqualTo(1);
        // e, older than every spell that ever left the stage, stands on a thin tail
        assertThat(f.model().thinTail()).isEqualTo(1);
        assertThat(f.leads()).filteredOn(Forecast.LeadLine::thinTail).extracting(Forecast.LeadLine::leadId)
                .containsExactly("e");
        assertThat(line.pastTimeFrameExpectedRevenue()).isEqualByComparingTo("0");
        // h alone brings the stage's 1000
        assertThat(line.expectedRevenue()).isEqualByComparingTo("1000");
    }

    static OpenInterval interval(String lead, String stage, double since, double from, Double to) {
        return new OpenInterval(new OpenLead(lead, stage, day(since), null, null, LeadAttributes.NONE), day(from),
                to == null ? null : day(to));
    }

    /**
     * As of day 400 (the cohort starts on day 35): a stay whose state changed on the way ends at its last interval's
     * end; a stay still going has no length yet; ten stays of 1 to 10 days have the 9th as nearest-rank p90; a stay
     * entered on day 35 is in the cohort and one a microsecond earlier is not; a stay ending at asOf has ended.
     */
    @Test
    void aStayEndsAtItsLastIntervalAndTheCohortIsTheYearBeforeAsOf() {
        List<OpenInterval> open = new ArrayList<>();
        // A: x's amount changed on day 102; it left on day 106
        open.add(interval("x", "A", 100, 100, 102.0));
        open.add(interval("x", "A", 100, 102, 106.0));
        // B: ten stays of 1..10 days
        for (int i = 1; i <= 10; i++) {
            open.add(interval("b" + i, "B", 200, 200, 200.0 + i));
        }
        // C: y changed on day 303 and is still there
        open.add(interval("y", "C", 301, 301, 303.0));
        open.add(interval("y", "C", 301, 303, null));
        // D: p entered on the cohort's first day (5 days), q a microsecond before it (10 days)
        open.add(interval("p", "D", 35, 35, 40.0));
        open.add(new OpenInterval(new OpenLead("q", "D", day(35).minusNanos(1000), null, null, LeadAttributes.NONE),
                day(35).minusNanos(1000), day(45)));
        // E: r left exactly at asOf; s leaves after it (still there as of asOf)
        open.add(interval("r", "E", 395, 395, 400.0));
        open.add(interval("s", "E", 396, 396, 420.0));
        assertThat(StageTimeFrames.of(open, day(400)))
                .isEqualTo(Map.of("A", 6.0, "B", 9.0, "D", 5.0, "E", 5.0));
    }
}
