package dev.l2r.lead.privacy;

import dev.l2r.lead.identity.IdentityHash;
import dev.l2r.lead.identity.IdentityStore;
import dev.l2r.lead.identity.PersonalIds;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Which lead an id of a privacy request names, read through the identity registry in the request's own
 * transaction: a lead id; an id merged into another lead (its survivor: the person is the whole merged lead); or a
 * sender's personal identity written {@code <source>:<value>} ({@code segment:alice@example.com}), found by its
 * keyed hash. It names a lead when lead-service holds anything under the resolved id: its lead row, a details
 * change (a lead with no stage yet has no row), or a parked item.
 */
@ApplicationScoped
public class LeadIds {

    @ConfigProperty(name = "l2r.identity.key")
    Optional<String> key;

    @Inject
    IdentityStore identities;

    /** The lead id {@code id} names, or null when lead-service holds nothing under it. */
    public String resolve(Connection c, String id) throws SQLException {
        String leadId = id;
        int colon = id.indexOf(':');
        Optional<String> k = key.filter(v -> !v.isBlank());
        if (colon > 0 && PersonalIds.isPersonal(id.substring(colon + 1)) && k.isPresent()) {
            leadId = identities.leadOfIdentity(c, new IdentityHash(k.get()).of(id.substring(0, colon),
                    id.substring(colon + 1)));
            if (leadId == null) {
                return null;
            }
        }
        leadId = identities.survivors(c, List.of(leadId)).getOrDefault(leadId, leadId);
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM lead WHERE lead_id = ?) "
                + "OR EXISTS (SELECT 1 FROM lead_detail_change WHERE lead_id = ?) "
                + "OR EXISTS (SELECT 1 FROM parked_item WHERE lead_id = ?)")) {
            ps.setString(1, leadId);
            ps.setString(2, leadId);
            ps.setString(3, leadId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1) ? leadId : null;
            }
        }
    }
}
