package dev.l2r.lead.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.l2r.lead.history.HistoryStore;
import dev.l2r.platform.problem.ProblemException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The subject-access document: lead-service's rows of the lead, then each consumer's answer, as one JSON document
 * {@code {"leadId", "readAt", "services": [{"service", "leadId", "holds": {"<table>": [rows]}}, ...]}}.
 */
@ApplicationScoped
public class PersonalData {

    @Inject
    HistoryStore store;

    @Inject
    LeadIds ids;

    @Inject
    ConsumerHoldings consumers;

    Clock clock = Clock.systemUTC();

    /** The document; 404 problem when lead-service holds nothing under {@code id}. */
    public Map<String, Object> of(String id, Map<String, String> credential) {
        // lead-service's own rows first, in a transaction of their own, ended before the consumers are asked
        Map<String, Object> own = QuarkusTransaction.requiringNew().call(() -> {
            try (Connection c = store.connection()) {
                String resolved = ids.resolve(c, id);
                if (resolved == null) {
                    throw ProblemException.notFound("no lead with this id");
                }
                Map<String, Object> rows = new LinkedHashMap<>();
                rows.put("service", "lead-service");
                rows.put("leadId", resolved);
                rows.put("holds", LeadServiceHoldings.of(c, resolved));
                return rows;
            } catch (SQLException e) {
                throw new IllegalStateException("could not read the lead's data", e);
            }
        });
        String leadId = (String) own.get("leadId");
        List<Object> services = new ArrayList<>();
        services.add(own);
        for (JsonNode answer : consumers.of(leadId, credential).values()) {
            services.add(answer);
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("leadId", leadId);
        document.put("readAt", Instant.now(clock).toString());
        document.put("services", services);
        return document;
    }
}
