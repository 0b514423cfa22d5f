package dev.l2r.funnel.core;

import dev.l2r.events.timeline.LeadTimeline;

import java.math.BigInteger;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Signed sums of per-lead rows into the cells that hold them: the one place that says which cells a row counts
 * in. A stage entry counts in six cohort cells and a conversion of a hot pair in six conversion cells (day and
 * month, each whole, by channel and by segment; UTC) and three velocity cells (its ISO week, whole, by channel
 * and by segment). The live projector sums a batch's new rows minus the rows they replace and adds the result to
 * the stored cells; a rebuild sums every lead and writes the cells once.
 * <p>
 * A rebuild holds a million cells or more, touched tens of millions of times: cells are kept in flat arrays under
 * two-long keys (names replaced by small numbers), not as objects in hash maps (for 1.33 M cells: 10.5 s and 128
 * bytes a cell, against 47 s and 226 bytes).
 */
public final class CellSums {

    /** A cohort cell: {@code period} is the UTC day (grain D) or the first day of the month (grain M). */
    public record CohortCell(String stage, char grain, short dims, LocalDate period, boolean skipped,
                             String channel, String segment) {
    }

    public record ConversionCell(String fromStage, String toStage, char grain, short dims, LocalDate period,
                                 boolean skipped, String channel, String segment) {
    }

    /** A velocity cell: {@code week} is the Monday of the ISO week of entry. */
    public record VelocityCell(String fromStage, String toStage, short dims, short bucket, LocalDate week,
                               boolean skipped, String channel, String segment) {
    }

    /** A conversion cell's sums: converted leads, their velocities (exact), and how many fell in each bucket. */
    public record Conversions(long leads, BigInteger velocityMicros, int[] hist) {
    }

    /** A cell and its sums, as written out. */
    public record Cell<K, V>(K key, V sums) {
    }

    // names (stages, channels, segments) and stage pairs as numbers; 0 is "none" (a null attribute)
    private final Map<String, Integer> nameIds = new HashMap<>();
    private final List<String> names = new ArrayList<>(List.of(""));
    private final Map<Long, Integer> pairIds = new HashMap<>();
    private final List<long[]> pairs = new ArrayList<>(List.of(new long[2]));

    private final Table cohorts = new Table(true, false, 0);
    private final Table conversions = new Table(true, true, Velocity.BUCKETS);
    private final Table velocities = new Table(false, false, Velocity.FINE);
    /** Velocity sums of conversion cells that left the range of a long (by cell), exact. */
    private final Map<Integer, BigInteger> bigVelocities = new HashMap<>();
    private boolean rolledUp;

    /** Every row of one lead: its stage entries, and its conversions of the hot pairs. */
    public void add(int sign, LeadFacts lead, Map<String, Set<String>> hotTargets) {
        for (LeadTimeline.Entry e : lead.entries()) {
            addEntry(sign, e.stage(), day(e.enteredAt()), e.skipped(), lead.channel(), lead.segment());
        }
        for (LeadFacts.Reach r : lead.reaches()) {
            if (hotTargets.getOrDefault(r.fromStage(), Set.of()).contains(r.toStage())) {
                addConversion(sign, r.fromStage(), r.toStage(), day(r.enteredAt()), r.skipped(), r.velocityMicros(),
                        lead.channel(), lead.segment());
            }
        }
    }

    public void addEntry(int sign, String stage, LocalDate day, boolean skipped, String channel, String segment) {
        open();
        long stageId = (long) id(stage) << 32;
        long low = skipped ? 1 : 0;
        long dayBits = day.toEpochDay() << 8;
        cohorts.addSum(cohorts.cell(stageId | id(channel), dayBits | 1 << 1 | low), sign);
        cohorts.addSum(cohorts.cell(stageId | id(segment), dayBits | 2 << 1 | low), sign);
    }

    /** A conversion of a hot pair (one the cells keep). */
    public void addConversion(int sign, String from, String to, LocalDate day, boolean skipped, long velocityMicros,
                              String channel, String segment) {
        open();
        long pairId = (long) pair(from, to) << 32;
        int bucket = Velocity.bucket(velocityMicros);
        int fine = Velocity.fine(velocityMicros);
        long dayBits = day.toEpochDay() << 8 | (skipped ? 1 : 0);
        long weekBits = day.with(DayOfWeek.MONDAY).toEpochDay() << 16 | (long) bucket << 3 | (skipped ? 1 : 0);
        long velocity = sign * velocityMicros;
        for (int dims = 1; dims <= 2; dims++) {
            long a = pairId | (dims == 1 ? id(channel) : id(segment));
            int cell = conversions.cell(a, dayBits | dims << 1);
            conversions.addSum(cell, sign);
            conversions.addCount(cell, bucket, sign);
            addVelocity(cell, velocity);
            velocities.addCount(velocities.cell(a, weekBits | dims << 1), fine, sign);
        }
    }

