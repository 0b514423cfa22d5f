package dev.l2r.funnel.rebuild;

import dev.l2r.events.LeadErased;
import dev.l2r.events.LeadEvent;
import dev.l2r.events.LeadsMerged;
import dev.l2r.funnel.storage.ProjectionTables;
import dev.l2r.platform.consume.AliasMap;
import dev.l2r.platform.consume.ErasedEvents;
import dev.l2r.platform.consume.EventLog;
import dev.l2r.platform.consume.LeadAliases;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The merges and erasures of a replayed topic, applied to the shadow event log before any lead is recomputed, with
 * the live consumer's rules (platform {@link AliasMap}, {@link EventLog#rekey}, {@link EventLog#cutLoose}): every
 * absorbed id's events moved to the lead it counts for, the aliases written; every erased lead's events moved to a
 * fresh surrogate without what ties them to the person, and its aliases dropped. The leads are then recomputed from
 * what the log holds, so the tables come out as the live consumer left them: the same rows and cells, the erased
 * leads' under other surrogates.
 */
final class IdentityReplay {

    private static final Comparator<LeadEvent> IN_ORDER = Comparator.comparing(LeadEvent::recordedAt)
            .thenComparing(e -> e.eventId().toString());

    private IdentityReplay() {
    }

    /** @return how many merges and erasures were applied */
    static int apply(Connection c, ProjectionTables shadow) throws SQLException {
        List<LeadEvent> identity = shadow.identityEvents(c);
        if (identity.isEmpty()) {
            return 0;
        }
        EventLog log = new EventLog(shadow.table("event_log"));
        LeadAliases aliases = new LeadAliases(shadow.table("lead_alias"));
        AliasMap map = new AliasMap();
        identity.stream().filter(LeadsMerged.class::isInstance).map(LeadsMerged.class::cast).sorted(IN_ORDER)
                .forEach(m -> map.merge(m.leadId(), m.mergedLeadId()));
        log.rekey(c, map.aliases());
        aliases.put(c, map.aliases());

        Map<String, String> surrogates = new LinkedHashMap<>();
        Map<String, Instant> erasedAt = new HashMap<>();
        identity.stream().filter(LeadErased.class::isInstance).sorted(IN_ORDER).forEach(e -> {
            String lead = map.resolve(e.leadId());
            surrogates.putIfAbsent(lead, ErasedEvents.surrogate());
            erasedAt.merge(lead, e.recordedAt(), (a, b) -> a.isAfter(b) ? a : b);
            map.forget(lead);
        });
        // what lead-service recorded after the erasure (a later delivery for the same sender id) is a new lead
        log.cutLoose(c, surrogates, (lead, event) -> !event.recordedAt().isAfter(erasedAt.get(lead)));
        aliases.forget(c, surrogates.keySet());
        return identity.size();
    }
}
