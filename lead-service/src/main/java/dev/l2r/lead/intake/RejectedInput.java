package dev.l2r.lead.intake;

import dev.l2r.platform.problem.Problem;
import dev.l2r.platform.problem.ProblemException;

import java.util.List;

/** Intake input refused for a known {@link Reason}; answered as an RFC 7807 problem naming the field. */
public class RejectedInput extends ProblemException {

    private final Reason reason;

    public RejectedInput(int status, String title, Reason reason, String field, String detail) {
        super(status, title, field, field == null ? detail : field + ": " + detail,
                field == null ? List.of() : List.of(new Problem.FieldError(field, detail)));
        this.reason = reason;
    }

    /** Several refused fields at once, counted under the first one's reason. */
    public RejectedInput(Reason reason, List<Problem.FieldError> errors) {
        super(400, "Invalid input", errors.get(0).field(), errors.stream().map(e -> e.field() + ": " + e.message())
                .reduce((a, b) -> a + "; " + b).orElse(""), errors);
        this.reason = reason;
    }

    public static RejectedInput badRequest(Reason reason, String field, String detail) {
        return new RejectedInput(400, "Invalid input", reason, field, detail);
    }

    public static RejectedInput unauthorized(Reason reason, String detail) {
        return new RejectedInput(401, "Unauthorized", reason, null, detail);
    }

    public static RejectedInput tooLarge(long limit) {
        return new RejectedInput(413, "Payload too large", Reason.TOO_LARGE, "body",
                "is larger than the limit of " + limit + " bytes");
    }

    public Reason reason() {
        return reason;
    }

    /** The detail without the field prefix, as a batch rejection lists it. */
    public String error() {
        List<Problem.FieldError> errors = toProblem().errors();
        return errors.isEmpty() ? getMessage() : errors.get(0).message();
    }
}
