package dev.l2r.lead.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.l2r.events.funnel.FunnelDefinition;
import dev.l2r.lead.funnel.FunnelDefinitions;
import dev.l2r.lead.funnel.SourceMapping;
import dev.l2r.lead.history.StageChange;
import dev.l2r.lead.intake.Reason;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * Mautic's shapes as Mautic publishes them: the {@code WebhookPayload} JSON files of mautic/mautic's LeadBundle and
 * FormBundle (fixtures in {@code src/test/resources/webhooks/mautic}), sent as {@code WebhookModel} sends them
 * ({@code {"<type>": [items]}}, several items per type when queued), signed as {@code WebhookBundle/Http/Client.php}
 * signs them (base64 HMAC-SHA256 of the body in {@code Webhook-Signature}).
 */
class MauticWebhookTest {

    static final String SECRET = "mautic-webhook-secret";

    static MauticWebhook mautic(Map<String, String> settings) {
        WebhookSupport support = WebhookParsersPropertyTest.support();
        SmallRyeConfigBuilder config = new SmallRyeConfigBuilder();
        Map<String, String> all = new HashMap<>(settings);
        all.putIfAbsent("l2r.webhooks.mautic.secret", SECRET);
        all.forEach(config::withDefaultValue);
        support.config = config.build();
        MauticWebhook mautic = new MauticWebhook();
        mautic.support = support;
        return mautic;
    }

