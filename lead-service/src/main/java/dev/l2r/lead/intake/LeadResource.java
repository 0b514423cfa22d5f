package dev.l2r.lead.intake;

import dev.l2r.lead.text.TextRules;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.l2r.lead.funnel.FunnelDefinitions;
import dev.l2r.lead.history.HistoryStore;
import dev.l2r.lead.identity.IdentityRegistry;
import dev.l2r.lead.history.LeadRow;
import dev.l2r.lead.history.LeadView;
import dev.l2r.lead.history.RecordingResult;
import dev.l2r.platform.auth.Scope;
import dev.l2r.platform.problem.Problem;
import dev.l2r.platform.problem.ProblemException;
import dev.l2r.platform.problem.ProblemMappers;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/** One lead: record a stage change, read its history. */
@Path("/api/leads/{leadId}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "leads")
public class LeadResource {

    @Inject
    StageChangeFactory changes;

    @Inject
    Intake intake;

    @Inject
    FunnelDefinitions funnels;

    @Inject
    HistoryStore store;

    @Inject
    IdentityRegistry identities;

    @Inject
    SourcePolicy sources;

    @Inject
    BodyLimits limits;

    @Inject
    ObjectMapper mapper;

    @Inject
    Validator validator;

    @POST
    @Path("/transitions")
    @RolesAllowed(Scope.WRITE_ROLE)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Record a stage change of one lead",
            description = "201 with the recorded event; 200 with the original event when source + sourceEventId "
                    + "was seen before (status duplicate), or when the lead was already in that stage at that time "
                    + "(status unchanged, nothing recorded).")
    @APIResponse(responseCode = "201", description = "recorded", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "recorded", value = ApiExamples.RECORDED)))
    @APIResponse(responseCode = "200", description = "duplicate or unchanged; nothing new recorded",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "duplicate", value = ApiExamples.DUPLICATE)))
    @APIResponse(responseCode = "403", description = "the credential lacks the write scope, or may not write this "
            + "source (a signed webhook's source, or one its key is not limited to)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "400", description = "invalid input; the problem names the field",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "amount without currency", value = ApiExamples.INVALID)))
    @APIResponse(responseCode = "503", description = ProblemMappers.UNAVAILABLE_DESCRIPTION,
            headers = @Header(name = ProblemMappers.RETRY_AFTER, description = "whole seconds to wait before retrying",
                    schema = @Schema(type = SchemaType.INTEGER)),
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response record(@PathParam("leadId") @Parameter(example = ApiExamples.LEAD_ID) String leadId,
                           @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
                                   schema = @Schema(implementation = TransitionRequest.class),
                                   examples = @ExampleObject(name = "MQL from the API",
                                   value = "{\"toStage\":\"MQL\",\"occurredAt\":\"2025-03-01T10:15:30Z\","
                                           + "\"source\":\"api\",\"sourceEventId\":\"crm-7781\","
                                           + "\"attributes\":{\"channel\":\"paid_search\",\"segment\":\"smb\"}}")))
                           InputStream stream) throws IOException {
        // read through BodyLimits, so that a chunked body is counted as it arrives
        TransitionRequest body = limits.readJson(stream, TransitionRequest.class, mapper);
        Set<ConstraintViolation<TransitionRequest>> violations = validator.validate(body);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        sources.requireMayWrite(body.source(), "source");
        RecordingResult result = intake.accept(changes.fromRequest(leadId, body));
        TransitionResult answer = TransitionResult.of(result);
        if (result.created()) {
            return Response.created(UriBuilder.fromPath("/api/leads/{id}").build(answer.leadId()))
                    .entity(answer).build();
        }
        return Response.ok(answer).build();
    }

    @GET
    @RolesAllowed(Scope.READ_ROLE)
    @Transactional
    @Operation(summary = "A lead with its stage history in event-time order")
    @APIResponse(responseCode = "200", description = "the lead", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = LeadView.class), examples = @ExampleObject(name = "lead", value = ApiExamples.LEAD)))
    @APIResponse(responseCode = "404", description = "no such lead",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "unknown lead", value = ApiExamples.NOT_FOUND)))
    public LeadView get(@PathParam("leadId") @Parameter(example = ApiExamples.LEAD_ID) String leadId)
            throws SQLException {
        String problem = TextRules.nameProblem(leadId, StageChangeFactory.MAX_TEXT);
        if (problem != null) {
            // no lead can have such an id, and PostgreSQL would refuse a NUL in the query
            throw RejectedInput.badRequest(Reason.MISSING_ID, "leadId", problem);
        }
        // the lead id, an id merged into another lead, or a sender's personal identity (segment:alice@example.com)
        String id = identities.find(leadId).orElse(null);
        // in one transaction, so that the lead and its history are read on one connection
        try (Connection c = store.connection()) {
            LeadRow lead = id == null ? null : store.lead(c, id);
            if (lead == null) {
                // the id is not echoed: it may be a person's email
                throw ProblemException.notFound("no lead with this id");
            }
            return LeadView.of(lead, store.historyOf(c, List.of(id)).getOrDefault(id, List.of()),
                    store.detailsOf(c, List.of(id)).getOrDefault(id, List.of()), funnels.current());
        }
    }
}
