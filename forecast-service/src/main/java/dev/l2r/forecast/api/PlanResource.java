package dev.l2r.forecast.api;

import dev.l2r.forecast.model.ReversePlan;
import dev.l2r.platform.auth.Scope;
import dev.l2r.platform.problem.ProblemException;
import dev.l2r.platform.time.ApiTimes;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Instant;

/** The reverse funnel: how many new leads each stage needs, and by when, to reach a revenue target. */
@Path("/api/forecast/plan")
@RolesAllowed(Scope.READ_ROLE)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "forecast")
public class PlanResource {

    @Inject
    ForecastService service;

    /**
     * The question: reach {@code targetRevenue} of won revenue in [periodStart, periodEnd] (a date alone as periodEnd
     * includes that day), seen from {@code asOf} (default now; periodStart defaults to asOf).
     */
    public record PlanRequest(
            @NotNull @DecimalMin(value = "0", inclusive = false) @Digits(integer = 15, fraction = 6,
                    message = "must have at most 15 digits before the decimal point and 6 after") BigDecimal targetRevenue,
            @NotBlank String periodEnd,
            String periodStart,
            String asOf,
            @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code such as EUR") String currency) {
    }

    @POST
    @Operation(summary = "New leads needed per stage, and when they must enter, to reach a revenue target",
            description = "gap = target − won so far in the period − what the open pipeline is expected to win in "
                    + "it; deals needed = gap / average deal size; per stage, new leads needed = deals / P(a lead "
                    + "entering now wins within the period), and enterBy = periodEnd − the stage's median days to "
                    + "won.")
    @APIResponse(responseCode = "200", description = "the plan", content = @Content(
            mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "a quarter", value = ApiExamples.PLAN)))
    public ReversePlan.Plan plan(@RequestBody(content = @Content(examples = @ExampleObject(name = "a quarter",
                                         value = ApiExamples.PLAN_REQUEST)))
                                 @NotNull(message = "is required") @Valid PlanRequest body) throws SQLException {
        Instant asOf = Params.instant("asOf", body.asOf(), ForecastResource.now());
        Instant end = ApiTimes.parsePeriodEnd("periodEnd", body.periodEnd());
        Instant start = Params.instant("periodStart", body.periodStart(), asOf);
        if (!end.isAfter(asOf)) {
            throw ProblemException.badRequest("periodEnd", "must be after asOf (" + asOf + ")");
        }
        if (!start.isBefore(end)) {
            throw ProblemException.badRequest("periodStart", "must be before periodEnd");
        }
        return service.plan(body.targetRevenue().doubleValue(), start, end, asOf, body.currency());
    }
}
