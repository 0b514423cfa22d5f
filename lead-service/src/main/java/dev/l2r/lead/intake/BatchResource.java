package dev.l2r.lead.intake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.l2r.platform.auth.Scope;
import dev.l2r.platform.problem.Problem;
import dev.l2r.platform.problem.ProblemMappers;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Many stage changes in one request: a JSON array, or NDJSON (one JSON object per line). Each item is the
 * single-transition body plus {@code leadId}. Items are checked one by one and recorded a chunk per transaction;
 * a bad item is listed (by index in an array, by line in NDJSON) and the others go on.
 */
@Path("/api/transitions")
@RolesAllowed(Scope.WRITE_ROLE)
@Tag(name = "intake")
public class BatchResource {

    public static final String NDJSON = "application/x-ndjson";

    @Inject
    Intake intake;

    @Inject
    StageChangeFactory changes;

    @Inject
    BodyLimits limits;

    @Inject
    ObjectMapper mapper;

    @Inject
    SourcePolicy sources;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Record many stage changes (JSON array)",
            description = "Items are the single-transition body plus leadId. Bad items are listed by index; the "
                    + "others are recorded. A repeated source + sourceEventId is counted as a duplicate.")
    @APIResponse(responseCode = "200", description = "what became of the items",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = IntakeReport.class),
                    examples = @ExampleObject(name = "one bad item", value = ApiExamples.REPORT_BY_INDEX)))
    @APIResponse(responseCode = "400", description = "the body is not a JSON array; nothing was recorded",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "the body is larger than l2r.intake.max-body-size",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "two items", value = ApiExamples.BATCH)))
    @APIResponse(responseCode = "503", description = ProblemMappers.UNAVAILABLE_DESCRIPTION,
            headers = @Header(name = ProblemMappers.RETRY_AFTER, description = "whole seconds to wait before retrying",
                    schema = @Schema(type = SchemaType.INTEGER)),
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public IntakeReport array(InputStream body) throws IOException {
        JsonNode items;
        try {
            items = mapper.readTree(limits.readAll(body));
        } catch (JsonProcessingException e) {
            throw malformed(e);
        }
        if (items == null || !items.isArray()) {
            throw RejectedInput.badRequest(Reason.MALFORMED, "body", "expected a JSON array of transitions");
        }
        for (int i = 0; i < items.size(); i++) {
            checkSource(items.get(i), "[" + i + "].source");
        }
        IntakeRun run = intake.run("api");
        for (int i = 0; i < items.size(); i++) {
            take(run, items.get(i), Rejection.Position.index(i));
        }
        return run.finish();
    }

    @POST
    @Consumes(NDJSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Record many stage changes (NDJSON, one JSON object per line)",
            description = "A line that is not a JSON object is listed with its line number, like any bad item.")
    @APIResponse(responseCode = "200", description = "what became of the lines", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = IntakeReport.class),
            examples = @ExampleObject(name = "one bad line", value = ApiExamples.REPORT_BY_LINE)))
    @RequestBody(content = @Content(mediaType = NDJSON,
            examples = @ExampleObject(name = "two lines", value = ApiExamples.BATCH_NDJSON)))
    @APIResponse(responseCode = "503", description = ProblemMappers.UNAVAILABLE_DESCRIPTION,
            headers = @Header(name = ProblemMappers.RETRY_AFTER, description = "whole seconds to wait before retrying",
                    schema = @Schema(type = SchemaType.INTEGER)),
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public IntakeReport ndjson(InputStream body) throws IOException {
        String text = new String(limits.readAll(body), StandardCharsets.UTF_8);
        // every line is read before any is recorded, so that a source the caller may not write refuses the
        // whole request (403) rather than the lines after it
        List<Line> lines = new ArrayList<>();
        long number = 0;
        for (String content : text.split("\n", -1)) {
            number++;
            if (content.isBlank()) {
                continue;
            }
            try {
                JsonNode item = mapper.readTree(content);
                checkSource(item, "line " + number + ": source");
                lines.add(new Line(number, item, null));
            } catch (JsonProcessingException e) {
                lines.add(new Line(number, null, "malformed JSON: " + e.getOriginalMessage()));
            }
        }
        IntakeRun run = intake.run("api");
        for (Line line : lines) {
            Rejection.Position position = Rejection.Position.line(line.number());
            if (line.error() != null) {
                run.reject(position, "body", line.error(), Reason.MALFORMED);
            } else {
                take(run, line.item(), position);
            }
        }
        return run.finish();
    }

    private record Line(long number, JsonNode item, String error) {
    }

    private void checkSource(JsonNode item, String field) {
        if (item != null && item.isObject() && item.path("source").isTextual()) {
            sources.requireMayWrite(item.get("source").asText(), field);
        }
    }

    private void take(IntakeRun run, JsonNode item, Rejection.Position position) {
        if (item == null || !item.isObject()) {
            run.reject(position, "body", "expected a JSON object", Reason.MALFORMED);
            return;
        }
        TransitionRequest request;
        try {
            request = mapper.treeToValue(item, TransitionRequest.class);
        } catch (JsonMappingException e) {
            run.reject(position, fieldOf(e), e instanceof MismatchedInputException m && m.getTargetType() != null
                    ? "expected " + describe(m.getTargetType()) : "has the wrong type", Reason.INVALID);
            return;
        } catch (JsonProcessingException e) {
            run.reject(position, "body", e.getOriginalMessage(), Reason.MALFORMED);
            return;
        }
        try {
            run.accept(position, changes.fromItem(request));
        } catch (RejectedInput e) {
            run.reject(position, e);
        }
    }

    static String fieldOf(JsonMappingException e) {
        StringBuilder field = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                field.append(field.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                field.append('[').append(ref.getIndex()).append(']');
            }
        }
        return field.isEmpty() ? "body" : field.toString();
    }

    private static String describe(Class<?> type) {
        if (Number.class.isAssignableFrom(type)) {
            return "a number";
        }
        if (type == String.class) {
            return "a string";
        }
        return type.isRecord() ? "an object" : type.getSimpleName();
    }

    static RejectedInput malformed(JsonProcessingException e) {
        String where = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        return RejectedInput.badRequest(Reason.MALFORMED, "body", "malformed JSON" + where);
    }
}
