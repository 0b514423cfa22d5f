package dev.l2r.lead.webhook;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.l2r.lead.funnel.FunnelDefinitions;
import dev.l2r.lead.history.StageChange;
import dev.l2r.lead.intake.RejectedInput;
import dev.l2r.lead.intake.StageChangeFactory;
import io.smallrye.config.SmallRyeConfigBuilder;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.reflect.Field;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Property: whatever a sender's payload holds, its parser answers with stage changes, ignored items and refusals
 * naming a field inside the item, or refuses the whole body with its refusal type; it never throws anything else
 * (which would be a 500), and every change it makes is storable (REST's bounds on ids, names and money).
 *
 * <p>Payloads are generated around each sender's published shape (the shapes of {@code WebhookIntakeTest}, which
 * follow the senders' documentation): a valid delivery whose values, keys and structure are then mutated at
 * random into numbers out of every range, strings of the wrong kind, length or characters, nested objects and
 * arrays where scalars are expected, deep nesting, and broken bytes. Each run is seeded; a failure names its seed.
 * A generator of our own rather than a property-testing library (docs/DECISIONS.md).
 */
class WebhookParsersPropertyTest {

    static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    static final int TRIES = 1500;
    static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES); // as Quarkus configures its mapper
    static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /**
     * One sender's parser, a valid delivery of its shape, and the paths its item refusals may start with. The
     * generic webhook takes REST's body, whose text rules (control characters) are REST's own, in
     * {@code StageChangeFactory}; the senders' parsers apply them here.
     */
    record Parser(String name, WebhookSource source, String template, Predicate<String> itemPath) {
        boolean checksText() {
            return !name.equals("generic");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Parser> parsers() {
        WebhookSupport support = support();
        HubSpotWebhook hubspot = new HubSpotWebhook();
        hubspot.support = support;
        MauticWebhook mautic = new MauticWebhook();
        mautic.support = support;
        SegmentWebhook segment = new SegmentWebhook();
        segment.support = support;
        PipedriveWebhook pipedrive = new PipedriveWebhook();
        pipedrive.support = support;
        pipedrive.funnels = support.funnels;
        GenericWebhook generic = new GenericWebhook();
        generic.support = support;
        generic.changes = support.changes;
        generic.signed = new dev.l2r.lead.intake.SignedSources(java.util.Optional.empty());
        long t = NOW.minus(Duration.ofDays(3)).toEpochMilli();
        String iso = NOW.minus(Duration.ofDays(3)).toString();
        return Stream.of(
                new Parser("hubspot", hubspot, """
                        [{"eventId":1,"subscriptionId":1,"portalId":62515,"occurredAt":%1$d,
                          "subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":123,
                          "propertyName":"lifecyclestage","propertyValue":"marketingqualifiedlead","changeSource":"CRM"},
                         {"eventId":2,"subscriptionId":2,"portalId":62515,"occurredAt":%1$d,
                          "subscriptionType":"deal.propertyChange","attemptNumber":0,"objectId":77,
                          "propertyName":"dealstage","propertyValue":"closedwon","changeSource":"CRM"},
                         {"eventId":3,"subscriptionType":"contact.creation","objectId":124,"occurredAt":%1$d}]"""
                        .formatted(t), field -> field.matches("\\[\\d+]\\..+")),
                new Parser("mautic", mautic, """
                        {"mautic.lead_post_save_new":[{"contact":{"id":7,"points":0,"owner":{"username":"ann"},
                           "fields":{"core":{"email":{"value":"a@b.c"}}}},"timestamp":"%1$s"}],
                         "mautic.lead_points_change":[{"contact":{"id":7,"points":120},
                           "points":{"old_points":90,"new_points":120},"timestamp":"%1$s"}],
                         "mautic.lead_post_save_update":[{"contact":{"id":7,"points":130,
                           "stage":{"id":3,"name":"Sales Qualified Lead"},"fields":{"all":{"email":"a@b.c"}}},
                           "timestamp":"%1$s"}]}""".formatted(iso),
                        field -> field.equals("body") || field.matches("mautic\\.lead_[^\\[]*\\[\\d+]\\..+")),
                new Parser("segment", segment, """
                        {"batch":[
                         {"type":"page","messageId":"m1","anonymousId":"anon-1","timestamp":"%1$s",
                          "context":{"campaign":{"name":"spring","medium":"cpc","source":"google"}}},
                         {"type":"identify","messageId":"m2","userId":"u-1","anonymousId":"anon-1",
                          "traits":{"email":"x@y.z","lifecycle_stage":"opportunity"},"timestamp":"%1$s"},
                         {"type":"track","messageId":"m3","userId":"u-1","event":"Demo Requested","timestamp":"%1$s",
                          "properties":{"revenue":99.5,"currency":"EUR"}}]}""".formatted(iso),
                        // a message that is no object is refused as a whole (batch[2]); a JSON array is a batch
                        field -> field.matches("(batch\\[\\d+]|\\[\\d+]|body)(\\..+)?")),
                new Parser("pipedrive", pipedrive, """
                        {"meta":{"action":"change","entity":"deal","entity_id":"42","timestamp":%d,"version":"2.0",
                          "attempt":1},
                         "data":{"id":42,"status":"won","stage_id":4,"value":6200.5,"currency":"EUR","owner_id":9,
                          "title":"Big deal"},
                         "previous":{"status":"open"}}""".formatted(t / 1000),
                        field -> field.matches("(meta|data|current|previous)\\..+")),
                new Parser("generic", generic, """
                        {"leadId":"lead-9","toStage":"SQL","occurredAt":"%s","source":"marketo","sourceEventId":"mk-1",
                         "amount":12500.25,"currency":"EUR","rawStage":"Sales Qualified",
                         "attributes":{"channel":"email","segment":"smb","owner":"ann","campaign":"spring"}}"""
                        .formatted(iso), field -> !field.isBlank()));
    }

    /** The parsers' real collaborators, built without the container: default mappings, REST's rules. */
    static WebhookSupport support() {
        Validator validator = Validation.byDefaultProvider().configure()
                .messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory().getValidator();
        FunnelDefinitions funnels = new FunnelDefinitions();
        set(funnels, "refreshInterval", Duration.ofDays(365_000)); // never re-read: no database here
        StageChangeFactory changes = new StageChangeFactory();
        set(changes, "funnels", funnels);
        set(changes, "validator", validator);
        set(changes, "earliest", Instant.parse("1990-01-01T00:00:00Z"));
        set(changes, "maxFutureSkew", Duration.ofMinutes(10));
        set(changes, "clock", Clock.fixed(NOW, ZoneOffset.UTC));
        WebhookSupport support = new WebhookSupport();
        support.config = new SmallRyeConfigBuilder().build();
        support.mapper = MAPPER;
        support.funnels = funnels;
        support.changes = changes;
        support.validator = validator;
        return support;
    }

    static void set(Object target, String name, Object value) {
        try {
            Field field = target.getClass().getDeclaredField(name);
            field.setAccessible(true);
            field.set(target, value);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @MethodSource("parsers")
    void theTemplateIsReadAsTheSenderMeantIt(Parser parser) {
        WebhookItems items = new WebhookItems();
        parser.source().read(request(parser, parser.template().getBytes(StandardCharsets.UTF_8)), items);
        assertThat(items.refusals()).isEmpty();
        assertThat(items.changes()).as("the unmutated delivery makes changes").isNotEmpty();
    }

    @ParameterizedTest
    @MethodSource("parsers")
    void anyMutationOfThePayloadIsReadRefusedByFieldOrRefusedWholeNeverThrown(Parser parser) throws Exception {
        // a new seed each run, or -Dwebhook.parsers.seed=<seed> to repeat a failure
        long seed = Long.getLong("webhook.parsers.seed", new Random().nextLong());
        Random random = new Random(seed);
        JsonNode template = MAPPER.readTree(parser.template());
        int changes = 0;
        int refusals = 0;
        int refusedWhole = 0;
        for (int i = 0; i < TRIES; i++) {
            byte[] body = mutate(template, random);
            WebhookItems items = new WebhookItems();
            try {
                parser.source().read(request(parser, body), items);
            } catch (RejectedInput e) {
                // the body as a whole, or (a sender of one item per delivery) the item's field
                assertThat(e.toProblem().field()).as("seed %d, try %d: refused whole, naming a field", seed, i)
                        .isNotNull().matches(f -> f.equals("body") || f.equals("meta") || parser.itemPath().test(f));
                assertThat(e.status()).isEqualTo(400);
                refusedWhole++;
                continue;
            } catch (RuntimeException | StackOverflowError e) {
                fail("seed %d, try %d: %s threw %s on %s".formatted(seed, i, parser, e,
                        new String(body, 0, Math.min(body.length, 2000), StandardCharsets.UTF_8)), e);
            }
            for (WebhookItems.Refusal refusal : items.refusals()) {
                assertThat(refusal.field()).as("seed %d, try %d: a refused item names its field", seed, i)
                        .isNotBlank().matches(parser.itemPath());
                assertThat(refusal.field().length() + refusal.error().length())
                        .as("seed %d, try %d: a refusal echoes no unbounded value", seed, i).isLessThan(1000);
            }
            for (StageChange change : items.changes()) {
                assertStorable(change, parser.checksText(), "seed %d, try %d".formatted(seed, i));
            }
            changes += items.changes().size();
            refusals += items.refusals().size();
        }
        // the mutations neither always break the payload nor never do
        assertThat(changes).as("seed %d: changes made", seed).isPositive();
        assertThat(refusals + refusedWhole).as("seed %d: refusals", seed).isPositive();
    }

    /** What REST would accept and the database can store. */
    static void assertStorable(StageChange change, boolean checksText, String what) {
        for (String text : new String[]{change.leadId(), change.rawStage(), change.attributes().channel(),
                change.attributes().owner(), change.attributes().campaign()}) {
            if (text != null) {
                assertThat(text.length()).as(what).isLessThanOrEqualTo(200);
                assertThat(text.chars().noneMatch(Character::isISOControl) || !checksText).as("%s: %s", what, text)
                        .isTrue();
            }
        }
        // the senders' delivery ids are composed of checked values (several of them for HubSpot)
        if (change.sourceEventId() != null) {
            assertThat(change.sourceEventId().chars().noneMatch(Character::isISOControl) || !checksText).as(what)
                    .isTrue();
        }
        if (change.amount() != null) {
            BigDecimal amount = change.amount().stripTrailingZeros();
            assertThat(amount.signum()).as(what).isGreaterThanOrEqualTo(0);
            assertThat(amount.precision() - amount.scale()).as("%s: integer digits of %s", what, amount)
                    .isLessThanOrEqualTo(15);
            assertThat(Math.max(amount.scale(), 0)).as("%s: decimals of %s", what, amount).isLessThanOrEqualTo(4);
            assertThat(change.currency()).as(what).matches("[A-Z]{3}");
        }
        assertThat(change.occurredAt()).as(what).isBetween(Instant.parse("1990-01-01T00:00:00Z"),
                NOW.plus(Duration.ofMinutes(10)));
    }

    static WebhookRequest request(Parser parser, byte[] body) {
        return new WebhookRequest(parser.name(), "POST", "https://l2r.example.com/api/webhooks/" + parser.name(),
                Map.of("Content-Type", "application/json"), body, NOW);
    }

    /** A mutated delivery: a few mutations of the tree, now and then broken bytes instead. */
    static byte[] mutate(JsonNode template, Random random) throws Exception {
        JsonNode tree = template.deepCopy();
        int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            tree = mutateSomewhere(tree, random);
        }
        byte[] bytes = MAPPER.writeValueAsBytes(tree);
        return switch (random.nextInt(40)) {
            case 0 -> java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length + 1)); // truncated
            case 1 -> ("[".repeat(5000) + "]".repeat(5000)).getBytes(StandardCharsets.UTF_8); // beyond the nesting limit
            case 2 -> {
                byte[] broken = bytes.clone();
                broken[random.nextInt(broken.length)] = (byte) (0x80 + random.nextInt(0x80)); // not UTF-8
                yield broken;
            }
            case 3 -> new byte[0];
            default -> bytes;
        };
    }

    /** Replaces, removes or adds one node somewhere in the tree (or replaces the whole tree). */
    static JsonNode mutateSomewhere(JsonNode root, Random random) {
        List<JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        if (containers.isEmpty() || random.nextInt(50) == 0) {
            return nasty(random);
        }
        JsonNode container = containers.get(random.nextInt(containers.size()));
        if (container instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            int what = random.nextInt(10);
            if (names.isEmpty() || what == 0) {
                object.set(random.nextBoolean() ? nastyText(random) : "mautic.lead_x", nasty(random));
            } else if (what == 1) {
                object.remove(names.get(random.nextInt(names.size())));
            } else {
                object.set(names.get(random.nextInt(names.size())), nasty(random));
            }
        } else if (container instanceof ArrayNode array) {
            if (array.isEmpty() || random.nextInt(4) == 0) {
                array.add(nasty(random));
            } else {
                array.set(random.nextInt(array.size()), nasty(random));
            }
        }
        return root;
    }

    static void collect(JsonNode node, List<JsonNode> containers) {
        if (node.isContainerNode()) {
            containers.add(node);
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                collect(it.next(), containers);
            }
        }
    }

    /** A value a sender should never send where it is put. */
    static JsonNode nasty(Random random) {
        return switch (random.nextInt(12)) {
            case 0 -> JSON.numberNode(new BigDecimal(random.nextBoolean() ? "1E+400" : "1E-400"));
            case 1 -> JSON.numberNode(new BigDecimal("1000000000000000")); // 10^15: one digit too many
            case 2 -> JSON.numberNode(new BigDecimal("123.45678")); // five decimals
            case 3 -> JSON.numberNode(random.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE);
            case 4 -> JSON.numberNode(random.nextInt(200) - 100);
            case 5 -> JSON.numberNode(new BigDecimal(random.nextInt(2_000_000) + "." + random.nextInt(100)));
            case 6 -> JSON.textNode(nastyText(random));
            case 7 -> {
                ObjectNode nested = JSON.objectNode();
                nested.set("value", JSON.textNode("x"));
                yield nested;
            }
            case 8 -> JSON.arrayNode().add(JSON.textNode("won"));
            case 9 -> deep(random.nextInt(300));
            case 10 -> JSON.nullNode();
            default -> JSON.booleanNode(random.nextBoolean());
        };
    }

    static String nastyText(Random random) {
        return switch (random.nextInt(12)) {
            case 0 -> "";
            case 1 -> "   ";
            case 2 -> "x".repeat(201 + random.nextInt(5000));
            case 3 -> "won\u0000";
            case 4 -> "line\nbreak";
            case 5 -> "NaN";
            case 6 -> "Infinity";
            case 7 -> "1e999999999";
            case 8 -> "EURO";
            case 9 -> "2025-13-45T99:99:99Z";
            case 10 -> "\uD83D\uDE00 opportunity";
            default -> String.valueOf(random.nextInt(10));
        };
    }

    static JsonNode deep(int depth) {
        JsonNode node = JSON.textNode("bottom");
        for (int i = 0; i < depth; i++) {
            node = i % 2 == 0 ? JSON.arrayNode().add(node) : JSON.objectNode().set("a", node);
        }
        return node;
    }
}
