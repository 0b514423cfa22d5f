package dev.l2r.funnel.api;

import dev.l2r.platform.auth.Scope;
import dev.l2r.platform.consume.PersonalData;
import dev.l2r.platform.pipeline.PersonalDataResource;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** What funnel-service holds about one lead, for a subject-access request (docs/api.md). */
@Path("/api/admin/leads")
@RolesAllowed(Scope.ADMIN_ROLE)
@Tag(name = "admin")
public class LeadDataResource extends PersonalDataResource {

    private static final List<PersonalData.Held> HELD = List.of(
                PersonalData.Held.byLead("event_log", "occurred_at, event_id"),
                PersonalData.Held.byLead("lead_stage_entry", "entered_at, stage"),
                PersonalData.Held.byLead("lead_conversion", "entered_at, from_stage, to_stage"),
                PersonalData.Held.byLead("lead_current", "lead_id"),
                PersonalData.Held.aliases("lead_alias"),
                PersonalData.Held.deadLetters());

    @Override
    protected String service() {
        return "funnel-service";
    }

    @Override
    protected List<PersonalData.Held> held() {
        return HELD;
    }
}
