package dev.l2r.forecast.model;

import dev.l2r.events.LeadAttributes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A day's learning carried to the rows after a change ({@link History#carryLearnedFrom}) when the change came after
 * the day's start, and answering exactly as learning it again on the new rows would; learned again when the change
 * reached back before it.
 */
class CarriedLearningTest {

    /** {@link DailyLearningTest}'s pipeline: a model on its day learns at the day's start. */
    private static History before;
    private static final Instant DAY = DailyLearningTest.DAY;
    private static final Instant AS_OF = DAY.plus(15, ChronoUnit.HOURS);

    @BeforeAll
    static void generate() {
        before = DailyLearningTest.generate();
    }

    /** The rows with one lead more, in the stage since {@code at}, for 2,000,000. */
    private static History withNewLead(Instant at) {
        LeadAttributes attributes = before.arrivals().get(0).attributes();
        List<OpenInterval> open = new ArrayList<>(before.open());
        open.add(new OpenInterval(new OpenLead("new-lead", GeneratedPipeline.STAGE, at,
                new BigDecimal("2000000.00"), "USD", attributes), at, null));
        List<Spell> spells = new ArrayList<>(before.spells());
        spells.add(new Spell("new-lead", GeneratedPipeline.STAGE, at, null, null, attributes));
        List<Arrival> arrivals = new ArrayList<>(before.arrivals());
        arrivals.add(new Arrival("new-lead", at, GeneratedPipeline.STAGE, attributes));
        return new History(open, spells, before.closes(), arrivals);
    }

    private static ForecastModel model(History history) {
        return ForecastModel.train(history, AS_OF, "USD", DailyLearningTest.STAGES,
                DailyLearningTest.SETTINGS);
    }

    @Test
    void aChangeAfterTheDayStartKeepsItsLearningAndTheSameAnswer() {
        ForecastModel first = model(before);
        assertThat(first.forecast(90, null).model().learnedAt()).isEqualTo(DAY);
        Instant changedAt = DAY.plus(14, ChronoUnit.HOURS);
        History carried = withNewLead(changedAt);
        carried.carryLearnedFrom(before, changedAt);
        History fresh = withNewLead(changedAt);

        ForecastModel kept = model(carried);
        ForecastModel relearned = model(fresh);
        assertThat(kept.winModel()).as("not learned again").isSameAs(first.winModel());
        assertThat(relearned.winModel()).isNotSameAs(first.winModel());
        Forecast a = kept.forecast(90, null);
        Forecast b = relearned.forecast(90, null);
        // the new lead counts (it is open at 15:00), and to the cent as learning again would have it
        assertThat(a.byStage().get(0).openLeads()).isEqualTo(first.forecast(90, null).byStage().get(0).openLeads() + 1);
        assertThat(a.expectedRevenue()).isEqualByComparingTo(b.expectedRevenue())
                .isGreaterThan(first.forecast(90, null).expectedRevenue());
        assertThat(List.of(a.p10(), a.p50(), a.p90())).isEqualTo(List.of(b.p10(), b.p50(), b.p90()));
        assertThat(a.model()).isEqualTo(b.model());
        assertThat(a.newLeads()).isEqualTo(b.newLeads());
    }

    @Test
    void aChangeBeforeTheDayStartIsLearnedAgain() {
        ForecastModel first = model(before);
        first.forecast(90, null);
        Instant changedAt = DAY.minus(1, ChronoUnit.HOURS);
        History changed = withNewLead(changedAt);
        changed.carryLearnedFrom(before, changedAt);

        ForecastModel after = model(changed);
        assertThat(after.winModel()).isNotSameAs(first.winModel());
        // the new lead is among the recent arrivals the day start learned from
        assertThat(after.forecast(90, null).newLeads()).isNotEqualTo(first.forecast(90, null).newLeads());
        assertThat(after.forecast(90, null).expectedRevenue())
                .isEqualByComparingTo(model(withNewLead(changedAt)).forecast(90, null).expectedRevenue());
    }

    @Test
    void nothingChangedKeepsEverything() {
        ForecastModel first = model(before);
        first.forecast(90, null);
        History same = new History(before.open(), before.spells(), before.closes(), before.arrivals());
        same.carryLearnedFrom(before, null);
        assertThat(model(same).winModel()).isSameAs(first.winModel());
    }
}
