package dev.l2r.lead.webhook;

import dev.l2r.events.LeadAttributes;
import dev.l2r.lead.funnel.SourceMapping;
import dev.l2r.lead.history.StageChange;
import dev.l2r.lead.identity.Link;
import dev.l2r.lead.intake.IntakeReport;
import dev.l2r.lead.intake.Reason;
import dev.l2r.lead.intake.RejectedInput;
import dev.l2r.lead.intake.Rejection;
import dev.l2r.lead.intake.StageChangeFactory;
import dev.l2r.platform.problem.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/**
 * Salesforce Outbound Messages ({@link SalesforceMessage}) of Leads and Opportunities: a Lead's {@code Status} and
 * an Opportunity's {@code StageName} through the mappings, at the record's {@code LastModifiedDate} (or
 * {@code SystemModstamp}); an Opportunity's {@code Amount} in its {@code CurrencyIsoCode} (or
 * {@code l2r.webhooks.salesforce.currency}), {@code OwnerId} as owner, {@code LeadSource} as channel. Lead id
 * {@code salesforce:<18-character record id>}. Other sObjects are ignored.
 *
 * <p>Salesforce signs nothing: a message is authentic when its {@code OrganizationId} is the configured
 * {@code l2r.webhooks.salesforce.organization-id}, which Salesforce's own guidance asks listeners to check (with
 * its client certificate and IP ranges, which are the ingress's to check). Salesforce retries a message until it is
 * acknowledged: it is acknowledged ({@link #ACK}) once each notification is recorded, a duplicate, ignored or
 * parked; one refused is answered 400 so that Salesforce keeps it queued and retries it with the record's values
 * then (those recorded meanwhile come back as duplicates).
 */
@ApplicationScoped
public class SalesforceWebhook implements WebhookSource {

    /** The {@code notificationsResponse} Salesforce takes as delivered. */
    public static final String ACK = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            + "<soapenv:Envelope xmlns:soapenv=\"" + SalesforceMessage.SOAP + "\"><soapenv:Body>"
            + "<notificationsResponse xmlns=\"" + SalesforceMessage.OUTBOUND + "\"><Ack>true</Ack>"
            + "</notificationsResponse></soapenv:Body></soapenv:Envelope>";

    /** The field each sObject type's stage is read from (the names of the default mappings). */
    static final Map<String, String> STAGE_FIELDS = Map.of("Lead", "Status", "Opportunity", "StageName");

    @Inject
    WebhookSupport support;

    @Override
    public String name() {
        return "salesforce";
    }

    @Override
    public void authenticate(WebhookRequest request) {
        String expected = support.setting(name(), "organization-id").orElseThrow(() -> RejectedInput.unauthorized(
                Reason.NOT_CONFIGURED, "no organization id is configured for webhook source 'salesforce' "
                        + "(l2r.webhooks.salesforce.organization-id); its requests are refused"));
        if (!SalesforceIds.valid(expected)) {
            throw RejectedInput.unauthorized(Reason.NOT_CONFIGURED, "l2r.webhooks.salesforce.organization-id is not "
                    + "a 15- or 18-character Salesforce id; requests are refused");
        }
        // the id is inside the message: a body that is no outbound message is refused here, before anything else
        if (!SalesforceIds.same(expected, SalesforceMessage.parse(request.body()).organizationId())) {
            throw WebhookSupport.badSignature("OrganizationId is missing or not the configured organization's");
        }
    }

    @Override
    public void read(WebhookRequest request, WebhookItems items) {
        SalesforceMessage message = SalesforceMessage.parse(request.body());
        if (message.notifications().isEmpty()) {
            throw RejectedInput.badRequest(Reason.MALFORMED, "Notification", "is required (1 to 100 of them)");
        }
        for (SalesforceMessage.Notification n : message.notifications()) {
            try {
                read(n, items);
            } catch (RejectedInput e) {
                items.refuse(e);
            }
        }
    }

