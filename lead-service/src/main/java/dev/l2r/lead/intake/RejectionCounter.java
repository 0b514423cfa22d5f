package dev.l2r.lead.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Counts every intake request refused as a whole (a 4xx answer to an intake path) under
 * {@code l2r.intake.rejected}, with the reason read from what refused it. Items refused inside a batch are
 * counted where they are refused ({@link IntakeRun}).
 */
public class RejectionCounter {

    @Inject
    IntakeMetrics metrics;

    @ServerResponseFilter
    public void count(ContainerRequestContext request, ContainerResponseContext response, Throwable failure) {
        int status = response.getStatus();
        String path = request.getUriInfo().getPath();
        if (status < 400 || status >= 500 || !"POST".equals(request.getMethod()) || !isIntake(path)) {
            return;
        }
        metrics.rejected(IntakeSources.of(path), reason(status, failure));
    }

    static boolean isIntake(String path) {
        return path.startsWith("/api/webhooks/") || path.startsWith(BodyLimits.IMPORTS)
                || path.equals("/api/transitions") || (path.startsWith("/api/leads/") && path.endsWith("/transitions"));
    }

    static Reason reason(int status, Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RejectedInput rejected) {
                return rejected.reason();
            }
            if (t instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
                return Reason.INVALID;
            }
            if (t instanceof JsonProcessingException) {
                return Reason.MALFORMED;
            }
            if (t instanceof ConstraintViolationException) {
                return Reason.INVALID;
            }
        }
        return switch (status) {
            case 413 -> Reason.TOO_LARGE;
            case 415 -> Reason.UNSUPPORTED_MEDIA_TYPE;
            case 401, 403 -> Reason.BAD_SIGNATURE;
            default -> failure == null ? Reason.MALFORMED : Reason.INVALID;
        };
    }
}
