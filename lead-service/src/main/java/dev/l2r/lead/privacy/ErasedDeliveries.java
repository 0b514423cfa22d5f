package dev.l2r.lead.privacy;

import dev.l2r.lead.history.StageChange;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How a sender's retry of an erased delivery is told apart from a new delivery for the person. An erased lead's
 * rows are gone, so the usual duplicate rule (a stored row with the same source + source event id) no longer finds
 * them; instead:
 * <ul>
 *   <li>the same body again: the stored delivery row (kept, body nulled, {@code erased_at} set) has its SHA-256;</li>
 *   <li>the same change in another body (HubSpot counts {@code attemptNumber} up in a retry): the keyed hash of its
 *       source + source event id is in {@code erased_delivery_key}.</li>
 * </ul>
 * Either is answered as a duplicate and records nothing. Anything else (a new source event id) is a new delivery
 * and starts a new lead.
 */
@ApplicationScoped
public class ErasedDeliveries {

    static final java.util.HexFormat HEX = java.util.HexFormat.of();

    @Inject
    PrivacyKeys keys;

    @Inject
    AgroalDataSource dataSource;

    /** The id of the erased delivery with this body, or null (a body never erased, or never seen). */
    public Long erasedBody(String source, byte[] bodySha256) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id FROM webhook_delivery "
                     + "WHERE source = ? AND body_sha256 = ? AND erased_at IS NOT NULL")) {
            ps.setString(1, source);
            ps.setBytes(2, bodySha256);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not look for an erased delivery", e);
        }
    }

    /**
     * Whether a delivery holds changes and every one of them (the caller passes parked ones too) repeats a change
     * of an erased lead: such a retry is answered as duplicates without storing its body, which would hold the
     * person again.
     */
    public boolean allRepeats(List<StageChange> all) {
        if (!keys.present() || all.isEmpty()) {
            return false;
        }
        try (Connection c = dataSource.getConnection()) {
            return among(c, all).size() == all.size();
        } catch (SQLException e) {
            throw new IllegalStateException("could not look for erased changes", e);
        }
    }

    /**
     * Which of {@code changes} repeat a change of an erased lead (by source + source event id), read on the
     * recording transaction's connection after its leads are locked, so that an erasure committed meanwhile is seen.
     * Answers their positions in {@code changes}.
     */
    public Set<Integer> among(Connection c, List<StageChange> changes) throws SQLException {
        Set<Integer> erased = new HashSet<>();
        if (!keys.present()) {
            return erased;  // without a key nothing was ever erased
        }
        KeyedHashes hashes = keys.required();
        List<byte[]> asked = new ArrayList<>();
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < changes.size(); i++) {
            StageChange change = changes.get(i);
            if (change.sourceEventId() != null) {
                asked.add(hashes.delivery(change.source(), change.sourceEventId()));
                at.add(i);
            }
        }
        if (asked.isEmpty()) {
            return erased;
        }
        Set<ByteBuffer> found = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT key_hash FROM erased_delivery_key "
                + "WHERE key_hash IN (SELECT decode(h, 'hex') FROM unnest(?::text[]) AS h)")) {
            ps.setArray(1, c.createArrayOf("text", asked.stream().map(HEX::formatHex).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(ByteBuffer.wrap(rs.getBytes(1)));
                }
            }
        }
        for (int i = 0; i < asked.size(); i++) {
            if (found.contains(ByteBuffer.wrap(asked.get(i)))) {
                erased.add(at.get(i));
            }
        }
        return erased;
    }
}
