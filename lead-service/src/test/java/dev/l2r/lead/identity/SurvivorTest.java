package dev.l2r.lead.identity;

import dev.l2r.infra.test.Tries;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The survivor rule, and that folding links with it gives one grouping whatever order the links come in. */
class SurvivorTest {

    static final Instant MARCH = Instant.parse("2025-03-04T10:00:00Z");
    static final Instant MAY = Instant.parse("2025-05-12T09:00:00Z");

    @Test
    void theEarlierFirstTouchSurvivesTiesTheSmallerIdAndAnIdWithoutALeadNever() {
        Survivor.Candidate visitor = new Survivor.Candidate("segment:anon-1", MARCH);
        Survivor.Candidate user = new Survivor.Candidate("segment:p-abc", MAY);
        assertThat(Survivor.of(user, visitor)).isEqualTo(visitor);
        assertThat(Survivor.of(visitor, user)).isEqualTo(visitor);
        Survivor.Candidate twin = new Survivor.Candidate("segment:anon-0", MARCH);
        assertThat(Survivor.of(visitor, twin)).isEqualTo(twin);
        Survivor.Candidate noLead = new Survivor.Candidate("a", null);
        assertThat(Survivor.of(noLead, user)).isEqualTo(user);
        assertThat(Survivor.of(noLead, new Survivor.Candidate("b", null)).leadId()).isEqualTo("a");
    }

    /**
     * A model of what lead-service does with a link (both ids to their survivors; the survivor's first touch is the
     * earlier of the two), checked against an independent answer: each connected group's member with the least
     * (first touch, id).
     */
    @Test
    void theGroupingDoesNotDependOnTheOrderOfTheLinks() {
        Tries.forAll(500, random -> {
            int n = 2 + random.nextInt(9);
            List<Survivor.Candidate> leads = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                // few distinct days, so that ties in first touch are common; some ids without a lead
                leads.add(new Survivor.Candidate("id-" + i, random.nextInt(5) == 0 ? null
                        : MARCH.plusSeconds(86_400L * random.nextInt(4))));
            }
            List<int[]> links = new ArrayList<>();
            for (int i = 0, m = random.nextInt(2 * n); i < m; i++) {
                links.add(new int[] {random.nextInt(n), random.nextInt(n)});
            }
            return new Object[] {leads, links};
        }, drawn -> {
            @SuppressWarnings("unchecked") List<Survivor.Candidate> leads = (List<Survivor.Candidate>) drawn[0];
            @SuppressWarnings("unchecked") List<int[]> links = (List<int[]>) drawn[1];
            Map<String, String> expected = expected(leads, links);
            for (long seed = 0; seed < 4; seed++) {
                List<int[]> order = new ArrayList<>(links);
                Collections.shuffle(order, new Random(seed));
                assertThat(fold(leads, order)).isEqualTo(expected);
            }
        });
    }

    /** The model: a merge table (chains collapsed) and each survivor's first touch. */
    static Map<String, String> fold(List<Survivor.Candidate> leads, List<int[]> links) {
        Map<String, String> merged = new HashMap<>();
        Map<String, Instant> firstSeen = new HashMap<>();
        leads.forEach(l -> {
            if (l.firstSeen() != null) {
                firstSeen.put(l.leadId(), l.firstSeen());
            }
        });
        for (int[] link : links) {
            String a = merged.getOrDefault(leads.get(link[0]).leadId(), leads.get(link[0]).leadId());
            String b = merged.getOrDefault(leads.get(link[1]).leadId(), leads.get(link[1]).leadId());
            if (a.equals(b)) {
                continue;
            }
            String survivor = Survivor.of(new Survivor.Candidate(a, firstSeen.get(a)),
                    new Survivor.Candidate(b, firstSeen.get(b))).leadId();
            String absorbed = survivor.equals(a) ? b : a;
            merged.replaceAll((k, v) -> v.equals(absorbed) ? survivor : v);
            merged.put(absorbed, survivor);
            Instant earliest = firstSeen.get(absorbed);
            if (earliest != null && (firstSeen.get(survivor) == null || earliest.isBefore(firstSeen.get(survivor)))) {
                firstSeen.put(survivor, earliest);
            }
            firstSeen.remove(absorbed);
        }
        Map<String, String> grouping = new HashMap<>();
        leads.forEach(l -> grouping.put(l.leadId(), merged.getOrDefault(l.leadId(), l.leadId())));
        return grouping;
    }

    /** Independently: connected groups by flood fill; each group's least (first touch, id), nulls last. */
    static Map<String, String> expected(List<Survivor.Candidate> leads, List<int[]> links) {
        int n = leads.size();
        int[] group = new int[n];
        for (int i = 0; i < n; i++) {
            group[i] = i;
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int[] link : links) {
                int low = Math.min(group[link[0]], group[link[1]]);
                if (group[link[0]] != low || group[link[1]] != low) {
                    group[link[0]] = low;
                    group[link[1]] = low;
                    changed = true;
                }
            }
        }
        Map<String, String> grouping = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Survivor.Candidate best = null;
            for (int j = 0; j < n; j++) {
                if (group[j] != group[i]) {
                    continue;
                }
                Survivor.Candidate c = leads.get(j);
                if (best == null || less(c, best)) {
                    best = c;
                }
            }
            grouping.put(leads.get(i).leadId(), best.leadId());
        }
        return grouping;
    }

    private static boolean less(Survivor.Candidate a, Survivor.Candidate b) {
        if (a.firstSeen() == null || b.firstSeen() == null) {
            return a.firstSeen() != null || (b.firstSeen() == null && a.leadId().compareTo(b.leadId()) < 0);
        }
        int byTime = a.firstSeen().compareTo(b.firstSeen());
        return byTime < 0 || (byTime == 0 && a.leadId().compareTo(b.leadId()) < 0);
    }
}
