package dev.l2r.forecast.api;

import dev.l2r.forecast.rebuild.Rebuilder;
import dev.l2r.platform.auth.Scope;
import dev.l2r.platform.rebuild.RebuildExamples;
import dev.l2r.platform.rebuild.RebuildStatus;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.sql.SQLException;

/** Rebuilding forecast-service's tables from the topic, as funnel-service's admin API does it. */
@Path("/api/admin")
@RolesAllowed(Scope.ADMIN_ROLE)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
public class AdminResource {

    @Inject
    Rebuilder rebuilder;

    @POST
    @Path("rebuild")
    @Operation(summary = "Replay lead-stage-changed from offset zero into fresh tables",
            description = "Answers 202 at once with the progress; the replay fills shadow tables that replace the "
                    + "current ones at the end, so forecasts keep answering from the old state until then. 409 when "
                    + "a rebuild is already running (in this replica or another).")
    @APIResponse(responseCode = "202", description = "the rebuild started", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "example",
            value = RebuildExamples.RUNNING)))
    @APIResponse(responseCode = "409", description = "a rebuild is running")
    public Response start() throws SQLException {
        RebuildStatus status = rebuilder.start("requested over the API");
        return Response.accepted(status).location(URI.create("/api/admin/rebuild")).build();
    }

    @GET
    @Path("rebuild")
    @Operation(summary = "Progress of this replica's running or latest rebuild")
    @APIResponse(responseCode = "200", description = "progress of the rebuild", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "example",
            value = RebuildExamples.DONE)))
    public RebuildStatus status() {
        return rebuilder.status();
    }
}
