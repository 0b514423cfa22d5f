package dev.l2r.funnel.api;

import dev.l2r.funnel.catchup.CatchUpWatch;
import dev.l2r.funnel.core.catchup.CatchUpView;
import dev.l2r.funnel.rebuild.Rebuilder;
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

/** Rebuilding the projections from the topic, and catching up by a replay. */
@Path("/api/admin")
@RolesAllowed(Scope.ADMIN_ROLE)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
public class AdminResource {

    @Inject
    Rebuilder rebuilder;

    @Inject
    CatchUpWatch watch;

    @POST
    @Path("rebuild")
    @Operation(summary = "Drop the projections and replay lead-stage-changed from offset zero",
            description = "Answers 202 at once with the progress; the replay fills shadow tables that replace the "
                    + "current ones at the end, so queries keep answering from the old state until then. Live "
                    + "consumption waits meanwhile and resumes afterwards. 409 when a rebuild is already running.")
    @APIResponse(responseCode = "202", description = "the rebuild started", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "example", value = RebuildExamples.RUNNING)))
    public Response start() throws SQLException {
        RebuildStatus status = rebuilder.start("requested over the API");
        return Response.accepted(status).location(URI.create("/api/admin/rebuild")).build();
    }

    @GET
    @Path("rebuild")
    @Operation(summary = "Progress of the running or latest rebuild")
    @APIResponse(responseCode = "200", description = "progress of the rebuild", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "example", value = RebuildExamples.DONE)))
    public RebuildStatus status() throws SQLException {
        return rebuilder.status();
    }

    @GET
    @Path("catch-up")
    @Operation(summary = "The last look at the consumer's backlog and what was made of it",
            description = "Looked at every L2R_CATCH_UP_CHECK_INTERVAL by this replica. `replay` says whether the "
                    + "backlog called for a replay of the topic (a rebuild) and `why`; the consumer's measured rate "
                    + "through a backlog, the last rebuild's rate and the two estimates (seconds to apply the "
                    + "backlog poll by poll, to replay the topic) appear once measured.")
    @APIResponse(responseCode = "200", description = "the last look", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "example", value = ApiExamples.CATCH_UP)))
    public CatchUpView catchUp() {
        return watch.lastLook();
    }
}
