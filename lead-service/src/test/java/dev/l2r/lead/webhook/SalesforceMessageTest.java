package dev.l2r.lead.webhook;

import dev.l2r.infra.test.Draw;
import dev.l2r.infra.test.Tries;
import dev.l2r.lead.intake.Reason;
import dev.l2r.lead.intake.RejectedInput;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The outbound message parser and Salesforce ids, without a running service. */
class SalesforceMessageTest {

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A delivery in the form Salesforce sends it (see SalesforceWebhookTest for where the form was published):
     * xsi declared on the Envelope, sf on each sObject, a nil SessionId, fields in the sObject namespace.
     */
    static final String LEAD = """
            <?xml version="1.0" encoding="UTF-8"?>
            <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
             <soapenv:Body>
              <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
               <OrganizationId>00D5e000000bKzPEAU</OrganizationId>
               <ActionId>04k5e000000TQ6XAAW</ActionId>
               <SessionId xsi:nil="true"/>
               <EnterpriseUrl>https://example.my.salesforce.com/services/Soap/c/61.0/00D5e000000bKzP</EnterpriseUrl>
               <PartnerUrl>https://example.my.salesforce.com/services/Soap/u/61.0/00D5e000000bKzP</PartnerUrl>
               <Notification>
                <Id>04l5e00000MXb0vAAD</Id>
                <sObject xsi:type="sf:Lead" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">
                 <sf:Id>00Q5e00000Cp3aREAR</sf:Id>
                 <sf:Company>Example &amp; Co</sf:Company>
                 <sf:ConvertedOpportunityId xsi:nil="true"/>
                 <sf:Status>Working - Contacted</sf:Status>
                </sObject>
               </Notification>
              </notifications>
             </soapenv:Body>
            </soapenv:Envelope>
            """;

    @Test
    void readsTheEnvelopeItsNotificationsAndTheirFields() {
        SalesforceMessage m = SalesforceMessage.parse(utf8(LEAD));
        assertThat(m.organizationId()).isEqualTo("00D5e000000bKzPEAU");
        assertThat(m.actionId()).isEqualTo("04k5e000000TQ6XAAW");
        assertThat(m.notifications()).hasSize(1);
        SalesforceMessage.Notification n = m.notifications().get(0);
        assertThat(n.id()).isEqualTo("04l5e00000MXb0vAAD");
        assertThat(n.type()).isEqualTo("Lead");
        assertThat(n.path()).isEqualTo("Notification[0]");
        assertThat(n.field("Id")).isEqualTo("00Q5e00000Cp3aREAR");
        assertThat(n.field("Company")).isEqualTo("Example & Co");
        assertThat(n.field("Status")).isEqualTo("Working - Contacted");
        assertThat(n.fields()).containsKey("ConvertedOpportunityId");
        assertThat(n.field("ConvertedOpportunityId")).isNull();
    }

    @Test
    void aTypeIsOnlyASalesforceTypeWhenItsPrefixNamesTheSObjectNamespace() {
        String other = LEAD.replace("xmlns:sf=\"urn:sobject.enterprise.soap.sforce.com\"",
                "xmlns:sf=\"urn:sobject.enterprise.soap.sforce.com\" xmlns:x=\"urn:other\"")
                .replace("xsi:type=\"sf:Lead\"", "xsi:type=\"x:Lead\"");
        assertThat(SalesforceMessage.parse(utf8(other)).notifications().get(0).type()).isNull();
        // another prefix bound to the same namespace is the same type
        String renamed = LEAD.replace("xmlns:sf=", "xmlns:s=").replace("sf:", "s:");
        SalesforceMessage.Notification n = SalesforceMessage.parse(utf8(renamed)).notifications().get(0);
        assertThat(n.type()).isEqualTo("Lead");
        assertThat(n.field("Status")).isEqualTo("Working - Contacted");
    }

