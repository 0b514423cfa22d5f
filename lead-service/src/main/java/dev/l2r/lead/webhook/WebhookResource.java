package dev.l2r.lead.webhook;

import dev.l2r.lead.history.StageChange;
import dev.l2r.lead.identity.IdentityRegistry;
import dev.l2r.lead.identity.Links;
import dev.l2r.lead.intake.BodyLimits;
import dev.l2r.lead.intake.Intake;
import dev.l2r.lead.intake.IntakeReport;
import dev.l2r.lead.intake.IntakeRun;
import dev.l2r.lead.intake.RejectedInput;
import dev.l2r.lead.intake.Reason;
import dev.l2r.lead.intake.Rejection;
import dev.l2r.lead.intake.StageChangeFactory;
import dev.l2r.lead.text.TextRules;
import dev.l2r.lead.privacy.ErasedDeliveries;
import dev.l2r.platform.problem.Problem;
import dev.l2r.platform.problem.ProblemException;
import dev.l2r.platform.problem.ProblemMappers;
import jakarta.annotation.security.PermitAll;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code POST /api/webhooks/{source}}: verifies the sender against the raw body, reads its payload, stores the
 * delivery and records its stage changes, then answers 200. An item whose value no mapping knows is parked (stored
 * to be recorded once a mapping does), never refused: the sender cannot fix it by sending again. A delivery whose
 * every item is refused is a 400 problem and changes nothing; one with some good items records those and lists the
 * others.
 */
@Path("/api/webhooks/{source}")
// authenticated by each sender's own signature scheme, not by a key
@PermitAll
@Tag(name = "webhooks")
public class WebhookResource {

    @Inject
    Instance<WebhookSource> sources;

    @Inject
    BodyLimits limits;

    @Inject
    WebhookDeliveries deliveries;

    @Inject
    Intake intake;

    @Inject
    ParkedRecording parkedRecording;

    @Inject
    Links links;

    @Inject
    ErasedDeliveries erased;

    @Inject
    IdentityRegistry identities;

    Clock clock = Clock.systemUTC();

    /** Longest place of a parked value in its payload. */
    static final int MAX_PATH = 1000;

