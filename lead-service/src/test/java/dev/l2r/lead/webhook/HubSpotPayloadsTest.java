package dev.l2r.lead.webhook;

import dev.l2r.events.LeadAttributes;
import dev.l2r.lead.history.StageChange;
import dev.l2r.lead.intake.Reason;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HubSpot's parser on payloads in the forms HubSpot publishes: the Webhooks API documentation's "Example payload"
 * (spelling the type {@code eventType}), deliveries captured by public integrations (legacy
 * {@code deal.propertyChange}/{@code deal.deletion}, generic {@code object.propertyChange} with
 * {@code objectTypeId}), and a custom pipeline's stage id as the Django HubSpot library's test event carries it.
 */
class HubSpotPayloadsTest {

    static final Instant NOW = Instant.parse("2026-07-01T00:00:00Z");

    static HubSpotWebhook parser(Map<String, String> settings) {
        WebhookSupport support = WebhookParsersPropertyTest.support();
        WebhookParsersPropertyTest.set(support.changes, "clock", Clock.fixed(NOW, ZoneOffset.UTC));
        SmallRyeConfigBuilder config = new SmallRyeConfigBuilder();
        settings.forEach(config::withDefaultValue);
        support.config = config.build();
        HubSpotWebhook hubspot = new HubSpotWebhook();
        hubspot.support = support;
        return hubspot;
    }

    static WebhookItems read(HubSpotWebhook parser, String body) {
        WebhookItems items = new WebhookItems();
        parser.read(new WebhookRequest("hubspot", "POST", "https://l2r.example.com/api/webhooks/hubspot",
                Map.of("Content-Type", "application/json"), body.getBytes(StandardCharsets.UTF_8), NOW), items);
        return items;
    }

    @Test
    void theDocumentationsExamplePayloadSpellsTheTypeEventTypeAndIsAStageChange() {
        // developers.hubspot.com, Webhooks API guide, "Example payload" (a contact's lifecyclestage to subscriber)
        String published = """
                [{"objectId":1246965,"propertyName":"lifecyclestage","propertyValue":"subscriber",
                  "changeSource":"ACADEMY","eventId":3816279340,"subscriptionId":25,"portalId":33,"appId":1160452,
                  "occurredAt":1462216307945,"eventType":"contact.propertyChange","attemptNumber":0}]""";
        WebhookItems items = read(parser(Map.of()), published);
        assertThat(items.ignored()).isZero();
        assertThat(items.changes()).singleElement().satisfies(c -> {
            assertThat(c.leadId()).isEqualTo("hubspot:1246965");
            assertThat(c.stage()).isEqualTo("KNOWN");
            assertThat(c.rawStage()).isEqualTo("subscriber");
            assertThat(c.occurredAt()).isEqualTo(Instant.ofEpochMilli(1462216307945L));
            assertThat(c.sourceEventId()).isEqualTo("33:contact:1246965:lifecyclestage:1462216307945:subscriber");
        });
    }

    @Test
    void aCustomPipelinesStageIdIsParkedNotRefused() {
        // the Django HubSpot library's test event ("the content of a subscription from hubspot"): a deal moved to a
        // stage of a custom pipeline, whose id no mapping knows
        String published = """
                [{"objectId":697680835,"propertyName":"dealstage","propertyValue":"1f4f1ec1-8174-49f3-a112-4eaa4748e38e",
                  "changeSource":"CRM_UI","eventId":802835955,"subscriptionId":92894,"portalId":5799819,"appId":186886,
                  "occurredAt":1556094637139,"subscriptionType":"deal.propertyChange","attemptNumber":0}]""";
        WebhookItems items = read(parser(Map.of()), published);
        assertThat(items.changes()).isEmpty();
        assertThat(items.refusals()).isEmpty();
        assertThat(items.parked()).singleElement().satisfies(p -> {
            assertThat(p.mappedField()).isEqualTo("dealstage");
            assertThat(p.value()).isEqualTo("1f4f1ec1-8174-49f3-a112-4eaa4748e38e");
            assertThat(p.path()).isEqualTo("[0].propertyValue");
            assertThat(p.change().stage()).isNull();
            assertThat(p.change().leadId()).isEqualTo("hubspot:deal:697680835");
            assertThat(p.change().rawStage()).isEqualTo("1f4f1ec1-8174-49f3-a112-4eaa4748e38e");
            assertThat(p.change().occurredAt()).isEqualTo(Instant.ofEpochMilli(1556094637139L));
            assertThat(p.change().sourceEventId())
                    .isEqualTo("5799819:deal:697680835:dealstage:1556094637139:1f4f1ec1-8174-49f3-a112-4eaa4748e38e");
        });
    }