    /**
     * Rows are added to the day (and week) cells by channel and by segment only; the month cells and the cells with
     * no attribute are summed from those when the cells are first read (every row has one channel, perhaps
     * unknown): a third of the work while adding, which is where a rebuild spends it.
     */
    private void rollUp() {
        if (rolledUp) {
            return;
        }
        rolledUp = true;
        for (int i = 0, n = cohorts.size; i < n; i++) {
            long sum = cohorts.sum(i);
            for (int target : rollUps(cohorts, i)) {
                cohorts.addSum(target, sum);
            }
        }
        for (int i = 0, n = conversions.size; i < n; i++) {
            for (int target : rollUps(conversions, i)) {
                conversions.addSum(target, conversions.sum(i));
                conversions.addCounts(target, i);
                BigInteger big = bigVelocities.get(i);
                if (big == null) {
                    addVelocity(target, conversions.velocity(i));
                } else {
                    bigVelocities.put(target, velocity(target).add(big));
                }
            }
        }
        for (int i = 0, n = velocities.size; i < n; i++) {
            long b = velocities.b(i);
            if (dims(b) == 1) {
                velocities.addCounts(velocities.cell(velocities.a(i) & ~0xffff_ffffL, b & ~6L), i);
            }
        }
    }

    /** The month cell of a day cell, and for a cell by channel the day and month cells with no attribute. */
    private static int[] rollUps(Table table, int cell) {
        long a = table.a(cell);
        long b = table.b(cell);
        long month = LocalDate.ofEpochDay(b >> 8).withDayOfMonth(1).toEpochDay() << 8 | 1 << 3;
        int sameDims = table.cell(a, month | (b & 7));
        if (dims(b) != 1) {
            return new int[]{sameDims};
        }
        long none = a & ~0xffff_ffffL;
        return new int[]{sameDims, table.cell(none, b & ~6L), table.cell(none, month | (b & 1))};
    }

    private void open() {
        if (rolledUp) {
            throw new IllegalStateException("cells already read: sum first, then read");
        }
    }

    /** How many cells are held. */
    public int size() {
        return cohorts.size + conversions.size + velocities.size;
    }

    /** About how many bytes of heap the cells take. */
    public long bytes() {
        return cohorts.bytes() + conversions.bytes() + velocities.bytes();
    }

    /** Cohort cells whose sum is not zero; in key order if asked (writers that lock cells lock them in one order). */
    public List<Cell<CohortCell, Long>> cohorts(boolean inKeyOrder) {
        rollUp();
        List<Cell<CohortCell, Long>> out = new ArrayList<>();
        for (int i = 0; i < cohorts.size; i++) {
            if (cohorts.sum(i) != 0) {
                long a = cohorts.a(i);
                long b = cohorts.b(i);
                out.add(new Cell<>(new CohortCell(names.get((int) (a >>> 32)), grain(b), dims(b), period(b, 8),
                        skipped(b), attribute(a, b, 1), attribute(a, b, 2)), cohorts.sum(i)));
            }
        }
        return ordered(out, inKeyOrder, COHORT_ORDER);
    }

    public List<Cell<ConversionCell, Conversions>> conversions(boolean inKeyOrder) {
        rollUp();
        List<Cell<ConversionCell, Conversions>> out = new ArrayList<>();
        for (int i = 0; i < conversions.size; i++) {
            int[] hist = conversions.counts(i);
            BigInteger velocity = velocity(i);
            if (conversions.sum(i) != 0 || velocity.signum() != 0 || !allZero(hist)) {
                long a = conversions.a(i);
                long b = conversions.b(i);
                long[] pair = pairs.get((int) (a >>> 32));
                out.add(new Cell<>(new ConversionCell(names.get((int) pair[0]), names.get((int) pair[1]), grain(b),
                        dims(b), period(b, 8), skipped(b), attribute(a, b, 1), attribute(a, b, 2)),
                        new Conversions(conversions.sum(i), velocity, hist)));
            }
        }
        return ordered(out, inKeyOrder, CONVERSION_ORDER);
    }

    public List<Cell<VelocityCell, int[]>> velocities(boolean inKeyOrder) {
        rollUp();
        List<Cell<VelocityCell, int[]>> out = new ArrayList<>();
        for (int i = 0; i < velocities.size; i++) {
            int[] fine = velocities.counts(i);
            if (!allZero(fine)) {
                long a = velocities.a(i);
                long b = velocities.b(i);
                long[] pair = pairs.get((int) (a >>> 32));
                out.add(new Cell<>(new VelocityCell(names.get((int) pair[0]), names.get((int) pair[1]), dims(b),
                        (short) (b >>> 3 & 63), period(b, 16), skipped(b), attribute(a, b, 1), attribute(a, b, 2)), fine));
            }
        }
        return ordered(out, inKeyOrder, VELOCITY_ORDER);
    }

