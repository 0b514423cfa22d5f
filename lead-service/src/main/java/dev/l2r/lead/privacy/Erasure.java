package dev.l2r.lead.privacy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.l2r.events.LeadErased;
import dev.l2r.lead.history.HistoryStore;
import dev.l2r.lead.outbox.Outbox;
import dev.l2r.platform.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Erases a lead, in one transaction: keeps the keyed hashes of its changes' source event ids (so that a sender's
 * retry is a duplicate, not a new lead), removes the bodies of the deliveries that fed it, deletes its rows (lead,
 * transitions, details changes, parked items, outbox dead letters, identities, merges), writes {@link LeadErased} to
 * the outbox after its other events, and audits who asked, when, and a keyed hash of the lead id.
 */
@ApplicationScoped
public class Erasure {

    @Inject
    HistoryStore store;

    @Inject
    LeadIds ids;

    @Inject
    PrivacyKeys keys;

    @Inject
    Outbox outbox;

    @Inject
    ObjectMapper json;

    @ConfigProperty(name = "l2r.topic.lead-stage-changed.name")
    String topic;

    @Inject
    dev.l2r.lead.identity.IdentityStore identities;

    Clock clock = Clock.systemUTC();

    /** Erases the lead {@code id} names; 404 problem when lead-service holds nothing under it. */
    @Transactional
    public ErasureReport erase(String id, String requestedBy) {
        KeyedHashes hashes = keys.required();
        // to the microsecond, as PostgreSQL keeps it: the answer's time is the audit's
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        try (Connection c = store.connection()) {
            // no merge moves the person's rows while they are erased, and none starts on them before this commits
            identities.lockForMerge(c);
            String leadId = ids.resolve(c, id);
            if (leadId == null) {
                throw ProblemException.notFound("no lead with this id");
            }
            ErasureStore.lock(c, leadId);
            List<byte[]> retryKeys = ErasureStore.sourceEvents(c, leadId).stream()
                    .map(e -> hashes.delivery(e.source(), e.sourceEventId())).toList();
            long kept = ErasureStore.keepKeys(c, retryKeys, now);
            Set<Long> deliveries = ErasureStore.deliveries(c, leadId);

            Map<String, Long> removed = new LinkedHashMap<>();
            removed.put("parkedItems", ErasureStore.delete(c, "parked_item", "lead_id", leadId));
            removed.put("detailsChanges", ErasureStore.delete(c, "lead_detail_change", "lead_id", leadId));
            removed.put("stageTransitions", ErasureStore.delete(c, "stage_transition", "lead_id", leadId));
            removed.put("lead", ErasureStore.delete(c, "lead", "lead_id", leadId));
            removed.put("outboxDeadLetters", ErasureStore.deleteOutboxDeadLetters(c, topic, leadId));
            long[] identities = ErasureStore.deleteIdentities(c, leadId);
            removed.put("identities", identities[0]);
            removed.put("merges", identities[1]);
            removed.put("rawDeliveryBodies", ErasureStore.eraseBodies(c, deliveries, now));

            outbox.appendLeadEvents(c, List.of(new LeadErased(UUID.randomUUID(), LeadErased.CURRENT_SCHEMA_VERSION,
                    leadId, now, now, "l2r")));
            ErasureStore.audit(c, hashes.lead(leadId), requestedBy, now, json.writeValueAsString(removed));
            return new ErasureReport(leadId, now, removed, kept, ErasureReport.CONSUMERS);
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("could not erase the lead", e);
        }
    }
}
