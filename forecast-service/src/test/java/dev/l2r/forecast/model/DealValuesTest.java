package dev.l2r.forecast.model;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.funnel.StageOutcome;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static dev.l2r.forecast.model.ForecastModelTest.day;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Won deals: segment a 100 and 300, segment b 1000, no segment 500; a segment needs 2 won deals of its own.
 * <pre>
 *   a         mean 200, E[value²] = (100² + 300²) / 2 = 50,000       (its own)
 *   b, none   mean (100 + 300 + 1000 + 500) / 4 = 475                 (overall: b has one)
 *             E[value²] = (10,000 + 90,000 + 1,000,000 + 250,000) / 4 = 337,500
 * </pre>
 */
class DealValuesTest {

    static Close won(String id, String amount, String segment) {
        return new Close(id, day(10), StageOutcome.WON, new BigDecimal(amount), "USD",
                new LeadAttributes(null, segment, null, null), null);
    }

    static final List<Close> WON = List.of(won("w1", "100", "a"), won("w2", "300", "a"), won("w3", "1000", "b"),
            won("w4", "500", null));

    @Test
    void aSegmentWithEnoughWonDealsHasItsOwnAverageOthersTheOverallOne() {
        DealValues values = new DealValues(WON, 2);
        assertThat(values.wonDeals()).isEqualTo(4);
        DealValues.Value a = values.of("a", null);
        assertThat(a.source()).isEqualTo(DealValues.Source.SEGMENT_AVERAGE);
        assertThat(a.mean()).isEqualTo(200.0);
        assertThat(a.meanSquare()).isEqualTo(50_000.0);
        DealValues.Value b = values.of("b", null);
        assertThat(b.source()).isEqualTo(DealValues.Source.OVERALL_AVERAGE);
        assertThat(b.mean()).isEqualTo(475.0);
        assertThat(b.meanSquare()).isEqualTo(337_500.0);
        assertThat(values.of(null, null)).isSameAs(values.overall());
        // the lead's own amount wins over any average
        DealValues.Value own = values.of("a", new BigDecimal("50"));
        assertThat(own.source()).isEqualTo(DealValues.Source.AMOUNT);
        assertThat(own.mean()).isEqualTo(50.0);
        assertThat(own.meanSquare()).isEqualTo(2500.0);
        assertThat(own.draw(new SplittableRandom(1))).isEqualTo(50.0);
        // with 1 won deal enough, b has its own
        assertThat(new DealValues(WON, 1).of("b", null).source()).isEqualTo(DealValues.Source.SEGMENT_AVERAGE);
        assertThat(new DealValues(WON, 1).of("b", null).mean()).isEqualTo(1000.0);
    }

    @Test
    void anUnknownAmountIsDrawnFromTheWonDealsInLeadIdOrderWhateverTheLoadingOrder() {
        List<Close> reversed = new ArrayList<>(WON);
        java.util.Collections.reverse(reversed);
        DealValues.Value forward = new DealValues(WON, 2).overall();
        DealValues.Value backward = new DealValues(reversed, 2).overall();
        assertThat(forward.pool()).containsExactly(100, 300, 1000, 500);
        assertThat(backward.pool()).containsExactly(100, 300, 1000, 500);
        SplittableRandom r1 = new SplittableRandom(7);
        SplittableRandom r2 = new SplittableRandom(7);
        for (int i = 0; i < 20; i++) {
            double d = forward.draw(r1);
            assertThat(d).isIn(100.0, 300.0, 1000.0, 500.0);
            assertThat(backward.draw(r2)).isEqualTo(d);
        }
    }

    @Test
    void aScaledValueKeepsItsSourceAndScalesBothMoments() {
        DealValues.Value a = new DealValues(WON, 2).of("a", null);
        DealValues.Value bigger = a.scaled(1.5);
        assertThat(bigger.mean()).isEqualTo(300.0);
        assertThat(bigger.meanSquare()).isEqualTo(112_500.0);
        assertThat(bigger.source()).isEqualTo(DealValues.Source.SEGMENT_AVERAGE);
        assertThat(a.scaled(1)).isSameAs(a);
        DealValues none = new DealValues(List.of(), 1);
        assertThat(none.overall().source()).isEqualTo(DealValues.Source.NONE);
        assertThat(none.overall().mean()).isZero();
        assertThat(none.of("a", null).source()).isEqualTo(DealValues.Source.NONE);
        assertThat(none.wonDeals()).isZero();
    }
}
