package dev.l2r.forecast.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The open intervals grouped by stay (lead, stage, since) once per history, so that what a stay looked like at a
 * moment — the stage time frames ({@link StageTimeFrames}) and the stale stays ({@link StaleStays}) ask it of every
 * model, thirteen or more per forecast — is a pass over arrays instead of a regrouping of every interval.
 */
final class StayTable {

    /** What one stay looked like at a moment, from its intervals begun by then. */
    interface Visitor {
        /**
         * @param lastEnd the latest end among its intervals ended by then (null if none has)
         * @param ongoing whether one of its intervals had not ended by then
         */
        void stay(String leadId, String stage, Instant since, Instant lastEnd, boolean ongoing);
    }

    private final String[] leadIds;
    private final String[] stages;
    private final Instant[] since;
    /** Stay i's intervals are positions first[i] .. first[i + 1] - 1 of from/to. */
    private final int[] first;
    private final Instant[] from;
    private final Instant[] to;

    StayTable(List<OpenInterval> open) {
        record Key(String leadId, String stage, Instant since) {
        }
        Map<Key, List<OpenInterval>> grouped = new LinkedHashMap<>();
        for (OpenInterval i : open) {
            OpenLead l = i.lead();
            grouped.computeIfAbsent(new Key(l.leadId(), l.stage(), l.stageSince()), k -> new ArrayList<>(2)).add(i);
        }
        int n = grouped.size();
        leadIds = new String[n];
        stages = new String[n];
        since = new Instant[n];
        first = new int[n + 1];
        from = new Instant[open.size()];
        to = new Instant[open.size()];
        int s = 0;
        int at = 0;
        for (Map.Entry<Key, List<OpenInterval>> e : grouped.entrySet()) {
            leadIds[s] = e.getKey().leadId();
            stages[s] = e.getKey().stage();
            since[s] = e.getKey().since();
            first[s] = at;
            for (OpenInterval i : e.getValue()) {
                from[at] = i.validFrom();
                to[at] = i.validTo();
                at++;
            }
            s++;
        }
        first[n] = at;
    }

    /** Each stay entered by {@code asOf} with an interval begun by then, as it looked at {@code asOf}. */
    void visit(Instant asOf, Visitor visitor) {
        for (int s = 0; s < leadIds.length; s++) {
            if (since[s].isAfter(asOf)) {
                continue;
            }
            boolean known = false;
            boolean ongoing = false;
            Instant lastEnd = null;
            for (int j = first[s]; j < first[s + 1]; j++) {
                if (from[j].isAfter(asOf)) {
                    continue;
                }
                known = true;
                if (to[j] == null || to[j].isAfter(asOf)) {
                    ongoing = true;
                } else if (lastEnd == null || to[j].isAfter(lastEnd)) {
                    lastEnd = to[j];
                }
            }
            if (known) {
                visitor.stay(leadIds[s], stages[s], since[s], lastEnd, ongoing);
            }
        }
    }
}
