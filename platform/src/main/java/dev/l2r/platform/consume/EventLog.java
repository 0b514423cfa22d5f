package dev.l2r.platform.consume;

import dev.l2r.events.EventJson;
import dev.l2r.events.LeadEvent;
import dev.l2r.events.LeadEventTypes;
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
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * A consumer's own record of the events it has seen, in a table of its own database with the columns
 * {@code (event_id uuid primary key, lead_id text, occurred_at timestamptz, payload text, event_type text)}, every
 * kind of event of the topic ({@link LeadEvent}; {@code event_type} the {@value LeadEventTypes#HEADER} header's
 * value, null for a {@link LeadStageChanged} as in rows from before there were other kinds). Appending is
 * idempotent on the event id, so a redelivered event changes nothing, and a lead's events can be re-read to
 * rebuild its timeline in event-time order whatever order they arrived in.
 */
public final class EventLog {

    private final String table;

    public EventLog(String table) {
        if (!table.matches("([a-z_][a-z0-9_]*\\.)?[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain table name: " + table);
        }
        this.table = table;
    }

    /** Stores the events not seen before, in one statement; returns those that were new (batch order). */
    public List<LeadEvent> append(Connection c, List<? extends LeadEvent> events) throws SQLException {
        return append(c, events, LeadEvent::leadId);
    }

    /**
     * Stores the events not seen before, each under the lead {@code leadOf} gives (its own, or the survivor its lead
     * was merged into: {@link LeadAliases}); returns those that were new (batch order).
     */
    public List<LeadEvent> append(Connection c, List<? extends LeadEvent> events, Function<LeadEvent, String> leadOf)
            throws SQLException {
        if (events.isEmpty()) {
            return List.of();
        }
        Map<UUID, LeadEvent> byId = new LinkedHashMap<>();
        events.forEach(e -> byId.putIfAbsent(e.eventId(), e));
        int n = byId.size();
        UUID[] ids = new UUID[n];
        String[] leads = new String[n];
        Timestamp[] times = new Timestamp[n];
        String[] payloads = new String[n];
        String[] types = new String[n];
        int i = 0;
        for (LeadEvent e : byId.values()) {
            ids[i] = e.eventId();
            leads[i] = leadOf.apply(e);
            times[i] = Timestamp.from(e.occurredAt());
            payloads[i] = EventJson.write(e);
            types[i] = type(e);
            i++;
        }
        String sql = "INSERT INTO " + table + " (event_id, lead_id, occurred_at, payload, event_type) "
                + "SELECT * FROM unnest(?::uuid[], ?::text[], ?::timestamptz[], ?::text[], ?::text[]) "
                + "ON CONFLICT (event_id) DO NOTHING RETURNING event_id";
        Set<UUID> inserted = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("uuid", ids));
            // String[] goes in binary; the driver's text form of an array escapes every character of the JSON
            ps.setObject(2, leads);
            ps.setArray(3, c.createArrayOf("timestamptz", times));
            ps.setObject(4, payloads);
            ps.setObject(5, types);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    inserted.add(rs.getObject(1, UUID.class));
                }
            }
        }
        List<LeadEvent> fresh = new ArrayList<>(inserted.size());
        byId.values().stream().filter(e -> inserted.contains(e.eventId())).forEach(fresh::add);
        return fresh;
    }

    /** Every stored event of these leads, by lead. */
    public Map<String, List<LeadEvent>> eventsOf(Connection c, Collection<String> leadIds) throws SQLException {
        return eventsOf(c, leadIds, List.of());
    }

    /**
     * Every stored event of these leads, by lead; those among {@code known} (e.g. the batch just appended, which in
     * a catch-up is nearly all of them) are taken as they are instead of being parsed from their stored JSON again.
     */
    public Map<String, List<LeadEvent>> eventsOf(Connection c, Collection<String> leadIds,
                                                 Collection<? extends LeadEvent> known) throws SQLException {
        Map<String, List<LeadEvent>> byLead = new HashMap<>();
        if (leadIds.isEmpty()) {
            return byLead;
        }
        Map<UUID, LeadEvent> byId = new HashMap<>();
        known.forEach(e -> byId.put(e.eventId(), e));
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT lead_id, event_id, payload, event_type FROM " + table + " WHERE lead_id = ANY (?)")) {
            ps.setObject(1, leadIds.toArray(new String[0]));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    LeadEvent event = byId.get(rs.getObject(2, UUID.class));
                    byLead.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                            .add(event != null ? event : EventJson.readLeadEvent(rs.getString(4), rs.getString(3)));
                }
            }
        }
        return byLead;
    }

    /**
     * Moves the events of some leads to others ({@code from -> to}): an absorbed lead's events become its survivor's.
     * Their payloads stay as they were; the row's lead is the lead the event counts for.
     */
    public void rekey(Connection c, Map<String, String> moves) throws SQLException {
        if (moves.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " e SET lead_id = m.target "
                + "FROM unnest(?::text[], ?::text[]) AS m (source, target) WHERE e.lead_id = m.source")) {
            ps.setObject(1, moves.keySet().toArray(new String[0]));
            ps.setObject(2, moves.keySet().stream().map(moves::get).toArray(String[]::new));
            ps.executeUpdate();
        }
    }

    /**
     * Cuts the events of erased leads loose from them ({@code lead -> surrogate}): each row is moved to the lead's
     * surrogate and its payload rewritten without what ties it to the person ({@link ErasedEvents#cutLoose}). The
     * event ids stay, so a redelivery or a replay of one of them is still known as applied.
     *
     * @return how many rows were cut loose
     */
    public int cutLoose(Connection c, Map<String, String> surrogates) throws SQLException {
        return cutLoose(c, surrogates, (lead, event) -> true);
    }

    /**
     * As {@link #cutLoose(Connection, Map)}, for the events {@code which} picks: a rebuild, which reads the whole topic
     * before it applies an erasure, leaves out what lead-service recorded after the erasure (a later delivery for the
     * same sender id is a new lead).
     */
    public int cutLoose(Connection c, Map<String, String> surrogates, BiPredicate<String, LeadEvent> which)
            throws SQLException {
        if (surrogates.isEmpty()) {
            return 0;
        }
        List<UUID> ids = new ArrayList<>();
        List<String> olds = new ArrayList<>();
        List<String> news = new ArrayList<>();
        List<String> payloads = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT lead_id, event_id, payload, event_type FROM " + table + " WHERE lead_id = ANY (?)")) {
            ps.setObject(1, surrogates.keySet().toArray(new String[0]));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String surrogate = surrogates.get(rs.getString(1));
                    LeadEvent event = EventJson.readLeadEvent(rs.getString(4), rs.getString(3));
                    if (!which.test(rs.getString(1), event)) {
                        continue;
                    }
                    LeadEvent cut = ErasedEvents.cutLoose(event, surrogate);
                    ids.add(rs.getObject(2, UUID.class));
                    olds.add(rs.getString(1));
                    news.add(surrogate);
                    payloads.add(EventJson.write(cut));
                }
            }
        }
        if (ids.isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " e SET lead_id = u.surrogate, "
                + "payload = u.payload FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[]) "
                + "AS u (event_id, lead_id, surrogate, payload) WHERE e.event_id = u.event_id AND e.lead_id = u.lead_id")) {
            ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            ps.setObject(2, olds.toArray(new String[0]));
            ps.setObject(3, news.toArray(new String[0]));
            ps.setObject(4, payloads.toArray(new String[0]));
            ps.executeUpdate();
        }
        return ids.size();
    }

    /** The event_type column's value: null for a stage change (as rows from before other kinds were). */
    public static String type(LeadEvent event) {
        return event instanceof LeadStageChanged ? null : LeadEventTypes.of(event);
    }
}
