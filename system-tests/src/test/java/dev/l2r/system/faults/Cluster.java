package dev.l2r.system.faults;

import dev.l2r.infra.LocalKafka;
import dev.l2r.infra.LocalPostgres;
import dev.l2r.infra.ServiceProcess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The three packaged services as production runs them: processes configured by environment variables, several
 * replicas of a service sharing one database, and each service its own PostgreSQL server (as each has its own
 * CloudNativePG cluster in deploy/), so that one service's database can be stopped while the others' run. One Kafka
 * broker. Replicas are numbered; a replica killed or stopped can be started again in its place.
 */
final class Cluster implements AutoCloseable {

    static final Path ROOT = Path.of(System.getProperty("l2r.repo.root", ".."));

    enum Service {
        LEAD("lead-service", "l2r_lead"),
        FUNNEL("funnel-service", "l2r_funnel"),
        FORECAST("forecast-service", "l2r_forecast");

        final String module;
        final String database;

        Service(String module, String database) {
            this.module = module;
            this.database = database;
        }
    }

    private final Path dir;
    private final LocalKafka kafka;
    private final Map<Service, LocalPostgres> postgres;
    private final Map<Service, Map<String, String>> env;
    private final Map<Service, List<ServiceProcess>> replicas = new EnumMap<>(Service.class);
    /** Every process started, killed ones too, with a name for its log. */
    private final Map<String, ServiceProcess> started = new java.util.LinkedHashMap<>();

    private Cluster(Path dir, LocalKafka kafka, Map<Service, LocalPostgres> postgres, Map<Service, Map<String, String>> env) {
        this.dir = dir;
        this.kafka = kafka;
        this.postgres = postgres;
        this.env = env;
        for (Service s : Service.values()) {
            replicas.put(s, new ArrayList<>());
        }
    }

    /**
     * Starts the broker, a PostgreSQL server per service, then lead-service (it creates the topics the others
     * read), then the consumers' replicas, and waits until every process is ready.
     *
     * @param env settings of each service's replicas, beside the addresses
     */
    static Cluster start(Map<Service, Integer> counts, Map<Service, Map<String, String>> env) throws Exception {
        Path dir = Files.createTempDirectory("l2r-faults-");
        Map<Service, LocalPostgres> servers = new EnumMap<>(Service.class);
        // throw-away data, as LocalInfra's temporary infrastructure: no fsync
        Map<String, String> fast = Map.of("fsync", "off", "synchronous_commit", "off", "full_page_writes", "off");
        for (Service s : Service.values()) {
            LocalPostgres server = LocalPostgres.start(dir.resolve(s.database), 0, fast);
            server.createDatabaseIfMissing(s.database);
            servers.put(s, server);
        }
        LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"), 0, Map.of());
        Cluster cluster = new Cluster(dir, kafka, servers, env);
        for (int i = 0; i < counts.getOrDefault(Service.LEAD, 1); i++) {
            cluster.launch(Service.LEAD, Map.of());
        }
        cluster.awaitReady();
        for (Service s : List.of(Service.FUNNEL, Service.FORECAST)) {
            for (int i = 0; i < counts.getOrDefault(s, 1); i++) {
                cluster.launch(s, Map.of());
            }
        }
        cluster.awaitReady();
        return cluster;
    }

    LocalKafka kafka() {
        return kafka;
    }

    LocalPostgres postgres(Service s) {
        return postgres.get(s);
    }

    /** A plain JDBC connection to a service's database, for what the test checks or breaks there. */
    Connection sql(Service s) throws SQLException {
        return DriverManager.getConnection(postgres.get(s).jdbcUrl(s.database), LocalPostgres.USER, LocalPostgres.PASSWORD);
    }

    List<ServiceProcess> replicas(Service s) {
        return List.copyOf(replicas.get(s));
    }

    ServiceProcess replica(Service s, int i) {
        return replicas.get(s).get(i);
    }

    /** The address of the first replica alive: where a client (or a load balancer) sends a request. */
    String url(Service s) {
        return replicas.get(s).stream().filter(ServiceProcess::isAlive).findFirst()
                .orElseThrow(() -> new IllegalStateException("no replica of " + s.module + " is running")).baseUrl();
    }

    /** Starts replica {@code i} again in place of one killed or stopped, with these settings added; not awaited. */
    ServiceProcess relaunch(Service s, int i, Map<String, String> extra) throws IOException {
        if (replicas.get(s).get(i).isAlive()) {
            throw new IllegalStateException(s.module + " replica " + i + " is still running");
        }
        ServiceProcess process = ServiceProcess.start(ROOT, s.module, env(s, extra), jvm());
        replicas.get(s).set(i, process);
        started.put(s.module + "-" + i + "-" + started.size(), process);
        return process;
    }

    void awaitReady() throws Exception {
        for (List<ServiceProcess> list : replicas.values()) {
            for (ServiceProcess p : list) {
                if (p.isAlive()) {
                    p.awaitReady(Duration.ofSeconds(180));
                }
            }
        }
    }

    private void launch(Service s, Map<String, String> extra) throws IOException {
        ServiceProcess process = ServiceProcess.start(ROOT, s.module, env(s, extra), jvm());
        started.put(s.module + "-" + replicas.get(s).size() + "-" + started.size(), process);
        replicas.get(s).add(process);
    }

    private Map<String, String> env(Service s, Map<String, String> extra) {
        Map<String, String> all = new HashMap<>(ServiceProcess.envFor(kafka, postgres.get(s), s.database));
        all.putAll(env.getOrDefault(s, Map.of()));
        all.putAll(extra);
        return all;
    }

    private static List<String> jvm() {
        return List.of("-Xmx384m", "-XX:+UseSerialGC");
    }

    @Override
    public void close() throws Exception {
        for (List<ServiceProcess> list : replicas.values()) {
            for (ServiceProcess p : list) {
                p.close();
            }
        }
        // every process's log, killed ones too, kept beside the test reports for whoever reads a failure
        Path logs = ROOT.resolve("system-tests/target/fault-logs");
        Files.createDirectories(logs);
        for (Map.Entry<String, ServiceProcess> e : started.entrySet()) {
            Files.writeString(logs.resolve(e.getKey() + ".log"), e.getValue().log());
        }
        kafka.close();
        postgres.values().forEach(LocalPostgres::close);
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