    /** A deal's stage, amount and owner in one delivery, as a public integration's captured deliveries show them. */
    static final String DEAL_DELIVERY = """
            [{"attemptNumber":0,"sourceId":"39522895","eventId":1839643432,"changeSource":"INTEGRATION",
              "occurredAt":1782371972793,"subscriptionType":"deal.propertyChange","propertyName":"dealstage",
              "portalId":48975575,"appId":39522895,"propertyValue":"closedwon","subscriptionId":6527619,
              "objectId":332507367156},
             {"attemptNumber":0,"sourceId":"39522895","eventId":2995724042,"changeSource":"INTEGRATION",
              "occurredAt":1782371972438,"subscriptionType":"deal.propertyChange","propertyName":"amount",
              "portalId":48975575,"appId":39522895,"propertyValue":"2000","subscriptionId":6547123,
              "objectId":332507367156},
             {"attemptNumber":0,"sourceId":"39522895","eventId":2995724043,"changeSource":"INTEGRATION",
              "occurredAt":1782371972440,"subscriptionType":"deal.propertyChange","propertyName":"hubspot_owner_id",
              "portalId":48975575,"appId":39522895,"propertyValue":"75514748","subscriptionId":6547124,
              "objectId":332507367156},
             {"attemptNumber":0,"sourceId":"39522895","eventId":2995724044,"changeSource":"INTEGRATION",
              "occurredAt":1782371972441,"subscriptionType":"deal.propertyChange","propertyName":"pipeline",
              "portalId":48975575,"appId":39522895,"propertyValue":"default","subscriptionId":6547125,
              "objectId":332507367156}]""";

    @Test
    void aDealsAmountAndOwnerTravelWithItsStageChangeInThePortalsCurrency() {
        WebhookItems items = read(parser(Map.of("l2r.webhooks.hubspot.currency", "USD")), DEAL_DELIVERY);
        assertThat(items.refusals()).isEmpty();
        assertThat(items.ignored()).as("amount, owner (carried by the stage change) and pipeline").isEqualTo(3);
        assertThat(items.changes()).singleElement().satisfies(c -> {
            assertThat(c.leadId()).isEqualTo("hubspot:deal:332507367156");
            assertThat(c.stage()).isEqualTo("CLOSED_WON");
            assertThat(c.amount()).isEqualByComparingTo("2000");
            assertThat(c.currency()).isEqualTo("USD");
            assertThat(c.attributes()).isEqualTo(new LeadAttributes(null, null, "75514748", null));
        });
    }

    @Test
    void aDealCurrencyCodeInTheDeliveryWinsOverThePortalsAndWithoutEitherTheAmountIsDropped() {
        String withCode = DEAL_DELIVERY.substring(0, DEAL_DELIVERY.length() - 1) + """
                ,{"eventId":5,"occurredAt":1782371972439,"subscriptionType":"deal.propertyChange",
                  "propertyName":"deal_currency_code","portalId":48975575,"propertyValue":"EUR","objectId":332507367156}]""";
        StageChange priced = read(parser(Map.of("l2r.webhooks.hubspot.currency", "USD")), withCode).changes().get(0);
        assertThat(priced.currency()).isEqualTo("EUR");
        assertThat(priced.amount()).isEqualByComparingTo("2000");

        // no currency known: the amount is no money (WebhookSupport.money), the owner still travels
        StageChange unpriced = read(parser(Map.of()), DEAL_DELIVERY).changes().get(0);
        assertThat(unpriced.amount()).isNull();
        assertThat(unpriced.currency()).isNull();
        assertThat(unpriced.attributes().owner()).isEqualTo("75514748");
    }

    @Test
    void aBadAmountIsRefusedByItsOwnItemAndTheStageChangeStands() {
        String bad = DEAL_DELIVERY.replace("\"propertyValue\":\"2000\"", "\"propertyValue\":\"12.345678\"");
        WebhookItems items = read(parser(Map.of("l2r.webhooks.hubspot.currency", "USD")), bad);
        assertThat(items.refusals()).singleElement().satisfies(r -> {
            assertThat(r.field()).isEqualTo("[1].propertyValue");
            assertThat(r.reason()).isEqualTo(Reason.INVALID);
        });
        assertThat(items.changes()).singleElement().satisfies(c -> {
            assertThat(c.stage()).isEqualTo("CLOSED_WON");
            assertThat(c.amount()).isNull();
        });
        assertThat(items.ignored()).as("owner and pipeline").isEqualTo(2);
    }