    // the second key long: period << 8 (or week << 16 | bucket << 3), then grain << 3, dims << 1, skipped

    private static char grain(long b) {
        return (b >>> 3 & 1) == 0 ? 'D' : 'M';
    }

    private static short dims(long b) {
        return (short) (b >>> 1 & 3);
    }

    private static boolean skipped(long b) {
        return (b & 1) == 1;
    }

    private static LocalDate period(long b, int shift) {
        return LocalDate.ofEpochDay(b >> shift);
    }

    /** The channel (dims 1) or the segment (dims 2) a cell keeps; null for the other, or when unknown. */
    private String attribute(long a, long b, int dims) {
        int id = (int) a;
        return dims(b) == dims && id != 0 ? names.get(id) : null;
    }

    private int id(String name) {
        if (name == null) {
            return 0;
        }
        Integer id = nameIds.get(name);
        if (id == null) {
            id = names.size();
            names.add(name);
            nameIds.put(name, id);
        }
        return id;
    }

    private int pair(String from, String to) {
        long key = (long) id(from) << 32 | id(to);
        Integer id = pairIds.get(key);
        if (id == null) {
            id = pairs.size();
            pairs.add(new long[]{key >>> 32, key & 0xffff_ffffL});
            pairIds.put(key, id);
        }
        return id;
    }

    private void addVelocity(int cell, long micros) {
        BigInteger big = bigVelocities.isEmpty() ? null : bigVelocities.get(cell); // (almost) always empty
        if (big == null) {
            long sum = conversions.velocity(cell);
            long added = sum + micros;
            if (((sum ^ added) & (micros ^ added)) >= 0) { // no overflow
                conversions.setVelocity(cell, added);
                return;
            }
            big = BigInteger.valueOf(sum);
        }
        bigVelocities.put(cell, big.add(BigInteger.valueOf(micros)));
    }

    private BigInteger velocity(int cell) {
        BigInteger big = bigVelocities.isEmpty() ? null : bigVelocities.get(cell);
        return big != null ? big : BigInteger.valueOf(conversions.velocity(cell));
    }

    // no boxing of the small fields: sorting a live batch's cells was a tenth of its CPU
    private static final Comparator<String> TEXT = Comparator.nullsFirst(Comparator.naturalOrder());

    private static final Comparator<CohortCell> COHORT_ORDER = Comparator.comparing(CohortCell::stage)
            .thenComparingInt(CohortCell::grain).thenComparingInt(CohortCell::dims).thenComparing(CohortCell::period)
            .thenComparingInt(c -> c.skipped() ? 1 : 0).thenComparing(CohortCell::channel, TEXT)
            .thenComparing(CohortCell::segment, TEXT);

    private static final Comparator<ConversionCell> CONVERSION_ORDER = Comparator.comparing(ConversionCell::fromStage)
            .thenComparing(ConversionCell::toStage).thenComparingInt(ConversionCell::grain)
            .thenComparingInt(ConversionCell::dims).thenComparing(ConversionCell::period)
            .thenComparingInt(c -> c.skipped() ? 1 : 0).thenComparing(ConversionCell::channel, TEXT)
            .thenComparing(ConversionCell::segment, TEXT);

    private static final Comparator<VelocityCell> VELOCITY_ORDER = Comparator.comparing(VelocityCell::fromStage)
            .thenComparing(VelocityCell::toStage).thenComparingInt(VelocityCell::dims)
            .thenComparingInt(VelocityCell::bucket).thenComparing(VelocityCell::week)
            .thenComparingInt(c -> c.skipped() ? 1 : 0).thenComparing(VelocityCell::channel, TEXT)
            .thenComparing(VelocityCell::segment, TEXT);

    private static <K, V> List<Cell<K, V>> ordered(List<Cell<K, V>> cells, boolean inKeyOrder, Comparator<K> order) {
        if (inKeyOrder) {
            cells.sort(Comparator.comparing(Cell::key, order));
        }
        return cells;
    }

    private static boolean allZero(int[] values) {
        for (int v : values) {
            if (v != 0) {
                return false;
            }
        }
        return true;
    }

    public static LocalDate day(Instant t) {
        return LocalDate.ofInstant(t, ZoneOffset.UTC);
    }

