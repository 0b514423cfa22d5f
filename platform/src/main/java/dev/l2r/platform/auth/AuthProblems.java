package dev.l2r.platform.auth;

import dev.l2r.platform.problem.Problem;
import dev.l2r.platform.problem.ProblemMappers;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;

/**
 * Refusals of the security layer as problems: {@code 401} with {@code WWW-Authenticate} when no credential, or an
 * unknown one, came with the request; {@code 403} when the caller is known but lacks the scope. The detail never
 * repeats what was presented.
 */
public class AuthProblems {

    @ConfigProperty(name = "quarkus.oidc.tenant-enabled", defaultValue = "false")
    boolean oidc;

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(RuntimeException e) {
        boolean presented = e instanceof AuthenticationFailedException;
        String detail = presented ? "the credential is not valid here (unknown, revoked or expired)"
                : "this endpoint needs a credential: an API key in " + ApiKeys.HEADER
                + (oidc ? " or an OIDC bearer token in Authorization" : "");
        Response.ResponseBuilder answer = Response.status(401).type(Problem.MEDIA_TYPE).entity(new Problem(
                "https://l2r.dev/problems/401", "Unauthorized", 401, detail, null, List.of()));
        answer.header(HttpHeaders.WWW_AUTHENTICATE, ApiKeyMechanism.CHALLENGE);
        if (oidc) {
            answer.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"l2r\"");
        }
        return answer.build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        String detail = e.getMessage() != null && e.getMessage().startsWith(SourceRefused.PREFIX) ? e.getMessage()
                : "the credential does not carry the scope this endpoint needs";
        return ProblemMappers.respond(new Problem("https://l2r.dev/problems/403", "Forbidden", 403, detail,
                e instanceof SourceRefused refused ? refused.field() : null,
                e instanceof SourceRefused refused ? List.of(new Problem.FieldError(refused.field(), detail))
                        : List.of()));
    }
}
