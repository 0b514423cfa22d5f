package dev.l2r.lead.crm;

import dev.l2r.lead.webhook.WebhookSupport;
import dev.l2r.platform.auth.Scope;
import dev.l2r.platform.problem.Problem;
import dev.l2r.platform.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Imports of a CRM's stage history (docs/webhooks.md, "Importing history from the CRM"): start one, follow its
 * progress, list them, cancel or resume one. An admin operation; the CRM's credentials come from the environment.
 */
@Path("/api/admin/crm-imports")
@RolesAllowed(Scope.ADMIN_ROLE)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
public class CrmImportResource {

    @Inject
    CrmImports imports;

    @Inject
    CrmImportStore store;

    @Inject
    WebhookSupport support;

    /** What to import: {@code hubspot}, {@code salesforce} or {@code pipedrive}, and optionally from when. */
    public record Request(@Schema(example = "hubspot") String source,
                          @Schema(example = "2024-03-01T00:00:00Z") String since) {
    }

    static final String REQUEST_EXAMPLE = """
            {"source":"hubspot","since":"2024-03-01T00:00:00Z"}""";
    static final String STARTED_EXAMPLE = """
            {"id":7,"source":"hubspot","state":"RUNNING","since":"2024-03-01T00:00:00Z","phase":"deals","pages":0,
             "records":0,"recorded":0,"unchanged":0,"duplicates":0,"parked":0,"refused":0,
             "startedAt":"2025-03-09T16:00:00Z","updatedAt":"2025-03-09T16:00:00Z"}""";
    static final String PROGRESS_EXAMPLE = """
            {"id":7,"source":"hubspot","state":"RUNNING","since":"2024-03-01T00:00:00Z","phase":"contacts",
             "cursor":"NTI1Cg%3D%3D","pages":41,"records":2050,"recorded":5230,"unchanged":12,"duplicates":0,
             "parked":17,"refused":0,"startedAt":"2025-03-09T16:00:00Z","updatedAt":"2025-03-09T16:04:12Z"}""";
    static final String LIST_EXAMPLE = "[" + PROGRESS_EXAMPLE + "]";

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start importing a CRM's stage history",
            description = "Reads HubSpot (deals and contacts with property history), Salesforce (OpportunityHistory and "
                    + "LeadHistory through SOQL) or Pipedrive (deals and their flow) page by page and records each "
                    + "historical stage value in event time, as the vendor's webhooks would have. Follow it with GET "
                    + "/api/admin/crm-imports/{id}. One import per source at a time.")
    @APIResponse(responseCode = "202", description = "started",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CrmImport.class),
                    examples = @ExampleObject(name = "a HubSpot import started", value = STARTED_EXAMPLE)))
    @APIResponse(responseCode = "400", description = "no such source, or since is no date",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "an import of the source runs already, or its credentials "
            + "(L2R_CRM_*) are not set: the problem's field names the setting",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response start(@RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = Request.class),
            examples = @ExampleObject(name = "HubSpot since March 2024", value = REQUEST_EXAMPLE))) Request request) {
        if (request == null || request.source() == null || request.source().isBlank()) {
            throw ProblemException.badRequest("source", "is required: one of " + String.join(", ", CrmImports.SOURCES));
        }
        Instant since = null;
        if (request.since() != null && !request.since().isBlank()) {
            since = support.time("since", request.since());
        }
        CrmImport started = imports.start(request.source().strip().toLowerCase(Locale.ROOT), since);
        return Response.accepted(started).location(URI.create("/api/admin/crm-imports/" + started.id())).build();
    }

    @GET
    @Operation(summary = "CRM imports, newest first")
    @APIResponse(responseCode = "200", description = "the imports",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "one import running", value = LIST_EXAMPLE)))
    public List<CrmImport> list(@Parameter(description = "only imports in this state", example = "RUNNING")
                                @QueryParam("state") String state,
                                @Parameter(description = "most imports listed (1-1000)", example = "100")
                                @QueryParam("limit") @DefaultValue("100") int limit) {
        if (limit < 1 || limit > 1000) {
            throw ProblemException.badRequest("limit", "must be between 1 and 1000");
        }
        CrmImport.State wanted = null;
        if (state != null && !state.isBlank()) {
            try {
                wanted = CrmImport.State.valueOf(state.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest("state", "must be RUNNING, DONE, CANCELLED or FAILED");
            }
        }
        return store.list(wanted, limit);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One import and its progress",
            description = "Pages and records read, the changes recorded, unchanged, duplicate (recorded before), "
                    + "parked (a value no mapping knows yet) and refused, its position (phase and the vendor's cursor), "
                    + "its state and, when it failed, why.")
    @APIResponse(responseCode = "200", description = "the import",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CrmImport.class),
                    examples = @ExampleObject(name = "half way", value = PROGRESS_EXAMPLE)))
    @APIResponse(responseCode = "404", description = "no such import",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public CrmImport get(@Parameter(description = "the import's id", example = "7") @PathParam("id") long id) {
        return store.find(id).orElseThrow(() -> ProblemException.notFound("no import " + id));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Cancel a running import", description = "It stops before its next page; what it recorded "
            + "stays. POST /api/admin/crm-imports/{id}/resume continues it.")
    @APIResponse(responseCode = "200", description = "cancelled",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CrmImport.class),
                    examples = @ExampleObject(name = "cancelled", value = PROGRESS_EXAMPLE)))
    @APIResponse(responseCode = "409", description = "the import is not running",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public CrmImport cancel(@Parameter(description = "the import's id", example = "7") @PathParam("id") long id) {
        return imports.cancel(id);
    }

    @POST
    @Path("/{id}/resume")
    @Operation(summary = "Continue a failed or cancelled import from its position",
            description = "The page it stopped in is read again; what it recorded before comes back as duplicates.")
    @APIResponse(responseCode = "202", description = "running again",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CrmImport.class),
                    examples = @ExampleObject(name = "running again", value = PROGRESS_EXAMPLE)))
    @APIResponse(responseCode = "409", description = "the import is running or done, or another of its source runs",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response resume(@Parameter(description = "the import's id", example = "7") @PathParam("id") long id) {
        return Response.accepted(imports.resume(id)).build();
    }
}
