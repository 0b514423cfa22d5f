package dev.l2r.lead.privacy;

import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Which lead an id of a privacy request names. THE ONE PLACE to switch over to the identity registry
 * ({@code dev.l2r.lead.identity}): an absorbed (merged) id and a sender's identity (an email) resolve to their lead
 * there. Until then an id is the lead id itself, and it names a lead when lead-service holds anything under it: its
 * lead row, a details change (a lead with no stage yet has no row), or a parked item.
 */
@ApplicationScoped
public class LeadIds {

    /** The lead id {@code id} names, or null when lead-service holds nothing under it. */
    public String resolve(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM lead WHERE lead_id = ?) "
                + "OR EXISTS (SELECT 1 FROM lead_detail_change WHERE lead_id = ?) "
                + "OR EXISTS (SELECT 1 FROM parked_item WHERE lead_id = ?)")) {
            ps.setString(1, id);
            ps.setString(2, id);
            ps.setString(3, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1) ? id : null;
            }
        }
    }
}
