package dev.l2r.forecast.api;

import dev.l2r.forecast.model.Forecast;
import dev.l2r.platform.auth.Scope;
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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** The revenue forecast, and each open lead's part in it. */
@Path("/api/forecast")
@RolesAllowed(Scope.READ_ROLE)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "forecast")
public class ForecastResource {

    static final double MAX_HORIZON_DAYS = 3660;

    @Inject
    ForecastService service;

    @GET
    @Operation(summary = "Expected won revenue within the horizon, with a P10-P90 interval",
            description = "Uses only events with event time at or before asOf, so a past forecast comes out the same "
                    + "whatever arrived since. expectedRevenue = Σ over open leads of value × P(won within horizon | "
                    + "stage, age in stage) + revenue from leads not created yet; 'model' says which fallbacks and "
                    + "value sources were used; 'target' shows attainment against the revenue target covering asOf.")
    @APIResponse(responseCode = "200", description = "the forecast", content = @Content(
            mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "30 days", value = ApiExamples.FORECAST)))
    public Forecast forecast(
            @Parameter(description = "ISO date or date-time; default now", example = ApiExamples.AS_OF)
            @QueryParam("asOf") String asOf,
            @Parameter(description = "days ahead, default 90", example = ApiExamples.HORIZON_DAYS)
            @QueryParam("horizonDays") String horizonDays,
            @Parameter(description = "channel, segment, owner or campaign", example = ApiExamples.GROUP_BY)
            @QueryParam("groupBy") String groupBy,
            @Parameter(description = "ISO 4217; required when the data holds several", example = ApiExamples.CURRENCY)
            @QueryParam("currency") String currency,
            @Parameter(description = "Monte Carlo iterations (100-100000)", example = ApiExamples.SIMULATIONS)
            @QueryParam("simulations") String simulations,
            @Parameter(description = "random seed of the simulation", example = ApiExamples.SEED)
            @QueryParam("seed") String seed)
            throws SQLException {
        Instant at = Params.instant("asOf", asOf, now());
        double h = Params.days("horizonDays", horizonDays, 90.0, MAX_HORIZON_DAYS);
        String by = Params.oneOf("groupBy", groupBy, Params.GROUP_BY);
        String cur = Params.currency("currency", currency);
        int sims = Params.integer("simulations", simulations, -1, 100, 100_000);
        Long s = Params.optionalLong("seed", seed);
        return service.forecast(at, h, by, cur, sims < 0 ? null : sims, s);
    }

    /** The answer of {@code GET /api/forecast/leads}. */
    public record LeadsAnswer(Instant asOf, double horizonDays, List<Forecast.LeadLine> leads) {
    }

    @GET
    @Path("/leads")
    @Operation(summary = "Each open lead's win probability, age, value and the model cell behind them",
            description = "Largest expected revenue first; the forecast's expectedRevenue is the sum of these plus "
                    + "the new leads' part.")
    @APIResponse(responseCode = "200", description = "the leads", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "largest first",
            value = ApiExamples.LEADS)))
    public LeadsAnswer leads(
            @Parameter(example = ApiExamples.AS_OF) @QueryParam("asOf") String asOf,
            @Parameter(example = ApiExamples.HORIZON_DAYS) @QueryParam("horizonDays") String horizonDays,
            @Parameter(description = "only leads in this stage", example = ApiExamples.STAGE)
            @QueryParam("stage") String stage,
            @Parameter(description = "how many, default 100", example = ApiExamples.LIMIT)
            @QueryParam("limit") String limit,
            @Parameter(example = ApiExamples.CURRENCY) @QueryParam("currency") String currency)
            throws SQLException {
        Instant at = Params.instant("asOf", asOf, now());
        double h = Params.days("horizonDays", horizonDays, 90.0, MAX_HORIZON_DAYS);
        int n = Params.integer("limit", limit, 100, 1, 100_000);
        return new LeadsAnswer(at, h, service.leads(at, h, stage, n, Params.currency("currency", currency)));
    }

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
