package dev.l2r.funnel.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Table replayed_offsets: per partition, the offset up to which the rebuild now in place read the topic. Every
 * record below it is in that rebuild's event log, so the live consumer may pass over it unread; were the row
 * missing or stale, the event log would still drop such a record as already seen (only slower). Once the consumer
 * has got past a point it no longer passes over anything below it, but the point stays, marked passed, as the
 * floor of the backlog until the group's committed offset is past it too ({@link #forget}): offsets commit some
 * seconds after the records are done, and without the floor the backlog would look, in between, as large as before
 * the replay.
 */
public final class ReplayedOffsets {

    private ReplayedOffsets() {
    }

    /** Per partition, the first offset the last rebuild did not read; partitions already passed are absent. */
    public static Map<Integer, Long> read(Connection c, String topic) throws SQLException {
        return select(c, topic, " AND NOT passed");
    }

    /** Per partition, the first offset the last rebuild did not read, passed or not: the records below are done. */
    public static Map<Integer, Long> floor(Connection c, String topic) throws SQLException {
        return select(c, topic, "");
    }

    private static Map<Integer, Long> select(Connection c, String topic, String condition) throws SQLException {
        Map<Integer, Long> offsets = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT partition, next_offset FROM public.replayed_offsets WHERE topic = ?" + condition)) {
            ps.setString(1, topic);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    offsets.put(rs.getInt(1), rs.getLong(2));
                }
            }
        }
        return offsets;
    }

    /** Records where a rebuild stopped reading, in the transaction that swaps its tables in. */
    public static void save(Connection c, String topic, Map<Integer, Long> nextOffsets) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM public.replayed_offsets WHERE topic = ?");
             PreparedStatement insert = c.prepareStatement(
                     "INSERT INTO public.replayed_offsets (topic, partition, next_offset) VALUES (?, ?, ?)")) {
            delete.setString(1, topic);
            delete.executeUpdate();
            for (Map.Entry<Integer, Long> e : nextOffsets.entrySet()) {
                insert.setString(1, topic);
                insert.setInt(2, e.getKey());
                insert.setLong(3, e.getValue());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /**
     * Marks passed the partitions the live consumer has got past ({@code reached}: per partition, one past the last
     * offset it applied): it passes over nothing there any more, so that a topic later recreated from offset zero
     * is never mistaken for the replayed one.
     */
    public static void passed(Connection c, String topic, Map<Integer, Long> reached) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE public.replayed_offsets SET passed = true "
                + "WHERE topic = ? AND partition = ? AND next_offset <= ? AND NOT passed")) {
            for (Map.Entry<Integer, Long> e : reached.entrySet()) {
                ps.setString(1, topic);
                ps.setInt(2, e.getKey());
                ps.setLong(3, e.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Drops the passed points the consumer group has committed past ({@code committed}), and those beyond the end
     * of their partition ({@code latest}: a topic recreated since).
     */
    public static void forget(Connection c, String topic, Map<Integer, Long> committed, Map<Integer, Long> latest)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM public.replayed_offsets WHERE topic = ? "
                + "AND partition = ? AND passed AND (next_offset <= ? OR next_offset > ?)")) {
            for (Map.Entry<Integer, Long> e : latest.entrySet()) {
                ps.setString(1, topic);
                ps.setInt(2, e.getKey());
                ps.setLong(3, committed.getOrDefault(e.getKey(), -1L));
                ps.setLong(4, e.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
