package dev.l2r.forecast.api;

import dev.l2r.forecast.model.Kpis;
import dev.l2r.platform.auth.Scope;
import dev.l2r.platform.time.ApiTimes;
import jakarta.annotation.security.RolesAllowed;
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

import java.sql.SQLException;

/** Sales KPIs over a period of event time. */
@Path("/api/forecast/kpis")
@RolesAllowed(Scope.READ_ROLE)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "forecast")
public class KpiResource {

    @Inject
    ForecastService service;

    @GET
    @Operation(summary = "Win rate, average deal size, sales cycle, open opportunities, pipeline value, sales velocity",
            description = "Win rate = won / (won + lost) among deals closed in [from, to); average deal size = mean "
                    + "amount of its won deals; sales cycle = mean days from OPPORTUNITY (or SQL) to won; open "
                    + "opportunities and pipeline value (known amounts) at the period's end; sales velocity per day "
                    + "= open opportunities × average deal size × win rate / sales-cycle days. A date alone as 'to' "
                    + "includes that day.")
    @APIResponse(responseCode = "200", description = "the KPIs", content = @Content(
            mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "a year", value = ApiExamples.KPIS)))
    public Kpis.Result kpis(@QueryParam("from") @Parameter(example = ApiExamples.FROM) String from,
                            @QueryParam("to") @Parameter(example = ApiExamples.TO) String to,
                            @QueryParam("groupBy") @Parameter(description = "channel, segment, owner or campaign",
                                    example = ApiExamples.GROUP_BY) String groupBy,
                            @QueryParam("currency") @Parameter(description = "ISO 4217; required when the data holds "
                                    + "several", example = ApiExamples.CURRENCY) String currency)
            throws SQLException {
        ApiTimes.Period period = ApiTimes.period(from, to);
        return service.kpis(period, Params.oneOf("groupBy", groupBy, Params.GROUP_BY),
                Params.currency("currency", currency));
    }
}
