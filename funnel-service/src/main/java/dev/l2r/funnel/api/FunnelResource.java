package dev.l2r.funnel.api;

import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.funnel.core.Slice;
import dev.l2r.funnel.core.Stages;
import dev.l2r.funnel.query.Answers;
import dev.l2r.funnel.query.FunnelFigures;
import dev.l2r.platform.auth.Scope;
import dev.l2r.platform.problem.Problem;
import dev.l2r.platform.problem.ProblemException;
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
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * Funnel volume, conversion, velocity, WIP and baselines. Every answer is also served as CSV with
 * {@code Accept: text/csv}.
 */
@Path("/api/funnel")
@RolesAllowed(Scope.READ_ROLE)
@Produces({MediaType.APPLICATION_JSON, CsvWriter.TEXT_CSV})
@Tag(name = "funnel")
public class FunnelResource {

    static final String DEFINITIONS = """
            Definitions (docs/architecture.md, "Metrics"). A lead's cohort for stage A is fixed by its first entry \
            into A; stages passed over by a forward move count as entered at that move's time (includeSkipped=false \
            leaves those passes out of the cohort); a lead first seen at a late stage did not pass the earlier ones; \
            losing passes through no stage, winning passes through all. A lead of A's cohort converts to B when it \
            reached B or any stage after B at or after its entry into A (a lead that won before the recorded entry \
            into A does not count). Velocity is the time from entering A to that moment, in days (decimals, 6 places). \
            Median and p90 are nearest-rank percentiles: the k-th smallest velocity, k = ceil(p/100 * n), so always a \
            velocity that occurred (for an even count the median is the lower middle value). Rates are fractions with \
            6 decimals, null when the cohort is empty. Periods: from inclusive; a date alone as 'to' includes that \
            day; a date-time 'to' is exclusive; days are UTC. Filters channel, segment, owner, campaign (combinable): \
            present but empty selects leads where that attribute is unknown. Channel is the lead's first-touch \
            channel; segment, owner and campaign its latest known.""";

    @Inject
    FunnelFigures metrics;

    @jakarta.ws.rs.core.Context
    jakarta.ws.rs.core.UriInfo uri;

