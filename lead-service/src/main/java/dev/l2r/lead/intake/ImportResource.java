package dev.l2r.lead.intake;

import dev.l2r.platform.auth.Scope;
import dev.l2r.platform.problem.Problem;
import dev.l2r.platform.problem.ProblemMappers;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.Map;

/** Bulk backfill from a CSV file, streamed: rows are recorded a chunk at a time while the body is still arriving. */
@Path("/api/imports")
@RolesAllowed(Scope.WRITE_ROLE)
@Tag(name = "intake")
public class ImportResource {

    @Inject
    Intake intake;

    @Inject
    StageChangeFactory changes;

    @Inject
    BodyLimits limits;

    @Inject
    SourcePolicy policy;

    @POST
    @Consumes({"text/csv", "application/csv", MediaType.TEXT_PLAIN, MediaType.APPLICATION_OCTET_STREAM})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Import stage changes from a CSV file",
            description = "Header lead_id,stage,occurred_at plus optional amount,currency,channel,segment,owner,"
                    + "campaign,source_event_id,raw_stage. Each row is one stage change of source `source`. Rows are "
                    + "recorded in chunks as they arrive; a bad row is listed by line number and the rest go on. "
                    + "A repeated source_event_id is a duplicate.")
    @APIResponse(responseCode = "200", description = "counts of accepted, duplicate and rejected rows",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = IntakeReport.class),
                    examples = @ExampleObject(name = "one bad row", value = ApiExamples.REPORT_BY_LINE)))
    @RequestBody(content = @Content(mediaType = "text/csv",
            examples = @ExampleObject(name = "three rows", value = ApiExamples.CSV)))
    @APIResponse(responseCode = "400", description = "the header is missing or wrong",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "the body is larger than l2r.intake.import-max-size",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = ProblemMappers.UNAVAILABLE_DESCRIPTION,
            headers = @Header(name = ProblemMappers.RETRY_AFTER, description = "whole seconds to wait before retrying",
                    schema = @Schema(type = SchemaType.INTEGER)),
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public IntakeReport importCsv(@QueryParam("source") @DefaultValue("import")
                                  @Parameter(example = ApiExamples.SOURCE) String source, InputStream body)
            throws IOException {
        String src = Sources.require(source);
        policy.requireMayWrite(src, "source");
        IntakeRun run = intake.run(src);
        ImportCsv.read(limits.forImport(body), new ImportCsv.Rows() {
            @Override
            public void row(long line, Map<String, String> values) {
                try {
                    run.accept(Rejection.Position.line(line), changes.fromItem(request(src, values)));
                } catch (RejectedInput e) {
                    String field = e.toProblem().field();
                    run.reject(Rejection.Position.line(line), ImportCsv.COLUMN_OF_FIELD.getOrDefault(field, field),
                            e.error(), e.reason());
                }
            }

            @Override
            public void unreadable(long line, String error) {
                run.reject(Rejection.Position.line(line), "row", error, Reason.MALFORMED);
            }
        });
        return run.finish();
    }

    private static TransitionRequest request(String source, Map<String, String> row) {
        return new TransitionRequest(value(row, "lead_id"), value(row, "stage"), value(row, "occurred_at"), source,
                value(row, "source_event_id"), amount(value(row, "amount")), value(row, "currency"),
                new TransitionRequest.AttributesRequest(value(row, "channel"), value(row, "segment"),
                        value(row, "owner"), value(row, "campaign")),
                value(row, "raw_stage"));
    }

    private static String value(Map<String, String> row, String column) {
        String v = row.get(column);
        return v == null || v.isEmpty() ? null : v;
    }

    private static BigDecimal amount(String value) {
        if (value == null) {
            return null;
        }
        try {
            return new BigDecimal(value);
        } catch (NumberFormatException e) {
            throw RejectedInput.badRequest(Reason.INVALID, "amount", "'" + value + "' is not a decimal number");
        }
    }
}
