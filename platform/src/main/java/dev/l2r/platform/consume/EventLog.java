package dev.l2r.platform.consume;

import dev.l2r.events.EventJson;
import dev.l2r.events.LeadStageChanged;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A consumer's own record of the events it has seen, in a table of its own database with the columns
 * {@code (event_id uuid primary key, lead_id text, occurred_at timestamptz, payload text)}. Appending is
 * idempotent on the event id, so a redelivered event changes nothing, and a lead's events can be re-read to
 * rebuild its timeline in event-time order whatever order they arrived in.
 */
public final class EventLog {

    private final String table;

    public EventLog(String table) {
        if (!table.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain table name: " + table);
        }
        this.table = table;
    }

    /** Stores the events not seen before, in one statement; returns those that were new (batch order). */
    public List<LeadStageChanged> append(Connection c, List<LeadStageChanged> events) throws SQLException {
        if (events.isEmpty()) {
            return List.of();
        }
        Map<UUID, LeadStageChanged> byId = new LinkedHashMap<>();
        events.forEach(e -> byId.putIfAbsent(e.eventId(), e));
        int n = byId.size();
        UUID[] ids = new UUID[n];
        String[] leads = new String[n];
        Timestamp[] times = new Timestamp[n];
        String[] payloads = new String[n];
        int i = 0;
        for (LeadStageChanged e : byId.values()) {
            ids[i] = e.eventId();
            leads[i] = e.leadId();
            times[i] = Timestamp.from(e.occurredAt());
            payloads[i] = EventJson.write(e);
            i++;
        }
        String sql = "INSERT INTO " + table + " (event_id, lead_id, occurred_at, payload) "
                + "SELECT * FROM unnest(?::uuid[], ?::text[], ?::timestamptz[], ?::text[]) "
                + "ON CONFLICT (event_id) DO NOTHING RETURNING event_id";
        Set<UUID> inserted = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("uuid", ids));
            ps.setArray(2, c.createArrayOf("text", leads));
            ps.setArray(3, c.createArrayOf("timestamptz", times));
            ps.setArray(4, c.createArrayOf("text", payloads));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    inserted.add(rs.getObject(1, UUID.class));
                }
            }
        }
        List<LeadStageChanged> fresh = new ArrayList<>(inserted.size());
        byId.values().stream().filter(e -> inserted.contains(e.eventId())).forEach(fresh::add);
        return fresh;
    }

    /** Every stored event of these leads, by lead. */
    public Map<String, List<LeadStageChanged>> eventsOf(Connection c, Collection<String> leadIds) throws SQLException {
        Map<String, List<LeadStageChanged>> byLead = new HashMap<>();
        if (leadIds.isEmpty()) {
            return byLead;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT lead_id, payload FROM " + table + " WHERE lead_id = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("text", leadIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byLead.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                            .add(EventJson.readLeadStageChanged(rs.getString(2)));
                }
            }
        }
        return byLead;
    }
}
