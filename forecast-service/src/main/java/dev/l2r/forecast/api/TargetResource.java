package dev.l2r.forecast.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.l2r.forecast.revenuetargets.Target;
import dev.l2r.forecast.revenuetargets.TargetChecks;
import dev.l2r.forecast.revenuetargets.TargetStore;
import dev.l2r.platform.auth.Scope;
import dev.l2r.platform.ops.BodyLimit;
import dev.l2r.platform.problem.Problem;
import dev.l2r.platform.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Revenue targets per period, for everybody or per owner or segment; the forecast reports attainment against them. */
@Path("/api/forecast/targets")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "forecast")
public class TargetResource {

    private static final TypeReference<List<Target>> TARGETS = new TypeReference<>() { };

    @Inject
    TargetStore store;

    @Inject
    BodyLimit limit;

    @Inject
    ObjectMapper json;

    @Inject
    Validator validator;

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
                    + "from and to are dates of the years 1583-9999, both included. Targets of the same scope may not "
                    + "overlap: a target starting within one that starts no later is refused, naming it (at most "
                    + TargetChecks.MAX_LISTED + " problems are listed). A plan of 100,000 targets is put at once; "
                    + "bodies over l2r.http.max-body-size are refused.")
    @APIResponse(responseCode = "200", description = "the targets now in force, in the order given", content = @Content(
            mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "a quarter", value = ApiExamples.TARGETS)))
    @APIResponse(responseCode = "400", description = "a target is invalid or overlaps another; the problem names it",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "the body is larger than l2r.http.max-body-size",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public List<Target> replace(@RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
                                        schema = @Schema(type = SchemaType.ARRAY, implementation = Target.class),
                                        examples = @ExampleObject(name = "a quarter", value = ApiExamples.TARGETS)))
                                InputStream body) throws SQLException, IOException {
        List<Target> targets = read(body);
        List<Problem.FieldError> errors = TargetChecks.problems(targets);
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest(errors);
        }
        store.replace(targets);
        // exactly these rows were committed: answered as given, without reading 100,000 rows back
        return targets;
    }

    /**
     * The body read by hand, counted against the body limit as it arrives: the framework's reading closes the
     * connection on a chunked body over its limit, with no answer the sender can read. Then each target's own
     * constraints, named by position.
     */
    private List<Target> read(InputStream body) throws IOException {
        List<Target> targets = json.readValue(limit.limited(body), TARGETS);
        if (targets == null) {
            throw ProblemException.badRequest("body", "is required");
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            Target t = targets.get(i);
            if (t == null) {
                errors.add(new Problem.FieldError("[" + i + "]", "must not be null"));
                continue;
            }
            for (ConstraintViolation<Target> v : validator.validate(t)) {
                errors.add(new Problem.FieldError("[" + i + "]." + v.getPropertyPath(), v.getMessage()));
            }
        }
        if (!errors.isEmpty()) {
            errors.sort(Comparator.comparing(Problem.FieldError::field));
            throw ProblemException.badRequest(errors);
        }
        return targets;
    }
}
