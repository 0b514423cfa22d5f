package dev.l2r.forecast.api;

import io.agroal.api.AgroalDataSource;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Sales KPIs over the pipeline. */
@Path("/api/forecast/kpis")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "forecast")
public class KpiResource {

    @Inject
    AgroalDataSource dataSource;

    public record Kpis(long openOpportunities, BigDecimal pipelineValue) {
    }

    @GET
    @Operation(summary = "Open opportunities and their total amount, now")
    @APIResponse(responseCode = "200", description = "the KPIs", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "pipeline", value = ApiExamples.KPIS)))
    public Kpis kpis(@QueryParam("from") @Parameter(example = ApiExamples.FROM) String from,
                     @QueryParam("to") @Parameter(example = ApiExamples.TO) String to) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*), coalesce(sum(amount), 0) FROM pipeline_lead "
                     + "WHERE open AND current_stage = 'OPPORTUNITY'");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new Kpis(rs.getLong(1), rs.getBigDecimal(2));
        }
    }
}