    @Test
    void theLatestAmountOfTheDeliveryWinsWhateverOrderTheEventsCameIn() {
        String twice = """
                [{"eventId":1,"occurredAt":1782371972000,"subscriptionType":"deal.propertyChange","propertyName":"amount",
                  "portalId":1,"propertyValue":"900.5","objectId":7},
                 {"eventId":2,"occurredAt":1782371972900,"subscriptionType":"deal.propertyChange","propertyName":"dealstage",
                  "portalId":1,"propertyValue":"contractsent","objectId":7},
                 {"eventId":3,"occurredAt":1782371971000,"subscriptionType":"deal.propertyChange","propertyName":"amount",
                  "portalId":1,"propertyValue":"100","objectId":7}]""";
        StageChange c = read(parser(Map.of("l2r.webhooks.hubspot.currency", "EUR")), twice).changes().get(0);
        assertThat(c.amount()).isEqualByComparingTo("900.5");
        assertThat(c.stage()).isEqualTo("OPPORTUNITY");
    }

    @Test
    void theGenericFormLandsContactsAndDealsUnderTheirLegacyLeadIdsAndNeverMergesThem() {
        // captured generic (object.*) deliveries of HubSpot's projects platform, as public integrations test them:
        // objectTypeId 0-1 contact, 0-3 deal, 2-... a custom object; same objectId for the contact and the deal
        String generic = """
                [{"eventId":1765889350,"subscriptionId":7662269,"portalId":247279312,"appId":51879189,
                  "occurredAt":1751276050977,"subscriptionType":"object.propertyChange","attemptNumber":0,
                  "objectId":546500061938,"objectTypeId":"0-1","propertyName":"lifecyclestage",
                  "propertyValue":"marketingqualifiedlead","changeSource":"CRM_UI","sourceId":"userId:98499705",
                  "isSensitive":false},
                 {"eventId":1765889351,"subscriptionId":7662270,"portalId":247279312,"appId":51879189,
                  "occurredAt":1751276050977,"subscriptionType":"object.propertyChange","attemptNumber":0,
                  "objectId":546500061938,"objectTypeId":"0-3","propertyName":"dealstage",
                  "propertyValue":"qualifiedtobuy","changeSource":"CRM_UI","sourceId":"userId:98499705",
                  "isSensitive":false},
                 {"eventId":2326225553,"subscriptionId":3849713,"portalId":145883449,"appId":14947547,
                  "occurredAt":1751276050977,"subscriptionType":"object.propertyChange","attemptNumber":0,
                  "objectId":180584432881,"objectTypeId":"2-143967026","propertyName":"dealstage",
                  "propertyValue":"closedwon","changeSource":"CRM_UI","sourceId":"userId:75514748",
                  "isSensitive":false},
                 {"eventId":9,"portalId":247279312,"occurredAt":1751276050977,"subscriptionType":"object.creation",
                  "objectId":546500061939,"objectTypeId":"0-3","changeFlag":"CREATED"}]""";
        WebhookItems items = read(parser(Map.of()), generic);
        assertThat(items.ignored()).as("the custom object and the creation").isEqualTo(2);
        assertThat(items.changes()).extracting(StageChange::leadId, StageChange::stage).containsExactly(
                org.assertj.core.groups.Tuple.tuple("hubspot:546500061938", "MQL"),
                org.assertj.core.groups.Tuple.tuple("hubspot:deal:546500061938", "SQL"));
        // the same change in the legacy form is the same delivery id: subscribing to both records it once
        String legacy = generic.replace("\"object.propertyChange\"", "\"contact.propertyChange\"");
        assertThat(read(parser(Map.of()), legacy).changes().get(0).sourceEventId())
                .isEqualTo(items.changes().get(0).sourceEventId());
    }