    private static final String HUBSPOT_EXAMPLE = "[{\"eventId\":1201,\"subscriptionId\":4101,\"portalId\":62515,"
            + "\"occurredAt\":1740823530000,\"subscriptionType\":\"contact.propertyChange\",\"attemptNumber\":0,"
            + "\"objectId\":123,\"propertyName\":\"lifecyclestage\",\"propertyValue\":\"marketingqualifiedlead\"}]";
    private static final String REPORT_EXAMPLE = "{\"accepted\":1,\"recorded\":1,\"unchanged\":0,\"duplicates\":0,"
            + "\"rejectedCount\":0,\"rejected\":[],\"deliveryId\":381,\"ignored\":0,\"parked\":0,\"linked\":0}";
    private static final String SALESFORCE_EXAMPLE = "<soapenv:Envelope xmlns:soapenv=\"" + SalesforceMessage.SOAP
            + "\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body><notifications xmlns=\""
            + SalesforceMessage.OUTBOUND + "\"><OrganizationId>00D5e000000bKzPEAU</OrganizationId>"
            + "<ActionId>04k5e000000TQ6XAAW</ActionId><SessionId xsi:nil=\"true\"/>"
            + "<EnterpriseUrl>https://example.my.salesforce.com/services/Soap/c/61.0/00D5e000000bKzP</EnterpriseUrl>"
            + "<PartnerUrl>https://example.my.salesforce.com/services/Soap/u/61.0/00D5e000000bKzP</PartnerUrl>"
            + "<Notification><Id>04l5e00000MXb0vAAD</Id><sObject xsi:type=\"sf:Opportunity\" xmlns:sf=\""
            + SalesforceMessage.SOBJECT + "\"><sf:Id>0065e00000Gv7RPAAZ</sf:Id><sf:StageName>Closed Won</sf:StageName>"
            + "<sf:Amount>25000.0</sf:Amount><sf:LastModifiedDate>2025-03-01T10:15:30.000Z</sf:LastModifiedDate>"
            + "</sObject></Notification></notifications></soapenv:Body></soapenv:Envelope>";

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_XML})
    @Operation(summary = "Receive a webhook from hubspot, mautic, segment, pipedrive, salesforce or generic",
            description = "Each source is verified the way it signs (see docs/webhooks.md). The answer counts the stage "
                    + "changes recorded, unchanged, duplicate (a retry), ignored (not about the funnel), parked (a value no "
                    + "mapping knows yet: recorded once one does) and refused; salesforce (an Outbound Message, text/xml) "
                    + "is answered with its notificationsResponse Ack.")
    @APIResponse(responseCode = "200", description = "stored and recorded (or parked)",
            content = {@Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = IntakeReport.class),
                    examples = @ExampleObject(name = "one change recorded", value = REPORT_EXAMPLE)),
                    @Content(mediaType = MediaType.TEXT_XML, examples = @ExampleObject(name = "Salesforce Ack",
                            value = SalesforceWebhook.ACK))})
    @APIResponse(responseCode = "401", description = "bad or missing signature, stale timestamp, or no secret configured",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "400", description = "unreadable payload, or every item refused (an item whose value "
            + "is not mapped is parked, never refused)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = ProblemMappers.UNAVAILABLE_DESCRIPTION,
            headers = @Header(name = ProblemMappers.RETRY_AFTER, description = "whole seconds to wait before retrying",
                    schema = @Schema(type = SchemaType.INTEGER)),
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response receive(@Parameter(example = "hubspot") @PathParam("source") String source,
                                @Context HttpHeaders headers, @Context UriInfo uri,
                                @RequestBody(content = {@Content(mediaType = MediaType.APPLICATION_JSON,
                                        examples = @ExampleObject(name = "HubSpot lifecycle stage change",
                                                value = HUBSPOT_EXAMPLE)),
                                        @Content(mediaType = MediaType.TEXT_XML,
                                                examples = @ExampleObject(name = "Salesforce Outbound Message",
                                                        value = SALESFORCE_EXAMPLE))})
                                InputStream body) throws IOException {
        WebhookSource sender = sources.stream().filter(s -> s.name().equals(source)).findFirst()
                .orElseThrow(() -> ProblemException.notFound("no webhook source '" + source
                        + "'; the sources are hubspot, mautic, segment, pipedrive, salesforce and generic"));
        Map<String, String> flat = new HashMap<>();
        headers.getRequestHeaders().forEach((name, values) -> flat.put(name, values.isEmpty() ? null : values.get(0)));
        WebhookRequest request = new WebhookRequest(source, "POST", uri.getRequestUri().toString(), flat,
                limits.readAll(body), clock.instant());

        sender.authenticate(request);
        // read first without recording the identities seen for the first time: a retry of an erased person's
        // delivery must not take their keyed hash back into the registry (docs/privacy.md)
        IdentityRegistry.Unclaimed<WebhookItems> unclaimed = identities.withoutClaiming(() -> read(sender, request));
        WebhookItems items = unclaimed.value();
        List<WebhookItems.Parked> parked = parkable(items);
        if (items.changes().isEmpty() && parked.isEmpty() && items.links().isEmpty() && !items.refusals().isEmpty()
                && items.ignored() == 0) {
            throw new RejectedInput(items.refusals().get(0).reason(), items.refusals().stream()
                    .map(r -> new Problem.FieldError(r.field(), r.error())).toList());
        }
        Long erasedDelivery = erased.erasedBody(source, Signatures.sha256(request.body()));
        if (erasedDelivery != null || erased.allRepeats(Stream.concat(items.changes().stream(), parked.stream().map(WebhookItems.Parked::change)).toList())) {
            // a retry of an erased person's delivery (docs/privacy.md): duplicates, and the body is not stored again
            long repeated = items.changes().size() + parked.size();
            intake.repeatsOfErased(source, repeated);
            return sender.answer(new IntakeReport(0, 0, 0, repeated, 0, List.of(), erasedDelivery, items.ignored(), 0, 0));
        }
        if (unclaimed.withheld()) {
            // a delivery to record after all: read again, its new identities given the pseudonyms they keep
            items = read(sender, request);
            parked = parkable(items);
        }
        IntakeRun run = intake.run(source);
        Long delivery = null;
        if (!items.changes().isEmpty() || !parked.isEmpty()) {
            delivery = deliveries.store(request);
            run.fromDelivery(delivery);
        }
        // parked items are written in the transaction of the delivery's (last chunk of) changes
        ParkedItems.Batch parking = parked.isEmpty() ? null : new ParkedItems.Batch(parked, delivery, clock.instant());
        run.alongside(parking);
        // a refused item is named by its place in the payload (its field path)
        for (WebhookItems.Refusal r : items.refusals()) {
            run.reject(new Rejection.Position(null, null), r.field(), r.error(), r.reason());
        }
        for (StageChange change : items.changes()) {
            run.accept(change);
        }
        IntakeReport report = run.finish().withIgnored(items.ignored());
        // links after the changes, so that a link and the first events of its ids in one delivery find their leads
        report = report.withLinked(items.links().isEmpty() ? 0 : links.linkAll(items.links()));
        if (parking == null) {
            return sender.answer(report.withParked(0, 0));
        }
        parkedRecording.parked(source, parking, parked);
        return sender.answer(report.withParked(parking.parked(), parking.duplicates()));
    }

    private static WebhookItems read(WebhookSource sender, WebhookRequest request) {
        WebhookItems items = new WebhookItems();
        sender.read(request, items);
        return items;
    }

    /**
     * The parked items that can be stored: checked as a change is (ids, texts, money), the value and its place as
     * names; one that fails is refused on its own, as a bad change would be. The CRM import parks the same way.
     */
    public static List<WebhookItems.Parked> parkable(WebhookItems items) {
        List<WebhookItems.Parked> parkable = new ArrayList<>();
        for (WebhookItems.Parked p : items.parked()) {
            try {
                StageChangeFactory.check(p.change());
            } catch (RejectedInput e) {
                items.refuse(e.reason(), p.path(), e.error());
                continue;
            }
            String problem = TextRules.nameProblem(p.value(), StageChangeFactory.MAX_TEXT);
            if (problem == null && (p.value() == null || p.value().isBlank())) {
                problem = "is required";
            }
            if (problem != null || TextRules.nameProblem(p.path(), MAX_PATH) != null
                    || TextRules.nameProblem(p.mappedField(), StageChangeFactory.MAX_TEXT) != null) {
                items.refuse(Reason.INVALID, p.path(), problem != null ? problem : "cannot be stored");
                continue;
            }
            parkable.add(p);
        }
        return parkable;
    }
}
