package dev.l2r.platform.consume;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A consumer's table of absorbed lead ids, {@code (merged_lead_id text primary key, lead_id text)}: each id a
 * {@link dev.l2r.events.LeadsMerged} absorbed, with the lead it now counts for, chains collapsed. Every incoming
 * event's lead id is resolved through it.
 */
public final class LeadAliases {

    private final String table;

    public LeadAliases(String table) {
        if (!table.matches("([a-z_][a-z0-9_]*\\.)?[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain table name: " + table);
        }
        this.table = table;
    }

    /** The aliases among these ids: id to the lead it counts for (ids that are no alias are left out). */
    public Map<String, String> roots(Connection c, Collection<String> ids) throws SQLException {
        Map<String, String> roots = new HashMap<>();
        if (ids.isEmpty()) {
            return roots;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT merged_lead_id, lead_id FROM " + table + " WHERE merged_lead_id = ANY (?)")) {
            ps.setObject(1, ids.toArray(new String[0]));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    roots.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return roots;
    }

    /** The ids that count for these leads. */
    public Set<String> absorbedInto(Connection c, Collection<String> leads) throws SQLException {
        Set<String> ids = new LinkedHashSet<>();
        if (leads.isEmpty()) {
            return ids;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT merged_lead_id FROM " + table + " WHERE lead_id = ANY (?) ORDER BY merged_lead_id")) {
            ps.setObject(1, leads.toArray(new String[0]));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    /** Records a merge: the absorbed lead, its own aliases and the id the merge named all count for the survivor. */
    public void merge(Connection c, AliasMap.Merge merge, String mergedLeadId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET lead_id = ? WHERE lead_id = ?")) {
            ps.setString(1, merge.survivor());
            ps.setString(2, merge.absorbed());
            ps.executeUpdate();
        }
        put(c, Map.of(merge.absorbed(), merge.survivor()));
        put(c, Map.of(mergedLeadId, merge.survivor()));
    }

    /** Writes aliases (id to the lead it counts for), replacing those of the same ids. */
    public void put(Connection c, Map<String, String> aliases) throws SQLException {
        if (aliases.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (merged_lead_id, lead_id) "
                + "SELECT * FROM unnest(?::text[], ?::text[]) ON CONFLICT (merged_lead_id) DO UPDATE "
                + "SET lead_id = EXCLUDED.lead_id")) {
            ps.setObject(1, aliases.keySet().toArray(new String[0]));
            ps.setObject(2, aliases.keySet().stream().map(aliases::get).toArray(String[]::new));
            ps.executeUpdate();
        }
    }

    /** Deletes every alias of these leads (erased), and any row naming them. */
    public void forget(Connection c, Collection<String> leads) throws SQLException {
        if (leads.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM " + table + " WHERE lead_id = ANY (?) OR merged_lead_id = ANY (?)")) {
            String[] ids = leads.toArray(new String[0]);
            ps.setObject(1, ids);
            ps.setObject(2, ids);
            ps.executeUpdate();
        }
    }
}
