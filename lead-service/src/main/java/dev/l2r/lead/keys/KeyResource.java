package dev.l2r.lead.keys;

import dev.l2r.lead.intake.SignedSources;
import dev.l2r.platform.auth.Scope;
import dev.l2r.platform.problem.Problem;
import dev.l2r.platform.problem.ProblemException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/**
 * API keys for machine clients: made here, honoured by all three services within seconds (they follow the
 * {@code api-keys} topic), revoked the same way. Only an admin may manage them.
 */
@Path("/api/admin/keys")
@RolesAllowed(Scope.ADMIN_ROLE)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "keys")
public class KeyResource {

    static final String MADE = "{\"id\":\"k7f3a9c2m4xq\",\"name\":\"crm sync\",\"scopes\":[\"write\"],"
            + "\"sources\":[\"crm\"],\"createdAt\":\"2026-12-06T10:00:00Z\",\"createdBy\":\"key:bootstrap\","
            + "\"key\":\"l2r_3q2v9QkU0b8Zr1yTqH5nA7cW4eX6mL0pJ2sD8fG1hK4\"}";

    static final String LISTED = "{\"id\":\"k7f3a9c2m4xq\",\"name\":\"crm sync\",\"scopes\":[\"write\"],"
            + "\"sources\":[\"crm\"],\"createdAt\":\"2026-12-06T10:00:00Z\",\"createdBy\":\"key:bootstrap\"}";
    static final String REVOKED = "{\"id\":\"k7f3a9c2m4xq\",\"name\":\"crm sync\",\"scopes\":[\"write\"],"
            + "\"sources\":[\"crm\"],\"createdAt\":\"2026-12-06T10:00:00Z\",\"createdBy\":\"key:bootstrap\","
            + "\"revokedAt\":\"2026-12-07T09:00:00Z\",\"revokedBy\":\"key:bootstrap\"}";

    @Inject
    Keys keys;

    @Inject
    SignedSources signed;

    @Inject
    SecurityIdentity caller;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Make an API key",
            description = "The answer holds the key: it is shown this once and only its hash is kept. Send it as "
                    + "X-API-Key. A key limited to sources may write only events naming one of them.")
    @APIResponse(responseCode = "201", description = "made", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = KeyView.class),
            examples = @ExampleObject(name = "a key for the CRM sync", value = MADE)))
    @APIResponse(responseCode = "400", description = "invalid request; the problem names the field",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response make(@RequestBody(content = @Content(examples = @ExampleObject(name = "CRM sync",
                                 value = "{\"name\":\"crm sync\",\"scopes\":[\"write\"],\"sources\":[\"crm\"]}")))
                         @NotNull(message = "is required") @Valid KeyRequest request) {
        List<String> sources = request.sources() == null ? List.of() : request.sources();
        for (int i = 0; i < sources.size(); i++) {
            if (signed.signed(sources.get(i))) {
                throw ProblemException.badRequest("sources[" + i + "]", "'" + sources.get(i)
                        + "' is a signed webhook's source: it is written only through its webhook");
            }
        }
        KeyView made = keys.make(request, caller.getPrincipal().getName());
        return Response.created(UriBuilder.fromPath("/api/admin/keys/{id}").build(made.id())).entity(made).build();
    }

    @GET
    @Operation(summary = "Every key made, revoked ones included; never a secret")
    @APIResponse(responseCode = "200", description = "the keys, oldest first", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = KeyView[].class),
            examples = @ExampleObject(name = "one key", value = "[" + LISTED + "]")))
    public List<KeyView> list() {
        return keys.list();
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Revoke a key in every service within seconds; revoking it again changes nothing")
    @APIResponse(responseCode = "200", description = "revoked: the key as listed now", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = KeyView.class),
            examples = @ExampleObject(name = "revoked", value = REVOKED)))
    @APIResponse(responseCode = "404", description = "no such key",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public KeyView revoke(@Parameter(example = "k7f3a9c2m4xq") @PathParam("id") String id) {
        return keys.revoke(id, caller.getPrincipal().getName());
    }
}
