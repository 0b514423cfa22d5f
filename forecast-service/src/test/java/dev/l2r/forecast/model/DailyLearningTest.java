package dev.l2r.forecast.model;

import dev.l2r.events.funnel.StageOutcome;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * On a history of {@link Learned#DAILY} leads or more, a model learns at the start of asOf's UTC day and applies
 * that to the leads open at asOf; below it, and at a day's last microsecond, at asOf itself.
 */
class DailyLearningTest {

    static final List<String> STAGES = List.of(GeneratedPipeline.STAGE);
    static final ForecastModel.Settings SETTINGS = new ForecastModel.Settings(new WinModel.Settings(30, 10), 5,
            90, 200, 42, 0, 4);
    private static History history;
    /** A day by which about 108,000 leads of {@link #generate()} were seen (96,000 by day 800). */
    static final Instant DAY = GeneratedPipeline.START.plus(900, ChronoUnit.DAYS);

    /** 120 opportunities a day for 1,000 days: at {@link #DAY} a model learns at the day's start. */
    static History generate() {
        return GeneratedPipeline.generate(11, 1000, 120, 0, 0);
    }

    @BeforeAll
    static void generateOnce() {
        history = generate();
    }

    private static ForecastModel model(Instant asOf) {
        return ForecastModel.train(history, asOf, "USD", STAGES, SETTINGS);
    }

    @Test
    void aLargeHistoryLearnsAtTheDayStartAndCountsTheLeadsOfAsOf() {
        Instant asOf = DAY.plus(15, ChronoUnit.HOURS);
        assertThat(history.asOf(DAY).arrivals()).hasSizeGreaterThanOrEqualTo(Learned.DAILY);
        Forecast f = model(asOf).forecast(90, null);
        assertThat(f.model().learnedAt()).isEqualTo(DAY);

        // by hand: the day start's model (learned at its own asOf) applied to the leads open at 15:00, at their ages
        // then, plus the arrivals of the 90 days before the day start at its rates
        ForecastModel start = model(DAY);
        assertThat(start.forecast(90, null).model().learnedAt()).isEqualTo(DAY);
        History.Snapshot now = history.asOf(asOf);
        long newToday = now.open().stream().filter(l -> l.stageSince().isAfter(DAY)).count();
        assertThat(newToday).as("leads that reached the stage since the day started").isGreaterThan(20);
        double expected = 0;
        for (OpenLead lead : now.open()) {
            double age = Days.between(lead.stageSince(), asOf);
            String segment = lead.attributes().segment();
            expected += start.winModel().cell(lead.stage(), segment, age).winWithin(age, 90)
                    * start.dealValues().of(segment, lead.amount()).mean();
        }
        List<Arrival> window = history.asOf(DAY).arrivals().stream()
                .filter(a -> !a.firstSeenAt().isBefore(Days.plus(DAY, -90))).toList();
        for (Arrival a : window) {
            String segment = a.attributes().segment();
            expected += start.winModel().cell(a.stage(), segment, 0).integratedWinFromEntry(90) / 90
                    * start.dealValues().averageFor(segment).mean();
        }
        // to the cent, but for the order of the additions
        assertThat(f.expectedRevenue().doubleValue()).isCloseTo(expected, within(0.011));
        assertThat(f.byStage().get(0).openLeads()).isEqualTo(now.open().size());
        assertThat(f.model().trainedSpells()).isEqualTo(start.forecast(90, null).model().trainedSpells())
                .isLessThan(history.asOf(asOf).spells().size());
    }

    @Test
    void theDayStartsLearningIsSharedByItsQuestions() {
        ForecastModel morning = model(DAY.plus(9, ChronoUnit.HOURS));
        ForecastModel evening = model(DAY.plus(20, ChronoUnit.HOURS));
        assertThat(evening.winModel()).isSameAs(morning.winModel());
        assertThat(evening.dealValues()).isSameAs(morning.dealValues());
        // what differs is what asOf holds: the leads open then
        assertThat(evening.openLeads()).isNotEqualTo(morning.openLeads());
        assertThat(model(DAY.plus(1, ChronoUnit.DAYS).plus(1, ChronoUnit.HOURS)).winModel())
                .isNotSameAs(morning.winModel());
    }

    @Test
    void aDaysLastMicrosecondLearnsAtItself() {
        // the moment a backtest asks at, just before its period: it knows the whole day
        Instant last = DAY.plus(1, ChronoUnit.DAYS).minus(1, ChronoUnit.MICROS);
        assertThat(model(last).forecast(90, null).model().learnedAt()).isEqualTo(last);
    }

    @Test
    void belowTheThresholdAtItsDayStartAModelLearnsAtAsOf() {
        // the same (now larger) history asked on a day when it held fewer leads: the answer for that asOf does not
        // change as the history grows past the threshold later
        Instant day = GeneratedPipeline.START.plus(800, ChronoUnit.DAYS);
        assertThat(history.asOf(day).arrivals()).hasSizeLessThan(Learned.DAILY);
        Instant asOf = day.plus(15, ChronoUnit.HOURS);
        Forecast f = model(asOf).forecast(90, null);
        assertThat(f.model().learnedAt()).isEqualTo(asOf);
        assertThat(f.model().closedSpells()).isEqualTo((int) history.asOf(asOf).spells().stream()
                .filter(s -> s.outcomeAt(asOf) != StageOutcome.OPEN).count());
    }
}
