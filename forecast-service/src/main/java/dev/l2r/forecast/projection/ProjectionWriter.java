package dev.l2r.forecast.projection;

import dev.l2r.events.LeadAttributes;
import dev.l2r.events.LeadEvent;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.forecast.model.Arrival;
import dev.l2r.forecast.model.Close;
import dev.l2r.forecast.model.Spell;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Replaces the projected rows of some leads with those derived from all their events, inside the caller's transaction. */
final class ProjectionWriter {

    private static final List<String> TABLES = List.of("lead_state", "stage_spell", "lead_close", "lead_arrival");
    private static final String[] ATTRIBUTE_COLUMNS = {"channel text", "segment text", "owner text", "campaign text"};

    private ProjectionWriter() {
    }

    /**
     * Moves every projected row of erased leads to their surrogates ({@code lead -> surrogate}), unchanged: the KPIs,
     * curves and forecasts computed from them stay as they were.
     */
    static void cutLoose(Connection c, Map<String, String> surrogates) throws SQLException {
        if (surrogates.isEmpty()) {
            return;
        }
        String[] leads = surrogates.keySet().toArray(new String[0]);
        String[] targets = surrogates.keySet().stream().map(surrogates::get).toArray(String[]::new);
        for (String table : TABLES) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " r SET lead_id = u.surrogate "
                    + "FROM unnest(?::text[], ?::text[]) AS u (lead_id, surrogate) WHERE r.lead_id = u.lead_id")) {
                ps.setObject(1, leads);
                ps.setObject(2, targets);
                ps.executeUpdate();
            }
        }
    }

    static void rewrite(Connection c, FunnelDefinition funnel, Collection<String> leadIds,
                        Map<String, List<LeadEvent>> events) throws SQLException {
        for (String table : TABLES) {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + table + " WHERE lead_id = ANY (?)")) {
                delete.setArray(1, c.createArrayOf("text", leadIds.toArray()));
                delete.executeUpdate();
            }
        }
        BulkInsert states = new BulkInsert("lead_state", with("lead_id text", "valid_from timestamptz",
                "valid_to timestamptz", "stage text", "stage_since timestamptz", "open boolean", "amount numeric",
                "currency text"));
        BulkInsert spells = new BulkInsert("stage_spell", with("lead_id text", "stage text", "entered_at timestamptz",
                "closed_at timestamptz", "outcome text"));
        BulkInsert closes = new BulkInsert("lead_close", with("lead_id text", "seq int", "closed_at timestamptz",
                "outcome text", "amount numeric", "currency text", "cycle_start timestamptz", "known_from timestamptz",
                "known_to timestamptz"));
        BulkInsert arrivals = new BulkInsert("lead_arrival", with("lead_id text", "first_seen_at timestamptz",
                "stage text"));
        for (String lead : leadIds) {
            LeadHistory h = LeadHistory.of(funnel, lead, events.getOrDefault(lead, List.of()));
            for (LeadHistory.StateRow s : h.states()) {
                states.add(row(s.attributes(), s.leadId(), s.validFrom(), s.validTo(), s.stage(), s.stageSince(),
                        s.open(), s.amount(), s.currency()));
            }
            for (Spell s : h.spells()) {
                spells.add(row(s.attributes(), s.leadId(), s.stage(), s.enteredAt(), s.closedAt(),
                        s.outcome() == null ? null : s.outcome().name()));
            }
            int seq = 0;
            for (Close x : h.closes()) {
                closes.add(row(x.attributes(), x.leadId(), seq++, x.closedAt(), x.outcome().name(), x.amount(),
                        x.currency(), x.cycleStart(), x.knownFrom(), x.knownUntil()));
            }
            Arrival a = h.arrival();
            if (a != null) {
                arrivals.add(row(a.attributes(), a.leadId(), a.firstSeenAt(), a.stage()));
            }
        }
        states.execute(c);
        spells.execute(c);
        closes.execute(c);
        arrivals.execute(c);
    }

    /** The given columns followed by the four attribute columns every projected table has. */
    private static String[] with(String... columns) {
        String[] all = new String[columns.length + ATTRIBUTE_COLUMNS.length];
        System.arraycopy(columns, 0, all, 0, columns.length);
        System.arraycopy(ATTRIBUTE_COLUMNS, 0, all, columns.length, ATTRIBUTE_COLUMNS.length);
        return all;
    }

    private static Object[] row(LeadAttributes attributes, Object... values) {
        Object[] all = new Object[values.length + 4];
        System.arraycopy(values, 0, all, 0, values.length);
        all[values.length] = attributes.channel();
        all[values.length + 1] = attributes.segment();
        all[values.length + 2] = attributes.owner();
        all[values.length + 3] = attributes.campaign();
        return all;
    }
}
