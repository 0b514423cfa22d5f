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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
            @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code such as EUR") String currency,
            List<LeverBody> levers,
            List<LeverBody> limits) {
    }

    /**
     * A lever: {@code conversion} (at {@code stage}, or every stage), {@code dealSize}, {@code cycle} (shorter by)
     * or {@code leads} (in {@code channel}, or every channel), by {@code change} as a fraction (0.1 = 10%); as a
     * limit, {@code change} is the most it may move.
     */
    public record LeverBody(String lever, String stage, String channel, BigDecimal change) {
    }

    static final int MAX_LEVERS = 20;

    /** The levers checked, each bad field named by its place in the body. */
    static List<ReversePlan.Lever> levers(String field, List<LeverBody> bodies, boolean distinct) {
        if (bodies == null) {
            return List.of();
        }
        if (bodies.size() > MAX_LEVERS) {
            throw ProblemException.badRequest(field, "at most " + MAX_LEVERS + " are allowed");
        }
        List<ReversePlan.Lever> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < bodies.size(); i++) {
            String at = field + "[" + i + "]";
            LeverBody b = bodies.get(i);
            if (b == null) {
                throw ProblemException.badRequest(at, "must be a lever");
            }
            String name = Params.oneOf(at + ".lever", b.lever(), ReversePlan.Lever.NAMES);
            if (name == null) {
                throw ProblemException.badRequest(at + ".lever", "is required: one of "
                        + String.join(", ", ReversePlan.Lever.NAMES));
            }
            if (b.stage() != null && !name.equals("conversion")) {
                throw ProblemException.badRequest(at + ".stage", "only the conversion lever has a stage");
            }
            if (b.channel() != null && !name.equals("leads")) {
                throw ProblemException.badRequest(at + ".channel", "only the leads lever has a channel");
            }
            double max = name.equals("cycle") ? 0.9 : 10;
            if (b.change() == null || b.change().signum() <= 0 || b.change().doubleValue() > max) {
                throw ProblemException.badRequest(at + ".change", "must be a fraction above 0 and at most " + max
                        + " (0.1 = 10%)");
            }
            if (distinct && !seen.add(name)) {
                throw ProblemException.badRequest(at + ".lever", "each lever may be limited once");
            }
            out.add(new ReversePlan.Lever(name, b.stage(), b.channel(), b.change().doubleValue()));
        }
        return out;
    }

    @POST
    @Operation(summary = "New leads needed per stage, and when they must enter, to reach a revenue target",
            description = "gap = target − won so far in the period − what the open pipeline is expected to win in "
                    + "it; deals needed = gap / average deal size; per stage, new leads needed = deals / P(a lead "
                    + "entering now wins within the period), and enterBy = periodEnd − the stage's median days to "
                    + "won. With levers, each is answered with the forecast recomputed under it (expected "
                    + "attainment, gap, whether it reaches the target); with limits, cheapestMix is the smallest "
                    + "total relative change of those levers (1% steps, greedily) that reaches the target.")
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
        List<ReversePlan.Lever> levers = levers("levers", body.levers(), false);
        List<ReversePlan.Lever> limits = levers("limits", body.limits(), true);
        if (levers.isEmpty() && limits.isEmpty()) {
            return service.plan(body.targetRevenue().doubleValue(), start, end, asOf, body.currency());
        }
        return service.planWithLevers(body.targetRevenue().doubleValue(), start, end, asOf, body.currency(), levers,
                limits);
    }
}
