package dev.l2r.funnel.api;

import dev.l2r.platform.auth.Scope;
import dev.l2r.platform.pipeline.DeadLetterResource;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The records the funnel's consumer set aside: listed and replayed by an operator (docs/dead-letters.md). */
@Path("/api/admin/dead-letters")
@RolesAllowed(Scope.ADMIN_ROLE)
@Tag(name = "admin")
public class DeadLettersResource extends DeadLetterResource {
}
