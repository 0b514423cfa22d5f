package dev.l2r.lead.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.l2r.events.LeadAttributes;
import dev.l2r.platform.auth.Scope;
import dev.l2r.platform.problem.ProblemException;
import io.agroal.api.AgroalDataSource;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The webhook values no mapping knows yet: what waits, grouped by the value it waits for, and the items themselves.
 * Adding a mapping for a value (PUT /api/funnel/definition) records its items. An admin operation.
 */
@Path("/api/admin/unmapped")
@RolesAllowed(Scope.ADMIN_ROLE)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
public class UnmappedResource {

    @Inject
    AgroalDataSource dataSource;

    /** One value waiting for a mapping: how many items, over which event times, and one of them. */
    public record Value(String source, String field, String value, long count, Instant firstOccurredAt,
                        Instant lastOccurredAt, Item sample) {
    }

    /** One parked item; {@code outcome} (recorded, unchanged, duplicate, ignored, refused) once settled. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Item(long id, String source, String field, String value, String path, String leadId,
                       Instant occurredAt, String sourceEventId, BigDecimal amount, String currency,
                       LeadAttributes attributes, Long deliveryId, Instant parkedAt, Instant resolvedAt,
                       String outcome, String stage, UUID eventId, Long definitionVersion) {
        static Item of(ParkedItems.Row r) {
            var c = r.change();
            return new Item(r.id(), r.source(), r.field(), r.value(), r.path(), c.leadId(), c.occurredAt(),
                    c.sourceEventId(), c.amount(), c.currency(), c.attributes(), c.deliveryId(), r.parkedAt(),
                    r.resolvedAt(), r.outcome(), r.stage(), r.eventId(), r.definitionVersion());
        }
    }

    static final String VALUES_EXAMPLE = """
            [{"source":"hubspot","field":"dealstage","value":"1f4f1ec1-8174-49f3-a112-4eaa4748e38e","count":3,
              "firstOccurredAt":"2019-04-24T08:30:37.139Z","lastOccurredAt":"2019-05-02T11:02:10Z",
              "sample":{"id":17,"source":"hubspot","field":"dealstage","value":"1f4f1ec1-8174-49f3-a112-4eaa4748e38e",
                "path":"[0].propertyValue","leadId":"hubspot:deal:697680835","occurredAt":"2019-04-24T08:30:37.139Z",
                "sourceEventId":"5799819:deal:697680835:dealstage:1556094637139:1f4f1ec1-8174-49f3-a112-4eaa4748e38e",
                "attributes":{},"deliveryId":381,"parkedAt":"2025-03-09T16:00:02.114Z"}}]""";

    static final String ITEMS_EXAMPLE = """
            [{"id":17,"source":"hubspot","field":"dealstage","value":"1f4f1ec1-8174-49f3-a112-4eaa4748e38e",
              "path":"[0].propertyValue","leadId":"hubspot:deal:697680835","occurredAt":"2019-04-24T08:30:37.139Z",
              "sourceEventId":"5799819:deal:697680835:dealstage:1556094637139:1f4f1ec1-8174-49f3-a112-4eaa4748e38e",
              "attributes":{},"deliveryId":381,"parkedAt":"2025-03-09T16:00:02.114Z"}]""";

    @GET
    @Operation(summary = "Values no mapping knows yet, with how many parked items wait for each",
            description = "Grouped by source, field and value (as mappings compare values: without case or surrounding "
                    + "white space), most items first. A mapping for the value records them (PUT /api/funnel/definition).")
    @APIResponse(responseCode = "200", description = "the waiting values",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "a custom pipeline's stage id", value = VALUES_EXAMPLE)))
    public List<Value> values(@Parameter(description = "only this source", example = "hubspot")
                              @QueryParam("source") String source,
                              @Parameter(description = "most values listed (1-1000)", example = "100")
                              @QueryParam("limit") @DefaultValue("100") int limit) {
        requireLimit(limit);
        String sql = "WITH g AS (SELECT source, mapped_field, value_key, count(*) AS n, min(occurred_at) AS first, "
                + "max(occurred_at) AS last, min(id) AS sample FROM parked_item WHERE resolved_at IS NULL "
                + "AND (?::text IS NULL OR source = ?) GROUP BY source, mapped_field, value_key "
                + "ORDER BY n DESC, source, mapped_field, value_key LIMIT ?) "
                + "SELECT g.n, g.first, g.last, " + prefixed("p") + " FROM g JOIN parked_item p ON p.id = g.sample "
                + "ORDER BY g.n DESC, g.source, g.mapped_field, g.value_key";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, source);
            ps.setString(2, source);
            ps.setInt(3, limit);
            List<Value> values = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Item sample = Item.of(ParkedItems.row(rs, 3));
                    values.add(new Value(sample.source(), sample.field(), sample.value(), rs.getLong(1),
                            rs.getTimestamp(2).toInstant(), rs.getTimestamp(3).toInstant(), sample));
                }
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the parked items", e);
        }
    }

    @GET
    @Path("/items")
    @Operation(summary = "Parked items, oldest parked first; by default those still waiting",
            description = "Page with `after` (the last id seen). `state=settled` lists the items a mapping settled, "
                    + "with their outcome and the event recorded; `all` lists both.")
    @APIResponse(responseCode = "200", description = "the items",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "one waiting item", value = ITEMS_EXAMPLE)))
    public List<Item> items(@Parameter(description = "only this source", example = "hubspot")
                            @QueryParam("source") String source,
                            @Parameter(description = "only this mapped field", example = "dealstage")
                            @QueryParam("field") String field,
                            @Parameter(description = "only this value (compared without case or surrounding white space)",
                                    example = "1f4f1ec1-8174-49f3-a112-4eaa4748e38e")
                            @QueryParam("value") String value,
                            @Parameter(description = "waiting, settled or all", example = "waiting")
                            @QueryParam("state") @DefaultValue("waiting") String state,
                            @Parameter(description = "most items listed (1-1000)", example = "100")
                            @QueryParam("limit") @DefaultValue("100") int limit,
                            @Parameter(description = "list items after this id", example = "0")
                            @QueryParam("after") @DefaultValue("0") long after) {
        requireLimit(limit);
        String stateFilter = switch (state) {
            case "waiting" -> "resolved_at IS NULL";
            case "settled" -> "resolved_at IS NOT NULL";
            case "all" -> "true";
            default -> throw ProblemException.badRequest("state", "must be waiting, settled or all");
        };
        String sql = "SELECT " + ParkedItems.COLUMNS + " FROM parked_item WHERE " + stateFilter + " AND id > ? "
                + "AND (?::text IS NULL OR source = ?) AND (?::text IS NULL OR mapped_field = ?) "
                + "AND (?::text IS NULL OR value_key = ?) ORDER BY id LIMIT ?";
        String key = value == null ? null : ParkedItems.valueKey(value);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, after);
            ps.setString(2, source);
            ps.setString(3, source);
            ps.setString(4, field);
            ps.setString(5, field);
            ps.setString(6, key);
            ps.setString(7, key);
            ps.setInt(8, limit);
            return ParkedItems.rows(ps).stream().map(Item::of).toList();
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the parked items", e);
        }
    }

    private static void requireLimit(int limit) {
        if (limit < 1 || limit > 1000) {
            throw ProblemException.badRequest("limit", "must be between 1 and 1000");
        }
    }

    private static String prefixed(String alias) {
        return alias + "." + ParkedItems.COLUMNS.replace(", ", ", " + alias + ".");
    }
}
