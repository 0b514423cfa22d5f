package dev.l2r.forecast.model;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.funnel.StageOutcome;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import static dev.l2r.forecast.model.ForecastModelTest.day;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a history shows as of a moment, at its boundaries: event time ≤ t is known, a close's later correction only
 * from its own time, an open state over [validFrom, validTo), closes scored over (after, until]. One lead a, seen on
 * day 5, in OPPORTUNITY from day 5 until it wins on day 10 for 600; the amount is corrected to 800 on day 20. Lead b
 * is seen on day 3 and still open.
 */
class HistoryAsOfTest {

    static final LeadAttributes NONE = LeadAttributes.NONE;
    static Close won600() {
        return new Close("a", day(10), StageOutcome.WON, new BigDecimal("600"), "USD", NONE, day(5));
    }

    static History history() {
        OpenLead a = new OpenLead("a", "OPPORTUNITY", day(5), new BigDecimal("600"), "USD", NONE);
        OpenLead b = new OpenLead("b", "SQL", day(3), null, null, NONE);
        return new History(
                List.of(new OpenInterval(a, day(5), day(10)), new OpenInterval(b, day(3), null)),
                List.of(new Spell("a", "OPPORTUNITY", day(5), day(10), StageOutcome.WON, NONE)),
                List.of(won600().until(day(20)),
                        won600().corrected(day(20), new BigDecimal("800"), "USD", NONE)),
                // loaded latest first: firstSeen must still find the earliest
                List.of(new Arrival("a", day(5), "OPPORTUNITY", NONE), new Arrival("b", day(3), "SQL", NONE)));
    }

    @Test
    void aCorrectionCountsFromItsOwnTimeAndTheCloseStaysInItsPeriod() {
        History h = history();
        assertThat(h.asOf(day(10)).closes()).extracting(c -> c.amount().intValue()).containsExactly(600);
        // a microsecond before the correction the first amount holds; from the correction on, the new one
        assertThat(h.asOf(day(20).minusNanos(1000)).closes()).extracting(c -> c.amount().intValue())
                .containsExactly(600);
        assertThat(h.asOf(day(20)).closes()).extracting(c -> c.amount().intValue()).containsExactly(800);
        // the close itself is not known before it happened
        assertThat(h.asOf(day(10).minusNanos(1000)).closes()).isEmpty();
        // scored as known at the end of the window: (5, 15] reads 600, (5, 25] reads 800, still closed on day 10
        assertThat(h.closesBetween(day(5), day(15))).extracting(c -> c.amount().intValue()).containsExactly(600);
        assertThat(h.closesBetween(day(5), day(25))).extracting(Close::closedAt).containsExactly(day(10));
        assertThat(h.closesBetween(day(5), day(25))).extracting(c -> c.amount().intValue()).containsExactly(800);
    }

    @Test
    void closesBetweenLeavesOutItsStartAndKeepsItsEnd() {
        History h = history();
        assertThat(h.closesBetween(day(10), day(30))).isEmpty();
        assertThat(h.closesBetween(day(10).minusNanos(1000), day(30))).hasSize(1);
        assertThat(h.closesBetween(day(0), day(10))).hasSize(1);
        assertThat(h.closesBetween(day(0), day(10).minusNanos(1000))).isEmpty();
    }

    @Test
    void theOpenStateHoldsFromItsStartUntilJustBeforeItsEnd() {
        History h = history();
        assertThat(h.asOf(day(5)).open()).extracting(OpenLead::leadId).containsExactly("b", "a");
        assertThat(h.asOf(day(5).minusNanos(1000)).open()).extracting(OpenLead::leadId).containsExactly("b");
        assertThat(h.asOf(day(10).minusNanos(1000)).open()).extracting(OpenLead::leadId).containsExactly("b", "a");
        assertThat(h.asOf(day(10)).open()).extracting(OpenLead::leadId).containsExactly("b");
        // spells and arrivals are known from the moment they start
        assertThat(h.asOf(day(5)).spells()).hasSize(1);
        assertThat(h.asOf(day(5).minusNanos(1000)).spells()).isEmpty();
        assertThat(h.asOf(day(3)).arrivals()).extracting(Arrival::leadId).containsExactly("b");
        assertThat(h.asOf(day(3).minusNanos(1000)).arrivals()).isEmpty();
        assertThat(h.firstSeen()).isEqualTo(day(3));
        assertThat(new History(List.of(), List.of(), List.of(), List.of()).firstSeen()).isNull();
    }

    @Test
    void aSpellIsCensoredAtTheMomentItIsSeenFrom() {
        Spell s = new Spell("a", "OPPORTUNITY", day(5), day(10), StageOutcome.WON, NONE);
        assertThat(s.outcomeAt(day(10))).isEqualTo(StageOutcome.WON);
        assertThat(s.daysAt(day(12))).isEqualTo(5.0);
        assertThat(s.outcomeAt(day(9))).isEqualTo(StageOutcome.OPEN);
        assertThat(s.daysAt(day(9))).isEqualTo(4.0);
        assertThat(new Spell("b", "SQL", day(3), null, null, NONE).closedBy(day(100))).isFalse();
    }

