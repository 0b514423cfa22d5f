package dev.l2r.deploy;

import dev.l2r.infra.LocalKafka;
import dev.l2r.infra.LocalPostgres;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The two scripts docker-compose.yml and the dev overlay run, run here for real: create-topics.sh against a
 * real broker (kafka-topics.sh is Kafka's TopicCommand), init-databases.sh with psql against a real PostgreSQL.
 */
class SingleNodeScriptsTest {

    @TempDir
    Path dir;

    @Test
    void createTopicsMakesEveryTopicTheCodeUsesWithItsRetentionAndCanRunTwice() throws Exception {
        try (LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"), 0, Map.of("auto.create.topics.enable", "false"))) {
            Path kafkaTopics = dir.resolve("kafka-topics.sh");
            Files.writeString(kafkaTopics, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                    + "' -cp '" + System.getProperty("java.class.path") + "' org.apache.kafka.tools.TopicCommand \"$@\"\n");
            Files.setPosixFilePermissions(kafkaTopics, PosixFilePermissions.fromString("rwxr-xr-x"));
            Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                    "KAFKA_TOPICS_SH", kafkaTopics.toString());
            for (int run = 0; run < 2; run++) {
                assertThat(run(List.of("sh", Repo.file("deploy/single-node/create-topics.sh").toString()), env))
                        .as("create-topics.sh run %d", run + 1).isZero();
            }
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                Map<String, TopicDescription> topics = admin.describeTopics(KubernetesManifestsTest.topicsTheCodeUses())
                        .allTopicNames().get(30, TimeUnit.SECONDS);
                assertThat(topics.keySet()).containsAll(KubernetesManifestsTest.topicsTheCodeUses());
                assertThat(topics.get("lead-stage-changed").partitions()).hasSizeGreaterThan(1);
                Map<String, String> events = config(admin, "lead-stage-changed");
                assertThat(events).containsEntry("retention.ms", "-1").containsEntry("retention.bytes", "-1")
                        .containsEntry("cleanup.policy", "delete");
                assertThat(config(admin, "funnel-definition")).containsEntry("cleanup.policy", "compact");
                assertThat(config(admin, "lead-stage-changed-dlq-funnel")).containsEntry("retention.ms", "-1");
            }
        }
    }

    private static Map<String, String> config(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
        return config.entries().stream().collect(Collectors.toMap(e -> e.name(), e -> String.valueOf(e.value())));
    }

    @Test
    void initDatabasesGivesEachServiceItsOwnDatabaseAndNoOther() throws Exception {
        String psql = Tools.require("psql", "L2R_PSQL", "install PostgreSQL's client (Debian: postgresql-client)");
        // the embedded server trusts every login; this one asks the service roles for their passwords (scram),
        // as the PostgreSQL image does, and trusts only the superuser that runs the script
        Path hba = Files.writeString(dir.resolve("pg_hba.conf"), String.join("\n",
                "local all all trust",
                "host all " + LocalPostgres.USER + " 127.0.0.1/32 trust",
                "host all " + LocalPostgres.USER + " ::1/128 trust",
                "host all all 127.0.0.1/32 scram-sha-256",
                "host all all ::1/128 scram-sha-256", ""));
        try (LocalPostgres postgres = LocalPostgres.start(dir.resolve("pg"), 0, Map.of("fsync", "off",
                "hba_file", hba.toString(), "password_encryption", "scram-sha-256"))) {
            Path bin = Files.createDirectories(dir.resolve("bin"));
            Files.createSymbolicLink(bin.resolve("psql"), Path.of(psql));
            Map<String, String> env = Map.of(
                    "PATH", bin + ":" + System.getenv("PATH"),
                    "POSTGRES_USER", LocalPostgres.USER,
                    "PGHOST", "localhost",
                    "PGPORT", String.valueOf(postgres.port()),
                    "PGPASSWORD", LocalPostgres.PASSWORD,
                    "L2R_LEAD_DB_PASSWORD", "lead-pw",
                    "L2R_FUNNEL_DB_PASSWORD", "funnel-pw",
                    "L2R_FORECAST_DB_PASSWORD", "forecast-pw");
            assertThat(run(List.of("sh", Repo.file("deploy/single-node/init-databases.sh").toString()), env)).isZero();

            Map<String, String> passwords = Map.of("l2r_lead", "lead-pw", "l2r_funnel", "funnel-pw",
                    "l2r_forecast", "forecast-pw");
            for (String service : Repo.SERVICES) {
                String database = ServiceConfig.of(service).database();
                String password = passwords.get(database);
                assertThat(password).as("a password for %s", database).isNotNull();
                // its own password and no other opens it
                assertThatThrownBy(() -> DriverManager.getConnection(postgres.jdbcUrl(database), database,
                        password + "-wrong").close()).as("%s with a wrong password", database)
                        .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
                try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(database), database, password);
                     Statement s = c.createStatement()) {
                    // the role owns its database: Flyway can create its tables
                    s.execute("CREATE TABLE flyway_probe (id int)");
                    s.execute("DROP TABLE flyway_probe");
                }
                for (String other : Repo.SERVICES) {
                    String otherDatabase = ServiceConfig.of(other).database();
                    if (!otherDatabase.equals(database)) {
                        assertThatThrownBy(() -> DriverManager.getConnection(postgres.jdbcUrl(otherDatabase), database, password).close())
                                .as("%s must not reach %s", database, otherDatabase)
                                .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
                    }
                }
            }
        }
    }

    private int run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        Path log = Files.createTempFile(dir, "script-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process p = builder.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(command + " did not finish: " + Files.readString(log));
        }
        if (p.exitValue() != 0) {
            System.err.println(Files.readString(log));
        }
        return p.exitValue();
    }
}
