package dev.l2r.forecast.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The open intervals grouped by stay (lead, stage, since) once per history, so that what a stay looked like at a
 * moment — the stage time frames ({@link StageTimeFrames}) and the stale stays ({@link StaleStays}) ask it of every
 * model, thirteen or more per forecast — is a pass over arrays instead of a regrouping of every interval.
 *
 * <p>Times are kept as microseconds from the epoch, the precision the database keeps: a comparison is then one of
 * longs, and a length in days the very division {@link Days#between} makes. Stays are in order of since (each
 * stage's too), so a moment's stays are a prefix and a cohort a range. Each stay points at its lead's won closes.
 * A history with an instant finer than a microsecond (or absurdly far from now) is not answered ({@link #answers}):
 * its models take the plain way, which compares the instants themselves.
 */
final class StayTable {

    /** What {@link #state} says of a stay none of whose intervals had begun by the moment asked. */
    static final long UNKNOWN = Long.MIN_VALUE;
    /** What {@link #state} says of a stay one of whose intervals still held at the moment asked. */
    static final long ONGOING = Long.MAX_VALUE;
    /** Instants within this many seconds of the epoch: sums of a few of them, as microseconds, cannot overflow. */
    private static final long RANGE_SECONDS = (1L << 60) / 1_000_000;
    /** Runs of rows with one since up to this long are grouped by comparing them pairwise. */
    private static final int SMALL_RUN = 8;
    private static final int[] NO_WON = new int[2];

    private final String[] stageNames;
    /** Per stage (as in stageNames): its stays' positions, by since. */
    private final int[][] byStage;
    /** Per stay, ascending. */
    final long[] since;
    /** Stay s's intervals are positions first[s] .. first[s + 1] - 1 of from/to (to ONGOING for no end). */
    private final int[] first;
    private final long[] from;
    private final long[] to;
    /** Stay s's lead's won closes are positions wonFirst[s] .. wonEnd[s] - 1 of the won arrays, by close time. */
    final int[] wonFirst;
    final int[] wonEnd;
    final long[] wonAt;
    final long[] wonKnownFrom;
    /** ONGOING for a version not superseded. */
    final long[] wonKnownUntil;
    private final boolean exact;

    StayTable(List<OpenInterval> open, List<Close> closes) {
        OpenInterval[] rows = open.toArray(new OpenInterval[0]);
        int[] stayOf = new int[rows.length];
        int[] firstRow = new int[rows.length];
        int n = group(rows, stayOf, firstRow);
        // the stays by since, ties in order of their first interval
        long[] hi = new long[n];
        long[] lo = new long[n];
        for (int s = 0; s < n; s++) {
            Instant since = rows[firstRow[s]].lead().stageSince();
            hi[s] = SortKeys.ascending(since);
            lo[s] = SortKeys.ascending(since, s);
        }
        SortKeys.sort(hi, lo);
        int[] rank = new int[n];
        for (int r = 0; r < n; r++) {
            rank[SortKeys.position(lo[r])] = r;
        }
        // each stay's intervals in the given order, stays in rank order
        first = new int[n + 1];
        for (int i = 0; i < rows.length; i++) {
            first[rank[stayOf[i]] + 1]++;
        }
        for (int r = 0; r < n; r++) {
            first[r + 1] += first[r];
        }
        int[] next = java.util.Arrays.copyOf(first, n);
        int[] byStay = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            byStay[next[rank[stayOf[i]]]++] = i;
        }

        Map<String, List<Close>> wonByLead = new HashMap<>();
        for (Close c : closes) {
            if (c.won()) {
                wonByLead.computeIfAbsent(c.leadId(), k -> new ArrayList<>(1)).add(c);
            }
        }
        boolean whole = true;
        int wonCount = 0;
        for (List<Close> won : wonByLead.values()) {
            wonCount += won.size();
        }
        wonAt = new long[wonCount];
        wonKnownFrom = new long[wonCount];
        wonKnownUntil = new long[wonCount];
        Map<String, int[]> wonRange = new HashMap<>();
        int w = 0;
        for (Map.Entry<String, List<Close>> e : wonByLead.entrySet()) {
            List<Close> won = e.getValue();
            won.sort(Comparator.comparing(Close::closedAt));
            wonRange.put(e.getKey(), new int[]{w, w + won.size()});
            for (Close c : won) {
                whole &= whole(c.closedAt()) && whole(c.knownFrom())
                        && (c.knownUntil() == null || whole(c.knownUntil()));
                wonAt[w] = micros(c.closedAt());
                wonKnownFrom[w] = micros(c.knownFrom());
                wonKnownUntil[w] = c.knownUntil() == null ? ONGOING : micros(c.knownUntil());
                w++;
            }
        }

        since = new long[n];
        from = new long[rows.length];
        to = new long[rows.length];
        wonFirst = new int[n];
        wonEnd = new int[n];
        Map<String, Integer> stageIndex = new LinkedHashMap<>();
        int[] stageOf = new int[n];
        int[] stageCount = new int[n];
        for (int r = 0; r < n; r++) {
            OpenLead key = rows[firstRow[SortKeys.position(lo[r])]].lead();
            whole &= whole(key.stageSince());
            since[r] = micros(key.stageSince());
            int g = stageIndex.computeIfAbsent(key.stage(), k -> stageIndex.size());
            stageOf[r] = g;
            stageCount[g]++;
            int[] won = wonRange.getOrDefault(key.leadId(), NO_WON);
            wonFirst[r] = won[0];
            wonEnd[r] = won[1];
        }
        for (int at = 0; at < rows.length; at++) {
            OpenInterval i = rows[byStay[at]];
            whole &= whole(i.validFrom()) && (i.validTo() == null || whole(i.validTo()));
            from[at] = micros(i.validFrom());
            to[at] = i.validTo() == null ? ONGOING : micros(i.validTo());
        }
        exact = whole;
        stageNames = stageIndex.keySet().toArray(new String[0]);
        byStage = new int[stageNames.length][];
        for (int g = 0; g < stageNames.length; g++) {
            byStage[g] = new int[stageCount[g]];
        }
        int[] filled = new int[stageNames.length];
        for (int r = 0; r < n; r++) {
            byStage[stageOf[r]][filled[stageOf[r]]++] = r;
        }
    }

    /**
     * Numbers the stays (lead, stage, since) in order of their first interval: each interval's stay into
     * {@code stayOf}, each stay's first interval into {@code firstRow}; returns how many. A stay's intervals share
     * its since, so in rows by since (as {@link History} keeps them) they lie in one run of equal since, and only
     * a run's own stays need telling apart; otherwise every row is one run.
     */
    private static int group(OpenInterval[] rows, int[] stayOf, int[] firstRow) {
        boolean bySince = true;
        for (int i = 1; i < rows.length && bySince; i++) {
            bySince = rows[i - 1].lead().stageSince().compareTo(rows[i].lead().stageSince()) <= 0;
        }
        record Key(String leadId, String stage, Instant since) {
        }
        Map<Key, Integer> seen = new HashMap<>();
        int n = 0;
        for (int start = 0, end; start < rows.length; start = end) {
            end = start + 1;
            Instant since = rows[start].lead().stageSince();
            while (end < rows.length && (!bySince || rows[end].lead().stageSince().equals(since))) {
                end++;
            }
            if (end - start <= SMALL_RUN) {
                // a few rows: comparing each with the ones before it costs less than hashing them
                for (int i = start; i < end; i++) {
                    int stay = -1;
                    for (int j = start; j < i && stay < 0; j++) {
                        stay = sameStay(rows[i].lead(), rows[j].lead()) ? stayOf[j] : -1;
                    }
                    if (stay < 0) {
                        stay = n++;
                        firstRow[stay] = i;
                    }
                    stayOf[i] = stay;
                }
            } else {
                seen.clear();
                for (int i = start; i < end; i++) {
                    OpenLead l = rows[i].lead();
                    Integer stay = seen.putIfAbsent(new Key(l.leadId(), l.stage(), l.stageSince()), n);
                    if (stay == null) {
                        stay = n++;
                        firstRow[stay] = i;
                    }
                    stayOf[i] = stay;
                }
            }
        }
        return n;
    }

    private static boolean sameStay(OpenLead a, OpenLead b) {
        return Objects.equals(a.leadId(), b.leadId()) && Objects.equals(a.stage(), b.stage())
                && Objects.equals(a.stageSince(), b.stageSince());
    }

    /** Whether this table answers for {@code asOf}: every instant in it, and asOf, in whole microseconds. */
    boolean answers(Instant asOf) {
        return exact && whole(asOf);
    }

    /** Whether {@code t} is a whole microsecond whose microseconds can be added and subtracted without overflow. */
    static boolean whole(Instant t) {
        return t.getNano() % 1000 == 0 && Math.abs(t.getEpochSecond()) < RANGE_SECONDS;
    }

    /** Microseconds from the epoch: exact for an instant this table answers for. */
    static long micros(Instant t) {
        return HistoryIndex.micros(t);
    }

    int stageCount() {
        return stageNames.length;
    }

    String stage(int g) {
        return stageNames[g];
    }

    /** Stage g's stays' positions, by since. */
    int[] stays(int g) {
        return byStage[g];
    }

    /** How many of {@code positions} (by since) have since before {@code t} ({@code orAt}: or at it). */
    int sinceBefore(int[] positions, long t, boolean orAt) {
        int lo = 0;
        int hi = positions.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            long s = since[positions[mid]];
            if (s < t || orAt && s == t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * Stay s as it looked at {@code t} (microseconds), from its intervals begun by then: {@link #UNKNOWN} if none
     * had, {@link #ONGOING} if one had not ended by then, otherwise the latest end among them.
     */
    long state(int s, long t) {
        long lastEnd = UNKNOWN;
        for (int j = first[s]; j < first[s + 1]; j++) {
            if (from[j] > t) {
                continue;
            }
            if (to[j] > t) {
                return ONGOING;
            }
            lastEnd = Math.max(lastEnd, to[j]);
        }
        return lastEnd;
    }
}
