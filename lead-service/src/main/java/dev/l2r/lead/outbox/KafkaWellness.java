package dev.l2r.lead.outbox;

import dev.l2r.platform.ops.KafkaReachableCheck;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.health.api.Wellness;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.Map;

/**
 * lead-service reports Kafka at {@code /q/health/well}, not in readiness (platform's readiness check is excluded
 * here, {@code quarkus.arc.exclude-types}): intake writes to PostgreSQL and the outbox holds what arrives while
 * Kafka is away, so a Kafka outage must not take every replica out of its Service and turn intake away. A
 * startup check would do the same harm to a pod started during an outage. What the outage costs, the relay's
 * lag, is in the metrics ({@code l2r_outbox_backlog}, {@code l2r_outbox_oldest_age_seconds}).
 */
@Wellness
@Singleton
public class KafkaWellness extends KafkaReachableCheck {

    @Inject
    public KafkaWellness(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
                         @ConfigProperty(name = "quarkus.application.name") String application,
                         @ConfigProperty(name = "l2r.health.kafka-timeout", defaultValue = "3s") Duration timeout) {
        super(kafkaConfig, application, timeout);
    }
}
