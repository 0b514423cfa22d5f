package dev.l2r.funnel.core;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

class VelocityDaysTest {

    @Test
    void meanFromTheExactSumAndPercentilesFromTheirValues() {
        long day = Velocity.MICROS_PER_DAY;
        // velocities of 1, 2 and 4 days: mean 7/3, median 2, p90 4
        VelocityDays v = VelocityDays.of(3, BigDecimal.valueOf(7 * day), 2 * day, 4 * day);
        assertThat(v.count()).isEqualTo(3);
        assertThat(v.mean()).isEqualByComparingTo("2.333333");
        assertThat(v.median()).isEqualByComparingTo("2");
        assertThat(v.p90()).isEqualByComparingTo("4");
    }

    @Test
    void noneHasNoFigures() {
        assertThat(VelocityDays.NONE.count()).isZero();
        assertThat(VelocityDays.NONE.mean()).isNull();
        assertThat(VelocityDays.NONE.median()).isNull();
        assertThat(VelocityDays.NONE.p90()).isNull();
    }
}
