package dev.l2r.lead.funnel;

import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.events.funnel.StageDefinition;
import dev.l2r.lead.text.TextRules;
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

    /** Limits that keep a definition, and its announcement on Kafka, a bounded size. */
    static final int MAX_STAGES = 100;
    static final int MAX_STAGE_TEXT = 500;
    static final int MAX_MAPPINGS = 5_000;
    static final int MAX_MAPPING_FIELD = 100;
    static final int MAX_MAPPING_VALUE = 200;

    public static List<Problem.FieldError> problems(FunnelVersion.Body body) {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (body.stages() != null && body.stages().size() > MAX_STAGES) {
            errors.add(new Problem.FieldError("stages", "must have at most " + MAX_STAGES + " stages"));
            return errors;
        }
        if (body.mappings() != null && body.mappings().size() > MAX_MAPPINGS) {
            errors.add(new Problem.FieldError("mappings", "must have at most " + MAX_MAPPINGS + " mappings"));
            return errors;
        }
        FunnelDefinition definition = new FunnelDefinition(body.stages());
        List<StageDefinition> stages = body.stages() == null ? List.of() : body.stages();
        for (int i = 0; i < stages.size(); i++) {
            StageDefinition stage = stages.get(i);
            if (stage != null) {
                text(errors, "stages[" + i + "].description", TextRules.textProblem(stage.description(), MAX_STAGE_TEXT));
                text(errors, "stages[" + i + "].trigger", TextRules.textProblem(stage.trigger(), MAX_STAGE_TEXT));
            }
        }
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
            } else {
                text(errors, field + ".field", TextRules.nameProblem(m.field(), MAX_MAPPING_FIELD));
            }
            if (m.value() == null || m.value().isBlank()) {
                errors.add(new Problem.FieldError(field + ".value", "is required"));
            } else {
                text(errors, field + ".value", TextRules.nameProblem(m.value(), MAX_MAPPING_VALUE));
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

    private static void text(List<Problem.FieldError> errors, String field, String problem) {
        if (problem != null) {
            errors.add(new Problem.FieldError(field, problem));
        }
    }
}