    /**
     * Cells under two-long keys, numbered in the order they first appear, found through an open-addressing index;
     * each has, as asked, a long sum, a long velocity sum and a run of integer counts. Stored in pages, so that
     * growing never copies (nor briefly doubles) what is held.
     */
    private static final class Table {
        private static final int PAGE_BITS = 12;
        private static final int PAGE = 1 << PAGE_BITS;

        private final boolean withSums;
        private final boolean velocitySums;
        private final int width;
        private long[][] keys = new long[1][];
        private long[][] sums = new long[1][];
        private long[][] velocity = new long[1][];
        private int[][] counts = new int[1][];
        private int size;
        private int[] index = new int[1024]; // cell number + 1, 0 = free
        private int mask = index.length - 1;

        Table(boolean withSums, boolean velocitySums, int width) {
            this.withSums = withSums;
            this.velocitySums = velocitySums;
            this.width = width;
        }

        /** The cell of this key, added (all zero) if new. */
        int cell(long ka, long kb) {
            int slot = hash(ka, kb) & mask;
            while (true) {
                int found = index[slot] - 1;
                if (found < 0) {
                    return add(slot, ka, kb);
                }
                long[] page = keys[found >>> PAGE_BITS];
                int at = (found & (PAGE - 1)) * 2;
                if (page[at] == ka && page[at + 1] == kb) {
                    return found;
                }
                slot = (slot + 1) & mask;
            }
        }

        long a(int cell) {
            return keys[cell >>> PAGE_BITS][(cell & (PAGE - 1)) * 2];
        }

        long b(int cell) {
            return keys[cell >>> PAGE_BITS][(cell & (PAGE - 1)) * 2 + 1];
        }

        long sum(int cell) {
            return sums[cell >>> PAGE_BITS][cell & (PAGE - 1)];
        }

        void addSum(int cell, long value) {
            sums[cell >>> PAGE_BITS][cell & (PAGE - 1)] += value;
        }

        long velocity(int cell) {
            return velocity[cell >>> PAGE_BITS][cell & (PAGE - 1)];
        }

        void setVelocity(int cell, long value) {
            velocity[cell >>> PAGE_BITS][cell & (PAGE - 1)] = value;
        }

        void addCount(int cell, int i, int value) {
            counts[cell >>> PAGE_BITS][(cell & (PAGE - 1)) * width + i] += value;
        }

        /** Adds one cell's counts to another's. */
        void addCounts(int to, int from) {
            int[] source = counts[from >>> PAGE_BITS];
            int[] target = counts[to >>> PAGE_BITS];
            int s = (from & (PAGE - 1)) * width;
            int t = (to & (PAGE - 1)) * width;
            for (int i = 0; i < width; i++) {
                target[t + i] += source[s + i];
            }
        }

        int[] counts(int cell) {
            int from = (cell & (PAGE - 1)) * width;
            return Arrays.copyOfRange(counts[cell >>> PAGE_BITS], from, from + width);
        }

        /** Bytes held (pages and index). */
        long bytes() {
            long perCell = 16 + (withSums ? 8 : 0) + (velocitySums ? 8 : 0) + 4L * width;
            return (long) pages() * PAGE * perCell + 4L * index.length;
        }

        private int pages() {
            return (size + PAGE - 1) >>> PAGE_BITS;
        }

        private int add(int slot, long ka, long kb) {
            int cell = size;
            int page = cell >>> PAGE_BITS;
            if ((cell & (PAGE - 1)) == 0) {
                if (page == keys.length) {
                    keys = Arrays.copyOf(keys, page * 2);
                    sums = Arrays.copyOf(sums, page * 2);
                    velocity = Arrays.copyOf(velocity, page * 2);
                    counts = Arrays.copyOf(counts, page * 2);
                }
                keys[page] = new long[PAGE * 2];
                sums[page] = withSums ? new long[PAGE] : null;
                velocity[page] = velocitySums ? new long[PAGE] : null;
                counts[page] = width > 0 ? new int[PAGE * width] : null;
            }
            size++;
            keys[page][(cell & (PAGE - 1)) * 2] = ka;
            keys[page][(cell & (PAGE - 1)) * 2 + 1] = kb;
            index[slot] = cell + 1;
            if (size * 2 > index.length) {
                reindex();
            }
            return cell;
        }

        private void reindex() {
            index = new int[index.length * 2];
            mask = index.length - 1;
            for (int cell = 0; cell < size; cell++) {
                int slot = hash(a(cell), b(cell)) & mask;
                while (index[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                index[slot] = cell + 1;
            }
        }

        private static int hash(long ka, long kb) {
            long h = ka * 0x9E3779B97F4A7C15L ^ kb * 0xC2B2AE3D27D4EB4FL;
            return (int) (h ^ h >>> 31);
        }
    }
}
