package dev.l2r.infra;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The login listener admits only known users with their password, and lets them do only what an ACL allows. */
class LocalKafkaLoginsTest {

    @TempDir
    Path dir;

    @Test
    void aUserNeedsItsPasswordAndAnAclToWrite() throws Exception {
        try (LocalKafka kafka = LocalKafka.startWithLogins(dir, Map.of())) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("allowed", 1, (short) 1), new NewTopic("other", 1, (short) 1)))
                        .all().get(30, TimeUnit.SECONDS);
                admin.createAcls(List.of(new AclBinding(new ResourcePattern(ResourceType.TOPIC, "allowed", PatternType.LITERAL),
                        new AccessControlEntry("User:writer", "*", AclOperation.WRITE, AclPermissionType.ALLOW))))
                        .all().get(30, TimeUnit.SECONDS);
            }
            kafka.addUser("writer", "right");

            try (KafkaProducer<String, String> producer = producer(kafka, "writer", "right")) {
                assertThat(producer.send(new ProducerRecord<>("allowed", "k", "v")).get(30, TimeUnit.SECONDS).offset()).isZero();
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>("other", "k", "v")).get(30, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
            }
            try (KafkaProducer<String, String> producer = producer(kafka, "writer", "wrong")) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>("allowed", "k", "v")).get(30, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
            }
        }
    }

    private static KafkaProducer<String, String> producer(LocalKafka kafka, String user, String password) {
        return new KafkaProducer<>(Map.of("bootstrap.servers", kafka.loginBootstrapServers(),
                "security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", LocalKafka.scramLogin(user, password), "max.block.ms", 10_000),
                new StringSerializer(), new StringSerializer());
    }
}
