package dev.l2r.forecast.model;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.funnel.StageOutcome;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The index's and the stay table's arrays against the plain stable sorts of objects they stand for, on rows whose
 * keys tie a lot: a few instants shared by many rows, some apart only below the microsecond, some before the epoch,
 * no close or no end yet, equal lengths, one since for many stays. Every row holds its own instant objects, so an
 * element out of place shows even where the values are equal.
 */
class IndexBuildOrderTest {

    private static final Instant BASE = Instant.parse("2024-03-01T00:00:00Z");
    private static final String[] STAGES = {"A", "B"};
    private static final String[] SEGMENTS = {"s1", "s2", null};
    private static final StageOutcome[] OUTCOMES = {StageOutcome.WON, StageOutcome.LOST, StageOutcome.NO_DECISION};

    @Test
    void indexArraysAreThoseOfStableSorts() throws ReflectiveOperationException {
        Random r = new Random(7);
        for (int round = 0; round < 40; round++) {
            History h = history(r, 5 + r.nextInt(round < 10 ? 10 : 400));
            HistoryIndex index = new HistoryIndex(h);
            Map<String, List<Spell>> stages = new HashMap<>();
            Map<String, Map<String, List<Spell>>> segments = new HashMap<>();
            for (Spell s : h.spells()) {
                stages.computeIfAbsent(s.stage(), k -> new ArrayList<>()).add(s);
                if (s.attributes().segment() != null) {
                    segments.computeIfAbsent(s.stage(), k -> new HashMap<>())
                            .computeIfAbsent(s.attributes().segment(), k -> new ArrayList<>()).add(s);
                }
            }
            assertThat(index.pooled().keySet()).isEqualTo(stages.keySet());
            stages.forEach((stage, spells) -> sameColumn(index.pooled().get(stage), spells));
            assertThat(index.bySegment().keySet()).isEqualTo(segments.keySet());
            segments.forEach((stage, cells) -> {
                assertThat(index.bySegment().get(stage).keySet()).isEqualTo(cells.keySet());
                cells.forEach((segment, spells) -> sameColumn(index.bySegment().get(stage).get(segment), spells));
            });

            List<OpenInterval> open = h.open();
            Integer[] positions = new Integer[open.size()];
            for (int i = 0; i < positions.length; i++) {
                positions[i] = i;
            }
            java.util.Arrays.sort(positions, Comparator.comparing((Integer i) -> open.get(i).validTo(),
                    Comparator.nullsLast(Comparator.<Instant>naturalOrder())).reversed());
            long[] endMicros = new long[positions.length];
            long[] fromMicros = new long[positions.length];
            for (int i = 0; i < positions.length; i++) {
                Instant end = open.get(positions[i]).validTo();
                endMicros[i] = end == null ? Long.MAX_VALUE : HistoryIndex.micros(end);
                fromMicros[i] = HistoryIndex.micros(open.get(i).validFrom());
            }
            assertThat(index.openOrder().byEnd)
                    .containsExactly(java.util.Arrays.stream(positions).mapToInt(Integer::intValue).toArray());
            assertThat(index.openOrder().endMicros).containsExactly(endMicros);
            assertThat(index.openOrder().fromMicros).containsExactly(fromMicros);

            sameStays(index.stays(), open, h.closes());
            // not in the history's order, and a few rows alone: every row one run of the grouping
            List<OpenInterval> shuffled = new ArrayList<>(open);
            Collections.shuffle(shuffled, r);
            sameStays(new StayTable(shuffled, h.closes()), shuffled, h.closes());
            List<OpenInterval> few = shuffled.subList(0, Math.min(shuffled.size(), 1 + r.nextInt(9)));
            sameStays(new StayTable(few, h.closes()), few, h.closes());
        }
    }

