package dev.l2r.lead.recording;

import dev.l2r.lead.history.Alongside;
import dev.l2r.lead.history.HistoryStore;
import dev.l2r.lead.history.LeadLedger;
import dev.l2r.lead.history.RecordingFailed;
import dev.l2r.lead.history.RecordingResult;
import dev.l2r.lead.history.StageChange;
import dev.l2r.lead.history.TransitionRow;
import dev.l2r.lead.funnel.FunnelDefinitions;
import dev.l2r.lead.identity.IdentityStore;
import dev.l2r.lead.outbox.Outbox;
import dev.l2r.lead.privacy.ErasedDeliveries;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Records stage changes and details changes: the leads, the transitions, the details changes and the outbox rows of a whole chunk in one transaction, so
 * every change is either wholly accepted (and will reach Kafka) or not at all. Every intake path (one REST
 * call, a batch, a CSV import, a webhook) records through here; the rules themselves are {@link LeadLedger}'s.
 *
 * <p>A chunk locks its stored leads in id order, reads their histories once, applies the changes in the order
 * given, then writes with batched statements. Two writers creating the same new lead, or the same source event
 * id, meet a unique constraint; the caller retries the chunk (see {@code Intake}).
 */
@ApplicationScoped
public class TransitionRecorder {

    @Inject
    FunnelDefinitions funnels;

    @Inject
    HistoryStore store;

    @Inject
    Outbox outbox;

    @Inject
    IdentityStore identities;

    @Inject
    ErasedDeliveries erased;

    Clock clock = Clock.systemUTC();
    Supplier<UUID> ids = UUID::randomUUID;

    /** The result of each change, in the order given. */
    @Transactional
    public List<RecordingResult> record(List<StageChange> changes) {
        return record(changes, null);
    }

    /** As {@link #record(List)}, writing {@code alongside}'s rows (if any) in the same transaction. */
    @Transactional
    public List<RecordingResult> record(List<StageChange> requested, Alongside alongside) {
        try (Connection c = store.connection()) {
            // an id merged into another lead is recorded under its survivor; a merge under way is waited for, and
            // none starts before this chunk commits
            identities.lockForRecording(c);
            Map<String, String> survivors = identities.survivors(c,
                    requested.stream().map(StageChange::leadId).collect(java.util.stream.Collectors.toSet()));
            List<StageChange> changes = requested.stream()
                    .map(ch -> ch.leadId().equals(survivors.get(ch.leadId())) ? ch
                            : ch.withLeadId(survivors.get(ch.leadId()))).toList();
            LeadLedger ledger = new LeadLedger(funnels.current(), clock.instant(), ids);
            List<String> sources = new ArrayList<>();
            List<String> sourceEventIds = new ArrayList<>();
            Set<String> leadIds = new LinkedHashSet<>();
            for (StageChange change : changes) {
                leadIds.add(change.leadId());
                if (change.sourceEventId() != null) {
                    sources.add(change.source());
                    sourceEventIds.add(change.sourceEventId());
                }
            }
            store.bySourceEvents(c, sources, sourceEventIds).forEach(ledger::knowSourceEvent);
            store.detailsBySourceEvents(c, sources, sourceEventIds).forEach(ledger::knowSourceEvent);
            Map<String, java.time.Instant> stored = store.lockLeads(c, leadIds);
            Map<String, List<TransitionRow>> histories = store.historyOf(c, stored.keySet());
            stored.forEach((id, createdAt) -> ledger.load(id, createdAt, histories.getOrDefault(id, List.of())));
            store.detailsOf(c, leadIds).forEach(ledger::loadDetails);
            // a sender's retry of a change of an erased lead: a duplicate, not the first change of a new lead
            Set<Integer> ofErased = erased.among(c, changes);

            List<RecordingResult> results = new ArrayList<>(changes.size());
            for (int i = 0; i < changes.size(); i++) {
                results.add(ofErased.contains(i) ? RecordingResult.repeatOfErased() : ledger.apply(changes.get(i)));
            }
            store.insertLeads(c, ledger.newLeads());
            store.updateLeads(c, ledger.changedLeads());
            store.insertTransitions(c, ledger.addedTransitions());
            store.insertDetails(c, ledger.addedDetails());
            store.publish(c, ledger.activatedTransitions());
            store.publishDetails(c, ledger.activatedDetails());
            outbox.appendLeadEvents(c, ledger.published());
            if (alongside != null) {
                alongside.write(c);
            }
            return results;
        } catch (SQLException e) {
            throw new RecordingFailed(e);
        }
    }
}
