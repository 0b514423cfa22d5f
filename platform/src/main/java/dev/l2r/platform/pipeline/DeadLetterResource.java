package dev.l2r.platform.pipeline;

import dev.l2r.platform.auth.Scope;
import dev.l2r.platform.problem.Problem;
import dev.l2r.platform.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.sql.SQLException;

/**
 * The dead letters of a consumer, for an operator: listed (what, why, when, the record), shown one by one, and
 * replayed through the pipeline once the cause is fixed. A consumer serves them by extending this class with its
 * path and role:
 * <pre>
 * &#64;Path("/api/admin/dead-letters") &#64;RolesAllowed(Scope.ADMIN_ROLE) &#64;Tag(name = "admin")
 * public class DeadLettersResource extends DeadLetterResource { }
 * </pre>
 * The role is declared here too: a class's {@code @RolesAllowed} does not reach the methods it inherits, and an
 * endpoint without one is refused. (docs/dead-letters.md says what to do with dead letters.)
 */
@RolesAllowed(Scope.ADMIN_ROLE)
@Produces(MediaType.APPLICATION_JSON)
public abstract class DeadLetterResource {

    static final String ONE = """
            {"id":17,"projection":"funnel","status":"open","reason":"apply_failed",
             "detail":"projection failed 5 times: SQL state 23514: ERROR: new row for relation \\"lead_current\\" violates check constraint \\"lead_current_stage\\"",
             "foundBy":"consumer","attempts":5,"deadLetteredAt":"2025-03-09T16:00:02.391Z",
             "lastFailedAt":"2025-03-09T16:00:02.391Z","replayedAt":null,
             "record":{"topic":"lead-stage-changed","partition":3,"offset":120731,"producedAt":"2025-03-09T16:00:01.114Z",
              "key":"lead-42","headers":{"traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
              "payload":"{\\"eventId\\":\\"0b6f3c1e-6d0e-4a53-9a39-3f1c2a7d5e10\\",\\"schemaVersion\\":1,\\"leadId\\":\\"lead-42\\",\\"toStage\\":\\"OPPORTUNITY\\",\\"kind\\":\\"ADVANCE\\",\\"occurredAt\\":\\"2025-03-09T16:00:00Z\\",\\"recordedAt\\":\\"2025-03-09T16:00:01.002Z\\",\\"source\\":\\"api\\",\\"amount\\":12500,\\"currency\\":\\"EUR\\"}",
              "eventId":"0b6f3c1e-6d0e-4a53-9a39-3f1c2a7d5e10","leadId":"lead-42"}}""";

    static final String PAGE = """
            {"open":2,"deadLetters":[
             {"id":16,"projection":"funnel","status":"open","reason":"schema_version","detail":"schemaVersion 2 is not 1",
              "foundBy":"consumer","attempts":0,"deadLetteredAt":"2025-03-09T15:58:40.007Z",
              "lastFailedAt":"2025-03-09T15:58:40.007Z","replayedAt":null,
              "record":{"topic":"lead-stage-changed","partition":0,"offset":98812,"producedAt":"2025-03-09T15:58:39.950Z",
               "key":"lead-7","headers":{},"payload":"{\\"eventId\\":\\"5b0c3f0e-1a43-4c1f-9a55-0d5e3b9d6a10\\",\\"schemaVersion\\":2,\\"leadId\\":\\"lead-7\\"}",
               "eventId":"5b0c3f0e-1a43-4c1f-9a55-0d5e3b9d6a10","leadId":"lead-7"}}],
             "nextAfter":16}""";

    static final String REPLAYED = """
            {"outcome":"applied","newEvents":1,"deadLetter":{"id":17,"projection":"funnel","status":"replayed",
             "reason":"apply_failed","detail":"projection failed 5 times: SQL state 23514: ERROR: new row for relation \\"lead_current\\" violates check constraint \\"lead_current_stage\\"",
             "foundBy":"consumer","attempts":5,"deadLetteredAt":"2025-03-09T16:00:02.391Z",
             "lastFailedAt":"2025-03-09T16:00:02.391Z","replayedAt":"2025-03-10T08:12:45.310Z",
             "record":{"topic":"lead-stage-changed","partition":3,"offset":120731,"producedAt":"2025-03-09T16:00:01.114Z",
              "key":"lead-42","headers":{},"payload":"{\\"eventId\\":\\"0b6f3c1e-6d0e-4a53-9a39-3f1c2a7d5e10\\"}",
              "eventId":"0b6f3c1e-6d0e-4a53-9a39-3f1c2a7d5e10","leadId":"lead-42"}}}""";

    @Inject
    Pipeline pipeline;

    @GET
    @Operation(summary = "Records this consumer set aside, oldest first",
            description = "What each record was (topic, partition, offset, key, headers, payload, and its event and "
                    + "lead when readable), why it was set aside (`reason`: unknown_type, empty, unreadable, schema_version, "
                    + "missing_field, invalid_amount, invalid_currency, invalid_field, apply_failed; `detail` in "
                    + "words), when, and whether a replay has applied it since. `open` counts those not replayed. "
                    + "Pages: pass the answer's `nextAfter` as `after`.")
    @APIResponse(responseCode = "200", description = "a page of dead letters",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "one open dead letter", value = PAGE)))
    @APIResponse(responseCode = "400", description = "a bad parameter, named",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public DeadLetterView.Page list(
            @Parameter(description = "open (not replayed yet), replayed, or all", example = "open",
                    schema = @Schema(type = SchemaType.STRING, enumeration = {"open", "replayed", "all"}))
            @QueryParam("status") @DefaultValue("open") String status,
            @Parameter(description = "list those after this id (the previous page's nextAfter)", example = "0")
            @QueryParam("after") @DefaultValue("0") long after,
            @Parameter(description = "most dead letters listed (1-1000)", example = "100")
            @QueryParam("limit") @DefaultValue("100") int limit) throws SQLException {
        if (!status.equals("open") && !status.equals("replayed") && !status.equals("all")) {
            throw ProblemException.badRequest("status", "must be open, replayed or all");
        }
        if (after < 0) {
            throw ProblemException.badRequest("after", "must not be negative");
        }
        if (limit < 1 || limit > 1000) {
            throw ProblemException.badRequest("limit", "must be between 1 and 1000");
        }
        return pipeline.list(status.equals("all") ? null : status, after, limit);
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One dead letter: what, why, when, and the record as it was on the topic")
    @APIResponse(responseCode = "200", description = "the dead letter",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "a record the projection refused", value = ONE)))
    @APIResponse(responseCode = "404", description = "no such dead letter",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public DeadLetterView one(@Parameter(description = "the dead letter's id", example = "17")
                              @PathParam("id") long id) throws SQLException {
        return pipeline.one(id);
    }

    @POST
    @Path("{id}/replay")
    @Operation(summary = "Re-drive a dead letter through the pipeline, once",
            description = "The record is checked and applied as a polled one would be. Applied, it is marked "
                    + "replayed in the same transaction (`outcome` applied; `newEvents` 0 when its event was "
                    + "already in the projection). Refused again, it stays open with the new reason (`outcome` "
                    + "refused). 409 when it was replayed already; 503 while the database cannot be reached.")
    @APIResponse(responseCode = "200", description = "what the replay did",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "applied after the cause was fixed", value = REPLAYED)))
    @APIResponse(responseCode = "404", description = "no such dead letter",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "replayed already",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public DeadLetterView.Replay replay(@Parameter(description = "the dead letter's id", example = "17")
                                        @PathParam("id") long id) throws SQLException {
        return pipeline.replay(id);
    }
}