    /** The column for {@code spells} as the plain way builds it: stable sorts of the spells themselves. */
    private static void sameColumn(HistoryIndex.Column column, List<Spell> spells) {
        Map<StageOutcome, List<Spell>> byOutcome = new EnumMap<>(StageOutcome.class);
        for (Spell s : spells) {
            if (s.closedAt() != null) {
                byOutcome.computeIfAbsent(s.outcome(), k -> new ArrayList<>()).add(s);
            }
        }
        assertThat(column.outcomes).containsExactly(byOutcome.keySet().toArray(new StageOutcome[0]));
        int k = 0;
        for (List<Spell> closed : byOutcome.values()) {
            List<Spell> sorted = new ArrayList<>(closed);
            sorted.sort(Comparator.comparing(s -> Days.between(s.enteredAt(), s.closedAt())));
            assertThat(column.days[k]).hasSize(sorted.size());
            for (int j = 0; j < sorted.size(); j++) {
                Spell s = sorted.get(j);
                assertThat(column.days[k][j]).isEqualTo(Days.between(s.enteredAt(), s.closedAt()));
                assertThat(column.entered[k][j]).isSameAs(s.enteredAt());
                assertThat(column.enteredMicros[k][j]).isEqualTo(HistoryIndex.micros(s.enteredAt()));
                assertThat(column.closed[k][j]).isSameAs(s.closedAt());
                assertThat(column.closedMicros[k][j]).isEqualTo(HistoryIndex.micros(s.closedAt()));
            }
            k++;
        }
        List<Spell> latestClose = new ArrayList<>(spells);
        latestClose.sort(Comparator.comparing(Spell::closedAt,
                Comparator.nullsLast(Comparator.<Instant>naturalOrder())).reversed());
        assertThat(column.byCloseEntered).hasSize(latestClose.size());
        for (int j = 0; j < latestClose.size(); j++) {
            Spell s = latestClose.get(j);
            assertThat(column.byCloseEntered[j]).isSameAs(s.enteredAt());
            assertThat(column.byCloseEnteredMicros[j]).isEqualTo(HistoryIndex.micros(s.enteredAt()));
            assertThat(column.byCloseClosed[j]).isSameAs(s.closedAt());
            assertThat(column.byCloseMicros[j])
                    .isEqualTo(s.closedAt() == null ? Long.MAX_VALUE : HistoryIndex.micros(s.closedAt()));
        }
        assertThat(column.enteredWholeMicros).isEqualTo(spells.stream().allMatch(s -> StayTable.whole(s.enteredAt())));
    }

    /** The stay table as the plain way builds it: stays grouped in order of appearance, then a stable sort by since. */
    private static void sameStays(StayTable table, List<OpenInterval> open, List<Close> closes)
            throws ReflectiveOperationException {
        record Key(String leadId, String stage, Instant since) {
        }
        Map<Key, List<OpenInterval>> grouped = new LinkedHashMap<>();
        for (OpenInterval i : open) {
            OpenLead l = i.lead();
            grouped.computeIfAbsent(new Key(l.leadId(), l.stage(), l.stageSince()), k -> new ArrayList<>()).add(i);
        }
        List<Map.Entry<Key, List<OpenInterval>>> stays = new ArrayList<>(grouped.entrySet());
        stays.sort(Comparator.comparing(e -> e.getKey().since()));
        Map<String, List<Close>> wonByLead = new HashMap<>();
        for (Close c : closes) {
            if (c.won()) {
                wonByLead.computeIfAbsent(c.leadId(), k -> new ArrayList<>()).add(c);
            }
        }
        List<Long> wonAt = new ArrayList<>();
        List<Long> wonKnownFrom = new ArrayList<>();
        List<Long> wonKnownUntil = new ArrayList<>();
        Map<String, int[]> wonRange = new HashMap<>();
        boolean whole = true;
        for (Map.Entry<String, List<Close>> e : wonByLead.entrySet()) {
            List<Close> won = e.getValue();
            won.sort(Comparator.comparing(Close::closedAt));
            wonRange.put(e.getKey(), new int[]{wonAt.size(), wonAt.size() + won.size()});
            for (Close c : won) {
                whole &= StayTable.whole(c.closedAt()) && StayTable.whole(c.knownFrom())
                        && (c.knownUntil() == null || StayTable.whole(c.knownUntil()));
                wonAt.add(HistoryIndex.micros(c.closedAt()));
                wonKnownFrom.add(HistoryIndex.micros(c.knownFrom()));
                wonKnownUntil.add(c.knownUntil() == null ? StayTable.ONGOING : HistoryIndex.micros(c.knownUntil()));
            }
        }
        List<Long> since = new ArrayList<>();
        List<Integer> first = new ArrayList<>();
        List<Long> from = new ArrayList<>();
        List<Long> to = new ArrayList<>();
        List<Integer> wonFirst = new ArrayList<>();
        List<Integer> wonEnd = new ArrayList<>();
        Map<String, List<Integer>> byStage = new LinkedHashMap<>();
        for (int s = 0; s < stays.size(); s++) {
            Key key = stays.get(s).getKey();
            whole &= StayTable.whole(key.since());
            since.add(HistoryIndex.micros(key.since()));
            byStage.computeIfAbsent(key.stage(), k -> new ArrayList<>()).add(s);
            int[] won = wonRange.getOrDefault(key.leadId(), new int[2]);
            wonFirst.add(won[0]);
            wonEnd.add(won[1]);
            first.add(from.size());
            for (OpenInterval i : stays.get(s).getValue()) {
                whole &= StayTable.whole(i.validFrom()) && (i.validTo() == null || StayTable.whole(i.validTo()));
                from.add(HistoryIndex.micros(i.validFrom()));
                to.add(i.validTo() == null ? StayTable.ONGOING : HistoryIndex.micros(i.validTo()));
            }
        }
        first.add(from.size());
        assertThat(table.since).containsExactly(longs(since));
        assertThat((int[]) field(table, "first")).containsExactly(ints(first));
        assertThat((long[]) field(table, "from")).containsExactly(longs(from));
        assertThat((long[]) field(table, "to")).containsExactly(longs(to));
        assertThat(table.wonFirst).containsExactly(ints(wonFirst));
        assertThat(table.wonEnd).containsExactly(ints(wonEnd));
        assertThat(table.wonAt).containsExactly(longs(wonAt));
        assertThat(table.wonKnownFrom).containsExactly(longs(wonKnownFrom));
        assertThat(table.wonKnownUntil).containsExactly(longs(wonKnownUntil));
        assertThat((boolean) field(table, "exact")).isEqualTo(whole);
        assertThat(table.stageCount()).isEqualTo(byStage.size());
        int g = 0;
        for (Map.Entry<String, List<Integer>> e : byStage.entrySet()) {
            assertThat(table.stage(g)).isEqualTo(e.getKey());
            assertThat(table.stays(g)).containsExactly(ints(e.getValue()));
            g++;
        }
    }

