package dev.l2r.infra;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The infrastructure is real: records survive a broker restart, rows survive a database restart. */
class LocalInfraTest {

    @Test
    void kafkaAndPostgresKeepTheirDataAcrossRestarts() throws Exception {
        Path dir = Files.createTempDirectory("l2r-infra-test-");
        try (LocalInfra infra = LocalInfra.startPersistent(dir, 0, 0)) {
            String url = infra.postgres().jdbcUrl("l2r_funnel");
            try (Connection c = DriverManager.getConnection(url, LocalPostgres.USER, LocalPostgres.PASSWORD);
                 Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (v int)");
                s.execute("INSERT INTO t VALUES (42)");
            }
            String bootstrap = infra.kafka().bootstrapServers();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                admin.createTopics(List.of(new NewTopic("probe", 3, (short) 1))).all().get();
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                    "acks", "all"), new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("probe", "k", "hello")).get();
            }

            infra.kafka().stop();
            infra.postgres().stop();
            assertThatThrownBy(() -> DriverManager.getConnection(url, LocalPostgres.USER, LocalPostgres.PASSWORD))
                    .hasMessageContaining("Connection");
            infra.postgres().restart();
            infra.kafka().restart();

            assertThat(infra.kafka().bootstrapServers()).isEqualTo(bootstrap);
            try (Connection c = DriverManager.getConnection(url, LocalPostgres.USER, LocalPostgres.PASSWORD);
                 ResultSet rs = c.createStatement().executeQuery("SELECT v FROM t")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(42);
            }
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                    "group.id", "probe", "auto.offset.reset", "earliest"), new StringDeserializer(),
                    new StringDeserializer())) {
                consumer.subscribe(Set.of("probe"));
                ConsumerRecords<String, String> records = ConsumerRecords.empty();
                for (int i = 0; i < 50 && records.isEmpty(); i++) {
                    records = consumer.poll(Duration.ofMillis(200));
                }
                assertThat(records.count()).isEqualTo(1);
                assertThat(records.iterator().next().value()).isEqualTo("hello");
            }
        } finally {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
