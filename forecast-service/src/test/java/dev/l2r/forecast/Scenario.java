package dev.l2r.forecast;

import dev.l2r.events.EventJson;
import dev.l2r.events.LeadAttributes;
import dev.l2r.events.LeadStageChanged;
import dev.l2r.events.TransitionKind;
import dev.l2r.infra.LocalInfra;
import dev.l2r.infra.test.TopicProbe;
import io.agroal.api.AgroalDataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/**
 * Events for the integration tests, published to the real broker, and a wait until the service has stored them.
 * The base pipeline is the one worked by hand in {@code ForecastModelTest}, moved to 2031.
 */
public final class Scenario implements AutoCloseable {

    public static final Instant T0 = Instant.parse("2031-01-01T00:00:00Z");

    private final LocalInfra infra;
    private final AgroalDataSource dataSource;
    private final KafkaProducer<String, String> producer;

    public Scenario(LocalInfra infra, AgroalDataSource dataSource) {
        this.infra = infra;
        this.dataSource = dataSource;
        this.producer = new KafkaProducer<>(Map.of("bootstrap.servers", infra.kafka().bootstrapServers(),
                "acks", "all"), new StringSerializer(), new StringSerializer());
    }

    public static Instant day(double d) {
        return T0.plusMillis(Math.round(d * 86_400_000));
    }

    /** ISO text of a day, for query parameters. */
    public static String at(double d) {
        return day(d).toString();
    }

    public static LeadStageChanged event(String lead, String stage, double day, String amount, String segment) {
        return event(lead, stage, day, amount, amount == null ? null : "USD", segment);
    }

    public static LeadStageChanged event(String lead, String stage, double day, String amount, String currency,
                                         String segment) {
        return new LeadStageChanged(UUID.randomUUID(), 1, lead, null, stage, TransitionKind.ADVANCE, null, day(day),
                Instant.now(), "test", null, null, amount == null ? null : new BigDecimal(amount), currency,
                segment == null ? LeadAttributes.NONE : new LeadAttributes(null, segment, "owner-" + segment, null));
    }

    /**
     * a: opportunity day 10 (600), won day 12; b: day 20, lost 23; c: day 97 with 1000, open; d: day 30 (900), won
     * 35; e: day 98, segment x, no amount, open; f: day 40, no decision 48. Closes come before their opportunities,
     * as a late delivery would have them.
     */
    public static List<LeadStageChanged> base() {
        return List.of(
                event("a", "CLOSED_WON", 12, null, null), event("a", "OPPORTUNITY", 10, "600", null),
                event("b", "CLOSED_LOST", 23, null, null), event("b", "OPPORTUNITY", 20, null, null),
                event("c", "OPPORTUNITY", 97, "1000", null),
                event("d", "OPPORTUNITY", 30, "900", null), event("d", "CLOSED_WON", 35, null, null),
                event("e", "OPPORTUNITY", 98, null, "x"),
                event("f", "NO_DECISION", 48, null, null), event("f", "OPPORTUNITY", 40, null, null));
    }

    /** Empties the service's tables, so each test starts from its own events. */
    public void reset() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("TRUNCATE event_log, lead_state, stage_spell, lead_close, lead_arrival, revenue_target, dead_letter, lead_alias");
            s.executeUpdate("UPDATE projection_state SET funnel_version = 0, funnel = NULL");
        }
    }

    public void publish(Collection<LeadStageChanged> events) {
        for (LeadStageChanged e : events) {
            send(LeadStageChanged.TOPIC, e.leadId(), EventJson.write(e));
        }
    }

    /** A deal value or owner changed without a stage change, as lead-service's relay sends it: with its header. */
    public static dev.l2r.events.LeadDetailsChanged details(String lead, double day, String amount, String owner) {
        return new dev.l2r.events.LeadDetailsChanged(UUID.randomUUID(), 1, lead, day(day), Instant.now(), "test",
                null, amount == null ? null : new BigDecimal(amount), amount == null ? null : "USD",
                new LeadAttributes(null, null, owner, null));
    }

    public void publishDetailsAndAwait(Collection<dev.l2r.events.LeadDetailsChanged> events) {
        for (dev.l2r.events.LeadDetailsChanged e : events) {
            ProducerRecord<String, String> record = new ProducerRecord<>(LeadStageChanged.TOPIC, e.leadId(),
                    EventJson.write(e));
            record.headers().add(dev.l2r.events.LeadEventTypes.HEADER, dev.l2r.events.LeadEventTypes
                    .LEAD_DETAILS_CHANGED.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            try {
                producer.send(record).get();
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        }
        awaitStored(events.stream().map(dev.l2r.events.LeadDetailsChanged::eventId).toList());
    }

    /** Events of any kind, each with its l2r-event-type header as lead-service's relay sends it, awaited. */
    public void publishKindsAndAwait(Collection<? extends dev.l2r.events.LeadEvent> events) {
        for (dev.l2r.events.LeadEvent e : events) {
            ProducerRecord<String, String> record = new ProducerRecord<>(LeadStageChanged.TOPIC, e.leadId(),
                    EventJson.write(e));
            record.headers().add(dev.l2r.events.LeadEventTypes.HEADER, dev.l2r.events.LeadEventTypes.of(e)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            try {
                producer.send(record).get();
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        }
        awaitStored(events.stream().map(dev.l2r.events.LeadEvent::eventId).toList());
    }

    public void send(String topic, String key, String value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Publishes the events and waits until every one of them is in the service's event log. */
    public void publishAndAwait(Collection<LeadStageChanged> events) {
        publish(events);
        awaitStored(events.stream().map(LeadStageChanged::eventId).toList());
    }

    /**
     * Publishes events the service has seen before (same ids) and waits until its consumer group has committed
     * past them: stored ids would answer at once, before the redelivered records are even read.
     */
    public void redeliverAndAwait(Collection<LeadStageChanged> events) {
        publish(events);
        producer.flush();
        TopicProbe.awaitConsumed(infra.kafka().bootstrapServers(), "forecast-service", LeadStageChanged.TOPIC,
                Duration.ofSeconds(60));
    }

    public void awaitStored(Collection<UUID> ids) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> stored(ids) == ids.stream().distinct().count());
    }

    private long stored(Collection<UUID> ids) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM event_log WHERE event_id = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    public List<LeadStageChanged> with(List<LeadStageChanged> events, LeadStageChanged... more) {
        List<LeadStageChanged> all = new ArrayList<>(events);
        all.addAll(List.of(more));
        return all;
    }

    public LocalInfra infra() {
        return infra;
    }

    @Override
    public void close() {
        producer.close();
    }
}
