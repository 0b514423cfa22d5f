package dev.l2r.funnel.api;

import dev.l2r.funnel.catchup.CatchUpView;
import dev.l2r.funnel.catchup.CatchUpWatch;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Whether the consumer is behind, and whether (and why) that is caught up by a replay. */
@Path("/api/admin/catch-up")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
public class CatchUpResource {

    @Inject
    CatchUpWatch watch;

    @GET
    @Operation(summary = "The last look at the consumer's backlog and what was made of it",
            description = "Looked at every L2R_CATCH_UP_CHECK_INTERVAL by this replica. `replay` says whether the "
                    + "backlog called for a replay of the topic (a rebuild) and `why`; the consumer's measured rate "
                    + "through a backlog, the last rebuild's rate and the two estimates (seconds to apply the "
                    + "backlog poll by poll, to replay the topic) appear once measured.")
    @APIResponse(responseCode = "200", description = "the last look", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "example", value = ApiExamples.CATCH_UP)))
    public CatchUpView lastLook() {
        return watch.lastLook();
    }
}
