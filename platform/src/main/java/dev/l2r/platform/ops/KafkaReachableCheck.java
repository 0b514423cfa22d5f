package dev.l2r.platform.ops;

import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Readiness: DOWN while no Kafka broker answers within {@code l2r.health.kafka-timeout}. It replaces
 * {@code quarkus.kafka.health.enabled}, whose admin call waits for the client's default API timeout (60 s)
 * when the broker is gone, so that a probe hung instead of reading DOWN. Uses the services' own Kafka
 * settings ({@code kafka.*}: address, TLS, SASL) and one admin client for the life of the process.
 */
@Readiness
@ApplicationScoped
public class KafkaReachableCheck implements HealthCheck {

    static final String NAME = "Kafka cluster reachable";

    private final Admin admin;
    private final Duration timeout;

    @Inject
    public KafkaReachableCheck(@Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
                               @ConfigProperty(name = "quarkus.application.name") String application,
                               @ConfigProperty(name = "l2r.health.kafka-timeout", defaultValue = "3s") Duration timeout) {
        this.timeout = timeout;
        Map<String, Object> config = new HashMap<>();
        kafkaConfig.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                config.put(key, value);
            }
        });
        int millis = (int) timeout.toMillis();
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, application + "-health");
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        this.admin = Admin.create(config);
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME);
        long millis = timeout.toMillis();
        try {
            Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) millis))
                    .nodes().get(millis + 500, TimeUnit.MILLISECONDS);
            if (nodes.isEmpty()) {
                return response.down().withData("reason", "no brokers").build();
            }
            return response.up().withData("nodes",
                    nodes.stream().map(n -> n.host() + ":" + n.port()).collect(Collectors.joining(","))).build();
        } catch (ExecutionException e) {
            return response.down().withData("reason", String.valueOf(e.getCause().getMessage())).build();
        } catch (TimeoutException e) {
            return response.down().withData("reason", "no answer within " + timeout).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return response.down().withData("reason", "interrupted").build();
        }
    }

    @PreDestroy
    void close() {
        admin.close(Duration.ZERO);
    }
}
