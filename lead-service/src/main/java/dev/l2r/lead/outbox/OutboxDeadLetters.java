package dev.l2r.lead.outbox;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.l2r.platform.auth.Scope;
import dev.l2r.platform.problem.Problem;
import dev.l2r.platform.problem.ProblemException;
import io.agroal.api.AgroalDataSource;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The outbox rows Kafka could never take, as the relay moved them aside: what they were (topic, key, event id,
 * size), when, and Kafka's reason. An operator fixes the cause (a larger broker limit) and republishes the
 * payload, or drops it. An admin operation.
 */
@Path("/api/admin/outbox/dead-letters")
@RolesAllowed(Scope.ADMIN_ROLE)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
public class OutboxDeadLetters {

    private static final String COLUMNS = "id, topic, message_key, length(payload), created_at, dead_lettered_at, "
            + "error, left(payload, 200)";

    /** The event id near the start of a payload (only its first 200 characters are read for a list). */
    private static final Pattern EVENT_ID = Pattern.compile("\"eventId\"\\s*:\\s*\"([0-9a-fA-F-]{36})\"");

    @Inject
    AgroalDataSource dataSource;

    /** One dead letter; {@code payload} only when one is asked for by id. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeadLetter(long id, String topic, String key, String eventId, long payloadCharacters,
                             Instant createdAt, Instant deadLetteredAt, String error, String payload) {
    }

    static final String LIST_EXAMPLE = """
            [{"id":1042,"topic":"lead-stage-changed","key":"lead-42","eventId":"0b6f3c1e-6d0e-4a53-9a39-3f1c2a7d5e10",
              "payloadCharacters":2097152,"createdAt":"2025-03-09T16:00:02.114Z","deadLetteredAt":"2025-03-09T16:00:02.391Z",
              "error":"org.apache.kafka.common.errors.RecordTooLargeException: The message is 2097270 bytes when serialized which is larger than 1048576, which is the value of the max.request.size configuration."}]""";

    static final String ONE_EXAMPLE = """
            {"id":1042,"topic":"lead-stage-changed","key":"lead-42","eventId":"0b6f3c1e-6d0e-4a53-9a39-3f1c2a7d5e10",
             "payloadCharacters":2097152,"createdAt":"2025-03-09T16:00:02.114Z","deadLetteredAt":"2025-03-09T16:00:02.391Z",
             "error":"org.apache.kafka.common.errors.RecordTooLargeException: The message is 2097270 bytes when serialized which is larger than 1048576, which is the value of the max.request.size configuration.",
             "payload":"{\\"eventId\\":\\"0b6f3c1e-6d0e-4a53-9a39-3f1c2a7d5e10\\",...}"}""";

    @GET
    @Operation(summary = "Outbox rows Kafka could never take, oldest first (without their payloads)")
    @APIResponse(responseCode = "200", description = "the dead letters",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "one row over the message size", value = LIST_EXAMPLE)))
    public List<DeadLetter> list(@Parameter(description = "most rows listed (1-1000)", example = "100")
                                 @QueryParam("limit") @DefaultValue("100") int limit) {
        if (limit < 1 || limit > 1000) {
            throw ProblemException.badRequest("limit", "must be between 1 and 1000");
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM outbox_dead_letter ORDER BY id LIMIT ?")) {
            ps.setInt(1, limit);
            List<DeadLetter> letters = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    letters.add(read(rs, null));
                }
            }
            return letters;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the outbox dead letters", e);
        }
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One dead letter with its payload as it was written to the outbox")
    @APIResponse(responseCode = "200", description = "the dead letter with its payload",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "one row over the message size", value = ONE_EXAMPLE)))
    @APIResponse(responseCode = "404", description = "no such dead letter",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public DeadLetter one(@Parameter(example = "1042") @PathParam("id") long id) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + ", payload FROM outbox_dead_letter WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw ProblemException.notFound("no outbox dead letter " + id);
                }
                return read(rs, rs.getString(9));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the outbox dead letter", e);
        }
    }

    private static DeadLetter read(ResultSet rs, String payload) throws SQLException {
        Matcher eventId = EVENT_ID.matcher(rs.getString(8));
        return new DeadLetter(rs.getLong(1), rs.getString(2), rs.getString(3), eventId.find() ? eventId.group(1) : null,
                rs.getLong(4), rs.getTimestamp(5).toInstant(), rs.getTimestamp(6).toInstant(), rs.getString(7),
                payload);
    }
}