    @Test
    void whatIsNoOutboundMessageIsRefusedNamingWhatIsMissing() {
        assertThat(refused("")).isEqualTo("body");
        assertThat(refused("{\"json\":true}")).isEqualTo("body");
        assertThat(refused("<a>unclosed")).isEqualTo("body");
        assertThat(refused("<notifications xmlns=\"http://soap.sforce.com/2005/09/outbound\"/>")).isEqualTo("body");
        assertThat(refused(LEAD.replace("http://soap.sforce.com/2005/09/outbound", "urn:elsewhere")))
                .isEqualTo("notifications");
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 101; i++) {
            many.append("<Notification><Id>04l5e00000MXb0vAAD</Id></Notification>");
        }
        assertThat(refused(LEAD.replaceFirst("(?s)<Notification>.*</Notification>", many.toString())))
                .isEqualTo("Notification");
    }

    @Test
    void aDoctypeIsRefusedWhetherItsEntitiesAreExternalOrExpanding() {
        String external = "<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + LEAD.substring(LEAD.indexOf("<soapenv:Envelope")).replace("Working - Contacted", "&x;");
        RejectedInput e = catchThrowableOfType(() -> SalesforceMessage.parse(utf8(external)), RejectedInput.class);
        assertThat(e.reason()).isEqualTo(Reason.MALFORMED);
        assertThat(e.error()).contains("DOCTYPE").doesNotContain("root:");
        String laughs = "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;"
                + "&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]><l>&c;</l>";
        assertThat(refused(laughs)).isEqualTo("body");
    }

    @Test
    void anyBodyIsReadOrRefusedAs400NeverAnotherFailure() {
        String alphabet = "<>/=\"' :&;!?-[]xsiNotificationsObjectIdsf\n";
        Tries.forAll(2_000, r -> mutate(r, alphabet), Draw::shorter, body -> {
            try {
                SalesforceMessage.parse(utf8(body));
            } catch (RejectedInput e) {
                assertThat(e.toProblem().status()).isEqualTo(400);
            }
        });
    }

    /** The Lead message with a stretch replaced by characters XML cares about, or such characters alone. */
    private static String mutate(Random r, String alphabet) {
        String noise = Draw.string(r, alphabet, 40);
        if (r.nextInt(4) == 0) {
            return noise;
        }
        int at = r.nextInt(LEAD.length());
        int end = Math.min(LEAD.length(), at + r.nextInt(30));
        return LEAD.substring(0, at) + noise + LEAD.substring(end);
    }

    @Test
    void idsOfFifteenCharactersGainTheirCaseChecksum() {
        // the 15/18-character pair of a user id in a delivery published on mikesimonds.com (an OwnerId)
        assertThat(SalesforceIds.to18("00540000000mBqs")).isEqualTo("00540000000mBqsAAE");
        assertThat(SalesforceIds.to18("00540000000mBqsAAE")).isEqualTo("00540000000mBqsAAE");
        assertThatThrownBy(() -> SalesforceIds.to18("0054000000mBqs")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anOrganizationIsTheSameByItsCaseSensitiveFifteenCharacterPrefix() {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        Tries.forAll(500, r -> {
            StringBuilder id = new StringBuilder("00D");
            while (id.length() < 15) {
                id.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            return id.toString();
        }, id -> {
            String full = SalesforceIds.to18(id);
            assertThat(SalesforceIds.same(id, full)).isTrue();
            assertThat(SalesforceIds.same(full, id)).isTrue();
            assertThat(SalesforceIds.same(full, full)).isTrue();
            // one letter of another case is another organization; the checksum is no part of the comparison
            assertThat(SalesforceIds.same(full, id.substring(0, 3) + flip(id.substring(3)))).isEqualTo(
                    id.substring(3).equals(flip(id.substring(3))));
            assertThat(SalesforceIds.same(full, id.substring(0, 14))).isFalse();
            assertThat(SalesforceIds.same(full, id + "x")).isFalse();
            assertThat(SalesforceIds.same(full, null)).isFalse();
        });
    }

    /** Its first letter in the other case (digits only: unchanged). */
    private static String flip(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isLetter(c)) {
                char other = Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c);
                return s.substring(0, i) + other + s.substring(i + 1);
            }
        }
        return s;
    }

    @Test
    void aLongStageValueIsHashedIntoASourceEventIdOfAtMost200Characters() {
        String shortId = SalesforceWebhook.sourceEventId("04l5e00000MXb0vAAD", "0065e00000Gv7RPAAZ", "Closed Won");
        assertThat(shortId).isEqualTo("04l5e00000MXb0vAAD:0065e00000Gv7RPAAZ:Closed Won");
        String longId = SalesforceWebhook.sourceEventId("04l5e00000MXb0vAAD", "0065e00000Gv7RPAAZ", "v".repeat(200));
        assertThat(longId).hasSize(18 + 1 + 18 + 1 + 7 + 64).startsWith("04l5e00000MXb0vAAD:0065e00000Gv7RPAAZ:sha256:");
        assertThat(SalesforceWebhook.sourceEventId("04l5e00000MXb0vAAD", "0065e00000Gv7RPAAZ", "w".repeat(200)))
                .isNotEqualTo(longId);
    }

    @Test
    void withoutAConfiguredOrganizationEveryMessageIsRefused401() {
        for (Map<String, String> settings : List.of(Map.<String, String>of(),
                Map.of("l2r.webhooks.salesforce.organization-id", " "),
                Map.of("l2r.webhooks.salesforce.organization-id", "00D5e000000bKz"))) {
            SalesforceWebhook webhook = webhook(settings);
            RejectedInput e = catchThrowableOfType(() -> webhook.authenticate(request(LEAD)), RejectedInput.class);
            assertThat(e.toProblem().status()).as("%s", settings).isEqualTo(401);
            assertThat(e.reason()).isEqualTo(Reason.NOT_CONFIGURED);
        }
        SalesforceWebhook configured = webhook(Map.of("l2r.webhooks.salesforce.organization-id", "00D5e000000bKzP"));
        configured.authenticate(request(LEAD));
        RejectedInput e = catchThrowableOfType(() -> configured.authenticate(request(LEAD.replace("00D5e000000bKzPEAU",
                "00D5e000000bKzQEAU"))), RejectedInput.class);
        assertThat(e.toProblem().status()).isEqualTo(401);
        assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE);
    }

    private static SalesforceWebhook webhook(Map<String, String> settings) {
        WebhookSupport support = new WebhookSupport();
        support.config = new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(settings, "test", 500))
                .build();
        SalesforceWebhook webhook = new SalesforceWebhook();
        webhook.support = support;
        return webhook;
    }

    private static WebhookRequest request(String body) {
        return new WebhookRequest("salesforce", "POST", "https://l2r.example.com/api/webhooks/salesforce",
                Map.of("Content-Type", "text/xml"), utf8(body), Instant.now());
    }

    private static String refused(String body) {
        RejectedInput e = catchThrowableOfType(() -> SalesforceMessage.parse(utf8(body)), RejectedInput.class);
        assertThat(e).as("refused: " + body).isNotNull();
        assertThat(e.toProblem().status()).isEqualTo(400);
        return e.toProblem().field();
    }
}
