package dev.l2r.lead.webhook;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;

/** The raw bodies of webhook deliveries, for audit; a retry of the same body finds the first delivery. */
@ApplicationScoped
public class WebhookDeliveries {

    @Inject
    AgroalDataSource dataSource;

    /** Stores the delivery (committed on return) and answers its id. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public long store(WebhookRequest request) {
        byte[] hash = Signatures.sha256(request.body());
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO webhook_delivery "
                    + "(source, received_at, body_sha256, content_type, body) VALUES (?, ?, ?, ?, ?) "
                    + "ON CONFLICT (source, body_sha256) DO NOTHING RETURNING id")) {
                ps.setString(1, request.source());
                ps.setTimestamp(2, Timestamp.from(request.receivedAt()));
                ps.setBytes(3, hash);
                ps.setString(4, request.header("Content-Type"));
                ps.setBytes(5, request.body());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return rs.getLong(1);
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id FROM webhook_delivery WHERE source = ? AND body_sha256 = ?")) {
                ps.setString(1, request.source());
                ps.setBytes(2, hash);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not store the webhook delivery", e);
        }
    }
}