    @Test
    void aDeletedDealIsLostWithRawStageDeletedAndADeletedContactIsIgnored() {
        // deal.deletion and contact.deletion as a public integration's captured deliveries show them, and the
        // generic object.deletion of a deal
        String published = """
                [{"attemptNumber":0,"sourceId":"39522895","eventId":3838838948,"changeSource":"INTEGRATION",
                  "occurredAt":1782371973155,"subscriptionType":"deal.deletion","portalId":48975575,"appId":39522895,
                  "changeFlag":"DELETED","subscriptionId":6547119,"objectId":332507367156},
                 {"attemptNumber":0,"sourceId":"39522895","eventId":1641846346,"changeSource":"INTEGRATION",
                  "occurredAt":1782371970538,"subscriptionType":"contact.deletion","portalId":48975575,"appId":39522895,
                  "changeFlag":"DELETED","subscriptionId":6547065,"objectId":508369434347},
                 {"eventId":7,"occurredAt":1782371973200,"subscriptionType":"object.deletion","objectTypeId":"0-3",
                  "portalId":48975575,"changeFlag":"DELETED","objectId":99}]""";
        WebhookItems items = read(parser(Map.of()), published);
        assertThat(items.ignored()).isEqualTo(1);
        assertThat(items.changes()).extracting(StageChange::leadId, StageChange::stage, StageChange::rawStage)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("hubspot:deal:332507367156", "CLOSED_LOST", "deleted"),
                        org.assertj.core.groups.Tuple.tuple("hubspot:deal:99", "CLOSED_LOST", "deleted"));
        assertThat(items.changes().get(0).sourceEventId()).isEqualTo("48975575:deal:332507367156:deletion:1782371973155");
        assertThat(items.changes()).allSatisfy(c -> assertThat(c.mode())
                .as("a closed deal keeps its outcome").isEqualTo(StageChange.Mode.IF_NOT_REACHED));
    }

    @Test
    void aContactToDealAssociationIsALinkAndOtherEventsAreCountedIgnored() {
        // the association change fields the changelog "New subscription types for webhooks" added
        String published = """
                [{"eventId":44445555666,"subscriptionId":75,"portalId":33,"appId":1160452,"occurredAt":1715100000000,
                  "subscriptionType":"contact.associationChange","attemptNumber":0,"changeSource":"API",
                  "associationType":"CONTACT_TO_DEAL","fromObjectId":1246965,"toObjectId":7654321,
                  "associationRemoved":false,"isPrimaryAssociation":false},
                 {"eventId":2,"portalId":33,"occurredAt":1715100000000,"subscriptionType":"deal.restore","objectId":5},
                 {"eventId":3,"portalId":33,"occurredAt":1715100000000,"subscriptionType":"company.propertyChange",
                  "propertyName":"lifecyclestage","propertyValue":"customer","objectId":5},
                 {"eventId":4,"portalId":33,"occurredAt":1715100000000,"eventType":"contact.propertyChange",
                  "propertyName":"lifecyclestage","propertyValue":"other","objectId":5}]""";
        WebhookItems items = read(parser(Map.of()), published);
        assertThat(items.ignored()).isEqualTo(3);
        assertThat(items.changes()).isEmpty();
        assertThat(items.refusals()).isEmpty();
        // the association links contact 1246965 with deal 7654321 (SenderLinksTest has the other shapes)
        assertThat(items.links()).singleElement().satisfies(l -> {
            assertThat(l.leadId()).isEqualTo("hubspot:1246965");
            assertThat(l.linkedLeadId()).isEqualTo("hubspot:deal:7654321");
            assertThat(l.occurredAt()).isEqualTo(Instant.ofEpochMilli(1715100000000L));
        });
    }

    @Test
    void aGenericEventWithoutObjectTypeIdIsRefusedNamingIt() {
        String body = """
                [{"eventId":1,"portalId":1,"occurredAt":1715100000000,"subscriptionType":"object.propertyChange",
                  "propertyName":"dealstage","propertyValue":"closedwon","objectId":5}]""";
        WebhookItems items = read(parser(Map.of()), body);
        assertThat(items.refusals()).singleElement().extracting(WebhookItems.Refusal::field)
                .isEqualTo("[0].objectTypeId");
    }

    @Test
    void aContactsOwnerTravelsWithItsLifecycleChange() {
        String body = """
                [{"eventId":1,"portalId":1,"occurredAt":1715100000000,"subscriptionType":"contact.propertyChange",
                  "propertyName":"hubspot_owner_id","propertyValue":"42","objectId":5},
                 {"eventId":2,"portalId":1,"occurredAt":1715100000000,"subscriptionType":"contact.propertyChange",
                  "propertyName":"lifecyclestage","propertyValue":"salesqualifiedlead","objectId":5},
                 {"eventId":3,"portalId":1,"occurredAt":1715100000000,"subscriptionType":"contact.propertyChange",
                  "propertyName":"amount","propertyValue":"10","objectId":5}]""";
        WebhookItems items = read(parser(Map.of("l2r.webhooks.hubspot.currency", "EUR")), body);
        assertThat(items.changes()).singleElement().satisfies(c -> {
            assertThat(c.attributes().owner()).isEqualTo("42");
            assertThat(c.amount()).as("a contact has no amount").isNull();
        });
        assertThat(items.ignored()).isEqualTo(2);
    }
}
