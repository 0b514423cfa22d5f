package dev.l2r.lead.identity;

import dev.l2r.events.LeadsMerged;
import dev.l2r.lead.funnel.FunnelDefinitions;
import dev.l2r.lead.history.DetailsRow;
import dev.l2r.lead.history.HistoryStore;
import dev.l2r.lead.history.LeadLedger;
import dev.l2r.lead.history.LeadRow;
import dev.l2r.lead.history.RecordingFailed;
import dev.l2r.lead.history.TransitionRow;
import dev.l2r.lead.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Merges two leads a link names, in one transaction: both ids resolved to their survivors under the merge lock
 * ({@link IdentityStore#lockForMerge}); if they are one lead already, nothing happens (the same link again publishes nothing). Otherwise the survivor is
 * chosen ({@link Survivor}), the absorbed lead's stage changes, details changes, parked items and identities move
 * to it, its row is recomputed from the union by the same rules as every recording ({@link LeadLedger}), the
 * absorbed row is deleted, {@code lead_merge} records the absorbed id (chains collapsed) and {@code LeadsMerged}
 * goes to the outbox keyed by the survivor.
 */
@ApplicationScoped
public class MergeRecorder {

    @Inject
    HistoryStore history;

    @Inject
    IdentityStore store;

    @Inject
    FunnelDefinitions funnels;

    @Inject
    Outbox outbox;

    Clock clock = Clock.systemUTC();
    Supplier<UUID> ids = UUID::randomUUID;

    @Transactional
    public LinkResult link(Link link) {
        try (Connection c = history.connection()) {
            List<String> both = List.of(link.leadId(), link.linkedLeadId());
            Map<String, String> survivors = store.survivors(c, both);
            if (!survivors.get(link.leadId()).equals(survivors.get(link.linkedLeadId()))) {
                // one lead already needs no lock (merges never split); two are read again under the merge lock
                store.lockForMerge(c);
                survivors = store.survivors(c, both);
            }
            String a = survivors.get(link.leadId());
            String b = survivors.get(link.linkedLeadId());
            if (a.equals(b)) {
                return new LinkResult(a, null, null);
            }
            Map<String, Instant> seen = store.firstSeen(c, List.of(a, b));
            String survivor = Survivor.of(new Survivor.Candidate(a, seen.get(a)),
                    new Survivor.Candidate(b, seen.get(b))).leadId();
            String absorbed = survivor.equals(a) ? b : a;
            Instant now = clock.instant();

            store.moveLead(c, absorbed, survivor);
            recompute(c, survivor, now);
            UUID eventId = ids.get();
            store.recordMerge(c, absorbed, survivor, now, eventId, link.source(), link.linkedBy());
            outbox.appendLeadEvents(c, List.of(new LeadsMerged(eventId, LeadsMerged.CURRENT_SCHEMA_VERSION, survivor,
                    absorbed, link.occurredAt(), now, link.source(), link.sourceEventId(), link.linkedBy())));
            return new LinkResult(survivor, absorbed, eventId);
        } catch (SQLException e) {
            throw new RecordingFailed(e);
        }
    }

    /** The survivor's row as the union of both histories reads (nothing when neither had a stage change yet). */
    private void recompute(Connection c, String survivor, Instant now) throws SQLException {
        List<TransitionRow> rows = history.historyOf(c, List.of(survivor)).getOrDefault(survivor, List.of());
        if (rows.isEmpty()) {
            return;
        }
        List<DetailsRow> details = history.detailsOf(c, List.of(survivor)).getOrDefault(survivor, List.of());
        LeadRow stored = history.lead(c, survivor);
        LeadLedger ledger = new LeadLedger(funnels.current(), now, ids);
        ledger.load(survivor, stored == null ? now : stored.createdAt(), rows);
        ledger.loadDetails(survivor, details);
        LeadRow row = ledger.state(survivor);
        if (stored == null) {
            history.insertLeads(c, List.of(row));
        } else {
            history.updateLeads(c, List.of(row));
        }
    }
}
