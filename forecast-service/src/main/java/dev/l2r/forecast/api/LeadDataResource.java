package dev.l2r.forecast.api;

import dev.l2r.platform.auth.Scope;
import dev.l2r.platform.consume.PersonalData;
import dev.l2r.platform.pipeline.PersonalDataResource;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** What forecast-service holds about one lead, for a subject-access request (docs/api.md). */
@Path("/api/admin/leads")
@RolesAllowed(Scope.ADMIN_ROLE)
@Tag(name = "admin")
public class LeadDataResource extends PersonalDataResource {

    private static final List<PersonalData.Held> HELD = List.of(
                PersonalData.Held.byLead("event_log", "occurred_at, event_id"),
                PersonalData.Held.byLead("lead_state", "valid_from"),
                PersonalData.Held.byLead("stage_spell", "entered_at, stage"),
                PersonalData.Held.byLead("lead_close", "seq"),
                PersonalData.Held.byLead("lead_arrival", "lead_id"),
                PersonalData.Held.aliases("lead_alias"),
                PersonalData.Held.deadLetters());

    @Override
    protected String service() {
        return "forecast-service";
    }

    @Override
    protected List<PersonalData.Held> held() {
        return HELD;
    }
}
