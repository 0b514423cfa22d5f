package dev.l2r.lead.funnel;

import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.platform.problem.Problem;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Everything wrong with a proposed funnel definition, each problem naming its field. */
public final class FunnelValidation {

    private static final Pattern SOURCE = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

    private FunnelValidation() {
    }

    public static List<Problem.FieldError> problems(FunnelVersion.Body body) {
        List<Problem.FieldError> errors = new ArrayList<>();
        FunnelDefinition definition = new FunnelDefinition(body.stages());
        for (String problem : definition.problems()) {
            int colon = problem.indexOf(": ");
            errors.add(colon < 0 ? new Problem.FieldError("stages", problem)
                    : new Problem.FieldError(problem.substring(0, colon), problem.substring(colon + 2)));
        }
        List<SourceMapping> mappings = body.mappings() == null ? List.of() : body.mappings();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < mappings.size(); i++) {
            SourceMapping m = mappings.get(i);
            String field = "mappings[" + i + "]";
            if (m == null) {
                errors.add(new Problem.FieldError(field, "must be an object"));
                continue;
            }
            if (m.source() == null || !SOURCE.matcher(m.source()).matches()) {
                errors.add(new Problem.FieldError(field + ".source",
                        "must be 1-64 lower-case letters, digits, '.', '_' or '-'"));
            }
            if (m.field() == null || m.field().isBlank()) {
                errors.add(new Problem.FieldError(field + ".field", "is required"));
            }
            if (m.value() == null || m.value().isBlank()) {
                errors.add(new Problem.FieldError(field + ".value", "is required"));
            }
            if (m.stage() != null && !definition.contains(m.stage())) {
                errors.add(new Problem.FieldError(field + ".stage", "unknown stage '" + m.stage()
                        + "'; the stages are " + body.stages().stream().map(s -> s == null ? null : s.key()).toList()));
            }
            if (m.source() != null && m.field() != null && m.value() != null && !seen.add(m.key())) {
                errors.add(new Problem.FieldError(field + ".value", "'" + m.value() + "' is mapped twice for "
                        + m.source() + " " + m.field()));
            }
        }
        return errors;
    }
}
