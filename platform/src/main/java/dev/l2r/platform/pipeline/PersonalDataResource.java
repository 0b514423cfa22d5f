package dev.l2r.platform.pipeline;

import dev.l2r.platform.auth.Scope;
import dev.l2r.platform.consume.LeadAliases;
import dev.l2r.platform.consume.PersonalData;
import dev.l2r.platform.problem.Problem;
import dev.l2r.platform.problem.ProblemException;
import io.agroal.api.AgroalDataSource;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * What a consumer holds about one lead, for lead-service's subject-access request ({@code GET
 * /api/leads/{id}/personal-data} there gathers every service's answer). A consumer serves it by extending this class:
 * <pre>
 * &#64;Path("/api/admin/leads") &#64;RolesAllowed(Scope.ADMIN_ROLE) &#64;Tag(name = "admin")
 * public class LeadDataResource extends PersonalDataResource { ... }
 * </pre>
 */
@RolesAllowed(Scope.ADMIN_ROLE)
@Produces(MediaType.APPLICATION_JSON)
public abstract class PersonalDataResource {

    static final String EXAMPLE = """
            {"service":"funnel-service","leadId":"hubspot:6051",
             "holds":{"event_log":[{"event_id":"0b6f3c1e-6d0e-4a53-9a39-3f1c2a7d5e10","lead_id":"hubspot:6051",
               "occurred_at":"2025-03-09T16:00:00Z","payload":{"eventId":"0b6f3c1e-6d0e-4a53-9a39-3f1c2a7d5e10",
               "schemaVersion":1,"leadId":"hubspot:6051","toStage":"OPPORTUNITY","kind":"ADVANCE",
               "occurredAt":"2025-03-09T16:00:00Z","recordedAt":"2025-03-09T16:00:01.002Z","source":"hubspot",
               "sourceEventId":"1742030:deal:6051:dealstage","rawStage":"presentationscheduled",
               "amount":12500,"currency":"EUR"},"event_type":null}],
              "lead_current":[{"lead_id":"hubspot:6051","stage":"OPPORTUNITY","since":"2025-03-09T16:00:00Z",
               "channel":null,"segment":"smb","owner":"ann"}],
              "lead_alias":[{"merged_lead_id":"hubspot:contact:901","lead_id":"hubspot:6051"}]}}""";

    @Inject
    AgroalDataSource dataSource;

    /** The service's name in the answer: {@code funnel-service}, {@code forecast-service}. */
    protected abstract String service();

    /** The tables that hold rows of a lead, and how each picks them. */
    protected abstract List<PersonalData.Held> held();

    /** The service's alias table. */
    protected LeadAliases aliases() {
        return new LeadAliases("lead_alias");
    }

    @GET
    @Path("{leadId}/personal-data")
    @Operation(summary = "Everything this service holds about one lead",
            description = "Every row of this service's per-lead tables (events, per-lead projections, aliases, dead "
                    + "letters) under the lead's id or an id merged into it, by table; tables without a row are left "
                    + "out. lead-service's GET /api/leads/{id}/personal-data gathers this answer from each "
                    + "consumer. 404 when nothing is held (never seen, or erased: an erased lead's rows are kept "
                    + "only under a surrogate id nothing leads to).")
    @APIResponse(responseCode = "200", description = "the rows held, by table",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "a deal merged with its contact", value = EXAMPLE)))
    @APIResponse(responseCode = "404", description = "nothing is held about the lead",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response personalData(@Parameter(description = "the lead id (or an id merged into it)",
            example = "hubspot:6051") @PathParam("leadId") String leadId) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Set<String> ids = PersonalData.ids(c, aliases(), leadId);
            var doc = PersonalData.of(c, service(), leadId, ids, held());
            if (doc.get("holds").isEmpty()) {
                throw ProblemException.notFound(service() + " holds nothing about this lead");
            }
            return Response.ok(doc.toString(), MediaType.APPLICATION_JSON).build();
        }
    }
}
