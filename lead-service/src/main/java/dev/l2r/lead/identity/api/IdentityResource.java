package dev.l2r.lead.identity.api;

import dev.l2r.lead.identity.IdentityRegistry;
import dev.l2r.lead.identity.Link;
import dev.l2r.lead.identity.LinkResult;
import dev.l2r.lead.identity.Links;
import dev.l2r.lead.intake.Reason;
import dev.l2r.lead.intake.RejectedInput;
import dev.l2r.lead.intake.SourcePolicy;
import dev.l2r.lead.intake.StageChangeFactory;
import dev.l2r.platform.auth.Scope;
import dev.l2r.platform.problem.Problem;
import dev.l2r.platform.problem.ProblemMappers;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
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
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;

/**
 * {@code POST /api/identity/links}: another system (a CRM sync, a CDP) says two ids are one person or one buying
 * group; their leads merge as a sender's link would merge them. Intake, so scope write; the source may not be a
 * signed webhook's, and a key limited to sources only writes its own.
 */
@Path("/api/identity/links")
@RolesAllowed(Scope.WRITE_ROLE)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "identity")
public class IdentityResource {

    static final String MERGED = "{\"leadId\":\"lead-42\",\"mergedLeadId\":\"deal-7\","
            + "\"eventId\":\"0f8e3a52-6a4b-4c1e-9d3f-2b7c5e8a9d10\",\"merged\":true}";
    static final String ALREADY = "{\"leadId\":\"lead-42\",\"merged\":false}";

    @Inject
    Links links;

    @Inject
    IdentityRegistry registry;

    @Inject
    StageChangeFactory changes;

    @Inject
    SourcePolicy sources;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Link two ids: their leads become one",
            description = "The lead with the earlier first touch survives (ties: the smaller id); the other's history "
                    + "moves to it and LeadsMerged is published. Ids already one lead change nothing (200). A personal "
                    + "id (an email) is taken as source sends it, never stored in clear.")
    @APIResponse(responseCode = "201", description = "two leads merged", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = LinkAnswer.class),
            examples = @ExampleObject(name = "merged", value = MERGED)))
    @APIResponse(responseCode = "200", description = "the ids were one lead already: nothing changed", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = LinkAnswer.class),
            examples = @ExampleObject(name = "already one lead", value = ALREADY)))
    @APIResponse(responseCode = "400", description = "invalid request; the problem names the field",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "the source is a signed webhook's, or not one this key may write",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = ProblemMappers.UNAVAILABLE_DESCRIPTION,
            headers = @Header(name = ProblemMappers.RETRY_AFTER, description = "whole seconds to wait before retrying",
                    schema = @Schema(type = SchemaType.INTEGER)),
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response link(@RequestBody(content = @Content(examples = @ExampleObject(name = "a contact and its deal",
                                 value = "{\"leadId\":\"lead-42\",\"linkedLeadId\":\"deal-7\","
                                         + "\"occurredAt\":\"2025-05-12T09:00:00Z\",\"source\":\"crm\"}")))
                         @NotNull(message = "is required") @Valid LinkRequest request) {
        String source = request.source() == null ? "api" : request.source();
        sources.requireMayWrite(source, "source");
        String a = StageChangeFactory.requireLeadId(request.leadId());
        String b = requireId(request.linkedLeadId());
        Instant at = changes.eventTime("occurredAt", request.occurredAt());
        String leadId = registry.clientLeadId(source, a);
        String linkedLeadId = registry.clientLeadId(source, b);
        LinkResult result = links.link(new Link(leadId, linkedLeadId, at, source, null, "api.link"));
        LinkAnswer answer = LinkAnswer.of(result);
        if (result.merged()) {
            return Response.created(UriBuilder.fromPath("/api/leads/{id}").build(result.leadId())).entity(answer).build();
        }
        return Response.ok(answer).build();
    }

    private static String requireId(String id) {
        try {
            return StageChangeFactory.requireLeadId(id);
        } catch (RejectedInput e) {
            throw RejectedInput.badRequest(Reason.MISSING_ID, "linkedLeadId", e.error());
        }
    }
}
