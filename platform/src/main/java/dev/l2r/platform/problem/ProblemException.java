package dev.l2r.platform.problem;

import java.util.List;

/** Input the service refuses; answered as an RFC 7807 problem with the given status and offending field. */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String title;
    private final String field;
    private final List<Problem.FieldError> errors;

    public ProblemException(int status, String title, String field, String detail, List<Problem.FieldError> errors) {
        super(detail);
        this.status = status;
        this.title = title;
        this.field = field;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public static ProblemException badRequest(String field, String detail) {
        return new ProblemException(400, "Invalid input", field, field + ": " + detail,
                List.of(new Problem.FieldError(field, detail)));
    }

    public static ProblemException badRequest(List<Problem.FieldError> errors) {
        Problem.FieldError first = errors.get(0);
        String detail = errors.stream().map(e -> e.field() + ": " + e.message())
                .reduce((a, b) -> a + "; " + b).orElse("");
        return new ProblemException(400, "Invalid input", first.field(), detail, errors);
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "Not found", null, detail, List.of());
    }

    public static ProblemException unauthorized(String detail) {
        return new ProblemException(401, "Unauthorized", null, detail, List.of());
    }

    public static ProblemException conflict(String detail) {
        return new ProblemException(409, "Conflict", null, detail, List.of());
    }

    public Problem toProblem() {
        return new Problem(ProblemMappers.typeFor(status), title, status, getMessage(), field, errors);
    }

    public int status() {
        return status;
    }
}