    @Test
    void aCloseIsPricedOnlyInItsOwnCurrencyAndATargetCoversItsPeriodHalfOpen() {
        assertThat(won600().pricedIn("USD")).isTrue();
        assertThat(won600().pricedIn("EUR")).isFalse();
        assertThat(new Close("n", day(1), StageOutcome.WON, null, null, NONE, null).pricedIn(null)).isFalse();
        assertThat(new Close("n", day(1), StageOutcome.WON, BigDecimal.ONE, null, NONE, null).pricedIn(null)).isTrue();

        RevenueTarget all = new RevenueTarget(day(0), day(30), null, null, BigDecimal.TEN, "USD");
        assertThat(all.dimension()).isNull();
        assertThat(all.covers(day(0))).isTrue();
        assertThat(all.covers(day(30).minusNanos(1000))).isTrue();
        assertThat(all.covers(day(30))).isFalse();
        assertThat(all.covers(day(0).minusNanos(1000))).isFalse();
        RevenueTarget owner = new RevenueTarget(day(0), day(30), "ann", "smb", BigDecimal.TEN, "USD");
        assertThat(owner.dimension()).isEqualTo("owner");
        assertThat(owner.scopeValue()).isEqualTo("ann");
        RevenueTarget segment = new RevenueTarget(day(0), day(30), null, "smb", BigDecimal.TEN, "USD");
        assertThat(segment.dimension()).isEqualTo("segment");
        assertThat(segment.scopeValue()).isEqualTo("smb");
    }

    @Test
    void quantilesInterpolateBetweenOrderStatistics() {
        // type 7: h = (n − 1) q; 0.1 of {10, 20, 30, 40, 50} is at h = 0.4: 10 + 0.4 · 10
        double[] five = {10, 20, 30, 40, 50};
        assertThat(Quantiles.of(five, 0.1)).isEqualTo(14.0);
        assertThat(Quantiles.of(five, 0.5)).isEqualTo(30.0);
        assertThat(Quantiles.of(five, 1.0)).isEqualTo(50.0);
        assertThat(Quantiles.of(five, 0.0)).isEqualTo(10.0);
        assertThat(Quantiles.of(new double[]{7}, 0.9)).isEqualTo(7.0);
        assertThatThrownBy(() -> Quantiles.of(new double[0], 0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Money.orNull(Double.POSITIVE_INFINITY)).isNull();
        assertThat(Money.orNull(Double.NaN)).isNull();
        assertThat(Money.round(Double.NEGATIVE_INFINITY, 2)).isNull();
        assertThat(Money.of(2.345)).isEqualByComparingTo("2.34");
    }

    /**
     * Open leads keep one order whatever the loading order (the simulation draws for them in it): by time in stage,
     * stage, amount (none first), currency, attributes, then id.
     */
    @Test
    void leadsAlikeInTimeAndStageAreOrderedByWhatTheyHold() {
        OpenLead high = new OpenLead("m1", "SQL", day(3), new BigDecimal("200"), "USD", NONE);
        OpenLead low = new OpenLead("m2", "SQL", day(3), new BigDecimal("100"), "USD", NONE);
        OpenLead none = new OpenLead("m3", "SQL", day(3), null, null, NONE);
        OpenLead euro = new OpenLead("m4", "SQL", day(3), new BigDecimal("100"), "EUR", NONE);
        OpenLead web = new OpenLead("m5", "SQL", day(3), new BigDecimal("100"), "USD",
                new LeadAttributes("web", null, null, null));
        OpenLead twin = new OpenLead("m0", "SQL", day(3), new BigDecimal("200"), "USD", NONE);
        OpenLead earlierStage = new OpenLead("s1", "MQL", day(3), new BigDecimal("999"), "USD", NONE);
        History h = new History(List.of(high, web, euro, low, none, twin, earlierStage).stream()
                .map(l -> new OpenInterval(l, day(3), null)).toList(), List.of(), List.of(), List.of());
        assertThat(h.asOf(day(4)).open()).extracting(OpenLead::leadId)
                .containsExactly("s1", "m3", "m4", "m2", "m5", "m0", "m1");
        // a close recorded without its own knownFrom is known from when it happened
        Close plain = new Close("a", day(10), StageOutcome.WON, BigDecimal.ONE, "USD", NONE, null, null, null);
        assertThat(plain.knownFrom()).isEqualTo(day(10));
        assertThat(plain.knownAt(day(10))).isTrue();
        assertThat(plain.knownAt(day(10).minusNanos(1000))).isFalse();
        // less than a microsecond apart is no microsecond, either way
        assertThat(Days.micros(day(10), day(10).plusNanos(500))).isZero();
        assertThat(Days.micros(day(10).plusNanos(500), day(10))).isZero();
        assertThat(Days.micros(day(10), day(10).plusNanos(1500))).isEqualTo(1);
        assertThat(Days.micros(day(10).plusNanos(1500), day(10))).isEqualTo(-1);
    }
}