    /** Leads with spells, open intervals and closes whose instants come from a few, so that they tie. */
    private static History history(Random r, int leads) {
        List<OpenInterval> open = new ArrayList<>();
        List<Spell> spells = new ArrayList<>();
        List<Close> closes = new ArrayList<>();
        for (int i = 0; i < leads; i++) {
            String lead = "l" + r.nextInt(leads);
            String stage = STAGES[r.nextInt(STAGES.length)];
            LeadAttributes attributes = new LeadAttributes("web", SEGMENTS[r.nextInt(SEGMENTS.length)], null, null);
            Instant entered = instant(r);
            Instant closed = switch (r.nextInt(4)) {
                case 0 -> null;
                case 1 -> instant(r);
                // a length shared with others
                case 2 -> fresh(entered.plusSeconds(3600L * r.nextInt(3)));
                default -> fresh(entered.plusNanos(r.nextInt(3)));
            };
            StageOutcome outcome = closed == null ? null : OUTCOMES[r.nextInt(OUTCOMES.length)];
            spells.add(new Spell(lead, stage, entered, closed, outcome, attributes));
            if (closed != null) {
                Close c = new Close(lead, closed, outcome, BigDecimal.TEN, "USD", attributes, null);
                closes.add(r.nextInt(5) == 0 ? c.until(fresh(closed.plusSeconds(60))) : c);
            }
            Instant since = instant(r);
            for (int j = r.nextInt(4); j > 0; j--) {
                OpenLead l = new OpenLead(lead, stage, since, r.nextBoolean() ? BigDecimal.ONE : null, "USD",
                        attributes);
                open.add(new OpenInterval(l, instant(r), r.nextInt(4) == 0 ? null : instant(r)));
            }
        }
        return new History(open, spells, closes, List.of());
    }

    /** One of a few days, at whole microseconds or a nanosecond or so off them, some long before the epoch. */
    private static Instant instant(Random r) {
        long seconds = BASE.getEpochSecond() + 86_400L * r.nextInt(4) - (r.nextInt(6) == 0 ? 2_000_000_000L : 0);
        int[] nanos = {0, 0, 1, 999, 1000, 999_999_999};
        return Instant.ofEpochSecond(seconds, nanos[r.nextInt(nanos.length)]);
    }

    /** An instant object of its own, equal to {@code t}. */
    private static Instant fresh(Instant t) {
        return Instant.ofEpochSecond(t.getEpochSecond(), t.getNano());
    }

    private static Object field(Object o, String name) throws ReflectiveOperationException {
        Field f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
    }

    private static long[] longs(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    private static int[] ints(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }
}
