package dev.l2r.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Kafka and PostgreSQL together, with one database per service. Tests use a temporary instance (random ports,
 * data deleted on close); {@code bin/l2r up} uses a persistent one whose data survives a restart.
 */
public final class LocalInfra implements AutoCloseable {

    /** The database each service owns; no service reads another's. */
    public static final List<String> SERVICE_DATABASES = List.of("l2r_lead", "l2r_funnel", "l2r_forecast");

    private final Path dataDir;
    private final boolean temporary;
    private final LocalPostgres postgres;
    private final LocalKafka kafka;

    private LocalInfra(Path dataDir, boolean temporary, LocalPostgres postgres, LocalKafka kafka) {
        this.dataDir = dataDir;
        this.temporary = temporary;
        this.postgres = postgres;
        this.kafka = kafka;
    }

    /** Throw-away infrastructure for tests: random ports, durability traded for speed, deleted on close. */
    public static LocalInfra startTemporary() {
        try {
            Path dir = Files.createTempDirectory("l2r-infra-");
            return start(dir, true, 0, 0, Map.of("fsync", "off", "synchronous_commit", "off", "full_page_writes", "off"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Durable infrastructure whose data lives in {@code dataDir} across restarts. */
    public static LocalInfra startPersistent(Path dataDir, int kafkaPort, int postgresPort) {
        return start(dataDir, false, kafkaPort, postgresPort, Map.of());
    }

    private static LocalInfra start(Path dir, boolean temporary, int kafkaPort, int postgresPort,
                                    Map<String, String> postgresConfig) {
        LocalPostgres postgres = LocalPostgres.start(dir.resolve("postgres"), postgresPort, postgresConfig);
        try {
            SERVICE_DATABASES.forEach(postgres::createDatabaseIfMissing);
            LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"), kafkaPort, Map.of());
            return new LocalInfra(dir, temporary, postgres, kafka);
        } catch (RuntimeException e) {
            postgres.close();
            throw e;
        }
    }

    public LocalKafka kafka() {
        return kafka;
    }

    public LocalPostgres postgres() {
        return postgres;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The settings a service needs to reach this infrastructure, as Quarkus configuration properties. */
    public Map<String, String> quarkusConfig(String database) {
        return Map.of(
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "quarkus.datasource.jdbc.url", postgres.jdbcUrl(database),
                "quarkus.datasource.username", LocalPostgres.USER,
                "quarkus.datasource.password", LocalPostgres.PASSWORD);
    }

    @Override
    public void close() {
        try {
            kafka.close();
        } finally {
            postgres.close();
            if (temporary) {
                deleteTree(dataDir);
            }
        }
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
