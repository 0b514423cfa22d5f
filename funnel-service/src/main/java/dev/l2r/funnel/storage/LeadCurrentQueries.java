package dev.l2r.funnel.storage;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads table lead_current (each lead's stage now and since when) for the work in progress: the leads of an open
 * stage, narrowed by attribute filters (a null value: the attribute is unknown).
 */
public final class LeadCurrentQueries {

    /**
     * The leads in a stage that entered it at or before {@code asOf}: how many, their mean age in seconds, the
     * entry times of the median and p90 ages (nearest rank: {@code percentile_disc} over entry times, newest first),
     * and how many entered before {@code staleBefore} (0 without one).
     */
    public record StageAges(long leads, BigDecimal meanAgeSeconds, Instant medianSince, Instant p90Since, long stale) {
    }

    /** A lead in the stage, and since when. */
    public record Sitting(String leadId, Instant since) {
    }

    private final String where;
    private final List<Object> filterParams = new ArrayList<>();

    /** @param filters attribute (Slice.DIMENSIONS: names checked by the caller) to value */
    public LeadCurrentQueries(Map<String, String> filters) {
        StringBuilder where = new StringBuilder(" WHERE stage = ? AND since <= ?");
        filters.forEach((dim, value) -> {
            where.append(" AND ").append(dim).append(value == null ? " IS NULL" : " = ?");
            if (value != null) {
                filterParams.add(value);
            }
        });
        this.where = where.toString();
    }

    public StageAges ages(Connection c, String stage, Instant asOf, Timestamp staleBefore) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*), "
                + "avg(extract(epoch FROM (?::timestamptz - since))), "
                + "percentile_disc(0.5) WITHIN GROUP (ORDER BY since DESC), "
                + "percentile_disc(0.9) WITHIN GROUP (ORDER BY since DESC), "
                + "count(*) FILTER (WHERE since < ?) FROM lead_current" + where)) {
            int i = 1;
            ps.setTimestamp(i++, Timestamp.from(asOf));
            ps.setTimestamp(i++, staleBefore);
            ps.setString(i++, stage);
            ps.setTimestamp(i++, Timestamp.from(asOf));
            for (Object p : filterParams) {
                ps.setObject(i++, p);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long n = rs.getLong(1);
                return n == 0 ? new StageAges(0, null, null, null, rs.getLong(5))
                        : new StageAges(n, rs.getBigDecimal(2), rs.getTimestamp(3).toInstant(),
                        rs.getTimestamp(4).toInstant(), rs.getLong(5));
            }
        }
    }

    /** The leads in a stage that entered it before {@code staleBefore}, longest there first, at most {@code limit}. */
    public List<Sitting> longestSitting(Connection c, String stage, Instant asOf, Timestamp staleBefore, int limit)
            throws SQLException {
        List<Sitting> sitting = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT lead_id, since FROM lead_current" + where
                + " AND since < ? AND lead_id NOT LIKE 'erased:%' ORDER BY since, lead_id LIMIT ?")) {
            int i = 1;
            ps.setString(i++, stage);
            ps.setTimestamp(i++, Timestamp.from(asOf));
            for (Object p : filterParams) {
                ps.setObject(i++, p);
            }
            ps.setTimestamp(i++, staleBefore);
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sitting.add(new Sitting(rs.getString(1), rs.getTimestamp(2).toInstant()));
                }
            }
        }
        return sitting;
    }
}
