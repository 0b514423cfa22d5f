package dev.l2r.funnel.core;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CellSumsTest {

    private static final LocalDate SUNDAY = LocalDate.of(2024, 3, 31);
    private static final long DAY = Velocity.MICROS_PER_DAY;

    @Test
    void anEntryCountsInItsDayAndMonthWholeByChannelAndBySegment() {
        CellSums sums = new CellSums();
        sums.addEntry(1, "MQL", SUNDAY, false, "email", "smb");
        sums.addEntry(1, "MQL", SUNDAY, false, "paid", null);
        LocalDate march = LocalDate.of(2024, 3, 1);
        assertThat(sums.cohorts(true)).extracting(e -> e.key() + "=" + e.sums()).containsExactly(
                cohort('D', 0, SUNDAY, null, null) + "=2",
                cohort('D', 1, SUNDAY, "email", null) + "=1",
                cohort('D', 1, SUNDAY, "paid", null) + "=1",
                cohort('D', 2, SUNDAY, null, null) + "=1", // the second lead's unknown segment is a cell of its own
                cohort('D', 2, SUNDAY, null, "smb") + "=1",
                cohort('M', 0, march, null, null) + "=2",
                cohort('M', 1, march, "email", null) + "=1",
                cohort('M', 1, march, "paid", null) + "=1",
                cohort('M', 2, march, null, null) + "=1",
                cohort('M', 2, march, null, "smb") + "=1");
    }

    /**
     * Thousands of cells (more than one page of the table, and enough to grow its index several times), each
     * keeping its own sum: the day-by-channel and month-total cells equal a count kept beside them in a map, with
     * every entry added, and with a third of them taken out again (cells are read once, after summing).
     */
    @Test
    void thousandsOfCellsEachKeepTheirOwnSum() {
        for (boolean takeSomeOut : new boolean[]{false, true}) {
            CellSums sums = new CellSums();
            java.util.Map<String, Long> byDayChannel = new java.util.HashMap<>();
            java.util.Map<LocalDate, Long> byMonth = new java.util.HashMap<>();
            for (int pass = 0; pass < (takeSomeOut ? 2 : 1); pass++) {
                java.util.Random random = new java.util.Random(11);
                for (int i = 0; i < 20_000; i++) {
                    LocalDate day = LocalDate.of(2020, 1, 1).plusDays(random.nextInt(1_500));
                    String channel = "ch" + random.nextInt(7);
                    String segment = "seg" + random.nextInt(3);
                    int sign = pass == 0 ? 1 : -1;
                    if (pass == 0 || i % 3 == 0) {
                        sums.addEntry(sign, "MQL", day, false, channel, segment);
                        byDayChannel.merge(day + "/" + channel, (long) sign, Long::sum);
                        byMonth.merge(day.withDayOfMonth(1), (long) sign, Long::sum);
                    }
                }
            }
            byDayChannel.values().removeIf(n -> n == 0);
            byMonth.values().removeIf(n -> n == 0);
            assertSums(sums, byDayChannel, byMonth);
        }
    }

    private static void assertSums(CellSums sums, java.util.Map<String, Long> byDayChannel,
                                   java.util.Map<LocalDate, Long> byMonth) {
        java.util.Map<String, Long> dayChannel = new java.util.HashMap<>();
        java.util.Map<LocalDate, Long> monthTotal = new java.util.HashMap<>();
        for (CellSums.Cell<CellSums.CohortCell, Long> c : sums.cohorts(false)) {
            if (c.key().grain() == 'D' && c.key().dims() == 1) {
                dayChannel.put(c.key().period() + "/" + c.key().channel(), c.sums());
            } else if (c.key().grain() == 'M' && c.key().dims() == 0) {
                monthTotal.put(c.key().period(), c.sums());
            }
        }
        assertThat(dayChannel).isEqualTo(byDayChannel);
        assertThat(monthTotal).isEqualTo(byMonth);
        assertThat(byDayChannel.size()).isGreaterThan(5_000);
        assertThat(sums.cohorts(true)).hasSameSizeAs(sums.cohorts(false));
    }

    @Test
    void aRowTakenOutAgainLeavesNoCell() {
        CellSums sums = new CellSums();
        sums.addEntry(1, "SQL", SUNDAY, true, "email", "smb");
        sums.addConversion(1, "SQL", "OPPORTUNITY", SUNDAY, true, 3 * DAY, "email", "smb");
        sums.addEntry(-1, "SQL", SUNDAY, true, "email", "smb");
        sums.addConversion(-1, "SQL", "OPPORTUNITY", SUNDAY, true, 3 * DAY, "email", "smb");
        assertThat(sums.cohorts(true)).isEmpty();
        assertThat(sums.conversions(true)).isEmpty();
        assertThat(sums.velocities(true)).isEmpty();
    }

    @Test
    void conversionsSumCountsVelocitiesAndHistogramsAndVelocityPartsPerIsoWeek() {
        CellSums sums = new CellSums();
        sums.addConversion(1, "MQL", "SAL", SUNDAY, false, 2 * DAY, "email", "smb");
        sums.addConversion(1, "MQL", "SAL", SUNDAY, false, 9 * DAY + 1, "email", "smb");
        sums.addConversion(1, "MQL", "SAL", SUNDAY.plusDays(1), false, 2 * DAY, "email", "smb"); // Monday: next week

        CellSums.Conversions sunday = sums.conversions(true).stream()
                .filter(e -> e.key().equals(new CellSums.ConversionCell("MQL", "SAL", 'D', (short) 0, SUNDAY, false, null, null)))
                .findFirst().orElseThrow().sums();
        assertThat(sunday.leads()).isEqualTo(2);
        assertThat(sunday.velocityMicros()).isEqualTo(BigInteger.valueOf(11 * DAY + 1));
        int[] hist = new int[Velocity.BUCKETS];
        hist[Velocity.bucket(2 * DAY)]++;
        hist[Velocity.bucket(9 * DAY + 1)]++;
        assertThat(sunday.hist()).containsExactly(hist);
        assertThat(sums.conversions(true).stream().filter(e -> e.key().grain() == 'M' && e.key().dims() == 1))
                .extracting(e -> e.key().period() + "=" + e.sums().leads())
                .containsExactly("2024-03-01=2", "2024-04-01=1");

        // Sunday 31 March 2024 is in the ISO week of Monday the 25th; Monday 1 April starts the next
        List<CellSums.Cell<CellSums.VelocityCell, int[]>> whole = sums.velocities(true).stream()
                .filter(e -> e.key().dims() == 0).toList();
        assertThat(whole).extracting(e -> e.key().week() + "/" + e.key().bucket()).containsExactly(
                "2024-03-25/" + Velocity.bucket(2 * DAY), "2024-04-01/" + Velocity.bucket(2 * DAY),
                "2024-03-25/" + Velocity.bucket(9 * DAY + 1));
        assertThat(whole.get(2).sums()[Velocity.fine(9 * DAY + 1)]).isEqualTo(1);
        // conversions: 2 days and 2 months, each whole, by channel, by segment; velocities: 3 (week, bucket) x 3
        assertThat(sums.size()).isEqualTo(12 + 9);
    }

    @Test
    void aVelocitySumBeyondTheRangeOfALongStaysExact() {
        CellSums sums = new CellSums();
        long huge = Long.MAX_VALUE / 2;
        for (int i = 0; i < 3; i++) {
            sums.addConversion(1, "OPPORTUNITY", "CLOSED_WON", SUNDAY, false, huge, null, null);
        }
        sums.addConversion(-1, "OPPORTUNITY", "CLOSED_WON", SUNDAY, false, 5, null, null);
        assertThat(sums.conversions(true).get(0).sums().velocityMicros())
                .isEqualTo(BigInteger.valueOf(huge).multiply(BigInteger.valueOf(3)).subtract(BigInteger.valueOf(5)));
    }

    private static CellSums.CohortCell cohort(char grain, int dims, LocalDate period, String channel, String segment) {
        return new CellSums.CohortCell("MQL", grain, (short) dims, period, false, channel, segment);
    }
}