    /** The items of one published payload file. */
    static ArrayNode items(String name) {
        try (InputStream in = MauticWebhookTest.class.getResourceAsStream("/webhooks/mautic/" + name + ".json")) {
            JsonNode node = WebhookParsersPropertyTest.MAPPER.readTree(in);
            return node.isArray() ? (ArrayNode) node : WebhookParsersPropertyTest.MAPPER.createArrayNode().add(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A delivery as WebhookModel builds it: the items of each type under the type's name. */
    static String body(Map<String, ArrayNode> byType) {
        ObjectNode body = WebhookParsersPropertyTest.MAPPER.createObjectNode();
        byType.forEach(body::set);
        return body.toString();
    }

    static WebhookItems read(MauticWebhook mautic, String body) {
        WebhookItems items = new WebhookItems();
        mautic.read(WebhookSignaturesTest.request("mautic", "https://l2r.example.com/api/webhooks/mautic", body,
                Map.of("Content-Type", "application/json")), items);
        return items;
    }

    /** The support with these mappings added to the shipped ones (as a PUT of the funnel definition would). */
    static WebhookSupport mapped(WebhookSupport support, SourceMapping... added) {
        FunnelDefinitions shipped = support.funnels;
        support.funnels = new FunnelDefinitions() {
            @Override
            public Optional<SourceMapping> mapping(String source, String field, String value) {
                for (SourceMapping m : added) {
                    if (m.key().equals(SourceMapping.key(source, field, value))) {
                        return Optional.of(m);
                    }
                }
                return shipped.mapping(source, field, value);
            }
        };
        return support;
    }

    static ObjectNode contact(ArrayNode items, int i) {
        return (ObjectNode) items.get(i).get("contact");
    }

    @Test
    void theSignatureIsTheBase64HmacSha256OfTheBodyAsMauticSendsIt() throws Exception {
        // PHP's json_encode escapes slashes ("Europe\/Prague"): the signature covers the bytes as sent
        String body = "{\"mautic.lead_post_save_new\":" + new String(MauticWebhookTest.class
                .getResourceAsStream("/webhooks/mautic/lead_post_save_new.json").readAllBytes(), StandardCharsets.UTF_8)
                .strip().replace("/", "\\/") + "}";
        String signature = Base64.getEncoder().encodeToString(WebhookSignaturesTest.hmac("HmacSHA256", SECRET, body));
        MauticWebhook mautic = mautic(Map.of());
        assertThatCode(() -> mautic.authenticate(WebhookSignaturesTest.request("mautic", "https://l2r/api/webhooks/mautic",
                body, Map.of("Webhook-Signature", signature)))).doesNotThrowAnyException();
        WebhookSignaturesTest.assertRefused(() -> mautic.authenticate(WebhookSignaturesTest.request("mautic",
                "https://l2r/api/webhooks/mautic", body.replace("john@doe.name", "jane@doe.name"),
                Map.of("Webhook-Signature", signature))), Reason.BAD_SIGNATURE);
        // and it reads: contact 52, new with an email, owner admin
        StageChange known = read(mautic, body).changes().get(0);
        assertThat(known).extracting(StageChange::leadId, StageChange::stage, StageChange::occurredAt)
                .containsExactly("mautic:52", FunnelDefinition.KNOWN, Instant.parse("2017-06-19T09:31:18Z"));
        assertThat(known.attributes().owner()).isEqualTo("admin");
    }

    @Test
    void stockMauticsStageCarriesNoNameSoAStageFieldIsRead() {
        // the contact as stock Mautic serialises it with a stage (mautic/mautic#10658, #12224): no name, no id
        ArrayNode update = items("lead_post_save_update");
        contact(update, 0).set("stage", WebhookParsersPropertyTest.MAPPER.createObjectNode()
                .put("createdByUser", "John Doe").putNull("modifiedByUser"));
        String body = body(Map.of("mautic.lead_post_save_update", update));
        WebhookItems plain = read(mautic(Map.of()), body);
        assertThat(plain.changes()).isEmpty();
        assertThat(plain.parked()).isEmpty();
        assertThat(plain.ignored()).isEqualTo(1);

        // a custom contact field (alias l2r_stage, group core, as Mautic serialises custom fields) holds the stage
        ObjectNode field = WebhookParsersPropertyTest.MAPPER.createObjectNode().put("id", "47").put("label", "L2R stage")
                .put("alias", "l2r_stage").put("type", "select").put("group", "core").put("object", "lead")
                .put("is_fixed", "0").put("value", "Sales Qualified Lead");
        ((ObjectNode) contact(update, 0).get("fields").get("core")).set("l2r_stage", field);
        MauticWebhook withField = mautic(Map.of("l2r.webhooks.mautic.stage-field", "l2r_stage"));
        List<StageChange> changes = read(withField, body(Map.of("mautic.lead_post_save_update", update))).changes();
        assertThat(changes).extracting(StageChange::leadId, StageChange::stage, StageChange::rawStage, StageChange::mode)
                .containsExactly(tuple("mautic:52", FunnelDefinition.SQL, "Sales Qualified Lead",
                        StageChange.Mode.IF_STAGE_DIFFERS));
        assertThat(changes.get(0).occurredAt()).isEqualTo(Instant.parse("2017-06-19T09:32:24Z"));

        // Mautic's REST shape puts it in fields.all too
        ObjectNode all = WebhookParsersPropertyTest.MAPPER.createObjectNode().put("l2r_stage", "Customer");
        ((ObjectNode) contact(update, 0).get("fields")).set("all", all);
        assertThat(read(withField, body(Map.of("mautic.lead_post_save_update", update))).changes())
                .extracting(StageChange::stage).containsExactly(FunnelDefinition.CLOSED_WON);

        // a value no mapping knows is parked, naming the field
        field.put("value", "Evangelist");
        ((ObjectNode) contact(update, 0).get("fields")).remove("all");
        WebhookItems parked = read(withField, body(Map.of("mautic.lead_post_save_update", update)));
        assertThat(parked.changes()).isEmpty();
        assertThat(parked.parked()).extracting(WebhookItems.Parked::mappedField, WebhookItems.Parked::value,
                WebhookItems.Parked::path).containsExactly(tuple("stage", "Evangelist",
                "mautic.lead_post_save_update[0].contact.fields.l2r_stage"));
    }

    @Test
    void aStageWithOnlyItsIdIsMappedByIdAndAnUnknownIdParked() {
        ArrayNode update = items("lead_post_save_update");
        contact(update, 0).set("stage", WebhookParsersPropertyTest.MAPPER.createObjectNode().put("id", 3));
        MauticWebhook mautic = mautic(Map.of());
        WebhookItems unknown = read(mautic, body(Map.of("mautic.lead_post_save_update", update)));
        assertThat(unknown.parked()).extracting(WebhookItems.Parked::mappedField, WebhookItems.Parked::value)
                .containsExactly(tuple("stage_id", "3"));
        assertThat(unknown.parked().get(0).change().stage()).isNull();

        mautic.support = mapped(mautic.support, new SourceMapping("mautic", "stage_id", "3", FunnelDefinition.OPPORTUNITY));
        assertThat(read(mautic, body(Map.of("mautic.lead_post_save_update", update))).changes())
                .extracting(StageChange::stage, StageChange::rawStage).containsExactly(tuple(FunnelDefinition.OPPORTUNITY, "3"));
    }

    @Test
    void aFormSubmissionMakesItsContactKnownWhenItWasSubmitted() {
        ArrayNode form = items("form_on_submit");
        ((ObjectNode) form.get(0)).put("timestamp", "2015-08-26T01:31:00+00:00"); // when queued
        List<StageChange> changes = read(mautic(Map.of()), body(Map.of("mautic.form_on_submit", form))).changes();
        assertThat(changes).extracting(StageChange::leadId, StageChange::stage, StageChange::occurredAt,
                        StageChange::sourceEventId, StageChange::mode)
                .containsExactly(tuple("mautic:26", FunnelDefinition.KNOWN, Instant.parse("2015-08-26T01:30:34Z"),
                        "submission:13", StageChange.Mode.IF_NOT_REACHED));
        // without an email, in the contact or the results, the submitter is not known
        JsonNode lead = form.get(0).get("submission").get("lead");
        ((ObjectNode) lead.get("fields").get("core").get("email")).putNull("value");
        assertThat(read(mautic(Map.of()), body(Map.of("mautic.form_on_submit", form))).changes()).hasSize(1);
        ((ObjectNode) form.get(0).get("submission")).set("results", WebhookParsersPropertyTest.MAPPER.createArrayNode());
        WebhookItems anonymous = read(mautic(Map.of()), body(Map.of("mautic.form_on_submit", form)));
        assertThat(anonymous.changes()).isEmpty();
        assertThat(anonymous.ignored()).isEqualTo(1);
    }

    @Test
    void aQueuedDeliveryIsReadItemByItemAcrossTypes() {
        // queued: two updates, a points change carrying old and new points (as WebhookSubscriber adds them), a form
        ArrayNode updates = items("lead_post_save_update");
        updates.add(updates.get(0).deepCopy());
        contact(updates, 1).put("id", 53).set("stage",
                WebhookParsersPropertyTest.MAPPER.createObjectNode().put("id", 2).put("name", "Marketing Qualified Lead"));
        ((ObjectNode) updates.get(1)).put("timestamp", "2017-06-19T09:40:00+02:00");
        contact(updates, 0).remove("id"); // refused, the others stand
        ArrayNode points = items("lead_points_change");
        ((ObjectNode) points.get(0)).set("points", WebhookParsersPropertyTest.MAPPER.createObjectNode()
                .put("old_points", 95).put("new_points", 105));
        WebhookItems items = read(mautic(Map.of()), body(Map.of("mautic.lead_post_save_update", updates,
                "mautic.lead_points_change", points, "mautic.form_on_submit", items("form_on_submit"))));
        assertThat(items.refusals()).extracting(WebhookItems.Refusal::field)
                .containsExactly("mautic.lead_post_save_update[0].contact.id");
        assertThat(items.changes()).extracting(StageChange::leadId, StageChange::stage, StageChange::occurredAt)
                .containsExactlyInAnyOrder(
                        tuple("mautic:53", FunnelDefinition.MQL, Instant.parse("2017-06-19T07:40:00Z")),
                        tuple("mautic:52", FunnelDefinition.MQL, Instant.parse("2017-06-19T09:33:59Z")),
                        tuple("mautic:26", FunnelDefinition.KNOWN, Instant.parse("2015-08-26T01:30:34Z")));
        // the published points file alone (5 points, no old/new) is under the threshold
        assertThat(read(mautic(Map.of()), body(Map.of("mautic.lead_points_change", items("lead_points_change"))))
                .changes()).isEmpty();
    }

    @Test
    void joiningAMappedSegmentMovesTheContactOtherSegmentsAreIgnored() {
        ObjectNode item = WebhookParsersPropertyTest.MAPPER.createObjectNode();
        item.set("contact", contact(items("lead_post_save_update"), 0));
        item.set("segment", WebhookParsersPropertyTest.MAPPER.createObjectNode().put("id", 4)
                .put("name", "Sales ready").put("alias", "sales-ready"));
        item.put("action", "added").put("timestamp", "2017-06-20T10:00:00+00:00");
        MauticWebhook mautic = mautic(Map.of());
        String body = body(Map.of("mautic.lead_list_change", WebhookParsersPropertyTest.MAPPER.createArrayNode().add(item)));
        WebhookItems unmapped = read(mautic, body);
        assertThat(unmapped.changes()).isEmpty();
        assertThat(unmapped.parked()).isEmpty();
        assertThat(unmapped.ignored()).isEqualTo(1);

        mautic.support = mapped(mautic.support, new SourceMapping("mautic", "segment", "sales-ready", FunnelDefinition.SQL));
        assertThat(read(mautic, body).changes()).extracting(StageChange::leadId, StageChange::stage, StageChange::mode)
                .containsExactly(tuple("mautic:52", FunnelDefinition.SQL, StageChange.Mode.IF_NOT_REACHED));
        item.put("action", "removed");
        String removed = body(Map.of("mautic.lead_list_change", WebhookParsersPropertyTest.MAPPER.createArrayNode().add(item)));
        assertThat(read(mautic, removed).changes()).isEmpty();
    }
}
