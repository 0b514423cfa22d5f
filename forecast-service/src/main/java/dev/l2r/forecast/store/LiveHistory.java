package dev.l2r.forecast.store;

import dev.l2r.forecast.model.Arrival;
import dev.l2r.forecast.model.Close;
import dev.l2r.forecast.model.FirstChange;
import dev.l2r.forecast.model.History;
import dev.l2r.forecast.model.OpenInterval;
import dev.l2r.forecast.model.OpenLead;
import dev.l2r.forecast.model.Spell;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every projected row, kept per lead and patched lead by lead: the open intervals and arrivals in the order
 * {@link History} keeps them (so handing them over costs no sort), spells and closes per lead.
 */
public final class LiveHistory {

    private final TreeSet<OpenInterval> open = new TreeSet<>(History.OPEN_ORDER);
    private final TreeSet<Arrival> arrivals = new TreeSet<>(History.ARRIVAL_ORDER);
    private final Map<String, List<OpenInterval>> openOf = new HashMap<>();
    private final Map<String, Arrival> arrivalOf = new HashMap<>();
    private final Map<String, List<Spell>> spellsOf = new HashMap<>();
    /** In lead-id order, so that the won deals reach {@code DealValues} already in the order it sorts them into. */
    private final Map<String, List<Close>> closesOf = new TreeMap<>();

    /** Holds {@code rows} and nothing else (the first read, or a read of everything after a rebuild). */
    public void load(History rows) {
        open.clear();
        arrivals.clear();
        openOf.clear();
        arrivalOf.clear();
        spellsOf.clear();
        closesOf.clear();
        add(rows);
    }

    /**
     * Replaces every row of {@code leads} by those in {@code rows}: a lead named but without rows is gone (erased to
     * a surrogate, or a test's reset). Answers the earliest event time at which the history as known then changed
     * ({@link FirstChange}; null if it did not): what was computed from it as known before then still holds.
     */
    public Instant replace(Collection<String> leads, History rows) {
        List<OpenInterval> oldOpen = new ArrayList<>();
        List<Spell> oldSpells = new ArrayList<>();
        List<Close> oldCloses = new ArrayList<>();
        List<Arrival> oldArrivals = new ArrayList<>();
        for (String lead : leads) {
            List<OpenInterval> was = openOf.remove(lead);
            if (was != null) {
                was.forEach(open::remove);
                oldOpen.addAll(was);
            }
            Arrival arrived = arrivalOf.remove(lead);
            if (arrived != null) {
                arrivals.remove(arrived);
                oldArrivals.add(arrived);
            }
            List<Spell> spells = spellsOf.remove(lead);
            if (spells != null) {
                oldSpells.addAll(spells);
            }
            List<Close> closes = closesOf.remove(lead);
            if (closes != null) {
                oldCloses.addAll(closes);
            }
        }
        add(rows);
        return FirstChange.between(new History(oldOpen, oldSpells, oldCloses, oldArrivals), rows);
    }

    private void add(History rows) {
        for (OpenInterval i : rows.open()) {
            openOf.computeIfAbsent(i.lead().leadId(), k -> new ArrayList<>(2)).add(i);
            open.add(i);
        }
        for (Arrival a : rows.arrivals()) {
            arrivalOf.put(a.leadId(), a);
            arrivals.add(a);
        }
        for (Spell s : rows.spells()) {
            spellsOf.computeIfAbsent(s.leadId(), k -> new ArrayList<>(2)).add(s);
        }
        for (Close c : rows.closes()) {
            closesOf.computeIfAbsent(c.leadId(), k -> new ArrayList<>(1)).add(c);
        }
        for (Close c : rows.closes()) {
            List<Close> own = closesOf.get(c.leadId());
            if (own.size() > 1) {
                own.sort(Comparator.comparing(Close::closedAt).thenComparing(Close::knownFrom));
            }
        }
    }

    /** An unchanging copy of every row, for questions to read while the next changes come in. */
    public Rows rows() {
        List<Spell> spells = new ArrayList<>();
        spellsOf.values().forEach(spells::addAll);
        List<Close> closes = new ArrayList<>();
        closesOf.values().forEach(closes::addAll);
        return new Rows(List.copyOf(open), spells, closes, List.copyOf(arrivals));
    }

    /** Every row at one revision; open intervals and arrivals in {@link History}'s order. */
    public record Rows(List<OpenInterval> open, List<Spell> spells, List<Close> closes, List<Arrival> arrivals) {

        /** Every row, as one history (open intervals and arrivals already in its order, so not sorted again). */
        public History all() {
            return History.ofSorted(open, spells, closes, arrivals);
        }

        /**
         * The rows {@link HistoryStore#load} reads for {@code (null, openTo, upTo)}: open intervals from before
         * openTo, spells entered, closes made and known, and arrivals by upTo.
         */
        public History cut(Instant openTo, Instant upTo) {
            List<OpenInterval> o = new ArrayList<>();
            for (OpenInterval i : open) {
                if (!i.validFrom().isAfter(openTo)) {
                    o.add(i);
                }
            }
            List<Spell> s = new ArrayList<>();
            for (Spell x : spells) {
                if (!x.enteredAt().isAfter(upTo)) {
                    s.add(x);
                }
            }
            List<Close> c = new ArrayList<>();
            for (Close x : closes) {
                if (!x.closedAt().isAfter(upTo) && !x.knownFrom().isAfter(upTo)) {
                    c.add(x);
                }
            }
            List<Arrival> a = new ArrayList<>();
            for (Arrival x : arrivals) {
                if (!x.firstSeenAt().isAfter(upTo)) {
                    a.add(x);
                }
            }
            return new History(o, s, c, a);
        }

        /** As {@link HistoryStore#openAt}: the leads open at {@code t}, in lead-id order. */
        public List<OpenLead> openAt(Instant t) {
            List<OpenLead> leads = new ArrayList<>();
            for (OpenInterval i : open) {
                if (i.holdsAt(t)) {
                    leads.add(i.lead());
                }
            }
            leads.sort(Comparator.comparing(OpenLead::leadId));
            return leads;
        }

        /** As {@link HistoryStore#closesIn}: closes in [from, to), each in its latest version. */
        public List<Close> closesIn(Instant from, Instant to) {
            List<Close> found = new ArrayList<>();
            for (Close c : closes) {
                if (c.knownUntil() == null && !c.closedAt().isBefore(from) && c.closedAt().isBefore(to)) {
                    found.add(c);
                }
            }
            return found;
        }
    }
}
