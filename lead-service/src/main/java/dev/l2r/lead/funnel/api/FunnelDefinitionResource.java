package dev.l2r.lead.funnel.api;

import dev.l2r.lead.funnel.DefinitionStored;
import dev.l2r.lead.funnel.FunnelDefinitions;
import dev.l2r.lead.funnel.FunnelStore;
import dev.l2r.lead.funnel.FunnelVersion;
import dev.l2r.platform.auth.Scope;
import dev.l2r.platform.problem.Problem;
import dev.l2r.platform.problem.ProblemException;
import io.agroal.api.AgroalDataSource;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.l2r.lead.intake.BodyLimits;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
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

/** The funnel definition: stages in order, terminal stages and outcomes, and the source-value mappings. */
@Path("/api/funnel/definition")
@RolesAllowed(Scope.READ_ROLE)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "funnel definition")
public class FunnelDefinitionResource {

    @Inject
    FunnelDefinitions funnels;

    @Inject
    FunnelStore store;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    BodyLimits limits;

    @Inject
    ObjectMapper mapper;

    @Inject
    Event<DefinitionStored> stored;

    @GET
    @Operation(summary = "The funnel definition in force")
    @APIResponse(responseCode = "200", description = "the latest version",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "funnel", value = FunnelApiExamples.VERSION)))
    public FunnelVersion get() {
        try (Connection c = dataSource.getConnection()) {
            return store.latest(c).orElseGet(funnels::currentVersion);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @PUT
    @RolesAllowed(Scope.ADMIN_ROLE)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace the funnel definition",
            description = "Stores a new version (older ones are kept) and announces it on topic funnel-definition. "
                    + "Without `mappings` the current mappings are kept. Recorded history is never rewritten: a stage "
                    + "that transitions went to cannot be removed (409). Parked webhook items whose value the new "
                    + "mappings map are recorded, in event time, before the answer (GET /api/admin/unmapped).")
    @APIResponse(responseCode = "200", description = "the new version",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "new version", value = FunnelApiExamples.VERSION)))
    @APIResponse(responseCode = "400", description = "invalid; every problem names its field",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class),
                    examples = @ExampleObject(name = "duplicate key", value = FunnelApiExamples.INVALID)))
    @APIResponse(responseCode = "409", description = "a stage in use would be removed",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public FunnelVersion put(@RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = FunnelVersion.Body.class), examples = @ExampleObject(name = "a shorter funnel", value = FunnelApiExamples.BODY)))
                             InputStream body) throws IOException {
        // read through BodyLimits, so that a chunked body is counted as it arrives
        FunnelVersion version = funnels.replace(limits.readJson(body, FunnelVersion.Body.class, mapper));
        // committed: parked webhook items whose value the new mappings map are recorded now
        stored.fire(new DefinitionStored(version));
        return version;
    }

    @GET
    @Path("/versions")
    @Operation(summary = "Every version of the funnel definition, oldest first")
    @APIResponse(responseCode = "200", description = "version summaries",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "versions", value = FunnelApiExamples.VERSIONS)))
    public List<FunnelStore.Summary> versions() {
        try (Connection c = dataSource.getConnection()) {
            return store.versions(c);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @GET
    @Path("/versions/{version}")
    @Operation(summary = "One version of the funnel definition")
    @APIResponse(responseCode = "200", description = "that version",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "version 2", value = FunnelApiExamples.VERSION)))
    @APIResponse(responseCode = "404", description = "no such version",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public FunnelVersion version(@Parameter(example = "2") @PathParam("version") long version) {
        try (Connection c = dataSource.getConnection()) {
            return store.version(c, version).orElseThrow(() -> ProblemException.notFound("no version " + version));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
