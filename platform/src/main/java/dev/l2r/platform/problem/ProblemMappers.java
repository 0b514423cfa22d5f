package dev.l2r.platform.problem;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.l2r.platform.ops.BodyLimit;
import dev.l2r.platform.ops.RequestIds;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns every refusal into an RFC 7807 problem that names the offending field: bad JSON, wrong types, failed
 * validation, the services' own {@link ProblemException}s and the HTTP layer's 4xx answers. A database that cannot
 * be reached is a 503 with {@code Retry-After} ({@code l2r.db.retry-after}): the caller may try again, and webhook
 * senders do. Anything else is a bug: logged with its cause, and answered 500 without internals. Neither server
 * answer says more than that: no SQL, host or user; their {@code requestId} finds the log line.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    /** The header of a 503: whole seconds to wait before trying again. */
    public static final String RETRY_AFTER = "Retry-After";
    /** How an API documents its 503 (OpenAPI annotations take constants). */
    public static final String UNAVAILABLE_DESCRIPTION = "the database cannot be reached right now: nothing more was "
            + "recorded. Retry after the seconds in Retry-After; what was recorded before is recognised on a retry "
            + "(a duplicate, or unchanged)";

    @ConfigProperty(name = "l2r.db.retry-after", defaultValue = "5s")
    Duration retryAfter;

    static String typeFor(int status) {
        return "https://l2r.dev/problems/" + status;
    }

    public static Response respond(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return respond(e.toProblem());
    }

    @ServerExceptionMapper
    public Response tooLarge(BodyLimit.TooLarge e) {
        return respond(e.problem().toProblem());
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e) {
        List<Problem.FieldError> errors = new ArrayList<>();
        for (ConstraintViolation<?> v : e.getConstraintViolations()) {
            errors.add(new Problem.FieldError(fieldOf(v.getPropertyPath()), v.getMessage()));
        }
        errors.sort(Comparator.comparing(Problem.FieldError::field));
        return respond(ProblemException.badRequest(errors).toProblem());
    }

    @ServerExceptionMapper({JsonProcessingException.class, MismatchedInputException.class, InvalidFormatException.class,
            JsonParseException.class, JsonMappingException.class})
    public Response unreadable(JsonProcessingException e) {
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof BodyLimit.TooLarge tooLarge) {
                return tooLarge(tooLarge); // the stream gave out under the parser: not the client's JSON
            }
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = pathOf(mapping.getPath());
            String expected = e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null
                    ? "expected " + describe(mismatch.getTargetType()) : "has the wrong type";
            return respond(ProblemException.badRequest(field, expected).toProblem());
        }
        String where = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        return respond(ProblemException.badRequest("body", "malformed JSON" + where).toProblem());
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException json) {
            return unreadable(json);
        }
        if (status == 400) {
            // the HTTP layer could not read the body at all (empty, or not the declared media type)
            return respond(ProblemException.badRequest("body", "is missing or unreadable").toProblem());
        }
        if (status >= 500) {
            LOG.error("request failed", e);
        }
        Response.StatusType type = e.getResponse().getStatusInfo();
        String detail = e.getMessage() == null ? type.getReasonPhrase() : e.getMessage();
        return respond(new Problem(typeFor(status), type.getReasonPhrase(), status, detail, null, List.of()));
    }

    /**
     * Every other failure, checked ones too (resources declare {@code SQLException}): told apart by what the cause
     * chain says about the database.
     */
    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Exception e, ContainerRequestContext request) {
        String requestId = request == null ? null : (String) request.getProperty(RequestIds.MDC_KEY);
        return switch (DatabaseFailures.classify(e)) {
            case UNAVAILABLE -> {
                LOG.warnf("database unreachable, answered 503: %s", rootCause(e));
                long seconds = retryAfterSeconds(retryAfter);
                yield Response.fromResponse(respond(new Problem(typeFor(503), "Service unavailable", 503,
                                "the database cannot be reached right now; retry in " + seconds + " seconds",
                                null, List.of(), requestId)))
                        .header(RETRY_AFTER, seconds).build();
            }
            case FAILED -> {
                LOG.error("database failure", e);
                yield serverError(requestId);
            }
            case NONE -> {
                LOG.error("unexpected failure", e);
                yield serverError(requestId);
            }
        };
    }

    private static Response serverError(String requestId) {
        return respond(new Problem(typeFor(500), "Internal error", 500,
                "the service failed unexpectedly; the error is logged"
                        + (requestId == null ? "" : " with request id " + requestId), null, List.of(), requestId));
    }

    /** Whole seconds, as {@code Retry-After} takes them; at least 1. */
    static long retryAfterSeconds(Duration d) {
        return d == null ? 5 : Math.max(1, (d.toMillis() + 999) / 1000);
    }

    private static String rootCause(Throwable e) {
        Throwable root = e;
        for (int i = 0; i < 64 && root.getCause() != null && root.getCause() != root; i++) {
            root = root.getCause();
        }
        return root == e ? e.toString() : e.getClass().getName() + " caused by " + root;
    }

    /**
     * The client's name for a violated value: the property path below the method parameter
     * ({@code create.body[3].toStage} becomes {@code [3].toStage}), or the parameter's own name for a query or
     * path parameter.
     */
    static String fieldOf(Path path) {
        String parameter = null;
        StringBuilder field = new StringBuilder();
        for (Path.Node node : path) {
            switch (node.getKind()) {
                case METHOD, CONSTRUCTOR, CROSS_PARAMETER, RETURN_VALUE -> {
                }
                case PARAMETER -> parameter = node.getName();
                default -> {
                    if (node.getIndex() != null) {
                        field.append('[').append(node.getIndex()).append(']');
                    } else if (node.getKey() != null) {
                        field.append('[').append(node.getKey()).append(']');
                    }
                    // an element of a list ("scopes[0]") is named by its index, not by "<list element>"
                    if (node.getName() != null && node.getKind() != ElementKind.CONTAINER_ELEMENT) {
                        if (!field.isEmpty()) {
                            field.append('.');
                        }
                        field.append(node.getName());
                    }
                }
            }
        }
        if (!field.isEmpty()) {
            return field.toString();
        }
        return parameter != null ? parameter : "body";
    }

    private static String pathOf(List<JsonMappingException.Reference> path) {
        StringBuilder field = new StringBuilder();
        for (JsonMappingException.Reference ref : path) {
            if (ref.getFieldName() != null) {
                if (!field.isEmpty()) {
                    field.append('.');
                }
                field.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                field.append('[').append(ref.getIndex()).append(']');
            }
        }
        return field.isEmpty() ? "body" : field.toString();
    }

    private static String describe(Class<?> type) {
        if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (java.util.Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "an object";
        }
        return type.getSimpleName();
    }
}
