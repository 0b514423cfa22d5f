package dev.l2r.lead.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.lead.history.StageChange;
import dev.l2r.lead.identity.Link;
import dev.l2r.lead.intake.Reason;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * Segment's shapes as Segment publishes them (the Spec pages' complete examples, the e-commerce v2 Order Completed
 * example; fixtures in {@code src/test/resources/webhooks/segment}), and batches signed as the Webhooks (Actions)
 * destination signs them (segmentio/action-destinations, {@code destinations/webhook/index.ts}: the hex HMAC-SHA1
 * of {@code JSON.stringify} of the first payload of a batch; its test "supports request signing with batched
 * events" checks the signature against {@code JSON.stringify(body[0])}).
 */
class SegmentWebhookTest {

    static final String SECRET = "abc123"; // the secret of action-destinations' own webhook tests

    static SegmentWebhook segment(Map<String, String> settings) {
        WebhookSupport support = WebhookParsersPropertyTest.support();
        SmallRyeConfigBuilder config = new SmallRyeConfigBuilder();
        Map<String, String> all = new HashMap<>(settings);
        all.putIfAbsent("l2r.webhooks.segment.secret", SECRET);
        all.forEach(config::withDefaultValue);
        support.config = config.build();
        SegmentWebhook segment = new SegmentWebhook();
        segment.support = support;
        return segment;
    }

    /** A published example, as compact JSON: what {@code JSON.stringify} makes of it. */
    static String fixture(String name) {
        try (InputStream in = SegmentWebhookTest.class.getResourceAsStream("/webhooks/segment/" + name + ".json")) {
            return WebhookParsersPropertyTest.MAPPER.writeValueAsString(WebhookParsersPropertyTest.MAPPER.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String with(String json, String field, Object value) {
        try {
            ObjectNode node = (ObjectNode) WebhookParsersPropertyTest.MAPPER.readTree(json);
            if (value == null) {
                node.remove(field);
            } else {
                node.set(field, WebhookParsersPropertyTest.MAPPER.valueToTree(value));
            }
            return WebhookParsersPropertyTest.MAPPER.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sign(String signed) {
        try {
            return HexFormat.of().formatHex(WebhookSignaturesTest.hmac("HmacSHA1", SECRET, signed));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static WebhookRequest request(String body, String signature) {
        Map<String, String> headers = new HashMap<>();
        headers.put("Content-Type", "application/json");
        if (signature != null) {
            headers.put("X-Signature", signature);
        }
        return WebhookSignaturesTest.request("segment", "https://l2r.example.com/api/webhooks/segment", body, headers);
    }

    static WebhookItems read(SegmentWebhook segment, String body) {
        WebhookItems items = new WebhookItems();
        segment.read(request(body, null), items);
        return items;
    }

    @Test
    void aBatchIsSignedOverItsFirstEventAsTheActionsDestinationSignsIt() {
        SegmentWebhook segment = segment(Map.of());
        String first = fixture("identify");
        String second = fixture("order-completed");
        String batch = "[" + first + "," + second + "]"; // JSON.stringify of the array
        assertThatCode(() -> segment.authenticate(request(batch, sign(first)))).doesNotThrowAnyException();
        // upper-case hex is the same signature
        assertThatCode(() -> segment.authenticate(request(batch, sign(first).toUpperCase())))
                .doesNotThrowAnyException();

        // a signature of the whole body covers more: taken too
        assertThatCode(() -> segment.authenticate(request(batch, sign(batch)))).doesNotThrowAnyException();
        // the second event, another secret, no header: not what Segment signs
        WebhookSignaturesTest.assertRefused(() -> segment.authenticate(request(batch, sign(second))), Reason.BAD_SIGNATURE);
        WebhookSignaturesTest.assertRefused(() -> segment.authenticate(request(batch, null)), Reason.BAD_SIGNATURE);
        WebhookSignaturesTest.assertRefused(() -> segment(Map.of("l2r.webhooks.segment.secret", "other"))
                .authenticate(request(batch, sign(first))), Reason.BAD_SIGNATURE);
        // one byte of the first event changed
        String forged = "[" + first.replace("Peter Gibbons", "Peter Gibbonz") + "," + second + "]";
        WebhookSignaturesTest.assertRefused(() -> segment.authenticate(request(forged, sign(first))), Reason.BAD_SIGNATURE);
        // an empty or malformed batch has no first event: only its whole body can be signed
        WebhookSignaturesTest.assertRefused(() -> segment.authenticate(request("[]", sign(""))), Reason.BAD_SIGNATURE);
        WebhookSignaturesTest.assertRefused(() -> segment.authenticate(request("[{\"a\":", sign("{\"a\":"))),
                Reason.BAD_SIGNATURE);
        assertThatCode(() -> segment.authenticate(request("[{\"a\":", sign("[{\"a\":")))).doesNotThrowAnyException();

        // action-destinations' own batch test: payloads {cool:false},{cool:true}, signed over the first
        String theirs = "[{\"cool\":false},{\"cool\":true}]";
        assertThatCode(() -> segment.authenticate(request(theirs, sign("{\"cool\":false}")))).doesNotThrowAnyException();
        // a single event (classic destination, or an Actions mapping without batching) is signed over the body
        assertThatCode(() -> segment.authenticate(request(first, sign(first)))).doesNotThrowAnyException();
        WebhookSignaturesTest.assertRefused(() -> segment.authenticate(request(first, sign(second))), Reason.BAD_SIGNATURE);
    }

    @Test
    void theFirstElementIsTakenAsItStandsInTheBodyWhateverItHolds() {
        assertThat(new String(SegmentWebhook.firstElement(" \n[ {\"a\":[1,{\"b\":\"]\"}]} , 2]"
                .getBytes(StandardCharsets.UTF_8)).orElseThrow(), StandardCharsets.UTF_8))
                .isEqualTo("{\"a\":[1,{\"b\":\"]\"}]}");
        // multi-byte characters: offsets are bytes
        assertThat(new String(SegmentWebhook.firstElement("[{\"n\":\"Zoë €\"},{}]".getBytes(StandardCharsets.UTF_8))
                .orElseThrow(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":\"Zoë €\"}");
        assertThat(new String(SegmentWebhook.firstElement("[\"x\"]".getBytes(StandardCharsets.UTF_8)).orElseThrow(),
                StandardCharsets.UTF_8)).isEqualTo("\"x\"");
        assertThat(SegmentWebhook.firstElement("[]".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(SegmentWebhook.firstElement("[{\"a\":".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(SegmentWebhook.firstElement("{\"a\":1}".getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    void eachElementOfABatchIsAnItemWithItsOwnOutcome() {
        String identify = with(fixture("identify"), "traits", Map.of("lifecycle_stage", "sql"));
        String broken = with(fixture("track"), "messageId", null);
        String unmapped = fixture("track"); // "Course Clicked": not about the funnel
        String alias = fixture("alias");
        WebhookItems items = read(segment(Map.of()), "[" + identify + "," + broken + "," + unmapped + "," + alias + "]");
        assertThat(items.changes()).extracting(StageChange::leadId, StageChange::stage)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("segment:97980cfea0067", "SQL"));
        assertThat(items.refusals()).extracting(WebhookItems.Refusal::field).containsExactly("[1].messageId");
        // the unmapped track is ignored; the alias, and the identify naming both ids, are links
        assertThat(items.ignored()).isEqualTo(1);
        assertThat(items.links()).extracting(Link::linkedBy).containsExactly("segment.identify", "segment.alias");
    }

    @Test
    void orderCompletedCarriesItsRevenueInItsCurrency() {
        SegmentWebhook segment = segment(Map.of());
        String order = fixture("order-completed"); // total 27.50, revenue 22.50, USD
        StageChange won = read(segment, order).changes().get(0);
        assertThat(won.stage()).isEqualTo(FunnelDefinition.CLOSED_WON);
        assertThat(won.leadId()).isEqualTo("segment:AiUGstSDIg");
        assertThat(won.amount()).isEqualByComparingTo("22.50");
        assertThat(won.currency()).isEqualTo("USD");
        assertThat(won.occurredAt()).isEqualTo(Instant.parse("2015-12-12T19:11:01.249Z"));
        assertThat(won.sourceEventId()).isEqualTo("ajs-order-completed-50314b8e9bcf000000000000");

        // without revenue, the total; without a currency, USD as Segment assumes; value is no money
        JsonNode properties = WebhookParsersPropertyTest.MAPPER.valueToTree(Map.of("total", 27.5, "currency", "EUR"));
        assertThat(read(segment, with(order, "properties", properties)).changes().get(0))
                .extracting(StageChange::amount, StageChange::currency).containsExactly(new BigDecimal("27.5"), "EUR");
        assertThat(read(segment, with(order, "properties", Map.of("revenue", 9.99))).changes().get(0).currency())
                .isEqualTo("USD");
        assertThat(read(segment, with(order, "properties", Map.of("value", 40))).changes().get(0).amount()).isNull();
        // money is checked like REST's: the item is refused naming its field, the others stand
        WebhookItems bad = read(segment, "[" + with(order, "properties", Map.of("revenue", 10, "currency", "euro"))
                + "," + with(order, "properties", Map.of("revenue", -1)) + "," + order + "]");
        assertThat(bad.refusals()).extracting(WebhookItems.Refusal::field)
                .containsExactly("[0].properties.currency", "[1].properties.revenue");
        assertThat(bad.changes()).hasSize(1);
    }

    @Test
    void campaignContextBecomesChannelAndCampaign() {
        // the common fields' example: campaign name, source Newsletter, medium email, term, content
        String identify = with(fixture("common"), "type", "identify");
        StageChange known = read(segment(Map.of()), identify).changes().get(0);
        assertThat(known.stage()).isEqualTo(FunnelDefinition.KNOWN);
        assertThat(known.attributes().channel()).isEqualTo("email");
        assertThat(known.attributes().campaign()).isEqualTo("TPS Innovation Newsletter");
        // without a medium, the source is the channel
        String noMedium = identify.replace("\"medium\":\"email\",", "");
        assertThat(read(segment(Map.of()), noMedium).changes().get(0).attributes().channel()).isEqualTo("Newsletter");
    }

    @Test
    void aGroupCallKeepsTheAccountsTraitAsTheLeadsSegment() {
        String group = fixture("group"); // user 97980cfea0067 of Initech: plan enterprise, industry Technology
        List<StageChange> fromGroup = read(segment(Map.of()), group).changes();
        StageChange account = fromGroup.get(0);
        StageChange known = fromGroup.get(1);
        assertThat(known.leadId()).isEqualTo("segment:97980cfea0067");
        assertThat(known.stage()).isEqualTo(FunnelDefinition.KNOWN);
        assertThat(known.mode()).isEqualTo(StageChange.Mode.IF_NOT_REACHED);
        assertThat(known.attributes().segment()).isEqualTo("enterprise");
        // a lead already past KNOWN takes the segment all the same: a details change beside the stage
        assertThat(account.mode()).isEqualTo(StageChange.Mode.DETAILS);
        assertThat(account.leadId()).isEqualTo("segment:97980cfea0067");
        assertThat(account.attributes()).isEqualTo(new dev.l2r.events.LeadAttributes(null, "enterprise", null, null));
        assertThat(account.sourceEventId()).isNotEqualTo(known.sourceEventId()).startsWith(known.sourceEventId());
        assertThat(account.occurredAt()).isEqualTo(known.occurredAt());
        assertThat(read(segment(Map.of("l2r.webhooks.segment.segment-trait", "industry")), group).changes())
                .extracting(c -> c.attributes().segment()).containsExactly("Technology", "Technology");

        // in one batch, the lead's other messages carry its account's segment, wherever the group call stands
        String identify = with(fixture("identify"), "traits", Map.of("lifecycle_stage", "sql"));
        WebhookItems batch = read(segment(Map.of()), "[" + identify + "," + group + "," + fixture("track") + "]");
        assertThat(batch.changes()).extracting(c -> c.attributes().segment())
                .containsExactly("enterprise", "enterprise", "enterprise");
        // an anonymous visitor's group call makes a new lead ANONYMOUS, with its segment
        StageChange visitor = read(segment(Map.of()), with(group, "userId", null)).changes().get(0);
        assertThat(visitor).extracting(StageChange::leadId, StageChange::stage)
                .containsExactly("segment:507f191e810c19729de860ea", FunnelDefinition.ANONYMOUS);
        assertThat(visitor.attributes().segment()).isEqualTo("enterprise");
    }

    @Test
    void identifyWithBothIdsMovesTheUserAndLinksTheVisitorAndAliasIsALink() {
        // identify carries anonymousId 507f191e810c19729de860ea and userId 97980cfea0067
        String identify = with(fixture("identify"), "traits", Map.of("lifecycle_stage", "opportunity"));
        List<StageChange> changes = read(segment(Map.of()), identify).changes();
        assertThat(changes).extracting(StageChange::leadId, StageChange::stage, StageChange::mode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("segment:97980cfea0067",
                        FunnelDefinition.OPPORTUNITY, StageChange.Mode.IF_STAGE_DIFFERS));
        // the published example's traits (name, email, plan...) make the user KNOWN
        assertThat(read(segment(Map.of()), fixture("identify")).changes()).extracting(StageChange::stage)
                .containsExactly(FunnelDefinition.KNOWN);
        // ...and links the user with the anonymous visitor it was
        assertThat(read(segment(Map.of()), identify).links()).extracting(Link::leadId, Link::linkedLeadId,
                Link::occurredAt, Link::source, Link::sourceEventId).containsExactly(org.assertj.core.groups.Tuple.tuple(
                "segment:97980cfea0067", "segment:507f191e810c19729de860ea",
                Instant.parse("2015-02-23T22:28:55.111Z"), "segment", "022bb90c-bbac-11e4-8dfc-aa07a5b093db"));
        // alias (previousId → userId) is a link: no stage change
        WebhookItems alias = read(segment(Map.of()), fixture("alias"));
        assertThat(alias.changes()).isEmpty();
        assertThat(alias.ignored()).isZero();
        assertThat(alias.links()).extracting(Link::leadId, Link::linkedLeadId).containsExactly(
                org.assertj.core.groups.Tuple.tuple("segment:507f191e81", "segment:39239-239239-239239-23923"));
        // an alias without its previousId is refused naming it
        assertThat(read(segment(Map.of()), with(fixture("alias"), "previousId", null)).refusals())
                .extracting(WebhookItems.Refusal::field).containsExactly("body.previousId");
        // identify with only one id links nothing
        assertThat(read(segment(Map.of()), with(fixture("identify"), "anonymousId", null)).links()).isEmpty();
    }

    @Test
    void anUnmappedLifecycleValueIsParkedAndAnUnmappedEventIgnored() {
        String identify = with(fixture("identify"), "traits", Map.of("lifecycle_stage", "evangelist"));
        WebhookItems items = read(segment(Map.of()), "[" + fixture("track") + "," + identify + "]");
        assertThat(items.changes()).isEmpty();
        assertThat(items.refusals()).isEmpty();
        assertThat(items.ignored()).isEqualTo(1);
        assertThat(items.parked()).hasSize(1);
        WebhookItems.Parked parked = items.parked().get(0);
        assertThat(parked.mappedField()).isEqualTo("lifecycle_stage");
        assertThat(parked.value()).isEqualTo("evangelist");
        assertThat(parked.path()).isEqualTo("[1].traits.lifecycle_stage");
        assertThat(parked.change().stage()).isNull();
        assertThat(parked.change().leadId()).isEqualTo("segment:97980cfea0067");
        assertThat(parked.change().sourceEventId()).isEqualTo("022bb90c-bbac-11e4-8dfc-aa07a5b093db");
        assertThat(parked.change().occurredAt()).isEqualTo(Instant.parse("2015-02-23T22:28:55.111Z"));
    }
}
