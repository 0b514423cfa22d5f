package dev.l2r.lead.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.l2r.lead.identity.Link;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * The identity links each sender's published shapes carry, read without a database (the merges themselves are
 * {@code IdentityLinksTest}'s). HubSpot: {@code associationChange} events as deliveries carry them
 * ({@code subscriptionType}, {@code associationType}, {@code fromObjectId}, {@code toObjectId},
 * {@code associationRemoved}: the fields HubSpot's changelog "New subscription types for Webhooks" lists, in the
 * form of a captured {@code deal.associationChange} delivery), the documentation's {@code eventType} spelling, and
 * the generic {@code object.associationChange} with {@code fromObjectTypeId}/{@code toObjectTypeId}. Pipedrive: the
 * deal's {@code person_id} in the v2 guide's example and the v1 capture.
 */
class SenderLinksTest {

    static final long AT = 1_740_823_530_000L;

    static String association(String typeField, String type, String associationType, long from, long to,
                              boolean removed) {
        return """
                {"eventId":2073333923,"portalId":62515,"appId":1160452,"occurredAt":%d,"%s":"%s",
                 "attemptNumber":0,"changeSource":"USER","associationType":"%s","fromObjectId":%d,"toObjectId":%d,
                 "associationRemoved":%s,"isPrimaryAssociation":false,"sourceId":"userId:82088707"}"""
                .formatted(AT, typeField, type, associationType, from, to, removed);
    }

    @Test
    void aHubSpotContactAssociatedWithADealLinksTheirLeadsInEitherDirectionAndSpelling() {
        HubSpotWebhook hubspot = HubSpotPayloadsTest.parser(Map.of());
        String body = "[" + association("subscriptionType", "contact.associationChange", "CONTACT_TO_DEAL", 123, 456,
                false) + "," + association("subscriptionType", "deal.associationChange", "DEAL_TO_CONTACT", 456, 123,
                false) + "," + association("eventType", "contact.associationChange", "CONTACT_TO_DEAL", 124, 456,
                false) + "]";
        WebhookItems items = HubSpotPayloadsTest.read(hubspot, body);
        assertThat(items.refusals()).isEmpty();
        assertThat(items.changes()).isEmpty();
        assertThat(items.links()).extracting(Link::leadId, Link::linkedLeadId, Link::occurredAt, Link::source)
                .containsExactly(tuple("hubspot:123", "hubspot:deal:456", Instant.ofEpochMilli(AT), "hubspot"),
                        tuple("hubspot:123", "hubspot:deal:456", Instant.ofEpochMilli(AT), "hubspot"),
                        tuple("hubspot:124", "hubspot:deal:456", Instant.ofEpochMilli(AT), "hubspot"));
    }

    @Test
    void aRemovedAssociationIsNoSplitAndOtherObjectsAreNoLink() {
        HubSpotWebhook hubspot = HubSpotPayloadsTest.parser(Map.of());
        String body = "[" + association("subscriptionType", "contact.associationChange", "CONTACT_TO_DEAL", 123, 456,
                true) + "," + association("subscriptionType", "deal.associationChange", "DEAL_TO_LINE_ITEM",
                64058987777L, 58061514894L, false) + "," + association("subscriptionType",
                "contact.associationChange", "CONTACT_TO_COMPANY", 123, 9, false) + "]";
        WebhookItems items = HubSpotPayloadsTest.read(hubspot, body);
        assertThat(items.links()).isEmpty();
        assertThat(items.refusals()).isEmpty();
        assertThat(items.ignored()).isEqualTo(3);
    }

    @Test
    void theGenericObjectAssociationChangeNamesItsObjectsByTypeId() {
        HubSpotWebhook hubspot = HubSpotPayloadsTest.parser(Map.of());
        String generic = """
                [{"eventId":3,"subscriptionId":5,"portalId":62515,"appId":1160452,"occurredAt":%d,
                  "subscriptionType":"object.associationChange","attemptNumber":0,"changeSource":"CRM_UI",
                  "associationTypeId":3,"associationCategory":"HUBSPOT_DEFINED","fromObjectTypeId":"0-3",
                  "fromObjectId":777,"toObjectTypeId":"0-1","toObjectId":888,"associationRemoved":false,
                  "isPrimaryAssociation":false}]""".formatted(AT);
        assertThat(HubSpotPayloadsTest.read(hubspot, generic).links()).extracting(Link::leadId, Link::linkedLeadId)
                .containsExactly(tuple("hubspot:888", "hubspot:deal:777"));
        // a generic association without type ids or ids says nothing to link: ignored, or refused naming the id
        WebhookItems missing = HubSpotPayloadsTest.read(hubspot, generic.replace("\"toObjectId\":888,", ""));
        assertThat(missing.refusals()).extracting(WebhookItems.Refusal::field).containsExactly("[0].toObjectId");
    }

    @Test
    void aPipedriveDealsPersonLinksTheDealWithThePersonInV2AndV1() {
        PipedriveWebhookTest test = new PipedriveWebhookTest();
        // the v2 guide's "Create deal": deal 8 of person 8
        WebhookItems v2 = test.read(PipedriveWebhookTest.published("v2-create-deal.json"));
        assertThat(v2.links()).extracting(Link::leadId, Link::linkedLeadId, Link::source)
                .containsExactly(tuple("pipedrive:deal:8", "pipedrive:person:8", "pipedrive"));
        assertThat(v2.changes()).hasSize(1);
        // the v1 capture has no person (person_id null): no link; with one (a number, or v1's object form), a link
        ObjectNode v1 = PipedriveWebhookTest.v1Won();
        assertThat(test.read(v1).links()).isEmpty();
        ((ObjectNode) v1.get("current")).put("person_id", 12);
        assertThat(test.read(v1).links()).extracting(Link::linkedLeadId).containsExactly("pipedrive:person:12");
        ((ObjectNode) v1.get("current")).set("person_id", PipedriveWebhookTest.JSON.objectNode()
                .put("value", 13).put("name", "Jane Doe"));
        assertThat(test.read(v1).links()).extracting(Link::linkedLeadId).containsExactly("pipedrive:person:13");
        // a deleted deal links nothing
        assertThat(test.read(PipedriveWebhookTest.published("v2-delete-deal.json")).links()).isEmpty();
        // a person id that is no number is refused on its own; the deal's change is still taken
        ((ObjectNode) v1.get("current")).put("person_id", "x7");
        WebhookItems refused = test.read(v1);
        assertThat(refused.links()).isEmpty();
        assertThat(refused.refusals()).extracting(WebhookItems.Refusal::field).containsExactly("current.person_id");
        assertThat(refused.changes()).hasSize(1);
    }
}
