package dev.l2r.funnel.catchup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Table replayed_offsets: per partition, the offset up to which the rebuild now in place read the topic. Every
 * record below it is in that rebuild's event log, so the live consumer may pass over it unread; were the row
 * missing or stale, the event log would still drop such a record as already seen (only slower).
 */
public final class ReplayedOffsets {

    private ReplayedOffsets() {
    }

    /** Per partition, the first offset the last rebuild did not read; partitions already passed are absent. */
    public static Map<Integer, Long> read(Connection c, String topic) throws SQLException {
        Map<Integer, Long> offsets = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT partition, next_offset FROM public.replayed_offsets WHERE topic = ?")) {
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
     * Forgets the partitions the live consumer has passed ({@code reached}: per partition, one past the last offset
     * it applied), so that a topic later recreated from offset zero is never mistaken for the replayed one.
     */
    public static void passed(Connection c, String topic, Map<Integer, Long> reached) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM public.replayed_offsets WHERE topic = ? AND partition = ? AND next_offset <= ?")) {
            for (Map.Entry<Integer, Long> e : reached.entrySet()) {
                ps.setString(1, topic);
                ps.setInt(2, e.getKey());
                ps.setLong(3, e.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
