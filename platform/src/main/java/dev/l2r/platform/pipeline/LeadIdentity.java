package dev.l2r.platform.pipeline;

import dev.l2r.events.LeadErased;
import dev.l2r.events.LeadEvent;
import dev.l2r.events.LeadsMerged;
import dev.l2r.platform.consume.AliasMap;
import dev.l2r.platform.consume.ErasedEvents;
import dev.l2r.platform.consume.EventLog;
import dev.l2r.platform.consume.LeadAliases;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How both projections apply a poll of every kind of event, identity kinds included, in the pipeline's transaction.
 * A service supplies only how it recomputes leads from their events and how it re-keys a lead's rows
 * ({@link Leads}); the rest is done here once:
 * <ul>
 * <li>every lead id of the poll is resolved through the aliases ({@link LeadAliases}), and the ids and the leads they
 * count for are locked ({@link LeadLocks}, sorted), then resolved again: a merge committed meanwhile may have given an
 * id another survivor, which is locked in turn (out of order, rarely: a deadlock PostgreSQL breaks is tried again by
 * the pipeline);</li>
 * <li>stage and details changes are appended to the event log under the lead they count for, and the leads touched
 * recomputed from all their events;</li>
 * <li>a {@link LeadsMerged} re-keys the absorbed lead's events to the survivor, records the alias (chains collapsed),
 * and recomputes both leads: the absorbed one has no events left, so its contributions leave the cells, and the
 * survivor is recomputed from the union;</li>
 * <li>a {@link LeadErased} cuts the lead loose: its events and per-lead rows are re-keyed to a random surrogate
 * ({@link ErasedEvents}), their sender-specific values dropped, nothing recomputed (the aggregates stay to the
 * cent); its aliases and its dead letters are deleted.</li>
 * </ul>
 * The poll is applied in its order, each identity event between the changes around it. Every kind is idempotent on
 * its event id (the event log): a redelivered merge or erasure changes nothing.
 */
public final class LeadIdentity {

    /** What a projection does with its own per-lead rows. */
    public interface Leads {

        /**
         * Replaces the rows of these leads with those computed from these events (by lead); a lead without events
         * has no rows any more, and its contributions leave the aggregates.
         */
        void recompute(Connection c, Collection<String> leadIds, Map<String, List<LeadEvent>> events)
                throws SQLException;

        /** Moves every per-lead row of each lead to its surrogate ({@code lead -> surrogate}), values unchanged. */
        void cutLoose(Connection c, Map<String, String> surrogates) throws SQLException;
    }

    private final EventLog log;
    private final LeadAliases aliases;

    public LeadIdentity(EventLog log, LeadAliases aliases) {
        this.log = log;
        this.aliases = aliases;
    }

    /**
     * Applies the events in the caller's transaction, after the caller's projection-wide lock.
     *
     * @return how many events were new
     */
    public int apply(Connection c, List<LeadEvent> events, Leads leads) throws SQLException {
        if (events.isEmpty()) {
            return 0;
        }
        AliasMap map = lockAndResolve(c, events);
        int fresh = 0;
        List<LeadEvent> run = new ArrayList<>();
        for (LeadEvent e : events) {
            if (e instanceof LeadsMerged merged) {
                fresh += changes(c, run, map, leads);
                run.clear();
                fresh += merge(c, merged, map, leads);
            } else if (e instanceof LeadErased erased) {
                fresh += changes(c, run, map, leads);
                run.clear();
                fresh += erase(c, erased, map, leads);
            } else {
                run.add(e);
            }
        }
        return fresh + changes(c, run, map, leads);
    }

    /** Locks every id of the events and the leads they count for, until resolving after locking finds no other. */
    private AliasMap lockAndResolve(Connection c, List<LeadEvent> events) throws SQLException {
        Set<String> ids = new TreeSet<>();
        for (LeadEvent e : events) {
            ids.add(e.leadId());
            if (e instanceof LeadsMerged m) {
                ids.add(m.mergedLeadId());
            }
        }
        Set<String> locked = new HashSet<>();
        while (true) {
            Map<String, String> roots = aliases.roots(c, ids);
            Set<String> wanted = new TreeSet<>(ids);
            wanted.addAll(roots.values());
            wanted.removeAll(locked);
            if (wanted.isEmpty()) {
                return new AliasMap(roots);
            }
            LeadLocks.lockIds(c, wanted);
            locked.addAll(wanted);
        }
    }

    private int changes(Connection c, List<LeadEvent> run, AliasMap map, Leads leads) throws SQLException {
        if (run.isEmpty()) {
            return 0;
        }
        List<LeadEvent> fresh = log.append(c, run, e -> map.resolve(e.leadId()));
        if (fresh.isEmpty()) {
            return 0;
        }
        Set<String> touched = new LinkedHashSet<>();
        fresh.forEach(e -> touched.add(map.resolve(e.leadId())));
        leads.recompute(c, touched, log.eventsOf(c, touched, fresh));
        return fresh.size();
    }

    private int merge(Connection c, LeadsMerged merged, AliasMap map, Leads leads) throws SQLException {
        if (log.append(c, List.of(merged), e -> map.resolve(merged.leadId())).isEmpty()) {
            return 0; // applied before
        }
        AliasMap.Merge merge = map.merge(merged.leadId(), merged.mergedLeadId());
        if (merge == null) {
            return 1; // the two count for one lead already
        }
        log.rekey(c, Map.of(merge.absorbed(), merge.survivor()));
        aliases.merge(c, merge, merged.mergedLeadId());
        List<String> both = List.of(merge.absorbed(), merge.survivor());
        leads.recompute(c, both, log.eventsOf(c, List.of(merge.survivor())));
        return 1;
    }

    private int erase(Connection c, LeadErased erased, AliasMap map, Leads leads) throws SQLException {
        String surrogate = ErasedEvents.surrogate();
        if (log.append(c, List.of(ErasedEvents.cutLoose(erased, surrogate)), e -> surrogate).isEmpty()) {
            return 0; // applied before
        }
        String lead = map.resolve(erased.leadId());
        Set<String> ids = new TreeSet<>(aliases.absorbedInto(c, List.of(lead)));
        ids.add(lead);
        ids.add(erased.leadId());
        ids.addAll(map.forget(lead));
        DeadLetterTable.deleteKeyed(c, ids);
        log.cutLoose(c, Map.of(lead, surrogate));
        leads.cutLoose(c, Map.of(lead, surrogate));
        aliases.forget(c, List.of(lead));
        return 1;
    }
}