    private void read(SalesforceMessage.Notification n, WebhookItems items) {
        String stageField = n.type() == null ? null : STAGE_FIELDS.get(n.type());
        if (stageField == null) {
            items.ignore(); // a Contact, an Account, a custom object: no stage of the funnel
            return;
        }
        String path = n.path() + ".sObject";
        String notificationId = field(n.id(), n.path() + ".Id");
        String recordId = field(n.field("Id"), path + ".Id");
        if (notificationId == null || recordId == null) {
            throw RejectedInput.badRequest(Reason.MISSING_ID, notificationId == null ? n.path() + ".Id" : path + ".Id",
                    "is required");
        }
        if (!SalesforceIds.valid(recordId)) {
            throw RejectedInput.badRequest(Reason.INVALID, path + ".Id", "must be a 15- or 18-character Salesforce id");
        }
        recordId = SalesforceIds.to18(recordId);
        String value = field(n.field(stageField), path + "." + stageField);
        if (value == null) {
            throw RejectedInput.badRequest(Reason.INVALID, path + "." + stageField,
                    "is required: add it to the outbound message's fields");
        }
        Instant at = time(n, path);

        WebhookSupport.Money money = null;
        if (n.type().equals("Opportunity")) {
            BigDecimal amount = amount(n.field("Amount"), path + ".Amount");
            String currency = field(n.field("CurrencyIsoCode"), path + ".CurrencyIsoCode");
            money = support.money(amount, path + ".Amount",
                    currency != null ? currency : support.setting(name(), "currency").orElse(null),
                    path + ".CurrencyIsoCode");
        }
        LeadAttributes attributes = new LeadAttributes(field(n.field("LeadSource"), path + ".LeadSource"), null,
                field(n.field("OwnerId"), path + ".OwnerId"), null);
        String leadId = support.leadId(name(), recordId, path + ".Id");
        String sourceEventId = sourceEventId(notificationId, recordId, value);
        if (n.type().equals("Lead")) {
            converted(n, path, leadId, at, sourceEventId, items);
        }
        BigDecimal amount = money == null ? null : money.amount();
        String currency = money == null ? null : money.currency();

        var mapping = support.mapping(name(), stageField, value);
        if (mapping.isEmpty()) {
            items.park(StageChangeFactory.check(new StageChange(StageChangeFactory.requireLeadId(leadId), null, value,
                    at, name(), sourceEventId, amount, currency, attributes)), stageField, value, path + "." + stageField);
            return;
        }
        SourceMapping mapped = mapping.get();
        if (mapped.stage() == null) {
            items.ignore();
            return;
        }
        items.change(support.change(name(), leadId, mapped, value, at, sourceEventId, amount, currency, attributes));
        if (n.type().equals("Opportunity") && (amount != null || attributes.owner() != null)) {
            // a notification says how the record stands, not what changed: its Amount and owner go as a details
            // change too, which lead-service records only when they differ from what the lead has (an Amount
            // changed while the stage did not); a retry keeps the notification id, so it is a duplicate
            items.change(StageChangeFactory.check(StageChange.details(leadId, at, name(),
                    sourceEventId(notificationId, recordId, "details:" + amount + " " + currency + ":"
                            + attributes.owner()), amount, currency, new LeadAttributes(null, null, attributes.owner(),
                            null))));
        }
    }

    /**
     * A converted Lead's {@code ConvertedOpportunityId} (when the outbound message sends it): the Lead and the
     * Opportunity it became are one lead, so the Opportunity's stages continue the Lead's history.
     */
    private void converted(SalesforceMessage.Notification n, String path, String leadId, Instant at,
                           String sourceEventId, WebhookItems items) {
        String opportunity = field(n.field("ConvertedOpportunityId"), path + ".ConvertedOpportunityId");
        if (opportunity == null || opportunity.isBlank()) {
            return;
        }
        if (!SalesforceIds.valid(opportunity.strip())) {
            items.refuse(Reason.INVALID, path + ".ConvertedOpportunityId", "must be a 15- or 18-character Salesforce id");
            return;
        }
        String opportunityId = support.leadId(name(), SalesforceIds.to18(opportunity.strip()),
                path + ".ConvertedOpportunityId");
        items.link(new Link(leadId, opportunityId, at, name(), sourceEventId, "salesforce.conversion"));
    }

    /** When the record changed: its {@code LastModifiedDate}, or its {@code SystemModstamp} when only that is sent. */
    private Instant time(SalesforceMessage.Notification n, String path) {
        for (String name : new String[] {"LastModifiedDate", "SystemModstamp"}) {
            String value = field(n.field(name), path + "." + name);
            if (value != null) {
                return support.time(path + "." + name, value);
            }
        }
        throw RejectedInput.badRequest(Reason.INVALID_TIME, path + ".LastModifiedDate",
                "is required (or SystemModstamp): add it to the outbound message's fields");
    }

    /** An {@code xsd:double} as Salesforce writes it ({@code 25000.0}, {@code 1.5E7}); null when absent. */
    private static BigDecimal amount(String value, String path) {
        if (value == null) {
            return null;
        }
        if (value.length() > WebhookFields.MAX_LENGTH
                || !value.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d{1,3})?")) {
            throw RejectedInput.badRequest(Reason.INVALID, path, "must be a number");
        }
        BigDecimal amount = new BigDecimal(value);
        return amount.scale() < 0 ? amount.setScale(0) : amount;
    }

    private static String field(String value, String path) {
        return value == null ? null : WebhookFields.checked(value, path);
    }

    /**
     * A notification keeps its id on every retry, but a retry carries the record's values at that time: the id,
     * the record and the stage value together are one observation. A long value is hashed to stay within the
     * 200 characters of a source event id.
     */
    static String sourceEventId(String notificationId, String recordId, String value) {
        String id = notificationId + ":" + recordId + ":" + value;
        return id.length() <= WebhookFields.MAX_LENGTH ? id : notificationId + ":" + recordId + ":sha256:"
                + Signatures.hex(Signatures.sha256(Signatures.utf8(value)));
    }

    /** The Ack once every notification is taken; a refused one is not acknowledged, so Salesforce retries. */
    @Override
    public Response answer(IntakeReport report) {
        if (report.rejectedCount() > 0) {
            throw new RejectedInput(Reason.INVALID, report.rejected().stream()
                    .map(SalesforceWebhook::fieldError).toList());
        }
        return Response.ok(ACK, MediaType.TEXT_XML_TYPE.withCharset("UTF-8")).build();
    }

    private static Problem.FieldError fieldError(Rejection r) {
        return new Problem.FieldError(r.field(), r.error());
    }
}
