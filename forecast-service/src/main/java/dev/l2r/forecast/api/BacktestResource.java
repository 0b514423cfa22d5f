package dev.l2r.forecast.api;

import dev.l2r.forecast.model.Backtest;
import dev.l2r.platform.auth.Scope;
import dev.l2r.platform.problem.ProblemException;
import dev.l2r.platform.time.ApiTimes;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.sql.SQLException;
import java.util.List;

/** Past forecasts scored against what happened, beside two baselines. */
@Path("/api/forecast/backtest")
@RolesAllowed(Scope.READ_ROLE)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "forecast")
public class BacktestResource {

    @Inject
    ForecastService service;

    /** The values of the seasonality and trend switches. */
    static final List<String> SEASONALITY = List.of("auto", "off");

    @ConfigProperty(name = "l2r.forecast.backtest.max-periods")
    int maxPeriods;

    @GET
    @Operation(summary = "For each period, the forecast made at its start from only the events known then, against "
            + "what was won; MAPE, interval coverage, bias, and the run-rate and weighted-pipeline baselines, "
            + "overall and per group",
            description = "MAPE is a fraction (0.12 = 12%) over periods with revenue won; coverage is the share of "
                    + "those periods whose actual fell within P10-P90; bias is the mean signed error as a fraction "
                    + "of actual (negative: the forecast ran low). horizonDays defaults to each period's length. "
                    + "With groupBy, each period lists each group's forecast, band and actual, and groups holds "
                    + "each group's scores.")
    @APIResponse(responseCode = "200", description = "the backtest", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "months",
            value = ApiExamples.BACKTEST)))
    public Backtest.Result backtest(
            @Parameter(example = ApiExamples.FROM) @QueryParam("from") String from,
            @Parameter(example = ApiExamples.TO) @QueryParam("to") String to,
            @Parameter(description = "week, month (default) or quarter", example = ApiExamples.INTERVAL)
            @QueryParam("interval") String interval,
            @Parameter(description = "default: each period's length", example = ApiExamples.HORIZON_DAYS)
            @QueryParam("horizonDays") String horizonDays,
            @Parameter(example = ApiExamples.CURRENCY) @QueryParam("currency") String currency,
            @Parameter(description = "channel, segment, owner or campaign: scores per group as well",
                    example = ApiExamples.GROUP_BY) @QueryParam("groupBy") String groupBy,
            @Parameter(description = "auto (default): the quarter's calendar where the history allows; off: "
                    + "without it, to compare", example = "auto") @QueryParam("seasonality") String seasonality,
            @Parameter(description = "auto (default): the arrivals' year-over-year growth where the history "
                    + "allows; off: without it, to compare", example = "auto") @QueryParam("trend") String trend)
            throws SQLException {
        ApiTimes.Period period = ApiTimes.period(from, to);
        String step = interval == null ? "month" : Params.oneOf("interval", interval, Backtest.INTERVALS);
        Double h = horizonDays == null ? null
                : Params.days("horizonDays", horizonDays, null, ForecastResource.MAX_HORIZON_DAYS);
        List<Backtest.Period> periods = Backtest.periods(period.from(), period.to(), step, maxPeriods);
        if (periods.size() > maxPeriods) {
            throw ProblemException.badRequest("to", "the range holds more than " + maxPeriods + " " + step
                    + " periods; at most " + maxPeriods + " are allowed");
        }
        return service.backtest(periods, h, step, Params.currency("currency", currency),
                Params.oneOf("groupBy", groupBy, Params.GROUP_BY),
                !"off".equals(Params.oneOf("seasonality", seasonality, SEASONALITY)),
                !"off".equals(Params.oneOf("trend", trend, SEASONALITY)));
    }
}
