package dev.l2r.funnel.api;

import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.events.funnel.StageDefinition;
import dev.l2r.platform.time.ApiTimes;
import io.agroal.api.AgroalDataSource;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import dev.l2r.platform.problem.Problem;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Funnel volumes over a period of event time. */
@Path("/api/funnel")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "funnel")
public class FunnelResource {

    @Inject
    AgroalDataSource dataSource;

    public record StageVolume(String stage, long entered) {
    }

    public record FunnelAnswer(Instant from, Instant to, List<StageVolume> stages) {
    }

    @GET
    @Operation(summary = "Per stage, how many leads entered it for the first time in [from, to)",
            description = "from and to are ISO-8601 dates or date-times; a date alone as 'to' includes that day.")
    @APIResponse(responseCode = "200", description = "volumes per stage", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "March", value = ApiExamples.FUNNEL)))
    @APIResponse(responseCode = "400", description = "a missing or unreadable date; the problem names it",
            content = @Content(mediaType = Problem.MEDIA_TYPE,
                    examples = @ExampleObject(name = "no from", value = ApiExamples.INVALID)))
    public FunnelAnswer funnel(@QueryParam("from") @Parameter(example = ApiExamples.FROM) String from,
                               @QueryParam("to") @Parameter(example = ApiExamples.TO) String to) throws SQLException {
        ApiTimes.Period period = ApiTimes.period(from, to);
        Map<String, Long> entered = new HashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT stage, count(*) FROM lead_stage_entry "
                     + "WHERE entered_at >= ? AND entered_at < ? GROUP BY stage")) {
            ps.setTimestamp(1, Timestamp.from(period.from()));
            ps.setTimestamp(2, Timestamp.from(period.to()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    entered.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        List<StageVolume> stages = FunnelDefinition.canonical().stages().stream().map(StageDefinition::key)
                .map(s -> new StageVolume(s, entered.getOrDefault(s, 0L))).toList();
        return new FunnelAnswer(period.from(), period.to(), stages);
    }
}
