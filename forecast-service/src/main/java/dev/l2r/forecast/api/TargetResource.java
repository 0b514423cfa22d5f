package dev.l2r.forecast.api;

import dev.l2r.forecast.target.Target;
import dev.l2r.forecast.target.TargetStore;
import dev.l2r.platform.auth.Scope;
import dev.l2r.platform.problem.Problem;
import dev.l2r.platform.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Revenue targets per period, for everybody or per owner or segment; the forecast reports attainment against them. */
@Path("/api/forecast/targets")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "forecast")
public class TargetResource {

    @Inject
    TargetStore store;

    @GET
    @RolesAllowed(Scope.READ_ROLE)
    @Operation(summary = "The revenue targets")
    @APIResponse(responseCode = "200", description = "the targets", content = @Content(
            mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "a quarter", value = ApiExamples.TARGETS)))
    public List<Target> targets() throws SQLException {
        return store.all();
    }

    @PUT
    @RolesAllowed(Scope.ADMIN_ROLE)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace the revenue targets",
            description = "Each target is {from, to, amount, currency} with optional owner or segment (not both); "
                    + "from and to are dates, both included. Targets of the same scope may not overlap.")
    @APIResponse(responseCode = "200", description = "the targets now in force", content = @Content(
            mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "a quarter", value = ApiExamples.TARGETS)))
    public List<Target> replace(@RequestBody(content = @Content(examples = @ExampleObject(name = "a quarter",
                                        value = ApiExamples.TARGETS)))
                                @NotNull(message = "is required") List<@NotNull @Valid Target> body)
            throws SQLException {
        List<Problem.FieldError> errors = new ArrayList<>();
        for (int i = 0; i < body.size(); i++) {
            Target t = body.get(i);
            if (t.to().isBefore(t.from())) {
                errors.add(new Problem.FieldError("[" + i + "].to", "must not be before from"));
            }
            if (t.owner() != null && t.segment() != null) {
                errors.add(new Problem.FieldError("[" + i + "].segment", "a target is for one owner or one segment, "
                        + "not both"));
            }
            for (int j = 0; j < i; j++) {
                Target o = body.get(j);
                if (Objects.equals(t.owner(), o.owner()) && Objects.equals(t.segment(), o.segment())
                        && !t.from().isAfter(o.to()) && !o.from().isAfter(t.to())) {
                    errors.add(new Problem.FieldError("[" + i + "].from", "overlaps target [" + j + "] of the same "
                            + "scope"));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest(errors);
        }
        store.replace(body);
        return store.all();
    }
}
