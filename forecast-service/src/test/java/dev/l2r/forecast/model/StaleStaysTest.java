package dev.l2r.forecast.model;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.funnel.StageOutcome;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stale stays counted by hand. Stage A's frame is 10 days; asOf is day 100.
 * <pre>
 * stay  in A       left A at           won at   age 10, h 30      age 10, h 60     age 15, h 30    age 12, h 30
 * s1    day 0      5                   -        not in A at 10    -                -               -
 * s2    day 0      40 (to B)           50       (10, 40]: no      (10, 70]: won    (15, 45]: no    (12, 42]: no
 * s3    day 0      still in A          -        no                no               no              no
 * s4    day 20     35 (closed won)     35       (30, 60]: won     (30, 90]: won    left at 35: out (32, 62]: won
 * s5    day 80     still in A          -        ends 120 > 100: out
 * s6    day −300   −250 (closed won)   −250     (−290, −260]: no  (−290, −230]: won (−285, −255]: no (−288,−258]: no
 * share                                         1/4               3/4              0/3             1/4
 * </pre>
 * At 15.5 days (whole days: 15) with at least 4 stays asked for, 3 are too few: the age comes halfway down to the
 * frame, floor(12.5) = 12, where 4 stays answer 1/4.
 */
class StaleStaysTest {

    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    static Instant day(double d) {
        return Days.plus(T0, d);
    }

    static OpenInterval in(String lead, String stage, double since, double from, Double to) {
        return new OpenInterval(new OpenLead(lead, stage, day(since), null, null, LeadAttributes.NONE), day(from),
                to == null ? null : day(to));
    }

    static Close won(String lead, double at) {
        return new Close(lead, day(at), StageOutcome.WON, BigDecimal.TEN, "USD", LeadAttributes.NONE, null);
    }

    static StaleStays stays(int minStays) {
        List<OpenInterval> open = new ArrayList<>(List.of(
                in("s1", "A", 0, 0, 5.0),
                // s2's stay in A is two intervals (an attribute changed at day 20): it lasts to the later end
                in("s2", "A", 0, 0, 20.0), in("s2", "A", 0, 20, 40.0), in("s2", "B", 40, 40, 50.0),
                in("s3", "A", 0, 0, null),
                in("s4", "A", 20, 20, 35.0),
                in("s5", "A", 80, 80, null),
                in("s6", "A", -300, -300, -250.0)));
        List<Close> closes = List.of(won("s2", 50), won("s4", 35), won("s6", -250),
                // known only after asOf: not counted
                won("s3", 101));
        return new StaleStays(open, closes, Map.of("A", 10.0), day(100), minStays);
    }

    @Test
    void theShareOfStaleStaysWonWithinTheHorizonOfGoingStale() {
        assertThat(stays(4).winWithin("A", 10.5, 30)).isEqualTo(1.0 / 4);
        assertThat(stays(4).winWithin("A", 10.5, 60)).isEqualTo(3.0 / 4);
        // staying longer is a sign of having stopped: at 15 days none of the three won
        assertThat(stays(3).winWithin("A", 15.5, 30)).isEqualTo(0.0);
        assertThat(stays(4).winWithin("A", 15.5, 30)).isEqualTo(1.0 / 4);
        // fewer stays than asked for even at the frame: no answer, the curve's chance stands
        assertThat(stays(5).winWithin("A", 15.5, 30)).isNaN();
    }

    @Test
    void aLeadIsStaleOnlyPastItsStagesFrame() {
        assertThat(stays(3).stale("A", 10)).isFalse();
        assertThat(stays(3).stale("A", 10.5)).isTrue();
        assertThat(stays(3).stale("B", 1000)).as("B has no frame").isFalse();
    }
}
