package dev.l2r.lead.privacy.api;

import dev.l2r.lead.privacy.Erasure;
import dev.l2r.lead.privacy.ErasureReport;
import dev.l2r.lead.privacy.PersonalData;
import dev.l2r.lead.intake.Reason;
import dev.l2r.lead.intake.RejectedInput;
import dev.l2r.lead.intake.StageChangeFactory;
import dev.l2r.lead.text.TextRules;
import dev.l2r.platform.auth.Scope;
import dev.l2r.platform.problem.Problem;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A person's data (docs/privacy.md): everything held about them in every service, and their erasure. Admin only;
 * the same path as the lead itself ({@code LeadResource}), with the same path parameter name, so that both route.
 */
@Path("/api/leads/{leadId}")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Scope.ADMIN_ROLE)
@Tag(name = "privacy")
public class PrivacyResource {

    static final String LEAD_ID = "hubspot:123";

    static final String ERASED = """
            {"leadId":"hubspot:123","erasedAt":"2026-12-07T09:30:00Z",
             "removed":{"parkedItems":0,"detailsChanges":1,"stageTransitions":3,"lead":1,"outboxDeadLetters":0,
                        "identities":1,"merges":0,"rawDeliveryBodies":3},
             "retryKeysKept":4,
             "consumers":"funnel-service and forecast-service drop their per-lead rows of the lead when they apply its LeadErased event, published after its other events: normally within seconds, at the latest once they have caught up with the topic; their aggregates stay as they are"}""";

    static final String DOCUMENT = """
            {"leadId":"hubspot:123","readAt":"2026-12-07T09:29:00Z","services":[
              {"service":"lead-service","leadId":"hubspot:123","holds":{
                "lead":[{"lead_id":"hubspot:123","current_stage":"MQL","current_since":"2025-03-01T10:15:30Z","first_seen_at":"2025-03-01T10:15:30Z","segment":"smb"}],
                "stage_transition":[{"event_id":"0b6f3c1e-6d0e-4a53-9a39-3f1c2a7d5e10","lead_id":"hubspot:123","to_stage":"MQL","occurred_at":"2025-03-01T10:15:30Z","source":"hubspot","source_event_id":"62515:contact:123:lifecyclestage:1740823530000","raw_stage":"marketingqualifiedlead","delivery_id":381}],
                "webhook_delivery":[{"id":381,"source":"hubspot","received_at":"2025-03-01T10:15:31Z","content_type":"application/json","body":"[{\\"eventId\\":1201,\\"objectId\\":123,\\"propertyName\\":\\"lifecyclestage\\",\\"propertyValue\\":\\"marketingqualifiedlead\\"}]"}]}},
              {"service":"funnel-service","leadId":"hubspot:123","holds":{"lead_current":[{"lead_id":"hubspot:123","stage":"MQL"}]}},
              {"service":"forecast-service","leadId":"hubspot:123","holds":{}}]}""";

    @Inject
    Erasure erasure;

    @Inject
    PersonalData personalData;

    @Inject
    SecurityIdentity caller;

    @DELETE
    @Operation(summary = "Erase a person: their lead's rows, raw deliveries, identities; the consumers follow",
            description = "In one transaction: deletes the lead, its transitions, details changes, parked items, "
                    + "outbox dead letters, identity and merge rows; removes the bodies of the webhook deliveries "
                    + "that fed it (a delivery that carried several people goes whole); keeps keyed hashes of its "
                    + "changes' source event ids so that a sender's retry is answered as a duplicate, not recorded "
                    + "as a new lead; publishes LeadErased, on which funnel-service and forecast-service cut their "
                    + "per-lead rows loose (aggregates unchanged); audits who and when, never the data.")
    @APIResponse(responseCode = "202", description = "erased in lead-service; the consumers follow",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ErasureReport.class),
                    examples = @ExampleObject(name = "erased", value = ERASED)))
    @APIResponse(responseCode = "404", description = "lead-service holds nothing under this id",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "L2R_IDENTITY_KEY is not set, or the database is unreachable",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response erase(@PathParam("leadId") @Parameter(description = "the lead's id", example = LEAD_ID)
                          String leadId) {
        check(leadId);
        ErasureReport report = erasure.erase(leadId, caller.getPrincipal().getName());
        return Response.accepted(report).build();
    }

    @GET
    @Path("/personal-data")
    @Operation(summary = "Everything held about a person, from every service, as one document",
            description = "lead-service's rows of the lead (with the raw deliveries that fed it, bodies included, "
                    + "and its identities as the keyed hashes held) and funnel-service's and forecast-service's "
                    + "answers, asked with the caller's own credential. A consumer that does not answer: 503.")
    @APIResponse(responseCode = "200", description = "the document",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "a HubSpot contact", value = DOCUMENT)))
    @APIResponse(responseCode = "404", description = "lead-service holds nothing under this id",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "a consumer did not answer (the problem names it)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Map<String, Object> personalData(@PathParam("leadId")
                                            @Parameter(description = "the lead's id", example = LEAD_ID) String leadId,
                                            @Context HttpHeaders headers) {
        check(leadId);
        Map<String, String> credential = new LinkedHashMap<>();
        for (String name : new String[]{"X-API-Key", "Authorization"}) {
            String value = headers.getHeaderString(name);
            if (value != null) {
                credential.put(name, value);
            }
        }
        return personalData.of(leadId, credential);
    }

    private static void check(String leadId) {
        String problem = TextRules.nameProblem(leadId, StageChangeFactory.MAX_TEXT);
        if (problem != null) {
            // no lead can have such an id, and PostgreSQL would refuse a NUL in the query
            throw RejectedInput.badRequest(Reason.MISSING_ID, "leadId", problem);
        }
    }
}
