package dev.l2r.funnel.core;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

class ConversionTest {

    @Test
    void aRateIsTheConvertedShareOfTheCohortRoundedHalfUpToSixDecimals() {
        assertThat(Conversion.rate(1, 3)).isEqualByComparingTo(new BigDecimal("0.333333"));
        assertThat(Conversion.rate(2, 3)).isEqualByComparingTo(new BigDecimal("0.666667"));
        assertThat(Conversion.rate(1, 8)).isEqualTo(new BigDecimal("0.125000"));
        assertThat(Conversion.rate(0, 5)).isEqualTo(new BigDecimal("0.000000"));
        assertThat(Conversion.rate(7, 7)).isEqualTo(new BigDecimal("1.000000"));
        // half-up at the seventh decimal: 1 / 2,000,000 = 0.0000005
        assertThat(Conversion.rate(1, 2_000_000)).isEqualTo(new BigDecimal("0.000001"));
        assertThat(Conversion.rate(1, 2_000_001)).isEqualTo(new BigDecimal("0.000000"));
    }

    @Test
    void anEmptyCohortHasNoRate() {
        assertThat(Conversion.rate(0, 0)).isNull();
        assertThat(Conversion.rate(1, 0)).isNull();
    }

    @Test
    void largeCountsStayExact() {
        assertThat(Conversion.rate(Long.MAX_VALUE / 3, Long.MAX_VALUE)).isEqualByComparingTo("0.333333");
    }
}