    @GET
    @Operation(summary = "Per stage: leads entering it in [from, to), how many went on to the next stage (or any "
            + "later) and to the won stage, and how fast", description = DEFINITIONS)
    @APIResponse(responseCode = "200", description = "the funnel over the period", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "March", value = ApiExamples.FUNNEL)))
    @APIResponse(responseCode = "400", description = "a missing or unreadable parameter; the problem names it",
            content = @Content(mediaType = Problem.MEDIA_TYPE,
                    examples = @ExampleObject(name = "no from", value = ApiExamples.INVALID)))
    public Answers.Funnel funnel(@QueryParam("from") @Parameter(example = ApiExamples.FROM) String from,
                                 @QueryParam("to") @Parameter(example = ApiExamples.TO) String to,
                                 @QueryParam("channel") @Parameter(example = "paid_search") String channel,
                                 @QueryParam("segment") @Parameter(example = "smb") String segment,
                                 @QueryParam("owner") @Parameter(example = "ann") String owner,
                                 @QueryParam("campaign") @Parameter(example = "spring") String campaign,
                                 @Parameter(description = "count leads that only passed through a stage (default true)", example = "true")
                                 @QueryParam("includeSkipped") String includeSkipped) throws SQLException {
        ApiTimes.Period period = ApiTimes.period(from, to);
        return metrics.funnel(new Slice(period.from(), period.to(), Params.filters(uri),
                Params.bool("includeSkipped", includeSkipped, true), null, Slice.Interval.NONE));
    }

    @GET
    @Path("/conversion")
    @Operation(summary = "Cohort conversion from one stage to another: overall, per entry week or month, and per "
            + "channel, segment, owner or campaign, each with velocity", description = DEFINITIONS
            + " withinDays=N counts only leads that reached toStage within N days (velocity <= N days).")
    @APIResponse(responseCode = "200", description = "cohort conversion", content = @Content(
            mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "example", value = ApiExamples.CONVERSION)))
    public Answers.Conversion conversion(@QueryParam("fromStage") @Parameter(example = "MQL") String fromStage,
                                         @QueryParam("toStage") @Parameter(example = "CLOSED_WON") String toStage,
                                         @QueryParam("from") @Parameter(example = ApiExamples.FROM) String from,
                                         @QueryParam("to") @Parameter(example = ApiExamples.TO) String to,
                                         @Parameter(description = "week or month; a range of more than "
                                                 + Params.MAX_PERIODS + " of them is refused", example = "month")
                                         @QueryParam("interval") String interval,
                                         @Parameter(description = "channel, segment, owner or campaign", example = "channel")
                                         @QueryParam("groupBy") String groupBy,
                                         @QueryParam("withinDays") @Parameter(example = "90") String withinDays,
                                         @QueryParam("channel") @Parameter(example = "paid_search") String channel,
                                         @QueryParam("segment") @Parameter(example = "smb") String segment,
                                         @QueryParam("owner") @Parameter(example = "ann") String owner,
                                         @QueryParam("campaign") @Parameter(example = "spring") String campaign,
                                         @QueryParam("includeSkipped") @Parameter(example = "true") String includeSkipped) throws SQLException {
        FunnelDefinition funnel = metrics.funnel();
        String a = Params.stage(funnel, "fromStage", fromStage);
        String b = Params.stage(funnel, "toStage", toStage);
        if (!Stages.isTarget(funnel, a, b)) {
            throw ProblemException.badRequest("toStage", b + " does not come after " + a
                    + " (a later open stage or a terminal stage; terminal stages lead nowhere)");
        }
        ApiTimes.Period period = ApiTimes.period(from, to);
        Slice.Interval cohorts = Params.interval(interval, false);
        Params.boundPeriods(period, cohorts);
        Slice slice = new Slice(period.from(), period.to(), Params.filters(uri),
                Params.bool("includeSkipped", includeSkipped, true), Params.groupBy(groupBy), cohorts);
        return metrics.conversion(a, b, slice, Params.nonNegative("withinDays", withinDays, null, 100_000));
    }

    @GET
    @Path("/volume")
    @Operation(summary = "Volume: leads entering a stage for the first time, per week or month of [from, to)",
            description = DEFINITIONS)
    @APIResponse(responseCode = "200", description = "first entries per period", content = @Content(
            mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "example", value = ApiExamples.VOLUME)))
    public Answers.Volume volume(@QueryParam("stage") @Parameter(example = "CLOSED_WON") String stage,
                                 @QueryParam("from") @Parameter(example = ApiExamples.FROM) String from,
                                 @QueryParam("to") @Parameter(example = ApiExamples.TO) String to,
                                 @QueryParam("interval") @Parameter(description = "week or month; a range of "
                                         + "more than " + Params.MAX_PERIODS + " of them is refused", example = "month")
                                 String interval,
                                 @QueryParam("channel") @Parameter(example = "paid_search") String channel,
                                 @QueryParam("segment") @Parameter(example = "smb") String segment,
                                 @QueryParam("owner") @Parameter(example = "ann") String owner,
                                 @QueryParam("campaign") @Parameter(example = "spring") String campaign,
                                 @QueryParam("includeSkipped") @Parameter(example = "true") String includeSkipped) throws SQLException {
        String s = Params.stage(metrics.funnel(), "stage", stage);
        ApiTimes.Period period = ApiTimes.period(from, to);
        Slice.Interval per = Params.interval(interval, true);
        Params.boundPeriods(period, per);
        return metrics.volume(s, new Slice(period.from(), period.to(), Params.filters(uri),
                Params.bool("includeSkipped", includeSkipped, true), null, per));
    }

    @GET
    @Path("/wip")
    @Operation(summary = "Stage WIP: leads in each open stage now, their age in the stage, and the stale ones",
            description = "A lead is in the stage of its latest event (by event time). Ages are measured at asOf "
                    + "(default now) over the leads that entered their stage at or before it. A lead is stale when "
                    + "older in its stage than the p90 velocity from that stage to the next over the cohorts of the "
                    + "12 months before asOf (staleAfterDays). staleLeads lists the oldest stale leads, at most "
                    + "'limit' (default 20). " + DEFINITIONS)
    @APIResponse(responseCode = "200", description = "stage WIP", content = @Content(
            mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "example", value = ApiExamples.WIP)))
    public Answers.Wip wip(@QueryParam("asOf") @Parameter(example = "2025-04-01") String asOf,
                           @QueryParam("limit") @Parameter(example = "20") String limit,
                           @QueryParam("channel") @Parameter(example = "paid_search") String channel,
                           @QueryParam("segment") @Parameter(example = "smb") String segment,
                           @QueryParam("owner") @Parameter(example = "ann") String owner,
                           @QueryParam("campaign") @Parameter(example = "spring") String campaign) throws SQLException {
        Instant at = asOf == null || asOf.isBlank() ? Instant.now() : ApiTimes.parse("asOf", asOf);
        return metrics.wip(at, Params.filters(uri),
                Params.nonNegative("limit", limit, 20, 1_000));
    }

    @GET
    @Path("/baseline")
    @Operation(summary = "Baseline: the funnel over the trailing months before asOf (default: 12 months before "
            + "today), optionally beside the same window before compareAsOf, with the changes",
            description = DEFINITIONS)
    @APIResponse(responseCode = "200", description = "the baseline and its comparison", content = @Content(
            mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "example", value = ApiExamples.BASELINE)))
    public Answers.Baseline baseline(@QueryParam("asOf") @Parameter(example = "2025-04-01") String asOf,
                                     @QueryParam("months") @Parameter(example = "12") String months,
                                     @QueryParam("compareAsOf") @Parameter(example = "2024-04-01") String compareAsOf,
                                     @QueryParam("channel") @Parameter(example = "paid_search") String channel,
                                     @QueryParam("segment") @Parameter(example = "smb") String segment,
                                     @QueryParam("owner") @Parameter(example = "ann") String owner,
                                     @QueryParam("campaign") @Parameter(example = "spring") String campaign,
                                     @QueryParam("includeSkipped") @Parameter(example = "true") String includeSkipped) throws SQLException {
        Instant at = asOf == null || asOf.isBlank()
                ? LocalDate.now(ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant()
                : ApiTimes.parse("asOf", asOf);
        int n = Params.nonNegative("months", months, 12, 120);
        if (n == 0) {
            throw ProblemException.badRequest("months", "must be between 1 and 120");
        }
        Instant compare = compareAsOf == null || compareAsOf.isBlank() ? null : ApiTimes.parse("compareAsOf", compareAsOf);
        Map<String, String> filters = Params.filters(uri);
        return metrics.baseline(at, n, compare, filters, Params.bool("includeSkipped", includeSkipped, true));
    }
}
